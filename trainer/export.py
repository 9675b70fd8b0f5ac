"""Serving signatures of the exported SavedModel (stock TF ops only, loadable by TF Serving).

- ``serving_default``: raw mono ``waveform`` float32 ``[batch, samples]`` at the feature sample rate,
  any length: cut into clip-length windows (the last one aligned to the end; audio shorter than a
  window is zero-padded), log-mel inside the graph, window predictions averaged. Returns
  ``probabilities`` ``[batch, K]`` and ``tags`` ``[batch, K]`` (the tag names, for clients).
- ``log_mel``: an un-normalised log-mel ``[batch, n_mels, n_frames]`` (as AudioExampleGen computes
  it) -> ``probabilities``, ``tags``.
- ``analyze``: ``waveform`` -> ``probabilities``, per-window ``window_probabilities`` ``[batch,
  windows, K]`` (a coarse taggram) and the clip ``embedding`` (penultimate layer, window mean).
- ``serving_examples``: serialised tf.Examples -> ``probabilities``, through the Transform graph
  (what the Evaluator calls).
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Sequence

import numpy as np
import tensorflow as tf

from mtat.features import MEL_KEY, MelConfig, log_mel_graph
from trainer.models import EMBEDDING_NAME, OUTPUT_NAME, average_over_chunks, chunk_starts, split_chunks
from trainer.preprocessing import normalize_mel

MODEL_INFO_FILE = "model_info.json"
EXAMPLES_SIGNATURE = "serving_examples"


def clip_outputs(two_headed: tf.keras.Model, mel: tf.Tensor, chunk: int | None) -> tuple[tf.Tensor, tf.Tensor]:
    """(probabilities, embedding) per clip of a normalised ``[b, n_mels, frames]`` mel.

    With ``chunk`` (short-chunk models) the window outputs are averaged over the clip
    (:func:`average_over_chunks`); otherwise the model sees the whole clip.
    """
    if chunk is None:
        return tuple(two_headed(mel, training=False))
    return tuple(average_over_chunks(lambda x: two_headed(x, training=False), mel, chunk))


def waveform_windows(waveform: tf.Tensor, window: int) -> tuple[tf.Tensor, tf.Tensor]:
    """``[b, samples]`` -> (``[b * n, window]`` windows, n): the clip-level analogue of :func:`split_chunks`."""
    windows = split_chunks(waveform[:, None, :], window)  # [b * n, 1, window]
    n = tf.size(chunk_starts(tf.maximum(tf.shape(waveform)[1], window), window))
    return windows[:, 0, :], n


def build_signatures(model: tf.keras.Model, *, config: MelConfig, tags: Sequence[str], mean: np.ndarray,
                     std: np.ndarray, chunk: int | None, tft_layer: Any, raw_feature_spec: Dict[str, Any]
                     ) -> Dict[str, tf.types.experimental.ConcreteFunction]:
    """The four serving functions, closed over the trained model and the training statistics."""
    two_headed = tf.keras.Model(model.inputs, [model.get_layer(OUTPUT_NAME).output,
                                               model.get_layer(EMBEDDING_NAME).output])
    model.two_headed = two_headed  # tracked, so the SavedModel holds it
    model.tft_layer = tft_layer
    tag_names = tf.constant(list(tags))
    mean_c = tf.constant(mean, tf.float32)
    std_c = tf.constant(std, tf.float32)
    window = config.clip_samples
    example_spec = {k: v for k, v in raw_feature_spec.items() if k == MEL_KEY}

    def with_tags(probs):
        return {OUTPUT_NAME: probs, "tags": tf.tile(tag_names[None, :], [tf.shape(probs)[0], 1])}

    def windows_of(waveform):
        batch = tf.shape(waveform)[0]
        wins, n = waveform_windows(waveform, window)
        mel = normalize_mel(log_mel_graph(wins, config), mean_c, std_c)
        probs, emb = clip_outputs(two_headed, mel, chunk)
        return tf.reshape(probs, [batch, n, -1]), tf.reshape(emb, [batch, n, -1])

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32, name="waveform")])
    def serve_waveform(waveform):
        probs, _ = windows_of(waveform)
        return with_tags(tf.reduce_mean(probs, axis=1))

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32, name="waveform")])
    def analyze(waveform):
        probs, emb = windows_of(waveform)
        out = with_tags(tf.reduce_mean(probs, axis=1))
        out.update({"window_probabilities": probs, EMBEDDING_NAME: tf.reduce_mean(emb, axis=1)})
        return out

    @tf.function(input_signature=[tf.TensorSpec([None, config.n_mels, config.n_frames], tf.float32, name=MEL_KEY)])
    def serve_log_mel(log_mel):
        probs, _ = clip_outputs(two_headed, normalize_mel(log_mel, mean_c, std_c), chunk)
        return with_tags(probs)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="examples")])
    def serve_examples(examples):
        features = tf.io.parse_example(examples, example_spec)
        transformed = model.tft_layer(features)
        probs, _ = clip_outputs(two_headed, transformed[MEL_KEY], chunk)
        return {OUTPUT_NAME: probs}

    return {
        "serving_default": serve_waveform.get_concrete_function(),
        "analyze": analyze.get_concrete_function(),
        "log_mel": serve_log_mel.get_concrete_function(),
        EXAMPLES_SIGNATURE: serve_examples.get_concrete_function(),
    }


def export_model(model: tf.keras.Model, export_dir: str, *, info: Dict[str, Any], **signature_args) -> None:
    """Save ``model`` with the serving signatures and ``assets.extra/model_info.json`` (tags, features, preset)."""
    signatures = build_signatures(model, **signature_args)
    model.save(export_dir, save_format="tf", signatures=signatures, include_optimizer=False)
    extra = os.path.join(export_dir, "assets.extra")
    tf.io.gfile.makedirs(extra)
    with tf.io.gfile.GFile(os.path.join(extra, MODEL_INFO_FILE), "w") as f:
        f.write(json.dumps(info, indent=1))


def read_model_info(model_dir: str) -> Dict[str, Any]:
    """The ``model_info.json`` an exported model carries (tags, mel_config, preset, ...)."""
    with tf.io.gfile.GFile(os.path.join(model_dir, "assets.extra", MODEL_INFO_FILE)) as f:
        return json.loads(f.read())

