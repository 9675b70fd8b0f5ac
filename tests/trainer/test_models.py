"""Tests of trainer/models.py: shapes, parameter counts, chunking, save/load, a sanity fit."""
from __future__ import annotations

import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # Keras 2 (tf-keras), as TFX 1.16 expects

import numpy as np
import pytest
import tensorflow as tf
from sklearn.metrics import roc_auc_score

from trainer import export, models

N_MELS, N_FRAMES, N_TAGS = 96, 1366, 50


@pytest.fixture(scope="module")
def built() -> dict[str, tf.keras.Model]:
    """One model per preset at the default 96 x 1366, 50 tags (built once per module)."""
    tf.keras.utils.set_random_seed(0)
    return {p: models.build_model(p, N_MELS, N_FRAMES, N_TAGS) for p in models.PRESETS}


def _trainable(model: tf.keras.Model) -> int:
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def _mel(batch: int, n_mels: int = N_MELS, n_frames: int = N_FRAMES, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((batch, n_mels, n_frames)).astype("float32")


def test_parameter_counts(built):
    fcn4 = built["fcn4"]
    assert abs(fcn4.count_params() - 17.4e6) / 17.4e6 < 0.01
    # PyTorch counts no BN moving statistics: the 17.37 M reference is our trainable count.
    assert abs(_trainable(fcn4) - 17.37e6) / 17.37e6 < 0.001
    assert 10_000 <= built["small"].count_params() <= 100_000
    # ShortChunkCNN_Res of Won et al. (12.1 M in the authors' PyTorch code).
    assert abs(_trainable(built["strong"]) - 12.1e6) / 12.1e6 < 0.01


def test_io_names_and_compile(built):
    for preset, model in built.items():
        assert model.input_names == ["log_mel"], preset
        assert model.output_names == ["probabilities"], preset
        assert model.get_layer("embedding") is not None
        config = model.get_compile_config()
        metrics = [(m["config"]["name"], m["config"]["curve"], m["config"]["multi_label"])
                   for m in config["metrics"]]
        assert metrics == [("roc_auc", "ROC", True), ("pr_auc", "PR", True)], preset
        assert config["loss"]["class_name"] == "BinaryCrossentropy"
        assert isinstance(model.optimizer, tf.keras.optimizers.Adam)


def _clip_outputs(model, mel, preset):
    """What the serving signatures compute per clip (trainer.export)."""
    chunk = models.chunk_frames(preset, mel.shape[2]) if preset == "strong" else None
    return [o.numpy() for o in export.clip_outputs(export.heads_model(model), mel, chunk)]


@pytest.mark.parametrize("preset", models.PRESETS)
def test_output_shape_and_range(built, preset):
    mel = _mel(2)
    probs, emb = _clip_outputs(built[preset], tf.constant(mel), preset)
    assert probs.shape == (2, N_TAGS)
    assert np.all((probs >= 0) & (probs <= 1))
    assert emb.shape == (2, {"small": 48, "fcn4": 2048, "strong": 512}[preset])
    window = models.chunk_frames(preset, N_FRAMES)
    assert built[preset].input_shape == (None, N_MELS, window)
    direct = built[preset](mel[:, :, :window], training=False).numpy()
    assert direct.shape == (2, N_TAGS) and np.all((direct >= 0) & (direct <= 1))


def test_chunk_frames():
    assert models.chunk_frames("small", 1366) == 1366
    assert models.chunk_frames("fcn4", 1366) == 1366
    assert models.chunk_frames("strong", 1366) == models.STRONG_CHUNK_FRAMES
    assert models.chunk_frames("strong", 100) == 100
    with pytest.raises(ValueError, match="unknown preset"):
        models.chunk_frames("huge", 1366)


def test_small_convolves_an_average_pooled_input(built):
    """small: conv blocks on the log-mel averaged over 2 bands x 4 frames; fcn4 at full resolution."""
    small = built["small"]
    pool = small.get_layer("input_pool")
    assert isinstance(pool, tf.keras.layers.AveragePooling2D) and pool.pool_size == (2, 4)
    assert small.get_layer("block1_conv").input_shape == (None, N_MELS // 2, N_FRAMES // 4, 1)
    assert small.get_layer(models.EMBEDDING_NAME).input_shape == (None, 3, 5, 48)
    mel = _mel(1)
    pooled = tf.keras.Model(small.inputs, pool.output)(mel).numpy()[0, :, :, 0]
    np.testing.assert_allclose(pooled[1, 2], mel[0, 2:4, 8:12].mean(), rtol=1e-5)
    assert not [layer for layer in built["fcn4"].layers if "pool" in layer.name and "block" not in layer.name]
    assert built["fcn4"].get_layer("block1_conv").input_shape == (None, N_MELS, N_FRAMES, 1)


def test_small_other_input_size():
    model = models.build_model("small", 64, 500, 7, activation="elu")
    probs = model(_mel(3, 64, 500), training=False).numpy()
    assert probs.shape == (3, 7) and np.all((probs >= 0) & (probs <= 1))


@pytest.mark.parametrize(
    "preset, n_mels, n_frames, kwargs",
    [
        ("small", 8, 500, {}),
        ("small", 64, 100, {}),
        ("fcn4", 64, 1366, {}),
        ("fcn4", 96, 1000, {}),
        ("medium", 96, 1366, {}),
        ("small", 96, 0, {}),
        ("small", 96, 1366, {"dropout": 1.0}),
        ("small", 96, 1366, {"learning_rate": 0.0}),
        ("small", 96, 1366, {"activation": "no_such_activation"}),
    ],
)
def test_bad_arguments_raise(preset, n_mels, n_frames, kwargs):
    with pytest.raises(ValueError):
        models.build_model(preset, n_mels, n_frames, 5, **kwargs)


def test_too_small_message():
    with pytest.raises(ValueError, match=r"too small.*at least 32 mels x 256 frames"):
        models.build_model("small", 8, 500, 5)


def test_split_chunks_covers_clip_and_aligns_last_to_end():
    mel = np.arange(2 * 3 * 10, dtype="float32").reshape(2, 3, 10)
    chunks = models.split_chunks(mel, 4).numpy()
    assert chunks.shape == (2 * 3, 3, 4)
    for clip in range(2):
        for k, start in enumerate((0, 4, 6)):  # ceil(10 / 4) = 3 windows, last ends at 10
            np.testing.assert_array_equal(chunks[clip * 3 + k], mel[clip, :, start:start + 4])
    assert models.split_chunks(mel, 5).shape == (4, 3, 5)  # exact fit: no overlap
    short = models.split_chunks(mel, 12).numpy()  # shorter than a chunk: zero-padded
    assert short.shape == (2, 3, 12)
    np.testing.assert_array_equal(short[:, :, :10], mel)
    assert np.all(short[:, :, 10:] == 0)


def test_strong_prediction_is_mean_of_chunk_predictions():
    tf.keras.utils.set_random_seed(1)
    model = models.build_model("strong", 32, 400, 4)
    chunk = models.chunk_frames("strong", 400)
    mel = _mel(2, 32, 400, seed=3)
    starts = (0, chunk, 400 - chunk)  # ceil(400 / 176) = 3 windows
    manual = np.mean(
        [model(mel[:, :, s:s + chunk], training=False).numpy() for s in starts], axis=0)
    got = _clip_outputs(model, tf.constant(mel), "strong")[0]
    np.testing.assert_allclose(got, manual, rtol=1e-5, atol=1e-6)
    heads = export.heads_model(model)

    @tf.function(input_signature=[tf.TensorSpec([None, 32, None], tf.float32)])
    def serve(x):
        return export.clip_outputs(heads, x, chunk)[0]

    np.testing.assert_allclose(serve(mel).numpy(), manual, rtol=1e-5, atol=1e-6)
    assert serve(mel[:, :, :300]).shape == (2, 4)


def test_small_save_load_round_trip(tmp_path):
    tf.keras.utils.set_random_seed(2)
    model = models.build_model("small", 32, 256, 6)
    mel = _mel(3, 32, 256, seed=4)
    expected = model(mel, training=False).numpy()
    path = str(tmp_path / "small")
    model.save(path, save_format="tf")

    reloaded = tf.keras.models.load_model(path)
    for saved, loaded in zip(model.get_weights(), reloaded.get_weights()):
        np.testing.assert_array_equal(loaded, saved)
    # Outputs agree to float32 rounding (eager vs graph execution may differ in the last bit).
    np.testing.assert_allclose(reloaded(mel, training=False).numpy(), expected,
                               rtol=1e-6, atol=1e-7)
    served = tf.saved_model.load(path).signatures["serving_default"]
    np.testing.assert_allclose(served(log_mel=tf.constant(mel))["probabilities"].numpy(),
                               expected, rtol=1e-6, atol=1e-7)


def test_small_learns_a_separable_problem():
    """Tag 0 = extra energy in the low mel bands, tag 1 = in the high bands."""
    tf.keras.utils.set_random_seed(3)
    rng = np.random.default_rng(5)
    n_mels, n_frames = 32, 256

    def make(n: int) -> tuple[np.ndarray, np.ndarray]:
        labels = (rng.random((n, 2)) < 0.5).astype("float32")
        mel = rng.standard_normal((n, n_mels, n_frames)).astype("float32")
        mel[:, :8, :] += 1.0 * labels[:, 0, None, None]
        mel[:, -8:, :] += 1.0 * labels[:, 1, None, None]
        return mel, labels

    x_train, y_train = make(512)
    x_test, y_test = make(256)
    model = models.build_model("small", n_mels, n_frames, 2, learning_rate=3e-3)
    model.fit(x_train, y_train, batch_size=32, epochs=4, verbose=0)
    probs = model.predict(x_test, batch_size=64, verbose=0)
    assert roc_auc_score(y_test, probs, average="macro") > 0.9
