"""One song, one set of numbers: the catalog's probabilities (index), the result list and the taggram
of the web page agree for a file of 0.01 s, 1 s, 29 s and 10 min (a short file's taggram is its
clip-level prediction; see tagger_cli.taggram)."""
from __future__ import annotations

import glob
import os

import numpy as np
import pytest

from tagger_cli.main import main

#: name -> seconds of the clips cut from (or looped out of) one catalog song
CLIPS = {"blip.wav": 0.01, "second.wav": 1.0, "song.wav": None, "long.flac": 600.0}


@pytest.fixture(scope="module")
def indexed(pushed_model, catalog_audio_dir, tmp_path_factory):
    import soundfile as sf

    from mtat.search.catalog import read_catalog
    from mtat.tagging import load_tagger
    from tagger_cli.web.service import WebService

    src = sorted(glob.glob(os.path.join(catalog_audio_dir, "*", "*.mp3")))[0]
    y, sr = sf.read(src, dtype="float32")
    music = tmp_path_factory.mktemp("one_path") / "music"
    music.mkdir()
    for name, seconds in CLIPS.items():
        n = len(y) if seconds is None else int(round(seconds * sr))
        sf.write(str(music / name), np.resize(y, n), sr)
    out = str(music.parent / "catalog.parquet")
    assert main(["index", str(music), "--out", out, "--model", pushed_model, "--no-progress", "--workers", "1"]) == 0
    cat = read_catalog(out)
    return WebService(cat, load_tagger(pushed_model)), cat


@pytest.mark.parametrize("name", list(CLIPS))
def test_catalog_list_and_taggram_agree(indexed, name):
    service, cat = indexed
    i = cat.keys.index(name)
    t = service.taggram(i)
    listed = cat.top_tags(i, len(t["tags"]))
    # the taggram's rows are the song's most probable tags with the catalog's numbers
    assert t["probabilities"] == pytest.approx(list(listed.values()), abs=2e-4)
    assert {tag: p for tag, p in zip(t["tags"], t["probabilities"])} == pytest.approx(
        {tag: listed[tag] for tag in t["tags"] if tag in listed}, abs=2e-4)
    values = np.asarray(t["values"])
    seconds = CLIPS[name] or 29.1
    assert t["duration"] == pytest.approx(seconds, abs=0.05)
    if cat.short[i]:  # one column spanning the file: the clip-level numbers themselves
        assert values.shape == (len(t["tags"]), 1) and t["starts"] == [0.0]
        assert t["window_seconds"] == pytest.approx(seconds, abs=0.01)
        assert values[:, 0] == pytest.approx(t["probabilities"], abs=1e-3)
        assert values.max() == pytest.approx(max(listed.values()), abs=1e-3)
    else:  # 3 s segments over the whole file
        assert values.shape[1] > 10 and t["starts"][-1] + t["window_seconds"] == pytest.approx(seconds, abs=0.1)
        assert np.all((values >= 0) & (values <= 1))
