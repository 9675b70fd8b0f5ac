"""The joint audio-text route: each song's cosine with the query in the joint space."""
from __future__ import annotations

import numpy as np


def joint_scores(catalog, text: str, encode=None) -> np.ndarray | None:
    """Cosine of each song's joint vector with ``text`` in the joint space, or None without joint vectors."""
    joint = catalog.unit_joint
    if joint is None:
        return None
    from mtat.joint_space import phrase_vectors

    # mtat.joint_space.cosine_scores with the catalog's side normalised once, not per query
    return (joint @ phrase_vectors([text], encode)[0]).astype(np.float64)
