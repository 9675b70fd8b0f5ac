"""One hostile MTAT-style collection through the real AudioExampleGen executor, ``predict`` and ``index``.

The collection (built once per module in a temporary folder) mixes real sample MP3s with files
made here: a stereo 44.1 kHz WAV and a FLAC named ``.mp3``, digital silence, a 27.5 s clip
(shorter than the 29.12 s model window, longer than the 90 % truncation limit), a 2 s clip, a
10-minute MP3, a non-ASCII and a non-UTF-8 file name, random bytes, a truncated MP3, an empty
file, text, a folder and a named pipe named ``.mp3``, float WAVs with NaN and with 1e30 samples, a 1 Hz WAV, a
symlink and a symlinked folder pointing outside the root, a dangling symlink; and CSV rows with
``../``, an absolute path, tag values 2 and "x", a wrong field count, a duplicated clip_id and
path, a NUL byte, a stray quote, Latin-1 bytes, a non-integer clip_id, a folder in no split, a
blank line; the file has a UTF-8 BOM and CRLF line endings.

Asserted: every CSV data line ends up in exactly one of examples or rejects, with the expected
reason and a message naming the file or line; no NaN/Inf in any stored mel; the short clip is
zero-padded (``mtat.features.fit_to_clip``) and the long one cropped to its first window; paths
out of the root are never opened; ``predict`` prints one error line per bad file and tags the
rest; ``index`` lists every file under the root exactly once, as a row or a reject; a
10-minute file is decoded with the memory of a few windows by ingestion, ``predict`` and
``predict --server``.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import threading
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import numpy as np
import pyarrow.parquet as pq
import pytest
import soundfile as sf
import soxr
import tensorflow as tf
from tfx.types import standard_artifacts

import mtat.audio
from components.audio_example_gen import executor as ex
from components.audio_example_gen.component import AudioRejects
from components.audio_example_gen.transforms import ExtractFeaturesDoFn
from mtat.annotations import ANNOTATIONS_FILE, load_annotations
from mtat.audio import load_audio
from mtat.features import CLIP_ID_KEY, MEL_KEY, MelConfig, clip_log_mel, decode_mel
from mtat.search.catalog import read_catalog
from mtat.tagging import BATCH_WINDOWS, load_tagger
from tagger_cli import serve_check
from tagger_cli.main import main

CFG = MelConfig()
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SR = 16000
MIN_SECONDS = round(0.9 * CFG.clip_seconds, 3)  # AudioExampleGen's default truncation limit
TAGS = ("guitar", "piano", "quiet")
LONG_SECONDS = 600.0
SHORT_SECONDS = 27.5
TINY_SECONDS = 2.0
NON_UTF8 = os.fsdecode(b"7/caf\xe9.mp3")  # a Latin-1 file name, not valid UTF-8
NON_ASCII = "6/ü日本 clip é.mp3"

#: CSV data rows: (clip_id, mp3_path, expected outcome: "example" or the reject reason).
ROWS = [
    (1, "0/good-a.mp3", "example"),
    (2, "c/good-b.mp3", "example"),
    (3, "d/good-c.mp3", "example"),
    (4, "1/stereo44k-wav.mp3", "example"),
    (5, "2/flac-named.mp3", "example"),
    (6, "3/silence.mp3", "example"),
    (7, "4/short-27s.mp3", "example"),
    (8, "5/ten-minutes.mp3", "example"),
    (9, NON_ASCII, "example"),
    (10, "0/fifo.mp3", "not_a_file"),  # a named pipe: opening it would block forever
    (11, "8/two-seconds.mp3", "too_short"),
    (12, "9/random.mp3", "undecodable"),
    (13, "a/truncated.mp3", "too_short"),
    (14, "b/empty.mp3", "empty"),
    (15, "0/missing.mp3", "missing"),
    (16, "1/folder.mp3", "not_a_file"),
    (17, "2/link-out.mp3", "unsafe_path"),
    (18, "e/linkdir/secret.mp3", "unsafe_path"),
    (19, "3/text.mp3", "not_audio"),
    (20, "f/huge.wav", "out_of_range"),
    (21, "f/nan.wav", "non_finite"),
    (22, "f/one-hertz.wav", "undecodable"),
    (23, "9/dangling.mp3", "missing"),
    (24, "g/no-split.mp3", "no_split"),
    (25, "../outside/secret.mp3", "unsafe_path"),
    (26, "<ABSOLUTE>", "unsafe_path"),
    (1, "0/duplicate-id.mp3", "duplicate_clip_id"),
    (28, "0/good-a.mp3", "duplicate_path"),
]
#: Raw CSV lines (bytes, no line end) with their expected reject reason.
RAW_ROWS = [
    (b'"30"\t"2"\t"0"\t"0"\t"0/tag-two.mp3"', "bad_tag_value"),
    (b'"31"\t"x"\t"0"\t"0"\t"0/tag-x.mp3"', "bad_tag_value"),
    (b'"32"\t"1"\t"0"\t"0/three-fields.mp3"', "malformed_row"),
    (b'"33"\t"1"\t"0"\t"0"\t"0/nul\x00.mp3"', "malformed_row"),
    (b'"34"\t"1\t"0"\t"0"\t"0/stray-quote.mp3"', "malformed_row"),  # the quote must not eat the next line
    (b'"35"\t"1"\t"0"\t"0"\t"7/caf\xe9.mp3"', "bad_encoding"),
    (b'"3x6"\t"1"\t"0"\t"0"\t"0/bad-id.mp3"', "bad_clip_id"),
]
OUTSIDE_SECRET = "outside/secret.mp3"


def csv_line(values) -> bytes:
    return "\t".join(f'"{v}"' for v in values).encode("utf-8")


def tone(seconds: float, sr: int = SR) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


# ------------------------------------------------------------------------------------------
# the collection


@pytest.fixture(scope="module")
def hostile(sample_root, tmp_path_factory):
    """``{"root", "outside", "lines": {line: (clip_id, path, expected)}, "long", "thirty", "two_minutes"}``."""
    base = tmp_path_factory.mktemp("hostile")
    root, outside = base / "data", base / "outside"
    for d in "0123456789abcdefg":
        (root / d).mkdir(parents=True)
    outside.mkdir()
    faults = json.load(open(os.path.join(sample_root, "faults.json")))
    good = [os.path.join(sample_root, r.mp3_path) for r in load_annotations(sample_root).rows
            if str(r.clip_id) not in faults]
    decoded = [sf.read(p, dtype="float32")[0] for p in good[:24]]

    for rel, src in (("0/good-a.mp3", good[0]), ("c/good-b.mp3", good[1]), ("d/good-c.mp3", good[2]),
                     (NON_ASCII, good[3]), ("g/no-split.mp3", good[4])):
        shutil.copy(src, root / rel)
    shutil.copy(good[5], outside / "secret.mp3")  # a perfectly good MP3 out of bounds
    shutil.copy(good[6], root / NON_UTF8)
    y44 = soxr.resample(decoded[7], SR, 44100)
    sf.write(root / "1/stereo44k-wav.mp3", np.stack([y44, 0.5 * y44], axis=1), 44100, format="WAV")
    sf.write(root / "2/flac-named.mp3", soxr.resample(decoded[8], SR, 22050), 22050, format="FLAC")
    sf.write(root / "3/silence.mp3", np.zeros(int(29.2 * SR), np.float32), SR, format="MP3")
    sf.write(root / "4/short-27s.mp3", decoded[9][: int(SHORT_SECONDS * SR)], SR, format="MP3")
    sf.write(root / "8/two-seconds.mp3", decoded[10][: int(TINY_SECONDS * SR)], SR, format="MP3")
    long = np.resize(np.concatenate(decoded[11:24]), int(LONG_SECONDS * SR))  # 13 clips, repeated
    assert long.size == int(LONG_SECONDS * SR)
    sf.write(root / "5/ten-minutes.mp3", long, SR, format="MP3")
    sf.write(base / "thirty-seconds.mp3", long[: 30 * SR], SR, format="MP3")
    sf.write(base / "two-minutes.mp3", long[: 120 * SR], SR, format="MP3")
    (root / "9/random.mp3").write_bytes(np.random.default_rng(0).bytes(20_000))
    data = open(good[11], "rb").read()
    (root / "a/truncated.mp3").write_bytes(data[: len(data) // 3])
    (root / "b/empty.mp3").write_bytes(b"")
    (root / "1/folder.mp3").mkdir()
    os.mkfifo(root / "0/fifo.mp3")
    (root / "2/link-out.mp3").symlink_to(outside / "secret.mp3")
    (root / "e/linkdir").symlink_to(outside, target_is_directory=True)
    (root / "3/text.mp3").write_text("<html><body>404 not found</body></html>\n" * 5)
    sf.write(root / "f/huge.wav", np.full(30 * SR, 1e30, np.float32), SR, subtype="FLOAT")
    nan = tone(30)
    nan[1000] = np.nan
    sf.write(root / "f/nan.wav", nan, SR, subtype="FLOAT")
    sf.write(root / "f/one-hertz.wav", tone(1, 1000)[:100], 1)
    (root / "9/dangling.mp3").symlink_to(root / "9" / "nowhere.mp3")

    lines = {}
    out = [b"\xef\xbb\xbf" + csv_line(["clip_id", *TAGS, "mp3_path"])]
    for i, (clip_id, rel, expected) in enumerate(ROWS):
        if rel == "<ABSOLUTE>":
            rel = str(outside / "secret.mp3")
        out.append(csv_line([clip_id, int(i % 3 == 0), int(i % 3 == 1), int(i % 3 == 2), rel]))
        lines[len(out)] = (str(clip_id), rel, expected)
        if i == 3:
            out.append(b"")  # a blank line: no row
    for raw, expected in RAW_ROWS:
        out.append(raw)
        lines[len(out)] = (raw.split(b"\t")[0].strip(b'"').decode(), None, expected)
        if expected == "malformed_row" and b"stray" in raw:
            out.append(csv_line([40, 1, 0, 0, "0/after-stray-quote.mp3"]))
            shutil.copy(good[12], root / "0/after-stray-quote.mp3")
            lines[len(out)] = ("40", "0/after-stray-quote.mp3", "example")
    (root / ANNOTATIONS_FILE).write_bytes(b"\r\n".join(out) + b"\r\n")
    return {"root": str(root), "outside": str(outside), "lines": lines,
            "long": str(root / "5/ten-minutes.mp3"), "thirty": str(base / "thirty-seconds.mp3"),
            "two_minutes": str(base / "two-minutes.mp3")}


class OpenSpy:
    """Records every path handed to ``open_audio`` (then opens it for real)."""

    def __init__(self, real):
        self.real, self.paths, self.lock = real, [], threading.Lock()

    def __call__(self, path):
        with self.lock:
            self.paths.append(os.path.realpath(os.fspath(path)))
        return self.real(path)


# ------------------------------------------------------------------------------------------
# AudioExampleGen


def read_examples(uri):
    files = sorted(glob.glob(os.path.join(uri, "Split-*", "*")))
    return [tf.train.Example.FromString(r.numpy()) for r in tf.data.TFRecordDataset(files)]


@pytest.fixture(scope="module")
def ingested(hostile, tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile_out")
    examples, rejects = standard_artifacts.Examples(), AudioRejects()
    examples.uri, rejects.uri = str(out / "examples"), str(out / "rejects")
    props = dict(data_root=hostile["root"], annotations_file=ANNOTATIONS_FILE, split_dir=None, top_k=50,
                 tags=None, mel_config=CFG.to_json(), min_seconds=MIN_SECONDS)
    spy = OpenSpy(mtat.audio.open_audio)
    with mock.patch.object(mtat.audio, "open_audio", spy):
        ex.Executor().Do({}, {"examples": [examples], "rejects": [rejects]}, props)
    report_path = os.path.join(rejects.uri, ex.REJECTS_FILE)
    return {"examples": read_examples(examples.uri), "rejects": ex.read_rejects(report_path),
            "report_path": report_path, "opened": spy.paths, "examples_uri": examples.uri}


def test_every_csv_line_is_an_example_or_a_reject_with_its_reason(hostile, ingested):
    lines = hostile["lines"]
    line_of_id = {cid: line for line, (cid, _, exp) in lines.items() if exp == "example"}
    example_lines = [line_of_id[str(e.features.feature[CLIP_ID_KEY].int64_list.value[0])]
                     for e in ingested["examples"]]
    reject_lines = [r["row"] for r in ingested["rejects"]]
    assert sorted(example_lines + reject_lines) == sorted(lines)  # each data line exactly once
    assert {line: "example" for line in example_lines} | {r["row"]: r["reason"] for r in ingested["rejects"]} == {
        line: exp for line, (_, _, exp) in lines.items()}
    assert ingested["report_path"].endswith(os.path.join("rejects", "rejects.jsonl"))
    for r in ingested["rejects"]:
        assert f"line {r['row']}" in r["message"], r
        if r["stage"] == "audio":  # decoding rejects name the file
            assert r["path"] and r["path"] in r["message"], r
    by_line = {r["row"]: r for r in ingested["rejects"]}
    tag_two = next(line for line, (cid, _, _) in lines.items() if cid == "30")
    assert "'guitar' has value '2'" in by_line[tag_two]["message"]
    assert "escapes the data root" in next(r["message"] for r in ingested["rejects"] if r["clip_id"] == "25")
    assert "implausible header: 1 Hz" in next(r["message"] for r in ingested["rejects"] if r["clip_id"] == "22")


def test_paths_out_of_the_root_are_never_opened(hostile, ingested):
    opened = set(ingested["opened"])
    root = os.path.realpath(hostile["root"])
    assert os.path.realpath(os.path.join(root, "0/good-a.mp3")) in opened  # the spy saw the decoding
    assert not any(p.startswith(os.path.realpath(hostile["outside"])) for p in opened)
    assert all(p.startswith(root + os.sep) for p in opened)
    symlinked = [r for r in ingested["rejects"] if r["clip_id"] in ("17", "18")]
    assert [r["stage"] for r in symlinked] == ["audio", "audio"]
    assert all("resolves outside the data root" in r["message"] for r in symlinked)


def test_stored_mels_are_finite_padded_and_cropped(hostile, ingested):
    mels = {e.features.feature["mp3_path"].bytes_list.value[0].decode():
            decode_mel(e.features.feature[MEL_KEY].bytes_list.value[0], CFG) for e in ingested["examples"]}
    assert NON_ASCII in mels
    for path, mel in mels.items():
        assert mel.shape == CFG.mel_shape and np.all(np.isfinite(mel)), path
    assert mels["3/silence.mp3"].max() <= -99.0  # digital silence: the -100 dB floor, never -inf
    short = mels["4/short-27s.mp3"]  # zero-padded at its end to the window (fit_to_clip)
    first_padded = int(np.ceil((SHORT_SECONDS * CFG.sample_rate + CFG.n_fft) / CFG.hop_length)) + 1
    assert np.all(short[:, first_padded:] == -100.0)
    assert short[:, :first_padded - 10].mean() > -80.0
    long = mels["5/ten-minutes.mp3"]  # cropped to its first window
    head = load_audio(hostile["long"], CFG.sample_rate)[: CFG.clip_samples]
    np.testing.assert_allclose(long, clip_log_mel(head, CFG), atol=0.07)


def test_ingesting_a_ten_minute_file_needs_the_memory_of_a_clip(hostile):
    """tracemalloc sees NumPy's buffers (decoded blocks, resampled audio, mel): ~ one window, not the file."""
    dofn = ExtractFeaturesDoFn(hostile["root"], CFG.to_json(), MIN_SECONDS)
    dofn.setup()

    def peak(rel):
        record = {"clip_id": 1, "mp3_path": rel, "split": "train", "row": 2, "labels": [1, 0, 0]}
        tracemalloc.start()
        try:
            out = list(dofn.process(record))
            return tracemalloc.get_traced_memory()[1], out
        finally:
            tracemalloc.stop()

    shutil.copy(hostile["thirty"], os.path.join(hostile["root"], "5", "thirty.mp3"))
    try:
        peak_30, out_30 = peak("5/thirty.mp3")
        peak_600, out_600 = peak("5/ten-minutes.mp3")
    finally:
        os.remove(os.path.join(hostile["root"], "5", "thirty.mp3"))
    assert out_30[0][0] == out_600[0][0] == "train"  # both became examples
    whole_file = LONG_SECONDS * SR * 4  # the decoded 10 minutes alone: 38 MB
    assert peak_600 < 1.5 * peak_30 + 1e6 and peak_600 < whole_file / 5, (peak_30, peak_600)


# ------------------------------------------------------------------------------------------
# mtat-tagger predict / index


#: What predict says about each file of the collection: None (tagged) or a piece of the error line.
PREDICT = {
    "0/good-a.mp3": None, "1/stereo44k-wav.mp3": None, "2/flac-named.mp3": None, "3/silence.mp3": None,
    "4/short-27s.mp3": None, "8/two-seconds.mp3": None, "5/ten-minutes.mp3": None, NON_ASCII: None,
    NON_UTF8: None, "a/truncated.mp3": None,
    "9/random.mp3": "not decodable as audio", "b/empty.mp3": "empty file (0 bytes)",
    "0/missing.mp3": "file not found", "1/folder.mp3": "not a regular file", "0/fifo.mp3": "not a regular file",
    "3/text.mp3": "not decodable as audio",
    "f/huge.wav": "sample values up to 1e+30", "f/nan.wav": "NaN/Inf", "f/one-hertz.wav": "implausible header",
}


def test_predict_tags_good_files_and_gives_one_error_line_per_bad_file(capsys, hostile, pushed_model):
    files = [os.path.join(hostile["root"], rel) for rel in PREDICT]
    code = main(["predict", *files, "--model", pushed_model, "--json", "--top", "3", "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err  # 1: some file failed, the others are tagged
    rows = [json.loads(line) for line in out.splitlines()]
    shown = [mtat.audio.printable(f) for f in files]
    assert [r["path"] for r in rows] == shown  # every file once, in order
    assert "7/caf\\xe9.mp3" in shown[list(PREDICT).index(NON_UTF8)]
    error_lines = [line for line in err.splitlines() if line.startswith("error: ")]
    bad = [rel for rel, why in PREDICT.items() if why]
    assert len(error_lines) == len(bad) and f"{len(bad)} of {len(files)} file(s) failed" in err
    for (rel, why), path, row in zip(PREDICT.items(), shown, rows):
        if why is None:
            probs = np.array(list(row["tags"].values()))
            flagged = {"short", "warning"} if rel == "8/two-seconds.mp3" else set()  # under 3 s: tagged, with a warning
            assert set(row) == {"path", "tags", "top", "applies"} | flagged and np.all((probs >= 0) & (probs <= 1)), rel
        else:
            assert set(row) == {"path", "error"} and why in row["error"] and path in row["error"], rel
            assert sum(why in line and path in line for line in error_lines) >= 1, rel


def test_index_lists_every_file_once_as_a_row_or_a_reject(capsys, hostile, pushed_model, tmp_path):
    """Strict mode (--no-follow-symlinks): the links out of the root are refused, never opened."""
    root = hostile["root"]
    spy = OpenSpy(mtat.audio.open_audio)
    out = tmp_path / "catalog.parquet"
    with mock.patch.object(mtat.audio, "open_audio", spy):
        code = main(["index", root, "--out", str(out), "--model", pushed_model, "--workers", "2", "--no-progress",
                     "--no-follow-symlinks"])
    stdout, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err
    cat = read_catalog(str(out))
    rejects = {r["path"]: r["reason"] for r in cat.meta["rejects"]}
    expected_rejects = {"9/random.mp3": "undecodable", "b/empty.mp3": "empty", "3/text.mp3": "not_audio",
                        "f/huge.wav": "out_of_range", "f/nan.wav": "non_finite", "f/one-hertz.wav": "undecodable",
                        "2/link-out.mp3": "unsafe_path", "e/linkdir/": "unsafe_path", "9/dangling.mp3": "missing",
                        "7/caf\\xe9.mp3": "bad_name", "0/fifo.mp3": "not_a_file", ANNOTATIONS_FILE: "not_audio"}
    assert rejects == expected_rejects
    listed = sorted(mtat.audio.printable(os.path.relpath(os.path.join(d, f), root))
                    for d, _, fs in os.walk(root) for f in fs) + ["e/linkdir/"]  # a folder link: one entry
    assert sorted(cat.keys + list(rejects)) == sorted(listed)  # each file under the root exactly once
    assert len(cat.keys) == len(listed) - len(rejects) and not set(cat.keys) & set(rejects)
    assert cat.meta["files_seen"] == len(listed)
    assert f"rejected {len(rejects)} (" in stdout and f"files seen {len(listed)}" in stdout
    assert all(f"    {p}: " in err for p in rejects)
    assert np.all(np.isfinite(cat.probabilities)) and np.all(np.isfinite(cat.embeddings))
    table = pq.read_table(out, columns=["path", "duration"]).to_pydict()
    durations = dict(zip(table["path"], table["duration"]))
    assert durations["5/ten-minutes.mp3"] == pytest.approx(LONG_SECONDS, abs=0.1)
    assert durations["8/two-seconds.mp3"] == pytest.approx(TINY_SECONDS, abs=0.1)  # tagged, its window filled by repeating it
    assert cat.short.tolist() == [k == "8/two-seconds.mp3" for k in cat.keys]  # ... and flagged short
    assert "1 short (< 3 s): tagged, left out of search by default" in stdout
    outside = os.path.realpath(hostile["outside"])
    assert spy.paths and not any(p.startswith(outside) for p in spy.paths)
    assert os.path.realpath(os.path.join(root, "9/dangling.mp3")) not in spy.paths


def test_predict_streams_a_ten_minute_file_in_bounded_memory(hostile, pushed_model):
    """tracemalloc sees NumPy's buffers: predict holds one batch of windows, not the decoded file."""
    tagger = load_tagger(pushed_model)
    tagger.predict_file(hostile["thirty"])  # warm up (first-call allocations)

    def peak(path):
        tracemalloc.start()
        try:
            pred = tagger.predict_file(path)
            return tracemalloc.get_traced_memory()[1], pred
        finally:
            tracemalloc.stop()

    peak_30, _ = peak(hostile["thirty"])
    peak_600, pred = peak(hostile["long"])
    assert pred.duration == pytest.approx(LONG_SECONDS, abs=0.1) and pred.window_probabilities.shape[0] == 21
    batch_bytes = BATCH_WINDOWS * CFG.clip_samples * 4  # one batch of windows (5.6 MB)
    whole_file = LONG_SECONDS * (SR + CFG.sample_rate) * 4  # decoded + resampled 10 minutes: 67 MB
    # measured: 8.4 MB (30 s: one batch of 2 windows) vs 20.7 MB (10 min: full batches of 4, two copies each)
    assert peak_600 < peak_30 + 3 * batch_bytes and peak_600 < whole_file / 2, (peak_30, peak_600)


class RecordingTFServing(BaseHTTPRequestHandler):
    """TF Serving's REST predict over the real SavedModel; records each request's instance lengths."""

    model = None
    requests: list = []

    def log_message(self, *args):
        pass

    def _send(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._send({"model_version_status": [{"version": "1", "state": "AVAILABLE"}]})

    def do_POST(self):
        instances = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["instances"]
        self.requests.append([len(i) for i in instances])
        out = self.model.signatures["serving_default"](waveform=tf.constant(instances, tf.float32))
        self._send({"predictions": [{"probabilities": p.tolist(), "tags": [t.decode() for t in ts]}
                                    for p, ts in zip(out["probabilities"].numpy(), out["tags"].numpy())]})


#: Runs the CLI in a child process and prints the child's peak RSS (VmHWM, kB) as the last stderr
#: line (not getrusage's ru_maxrss: Linux carries the parent's peak over fork + exec into it).
CLI_WITH_PEAK_RSS = (
    "import re, sys\n"
    "from tagger_cli.main import main\n"
    "code = main(sys.argv[1:])\n"
    "print(re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1), file=sys.stderr)\n"
    "sys.exit(code)\n")


def cli_peak_rss(*argv):
    """(exit code, stdout, peak RSS in bytes) of ``mtat-tagger ARGV`` in a fresh process."""
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.run([sys.executable, "-c", CLI_WITH_PEAK_RSS, *argv], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, int(proc.stderr.strip().splitlines()[-1]) * 1024


@pytest.fixture(scope="module")
def serving(pushed_model):
    handler = type("Handler", (RecordingTFServing,), {"model": tf.saved_model.load(pushed_model), "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests
    server.shutdown()
    server.server_close()


def test_predict_server_streams_a_ten_minute_file(hostile, pushed_model, serving):
    """``predict --server`` (its own process: its peak RSS is measured) sends windows while decoding.

    Its peak is the JSON of one request (2 windows, ~40 MB of Python floats and text), the same for
    2 and for 10 minutes; decoding whole files would add 0.8 x 67 MB for the longer one (measured
    here: 134 MB vs 128 MB streamed; 123 MB vs 192 MB with ``load_audio`` on the whole file).
    """
    url, requests = serving
    code_120, _, rss_120 = cli_peak_rss("predict", hostile["two_minutes"], "--server", url, "--json")
    del requests[:]
    code, out, rss_600 = cli_peak_rss("predict", hostile["long"], "--server", url, "--json")
    assert code == code_120 == 0
    window = CFG.clip_samples
    assert len(requests) == 11  # 21 windows, INSTANCES_PER_REQUEST (2) per request
    assert all(len(r) <= serve_check.INSTANCES_PER_REQUEST and set(r) == {window} for r in requests)
    assert rss_600 - rss_120 < 15e6, (rss_120, rss_600)
    tagger = load_tagger(pushed_model)
    local = dict(zip(tagger.tags, tagger.predict_file(hostile["long"]).probabilities.tolist()))
    assert json.loads(out)["tags"] == pytest.approx(local, abs=2e-5)  # the numbers of the local model


def test_serve_check_sends_a_ten_minute_file_window_by_window_and_names_a_bad_one(capsys, hostile, serving):
    url, requests = serving
    del requests[:]
    code = main(["serve-check", "--url", url, hostile["long"], "--top", "3"])
    out, _ = capsys.readouterr()
    assert code == 0 and "(600.0 s)" in out and len(parse_top(out)) == 3
    assert len(requests) == 11 and max(len(r) for r in requests) <= serve_check.INSTANCES_PER_REQUEST
    code = main(["serve-check", "--url", url, os.path.join(hostile["root"], "f", "nan.wav")])
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith("error: decoded samples contain NaN/Inf") and "f/nan.wav" in err


def parse_top(out):
    return [line.split() for line in out.splitlines() if line.startswith("  ")]
