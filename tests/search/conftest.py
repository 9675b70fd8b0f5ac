"""Fixtures shared by the search tests."""
from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pytest

from mtat.joint_space import JOINT_DIM


def _bag_of_words(texts: list[str]) -> np.ndarray:
    """Hashed words -> unit vectors (texts sharing words are similar), ``[len(texts), JOINT_DIM]``."""
    out = np.zeros((len(texts), JOINT_DIM), np.float32)
    for i, t in enumerate(texts):
        for w in t.lower().split():
            h = int(hashlib.md5(w.encode()).hexdigest(), 16)
            out[i, h % JOINT_DIM] += 1.0 + (h >> 200) % 3
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


@pytest.fixture(scope="session")
def bag_of_words() -> Callable[[list[str]], np.ndarray]:
    """A deterministic stand-in text encoder (no model): hashed words -> unit vectors."""
    return _bag_of_words
