"""Short songs (under ``mtat.windows.MIN_RELIABLE_SECONDS``): flagged in the catalog, left out of every
kind of search unless ``include_short``, exactly as if the catalog did not hold them."""
from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mtat.joint_space import JOINT_DIM
from mtat.search import rank_similar, read_catalog, search, search_like, search_profile
from mtat.search.catalog import META_KEY, write_catalog
from mtat.search.matcher import TagMatcher
from mtat.tags import MTAT_TOP50
from mtat.windows import MIN_RELIABLE_SECONDS, is_short, short_warning

TAGS = list(MTAT_TOP50)
N = 40
#: Rows of the catalog that are sound effects: short, and "quiet" / "classical" / "soft" high.
SHORT = (3, 11, 12, 30, 39)
QUERIES = ("quiet", "classical", "piano slow", "quiet calm music for sleeping", "no vocals", "rainy night")


@pytest.fixture(scope="module")
def matcher(bag_of_words):
    return TagMatcher(TAGS, bag_of_words)


def _arrays():
    rng = np.random.default_rng(5)
    probs = rng.uniform(0.0, 0.6, (N, len(TAGS))).astype(np.float32)
    durations = rng.uniform(20, 300, N)
    for i in SHORT:
        durations[i] = rng.uniform(0.015, 2.0)
        for t in ("quiet", "slow", "soft"):
            probs[i, TAGS.index(t)] = 0.9
        probs[i, TAGS.index("classical")] = 0.5
    joint = rng.normal(size=(N, JOINT_DIM)).astype(np.float32)
    joint /= np.linalg.norm(joint, axis=1, keepdims=True)
    emb = rng.normal(size=(N, 16)).astype(np.float32)
    return [f"s{i:02d}.mp3" for i in range(N)], probs, durations, joint, emb


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory):
    """(the catalog with its short songs, the same catalog written without them)."""
    d = tmp_path_factory.mktemp("short")
    paths, probs, durations, joint, emb = _arrays()
    keep = [i for i in range(N) if i not in SHORT]
    write_catalog(str(d / "all.parquet"), paths, probs, TAGS, emb, joint=joint, durations=durations)
    write_catalog(str(d / "long.parquet"), [paths[i] for i in keep], probs[keep], TAGS, emb[keep], joint=joint[keep],
                  durations=durations[keep])
    return read_catalog(str(d / "all.parquet")), read_catalog(str(d / "long.parquet"))


def _songs(result) -> list[tuple[str, float, float]]:
    return [(s.path, round(s.score, 6), round(s.parts.rank, 6)) for s in result.songs]


def test_is_short_is_one_analysis_window():
    assert MIN_RELIABLE_SECONDS == 3.0
    assert is_short(0.015) and is_short(1.0) and is_short(2.999)
    assert not is_short(3.0) and not is_short(29.1)
    assert not is_short(float("nan")) and not is_short(None)  # unknown duration: not short
    assert short_warning(1.0) == "1.00 s of audio: tags are unreliable below 3 s"


def test_catalog_flags_short_songs(catalogs, tmp_path):
    full, long_only = catalogs
    assert np.flatnonzero(full.short).tolist() == list(SHORT)
    assert not long_only.short.any()
    # a catalog without durations (synthetic ones, like the golden ranking's): nothing is short
    paths, probs, _, _, _ = _arrays()
    write_catalog(str(tmp_path / "nodur.parquet"), paths, probs, TAGS)
    assert not read_catalog(str(tmp_path / "nodur.parquet")).short.any()
    t = pq.read_table(full.source)
    assert t.schema.field("short").type == pa.bool_()
    assert t.column("short").to_pylist() == [is_short(d) for d in t.column("duration").to_pylist()]


def test_older_catalog_without_the_column_loads(catalogs, tmp_path):
    full, _ = catalogs
    table = pq.read_table(full.source)
    old = table.drop(["short"]).replace_schema_metadata(table.schema.metadata)
    pq.write_table(old, tmp_path / "old.parquet")
    cat = read_catalog(str(tmp_path / "old.parquet"))
    assert np.array_equal(cat.short, full.short)  # derived from duration
    # null flags are derived the same way; no duration at all: not short
    nulls = table.set_column(table.schema.get_field_index("short"), "short", pa.nulls(len(table), pa.bool_()))
    pq.write_table(nulls, tmp_path / "nulls.parquet")
    assert np.array_equal(read_catalog(str(tmp_path / "nulls.parquet")).short, full.short)
    bare = old.drop(["duration"]).replace_schema_metadata(table.schema.metadata)
    pq.write_table(bare, tmp_path / "bare.parquet")
    assert not read_catalog(str(tmp_path / "bare.parquet")).short.any()
    assert json.loads(table.schema.metadata[META_KEY])["tags"] == TAGS


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("route", ["auto", "tag"])
def test_search_without_short_songs_is_the_search_of_a_catalog_without_them(catalogs, matcher, query, route):
    full, long_only = catalogs
    left = search(full, query, N, route=route, matcher=matcher)
    want = search(long_only, query, N, route=route, matcher=matcher)
    assert _songs(left) == _songs(want) and left.route == want.route
    assert left.short_excluded == len(SHORT) and want.short_excluded == 0
    assert all(not s.short for s in left.songs)
    both = search(full, query, N, route=route, matcher=matcher, include_short=True)
    assert both.short_excluded == 0 and len(both.songs) == N
    assert {s.row for s in both.songs if s.short} == set(SHORT)
    assert all(s.short == (s.row in SHORT) for s in both.songs)
    assert both.to_dict()["results"][0]["short"] in (True, False) and left.to_dict()["short_excluded"] == len(SHORT)


def test_short_songs_top_quiet_only_when_asked(catalogs, matcher):
    full, _ = catalogs
    both = search(full, "quiet", 10, matcher=matcher, include_short=True)
    assert {s.row for s in both.songs[:len(SHORT)]} == set(SHORT)  # the sound effects would lead
    assert not {s.row for s in search(full, "quiet", 10, matcher=matcher).songs} & set(SHORT)


def test_profile_like_and_similar_leave_short_songs_out(catalogs):
    full, long_only = catalogs
    row_of = {p: i for i, p in enumerate(long_only.paths)}
    got = search_profile(full, "quiet,slow:0.5,-drums", N)
    assert _songs(got) == _songs(search_profile(long_only, "quiet,slow:0.5,-drums", N))
    assert got.short_excluded == len(SHORT)
    assert len(search_profile(full, "quiet", N, include_short=True).songs) == N
    # more like a long song: as on the catalog without short songs
    got = search_like(full, 5, N)
    assert _songs(got) == _songs(search_like(long_only, row_of[full.paths[5]], N))
    assert got.short_excluded == len(SHORT)
    # more like a short song: its own profile, the other short songs left out (itself not counted)
    got = search_like(full, SHORT[0], N)
    assert got.short_excluded == len(SHORT) - 1 and not {s.row for s in got.songs} & set(SHORT)
    assert {s.row for s in search_like(full, SHORT[0], N, include_short=True).songs} >= set(SHORT[1:])
    # songs that sound alike: centred on the long songs only, rows are the full catalog's
    got = rank_similar(full, full.embeddings[7], N, exclude=7)
    want = rank_similar(long_only, full.embeddings[7], N, exclude=row_of[full.paths[7]])
    assert [(s.path, round(s.similarity, 6)) for s in got] == [(s.path, round(s.similarity, 6)) for s in want]
    assert all(full.paths[s.row] == s.path for s in got)
    both = rank_similar(full, full.embeddings[7], N, exclude=7, include_short=True)
    assert len(both) == N - 1 and {s.row for s in both if s.short} == set(SHORT)


def test_no_short_song_changes_nothing(catalogs, matcher):
    _, long_only = catalogs
    for q in QUERIES:
        a = search(long_only, q, N, matcher=matcher)
        b = search(long_only, q, N, matcher=matcher, include_short=True)
        assert a.to_dict() == b.to_dict()


def test_everything_short_finds_nothing(tmp_path, matcher):
    paths, probs, _, joint, emb = _arrays()
    write_catalog(str(tmp_path / "fx.parquet"), paths, probs, TAGS, emb, joint=joint, durations=np.full(N, 0.5))
    cat = read_catalog(str(tmp_path / "fx.parquet"))
    for route in ("auto", "tag"):
        res = search(cat, "quiet night", 5, matcher=matcher, route=route)
        assert res.songs == () and res.short_excluded == N
    assert search_profile(cat, "quiet", 5).songs == ()
    assert search_like(cat, 0, 5).songs == () and search_like(cat, 0, 5).short_excluded == N - 1
    assert rank_similar(cat, cat.embeddings[0], 5) == []
    assert len(search(cat, "quiet night", 5, matcher=matcher, include_short=True).songs) == 5
