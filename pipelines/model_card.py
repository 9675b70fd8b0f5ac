"""The decision thresholds on the test split, and the model card of a pushed version.

:func:`threshold_quality` scores the Trainer's model on the **test** split (the
``serving_examples`` signature over ``Split-test``, the Evaluator's input) and measures, at the
per-tag thresholds the Trainer chose on the validation split (``model_info.json``, see
:mod:`mtat.thresholds`): per-tag precision / recall / F1, micro F1 over every (clip, tag) pair,
and for comparison the micro F1 of one global threshold: the validation split's global
threshold (a fair comparison) and the best single threshold on the test split itself (an upper
bound: chosen on the data it is scored on). ROC-AUC / PR-AUC are TFMA's (the gate's numbers).

:func:`build_card` gathers data, training, thresholds, quality, the gate's decision, intended use
and limits into one dict (``assets.extra/model_card.json``), :func:`render_html` turns it into a
self-contained page (``assets.extra/model_card.html``: inline CSS and SVG reliability diagrams,
nothing fetched). The pipeline's ModelCardWriter step (:func:`write_step`, after the Pusher, in the
local and the Kubeflow runs alike) writes both into the pushed version folder (TF Serving ignores
``assets.extra``); :func:`after_run` reads its record into the local run summary.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from mtat import thresholds as th
from mtat.model_info import MODEL_CARD_HTML, MODEL_CARD_JSON, model_card_path

#: Reliability diagrams for at most this many tags (the most frequent on the test split) ...
RELIABILITY_TAGS = 8
#: ... with at least this many positive test clips.
RELIABILITY_MIN_POSITIVES = 5
RELIABILITY_BINS = 10
INTENDED_USE = (
    "Tagging music audio (instruments, genres, moods, vocals) with the tags of the MagnaTagATune vocabulary the "
    "model was trained on: searching and organising a music library, suggesting tags for a person to confirm.")
LIMITS = (
    "Trained on short clips of the training data's music and its crowd-sourced labels: missing labels are "
    "common (a clip without 'vocals' may still have vocals), so precision is under-estimated and rare tags are "
    "learned poorly.",
    "Thresholds were chosen on the validation split; tags marked rare had too few validation positives for a "
    "threshold of their own and use mostly one global threshold: treat their yes/no as a guess.",
    "Probabilities are not calibrated across tags: compare a tag's probability with its own threshold, not "
    "with another tag's.",
    "Zero-shot phrases (predict --tags) have no threshold: their scores rank clips, they do not decide.",
    "Not for decisions about people (e.g. judging a performer) or for copyright or content moderation.",
)


# ---------------------------------------------------------------------------------------------
# test-split predictions and the numbers at the thresholds


def split_predictions(model_dir: str, examples_uri: str, split: str = "test",
                      batch: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities, labels) ``[n, K label tags]`` of the exported model on one split of an
    AudioExampleGen output, through ``serving_examples`` (what the Evaluator scores)."""
    import tensorflow as tf

    from mtat.features import LABEL_KEY
    from mtat.signatures import EXAMPLES_INPUT, EXAMPLES_SIGNATURE, OUTPUT_NAME
    from trainer.data import compression_type, expand_patterns

    files = expand_patterns(os.path.join(examples_uri, f"Split-{split}", "*"))
    fn = tf.saved_model.load(model_dir).signatures[EXAMPLES_SIGNATURE]
    probs, labels = [], []
    for records in tf.data.TFRecordDataset(files, compression_type=compression_type(files)).batch(batch):
        probs.append(fn(**{EXAMPLES_INPUT: records})[OUTPUT_NAME].numpy())
        parsed = tf.io.parse_example(records, {LABEL_KEY: tf.io.VarLenFeature(tf.int64)})
        labels.append(tf.sparse.to_dense(parsed[LABEL_KEY]).numpy())
    if not probs:
        raise ValueError(f"no {split} examples in {examples_uri}")
    return np.concatenate(probs).astype(np.float64), np.concatenate(labels).astype(np.float64)


def split_positives(examples_uri: str, split: str, tags: Sequence[str], label_tags: Sequence[str]) -> dict[str, int]:
    """Positive clips per tag of one split (its labels only: one read of the split's records)."""
    import tensorflow as tf

    from mtat.features import LABEL_KEY
    from trainer.data import compression_type, expand_patterns

    files = expand_patterns(os.path.join(examples_uri, f"Split-{split}", "*"))
    spec = {LABEL_KEY: tf.io.FixedLenFeature([len(label_tags)], tf.int64)}
    total = np.zeros(len(label_tags), np.int64)
    for records in tf.data.TFRecordDataset(files, compression_type=compression_type(files)).batch(256):
        total += tf.reduce_sum(tf.io.parse_example(records, spec)[LABEL_KEY], axis=0).numpy()
    return {t: int(total[list(label_tags).index(t)]) for t in tags}


def threshold_quality(probabilities: np.ndarray, labels: np.ndarray, info: dict[str, Any]) -> dict[str, Any]:
    """Test-split numbers at the model's thresholds, for its trained tags: ``per_tag`` P/R/F1,
    ``micro`` P/R/F1 at the per-tag thresholds, ``macro_f1`` (tags with a positive test clip),
    ``validation_global`` and ``best_global`` ``{"threshold", "f1"}`` (micro F1 of one threshold
    for every tag: the validation split's, and the best on the test split itself), ``examples``.
    ``probabilities`` / ``labels`` are in ``info["label_tags"]`` order."""
    tags = list(info["tags"])
    label_tags = list(info.get("label_tags") or tags)
    cols = [label_tags.index(t) for t in tags]
    p, y = np.asarray(probabilities)[:, cols], np.asarray(labels)[:, cols]
    thresholds = info["thresholds"]
    at = th.scores_at(p, y, tags, thresholds)
    best_t, best_f1 = th.f1_optimal_threshold(p, y)
    val_t = float(info.get("threshold_global", 0.5))
    return {"split": "test", "examples": int(p.shape[0]), "per_tag": at["per_tag"], "micro": at["micro"],
            "macro_f1": at["macro_f1"],
            "validation_global": {"threshold": round(val_t, 6), "f1": th.scores_at(p, y, tags, val_t)["micro"]["f1"]},
            "best_global": {"threshold": round(best_t, 6), "f1": round(best_f1, 6)}}


def format_threshold_quality(q: dict[str, Any]) -> str:
    """The run summary's lines about the thresholds."""
    m = q["micro"]
    macro = f", macro F1 {q['macro_f1']:.4f}" if q.get("macro_f1") is not None else ""
    shrinkage = f" (shrinkage K {q['shrinkage']:g})" if q.get("shrinkage") is not None else ""
    return (f"test split ({q['examples']} clips) at the per-tag validation thresholds{shrinkage}: micro F1 {m['f1']:.4f} "
            f"(precision {m['precision']:.4f}, recall {m['recall']:.4f}){macro}\n"
            f"  vs one global threshold: validation's {q['validation_global']['threshold']:.3f} micro F1 "
            f"{q['validation_global']['f1']:.4f}; best on test {q['best_global']['threshold']:.3f} micro F1 "
            f"{q['best_global']['f1']:.4f} (chosen on test: an upper bound)")


# ---------------------------------------------------------------------------------------------
# the card


def build_card(*, info: dict[str, Any], summary: dict[str, Any], quality: dict[str, Any] | None,
               test_labels: np.ndarray | None = None, test_probabilities: np.ndarray | None = None,
               model_dir: str = "", gate: dict[str, Any] | None = None,
               train_positives: dict[str, int] | None = None) -> dict[str, Any]:
    """The ``model_card.json`` dict of a trained model (``info``: its ``model_info.json``;
    ``summary``: the run summary with ``examples``, ``rejects``, ``metrics``, ``blessed``;
    ``quality``: :func:`threshold_quality`; test labels/probabilities in label-tag order for the tag
    frequencies and reliability diagrams; ``train_positives``: :func:`split_positives` of the
    training split)."""
    tags = list(info["tags"])
    label_tags = list(info.get("label_tags") or tags)
    cols = [label_tags.index(t) for t in tags]
    details = info.get("threshold_details") or {}
    metrics = summary.get("metrics") or {}
    rejects = summary.get("rejects") or []
    by_reason: dict[str, int] = {}
    for r in rejects:
        by_reason[r["reason"]] = by_reason.get(r["reason"], 0) + 1
    data_info = info.get("data") or {}
    frequencies = {}
    test_pos = (np.asarray(test_labels)[:, cols] > 0.5).sum(axis=0) if test_labels is not None else None
    for k, t in enumerate(tags):
        frequencies[t] = {"train": (train_positives or {}).get(t), "eval": (details.get(t) or {}).get("positives"),
                          "test": None if test_pos is None else int(test_pos[k])}
    per_tag = {}
    for t in tags:
        q = (quality or {}).get("per_tag", {}).get(t, {})
        per_tag[t] = {"roc_auc": _r((metrics.get("per_tag_roc_auc") or {}).get(t)),
                      "pr_auc": _r((metrics.get("per_tag_pr_auc") or {}).get(t)),
                      "threshold": (info.get("thresholds") or {}).get(t),
                      "rare": bool((details.get(t) or {}).get("rare", False)),
                      "precision": q.get("precision"), "recall": q.get("recall"), "f1": q.get("f1"),
                      "test_positives": q.get("positives")}
    reliability = {}
    if test_labels is not None and test_probabilities is not None:
        p, y = np.asarray(test_probabilities)[:, cols], np.asarray(test_labels)[:, cols]
        order = [k for k in np.argsort(-test_pos, kind="stable") if test_pos[k] >= RELIABILITY_MIN_POSITIVES]
        for k in order[:RELIABILITY_TAGS]:
            reliability[tags[k]] = th.reliability(p[:, k], y[:, k], RELIABILITY_BINS)
    version = os.path.basename(os.path.normpath(model_dir)) if model_dir else ""
    return {
        "model": {"name": os.path.basename(os.path.dirname(os.path.normpath(model_dir))) if model_dir else "",
                  "version": version, "dir": model_dir, "preset": info.get("preset"), "tags": tags,
                  "unseen_tags": info.get("unseen_tags") or [], "joint_head": bool(info.get("joint")),
                  "card_written_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
        "data": {"examples": summary.get("examples") or data_info.get("examples"),
                 "rejects_by_reason": by_reason or data_info.get("rejects_by_reason") or {},
                 "num_rejects": len(rejects) if rejects else data_info.get("num_rejects"),
                 "tag_positives": frequencies},
        "training": info.get("training") or {},
        "thresholds": None if not info.get("thresholds") else {
            "rule": info.get("threshold_rule"), "split": info.get("threshold_split"),
            "examples": info.get("threshold_examples"), "global": info.get("threshold_global"),
            "shrinkage": info.get("threshold_shrinkage"),
            "fallback": info.get("threshold_fallback") or [], "values": info["thresholds"]},
        "quality": {"split": "test", "macro_roc_auc": _r(metrics.get("macro_roc_auc")),
                    "macro_pr_auc": _r(metrics.get("macro_pr_auc")),
                    "examples": (quality or {}).get("examples"),
                    "macro_f1": (quality or {}).get("macro_f1"), "micro": (quality or {}).get("micro"),
                    "validation_global": (quality or {}).get("validation_global"),
                    "best_global": (quality or {}).get("best_global"),
                    "per_tag": per_tag, "reliability": reliability},
        "gate": gate or {"blessed": summary.get("blessed")},
        "intended_use": INTENDED_USE,
        "limits": list(LIMITS),
    }


def _r(value: Any, digits: int = 6) -> float | None:
    return None if value is None else round(float(value), digits)


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _cell(value: Any, key: str | None = None, digits: int = 4) -> str:
    attr = f' data-key="{html.escape(key)}"' if key else ""
    return f"<td{attr}>{html.escape(_fmt(value, digits))}</td>"


def reliability_svg(tag: str, bins: Sequence[dict[str, float]], size: int = 180) -> str:
    """An inline SVG reliability diagram: observed positive rate against mean predicted probability
    per bin (dot area ~ clips), the diagonal = perfectly calibrated."""
    pad = 28
    w = size - pad - 6

    def x(v: float) -> float:
        return pad + v * w

    def y(v: float) -> float:
        return 6 + (1 - v) * w

    total = max(1, sum(b["count"] for b in bins))
    parts = [f'<svg width="{size}" height="{size}" role="img" '
             f'aria-label="reliability diagram of {html.escape(tag)}" class="reliability">',
             f'<rect x="{pad}" y="6" width="{w}" height="{w}" fill="#fafafa" stroke="#bbb"/>',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#999" stroke-dasharray="4 3"/>']
    points = []
    for b in bins:
        r = 2.5 + 6 * (b["count"] / total) ** 0.5
        points.append(f"{x(b['mean_predicted']):.1f},{y(b['observed']):.1f}")
        parts.append(f'<circle cx="{x(b["mean_predicted"]):.1f}" cy="{y(b["observed"]):.1f}" r="{r:.1f}" '
                     f'fill="#3b4cca" fill-opacity="0.7"><title>{b["count"]} clips: predicted '
                     f'{b["mean_predicted"]:.2f}, observed {b["observed"]:.2f}</title></circle>')
    if len(points) > 1:
        parts.insert(3, f'<polyline points="{" ".join(points)}" fill="none" stroke="#3b4cca" stroke-width="1.5"/>')
    parts += [f'<text x="{pad}" y="{size - 4}" font-size="10">0</text>',
              f'<text x="{size - 12}" y="{size - 4}" font-size="10">1</text>',
              f'<text x="{pad + w / 2 - 24}" y="{size - 4}" font-size="10">predicted</text>',
              '<text x="2" y="14" font-size="10">1</text>',
              f'<text x="2" y="{y(0)}" font-size="10">0</text>',
              "</svg>"]
    return "".join(parts)


CSS = """body{font-family:system-ui,sans-serif;max-width:980px;margin:1rem auto;padding:0 1rem;color:#1d1d1f;
line-height:1.4}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;
text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f0}td:first-child,th:first-child{text-align:left}
.muted{color:#5f6368;font-size:.9rem}.figs{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}
figcaption{text-align:center;font-size:.9rem}.rare{color:#b45309}"""


def render_html(card: dict[str, Any]) -> str:
    """The card as one self-contained HTML page (every number it shows is in ``card``; cells carry
    ``data-key`` paths into the JSON, e.g. ``quality.macro_roc_auc`` or ``quality.per_tag.piano.f1``)."""
    e = html.escape
    m, d, tr, q, g = card["model"], card["data"], card["training"], card["quality"], card["gate"]
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
           f"<title>Model card: {e(str(m['name']))} version {e(str(m['version']))}</title>",
           f"<style>{CSS}</style></head><body>",
           f"<h1>Model card: {e(str(m['name']) or 'tagger')} version {e(str(m['version']) or '?')}</h1>",
           f"<p class='muted'>preset {e(str(m['preset']))}, {len(m['tags'])} tags"
           f"{', joint audio-text head' if m['joint_head'] else ''}; written {e(m['card_written_at'])}</p>",
           "<h2>Intended use</h2>", f"<p>{e(card['intended_use'])}</p>",
           "<h2>Limits</h2><ul>", *[f"<li>{e(x)}</li>" for x in card["limits"]], "</ul>"]
    # data
    out.append("<h2>Data</h2><table><tr><th>split</th><th>examples</th></tr>")
    for split, n in (d.get("examples") or {}).items():
        out.append(f"<tr><td>{e(split)}</td>{_cell(n, f'data.examples.{split}')}</tr>")
    out.append("</table>")
    reasons = d.get("rejects_by_reason") or {}
    out.append(f"<p>Rejected clips: <span data-key='data.num_rejects'>{e(_fmt(d.get('num_rejects')))}</span>"
               + (" (" + ", ".join(f"{e(k)} {v}" for k, v in reasons.items()) + ")" if reasons else "") + "</p>")
    # training
    out.append("<h2>Training</h2><table>")
    for key in ("preset", "epochs", "epochs_run", "fit_seconds", "batch_size", "learning_rate", "precision", "cpu",
                "cpu_count", "gpus"):
        if key in tr:
            digits = 1 if key == "fit_seconds" else 6
            out.append(f"<tr><td>{e(key.replace('_', ' '))}</td>{_cell(tr[key], f'training.{key}', digits)}</tr>")
    out.append("</table>")
    # thresholds and quality
    t = card.get("thresholds")
    out.append("<h2>Quality on the test split</h2>")
    out.append("<table><tr><th>metric</th><th>value</th></tr>"
               f"<tr><td>test clips</td>{_cell(q.get('examples'), 'quality.examples')}</tr>"
               f"<tr><td>macro ROC-AUC</td>{_cell(q.get('macro_roc_auc'), 'quality.macro_roc_auc')}</tr>"
               f"<tr><td>macro PR-AUC (average precision)</td>{_cell(q.get('macro_pr_auc'), 'quality.macro_pr_auc')}</tr>")
    if q.get("micro"):
        out.append(f"<tr><td>macro F1 at the tag thresholds</td>{_cell(q.get('macro_f1'), 'quality.macro_f1')}</tr>"
                   f"<tr><td>micro F1 at the tag thresholds</td>{_cell(q['micro']['f1'], 'quality.micro.f1')}</tr>"
                   f"<tr><td>micro precision / recall</td><td>{_fmt(q['micro']['precision'])} / "
                   f"{_fmt(q['micro']['recall'])}</td></tr>"
                   f"<tr><td>micro F1, one global threshold (validation's "
                   f"{_fmt(q['validation_global']['threshold'], 3)})</td>"
                   f"{_cell(q['validation_global']['f1'], 'quality.validation_global.f1')}</tr>"
                   f"<tr><td>micro F1, best global threshold on test ({_fmt(q['best_global']['threshold'], 3)}; "
                   f"an upper bound)</td>{_cell(q['best_global']['f1'], 'quality.best_global.f1')}</tr>")
    out.append("</table>")
    if t:
        out.append(f"<p><b>Thresholds</b> ({e(str(t.get('examples')))} {e(str(t.get('split')))} clips): "
                   f"{e(str(t.get('rule')))}. Shrinkage K: "
                   f"<span data-key='thresholds.shrinkage'>{e(_fmt(t.get('shrinkage')))}</span> (–: infinite, every "
                   f"tag on the global threshold). Rare tags, mostly on the global threshold "
                   f"<span data-key='thresholds.global'>{e(_fmt(t.get('global')))}</span>: "
                   f"{e(', '.join(t.get('fallback') or []) or 'none')}.</p>")
    else:
        out.append("<p>This model has no decision thresholds (no validation split).</p>")
    out.append("<table><tr><th>tag</th><th>ROC-AUC</th><th>PR-AUC</th><th>threshold</th><th>precision</th>"
               "<th>recall</th><th>F1</th><th>test positives</th><th>validation positives</th><th>training positives</th></tr>")
    for tag, v in q["per_tag"].items():
        key = f"quality.per_tag.{tag}"
        rare = " <span class='rare' title='too few validation positives: mostly the global threshold'>(rare)</span>" \
            if v.get("rare") else ""
        out.append(f"<tr><td>{e(tag)}{rare}</td>{_cell(v['roc_auc'], key + '.roc_auc')}"
                   f"{_cell(v['pr_auc'], key + '.pr_auc')}{_cell(v['threshold'], key + '.threshold')}"
                   f"{_cell(v['precision'], key + '.precision')}{_cell(v['recall'], key + '.recall')}"
                   f"{_cell(v['f1'], key + '.f1')}{_cell(v['test_positives'], key + '.test_positives')}"
                   f"{_cell((d['tag_positives'].get(tag) or {}).get('eval'), f'data.tag_positives.{tag}.eval')}"
                   f"{_cell((d['tag_positives'].get(tag) or {}).get('train'), f'data.tag_positives.{tag}.train')}</tr>")
    out.append("</table>")
    if q.get("reliability"):
        out.append("<h3>Reliability (test split)</h3><p class='muted'>Observed share of positive clips against "
                   "the mean predicted probability, per probability bin (dot area ~ clips); on the dashed "
                   "diagonal the probabilities are calibrated.</p><div class='figs'>")
        for tag, bins in q["reliability"].items():
            out.append(f"<figure>{reliability_svg(tag, bins)}<figcaption>{e(tag)}</figcaption></figure>")
        out.append("</div>")
    # gate
    out.append("<h2>Gate</h2><table>")
    for key, value in g.items():
        out.append(f"<tr><td>{e(key.replace('_', ' '))}</td>{_cell(value, f'gate.{key}')}</tr>")
    out.append("</table></body></html>")
    return "\n".join(out)


def write_card(model_dir: str, card: dict[str, Any]) -> str:
    """Write ``model_card.json`` and ``model_card.html`` into ``<model_dir>/assets.extra``; returns the HTML path."""
    import tensorflow as tf

    path = model_card_path(model_dir, MODEL_CARD_HTML)
    tf.io.gfile.makedirs(os.path.dirname(path))
    with tf.io.gfile.GFile(model_card_path(model_dir, MODEL_CARD_JSON), "w") as f:
        f.write(json.dumps(card, indent=1))
    with tf.io.gfile.GFile(path, "w") as f:
        f.write(render_html(card))
    return path


def gate_decision(metrics: dict[str, Any], blessed: bool, min_auc: float | None,
                  max_regression: float | None) -> dict[str, Any]:
    """The card's ``gate`` section: the Evaluator's decision and the settings it was made with."""
    baseline = metrics.get("baseline_macro_roc_auc")
    return {"blessed": blessed, "min_auc": min_auc, "max_regression": max_regression,
            "candidate_macro_roc_auc": _r(metrics.get("macro_roc_auc")), "baseline_macro_roc_auc": _r(baseline),
            "decision": ("blessed and pushed: macro ROC-AUC on the test split passed the gate" if blessed
                         else "not blessed") + ("" if baseline is not None
                                                else "; no earlier blessed model to compare with")}


def summary_thresholds(quality: dict[str, Any] | None, info: dict[str, Any]) -> dict[str, Any] | None:
    """The run summary's ``thresholds`` entry (:func:`format_threshold_quality` prints it)."""
    if not quality:
        return None
    out = {k: quality[k] for k in ("examples", "micro", "macro_f1", "validation_global", "best_global")}
    out["per_tag_f1"] = {t: v["f1"] for t, v in quality["per_tag"].items()}
    out["rare"] = info.get("threshold_fallback") or []
    out["shrinkage"] = info.get("threshold_shrinkage")
    return out


def write_step(*, examples_uri: str, rejects_uri: str, model_dir: str, evaluation_uri: str, blessed: bool,
               pushed_dir: str | None, min_auc: float | None = None,
               max_regression: float | None = None) -> dict[str, Any]:
    """The pipeline's ModelCardWriter step (``components/model_card_writer``): score the Trainer's
    exported model (``model_dir``) on the test split at its thresholds and, when it was pushed to
    ``pushed_dir``, write its card there. Every path may be a bucket path (``tf.io.gfile``).
    Returns the step's record: ``thresholds`` (:func:`summary_thresholds`), ``model_card`` (the
    HTML path, None when nothing was pushed) and ``message``. A model without thresholds gets a
    card without F1 numbers."""
    from components.audio_example_gen.executor import COUNTS_FILE, REJECTS_FILE, read_counts, read_rejects
    from mtat.model_info import read_model_info
    from pipelines.results import read_tfma_metrics

    info = read_model_info(model_dir)
    label_tags = list(info.get("label_tags") or info["tags"])
    probs, labels = split_predictions(model_dir, examples_uri, "test")
    quality = threshold_quality(probs, labels, info) if info.get("thresholds") else None
    record: dict[str, Any] = {"thresholds": summary_thresholds(quality, info), "model_card": None}
    if not pushed_dir:
        record["message"] = ("no model card: the model was not pushed"
                             + (" (not blessed)" if not blessed else ""))
        return record
    metrics = read_tfma_metrics(evaluation_uri, label_tags)
    rejects = read_rejects(os.path.join(rejects_uri, REJECTS_FILE))
    summary = {"examples": read_counts(os.path.join(rejects_uri, COUNTS_FILE)), "metrics": metrics,
               "rejects": [{k: r[k] for k in ("clip_id", "path", "reason", "message")} for r in rejects],
               "blessed": blessed}
    train = split_positives(examples_uri, "train", info["tags"], label_tags)
    card = build_card(info=info, summary=summary, quality=quality, test_labels=labels, test_probabilities=probs,
                      model_dir=pushed_dir, gate=gate_decision(metrics, blessed, min_auc, max_regression),
                      train_positives=train)
    record["model_card"] = write_card(pushed_dir, card)
    record["message"] = f"model card written to {record['model_card']}"
    return record


#: The ModelCardWriter step's record, in its output artifact.
STEP_RECORD = "model_card_step.json"


def write_record(artifact_uri: str, record: dict[str, Any]) -> str:
    """Write the step's record (:func:`write_step`) into its output artifact; returns the path."""
    import tensorflow as tf

    path = os.path.join(artifact_uri, STEP_RECORD)
    tf.io.gfile.makedirs(artifact_uri)
    with tf.io.gfile.GFile(path, "w") as f:
        f.write(json.dumps(record, indent=1))
    return path


def read_record(artifact_uri: str) -> dict[str, Any]:
    """The record :func:`write_record` wrote."""
    import tensorflow as tf

    path = os.path.join(artifact_uri, STEP_RECORD)
    if not tf.io.gfile.exists(path):
        raise FileNotFoundError(f"{path} not found: not a ModelCardWriter output")
    with tf.io.gfile.GFile(path) as f:
        return json.loads(f.read())


def after_run(summary: dict[str, Any], *, metadata_path: str, pipeline_root: str) -> None:
    """Add the latest ModelCardWriter record to the run ``summary``: ``thresholds`` (test-split F1
    at the model's thresholds) and, when a card was written, ``model_card`` (its HTML path)."""
    from pipelines.results import latest_artifact_uri

    uri = latest_artifact_uri(metadata_path, "ModelCard", pipeline_root)
    if not uri:
        return
    record = read_record(uri)
    summary["thresholds"] = record["thresholds"]
    if record["model_card"]:
        summary["model_card"] = record["model_card"]
