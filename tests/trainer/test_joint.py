"""The joint audio-text head: loss properties, model outputs, the zero-shot label protocol."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from components.audio_example_gen.transforms import make_example
from mtat import joint_space
from mtat.features import MelConfig
from mtat.signatures import JOINT_NAME, OUTPUT_NAME
from trainer import data, export, models
from trainer.hparams import TrainingConfig
from trainer.joint_loss import JOINT_LOSSES, JointLoss, joint_loss_values

TAGS = ["guitar", "piano", "choir", "techno", "violin", "drums"]


@pytest.fixture(scope="module")
def tag_vectors() -> np.ndarray:
    return joint_space.phrase_vectors(TAGS)  # the real bundled MiniLM


@pytest.mark.parametrize("kind", JOINT_LOSSES)
def test_joint_loss_decreases_toward_targets(tag_vectors, kind):
    rng = np.random.default_rng(0)
    labels = (rng.random((16, len(TAGS))) < 0.3).astype(np.float32)
    labels[:, 0] = 1.0  # every clip has a positive ...
    labels[:, 1] = 0.0  # ... and a negative
    loss = JointLoss(tag_vectors, kind=kind)
    unit = lambda v: tf.math.l2_normalize(v, axis=-1)
    z = tf.Variable(unit(rng.standard_normal((16, joint_space.JOINT_DIM)).astype(np.float32)))
    start = float(loss(labels, unit(z)))
    opt = tf.keras.optimizers.SGD(20.0)  # the batch mean and the normalisation make gradients small
    for _ in range(100):
        with tf.GradientTape() as tape:
            value = loss(labels, unit(z))
        opt.apply_gradients([(tape.gradient(value, z), z)])
    end = float(loss(labels, unit(z)))
    assert end < 0.7 * start
    # the clips end up nearer their positive tags' vectors than their negative ones'
    scores = unit(z).numpy() @ tag_vectors.T
    pos_mean = (scores * labels).sum(1) / labels.sum(1)
    neg_mean = (scores * (1 - labels)).sum(1) / (1 - labels).sum(1)
    assert np.all(pos_mean > neg_mean)
    # the mean of a clip's positive vectors scores better than a random direction
    target = unit(labels @ tag_vectors).numpy()
    assert float(loss(labels, target)) < start


def test_joint_loss_values_by_hand():
    scores = tf.constant([[0.9, 0.2, 0.85], [0.1, 0.1, 0.1], [0.3, 0.5, 0.4]])
    labels = tf.constant([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    margin = joint_loss_values(labels, scores, "margin", margin=0.1).numpy()
    # clip 0: pairs (0,1) hinge max(0, 0.1 - 0.9 + 0.2) = 0, (0,2) max(0, 0.1 - 0.9 + 0.85) = 0.05
    np.testing.assert_allclose(margin, [0.025, 0.0, 0.0], atol=1e-6)
    info = joint_loss_values(labels, scores, "infonce", temperature=0.1).numpy()
    expected0 = -np.log(np.exp(9) / (np.exp(9) + np.exp(2) + np.exp(8.5)))
    np.testing.assert_allclose(info, [expected0, 0.0, 0.0], rtol=1e-5)


def test_joint_loss_rejects_bad_arguments(tag_vectors):
    with pytest.raises(ValueError, match="unknown joint loss"):
        JointLoss(tag_vectors, kind="cosine")
    with pytest.raises(ValueError, match="tag_vectors"):
        JointLoss(np.zeros(3))


def test_weight_zero_is_the_old_single_output_model(tag_vectors):
    mel = np.random.default_rng(1).standard_normal((2, 32, 256)).astype(np.float32)
    tf.keras.utils.set_random_seed(4)
    old = models.build_model("small", 32, 256, len(TAGS))
    tf.keras.utils.set_random_seed(4)
    zero = models.build_model("small", 32, 256, len(TAGS), joint_weight=0.0, tag_vectors=tag_vectors)
    assert zero.output_names == [OUTPUT_NAME] and not models.has_joint_head(zero)
    assert zero.count_params() == old.count_params()
    np.testing.assert_allclose(zero(mel).numpy(), old(mel).numpy(), rtol=1e-6)
    assert models.validation_monitor(zero) == "val_roc_auc"

    tf.keras.utils.set_random_seed(4)
    joint = models.build_model("small", 32, 256, len(TAGS), joint_weight=0.5, tag_vectors=tag_vectors)
    assert joint.output_names == [OUTPUT_NAME, JOINT_NAME]
    assert models.validation_monitor(joint) == f"val_{OUTPUT_NAME}_roc_auc"
    probs, vec = joint(mel)
    assert probs.shape == (2, len(TAGS)) and vec.shape == (2, joint_space.JOINT_DIM)
    np.testing.assert_allclose(np.linalg.norm(vec.numpy(), axis=1), 1.0, atol=1e-5)
    with pytest.raises(ValueError, match="tag_vectors"):
        models.build_model("small", 32, 256, len(TAGS), joint_weight=1.0)
    with pytest.raises(ValueError, match="joint_weight"):
        models.build_model("small", 32, 256, len(TAGS), joint_weight=-1.0, tag_vectors=tag_vectors)


@pytest.mark.parametrize("preset", ["fcn4", "strong"])
def test_every_preset_has_the_joint_head(preset):
    vectors = np.eye(3, joint_space.JOINT_DIM, dtype=np.float32)
    model = models.build_model(preset, 96, 1366, 3, joint_weight=1.0, tag_vectors=vectors)
    assert model.output_names == [OUTPUT_NAME, JOINT_NAME]
    assert model.get_layer(JOINT_NAME).output.shape[-1] == joint_space.JOINT_DIM


def test_strong_joint_vector_is_the_renormalised_window_mean():
    tf.keras.utils.set_random_seed(1)
    vectors = np.eye(4, joint_space.JOINT_DIM, dtype=np.float32)
    model = models.build_model("strong", 32, 400, 4, joint_weight=1.0, tag_vectors=vectors)
    heads = tf.keras.Model(model.inputs, [model.get_layer(n).output for n in (OUTPUT_NAME, "embedding", JOINT_NAME)])
    chunk = models.chunk_frames("strong", 400)
    mel = np.random.default_rng(3).standard_normal((2, 32, 400)).astype(np.float32)
    windows = [heads(mel[:, :, s:s + chunk], training=False) for s in (0, chunk, 400 - chunk)]
    probs, _, joint = export.clip_outputs(heads, tf.constant(mel), chunk)
    np.testing.assert_allclose(probs.numpy(), np.mean([w[0].numpy() for w in windows], 0), rtol=1e-5, atol=1e-6)
    mean = np.mean([w[2].numpy() for w in windows], 0)
    np.testing.assert_allclose(joint.numpy(), mean / np.linalg.norm(mean, axis=1, keepdims=True), atol=1e-5)


# ---- the zero-shot protocol on the real tf.data pipeline
CFG = dataclasses.replace(MelConfig(), n_mels=32, n_frames=256)


def test_unseen_columns_never_reach_the_model(tmp_path, tag_vectors):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, (12, len(TAGS)))
    path = str(tmp_path / "data_tfrecord-00000-of-00001")
    with tf.io.TFRecordWriter(path) as w:
        for i in range(12):
            w.write(make_example(i, f"0/{i}.mp3", rng.standard_normal((CFG.n_mels, CFG.n_frames)).astype(np.float32),
                                 labels[i].tolist(), CFG))
    hp = TrainingConfig(unseen_tags=("choir", "drums"))
    seen = hp.seen_tags(TAGS)
    assert seen == ["guitar", "piano", "techno", "violin"]
    columns = [TAGS.index(t) for t in seen]
    ds = data.make_dataset(path, config=CFG, num_tags=len(TAGS), mean=np.zeros(CFG.n_mels), std=np.ones(CFG.n_mels),
                           batch_size=5, training=False, label_columns=columns, output_names=[OUTPUT_NAME, JOINT_NAME])
    got = [y for _, y in ds]
    for name in (OUTPUT_NAME, JOINT_NAME):
        stacked = np.concatenate([y[name].numpy() for y in got])
        assert stacked.shape == (12, len(seen))
        np.testing.assert_array_equal(stacked, labels[:, columns])
    model = models.build_model("small", CFG.n_mels, CFG.n_frames, len(seen), joint_weight=1.0,
                               tag_vectors=joint_space.phrase_vectors(seen))
    history = model.fit(ds, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert model.output_shape[0] == (None, len(seen))
    with pytest.raises(ValueError, match="'cello'"):
        TrainingConfig(unseen_tags=("cello",)).seen_tags(TAGS)
    with pytest.raises(ValueError, match="nothing left"):
        TrainingConfig(unseen_tags=tuple(TAGS)).seen_tags(TAGS)
    assert TrainingConfig.from_custom_config(hp.to_custom_config()) == hp
