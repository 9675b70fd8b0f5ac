"""What every search concept retrieves on its own, with a perfect tagger and with the real model.

    python -m benchmarks.concept_audit                    # every concept, the benchmark catalog
    python -m benchmarks.concept_audit --concept spain --concept sleep

A free-word query maps words to concepts and each concept to a weighted profile of the model's
tags (:mod:`mtat.search.concepts`). Whether a profile is right can be checked without any model:
on a *perfect-tagger* catalog (each song's tag probabilities are the ones the sample generator
rendered it with, :func:`perfect_probabilities`) a concept alone should rank songs of the styles a
listener would accept for its word first. For each concept this prints its profile and the style
counts of its top 10 on the perfect-tagger catalog and on the real model's catalog (the search
benchmark's: ``data/search_bench``, seed 1, 200 songs).
"""
from __future__ import annotations

import argparse
import collections
import csv
import os
import sys
from collections.abc import Mapping, Sequence

import numpy as np

from benchmarks import search as bench
from mtat.search.matcher import TagMatcher, build_profile
from mtat.search.results import ConceptMatch, TagMatch
from mtat.search.scoring import rank_songs, score_songs

K = 10


def perfect_probabilities(tags: Sequence[str], seed: int, indices: Sequence[int]) -> np.ndarray:
    """``[len(indices), len(tags)]``: the tag probabilities the generator composed clip ``i`` of
    the ``seed`` set with (what a tagger that hears exactly what was rendered would say)."""
    from sample_music import compose

    out = np.zeros((len(indices), len(tags)), dtype=np.float32)
    for row, i in enumerate(indices):
        probs = compose(seed, int(i)).tag_probs
        out[row] = [probs.get(t, 0.0) for t in tags]
    return out


def write_perfect_catalog(root: str | os.PathLike, n: int, seed: int = 1) -> tuple[str, list[str]]:
    """A perfect-tagger catalog of the first ``n`` clips of the ``seed`` set, without audio:
    ``root`` gets the set's CSV (clip keys, no labels) and ``catalog.parquet`` with
    :func:`perfect_probabilities` over the top-50 tags. Returns (catalog path, clip keys)."""
    from mtat.annotations import ANNOTATIONS_FILE
    from mtat.search import catalog as catalog_mod
    from mtat.tags import MTAT_TOP50

    tags = list(MTAT_TOP50)
    keys = [f"{i % 16:x}/clip_{i:03d}.mp3" for i in range(n)]
    with open(os.path.join(root, ANNOTATIONS_FILE), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t")
        w.writerow(["clip_id", *tags, "mp3_path"])
        for i, k in enumerate(keys):
            w.writerow([i, *["0"] * len(tags), k])
    path = os.path.join(root, "catalog.parquet")
    catalog_mod.write_catalog(path, keys, perfect_probabilities(tags, seed, range(n)), tags)
    return path, keys


def concept_profile(matcher: TagMatcher, name: str) -> tuple[TagMatch, ...]:
    """The profile of concept ``name`` matched alone by a word (similarity 1)."""
    return build_profile(matcher, [], [ConceptMatch(name, 1.0, "word", "")], set())


def top_styles(probabilities: np.ndarray, tags: Sequence[str], profile: Sequence[TagMatch],
               styles: Sequence[str], k: int = K) -> collections.Counter:
    """Style counts of the ``k`` songs a profile ranks first (free-word scoring: ``scaled``)."""
    order = rank_songs(score_songs(probabilities, tags, profile, scaled=True), k)
    return collections.Counter(styles[i] for i in order)


def _counts(c: Mapping[str, int]) -> str:
    return " ".join(f"{s}:{n}" for s, n in sorted(c.items(), key=lambda sn: (-sn[1], sn[0])))


def _row_indices(data_root: str, keys: Sequence[str]) -> list[int]:
    """Row k of the generated set's CSV was composed as clip k: each catalog key's k."""
    index = bench.row_of_key(data_root)
    missing = [k for k in keys if k not in index]
    if missing:
        raise ValueError(f"{len(missing)} catalog songs are not in {data_root}'s CSV (first: {missing[0]})")
    return [index[k] for k in keys]


def main(argv=None) -> int:
    from benchmarks.harness.env import setup_env

    setup_env()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cache", default=str(bench.CACHE), help=f"the search benchmark's cache [{bench.CACHE}]")
    p.add_argument("--catalog", help="catalog parquet [the newest catalog_200_*.parquet in --cache]")
    p.add_argument("--data-root", help="its generated set [--cache/catalog_set_200]")
    p.add_argument("--concept", action="append", default=[], help="only these concepts (repeatable)")
    a = p.parse_args(argv)
    from mtat.search.catalog import read_catalog

    cache = a.cache
    path = a.catalog or max((os.path.join(cache, f) for f in os.listdir(cache)
                             if f.startswith(f"catalog_{bench.CATALOG_CLIPS}_") and f.endswith(".parquet")),
                            key=os.path.getmtime)
    root = a.data_root or os.path.join(cache, f"catalog_set_{bench.CATALOG_CLIPS}")
    catalog = read_catalog(path)
    by_key = bench.styles_by_key(root)
    styles = [by_key[k] for k in catalog.keys]
    perfect = perfect_probabilities(catalog.tags, bench.CATALOG_SEED, _row_indices(root, catalog.keys))
    matcher = TagMatcher(catalog.tags)
    names = [n for n in matcher._concept_names if not n.startswith("tag:")]
    unknown = sorted(set(a.concept) - set(names))
    if unknown:
        print(f"unknown concepts: {', '.join(unknown)}", file=sys.stderr)
        return 2
    print(f"{len(names)} concepts; catalog {path} ({len(catalog)} songs); "
          f"styles: {_counts(collections.Counter(styles))}")
    for name in a.concept or names:
        prof = concept_profile(matcher, name)
        print(f"\n{name}: " + " ".join(("-" if m.negated else "") + f"{m.tag}:{m.similarity:.2f}" for m in prof))
        print(f"    perfect  {_counts(top_styles(perfect, catalog.tags, prof, styles))}")
        print(f"    model    {_counts(top_styles(catalog.probabilities, catalog.tags, prof, styles))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
