"""Serving signatures of exported models: the joint head's signature and outputs, zero-shot columns."""
from __future__ import annotations

import json
import os

import numpy as np
import tensorflow as tf

from components.audio_example_gen.transforms import make_example
from mtat import joint_space
from mtat.audio import load_audio
from mtat.features import MEL_KEY, MelConfig
from mtat.model_info import read_model_info
from mtat.signatures import (
    ANALYZE,
    EMBEDDING_NAME,
    EXAMPLES_SIGNATURE,
    JOINT_NAME,
    JOINT_SIGNATURE,
    OUTPUT_NAME,
    TAGS_OUTPUT,
    WINDOW_JOINT,
    WINDOW_PROBABILITIES,
    signature_names,
)
from trainer import export, models
from trainer.preprocessing import decode_stored_mel, normalize_mel

CFG = MelConfig()


def _unit_rows(x: np.ndarray) -> None:
    np.testing.assert_allclose(np.linalg.norm(x, axis=-1), 1.0, atol=1e-5)


def test_joint_signature_round_trip(pushed_model, catalog_audio_dir):
    model = tf.saved_model.load(pushed_model)
    assert set(model.signatures) == set(signature_names(True))
    info = read_model_info(pushed_model)
    joint = info["joint"]
    assert (joint["text_model"], joint["template"], joint["dim"]) == (
        joint_space.TEXT_MODEL, joint_space.PHRASE_TEMPLATE, joint_space.JOINT_DIM)
    assert joint["tags"] == info["tags"] and info["unseen_tags"] == []
    np.testing.assert_allclose(np.array(joint["tag_vectors"]), joint_space.phrase_vectors(info["tags"]), atol=1e-6)

    songs = sorted(os.path.join(r, f) for r, _, fs in os.walk(catalog_audio_dir) for f in fs)
    waves = [load_audio(p, CFG.sample_rate) for p in songs[:2]]
    # exactly the JSON body a TF Serving REST client sends
    request = json.loads(json.dumps({"instances": [w[:50000].tolist() for w in waves]}))
    out = model.signatures[JOINT_SIGNATURE](waveform=tf.constant(request["instances"], tf.float32))
    assert set(out) == {JOINT_NAME}
    vectors = out[JOINT_NAME].numpy()
    assert vectors.shape == (2, joint_space.JOINT_DIM)
    _unit_rows(vectors)
    assert np.abs(vectors[0] - vectors[1]).max() > 1e-3  # different songs, different vectors

    # a song of 1.5 clips gives 2 windows: analyze's clip vector is their renormalised mean
    long = np.concatenate([waves[0], waves[1][: CFG.clip_samples // 2]])[None].astype(np.float32)
    analyzed = model.signatures[ANALYZE](waveform=tf.constant(long))
    assert set(analyzed) == {OUTPUT_NAME, TAGS_OUTPUT, WINDOW_PROBABILITIES, EMBEDDING_NAME, JOINT_NAME, WINDOW_JOINT}
    windows = analyzed[WINDOW_JOINT].numpy()
    assert windows.shape == (1, 2, joint_space.JOINT_DIM)
    _unit_rows(windows)
    mean = windows.mean(axis=1)
    np.testing.assert_allclose(analyzed[JOINT_NAME].numpy(), mean / np.linalg.norm(mean, axis=1, keepdims=True),
                               atol=1e-5)
    served = model.signatures[JOINT_SIGNATURE](waveform=tf.constant(long))[JOINT_NAME].numpy()
    np.testing.assert_allclose(served, analyzed[JOINT_NAME].numpy(), atol=1e-5)


def _stand_in(mean, std):
    mean_c, std_c = tf.constant(mean), tf.constant(std)
    return lambda features: {MEL_KEY: normalize_mel(decode_stored_mel(features[MEL_KEY], CFG), mean_c, std_c)}


def _export(model, tmp_path, tags, **kwargs) -> str:
    mean, std = np.full(CFG.n_mels, -30.0, np.float32), np.full(CFG.n_mels, 20.0, np.float32)
    out = str(tmp_path / "model")
    export.export_model(model, out, info={"tags": list(tags)}, config=CFG, tags=tags, mean=mean, std=std, chunk=None,
                        tft_layer=_stand_in(mean, std),
                        raw_feature_spec={MEL_KEY: tf.io.FixedLenFeature([], tf.string)}, **kwargs)
    return out


def test_model_without_joint_head_keeps_the_old_signatures(tmp_path):
    tf.keras.utils.set_random_seed(0)
    model = models.build_model("small", CFG.n_mels, CFG.n_frames, 3, joint_weight=0.0)
    loaded = tf.saved_model.load(_export(model, tmp_path, ["a", "b", "c"]))
    assert set(loaded.signatures) == set(signature_names(False))
    out = loaded.signatures[ANALYZE](waveform=tf.zeros([1, 1000]))
    assert set(out) == {OUTPUT_NAME, TAGS_OUTPUT, WINDOW_PROBABILITIES, EMBEDDING_NAME}


def test_serving_examples_scores_unseen_tags_in_label_order(tmp_path):
    seen, label_tags = ["guitar", "piano", "techno"], ["guitar", "choir", "piano", "techno", "violin"]
    unseen = ["choir", "violin"]
    tf.keras.utils.set_random_seed(1)
    model = models.build_model("small", CFG.n_mels, CFG.n_frames, len(seen), joint_weight=1.0,
                               tag_vectors=joint_space.phrase_vectors(seen))
    unseen_vectors = joint_space.phrase_vectors(unseen)  # the reference: each label column's own tag
    # the Trainer passes no vectors: the export computes them for the unseen tags in label order
    loaded = tf.saved_model.load(_export(model, tmp_path, seen, label_tags=label_tags))
    rng = np.random.default_rng(2)
    mels = (rng.standard_normal((3, CFG.n_mels, CFG.n_frames)) * 20 - 30).astype(np.float32)
    examples = [make_example(i, f"0/{i}.mp3", mels[i], [0] * len(label_tags), CFG) for i in range(3)]
    got = loaded.signatures[EXAMPLES_SIGNATURE](examples=tf.constant(examples))[OUTPUT_NAME].numpy()
    assert got.shape == (3, len(label_tags))
    stored = mels.astype(np.float16).astype(np.float32)
    probs, joint = model((stored + 30.0) / 20.0, training=False)
    cos = joint.numpy() @ unseen_vectors.T
    np.testing.assert_allclose(got[:, [0, 2, 3]], probs.numpy(), atol=1e-5)
    np.testing.assert_allclose(got[:, [1, 4]], (cos + 1) / 2, atol=1e-5)

    plain = models.build_model("small", CFG.n_mels, CFG.n_frames, len(seen))
    loaded = tf.saved_model.load(_export(plain, tmp_path / "plain", seen, label_tags=label_tags))
    got = loaded.signatures[EXAMPLES_SIGNATURE](examples=tf.constant(examples))[OUTPUT_NAME].numpy()
    np.testing.assert_allclose(got[:, [1, 4]], 0.5)  # no joint head: no information on unseen tags


def test_export_reloads_in_keras_as_the_evaluator_loads_it(tmp_path):
    """Saved without layer traces: the Evaluator's loader (tf_keras, pipelines.eval_model_loader)
    rebuilds the model from the layer configs, with the trained weights and the same outputs."""
    import tensorflow_model_analysis as tfma

    from pipelines.eval_model_loader import load_model

    seen = ["guitar", "piano", "techno"]
    tf.keras.utils.set_random_seed(3)
    model = models.build_model("small", CFG.n_mels, CFG.n_frames, len(seen), joint_weight=1.0,
                               tag_vectors=joint_space.phrase_vectors(seen))
    path = _export(model, tmp_path, seen)
    reloaded = load_model(path, tfma.TF_KERAS)
    assert isinstance(reloaded, tf.keras.Model)
    for saved, loaded in zip(model.get_weights(), reloaded.get_weights()):
        np.testing.assert_array_equal(loaded, saved)
    mel = np.random.default_rng(4).standard_normal((2, CFG.n_mels, CFG.n_frames)).astype(np.float32)
    for got, want in zip(reloaded(mel, training=False), model(mel, training=False)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    examples = [make_example(i, f"0/{i}.mp3", mel[i] * 20 - 30, [0] * len(seen), CFG) for i in range(2)]
    served = reloaded.signatures[EXAMPLES_SIGNATURE](examples=tf.constant(examples))[OUTPUT_NAME].numpy()
    assert served.shape == (2, len(seen)) and np.all((served > 0) & (served < 1))
