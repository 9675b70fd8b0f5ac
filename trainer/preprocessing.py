"""tf.Transform step: per-mel-band mean / std over the training split (Beam analyzers).

The Transform component runs with ``materialize=False``: it only analyses. The statistics travel
in the transform graph as the per-example outputs ``mel_mean`` / ``mel_std``; the trainer reads
them once and applies :func:`normalize_mel` itself (in tf.data and in every serving signature),
so the hot path never re-parses or re-writes 0.5 MB examples.
"""
from __future__ import annotations

import json
from typing import Any

import tensorflow as tf

from mtat.features import LABEL_KEY, MEL_KEY, MelConfig

MEAN_KEY = "mel_mean"
STD_KEY = "mel_std"
EPSILON = 1e-6


def decode_stored_mel(data: tf.Tensor, config: MelConfig) -> tf.Tensor:
    """Stored mel bytes (any leading shape, e.g. ``[batch]`` or ``[batch, 1]``) -> ``[batch, n_mels, n_frames]``."""
    values = tf.io.decode_raw(data, tf.dtypes.as_dtype(config.storage_dtype), little_endian=True)
    return tf.reshape(tf.cast(values, tf.float32), [-1, config.n_mels, config.n_frames])


def normalize_mel(mel: tf.Tensor, mean: tf.Tensor, std: tf.Tensor) -> tf.Tensor:
    """``(mel - mean) / std`` per mel band; ``mel`` is ``[..., n_mels, frames]``, stats are ``[n_mels]``."""
    return (mel - mean[:, None]) / std[:, None]


def mel_config_from(custom_config: dict[str, Any] | None) -> MelConfig:
    """The MelConfig passed by the pipeline in ``custom_config['mel_config']`` (JSON), else defaults."""
    raw = (custom_config or {}).get("mel_config")
    if raw is None:
        return MelConfig()
    return MelConfig.from_dict(json.loads(raw) if isinstance(raw, str) else raw)


def preprocessing_fn(inputs: dict[str, tf.Tensor], custom_config: dict[str, Any] | None = None) -> dict[str, tf.Tensor]:
    """Per-band normalisation of the log-mel, statistics over all frames of the training split."""
    import tensorflow_transform as tft

    config = mel_config_from(custom_config)
    mel = decode_stored_mel(inputs[MEL_KEY], config)  # [batch, n_mels, n_frames]
    rows = tf.reshape(tf.transpose(mel, [0, 2, 1]), [-1, config.n_mels])  # one row per frame
    mean = tft.mean(rows, reduce_instance_dims=False)
    var = tft.var(rows, reduce_instance_dims=False)
    std = tf.sqrt(var + EPSILON)
    batch = tf.shape(mel)[0]
    outputs = {
        MEL_KEY: normalize_mel(mel, mean, std),
        MEAN_KEY: tf.tile(mean[None, :], [batch, 1]),
        STD_KEY: tf.tile(std[None, :], [batch, 1]),
    }
    if LABEL_KEY in inputs:
        outputs[LABEL_KEY] = tf.cast(inputs[LABEL_KEY], tf.float32)
    return outputs
