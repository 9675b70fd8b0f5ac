"""example_bytes: AudioExampleGen's TF-free tf.Example serialiser gives TF's own bytes."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from components.audio_example_gen.example_bytes import bytes_feature, int64_feature, serialize_example
from components.audio_example_gen.transforms import make_example
from mtat.features import MEL_KEY, MelConfig, decode_mel

CFG = MelConfig()


def _tf(value):
    if value and isinstance(value[0], bytes):
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=value))
    return tf.train.Feature(int64_list=tf.train.Int64List(value=value))


@pytest.mark.parametrize("features", [
    {"clip_id": [0], "labels": [0, 1, 1, 0], "path": [b"0/a.mp3"]},
    {"big": [2**63 - 1, -(2**63), -1, 127, 128, 300], "empty_ints": [], "two": [b"", b"\x00\xff" * 70_000]},
    {"\u00e9t\u00e9": [5], "a": [b"x"]},  # non-ASCII key; keys are sorted like TF's deterministic output
])
def test_bytes_equal_tensorflow_deterministic_serialisation(features):
    ours = serialize_example({k: bytes_feature(v) if v and isinstance(v[0], bytes) else int64_feature(v)
                              for k, v in features.items()})
    ref = tf.train.Example(features=tf.train.Features(feature={k: _tf(v) for k, v in features.items()}))
    assert ours == ref.SerializeToString(deterministic=True)
    assert tf.train.Example.FromString(ours) == ref


def test_make_example_parses_with_tf_io():
    mel = np.random.default_rng(0).standard_normal(CFG.mel_shape).astype(np.float16)
    record = make_example(7, "3/song.mp3", mel, [1, 0, 1], CFG)
    parsed = tf.io.parse_single_example(record, {
        "clip_id": tf.io.FixedLenFeature([1], tf.int64), "labels": tf.io.FixedLenFeature([3], tf.int64),
        MEL_KEY: tf.io.FixedLenFeature([], tf.string), "mp3_path": tf.io.FixedLenFeature([], tf.string)})
    assert parsed["clip_id"].numpy().tolist() == [7] and parsed["labels"].numpy().tolist() == [1, 0, 1]
    assert parsed["mp3_path"].numpy() == b"3/song.mp3"
    np.testing.assert_array_equal(decode_mel(parsed[MEL_KEY].numpy(), CFG), mel.astype(np.float32))
