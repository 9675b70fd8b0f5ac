"""Keras tagging models (presets ``small`` | ``fcn4`` | ``strong``) and chunked inference helpers.

Every model takes a *normalised* log-mel batch ``[batch, n_mels, n_frames]`` float32 (input
``"log_mel"``), adds the channel axis itself, and returns sigmoid tag probabilities
``[batch, n_tags]`` (output ``"probabilities"``). The layer ``"embedding"`` is the penultimate
per-clip vector (served by ``trainer.export``). All presets are built from one
:func:`conv_block`. With ``joint_weight > 0`` a second output ``"joint"`` projects the clip
features into the joint audio-text space (:mod:`mtat.joint_space`): Dense(JOINT_DIM), L2
normalised, trained with :class:`trainer.joint_loss.JointLoss` toward the tags' text vectors.

- ``small``: the log-mel averaged over 2 bands x 4 frames (48 x 341 at the default 96 x 1366),
  then a 4-layer FCN-like net with 16-48 filters (~31 k parameters at 50 tags), global max
  pooling, so any input of at least 32 x 256 works; Adam 1e-2, output biases initialised to a
  0.1 tag prior. The local CPU default.
- ``fcn4``: FCN-4 of Choi, Fazekas & Sandler 2016 (~17.37 M parameters). A GPU preset.
- ``strong``: the short-chunk ResNet of Won et al. 2020 (~12.1 M parameters), trained on
  random ~3.7 s chunks (``trainer.data.batch_random_chunks``), predictions averaged over the chunks
  of a clip (:func:`average_over_chunks`, used by the serving signatures).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from mtat.joint_space import JOINT_DIM
from mtat.signatures import EMBEDDING_NAME, JOINT_NAME, OUTPUT_NAME  # re-exported
from trainer.autograph_setup import skip_autograph_for_tf_keras
from trainer.hparams import PRESETS
from trainer.precision import resolve_precision

skip_autograph_for_tf_keras()


INPUT_NAME = "log_mel"

#: Frames per training chunk of ``strong``: 176 x 256 / 12 kHz = 3.75 s, close to the 3.69 s
#: (59,049 samples at 16 kHz) of Won et al. 2020.
STRONG_CHUNK_FRAMES = 176

#: ``small`` starts with an average pool over (mel bands, frames) of the input: every conv then
#: runs on 1/8 of the pixels. On a 2-core AVX2 CPU the train step is ~9x faster than the same
#: blocks at full 96 x 1366 resolution, at the same test ROC-AUC (benchmarks/results.md).
_SMALL_INPUT_POOL = (2, 4)
# (filters, max-pool) per conv block.
_SMALL_BLOCKS: tuple[tuple[int, tuple[int, int]], ...] = (
    (16, (2, 4)), (32, (2, 4)), (32, (2, 2)), (48, (2, 2)),
)
_FCN4_BLOCKS: tuple[tuple[int, tuple[int, int]], ...] = (
    (128, (2, 4)), (384, (4, 5)), (768, (3, 8)), (2048, (4, 8)),
)
# Output channels of the 7 residual blocks of ShortChunkCNN_Res (n_channels = 128).
_STRONG_CHANNELS: tuple[int, ...] = (128, 128, 256, 256, 256, 256, 512)
_STRONG_DENSE = 512

_DEFAULT_DROPOUT = {"small": 0.1, "fcn4": 0.1, "strong": 0.5}
#: Adam learning rates. ``small`` measured on the 300-clip sample set (30 epochs, 2 seeds): test
#: macro ROC-AUC 0.83 at 1e-3, 0.88-0.89 at 1e-2, 0.83 at 3e-2.
_DEFAULT_LEARNING_RATE = {"small": 1e-2, "fcn4": 1e-3, "strong": 1e-3}


def default_learning_rate(preset: str) -> float:
    """Adam's learning rate for ``preset`` when none is given."""
    return _DEFAULT_LEARNING_RATE[preset]


#: Initial sigmoid output of every tag (output bias = its log-odds), None: zero bias (0.5).
#: ``small`` starts near the tag frequency (~0.1 of 50 tags on the sample set, ~0.05 on MTAT)
#: instead of spending its first epochs pulling 50 biases down: on the sample set, test
#: macro ROC-AUC after 5 / 10 epochs 0.76-0.79 / 0.84-0.86 instead of 0.73-0.76 / 0.82-0.83
#: (2 seeds); the same ~0.88 after 30 epochs.
_DEFAULT_OUTPUT_PRIOR = {"small": 0.1, "fcn4": None, "strong": None}


def conv_block(
    x: tf.Tensor,
    filters: int,
    *,
    name: str,
    activation: str | None = "relu",
    pool: tuple[int, int] | None = None,
    strides: int | tuple[int, int] = 1,
    dropout: float = 0.0,
) -> tf.Tensor:
    """Conv2D 3x3 ('same') -> BatchNorm -> activation -> MaxPool(pool, 'valid') -> Dropout.

    ``activation=None``, ``pool=None`` and ``dropout=0`` skip those steps (used inside the
    residual blocks of ``strong``, where the activation follows the addition).
    """
    layers = tf.keras.layers
    x = layers.Conv2D(filters, 3, strides=strides, padding="same", name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    if activation:
        x = layers.Activation(activation, name=f"{name}_act")(x)
    if pool:
        x = layers.MaxPooling2D(pool, name=f"{name}_pool")(x)
    if dropout:
        x = layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return x


def chunk_frames(preset: str, n_frames: int) -> int:
    """Frames per model input window: ``n_frames`` for small/fcn4, the chunk length for strong."""
    _check_preset(preset)
    if preset == "strong":
        return min(STRONG_CHUNK_FRAMES, int(n_frames))
    return int(n_frames)


def build_model(
    preset: str,
    n_mels: int,
    n_frames: int,
    n_tags: int,
    *,
    activation: str = "relu",
    dropout: float | None = None,
    learning_rate: float | None = None,
    precision: str = "float32",
    jit_compile: bool = False,
    joint_weight: float = 0.0,
    tag_vectors: np.ndarray | None = None,
    joint_loss: str = "margin",
) -> tf.keras.Model:
    """Build and compile a tagging model (Adam, binary cross-entropy, ROC-AUC and PR-AUC).

    ``joint_weight > 0`` adds the joint head (output ``"joint"``, unit vectors of ``JOINT_DIM``)
    and the loss ``BCE + joint_weight * JointLoss(tag_vectors, joint_loss)``; ``tag_vectors``
    ``[n_tags, JOINT_DIM]`` are then required. ``joint_weight == 0`` builds the single-output model.

    ``n_frames`` is the clip length; the ``strong`` model's input is
    ``chunk_frames("strong", n_frames)`` frames wide. ``activation`` is any Keras activation
    name ("relu", or "elu" as in Choi et al.). ``dropout`` defaults per preset (0.1 after each
    conv block of small/fcn4, 0.5 in the head of strong); ``learning_rate`` defaults per preset
    (1e-2 for small, 1e-3 for fcn4/strong). The output biases of ``small`` start at the log-odds
    of 0.1 (a typical tag frequency), the others at zero.
    ``precision`` is a Keras policy (``float32``, ``mixed_bfloat16``, ``mixed_float16`` with a
    loss-scaling optimizer, or ``auto``: see trainer/precision.py); the variables and the
    sigmoid output stay float32. ``jit_compile`` compiles the train step with XLA.
    Raises ``ValueError`` for an unknown preset, bad arguments or an input too small for the
    preset's pooling.
    """
    _check_preset(preset)
    for label, value in (("n_mels", n_mels), ("n_frames", n_frames), ("n_tags", n_tags)):
        if int(value) != value or value <= 0:
            raise ValueError(f"{label} must be a positive integer, got {value!r}")
    try:
        tf.keras.activations.get(activation)
    except ValueError as err:
        raise ValueError(f"unknown activation {activation!r}") from err
    rate = _DEFAULT_DROPOUT[preset] if dropout is None else float(dropout)
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
    lr = _DEFAULT_LEARNING_RATE[preset] if learning_rate is None else float(learning_rate)
    if lr <= 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
    if joint_weight < 0:
        raise ValueError(f"joint_weight must be >= 0, got {joint_weight!r}")
    if joint_weight > 0 and (tag_vectors is None or np.shape(tag_vectors) != (int(n_tags), JOINT_DIM)):
        raise ValueError(f"the joint head needs tag_vectors of shape ({n_tags}, {JOINT_DIM}), got "
                         f"{None if tag_vectors is None else np.shape(tag_vectors)}")

    n_mels, n_frames, n_tags = int(n_mels), int(n_frames), int(n_tags)
    policy = resolve_precision(precision)
    previous_policy = tf.keras.mixed_precision.global_policy()
    tf.keras.mixed_precision.set_global_policy(policy)  # read by every layer built below
    try:
        model = _build_layers(preset, n_mels, n_frames, n_tags, activation, rate, joint=joint_weight > 0)
    finally:
        tf.keras.mixed_precision.set_global_policy(previous_policy)
    optimizer = tf.keras.optimizers.Adam(learning_rate=lr)
    if policy == "mixed_float16":  # float16 gradients underflow without a dynamic loss scale
        optimizer = tf.keras.mixed_precision.LossScaleOptimizer(optimizer)
    metrics = [tf.keras.metrics.AUC(multi_label=True, curve="ROC", name="roc_auc"),
               tf.keras.metrics.AUC(multi_label=True, curve="PR", name="pr_auc")]
    bce = tf.keras.losses.BinaryCrossentropy()
    if not joint_weight:
        model.compile(optimizer=optimizer, loss=bce, metrics=metrics, jit_compile=bool(jit_compile))
        return model
    from trainer.joint_loss import JointLoss

    model.compile(optimizer=optimizer,
                  loss={OUTPUT_NAME: bce, JOINT_NAME: JointLoss(tag_vectors, kind=joint_loss)},
                  loss_weights={OUTPUT_NAME: 1.0, JOINT_NAME: float(joint_weight)},
                  metrics={OUTPUT_NAME: metrics}, jit_compile=bool(jit_compile))
    return model


def _build_layers(preset: str, n_mels: int, n_frames: int, n_tags: int, activation: str,
                  rate: float, *, joint: bool) -> tf.keras.Model:
    """The uncompiled model of ``preset`` under the current global dtype policy (``joint``: with
    the joint head; its outputs, like the sigmoid's, are float32 under any policy)."""
    width = chunk_frames(preset, n_frames)
    inputs = tf.keras.Input(shape=(n_mels, width), name=INPUT_NAME, dtype=tf.float32)
    x = tf.keras.layers.Reshape((n_mels, width, 1), name="add_channel")(inputs)
    if preset == "small":
        embedding = _fcn_body(x, _SMALL_BLOCKS, preset, activation, rate, input_pool=_SMALL_INPUT_POOL)
    elif preset == "fcn4":
        # Batch norm over the frequency axis of the input, as in Choi et al.'s code.
        x = tf.keras.layers.BatchNormalization(axis=1, name="input_bn_freq")(x)
        embedding = _fcn_body(x, _FCN4_BLOCKS, preset, activation, rate)
    else:
        embedding = _short_chunk_resnet_body(x, activation, rate)
    prior = _DEFAULT_OUTPUT_PRIOR[preset]
    bias = "zeros" if prior is None else tf.keras.initializers.Constant(math.log(prior / (1 - prior)))
    # float32 output under any policy: sigmoid + cross-entropy in 16 bits lose small probabilities.
    outputs = tf.keras.layers.Dense(n_tags, activation="sigmoid", bias_initializer=bias,
                                    dtype="float32", name=OUTPUT_NAME)(embedding)
    if not joint:
        return tf.keras.Model(inputs, outputs, name=preset)
    joint_vec = tf.keras.layers.Dense(JOINT_DIM, dtype="float32", name=f"{JOINT_NAME}_projection")(embedding)
    joint_vec = tf.keras.layers.UnitNormalization(axis=-1, dtype="float32", name=JOINT_NAME)(joint_vec)
    return tf.keras.Model(inputs, [outputs, joint_vec], name=preset)


def has_joint_head(model: tf.keras.Model) -> bool:
    """Whether ``model`` was built with the joint head (output ``"joint"``)."""
    return JOINT_NAME in model.output_names


def validation_monitor(model: tf.keras.Model) -> str:
    """Keras history key of the validation macro ROC-AUC of the tag head (prefixed when 2 outputs)."""
    return f"val_{OUTPUT_NAME}_roc_auc" if has_joint_head(model) else "val_roc_auc"


def _fcn_body(
    x: tf.Tensor,
    blocks: Sequence[tuple[int, tuple[int, int]]],
    preset: str,
    activation: str,
    dropout: float,
    input_pool: tuple[int, int] | None = None,
) -> tf.Tensor:
    """Fully convolutional stack (small, fcn4) ending in a global max pool ("embedding"),
    after an average pool of the input by ``input_pool`` (small) when given.

    FCN-4: Choi, Fazekas & Sandler, "Automatic tagging using deep convolutional neural
    networks", ISMIR 2016 (arXiv:1606.00298). At 96 x 1366 its pools leave exactly 1 x 1
    (96/2/4/3/4 = 1; 1366//4//5//8//8 = 1), so the global pool equals the paper's flatten;
    larger inputs also work. ``small`` is the same design with few filters.
    """
    pools = [pool for _, pool in blocks]
    _check_pooling(preset, tuple(x.shape[1:3]), [input_pool, *pools] if input_pool else pools)
    if input_pool:
        x = tf.keras.layers.AveragePooling2D(input_pool, name="input_pool")(x)
    for i, (filters, pool) in enumerate(blocks, start=1):
        x = conv_block(x, filters, name=f"block{i}", activation=activation, pool=pool,
                       dropout=dropout)
    return tf.keras.layers.GlobalMaxPooling2D(name=EMBEDDING_NAME)(x)


def _short_chunk_resnet_body(x: tf.Tensor, activation: str, dropout: float) -> tf.Tensor:
    """Short-chunk ResNet (ShortChunkCNN_Res) of Won, Ferraro, Bogdanov & Serra, "Evaluation
    of CNN-based automatic music tagging models", SMC 2020.

    As in their code: 7 residual blocks, each conv3x3/2 -> BN -> ReLU -> conv3x3 -> BN plus a
    conv3x3/2 -> BN projection shortcut, add, ReLU (stride-2 'same' downsampling, so 96 mels
    reach 1 row); channels 128, 128, 256 x 4, 512; global max pool; Dense 512 -> BN -> ReLU
    ("embedding") -> dropout. Their input batch norm is left out: our input is normalised.
    """
    layers = tf.keras.layers
    for i, filters in enumerate(_STRONG_CHANNELS, start=1):
        name = f"res{i}"
        y = conv_block(x, filters, name=f"{name}_a", activation=activation, strides=2)
        y = conv_block(y, filters, name=f"{name}_b", activation=None)
        shortcut = conv_block(x, filters, name=f"{name}_proj", activation=None, strides=2)
        x = layers.Add(name=f"{name}_add")([y, shortcut])
        x = layers.Activation(activation, name=f"{name}_act")(x)
    x = layers.GlobalMaxPooling2D(name="global_max_pool")(x)
    x = layers.Dense(_STRONG_DENSE, name="dense")(x)
    x = layers.BatchNormalization(name="dense_bn")(x)
    x = layers.Activation(activation, name=EMBEDDING_NAME)(x)
    if dropout:
        x = layers.Dropout(dropout, name="dense_dropout")(x)
    return x


def chunk_starts(n_frames: tf.Tensor, chunk: int) -> tf.Tensor:
    """Start frames of ceil(n_frames / chunk) windows; the last one ends at the clip's end."""
    n_chunks = (n_frames + chunk - 1) // chunk
    return tf.minimum(tf.range(n_chunks) * chunk, n_frames - chunk)


def split_chunks(mel: tf.Tensor, chunk: int) -> tf.Tensor:
    """``[batch, n_mels, n_frames] -> [batch * n_chunks, n_mels, chunk]``, clip-major.

    Consecutive non-overlapping windows, n_chunks = ceil(n_frames / chunk); the last window is
    aligned to the clip's end (so it overlaps the one before unless chunk divides n_frames) and
    the whole clip is covered. A clip shorter than ``chunk`` is zero-padded at the end (zero is
    the training mean of a normalised band) and gives one window.
    """
    mel = tf.convert_to_tensor(mel, tf.float32)
    n_frames = tf.shape(mel)[2]
    mel = tf.pad(mel, [[0, 0], [0, 0], [0, tf.maximum(chunk - n_frames, 0)]])
    n_frames = tf.maximum(n_frames, chunk)
    starts = chunk_starts(n_frames, chunk)
    index = starts[:, None] + tf.range(chunk)[None, :]            # [n_chunks, chunk]
    windows = tf.gather(mel, index, axis=2)                         # [b, mels, n_chunks, chunk]
    windows = tf.transpose(windows, [0, 2, 1, 3])                   # [b, n_chunks, mels, chunk]
    n_mels = mel.shape[1] if mel.shape[1] is not None else tf.shape(mel)[1]
    return tf.reshape(windows, [-1, n_mels, chunk])


def average_over_chunks(fn, mel: tf.Tensor, chunk: int):
    """Apply ``fn`` to the ``chunk``-frame windows of each clip (:func:`split_chunks`) and average every
    output (a tensor or a nest of tensors, ``[b * n_chunks, ...]``) over the windows of its clip."""
    mel = tf.convert_to_tensor(mel, tf.float32)
    batch = tf.shape(mel)[0]
    n_chunks = tf.size(chunk_starts(tf.maximum(tf.shape(mel)[2], chunk), chunk))
    outputs = fn(split_chunks(mel, chunk))
    return tf.nest.map_structure(
        lambda o: tf.reduce_mean(tf.reshape(o, tf.concat([[batch, n_chunks], tf.shape(o)[1:]], 0)), axis=1),
        outputs)


def _check_preset(preset: str) -> None:
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")


def _check_pooling(preset: str, size: tuple[int, int], pools: Sequence[tuple[int, int]]) -> None:
    """Raise ValueError unless 'valid' max pooling leaves at least 1 x 1 of ``size``."""
    rows, cols = size
    for pool_rows, pool_cols in pools:
        rows, cols = rows // pool_rows, cols // pool_cols
    if rows < 1 or cols < 1:
        min_rows = min_cols = 1
        for pool_rows, pool_cols in pools:
            min_rows, min_cols = min_rows * pool_rows, min_cols * pool_cols
        raise ValueError(
            f"input {size[0]} mels x {size[1]} frames is too small for preset {preset!r}: "
            f"it needs at least {min_rows} mels x {min_cols} frames")
