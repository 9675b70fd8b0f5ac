"""More like this: songs described like a catalog song (its tag profile, and its joint vector).

A song's **profile** is its :data:`LIKE_TAGS` most probable tags weighted by their probability
(``{"piano": 0.81, "classical": 0.74, ...}``); the catalog is ranked by that profile with the tag
route's scoring (:func:`mtat.search.scoring.score_songs`, as an explicit ``tags=`` profile:
:mod:`mtat.search.profile`). When the catalog has joint audio-text vectors, each song's cosine
with the song's joint vector is fused with it (:func:`mtat.search.fusion.fuse`, the free-word
weights), as a free-word query's joint route is. The song itself is left out of its results.

How this differs from :mod:`mtat.search.similar` (``/api/similar``, ``mtat-tagger similar``): that
ranks by the cosine of the songs' *audio embeddings* (the model's penultimate layer: songs that
*sound* alike, in features nobody can read or edit). More like this ranks by what the model *says*
about the song (its tags, and the joint space those tags and words share), and returns that
profile as the result's ``matched_tags``: a person can see why songs came back and correct the
profile (drop a tag, negate one, add one) as an explicit tag search. The two often agree on a
catalog, but they are different signals and answer different questions, so both stay.
"""
from __future__ import annotations

import numpy as np

from mtat.search.api import ROUTES
from mtat.search.catalog import Catalog
from mtat.search.errors import CatalogError, QueryError
from mtat.search.fusion import JOINT_WEIGHT, TAG_WEIGHT
from mtat.search.profile import format_profile
from mtat.search.ranking import candidate_rows, combine_routes, hits, short_left_out
from mtat.search.results import QueryMatch, SearchResult, TagMatch
from mtat.search.scoring import score_songs

#: How many of the song's most probable tags make its profile.
LIKE_TAGS = 5
HOW = "like"


def song_profile(catalog: Catalog, row: int, n: int = LIKE_TAGS) -> tuple[TagMatch, ...]:
    """The song's ``n`` most probable tags, each weighted by its probability (highest first)."""
    return tuple(TagMatch(t, max(float(p), 1e-6), False, HOW) for t, p in catalog.top_tags(row, n).items())


def joint_similarity(catalog: Catalog, row: int) -> np.ndarray | None:
    """Cosine of every song's joint vector with song ``row``'s (0 for a zero vector), or None without
    joint vectors; float32 unit vectors (:attr:`Catalog.unit_joint`), as the words route's joint scores."""
    joint = catalog.unit_joint
    if joint is None:
        return None
    return (joint @ joint[row]).astype(np.float64)


def search_like(catalog: Catalog, row: int, top: int = 10, n_tags: int = LIKE_TAGS, *, route: str = "auto",
                min_score: float = 0.0, include_short: bool = False, keep: np.ndarray | None = None) -> SearchResult:
    """The ``top`` songs most like catalog song ``row`` (itself left out), best first.

    ``route``: "auto" (the profile fused with the joint cosine when the catalog has joint vectors,
    else the profile alone), "tag" (the profile alone) or "joint" (the joint cosine alone). The
    result's ``query`` is ``like:<path>``, its ``matched_tags`` the song's profile, ``route`` "tags",
    "fused" or "joint". Songs flagged short are left out unless ``include_short`` (the song ``row``
    itself may be short: its profile is still its own); with ``keep`` (a ``[len(catalog)]`` bool mask)
    only those songs are listed. Raises :class:`QueryError` (bad row, route,
    top) / :class:`CatalogError`.
    """
    if route not in ROUTES:
        raise QueryError(f"unknown route {route!r}: choose from {', '.join(ROUTES)}")
    if not 0 <= int(row) < len(catalog):
        raise QueryError(f"no song {row} in the catalog (rows are 0..{len(catalog) - 1})")
    if top < 1 or n_tags < 1:
        raise QueryError(f"top and the number of tags must be at least 1, got {top}, {n_tags}")
    row = int(row)
    matches = song_profile(catalog, row, n_tags)
    rows = candidate_rows(catalog, include_short)
    tag = score_songs(catalog.probabilities, catalog.tags, matches, scaled=False, rows=rows)
    joint = None if route == "tag" else joint_similarity(catalog, row)
    if route == "joint" and joint is None:
        raise CatalogError(f"catalog {catalog.source} has no joint audio-text vectors: index it with a model "
                           "that has the joint head")
    if joint is not None and rows is not None:
        joint = joint[rows]
    used, scores, evidence, fused = combine_routes(route, tag, joint, TAG_WEIGHT, JOINT_WEIGHT, "tags")
    query = f"like:{catalog.paths[row]}"
    match = QueryMatch(query, "tags", matches, text=format_profile(matches))
    songs = hits(catalog, scores, evidence, 1.0, tag, matches, top, min_score, joint=joint, fused=fused, exclude=[row],
                 rows=rows, keep=keep)
    return SearchResult(query, used, match, songs, short_excluded=short_left_out(catalog, rows, besides=[row]))
