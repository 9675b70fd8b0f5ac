"""The search ranking of a fixed catalog and query set does not change (a refactoring guard).

The catalog is deterministic: the first :data:`N_SONGS` clips of the generated sample set (seed 1)
with their *perfect-tagger* probabilities (the tag probabilities the generator rendered each clip
with) over the MTAT top-50 tags, plus seeded random unit joint vectors (so the ``auto`` route of a
free-word query is the fused one). Every query of ``benchmarks/search_queries.json`` (all splits)
runs through the public search function with ``route="auto"``, and a few tag-name queries,
negations and the ``tag`` route as well. Per query the golden file stores the route, the matched
tags, the concepts, the corrections and the top-10 paths with their ranking scores (``parts.rank``:
the raw score songs are ordered by, not the shown ``score``, which is scaled by the query's confidence).

Scores are compared with tolerance :data:`TOL`; paths position by position, except that songs
whose neighbouring scores are within the tolerance may swap.

Regenerate the golden file (only when a ranking change is intended)::

    PYTHONPATH=. TF_USE_LEGACY_KERAS=1 .venv/bin/python -m tests.search.test_ranking_unchanged
"""
from __future__ import annotations

import json
import math
import os
import pathlib
import sys
import tempfile

import numpy as np
import pytest

GOLDEN = pathlib.Path(__file__).with_name("golden_ranking.json")
QUERIES = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "search_queries.json"
N_SONGS = 120
SEED = 1
TOP = 10
#: Results are rounded to 4 decimals: two machines' roundings of nearly equal values can differ by one step
#: (0.3133 vs 0.3132), so the tolerance is two steps.
TOL = 2e-4
#: Tag-name queries, negations and misspellings beyond the benchmark's free words.
EXTRA_QUERIES = ("piano slow", "no vocals", "without drums", "guitar not loud", "female vocal opera",
                 "techno fast beat", "not rock", "classical without strings", "violen", "harpsicord baroque",
                 "sitar india", "quiet ambient new age", "male voice no piano", "isn't cheesy pop",
                 "a kick that never stops", "party without synthesizers", "no synth pads", "not too sleepy")
#: Queries also run on the tag route alone.
TAG_ROUTE_QUERIES = ("rainy night", "music for jogging", "piano slow", "not sad", "candlelight dinner")


def build_catalog(root: str) -> str:
    """Write the deterministic catalog to ``root``/catalog.parquet and return its path."""
    from mtat.joint_space import JOINT_DIM
    from mtat.search.catalog import write_catalog
    from mtat.tags import MTAT_TOP50
    from sample_music import compose

    tags = list(MTAT_TOP50)
    probs = np.zeros((N_SONGS, len(tags)), dtype=np.float32)
    for i in range(N_SONGS):
        p = compose(SEED, i).tag_probs
        probs[i] = [p.get(t, 0.0) for t in tags]
    rng = np.random.default_rng(SEED)
    joint = rng.normal(size=(N_SONGS, JOINT_DIM)).astype(np.float32)
    joint /= np.linalg.norm(joint, axis=1, keepdims=True)
    keys = [f"{i % 16:x}/clip_{i:03d}.mp3" for i in range(N_SONGS)]
    path = os.path.join(root, "catalog.parquet")
    write_catalog(path, keys, probs, tags, joint=joint)
    return path


#: The benchmark splits the golden file holds (query sets added later are measured by the benchmark, not held here).
GOLDEN_SPLITS = ("dev", "heldout", "blind", "blind2", "blind3", "dev4", "blind5", "blind6")


def queries() -> list[tuple[str, str]]:
    """(query, route) of every checked search."""
    rows = [r for r in json.loads(QUERIES.read_text(encoding="utf-8")) if r["split"] in GOLDEN_SPLITS]
    out = [(r["query"], "auto") for r in rows] + [(q, "auto") for q in EXTRA_QUERIES]
    return out + [(q, "tag") for q in TAG_ROUTE_QUERIES]


def run_all(catalog_path: str) -> list[dict]:
    """The compact result of every query in :func:`queries`."""
    from mtat.search import search
    from mtat.search.catalog import read_catalog

    catalog = read_catalog(catalog_path)
    out = []
    for q, route in queries():
        r = search(catalog, q, TOP, route=route).to_dict()
        out.append({"query": q, "route_asked": route, "route": r["route"],
                    "matched_tags": [[m["tag"], m["similarity"], bool(m.get("negated"))] for m in r["matched_tags"]],
                    "concepts": [[c["concept"], c["similarity"], c["how"], c.get("alias", "")] for c in r["concepts"]],
                    "corrections": r["corrections"],
                    "results": [[os.path.basename(x["path"]), x["parts"]["rank"]] for x in r["results"]]})
    return out


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, abs_tol=TOL)


def compare(want: dict, got: dict) -> list[str]:
    """Differences of one query's result (empty when equal within the tolerance)."""
    q = want["query"]
    errs = []
    for key in ("route", "corrections"):
        if want[key] != got[key]:
            errs.append(f"{q!r}: {key} {got[key]!r} != {want[key]!r}")
    for key in ("matched_tags", "concepts"):
        w, g = want[key], got[key]
        if len(w) != len(g) or any(a[0] != b[0] or not _close(a[1], b[1]) or a[2:] != b[2:] for a, b in zip(w, g)):
            errs.append(f"{q!r}: {key} {g!r} != {w!r}")
    w, g = want["results"], got["results"]
    if len(w) != len(g):
        return errs + [f"{q!r}: {len(g)} results != {len(w)}"]
    for k, ((wp, ws), (gp, gs)) in enumerate(zip(w, g)):
        if not _close(ws, gs):
            errs.append(f"{q!r}: score at rank {k + 1} {gs} != {ws}")
        elif wp != gp:
            # a tie may swap: the golden path must sit at a position whose score is within TOL
            tied = {p for p, s in w if _close(s, ws)}
            if gp not in tied:
                errs.append(f"{q!r}: path at rank {k + 1} {gp} != {wp}")
    return errs


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return run_all(build_catalog(str(tmp_path_factory.mktemp("golden"))))


def test_ranking_unchanged(results):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert [(g["query"], g["route_asked"]) for g in golden] == [(r["query"], r["route_asked"]) for r in results]
    errs = [e for want, got in zip(golden, results) for e in compare(want, got)]
    assert not errs, f"{len(errs)} differences, first ones:\n" + "\n".join(errs[:20])


def test_compare_catches_changes():
    want = {"query": "q", "route": "fused", "corrections": {}, "matched_tags": [["piano", 1.0, False]], "concepts": [],
            "results": [["a.mp3", 0.9], ["b.mp3", 0.8], ["c.mp3", 0.8]]}
    same = json.loads(json.dumps(want))
    same["results"] = [["a.mp3", 0.90004], ["c.mp3", 0.8], ["b.mp3", 0.8]]  # a tie swapped
    assert compare(want, same) == []
    moved = json.loads(json.dumps(want))
    moved["results"] = [["b.mp3", 0.9], ["a.mp3", 0.8], ["c.mp3", 0.8]]
    assert compare(want, moved)
    weighted = json.loads(json.dumps(want))
    weighted["matched_tags"] = [["piano", 0.9, False]]
    assert compare(want, weighted)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        res = run_all(build_catalog(tmp))
    GOLDEN.write_text("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in res) + "\n]\n", encoding="utf-8")
    print(f"wrote {GOLDEN} ({len(res)} queries)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
