"""The joint audio-text space: one definition of how words become vectors there.

A model trained with the joint head (see ``trainer.models``) maps a clip to a unit vector in the
384-d sentence space of all-MiniLM-L6-v2 (:mod:`mtat.text_embedding`). A tag, a zero-shot phrase
("church choir") or a search query is placed in that space by encoding :data:`PHRASE_TEMPLATE`
filled with the text, so training targets, zero-shot tags and free-word queries are comparable.
The score of a phrase for a clip is the cosine of the two unit vectors.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

#: Name of the sentence encoder whose space the joint head targets (recorded in model_info.json).
TEXT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
#: Dimension of that space.
JOINT_DIM = 384
#: Text encoded for a tag or phrase (the tag-side template measured best for MiniLM in a small trial).
PHRASE_TEMPLATE = "a song with {}"

Encode = Callable[[list[str]], np.ndarray]


def unit_vectors(x: np.ndarray) -> np.ndarray:
    """``x`` (float32) scaled to unit length along its last axis (zero vectors stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def phrase_text(phrase: str) -> str:
    """The text encoded for ``phrase`` (a tag name, a zero-shot tag or a query)."""
    return PHRASE_TEMPLATE.format(" ".join(str(phrase).split()))


def phrase_vectors(phrases: Sequence[str], encode: Encode | None = None) -> np.ndarray:
    """Unit vectors ``[n, JOINT_DIM]`` float32 of ``phrases`` (default encoder: the bundled MiniLM)."""
    if encode is None:
        from mtat.text_embedding import TextEncoder

        encode = TextEncoder.load().encode
    return unit_vectors(encode([phrase_text(p) for p in phrases]))


def cosine_scores(clip_vectors: np.ndarray, phrase_vecs: np.ndarray) -> np.ndarray:
    """Cosine ``[..., n_phrases]`` between clip vectors ``[..., D]`` and phrase vectors ``[n, D]``."""
    return unit_vectors(clip_vectors) @ np.asarray(phrase_vecs, dtype=np.float32).T


def zero_shot_scores(clip_vectors: np.ndarray, phrase_vecs: np.ndarray) -> np.ndarray:
    """Scores in [0, 1] of phrases for clips: ``(cosine + 1) / 2`` (the Evaluator's zero-shot score,
    ``trainer.export.zero_shot_scores`` in the graph; a monotone map, so rankings are the cosine's)."""
    return (cosine_scores(clip_vectors, phrase_vecs) + 1.0) / 2.0
