"""TFX Trainer entry point (``run_fn``, referenced by its dotted path ``trainer.task.run_fn``).

``fn_args.custom_config`` keys: ``preset`` (small | fcn4 | strong), ``epochs``, ``batch_size``
(per replica), ``learning_rate``, ``patience`` (early stopping on validation ROC-AUC; default per preset),
``activation``, ``precision`` and ``xla`` (trainer/precision.py; ``auto``: mixed precision and
XLA on a GPU, float32 without XLA on the CPU), ``joint_weight`` / ``joint_loss`` (the joint
audio-text head, 0 = none), ``unseen_tags`` (zero-shot protocol: those label columns are dropped
from what the model is fit on; the exported ``serving_examples`` scores them through the joint
space), ``mel_config`` (JSON). Runs under a ``tf.distribute`` strategy over the visible GPUs
(MirroredStrategy), or on the CPU when there is none: the same code on a laptop and on a Kubeflow
GPU worker. The exported model computes in float32 whatever the training precision.
"""
from __future__ import annotations

import json
import logging
import os
import platform
from typing import Any

import numpy as np
import tensorflow as tf

from mtat import joint_space, thresholds
from mtat.features import LABEL_KEY, METADATA_FILE, MelConfig
from mtat.signatures import JOINT_NAME, OUTPUT_NAME
from trainer import data, export, models, precision
from trainer.hparams import TrainingConfig
from trainer.phase_timer import PhaseTimer
from trainer.preprocessing import MEAN_KEY, STD_KEY, mel_config_from

log = logging.getLogger(__name__)


def distribution_strategy() -> tf.distribute.Strategy:
    """MirroredStrategy over all visible GPUs, else the default (CPU) strategy."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def examples_metadata(file_pattern: str) -> dict[str, Any]:
    """AudioExampleGen's ``feature_metadata.json`` (tags, mel config) beside the split folders."""
    examples_uri = os.path.dirname(os.path.dirname(file_pattern))
    with tf.io.gfile.GFile(os.path.join(examples_uri, METADATA_FILE)) as f:
        return json.loads(f.read())


def normalisation_stats(tft_output, file_pattern: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-band mean and std computed by tf.Transform, read through its graph on one raw record."""
    files = data.expand_patterns(file_pattern)
    record = next(iter(tf.data.TFRecordDataset(files[:1], compression_type=data.compression_type(files[:1]))))
    spec = {k: v for k, v in tft_output.raw_feature_spec().items() if k != LABEL_KEY}
    raw = tf.io.parse_example(record[None], spec)
    out = tft_output.transform_raw_features(raw)
    return out[MEAN_KEY].numpy()[0], out[STD_KEY].numpy()[0]


def validation_predictions(model: tf.keras.Model, dataset: tf.data.Dataset,
                           chunk: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities, labels) ``[n, K]`` of the whole validation clips, computed as the exported
    model computes them (:func:`trainer.export.clip_outputs`: chunk models average their windows)."""
    heads = export.heads_model(model)
    clip = tf.function(lambda mel: export.clip_outputs(heads, mel, chunk)[0], reduce_retracing=True)
    probs, labels = [], []
    for mel, y in dataset:
        probs.append(clip(mel).numpy())
        labels.append(y.numpy())
    return np.concatenate(probs), np.concatenate(labels)


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), else what :mod:`platform` says."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def run_fn(fn_args) -> None:
    """Train, validate (macro ROC-AUC, early stopping) and export the serving SavedModel."""
    timer = PhaseTimer()
    train_pattern, eval_pattern = fn_args.train_files[0], fn_args.eval_files[0]
    with timer.phase("stats"):
        import tensorflow_transform as tft

        tft_output = tft.TFTransformOutput(fn_args.transform_output)
        mean, std = normalisation_stats(tft_output, train_pattern)
    hp = TrainingConfig.from_custom_config(fn_args.custom_config)
    config: MelConfig = mel_config_from(fn_args.custom_config)
    meta = examples_metadata(train_pattern)
    tags = meta["tags"]
    if MelConfig.from_dict(meta["mel_config"]) != config:
        raise ValueError(f"examples were extracted with {meta['mel_config']}, trainer configured with {config}")

    strategy = distribution_strategy()
    gpus = precision.visible_gpus()
    policy = precision.resolve_precision(hp.precision, gpus)
    jit_compile = precision.resolve_jit_compile(hp.xla, gpus)
    replicas = strategy.num_replicas_in_sync
    batch = int(hp.batch_size) * replicas
    preset = hp.preset
    chunk = models.chunk_frames(preset, config.n_frames)
    train_chunk = chunk if chunk < config.n_frames else None
    n_train = meta["examples"]["train"]
    n_eval = meta["examples"]["eval"]
    seen = hp.seen_tags(tags)
    joint = hp.joint_weight > 0
    with timer.phase("tag vectors"):
        tag_vectors = joint_space.phrase_vectors(seen) if joint else None
    log.info("training %s on %d clips (%d for validation), %d tags (%d unseen), joint weight %g, batch %d on %d "
             "replica(s), %s, XLA %s", preset, n_train, n_eval, len(seen), len(hp.unseen_tags), hp.joint_weight,
             batch, replicas, policy, "on" if jit_compile else "off")
    common = dict(config=config, num_tags=len(tags), mean=mean, std=std, batch_size=batch,
                  label_columns=[tags.index(t) for t in seen],
                  output_names=[OUTPUT_NAME, JOINT_NAME] if joint else None)
    # One endless iterator over the epochs (steps_per_epoch = one pass): Keras would otherwise make
    # and tear down an iterator between epochs, 0.1-5 s each on a busy 2-core machine.
    train_ds = data.make_dataset(train_pattern, training=True, chunk=train_chunk, seed=hp.seed, repeat=True,
                                 **common)
    eval_ds = data.make_dataset(eval_pattern, training=False, chunk=train_chunk, seed=hp.seed, **common) if n_eval else None

    tf.keras.utils.set_random_seed(int(hp.seed))
    with timer.phase("build"), strategy.scope():
        model = models.build_model(preset, config.n_mels, train_chunk or config.n_frames, len(seen),
                                   activation=hp.activation, learning_rate=hp.learning_rate,
                                   joint_weight=hp.joint_weight, tag_vectors=tag_vectors, joint_loss=hp.joint_loss,
                                   precision=policy, jit_compile=jit_compile)
    callbacks = [tf.keras.callbacks.TensorBoard(log_dir=fn_args.model_run_dir, update_freq="epoch"),
                 timer.epoch_callback()]
    if eval_ds is not None:
        callbacks.append(tf.keras.callbacks.EarlyStopping(
            monitor=models.validation_monitor(model), mode="max", patience=hp.early_stopping_patience(),
            restore_best_weights=True))
    with timer.phase("fit"):
        history = model.fit(train_ds, validation_data=eval_ds, epochs=int(hp.epochs), callbacks=callbacks, verbose=2,
                  steps_per_epoch=data.steps_per_pass(n_train, batch))

    if policy != "float32":  # serve in float32 (any CPU or GPU): same layers, the trained float32 variables
        trained = model
        model = models.build_model(preset, config.n_mels, train_chunk or config.n_frames, len(seen),
                                   activation=hp.activation, joint_weight=hp.joint_weight, tag_vectors=tag_vectors,
                                   joint_loss=hp.joint_loss, precision="float32")
        model.set_weights(trained.get_weights())
    # The exported model always sees whole clips (chunk models average their windows).
    info = export.model_info(tags=seen, config=config, preset=preset, chunk_frames=train_chunk,
                             num_train_examples=n_train, label_tags=tags, tag_vectors=tag_vectors)
    # Decision thresholds from the validation split only (the test split is the Evaluator's).
    if n_eval:
        with timer.phase("thresholds"):
            whole = dict(common, output_names=None)
            val_ds = data.make_dataset(eval_pattern, training=False, chunk=None, seed=hp.seed, **whole)
            probs, labels = validation_predictions(model, val_ds, train_chunk)
            info.update(thresholds.threshold_info(probs, labels, seen, split="eval"))
        log.info("thresholds from %d validation clips, shrinkage K %s; %d rare tag(s) mostly on the global "
                 "threshold %.3f", len(probs), info["threshold_shrinkage"], len(info["threshold_fallback"]),
                 info["threshold_global"])
    else:
        log.warning("no validation clips: the model is exported without decision thresholds")
    learning_rate = float(hp.learning_rate if hp.learning_rate is not None else models.default_learning_rate(preset))
    info["training"] = {"preset": preset, "epochs": int(hp.epochs), "epochs_run": len(history.epoch),
                        "fit_seconds": round(timer.seconds["fit"], 1), "batch_size": batch, "learning_rate": learning_rate,
                        "precision": policy, "replicas": replicas, "cpu": cpu_model(), "cpu_count": os.cpu_count(),
                        "gpus": len(gpus)}
    info["data"] = {"examples": meta.get("examples"), "rejects_by_reason": meta.get("rejects_by_reason"),
                    "num_rejects": meta.get("num_rejects")}
    with timer.phase("export"):
        export.export_model(model, fn_args.serving_model_dir, info=info, config=config, tags=seen, mean=mean,
                            std=std, chunk=train_chunk, tft_layer=tft_output.transform_features_layer(),
                            raw_feature_spec=tft_output.raw_feature_spec(), label_tags=tags)
    log.info("exported to %s", fn_args.serving_model_dir)
    timer.write(fn_args.model_run_dir)
