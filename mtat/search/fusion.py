"""Combining the tag route and the joint audio-text route of a free-word search (pure NumPy).

The two routes score songs on different scales: the tag route is a weighted mean of tag
probabilities in [0, 1] (:func:`mtat.search.scoring.score_songs`), the joint route a cosine
between the query's vector and each song's ``joint`` vector (:mod:`mtat.joint_space`), often all
within a few hundredths of each other. Each is standardised over the catalog for this query
(mean 0, standard deviation 1), the two are mixed with the weights below, and the mix is mapped
to (0, 1) with the normal CDF::

    fused = Phi((TAG_WEIGHT * z(tag) + JOINT_WEIGHT * z(joint)) / sqrt(TAG_WEIGHT^2 + JOINT_WEIGHT^2))

so a song one standard deviation above the mean on both routes scores ~0.92, and the fused score
of a song never drops when either of its parts rises (a z-score is non-decreasing in its own
value: Samuelson's bound ``z^2 <= n - 1``).
"""
from __future__ import annotations

import math

import numpy as np

from mtat.search.errors import QueryError, SearchError

#: Weights of the standardised tag route and joint route, chosen on the dev half of
#: benchmarks/search_queries.json with the `make run` model (small, joint head, 30 epochs) and a
#: seed-1 catalog of 200 songs: precision@10 tag route alone 0.863, joint route alone 0.328; fused
#: with joint weight 0.1 / 0.25 / 0.35 / 0.5 / 1 / 2: 0.865 / 0.863 / 0.861 / 0.850 / 0.808 / 0.629.
#: The joint route trained on 50 tag names is too coarse to lead; a small weight breaks ties.
TAG_WEIGHT = 1.0
JOINT_WEIGHT = 0.25


def standardize(scores: np.ndarray) -> np.ndarray:
    """``(x - mean) / std`` over the catalog; all zeros when every score is equal."""
    x = np.asarray(scores, dtype=np.float64)
    if x.size == 0:
        return x
    std = float(x.std())
    return np.zeros_like(x) if std < 1e-12 else (x - x.mean()) / std


def normal_cdf(z: np.ndarray) -> np.ndarray:
    """Phi(z), elementwise (scipy's vectorised erf: no Python call per song)."""
    from scipy.special import erf

    return 0.5 * (1.0 + erf(np.asarray(z, dtype=np.float64) / math.sqrt(2.0)))


def fuse(tag_scores: np.ndarray, joint_scores: np.ndarray, tag_weight: float = TAG_WEIGHT,
         joint_weight: float = JOINT_WEIGHT) -> np.ndarray:
    """The fused score in (0, 1) of every song (see the module docstring)."""
    if tag_weight < 0 or joint_weight < 0 or tag_weight + joint_weight <= 0:
        raise QueryError(f"fusion weights must be >= 0 and not both 0, got {tag_weight}, {joint_weight}")
    tag = np.asarray(tag_scores, dtype=np.float64)
    joint = np.asarray(joint_scores, dtype=np.float64)
    if tag.shape != joint.shape:
        raise SearchError(f"tag scores {tag.shape} and joint scores {joint.shape} differ in shape")
    mix = tag_weight * standardize(tag) + joint_weight * standardize(joint)
    return normal_cdf(mix / math.hypot(tag_weight, joint_weight))
