"""The joint audio-text route: each song's cosine with the query in the joint space."""
from __future__ import annotations

import numpy as np


def joint_scores(catalog, text: str, encode=None) -> np.ndarray | None:
    """Cosine of each song's joint vector with ``text`` in the joint space, or None without joint vectors."""
    joint = getattr(catalog, "joint", None)
    if joint is None:
        return None
    from mtat.joint_space import cosine_scores, phrase_vectors

    return cosine_scores(np.asarray(joint, np.float32), phrase_vectors([text], encode))[:, 0].astype(np.float64)
