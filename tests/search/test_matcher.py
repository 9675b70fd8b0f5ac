"""Query -> tags (:mod:`mtat.search.matcher`) and song scores (:mod:`mtat.search.scoring`)."""
from __future__ import annotations

import numpy as np
import pytest

from mtat.search.embedding import hubness
from mtat.search.matcher import HUB_NEIGHBOURS, HUB_PENALTY, REWEIGHT_FLOOR, TagMatcher
from mtat.search.query import SYNONYM_GROUPS
from mtat.search.results import TagMatch
from mtat.search.scoring import MIN_TAG_SCALE, rank_songs, score_songs, tag_scales
from mtat.tags import MTAT_TOP50

CALM = {"ambient", "quiet", "soft", "calm", "new age", "slow"}
LOUD = {"loud", "metal", "rock", "fast"}




@pytest.fixture(scope="module")
def encoder():
    from mtat.text_embedding import TextEncoder

    return TextEncoder.load()

# ------------------------------------------------------------------------------------------
# query -> tags


@pytest.fixture(scope="module")
def matcher(encoder):
    """The concept layer (no kinds of music: tests/search/test_kinds.py)."""
    return TagMatcher(MTAT_TOP50, encoder.encode, kind_vocabulary=())  # concept vectors cached on disk after the first run


def _group(tag: str):
    return next((i for i, g in enumerate(SYNONYM_GROUPS) if tag in g), tag)


def test_tag_names_give_exactly_those_tags(matcher):
    m = matcher.match("piano slow")
    assert m.kind == "tags" and set(m.tags) == {"piano", "slow"}
    assert all(t.similarity == 1.0 and not t.negated for t in m.matches)
    assert set(matcher.match("New-Age, male vocal and piano music").tags) == {"new age", "male vocal", "piano"}
    assert matcher.match("no vocals").tags == ["no vocals"]  # a tag, not "no" + "vocals"


def test_tag_query_needs_no_text_model():
    def boom(texts):
        raise AssertionError("the text model must not run for a pure tag query")

    assert TagMatcher(MTAT_TOP50, boom).match("female voice  cello").tags == ["female voice", "cello"]


def test_free_words(matcher):
    techno = matcher.match("techno club")
    assert "techno" in techno.tags[:3]
    beach = matcher.match("relaxing beach")
    assert beach.kind == "words"
    wanted = [t.tag for t in beach.matches if not t.negated]
    assert wanted[0] in CALM and len(set(wanted[:4]) & CALM) >= 2, beach
    assert not set(wanted) & LOUD, beach  # loud tags only as "not loud"
    sims = [t.similarity for t in beach.matches]
    assert sims == sorted(sims, reverse=True)
    assert {"choir", "choral"} & set(matcher.match("christmas").tags)


@pytest.mark.parametrize("query", ["male singer voice", "girl singing", "instrumental", "drum beats", "church",
                                   "orchestra"])
def test_synonyms_do_not_crowd_the_top(matcher, query):
    tags = matcher.match(query).tags
    top = [_group(t) for t in tags[:3]]
    assert len(set(top)) == len(top), tags


def test_negation(matcher):
    assert matcher.match("without vocals").tags == ["no vocals"]
    assert matcher.match("without singing").tags[0] in ("no vocals", "no vocal", "no voice")
    drums = matcher.match("without drums")
    assert [(t.tag, t.negated) for t in drums.matches] == [("drums", True)]
    mixed = matcher.match("relaxing without drums")
    assert ("drums", True) in [(t.tag, t.negated) for t in mixed.matches]
    assert not any(t.tag in ("drums", "beat", "beats") and not t.negated for t in mixed.matches)


@pytest.fixture(scope="module")
def perfect_catalog():
    """The first 120 generated clips (seed 1) with their perfect-tagger probabilities, and their styles
    (the catalog of tests/search/test_ranking_unchanged.py)."""
    from sample_music import compose

    clips = [compose(1, i) for i in range(120)]
    probs = np.array([[c.tag_probs.get(t, 0.0) for t in MTAT_TOP50] for c in clips], dtype=np.float32)
    return probs, [c.style for c in clips]


def _top_styles(matcher, catalog, query: str) -> list[str]:
    probs, styles = catalog
    m = matcher.match(query)
    return [styles[i] for i in rank_songs(score_songs(probs, list(MTAT_TOP50), m.matches, scaled=True), 10)]


@pytest.mark.parametrize("query, main, incidental, style", [
    ("stretching after a run", "yoga", "running", "ambient"),  # not a running playlist
    ("hindustani classical", "india", "classical", "indian"),  # not western strings
])
def test_named_concepts_are_weighted_by_the_sentence(matcher, perfect_catalog, query, main, incidental, style):
    """Two concepts named by their words: the one the whole sentence is about leads; an incidental
    word no longer pulls the query (with both at weight 1 these rank techno and strings first)."""
    weight = {c.name: c.similarity for c in matcher.match(query).concepts if c.how == "word"}
    assert weight[main] == 1.0 and REWEIGHT_FLOOR <= weight[incidental] < 0.6, weight
    assert _top_styles(matcher, perfect_catalog, query).count(style) >= 7
    assert {c.similarity for c in matcher.match("jogging").concepts} == {1.0}  # one named concept: as before


def test_hubness():
    """An embedding close to many others (a hub) has a larger hubness than an isolated one."""
    rng = np.random.default_rng(0)
    cluster = np.array([1.0, 0, 0, 0]) + 0.3 * rng.normal(size=(30, 4))
    vecs = np.vstack([cluster, [[1.0, 0, 0, 0], [0, 0, 0, 1.0]]])  # the cluster's centre, an outsider
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    h = hubness(vecs, 10)
    assert h.shape == (32,) and h[30] > h[:30].mean() > h[31]
    sims = np.sort(vecs[30] @ np.delete(vecs, 30, axis=0).T)
    np.testing.assert_allclose(h[30], sims[-10:].mean(), rtol=1e-5)  # its 10 nearest, itself excluded
    assert hubness(vecs[:1], 10).tolist() == [0.0]


def test_hub_alias_loses_more(matcher):
    """Every alias's cosine with the query counts less its hubness penalty: a generic alias ("drums",
    close to many others) loses more than a specific one ("cymbal crashes")."""
    texts = matcher.table.alias_texts
    hub = matcher.alias_hubness()
    generic, specific = texts.index("drums music"), texts.index("cymbal crashes music")
    assert hub[generic] > hub[specific] + 0.05
    np.testing.assert_allclose(hub, HUB_PENALTY * hubness(matcher.alias_vectors(), HUB_NEIGHBOURS), rtol=1e-5)  # the cache
    cos = matcher.alias_cosines("loud banging")
    np.testing.assert_allclose(matcher.concept_similarities("loud banging"), matcher.table.similarities(cos - hub), rtol=1e-6)
    np.testing.assert_allclose(matcher.concept_similarities("loud banging", raw=True), matcher.table.similarities(cos))
    assert (cos - hub)[generic] - cos[generic] < (cos - hub)[specific] - cos[specific]


def test_scores():
    tags = ["a", "b", "c"]
    p = np.array([[0.9, 0.1, 0.5], [0.2, 0.8, 0.5], [0.6, 0.6, 0.0]])
    np.testing.assert_allclose(score_songs(p, tags, [TagMatch("a", 1.0)]), p[:, 0])
    np.testing.assert_allclose(score_songs(p, tags, [TagMatch("a", 1.0, negated=True)]), 1 - p[:, 0])
    w = score_songs(p, tags, [TagMatch("a", 0.6), TagMatch("b", 0.2)])
    np.testing.assert_allclose(w, (0.6 * p[:, 0] + 0.2 * p[:, 1]) / 0.8)
    assert list(rank_songs(np.array([0.2, 0.9, 0.9, 0.1]), 3)) == [1, 2, 0]
    assert list(rank_songs(np.array([0.2, 0.9, 0.9, 0.1]), 2, exclude=[1])) == [2, 0]


def test_free_word_scores_scale_each_tag_by_its_catalog_maximum():
    """A shy tag (harpsichord songs at 0.3) is not outvoted by a confident one (flute at 0.9)."""
    tags = ["flute", "harpsichord", "rare"]
    p = np.array([[0.9, 0.01, 0.01], [0.05, 0.3, 0.02], [0.3, 0.05, 0.0]])  # a flute, a harpsichord, other
    mix = [TagMatch("harpsichord", 0.6), TagMatch("flute", 0.4)]
    assert int(np.argmax(score_songs(p, tags, mix))) == 0  # unscaled: the flute song wins a harpsichord query
    assert int(np.argmax(score_songs(p, tags, mix, scaled=True))) == 1
    np.testing.assert_allclose(tag_scales(p), [0.9, 0.3, MIN_TAG_SCALE])  # a tiny tag is not blown up
    one = score_songs(p, tags, [TagMatch("harpsichord", 1.0)], scaled=True)
    assert list(np.argsort(one)) == list(np.argsort(p[:, 1]))  # one tag: same order
    assert score_songs(p, tags, mix, scaled=True).max() <= 1.0
    assert score_songs(p[:0], tags, mix, scaled=True).shape == (0,)


