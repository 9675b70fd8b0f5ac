"""The library's typed results; ``to_dict`` gives the JSON shapes of ``mtat-tagger search --json`` /
``similar --json`` and of the web API (numbers rounded to 4 decimals)."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping


def _r(x: float) -> float:
    return round(float(x), 4)


@dataclasses.dataclass(frozen=True)
class TagMatch:
    """One matched tag. ``how``: "name" (named in the query), "negation" (a negation mapped
    to a negative tag or negating a tag), "concept" (from a concept's profile) or "embedding"."""

    tag: str
    similarity: float
    negated: bool = False
    how: str = "embedding"

    def to_dict(self) -> dict:
        out = {"tag": self.tag, "similarity": _r(self.similarity)}
        if self.negated:
            out["negated"] = True
        return out


@dataclasses.dataclass(frozen=True)
class ConceptMatch:
    """One matched concept. ``how``: "word" (an alias in the query, ``alias`` says which; ``similarity``
    1, or its weight relative to the other named concepts when the query names several, see
    :data:`mtat.search.matcher.REWEIGHT_POWER`),
    "negated word" (an alias after "no"/"not"/"without": its tags count against a song),
    "embedding" (nearest by text embedding, ``similarity`` is the cosine less the hubness penalty), "negated embedding"
    (the concept nearest to words after a negation that name no alias: counts against a song) or "kind"
    (a kind of music, :mod:`mtat.search.kinds`: ``similarity`` is its weight, ``alias`` its closest text)."""

    name: str
    similarity: float
    how: str
    alias: str = ""

    def to_dict(self) -> dict:
        out = {"concept": self.name, "similarity": _r(self.similarity), "how": self.how}
        if self.alias:
            out["alias"] = self.alias
        return out


@dataclasses.dataclass(frozen=True)
class QueryMatch:
    """The query's matched tags, best first; ``kind`` is "tags" (every word named a tag) or "words".

    ``concepts``: the matched concepts (free words only); ``kinds``: the kinds of music the words were
    read as (:mod:`mtat.search.kinds`; ``how`` "kind", ``similarity`` its weight, ``alias`` its example
    text closest to the query); ``text``: the query's words without its
    negations, misspellings corrected (what the joint audio-text route embeds); ``corrections``:
    {typed word: vocabulary word}; ``reading``: how each content word was read
    (:class:`mtat.search.confidence.WordReading`) and ``confidence`` the mean understanding of them
    (:func:`mtat.search.confidence.query_confidence`).
    """

    query: str
    kind: str
    matches: tuple[TagMatch, ...]
    concepts: tuple[ConceptMatch, ...] = ()
    text: str = ""
    corrections: dict = dataclasses.field(default_factory=dict)
    reading: tuple = ()
    confidence: float = 1.0
    kinds: tuple[ConceptMatch, ...] = ()

    @property
    def tags(self) -> list[str]:
        return [m.tag for m in self.matches]


@dataclasses.dataclass(frozen=True)
class ScoreParts:
    """Why a song scored: the tag route's score, the joint cosine and the fused score (None when
    that route did not run), the song's probability of the query's first matched tags
    (``{"tag" or "not tag": p}``) and ``rank``, the raw ranking score the songs are ordered by
    (the fused score on the fused route, else the route's own score; comparable within one query only)."""

    tag: float
    joint: float | None
    fused: float | None
    matched: Mapping[str, float]
    rank: float = 0.0

    def to_dict(self) -> dict:
        return {"tag": _r(self.tag), "joint": None if self.joint is None else _r(self.joint),
                "fused": None if self.fused is None else _r(self.fused),
                "matched": {t: _r(p) for t, p in self.matched.items()}, "rank": _r(self.rank)}


@dataclasses.dataclass(frozen=True)
class CatalogSong:
    """A catalog song in a ranking: its catalog ``row``, the ``path`` results show, its most probable
    ``tags`` ({tag: probability}, highest first) and ``short``: the song is shorter than
    :data:`mtat.windows.MIN_RELIABLE_SECONDS`, its tags are unreliable (shown only when asked for)."""

    row: int
    path: str
    tags: Mapping[str, float]
    short: bool = False

    def _dict(self, name: str, value: float) -> dict:
        return {"path": self.path, name: _r(value), "tags": {t: _r(p) for t, p in self.tags.items()},
                "short": self.short}


@dataclasses.dataclass(frozen=True, kw_only=True)
class SongHit(CatalogSong):
    """One song of a search: its ``score`` shown to people (comparable across queries:
    :func:`mtat.search.confidence.shown_scores`) and the ``parts`` behind it (``parts.rank`` is the
    raw ranking score)."""

    score: float
    parts: ScoreParts

    def to_dict(self) -> dict:
        return {**self._dict("score", self.score), "parts": self.parts.to_dict()}


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """A search: the query, the route that ranked (``"tags" | "tag" | "fused" | "joint"``), its match,
    the songs best first and ``confidence`` in [0, 1], how well the query was understood
    (:mod:`mtat.search.confidence`: the match's); ``short_excluded``: how many short songs were left
    out of the ranking (``include_short=False``)."""

    query: str
    route: str
    match: QueryMatch
    songs: tuple[SongHit, ...]
    confidence: float = 1.0
    short_excluded: int = 0

    def to_dict(self) -> dict:
        from mtat.search.confidence import LOW_CONFIDENCE

        return {"query": self.query, "route": self.route, "confidence": _r(self.confidence),
                "low_confidence": self.confidence < LOW_CONFIDENCE,
                "matched_tags": [t.to_dict() for t in self.match.matches],
                "concepts": [c.to_dict() for c in self.match.concepts],
                "kinds": [{"kind": k.name, "weight": _r(k.similarity), "like": k.alias} for k in self.match.kinds],
                "corrections": dict(self.match.corrections), "results": [s.to_dict() for s in self.songs],
                "short_excluded": self.short_excluded}


@dataclasses.dataclass(frozen=True, kw_only=True)
class SimilarSong(CatalogSong):
    """A song like the query song: its cosine ``similarity`` (of catalog-centred embeddings)."""

    similarity: float

    def to_dict(self) -> dict:
        return self._dict("similarity", self.similarity)
