"""Reading a query: words, tag names, synonym groups and the negation grammar (no text model).

The query is lower-cased, punctuation becomes spaces (:func:`normalize`), and its words are read
left to right taking the longest tag name at each position (so multi-word tags such as "new age"
or "male vocal" are found). Filler words (:data:`FILLER_WORDS`) are skipped. A negation ("no X",
"not X", "without X", "non-X"; :data:`NEGATIONS`) where X is a tag name (or a synonym of one)
becomes the vocabulary's explicit negative tag when there is one ("without vocals" -> "no
vocals"; "without singing" -> "no vocal" via the vocal synonym group), and otherwise a *negated*
tag that scores ``1 - p`` ("without drums" -> not drums). The word sets and synonym groups are
data (:mod:`mtat.search.vocabulary`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from mtat.search.results import TagMatch
from mtat.search.vocabulary import load, normalize

_WORDS = load().words
#: Words that negate what follows.
NEGATIONS = _WORDS["negations"]
#: A negation before words that name neither a tag nor a concept alias ("without instruments",
#: "nothing too jazzy") negates the concept nearest to the next at most this many words (embedded
#: alone, so the negation never pulls the query toward what it excludes).
MAX_NEGATED_WORDS = 3
#: Nouns that finish a negated tag's phrase ("no synth pads", "without guitar solos"): negated with
#: it, never read as words of their own.
NEGATED_TAIL = _WORDS["negated tail"]
#: Words skipped right after a negation ("without any strings", "no more sad songs", "don't want rock").
NEGATION_SKIP = _WORDS["negation skip"]
#: Words that carry a negation on to the next item of a list: "no drums or beats" negates both.
NEGATED_LIST = _WORDS["negated list"]
#: Verbs of stopping: a negation before one says the music goes on ("a kick that never stops",
#: "doesn't let up", "non-stop"), it negates nothing in the music.
CESSATION_WORDS = _WORDS["cessation"]
#: Words after which a negation is a set phrase that says nothing about the music ("no cap", "no lie"):
#: both are left out of what is read.
NEGATION_IDIOMS = _WORDS["negation idioms"]
#: Verbs of dislike: they negate a tag name that follows ("i hate guitars") and are otherwise read as
#: words ("songs for when you hate mondays"), never negating a concept.
AVERSIONS = _WORDS["aversions"]
FILLER_WORDS = _WORDS["filler"]
#: Near-synonym tag groups (MTAT spells many ideas several ways). Tags not listed are their own group.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = load().synonym_groups
#: How the vocabulary spells an explicit negative tag ("no vocals", "not english").
NEGATIVE_TAG_PREFIXES = ("no ", "not ")
#: Similarity reported for a tag named literally in the query.
EXACT_SIMILARITY = 1.0

__all__ = ["normalize", "NEGATIONS", "NEGATED_TAIL", "NEGATED_LIST", "NEGATION_SKIP", "CESSATION_WORDS", "NEGATION_IDIOMS",
           "AVERSIONS", "FILLER_WORDS", "SYNONYM_GROUPS", "TagParser"]


def skip_negation_words(words: list[str], i: int) -> int:
    """The first position from ``i`` on that is not in :data:`NEGATION_SKIP`."""
    while i < len(words) and words[i] in NEGATION_SKIP:
        i += 1
    return i


def negation_before(words: list[str], i: int) -> int | None:
    """Position of the negation word that governs word ``i`` ("not" in "not too sleepy"; "no" for "beats"
    in "no drums or beats": :data:`NEGATED_LIST`), or None."""
    k = i - 1
    while k >= 0 and words[k] in NEGATION_SKIP:
        k -= 1
    if k >= 0 and words[k] in NEGATIONS:
        return k
    if k >= 1 and words[k] in NEGATED_LIST:  # the list's previous item, at most MAX_NEGATED_WORDS long
        for start in range(k - 1, max(-1, k - 1 - MAX_NEGATED_WORDS), -1):
            if words[start] in NEGATIONS or words[start] in NEGATED_LIST:
                break
            governed = negation_before(words, start)
            if governed is not None:
                return governed
    return None


def negated_spans(words: list[str], covered: set[int]) -> list[tuple[int, int]]:
    """``(negation position, end)`` of each negation whose next words name no tag or alias
    (those were handled by :meth:`TagParser.parse` / the concept table): up to
    :data:`MAX_NEGATED_WORDS` words after it, skipping :data:`NEGATION_SKIP`, stopping at a
    filler word, another negation or a matched word."""
    spans = []
    for i, w in enumerate(words):
        if w not in NEGATIONS or i in covered:
            continue
        j = skip_negation_words(words, i + 1)
        if j < len(words) and words[j] in CESSATION_WORDS:
            continue
        end = j
        while (end < len(words) and end - j < MAX_NEGATED_WORDS and end not in covered
               and words[end] not in FILLER_WORDS and words[end] not in NEGATIONS):
            end += 1
        if end > j:
            spans.append((i, end))
    return spans


def group_index(tags: Sequence[str]) -> dict[str, int]:
    """tag -> group id (synonym groups first, then one group per remaining tag)."""
    index: dict[str, int] = {}
    for gi, group in enumerate(SYNONYM_GROUPS):
        for t in group:
            index[t] = gi
    nxt = len(SYNONYM_GROUPS)
    for t in tags:
        if t not in index:
            index[t] = nxt
            nxt += 1
    return index


def synonyms_of() -> dict[str, list[str]]:
    """tag -> the other members of its synonym group."""
    return {t: [m for m in grp if m != t] for grp in SYNONYM_GROUPS for t in grp}


class TagParser:
    """Finds the tag names and negated tags of a query in a fixed tag vocabulary.

    ``alias_at(words, i)``: length in words of the longest concept alias at word ``i`` (a concept
    more specific than the tags inside it wins: "classical guitar", "heavy metal")."""

    def __init__(self, tags: Sequence[str], alias_at: Callable[[list[str], int], int]):
        self.tags = list(tags)
        self.norm = {normalize(t): t for t in self.tags}
        self.max_words = max(len(n.split()) for n in self.norm)
        self.group = group_index(self.tags)
        self.phrases = set(self.norm) | set(self.group)  # what a negation may negate
        self._alias_at = alias_at

    def tag_at(self, words: list[str], i: int) -> tuple[str | None, int]:
        """Longest vocabulary tag (or synonym of one: "guitars" -> guitar) starting at word ``i``:
        (tag, words used) or (None, 0)."""
        for n in range(min(max(self.max_words, 3), len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            tag = self.norm.get(phrase)
            if tag is None and self.group.get(phrase, len(SYNONYM_GROUPS)) < len(SYNONYM_GROUPS):
                tag = next(iter(self.members(phrase)), None)
            if tag is not None:
                return tag, n
        return None, 0

    def phrase_at(self, words: list[str], i: int) -> tuple[str | None, int]:
        """Longest known tag phrase (any synonym-group member, in the vocabulary or not) at ``i``."""
        for n in range(min(max(self.max_words, 3), len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            if phrase in self.phrases:
                return phrase, n
        return None, 0

    def members(self, phrase: str) -> list[str]:
        """Vocabulary tags equal to ``phrase`` or in its synonym group (exact name first)."""
        g = self.group.get(phrase)
        out = [self.norm[phrase]] if phrase in self.norm else []
        if g is not None:
            out += [t for t in self.tags if self.group.get(t) == g and t not in out]
        return out

    def negation(self, phrase: str) -> TagMatch | None:
        """The match for "no <phrase>": an explicit negative tag if the vocabulary has one,
        else the phrase's tag negated, else ``None``."""
        g = self.group.get(phrase)
        synonyms = SYNONYM_GROUPS[g] if g is not None and g < len(SYNONYM_GROUPS) else ()
        for cand in [phrase, *(t for t in synonyms if t != phrase)]:
            for prefix in NEGATIVE_TAG_PREFIXES:
                neg = self.norm.get(prefix + cand)
                if neg is not None:
                    return TagMatch(neg, EXACT_SIMILARITY, False, "negation")
        members = self.members(phrase)
        if members:
            return TagMatch(members[0], EXACT_SIMILARITY, True, "negation")
        return None

    def _read_negation(self, words: list[str], i: int, found: list[TagMatch], text: list[str], blocked: set[int]) -> int:
        """At the negation word ``i``: the position after what it negates (a tag phrase: its match added
        to ``found`` and its group to ``blocked``, with a trailing noun such as "pads"; a cessation verb
        kept in ``text``: "non stop"; past a set phrase, "no cap", which ``text`` does not keep), or ``i`` when
        it negates no tag."""
        k = skip_negation_words(words, i + 1)
        if k < len(words) and words[k] in NEGATION_IDIOMS:  # "no cap", "not gonna lie": read neither word
            return k + 1
        if k < len(words) and words[k] in CESSATION_WORDS:  # "non stop", "never ends"
            text.extend(words[i:k + 1])
            return k + 1
        phrase, n = self.phrase_at(words, k)
        if phrase is None and k + 1 < len(words) and words[k] not in FILLER_WORDS | NEGATIONS:
            phrase, n = self.phrase_at(words, k + 1)  # one describing word first: "isn't cheesy pop"
            n = n + 1 if phrase else n
        match = self.negation(phrase) if phrase else None
        if match is None:
            return i
        found.append(match)
        if self.group.get(phrase) is not None:
            blocked.add(self.group[phrase])
        end = k + n
        while end < len(words) and words[end] in NEGATED_TAIL:  # "no synth pads", "no guitar solos"
            end += 1
        if end + 1 < len(words) and words[end] in NEGATED_LIST:  # "no drums or beats": the next item too
            after = self._read_negation(words, end, found, text, blocked)
            if after != end:
                return after
        return end

    def _blocked_by_negative_tags(self, found: list[TagMatch]) -> set[int]:
        """The groups an explicit "no X" tag blocks ("no vocals" blocks vocal...)."""
        return {self.group[m.tag[len(prefix):]] for m in found for prefix in NEGATIVE_TAG_PREFIXES
                if m.tag.startswith(prefix) and m.tag[len(prefix):] in self.group}

    def parse(self, query: str) -> tuple[list[TagMatch], list[str], list[str], set[int]]:
        """``(literal matches, text to embed, words that named no tag, groups a negation blocks)``.

        Named tags stay in the embedded text (they give context: "opera house" is not "house");
        negation phrases are removed from it.
        """
        words = normalize(query).split()
        found: list[TagMatch] = []
        text: list[str] = []
        leftover: list[str] = []
        blocked: set[int] = set()
        i = 0
        while i < len(words):
            tag, n = self.tag_at(words, i)
            n_alias = self._alias_at(words, i)
            if n_alias > max(n, 1):  # "classical guitar", "heavy metal": the concept is more specific than its tags
                text.extend(words[i:i + n_alias])
                leftover.extend(w for w in words[i:i + n_alias] if w not in FILLER_WORDS)
                i += n_alias
                continue
            if tag is not None:
                found.append(TagMatch(tag, EXACT_SIMILARITY, False, "name"))
                text.extend(words[i:i + n])
                i += n
                if tag.startswith(NEGATIVE_TAG_PREFIXES) and i + 1 < len(words) and words[i] in NEGATED_LIST:
                    i = self._read_negation(words, i, found, text, blocked)  # "no vocals or guitars"
                continue
            if (words[i] in NEGATIONS or words[i] in AVERSIONS) and i + 1 < len(words):
                after = self._read_negation(words, i, found, text, blocked)
                if after != i:
                    i = after
                    continue
            text.append(words[i])
            if words[i] not in FILLER_WORDS:
                leftover.append(words[i])
            i += 1
        blocked |= self._blocked_by_negative_tags(found)
        unique: dict[tuple[str, bool], TagMatch] = {}
        for m in found:
            unique.setdefault((m.tag, m.negated), m)
        return list(unique.values()), text, leftover, blocked
