"""benchmarks.harness: importing it changes nothing; clip sets repeat the rendered clips under new ids."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.harness import clips

REPO = Path(__file__).resolve().parents[2]


def test_importing_the_benchmarks_leaves_environment_and_sys_path_alone():
    code = ("import json, os, sys; env, path = dict(os.environ), list(sys.path); "
            "import benchmarks.run_all, benchmarks.concept_audit; "
            "print(json.dumps([dict(os.environ) == env, sys.path == path]))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PYTHONWARNINGS"))}
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, check=True)
    assert json.loads(out.stdout.splitlines()[-1]) == [True, True]


def _master(root: Path, n: int) -> list[str]:
    """A generated set's CSV (the generator's format) with ``n`` rows and empty MP3 files."""
    root.mkdir(parents=True)
    rels = [f"{i % 2}/artist-album-{i:02d}-title-0-29.mp3" for i in range(n)]
    with open(root / "annotations_final.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(["clip_id", "rock", "slow", "mp3_path"])
        for i, rel in enumerate(rels):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(b"mp3 %d" % i)
            w.writerow([str(i), str(i % 2), "1", rel])
    return rels


def test_clips_root_repeats_the_rendered_clips(tmp_path, monkeypatch):
    monkeypatch.setattr(clips, "DATA_DIR", tmp_path)
    monkeypatch.setattr(clips, "MAX_RENDERED", 3)
    rels = _master(tmp_path / "master", 3)
    root = clips.clips_root(7, log=lambda s: None)
    assert root == str(tmp_path / "n7")
    lines = Path(root, "annotations_final.csv").read_text(encoding="utf-8").splitlines()
    master = (tmp_path / "master" / "annotations_final.csv").read_text(encoding="utf-8").splitlines()
    assert lines[:4] == master  # the first clips as rendered, byte for byte
    assert lines[4] == '"10000003"\t"0"\t"1"\t"0/r1_artist-album-00-title-0-29.mp3"'
    assert lines[7] == '"10000006"\t"0"\t"1"\t"0/r2_artist-album-00-title-0-29.mp3"'
    paths = clips.clip_paths(root)
    assert len(paths) == 7 and paths[0] == os.path.join(root, rels[0])
    assert Path(paths[6]).read_bytes() == b"mp3 0" and os.path.samefile(paths[6], tmp_path / "master" / rels[0])
    assert clips.clips_root(7) == root  # reused, not rebuilt


def test_latest_model_dir_is_the_newest_loadable_version(tmp_path):
    from benchmarks.harness.reference_run import latest_model_dir

    base = tmp_path / "serving" / "tagger"
    for version in ("5", "12", "100"):
        (base / version).mkdir(parents=True)
    for version in ("5", "12"):  # "100" holds no SavedModel yet (a push in progress)
        (base / version / "saved_model.pb").write_bytes(b"")
    assert latest_model_dir(base) == str(base / "12")
    with pytest.raises(FileNotFoundError):
        latest_model_dir(tmp_path / "nothing")


def test_repeated_set_puts_empty_files_at_the_given_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(clips, "DATA_DIR", tmp_path)
    _master(tmp_path / "master", 4)
    root = clips.repeated_set(tmp_path / "set", 10, 4, empty_rows=[1, 6], log=lambda s: None)
    paths = clips.clip_paths(str(root))
    assert len(paths) == 10
    assert [os.path.getsize(p) == 0 for p in paths] == [i in (1, 6) for i in range(10)]
    assert not os.path.samefile(paths[6], tmp_path / "master" / "0/artist-album-02-title-0-29.mp3")
    assert Path(tmp_path / "master" / "1/artist-album-01-title-0-29.mp3").read_bytes() == b"mp3 1"  # the master is untouched
    assert Path(paths[5]).read_bytes() == b"mp3 1"  # row 5 repeats clip 1
