"""Tests of the sample_music package: MTAT layout, decodable MP3s, tags that follow the music,
determinism across runs and worker counts, the deliberate faults, and the CLI."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import sample_music as sd
from mtat.annotations import ANNOTATIONS_FILE
from mtat.tags import MTAT_TAGS

CLIPS, SEED = 24, 7
REPO = Path(__file__).resolve().parents[2]
HEADER = ["clip_id", *MTAT_TAGS, "mp3_path"]
PATH_RE = re.compile(r"^[0-9a-f]/[a-z0-9_]+-[a-z0-9_]+-\d\d-[a-z0-9_]+-\d+-\d+\.mp3$")
VOICES = {52, 53}

#: Tags a clip of a style must never carry (its music has no such sound).
FORBIDDEN = {
    "piano": {"sitar", "guitar", "drums", "techno", "vocal", "choir", "violin", "flute"},
    "strings": {"sitar", "piano", "guitar", "drums", "techno", "vocal"},
    "harpsichord": {"sitar", "piano", "guitar", "drums", "techno", "vocal", "harp"},
    "rock": {"classical", "sitar", "piano", "harpsichord", "flute", "choir", "techno", "ambient"},
    "techno": {"classical", "sitar", "piano", "violin", "harpsichord", "choir", "guitar", "vocal"},
    "ambient": {"drums", "guitar", "rock", "techno", "sitar", "vocal", "loud"},
    "choir": {"drums", "guitar", "techno", "sitar", "rock", "opera"},
    "indian": {"piano", "guitar", "rock", "techno", "vocal", "choir", "classical"},
    "flute": {"drums", "guitar", "rock", "techno", "sitar", "vocal"},
    "country": {"classical", "sitar", "piano", "techno", "choir", "synth"},
    "harp": {"drums", "guitar", "sitar", "vocal", "techno", "piano"},
    "pop": {"classical", "sitar", "harpsichord", "choir", "techno", "no vocals"},
    "opera": {"drums", "guitar", "sitar", "techno", "rock", "no vocals"},
    "weird": {"drums", "guitar", "piano", "vocal", "classical"},
    "guitar": {"drums", "piano", "sitar", "vocal", "techno", "rock"},
}


def read_csv(path: Path) -> list[list[str]]:
    """Rows of a fully quoted TSV, quotes stripped (asserting every field is quoted)."""
    text = path.read_text(encoding="utf-8")
    assert "\r" not in text and text.endswith("\n")
    rows = []
    for line in text[:-1].split("\n"):
        fields = line.split("\t")
        assert all(len(f) >= 2 and f[0] == f[-1] == '"' and '"' not in f[1:-1] for f in fields), line[:200]
        rows.append([f[1:-1] for f in fields])
    return rows


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> tuple[Path, dict]:
    """One small data set (with faults) rendered by two worker processes."""
    out = tmp_path_factory.mktemp("mtat_sample")
    return out, sd.generate(out, clips=CLIPS, seed=SEED, faults=True, workers=2, progress=False)


@pytest.fixture(scope="module")
def rows(data) -> list[list[str]]:
    return read_csv(data[0] / ANNOTATIONS_FILE)


def test_summary(data):
    _, summary = data
    assert summary["clips"] == CLIPS + len(sd.FAULT_KINDS) and summary["good"] == CLIPS
    assert sorted(summary["faults"].values()) == sorted(sd.FAULT_KINDS)
    assert set(summary["styles"].values()) == set(sd.STYLES)  # 24 clips cover all 15 styles
    assert summary["seconds"] > 0


def test_csv_layout(rows):
    assert rows[0] == HEADER
    body = rows[1:]
    assert len(body) == CLIPS + len(sd.FAULT_KINDS)
    assert all(len(r) == len(HEADER) == 190 for r in body)
    ids = [int(r[0]) for r in body]
    assert ids[0] == 2 and all(b > a for a, b in zip(ids, ids[1:]))
    assert all(v in ("0", "1") for r in body for v in r[1:-1])
    paths = [r[-1] for r in body]
    assert all(PATH_RE.match(p) for p in paths), paths
    assert len(set(paths)) == len(paths)
    assert [p[0] for p in paths] == [sd.FOLDERS[i % 16] for i in range(len(paths))]
    assert sum(v == "1" for r in body for v in r[1:-1]) > 2 * len(body)


def test_mp3s_decode_as_mtat_clips(data, rows):
    out, summary = data
    for r in rows[1:]:
        if int(r[0]) in summary["faults"]:
            continue
        path = out / r[-1]
        assert path.is_file()
        assert 60_000 < path.stat().st_size < 200_000  # ~32 kbps
        x, sr = sf.read(path, dtype="float32")
        assert sr == 16_000 and x.ndim == 1
        assert abs(len(x) / sr - 29.1) <= 0.2
        rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))
        assert 0.01 < rms < 0.5 and np.abs(x).max() <= 1.0


def test_tags_follow_style(data, rows):
    _, summary = data
    for index, r in enumerate(rows[1:]):
        style = summary["styles"][int(r[0])]
        assert style == sd.style_of(index)
        tags = {t for t, v in zip(MTAT_TAGS, r[1:-1]) if v == "1"}
        assert not tags & FORBIDDEN[style], (style, tags & FORBIDDEN[style])
        assert tags <= set(sd.compose(SEED, index).tag_probs)
        assert tags == set(sd.draw_labels(SEED, index, sd.compose(SEED, index).tag_probs))


def test_tags_match_rendered_instruments():
    """Over many compositions: instrument tags <-> General MIDI presets actually played."""
    for seed in (0, 1):
        for index in range(75):
            comp = sd.compose(seed, index)
            probs, score = comp.tag_probs, comp.score
            presets = score.presets()
            assert set(probs) <= set(MTAT_TAGS)
            for tag, wanted in (("piano", {0, 1, 4}), ("harpsichord", {6}), ("sitar", {104}),
                                ("flute", {73}), ("harp", {46}), ("cello", {42}), ("banjo", {105}),
                                ("choir", VOICES), ("vocal", VOICES), ("violin", {40, 110}),
                                ("metal", {30}), ("guitar", set(range(24, 32)))):
                assert (tag in probs) <= bool(presets & wanted), (comp.style, tag, presets)
            for preset, tag in ((104, "sitar"), (6, "harpsichord"), (73, "flute"), (46, "harp"),
                                (42, "cello"), (0, "piano"), (52, "vocal"), (53, "vocal"), (30, "guitar"),
                                (24, "guitar")):
                assert (preset in presets) <= (tag in probs), (comp.style, preset, tag)
            assert ("no vocals" in probs) <= (not presets & VOICES)
            assert ("drums" in probs) <= score.has_drums()
            voice_keys = [k for _, _, chan, k, _ in score.notes
                          if chan in score.channels and score.channels[chan][:2] in ((0, 52), (0, 53))]
            assert not ("female" in probs and "male" in probs)
            if "female" in probs:
                assert min(voice_keys) >= 60
            if "male" in probs:
                assert max(voice_keys) <= 69
            assert (("fast" in probs) <= (score.bpm >= 120)) and (("slow" in probs) <= (score.bpm <= 84))
            assert ("loud" in probs) <= (comp.level == "loud")
            assert ("quiet" in probs) <= (comp.level == "quiet")


def test_every_split_sees_every_style():
    styles = {"train": set(), "valid": set(), "test": set()}
    for index in range(300):
        folder = sd.folder_of(index)
        split = "train" if folder in "0123456789ab" else "valid" if folder == "c" else "test"
        styles[split].add(sd.style_of(index))
    assert all(s == set(sd.STYLES) for s in styles.values())


def test_faults(data, rows):
    out, summary = data
    written = {int(k): v for k, v in json.loads((out / sd.FAULTS_FILE).read_text()).items()}
    assert written == summary["faults"]
    by_id = {int(r[0]): r for r in rows[1:]}
    paths = {kind: out / by_id[clip_id][-1] for clip_id, kind in written.items()}
    assert len({p.parent.name for p in paths.values()}) == len(sd.FAULT_KINDS)  # distinct folders
    assert paths["empty"].is_file() and paths["empty"].stat().st_size == 0
    assert not paths["missing"].exists()
    x, _ = sf.read(paths["truncated"])
    assert 0 < len(x) < 0.5 * sd.CLIP_SAMPLES
    for kind in ("not_audio", "empty"):
        with pytest.raises(sf.LibsndfileError):
            sf.read(paths[kind])


def test_deterministic_across_runs_and_workers(data, tmp_path):
    out, _ = data
    again = tmp_path / "again"
    sd.generate(again, clips=CLIPS, seed=SEED, faults=True, workers=1, progress=False)
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (out / rel).read_bytes() == (again / rel).read_bytes(), rel

    other = tmp_path / "other"
    sd.generate(other, clips=2, seed=SEED + 1, workers=1, progress=False)
    first, first_here = read_csv(other / ANNOTATIONS_FILE)[1], read_csv(out / ANNOTATIONS_FILE)[1]
    assert first[-1] != first_here[-1]
    assert (other / first[-1]).read_bytes() != (out / first_here[-1]).read_bytes()
    assert not (other / sd.FAULTS_FILE).exists()


def test_cli(tmp_path, capsys):
    assert sd.main([str(tmp_path), "--clips", "1", "--seed", "3", "--workers", "1", "--no-progress"]) == 0
    assert "wrote 1 rows (1 good clips, 0 faults)" in capsys.readouterr().out
    assert len(read_csv(tmp_path / ANNOTATIONS_FILE)) == 2
    assert sd.main([str(tmp_path), "--clips", "0"]) == 2


def test_python_m_sample_music(data, rows, tmp_path):
    """``python -m sample_music`` in a child process: its 2 clips are the first 2 of the same seed's set."""
    out, _ = data
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "sample_music", str(tmp_path), "--clips", "2", "--seed",
                           str(SEED), "--workers", "1", "--no-progress"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "wrote 2 rows (2 good clips, 0 faults)" in proc.stdout
    here = read_csv(tmp_path / ANNOTATIONS_FILE)
    assert here == rows[:3]
    for r in here[1:]:
        assert (tmp_path / r[-1]).read_bytes() == (out / r[-1]).read_bytes(), r[-1]


def test_missing_tinysoundfont_names_the_requirements_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tinysoundfont", None)  # makes ``import tinysoundfont`` fail
    with pytest.raises(ModuleNotFoundError, match=r"pip install --no-deps .*-r requirements-nodeps\.txt"):
        sd.generate(tmp_path, clips=1, seed=0, workers=1, progress=False)
    assert not list(tmp_path.rglob("*.mp3"))
    assert sd.main([str(tmp_path), "--clips", "1", "--workers", "1", "--no-progress"]) == 2
    assert "requirements-nodeps.txt" in capsys.readouterr().err
