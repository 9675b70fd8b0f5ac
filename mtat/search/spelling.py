"""Spelling correction of query words against the vocabulary (typing edits + difflib, no text model).

A misspelled word is replaced by the closest vocabulary word (difflib ratio >= :data:`FUZZY_CUTOFF`
and at most :data:`FUZZY_MAX_EDITS` typing edits: "joging" -> jogging, "clasical" -> classical, but
"hammock" stays), a word of a tag name first (the vocabulary's thousands of rarer words must not
capture typos of the tags: "violen" -> violin, not violent). Only typing mistakes are corrected: a
real English word (or such a word with an ending: "charmer", "dumped") is typed on purpose and never
"corrected" ("snake" is not "snare", "mowing" is not "rowing"), while other forms of a one-word
alias reach it ("danced" -> dance). A word is English when it is in :func:`dictionary_words` (the
English word-frequency list of the ``pyspellchecker`` package, MIT: 160k words with their
inflections, from subtitles; loaded once, on the first word that needs it) or a whole word of the
text encoder's vocabulary (with an ending). A year typed as digits is read as its decade or century
(:data:`YEAR`: "1987" -> 1980s, "1720" -> 1700s). Candidates come from a deletion index (:class:`NearWords`),
so a correction costs well under a millisecond, not a scan of the vocabulary.
"""
from __future__ import annotations

import difflib
import functools
import heapq
import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from mtat.search.query import FILLER_WORDS, NEGATION_SKIP, NEGATIONS

#: Misspelling tolerance: a word of at least FUZZY_MIN_LENGTH letters that is not in the
#: vocabulary is replaced by the closest vocabulary word with difflib ratio >= FUZZY_CUTOFF that
#: is also at most FUZZY_MAX_EDITS typing edits away (insert, delete, replace or swap two
#: neighbours; one more for words of FUZZY_LONG_WORD letters or more that keep their first
#: letter, which typists rarely get wrong): typos are mostly one edit, while an unlisted real word
#: ("hammock") is often 0.8-similar to some vocabulary word ("shamrock") but further from it.
FUZZY_CUTOFF = 0.8
FUZZY_MIN_LENGTH = 3
FUZZY_MAX_EDITS = 1
FUZZY_LONG_WORD = 7
#: Endings that make another form of a word ("foggy", "danced", "dancing", "stormier"), tried to
#: find the one-word alias a query word is a form of.
FORM_ENDINGS = ("ing", "ed", "ier", "iest", "y", "ies", "er", "s")
#: Endings of a word form whose stem is an English word ("charmer", "dumped", "dancing"): such a
#: word is typed on purpose, never "corrected" into a vocabulary word one letter away.
#: Endings of a word whose plural takes "es" ("washes", "boxes"); after others "es" is no plural ending.
ES_PLURAL = ("s", "x", "z", "ch", "sh", "o")
WORD_ENDINGS = ("ing", "ers", "er", "ed", "es", "s", "d", "ly", "est", "y")
#: A year or a decade typed as digits ("1720", "1987", "1720s"): read as its decade ("1980s") or, when the
#: vocabulary has no such decade, its century ("1700s"), if the vocabulary has that.
YEAR = re.compile(r"(1\d|20)\d\ds?")


@functools.lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """The English words of ``pyspellchecker``'s English frequency list (lower case, loaded once)."""
    from spellchecker import SpellChecker

    return frozenset(SpellChecker(language="en", distance=1).word_frequency.dictionary)


def edit_distance(a: str, b: str) -> int:
    """Typing edits from ``a`` to ``b``: insertions, deletions, substitutions and swaps of two
    neighbouring letters (optimal string alignment distance)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def deletions(word: str, depth: int) -> set[str]:
    """``word`` and every string made from it by deleting at most ``depth`` letters."""
    out, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


class NearWords:
    """The words of a list within ``depth`` typing edits of a word, found by a deletion index (SymSpell):
    two words that far apart share a string made by at most ``depth`` deletions from each, so only
    words sharing one are candidates (a superset: :func:`edit_distance` decides)."""

    def __init__(self, words: Iterable[str], depth: int):
        self.depth = depth
        index: defaultdict[str, list[str]] = defaultdict(list)
        for w in words:
            for d in deletions(w, depth):
                index[d].append(w)
        self._index = {d: tuple(ws) for d, ws in index.items()}  # tuples: a third of the memory of sets

    def candidates(self, word: str) -> set[str]:
        return set().union(*(self._index.get(d, ()) for d in deletions(word, self.depth)))


class Speller:
    """Corrects query words against the words of the tags (``tag_words``) and of the concept aliases.

    ``aliases``: the normalized concept aliases; ``tag_names``: the normalized tag names (never
    corrected); ``english``: called once, more words typed on purpose (the text encoder's whole words), besides
    :func:`dictionary_words`."""

    def __init__(self, aliases: Iterable[str], tag_names: Iterable[str], english: Callable[[], frozenset[str]]):
        aliases = list(aliases)
        self._tag_names = set(tag_names)
        tag_words = {w for k in self._tag_names for w in k.split() if len(w) >= FUZZY_MIN_LENGTH}
        self.tag_words = sorted(tag_words)
        self.base_words = frozenset(k for k in aliases if " " not in k and len(k) >= FUZZY_MIN_LENGTH) | tag_words
        self.known = frozenset(w for k in aliases for w in k.split() if len(w) >= FUZZY_MIN_LENGTH) | tag_words
        self.known_words = sorted(self.known)
        self._english_source = english
        self._english: frozenset[str] | None = None
        self._near: tuple[NearWords, NearWords] | None = None  # built on the first word that needs it

    def correct(self, words: list[str]) -> tuple[list[str], dict[str, str]]:
        """Misspelled words replaced by the closest tag word, else the closest vocabulary word
        (difflib ratio >= :data:`FUZZY_CUTOFF`, at most :data:`FUZZY_MAX_EDITS` edits)."""
        out, fixes = [], {}
        for w in words:
            fixed = self._correct_word(w)
            if fixed != w:
                fixes[w] = fixed
            out.append(fixed)
        return out, fixes

    def _correct_word(self, w: str) -> str:
        era = self.era_of(w)
        if era:
            return era
        known = self.known
        if (len(w) < FUZZY_MIN_LENGTH or w in known or w in FILLER_WORDS or w in NEGATIONS
                or w in NEGATION_SKIP or w in self._tag_names or not w.isalpha()):
            return w
        singular = self.singular(w)
        if singular:  # a plural of a known word ("harmonicas") is no typo of another ("harmonics"); "ganges" is no "gang"
            return singular
        base = self.base_form(w)
        if base:  # another form of a one-word alias or tag word: "foggy" -> fog, "danced" -> dance
            return base
        if self.is_english(w):  # "what" is no typo of "hat", nor "snake" of "snare"
            return w
        if self._near is None:
            self._near = tuple(NearWords(pool, FUZZY_MAX_EDITS + 1) for pool in (self.tag_words, self.known_words))
        close = [c for pool in self._near for c in self._closest(w, pool)]
        return close[0] if close else w

    @staticmethod
    def _closest(w: str, pool: NearWords, n: int = 5) -> list[str]:
        """The ``n`` words of ``pool`` most difflib-similar to ``w`` (ratio >= :data:`FUZZY_CUTOFF`, ties
        as :func:`difflib.get_close_matches` breaks them) among those few enough typing edits away."""
        scored = []
        for c in pool.candidates(w):
            if edit_distance(w, c) <= FUZZY_MAX_EDITS + (len(w) >= FUZZY_LONG_WORD and w[0] == c[0]):
                ratio = difflib.SequenceMatcher(None, c, w).ratio()
                if ratio >= FUZZY_CUTOFF:
                    scored.append((ratio, c))
        return [c for _, c in heapq.nlargest(n, scored)]

    def era_of(self, word: str) -> str | None:
        """The decade or century alias a year stands for ("1987" -> 1980s, "1720" -> 1700s), or None."""
        if not YEAR.fullmatch(word) or word in self.base_words:
            return None
        return next((era for era in (word[:3] + "0s", word[:2] + "00s") if era in self.base_words), None)

    def singular(self, word: str) -> str | None:
        """The known word ``word`` is the plural of ("harmonicas" -> harmonica, "washes" -> wash), or None."""
        return next((word[:-len(end)] for end in ("s", "es") if word.endswith(end) and word[:-len(end)] in self.known
                     and (end == "s" or word[:-2].endswith(ES_PLURAL))), None)

    def is_typo(self, typed: str, fixed: str) -> bool:
        """Whether the correction ``typed`` -> ``fixed`` fixed a typing mistake (not a plural or other form)."""
        return fixed not in (self.singular(typed), self.base_form(typed), self.era_of(typed))

    def base_form(self, word: str) -> str | None:
        """The one-word alias or tag word ``word`` is a form of ("foggy" -> fog, "snowy" -> snow,
        "danced" / "dancing" -> dance, "stormier" -> stormy), or None."""
        for end in FORM_ENDINGS:
            stem = word[:-len(end)]
            if not word.endswith(end) or len(stem) < 3:
                continue
            for cand in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else None,
                         stem[:-1] + "y" if stem.endswith("i") else None):
                if cand and cand in self.base_words:
                    return cand
        return None

    def is_english(self, word: str) -> bool:
        """``word`` is an English word (:func:`dictionary_words`, which lists inflected forms too), or it
        (or its stem before one of :data:`WORD_ENDINGS`, with or without a final e) is a whole word of
        the text encoder's vocabulary. (A dictionary stem is no proof: "heavey" is heave + y.)"""
        if word in dictionary_words():
            return True
        if self._english is None:
            self._english = self._english_source()
        if word in self._english:
            return True
        stems = [word[:-len(end)] for end in WORD_ENDINGS if word.endswith(end) and len(word) - len(end) >= 3]
        return any(s in self._english or s + "e" in self._english for s in stems)
