"""Search confidence vs. precision on a perfect-tagger catalog (no model, about a minute).

    python -m benchmarks.confidence_audit                  # the dev splits (the ones constants are tuned on)
    python -m benchmarks.confidence_audit --split blind6   # any split of benchmarks/search_queries.json
    python -m benchmarks.confidence_audit --worst 15       # also the dev queries that score worst

The catalog is the search benchmark's seed-1 set of 200 clips with the tag probabilities the
generator rendered each clip with (:func:`benchmarks.concept_audit.perfect_probabilities`), so a
query's precision@10 measures only how the query was read. Per split it prints the mean
precision@10, the mean ``confidence`` of :func:`mtat.search.search`, their Pearson and Spearman
correlations over the queries (and the Pearson correlation of the top song's shown score), the mean
precision@10 of the queries below and above the low-confidence line
(:data:`mtat.search.confidence.LOW_CONFIDENCE`) and by confidence bin.
"""
from __future__ import annotations

import argparse
import sys
import tempfile

import numpy as np

from benchmarks import search as bench

#: The splits the search's constants may be tuned on (heldout and blind6 are only measured; blind7 to blind52
#: joined after their first look).
DEV_SPLITS = ("dev", "blind", "blind2", "blind3", "dev4", "blind5", "blind7", "blind8", "blind9", "blind10", "blind11",
              "blind12", "blind13", "blind14", "blind15", "blind16", "blind17", "blind18", "blind19", "blind20",
              "blind21", "blind22", "blind23", "blind24", "blind25", "blind26", "blind27", "blind28",
              "blind29", "blind30", "blind31", "blind32", "blind33", "blind34",
              "blind35", "blind36", "blind37", "blind38", "blind39", "blind40", "blind41", "blind42",
              "blind43", "blind44", "blind45", "blind46", "blind47", "blind48",
              "blind49", "blind50", "blind51", "blind52")


def perfect_catalog(root: str, n: int = bench.CATALOG_CLIPS, seed: int = bench.CATALOG_SEED):
    """(catalog, styles by key, labels by key) of the perfect-tagger catalog of the first ``n`` clips."""
    from benchmarks.concept_audit import perfect_probabilities
    from mtat.search.catalog import read_catalog, write_catalog
    from mtat.tags import MTAT_TOP50
    from sample_music import compose, draw_labels, style_of

    tags = list(MTAT_TOP50)
    keys = [f"{i % 16:x}/clip_{i:03d}.mp3" for i in range(n)]
    path = f"{root}/catalog.parquet"
    write_catalog(path, keys, perfect_probabilities(tags, seed, range(n)), tags)
    styles = {k: style_of(i) for i, k in enumerate(keys)}
    labels = {k: frozenset(draw_labels(seed, i, compose(seed, i).tag_probs)) for i, k in enumerate(keys)}
    return read_catalog(path), styles, labels


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    r = np.empty(len(x))
    r[order] = np.arange(len(x))
    for v in np.unique(x):  # ties share their mean rank
        r[x == v] = r[x == v].mean()
    return r


def correlations(conf: np.ndarray, p10: np.ndarray) -> tuple[float, float]:
    """(Pearson, Spearman) of two per-query series (nan when one is constant)."""
    if len(conf) < 2 or conf.std() == 0 or p10.std() == 0:
        return float("nan"), float("nan")
    return float(np.corrcoef(conf, p10)[0, 1]), float(np.corrcoef(_ranks(conf), _ranks(p10))[0, 1])


def main(argv=None) -> int:
    from benchmarks.harness.env import setup_env

    setup_env()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--split", action="append", help="splits to measure (repeatable) [the dev splits]")
    p.add_argument("--worst", type=int, default=0, help="also print this many worst-read queries")
    a = p.parse_args(argv)
    from mtat.search import search

    try:
        from mtat.search.confidence import LOW_CONFIDENCE
    except ImportError:  # before confidence existed: precision only
        LOW_CONFIDENCE = None
    with tempfile.TemporaryDirectory() as tmp:
        catalog, styles, labels = perfect_catalog(tmp)
    key_of = dict(zip(catalog.paths, catalog.keys))
    rows_all = []
    for split in a.split or DEV_SPLITS:
        rows = []
        for q in bench.load_queries(split=split):  # a measured split, or an unseen one from its own file
            res = search(catalog, q["query"], top=bench.K).to_dict()
            hits = [bench.judged_relevant(q, styles[key_of[r["path"]]], labels[key_of[r["path"]]])
                    for r in res["results"]]
            rows.append((q["query"], bench.precision_of_hits(hits), res.get("confidence", float("nan")),
                         res["results"][0]["score"] if res["results"] else 0.0))
        rows_all += rows
        _report(split, rows, LOW_CONFIDENCE)
    if len(a.split or DEV_SPLITS) > 1:
        _report("all", rows_all, LOW_CONFIDENCE)
    for q, p10, c, s in sorted(rows_all, key=lambda r: (r[2], r[0]))[:a.worst]:
        print(f"    confidence {c:.2f}  p@10 {p10:.1f}  top score {s:.3f}  {q!r}")
    return 0


def _report(split: str, rows: list, low: float | None) -> None:
    p10 = np.array([r[1] for r in rows])
    conf = np.array([r[2] for r in rows])
    top = np.array([r[3] for r in rows])
    line = f"{split:7} {len(rows):4} queries  precision@10 {p10.mean():.3f}"
    if not np.isnan(conf).any():
        pear, spear = correlations(conf, p10)
        line += (f"  confidence {conf.mean():.2f}  pearson {pear:+.2f}  spearman {spear:+.2f}"
                 f"  (top shown score: pearson {correlations(top, p10)[0]:+.2f})")
        if low is not None:
            lo, hi = p10[conf < low], p10[conf >= low]
            line += (f"  p@10 below {low}: {lo.mean() if len(lo) else float('nan'):.3f} ({len(lo)})"
                     f", above: {hi.mean() if len(hi) else float('nan'):.3f} ({len(hi)})")
    print(line, flush=True)
    if not np.isnan(conf).any():
        bins = [(0.0, 0.5), (0.5, 0.8), (0.8, 1.0), (1.0, 1.01)]
        print("        p@10 by confidence: " + "  ".join(
            f"[{lo:.1f},{min(hi, 1.0):.1f}{')' if hi <= 1.0 else ']'} {p10[(conf >= lo) & (conf < hi)].mean():.3f} "
            f"({((conf >= lo) & (conf < hi)).sum()})" for lo, hi in bins if ((conf >= lo) & (conf < hi)).any()))


if __name__ == "__main__":
    sys.exit(main())
