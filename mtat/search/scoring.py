"""Song scores of a matched query's tags, and ranking (pure NumPy).

Song score (:func:`score_songs`): the weighted mean over the matched tags of the song's
predicted probability (``1 - p`` for a negated tag)::

    score = sum_i s_i * q_i / sum_i s_i,   q_i = p_i (or 1 - p_i when negated)

so a one-tag query scores each song by exactly that tag's probability, a tag query by the
plain mean of its tags' probabilities, and a free-word query by its profile over probabilities
divided by each tag's catalog maximum (:func:`tag_scales`: the model's confidence differs from
tag to tag). Scores are in [0, 1].
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from mtat.search.results import TagMatch

#: A tag's probabilities are divided by their catalog maximum, but never by less than this (a
#: tag no song has is not blown up into noise).
MIN_TAG_SCALE = 0.25


def tag_scales(probabilities: np.ndarray) -> np.ndarray:
    """Each tag's highest probability in the catalog, at least :data:`MIN_TAG_SCALE`, ``[n_tags]``."""
    probs = np.asarray(probabilities, dtype=np.float64)
    if probs.shape[0] == 0:
        return np.ones(probs.shape[1])
    return np.maximum(probs.max(axis=0), MIN_TAG_SCALE)


def score_songs(probabilities: np.ndarray, tags: Sequence[str], matches: Iterable[TagMatch],
                scaled: bool = False, rows: np.ndarray | None = None, scales: np.ndarray | None = None) -> np.ndarray:
    """Similarity-weighted mean of the matched tags' probabilities (``1 - p`` if negated), ``[n]``.

    ``scaled`` (free-word profiles): each tag's probabilities are divided by :func:`tag_scales`
    first. A model is confident on some tags (flute songs get ~0.75 for ``flute``) and shy on
    others (harpsichord songs ~0.13 for ``harpsichord``); unscaled, the confident tag decides
    every mix it is in. Tag-name queries stay plain probabilities (a one-tag query's score is
    the song's probability of that tag).

    ``rows``: score only these songs (``[len(rows)]`` scores, the scales taken over them alone), as
    if the catalog held nothing else; None: every song. ``scales``: :func:`tag_scales` of every tag
    over those songs when already known (``[n_tags]``), else taken from the matched columns.
    Reads one matched column at a time (a column-major matrix reads each contiguously)."""
    probs = np.asarray(probabilities)
    matches = list(matches)
    col = {t: i for i, t in enumerate(tags)}
    rows = None if rows is None else np.asarray(rows, np.intp)
    n = probs.shape[0] if rows is None else rows.shape[0]
    num = np.zeros(n)
    den = 0.0
    for m in matches:  # in place, one matched column at a time: w * p (or w * (1 - p)) added to num
        k = col[m.tag]
        p = (probs[:, k] if rows is None else probs[rows, k]).astype(np.float64)
        if scaled and n:
            p /= tag_scales(p[:, None])[0] if scales is None else float(scales[k])
        if m.negated:
            np.subtract(1.0, p, out=p)
        w = max(float(m.similarity), 1e-6)
        p *= w
        num += p
        den += w
    if den == 0.0:
        return np.zeros(n)
    return num / den


class TagScores:
    """The tag route's scores (:func:`score_songs`, same arguments) of the candidates, computed exactly
    only for the songs a ranking needs: :meth:`best` finds them on a float32 pass whose rounding error
    is bounded (:data:`FLOAT32_ERROR` per matched tag), then scores and orders them in float64, so the
    songs, their order and their scores are those of :func:`score_songs` and :func:`rank_songs`."""

    def __init__(self, probabilities: np.ndarray, tags: Sequence[str], matches: Iterable[TagMatch],
                 scaled: bool = False, rows: np.ndarray | None = None, scales: np.ndarray | None = None):
        self.probabilities = np.asarray(probabilities)
        self.tags, self.matches, self.scaled = tags, list(matches), scaled
        self.rows = None if rows is None else np.asarray(rows, np.intp)
        if scaled and scales is None:
            scales = tag_scales(self.probabilities if self.rows is None else self.probabilities[self.rows])
        self.scales = scales

    def __len__(self) -> int:
        return self.probabilities.shape[0] if self.rows is None else self.rows.shape[0]

    def at(self, positions: np.ndarray) -> np.ndarray:
        """The exact float64 scores of the candidates at ``positions``."""
        positions = np.asarray(positions, np.intp)
        rows = positions if self.rows is None else self.rows[positions]
        return score_songs(self.probabilities, self.tags, self.matches, self.scaled, rows, self.scales)

    def approximate(self) -> tuple[np.ndarray, float]:
        """Every candidate's score in float32 and a bound of its distance to the exact score."""
        col = {t: i for i, t in enumerate(self.tags)}
        weights = [max(float(m.similarity), 1e-6) for m in self.matches]
        den = sum(weights)
        out = np.zeros(len(self), np.float32)
        if den == 0.0:
            return out, 0.0
        out += sum(w for m, w in zip(self.matches, weights) if m.negated) / den  # the 1 of each 1 - p
        tmp = np.empty(len(self), np.float32)
        for m, w in zip(self.matches, weights):
            k = col[m.tag]
            factor = w / den / (float(self.scales[k]) if self.scaled else 1.0)
            p = self.probabilities[:, k] if self.rows is None else self.probabilities[self.rows, k]
            np.multiply(p, np.float32(-factor if m.negated else factor), out=tmp)
            out += tmp
        return out, FLOAT32_ERROR * (len(self.matches) + 4)

    def best(self, top: int, exclude: Iterable[int] = (), keep: np.ndarray | None = None) -> np.ndarray:
        """:func:`rank_songs` of the exact scores (same arguments)."""
        approx, error = self.approximate()
        allowed = allowed_mask(len(self), exclude, keep)
        if allowed is not None:
            approx[~allowed] = -np.inf
        if top <= 0 or len(self) == 0:
            return np.zeros(0, np.intp)
        # every song of the exact top is within 2 * error of the float32 top-th score, and at or above it
        chosen = np.flatnonzero(approx >= top_bound(approx, top) - 2 * error)
        chosen = chosen[np.isfinite(approx[chosen])]
        exact = self.at(chosen)
        return chosen[np.lexsort((chosen, -exact))][:top]


#: A bound of float32 rounding per matched tag of :meth:`TagScores.approximate` (8 units in the last place of 1:
#: the score and each term are at most 1, and each term takes a few roundings).
FLOAT32_ERROR = 8 * 2.0 ** -24

#: Up to this many excluded indices, :func:`rank_songs` ranks a few more songs instead of masking every score.
MASKLESS_EXCLUDE = 64

#: :func:`rank_songs` bounds the ``top``-th highest score by the maxima of this many blocks (at least 4 per song wanted).
RANK_BLOCKS = 1024


def rank_songs(scores: np.ndarray, top: int, exclude: Iterable[int] = (),
               keep: np.ndarray | None = None) -> np.ndarray:
    """Indices of the ``top`` highest scores (ties by index), skipping ``exclude`` and, when given,
    the indices where the bool mask ``keep`` is False. Exact, without sorting every score: only the
    scores at or above a lower bound of the ``top``-th highest (:func:`top_bound`) are sorted."""
    values = np.asarray(scores)
    if not np.issubdtype(values.dtype, np.floating):
        values = values.astype(np.float64)
    exclude = list(exclude)
    if keep is None and 0 < len(exclude) <= MASKLESS_EXCLUDE:  # the best top + len(exclude), less those
        skip = set(exclude)
        return np.asarray([i for i in rank_songs(values, top + len(skip)) if i not in skip][:max(top, 0)], np.intp)
    allowed = allowed_mask(values.shape[0], exclude, keep)
    if allowed is not None:
        values = np.where(allowed, values, -np.inf)
    if top <= 0 or values.shape[0] == 0:
        return np.zeros(0, np.intp)
    chosen = np.flatnonzero(values >= top_bound(values, top))
    if allowed is not None:
        chosen = chosen[allowed[chosen]]
    return chosen[np.lexsort((chosen, -values[chosen]))][:top]  # stable: equal scores keep catalog order


def allowed_mask(n: int, exclude: Iterable[int] = (), keep: np.ndarray | None = None) -> np.ndarray | None:
    """The ``[n]`` bool mask of the indices a ranking may list: ``keep`` (all when None) less ``exclude``;
    None when nothing is left out."""
    exclude = list(exclude)
    if keep is None and not exclude:
        return None
    allowed = np.ones(n, bool) if keep is None else np.array(keep, bool, copy=True)
    allowed[exclude] = False
    return allowed


def top_bound(values: np.ndarray, top: int) -> float:
    """A value at or below the ``top``-th highest of ``values`` (-inf when there are not more than
    ``top``), close to it: the ``top``-th highest maximum of :data:`RANK_BLOCKS` blocks (``top`` of
    those maxima are values at or above it), or the exact value by partial selection for a ``top``
    that is large for the number of values."""
    n = values.shape[0]
    if top >= n:
        return -np.inf
    blocks = min(RANK_BLOCKS, n // 4)
    if top * 4 > blocks:
        return float(np.partition(values, n - top)[n - top])
    size = n // blocks
    maxima = values[: blocks * size].reshape(blocks, size).max(axis=1)  # the tail beyond is not needed
    bound = float(np.partition(maxima, blocks - top)[blocks - top])
    return bound if not np.isnan(bound) else -np.inf
