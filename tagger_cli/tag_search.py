"""Query -> tags -> song scores: the logic behind ``mtat-tagger search`` (pure, no CLI, no I/O).

A query is matched against a tag vocabulary (the catalog's tag names) in two ways:

1. **Tag names.** The query is lower-cased, punctuation becomes spaces, and its words are
   read left to right taking the longest tag name at each position (so multi-word tags such
   as "new age" or "male vocal" are found). Filler words ("and", "with", "music", ...) are
   skipped. A negation ("no X", "not X", "without X", "non-X") where X is a tag name (or a
   synonym of one) becomes the vocabulary's explicit negative tag when there is one ("without
   vocals" -> "no vocals"; "without singing" -> "no vocal" via the vocal synonym group), and
   otherwise a *negated* tag that scores ``1 - p`` ("without drums" -> not drums). When every
   word is accounted for this way the query is a **tag query**: exactly those tags, similarity
   1.0, no text model needed ("piano slow" -> piano, slow).

2. **Free words.** Otherwise the words go to listening concepts (:mod:`tagger_cli.concepts`,
   plus one concept per catalog tag whose aliases are its name and :data:`TAG_DESCRIPTIONS`):

   * misspelled words are first replaced by the closest vocabulary word (difflib ratio >=
     :data:`FUZZY_CUTOFF` and at most :data:`FUZZY_MAX_EDITS` typing edits: "joging" -> jogging,
     "clasical" -> classical, but "hammock" stays), a word of a tag name first (the
     vocabulary's thousands of rarer words must not capture typos of the tags: "violen" ->
     violin, not violent); a word of the text encoder's vocabulary (or such a word with an
     ending: "charmer", "dumped") is typed on purpose and never "corrected" ("snake" is not
     "snare"), while other forms of a one-word alias reach it ("danced" -> dance);
   * an alias in the query names its concept ("music for jogging" -> running; the longest alias
     wins, and a multi-word alias beats the tags inside it: "classical guitar", "string
     quartet"); an alias after a negation word (:data:`NEGATIONS`, small words such as "too" or
     "any" in between are skipped) is a negated concept ("not sad", "not too sleepy");
   * a negation before words that name neither a tag nor an alias ("without synthesizers")
     negates the concept nearest to those words embedded alone; what a negated concept mainly
     wants (:data:`BLOCK_SHARE`) no other part of the query may ask for, and the negated words
     never reach the embedded query text (sentence embeddings ignore "without");
   * if some words are left unexplained (or nothing matched), the query (minus negations and
     filler words) is embedded as ``"{query} music"`` with all-MiniLM-L6-v2 and compared by
     cosine with every alias embedded the same way (a concept's similarity is its best alias's;
     the ~5,400 alias vectors are computed once and cached on disk, :func:`cache_dir`). Up to
     :data:`MAX_CONCEPTS` concepts within :data:`MARGIN` of the best and above
     :data:`MIN_SIMILARITY` are kept (the best always). Sentence embeddings put antonyms close
     ("calm music" ~ "loud"), so concepts leaning to the energy pole (:data:`CALM_POLE` /
     :data:`ENERGETIC_POLE`) opposite to the query's first poled concept or named tag are dropped.

   The query's **tag profile** is the similarity-weighted mean of its concepts' tag weights
   (each concept's scaled toward the same total, :data:`CONCEPT_MASS`), with tags named in the
   query at weight 1 and negations at -1; one tag per synonym group
   (:data:`SYNONYM_GROUPS`), at most ``max_tags``, largest weight first. A negative weight is a
   :class:`TagMatch` with ``negated=True``.

Song score (:func:`score_songs`): the weighted mean over the matched tags of the song's
predicted probability (``1 - p`` for a negated tag)::

    score = sum_i s_i * q_i / sum_i s_i,   q_i = p_i (or 1 - p_i when negated)

so a one-tag query scores each song by exactly that tag's probability, a tag query by the
plain mean of its tags' probabilities, and a free-word query by its profile over probabilities
divided by each tag's catalog maximum (:func:`tag_scales`: the model's confidence differs from
tag to tag). Scores are in [0, 1].
"""
from __future__ import annotations

import collections
import dataclasses
import difflib
import hashlib
import os
import sys
import threading
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from mtat.joint_space import phrase_text
from tagger_cli.concepts import Concept, concepts, normalize, resolve_weights

#: Template of the query and of every concept alias when embedded (symmetric: both are phrases
#: a listener types).
QUERY_TEMPLATE = "{} music"

#: Short descriptions for tags whose bare name embeds poorly (the MTAT top-50 and a few more):
#: each catalog tag is also a concept with its name and this description as aliases.
TAG_DESCRIPTIONS: dict[str, str] = {
    "ambient": "ambient, calm, relaxing, atmospheric",
    "new age": "new age, meditation, relaxing, spa, nature sounds",
    "quiet": "quiet, gentle, peaceful, sleep",
    "soft": "soft, gentle, mellow, relaxing",
    "calm": "calm, peaceful, relaxing",
    "slow": "slow tempo, calm, sad",
    "loud": "loud, aggressive, powerful, noisy",
    "fast": "fast tempo, energetic, up-tempo",
    "weird": "weird, strange, eerie, spooky",
    "choir": "choir, church, christmas carols",
    "choral": "choral, hymns, church, christmas",
    "opera": "opera, operatic singing",
    "classical": "classical music, orchestra, symphony",
    "classic": "classical music, orchestra",
    "harpsichord": "harpsichord, baroque",
    "strings": "string section, orchestra",
    "violin": "violin, romantic strings",
    "cello": "cello, melancholic strings",
    "harp": "harp, dreamy, angelic",
    "flute": "flute, woodwind, airy",
    "piano": "piano, romantic, jazz",
    "solo": "solo instrument, unaccompanied",
    "rock": "rock, electric guitars, band",
    "metal": "heavy metal, distorted guitars, aggressive",
    "pop": "pop, catchy, upbeat songs, radio hits",
    "dance": "dance, party, club",
    "techno": "techno, club, electronic dance beats, rave",
    "electronic": "electronic, synthesizers, computer",
    "synth": "synthesizer, electronic, space",
    "beat": "strong beat, rhythm",
    "beats": "beats, rhythm, hip hop",
    "drums": "drums, percussion",
    "country": "country, western, cowboy, banjo",
    "indian": "indian, sitar, tabla, raga, bollywood",
    "sitar": "sitar, indian, raga",
    "no vocals": "instrumental, no vocals, no singing",
    "no vocal": "instrumental, no vocal, no singing",
    "no voice": "instrumental, no voice, no singing",
    "vocal": "vocals, singing",
    "vocals": "vocals, singing",
    "voice": "voice, singing",
    "singing": "singing, singer, vocals",
    "female": "female vocals, woman singing",
    "woman": "woman singing, female singer",
    "female vocal": "female vocal, woman singing",
    "female voice": "female voice, woman singing",
    "male": "male vocals, man singing",
    "man": "man singing, male singer",
    "male vocal": "male vocal, man singing",
    "male voice": "male voice, man singing",
}

#: Near-synonym tag groups (MTAT spells many ideas several ways). Tags not listed are their
#: own group.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("beat", "beats"),
    ("vocal", "vocals", "voice", "voices", "singing", "singer"),
    ("male", "man", "men", "male voice", "male vocal", "male vocals", "male singer", "man singing"),
    ("female", "woman", "women", "girl", "female voice", "female vocal", "female vocals",
     "female singer", "female singing", "woman singing"),
    ("no vocal", "no vocals", "no voice", "no voices", "no singing", "no singer"),
    ("classic", "classical", "clasical"),
    ("choir", "choral", "chorus"),
    ("drum", "drums"),
    ("guitar", "guitars"),
    ("violin", "violins", "fiddle"),
    ("string", "strings"),
    ("flute", "flutes"),
    ("harpsichord", "harpsicord"),
    ("opera", "operatic"),
    ("electronic", "electronica", "electro"),
    ("synth", "synthesizer"),
    ("horn", "horns"),
    ("indian", "india"),
    ("fast", "quick"),
    ("metal", "heavy metal"),
    ("chant", "chanting"),
    ("funk", "funky"),
    ("jazz", "jazzy"),
    ("weird", "strange"),
)

#: Two energy poles. Sentence embeddings put antonyms close ("calm music" is 0.61 similar to
#: "a song with loud, ..."), so a free-word query keeps one pole: embedding matches from the
#: pole opposite to its best-ranked pole tag are dropped (tags named in the query never are).
CALM_POLE = frozenset({"quiet", "soft", "calm", "ambient", "new age", "slow", "mellow", "light", "airy"})
ENERGETIC_POLE = frozenset({"loud", "fast", "metal", "heavy metal", "hard rock", "heavy", "punk", "rock",
                            "techno", "dance", "upbeat", "fast beat", "hard"})
#: A concept belongs to a pole when its weights on that pole exceed the other pole's by this much.
POLE_LEAN = 1.0

#: Matching thresholds for free words (cosine similarity of the query and a concept alias).
MIN_SIMILARITY = 0.45
MARGIN = 0.10
#: At most this many concepts found by embedding per query.
MAX_CONCEPTS = 3
#: At most this many tags in a free-word query's profile (one per synonym group).
MAX_TAGS = 12
#: Tags that say *how* music sounds (tempo, loudness, voice, mood) rather than *what* it is
#: (instrument, genre, culture): many styles share them, so in a concept's profile they count
#: GENERIC_WEIGHT times their written weight (a tag named in the query counts fully).
GENERIC_TAGS = frozenset({
    "slow", "fast", "quick", "loud", "quiet", "soft", "calm", "mellow", "light", "heavy", "hard", "deep", "low",
    "upbeat", "happy", "sad", "dark", "airy", "solo", "vocal", "vocals", "voice", "voices", "singing", "singer",
    "male", "man", "men", "male voice", "male vocal", "male vocals", "female", "woman", "women", "girl",
    "female voice", "female vocal", "female vocals", "no vocal", "no vocals", "no voice", "no voices",
    "no singing", "instrumental", "classic", "classical", "modern", "old", "repetitive", "different",
})
GENERIC_WEIGHT = 0.25
#: A concept's negative weights ("not loud" for relaxing) count this many times their written
#: weight: almost every song lacks most tags, so at full weight they add the same large term to
#: every song and drown the tags the concept wants (a tag negated in the query counts fully).
NEGATIVE_WEIGHT = 0.5
#: A tag's probabilities are divided by their catalog maximum, but never by less than this (a
#: tag no song has is not blown up into noise).
MIN_TAG_SCALE = 0.25
#: Profile weights below this are dropped.
MIN_WEIGHT = 0.02
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
WORD_ENDINGS = ("ing", "ers", "er", "ed", "es", "s", "d", "ly", "est", "y")
#: Query texts whose embeddings a matcher remembers, and the longest list :meth:`TagMatcher.encode`
#: caches (longer ones are the vocabulary's aliases, cached on disk instead).
TEXT_CACHE, TEXT_CACHE_BATCH = 1024, 4
#: Where the concept alias embeddings are cached (override with MTAT_TAGGER_CACHE).
CACHE_ENV = "MTAT_TAGGER_CACHE"
#: Every matched concept's weights are scaled toward this total mass before they are mixed (by
#: ``(CONCEPT_MASS / mass) ** CONCEPT_MASS_POWER``: halfway on a log scale), so a concept that
#: names many tags ("party": dance, techno, beat, ...) does not drown one that names few
#: ("haunted house": weird) in the song score's weighted mean, while a rich one keeps some lead.
CONCEPT_MASS = 3.0
CONCEPT_MASS_POWER = 0.5
#: Similarity reported for a tag named literally in the query.
EXACT_SIMILARITY = 1.0

NEGATIONS = frozenset({"no", "not", "without", "non", "nothing", "never", "minus", "avoid", "except", "excluding",
                       "isn't", "isnt", "aren't", "arent", "don't", "dont", "doesn't", "doesnt", "wasn't",
                       "won't", "shouldn't", "sans", "none", "nor", "lacking"})
#: A negation before words that name neither a tag nor a concept alias ("without instruments",
#: "nothing too jazzy") negates the concept nearest to the next at most this many words (embedded
#: alone, so the negation never pulls the query toward what it excludes).
MAX_NEGATED_WORDS = 3
#: A negated concept's tags weighted at least this share of its largest weight are excluded from
#: the rest of the query's profile ("party without synthesizers": no electronic from "party").
BLOCK_SHARE = 0.5
#: Nouns that finish a negated tag's phrase ("no synth pads", "without guitar solos"): negated with
#: it, never read as words of their own.
NEGATED_TAIL = frozenset({"pad", "pads", "sound", "sounds", "part", "parts", "solo", "solos", "line", "lines",
                          "riff", "riffs", "loop", "loops", "bits", "stuff", "tracks", "songs", "music"})
#: Words skipped right after a negation ("without any strings", "no more sad songs", "don't want rock").
NEGATION_SKIP = frozenset({"any", "the", "a", "an", "more", "too", "much", "so", "very", "really",
                           "want", "need", "have", "has", "with", "contain", "contains", "include", "includes",
                           "use", "uses", "feature", "features", "like", "sound", "sounds", "overly",
                           "being", "be", "getting", "of", "that", "this", "those", "these", "all"})
#: Verbs of stopping: a negation before one says the music goes on ("a kick that never stops",
#: "doesn't let up", "non-stop"), it negates nothing in the music.
CESSATION_WORDS = frozenset({"stop", "stops", "stopping", "stopped", "end", "ends", "ending", "quit", "quits",
                             "let", "lets", "letting", "fade", "fades", "fading", "pause", "pauses", "die", "dies"})
FILLER_WORDS = frozenset({
    "and", "with", "or", "but", "plus", "a", "an", "the", "some", "of", "for", "to", "in", "at", "on",
    "by", "while", "my", "me", "i", "we", "our", "your", "that", "this", "is", "it", "like", "something",
    "anything", "sounds", "sound", "good", "best", "great", "nice", "playlist", "vibes", "vibe", "mood",
    "music", "song", "songs", "track", "tracks", "tune", "tunes", "please", "play", "stuff", "things", "kind",
    "sort", "type", "style", "genre", "all",
})


def _skip_negation_words(words: list[str], i: int) -> int:
    """The first position from ``i`` on that is not in :data:`NEGATION_SKIP`."""
    while i < len(words) and words[i] in NEGATION_SKIP:
        i += 1
    return i


def _negation_before(words: list[str], i: int) -> int | None:
    """Position of the negation word that governs word ``i`` ("not" in "not too sleepy"), or None."""
    k = i - 1
    while k >= 0 and words[k] in NEGATION_SKIP:
        k -= 1
    return k if k >= 0 and words[k] in NEGATIONS else None


class QueryError(ValueError):
    """The query cannot be matched (empty, or no tags to match against)."""


def cache_dir() -> str:
    """Folder for the cached concept embeddings (``$MTAT_TAGGER_CACHE`` or ``~/.cache/mtat-tagger``)."""
    return os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "mtat-tagger")


@dataclasses.dataclass(frozen=True)
class TagMatch:
    """One matched tag. ``how``: "name" (named in the query), "negation" (a negation mapped
    to a negative tag or negating a tag) or "embedding" (nearest by text embedding)."""

    tag: str
    similarity: float
    negated: bool = False
    how: str = "embedding"

    def to_dict(self) -> dict:
        out = {"tag": self.tag, "similarity": round(float(self.similarity), 4)}
        if self.negated:
            out["negated"] = True
        return out


@dataclasses.dataclass(frozen=True)
class ConceptMatch:
    """One matched concept. ``how``: "word" (an alias in the query, ``alias`` says which),
    "negated word" (an alias after "no"/"not"/"without": its tags count against a song),
    "embedding" (nearest by text embedding, ``similarity`` is the cosine) or "negated embedding"
    (the concept nearest to words after a negation that name no alias: counts against a song)."""

    name: str
    similarity: float
    how: str
    alias: str = ""

    def to_dict(self) -> dict:
        out = {"concept": self.name, "similarity": round(float(self.similarity), 4), "how": self.how}
        if self.alias:
            out["alias"] = self.alias
        return out


@dataclasses.dataclass(frozen=True)
class QueryMatch:
    """The query's matched tags, best first; ``kind`` is "tags" (every word named a tag) or "words".

    ``concepts``: the matched concepts (free words only); ``text``: the query's words without its
    negations, misspellings corrected (what the joint audio-text route embeds); ``corrections``:
    {typed word: vocabulary word}.
    """

    query: str
    kind: str
    matches: tuple[TagMatch, ...]
    concepts: tuple[ConceptMatch, ...] = ()
    text: str = ""
    corrections: dict = dataclasses.field(default_factory=dict)

    @property
    def tags(self) -> list[str]:
        return [m.tag for m in self.matches]


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


def _group_index(tags: Sequence[str]) -> dict[str, int]:
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


def _pole(tag: str) -> str | None:
    return "calm" if tag in CALM_POLE else "energetic" if tag in ENERGETIC_POLE else None


def _concept_pole(weights: dict[str, float]) -> str | None:
    """"calm" / "energetic" when a concept's weights lean clearly to one energy pole, else None."""
    lean = sum(w * (1 if _pole(t) == "energetic" else -1 if _pole(t) == "calm" else 0) for t, w in weights.items())
    return "energetic" if lean > POLE_LEAN else "calm" if lean < -POLE_LEAN else None


class TagMatcher:
    """Matches queries to a fixed tag vocabulary.

    ``encode`` maps a list of texts to L2-normalised embeddings (default: the all-MiniLM-L6-v2
    :class:`~mtat.text_embedding.TextEncoder`, loaded on first free-word query only).
    """

    def __init__(
        self,
        tags: Sequence[str],
        encode: Callable[[list[str]], np.ndarray] | None = None,
        *,
        max_tags: int = MAX_TAGS,
        min_similarity: float = MIN_SIMILARITY,
        margin: float = MARGIN,
        max_concepts: int = MAX_CONCEPTS,
        generic_weight: float = GENERIC_WEIGHT,
        negative_weight: float = NEGATIVE_WEIGHT,
        vocabulary: Sequence[Concept] | None = None,
    ):
        self.tags = [str(t) for t in tags]
        if not self.tags:
            raise QueryError("no tags to match against")
        if max_tags < 1:
            raise ValueError(f"max_tags must be >= 1, got {max_tags}")
        self._encode = encode
        self.max_tags = max_tags
        self.min_similarity = min_similarity
        self.margin = margin
        self._norm = {normalize(t): t for t in self.tags}
        self._max_words = max(len(n.split()) for n in self._norm)
        self._group = _group_index(self.tags)
        self._phrases = set(self._norm) | set(self._group)  # what a negation may negate
        self.max_concepts = max_concepts
        self.generic_weight = generic_weight
        self.negative_weight = negative_weight
        self._vocabulary = tuple(concepts() if vocabulary is None else vocabulary)
        self._alias_vecs: np.ndarray | None = None
        self._english: frozenset[str] | None = None
        self._cache: collections.OrderedDict[str, np.ndarray] = collections.OrderedDict()
        self._cache_lock = threading.Lock()
        self._build_concepts()

    # -- embeddings -------------------------------------------------------------------------
    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeddings of ``texts``; short lists (a query's texts) are remembered (:data:`TEXT_CACHE`
        most recent), so the joint route's text, encoded together with the concept route's, is
        not encoded a second time."""
        if self._encode is None:
            from mtat.text_embedding import TextEncoder

            self._encode = TextEncoder.load().encode
        texts = list(texts)
        if len(texts) > TEXT_CACHE_BATCH:
            return np.asarray(self._encode(texts), dtype=np.float32)
        with self._cache_lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vecs = np.asarray(self._encode(missing), dtype=np.float32)
            found.update(zip(missing, vecs))
            with self._cache_lock:
                self._cache.update(zip(missing, vecs))
                while len(self._cache) > TEXT_CACHE:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, 0), np.float32)

    # -- parsing ----------------------------------------------------------------------------
    def _tag_at(self, words: list[str], i: int) -> tuple[str | None, int]:
        """Longest vocabulary tag (or synonym of one: "guitars" -> guitar) starting at word ``i``:
        (tag, words used) or (None, 0)."""
        for n in range(min(max(self._max_words, 3), len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            tag = self._norm.get(phrase)
            if tag is None and self._group.get(phrase, len(SYNONYM_GROUPS)) < len(SYNONYM_GROUPS):
                tag = next(iter(self._members(phrase)), None)
            if tag is not None:
                return tag, n
        return None, 0

    def _alias_at(self, words: list[str], i: int) -> int:
        """Length in words of the longest concept alias starting at word ``i`` (0 if none)."""
        for n in range(min(self._alias_max_words, len(words) - i), 0, -1):
            if " ".join(words[i:i + n]) in self._alias_index:
                return n
        return 0

    def _phrase_at(self, words: list[str], i: int) -> tuple[str | None, int]:
        """Longest known tag phrase (any synonym-group member, in the vocabulary or not) at ``i``."""
        for n in range(min(max(self._max_words, 3), len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            if phrase in self._phrases:
                return phrase, n
        return None, 0

    def _members(self, phrase: str) -> list[str]:
        """Vocabulary tags equal to ``phrase`` or in its synonym group (exact name first)."""
        g = self._group.get(phrase)
        out = [self._norm[phrase]] if phrase in self._norm else []
        if g is not None:
            out += [t for t in self.tags if self._group.get(t) == g and t not in out]
        return out

    def _negation(self, phrase: str) -> TagMatch | None:
        """The match for "no <phrase>": an explicit negative tag if the vocabulary has one,
        else the phrase's tag negated, else ``None``."""
        g = self._group.get(phrase)
        synonyms = SYNONYM_GROUPS[g] if g is not None and g < len(SYNONYM_GROUPS) else ()
        for cand in [phrase, *(t for t in synonyms if t != phrase)]:
            for prefix in ("no ", "not "):
                neg = self._norm.get(prefix + cand)
                if neg is not None:
                    return TagMatch(neg, EXACT_SIMILARITY, False, "negation")
        members = self._members(phrase)
        if members:
            return TagMatch(members[0], EXACT_SIMILARITY, True, "negation")
        return None

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
            tag, n = self._tag_at(words, i)
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
                continue
            if words[i] in NEGATIONS and i + 1 < len(words):
                k = _skip_negation_words(words, i + 1)
                if k < len(words) and words[k] in CESSATION_WORDS:  # "non stop", "never ends"
                    text.extend(words[i:k + 1])
                    i = k + 1
                    continue
                phrase, n = self._phrase_at(words, k)
                if phrase is None and k + 1 < len(words) and words[k] not in FILLER_WORDS | NEGATIONS:
                    phrase, n = self._phrase_at(words, k + 1)  # one describing word first: "isn't cheesy pop"
                    k, n = (k, n + 1) if phrase else (k, n)
                match = self._negation(phrase) if phrase else None
                if match is not None:
                    found.append(match)
                    g = self._group.get(phrase)
                    if g is not None:
                        blocked.add(g)
                    i = k + n
                    while i < len(words) and words[i] in NEGATED_TAIL:  # "no synth pads", "no guitar solos"
                        i += 1
                    continue
            text.append(words[i])
            if words[i] not in FILLER_WORDS:
                leftover.append(words[i])
            i += 1
        for m in found:  # an explicit "no X" tag blocks X's group ("no vocals" blocks vocal...)
            for prefix in ("no ", "not "):
                if m.tag.startswith(prefix) and m.tag[len(prefix):] in self._group:
                    blocked.add(self._group[m.tag[len(prefix):]])
        unique: dict[tuple[str, bool], TagMatch] = {}
        for m in found:
            unique.setdefault((m.tag, m.negated), m)
        return list(unique.values()), text, leftover, blocked

    # -- concepts ---------------------------------------------------------------------------
    def _build_concepts(self) -> None:
        """The concept table: the general vocabulary plus one concept per catalog tag."""
        names, weights, poles, alias_rows, alias_texts = [], [], [], [], []
        self._alias_index: dict[str, int] = {}

        def add(name: str, aliases: Sequence[str], w: dict[str, float]) -> None:
            if not w or max(w.values()) <= 0:
                return  # implies no tag this model knows
            ci = len(names)
            names.append(name)
            weights.append(w)
            poles.append(_concept_pole(w))
            for a in aliases:
                key = normalize(a)
                if key and key not in self._alias_index:
                    self._alias_index[key] = ci
                alias_rows.append(ci)
                alias_texts.append(QUERY_TEMPLATE.format(a))

        synonyms = {t: [m for m in SYNONYM_GROUPS[g] if m != t] for g, grp in enumerate(SYNONYM_GROUPS) for t in grp}
        for c in self._vocabulary:
            add(c.name, c.aliases, resolve_weights(c.weights, self.tags, synonyms))
        for t in self.tags:
            desc = TAG_DESCRIPTIONS.get(t)
            add(f"tag:{t}", (t, desc) if desc else (t,), {t: 1.0})
        self._concept_names = names
        self._concept_weights = weights
        self._concept_poles = poles
        self._alias_rows = np.asarray(alias_rows, dtype=np.int64)
        self._alias_texts = alias_texts
        self._alias_max_words = max(len(k.split()) for k in self._alias_index)
        tag_words = {w for k in self._norm for w in k.split() if len(w) >= FUZZY_MIN_LENGTH}
        self._tag_words = sorted(tag_words)
        self._base_words = frozenset(k for k in self._alias_index if " " not in k and len(k) >= FUZZY_MIN_LENGTH) | tag_words
        self._known = frozenset(w for k in self._alias_index for w in k.split() if len(w) >= FUZZY_MIN_LENGTH) | tag_words
        self._known_words = sorted(self._known)

    def alias_vectors(self) -> np.ndarray:
        """Embeddings of every concept alias ``[n_aliases, D]`` (cached on disk for the default encoder)."""
        if self._alias_vecs is None:
            self._alias_vecs = self._encode_cached(self._alias_texts)
        return self._alias_vecs

    def _encode_cached(self, texts: list[str]) -> np.ndarray:
        owner = getattr(self._encode, "__self__", None)  # a TextEncoder's bound encode names its model
        if self._encode is not None and not isinstance(getattr(owner, "model_dir", None), str):
            return self.encode(texts)  # a caller's encoder we cannot name: no disk cache
        if owner is not None:
            model_dir = owner.model_dir
        else:
            from mtat.text_embedding import default_model_dir

            model_dir = default_model_dir()
        key = hashlib.sha256(("\n".join([os.path.realpath(model_dir), *texts])).encode()).hexdigest()[:20]
        path = os.path.join(cache_dir(), f"concept_vectors_{key}.npy")
        try:
            vecs = np.load(path)
            if vecs.shape[0] == len(texts):
                return vecs
        except (OSError, ValueError):
            pass
        vecs = self._encode_with_progress(texts)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp.npy"
            np.save(tmp, vecs)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home: recompute next time
        return vecs

    def _encode_with_progress(self, texts: list[str]) -> np.ndarray:
        try:
            from tqdm import tqdm
        except ModuleNotFoundError:  # pragma: no cover - tqdm ships with the project
            def tqdm(it, **_kw):  # type: ignore[no-redef]
                return it
        chunks = [texts[i:i + 64] for i in range(0, len(texts), 64)]
        bar = tqdm(chunks, desc="embedding the search vocabulary (once)", unit="batch", file=sys.stderr,
                   disable=len(chunks) < 4 or not sys.stderr.isatty())
        return np.concatenate([self.encode(c) for c in bar]) if chunks else np.zeros((0, 0), np.float32)

    def correct(self, words: list[str]) -> tuple[list[str], dict[str, str]]:
        """Misspelled words replaced by the closest tag word, else the closest vocabulary word
        (difflib ratio >= :data:`FUZZY_CUTOFF`, at most :data:`FUZZY_MAX_EDITS` edits)."""
        out, fixes = [], {}
        known = self._known
        for w in words:
            if (len(w) < FUZZY_MIN_LENGTH or w in known or w in FILLER_WORDS or w in NEGATIONS
                    or w in NEGATION_SKIP or w in self._norm or not w.isalpha()):
                out.append(w)
                continue
            singular = next((w[:-len(end)] for end in ("s", "es") if w.endswith(end) and w[:-len(end)] in known),
                            None)
            if singular:  # a plural of a known word ("harmonicas") is no typo of another ("harmonics")
                fixes[w] = singular
                out.append(singular)
                continue
            base = self._base_form(w)
            if base:  # another form of a one-word alias or tag word: "foggy" -> fog, "danced" -> dance
                fixes[w] = base
                out.append(base)
                continue
            if self._is_english(w):  # "what" is no typo of "hat", nor "snake" of "snare"
                out.append(w)
                continue
            close = [c for pool in (self._tag_words, self._known_words)
                     for c in difflib.get_close_matches(w, pool, n=5, cutoff=FUZZY_CUTOFF)
                     if edit_distance(w, c) <= FUZZY_MAX_EDITS + (len(w) >= FUZZY_LONG_WORD and w[0] == c[0])]
            if close:
                fixes[w] = close[0]
            out.append(close[0] if close else w)
        return out, fixes

    def _base_form(self, word: str) -> str | None:
        """The one-word alias or tag word ``word`` is a form of ("foggy" -> fog, "snowy" -> snow,
        "danced" / "dancing" -> dance, "stormier" -> stormy), or None."""
        for end in FORM_ENDINGS:
            stem = word[:-len(end)]
            if not word.endswith(end) or len(stem) < 3:
                continue
            for cand in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else None,
                         stem[:-1] + "y" if stem.endswith("i") else None):
                if cand and cand in self._base_words:
                    return cand
        return None

    def _is_english(self, word: str) -> bool:
        """``word`` (or its stem before one of :data:`WORD_ENDINGS`, with or without a final e) is a
        whole word of the text encoder's vocabulary (:func:`mtat.text_embedding.vocabulary_words`)."""
        if self._english is None:
            from mtat.text_embedding import TextEncoderError, vocabulary_words

            owner = getattr(self._encode, "__self__", None)
            try:
                self._english = vocabulary_words(getattr(owner, "model_dir", None))
            except TextEncoderError:
                self._english = frozenset()  # no vocabulary at hand: correct as before
        if word in self._english:
            return True
        stems = [word[:-len(end)] for end in WORD_ENDINGS if word.endswith(end) and len(word) - len(end) >= 3]
        return any(s in self._english or s + "e" in self._english for s in stems)

    def _exact_concepts(self, words: list[str]) -> tuple[list[tuple[int, str, bool]], set[int], set[int]]:
        """Concepts named by an alias in ``words`` (longest alias first): ``([(concept, alias, negated)],
        covered word positions, negated word positions)``; an alias right after a negation word
        ("not sad", "not too sleepy") is negated."""
        found, covered, negated_at = [], set(), set()
        i = 0
        while i < len(words):
            for n in range(min(self._alias_max_words, len(words) - i), 0, -1):
                alias = " ".join(words[i:i + n])
                ci = self._alias_index.get(alias)
                if ci is not None and alias not in FILLER_WORDS and alias not in NEGATION_SKIP:
                    start = _negation_before(words, i)
                    found.append((ci, alias, start is not None))
                    span = range(i if start is None else start, i + n)
                    covered.update(span)
                    if start is not None:
                        negated_at.update(span)
                    i += n
                    break
            else:
                i += 1
        return found, covered, negated_at

    def concept_similarities(self, text: str, prefetch: Sequence[str] = ()) -> np.ndarray:
        """Cosine of ``"{text} music"`` with each concept (its best alias), ``[n_concepts]``;
        ``prefetch``: more texts to encode in the same pass (and keep, see :meth:`encode`)."""
        q = self.encode([QUERY_TEMPLATE.format(text), *prefetch])[0]
        alias_sims = self.alias_vectors() @ q
        sims = np.full(len(self._concept_names), -1.0)
        np.maximum.at(sims, self._alias_rows, alias_sims)
        return sims

    # -- matching ---------------------------------------------------------------------------
    def match(self, query: str) -> QueryMatch:
        """Matched concepts and the tag profile they imply (see the module docstring)."""
        if not normalize(query):
            raise QueryError("empty query")
        words, fixes = self.correct(normalize(query).split())
        literal, text, leftover, blocked = self.parse(" ".join(words))
        if literal and not leftover:
            return QueryMatch(query, "tags", tuple(literal), (), " ".join(text) or " ".join(words), fixes)
        content = [w for w in text if w not in FILLER_WORDS] or text
        if not content:
            raise QueryError(f"nothing to search for in {query!r}")
        exact, covered, negated = self._exact_concepts(text)  # fillers included: "house music", "sacred music"
        chosen: dict[int, ConceptMatch] = {}
        for ci, alias, is_negated in exact:
            chosen.setdefault(ci, ConceptMatch(self._concept_names[ci], EXACT_SIMILARITY,
                                               "negated word" if is_negated else "word", alias))
        for start, stop in self._negated_spans(text, covered):
            self._add_negated(" ".join(text[start + 1:stop]), chosen)
            negated.update(range(start, stop))
        literal_words = {w for m in literal if not m.negated for w in normalize(m.tag).split()}
        uncovered = [w for i, w in enumerate(text) if i not in covered and i not in negated
                     and w not in literal_words and w not in FILLER_WORDS]
        positive = [w for k, w in enumerate(text) if k not in negated and w not in FILLER_WORDS]
        if uncovered or not (chosen or literal):
            self._add_embedded(" ".join(positive or content), chosen, literal)
        matches = self._profile(literal, list(chosen.values()), blocked)
        joint_text = " ".join(positive) or " ".join(content)
        return QueryMatch(query, "words", matches, tuple(chosen.values()), joint_text, fixes)

    @staticmethod
    def _negated_spans(words: list[str], covered: set[int]) -> list[tuple[int, int]]:
        """``(negation position, end)`` of each negation whose next words name no tag or alias
        (those were handled by :meth:`parse` / :meth:`_exact_concepts`): up to
        :data:`MAX_NEGATED_WORDS` words after it, skipping :data:`NEGATION_SKIP`, stopping at a
        filler word, another negation or a matched word."""
        spans = []
        for i, w in enumerate(words):
            if w not in NEGATIONS or i in covered:
                continue
            j = _skip_negation_words(words, i + 1)
            if j < len(words) and words[j] in CESSATION_WORDS:
                continue
            end = j
            while (end < len(words) and end - j < MAX_NEGATED_WORDS and end not in covered
                   and words[end] not in FILLER_WORDS and words[end] not in NEGATIONS):
                end += 1
            if end > j:
                spans.append((i, end))
        return spans

    def _add_negated(self, text: str, chosen: dict[int, ConceptMatch]) -> None:
        """Add the concept nearest to ``text`` (embedded alone) as a negated concept, if it is
        similar enough (:data:`MIN_SIMILARITY`) and not already matched."""
        sims = self.concept_similarities(text)
        ci = int(np.argmax(sims))
        if float(sims[ci]) >= self.min_similarity and ci not in chosen:
            chosen[ci] = ConceptMatch(self._concept_names[ci], float(sims[ci]), "negated embedding", "")

    def _add_embedded(self, text: str, chosen: dict[int, ConceptMatch], literal: list[TagMatch]) -> None:
        """Add the concepts nearest to ``text`` by embedding (best first, within the margin, one energy pole)."""
        sims = self.concept_similarities(text, prefetch=[phrase_text(text)])  # the joint route's text too
        order = np.argsort(-sims, kind="stable")
        top = float(sims[order[0]])
        floor = max(self.min_similarity, top - self.margin)
        # the pole guards against antonyms among the *embedding* matches: it comes from a named
        # tag or the best-ranked poled embedding match, never from concepts named by their words
        pole = next((_pole(m.tag) for m in literal if _pole(m.tag) and not m.negated), None)
        added = 0
        for rank, ci in enumerate(order):
            s = float(sims[ci])
            if added >= self.max_concepts or (s < floor and (rank > 0 or chosen or literal)):
                break
            if ci in chosen:
                continue
            cp = self._concept_poles[ci]
            if cp and pole and cp != pole:
                continue
            pole = pole or cp
            chosen[int(ci)] = ConceptMatch(self._concept_names[ci], s, "embedding", "")
            added += 1

    def _profile(self, literal: list[TagMatch], chosen: list[ConceptMatch], blocked: set[int]) -> tuple[TagMatch, ...]:
        """The tag weights: the similarity-weighted mean of the concepts' weights, tags named in
        the query at full weight, negations as negative weights; one tag per synonym group."""
        index = {n: i for i, n in enumerate(self._concept_names)}
        prof: dict[str, float] = {}
        against: dict[str, float] = {}  # the negated concepts' part of ``prof``
        total = sum(c.similarity for c in chosen)
        excluded: set[int] = set()  # what a negated concept mainly wants, no other concept may ask for
        for c in chosen:
            negated = c.how.startswith("negated")
            weights = self._concept_weights[index[c.name]]
            mass = sum(abs(w) for w in weights.values())  # > 0: a concept has a positive weight
            scale = (CONCEPT_MASS / mass) ** CONCEPT_MASS_POWER
            weights = {t: w * scale for t, w in weights.items()}
            if negated:
                top = max(weights.values())
                excluded.update(self._group[t] for t, w in weights.items() if w >= BLOCK_SHARE * top)
            for t, w in weights.items():
                if negated:  # "not sad": against what the concept wants, nothing more
                    w = -w if w > 0 else 0.0
                if t in GENERIC_TAGS:
                    w *= self.generic_weight
                if w < 0:
                    w *= self.negative_weight
                prof[t] = prof.get(t, 0.0) + c.similarity * w / total
                if negated:
                    against[t] = against.get(t, 0.0) + c.similarity * w / total
        for t in prof:
            if self._group[t] in excluded:
                prof[t] = against.get(t, 0.0)
        blocked = blocked | excluded
        named: dict[str, TagMatch] = {}
        for m in literal:
            named[m.tag] = m
            prof[m.tag] = -EXACT_SIMILARITY if m.negated else EXACT_SIMILARITY
        best: dict[int, tuple[str, float]] = {}
        for t, w in prof.items():
            g = self._group[t]
            if t not in named and (g in blocked and w > 0 or abs(w) < MIN_WEIGHT):
                continue
            if g not in best or t in named or (best[g][0] not in named and abs(w) > abs(best[g][1])):
                best[g] = (t, w)
        ranked = sorted(best.values(), key=lambda tw: (-(tw[0] in named), -abs(tw[1])))[: self.max_tags]
        return tuple(named.get(t) or TagMatch(t, abs(w), w < 0, "concept") for t, w in ranked)


def tag_scales(probabilities: np.ndarray) -> np.ndarray:
    """Each tag's highest probability in the catalog, at least :data:`MIN_TAG_SCALE`, ``[n_tags]``."""
    probs = np.asarray(probabilities, dtype=np.float64)
    if probs.shape[0] == 0:
        return np.ones(probs.shape[1])
    return np.maximum(probs.max(axis=0), MIN_TAG_SCALE)


def score_songs(probabilities: np.ndarray, tags: Sequence[str], matches: Iterable[TagMatch],
                scaled: bool = False) -> np.ndarray:
    """Similarity-weighted mean of the matched tags' probabilities (``1 - p`` if negated), ``[n]``.

    ``scaled`` (free-word profiles): each tag's probabilities are divided by :func:`tag_scales`
    first. A model is confident on some tags (flute songs get ~0.75 for ``flute``) and shy on
    others (harpsichord songs ~0.13 for ``harpsichord``); unscaled, the confident tag decides
    every mix it is in. Tag-name queries stay plain probabilities (a one-tag query's score is
    the song's probability of that tag)."""
    probs = np.asarray(probabilities)
    matches = list(matches)
    col = {t: i for i, t in enumerate(tags)}
    cols = [col[m.tag] for m in matches]
    used = probs[:, cols].astype(np.float64)  # only the matched columns: no copy of the whole catalog
    if scaled and probs.shape[0]:
        used /= tag_scales(used)
    num = np.zeros(probs.shape[0])
    den = 0.0
    for k, m in enumerate(matches):
        p = used[:, k]
        w = max(float(m.similarity), 1e-6)
        num += w * ((1.0 - p) if m.negated else p)
        den += w
    if den == 0.0:
        return np.zeros(probs.shape[0])
    return num / den


def rank_songs(scores: np.ndarray, top: int, exclude: Iterable[int] = ()) -> np.ndarray:
    """Indices of the ``top`` highest scores (ties by index), skipping ``exclude``."""
    scores = np.asarray(scores, dtype=np.float64)
    mask = np.ones(scores.shape[0], bool)
    mask[list(exclude)] = False
    idx = np.flatnonzero(mask)
    if top <= 0 or idx.size == 0:
        return idx[:0]
    order = np.lexsort((idx, -scores[idx]))  # stable: equal scores keep catalog order
    return idx[order][:top]
