"""Per-tag decision thresholds (mtat.thresholds): the rule, the rare-tag fallback, test-split independence."""
from __future__ import annotations

import numpy as np
import pytest

from mtat import thresholds as th
from mtat.model_info import thresholds_of


def _brute_force_f1(scores, labels):
    best = (-1.0, None)
    for t in sorted(set(scores)) + [max(scores) + 1]:
        pred = np.asarray(scores) >= t
        y = np.asarray(labels) > 0.5
        tp, fp, fn = (pred & y).sum(), (pred & ~y).sum(), (~pred & y).sum()
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
        if f1 >= best[0]:
            best = (f1, t)
    return best[0]


def test_f1_optimal_threshold_is_the_best_f1_and_separates_clean_data():
    scores = np.array([0.1, 0.2, 0.35, 0.4, 0.8, 0.9])
    labels = np.array([0, 0, 0, 1, 1, 1])
    t, f1 = th.f1_optimal_threshold(scores, labels)
    assert f1 == 1.0 and 0.35 < t <= 0.4  # a midpoint between the last negative and the first positive
    rng = np.random.default_rng(0)
    for _ in range(20):
        s = rng.random(40).round(2)
        y = (rng.random(40) < 0.3).astype(int)
        t, f1 = th.f1_optimal_threshold(s, y)
        assert f1 == pytest.approx(_brute_force_f1(list(s), list(y)))
        pred = s >= t
        assert f1 == pytest.approx(2 * (pred & (y > 0)).sum() / (pred.sum() + y.sum()))


def test_rare_tags_fall_back_to_the_global_threshold_and_are_flagged():
    rng = np.random.default_rng(1)
    n = 60
    labels = np.zeros((n, 3))
    labels[:20, 0] = 1          # common
    labels[:2, 1] = 1           # rare: 2 positives < MIN_POSITIVES
    probs = np.clip(labels * 0.5 + rng.random((n, 3)) * 0.5, 0, 1)
    chosen = th.choose_thresholds(probs, labels, ["a", "b", "c"])
    assert chosen["rare"] == ["b", "c"]  # c has no positive at all
    assert chosen["thresholds"]["b"] == chosen["thresholds"]["c"] == chosen["global_threshold"]
    assert chosen["details"]["a"] == {"positives": 20, "f1": chosen["details"]["a"]["f1"], "rare": False}
    assert chosen["thresholds"]["a"] == pytest.approx(th.f1_optimal_threshold(probs[:, 0], labels[:, 0])[0], abs=1e-6)
    assert chosen["global_threshold"] == pytest.approx(th.f1_optimal_threshold(probs, labels)[0], abs=1e-6)
    info = th.threshold_info(probs, labels, ["a", "b", "c"])
    assert info["threshold_fallback"] == ["b", "c"] and info["threshold_split"] == "eval"
    assert "F1-optimal" in info["threshold_rule"] and info["threshold_examples"] == n
    assert thresholds_of(info) == info["thresholds"] and thresholds_of({"tags": ["a"]}) is None


def test_applying_and_scores_at():
    tags = ["piano", "vocals", "drums"]
    assert th.applying(tags, [0.6, 0.9, 0.1], {"piano": 0.5, "vocals": 0.95, "drums": 0.1}) == ["piano", "drums"]
    assert th.applying(tags, [0.6, 0.9, 0.1], {"piano": 0.5}) == ["piano"]  # no threshold: never applies
    probs = np.array([[0.9, 0.2], [0.4, 0.7], [0.8, 0.1]])
    labels = np.array([[1, 0], [1, 1], [0, 0]])
    got = th.scores_at(probs, labels, ["a", "b"], {"a": 0.5, "b": 0.5})
    assert got["per_tag"]["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "positives": 2, "predicted": 2}
    assert got["per_tag"]["b"]["f1"] == 1.0 and got["micro"]["f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    assert th.scores_at(probs, labels, ["a", "b"], 0.5) == got


def test_thresholds_come_from_the_validation_split_only(tmp_path):
    """The Trainer's thresholds are a function of the validation predictions: any change of the
    test split's predictions (here: replaced by noise, labels flipped) leaves them unchanged, while
    changing the validation predictions moves them."""
    from pipelines.model_card import threshold_quality

    rng = np.random.default_rng(2)
    tags = [f"t{k}" for k in range(5)]
    val_y = (rng.random((50, 5)) < 0.3).astype(float)
    val_p = np.clip(val_y * 0.4 + rng.random((50, 5)) * 0.6, 0, 1)
    test_y = (rng.random((40, 5)) < 0.3).astype(float)
    test_p = np.clip(test_y * 0.4 + rng.random((40, 5)) * 0.6, 0, 1)
    info = {"tags": tags, **th.threshold_info(val_p, val_y, tags)}
    before = dict(info["thresholds"])
    q1 = threshold_quality(test_p, test_y, info)
    q2 = threshold_quality(rng.random((40, 5)), 1 - test_y, info)
    assert info["thresholds"] == before and q1 != q2
    assert th.threshold_info(val_p, val_y, tags)["thresholds"] == before  # deterministic
    assert th.threshold_info(val_p[::-1] ** 2, val_y[::-1], tags)["thresholds"] != before
    # the test numbers are those of the validation thresholds
    want = th.scores_at(test_p, test_y, tags, before)
    assert q1["micro"] == want["micro"] and q1["per_tag"] == want["per_tag"]
    assert q1["best_global"]["f1"] >= q1["validation_global"]["f1"]
