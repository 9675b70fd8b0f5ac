"""The joint audio-text route: each song's cosine with the query in the joint space."""
from __future__ import annotations

import numpy as np


def query_vector(text: str, encode=None) -> np.ndarray:
    """``text``'s unit vector in the joint space (:func:`mtat.joint_space.phrase_vectors`)."""
    from mtat.joint_space import phrase_vectors

    return phrase_vectors([text], encode)[0]


def joint_scores(catalog, text: str | None = None, encode=None, vector: np.ndarray | None = None) -> np.ndarray | None:
    """Cosine of each song's joint vector with ``text`` (or its already encoded ``vector``, see
    :func:`query_vector`) in the joint space, or None without joint vectors."""
    joint = catalog.unit_joint
    if joint is None:
        return None
    # mtat.joint_space.cosine_scores with the catalog's side normalised once, not per query
    return (joint @ (query_vector(text, encode) if vector is None else vector)).astype(np.float64)
