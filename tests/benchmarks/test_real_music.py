"""The real-music check set: its data file, the fetcher (apt-get download + dpkg -x) and the measures."""
from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import numpy as np
import pytest

from benchmarks import real_music as rm
from benchmarks import real_music_fetch as rmf
from mtat.search.catalog import Catalog
from mtat.tags import MTAT_TOP50

REPO = Path(__file__).resolve().parents[2]


# ---- the data file


def test_the_data_file_is_valid():
    data = rmf.load_data()  # raises on any problem
    assert rmf.problems(data) == []
    sets = data["sets"]
    for s in sets:
        assert s["style"].strip() and s["evidence"].strip() and s["tracks"], s["name"]
        assert set(s["plausible_top1"]) <= set(MTAT_TOP50), s["name"]
        assert (s["role"] == "music") == bool(s["plausible_top1"]), s["name"]
    for c in data["contrasts"]:
        assert set(c["tags"]) <= set(MTAT_TOP50)


def test_the_held_back_packages_are_nowhere_in_it():
    data = rmf.load_data()
    assert {"wesnoth-*-music", "nexuiz-music"} <= set(data["held_back"])
    text = rmf.DATA_FILE.read_text().lower()
    for s in data["sets"]:
        assert not rmf.is_held_back(s["package"], data["held_back"])
        assert "wesnoth" not in s["package"] and "nexuiz" not in s["package"]
    assert text.count("wesnoth") == 1 and text.count("nexuiz") == 1  # the held_back list only


def test_sizes_and_ci_sets_stay_small():
    data = rmf.load_data()
    assert sum(s.get("download_mb", 0) for s in data["sets"]) <= 600
    assert sum(s.get("max_tracks", 30) for s in data["sets"]) <= 260
    ci = [s for s in data["sets"] if s.get("ci")]
    assert ci and all(s["download_mb"] < 10 for s in ci)
    assert any(s["role"] == "effects" for s in ci)
    sides = {s["side"] for s in data["sets"]}
    assert {"classical", "electronic", "metal", "effects"} <= sides


def test_problems_names_each_mistake():
    data = {"held_back": ["wesnoth-*-music"], "sets": [
        {"name": "a", "package": "wesnoth-1.16-music", "style": "orchestral", "evidence": "x", "tracks": ["*"],
         "role": "music", "side": "classical", "plausible_top1": ["classical", "orchestra"]},
        {"name": "a", "package": "p", "style": "", "evidence": "x", "tracks": ["*"], "role": "noise",
         "side": "s", "plausible_top1": []}],
        "contrasts": [{"name": "c", "positive": ["classical"], "negative": ["nowhere"], "tags": ["synth", "xyz"]}]}
    text = " | ".join(rmf.problems(data))
    for expected in ("appears more than once", "held back", "'orchestra' is not one of the 50 tags",
                     "style is missing", "role must be", "'xyz' is not one of", "no set has side 'nowhere'"):
        assert expected in text, expected


def test_select_sets():
    data = rmf.load_data()
    assert [s["name"] for s in rmf.select_sets(data, ci=True)] == [s["name"] for s in data["sets"] if s.get("ci")]
    assert [s["name"] for s in rmf.select_sets(data, ["marsshooter-metal"])] == ["marsshooter-metal"]
    with pytest.raises(ValueError, match="unknown set"):
        rmf.select_sets(data, ["no-such-set"])


# ---- the fetcher, without the network


def test_tracks_are_capped_evenly_and_named_flat():
    assert rmf.evenly_spaced(list(range(10)), 4) == [0, 2, 5, 7]
    assert rmf.evenly_spaced([1, 2], 5) == [1, 2]
    assert rmf.track_names(["a/songs/x/song.ogg", "a/songs/y/guitar.ogg"]) == ["x__song.ogg", "y__guitar.ogg"]
    assert rmf.track_names(["a/b/one.ogg"]) == ["one.ogg"]
    assert [rmf.classify(n) for n in ("a.OGG", "b.opus", "c.xm", "d.mod", "e.it", "f.mid", "g.txt")] == \
        ["audio", "audio", "tracker", "tracker", "tracker", "midi", "other"]


def test_collect_tracks_links_audio_and_accounts_for_tracker_and_midi(tmp_path):
    root = tmp_path / "pkg" / "root"
    music = root / "usr/share/games/g/music"
    music.mkdir(parents=True)
    for name in ("a.ogg", "b.ogg", "c.ogg", "skip.ogg", "tune.xm", "song.mid", "readme.txt"):
        (music / name).write_bytes(b"x" * 10)
    spec = {"name": "g-music", "package": "g-data", "style": "s", "role": "music", "side": "x",
            "tracks": ["usr/share/games/g/music/*"], "exclude": ["*/skip.ogg"], "max_tracks": 2}
    man = rmf.collect_tracks(spec, root, tmp_path, "1.0", log=lambda s: None)
    assert man["counts"] == {"matched": 6, "audio": 3, "used": 2, "capped": 1, "tracker": 1, "midi": 1, "other": 1}
    out = tmp_path / "tracks" / "g-music"
    assert sorted(os.listdir(out)) == ["a.ogg", "b.ogg"]
    assert os.stat(out / "a.ogg").st_ino == os.stat(music / "a.ogg").st_ino  # a hard link, no copy
    assert {s["reason"] for s in man["skipped"]} == {"tracker", "midi"}
    assert rmf.read_manifest(tmp_path, "g-music") == man


def test_a_held_back_package_is_never_fetched(tmp_path, monkeypatch):
    monkeypatch.setattr(rmf.subprocess, "run", lambda *a, **k: pytest.fail("apt-get must not run"))
    spec = {"name": "w", "package": "wesnoth-1.16-music", "style": "s", "role": "music", "side": "x", "tracks": ["*"]}
    with pytest.raises(rmf.FetchError, match="held back"):
        rmf.fetch([spec], tmp_path, held_back=["wesnoth-*-music"], log=lambda s: None)


def test_missing_apt_get_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(rmf.shutil, "which", lambda tool: None)
    with pytest.raises(rmf.FetchError, match=r"apt-get not found: cannot download some-music-data"):
        rmf.fetch_package("some-music-data", "1.0-1", tmp_path, log=lambda s: None)


def test_a_failed_download_names_the_package(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "apt-get"
    fake.write_text("#!/bin/sh\necho 'E: Unable to locate package some-music-data' >&2\nexit 100\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    if shutil.which("dpkg") is None:  # the fetcher checks both tools before downloading
        (bin_dir / "dpkg").write_text("#!/bin/sh\nexit 1\n")
        (bin_dir / "dpkg").chmod(0o755)
    with pytest.raises(rmf.FetchError, match=r"downloading some-music-data=1\.0-1 failed .*Unable to locate package"):
        rmf.fetch_package("some-music-data", "1.0-1", tmp_path / "cache", log=lambda s: None)


def test_default_cache_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(rmf.CACHE_ENV, str(tmp_path / "rm"))
    assert rmf.default_cache() == tmp_path / "rm"
    monkeypatch.delenv(rmf.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert rmf.default_cache() == tmp_path / "xdg" / "mtat-tagger" / "real-music"


# ---- the measures


def _brute_auc(scores, labels):
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


def test_roc_auc():
    assert rm.roc_auc([0.9, 0.8, 0.1, 0.2], [True, True, False, False]) == 1.0
    assert rm.roc_auc([0.1, 0.2, 0.9, 0.8], [True, True, False, False]) == 0.0
    assert rm.roc_auc([0.5, 0.5], [True, False]) == 0.5
    assert np.isnan(rm.roc_auc([0.3, 0.4], [True, True]))
    rng = np.random.default_rng(0)
    s = np.round(rng.random(40), 1)  # ties on purpose
    y = rng.random(40) < 0.4
    assert rm.roc_auc(s, y) == pytest.approx(_brute_auc(s, y))


def test_top1_plausibility():
    tags = ["classical", "loud", "synth"]
    p = np.array([[0.9, 0.5, 0.1], [0.2, 0.8, 0.1], [0.1, 0.1, 0.7], [0.4, 0.4, 0.1]])
    assert rm.top1_tags(p, tags) == ["classical", "loud", "synth", "classical"]  # a tie: the first tag
    assert rm.top1_plausibility(p, tags, ["classical", "synth"]) == 0.75
    assert rm.top1_plausibility(p, tags, []) == 0.0
    assert np.isnan(rm.top1_plausibility(np.zeros((0, 3)), tags, ["loud"]))


def test_contrast_aucs_use_only_the_two_sides():
    tags = ["classical", "synth"]
    p = np.array([[0.9, 0.1], [0.8, 0.3], [0.2, 0.9], [0.1, 0.7], [0.95, 0.95]])
    sides = ["classical", "classical", "electronic", "electronic", "effects"]
    c = rm.contrast_aucs(p, tags, sides, {"positive": ["classical"], "negative": ["electronic"],
                                          "tags": ["classical", "synth", "metal"]})
    assert c["auc"] == {"classical": 1.0, "synth": 0.0}
    assert c["mean"] == 0.5 and c["absent"] == ["metal"]
    assert (c["positives"], c["negatives"]) == (2, 2)
    assert rm.effects_in_top([4, 0, 4, 2], sides, k=3) == 2


class _Hit:
    def __init__(self, row):
        self.row = row


class _Result:
    def __init__(self, rows):
        self.songs = [_Hit(r) for r in rows]


def test_evaluate_on_a_small_catalog():
    """Plausibility per set, contrasts and effects in the search results, from a hand-made catalog."""
    tags = ["classical", "synth", "loud", "quiet"]
    keys = ["orch/a.ogg", "orch/b.ogg", "elec/c.opus", "elec/d.opus", "fx/e.oga"]
    probs = np.array([[0.9, 0.1, 0.2, 0.3], [0.2, 0.1, 0.8, 0.1], [0.1, 0.9, 0.3, 0.1], [0.1, 0.8, 0.2, 0.1],
                      [0.1, 0.1, 0.1, 0.9]], dtype=np.float32)
    catalog = Catalog(source="x", paths=keys, tags=tags, probabilities=probs, embeddings=None, keys=keys,
                      meta={"rejects": [{"path": "fx/bad.oga", "reason": "undecodable"}],
                            "durations": {k: 60.0 for k in keys}})
    sets = [{"name": "orch", "package": "o", "style": "orchestral", "role": "music", "side": "classical",
             "plausible_top1": ["classical", "metal"]},
            {"name": "elec", "package": "e", "style": "electronic", "role": "music", "side": "electronic",
             "plausible_top1": ["synth"]},
            {"name": "fx", "package": "f", "style": "effects", "role": "effects", "side": "effects",
             "plausible_top1": []}]
    manifests = [{"version": "1", "counts": {"used": n, "tracker": t, "midi": 0, "capped": 0}}
                 for n, t in ((2, 0), (2, 0), (2, 3))]
    data = {"contrasts": [{"name": "cl", "positive": ["classical"], "negative": ["electronic"],
                           "tags": ["classical", "synth"]}], "searches": ["quiet"]}
    seen = []

    def search(cat, query, top):
        seen.append((query, len(cat)))
        return _Result(np.argsort(-cat.probabilities[:, cat.tags.index(query)])[:top])

    res = rm.evaluate(catalog, data, sets, manifests, search_fn=search)
    by = {s["set"]: s for s in res["sets"]}
    assert by["orch"]["plausibility"] == 0.5 and by["orch"]["plausible_absent"] == ["metal"]
    assert by["elec"]["plausibility"] == 1.0 and by["fx"]["plausibility"] is None
    assert by["fx"]["unreadable"] == 1 and by["fx"]["tracker"] == 3 and by["orch"]["minutes"] == 2.0
    assert (res["plausible_hits"], res["music_tracks"], res["plausibility"]) == (3, 4, 0.75)
    assert res["contrasts"][0]["auc"] == {"classical": 1.0, "synth": 0.0} and res["mean_auc"] == 0.5
    assert seen == [("quiet", 5)]
    assert res["searches"][0]["effects_in_top"] == 1 and res["searches"][0]["top_sets"][0] == "fx"
    text = rm.markdown({**res, "model_dir": "/m/1", "download_mb": 1.0})
    assert "| `orch` |" in text and "50% (1/2)" in text and "'quiet' 1 of 10" in text
    assert rm.line(res).startswith("real music: **top-1 plausible 75%** of 4 music tracks, mean ROC-AUC 0.50")


def test_the_combined_catalog_keeps_short_flags_so_its_searches_leave_short_sounds_out(tmp_path):
    """A search of the check set counts sound effects in the top 10 as a real catalog shows them: a
    sound shorter than the reliable minimum is left out by default, whatever its tags."""
    from mtat.search import search
    from mtat.search.catalog import write_catalog
    from mtat.windows import MIN_RELIABLE_SECONDS

    tags = list(MTAT_TOP50)
    quiet = np.zeros(len(tags), np.float32)
    quiet[tags.index("quiet")] = 0.9
    paths = {}
    for name, n, seconds in (("orch", 3, 60.0), ("fx", 2, MIN_RELIABLE_SECONDS / 4)):
        paths[name] = tmp_path / f"{name}.parquet"
        probs = np.tile(quiet * (1.0 if name == "fx" else 0.5), (n, 1))  # the effects look quieter
        write_catalog(str(paths[name]), [f"t{i}.ogg" for i in range(n)], probs, tags, durations=[seconds] * n)
    cat = rm.combined_catalog(paths)
    assert list(cat.short) == [False] * 3 + [True] * 2 and cat.durations[-1] == pytest.approx(MIN_RELIABLE_SECONDS / 4)
    sub = rm._subset(cat, [4, 0, 1])
    assert list(sub.short) == [True, False, False] and len(sub.durations) == 3
    shown = [sub.keys[h.row] for h in search(sub, "quiet", top=10).songs]
    assert shown and not any(k.startswith("fx/") for k in shown)
    assert [sub.keys[h.row] for h in search(sub, "quiet", top=10, include_short=True).songs][0] == "fx/t1.ogg"


def test_the_benchmark_prints_the_machine_line_first_and_runs_in_make_bench():
    source = (REPO / "benchmarks" / "real_music.py").read_text()
    main = source[source.index("def main("):]
    assert main.index('print(machine["machine_line"]') < main.index("run(")
    from benchmarks import run_all

    assert "real_music" in run_all.BENCHES
    assert "real-music:" in (REPO / "Makefile").read_text()


# ---- the real thing: the small CI packages from the Debian archive


@pytest.fixture(scope="session")
def ci_check_set(tmp_path_factory):
    """The ``ci`` sets fetched once per session into a fresh cache (about 6 MB from the archive)."""
    if shutil.which("apt-get") is None or shutil.which("dpkg") is None:
        pytest.skip("apt-get/dpkg not available: the check set is fetched from Debian packages")
    data = rmf.load_data()
    sets = rmf.select_sets(data, ci=True)
    cache = tmp_path_factory.mktemp("real_music_cache")
    lines: list[str] = []
    manifests = rmf.fetch(sets, cache, held_back=data["held_back"], log=lines.append)
    return cache, sets, manifests, lines


@pytest.mark.slow
def test_ci_packages_fetch_and_their_tracks_decode(ci_check_set):
    from mtat.audio import MIN_SAMPLE_RATE, read_audio

    cache, sets, manifests, lines = ci_check_set
    assert any("downloaded" in line for line in lines)
    for spec, man in zip(sets, manifests):
        stamp = json.loads((cache / spec["package"] / rmf.STAMP).read_text())
        assert stamp["version"] == spec["version"] == man["version"]
        assert not list((cache / spec["package"]).glob("*.deb"))  # the .deb is not kept
        folder = cache / "tracks" / spec["name"]
        names = sorted(os.listdir(folder))
        assert names == sorted(t["track"] for t in man["tracks"]) and len(names) == man["counts"]["used"] > 0
        for name in names:
            wave, rate = read_audio(folder / name, max_seconds=30)
            assert rate >= MIN_SAMPLE_RATE and wave.size > 0 and np.isfinite(wave).all(), name
        assert not any(n.lower().endswith(rmf.TRACKER_EXTENSIONS + rmf.MIDI_EXTENSIONS) for n in names)
    tracker = {m["set"]: m["counts"]["tracker"] for m in manifests}
    assert tracker["freedroid-effects"] == 8  # its .mod music is accounted for, not used
    assert all(s["reason"] == "tracker" for s in rmf.read_manifest(cache, "freedroid-effects")["skipped"])


@pytest.mark.slow
def test_a_second_fetch_downloads_nothing(ci_check_set, monkeypatch):
    cache, sets, manifests, _ = ci_check_set
    monkeypatch.setattr(rmf.subprocess, "run", lambda *a, **k: pytest.fail("nothing to download or unpack"))
    lines: list[str] = []
    again = rmf.fetch(sets, cache, log=lines.append)
    assert [m["tracks"] for m in again] == [m["tracks"] for m in manifests]
    assert sum("already extracted" in line for line in lines) == len({s["package"] for s in sets})


@pytest.mark.slow
def test_index_accounts_for_every_file_of_the_real_packages(ci_check_set, pushed_model, tmp_path, capsys):
    """``mtat-tagger index`` on the unpacked Debian packages themselves (sounds, tracker modules, images,
    docs, symlinks): every file is a row or a named reject, the counts add up, the effects are short."""
    import pyarrow.parquet as pq

    from mtat.search.catalog import read_catalog
    from tagger_cli.main import main

    cache, sets, _, _ = ci_check_set
    for package in sorted({s["package"] for s in sets}):
        root = cache / package / "root"
        entries = [os.path.join(d, n) for d, dirs, names in os.walk(root) for n in names]
        entries += [os.path.join(d, n) for d, dirs, _ in os.walk(root) for n in dirs
                    if os.path.islink(os.path.join(d, n))]  # folder links are entries too
        out = tmp_path / f"{package}.parquet"
        assert main(["index", str(root), "--out", str(out), "--model", pushed_model, "--no-progress"]) == 0
        summary = capsys.readouterr().out
        meta = json.loads(pq.read_schema(out).metadata[b"mtat_tagger.catalog"])
        catalog = read_catalog(str(out))
        assert len(catalog) + len(meta["rejects"]) == meta["files_seen"] == len(entries), package
        assert f"files seen {len(entries)}" in summary
        reasons = {r["path"]: r["reason"] for r in meta["rejects"]}
        for rel, reason in reasons.items():
            if rel.endswith(".mod"):
                assert reason == "unsupported_format", (rel, reason)
            if rel.endswith((".png", ".jpg", ".gz")):
                assert reason == "not_audio", (rel, reason)
        indexed = set(catalog.keys)
        assert indexed and all(k.endswith((".wav", ".ogg", ".oga")) for k in indexed), package
        assert int(np.sum(catalog.short)) >= 1  # sound effects of a second or less are flagged
