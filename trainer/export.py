"""Serving signatures of the exported SavedModel (stock TF ops only, loadable by TF Serving).

Names: :mod:`mtat.signatures`.

- ``serving_default``: raw mono ``waveform`` float32 ``[batch, samples]`` at the feature sample rate,
  any length: cut into clip-length windows (the last one aligned to the end; audio shorter than a
  window is repeated to fill it, :func:`mtat.windows.fill_window`), log-mel inside the graph, window predictions averaged. Returns
  ``probabilities`` ``[batch, K]`` and ``tags`` ``[batch, K]`` (the tag names, for clients).
- ``log_mel``: an un-normalised log-mel ``[batch, n_mels, n_frames]`` (as AudioExampleGen computes
  it) -> ``probabilities``, ``tags`` (with the joint head also ``joint``).
- ``analyze``: ``waveform`` -> ``probabilities``, per-window ``window_probabilities`` ``[batch,
  windows, K]`` (a coarse taggram) and the clip ``embedding`` (penultimate layer, window mean);
  with the joint head also ``joint`` ``[batch, JOINT_DIM]`` and ``window_joint`` ``[batch, windows,
  JOINT_DIM]``.
- ``joint`` (joint head only): ``waveform`` -> ``joint`` ``[batch, JOINT_DIM]``: unit vectors in the
  joint audio-text space (:mod:`mtat.joint_space`), the window vectors averaged and renormalised.
- ``serving_examples``: serialised tf.Examples -> ``probabilities``, through the Transform graph
  (what the Evaluator calls). With ``label_tags`` (the K tags of the examples' labels) it is K
  wide in label order: trained tags get their probability, zero-shot (unseen) tags
  :func:`zero_shot_scores` of the joint vector (a model without the joint head gives them a
  constant 0.5: no information, ROC-AUC 0.5).
"""
from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import tensorflow as tf

from mtat.features import MEL_KEY, MelConfig, log_mel_graph
from mtat.model_info import ASSETS_EXTRA_DIR, model_info_path
from mtat.signatures import (
    ANALYZE,
    EMBEDDING_NAME,
    EXAMPLES_INPUT,
    EXAMPLES_SIGNATURE,
    JOINT_NAME,
    JOINT_SIGNATURE,
    LOG_MEL,
    OUTPUT_NAME,
    SERVING_DEFAULT,
    TAGS_OUTPUT,
    WAVEFORM_INPUT,
    WINDOW_JOINT,
    WINDOW_PROBABILITIES,
    signature_names,
)
from trainer.models import average_over_chunks, chunk_starts, has_joint_head, split_chunks
from trainer.preprocessing import normalize_mel


def unit(x: tf.Tensor) -> tf.Tensor:
    """L2-normalise the last axis (a zero vector stays zero)."""
    return tf.math.l2_normalize(x, axis=-1, epsilon=1e-12)


def zero_shot_scores(joint: tf.Tensor, vectors: tf.Tensor) -> tf.Tensor:
    """Score ``[b, n]`` in [0, 1] of phrases with unit text ``vectors`` ``[n, D]`` for unit clip
    vectors ``joint`` ``[b, D]``: ``(cosine + 1) / 2`` (a monotone map of the cosine, so the
    per-tag ROC/PR-AUC are those of the cosine, on the [0, 1] scale TFMA's thresholds span)."""
    return (tf.matmul(joint, vectors, transpose_b=True) + 1.0) / 2.0


def heads_model(model: tf.keras.Model) -> tf.keras.Model:
    """``model`` with the outputs the signatures need: (probabilities, embedding[, joint])."""
    names = [OUTPUT_NAME, EMBEDDING_NAME] + ([JOINT_NAME] if has_joint_head(model) else [])
    return tf.keras.Model(model.inputs, [model.get_layer(n).output for n in names])


def clip_outputs(heads: tf.keras.Model, mel: tf.Tensor, chunk: int | None) -> tuple[tf.Tensor, ...]:
    """(probabilities, embedding[, joint]) per clip of a normalised ``[b, n_mels, frames]`` mel.

    With ``chunk`` (short-chunk models) the window outputs are averaged over the clip
    (:func:`average_over_chunks`), the joint vector renormalised after averaging; otherwise the
    model sees the whole clip.
    """
    if chunk is None:
        return tuple(heads(mel, training=False))
    out = tuple(average_over_chunks(lambda x: heads(x, training=False), mel, chunk))
    return out[:2] + tuple(unit(j) for j in out[2:])


def fill_windows(waveform: tf.Tensor, window: int) -> tf.Tensor:
    """``[b, samples]`` waveforms shorter than ``window`` (and not empty) repeated from their start to
    exactly ``window`` samples; longer ones unchanged: :func:`mtat.windows.fill_window` in the graph."""
    n = tf.shape(waveform)[1]
    reps = (window + n - 1) // tf.maximum(n, 1)
    return tf.cond((n > 0) & (n < window), lambda: tf.tile(waveform, [1, reps])[:, :window], lambda: waveform)


def waveform_windows(waveform: tf.Tensor, window: int) -> tuple[tf.Tensor, tf.Tensor]:
    """``[b, samples]`` -> (``[b * n, window]`` windows, n): the clip-level analogue of :func:`split_chunks`,
    audio shorter than a window filled by repeating it (:func:`fill_windows`)."""
    windows = split_chunks(fill_windows(waveform, window)[:, None, :], window)  # [b * n, 1, window]
    n = tf.size(chunk_starts(tf.maximum(tf.shape(waveform)[1], window), window))
    return windows[:, 0, :], n


def build_signatures(model: tf.keras.Model, *, config: MelConfig, tags: Sequence[str], mean: np.ndarray,
                     std: np.ndarray, chunk: int | None, tft_layer: Any, raw_feature_spec: dict[str, Any],
                     label_tags: Sequence[str] | None = None,
                     unseen_vectors: np.ndarray | None = None,
                     ) -> dict[str, tf.types.experimental.ConcreteFunction]:
    """The serving functions, closed over the trained model and the training statistics.

    ``tags``: the trained tags (the sigmoid head's columns). ``label_tags``: the tags of the
    examples' labels in order (default ``tags``); the ones not in ``tags`` are zero-shot tags, scored
    in ``serving_examples`` with their text vectors ``unseen_vectors`` (in ``label_tags`` order; by
    default :func:`mtat.joint_space.phrase_vectors` of those tags).
    """
    heads = _Heads(heads_model(model), has_joint_head(model), config, chunk, tf.constant(list(tags)),
                   tf.constant(mean, tf.float32), tf.constant(std, tf.float32))
    model.two_headed = heads.model  # tracked, so the SavedModel holds it
    model.tft_layer = tft_layer
    label_tags = list(tags) if label_tags is None else list(label_tags)
    zero_shot = _ZeroShot.of(tags, label_tags, heads.joint, unseen_vectors)
    example_spec = {k: v for k, v in raw_feature_spec.items() if k == MEL_KEY}
    waveform = _waveform_functions(heads)
    signatures = {
        SERVING_DEFAULT: waveform[SERVING_DEFAULT],
        ANALYZE: waveform[ANALYZE],
        LOG_MEL: _log_mel_function(heads),
        EXAMPLES_SIGNATURE: _examples_function(heads, model, example_spec, zero_shot),
    }
    if heads.joint:
        signatures[JOINT_SIGNATURE] = waveform[JOINT_SIGNATURE]
    return signatures


@dataclasses.dataclass(frozen=True, eq=False)
class _Heads:
    """What every signature computes with: the model's heads, the features, the training statistics."""

    model: tf.keras.Model  # :func:`heads_model`
    joint: bool  # the joint audio-text head is among them
    config: MelConfig
    chunk: int | None
    tag_names: tf.Tensor
    mean: tf.Tensor
    std: tf.Tensor

    def with_tags(self, probs: tf.Tensor) -> dict[str, tf.Tensor]:
        return {OUTPUT_NAME: probs, TAGS_OUTPUT: tf.tile(self.tag_names[None, :], [tf.shape(probs)[0], 1])}

    def of_mel(self, mel: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """(probabilities, embedding[, joint]) per clip of an un-normalised log-mel."""
        return clip_outputs(self.model, normalize_mel(mel, self.mean, self.std), self.chunk)

    def windows_of(self, waveform: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Per-window outputs ``[b, n, ...]`` of each clip-length window of the waveforms."""
        batch = tf.shape(waveform)[0]
        wins, n = waveform_windows(waveform, self.config.clip_samples)
        return tuple(tf.reshape(o, tf.concat([[batch, n], tf.shape(o)[1:]], 0))
                     for o in self.of_mel(log_mel_graph(wins, self.config)))


@dataclasses.dataclass(frozen=True, eq=False)
class _ZeroShot:
    """The label tags' columns of ``serving_examples``: the trained tags' probabilities, then the
    ``unseen`` tags' scores (from their text ``vectors``, None without the joint head), gathered in
    label order by ``order``."""

    unseen: list[str]
    vectors: tf.Tensor | None
    order: tf.Tensor

    @classmethod
    def of(cls, tags: Sequence[str], label_tags: list[str], joint: bool, unseen_vectors: np.ndarray | None) -> _ZeroShot:
        unseen = [t for t in label_tags if t not in set(tags)]
        vectors = None
        if unseen and joint:
            if unseen_vectors is None:  # computed here, so they cannot come in another order
                from mtat.joint_space import phrase_vectors

                unseen_vectors = phrase_vectors(unseen)
            array = np.asarray(unseen_vectors, np.float32)
            if array.shape[0] != len(unseen):
                raise ValueError(f"unseen_vectors has {array.shape[0]} rows for {len(unseen)} unseen tags")
            vectors = tf.constant(array)
        # column of [probabilities | zero-shot scores] for each label tag
        order = tf.constant([list(tags).index(t) if t in tags else len(tags) + unseen.index(t)
                             for t in label_tags], tf.int32)
        return cls(unseen, vectors, order)

    def columns(self, outs: tuple[tf.Tensor, ...]) -> tf.Tensor:
        """``[b, len(label_tags)]`` in label order from a clip's (probabilities, embedding[, joint])."""
        scores = (zero_shot_scores(outs[2], self.vectors) if self.vectors is not None
                  else tf.fill([tf.shape(outs[0])[0], len(self.unseen)], 0.5))
        return tf.gather(tf.concat([outs[0], scores], axis=1), self.order, axis=1)


def _waveform_functions(heads: _Heads) -> dict[str, tf.types.experimental.ConcreteFunction]:
    """``serving_default``, ``analyze`` and (joint head only) ``joint``: waveforms in."""
    waveform_spec = tf.TensorSpec([None, None], tf.float32, name=WAVEFORM_INPUT)

    @tf.function(input_signature=[waveform_spec])
    def serve_waveform(waveform):
        return heads.with_tags(tf.reduce_mean(heads.windows_of(waveform)[0], axis=1))

    @tf.function(input_signature=[waveform_spec])
    def analyze(waveform):
        outs = heads.windows_of(waveform)
        out = heads.with_tags(tf.reduce_mean(outs[0], axis=1))
        out.update({WINDOW_PROBABILITIES: outs[0], EMBEDDING_NAME: tf.reduce_mean(outs[1], axis=1)})
        if heads.joint:
            out.update({WINDOW_JOINT: outs[2], JOINT_NAME: unit(tf.reduce_mean(outs[2], axis=1))})
        return out

    @tf.function(input_signature=[waveform_spec])
    def serve_joint(waveform):
        return {JOINT_NAME: unit(tf.reduce_mean(heads.windows_of(waveform)[2], axis=1))}

    functions = {SERVING_DEFAULT: serve_waveform.get_concrete_function(), ANALYZE: analyze.get_concrete_function()}
    if heads.joint:
        functions[JOINT_SIGNATURE] = serve_joint.get_concrete_function()
    return functions


def _log_mel_function(heads: _Heads) -> tf.types.experimental.ConcreteFunction:
    """``log_mel``: an un-normalised log-mel in (zero-shot taggrams score short segments through it)."""
    config = heads.config

    @tf.function(input_signature=[tf.TensorSpec([None, config.n_mels, config.n_frames], tf.float32, name=MEL_KEY)])
    def serve_log_mel(log_mel):
        outs = heads.of_mel(log_mel)
        out = heads.with_tags(outs[0])
        if heads.joint:
            out[JOINT_NAME] = outs[2]
        return out

    return serve_log_mel.get_concrete_function()


def _examples_function(heads: _Heads, model: tf.keras.Model, example_spec: dict[str, Any],
                       zero_shot: _ZeroShot) -> tf.types.experimental.ConcreteFunction:
    """``serving_examples``: serialised tf.Examples through the Transform graph (the Evaluator's)."""

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name=EXAMPLES_INPUT)])
    def serve_examples(examples):
        features = tf.io.parse_example(examples, example_spec)
        transformed = model.tft_layer(features)
        outs = clip_outputs(heads.model, transformed[MEL_KEY], heads.chunk)
        if not zero_shot.unseen:
            return {OUTPUT_NAME: outs[0]}
        return {OUTPUT_NAME: zero_shot.columns(outs)}

    return serve_examples.get_concrete_function()


def joint_info(tags: Sequence[str], tag_vectors: np.ndarray) -> dict[str, Any]:
    """``model_info.json``'s ``joint`` entry: the text space and the trained tags' vectors in it."""
    from mtat.joint_space import JOINT_DIM, PHRASE_TEMPLATE, TEXT_MODEL

    return {"text_model": TEXT_MODEL, "template": PHRASE_TEMPLATE, "dim": JOINT_DIM, "tags": list(tags),
            "tag_vectors": np.round(np.asarray(tag_vectors, np.float64), 7).tolist()}


def model_info(*, tags: Sequence[str], config: MelConfig, preset: str, chunk_frames: int | None,
               num_train_examples: int, label_tags: Sequence[str] | None = None,
               tag_vectors: np.ndarray | None = None) -> dict[str, Any]:
    """``assets.extra/model_info.json`` of an exported model: the trained ``tags``, the features, the
    preset, its signatures, the examples' ``label_tags`` (the trained ones plus the ``unseen_tags``,
    in label order) and, with the joint head (``tag_vectors`` given), ``joint`` (:func:`joint_info`)."""
    label_tags = list(tags) if label_tags is None else list(label_tags)
    joint = tag_vectors is not None
    return {"tags": list(tags), "mel_config": config.to_dict(), "preset": preset, "chunk_frames": chunk_frames,
            "num_train_examples": int(num_train_examples), "signatures": signature_names(joint),
            "unseen_tags": [t for t in label_tags if t not in set(tags)], "label_tags": label_tags,
            "joint": joint_info(tags, tag_vectors) if joint else None}


def export_model(model: tf.keras.Model, export_dir: str, *, info: dict[str, Any], **signature_args) -> None:
    """Save ``model`` with the serving signatures and ``assets.extra/model_info.json`` (tags, features, preset)."""
    signatures = build_signatures(model, **signature_args)
    # save_traces=False: no traced call function per layer (the signatures are traced above; Keras
    # reloads the model from its layers' configs): the save and a Keras reload take half the time.
    model.save(export_dir, save_format="tf", signatures=signatures, include_optimizer=False, save_traces=False)
    tf.io.gfile.makedirs(os.path.join(export_dir, ASSETS_EXTRA_DIR))
    with tf.io.gfile.GFile(model_info_path(export_dir), "w") as f:
        f.write(json.dumps(info, indent=1))

