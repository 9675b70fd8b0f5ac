"""Reading a finished run's outcome from ML Metadata and the artifacts (for the run summary)."""
from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from tfx import v1 as tfx

from components.audio_example_gen.executor import COUNTS_FILE, METADATA_FILE, REJECTS_FILE, read_counts, read_rejects
from pipelines.zero_shot import format_zero_shot, summarize_zero_shot


def latest_artifact_uri(metadata_path: str, type_name: str, pipeline_root: str) -> str | None:
    """URI of the newest live artifact of ``type_name`` under ``pipeline_root`` (cached ones included)."""
    from ml_metadata.metadata_store import metadata_store

    config = tfx.orchestration.metadata.sqlite_metadata_connection_config(metadata_path)
    store = metadata_store.MetadataStore(config)
    root = os.path.abspath(pipeline_root)
    candidates = [a for a in store.get_artifacts_by_type(type_name)
                  if os.path.abspath(a.uri).startswith(root + os.sep) and a.state == a.LIVE]
    if not candidates:
        return None
    return max(candidates, key=lambda a: (a.create_time_since_epoch, a.id)).uri


def data_summary(examples_uri: str, rejects_uri: str) -> dict[str, Any]:
    """``examples`` per split, ``rejects`` list and ``tags`` of an AudioExampleGen run."""
    with open(os.path.join(examples_uri, METADATA_FILE)) as f:
        meta = json.load(f)
    rejects = read_rejects(os.path.join(rejects_uri, REJECTS_FILE))
    return {
        "examples": read_counts(os.path.join(rejects_uri, COUNTS_FILE)),
        "rejects": [{k: r[k] for k in ("clip_id", "path", "reason", "message")} for r in rejects],
        "tags": meta["tags"],
        "rejects_report": os.path.join(rejects_uri, REJECTS_FILE),
    }


def format_summary(summary: dict[str, Any]) -> str:
    """Human-readable run summary."""
    lines = []
    ex = summary.get("examples") or {}
    lines.append(f"examples: {sum(ex.values())} ({', '.join(f'{k} {v}' for k, v in ex.items())})")
    rejects = summary.get("rejects") or []
    reasons = Counter(r["reason"] for r in rejects)
    lines.append(f"rejects: {len(rejects)}" + (f" ({', '.join(f'{k} {v}' for k, v in reasons.items())})"
                                                if rejects else ""))
    for r in rejects[:20]:
        lines.append(f"  clip {r['clip_id']} {r['path']}: {r['reason']} - {r['message']}")
    if len(rejects) > 20:
        lines.append(f"  ... {len(rejects) - 20} more in {summary.get('rejects_report')}")
    tags = summary.get("tags") or []
    lines.append(f"tags ({len(tags)}): {', '.join(tags)}")
    metrics = summary.get("metrics")
    if metrics:
        lines.append(f"macro ROC-AUC {metrics['macro_roc_auc']:.4f}, macro PR-AUC {metrics['macro_pr_auc']:.4f}")
    if summary.get("thresholds"):
        from pipelines.model_card import format_threshold_quality

        lines.append(format_threshold_quality(summary["thresholds"]))
    if summary.get("zero_shot"):
        lines.append(format_zero_shot(summary["zero_shot"]))
    if "blessed" in summary:
        lines.append(f"blessed: {summary['blessed']}; pushed model: {summary.get('pushed_model')}")
    if summary.get("model_card"):
        lines.append(f"model card: {summary['model_card']}")
    return "\n".join(lines)


def read_tfma_metrics(eval_uri: str, tags: list[str]) -> dict[str, Any]:
    """Macro ROC-AUC / PR-AUC and per-tag ROC-AUC / PR-AUC (every tag of the labels, unseen ones
    included) of the candidate model from an Evaluator output, and the baseline's macro ROC-AUC
    (None without a baseline)."""
    import tensorflow_model_analysis as tfma

    macro: dict[str, float] = {}
    baseline: dict[str, float] = {}
    per_tag_roc: dict[str, float] = {}
    per_tag_pr: dict[str, float] = {}
    positive_rate: dict[str, float] = {}
    for slice_metrics in tfma.load_metrics(eval_uri):
        if slice_metrics.slice_key.single_slice_keys:
            continue  # overall slice only
        for kv in slice_metrics.metric_keys_and_values:
            key = kv.key
            value = kv.value.double_value.value
            if key.model_name == "baseline" and not key.is_diff and key.aggregation_type.macro_average:
                baseline[key.name] = value  # the last blessed model, scored on the same test split
            if key.is_diff or key.model_name not in ("", "candidate"):
                continue
            if key.aggregation_type.macro_average:
                macro[key.name] = value
            elif key.HasField("sub_key") and key.sub_key.HasField("class_id"):
                target = {"roc_auc": per_tag_roc, "mean_label": positive_rate}.get(key.name, per_tag_pr)
                target[tags[key.sub_key.class_id.value]] = value
    return {"macro_roc_auc": macro.get("roc_auc"), "macro_pr_auc": macro.get("pr_auc"),
            "baseline_macro_roc_auc": baseline.get("roc_auc"),
            "per_tag_roc_auc": {t: per_tag_roc[t] for t in tags if t in per_tag_roc},
            "per_tag_pr_auc": {t: per_tag_pr[t] for t in tags if t in per_tag_pr},
            "per_tag_positive_rate": {t: positive_rate[t] for t in tags if t in positive_rate}}


def split_zero_shot(metrics: dict[str, Any], unseen: list[str], joint: bool) -> tuple[dict[str, Any], dict | None]:
    """(seen-tag ``metrics``, ``zero_shot`` entry) from :func:`read_tfma_metrics` of a run with
    ``unseen`` tags (the TFMA macro averages already cover the seen tags only). ``zero_shot`` is
    None without unseen tags or without a joint head (nothing scores them)."""
    if not unseen:
        return metrics, None
    rate = metrics.get("per_tag_positive_rate")
    scorable = None if rate is None else [t for t, r in rate.items() if 0 < r < 1]
    zero_shot = (summarize_zero_shot(metrics["per_tag_roc_auc"], metrics["per_tag_pr_auc"], unseen, scorable)
                 if joint else None)
    seen = {k: v for k, v in metrics.items() if not k.startswith("per_tag")}
    for key in ("per_tag_roc_auc", "per_tag_pr_auc", "per_tag_positive_rate"):
        if key in metrics:
            seen[key] = {t: v for t, v in metrics[key].items() if t not in unseen}
    return seen, zero_shot


def model_summary(metadata_path: str, pipeline_root: str, tags: list[str], unseen: list[str] | None = None,
                  joint: bool = True) -> dict[str, Any]:
    """``metrics`` (seen tags), ``zero_shot`` (with ``unseen`` tags), ``blessed`` and ``pushed_model``
    of the latest Evaluator / Pusher outputs."""
    from ml_metadata.metadata_store import metadata_store

    out: dict[str, Any] = {"metrics": None, "blessed": False, "pushed_model": None}
    if unseen:
        out["zero_shot"] = None
    eval_uri = latest_artifact_uri(metadata_path, "ModelEvaluation", pipeline_root)
    if eval_uri:
        out["metrics"], zero_shot = split_zero_shot(read_tfma_metrics(eval_uri, tags), list(unseen or []), joint)
        if unseen:
            out["zero_shot"] = zero_shot
    store = metadata_store.MetadataStore(tfx.orchestration.metadata.sqlite_metadata_connection_config(metadata_path))
    for type_name, key in (("ModelBlessing", "blessed"), ("PushedModel", "pushed")):
        uri = latest_artifact_uri(metadata_path, type_name, pipeline_root)
        artifact = next((a for a in store.get_artifacts_by_uri(uri)), None) if uri else None
        flag = bool(artifact and artifact.custom_properties[key].int_value) if artifact else False
        if type_name == "ModelBlessing":
            out["blessed"] = flag
        elif flag:
            out["pushed_model"] = artifact.custom_properties["pushed_destination"].string_value
    return out
