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
                scaled: bool = False, rows: np.ndarray | None = None) -> np.ndarray:
    """Similarity-weighted mean of the matched tags' probabilities (``1 - p`` if negated), ``[n]``.

    ``scaled`` (free-word profiles): each tag's probabilities are divided by :func:`tag_scales`
    first. A model is confident on some tags (flute songs get ~0.75 for ``flute``) and shy on
    others (harpsichord songs ~0.13 for ``harpsichord``); unscaled, the confident tag decides
    every mix it is in. Tag-name queries stay plain probabilities (a one-tag query's score is
    the song's probability of that tag).

    ``rows``: score only these songs (``[len(rows)]`` scores, the scales taken over them alone), as
    if the catalog held nothing else; None: every song."""
    probs = np.asarray(probabilities)
    matches = list(matches)
    col = {t: i for i, t in enumerate(tags)}
    cols = [col[m.tag] for m in matches]
    # only the matched columns (and rows): no copy of the whole catalog
    used = (probs[:, cols] if rows is None else probs[np.ix_(np.asarray(rows, np.intp), cols)]).astype(np.float64)
    n = used.shape[0]
    if scaled and n:
        used /= tag_scales(used)
    num = np.zeros(n)
    den = 0.0
    for k, m in enumerate(matches):
        p = used[:, k]
        w = max(float(m.similarity), 1e-6)
        num += w * ((1.0 - p) if m.negated else p)
        den += w
    if den == 0.0:
        return np.zeros(n)
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
