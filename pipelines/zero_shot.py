"""Zero-shot metrics of a run trained with ``--unseen-tags`` (one definition, used by the run summary).

The scores are those of the ``serving_examples`` signature (:mod:`trainer.export`), K wide in
label order: a trained (seen) tag is scored by its sigmoid probability, an unseen tag by
``(cosine + 1) / 2`` between the clip's joint vector and the tag's text vector
(:mod:`mtat.joint_space`). A tag enters a macro average only when the test split has a positive
and a negative clip for it (as in the seen-tag metrics).

- ``per_tag_roc_auc`` / ``per_tag_pr_auc``: ROC-AUC / average precision of each unseen tag's
  zero-shot score over the test clips; ``macro_roc_auc`` / ``macro_pr_auc``: their means.
- ``gzsl_macro_roc_auc`` (generalised zero-shot): the macro ROC-AUC over *all* K tags, seen and
  unseen together, each scored as the deployed model scores it (seen: probability, unseen:
  zero-shot score). ROC-AUC is computed per tag over clips, so it is invariant to any monotone
  calibration of a tag's score: no rescaling between the two kinds of score is needed, and the
  number is the mean of the seen and unseen per-tag ROC-AUCs weighted by their counts — what a
  user gets over the whole vocabulary from one model.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def summarize_zero_shot(per_tag_roc: Mapping[str, float], per_tag_pr: Mapping[str, float],
                        unseen: Sequence[str], scorable: Sequence[str] | None = None) -> dict[str, Any] | None:
    """The summary's ``zero_shot`` entry from per-tag AUCs of *all* tags (seen ones included).

    ``scorable``: the tags with a positive and a negative test clip (default: every tag given);
    the others are left out. ``None`` when no unseen tag could be scored.
    """
    if scorable is not None:
        keep = set(scorable)
        per_tag_roc = {t: v for t, v in per_tag_roc.items() if t in keep}
        per_tag_pr = {t: v for t, v in per_tag_pr.items() if t in keep}
    roc = {t: per_tag_roc[t] for t in unseen if t in per_tag_roc}
    pr = {t: per_tag_pr[t] for t in unseen if t in per_tag_pr}
    if not roc:
        return None
    return {"tags": list(unseen), "macro_roc_auc": float(np.mean(list(roc.values()))),
            "macro_pr_auc": float(np.mean(list(pr.values()))) if pr else None,
            "per_tag_roc_auc": roc, "per_tag_pr_auc": pr,
            "gzsl_macro_roc_auc": float(np.mean(list(per_tag_roc.values())))}


def zero_shot_metrics(labels: np.ndarray, scores: np.ndarray, tags: Sequence[str],
                      unseen: Sequence[str]) -> dict[str, Any] | None:
    """:func:`summarize_zero_shot` computed with sklearn from ``labels`` and served ``scores`` ``[n, K]``."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    labels, scores = np.asarray(labels), np.asarray(scores)
    roc, pr = {}, {}
    for j, tag in enumerate(tags):
        if 0 < labels[:, j].sum() < len(labels):
            roc[tag] = float(roc_auc_score(labels[:, j], scores[:, j]))
            pr[tag] = float(average_precision_score(labels[:, j], scores[:, j]))
    return summarize_zero_shot(roc, pr, unseen)


def format_zero_shot(zero_shot: Mapping[str, Any]) -> str:
    """Lines of the printed run summary."""
    per_tag = ", ".join(f"{t} {v:.3f}" for t, v in zero_shot["per_tag_roc_auc"].items())
    return (f"zero-shot ({len(zero_shot['tags'])} unseen tags): macro ROC-AUC {zero_shot['macro_roc_auc']:.4f}, "
            f"macro PR-AUC {zero_shot['macro_pr_auc']:.4f}, generalised (all tags) macro ROC-AUC "
            f"{zero_shot['gzsl_macro_roc_auc']:.4f}\n  per unseen tag ROC-AUC: {per_tag}")
