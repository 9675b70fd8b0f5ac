"""The public search benchmark: its query file and ``benchmarks/search.py`` on a small catalog."""
from __future__ import annotations

import collections
import hashlib
import json

import pytest

from benchmarks import search as bench
from benchmarks.concept_audit import write_perfect_catalog
from mtat.annotations import ANNOTATIONS_FILE
from sample_music import STYLES, style_of


def test_query_file_has_fixed_splits_of_real_styles():
    rows = json.loads(bench.QUERIES.read_text(encoding="utf-8"))
    assert len(rows) >= 150
    queries = [r["query"] for r in rows]
    assert len(set(q.lower() for q in queries)) == len(queries), "duplicate queries"
    halves = collections.Counter(r["split"] for r in rows)
    assert set(halves) == set(bench.QUERY_SPLITS) and min(halves.values()) >= 60, halves
    for r in rows:
        assert r["relevant"] and set(r["relevant"]) <= set(STYLES), r
        assert len(set(r["relevant"])) == len(r["relevant"]), r
        # dev / heldout were split once by this rule and are stored; it must not drift
        parity = int(hashlib.sha256(r["query"].encode()).hexdigest(), 16) % 2
        assert r["split"].startswith(("blind", "dev4")) or r["split"] == ("dev" if parity == 0 else "heldout"), r
    kinds = collections.Counter(r["kind"] for r in rows)
    assert {"activity", "place", "time", "mood", "era", "culture", "instrument", "genre", "negation",
            "misspelling"} <= set(kinds), kinds
    assert len(bench.load_queries(split="dev")) == halves["dev"]
    assert len(bench.load_queries(split="all")) == len(rows)


def test_unseen_query_sets_are_valid_and_apart():
    """The not-yet-measured sets load by their split name from their own file and share no query
    with the measured ones (so a first look is a first look)."""
    seen = {r["query"].lower() for r in bench.load_queries(split="all")}
    for split in bench.UNSEEN_SPLITS:
        rows = bench.load_queries(split=split)
        assert len(rows) >= 60 and all(r["split"] == split for r in rows), split
        assert not seen & {r["query"].lower() for r in rows}, split
    assert not set(bench.UNSEEN_SPLITS) & set(bench.QUERY_SPLITS)


def test_bad_query_files_name_the_query(tmp_path):
    bad = tmp_path / "q.json"
    bad.write_text(json.dumps([{"query": "jazz night", "relevant": ["jazz"], "split": "dev"}]))
    with pytest.raises(ValueError, match=r"query 1 \('jazz night'\).*unknown \['jazz'\]"):
        bench.load_queries(bad)
    bad.write_text(json.dumps([{"query": "x", "relevant": ["rock"], "split": "test"}]))
    with pytest.raises(ValueError, match="split must be"):
        bench.load_queries(bad)


def test_attribute_queries_are_judged_by_clip_labels(tmp_path):
    """Tempo and loudness are drawn per clip: 'slow and quiet' is judged by each clip's labels."""
    rows = json.loads(bench.QUERIES.read_text(encoding="utf-8"))
    judged = {r["query"]: r["relevant_tags"] for r in rows if "relevant_tags" in r}
    assert judged["slow and quiet"] == ["slow", "quiet"] and judged["not loud"] == ["-loud"]
    q = {"query": "slow and quiet", "relevant": ["piano"], "relevant_tags": ["slow", "quiet"]}
    assert bench.judged_relevant(q, "guitar", frozenset({"slow", "quiet", "guitar"}))
    assert not bench.judged_relevant(q, "piano", frozenset({"slow", "piano"}))  # the style alone is not enough
    assert not bench.judged_relevant({"query": "not loud", "relevant": ["harp"], "relevant_tags": ["-loud"]},
                                     "harp", frozenset({"loud"}))
    assert bench.judged_relevant({"query": "harp", "relevant": ["harp"]}, "harp", None)  # by style
    with pytest.raises(ValueError, match="judged by clip labels"):
        bench.judged_relevant(q, "guitar", None)
    assert bench.precision_of_hits([True, False, True]) == pytest.approx(0.2)  # k stays 10
    root = tmp_path / "set"
    root.mkdir()
    (root / ANNOTATIONS_FILE).write_text("clip_id\tslow\tquiet\tmp3_path\n0\t1\t0\t0/a.mp3\n1\t1\t1\t1/b.mp3\n")
    assert bench.labels_by_key(str(root)) == {"0/a.mp3": {"slow"}, "1/b.mp3": {"slow", "quiet"}}
    bad = tmp_path / "q.json"
    bad.write_text(json.dumps([{"query": "x", "relevant": ["rock"], "relevant_tags": ["rock"], "split": "dev"}]))
    with pytest.raises(ValueError, match=r"query 1 \('x'\): relevant_tags must be"):
        bench.load_queries(bad)


def test_precision_at_k():
    assert bench.precision_at_k(["rock"] * 7 + ["pop"] * 3, {"rock"}) == pytest.approx(0.7)
    assert bench.precision_at_k(["rock", "pop"], {"pop"}) == pytest.approx(0.1)  # k stays 10
    assert bench.precision_at_k([], {"pop"}) == 0.0


@pytest.fixture(scope="module")
def oracle_catalog(tmp_path_factory):
    """A generated set's CSV (no audio needed) and a catalog whose probabilities are the generator's
    own tag probabilities: what a perfect tagger would predict."""
    root = tmp_path_factory.mktemp("bench_set")
    path, keys = write_perfect_catalog(root, 90)
    return {"path": path, "root": str(root), "keys": keys}


def test_styles_follow_the_generator(oracle_catalog):
    styles = bench.styles_by_key(oracle_catalog["root"])
    assert [styles[k] for k in oracle_catalog["keys"]] == [style_of(i) for i in range(len(oracle_catalog["keys"]))]


@pytest.mark.slow
def test_benchmark_on_an_oracle_catalog(oracle_catalog, capsys):
    res = bench.run("dev", catalog_path=oracle_catalog["path"], data_root=oracle_catalog["root"])
    assert res["queries"] == len(bench.load_queries(split="dev")) and res["joint"] is False
    assert res["joint_only"] is None and res["default"]["p10"] == pytest.approx(res["tag"]["p10"])
    # with a perfect tagger the tag route must find the right styles for most queries
    assert res["tag"]["p10"] >= 0.6, sorted((q["p10"], q["query"]) for q in res["tag"]["queries"])[:10]
    assert all(0 <= q["p10"] <= 1 for q in res["tag"]["queries"])
    code = bench.main(["--split", "dev", "--catalog", oracle_catalog["path"], "--data-root", oracle_catalog["root"]])
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and out[0].startswith("search benchmark on ") and "cores" in out[0]
    assert out[2].startswith("precision@10: ")
    assert any(ln.startswith("tag route alone: precision@10: ") for ln in out)
    assert any(ln.startswith("joint route alone: n/a") for ln in out)
    assert bench.main(["--catalog", oracle_catalog["path"]]) == 2  # needs --data-root
    assert "--data-root" in capsys.readouterr().err
