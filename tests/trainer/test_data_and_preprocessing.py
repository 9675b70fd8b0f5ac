"""The trainer's input pipeline and the tf.Transform normalisation on real serialised examples."""
import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from components.audio_example_gen.transforms import make_example
from mtat.features import LABEL_KEY, MEL_KEY, MelConfig
from trainer import data
from trainer.preprocessing import MEAN_KEY, STD_KEY, decode_stored_mel, preprocessing_fn

CFG = dataclasses.replace(MelConfig(), n_mels=8, n_frames=40)  # small mels keep the test fast
K = 3


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    rng = np.random.default_rng(0)
    mels = (rng.standard_normal((20, CFG.n_mels, CFG.n_frames)) * 10 - 40 + np.arange(CFG.n_mels)[:, None]).astype(np.float32)
    labels = rng.integers(0, 2, (20, K))
    path = str(tmp_path_factory.mktemp("tfr") / "data_tfrecord-00000-of-00001")
    with tf.io.TFRecordWriter(path) as w:
        for i in range(20):
            w.write(make_example(i, f"0/{i}.mp3", mels[i], labels[i].tolist(), CFG))
    stored = mels.astype(np.float16).astype(np.float32)  # what float16 storage keeps
    return path, stored, labels


def test_make_dataset_decodes_and_normalises(records):
    path, mels, labels = records
    mean = mels.transpose(0, 2, 1).reshape(-1, CFG.n_mels).mean(0)
    std = mels.transpose(0, 2, 1).reshape(-1, CFG.n_mels).std(0)
    ds = data.make_dataset(path, config=CFG, num_tags=K, mean=mean, std=std, batch_size=8, training=False)
    got_mel, got_labels = zip(*[(m.numpy(), y.numpy()) for m, y in ds])
    got_mel, got_labels = np.concatenate(got_mel), np.concatenate(got_labels)
    np.testing.assert_allclose(got_mel, (mels - mean[:, None]) / std[:, None], atol=1e-5)
    np.testing.assert_array_equal(got_labels, labels)
    assert data.count_records(path) == 20


def test_training_dataset_shuffles_and_crops(records):
    path, mels, _ = records
    zeros, ones = np.zeros(CFG.n_mels, np.float32), np.ones(CFG.n_mels, np.float32)
    ds = data.make_dataset(path, config=CFG, num_tags=K, mean=zeros, std=ones, batch_size=20, training=True,
                           chunk=10, seed=1)
    batch, _ = next(iter(ds))
    assert batch.shape == (20, CFG.n_mels, 10)
    for crop in batch.numpy():  # every crop is a contiguous window of some clip
        assert any(np.array_equal(crop, m[:, s:s + 10]) for m in mels for s in range(CFG.n_frames - 9))


def test_missing_files_error():
    with pytest.raises(FileNotFoundError, match="no TFRecord"):
        data.expand_patterns("/nonexistent/Split-train/*")


def test_preprocessing_fn_matches_numpy(records, tmp_path):
    import tensorflow_transform.beam as tft_beam
    from tensorflow_transform.tf_metadata import dataset_metadata, schema_utils

    path, mels, labels = records
    raw = [tf.train.Example.FromString(r.numpy()) for r in tf.data.TFRecordDataset(path)]
    instances = [{MEL_KEY: e.features.feature[MEL_KEY].bytes_list.value[0],
                  LABEL_KEY: list(e.features.feature[LABEL_KEY].int64_list.value)} for e in raw]
    spec = {MEL_KEY: tf.io.FixedLenFeature([], tf.string), LABEL_KEY: tf.io.FixedLenFeature([K], tf.int64)}
    metadata = dataset_metadata.DatasetMetadata(schema_utils.schema_from_feature_spec(spec))
    fn = lambda inputs: preprocessing_fn(inputs, {"mel_config": CFG.to_json()})
    with tft_beam.Context(temp_dir=str(tmp_path)):
        (out, _), _ = (instances, metadata) | tft_beam.AnalyzeAndTransformDataset(fn, output_record_batches=False)
    rows = mels.transpose(0, 2, 1).reshape(-1, CFG.n_mels)
    mean, std = rows.mean(0), np.sqrt(rows.var(0) + 1e-6)
    np.testing.assert_allclose(out[0][MEAN_KEY], mean, rtol=1e-5)
    np.testing.assert_allclose(out[0][STD_KEY], std, rtol=1e-5)
    np.testing.assert_allclose(out[3][MEL_KEY], (mels[3] - mean[:, None]) / std[:, None], atol=1e-4)
    np.testing.assert_array_equal(out[3][LABEL_KEY], labels[3])


def test_decode_stored_mel_shapes():
    cfg32 = dataclasses.replace(CFG, storage_dtype="float32")
    m = np.arange(CFG.n_mels * CFG.n_frames, dtype=np.float32).reshape(CFG.mel_shape)
    out = decode_stored_mel(tf.constant([[m.tobytes()], [m.tobytes()]]), cfg32).numpy()
    assert out.shape == (2, CFG.n_mels, CFG.n_frames)
    np.testing.assert_array_equal(out[1], m)


def test_repeated_training_dataset_covers_every_clip_once_per_pass(records):
    path, mels, labels = records
    zeros, ones = np.zeros(CFG.n_mels, np.float32), np.ones(CFG.n_mels, np.float32)
    steps = data.steps_per_pass(len(mels), 8)
    assert steps == 3  # 8 + 8 + 4
    ds = data.make_dataset(path, config=CFG, num_tags=K, mean=zeros, std=ones, batch_size=8, training=True,
                           seed=3, repeat=True)
    it = iter(ds)
    orders = []
    for _ in range(2):  # two passes from one iterator, as fit(steps_per_epoch=steps) reads them
        batches = [next(it) for _ in range(steps)]
        assert [int(b[0].shape[0]) for b in batches] == [8, 8, 4]
        got = np.concatenate([b[0].numpy() for b in batches])
        # each clip exactly once in the pass (matched by its first frame column)
        order = [int(np.argmin(np.abs(mels[:, :, 0] - g[:, 0]).sum(1))) for g in got]
        assert sorted(order) == list(range(len(mels)))
        np.testing.assert_allclose(got, mels[order], atol=1e-5)
        np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in batches]), labels[order])
        orders.append(order)
    assert orders[0] != orders[1]  # reshuffled between passes


def test_steps_per_pass_rejects_nothing_to_read():
    assert data.steps_per_pass(300, 16) == 19
    with pytest.raises(ValueError, match="0 examples"):
        data.steps_per_pass(0, 16)
