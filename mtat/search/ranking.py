"""One ranking step shared by every kind of search (words, an explicit profile, more like a song, songs
that sound alike): which songs are candidates, and scores -> the best songs as
:class:`~mtat.search.results.SongHit` s with the parts behind them.

Short songs (the catalog's ``short`` flag, :func:`mtat.windows.is_short`: tags unreliable) are not
candidates unless ``include_short``: every search scores :func:`candidate_rows` only, so a search
without them ranks and scores exactly as on a catalog that never held them (the catalog-wide parts
of a score, such as each tag's catalog maximum and the fused routes' standardisation, are taken over
the candidates). When no song is short every row is a candidate and nothing changes."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mtat.search.catalog import Catalog
from mtat.search.confidence import fused_evidence, shown_scores
from mtat.search.fusion import fuse
from mtat.search.results import ScoreParts, SongHit, TagMatch
from mtat.search.scoring import TagScores, rank_songs, tag_scales

#: How many of a song's own top tags each result shows.
SONG_TAGS = 5
#: How many of the query's matched tags each result's parts show (the song's probability of each).
EXPLAIN_TAGS = 4


def candidate_rows(catalog: Catalog, include_short: bool = False) -> np.ndarray | None:
    """The catalog rows a search ranks: None (every row) when ``include_short`` or when no song is
    short, else the rows of the songs not flagged short (ascending)."""
    if include_short or not catalog.short.any():
        return None
    return np.flatnonzero(~catalog.short)


def derived_name(name: str, rows: np.ndarray | None) -> str:
    """The name of something :meth:`Catalog.derived` computes once per catalog for the candidate
    ``rows`` (:func:`candidate_rows`: every song, or the long ones)."""
    return f"{name}:{'all' if rows is None else 'long'}"


def candidate_scales(catalog: Catalog, rows: np.ndarray | None) -> np.ndarray:
    """:func:`~mtat.search.scoring.tag_scales` over the candidate ``rows`` (:func:`candidate_rows`),
    computed once per catalog and kind of candidates."""
    probs = catalog.probabilities
    return catalog.derived(derived_name("tag_scales", rows), probs, lambda: tag_scales(probs if rows is None else probs[rows]))


def candidate_mask(rows: np.ndarray | None, keep: np.ndarray | None) -> np.ndarray | None:
    """The catalog-row bool mask ``keep`` as one value per candidate of ``rows`` (None: no mask)."""
    if keep is None or rows is None:
        return keep
    return np.asarray(keep, bool)[rows]


def short_left_out(catalog: Catalog, rows: np.ndarray | None, besides: Sequence[int] = ()) -> int:
    """How many short songs the candidate ``rows`` leave out, not counting the rows ``besides`` (the
    query song of a "more like" search, left out anyway)."""
    if rows is None:
        return 0
    short = catalog.short.copy()
    short[list(besides)] = False
    return int(short.sum())


def positions(rows: np.ndarray | None, catalog_rows: Sequence[int]) -> list[int]:
    """Where ``catalog_rows`` sit among the candidate ``rows`` (those that are candidates at all)."""
    if rows is None:
        return [int(r) for r in catalog_rows]
    return [int(k) for k in np.flatnonzero(np.isin(rows, list(catalog_rows)))]


def scores_at(scores: np.ndarray | TagScores, picked: np.ndarray) -> np.ndarray:
    """The scores of the candidates at ``picked``, from an array or computed (:class:`TagScores`)."""
    return scores.at(picked) if isinstance(scores, TagScores) else np.asarray(scores, np.float64)[picked]


Scores = np.ndarray | TagScores


def hits(catalog: Catalog, rank: Scores, evidence: Scores, confidence: float, tag: Scores,
         matches: Sequence[TagMatch], top: int, min_score: float = 0.0, *, joint: np.ndarray | None = None,
         fused: np.ndarray | None = None, exclude: Sequence[int] = (),
         rows: np.ndarray | None = None, keep: np.ndarray | None = None) -> tuple[SongHit, ...]:
    """The ``top`` songs by ``rank`` (catalog rows in ``exclude`` left out, and with ``keep``, a
    ``[len(catalog)]`` bool mask, only the rows where it is True) whose shown score
    (:func:`~mtat.search.confidence.shown_scores` of ``evidence`` and ``confidence``, comparable across
    queries) is at least ``min_score``; ``tag`` / ``joint`` / ``fused``: each route's scores for the parts.
    The score arrays hold one value per candidate of ``rows`` (:func:`candidate_rows`; None: per row);
    ``rank``, ``evidence`` and ``tag`` may be the tag route's :class:`~mtat.search.scoring.TagScores`.
    ``keep`` narrows the ranking only: scores are those of the whole candidate set."""
    col = {t: k for k, t in enumerate(catalog.tags)}
    probs = catalog.probabilities
    explained = list(matches)[:EXPLAIN_TAGS]
    skip, mask = positions(rows, exclude), candidate_mask(rows, keep)
    picked = rank.best(top, skip, mask) if isinstance(rank, TagScores) else rank_songs(rank, top, skip, mask)
    ranks = scores_at(rank, picked)
    tags = ranks if tag is rank else scores_at(tag, picked)
    shown = shown_scores(ranks if evidence is rank else scores_at(evidence, picked), confidence)
    songs = []
    for k, (i, score) in enumerate(zip(picked, shown)):
        if score < min_score:  # shown is non-decreasing in the ranking score: nothing below scores more
            break
        row = int(i if rows is None else rows[i])
        parts = ScoreParts(float(tags[k]), None if joint is None else float(joint[i]),
                           None if fused is None else float(fused[i]),
                           {("not " if t.negated else "") + t.tag: float(probs[row, col[t.tag]]) for t in explained},
                           rank=float(ranks[k]))
        songs.append(SongHit(row, catalog.paths[row], catalog.top_tags(row, SONG_TAGS), bool(catalog.short[row]),
                             score=float(score), parts=parts))
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
