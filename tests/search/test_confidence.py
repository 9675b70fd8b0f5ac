"""``confidence`` (how well a query was understood) and the shown score, comparable across queries."""
from __future__ import annotations

import numpy as np
import pytest

from mtat.search import api
from mtat.search.catalog import Catalog
from mtat.search.confidence import (
    EMBEDDING_FLOOR,
    EMBEDDING_FULL,
    LOW_CONFIDENCE,
    TYPO_FACTOR,
    UNKNOWN_FACTOR,
    WordReading,
    embedding_strength,
    fused_evidence,
    query_confidence,
    shown_scores,
)
from mtat.search.fusion import fuse
from mtat.search.matcher import TagMatcher
from mtat.tags import MTAT_TOP50

TAGS = list(MTAT_TOP50)


@pytest.fixture(scope="module")
def matcher():
    from mtat.text_embedding import TextEncoder

    return TagMatcher(MTAT_TOP50, TextEncoder.load().encode)


@pytest.fixture(scope="module")
def catalog():
    from mtat.joint_space import JOINT_DIM

    rng = np.random.default_rng(7)
    n = 40
    joint = rng.normal(size=(n, JOINT_DIM)).astype(np.float32)
    joint /= np.linalg.norm(joint, axis=1, keepdims=True)
    paths = [f"s{i:02d}.mp3" for i in range(n)]
    return Catalog(source="synthetic", paths=paths, tags=TAGS, keys=paths, embeddings=None, joint=joint,
                   probabilities=rng.uniform(0, 1, (n, len(TAGS))).astype(np.float32))


def test_word_strengths():
    assert embedding_strength(EMBEDDING_FLOOR) == 0.0 and embedding_strength(EMBEDDING_FULL) == 1.0
    assert embedding_strength(0.2) == 0.0 and embedding_strength(0.99) == 1.0
    assert query_confidence([]) == 0.0
    assert query_confidence([WordReading("piano", "tag"), WordReading("jogging", "alias")]) == 1.0
    assert query_confidence([WordReading("piano", "tag", typo=True)]) == pytest.approx(TYPO_FACTOR)
    weak = query_confidence([WordReading("lawn", "embedding", 0.6)])
    assert 0.2 < weak < LOW_CONFIDENCE
    unknown = query_confidence([WordReading("blorf", "embedding", 0.6, known=False)])
    assert unknown == pytest.approx(weak * UNKNOWN_FACTOR, abs=1e-5)


@pytest.mark.parametrize("query, low, high", [
    ("piano slow", 1.0, 1.0), ("no vocals", 1.0, 1.0), ("music for jogging", 1.0, 1.0), ("rainy night", 1.0, 1.0),
    ("pianno slow", 0.9, 0.99), ("xqzv blorf", 0.0, 0.3), ("asdf", 0.0, 0.3), ("mowing the lawn saturday", 0.3, 0.7)])
def test_confidence_of_queries(matcher, query, low, high):
    c = matcher.match(query).confidence
    assert low <= c <= high, (query, c)


def test_search_result_carries_the_confidence_and_comparable_scores(matcher, catalog):
    tags = api.search(catalog, "piano slow", 5, matcher=matcher)
    weak = api.search(catalog, "mowing the lawn saturday", 5, matcher=matcher)
    gibberish = api.search(catalog, "xqzv blorf", 5, matcher=matcher)
    assert tags.route == "tags" and weak.route == "fused"
    assert gibberish.confidence < 0.3 < weak.confidence < LOW_CONFIDENCE < tags.confidence == 1.0
    assert gibberish.to_dict()["confidence"] == round(gibberish.confidence, 4)
    # the raw fused score of a weak query's top song is ~1, what is shown is not
    assert weak.songs[0].parts.rank > 0.9 and weak.songs[0].score < 0.7
    assert gibberish.songs[0].score < weak.songs[0].score < tags.songs[0].score
    for res in (tags, weak, gibberish):
        shown = [s.score for s in res.songs]
        ranks = [s.parts.rank for s in res.songs]
        assert shown == sorted(shown, reverse=True) and ranks == sorted(ranks, reverse=True)
        assert all(0 <= x <= res.confidence for x in shown)
    # a tag query shows the tag route's own score: the weighted mean of probabilities
    assert tags.songs[0].score == pytest.approx(tags.songs[0].parts.tag)


def test_min_score_filters_on_the_shown_score(matcher, catalog):
    weak = api.search(catalog, "mowing the lawn saturday", 40, matcher=matcher)
    cut = weak.songs[3].score
    kept = api.search(catalog, "mowing the lawn saturday", 40, min_score=cut, matcher=matcher)
    assert [s.path for s in kept.songs] == [s.path for s in weak.songs if s.score >= cut]


def test_fused_evidence_orders_songs_as_the_fused_score():
    rng = np.random.default_rng(0)
    tag, joint = rng.uniform(0, 1, 300), rng.normal(0.1, 0.02, 300)
    for wt, wj in ((1.0, 0.25), (1.0, 1.0), (0.5, 2.0)):
        ev = fused_evidence(tag, joint, wt, wj)
        fused = fuse(tag, joint, wt, wj)
        assert np.array_equal(np.argsort(-ev, kind="stable"), np.argsort(-fused, kind="stable"))
    agree = np.linspace(0.1, 0.9, 50)  # both routes agree: a song shows its own tag score
    assert np.allclose(fused_evidence(agree, 3 * agree + 1, 1.0, 0.25), agree)
    assert np.allclose(shown_scores(np.array([-0.1, 0.5, 1.2]), 0.5), [0.0, 0.25, 0.5])
