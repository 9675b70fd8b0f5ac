"""Losses of the joint head: pull a clip's unit vector toward its positive tags' text vectors.

Both losses score a clip vector ``z`` (unit, ``[b, D]``) against the fixed unit text vectors ``V``
(``[K, D]``, :func:`mtat.joint_space.phrase_vectors` of the trained tags) by cosine ``s = z V^T``
and use the multi-hot labels ``y`` ``[b, K]`` of the trained tags:

- ``margin`` (Choi et al. 2019, "Zero-shot learning for audio-based music classification and
  tagging"): the mean hinge ``max(0, margin - s_p + s_n)`` over every (positive p, negative n)
  pair of the clip.
- ``infonce`` (multi-label InfoNCE): the mean over positives p of
  ``-log(exp(s_p / t) / (exp(s_p / t) + sum_n exp(s_n / t)))``.

A clip with no positive (or no negative) tag contributes 0. Each returns one value per clip;
Keras reduces them over the global batch (``SUM_OVER_BATCH_SIZE``), so the same code is correct
under ``tf.distribute``.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import tensorflow as tf

from trainer.hparams import JOINT_LOSSES

DEFAULT_MARGIN = 0.1
DEFAULT_TEMPERATURE = 0.1


@tf.keras.utils.register_keras_serializable(package="mtat")
class JointLoss(tf.keras.losses.Loss):
    """Ranking (``margin``) or contrastive (``infonce``) loss of clip vectors against tag vectors."""

    def __init__(self, tag_vectors: Sequence[Sequence[float]] | np.ndarray, kind: str = "margin",
                 margin: float = DEFAULT_MARGIN, temperature: float = DEFAULT_TEMPERATURE,
                 name: str = "joint_loss", **kwargs: Any):
        super().__init__(name=name, **kwargs)
        if kind not in JOINT_LOSSES:
            raise ValueError(f"unknown joint loss {kind!r}; choose one of {', '.join(JOINT_LOSSES)}")
        vectors = np.asarray(tag_vectors, dtype=np.float32)
        if vectors.ndim != 2 or not len(vectors):
            raise ValueError(f"tag_vectors must be [n_tags, dim], got shape {vectors.shape}")
        self.tag_vectors = vectors
        self.kind = kind
        self.margin = float(margin)
        self.temperature = float(temperature)

    def call(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
        labels = tf.cast(y_true, tf.float32)
        scores = tf.matmul(tf.cast(y_pred, tf.float32), tf.constant(self.tag_vectors), transpose_b=True)
        return joint_loss_values(labels, scores, self.kind, self.margin, self.temperature)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(tag_vectors=self.tag_vectors.tolist(), kind=self.kind, margin=self.margin,
                      temperature=self.temperature)
        return config


def joint_loss_values(labels: tf.Tensor, scores: tf.Tensor, kind: str, margin: float = DEFAULT_MARGIN,
                      temperature: float = DEFAULT_TEMPERATURE) -> tf.Tensor:
    """Per-clip loss ``[b]`` of cosine ``scores`` ``[b, K]`` given multi-hot ``labels`` ``[b, K]``."""
    pos, neg = labels, 1.0 - labels
    if kind == "margin":
        hinge = tf.nn.relu(margin - scores[:, :, None] + scores[:, None, :])  # [b, p, n]
        pairs = pos[:, :, None] * neg[:, None, :]
        return tf.reduce_sum(hinge * pairs, axis=[1, 2]) / tf.maximum(tf.reduce_sum(pairs, axis=[1, 2]), 1.0)
    logits = scores / temperature
    # log-sum-exp over the negatives, -inf when a clip has none (then every term is 0)
    neg_lse = tf.reduce_logsumexp(tf.where(neg > 0, logits, -1e9), axis=1, keepdims=True)
    per_pos = tf.nn.softplus(neg_lse - logits)  # -log(e^s_p / (e^s_p + sum_n e^s_n))
    has_neg = tf.cast(tf.reduce_sum(neg, axis=1, keepdims=True) > 0, tf.float32)
    return tf.reduce_sum(per_pos * pos * has_neg, axis=1) / tf.maximum(tf.reduce_sum(pos, axis=1), 1.0)
