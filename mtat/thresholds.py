"""Per-tag decision thresholds: "piano: yes, vocals: no" instead of 50 probabilities on different scales.

The rule (:data:`THRESHOLD_RULE`), applied by the Trainer to its **validation (eval) split**
predictions, never to the test split:

- a tag with at least :data:`MIN_POSITIVES` positive validation clips gets its own F1-optimal
  threshold: the candidates are the midpoints between consecutive distinct validation scores
  (and the ends), a tag *applies* to a clip when its probability is ``>=`` the threshold; ties in
  F1 go to the highest threshold (fewest positive calls);
- a rarer tag (too few positives to choose well) gets the **global** threshold: the one F1-optimal
  single threshold over every (clip, tag) pair of the validation split (micro F1), and is flagged
  ``rare``.

What ``model_info.json`` stores is :func:`threshold_info`. NumPy only: the Trainer, the run
summary, the model card and the tagging library share these functions.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

#: Fewer positive validation clips than this: the tag uses the global threshold (flagged rare).
MIN_POSITIVES = 3
THRESHOLD_RULE = (
    "per tag, the F1-optimal threshold on the validation (eval) split predictions (midpoints between "
    "consecutive distinct scores; a tag applies when its probability is >= its threshold; ties go to the "
    f"higher threshold); tags with fewer than {MIN_POSITIVES} positive validation clips get the global "
    "threshold instead (the single threshold with the best micro F1 over all validation clips and tags) "
    "and are flagged rare")


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


def choose_thresholds(probabilities: np.ndarray, labels: np.ndarray, tags: Sequence[str],
                      min_positives: int = MIN_POSITIVES) -> dict[str, Any]:
    """The thresholds of :data:`THRESHOLD_RULE` from validation ``probabilities`` / ``labels`` ``[n, K]``.

    Returns ``{"thresholds": {tag: value}, "rare": [tags on the global threshold],
    "global_threshold", "details": {tag: {"positives", "f1" (validation, at its threshold), "rare"}}}``.
    """
    p = np.asarray(probabilities, np.float64)
    y = np.asarray(labels, np.float64) > 0.5
    if p.shape != y.shape or p.ndim != 2 or p.shape[1] != len(tags):
        raise ValueError(f"probabilities {p.shape} and labels {y.shape} must both be [clips, {len(tags)}]")
    if p.shape[0] == 0:
        raise ValueError("no validation clips: thresholds cannot be chosen")
    global_t, _ = f1_optimal_threshold(p, y)
    thresholds, details, rare = {}, {}, []
    for k, tag in enumerate(tags):
        positives = int(y[:, k].sum())
        is_rare = positives < min_positives
        t = global_t if is_rare else f1_optimal_threshold(p[:, k], y[:, k])[0]
        f1 = float(_f1_counts(*_counts(p[:, k] >= t, y[:, k])))
        thresholds[tag] = round(float(t), 6)
        details[tag] = {"positives": positives, "f1": round(f1, 6), "rare": is_rare}
        if is_rare:
            rare.append(tag)
    return {"thresholds": thresholds, "rare": rare, "global_threshold": round(float(global_t), 6),
            "details": details}


def threshold_info(probabilities: np.ndarray, labels: np.ndarray, tags: Sequence[str],
                   split: str = "eval", min_positives: int = MIN_POSITIVES) -> dict[str, Any]:
    """The ``model_info.json`` entries: ``thresholds`` {tag: value}, ``threshold_rule`` (text),
    ``threshold_fallback`` (the rare tags on the global threshold), ``threshold_global``,
    ``threshold_split``, ``threshold_examples`` and ``threshold_details`` (per tag: positives,
    validation F1, rare)."""
    chosen = choose_thresholds(probabilities, labels, tags, min_positives)
    return {"thresholds": chosen["thresholds"], "threshold_rule": THRESHOLD_RULE,
            "threshold_fallback": chosen["rare"], "threshold_global": chosen["global_threshold"],
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
