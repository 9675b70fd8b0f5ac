"""Per-tag decision thresholds: "piano: yes, vocals: no" instead of 50 probabilities on different scales.

The rule (:data:`THRESHOLD_RULE`), applied by the Trainer to its **validation (eval) split**
predictions, never to the test split: each tag's own F1-optimal threshold **shrunk towards the
global one**,

    threshold = w * own + (1 - w) * global,   w = positives / (positives + K)

- *own*: the tag's F1-optimal threshold on the validation clips (the candidates are the midpoints
  between consecutive distinct scores, and the ends; a tag *applies* to a clip when its probability
  is ``>=`` the threshold; ties in F1 go to the highest threshold);
- *global*: the one F1-optimal single threshold over every (clip, tag) pair (micro F1);
- *positives*: the tag's positive validation clips (none: exactly the global threshold);
- *K* (:func:`cv_strength`): the strength of :data:`SHRINK_GRID` with the best micro F1 in a
  :data:`CV_FOLDS`-fold cross-validation inside the validation split (0: every tag its own
  threshold, infinite: one global threshold).

A tag whose threshold is more the global one than its own (``w < 1/2``: fewer positives than K) is
flagged ``rare``: too few validation positives to choose its threshold well. Why shrinkage: with
a few dozen validation clips a tag's own F1-optimal threshold rests on a handful of positives and
is noisy, one global threshold ignores that tags score on different scales;
``python -m benchmarks.thresholds`` measures both against the shrunk thresholds on the test split.

What ``model_info.json`` stores is :func:`threshold_info`. NumPy only: the Trainer, the run
summary, the model card and the tagging library share these functions.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

#: Shrinkage strengths K tried by cross-validation (0: each tag's own threshold; inf: the global one).
SHRINK_GRID = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, np.inf)
#: Folds of the cross-validation inside the validation split (clip i is in fold i % CV_FOLDS).
CV_FOLDS = 5
THRESHOLD_RULE = (
    "per tag, its F1-optimal threshold on the validation (eval) split predictions shrunk towards the global "
    "threshold (the single threshold with the best micro F1 over all validation clips and tags): "
    "w * own + (1 - w) * global, w = positives / (positives + K), K chosen from "
    f"{', '.join(f'{k:g}' for k in SHRINK_GRID)} by {CV_FOLDS}-fold cross-validation of micro F1 inside the "
    "validation split (candidates: midpoints between consecutive distinct scores; a tag applies when its "
    "probability is >= its threshold; ties go to the higher threshold and the stronger shrinkage); tags with "
    "w < 1/2 (fewer positives than K, none at all included) are flagged rare")


def _candidates(scores: np.ndarray) -> np.ndarray:
    """Thresholds worth trying for ``scores``: midpoints between consecutive distinct values, and the ends."""
    values = np.unique(np.asarray(scores, np.float64))
    if values.size == 0:
        return np.asarray([0.5])
    mids = (values[:-1] + values[1:]) / 2
    return np.concatenate([[values[0]], mids, [values[-1] + 1e-6]])  # every clip ... no clip


def _f1_counts(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    denom = 2 * tp + fp + fn
    return np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)


def f1_curve(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(candidate thresholds ascending, F1 of ``scores >= t`` at each) over any shape of scores."""
    s = np.asarray(scores, np.float64).reshape(-1)
    y = np.asarray(labels).reshape(-1) > 0.5
    cand = _candidates(s)
    order = np.argsort(s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    # predicted positive at t: the clips with score >= t, i.e. from index searchsorted(t, left) on
    start = np.searchsorted(s_sorted, cand, side="left")
    pos_after = np.concatenate([np.cumsum(y_sorted[::-1])[::-1], [0]])  # positives in s_sorted[i:]
    n_after = s_sorted.size - start
    tp = pos_after[start].astype(np.float64)
    fp = n_after - tp
    fn = y.sum() - tp
    return cand, _f1_counts(tp, fp, fn)


def f1_optimal_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(threshold, F1) maximising the F1 of ``scores >= threshold``; ties: the highest threshold."""
    cand, f1 = f1_curve(scores, labels)
    best = np.flatnonzero(f1 == f1.max())[-1]
    return float(cand[best]), float(f1[best])


def own_thresholds(probabilities: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``[K]``: each tag's own F1-optimal threshold."""
    p, y = np.asarray(probabilities, np.float64), np.asarray(labels) > 0.5
    return np.asarray([f1_optimal_threshold(p[:, k], y[:, k])[0] for k in range(p.shape[1])])


def shrink_weights(positives: np.ndarray, strength: float) -> np.ndarray:
    """``w = positives / (positives + strength)`` per tag: 0 without positives or for an infinite strength."""
    n = np.asarray(positives, np.float64)
    if np.isinf(strength):
        return np.zeros_like(n)
    return np.where(n > 0, n / np.maximum(n + strength, 1e-12), 0.0)


def shrunk_thresholds(probabilities: np.ndarray, labels: np.ndarray, strength: float) -> np.ndarray:
    """``[K]``: ``w * own + (1 - w) * global`` (:func:`own_thresholds`, :func:`shrink_weights`)."""
    p, y = np.asarray(probabilities, np.float64), np.asarray(labels) > 0.5
    return _blend(y.sum(axis=0), own_thresholds(p, y), f1_optimal_threshold(p, y)[0], strength)


def _blend(positives: np.ndarray, own: np.ndarray, global_t: float, strength: float) -> np.ndarray:
    w = shrink_weights(positives, strength)
    return w * own + (1 - w) * global_t


def cv_strength(probabilities: np.ndarray, labels: np.ndarray, grid: Sequence[float] = SHRINK_GRID,
                folds: int = CV_FOLDS) -> float:
    """The shrinkage strength of ``grid`` with the best micro F1 on held-out folds of these clips (clip
    i in fold ``i % folds``, counts pooled over the folds; ties go to the stronger shrinkage). Fewer
    than 2 clips: infinite (the global threshold)."""
    p, y = np.asarray(probabilities, np.float64), np.asarray(labels) > 0.5
    folds = min(folds, p.shape[0])
    if folds < 2:
        return float(np.inf)
    fold = np.arange(p.shape[0]) % folds
    tp, total = np.zeros(len(grid)), np.zeros(len(grid))  # total: predicted + actual positives
    for f in range(folds):
        fit, held = fold != f, fold == f
        # the fold's own and global thresholds do not depend on the strength: once per fold
        own, global_t = own_thresholds(p[fit], y[fit]), f1_optimal_threshold(p[fit], y[fit])[0]
        positives = y[fit].sum(axis=0)
        for i, strength in enumerate(grid):
            pred = p[held] >= _blend(positives, own, global_t, strength)[None, :]
            tp[i] += np.sum(pred & y[held])
            total[i] += pred.sum() + y[held].sum()
    f1 = 2 * tp / np.maximum(total, 1)
    return float(grid[np.flatnonzero(f1 == f1.max())[-1]])


def choose_thresholds(probabilities: np.ndarray, labels: np.ndarray, tags: Sequence[str],
                      strength: float | None = None) -> dict[str, Any]:
    """The thresholds of :data:`THRESHOLD_RULE` from validation ``probabilities`` / ``labels`` ``[n, K]``
    (``strength``: K, else :func:`cv_strength`).

    Returns ``{"thresholds": {tag: value}, "rare": [tags with w < 1/2], "global_threshold", "strength",
    "details": {tag: {"positives", "weight" (w), "f1" (validation, at its threshold), "rare"}}}``.
    """
    p = np.asarray(probabilities, np.float64)
    y = np.asarray(labels, np.float64) > 0.5
    if p.shape != y.shape or p.ndim != 2 or p.shape[1] != len(tags):
        raise ValueError(f"probabilities {p.shape} and labels {y.shape} must both be [clips, {len(tags)}]")
    if p.shape[0] == 0:
        raise ValueError("no validation clips: thresholds cannot be chosen")
    strength = cv_strength(p, y) if strength is None else float(strength)
    global_t = f1_optimal_threshold(p, y)[0]
    positives = y.sum(axis=0)
    weights = shrink_weights(positives, strength)
    values = _blend(positives, own_thresholds(p, y), global_t, strength)
    f1 = _f1_counts(*_counts(p >= values[None, :], y))
    thresholds, details, rare = {}, {}, []
    for k, tag in enumerate(tags):
        is_rare = bool(weights[k] < 0.5)
        thresholds[tag] = round(float(values[k]), 6)
        details[tag] = {"positives": int(positives[k]), "weight": round(float(weights[k]), 6),
                        "f1": round(float(f1[k]), 6), "rare": is_rare}
        if is_rare:
            rare.append(tag)
    return {"thresholds": thresholds, "rare": rare, "global_threshold": round(float(global_t), 6),
            "strength": strength, "details": details}


def threshold_info(probabilities: np.ndarray, labels: np.ndarray, tags: Sequence[str],
                   split: str = "eval") -> dict[str, Any]:
    """The ``model_info.json`` entries: ``thresholds`` {tag: value}, ``threshold_rule`` (text),
    ``threshold_fallback`` (the rare tags, thresholds mostly the global one), ``threshold_global``,
    ``threshold_shrinkage`` (K; null when infinite: every tag on the global threshold),
    ``threshold_split``, ``threshold_examples`` and ``threshold_details`` (per tag: positives, weight,
    validation F1, rare)."""
    chosen = choose_thresholds(probabilities, labels, tags)
    strength = chosen["strength"]
    return {"thresholds": chosen["thresholds"], "threshold_rule": THRESHOLD_RULE,
            "threshold_fallback": chosen["rare"], "threshold_global": chosen["global_threshold"],
            "threshold_shrinkage": None if np.isinf(strength) else strength,
            "threshold_split": split, "threshold_examples": int(np.asarray(probabilities).shape[0]),
            "threshold_details": chosen["details"]}


def _counts(pred: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pred, truth = np.asarray(pred, bool), np.asarray(truth) > 0.5
    tp = np.sum(pred & truth, axis=0).astype(np.float64)
    fp = np.sum(pred & ~truth, axis=0).astype(np.float64)
    fn = np.sum(~pred & truth, axis=0).astype(np.float64)
    return tp, fp, fn


def threshold_vector(tags: Sequence[str], thresholds: Mapping[str, float]) -> np.ndarray:
    """``[K]`` thresholds in ``tags`` order (a tag without one: +inf, it never applies)."""
    return np.asarray([float(thresholds.get(t, np.inf)) for t in tags], np.float64)


def scores_at(probabilities: np.ndarray, labels: np.ndarray, tags: Sequence[str],
              thresholds: Mapping[str, float] | float) -> dict[str, Any]:
    """Precision / recall / F1 of ``probabilities >= thresholds`` (per tag, or one float for all):
    ``{"per_tag": {tag: {"precision", "recall", "f1", "positives", "predicted"}}, "micro": {...},
    "macro_f1"}`` (a tag's precision with no positive call is 0; macro F1 over tags with positives)."""
    p = np.asarray(probabilities, np.float64)
    y = np.asarray(labels, np.float64) > 0.5
    t = (np.full(len(tags), float(thresholds)) if isinstance(thresholds, (int, float))
         else threshold_vector(tags, thresholds))
    tp, fp, fn = _counts(p >= t[None, :], y)

    def prf(tp_, fp_, fn_) -> dict[str, float]:
        precision = tp_ / (tp_ + fp_) if tp_ + fp_ else 0.0
        recall = tp_ / (tp_ + fn_) if tp_ + fn_ else 0.0
        f1 = 2 * tp_ / (2 * tp_ + fp_ + fn_) if tp_ + fp_ + fn_ else 0.0
        return {"precision": round(float(precision), 6), "recall": round(float(recall), 6), "f1": round(float(f1), 6),
                "positives": int(tp_ + fn_), "predicted": int(tp_ + fp_)}

    per_tag = {tag: prf(tp[k], fp[k], fn[k]) for k, tag in enumerate(tags)}
    scored = [v["f1"] for v in per_tag.values() if v["positives"]]
    return {"per_tag": per_tag, "micro": prf(tp.sum(), fp.sum(), fn.sum()),
            "macro_f1": round(float(np.mean(scored)), 6) if scored else None}


def applying(tags: Sequence[str], probabilities: np.ndarray, thresholds: Mapping[str, float]) -> list[str]:
    """The tags at or above their threshold, most probable first (ties in tag order)."""
    p = np.asarray(probabilities, np.float64).reshape(-1)
    t = threshold_vector(tags, thresholds)
    order = np.argsort(-p, kind="stable")
    return [tags[i] for i in order if p[i] >= t[i]]


def reliability(scores: np.ndarray, labels: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Reliability diagram data: per equal-width probability bin with clips, ``{"lo", "hi", "count",
    "mean_predicted", "observed"}`` (observed = fraction of positives)."""
    s = np.asarray(scores, np.float64).reshape(-1)
    y = (np.asarray(labels).reshape(-1) > 0.5).astype(np.float64)
    idx = np.clip((s * bins).astype(int), 0, bins - 1)
    out = []
    for b in range(bins):
        m = idx == b
        if m.any():
            out.append({"lo": b / bins, "hi": (b + 1) / bins, "count": int(m.sum()),
                        "mean_predicted": round(float(s[m].mean()), 6), "observed": round(float(y[m].mean()), 6)})
    return out

