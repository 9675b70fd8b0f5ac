"""One free-word search at a time, in one process: latency on a 10,000-song catalog, text encoder included.

    python -m benchmarks.search_latency                    # every distinct benchmark query, 10,000 songs
    python -m benchmarks.search_latency --songs 2000 --queries 100

The catalog is synthetic (tag probabilities from a Beta over the MTAT top-50 tags, random unit joint
vectors: the cost of scoring does not depend on the values). The vocabulary (alias and kind texts)
is embedded and the spelling index built before timing starts (what ``make install`` and ``index``
leave in the disk cache; the index on a process's first misspelt word), so every timed query is warm
but new: its own words are embedded, as a person's first search for them.
Two matchers are timed side by side, query by query in alternation: the shipped one and the same
without kinds of music (``kind_vocabulary=()``), so the ratio is measured under the same load. It
prints the machine first, the resident memory the text side adds (encoder, vocabulary vectors,
spelling index), and as its last line ``search_latency: songs=N queries=Q p50_ms=A p99_ms=B no_kinds_p99_ms=C text_rss_mb=M``.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time

import numpy as np

from benchmarks.harness.env import setup_env
from benchmarks.harness.machine import machine_info

SONGS = 10_000
#: The goal: one warm free-word query, p99 on 2 cores.
TARGET_P99_MS = 50.0
#: Run once per matcher before timing: loads the encoder and builds the spelling index (a typo).
WARM_UP = "warm up the encodr"


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


#: Run in a fresh process by :func:`text_side_mb`: the resident memory the text side adds there.
_TEXT_SIDE = """
from benchmarks.search_latency import WARM_UP, _rss_mb
from mtat.search.matcher import TagMatcher
from mtat.tags import MTAT_TOP50
from mtat.text_embedding import TextEncoder
base = _rss_mb()
encode = TextEncoder.load().encode
for m in (TagMatcher(MTAT_TOP50, encode), TagMatcher(MTAT_TOP50, encode, kind_vocabulary=())):
    m.alias_hubness()
    m.kind_vectors()
    m.match(WARM_UP)
print(_rss_mb() - base)
"""


def text_side_mb() -> float:
    """Resident MB that the text side (encoder; vocabulary and kind vectors and spelling index of both
    matchers) adds to a fresh process after its imports: measured in a child, since a process that
    already holds them (a test session) would measure only what its allocator happens to return."""
    import subprocess

    from benchmarks.harness.env import child_env

    out = subprocess.run([sys.executable, "-c", _TEXT_SIDE], env=child_env(), capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _catalog(root: str, songs: int, seed: int = 0):
    from mtat.joint_space import JOINT_DIM
    from mtat.search.catalog import read_catalog, write_catalog
    from mtat.tags import MTAT_TOP50

    rng = np.random.default_rng(seed)
    probs = rng.beta(0.4, 3.0, size=(songs, len(MTAT_TOP50))).astype(np.float32)
    joint = rng.normal(size=(songs, JOINT_DIM)).astype(np.float32)
    joint /= np.linalg.norm(joint, axis=1, keepdims=True)
    path = f"{root}/catalog.parquet"
    write_catalog(path, [f"{i % 16:x}/synthetic-{i:05d}.mp3" for i in range(songs)], probs, list(MTAT_TOP50), joint=joint)
    return read_catalog(path)


def _percentiles(ms: list[float]) -> dict:
    a = np.asarray(ms)
    return {"n": len(ms), "mean_ms": float(a.mean()), "p50_ms": float(np.percentile(a, 50)),
            "p99_ms": float(np.percentile(a, 99)), "max_ms": float(a.max())}


def run(songs: int = SONGS, n_queries: int | None = None) -> dict:
    from benchmarks.search import load_queries
    from mtat.search import search
    from mtat.search.matcher import TagMatcher
    from mtat.text_embedding import TextEncoder

    machine = machine_info()
    print(machine["machine_line"], flush=True)
    queries = list(dict.fromkeys(q["query"] for q in load_queries()))
    queries = queries[:n_queries] if n_queries else queries
    with tempfile.TemporaryDirectory() as tmp:
        catalog = _catalog(tmp, songs)
        text_rss = text_side_mb()
        encode = TextEncoder.load().encode
        matchers = {"kinds": TagMatcher(catalog.tags, encode), "no_kinds": TagMatcher(catalog.tags, encode, kind_vocabulary=())}
        for m in matchers.values():
            m.alias_hubness()
            m.kind_vectors()
            search(catalog, WARM_UP, matcher=m)
        times: dict[str, list[float]] = {name: [] for name in matchers}
        for q in queries:
            for name, m in matchers.items():  # alternated: the same load for both
                t0 = time.perf_counter()
                search(catalog, q, matcher=m)
                times[name].append(1000 * (time.perf_counter() - t0))
    res = {"machine": machine, "songs": songs, "queries": len(queries), "text_rss_mb": text_rss,
           **{name: _percentiles(ms) for name, ms in times.items()}}
    k, n = res["kinds"], res["no_kinds"]
    print(f"{len(queries)} distinct free-word and tag queries, one at a time, {songs:,} songs (joint vectors: fused route)")
    for name, r in (("with kinds of music", k), ("without kinds", n)):
        print(f"  {name:<20} mean {r['mean_ms']:.1f} ms, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
              f"max {r['max_ms']:.1f} ms")
    print(f"  p99 ratio with / without kinds: {k['p99_ms'] / n['p99_ms']:.2f}x; goal p99 <= {TARGET_P99_MS:g} ms: "
          f"{'met' if k['p99_ms'] <= TARGET_P99_MS else 'NOT met'}")
    print(f"  text side (encoder, vocabulary, kind vectors and spelling index of both matchers): {text_rss:.0f} MB resident")
    print(f"search_latency: songs={songs} queries={len(queries)} p50_ms={k['p50_ms']:.1f} p99_ms={k['p99_ms']:.1f} "
          f"no_kinds_p99_ms={n['p99_ms']:.1f} text_rss_mb={text_rss:.0f}")
    return res


def main(argv=None) -> int:
    setup_env()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--songs", type=int, default=SONGS, help=f"catalog songs [{SONGS}]")
    p.add_argument("--queries", type=int, default=0, help="at most this many queries [all distinct ones]")
    a = p.parse_args(argv)
    if a.songs < 1 or a.queries < 0:
        p.error("--songs must be at least 1 and --queries at least 0")
    run(a.songs, a.queries or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
