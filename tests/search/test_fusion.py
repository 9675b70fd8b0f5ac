"""Fusion of the tag route and the joint audio-text route in ``search``."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mtat.joint_space import JOINT_DIM, phrase_vectors
from mtat.search import api
from mtat.search.catalog import Catalog
from mtat.search.errors import CatalogError
from mtat.search.fusion import fuse, normal_cdf, standardize
from mtat.search.matcher import TagMatcher
from mtat.search.scoring import score_songs
from mtat.tags import MTAT_TOP50

TAGS = list(MTAT_TOP50)


def search(*args, **kwargs) -> dict:
    """:func:`mtat.search.search` as the ``--json`` object (what these tests compare)."""
    return api.search(*args, **kwargs).to_dict()

N = 40


@dataclasses.dataclass
class JointCatalog(Catalog):
    """A catalog with the joint vectors the joint-head branch adds (``joint`` ``[n, 384]``)."""

    joint: np.ndarray | None = None


def _catalog(joint: bool, encode=None) -> Catalog:
    rng = np.random.default_rng(1)
    probs = rng.uniform(0.0, 0.3, (N, len(TAGS))).astype(np.float32)
    for i in range(0, 10):  # 0-9: energetic (running-like)
        for t in ("fast", "beat", "techno", "drums", "loud"):
            probs[i, TAGS.index(t)] = rng.uniform(0.5, 0.9)
    for i in range(10, 20):  # 10-19: calm
        for t in ("ambient", "soft", "quiet", "slow"):
            probs[i, TAGS.index(t)] = rng.uniform(0.5, 0.9)
    probs[:, TAGS.index("piano")] = np.linspace(0.05, 0.95, N)
    paths = [f"/music/song_{i:02d}.mp3" for i in range(N)]
    kw = dict(source="synthetic", paths=paths, tags=TAGS, probabilities=probs, embeddings=None,
              keys=[p[1:] for p in paths])
    if not joint:
        return Catalog(**kw)
    vec = rng.normal(size=(N, JOINT_DIM)).astype(np.float32)
    running = phrase_vectors(["jogging"], encode)[0]  # encode: the matcher's stand-in encoder
    vec[25:30] = running + 0.05 * vec[25:30]  # 25-29: the joint head hears "jogging" in them
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    return JointCatalog(**kw, joint=vec)


@pytest.fixture(scope="module")
def matcher(bag_of_words):
    return TagMatcher(TAGS, bag_of_words, kind_vocabulary=())  # the concept layer: these catalogs are synthetic


def _rank(scores: np.ndarray, i: int) -> int:
    return int(np.sum(scores > scores[i]))


def test_standardize_and_cdf():
    x = np.array([1.0, 2.0, 3.0, 6.0])
    z = standardize(x)
    assert abs(z.mean()) < 1e-12 and abs(z.std() - 1) < 1e-12
    assert np.all(standardize(np.full(5, 0.3)) == 0)
    np.testing.assert_allclose(normal_cdf(np.array([0.0, 1.0, -1.96])), [0.5, 0.841345, 0.024998], atol=1e-5)


@pytest.mark.parametrize("part", [0, 1])
def test_fusion_is_monotone_in_each_part(part):
    rng = np.random.default_rng(part)
    for _ in range(50):
        parts = [rng.uniform(0, 1, 30), rng.normal(0.2, 0.05, 30)]
        base = fuse(*parts)
        i = int(rng.integers(30))
        parts[part] = parts[part].copy()
        parts[part][i] += rng.uniform(0.001, 0.5) * (1 if part == 0 else 0.1)
        raised = fuse(*parts)
        assert raised[i] >= base[i] - 1e-12 and _rank(raised, i) <= _rank(base, i)
        assert np.all((raised > 0) & (raised < 1))


def test_fusion_puts_the_parts_on_one_scale():
    rng = np.random.default_rng(3)
    tag = rng.uniform(0, 1, 200)
    # the opposite ranking on a 250x narrower scale counts as much as the tag route
    joint = 0.3 - 0.004 * tag
    fused = fuse(tag, joint, tag_weight=1.0, joint_weight=1.0)
    assert np.allclose(fused, 0.5, atol=1e-9)  # opposite, equally weighted: a tie everywhere
    assert np.array_equal(np.argsort(fuse(tag, 0.3 + 0.004 * tag)), np.argsort(tag))
    assert np.array_equal(np.argsort(fuse(tag, joint, joint_weight=0.0)), np.argsort(tag))
    with pytest.raises(ValueError, match="weights"):
        fuse(tag, joint, 0.0, 0.0)
    with pytest.raises(ValueError, match="shape"):
        fuse(tag, joint[:5])


def test_without_joint_vectors_search_is_the_tag_route(matcher):
    cat = _catalog(joint=False)
    res = search(cat, "music for jogging", top=N, matcher=matcher)
    assert res["route"] == "tag" and [c["concept"] for c in res["concepts"]] == ["running"]
    m = matcher.match("music for jogging")
    expected = score_songs(cat.probabilities, TAGS, m.matches, scaled=True)
    for r in res["results"]:
        i = int(r["path"][-6:-4])
        assert r["score"] == pytest.approx(res["confidence"] * expected[i], abs=1e-4)  # the shown score
        assert r["parts"]["rank"] == pytest.approx(expected[i], abs=1e-4)
        assert r["parts"]["joint"] is None and r["parts"]["fused"] is None
    assert {int(r["path"][-6:-4]) for r in res["results"][:10]} == set(range(10))


def test_fusion_ranks_by_both_routes(matcher):
    cat = _catalog(joint=True, encode=matcher.encode)
    tag_only = search(cat, "music for jogging", top=N, route="tag", matcher=matcher)
    fused = search(cat, "music for jogging", top=N, matcher=matcher)  # the default (small) joint weight
    equal = search(cat, "music for jogging", top=N, matcher=matcher, joint_weight=1.0)
    joint_only = search(cat, "music for jogging", top=N, route="joint", matcher=matcher)
    assert fused["route"] == "fused" and tag_only["route"] == "tag" and joint_only["route"] == "joint"
    pos = {name: [int(r["path"][-6:-4]) for r in res["results"]]
           for name, res in (("tag", tag_only), ("fused", fused), ("equal", equal), ("joint", joint_only))}
    assert set(pos["joint"][:5]) == set(range(25, 30))  # the joint route alone finds its five
    assert set(pos["tag"][:10]) == set(range(10))  # the tag route alone finds the energetic ten
    # equal weights: the joint five climb above where the tag route had any of them, and the tag
    # route's best stay near the top; the default weight moves each of the five up too
    assert max(pos["equal"].index(i) for i in range(25, 30)) < min(pos["tag"].index(i) for i in range(25, 30))
    assert len(set(pos["equal"][:10]) & set(range(10))) >= 5
    assert all(pos["fused"].index(i) < pos["tag"].index(i) for i in range(25, 30))
    assert set(pos["fused"][:10]) & set(range(10))
    for r in fused["results"]:
        parts = r["parts"]
        assert parts["rank"] == parts["fused"] and 0 < parts["fused"] < 1 and 0 <= r["score"] <= fused["confidence"]
        assert parts["tag"] is not None and -1 <= parts["joint"] <= 1
    scores = [r["score"] for r in fused["results"]]
    assert scores == sorted(scores, reverse=True)


def test_tag_name_queries_stay_exact_with_joint_vectors(matcher):
    cat = _catalog(joint=True, encode=matcher.encode)
    res = search(cat, "piano", top=5, matcher=matcher)
    assert res["route"] == "tags" and res["matched_tags"] == [{"tag": "piano", "similarity": 1.0}]
    assert [int(r["path"][-6:-4]) for r in res["results"]] == [39, 38, 37, 36, 35]
    for r in res["results"]:
        piano = float(cat.probabilities[int(r["path"][-6:-4]), TAGS.index("piano")])
        assert r["score"] == pytest.approx(piano, abs=1e-4) and res["confidence"] == 1.0
        assert r["parts"]["joint"] is None


def test_negation_still_applies_in_the_fused_ranking(matcher):
    cat = _catalog(joint=True, encode=matcher.encode)
    plain = search(cat, "music for jogging", top=N, matcher=matcher)
    negated = search(cat, "music for jogging without piano", top=N, matcher=matcher)
    assert negated["route"] == "fused"
    assert ("piano", True) in [(m["tag"], m.get("negated", False)) for m in negated["matched_tags"]]
    order = [int(r["path"][-6:-4]) for r in negated["results"]]
    before = [int(r["path"][-6:-4]) for r in plain["results"]]
    # songs 0-9 have rising piano probability: the negation pushes the high-piano ones down
    assert np.mean([order.index(i) for i in range(5, 10)]) > np.mean([before.index(i) for i in range(5, 10)])


def test_the_joint_route_needs_joint_vectors(matcher):
    with pytest.raises(CatalogError, match="no joint audio-text vectors"):
        search(_catalog(joint=False), "jogging", route="joint", matcher=matcher)


def test_a_free_word_search_encodes_its_texts_in_one_pass(bag_of_words):
    """The concept route's, the joint route's and the kinds' texts (the whole sentence) go to the encoder together
    (one forward pass, not three); asking again costs no encoding."""
    calls = []

    def counted(texts):
        calls.append(list(texts))
        return bag_of_words(texts)

    m = TagMatcher(TAGS, counted)
    m.alias_vectors()
    m.kind_vectors()
    cat = _catalog(joint=True, encode=bag_of_words)
    calls.clear()
    res = search(cat, "an hour on the treadmill", top=5, matcher=m)
    assert res["route"] == "fused" and res["concepts"]
    assert calls == [["hour treadmill music", "a song with hour treadmill", "an hour on the treadmill"]], calls
    again = search(cat, "an hour on the treadmill", top=5, matcher=m)
    assert calls == [["hour treadmill music", "a song with hour treadmill", "an hour on the treadmill"]], calls
    assert [r["path"] for r in again["results"]] == [r["path"] for r in res["results"]]
