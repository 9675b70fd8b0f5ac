"""Concept profiles checked alone on a perfect-tagger catalog (each song tagged with the probabilities
the sample generator composed it with): a word must rank songs of the styles a listener accepts."""
from __future__ import annotations

import collections

import numpy as np
import pytest

from benchmarks.concept_audit import concept_profile, perfect_probabilities, top_styles
from mtat.tags import MTAT_TOP50
from sample_music import STYLES, compose, style_of

#: Songs of the catalog: 10 of each of the 15 styles.
SONGS = 10 * len(STYLES)


@pytest.fixture(scope="module")
def catalog():
    from mtat.search.matcher import TagMatcher

    tags = list(MTAT_TOP50)
    indices = list(range(SONGS))
    return {"tags": tags, "probs": perfect_probabilities(tags, 1, indices),
            "styles": [style_of(i) for i in indices], "matcher": TagMatcher(tags)}


def test_perfect_probabilities_are_the_composed_ones(catalog):
    probs, tags = catalog["probs"], catalog["tags"]
    assert probs.shape == (SONGS, len(tags))
    for i in (0, 7, 61):
        composed = compose(1, i).tag_probs
        np.testing.assert_allclose(probs[i], [composed.get(t, 0.0) for t in tags], atol=1e-6)
    harp = [i for i, s in enumerate(catalog["styles"]) if s == "harp"]
    assert probs[harp, tags.index("harp")].min() > 0.8 and probs[harp, tags.index("rock")].max() == 0.0


# (concept, styles a listener accepts for its words, how many of the top 10 must be of them,
#  styles that must not appear in the top 10)
CASES = [
    ("spain", {"guitar"}, 8, {"rock"}),            # flamenco, spanish guitar: nylon strings, not rock
    ("latin", {"guitar", "country", "pop"}, 9, {"rock"}),
    ("fado", {"guitar", "country"}, 9, {"rock"}),
    ("camping", {"guitar", "country"}, 9, {"rock", "techno"}),
    ("funk", {"pop"}, 7, {"ambient", "harp"}),  # soul, motown: a sung band, not techno
    ("lullaby", {"harp", "piano", "flute"}, 7, {"rock", "techno"}),  # not the ambient pads
    ("ramadan", {"choir", "indian"}, 8, {"opera"}),
    ("kettle drums", {"strings"}, 7, {"rock"}),   # timpani: the orchestra's drums
    ("plucked", {"guitar", "harp", "harpsichord", "country", "indian"}, 10, {"rock"}),
]


@pytest.mark.parametrize("name, accepted, at_least, never", CASES, ids=[c[0] for c in CASES])
def test_a_concept_alone_finds_the_styles_its_words_mean(catalog, name, accepted, at_least, never):
    profile = concept_profile(catalog["matcher"], name)
    got = top_styles(catalog["probs"], catalog["tags"], profile, catalog["styles"])
    assert sum(got.values()) == 10
    assert sum(got[s] for s in accepted) >= at_least, (name, dict(got), profile)
    assert not set(got) & never, (name, dict(got))


def test_a_thin_guitar_profile_would_have_ranked_rock_first(catalog):
    """Why spain needs more than ``guitar``: rock songs carry the guitar tag most surely."""
    from mtat.search.results import TagMatch

    got = top_styles(catalog["probs"], catalog["tags"], (TagMatch("guitar", 1.0),), catalog["styles"])
    assert got.most_common(1)[0][0] == "rock", dict(got)


def test_audit_cli_prints_each_concepts_top_styles(tmp_path, capsys):
    """The audit on a tiny catalog (a generated set's CSV, no audio; the 'model' is the perfect tagger)."""
    from benchmarks import concept_audit

    n = 45
    path, _ = concept_audit.write_perfect_catalog(tmp_path, n)
    args = ["--catalog", path, "--data-root", str(tmp_path)]
    assert concept_audit.main([*args, "--concept", "spain", "--concept", "funk"]) == 0
    out = capsys.readouterr().out.splitlines()
    counts = dict(kv.split(":") for kv in out[0].split("styles: ")[1].split())
    assert f"({n} songs)" in out[0] and {s: int(c) for s, c in counts.items()} == collections.Counter(
        style_of(i) for i in range(n))
    spain = out.index(next(ln for ln in out if ln.startswith("spain: ")))
    perfect, model = out[spain + 1].split(), out[spain + 2].split()
    top = {s: int(c) for s, c in (kv.split(":") for kv in perfect[1:])}
    assert perfect[0] == "perfect" and model[0] == "model" and sum(top.values()) == 10
    assert top["guitar"] == 3 and top["guitar"] >= max(top.values())  # all 3 guitar songs are in
    assert model[1:] == perfect[1:]  # the same catalog twice
    assert any(ln.startswith("funk: pop:") for ln in out)
    assert concept_audit.main([*args, "--concept", "no such concept"]) == 2
    assert "unknown concepts: no such concept" in capsys.readouterr().err
