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

import functools
from collections.abc import Sequence

from mtat.search.catalog import Catalog
from mtat.search.embedding import Progress
from mtat.search.errors import CatalogError, QueryError
from mtat.search.fusion import JOINT_WEIGHT, TAG_WEIGHT
from mtat.search.joint import joint_scores
from mtat.search.matcher import MAX_TAGS, TagMatcher
from mtat.search.ranking import candidate_rows, combine_routes, hits, short_left_out
from mtat.search.results import SearchResult
from mtat.search.scoring import score_songs

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
    Reads the disk cache only, when it is already there.
    """
    if tags is None:
        from mtat.tags import MTAT_TAGS

        matcher = default_matcher(tuple(MTAT_TAGS), progress=progress)
        matcher.alias_vectors()
    else:
        matcher = default_matcher(tuple(tags), progress=progress)
        matcher.alias_hubness()  # the alias embeddings first, then their hubness: both cached on disk
    matcher.kind_vectors()
    return len(matcher.table.alias_texts) + len(matcher.kind_table.texts)


def search(catalog: Catalog, query: str, top: int = DEFAULT_TOP, max_tags: int = MAX_TAGS, min_score: float = 0.0, *,
           route: str = "auto", tag_weight: float = TAG_WEIGHT, joint_weight: float = JOINT_WEIGHT,
           matcher: TagMatcher | None = None, progress: Progress | None = None,
           include_short: bool = False) -> SearchResult:
    """The ``top`` songs of ``catalog`` for ``query`` whose shown ``score`` is at least ``min_score``
    (the score comparable across queries, see the module docstring), best first.

    ``route``: "auto" (fused when the catalog has joint vectors and the query has free words),
    "tag" or "joint" (that route alone; "joint" needs joint vectors). ``matcher`` replaces the
    cached default (tests, benchmarks); ``progress`` wraps the default matcher's first embedding of
    the vocabulary. Songs flagged short (tags unreliable) are left out, exactly as if the catalog
    did not hold them, unless ``include_short`` (:mod:`mtat.search.ranking`); the result's
    ``short_excluded`` counts them. Raises :class:`~mtat.search.errors.QueryError` / :class:`CatalogError`.
    """
    if route not in ROUTES:
        raise QueryError(f"unknown route {route!r}: choose from {', '.join(ROUTES)}")
    m = matcher or default_matcher(tuple(catalog.tags), max_tags, progress)
    match = m.match(query)
    rows = candidate_rows(catalog, include_short)
    tag = score_songs(catalog.probabilities, catalog.tags, match.matches, scaled=match.kind == "words", rows=rows)
    joint = None
    if route == "joint" or (route == "auto" and match.kind == "words"):
        joint = joint_scores(catalog, match.text or query, m.encode)
        if joint is None and route == "joint":
            raise CatalogError(f"catalog {catalog.source} has no joint audio-text vectors: index it with a model "
                               "that has the joint head")
        if joint is not None and rows is not None:
            joint = joint[rows]
    used, scores, evidence, fused = combine_routes(route, tag, joint, tag_weight, joint_weight,
                                                   "tags" if match.kind == "tags" else "tag")
    songs = hits(catalog, scores, evidence, match.confidence, tag, match.matches, top, min_score, joint=joint,
                 fused=fused, rows=rows)
    return SearchResult(query, used, match, songs, match.confidence, short_left_out(catalog, rows))
