"""search / similar / report commands over catalogs (the library is tested in tests/search)."""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from mtat.search import catalog as catalog_mod
from mtat.search.similar import cosine_to_all
from mtat.tags import MTAT_TOP50
from tagger_cli import similar as similar_mod
from tagger_cli.main import CliError, main

CALM = {"ambient", "quiet", "soft", "calm", "new age", "slow"}
LOUD = {"loud", "metal", "rock", "fast"}


# ------------------------------------------------------------------------------------------
# search over a synthetic catalog

N_SONGS = 30
PIANO_SONGS = {20, 21, 22, 23, 24}


@pytest.fixture(scope="module")
def synthetic_catalog(tmp_path_factory):
    """30 songs: 0-9 calm (ambient/quiet/soft/new age/slow high), 10-19 rock/loud, 20-24 piano, 25-29 plain."""
    rng = np.random.default_rng(0)
    tags = list(MTAT_TOP50)
    probs = rng.uniform(0.0, 0.15, (N_SONGS, len(tags)))
    for i in range(N_SONGS):
        group = ("ambient", "quiet", "soft", "new age", "slow") if i < 10 else \
            ("rock", "loud", "guitar", "metal", "fast", "drums") if i < 20 else ("piano",) if i in PIANO_SONGS else ()
        for t in group:
            probs[i, tags.index(t)] = rng.uniform(0.6, 0.95)
    emb = rng.normal(size=(N_SONGS, 16))
    root = tmp_path_factory.mktemp("music")
    paths = [f"song_{i:02d}.mp3" for i in range(N_SONGS)]
    for p in paths:
        (root / p).write_bytes(b"\0")  # exists (for `similar FILE`), content unused with a stubbed model
    out = str(root / "catalog.parquet")
    catalog_mod.write_catalog(out, paths, probs, tags, emb, model_dir="/nowhere/tagger/1", model_version="1",
                              root=str(root))
    return {"path": out, "root": str(root), "probs": probs, "emb": emb, "tags": tags, "paths": paths}


def _run_json(capsys, argv):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def _index(result_path: str) -> int:
    return int(re.search(r"song_(\d+)\.mp3$", result_path).group(1))


def test_search_free_words_ranks_calm_songs_first(synthetic_catalog, capsys):
    res = _run_json(capsys, ["search", "relaxing beach", "--catalog", synthetic_catalog["path"], "--json"])
    assert {"query", "matched_tags", "results"} <= set(res)
    assert res["query"] == "relaxing beach"
    assert res["matched_tags"] and all({"tag", "similarity"} <= set(m) for m in res["matched_tags"])
    sims = [m["similarity"] for m in res["matched_tags"]]
    assert sims == sorted(sims, reverse=True)
    assert len(res["results"]) == 10
    assert {_index(r["path"]) for r in res["results"]} == set(range(10))  # exactly the calm songs
    for r in res["results"]:
        assert {"path", "score", "tags"} <= set(r)
        assert os.path.isabs(r["path"])
        assert len(r["tags"]) == 5 and list(r["tags"].values()) == sorted(r["tags"].values(), reverse=True)
    scores = [r["score"] for r in res["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_tag_query_returns_exactly_the_tagged_songs(synthetic_catalog, capsys):
    cat = synthetic_catalog
    res = _run_json(capsys, ["search", "piano", "--catalog", cat["path"], "--top", "5", "--json"])
    assert res["matched_tags"] == [{"tag": "piano", "similarity": 1.0}]
    assert {_index(r["path"]) for r in res["results"]} == PIANO_SONGS
    col = cat["tags"].index("piano")
    for r in res["results"]:
        assert r["score"] == pytest.approx(cat["probs"][_index(r["path"]), col], abs=1e-4)
    more = _run_json(capsys, ["search", "piano", "--catalog", cat["path"], "--top", "12", "--json"])
    assert [_index(r["path"]) for r in more["results"][:5]] == [_index(r["path"]) for r in res["results"]]
    assert min(r["score"] for r in more["results"][:5]) > max(r["score"] for r in more["results"][5:])


def test_search_text_output(synthetic_catalog, capsys):
    assert main(["search", "loud rock", "--catalog", synthetic_catalog["path"], "--top", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("matched tags: loud (1.00), rock (1.00)")
    assert len(out) == 5 and all(10 <= _index(line.split()[2]) < 20 for line in out[2:])


def _cli(*args: str) -> subprocess.CompletedProcess:
    code = "import sys; from tagger_cli.main import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=300)


def _assert_one_line_error(proc: subprocess.CompletedProcess, fragment: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and fragment in lines[0], proc.stderr


def test_search_errors(tmp_path):
    _assert_one_line_error(_cli("search", "piano", "--catalog", str(tmp_path / "missing.parquet")), "not found")
    empty = str(tmp_path / "empty.parquet")
    catalog_mod.write_catalog(empty, [], np.zeros((0, 50)), MTAT_TOP50, np.zeros((0, 8)))
    _assert_one_line_error(_cli("search", "piano", "--catalog", empty), "empty")
    junk = tmp_path / "junk.parquet"
    junk.write_text("not parquet")
    _assert_one_line_error(_cli("search", "piano", "--catalog", str(junk)), "cannot read catalog")
    _assert_one_line_error(_cli("search", "  ", "--catalog", empty), "empty query")


# ------------------------------------------------------------------------------------------
# similar (ranking logic with a stubbed audio model; end-to-end below when a model is available)


def test_similar_ranks_by_embedding_cosine_and_skips_the_file(synthetic_catalog, capsys, monkeypatch):
    cat = synthetic_catalog
    query_row = 3
    monkeypatch.setattr(similar_mod, "embed_file", lambda path, model, catalog: cat["emb"][query_row])
    file = os.path.join(cat["root"], cat["paths"][query_row])
    res = _run_json(capsys, ["similar", file, "--catalog", cat["path"], "--top", "5", "--json"])
    assert set(res) == {"file", "results", "short_excluded"} and res["short_excluded"] == 0
    centred = cat["emb"] - cat["emb"].mean(axis=0)  # similar compares catalog-centred embeddings
    e = centred / np.linalg.norm(centred, axis=1, keepdims=True)
    sims = e @ e[query_row]
    expected = [i for i in np.argsort(-sims) if i != query_row][:5]
    assert [_index(r["path"]) for r in res["results"]] == expected
    np.testing.assert_allclose([r["similarity"] for r in res["results"]], sims[expected], atol=1e-4)
    assert all(set(r) == {"path", "similarity", "tags", "short"} and r["short"] is False for r in res["results"])


def test_similar_errors(synthetic_catalog, tmp_path, monkeypatch):
    cat = synthetic_catalog
    no_emb = str(tmp_path / "noemb.parquet")
    catalog_mod.write_catalog(no_emb, cat["paths"], cat["probs"], cat["tags"], None)
    file = os.path.join(cat["root"], cat["paths"][0])
    _assert_one_line_error(_cli("similar", file, "--catalog", no_emb), "no audio embeddings")
    _assert_one_line_error(_cli("similar", str(tmp_path / "nope.mp3"), "--catalog", cat["path"]), "file not found")
    _assert_one_line_error(_cli("similar", file, "--catalog", cat["path"]), "not there any more")

    from mtat import tagging
    from mtat.audio import AudioError

    class FakeTagger:
        version = "1"

        def predict_file(self, path):
            raise AudioError("undecodable", f"not decodable as audio: {path}")

    monkeypatch.setattr(tagging, "load_tagger", lambda model: FakeTagger())
    with pytest.raises(CliError, match="cannot read"):
        similar_mod.embed_file(file, "/some/model", catalog_mod.read_catalog(cat["path"]))


def test_similar_and_search_end_to_end(pushed_model, catalog_audio_dir, tmp_path, capsys):
    """A real catalog (``index`` with the shared fixture model), then ``similar`` and ``search`` on it."""
    out = str(tmp_path / "catalog.parquet")
    assert main(["index", catalog_audio_dir, "--out", out, "--model", pushed_model, "--no-progress",
                 "--workers", "1"]) == 0
    capsys.readouterr()
    cat = catalog_mod.read_catalog(out, require_embeddings=True)
    n = len(cat)
    assert n >= 3 and cat.embeddings.shape[0] == n
    file = cat.paths[0]
    res = _run_json(capsys, ["similar", file, "--catalog", out, "--top", "50", "--json"])
    assert len(res["results"]) == n - 1 and file not in [r["path"] for r in res["results"]]
    sims = [r["similarity"] for r in res["results"]]
    assert sims == sorted(sims, reverse=True) and all(-1.0001 <= s <= 1.0001 for s in sims)
    # the file's own embedding equals the indexed one: its cosine with its own row is 1
    own = cosine_to_all(similar_mod.embed_file(file, None, cat), cat.embeddings)
    assert own[0] == pytest.approx(1.0, abs=1e-4)
    found = _run_json(capsys, ["search", "relaxing beach", "--catalog", out, "--top", "50", "--json"])
    assert len(found["results"]) == n and found["matched_tags"]
    tag = cat.tags[0]
    by_tag = _run_json(capsys, ["search", tag, "--catalog", out, "--top", "3", "--json"])
    col = cat.probabilities[:, 0]
    assert [r["score"] for r in by_tag["results"]] == pytest.approx(sorted(col, reverse=True)[:3], abs=1e-4)


# ------------------------------------------------------------------------------------------
# report


@pytest.fixture(scope="module")
def small_root(sample_root):
    """The shared generated sample set (48 clips, with broken audio files the report must skip)."""
    return sample_root


def test_report_writes_pngs_and_page(small_root, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["report", small_root, "--out", str(out), "--top-k", "50"]) == 0
    assert "wrote" in capsys.readouterr().out
    pngs = sorted(p.name for p in out.glob("*.png"))
    for name in ("tags_per_clip.png", "tag_frequency_all.png", "tag_frequency_top.png", "top_tags_by_category.png",
                 "spectrogram_female-vocal_vs_male-vocal.png", "spectrogram_flute_vs_guitar.png"):
        assert name in pngs
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (out / "index.html").read_text()
    for name in pngs:
        assert f"src='{name}'" in page
    assert "Skipped" not in page


def test_report_skips_a_contrast_the_data_lacks(small_root, tmp_path):
    from tagger_cli.report import make_report

    root = tmp_path / "noflute"
    shutil.copytree(small_root, root)
    csv_path = root / "annotations_final.csv"
    with open(csv_path, newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    drop = [i for i, h in enumerate(rows[0]) if h in ("flute", "flutes")]
    for row in rows[1:]:
        for i in drop:
            row[i] = "0"
    with open(csv_path, "w", newline="") as f:
        csv.writer(f, delimiter="\t", quoting=csv.QUOTE_ALL).writerows(rows)
    result = make_report(str(root), str(tmp_path / "rep"), top_k=10)
    skipped = [f for f in result["figures"] if f.get("skipped")]
    assert [f["title"] for f in skipped] == ["flute vs guitar"]
    page = (tmp_path / "rep" / "index.html").read_text()
    assert "Skipped: no clip is tagged flute" in page
    assert not (tmp_path / "rep" / "spectrogram_flute_vs_guitar.png").exists()


def test_report_without_annotations_is_a_clear_error(tmp_path):
    _assert_one_line_error(_cli("report", str(tmp_path), "--out", str(tmp_path / "r")), "annotations_final.csv")
