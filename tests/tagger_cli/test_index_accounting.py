"""``mtat-tagger index`` accounts for every file under DIR, follows symlinks, and the server plays them.

One library folder (real generated MP3s, the real exported model ``pushed_model``) mixing: an MP3,
a symlink to an MP3 outside the folder, a symlinked sub-folder outside it, an Ogg Opus file, a
1-second clip, an XM tracker module, an M4A, a text file named ``.mp3``, a JPEG, a ``.txt``, a
0-byte file, a hidden file, a dangling link, a link to a file already in the folder and a folder
link to the folder itself. Each file is a row or a reject with its reason, and the counts add up.
"""
from __future__ import annotations

import glob
import os
import shutil

import numpy as np
import pyarrow.parquet as pq
import pytest
import soundfile as sf
import soxr

from mtat.search.catalog import read_catalog
from mtat.tagging import load_tagger
from tagger_cli.main import main

ROWS = ["album/track.mp3", "clip.wav", "link.mp3", "song.mp3", "voice.opus"]
REJECTS = {"tune.xm": "unsupported_format", "sub/tune.m4a": "unsupported_format", "notes.mp3": "not_audio",
           "cover.jpg": "not_audio", "readme.txt": "not_audio", "empty.wav": "empty", ".DS_Store": "hidden",
           "loop/": "symlink_loop", "dangling.mp3": "missing", "dup.mp3": "duplicate"}
SEEN = len(ROWS) + len(REJECTS)


def build_library(base, mp3s) -> dict:
    """``{"root", "outside"}``: the mixed library under ``base/library``, link targets in ``base/outside``."""
    root, outside = base / "library", base / "outside"
    (outside / "albumdir").mkdir(parents=True)
    (root / "sub").mkdir(parents=True)
    shutil.copy(mp3s[0], outside / "linked.mp3")
    shutil.copy(mp3s[1], outside / "albumdir" / "track.mp3")
    shutil.copy(mp3s[2], root / "song.mp3")
    (root / "link.mp3").symlink_to(outside / "linked.mp3")
    (root / "album").symlink_to(outside / "albumdir", target_is_directory=True)
    y, sr = sf.read(mp3s[3], dtype="float32")
    sf.write(root / "voice.opus", soxr.resample(y, sr, 48000), 48000, format="OGG", subtype="OPUS")
    sf.write(root / "clip.wav", y[:sr], sr)  # 1 s: indexed (repeated to fill its window), no duration minimum
    (root / "tune.xm").write_bytes(b"Extended Module: demo tune\x1a" + bytes(range(256)) * 8)
    (root / "sub" / "tune.m4a").write_bytes(b"\x00\x00\x00\x20ftypM4A " + bytes(500))
    (root / "notes.mp3").write_text("not audio, just text\n" * 50)
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(300))
    (root / "readme.txt").write_text("liner notes\n")
    (root / "empty.wav").write_bytes(b"")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(64))
    (root / "dangling.mp3").symlink_to(root / "gone.mp3")
    (root / "dup.mp3").symlink_to(root / "song.mp3")
    (root / "loop").symlink_to(root, target_is_directory=True)
    return {"root": root, "outside": outside}


@pytest.fixture(scope="module")
def mp3s(catalog_audio_dir):
    return sorted(glob.glob(os.path.join(catalog_audio_dir, "*", "*.mp3")))


@pytest.fixture(scope="module")
def indexed(pushed_model, mp3s, tmp_path_factory, run_captured):
    """The mixed library indexed once: ``{"root", "outside", "out", "code", "stdout", "stderr"}``."""
    lib = build_library(tmp_path_factory.mktemp("mixed"), mp3s)
    out = lib["root"].parent / "catalog.parquet"
    capture = tmp_path_factory.mktemp("capture")
    code, stdout, stderr = run_captured(capture, "index", lib["root"], "--out", out, "--model", pushed_model,
                                        "--workers", 2, "--no-progress")
    return dict(lib, out=out, code=code, stdout=stdout, stderr=stderr)


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


# ------------------------------------------------------------------------------------------
# index


def test_every_file_is_a_row_or_a_reject_and_the_counts_add_up(indexed, pushed_model):
    assert indexed["code"] == 0, indexed["stderr"]
    cat = read_catalog(str(indexed["out"]))
    assert cat.keys == ROWS
    rejects = {r["path"]: r["reason"] for r in cat.meta["rejects"]}
    assert rejects == REJECTS
    assert cat.meta["files"] == len(ROWS) and cat.meta["files_seen"] == SEEN == len(cat) + len(rejects)
    assert (f"indexed {len(ROWS)}, skipped unchanged 0, rejected {len(REJECTS)} (not_audio 3, "
            "unsupported_format 2, duplicate 1, empty 1, hidden 1, missing 1, symlink_loop 1), "
            f"files seen {SEEN}") in indexed["stdout"]
    err = indexed["stderr"]
    assert f"rejected {len(REJECTS)} file(s):" in err and "  not_audio (3):" in err
    listed = [line.split(": ", 1)[0].strip() for line in err.splitlines() if line.startswith("    ")]
    assert sorted(listed) == sorted(REJECTS)
    by_path = {r["path"]: r["error"] for r in cat.meta["rejects"]}
    assert "XM tracker module" in by_path["tune.xm"] and "MPEG-4" in by_path["sub/tune.m4a"]
    assert "text" in by_path["notes.mp3"] and "JPEG" in by_path["cover.jpg"]
    assert "the same file as song.mp3" in by_path["dup.mp3"]
    assert str(indexed["root"]) not in by_path["notes.mp3"]  # the row key names it, not the full path


def test_symlinks_are_followed_and_the_catalog_keeps_the_resolved_path(indexed, pushed_model):
    table = pq.read_table(indexed["out"], columns=["path", "abs_path", "duration"]).to_pydict()
    abs_path = dict(zip(table["path"], table["abs_path"]))
    outside = os.path.realpath(indexed["outside"])
    assert abs_path["link.mp3"] == os.path.join(outside, "linked.mp3")
    assert abs_path["album/track.mp3"] == os.path.join(outside, "albumdir", "track.mp3")
    assert abs_path["song.mp3"] == os.path.join(os.path.realpath(indexed["root"]), "song.mp3")
    duration = dict(zip(table["path"], table["duration"]))
    assert duration["clip.wav"] == pytest.approx(1.0, abs=0.01)
    assert duration["voice.opus"] == pytest.approx(29.1, abs=0.1)
    cat = read_catalog(str(indexed["out"]))
    tagger = load_tagger(pushed_model)
    for key in ("voice.opus", "link.mp3"):
        pred = tagger.predict_file(abs_path[key])
        np.testing.assert_allclose(cat.probabilities[cat.keys.index(key)], pred.probabilities, atol=1e-5)


def test_rerun_reuses_rows_until_a_link_points_elsewhere(capsys, pushed_model, mp3s, tmp_path):
    lib = build_library(tmp_path, mp3s)
    out = tmp_path / "catalog.parquet"
    args = ["index", lib["root"], "--out", out, "--model", pushed_model, "--no-progress"]
    assert run_cli(capsys, *args)[0] == 0
    code, stdout, _ = run_cli(capsys, *args)
    assert code == 0 and f"indexed 0, skipped unchanged {len(ROWS)}, rejected {len(REJECTS)}" in stdout
    # the link now names a copy with the same size and mtime: another file, indexed again
    copy = lib["outside"] / "copy.mp3"
    shutil.copy(lib["outside"] / "linked.mp3", copy)
    st = os.stat(lib["outside"] / "linked.mp3")
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))
    (lib["root"] / "link.mp3").unlink()
    (lib["root"] / "link.mp3").symlink_to(copy)
    code, stdout, _ = run_cli(capsys, *args)
    assert code == 0 and f"indexed 1, skipped unchanged {len(ROWS) - 1}" in stdout
    abs_path = dict(zip(*pq.read_table(out, columns=["path", "abs_path"]).to_pydict().values()))
    assert abs_path["link.mp3"] == os.path.realpath(copy)


def test_no_follow_symlinks_rejects_links_out_of_the_folder(capsys, pushed_model, mp3s, tmp_path):
    lib = build_library(tmp_path, mp3s)
    out = tmp_path / "catalog.parquet"
    code, stdout, err = run_cli(capsys, "index", lib["root"], "--out", out, "--model", pushed_model,
                                "--no-progress", "--no-follow-symlinks")
    assert code == 0, err
    cat = read_catalog(str(out))
    rejects = {r["path"]: r["reason"] for r in cat.meta["rejects"]}
    assert cat.keys == ["clip.wav", "song.mp3", "voice.opus"]
    assert rejects == dict(REJECTS, **{"link.mp3": "unsafe_path", "album/": "unsafe_path"})
    assert cat.meta["files_seen"] == SEEN == len(cat) + len(rejects)  # album/ is one entry, not scanned
    assert "pass --follow-symlinks to index it" in err and f"files seen {SEEN}" in stdout


def test_an_index_without_rows_fails_and_says_why(capsys, pushed_model, mp3s, tmp_path):
    root, outside = tmp_path / "junk", tmp_path / "elsewhere"
    root.mkdir(), outside.mkdir()
    shutil.copy(mp3s[0], outside / "song.mp3")
    (root / "link.mp3").symlink_to(outside / "song.mp3")
    (root / "notes.mp3").write_text("text\n" * 30)
    (root / "empty.mp3").write_bytes(b"")
    (root / "tune.xm").write_bytes(b"Extended Module: x" + bytes(64))
    out = tmp_path / "catalog.parquet"
    code, stdout, err = run_cli(capsys, "index", root, "--out", out, "--model", pushed_model,
                                "--no-follow-symlinks")
    assert code == 2 and not out.exists() and not os.path.exists(str(out) + ".parts")
    assert ("nothing indexed from" in err and "4 file(s) seen, all rejected (empty 1, not_audio 1, "
            "unsafe_path 1, unsupported_format 1)" in err and "pass --follow-symlinks" in err)
    assert "    notes.mp3: " in err and "    link.mp3: " in err
    # rejected by the decoder only (tried, then no rows): the same error, after the run
    (root / "bad.mp3").write_bytes(b"ID3" + bytes(300))
    for name in ("link.mp3", "notes.mp3", "empty.mp3", "tune.xm"):
        (root / name).unlink()
    code, stdout, err = run_cli(capsys, "index", root, "--out", out, "--model", pushed_model, "--no-progress")
    assert code == 2 and not out.exists() and not os.path.exists(str(out) + ".parts")
    assert "1 file(s) seen, all rejected (undecodable 1)" in err and "corrupt or truncated MP3" in err


def test_hidden_only_and_empty_folders(capsys, pushed_model, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli(capsys, "index", tmp_path / "empty", "--out", tmp_path / "c.parquet",
                           "--model", pushed_model)
    assert code == 2 and "holds no files" in err
    (tmp_path / "hidden" / ".git").mkdir(parents=True)
    (tmp_path / "hidden" / ".git" / "HEAD").write_text("ref: main\n")
    (tmp_path / "hidden" / ".song.mp3").write_bytes(b"x")
    code, _, err = run_cli(capsys, "index", tmp_path / "hidden", "--out", tmp_path / "c.parquet",
                           "--model", pushed_model)
    assert code == 2 and "2 file(s) seen, all rejected (hidden 2)" in err
    assert "    .git/: hidden folder, not scanned" in err


def test_scan_counts_every_entry_and_caps_the_printed_list(tmp_path):
    import io

    from tagger_cli.index_scan import print_rejects, scan

    for i in range(25):
        (tmp_path / f"n{i:02d}.txt").write_text("x")
    (tmp_path / "a.mp3").write_bytes(b"\xff\xfb" + bytes(100))
    os.mkfifo(tmp_path / "pipe.mp3")
    (tmp_path / "catalog.parquet").write_bytes(b"PAR1")
    (tmp_path / "catalog.parquet.parts").mkdir()
    os.link(tmp_path / "a.mp3", tmp_path / "hard.mp3")
    own = (str(tmp_path / "catalog.parquet"), str(tmp_path / "catalog.parquet.parts"))
    found = scan(str(tmp_path), own=own)
    assert [f.rel for f in found.files] == ["a.mp3"] + [f"n{i:02d}.txt" for i in range(25)]
    assert {r["path"]: r["reason"] for r in found.rejects} == {
        "pipe.mp3": "not_a_file", "catalog.parquet": "index_output", "catalog.parquet.parts/": "index_output",
        "hard.mp3": "duplicate"}
    assert found.seen == 30
    rejects = [{"path": f"n{i:02d}.txt", "reason": "not_audio", "error": "text"} for i in range(25)]
    buf = io.StringIO()
    print_rejects(rejects, buf, per_reason=20)
    text = buf.getvalue()
    assert "  not_audio (25):" in text and "n19.txt" in text and "n20.txt" not in text and "... 5 more" in text


# ------------------------------------------------------------------------------------------
# the web server plays a followed symlink, and nothing but catalog rows


def test_server_plays_a_followed_symlink_and_refuses_a_retargeted_one(indexed, mp3s):
    requests = pytest.importorskip("requests")
    pytest.importorskip("fastapi")
    from tagger_cli.web.app import create_app
    from tagger_cli.web.server import serve_in_thread
    from tagger_cli.web.service import WebService

    service = WebService(read_catalog(str(indexed["out"])))  # no model, no text encoder: audio only
    link = service.catalog.keys.index("link.mp3")
    album = service.catalog.keys.index("album/track.mp3")
    song = service.catalog.keys.index("song.mp3")
    with serve_in_thread(create_app(service)) as url:
        for i, target in ((link, indexed["outside"] / "linked.mp3"),
                          (album, indexed["outside"] / "albumdir" / "track.mp3"),
                          (song, indexed["root"] / "song.mp3")):
            r = requests.get(f"{url}/audio/{i}", timeout=30)
            assert r.status_code == 200 and r.content == target.read_bytes(), i
        assert requests.get(f"{url}/audio/{len(service.catalog)}", timeout=30).status_code == 404
        # the link now points at a file that is not in the catalog: refused, not served
        other = indexed["outside"] / "not-in-catalog.mp3"
        shutil.copy(mp3s[5], other)
        (indexed["root"] / "link.mp3").unlink()
        (indexed["root"] / "link.mp3").symlink_to(other)
        try:
            r = requests.get(f"{url}/audio/{link}", timeout=30)
            assert r.status_code == 404 and r.content[:3] != b"ID3" and "error" in r.json()
        finally:
            (indexed["root"] / "link.mp3").unlink()
            (indexed["root"] / "link.mp3").symlink_to(indexed["outside"] / "linked.mp3")
        assert requests.get(f"{url}/audio/{link}", timeout=30).status_code == 200
