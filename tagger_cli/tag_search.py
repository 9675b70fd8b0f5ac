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

2. **Free words.** Otherwise the query (minus its negation phrases, which a sentence
   embedding cannot represent: "no vocals" is 0.80 similar to "vocals") is embedded as
   ``"{query} music"`` with all-MiniLM-L6-v2 and compared by cosine with one text per tag:
   ``"a song with {description}"`` where the description is hand-written for tags where it
   helps (:data:`TAG_DESCRIPTIONS`, e.g. choir -> "choir, church, christmas carols") and the
   tag name otherwise. Tags are grouped into near-synonym groups (:data:`SYNONYM_GROUPS`:
   beat/beats, vocal/vocals/voice, male/man/male voice/male vocal, ...); a group's similarity is
   its best member's, and only that member is matched, so the top matches are distinct ideas.
   Groups are kept when their similarity is at least :data:`MIN_SIMILARITY` and within
   :data:`MARGIN` of the best tag (the best one is always kept, so a query never matches
   nothing), at most ``max_tags`` of them, best first. Tag names that appear literally in a mixed
   query ("techno club") are always matched (similarity 1.0). Sentence embeddings put antonyms
   close ("calm music" ~ "loud" 0.61), so matches from the energy pole (:data:`CALM_POLE` /
   :data:`ENERGETIC_POLE`) opposite to the query's best-ranked pole tag are dropped.

Song score (:func:`score_songs`): the similarity-weighted mean over the matched tags of the
song's predicted probability (``1 - p`` for a negated tag)::

    score = sum_i s_i * q_i / sum_i s_i,   q_i = p_i (or 1 - p_i when negated)

so a one-tag query scores each song by exactly that tag's probability, a tag query by the
plain mean of its tags' probabilities, and a free-word query leans toward its closest tags.
Scores are in [0, 1].
"""
from __future__ import annotations

import dataclasses
import re
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

#: Query-side template (measured best in a small trial: "{query} music" vs bare words).
QUERY_TEMPLATE = "{} music"
#: Tag-side template, filled with the tag's description (or its name).
TAG_TEMPLATE = "a song with {}"

#: Short descriptions for tags whose bare name embeds poorly (the MTAT top-50 and a few more).
#: On 40 hand-judged queries over the top-50 tags they raised the share of acceptable tags
#: among the top 3 from 0.53 (bare "a song with {tag}") to 0.70; with the grouping, thresholds
#: and energy poles below, 0.84 of all matched tags were acceptable (the same queries were used
#: to write the descriptions, so these numbers are optimistic).
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

#: Matching thresholds for free words (cosine similarity of the embeddings).
MIN_SIMILARITY = 0.45
MARGIN = 0.10
MAX_TAGS = 5
#: Similarity reported for a tag named literally in the query.
EXACT_SIMILARITY = 1.0

NEGATIONS = frozenset({"no", "not", "without", "non"})
FILLER_WORDS = frozenset({
    "and", "with", "or", "but", "plus", "a", "an", "the", "some", "of",
    "music", "song", "songs", "track", "tracks", "tune", "tunes",
})


class QueryError(ValueError):
    """The query cannot be matched (empty, or no tags to match against)."""


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
class QueryMatch:
    """The query's matched tags, best first; ``kind`` is "tags" (every word named a tag) or "words"."""

    query: str
    kind: str
    matches: tuple[TagMatch, ...]

    @property
    def tags(self) -> list[str]:
        return [m.tag for m in self.matches]


def normalize(text: str) -> str:
    """Lower-case, punctuation/hyphens to spaces, single spaces."""
    return " ".join(re.sub(r"[^\w'&+]+|_", " ", str(text).lower()).split())


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


def _pole(tag: str) -> Optional[str]:
    return "calm" if tag in CALM_POLE else "energetic" if tag in ENERGETIC_POLE else None


def tag_text(tag: str) -> str:
    """The text embedded for a tag."""
    return TAG_TEMPLATE.format(TAG_DESCRIPTIONS.get(tag, tag))


class TagMatcher:
    """Matches queries to a fixed tag vocabulary.

    ``encode`` maps a list of texts to L2-normalised embeddings (default: the all-MiniLM-L6-v2
    :class:`~mtat.text_embedding.TextEncoder`, loaded on first free-word query only).
    """

    def __init__(
        self,
        tags: Sequence[str],
        encode: Optional[Callable[[list[str]], np.ndarray]] = None,
        *,
        max_tags: int = MAX_TAGS,
        min_similarity: float = MIN_SIMILARITY,
        margin: float = MARGIN,
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
        self._tag_vecs: Optional[np.ndarray] = None

    # -- embeddings -------------------------------------------------------------------------
    def encode(self, texts: list[str]) -> np.ndarray:
        if self._encode is None:
            from mtat.text_embedding import TextEncoder

            self._encode = TextEncoder.load().encode
        return np.asarray(self._encode(texts), dtype=np.float32)

    def tag_vectors(self) -> np.ndarray:
        if self._tag_vecs is None:
            self._tag_vecs = self.encode([tag_text(t) for t in self.tags])
        return self._tag_vecs

    def similarities(self, text: str) -> np.ndarray:
        """Cosine similarity of ``"{text} music"`` with every tag text, ``[K]``."""
        q = self.encode([QUERY_TEMPLATE.format(text)])[0]
        return self.tag_vectors() @ q

    # -- parsing ----------------------------------------------------------------------------
    def _tag_at(self, words: list[str], i: int) -> tuple[Optional[str], int]:
        """Longest vocabulary tag starting at word ``i``: (tag, words used) or (None, 0)."""
        for n in range(min(self._max_words, len(words) - i), 0, -1):
            tag = self._norm.get(" ".join(words[i:i + n]))
            if tag is not None:
                return tag, n
        return None, 0

    def _phrase_at(self, words: list[str], i: int) -> tuple[Optional[str], int]:
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

    def _negation(self, phrase: str) -> Optional[TagMatch]:
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
            if tag is not None:
                found.append(TagMatch(tag, EXACT_SIMILARITY, False, "name"))
                text.extend(words[i:i + n])
                i += n
                continue
            if words[i] in NEGATIONS and i + 1 < len(words):
                phrase, n = self._phrase_at(words, i + 1)
                match = self._negation(phrase) if phrase else None
                if match is not None:
                    found.append(match)
                    g = self._group.get(phrase)
                    if g is not None:
                        blocked.add(g)
                    i += 1 + n
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

    # -- matching ---------------------------------------------------------------------------
    def match(self, query: str) -> QueryMatch:
        """Matched tags for ``query``, best first (see the module docstring)."""
        if not normalize(query):
            raise QueryError("empty query")
        literal, text, leftover, blocked = self.parse(query)
        if literal and not leftover:
            return QueryMatch(query, "tags", tuple(literal))
        content = [w for w in text if w not in FILLER_WORDS] or text
        if not content:
            raise QueryError(f"nothing to search for in {query!r}")
        sims = self.similarities(" ".join(content))
        best_per_group: dict[int, int] = {}
        for k, t in enumerate(self.tags):
            g = self._group[t]
            if g not in best_per_group or sims[k] > sims[best_per_group[g]]:
                best_per_group[g] = k
        allowed = [(float(sims[k]), k) for g, k in best_per_group.items() if g not in blocked]
        if not allowed:
            return QueryMatch(query, "words", tuple(literal))
        # the margin counts from the best tag overall, named tags included ("opera house":
        # opera .76 leaves no room for the weak rest)
        top = max(allowed)[0]
        floor = max(self.min_similarity, top - self.margin)
        taken = {self._group[m.tag] for m in literal}
        chosen: list[TagMatch] = list(literal)
        pole = next((_pole(m.tag) for m in literal if _pole(m.tag)), None)
        for i, (s, k) in enumerate(sorted(allowed, reverse=True)):
            if len(chosen) >= self.max_tags:
                break
            tag = self.tags[k]
            if self._group[tag] in taken:
                continue
            if s < floor and (chosen or i > 0):
                break  # below the floor: only the very best tag is kept, and only if nothing else
            if _pole(tag):
                if pole is not None and _pole(tag) != pole:
                    continue
                pole = _pole(tag)
            chosen.append(TagMatch(tag, s, False, "embedding"))
        return QueryMatch(query, "words", tuple(chosen))


def score_songs(probabilities: np.ndarray, tags: Sequence[str], matches: Iterable[TagMatch]) -> np.ndarray:
    """Similarity-weighted mean of the matched tags' probabilities (``1 - p`` if negated), ``[n]``."""
    probs = np.asarray(probabilities, dtype=np.float64)
    col = {t: i for i, t in enumerate(tags)}
    num = np.zeros(probs.shape[0])
    den = 0.0
    for m in matches:
        p = probs[:, col[m.tag]]
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
