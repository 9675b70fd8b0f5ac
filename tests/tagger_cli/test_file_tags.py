"""Title, artist and album from the files' own tags (ID3, Vorbis comments in Ogg and FLAC), read by
``index`` into the catalog; catalogs written before those columns still load and gain them."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tagger_cli.file_tags import read_file_tags
from tagger_cli.main import main

RATE = 16000


def _tone(path: Path, seconds: float, fmt: str, subtype: str | None = None) -> Path:
    import soundfile as sf

    t = np.arange(int(seconds * RATE)) / RATE
    sf.write(str(path), (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), RATE, format=fmt, subtype=subtype)
    return path


def test_read_file_tags_of_each_container(tmp_path, write_tags):
    mp3 = write_tags(_tone(tmp_path / "a.mp3", 1, "MP3"), title="Harbour Lights", artist="Mira Okafor", album="Night Ferries")
    flac = write_tags(_tone(tmp_path / "b.flac", 1, "FLAC"), title="Glass Orchard", artist="  Mira\n Okafor ")
    ogg = write_tags(_tone(tmp_path / "c.ogg", 1, "OGG", "VORBIS"), title="Tide", album="Night Ferries")
    wav = _tone(tmp_path / "d.wav", 1, "WAV")
    text = tmp_path / "notes.mp3"
    text.write_text("not audio\n" * 20)
    assert read_file_tags(str(mp3)) == {"title": "Harbour Lights", "artist": "Mira Okafor", "album": "Night Ferries"}
    assert read_file_tags(str(flac)) == {"title": "Glass Orchard", "artist": "Mira Okafor", "album": None}
    assert read_file_tags(str(ogg)) == {"title": "Tide", "artist": None, "album": "Night Ferries"}
    for untagged in (wav, text, tmp_path / "missing.mp3"):
        assert read_file_tags(str(untagged)) == {"title": None, "artist": None, "album": None}


def test_index_stores_file_tags_and_old_catalogs_gain_them(pushed_model, tmp_path, capsys, write_tags):
    import pyarrow.parquet as pq

    from mtat.search.catalog import FILE_TAG_COLUMNS, META_KEY, read_catalog

    music = tmp_path / "music"
    music.mkdir()
    write_tags(_tone(music / "a.mp3", 4, "MP3"), title="Harbour Lights", artist="Mira Okafor", album="Night Ferries")
    write_tags(_tone(music / "b.flac", 4, "FLAC"), title="Glass Orchard")
    _tone(music / "c.wav", 4, "WAV")
    out = str(tmp_path / "catalog.parquet")
    args = ["index", str(music), "--out", out, "--model", pushed_model, "--no-progress", "--workers", "1"]
    assert main(args) == 0
    cat = read_catalog(out)
    assert cat.keys == ["a.mp3", "b.flac", "c.wav"]
    assert cat.file_tags == [{"title": "Harbour Lights", "artist": "Mira Okafor", "album": "Night Ferries"},
                             {"title": "Glass Orchard", "artist": None, "album": None},
                             {"title": None, "artist": None, "album": None}]
    assert cat.durations == pytest.approx([4.0, 4.0, 4.0], abs=0.1)

    # a catalog written before the columns: loads (no tags known), and the next run reads them for its rows
    table = pq.read_table(out)
    keep = [name for name in table.column_names if name not in FILE_TAG_COLUMNS]
    old = table.select(keep).replace_schema_metadata({META_KEY: table.schema.metadata[META_KEY]})
    pq.write_table(old, out)
    before = read_catalog(out)
    assert [t["title"] for t in before.file_tags] == [None, None, None]
    assert before.probabilities == pytest.approx(cat.probabilities)
    from tagger_cli.web.service import WebService

    song = WebService(before).song_info(0)  # the web page serves it: no names, the file's length
    assert song == {"id": 0, "path": "a.mp3", "title": None, "artist": None, "album": None,
                    "duration": pytest.approx(4.0, abs=0.1), "audio_url": "/audio/0"}
    capsys.readouterr()
    assert main(args) == 0  # nothing changed: no file is tagged again, the rows gain their tags
    assert "indexed 0, skipped unchanged 3" in capsys.readouterr().out
    again = read_catalog(out)
    assert again.file_tags == cat.file_tags and np.array_equal(again.probabilities, before.probabilities)
