"""One ranking step shared by every kind of search (words, an explicit profile, more like a song):
scores -> the best songs as :class:`~mtat.search.results.SongHit` s with the parts behind them."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mtat.search.catalog import Catalog
from mtat.search.confidence import fused_evidence, shown_scores
from mtat.search.fusion import fuse
from mtat.search.results import ScoreParts, SongHit, TagMatch
from mtat.search.scoring import rank_songs

#: How many of a song's own top tags each result shows.
SONG_TAGS = 5
#: How many of the query's matched tags each result's parts show (the song's probability of each).
EXPLAIN_TAGS = 4


def hits(catalog: Catalog, rank: np.ndarray, evidence: np.ndarray, confidence: float, tag: np.ndarray,
         matches: Sequence[TagMatch], top: int, min_score: float = 0.0, *, joint: np.ndarray | None = None,
         fused: np.ndarray | None = None, exclude: Sequence[int] = ()) -> tuple[SongHit, ...]:
    """The ``top`` songs by ``rank`` (rows in ``exclude`` left out) whose shown score
    (:func:`~mtat.search.confidence.shown_scores` of ``evidence`` and ``confidence``, comparable across
    queries) is at least ``min_score``; ``tag`` / ``joint`` / ``fused``: each route's scores for the parts."""
    col = {t: k for k, t in enumerate(catalog.tags)}
    probs = catalog.probabilities
    explained = list(matches)[:EXPLAIN_TAGS]
    shown = shown_scores(evidence, confidence)
    songs = []
    for i in rank_songs(rank, top, exclude=exclude):
        if shown[i] < min_score:  # shown is non-decreasing in the ranking score: nothing below scores more
            break
        parts = ScoreParts(float(tag[i]), None if joint is None else float(joint[i]),
                           None if fused is None else float(fused[i]),
                           {("not " if t.negated else "") + t.tag: float(probs[i, col[t.tag]]) for t in explained},
                           rank=float(rank[i]))
        songs.append(SongHit(int(i), catalog.paths[i], catalog.top_tags(int(i), SONG_TAGS), score=float(shown[i]),
                             parts=parts))
    return tuple(songs)


def combine_routes(route: str, tag: np.ndarray, joint: np.ndarray | None, tag_weight: float, joint_weight: float,
                   tag_route: str) -> tuple[str, np.ndarray, np.ndarray, np.ndarray | None]:
    """``(route used, ranking scores, evidence for the shown score, fused scores or None)``: the joint
    route alone when ``route`` is "joint", the fusion of both when ``joint`` is given, else the tag
    route (named ``tag_route``: "tags" or "tag")."""
    if route == "joint":
        return "joint", joint, joint, None
    if joint is not None:
        fused = fuse(tag, joint, tag_weight, joint_weight)
        return "fused", fused, fused_evidence(tag, joint, tag_weight, joint_weight), fused
    return tag_route, tag, tag, None
