"""Property-based tests (hypothesis) of the annotations parser and of the decode step.

(a) ``load_annotations`` on random lines (random field counts, quotes, NUL, tabs, non-ASCII,
invalid UTF-8 bytes, BOM, CRLF), on random headers and on random bytes: it returns or raises
:class:`AnnotationsError`, nothing else; every non-blank data line is a row or a reject with a
known reason and its line number, never both, never lost; rows built from a small vocabulary get
exactly the reason the documented check order gives.
(b) The decoders on random bytes, random truncations and random byte flips of a real MP3:
``load_audio`` (ingestion), ``stream_audio`` (predict) and the AudioExampleGen DoFn's per-clip
step. Only :class:`AudioError` with a known reason, or finite samples / a finite mel of the
configured shape; the DoFn never rejects with ``error`` (an unexpected exception).

Deterministic (``derandomize=True``, no example database) and bounded (~10-15 s in all).
"""
from __future__ import annotations

import os
import posixpath

import numpy as np
import pytest
import tensorflow as tf
from apache_beam.pvalue import TaggedOutput
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from components.audio_example_gen.transforms import REJECTS_TAG, ExtractFeaturesDoFn
from mtat.annotations import ANNOTATIONS_FILE, AnnotationsError, load_annotations, unsafe_path_reason
from mtat.audio import AudioError, load_audio, stream_audio
from mtat.features import MEL_KEY, MelConfig, decode_mel

CFG = MelConfig()
TAGS = ("guitar", "piano")
HEADER = b'"clip_id"\t"guitar"\t"piano"\t"mp3_path"'
ROW_REASONS = {"malformed_row", "bad_encoding", "bad_clip_id", "duplicate_clip_id", "unsafe_path",
               "duplicate_path", "bad_tag_value"}
AUDIO_REASONS = {"missing", "not_a_file", "empty", "undecodable", "not_audio", "unsupported_format", "unreadable",
                 "no_samples", "non_finite", "out_of_range", "too_short"}


def fuzz(n: int):
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def parse_bytes(scratch, data: bytes):
    (scratch / ANNOTATIONS_FILE).write_bytes(data)
    return load_annotations(str(scratch))


# ------------------------------------------------------------------------------------------
# (a) the annotations parser

#: Characters that matter to the parser (quotes, tabs, NUL, spaces, digits, path parts, other line
#: separators str.splitlines would split on, a BOM, non-ASCII), plus anything else.
_CHARS = st.one_of(st.sampled_from(list('"\t\x00 01 2x/.\\:\x0b\x0c\x1c\x85\u2028\ufeffé日')),
                   st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"))
_FIELD = st.text(_CHARS, max_size=12)


@st.composite
def text_line(draw) -> bytes:
    fields = draw(st.lists(_FIELD, max_size=7))
    quote = draw(st.booleans())
    return "\t".join(f'"{f}"' if quote else f for f in fields).encode("utf-8")


_LINE = st.one_of(text_line(), st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")))


def data_lines(lines: list[bytes]) -> list[int]:
    """Line numbers (header = 1) of the non-blank data lines: each must become a row or a reject."""
    return [i + 2 for i, line in enumerate(lines) if line.decode("utf-8", "surrogateescape").strip()]


def check_outcome(ann, expected_lines: list[int]) -> None:
    rows, rejects = ann.rows, ann.rejects
    assert sorted([r.row for r in rows] + [r.row for r in rejects]) == expected_lines  # each line exactly once
    for r in rejects:
        assert r.reason in ROW_REASONS and f"line {r.row}:" in r.message, r
    assert len({r.clip_id for r in rows}) == len(rows) and len({r.mp3_path for r in rows}) == len(rows)
    for r in rows:
        assert 0 <= r.clip_id < 2**63 and unsafe_path_reason(r.mp3_path) is None and r.tags <= set(TAGS)


@fuzz(300)
@given(lines=st.lists(_LINE, max_size=8), crlf=st.booleans(), bom=st.booleans())
def test_parser_random_lines_each_become_a_row_or_a_reject(scratch, lines, crlf, bom):
    end = b"\r\n" if crlf else b"\n"
    data = (b"\xef\xbb\xbf" if bom else b"") + end.join([HEADER, *lines]) + end
    ann = parse_bytes(scratch, data)
    assert ann.tag_columns == TAGS
    check_outcome(ann, data_lines(lines))


_IDS = st.sampled_from(["1", "2", "3", "x", "-1", " 2 ", "", "99999999999999999999", "٣"])
_VALUES = st.sampled_from(["0", "1", " 1 ", "2", "x", "", "0.0"])
_PATHS = st.sampled_from(["0/a.mp3", "0/b.mp3", "./0/a.mp3", "c/ü.mp3", "../a.mp3", "/abs.mp3", "0/../../x.mp3",
                          "gs://b/x.mp3", "a\\b.mp3", "", "  "])


@st.composite
def model_row(draw):
    fields = [draw(_IDS), draw(_VALUES), draw(_VALUES), draw(_PATHS)]
    cut = draw(st.sampled_from([None, None, None, 2, 5]))  # sometimes a field too few / too many
    if cut == 2:
        fields = fields[:3]
    elif cut == 5:
        fields = fields + ["extra"]
    return fields


def expected_outcome(rows):
    """The documented check order: fields, clip_id, duplicate id, path safety, duplicate path, tag values."""
    seen_ids, seen_paths, out = set(), set(), []
    for fields in rows:
        if len(fields) != 4:
            out.append("malformed_row")
            continue
        raw_id, path = fields[0].strip(), fields[3].strip()
        if not (raw_id.isascii() and raw_id.isdigit()) or int(raw_id) >= 2**63:
            out.append("bad_clip_id")
        elif int(raw_id) in seen_ids:
            out.append("duplicate_clip_id")
        elif unsafe_path_reason(path):
            out.append("unsafe_path")
        elif posixpath.normpath(path) in seen_paths:
            out.append("duplicate_path")
        elif any(v.strip() not in ("0", "1") for v in fields[1:3]):
            out.append("bad_tag_value")
        else:
            seen_ids.add(int(raw_id))
            seen_paths.add(posixpath.normpath(path))
            out.append("row")
    return out


@fuzz(300)
@given(rows=st.lists(model_row(), max_size=10))
def test_parser_gives_the_documented_reason_for_each_row(scratch, rows):
    lines = ["\t".join(f'"{f}"' for f in fields).encode() for fields in rows]
    ann = parse_bytes(scratch, b"\n".join([HEADER, *lines]) + b"\n")
    got = {r.row: "row" for r in ann.rows} | {r.row: r.reason for r in ann.rejects}
    assert [got[i + 2] for i in range(len(rows))] == expected_outcome(rows)
    check_outcome(ann, list(range(2, len(rows) + 2)))


@fuzz(200)
@given(header=st.lists(st.sampled_from(["clip_id", "mp3_path", "guitar", "piano", "", " clip_id ", "x,y", '"q']),
                       max_size=6),
       body=st.lists(_LINE, max_size=3))
def test_parser_random_headers_parse_or_raise_annotations_error(scratch, header, body):
    try:
        ann = parse_bytes(scratch, b"\n".join(["\t".join(header).encode(), *body]) + b"\n")
    except AnnotationsError as err:
        assert str(err).startswith(os.path.join(str(scratch), ANNOTATIONS_FILE))
        return
    assert "clip_id" in [h.strip() for h in header] and "mp3_path" in [h.strip() for h in header]
    assert ann.tag_columns and len(ann.rows) + len(ann.rejects) <= len(body)


@fuzz(200)
@given(data=st.binary(max_size=300))
def test_parser_random_bytes_parse_or_raise_annotations_error(scratch, data):
    try:
        parse_bytes(scratch, data)
    except AnnotationsError:
        pass


# ------------------------------------------------------------------------------------------
# (b) decoding


@pytest.fixture(scope="module")
def real_mp3(sample_root) -> bytes:
    """A real 29 s MP3 of the sample set (48 kB)."""
    from mtat.annotations import load_annotations as load

    row = load(sample_root).rows[0]
    with open(os.path.join(sample_root, row.mp3_path), "rb") as f:
        return f.read()


@pytest.fixture(scope="module")
def dofn(scratch):
    fn = ExtractFeaturesDoFn(str(scratch), CFG.to_json(), 0.0)  # min_seconds 0: every decodable input reaches the mel
    fn.setup()
    return fn


def check_decoders(scratch, dofn, data: bytes) -> None:
    path = scratch / "0" / "clip.mp3"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    try:  # ingestion's decoder
        wave = load_audio(path, CFG.sample_rate, max_seconds=CFG.clip_seconds + 1.0)
        assert wave.dtype == np.float32 and wave.ndim == 1 and wave.size > 0 and np.all(np.isfinite(wave))
    except AudioError as err:
        assert err.reason in AUDIO_REASONS and str(path) in str(err), err
    try:  # predict's streaming decoder
        blocks = list(stream_audio(str(path), CFG.sample_rate))
        assert all(b.dtype == np.float32 and np.all(np.isfinite(b)) for b in blocks)
    except AudioError as err:
        assert err.reason in AUDIO_REASONS and str(path) in str(err), err
    record = {"clip_id": 7, "mp3_path": "0/clip.mp3", "split": "train", "row": 2, "labels": [1, 0]}
    out = list(dofn.process(record))  # AudioExampleGen's per-clip step
    assert len(out) == 1
    event("rejected" if isinstance(out[0], TaggedOutput) else "example")
    if isinstance(out[0], TaggedOutput):
        reject = out[0].value
        assert out[0].tag == REJECTS_TAG and reject["reason"] in AUDIO_REASONS, reject
        assert reject["message"].startswith("line 2: ") and str(path) in reject["message"], reject
    else:
        split, serialized = out[0]
        example = tf.train.Example.FromString(serialized)
        mel = decode_mel(example.features.feature[MEL_KEY].bytes_list.value[0], CFG)
        assert split == "train" and mel.shape == CFG.mel_shape and np.all(np.isfinite(mel))


@fuzz(60)
@given(data=st.binary(max_size=4096))
def test_decoders_on_random_bytes(scratch, dofn, data):
    check_decoders(scratch, dofn, data)


@fuzz(60)
@given(fraction=st.floats(0.0, 1.0))
def test_decoders_on_truncated_mp3s(scratch, dofn, real_mp3, fraction):
    check_decoders(scratch, dofn, real_mp3[: int(fraction * len(real_mp3))])


@fuzz(80)
@given(flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255), st.booleans()), min_size=1, max_size=40))
def test_decoders_on_mp3s_with_flipped_bytes(scratch, dofn, real_mp3, flips):
    data = bytearray(real_mp3)
    for where, value, in_header in flips:  # half of the flips hit the first 600 bytes (ID3/Xing/first frames)
        data[int(where * (600 if in_header else len(data) - 1))] = value
    check_decoders(scratch, dofn, bytes(data))
