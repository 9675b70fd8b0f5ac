"""``mtat-tagger predict | index | serve-check`` and the tagging library (``mtat.tagging``) on a real exported model.

The model is the session fixture ``pushed_model`` (tests/conftest.py); audio is the
generated sample set, re-encoded here as MP3 / stereo 44.1 kHz WAV / FLAC / OGG and a 3-minute
MP3. TF Serving is played by a small HTTP server on 127.0.0.1 that implements the REST
predict / status API over the same SavedModel.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pyarrow.parquet as pq
import pytest
import soundfile as sf
import tensorflow as tf

from mtat import audio as audio_module
from mtat.audio import AudioError, load_audio, stream_audio
from mtat.features import MelConfig, log_mel
from mtat.search.catalog import read_catalog
from mtat.tagging import ModelError, load_tagger, resolve_model_dir
from mtat.windows import Windower
from tagger_cli.main import main

CFG = MelConfig()
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def tagger(pushed_model):
    return load_tagger(pushed_model)


@pytest.fixture(scope="module")
def raw_model(pushed_model):
    """The SavedModel loaded independently of tagger_cli (the reference TF Serving would run)."""
    return tf.saved_model.load(pushed_model)


@pytest.fixture(scope="module")
def songs(catalog_audio_dir, tmp_path_factory):
    """One file per format: mp3, stereo 44.1 kHz wav, 22.05 kHz flac (12 s), ogg (5 s), a 3-minute mp3."""
    d = tmp_path_factory.mktemp("songs")
    mp3s = sorted(glob.glob(os.path.join(catalog_audio_dir, "*", "*.mp3")))
    out = {"mp3": str(d / "song.mp3")}
    shutil.copy(mp3s[0], out["mp3"])
    import soxr

    y, sr = sf.read(mp3s[1], dtype="float32")
    y44 = soxr.resample(y, sr, 44100)
    out["wav"] = str(d / "stereo 44k.wav")
    sf.write(out["wav"], np.stack([y44, 0.5 * y44], axis=1), 44100)
    y, sr = sf.read(mp3s[2], dtype="float32")
    out["flac"] = str(d / "short.flac")
    sf.write(out["flac"], soxr.resample(y, sr, 22050)[: 12 * 22050], 22050, format="FLAC")
    y, sr = sf.read(mp3s[3], dtype="float32")
    out["ogg"] = str(d / "tiny.ogg")
    sf.write(out["ogg"], y[: 5 * sr], sr, format="OGG")
    long = np.concatenate([sf.read(m, dtype="float32")[0] for m in mp3s[4:10]])
    out["long"] = str(d / "three minutes.mp3")
    sf.write(out["long"], long, 16000, format="MP3")
    (d / "notes.mp3").write_text("not audio, just text\n" * 50)
    out["text"] = str(d / "notes.mp3")
    out["missing"] = str(d / "does-not-exist.wav")
    return out


def reference_probabilities(raw_model, path):
    """What TF Serving's serving_default returns for the whole decoded file."""
    wave = load_audio(path, CFG.sample_rate)
    return raw_model.signatures["serving_default"](waveform=tf.constant(wave[None]))["probabilities"].numpy()[0]


def run_cli(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def parse_human(out, marked=None):
    """{path: [(tag, prob), ...]} from predict's / serve-check's text output (the ``*`` marks of the
    tags that apply, if any, are collected into ``marked``: {path: [tag, ...]})."""
    blocks, path = {}, None
    for line in out.splitlines():
        if not line.strip() or line.startswith("TF Serving"):
            continue
        if line.startswith("  * applies") or line.startswith("  ("):
            continue  # the block's footer lines
        if line.startswith("  "):
            row = line[2:]
            if row[:2] in ("* ", "  "):  # a threshold mark column
                if row.startswith("* ") and marked is not None:
                    marked.setdefault(path, []).append(row[2:].rsplit(None, 1)[0].strip())
                row = row[2:]
            tag, prob = row.strip().rsplit(None, 1)
            blocks[path].append((tag, float(prob)))
        else:
            path = line.rsplit("  (", 1)[0]
            blocks[path] = []
    return blocks


# ------------------------------------------------------------------------------------------
# inference API


def test_windower_matches_the_served_windowing_for_any_chunking():
    rng = np.random.default_rng(0)
    for n in (1, 5, 99, 100, 101, 250, 300, 1234):
        x = np.arange(n, dtype=np.float32)
        for hop, length in ((100, 100), (30, 100)):
            w = Windower(length, hop)
            got, i = [], 0
            while i < n:
                step = int(rng.integers(1, 170))
                got += w.feed(x[i:i + step])
                i += step
            got += w.finish()
            starts = [s for s, _ in got]
            if hop == length:  # trainer.models.chunk_starts: ceil(n / L) windows, the last one end-aligned
                assert starts == [min(k * length, n - length) for k in range(-(-n // length))] if n >= length else [0]
            assert all(np.array_equal(win, x[s:s + length]) for s, win in got)  # the right samples
            assert starts == sorted(set(starts)) and got[-1][0] + len(got[-1][1]) == n  # increasing, reaches the end
            assert len(w.buf) <= length + 170  # bounded buffer


def test_resolve_model_dir_layouts(pushed_model, tmp_path):
    base = os.path.dirname(pushed_model)
    serving = os.path.dirname(base)
    assert resolve_model_dir(pushed_model) == pushed_model
    assert resolve_model_dir(base) == pushed_model
    assert resolve_model_dir(serving) == pushed_model
    # numeric (not lexicographic) newest version; a version folder without saved_model.pb is ignored
    copy = tmp_path / "tagger"
    shutil.copytree(pushed_model, copy / "9")
    shutil.copytree(pushed_model, copy / "10")
    (copy / "11").mkdir()
    (copy / "latest").mkdir()
    assert resolve_model_dir(str(copy)) == str(copy / "10")
    with pytest.raises(ModelError, match="model directory not found"):
        resolve_model_dir(str(tmp_path / "nope"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="no SavedModel"):
        resolve_model_dir(str(tmp_path / "empty"))
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(ModelError, match=r"serving_model/tagger \(the default; pass --model DIR\)"):
            resolve_model_dir(None)
    finally:
        os.chdir(cwd)


def test_tagger_loads_tags_and_version(tagger, pushed_model):
    info = json.load(open(os.path.join(pushed_model, "assets.extra", "model_info.json")))
    assert tagger.tags == info["tags"] and len(tagger.tags) == 50
    assert tagger.version == "1" and tagger.model_dir == pushed_model and tagger.name == "tagger"
    assert tagger.config == CFG and tagger.embedding_dim == 48
    assert tagger.fingerprint


@pytest.mark.parametrize("kind, seconds, windows", [
    ("mp3", 29.124, 2), ("wav", 29.124, 2), ("flac", 12.0, 1), ("ogg", 5.0, 1), ("long", 6 * 29.124, 7)])
def test_predict_file_any_format_equals_serving_default(tagger, raw_model, songs, kind, seconds, windows):
    pred = tagger.predict_file(songs[kind])
    k = len(tagger.tags)
    assert pred.probabilities.shape == (k,) and pred.embedding.shape == (tagger.embedding_dim,)
    assert np.all((pred.probabilities >= 0) & (pred.probabilities <= 1))
    assert pred.duration == pytest.approx(seconds, abs=0.08)
    assert pred.window_probabilities.shape == (windows, k) and not pred.taggram
    np.testing.assert_allclose(pred.probabilities, reference_probabilities(raw_model, songs[kind]), atol=2e-5)
    np.testing.assert_allclose(pred.probabilities, pred.window_probabilities.mean(axis=0), atol=1e-6)
    top = pred.top(tagger.tags, 10)
    assert len(top) == 10 and [p for _, p in top] == sorted((p for _, p in top), reverse=True)
    assert top[0][1] == pytest.approx(pred.probabilities.max())


def test_short_file_is_heard_repeated_not_padded_with_silence(tagger, songs):
    wave = load_audio(songs["ogg"], CFG.sample_rate)  # 5 s: one window, a sixth of it the file's own sound
    pred = tagger.predict_file(songs["ogg"])
    repeated = tagger.predict_waveform(np.resize(wave, CFG.clip_samples))
    padded = tagger.predict_waveform(np.pad(wave, (0, CFG.clip_samples - wave.size)))
    np.testing.assert_allclose(pred.probabilities, repeated.probabilities, atol=2e-5)
    assert np.abs(pred.probabilities - padded.probabilities).max() > 1e-3
    assert pred.duration == pytest.approx(5.0, abs=0.08)  # the file's own length, not the window's


def test_embedding_equals_the_analyze_signature(tagger, raw_model, songs):
    wave = load_audio(songs["long"], CFG.sample_rate)
    ref = raw_model.signatures["analyze"](waveform=tf.constant(wave[None]))
    pred = tagger.predict_waveform(wave)
    np.testing.assert_allclose(pred.embedding, ref["embedding"].numpy()[0], atol=2e-5)
    np.testing.assert_allclose(pred.window_probabilities, ref["window_probabilities"].numpy()[0], atol=2e-5)
    n, w = wave.size, CFG.clip_samples
    np.testing.assert_allclose(pred.window_starts * CFG.sample_rate, [min(i * w, n - w) for i in range(-(-n // w))])


def test_long_file_is_decoded_in_bounded_blocks(songs):
    blocks = list(stream_audio(songs["long"], CFG.sample_rate))
    assert len(blocks) >= 6 and max(b.size for b in blocks) <= audio_module.BLOCK_SECONDS * CFG.sample_rate + 2000
    np.testing.assert_allclose(np.concatenate(blocks), load_audio(songs["long"], CFG.sample_rate), atol=1e-5)
    for bad, reason in ((songs["text"], "not_audio"), (songs["missing"], "missing")):
        with pytest.raises(AudioError) as err:
            stream_audio(bad, CFG.sample_rate)
        assert err.value.reason == reason


def test_taggram_rows_are_tiled_three_second_segments(tagger, raw_model, songs):
    pred = tagger.predict_file(songs["mp3"], taggram=True)
    starts = pred.window_starts
    assert pred.taggram and pred.window_seconds == pytest.approx(3.0)
    assert pred.window_probabilities.shape == (len(starts), len(tagger.tags)) and len(starts) == 19
    np.testing.assert_allclose(np.diff(starts[:-1]), 1.5)
    assert starts[-1] + 3.0 == pytest.approx(pred.duration, abs=1e-3)  # the last segment ends with the file
    # the clip-level numbers are still the served ones
    np.testing.assert_allclose(pred.probabilities, reference_probabilities(raw_model, songs["mp3"]), atol=2e-5)
    # row j = log_mel signature on the segment's log-mel, edge frames dropped, tiled to 1366 frames
    wave = load_audio(songs["mp3"], CFG.sample_rate)
    j = 4
    seg = wave[int(round(starts[j] * CFG.sample_rate)):][: 3 * CFG.sample_rate]
    mel = log_mel(seg, CFG)[:, 1:-1]
    tiled = np.tile(mel, (1, -(-CFG.n_frames // mel.shape[1])))[:, :CFG.n_frames]
    ref = raw_model.signatures["log_mel"](log_mel=tf.constant(tiled[None]))["probabilities"].numpy()[0]
    np.testing.assert_allclose(pred.window_probabilities[j], ref, atol=2e-5)
    assert np.ptp(pred.window_probabilities, axis=0).max() > 1e-3  # it does change over time


# ------------------------------------------------------------------------------------------
# predict


def test_predict_prints_sorted_top_tags(capsys, pushed_model, tagger, songs):
    code, out, err = run_cli(capsys, "predict", songs["mp3"], songs["wav"], "--model", pushed_model, "--top", 5)
    assert code == 0, err
    marked = {}
    blocks = parse_human(out, marked)
    assert out.count("  * applies (at or above the tag's threshold): ") == 2
    for path, top in blocks.items():  # the marked rows are the top tags at or above their threshold
        probs = tagger.predict_file(path).probabilities
        want = [t for t, _ in top if probs[tagger.tags.index(t)] >= tagger.thresholds[t]]
        assert marked.get(path, []) == want
    assert list(blocks) == [songs["mp3"], songs["wav"]]
    for path, top in blocks.items():
        expected = tagger.predict_file(path).top(tagger.tags, 5)
        assert [t for t, _ in top] == [t for t, _ in expected]
        np.testing.assert_allclose([p for _, p in top], [p for _, p in expected], atol=6e-4)
        assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)


def test_predict_json_lines_and_errors(capsys, pushed_model, tagger, songs):
    files = [songs["flac"], songs["text"], songs["missing"], songs["ogg"]]
    code, out, err = run_cli(capsys, "predict", *files, "--model", pushed_model, "--json", "--top", 3)
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["path"] for r in rows] == files  # every file, in order
    ok = [rows[0], rows[3]]
    for row in ok:
        assert set(row) == {"path", "tags", "top", "applies"}
        assert set(row["tags"]) == set(tagger.tags) and len(row["top"]) == 3
        # applies: exactly the tags at or above their (validation) threshold, most probable first
        want = [t for t in row["tags"] if row["tags"][t] >= tagger.thresholds[t]]
        assert row["applies"] == want
        probs = list(row["tags"].values())
        assert probs == sorted(probs, reverse=True) and all(0 <= p <= 1 for p in probs)
        assert row["top"] == list(row["tags"])[:3]
        pred = tagger.predict_file(row["path"])
        assert row["tags"][tagger.tags[0]] == pytest.approx(float(pred.probabilities[0]), abs=1e-5)
    assert set(rows[1]) == {"path", "error"} and "not decodable as audio" in rows[1]["error"]
    assert set(rows[2]) == {"path", "error"} and "file not found" in rows[2]["error"]
    assert "error: not decodable as audio" in err and "error: file not found" in err
    assert "2 of 4 file(s) failed" in err


def test_predict_plot_writes_valid_pngs(capsys, pushed_model, songs, tmp_path):
    import matplotlib.image

    one = tmp_path / "taggram.png"
    code, out, err = run_cli(capsys, "predict", songs["mp3"], "--model", pushed_model, "--plot", one)
    assert code == 0 and one.read_bytes()[:8] == PNG_MAGIC
    img = matplotlib.image.imread(str(one))
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 300
    code, out, err = run_cli(capsys, "predict", songs["long"], songs["flac"], "--model", pushed_model,
                             "--plot", tmp_path / "many.png", "--top", 4)
    assert code == 0
    pngs = sorted(os.path.basename(p) for p in glob.glob(str(tmp_path / "many-*.png")))
    assert pngs == ["many-short.png", "many-three minutes.png"]
    assert all(open(tmp_path / p, "rb").read(8) == PNG_MAGIC for p in pngs)


def test_predict_bad_model_dir_is_one_line_error(capsys, songs, tmp_path):
    code, out, err = run_cli(capsys, "predict", songs["mp3"], "--model", tmp_path / "no-such-model")
    assert code == 2 and err.strip().startswith("error: model directory not found")
    assert len(err.strip().splitlines()) == 1
    code, out, err = run_cli(capsys, "predict", songs["mp3"], "--model", tmp_path)
    assert code == 2 and "no SavedModel" in err


def test_console_script_bad_files_never_show_a_traceback(pushed_model, songs):
    script = os.path.join(os.path.dirname(sys.executable), "mtat-tagger")
    if not os.path.exists(script):
        pytest.skip("the mtat-tagger console script is not installed (pip install -e .)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}  # as a user's shell has it
    env.update(TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2")
    cmd = [script, "predict"]
    proc = subprocess.run(cmd + [songs["missing"], songs["text"], "--model", pushed_model],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "Warning" not in proc.stderr  # no third-party notices (google.api_core's FutureWarning)
    assert "error: file not found" in proc.stderr and "error: not decodable as audio" in proc.stderr


# ------------------------------------------------------------------------------------------
# index


@pytest.fixture()
def library(catalog_audio_dir, tmp_path):
    """A writable copy of the catalog folder plus one broken file and one non-audio file."""
    root = tmp_path / "library"
    shutil.copytree(catalog_audio_dir, root)
    (root / "broken").mkdir()
    (root / "broken" / "bad.mp3").write_bytes(b"ID3" + bytes(300))
    (root / "readme.txt").write_text("tried with the decoder, rejected: not audio")
    return root


def catalog_paths(path):
    return pq.read_table(path, columns=["path"]).column("path").to_pylist()


def test_index_tags_every_file_once(capsys, pushed_model, tagger, library, tmp_path):
    out = tmp_path / "cat" / "catalog.parquet"
    code, stdout, err = run_cli(capsys, "index", library, "--out", out, "--model", pushed_model, "--workers", 2)
    assert code == 0, err
    good = sorted(os.path.relpath(p, library) for p in glob.glob(str(library / "*" / "*.mp3")) if "broken" not in p)
    cat = read_catalog(str(out))
    assert cat.keys == good  # sorted, each once, the broken file absent
    assert cat.tags == tagger.tags and cat.probabilities.shape == (len(good), 50)
    assert cat.embeddings.shape == (len(good), tagger.embedding_dim)
    assert cat.meta["model_version"] == "1" and cat.meta["model_dir"] == pushed_model
    assert cat.meta["root"] == str(library) and cat.meta["files"] == len(good)
    assert [(r["path"], r["reason"]) for r in cat.meta["rejects"]] == [("broken/bad.mp3", "undecodable"),
                                                                       ("readme.txt", "not_audio")]
    assert cat.meta["files_seen"] == len(good) + 2
    assert "    broken/bad.mp3: not decodable as audio: a corrupt or truncated MP3 file" in err
    assert (f"indexed {len(good)}, skipped unchanged 0, rejected 2 (not_audio 1, undecodable 1), "
            f"files seen {len(good) + 2}: {len(good)} song(s) in {out}") in stdout
    table = pq.read_table(out).to_pydict()
    assert set(table) == {"path", "abs_path", "duration", "short", "probabilities", "embedding", "joint", "applies",
                          "title", "artist", "album", "size", "mtime_ns", "model_version", "model_dir", "indexed_at"}
    assert not any(table["short"]) and "short (<" not in stdout  # 29 s songs
    from mtat.thresholds import applying

    assert cat.applies == [applying(cat.tags, p, tagger.thresholds) for p in cat.probabilities]
    assert table["abs_path"][0] == str(library / good[0])
    pred = tagger.predict_file(str(library / good[0]))
    np.testing.assert_allclose(cat.probabilities[0], pred.probabilities, atol=1e-5)
    np.testing.assert_allclose(cat.embeddings[0], pred.embedding, atol=1e-5)
    assert table["duration"][0] == pytest.approx(29.124, abs=0.01)
    assert not os.path.exists(str(out) + ".parts")


def test_interrupted_index_resumes_without_duplicates(capsys, pushed_model, library, tmp_path,
                                                     interrupt_next_index):
    out = tmp_path / "catalog.parquet"
    parts = str(out) + ".parts"
    args = ["index", library, "--out", out, "--model", pushed_model, "--part-size", 2, "--workers", 2]
    interrupt_next_index(5)
    code, stdout, err = run_cli(capsys, *args)
    assert code == 130 and "run the same command again to resume" in err
    assert not out.exists()
    saved = [p for part in glob.glob(os.path.join(parts, "part-*.parquet")) for p in catalog_paths(part)]
    assert len(saved) >= 4 and len(saved) == len(set(saved))
    # a kill in the middle of writing a part leaves a temporary file: ignored and removed
    open(os.path.join(parts, ".part-000099-dead.parquet.1234.tmp"), "wb").write(b"PAR1 half written")
    code, stdout, err = run_cli(capsys, *args)
    assert code == 0, err
    assert f"resuming: {len(saved)} file(s)" in err
    paths = catalog_paths(out)
    assert len(paths) == len(set(paths)) == 12
    assert f"indexed {12 - len(saved)}, skipped unchanged {len(saved)}, rejected 2" in stdout
    assert not os.path.exists(parts)


def test_rerun_indexes_only_new_files_and_drops_deleted_ones(capsys, pushed_model, library, tmp_path):
    out = tmp_path / "catalog.parquet"
    args = ["index", library, "--out", out, "--model", pushed_model]
    assert run_cli(capsys, *args)[0] == 0
    first = read_catalog(str(out))
    out_first = tmp_path / "first.parquet"
    shutil.copy(out, out_first)
    victim, newcomer = library / first.keys[0], library / "new" / "added.mp3"
    newcomer.parent.mkdir()
    shutil.copy(victim, newcomer)
    victim.unlink()
    code, stdout, err = run_cli(capsys, *args)
    assert code == 0 and "indexed 1, skipped unchanged 11, rejected 2" in stdout
    second = read_catalog(str(out))
    assert sorted(second.keys) == sorted(first.keys[1:] + ["new/added.mp3"])
    before = dict(zip(first.keys, pq.read_table(out_first).column("indexed_at").to_pylist()))
    after = dict(zip(second.keys, pq.read_table(out).column("indexed_at").to_pylist()))
    assert all(after[p] == before[p] for p in first.keys[1:])  # not indexed again


def test_other_model_version_is_not_mixed_in(capsys, pushed_model, library, tmp_path, interrupt_next_index):
    out = tmp_path / "catalog.parquet"
    interrupt_next_index(3)
    assert run_cli(capsys, "index", library, "--out", out, "--model", pushed_model)[0] == 130
    other = tmp_path / "models" / "tagger" / "2"
    shutil.copytree(pushed_model, other)
    code, stdout, err = run_cli(capsys, "index", library, "--out", out, "--model", other.parent)
    assert code == 2 and "cannot be resumed" in err and "version 1" in err and "--reindex" in err
    code, stdout, err = run_cli(capsys, "index", library, "--out", out, "--model", other.parent, "--reindex")
    assert code == 0, err
    cat = read_catalog(str(out))
    assert len(cat) == 12 and set(pq.read_table(out).column("model_version").to_pylist()) == {"2"}
    code, stdout, err = run_cli(capsys, "index", library, "--out", out, "--model", pushed_model)
    assert code == 2 and "cannot be extended" in err and "version 2" in err


def test_index_bad_folder_and_empty_folder(capsys, pushed_model, tmp_path):
    code, _, err = run_cli(capsys, "index", tmp_path / "nope", "--out", tmp_path / "c.parquet", "--model", pushed_model)
    assert code == 2 and "not a folder" in err
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli(capsys, "index", tmp_path / "empty", "--out", tmp_path / "c.parquet",
                           "--model", pushed_model)
    assert code == 2 and "holds no files" in err


# ------------------------------------------------------------------------------------------
# TF Serving (REST) client: serve-check and predict --server


class FakeTFServing(BaseHTTPRequestHandler):
    """TF Serving's REST API for one model: status, metadata and predict (row format)."""

    model = None
    name = "tagger"

    def log_message(self, *args):
        pass

    def _send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        name = self.path.split("/v1/models/", 1)[-1].split("/")[0]
        if name != self.name:
            return self._send(404, {"error": f"Could not find any versions of model {name}"})
        self._send(200, {"model_version_status": [{"version": "1", "state": "AVAILABLE",
                                                   "status": {"error_code": "OK", "error_message": ""}}]})

    def do_POST(self):
        target = self.path.split("/v1/models/", 1)[-1]
        name, _, verb = target.partition(":")
        if name != self.name or verb != "predict":
            return self._send(404, {"error": f"Servable not found for request: Latest({name})"})
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        instances = body.get("instances")
        if not instances or len({len(i) for i in instances}) != 1:
            return self._send(400, {"error": "Failed to process element: 1 of 'instances' list. Error: Invalid "
                                             "argument: Expecting tensors of equal length"})
        out = self.model.signatures["serving_default"](waveform=tf.constant(instances, tf.float32))
        probs, tags = out["probabilities"].numpy(), out["tags"].numpy()
        self._send(200, {"predictions": [{"probabilities": p.tolist(), "tags": [t.decode() for t in ts]}
                                         for p, ts in zip(probs, tags)]})


@pytest.fixture(scope="module")
def serving_url(raw_model):
    handler = type("Handler", (FakeTFServing,), {"model": raw_model})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_serve_check_prints_the_served_tags(capsys, serving_url, tagger, songs):
    code, out, err = run_cli(capsys, "serve-check", "--url", serving_url, "--model", "tagger", songs["wav"], "--top", 6)
    assert code == 0, err
    assert out.splitlines()[0] == f"TF Serving {serving_url}: model 'tagger', version 1 AVAILABLE"
    served = parse_human(out)[songs["wav"]]
    local = tagger.predict_file(songs["wav"]).top(tagger.tags, 6)
    assert [t for t, _ in served] == [t for t, _ in local]
    np.testing.assert_allclose([p for _, p in served], [p for _, p in local], atol=6e-4)


def test_predict_through_the_server_equals_local(capsys, serving_url, pushed_model, songs):
    files = [songs["mp3"], songs["ogg"], songs["missing"]]
    code, out, _ = run_cli(capsys, "predict", *files, "--server", serving_url, "--json")
    served = [json.loads(line) for line in out.splitlines()]
    code_local, out_local, _ = run_cli(capsys, "predict", *files, "--model", pushed_model, "--json")
    local = [json.loads(line) for line in out_local.splitlines()]
    assert code == code_local == 1 and [r["path"] for r in served] == files
    for remote, here in zip(served[:2], local[:2]):
        assert remote["top"] == here["top"]
        assert remote["tags"] == pytest.approx(here["tags"], abs=2e-5)
    assert "error" in served[2]


def test_server_errors_are_one_line(capsys, serving_url, songs):
    code, _, err = run_cli(capsys, "serve-check", "--url", serving_url, "--model", "nosuch", songs["mp3"])
    assert code == 2 and err.startswith("error: TF Serving at") and "has no model 'nosuch'" in err
    assert "Could not find any versions of model nosuch" in err and len(err.strip().splitlines()) == 1
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, err = run_cli(capsys, "serve-check", "--url", f"127.0.0.1:{port}", songs["mp3"])
    assert code == 2 and "connection refused" in err
    code, _, err = run_cli(capsys, "serve-check", "--url", serving_url, songs["text"])
    assert code == 2 and "not decodable as audio" in err
    code, _, err = run_cli(capsys, "predict", songs["mp3"], "--server", serving_url, "--plot", "x.png")
    assert code == 2 and "--plot needs the local model" in err


# ------------------------------------------------------------------------------------------
# short audio: predict warns, index flags it, search and similar leave it out unless asked

CLIP = "fx/blip.mp3"  # the 1 s sound effect of the short_audio_dir fixture


@pytest.fixture(scope="module")
def short_catalog(pushed_model, short_audio_dir, tmp_path_factory):
    """``index`` over three songs and a 1 s clip: (catalog path, what index printed)."""
    import contextlib
    import io

    out = str(tmp_path_factory.mktemp("short_index") / "catalog.parquet")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["index", short_audio_dir, "--out", out, "--model", pushed_model, "--no-progress", "--workers", "1"])
    assert code == 0
    return out, printed.getvalue()


def _clip_tag(cat) -> str:
    """The tag on which the clip leads the catalog by the widest margin (it tops that tag's search)."""
    clip = cat.keys.index(CLIP)
    others = np.delete(cat.probabilities, clip, axis=0).max(axis=0)
    margin = cat.probabilities[clip] - others
    assert margin.max() > 0, "the 1 s clip tops no tag"
    return cat.tags[int(np.argmax(margin))]


def test_predict_warns_about_short_audio(capsys, pushed_model, short_audio_dir):
    clip = os.path.join(short_audio_dir, CLIP)
    song = sorted(glob.glob(os.path.join(short_audio_dir, "*", "*.mp3")))[0]
    code, out, err = run_cli(capsys, "predict", clip, song, "--model", pushed_model, "--top", 3)
    assert code == 0 and list(parse_human(out)) == [clip, song]
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and warnings[0].startswith(f"warning: {clip}: 1.0")
    assert warnings[0].endswith(" s of audio: tags are unreliable below 3 s")
    code, out, err = run_cli(capsys, "predict", clip, song, "--model", pushed_model, "--json")
    short, full = (json.loads(line) for line in out.splitlines())
    assert short["short"] is True and short["warning"].endswith("tags are unreliable below 3 s")
    assert set(full) == {"path", "tags", "top", "applies"}  # a song of 29 s: no flag, no warning


def test_index_flags_short_songs(short_catalog):
    out, printed = short_catalog
    assert "1 short (< 3 s): tagged, left out of search by default" in printed
    table = pq.read_table(out).to_pydict()
    flags = dict(zip(table["path"], table["short"]))
    assert flags.pop(CLIP) is True and len(flags) == 3 and not any(flags.values())
    assert table["duration"][table["path"].index(CLIP)] == pytest.approx(1.0, abs=0.1)
    cat = read_catalog(out)
    assert cat.short.tolist() == [k == CLIP for k in cat.keys]


def test_search_and_similar_leave_the_short_clip_out(capsys, short_catalog, short_audio_dir):
    out, _ = short_catalog
    cat = read_catalog(out)
    tag = _clip_tag(cat)
    clip = os.path.join(short_audio_dir, CLIP)
    code, text, err = run_cli(capsys, "search", tag, "--catalog", out, "--top", 10, "--json")
    res = json.loads(text)
    assert code == 0 and res["short_excluded"] == 1 and len(res["results"]) == 3
    assert clip not in [r["path"] for r in res["results"]] and not any(r["short"] for r in res["results"])
    code, text, err = run_cli(capsys, "search", tag, "--catalog", out, "--top", 10, "--json", "--include-short")
    res = json.loads(text)
    assert res["short_excluded"] == 0 and res["results"][0]["path"] == clip and res["results"][0]["short"] is True
    code, text, err = run_cli(capsys, "search", tag, "--catalog", out)
    assert text.splitlines()[-1] == ("1 short song(s) (< 3 s, tags unreliable) left out: "
                                     "--include-short ranks them too")
    code, text, err = run_cli(capsys, "search", tag, "--catalog", out, "--include-short")
    assert clip in text.splitlines()[2] and text.splitlines()[2].endswith("(short)") and "left out" not in text
    # --tags and --like choose among the same songs
    code, text, _ = run_cli(capsys, "search", "--tags", tag, "--catalog", out, "--json")
    assert json.loads(text)["short_excluded"] == 1 and clip not in text
    code, text, _ = run_cli(capsys, "search", "--like", clip, "--catalog", out, "--json", "--include-short")
    assert json.loads(text)["short_excluded"] == 0 and len(json.loads(text)["results"]) == 3
    # similar: the clip is no neighbour unless asked for
    song = cat.paths[0]
    code, text, err = run_cli(capsys, "similar", song, "--catalog", out, "--json")
    res = json.loads(text)
    assert code == 0 and res["short_excluded"] == 1 and clip not in [r["path"] for r in res["results"]]
    code, text, err = run_cli(capsys, "similar", song, "--catalog", out, "--json", "--include-short")
    assert clip in [r["path"] for r in json.loads(text)["results"]]
    code, text, err = run_cli(capsys, "similar", clip, "--catalog", out, "--json")  # a short FILE is embedded, with a warning
    assert code == 0 and f"warning: {clip}: 1.0" in err and json.loads(text)["short_excluded"] == 0


def test_catalog_without_the_short_column_still_loads(capsys, short_catalog, tmp_path):
    out, _ = short_catalog
    table = pq.read_table(out)
    old = tmp_path / "old.parquet"
    pq.write_table(table.drop(["short"]).replace_schema_metadata(table.schema.metadata), old)
    cat = read_catalog(str(old))
    assert cat.short.tolist() == read_catalog(out).short.tolist() and cat.short.sum() == 1  # from duration
    code, text, err = run_cli(capsys, "search", _clip_tag(cat), "--catalog", old, "--json")
    assert code == 0 and json.loads(text)["short_excluded"] == 1


def test_a_model_without_thresholds_predicts_and_indexes_as_before(capsys, pushed_model, songs, tmp_path):
    """An older model_info.json (no thresholds): no applies anywhere, no marks, the catalog column is null."""
    old = tmp_path / "serving" / "tagger" / "1"
    shutil.copytree(pushed_model, old)
    info_path = old / "assets.extra" / "model_info.json"
    info = json.loads(info_path.read_text())
    info = {k: v for k, v in info.items() if not k.startswith("threshold")}
    info_path.write_text(json.dumps(info))
    code, out, _ = run_cli(capsys, "predict", songs["mp3"], "--model", old, "--json")
    assert code == 0 and set(json.loads(out)) == {"path", "tags", "top"}
    code, out, _ = run_cli(capsys, "predict", songs["mp3"], "--model", old)
    assert code == 0 and "applies" not in out and "*" not in out
    music = tmp_path / "music"
    music.mkdir()
    shutil.copy(songs["mp3"], music / "a.mp3")
    code, _, err = run_cli(capsys, "index", music, "--out", tmp_path / "c.parquet", "--model", old, "--no-progress")
    assert code == 0, err
    assert read_catalog(str(tmp_path / "c.parquet")).applies is None


def test_a_catalog_without_the_applies_column_still_loads(tmp_path):
    from mtat.search.catalog import write_catalog

    path = str(tmp_path / "old.parquet")
    write_catalog(path, ["a.mp3", "b.mp3"], [[0.1, 0.9], [0.8, 0.2]], ["piano", "vocals"])
    table = pq.read_table(path)
    pq.write_table(table.drop(["applies"]), path)  # the format before the column existed
    cat = read_catalog(path)
    assert cat.applies is None and cat.probabilities.shape == (2, 2)
