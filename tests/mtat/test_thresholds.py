"""Per-tag decision thresholds (mtat.thresholds): the shrinkage rule, degenerate inputs, test-split independence."""
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


def _draw(rng, n, offsets, rate=0.2, separation=2.0):
    """``n`` clips of ``len(offsets)`` tags: logit = separation * (label - 1/2) + the tag's offset + noise."""
    y = (rng.random((n, len(offsets))) < rate).astype(float)
    z = separation * (y - 0.5) + np.asarray(offsets) + rng.normal(0, 1, y.shape)
    return 1 / (1 + np.exp(-z)), y


def _micro_f1(p, y, t):
    pred = p >= t
    return 2 * (pred & (y > 0.5)).sum() / (pred.sum() + (y > 0.5).sum())


def test_thresholds_shrink_each_tags_own_towards_the_global_one_by_its_positives():
    rng = np.random.default_rng(1)
    n = 60
    labels = np.zeros((n, 3))
    labels[:20, 0] = 1          # common
    labels[:2, 1] = 1           # 2 positives
    probs = np.clip(labels * 0.5 + rng.random((n, 3)) * 0.5, 0, 1)
    tags = ["a", "b", "c"]      # c has no positive at all
    own = th.own_thresholds(probs, labels)
    g = th.f1_optimal_threshold(probs, labels)[0]
    chosen = th.choose_thresholds(probs, labels, tags, strength=4.0)
    want = [20 / 24 * own[0] + 4 / 24 * g, 2 / 6 * own[1] + 4 / 6 * g, g]
    assert [chosen["thresholds"][t] for t in tags] == pytest.approx(want, abs=1e-6)
    assert chosen["rare"] == ["b", "c"] and chosen["strength"] == 4.0  # w 1/3 and 0 < 1/2
    assert chosen["details"]["a"] == {"positives": 20, "weight": pytest.approx(20 / 24, abs=1e-6),
                                      "f1": chosen["details"]["a"]["f1"], "rare": False}
    assert chosen["global_threshold"] == pytest.approx(g, abs=1e-6)
    own_only = th.choose_thresholds(probs, labels, tags, strength=0.0)  # K 0: own thresholds, c still global
    assert [own_only["thresholds"][t] for t in tags] == pytest.approx([own[0], own[1], g], abs=1e-6)
    assert own_only["rare"] == ["c"]
    one = th.choose_thresholds(probs, labels, tags, strength=np.inf)  # K infinite: one global threshold
    assert set(one["thresholds"].values()) == {one["global_threshold"]} and one["rare"] == tags
    info = th.threshold_info(probs, labels, tags)
    assert info["threshold_fallback"] == [t for t in tags if info["threshold_details"][t]["rare"]]
    strength = th.cv_strength(probs, labels)  # infinite here: stored as null
    assert info["threshold_shrinkage"] == (None if np.isinf(strength) else strength)
    assert info["threshold_split"] == "eval"
    assert "F1-optimal" in info["threshold_rule"] and "cross-validation" in info["threshold_rule"]
    assert info["threshold_examples"] == n
    assert thresholds_of(info) == info["thresholds"] and thresholds_of({"tags": ["a"]}) is None


def test_cross_validation_keeps_own_thresholds_for_tags_on_different_scales():
    """Tags scoring on different scales: one global threshold is poor and cross-validation inside the
    validation split keeps the tags' own thresholds (small K); on a fresh test draw they win clearly."""
    rng = np.random.default_rng(0)
    offsets = np.linspace(-2.5, 1.5, 8)
    val_p, val_y = _draw(rng, 200, offsets)
    test_p, test_y = _draw(rng, 4000, offsets)
    tags = [f"t{k}" for k in range(8)]
    chosen = th.choose_thresholds(val_p, val_y, tags)
    assert chosen["strength"] <= 5
    shrunk = _micro_f1(test_p, test_y, th.threshold_vector(tags, chosen["thresholds"]))
    assert shrunk > _micro_f1(test_p, test_y, chosen["global_threshold"]) + 0.1  # 0.70 vs 0.51


def test_cross_validation_keeps_the_global_threshold_for_tags_on_one_scale():
    """Tags on one scale: the tags' own thresholds only add noise; cross-validation shrinks them to
    (nearly) the global one, which does as well as the global threshold and better than their own."""
    rng = np.random.default_rng(0)
    val_p, val_y = _draw(rng, 200, np.zeros(8))
    test_p, test_y = _draw(rng, 4000, np.zeros(8))
    tags = [f"t{k}" for k in range(8)]
    chosen = th.choose_thresholds(val_p, val_y, tags)
    assert chosen["strength"] >= 50
    shrunk = _micro_f1(test_p, test_y, th.threshold_vector(tags, chosen["thresholds"]))
    assert shrunk == pytest.approx(_micro_f1(test_p, test_y, chosen["global_threshold"]), abs=0.002)
    assert shrunk > _micro_f1(test_p, test_y, th.own_thresholds(val_p, val_y)) + 0.005  # 0.710 vs 0.703


def test_degenerate_validation_data():
    tags = ["a", "b"]
    none = th.choose_thresholds(np.array([[0.2, 0.7], [0.4, 0.1], [0.9, 0.3]]), np.zeros((3, 2)), tags)
    assert none["rare"] == tags and set(none["thresholds"].values()) == {none["global_threshold"]}
    assert none["global_threshold"] > 0.9  # no positives anywhere: nothing applies
    single = th.choose_thresholds(np.array([[0.8, 0.1]]), np.array([[1, 0]]), tags)
    assert single["strength"] == np.inf and single["rare"] == tags  # one clip: no cross-validation
    flat = th.threshold_info(np.full((10, 2), 0.5), np.eye(10, 2), tags)  # every score equal
    assert all(np.isfinite(list(flat["thresholds"].values())))
    assert th.cv_strength(np.full((10, 2), 0.5), np.eye(10, 2)) == np.inf  # ties: the stronger shrinkage
    with pytest.raises(ValueError):
        th.choose_thresholds(np.zeros((0, 2)), np.zeros((0, 2)), tags)


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
