"""Query -> tags (:mod:`mtat.search.matcher`) and song scores (:mod:`mtat.search.scoring`)."""
from __future__ import annotations

import numpy as np
import pytest

from mtat.search.matcher import TagMatcher
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
    return TagMatcher(MTAT_TOP50, encoder.encode)  # concept vectors cached on disk after the first run


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


