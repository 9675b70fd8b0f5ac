"""Macro ROC-AUC of pushed models on a held-out MTAT-format folder (e.g. a generated set of another seed).

    python -m sample_music /tmp/holdout --clips 200 --seed 1            # plain renderings
    python -m sample_music /tmp/holdout_aug --clips 200 --seed 1 --augment
    python -m benchmarks.holdout_auc /tmp/holdout /tmp/holdout_aug \\
        --model A=serving_model/tagger --model B=/tmp/variant/tagger [--json out.json]

Every clip of the folder's ``annotations_final.csv`` is tagged with each model (clip-level
probabilities, as ``mtat-tagger predict`` / TF Serving compute them); the scores are the macro
ROC-AUC and PR-AUC over the model's tags that have a positive and a negative clip, and the top-1
precision (share of clips whose most probable tag is one of its labels). ``--json`` keeps the
probabilities and labels too (for paired bootstraps between models).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys

import numpy as np


def read_labels(root: str) -> tuple[list[str], list[str], np.ndarray]:
    """(tags, mp3 paths, labels [clips, tags]) of an MTAT-format folder's annotations (existing files only)."""
    from mtat.annotations import ANNOTATIONS_FILE, CLIP_ID_COLUMN, PATH_COLUMN

    with open(os.path.join(root, ANNOTATIONS_FILE), encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    header = rows[0]
    tags = [t for t in header if t not in (CLIP_ID_COLUMN, PATH_COLUMN)]
    col = {t: header.index(t) for t in header}
    paths, labels = [], []
    for r in rows[1:]:
        path = os.path.join(root, r[col[PATH_COLUMN]])
        if os.path.isfile(path) and os.path.getsize(path) > 0:
            paths.append(path)
            labels.append([r[col[t]] == "1" for t in tags])
    return tags, paths, np.asarray(labels, dtype=bool)


def scores(tagger, paths: list[str], tags: list[str], labels: np.ndarray, workers: int = 2) -> dict:
    from sklearn.metrics import average_precision_score, roc_auc_score

    from mtat.tagging import map_files

    probs, keep = [], []
    for i, (_, pred, err) in enumerate(map_files(tagger.predict_file, paths, workers=workers)):
        if err is None:
            probs.append(pred.probabilities)
            keep.append(i)
    probs = np.asarray(probs)
    y = labels[keep][:, [tags.index(t) for t in tagger.tags]]
    scored = [j for j in range(y.shape[1]) if 0 < y[:, j].sum() < len(y)]
    top1 = probs.argmax(axis=1)
    return {"clips": len(keep), "tags_scored": len(scored),
            "macro_roc_auc": float(roc_auc_score(y[:, scored], probs[:, scored], average="macro")),
            "macro_pr_auc": float(average_precision_score(y[:, scored], probs[:, scored], average="macro")),
            "top1_precision": float(np.mean(y[np.arange(len(y)), top1])),
            "per_tag_roc_auc": {tagger.tags[j]: float(roc_auc_score(y[:, j], probs[:, j])) for j in scored},
            "tags": list(tagger.tags), "paths": [paths[i] for i in keep],
            "probabilities": probs.round(6).tolist(), "labels": y.astype(int).tolist()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.holdout_auc", description=__doc__.split("\n")[0])
    p.add_argument("data", nargs="+", help="MTAT-format folders (annotations_final.csv + MP3s)")
    p.add_argument("--model", action="append", required=True, metavar="NAME=DIR",
                   help="a model version dir, model dir or serving dir, optionally named (repeatable)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--json", help="also write every score (per-tag ROC-AUC, probabilities and labels) here")
    args = p.parse_args(argv)

    from mtat.tagging import load_tagger

    results: dict[str, dict[str, dict]] = {}
    data = {root: read_labels(root) for root in args.data}
    for spec in args.model:
        name, _, path = spec.rpartition("=")
        tagger = load_tagger(path)
        name = name or tagger.model_dir
        for root, (tags, paths, labels) in data.items():
            r = scores(tagger, paths, tags, labels, args.workers)
            results.setdefault(name, {})[root] = r
            print(f"{name:>12s}  {root}: macro ROC-AUC {r['macro_roc_auc']:.4f}  PR-AUC {r['macro_pr_auc']:.4f}  "
                  f"top-1 precision {r['top1_precision']:.3f}  ({r['clips']} clips, {r['tags_scored']} tags)",
                  flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
