"""Interrupted runs: ``run_local.py`` SIGKILLed mid-extraction and mid-training, ``mtat-tagger index``
SIGKILLed between parts; the re-run completes, reuses what finished and yields every clip / file once.

The first run is a real subprocess in its own process group, killed with ``SIGKILL`` (nothing
gets to clean up) at a moment detected from the outside: an MP3 of the data set open in the
process (``/proc/<pid>/fd``) for AudioExampleGen, Keras' ``Epoch 1/`` line for the Trainer, a
number of ``part-*.parquet`` files for ``index``. The re-run uses the same arguments.

What TFX 1.16 does (see ``pipelines/recovery.py``): the killed execution stays RUNNING in the
SQLite MLMD (which survives: SQLite rolls back a half-written transaction), its partial output
(a half-written TFRecord under ``beam-temp-*``, TensorBoard logs) stays in its own folder; the
re-run registers new executions with new folders and reuses only published artifacts.
``run_local`` then marks the dead execution CANCELED and deletes its partial folders.
"""
from __future__ import annotations

import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable

import pyarrow.parquet as pq
import pytest
import tensorflow as tf
from ml_metadata.metadata_store import metadata_store
from ml_metadata.proto import metadata_store_pb2
from tfx.orchestration import metadata

from components.audio_example_gen.executor import METADATA_FILE, REJECTS_FILE, read_rejects
from mtat.annotations import ANNOTATIONS_FILE, load_annotations
from mtat.features import CLIP_ID_KEY
from mtat.search.catalog import read_catalog
from pipelines import recovery, results, run_local
from tagger_cli.main import main as tagger_main
from trainer.data import compression_type

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN_LOCAL = os.path.join(REPO, "pipelines", "run_local.py")
Execution = metadata_store_pb2.Execution
#: MP3s seen open before AudioExampleGen is killed (of 52 rows): well inside the extraction.
OPEN_CLIPS_BEFORE_KILL = 8
#: Progress line of pipelines/progress.py: "[12:00:00] Trainer done in 3.1 s (cached)".
DONE_LINE = re.compile(r"\] (\S+) done in [\d.]+ s( \(cached\))?$", re.MULTILINE)


# ------------------------------------------------------------------------------------------
# a subprocess watched from the outside


class Watched:
    """A child process in its own session, its merged stdout/stderr collected by a thread."""

    def __init__(self, cmd: list[str]):
        env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, errors="replace", start_new_session=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, ready: Callable[[], bool], what: str, timeout: float = 300, poll: float = 0.05) -> None:
        """Poll ``ready()`` until true; fails if the process ends first or the time runs out."""
        deadline = time.monotonic() + timeout
        while not ready():
            if self.proc.poll() is not None:
                self._reader.join(5)
                pytest.fail(f"process ended (rc {self.proc.returncode}) before {what}:\n{self.output[-3000:]}")
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"timed out waiting for {what}:\n{self.output[-3000:]}")
            time.sleep(poll)

    def kill(self) -> None:
        """SIGKILL the whole process group and reap it."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)
        self._reader.join(5)


def open_files(pid: int, under: str) -> set[str]:
    """Files under ``under`` the process has open right now."""
    found = set()
    fd_dir = f"/proc/{pid}/fd"
    try:
        fds = os.listdir(fd_dir)
    except FileNotFoundError:
        return found
    for fd in fds:
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target.startswith(under + os.sep):
            found.add(target)
    return found


# ------------------------------------------------------------------------------------------
# the pipeline's outcome, read from ML Metadata and the artifacts


def _store(metadata_path: str) -> metadata_store.MetadataStore:
    return metadata_store.MetadataStore(metadata.sqlite_metadata_connection_config(metadata_path))


def executions(metadata_path: str, type_suffix: str) -> list:
    """Executions whose type name ends with ``type_suffix`` (e.g. ``.Trainer``), oldest first."""
    store = _store(metadata_path)
    types = [t for t in store.get_execution_types() if t.name.endswith(type_suffix)]
    return sorted((e for t in types for e in store.get_executions_by_type(t.name)), key=lambda e: e.id)


def artifacts_of(metadata_path: str, execution_id: int, event_type: int) -> dict[str, object]:
    """{artifact type name: artifact} of one execution's inputs or outputs."""
    store = _store(metadata_path)
    ids = [ev.artifact_id for ev in store.get_events_by_execution_ids([execution_id]) if ev.type == event_type]
    arts = store.get_artifacts_by_id(ids)
    names = {t.id: t.name for t in store.get_artifact_types_by_id(list({a.type_id for a in arts}))}
    return {names[a.type_id]: a for a in arts}


def trainer_inputs(metadata_path: str) -> dict[str, str]:
    """{type: uri} of what the newest finished Trainer consumed (Examples, TransformGraph, Schema)."""
    done = [e for e in executions(metadata_path, ".Trainer") if e.last_known_state == Execution.COMPLETE]
    assert done, "no Trainer execution finished"
    return {k: a.uri for k, a in artifacts_of(metadata_path, done[-1].id, metadata_store_pb2.Event.INPUT).items()}


def rejects_beside(metadata_path: str, examples_uri: str) -> str:
    """URI of the AudioRejects written by the execution that produced ``examples_uri``."""
    store = _store(metadata_path)
    (examples,) = [a for a in store.get_artifacts_by_uri(examples_uri) if a.state == a.LIVE]
    producer = [ev.execution_id for ev in store.get_events_by_artifact_ids([examples.id])
                if ev.type == metadata_store_pb2.Event.OUTPUT]
    return artifacts_of(metadata_path, producer[0], metadata_store_pb2.Event.OUTPUT)["AudioRejects"].uri


def example_clip_ids(examples_uri: str) -> list[int]:
    """clip_id of every record in every split of an Examples artifact."""
    files = sorted(glob.glob(os.path.join(examples_uri, "Split-*", "*")))
    assert files and all(os.path.isfile(f) for f in files), files
    dataset = tf.data.TFRecordDataset(files, compression_type=compression_type(files))
    return [tf.train.Example.FromString(r.numpy()).features.feature[CLIP_ID_KEY].int64_list.value[0]
            for r in dataset]


def csv_clip_ids(data_root: str) -> list[str]:
    """clip_id of every data line of the annotations CSV (valid rows and CSV-level rejects)."""
    ann = load_annotations(data_root)
    with open(os.path.join(data_root, ANNOTATIONS_FILE), encoding="utf-8-sig") as f:
        data_lines = sum(1 for line in f.read().splitlines()[1:] if line.strip())
    ids = [str(r.clip_id) for r in ann.rows] + [r.clip_id for r in ann.rejects]
    assert len(ids) == data_lines
    return ids


def assert_each_clip_once(data_root: str, metadata_path: str) -> tuple[str, int]:
    """The Examples the final Trainer consumed hold every usable clip exactly once; with the rejects
    they cover every CSV line exactly once. Returns the examples URI and the example count."""
    examples_uri = trainer_inputs(metadata_path)["Examples"]
    assert os.path.isfile(os.path.join(examples_uri, METADATA_FILE))
    ids = example_clip_ids(examples_uri)
    assert [i for i, n in Counter(ids).items() if n > 1] == []  # no clip twice
    rejected = [r["clip_id"] for r in read_rejects(os.path.join(rejects_beside(metadata_path, examples_uri),
                                                                REJECTS_FILE))]
    assert len(rejected) == len(set(rejected)) > 0
    expected = csv_clip_ids(data_root)
    assert sorted([str(i) for i in ids] + [str(r) for r in rejected]) == sorted(expected)  # none missing
    return examples_uri, len(ids)


def assert_served_once(out, n_examples: int) -> None:
    """The run summary is complete and the serving folder holds exactly one version: the pushed one,
    complete, and nothing half-pushed beside it."""
    with open(out / "summary.json") as f:
        summary = json.load(f)
    assert sum(summary["examples"].values()) == n_examples and summary["blessed"] is True
    base = out / "serving" / "tagger"
    entries = os.listdir(base)
    assert len(entries) == 1 and entries[0].isdigit(), entries
    assert summary["pushed_model"] == str(base / entries[0])
    assert os.path.isfile(base / entries[0] / "saved_model.pb") and os.listdir(base / entries[0] / "variables")


def done_lines(output: str) -> dict[str, bool]:
    """{component: cached?} from the run's progress lines."""
    return {m.group(1): bool(m.group(2)) for m in DONE_LINE.finditer(output)}


def pipeline_args(data_root: str, out) -> list[str]:
    return ["--data-root", data_root, "--pipeline-root", str(out / "pipeline"), "--serving-dir", str(out / "serving"),
            "--epochs", "2", "--min-auc", "0.0", "--summary-json", str(out / "summary.json")]


def rerun(args: list[str], capsys, caplog) -> str:
    """run_local.main in this process with the killed run's arguments; returns its output."""
    caplog.set_level("WARNING", logger="pipelines.recovery")
    assert run_local.main(args) == 0
    captured = capsys.readouterr()
    return captured.out + captured.err + caplog.text


def assert_settled(metadata_path: str, killed, partial_dirs: list[str], output: str, node: str) -> None:
    """The killed execution is CANCELED (not left RUNNING), its partial folders gone, and it was said."""
    (now,) = [e for e in executions(metadata_path, "") if e.id == killed.id]
    assert now.last_known_state == Execution.CANCELED
    assert recovery.ABANDONED_PROPERTY in now.custom_properties
    assert f"recovered: {node} execution {killed.id} was left running" in output
    assert partial_dirs and not [d for d in partial_dirs if os.path.exists(d)]
    assert not [e.id for e in executions(metadata_path, "") if e.last_known_state in (Execution.NEW, Execution.RUNNING)]


# ------------------------------------------------------------------------------------------
# run_local.py killed


@pytest.mark.slow
def test_killed_during_extraction_reruns_from_scratch_without_partial_examples(sample_root, tmp_path, capsys, caplog):
    args = pipeline_args(sample_root, tmp_path)
    pipeline_root, metadata_path = tmp_path / "pipeline", str(tmp_path / "pipeline" / "metadata.sqlite")
    run = Watched([sys.executable, RUN_LOCAL, *args])
    run.wait_for(lambda: "AudioExampleGen ..." in run.output, "AudioExampleGen to start")
    seen: set[str] = set()

    def mid_extraction() -> bool:
        seen.update(p for p in open_files(run.proc.pid, os.path.realpath(sample_root)) if p.endswith(".mp3"))
        if len(seen) < OPEN_CLIPS_BEFORE_KILL and "AudioExampleGen done" in run.output:
            run.kill()
            pytest.fail(f"extraction finished before {OPEN_CLIPS_BEFORE_KILL} clips were seen open ({len(seen)})")
        return len(seen) >= OPEN_CLIPS_BEFORE_KILL

    run.wait_for(mid_extraction, f"{OPEN_CLIPS_BEFORE_KILL} clips to be decoded", poll=0.002)
    run.kill()
    assert "AudioExampleGen done" not in run.output and run.proc.returncode == -signal.SIGKILL

    # killed mid-extraction: the execution is RUNNING, nothing published, a partial folder on disk
    (killed,) = executions(metadata_path, ".AudioExampleGen")
    assert killed.last_known_state == Execution.RUNNING
    assert results.latest_artifact_uri(metadata_path, "Examples", str(pipeline_root)) is None
    partial = [str(pipeline_root / "AudioExampleGen" / key / str(killed.id)) for key in ("examples", "rejects")]
    assert not os.path.exists(os.path.join(partial[0], METADATA_FILE))  # written after the Beam pipeline
    assert [f for f in glob.glob(os.path.join(partial[0], "**"), recursive=True) if os.path.isfile(f)]

    output = rerun(args, capsys, caplog)
    assert done_lines(output)["AudioExampleGen"] is False  # extracted again, not cached
    assert done_lines(output)["Pusher"] is False
    assert_settled(metadata_path, killed, partial, output, "AudioExampleGen")
    examples_uri, n_examples = assert_each_clip_once(sample_root, metadata_path)
    assert examples_uri not in partial
    assert_served_once(tmp_path, n_examples)


@pytest.mark.slow
def test_killed_during_training_reuses_the_data_stages(sample_root, tmp_path, capsys, caplog):
    args = pipeline_args(sample_root, tmp_path)
    pipeline_root, metadata_path = tmp_path / "pipeline", str(tmp_path / "pipeline" / "metadata.sqlite")
    run = Watched([sys.executable, RUN_LOCAL, *args])
    run.wait_for(lambda: "Trainer ..." in run.output and "Epoch 1/" in run.output, "the first training epoch")
    assert run_local.main(args) == 2  # a second run on the same store meanwhile is refused
    assert f"another run (pid {run.proc.pid}) is using {metadata_path}" in capsys.readouterr().err
    run.kill()
    assert "Trainer done" not in run.output and "Transform done" in run.output

    (killed,) = executions(metadata_path, ".Trainer")
    assert killed.last_known_state == Execution.RUNNING
    partial = glob.glob(str(pipeline_root / "Trainer" / "*" / str(killed.id)))
    assert partial and results.latest_artifact_uri(metadata_path, "Model", str(pipeline_root)) is None
    before = {t: results.latest_artifact_uri(metadata_path, t, str(pipeline_root))
              for t in ("Examples", "TransformGraph")}
    assert all(before.values())

    output = rerun(args, capsys, caplog)
    done = done_lines(output)
    assert {c: done[c] for c in ("AudioExampleGen", "StatisticsGen", "SchemaGen", "Transform")} == {
        "AudioExampleGen": True, "StatisticsGen": True, "SchemaGen": True, "Transform": True}
    assert done["Trainer"] is False and done["Pusher"] is False
    consumed = trainer_inputs(metadata_path)
    assert {t: consumed[t] for t in before} == before  # the very artifacts made before the kill
    assert_settled(metadata_path, killed, partial, output, "Trainer")
    _, n_examples = assert_each_clip_once(sample_root, metadata_path)
    assert_served_once(tmp_path, n_examples)


# ------------------------------------------------------------------------------------------
# mtat-tagger index killed


def _library(catalog_audio_dir: str, root) -> list[str]:
    """Two copies of the catalog folder (24 files); returns their sorted relative paths."""
    for copy in ("a", "b"):
        shutil.copytree(catalog_audio_dir, root / copy)
    return sorted(os.path.relpath(p, root).replace(os.sep, "/") for p in glob.glob(str(root / "*" / "*" / "*.mp3")))


def _part_paths(parts_dir: str) -> list[str]:
    return [p for part in sorted(glob.glob(os.path.join(parts_dir, "part-*.parquet")))
            for p in pq.read_table(part, columns=["path"]).column("path").to_pylist()]


def test_killed_index_resumes_every_file_once(pushed_model, catalog_audio_dir, tmp_path, capsys):
    library = tmp_path / "library"
    files = _library(catalog_audio_dir, library)
    out = tmp_path / "catalog" / "songs.parquet"
    parts_dir = str(out) + ".parts"
    argv = ["index", str(library), "--out", str(out), "--model", pushed_model, "--part-size", "2",
            "--workers", "1", "--no-progress"]
    run = Watched([sys.executable, "-m", "tagger_cli", *argv])
    run.wait_for(lambda: len(glob.glob(os.path.join(parts_dir, "part-*.parquet"))) >= 3, "three parts",
                 timeout=180, poll=0.01)
    run.kill()
    assert run.proc.returncode == -signal.SIGKILL and not out.exists()
    saved = _part_paths(parts_dir)
    assert 6 <= len(saved) < len(files) and len(saved) == len(set(saved))
    # what a kill in the middle of writing a part / the catalog leaves behind
    for debris in (os.path.join(parts_dir, ".part-000099-0badf00d.parquet.1234abcd.tmp"),
                   str(out.parent / f".{out.name}.1234abcd.tmp")):
        with open(debris, "wb") as f:
            f.write(b"PAR1 half written")
    before = {r["path"]: r["indexed_at"] for part in glob.glob(os.path.join(parts_dir, "part-*.parquet"))
              for r in pq.read_table(part, columns=["path", "indexed_at"]).to_pylist()}

    code = tagger_main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"resuming: {len(saved)} file(s)" in captured.err
    assert f"indexed {len(files) - len(saved)}, skipped unchanged {len(saved)}," in captured.out
    cat = read_catalog(str(out))
    assert cat.keys == files  # sorted: each file once, none missing
    kept = dict(zip(cat.keys, pq.read_table(out, columns=["indexed_at"]).column("indexed_at").to_pylist()))
    assert all(kept[p] == t for p, t in before.items())  # resumed rows are the killed run's, not re-tagged
    assert os.listdir(out.parent) == [out.name]  # no parts folder, no temporary file left


def test_index_resumes_from_any_kill_point(pushed_model, catalog_audio_dir, tmp_path, capsys, interrupt_next_index):
    """States a kill leaves at instants too short to hit with a signal: right after creating the parts
    folder (no manifest yet), and between writing the catalog and removing the parts."""
    library = tmp_path / "library"
    shutil.copytree(catalog_audio_dir, library)
    out = tmp_path / "songs.parquet"
    argv = ["index", str(library), "--out", str(out), "--model", pushed_model, "--no-progress"]
    os.makedirs(str(out) + ".parts")  # killed before the manifest was written
    assert tagger_main(argv) == 0, capsys.readouterr().err
    first = read_catalog(str(out))
    assert len(first) == len(set(first.keys)) == 12

    # killed after the catalog was renamed into place, before the parts were deleted: a complete
    # catalog plus parts holding 8 of its files again
    argv_parts = [*argv, "--part-size", "4"]
    interrupt_next_index(8)
    assert tagger_main([*argv_parts, "--reindex"]) == 130
    assert len(glob.glob(os.path.join(str(out) + ".parts", "part-*.parquet"))) == 2 and out.exists()
    capsys.readouterr()
    assert tagger_main(argv_parts) == 0
    captured = capsys.readouterr()
    assert "indexed 0, skipped unchanged 12," in captured.out
    cat = read_catalog(str(out))
    assert cat.keys == first.keys and not os.path.exists(str(out) + ".parts")
