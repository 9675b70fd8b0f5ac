"""Reading a finished run's outcome from ML Metadata and the artifacts (for the run summary)."""
from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any, Optional

from tfx import v1 as tfx

from components.audio_example_gen.executor import COUNTS_FILE, METADATA_FILE, REJECTS_FILE, read_counts, read_rejects


def latest_artifact_uri(metadata_path: str, type_name: str, pipeline_root: str) -> Optional[str]:
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
    if "blessed" in summary:
        lines.append(f"blessed: {summary['blessed']}; pushed model: {summary.get('pushed_model')}")
    return "\n".join(lines)
