"""``mtat-tagger search --explain`` / ``--json``: the parts of every result (tag route, joint cosine, fused)."""
from __future__ import annotations

import json

import numpy as np

from mtat.joint_space import JOINT_DIM
from mtat.search.catalog import write_catalog
from mtat.tags import MTAT_TOP50
from tagger_cli.main import main

TAGS = list(MTAT_TOP50)


def test_explain_and_json_show_the_parts(tmp_path, capsys):
    rng = np.random.default_rng(0)
    joint = rng.normal(size=(6, JOINT_DIM)).astype(np.float32)
    joint /= np.linalg.norm(joint, axis=1, keepdims=True)
    fused_path = str(tmp_path / "joint.parquet")
    write_catalog(fused_path, [f"s{i}.mp3" for i in range(6)], rng.uniform(0, 1, (6, len(TAGS))), TAGS, joint=joint)
    assert main(["search", "music for jogging", "--catalog", fused_path, "--top", "3", "--explain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].startswith("concepts: running (1.00, word \"jogging\")") and lines[4] == "route: fused"
    assert lines[3].startswith("kinds of music: ") and ", like \"" in lines[3]  # each kind with its closest text
    assert sum("tag route" in ln and "joint cosine" in ln and "fused" in ln for ln in lines) == 3
    # the CLI on a catalog file without a joint column: the joint part is n/a
    path = str(tmp_path / "c.parquet")
    write_catalog(path, [f"s{i}.mp3" for i in range(6)], rng.uniform(0, 1, (6, len(TAGS))), TAGS)
    assert main(["search", "jogging", "--catalog", path, "--top", "2", "--explain"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[3].startswith("kinds of music: ") and out[4] == "route: tag" and out[5] == "confidence: 1.00"
    assert "joint cosine n/a  fused n/a" in out[7]
    assert main(["search", "jogging", "--catalog", path, "--top", "2", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["route"] == "tag" and set(res["results"][0]["parts"]) == {"tag", "joint", "fused", "matched", "rank"}
    assert res["confidence"] == 1.0
    assert main(["search", "jogging", "--catalog", path, "--route", "joint"]) == 2  # the library's error, one line
    assert "no joint audio-text vectors" in capsys.readouterr().err


def test_tags_and_like_options(tmp_path, capsys):
    from mtat.search import search

    rng = np.random.default_rng(1)
    path = str(tmp_path / "c.parquet")
    probs = rng.uniform(0, 1, (8, len(TAGS)))
    write_catalog(path, [f"s{i}.mp3" for i in range(8)], probs, TAGS)
    assert main(["search", "--tags", "piano,slow,-drums", "--catalog", path, "--top", "8", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    from mtat.search import read_catalog

    want = search(read_catalog(path), "piano slow without drums", 8).to_dict()
    assert got["results"] == want["results"] and got["route"] == "tags" and got["query"] == "piano,slow,-drums"
    assert main(["search", "--tags", "piano:1,slow:0.5,-drums", "--catalog", path, "--top", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["query: piano,slow:0.5,-drums", "matched tags: piano (1.00), slow (0.50), not drums (1.00)"]
    assert len(lines) == 4
    assert main(["search", "--like", "s3.mp3", "--catalog", path, "--top", "3", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["query"] == "like:s3.mp3" and len(got["matched_tags"]) == 5 and len(got["results"]) == 3
    assert "s3.mp3" not in [r["path"] for r in got["results"]]
    for argv, fragment in ((["--tags", "piano,banjo"], "error: unknown tag 'banjo'"),
                           (["piano", "--tags", "piano"], "error: give one of QUERY, --tags or --like, not QUERY and --tags"),
                           (["--tags", "piano", "--like", "s1.mp3"], "not --tags and --like"),
                           ([], "error: give a QUERY"),
                           (["--like", "nope.mp3"], "error: nope.mp3 is not a song of catalog"),
                           (["--tags", "piano", "--route", "joint"], "--route joint does not apply")):
        assert main(["search", *argv, "--catalog", path]) == 2, argv
        assert fragment in capsys.readouterr().err, argv

def _catalog(tmp_path) -> str:
    rng = np.random.default_rng(1)
    path = str(tmp_path / "c.parquet")
    write_catalog(path, [f"s{i}.mp3" for i in range(8)], rng.uniform(0, 1, (8, len(TAGS))), TAGS)
    return path


def test_json_has_the_confidence_and_scores_comparable_across_queries(tmp_path, capsys):
    path = _catalog(tmp_path)
    assert main(["search", "piano slow", "--catalog", path, "--json"]) == 0
    tags = json.loads(capsys.readouterr().out)
    assert main(["search", "xqzv blorf", "--catalog", path, "--json"]) == 0
    gibberish = json.loads(capsys.readouterr().out)
    assert gibberish["confidence"] < 0.3 < tags["confidence"]
    assert tags["confidence"] > 0.95
    assert gibberish["results"][0]["score"] < tags["results"][0]["score"]
    for res in (tags, gibberish):
        scores = [r["score"] for r in res["results"]]
        assert scores == sorted(scores, reverse=True) and all(0 <= x <= res["confidence"] for x in scores)
    # --min-score filters on the shown score: the gibberish query's songs all fall below 0.3
    assert main(["search", "xqzv blorf", "--catalog", path, "--json", "--min-score", "0.3"]) == 0
    assert json.loads(capsys.readouterr().out)["results"] == []


def test_explain_says_low_confidence_out_loud(tmp_path, capsys):
    path = _catalog(tmp_path)
    assert main(["search", "xqzv blorf", "--catalog", path, "--top", "2", "--explain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    low = [ln for ln in lines if ln.startswith("low confidence")]
    assert len(low) == 1 and "read as concepts " in low[0], lines
    assert any(ln.startswith("confidence: 0.") for ln in lines)
    assert main(["search", "piano slow", "--catalog", path, "--top", "2", "--explain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "confidence: 1.00" in lines and not any(ln.startswith("low confidence") for ln in lines)


def test_web_api_carries_the_confidence(tmp_path):
    """``/api/search`` passes the library's object on, ``confidence`` included (no model needed)."""
    import pytest

    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from mtat.search import read_catalog
    from tagger_cli.web.app import create_app
    from tagger_cli.web.service import WebService

    app = create_app(WebService(read_catalog(_catalog(tmp_path))), upload_dir=str(tmp_path / "uploads"))
    with TestClient(app) as client:
        tags = client.get("/api/search", params={"q": "piano slow", "top": 3}).json()
        gibberish = client.get("/api/search", params={"q": "xqzv blorf", "top": 3}).json()
    assert gibberish["confidence"] < 0.3 < tags["confidence"]
    assert gibberish["results"][0]["score"] < tags["results"][0]["score"]
