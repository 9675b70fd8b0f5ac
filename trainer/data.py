"""The Trainer's tf.data input pipeline: raw AudioExampleGen records -> (normalised mel, labels) batches."""
from __future__ import annotations

from collections.abc import Sequence

import tensorflow as tf

from mtat.features import LABEL_KEY, MEL_KEY, MelConfig
from trainer.preprocessing import decode_stored_mel, normalize_mel

#: Keep the serialised records of a split in memory when they are smaller than this.
CACHE_MAX_BYTES = 2 * 1024**3


def parse_spec(num_tags: int) -> dict:
    """``tf.io.parse_example`` spec of the features training needs."""
    return {
        MEL_KEY: tf.io.FixedLenFeature([], tf.string),
        LABEL_KEY: tf.io.FixedLenFeature([num_tags], tf.int64),
    }


def expand_patterns(patterns: Sequence[str] | str) -> list[str]:
    """Files matching the patterns (TFX passes ``.../Split-train/*``), sorted."""
    if isinstance(patterns, str):
        patterns = [patterns]
    files = sorted({f for p in patterns for f in tf.io.gfile.glob(p)})
    if not files:
        raise FileNotFoundError(f"no TFRecord files match {list(patterns)}")
    return files


def compression_type(files: Sequence[str]) -> str:
    """TFRecord compression of ``files`` by extension (".gz" = GZIP, as TFX readers decide)."""
    kinds = {f.endswith(".gz") for f in files}
    if len(kinds) > 1:
        raise ValueError("mixed GZIP and uncompressed TFRecord files")
    return "GZIP" if kinds.pop() else ""


def batch_random_chunks(mel: tf.Tensor, chunk: int, seed: int | None = None) -> tf.Tensor:
    """An independent random ``chunk``-frame crop of each clip: ``[b, m, t] -> [b, m, chunk]``."""
    frames = tf.shape(mel)[2]
    batch = tf.shape(mel)[0]
    starts = tf.random.uniform([batch], 0, tf.maximum(frames - chunk, 0) + 1, dtype=tf.int32, seed=seed)
    idx = starts[:, None] + tf.range(chunk)[None, :]
    return tf.gather(mel, idx, axis=2, batch_dims=1)


def make_dataset(
    file_patterns: Sequence[str] | str,
    *,
    config: MelConfig,
    num_tags: int,
    mean: tf.Tensor,
    std: tf.Tensor,
    batch_size: int,
    training: bool,
    chunk: int | None = None,
    shuffle_buffer: int = 1024,
    seed: int | None = None,
    cache: bool | None = None,
    label_columns: Sequence[int] | None = None,
    output_names: Sequence[str] | None = None,
    repeat: bool = False,
) -> tf.data.Dataset:
    """Batches of ``(mel [b, n_mels, frames] normalised, labels [b, K] float32)``.

    ``label_columns``: keep only these columns of the stored ``num_tags`` labels (the zero-shot
    protocol: unseen tags' labels never reach the model). ``output_names``: the labels as a dict
    ``{name: labels}`` (one entry per model output, e.g. the tag head and the joint head).
    ``repeat``: endless, pass after pass (reshuffled each pass when ``training``), each pass
    :func:`steps_per_pass` batches: fit with that ``steps_per_epoch``.

    Parallel interleaved reads, batch-level parsing, optional in-memory cache of the raw records
    (default: when the files are smaller than ``CACHE_MAX_BYTES``), random ``chunk``-frame crops
    for short-chunk models (seeded, so a validation set crops the same way each epoch), prefetch.
    """
    files = expand_patterns(file_patterns)
    if cache is None:
        cache = sum(tf.io.gfile.stat(f).length for f in files) < CACHE_MAX_BYTES
    ds = tf.data.Dataset.from_tensor_slices(files)
    if training:
        ds = ds.shuffle(len(files), seed=seed)
    compression = compression_type(files)
    ds = ds.interleave(lambda f: tf.data.TFRecordDataset(f, compression_type=compression, buffer_size=8 << 20),
                       cycle_length=min(len(files), 8), num_parallel_calls=tf.data.AUTOTUNE,
                       deterministic=not training)
    if cache:
        ds = ds.cache()
    if training:
        ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=False)
    if repeat:  # after the batching: every pass ends with its own (possibly short) batch
        ds = ds.repeat()
    spec = parse_spec(num_tags)
    if label_columns is not None:
        if not label_columns or min(label_columns) < 0 or max(label_columns) >= num_tags:
            raise ValueError(f"label_columns must be a non-empty subset of 0..{num_tags - 1}, got {label_columns}")
        columns = tf.constant(list(label_columns), tf.int32)
    mean = tf.constant(mean, tf.float32)
    std = tf.constant(std, tf.float32)

    def parse(serialized):
        features = tf.io.parse_example(serialized, spec)
        mel = normalize_mel(decode_stored_mel(features[MEL_KEY], config), mean, std)
        if chunk is not None and chunk < config.n_frames:
            mel = batch_random_chunks(mel, chunk, seed)
        labels = tf.cast(features[LABEL_KEY], tf.float32)
        if label_columns is not None:
            labels = tf.gather(labels, columns, axis=1)
        return mel, ({n: labels for n in output_names} if output_names else labels)

    # repeated: batches in order, so a batch of the next pass never arrives within this one
    ds = ds.map(parse, num_parallel_calls=tf.data.AUTOTUNE, deterministic=repeat or not training)
    return ds.prefetch(tf.data.AUTOTUNE)


def steps_per_pass(num_examples: int, batch_size: int) -> int:
    """Batches in one pass over ``num_examples`` (the last one may be short)."""
    if num_examples <= 0 or batch_size <= 0:
        raise ValueError(f"need examples and a positive batch size, got {num_examples} examples, batch {batch_size}")
    return -(-int(num_examples) // int(batch_size))


def count_records(file_patterns: Sequence[str] | str) -> int:
    """Number of records in the files (one cheap pass over the raw bytes)."""
    files = expand_patterns(file_patterns)
    ds = tf.data.TFRecordDataset(files, compression_type=compression_type(files))
    return int(ds.reduce(tf.constant(0, tf.int64), lambda n, _: n + 1).numpy())

