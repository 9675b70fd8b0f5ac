"""The search entry point: a query on a catalog -> ranked songs (:class:`~mtat.search.results.SearchResult`).

Two routes score the songs:

* **tag route** (:mod:`mtat.search.matcher`, :mod:`mtat.search.scoring`): tag names in the query are
  used as they are; free words are matched to listening concepts ("jogging" -> running -> fast,
  beat, techno, ...) by their words (misspellings tolerated) or by all-MiniLM-L6-v2 text
  embedding, and read as kinds of music through the texts people type for each
  (:mod:`mtat.search.kinds`); a song's score is the weighted mean of the implied tags' predicted probabilities
  (``1 - p`` for a negated or negative-weight tag).
* **joint route**, when the catalog has a ``joint`` column (a model with the joint audio-text
  head): the cosine between the song's joint vector and the query's vector in the same space
  (:func:`mtat.joint_space.phrase_vectors` of the query without its negations; :mod:`mtat.search.joint`).

A free-word query on a catalog with joint vectors ranks by the fusion of both
(:mod:`mtat.search.fusion`); a tag-name query ("piano slow", "no vocals") and any query on a catalog
without joint vectors uses the tag route alone, so those scores are exactly the tag route's.
The result's ``route`` says how the songs were ranked: "tags" (a tag-name query), "tag", "fused"
or "joint". The result's ``confidence`` says how well the query was understood, and a song's
``score`` is the score shown to people, comparable across queries: the route's absolute evidence
scaled by the confidence (:mod:`mtat.search.confidence`), in the ranking's order; the raw ranking
score (the fused score on the fused route, else the route's own) is its ``parts.rank``.
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

import numpy as np

from mtat.search.catalog import Catalog
from mtat.search.embedding import Progress
from mtat.search.errors import CatalogError, QueryError
from mtat.search.fusion import JOINT_WEIGHT, TAG_WEIGHT
from mtat.search.joint import joint_scores, query_vector
from mtat.search.matcher import MAX_TAGS, TagMatcher
from mtat.search.ranking import candidate_rows, candidate_scales, combine_routes, hits, short_left_out
from mtat.search.results import QueryMatch, SearchResult, SongHit
from mtat.search.scoring import TagScores, score_songs

DEFAULT_TOP = 10
#: Ranking routes: "auto" = fused when possible, else the tag route; "tag" / "joint" = one route alone.
ROUTES = ("auto", "tag", "joint")


@functools.lru_cache(maxsize=8)
def default_matcher(tags: tuple[str, ...], max_tags: int = MAX_TAGS, progress: Progress | None = None) -> TagMatcher:
    """The shared matcher of a tag vocabulary (the default text encoder, loaded on first use)."""
    return TagMatcher(list(tags), max_tags=max_tags, progress=progress)


def prepare_vocabulary(tags: Sequence[str] | None = None, progress: Progress | None = None) -> int:
    """Embed the search vocabulary now, into the disk cache, so the first free-word search does not;
    returns the number of texts (concept aliases and the kinds' texts).

    ``tags``: a catalog's tags (their aliases' embeddings and hubness, what its searches read: run at
    the end of ``mtat-tagger index`` and at the web page's start). ``None``: the vocabulary of all 188
    MagnaTagATune tags, the texts of any model's subset (run at install, ``scripts/precompile.py``).
    Reads the disk cache only, when it is already there. Leaves the kind probe fitted on the kinds' texts and
    the text encoder's graph there too.
    """
    if tags is None:
        from mtat.tags import MTAT_TAGS

        matcher = default_matcher(tuple(MTAT_TAGS), progress=progress)
        matcher.alias_vectors()
    else:
        matcher = default_matcher(tuple(tags), progress=progress)
        matcher.alias_hubness()  # the alias embeddings first, then their hubness: both cached on disk
    matcher.kind_vectors()
    matcher.kind_probe()
    from mtat.text_embedding import TextEncoder

    TextEncoder.load().keep_graph()  # and the encoder's graph: the next process loads it, not builds it
    return len(matcher.table.alias_texts) + len(matcher.kind_table.texts)


def _check_route(route: str) -> None:
    if route not in ROUTES:
        raise QueryError(f"unknown route {route!r}: choose from {', '.join(ROUTES)}")


@dataclasses.dataclass(frozen=True)
class ReadQuery:
    """A query as read, before any song is scored: its match and, when the joint route runs, its
    unit vector in the joint space (None otherwise); what the text encoder computes for a query."""

    match: QueryMatch
    joint: np.ndarray | None = None


def read_query(catalog: Catalog, query: str, max_tags: int = MAX_TAGS, *, route: str = "auto",
               matcher: TagMatcher | None = None, progress: Progress | None = None) -> ReadQuery:
    """Match ``query`` (see :func:`search` for the arguments) and encode it for the joint route when
    that route runs on ``catalog``."""
    _check_route(route)
    m = matcher or default_matcher(tuple(catalog.tags), max_tags, progress)
    match = m.match(query)
    vector = None
    if (route == "joint" or (route == "auto" and match.kind == "words")) and catalog.joint is not None:
        vector = query_vector(match.text or query, m.encode)
    return ReadQuery(match, vector)


@dataclasses.dataclass(frozen=True)
class ScoredQuery:
    """Every candidate song scored for a read query (:func:`score_query`); :meth:`hits` ranks them."""

    catalog: Catalog
    query: str
    match: QueryMatch
    route: str
    rows: np.ndarray | None
    tag: np.ndarray | TagScores
    joint: np.ndarray | None
    rank: np.ndarray | TagScores
    evidence: np.ndarray | TagScores
    fused: np.ndarray | None

    def hits(self, top: int, min_score: float = 0.0, keep: np.ndarray | None = None) -> tuple[SongHit, ...]:
        """The ``top`` best songs (only rows where the ``[len(catalog)]`` bool mask ``keep`` is True)
        whose shown score is at least ``min_score`` (:func:`mtat.search.ranking.hits`)."""
        return hits(self.catalog, self.rank, self.evidence, self.match.confidence, self.tag, self.match.matches,
                    top, min_score, joint=self.joint, fused=self.fused, rows=self.rows, keep=keep)

    def result(self, songs: Sequence[SongHit]) -> SearchResult:
        """The search's result with ``songs``."""
        return SearchResult(self.query, self.route, self.match, tuple(songs), self.match.confidence,
                            short_left_out(self.catalog, self.rows))


def score_query(catalog: Catalog, query: str, read: ReadQuery, *, route: str = "auto",
                tag_weight: float = TAG_WEIGHT, joint_weight: float = JOINT_WEIGHT,
                include_short: bool = False) -> ScoredQuery:
    """Score every candidate song (:func:`mtat.search.ranking.candidate_rows`) for the read query
    ``read`` (see :func:`search` for the arguments)."""
    _check_route(route)
    match = read.match
    rows = candidate_rows(catalog, include_short)
    joint = None
    if route == "joint" or (route == "auto" and match.kind == "words"):
        if route == "joint" and catalog.joint is None:
            raise CatalogError(f"catalog {catalog.source} has no joint audio-text vectors: index it with a model "
                               "that has the joint head")
        if read.joint is not None:
            joint = joint_scores(catalog, vector=read.joint)
            if joint is not None and rows is not None:
                joint = joint[rows]
    scaled = match.kind == "words"
    scales = candidate_scales(catalog, rows) if scaled else None
    # the tag route alone is scored only where the ranking needs it; the others standardise every score
    tag = (TagScores(catalog.probabilities, catalog.tags, match.matches, scaled, rows, scales) if joint is None
           else score_songs(catalog.probabilities, catalog.tags, match.matches, scaled=scaled, rows=rows, scales=scales))
    used, scores, evidence, fused = combine_routes(route, tag, joint, tag_weight, joint_weight,
                                                   "tags" if match.kind == "tags" else "tag")
    return ScoredQuery(catalog, query, match, used, rows, tag, joint, scores, evidence, fused)


def search(catalog: Catalog, query: str, top: int = DEFAULT_TOP, max_tags: int = MAX_TAGS, min_score: float = 0.0, *,
           route: str = "auto", tag_weight: float = TAG_WEIGHT, joint_weight: float = JOINT_WEIGHT,
           matcher: TagMatcher | None = None, progress: Progress | None = None,
           include_short: bool = False, keep: np.ndarray | None = None) -> SearchResult:
    """The ``top`` songs of ``catalog`` for ``query`` whose shown ``score`` is at least ``min_score``
    (the score comparable across queries, see the module docstring), best first.

    ``route``: "auto" (fused when the catalog has joint vectors and the query has free words),
    "tag" or "joint" (that route alone; "joint" needs joint vectors). ``matcher`` replaces the
    cached default (tests, benchmarks); ``progress`` wraps the default matcher's first embedding of
    the vocabulary. Songs flagged short (tags unreliable) are left out, exactly as if the catalog
    did not hold them, unless ``include_short`` (:mod:`mtat.search.ranking`); the result's
    ``short_excluded`` counts them. ``keep``: a ``[len(catalog)]`` bool mask, only those songs are
    listed (their scores unchanged). Raises :class:`~mtat.search.errors.QueryError` / :class:`CatalogError`.
    """
    read = read_query(catalog, query, max_tags, route=route, matcher=matcher, progress=progress)
    scored = score_query(catalog, query, read, route=route, tag_weight=tag_weight, joint_weight=joint_weight,
                         include_short=include_short)
    return scored.result(scored.hits(top, min_score, keep))
