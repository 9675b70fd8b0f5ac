"""``mtat-tagger index --beam``: the same catalog as the plain index, from a Beam job that resumes.

Real generated MP3s (``catalog_audio_dir``) and the real exported model (``pushed_model``). The
library mixes the songs with files the decoder rejects and entries the scan refuses, so rows,
rejects and the summary counts are all compared with the plain (thread) index.
"""
from __future__ import annotations

import glob
import os
import shutil

import numpy as np
import pyarrow.parquet as pq
import pytest

from mtat.search.catalog import read_catalog
from pipelines.beam_args import SETUP_FILE
from tagger_cli.index_beam import TagFilesDoFn, pipeline_args

#: Rejects of the library: reason per path (decoder rejects and scan rejects).
REJECTS = {"broken/bad.mp3": "undecodable", "readme.txt": "not_audio", "empty.mp3": "empty", ".hidden.mp3": "hidden",
           "dup.mp3": "duplicate"}
#: Beam in this process (no worker processes): test doubles of the DoFn apply.
IN_MEMORY = "--beam-arg=--direct_running_mode=in_memory"


def make_library(root, catalog_audio_dir, write_tags):
    """The 12 songs (one with title and artist tags) plus the files of :data:`REJECTS`."""
    shutil.copytree(catalog_audio_dir, root)
    songs = sorted(glob.glob(os.path.join(root, "*", "*.mp3")))
    write_tags(songs[0], title="Night Drive", artist="The Testers")
    (root / "broken").mkdir()
    (root / "broken" / "bad.mp3").write_bytes(b"ID3" + bytes(300))
    (root / "readme.txt").write_text("tried with the decoder, rejected: not audio")
    (root / "empty.mp3").write_bytes(b"")
    shutil.copy(songs[1], root / ".hidden.mp3")
    (root / "dup.mp3").symlink_to(songs[2])
    return root


@pytest.fixture(scope="module")
def library(catalog_audio_dir, write_tags, tmp_path_factory):
    return make_library(tmp_path_factory.mktemp("beam") / "library", catalog_audio_dir, write_tags)


@pytest.fixture(scope="module")
def plain(pushed_model, library, tmp_path_factory, run_captured):
    """The library indexed without Beam: ``{"out", "code", "stdout", "stderr"}``."""
    folder = tmp_path_factory.mktemp("plain")
    out = folder / "catalog.parquet"
    code, stdout, stderr = run_captured(folder, "index", library, "--out", out, "--model", pushed_model,
                                        "--workers", 2, "--no-progress")
    assert code == 0, stderr
    return {"out": out, "code": code, "stdout": stdout, "stderr": stderr}


def summary(stdout: str) -> str:
    """The summary line up to the catalog name (the rest names the output and the speed)."""
    line = next(line for line in stdout.splitlines() if line.startswith("indexed "))
    return line.split(": ", 1)[0]


def assert_same_catalog(a, b) -> None:
    """Rows (paths, durations, file tags), vectors within 1e-4 and rejects of two catalogs agree."""
    ta, tb = pq.read_table(a).to_pydict(), pq.read_table(b).to_pydict()
    assert ta["path"] == tb["path"]
    for column in ("abs_path", "short", "title", "artist", "album", "size", "mtime_ns", "applies", "model_version"):
        assert ta[column] == tb[column], column
    np.testing.assert_allclose(ta["duration"], tb["duration"], atol=1e-6)
    for column in ("probabilities", "embedding", "joint"):
        np.testing.assert_allclose(np.array(ta[column]), np.array(tb[column]), atol=1e-4, err_msg=column)
    ca, cb = read_catalog(str(a)), read_catalog(str(b))
    assert ca.meta["rejects"] == cb.meta["rejects"]
    for key in ("files", "files_seen", "tags", "model_fingerprint", "root"):
        assert ca.meta[key] == cb.meta[key], key


def test_beam_index_equals_the_plain_index(pushed_model, library, plain, tmp_path, run_captured):
    out = tmp_path / "beam.parquet"
    code, stdout, stderr = run_captured(tmp_path, "index", library, "--out", out, "--model", pushed_model,
                                        "--workers", 2, "--beam", "--part-size", 3, "--no-progress")
    assert code == 0, stderr
    assert "--direct_running_mode=multi_processing --direct_num_workers=2" in stderr
    assert_same_catalog(plain["out"], out)
    table = pq.read_table(out, columns=["path", "title", "artist"]).to_pylist()
    assert sum(r["title"] == "Night Drive" and r["artist"] == "The Testers" for r in table) == 1
    cat = read_catalog(str(out))
    assert {r["path"]: r["reason"] for r in cat.meta["rejects"]} == REJECTS
    assert summary(stdout) == summary(plain["stdout"]) == (
        f"indexed 12, skipped unchanged 0, rejected {len(REJECTS)} (duplicate 1, empty 1, hidden 1, not_audio 1, "
        f"undecodable 1), files seen {12 + len(REJECTS)}")
    assert "broken/bad.mp3: not decodable as audio" in stderr
    assert not os.path.exists(str(out) + ".parts")


def test_beam_args_direct_pool_and_cluster():
    assert pipeline_args(3, [], []) == ["--direct_running_mode=multi_processing", "--direct_num_workers=3"]
    pool = ["--runner=PortableRunner", "--job_endpoint=127.0.0.1:8099"]
    assert pipeline_args(3, pool, ["--direct_num_workers=1"]) == [*pool, "--direct_num_workers=1"]  # the last wins
    dataflow = pipeline_args(2, [], ["--runner=DataflowRunner", "--project=p"])
    assert dataflow[-3:] == ["--runner=DataflowRunner", "--project=p", f"--setup_file={SETUP_FILE}"]
    image = ["--runner=DataflowRunner", "--sdk_container_image=registry/tagger:1"]
    assert pipeline_args(2, [], image)[-2:] == image  # the workers' image has the code: nothing staged


def test_beam_rerun_on_a_plain_catalog_tags_only_the_unreadable_files_again(pushed_model, library, plain, tmp_path, run_captured):
    out = tmp_path / "catalog.parquet"
    shutil.copy(plain["out"], out)
    code, stdout, stderr = run_captured(tmp_path, "index", library, "--out", out, "--model", pushed_model,
                                        "--beam", IN_MEMORY, "--no-progress")
    assert code == 0, stderr
    assert "Beam job: 2 file(s)" in stderr  # the decoder's rejects are tried again, the songs reused
    assert summary(stdout) == f"indexed 0, skipped unchanged 12, rejected {len(REJECTS)} (duplicate 1, empty 1, " \
                              "hidden 1, not_audio 1, undecodable 1), files seen 17"
    code, _, stderr = run_captured(tmp_path, "index", library, "--out", out, "--model", pushed_model,
                                   "--beam-workers", 0)
    assert code == 2 and "--beam-workers must be at least 1" in stderr


def test_interrupted_beam_run_resumes_without_tagging_a_file_twice(pushed_model, library, plain, tmp_path,
                                                                    monkeypatch, run_captured):
    out = tmp_path / "catalog.parquet"
    parts = str(out) + ".parts"
    args = ["index", library, "--out", out, "--model", pushed_model, "--part-size", 2, "--workers", 1, IN_MEMORY]
    real_tag = TagFilesDoFn.tag
    tagged: list[str] = []

    def interrupting(self, f):  # a worker dies: Beam fails the job (not a reject of the file)
        if len(tagged) == 5:
            raise KeyboardInterrupt
        tagged.append(f.rel)
        return real_tag(self, f)

    monkeypatch.setattr(TagFilesDoFn, "tag", interrupting)
    code, stdout, stderr = run_captured(tmp_path, *args)
    assert code == 2 and "error: the Beam job failed" in stderr, stderr
    assert "saved in" in stderr and "run the same command again to resume" in stderr
    assert not out.exists()
    saved = [p for part in glob.glob(os.path.join(parts, "part-*.parquet"))
             for p in pq.read_table(part, columns=["path"]).column("path").to_pylist()]
    # parts of 2 files each (rows + rejects): the broken file among the first 4 leaves 3 rows
    assert len(saved) in (3, 4) and len(set(saved)) == len(saved) and set(saved) <= set(tagged)
    # a bundle the runner retried writes its files' rows again: the merge keeps one per path
    first = sorted(glob.glob(os.path.join(parts, "part-*.parquet")))[0]
    shutil.copy(first, first.replace("part-", "part-9"))

    tagged.clear()
    monkeypatch.setattr(TagFilesDoFn, "tag", lambda self, f: tagged.append(f.rel) or real_tag(self, f))
    code, stdout, stderr = run_captured(tmp_path, *args)
    assert code == 0, stderr
    assert f"resuming: {len(saved)} file(s)" in stderr
    assert sorted(tagged) == sorted(set(tagged)) and not set(tagged) & set(saved)
    assert len(tagged) == 12 - len(saved) + 2  # the rest, and the 2 decoder rejects (tried by every run)
    assert summary(stdout).startswith(f"indexed {12 - len(saved)}, skipped unchanged {len(saved)}, "
                                      f"rejected {len(REJECTS)}")
    assert_same_catalog(plain["out"], out)
    assert not os.path.exists(parts)


def test_beam_workers_through_the_portable_runner(pushed_model, library, plain, tmp_path, run_captured):
    out = tmp_path / "portable.parquet"
    code, stdout, stderr = run_captured(tmp_path, "index", library, "--out", out, "--model", pushed_model,
                                        "--beam-workers", 1, "--no-progress")
    assert code == 0, stderr
    assert "--runner=PortableRunner" in stderr and "worker pool on 127.0.0.1:" in stderr
    assert_same_catalog(plain["out"], out)
    assert summary(stdout) == summary(plain["stdout"])


@pytest.mark.slow
def test_killed_beam_run_resumes_from_its_parts(pushed_model, catalog_audio_dir, write_tags, tmp_path, run_captured):
    """The command and its worker processes killed (SIGKILL) while tagging: the next run resumes."""
    import signal
    import subprocess
    import sys
    import time

    library = make_library(tmp_path / "library", catalog_audio_dir, write_tags)
    for i, song in enumerate(sorted(glob.glob(os.path.join(library, "*", "*.mp3"))) * 4):  # 60 songs
        shutil.copy(song, os.path.join(os.path.dirname(song), f"copy{i}.mp3"))
    out = tmp_path / "catalog.parquet"
    parts = str(out) + ".parts"
    args = ["index", str(library), "--out", str(out), "--model", pushed_model, "--part-size", "2", "--workers", "1",
            "--beam", "--no-progress"]
    proc = subprocess.Popen([sys.executable, "-m", "tagger_cli.main", *args], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while not glob.glob(os.path.join(parts, "part-*.parquet")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and the Beam workers it started
    assert proc.wait() == -signal.SIGKILL and not out.exists()
    saved = {p for part in glob.glob(os.path.join(parts, "part-*.parquet"))
             for p in pq.read_table(part, columns=["path"]).column("path").to_pylist()}
    assert 2 <= len(saved) < 60

    code, stdout, stderr = run_captured(tmp_path, *args, IN_MEMORY)
    assert code == 0, stderr
    assert f"resuming: {len(saved)} file(s)" in stderr
    assert summary(stdout).startswith(f"indexed {60 - len(saved)}, skipped unchanged {len(saved)}")
    paths = pq.read_table(out, columns=["path"]).column("path").to_pylist()
    assert len(paths) == len(set(paths)) == 60 and not os.path.exists(parts)
