"""Explicit tag profiles (:mod:`mtat.search.profile`) and more like this (:mod:`mtat.search.like`)."""
from __future__ import annotations

import numpy as np
import pytest

from mtat.search import QueryError, search, search_like, search_profile
from mtat.search.catalog import Catalog
from mtat.search.errors import CatalogError
from mtat.search.like import joint_similarity, song_profile
from mtat.search.profile import format_profile, parse_profile
from mtat.search.results import TagMatch
from mtat.search.scoring import rank_songs, score_songs
from mtat.tags import MTAT_TOP50

TAGS = list(MTAT_TOP50)


def _catalog(n: int = 40, joint: bool = False, seed: int = 0) -> Catalog:
    rng = np.random.default_rng(seed)
    probs = rng.uniform(0, 1, (n, len(TAGS))).astype(np.float32)
    vectors = None
    if joint:
        vectors = rng.normal(size=(n, 16)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    paths = [f"/music/s{i:02d}.mp3" for i in range(n)]
    return Catalog(source="mem", paths=paths, tags=TAGS, probabilities=probs, embeddings=None, keys=paths,
                   joint=vectors)


def test_parse_profile_good_input():
    assert parse_profile("piano:1,slow:0.5,-drums") == (
        TagMatch("piano", 1.0, False, "profile"), TagMatch("slow", 0.5, False, "profile"),
        TagMatch("drums", 1.0, True, "profile"))
    # spaces, case, multi-word and negative tags, empty items, a negated weighted tag
    got = parse_profile(" Male  Vocal : 2 , no vocals,, -Drums:0.25 ,", TAGS)
    assert [(m.tag, m.similarity, m.negated) for m in got] == [("male vocal", 2.0, False), ("no vocals", 1.0, False),
                                                                ("drums", 0.25, True)]
    assert format_profile(got) == "male vocal:2,no vocals,-drums:0.25"
    assert parse_profile(format_profile(got), TAGS) == got
    assert parse_profile("piano", ["piano", "x"]) == (TagMatch("piano", 1.0, False, "profile"),)
    tiny = (TagMatch("piano", 1e-7), TagMatch("slow", 0.123456, True), TagMatch("drums", 0.99999))
    assert format_profile(tiny) == "piano:0.0001,-slow:0.1235,drums"  # always parses back
    assert len(parse_profile(format_profile(tiny), TAGS)) == 3


@pytest.mark.parametrize("text, fragment", [
    ("", "empty tag profile"),
    (" , ,", "empty tag profile"),
    ("piano,banjo:1", "unknown tag 'banjo' in 'banjo:1'"),
    ("piano:abc", "bad weight in 'piano:abc': 'abc' is not a number"),
    ("piano:0", "a weight must be a positive number"),
    ("piano:-1", "a weight must be a positive number"),
    ("piano:nan", "a weight must be a positive number"),
    ("piano:inf", "a weight must be a positive number"),
    ("piano,-Piano", "tag 'piano' given twice ('piano' and '-Piano')"),
    ("-", "unknown tag ''"),
    ("piano:", "bad weight in 'piano:'"),
    ("p" * 3000, "tag profile too long"),
])
def test_parse_profile_bad_input_names_the_item(text, fragment):
    with pytest.raises(QueryError, match=None) as err:
        parse_profile(text, TAGS)
    assert fragment in str(err.value)


@pytest.mark.parametrize("query, profile", [
    ("piano slow no drums", "piano,slow,-drums"),
    ("guitar", "guitar"),
    ("techno fast beat", "techno,fast,beat"),
    ("male voice no piano", "male voice,-piano"),
])
def test_a_profile_ranks_exactly_like_the_equivalent_tag_query(query, profile):
    cat = _catalog(60, joint=True)  # joint vectors: a tag query still uses the tag route alone
    by_query = search(cat, query, top=60)
    by_profile = search_profile(cat, profile, top=60)
    assert by_query.route == by_profile.route == "tags"
    assert [(m.tag, m.similarity, m.negated) for m in by_query.match.matches] == [
        (m.tag, m.similarity, m.negated) for m in by_profile.match.matches]
    assert [s.row for s in by_query.songs] == [s.row for s in by_profile.songs]
    assert [s.score for s in by_query.songs] == [s.score for s in by_profile.songs]  # exactly
    assert by_profile.to_dict()["results"] == by_query.to_dict()["results"]


def test_profile_weights_are_score_songs_weights():
    cat = _catalog(30)
    res = search_profile(cat, "piano:1,slow:0.5,-drums", top=30)
    col = {t: k for k, t in enumerate(TAGS)}
    p = cat.probabilities.astype(np.float64)
    want = (p[:, col["piano"]] + 0.5 * p[:, col["slow"]] + (1 - p[:, col["drums"]])) / 2.5
    assert [s.row for s in res.songs] == list(rank_songs(want, 30))
    assert [s.score for s in res.songs] == pytest.approx(sorted(want, reverse=True), abs=1e-9)
    assert res.query == "piano,slow:0.5,-drums" and res.to_dict()["matched_tags"] == [
        {"tag": "piano", "similarity": 1.0}, {"tag": "slow", "similarity": 0.5},
        {"tag": "drums", "similarity": 1.0, "negated": True}]
    assert len(search_profile(cat, "piano", top=3).songs) == 3
    with pytest.raises(QueryError, match="unknown tag 'banjo'"):
        search_profile(cat, "banjo")


def test_more_like_this_is_the_songs_profile_and_leaves_it_out():
    cat = _catalog(40)
    res = search_like(cat, 7, top=39)
    assert res.route == "tags" and res.query == "like:/music/s07.mp3"
    top5 = cat.top_tags(7, 5)
    assert [(m.tag, m.similarity, m.negated) for m in res.match.matches] == [(t, p, False) for t, p in top5.items()]
    want = score_songs(cat.probabilities, TAGS, song_profile(cat, 7))
    assert [s.row for s in res.songs] == list(rank_songs(want, 39, exclude=[7]))
    assert 7 not in [s.row for s in res.songs] and len(res.songs) == 39
    # a song's profile ranks its own near copies first
    probs = cat.probabilities.copy()
    probs[20] = np.clip(probs[7] + 0.01, 0, 1)
    twin = Catalog(**{**cat.__dict__, "probabilities": probs})
    assert search_like(twin, 7, top=3).songs[0].row == 20


def test_more_like_this_fuses_the_joint_vector():
    cat = _catalog(40, joint=True)
    res = search_like(cat, 3, top=10)
    assert res.route == "fused" and all(s.parts.joint is not None and s.parts.fused is not None for s in res.songs)
    cos = joint_similarity(cat, 3)
    assert cos[3] == pytest.approx(1.0)
    joint_only = search_like(cat, 3, top=5, route="joint")
    assert [s.row for s in joint_only.songs] == list(rank_songs(cos, 5, exclude=[3]))
    assert search_like(cat, 3, top=5, route="tag").route == "tags"
    with pytest.raises(CatalogError, match="no joint"):
        search_like(_catalog(5), 0, route="joint")
    for bad in (-1, 40):
        with pytest.raises(QueryError, match="no song"):
            search_like(cat, bad)
