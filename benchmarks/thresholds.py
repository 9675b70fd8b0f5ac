"""Threshold rules chosen on the validation split, scored by micro F1 on the test split.

    python -m benchmarks.thresholds --root pipeline_output                  # one run's pipeline root
    python -m benchmarks.thresholds --root A --root B --cache /tmp/preds    # several runs, predictions kept

Per run (its newest Trainer model and AudioExampleGen examples under ``--root``), the model's
probabilities on the validation (``eval``) and test splits come from its ``serving_examples``
signature (:func:`pipelines.model_card.split_predictions`, what the Evaluator scores). Every rule
of :data:`RULES` sees only the validation predictions and returns one threshold per trained tag;
the table gives each rule's test micro F1 over every (clip, tag) pair, its difference to the
validation split's single global threshold with a 95% paired bootstrap interval over test clips,
and the best single threshold on the test split itself (an oracle: chosen on the data it scores).
The machine and date lines come first; with several roots a last table gives each rule's mean
difference and its wins / ties / losses over the runs. Results: ``benchmarks/results.md``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable

import numpy as np

from mtat import thresholds as th

Rule = Callable[[np.ndarray, np.ndarray], np.ndarray]
BOOTSTRAP = 1000
#: The earlier rule's floor: a tag with fewer positive validation clips got the global threshold.
MIN_POSITIVES = 3


def _global(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.full(p.shape[1], th.f1_optimal_threshold(p, y)[0])


def _per_tag(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each tag's own F1-optimal threshold; tags with < MIN_POSITIVES positives: the global one."""
    g = th.f1_optimal_threshold(p, y)[0]
    return np.where((y > 0.5).sum(0) >= MIN_POSITIVES, th.own_thresholds(p, y), g)


def _shrunk(k: float | None) -> Rule:
    """The shipped rule (:func:`mtat.thresholds.choose_thresholds`) at strength ``k`` (None: cross-validated)."""
    def rule(p: np.ndarray, y: np.ndarray) -> np.ndarray:
        tags = [str(i) for i in range(p.shape[1])]
        return th.threshold_vector(tags, th.choose_thresholds(p, y, tags, k)["thresholds"])
    return rule


def _bootstrap(p: np.ndarray, y: np.ndarray, resamples: int = 200) -> np.ndarray:
    """Per tag, the threshold of the best mean F1 over bootstrap resamples of the validation clips."""
    rng = np.random.default_rng(0)
    g = th.f1_optimal_threshold(p, y)[0]
    idx = rng.integers(0, p.shape[0], (resamples, p.shape[0]))
    out = np.full(p.shape[1], g)
    for k in range(p.shape[1]):
        if y[:, k].sum() < MIN_POSITIVES:
            continue
        cand = np.unique(np.concatenate([th._candidates(p[:, k]), [g]]))
        pred = p[idx, k][..., None] >= cand  # [resamples, clips, candidates]
        truth = (y[idx, k] > 0.5)[..., None]
        tp = (pred & truth).sum(1)
        f1 = 2 * tp / np.maximum(pred.sum(1) + truth.sum(1), 1)
        mean = f1.mean(0)
        out[k] = cand[np.flatnonzero(mean == mean.max())[-1]]
    return out


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))


def _platt_fit(z: np.ndarray, y: np.ndarray, steps: int = 50) -> tuple[float, float]:
    """(a, b) of ``sigmoid(a z + b)`` by Newton's method on Platt's smoothed targets."""
    pos = y > 0.5
    n_pos, n_neg = pos.sum(), (~pos).sum()
    target = np.where(pos, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    a, b = 1.0, 0.0
    x = np.stack([z, np.ones_like(z)], 1)
    for _ in range(steps):
        q = _sigmoid(a * z + b)
        grad = x.T @ (q - target)
        hess = x.T @ (x * (q * (1 - q))[:, None]) + 1e-6 * np.eye(2)
        a, b = np.asarray([a, b]) - np.linalg.solve(hess, grad)
    return float(a), float(b)


def _platt(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-tag Platt scaling on validation, one global threshold on the calibrated scores, mapped back
    (a tag whose fitted slope is not positive: the global threshold)."""
    z = _logit(p)
    params = [_platt_fit(z[:, k], y[:, k]) for k in range(p.shape[1])]
    cal = np.stack([_sigmoid(a * z[:, k] + b) for k, (a, b) in enumerate(params)], 1)
    t = th.f1_optimal_threshold(cal, y)[0]
    g = th.f1_optimal_threshold(p, y)[0]
    return np.asarray([_sigmoid((_logit(np.asarray(t)) - b) / a) if a > 1e-6 else g for a, b in params])


def _isotonic(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-tag isotonic calibration on validation, one global threshold on it, mapped back (the lowest
    validation score whose calibrated value reaches it)."""
    order = [np.argsort(p[:, k], kind="stable") for k in range(p.shape[1])]
    cal = np.zeros_like(p)
    for k, o in enumerate(order):
        cal[o, k] = _pav((y[o, k] > 0.5).astype(np.float64))
    t = th.f1_optimal_threshold(cal, y)[0]
    out = np.empty(p.shape[1])
    for k in range(p.shape[1]):
        hit = p[cal[:, k] >= t, k]
        out[k] = hit.min() if hit.size else p[:, k].max() + 1e-6
    return out


def _pav(y: np.ndarray) -> np.ndarray:
    """Pool-adjacent-violators: the non-decreasing fit of ``y`` (sorted by score)."""
    blocks: list[list[float]] = []
    for v in y:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, n = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += n
    return np.concatenate([np.full(int(n), s / n) for s, n in blocks])


def _rank(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each tag's validation quantile (empirical CDF), one global threshold on it, mapped back."""
    q = (np.argsort(np.argsort(p, 0, kind="stable"), 0, kind="stable") + 1) / p.shape[0]
    t = th.f1_optimal_threshold(q, y)[0]
    srt = np.sort(p, 0)
    i = int(np.ceil(t * p.shape[0])) - 1
    return srt[i] if 0 <= i < p.shape[0] else srt[-1] + 1e-6


RULES: dict[str, Rule] = {
    "global (validation)": _global,
    "per-tag F1-optimal, rare -> global": _per_tag,
    "per-tag F1 on bootstrap resamples": _bootstrap,
    "Platt per tag + global": _platt,
    "isotonic per tag + global": _isotonic,
    "rank per tag + global": _rank,
    **{f"shrink K={k:g}": _shrunk(k) for k in (1, 3, 10, 30)},
    "shrink, K by cross-validation (shipped)": _shrunk(None),
}


def micro_f1(p: np.ndarray, y: np.ndarray, t: np.ndarray, rows: np.ndarray | None = None) -> float:
    pred, truth = p >= t[None, :], y > 0.5
    if rows is not None:
        pred, truth = pred[rows], truth[rows]
    tp = np.sum(pred & truth)
    return float(2 * tp / max(pred.sum() + truth.sum(), 1))


def table(name: str, pv: np.ndarray, yv: np.ndarray, pt: np.ndarray,
          yt: np.ndarray) -> tuple[list[str], dict[str, float]]:
    """One run's rows (rule, test micro F1, difference to the validation-global threshold [95% CI])
    and each rule's difference."""
    rng = np.random.default_rng(0)
    boots = rng.integers(0, pt.shape[0], (BOOTSTRAP, pt.shape[0]))
    base = _global(pv, yv)
    base_f1 = micro_f1(pt, yt, base)
    base_boot = np.asarray([micro_f1(pt, yt, base, b) for b in boots])
    lines = [f"## {name}: {pv.shape[0]} validation clips ({int((yv > 0.5).sum())} positives), "
             f"{pt.shape[0]} test clips ({int((yt > 0.5).sum())} positives), {pv.shape[1]} tags",
             f"{'rule':44s} {'test micro F1':>13s} {'vs global':>9s}  95% CI (test clips resampled)"]
    diffs = {}
    for rule_name, rule in RULES.items():
        t = np.asarray(rule(pv, yv), np.float64)
        f1 = micro_f1(pt, yt, t)
        diff = np.asarray([micro_f1(pt, yt, t, b) for b in boots]) - base_boot
        lo, hi = np.percentile(diff, [2.5, 97.5])
        diffs[rule_name] = f1 - base_f1
        lines.append(f"{rule_name:44s} {f1:13.4f} {f1 - base_f1:+9.4f}  [{lo:+.4f}, {hi:+.4f}]")
    best_t, best_f1 = th.f1_optimal_threshold(pt, yt)
    lines.append(f"{'oracle: best global on test (' + format(best_t, '.3f') + ')':44s} {best_f1:13.4f} "
                 f"{best_f1 - base_f1:+9.4f}")
    lines.append(f"cross-validation inside the validation split chose K={th.cv_strength(pv, yv):g}")
    return lines, diffs


def overall(diffs: list[dict[str, float]]) -> list[str]:
    """Per rule over the runs: mean difference to the validation-global threshold, wins / ties / losses."""
    lines = [f"## over {len(diffs)} runs", f"{'rule':44s} {'mean vs global':>14s}  wins/ties/losses  worst"]
    for rule_name in RULES:
        d = np.asarray([run[rule_name] for run in diffs])
        lines.append(f"{rule_name:44s} {d.mean():+14.4f}  {int((d > 0).sum()):4d}/{int((d == 0).sum())}/"
                     f"{int((d < 0).sum())}  {d.min():+.4f}")
    return lines


def run_predictions(root: str, cache: str | None = None) -> tuple[np.ndarray, ...]:
    """(validation probs, labels, test probs, labels) ``[n, trained tags]`` of the newest model under ``root``."""
    path = os.path.join(cache, os.path.abspath(root).strip("/").replace("/", "_") + ".npz") if cache else None
    if path and os.path.exists(path):
        d = np.load(path)
        return d["pv"], d["yv"], d["pt"], d["yt"]
    from mtat.model_info import read_model_info
    from pipelines.model_card import split_predictions
    from pipelines.results import latest_artifact_uri

    metadata = os.path.join(root, "metadata.sqlite")
    model_dir = os.path.join(latest_artifact_uri(metadata, "Model", root), "Format-Serving")
    examples = latest_artifact_uri(metadata, "Examples", root)
    info = read_model_info(model_dir)
    label_tags = list(info.get("label_tags") or info["tags"])
    cols = [label_tags.index(t) for t in info["tags"]]
    out = []
    for split in ("eval", "test"):
        p, y = split_predictions(model_dir, examples, split)
        out += [p[:, cols], y[:, cols]]
    if path:
        os.makedirs(cache, exist_ok=True)
        np.savez(path, pv=out[0], yv=out[1], pt=out[2], yt=out[3])
    return tuple(out)


def main(argv: list[str] | None = None) -> int:
    from benchmarks.harness.machine import print_machine_line

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", action="append", required=True, help="a pipeline root (repeatable)")
    ap.add_argument("--cache", help="keep each run's predictions here (.npz) and reuse them")
    args = ap.parse_args(argv)
    print_machine_line()
    print(f"date: {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}")
    diffs = []
    for root in args.root:
        lines, diff = table(root, *run_predictions(root, args.cache))
        diffs.append(diff)
        print("\n".join(lines), flush=True)
    if len(diffs) > 1:
        print("\n".join(overall(diffs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
