"""Mixed precision and XLA options of the trainer (trainer/precision.py, models.build_model), on CPU."""
from __future__ import annotations

import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import numpy as np
import pytest
import tensorflow as tf
from sklearn.metrics import roc_auc_score

from trainer import models, precision
from trainer.hparams import TrainingConfig

N_MELS, N_FRAMES = 32, 256


def test_auto_is_float32_without_xla_on_cpu():
    assert precision.resolve_precision("auto", []) == "float32"
    assert precision.resolve_jit_compile("auto", []) is False
    assert precision.resolve_precision("auto") == ("float32" if not precision.visible_gpus() else
                                                   precision.resolve_precision("auto", precision.visible_gpus()))


def test_auto_on_gpus_by_compute_capability(monkeypatch):
    capability = {"a100": (8, 0), "h100": (9, 0), "t4": (7, 5), "v100": (7, 0)}
    monkeypatch.setattr(precision, "compute_capability", lambda gpu: capability[gpu])
    assert precision.resolve_precision("auto", ["h100"]) == "mixed_bfloat16"
    assert precision.resolve_precision("auto", ["a100", "h100"]) == "mixed_bfloat16"
    assert precision.resolve_precision("auto", ["t4"]) == "mixed_float16"
    assert precision.resolve_precision("auto", ["a100", "v100"]) == "mixed_float16"  # the weakest decides
    assert precision.resolve_jit_compile("auto", ["t4"]) is True
    assert precision.resolve_precision("float32", ["h100"]) == "float32"  # explicit wins
    assert precision.resolve_jit_compile("off", ["h100"]) is False
    assert precision.resolve_jit_compile("on", []) is True


def test_bad_values_are_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"unknown precision 'fp8'.*mixed_bfloat16"):
        TrainingConfig(precision="fp8")
    with pytest.raises(ValueError, match=r"unknown xla mode 'yes'.*auto, on, off"):
        TrainingConfig(xla="yes")
    with pytest.raises(ValueError, match="unknown precision"):
        models.build_model("small", N_MELS, N_FRAMES, 3, precision="half")
    config = TrainingConfig.from_custom_config({"precision": "mixed_float16", "xla": "on", "mel_config": "{}"})
    assert (config.precision, config.xla) == ("mixed_float16", "on")
    assert TrainingConfig().to_custom_config()["precision"] == "auto"


def _separable(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Tag 0 = extra energy in the low mel bands, tag 1 = in the high bands, tag 2 = in the second half."""
    rng = np.random.default_rng(seed)
    labels = (rng.random((n, 3)) < 0.5).astype("float32")
    mel = rng.standard_normal((n, N_MELS, N_FRAMES)).astype("float32")
    mel[:, :8, :] += labels[:, 0, None, None]
    mel[:, -8:, :] += labels[:, 1, None, None]
    mel[:, :, N_FRAMES // 2:] += labels[:, 2, None, None]
    return mel, labels


@pytest.fixture(scope="module")
def data():
    return _separable(384, 5), _separable(192, 6)


def _fit(data, **kwargs) -> tuple[tf.keras.Model, list[float], float]:
    (x, y), (x_test, y_test) = data
    tf.keras.utils.set_random_seed(3)
    model = models.build_model("small", N_MELS, N_FRAMES, 3, learning_rate=3e-3, **kwargs)
    history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
    probs = model.predict(x_test, batch_size=64, verbose=0)
    assert probs.dtype == np.float32
    return model, history.history["loss"], roc_auc_score(y_test, probs, average="macro")


@pytest.fixture(scope="module")
def float32_run(data):
    return _fit(data, precision="float32")


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_trains_like_float32(data, float32_run, policy):
    model, losses, auc = _fit(data, precision=policy)
    compute = {"mixed_bfloat16": tf.bfloat16, "mixed_float16": tf.float16}[policy]
    assert model.get_layer("block1_conv").compute_dtype == compute.name
    assert all(w.dtype == tf.float32 for w in model.weights)  # float32 master weights
    assert model.get_layer(models.OUTPUT_NAME).compute_dtype == "float32"
    assert model.output.dtype == tf.float32
    assert isinstance(model.optimizer, tf.keras.mixed_precision.LossScaleOptimizer) == (policy == "mixed_float16")
    assert tf.keras.mixed_precision.global_policy().name == "float32"  # restored after building
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    _, _, auc32 = float32_run
    assert auc32 > 0.9
    assert auc > 0.9 and abs(auc - auc32) < 0.05

    # The float32 serving copy (what trainer.task exports) predicts what the mixed model does.
    copy = models.build_model("small", N_MELS, N_FRAMES, 3, precision="float32")
    copy.set_weights(model.get_weights())
    x_test = data[1][0][:16]
    np.testing.assert_allclose(copy(x_test, training=False).numpy(), model(x_test, training=False).numpy(),
                               atol=0.03)


def test_xla_train_step_matches_the_plain_one(data, float32_run):
    (x, y), _ = data
    model, losses, auc = _fit(data, jit_compile=True)
    assert model.jit_compile is True
    assert np.all(np.isfinite(losses)) and auc > 0.9
    # Same weights, one step each: XLA and the plain graph give the same loss to float tolerance.
    plain = models.build_model("small", N_MELS, N_FRAMES, 3, learning_rate=3e-3)
    plain.set_weights(model.get_weights())
    batch = (x[:32], y[:32])
    np.testing.assert_allclose(model.evaluate(*batch, verbose=0)[0], plain.evaluate(*batch, verbose=0)[0],
                               rtol=1e-4)
