"""Beam's TFRecord writer with the hardware CRC32C: same checksums, files TensorFlow reads and verifies."""
import glob
import os

import apache_beam as beam
import crcmod.predefined
import numpy as np
import pytest
import tensorflow as tf
from apache_beam.io import tfrecordio

from components.audio_example_gen.fast_crc32c import hardware_crc32c, use_hardware_crc32c


@pytest.fixture
def restore_beam_crc():
    saved = tfrecordio._default_crc32c_fn.fn
    yield
    tfrecordio._default_crc32c_fn.fn = saved


def test_same_checksums_as_crcmod():
    fn = hardware_crc32c()
    assert fn is not None, "google-crc32c's C extension is missing"
    reference = crcmod.predefined.mkPredefinedCrcFun("crc-32c")
    rng = np.random.default_rng(0)
    for n in (0, 1, 7, 8, 4096, 262_272, 1_000_003):
        data = rng.bytes(n)
        assert fn(data) == reference(data), n
    assert fn(b"123456789") == 0xE3069283  # the CRC-32C check value


def _write(tmp_path, name, records):
    prefix = str(tmp_path / name / "data")
    with beam.Pipeline() as p:
        _ = p | beam.Create(records) | beam.io.WriteToTFRecord(prefix, num_shards=1)
    (path,) = glob.glob(prefix + "*")
    return path


def test_beam_writes_identical_records_tf_can_verify(tmp_path, restore_beam_crc):
    records = [np.random.default_rng(i).bytes(n) for i, n in enumerate((0, 10, 262_272, 5000))]
    tfrecordio._default_crc32c_fn.fn = crcmod.predefined.mkPredefinedCrcFun("crc-32c")
    slow = _write(tmp_path, "crcmod", records)
    assert use_hardware_crc32c()
    assert tfrecordio._default_crc32c_fn.fn is hardware_crc32c()
    fast = _write(tmp_path, "hardware", records)
    with open(slow, "rb") as a, open(fast, "rb") as b:
        assert a.read() == b.read()
    # TensorFlow's reader checks both checksums of every record: a wrong one is a DataLoss error.
    assert [r.numpy() for r in tf.data.TFRecordDataset(fast)] == records
    data = bytearray(open(fast, "rb").read())
    data[-5] ^= 0xFF  # last record's payload
    corrupt = tmp_path / "corrupt.tfrecord"
    corrupt.write_bytes(bytes(data))
    with pytest.raises(tf.errors.DataLossError):
        list(tf.data.TFRecordDataset(str(corrupt)))
    assert os.path.getsize(fast) == sum(len(r) + 16 for r in records)
