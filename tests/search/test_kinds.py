"""Kinds of music: the data file's format and errors, the table a catalog's tags allow, and free words
that no alias names reaching the right songs through the kinds' example texts (real text encoder)."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from mtat.search import search
from mtat.search.catalog import read_catalog, write_catalog
from mtat.search.errors import VocabularyError
from mtat.search.kinds import (
    DECISIVE_MARGIN,
    KIND_MARGIN,
    KIND_SHARE_DECISIVE,
    KIND_SHARE_EMBEDDED,
    KIND_SHARE_NAMED,
    MAX_KINDS,
    PROBE_WEIGHT,
    KindTable,
    fit_kind_probe,
    kind_share,
    probe_log_probs,
)
from mtat.search.matcher import TagMatcher
from mtat.search.scoring import rank_songs, score_songs
from mtat.search.vocabulary import Kind, kinds, load, normalize, parse_kinds
from mtat.tags import MTAT_TAGS, MTAT_TOP50

GOOD = """# two kinds
choir | @SACRED
    midnight mass in a cathedral
    monks at vespers, candles lit

ambient | ambient:1 new age:.7 -drums:.5
    floating in a sensory deprivation tank
"""


def test_the_kinds_file_parses_with_bundles_weights_and_texts():
    got = parse_kinds(GOOD, "kinds.txt", load().bundles)
    assert [k.name for k in got] == ["choir", "ambient"]
    assert got[0].weights["choir"] == 1.0 and got[0].texts == ("midnight mass in a cathedral", "monks at vespers, candles lit")
    assert got[1].weights == {"ambient": 1.0, "new age": 0.7, "drums": -0.5}


@pytest.mark.parametrize("text, message", [
    ("choir @SACRED\n    a text\n", "kinds.txt line 1: expected 'name | tag:weight"),
    ("choir | @SACRED\n", "kinds.txt line 1: kind 'choir' has no texts"),
    ("choir | -choir:1\n    a text\n", "kinds.txt line 1: kind 'choir' needs a positive tag weight"),
    ("choir | @NOPE\n    a text\n", "kinds.txt line 1: unknown bundle @NOPE"),
    ("choir | choir:1\n    a text\nrock | rock:1\n    b text\n\n    A  Text!\n",
     "kinds.txt line 6: text 'A  Text!' of 'rock' is already a text of 'choir' (kinds.txt line 2)"),
    ("choir | choir:1\n    a text\nchoir | choral:1\n    b text\n", "kinds.txt line 3: kind 'choir' defined twice"),
    ("choir | choir:1\n    a | b\n", "kinds.txt line 2: a text of kind 'choir' may not contain '|'"),
])
def test_a_bad_kinds_file_names_the_line(text, message):
    with pytest.raises(VocabularyError, match=message.replace("(", r"\(").replace(")", r"\)").replace("|", r"\|")):
        parse_kinds(text, "kinds.txt", load().bundles)


def test_the_shipped_kinds_are_many_texts_each_and_none_is_a_benchmark_query():
    import json

    from benchmarks.search import QUERIES, UNSEEN

    shipped = kinds()
    assert len(shipped) >= 16 and all(len(k.texts) >= 40 for k in shipped)
    queries = {normalize(q["query"]) for f in (QUERIES, UNSEEN) for q in json.loads(f.read_text(encoding="utf-8"))}
    assert not queries & {normalize(t) for k in shipped for t in k.texts}  # no query answered by heart


def test_a_kind_needs_one_of_its_defining_tags_in_the_catalog():
    jazz = Kind("jazz", {"jazz": 1.0, "jazzy": 0.6, "piano": 0.4}, ("smoky club at 2am",))
    choir = Kind("choir", {"choir": 1.0}, ("midnight mass", "vespers"))
    top50 = KindTable(MTAT_TOP50, [jazz, choir])
    assert top50.names == ["choir"] and top50.texts == ["midnight mass", "vespers"]  # jazz would become piano
    full = KindTable(MTAT_TAGS, [jazz, choir])
    assert full.names == ["jazz", "choir"] and list(full.text_rows) == [0, 1, 1]
    assert full.weights[0] == {"jazz": 1.0, "jazzy": 0.6, "piano": 0.4}


def test_kind_similarity_is_the_mean_of_its_best_texts_and_close_kinds_are_kept():
    table = KindTable(MTAT_TOP50, [Kind("choir", {"choir": 1.0}, tuple(f"c{i}" for i in range(8))),
                                   Kind("harp", {"harp": 1.0}, ("h0", "h1")),
                                   Kind("rock", {"rock": 1.0}, ("r0",))])
    cos = np.array([0.9, 0.1, 0.8, 0.7, 0.6, 0.5, 0.0, 0.2, 0.7, 0.6, 0.1])
    sims = table.similarities(cos)
    assert sims == pytest.approx([np.mean([0.9, 0.8, 0.7, 0.6, 0.5]), 0.65, 0.1])
    chosen = table.choose(sims)
    assert [i for i, _ in chosen] == [0, 1] and len(chosen) <= MAX_KINDS  # rock is beyond the margin
    assert chosen[0][1] == 1.0 and 0 < chosen[1][1] < 1
    assert sims[0] - sims[2] > KIND_MARGIN and table.best_text(1, cos) == "h0"
    assert kind_share(0.0) == KIND_SHARE_NAMED and kind_share(1.0) == KIND_SHARE_EMBEDDED
    assert KIND_SHARE_NAMED < kind_share(0.5) < KIND_SHARE_EMBEDDED


def test_the_kind_probe_gives_log_probabilities_for_any_number_of_kinds():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 8))
    x[:20, 0] += 3.0  # kind 0's texts lie along the first axis, kind 2's against it
    probe = fit_kind_probe(x, np.repeat([0, 2], 20), 3)
    assert probe.shape == (3, 9)
    logp = probe_log_probs(probe, np.eye(8)[0] * 3.0)
    assert np.exp(logp).sum() == pytest.approx(1.0) and logp.argmax() == 0
    assert np.exp(logp[1]) < 1e-6  # kind 1 has no texts
    assert np.exp(probe_log_probs(probe, -np.eye(8)[0] * 3.0)).argmax() == 2
    one = fit_kind_probe(x, np.zeros(40, np.int64), 1)
    assert probe_log_probs(one, x[0]) == pytest.approx([0.0])


def test_the_kind_probe_reads_unseen_kind_texts_better_beside_the_nearest_texts(matchers):
    """Fitted on four in five of the kinds' texts, the probe's share in a kind's similarity reads the kind
    of the fifth more often than the nearest fitted texts alone (real text encoder, shipped kinds)."""
    table = matchers[0].kind_table
    vecs, rows = matchers[0].kind_vectors(), table.text_rows
    held = np.arange(len(rows)) % 5 == 0
    probe = fit_kind_probe(vecs[~held], rows[~held], len(table.names))
    nearest = with_probe = 0
    for i in np.flatnonzero(held):
        cos = vecs @ vecs[i]
        cos[held] = -np.inf  # only the fitted texts
        nearest += table.similarities(cos).argmax() == rows[i]
        with_probe += table.similarities(cos, probe_log_probs(probe, vecs[i])).argmax() == rows[i]
    assert with_probe / held.sum() > nearest / held.sum() + 0.005 > 0.5
    assert PROBE_WEIGHT > 0


def test_the_kind_probe_is_fitted_once_and_read_from_the_cache(tmp_path, monkeypatch, encode):
    from mtat.search import matcher as matcher_module
    from mtat.search.embedding import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    first = TagMatcher(MTAT_TOP50, encode).kind_probe()
    assert len(list(tmp_path.glob("kind_probe_*.npy"))) == 1
    monkeypatch.setattr(matcher_module, "fit_kind_probe", lambda *a: pytest.fail("fitted again"))
    again = TagMatcher(MTAT_TOP50, encode).kind_probe()
    np.testing.assert_array_equal(first, again)
    assert first.shape == (len(again), 385)


@pytest.fixture(scope="module")
def perfect():
    """The first 120 generated clips (seed 1) with their perfect-tagger probabilities, and their styles."""
    from sample_music import compose

    clips = [compose(1, i) for i in range(120)]
    probs = np.array([[c.tag_probs.get(t, 0.0) for t in MTAT_TOP50] for c in clips], dtype=np.float32)
    return probs, [c.style for c in clips]


@pytest.fixture(scope="module")
def encode():
    from mtat.text_embedding import TextEncoder

    return TextEncoder.load().encode


@pytest.fixture(scope="module")
def matchers(encode):
    return TagMatcher(MTAT_TOP50, encode), TagMatcher(MTAT_TOP50, encode, kind_vocabulary=())


def _styles(matcher, perfect, query: str) -> Counter:
    probs, styles = perfect
    top = rank_songs(score_songs(probs, list(MTAT_TOP50), matcher.match(query).matches, scaled=True), 10)
    return Counter(styles[i] for i in top)


@pytest.mark.parametrize("query, kind, style, at_least", [
    ("granny's porch swing", "country", "country", 5),
    ("an autumn stroll through the woods", "flute", "flute", 7),
])
def test_words_no_alias_names_reach_their_music_through_the_kinds(matchers, perfect, query, kind, style, at_least):
    full, concepts_only = matchers
    texts = {normalize(t) for k in kinds() for t in k.texts}
    assert normalize(query) not in texts  # read by meaning, not found verbatim
    match = full.match(query)
    assert match.kinds[0].name == kind and match.kinds[0].how == "kind" and match.kinds[0].alias in {
        t for k in kinds() if k.name == kind for t in k.texts}
    assert _styles(full, perfect, query)[style] >= at_least > _styles(concepts_only, perfect, query)[style]


def test_a_search_reports_its_kinds_and_a_tag_query_has_none(tmp_path, matchers, perfect):
    probs, _ = perfect
    path = tmp_path / "catalog.parquet"
    write_catalog(str(path), [f"{i % 16:x}/clip_{i:03d}.mp3" for i in range(len(probs))], probs, list(MTAT_TOP50))
    cat = read_catalog(str(path))
    res = search(cat, "granny's porch swing", matcher=matchers[0]).to_dict()
    assert res["kinds"][0]["kind"] == "country" and 0 < res["kinds"][-1]["weight"] <= res["kinds"][0]["weight"] == 1.0
    assert res["kinds"][0]["like"]
    assert search(cat, "piano slow", matcher=matchers[0]).to_dict()["kinds"] == []


def test_a_negated_tag_rules_out_the_kinds_that_lean_on_it(matchers, perfect):
    """Ambient songs are seldom tagged electronic, yet "not electronic" means no ambient: the kinds whose
    profile leans on a negated tag are never chosen and their defining tags are asked for by nothing."""
    full, concepts_only = matchers
    query = "calm evening but nothing electronic"
    match = full.match(query)
    assert {"ambient", "electronic dance", "experimental"}.isdisjoint(k.name for k in match.kinds) and match.kinds
    assert not [m for m in match.matches if m.tag in ("ambient", "techno") and not m.negated]
    assert _styles(full, perfect, query)["ambient"] == 0 < _styles(concepts_only, perfect, query)["ambient"]
    # a tag named in the query is still asked for: "ambient but not electronic" gets ambient
    assert "ambient" in [m.tag for m in full.match("ambient but not electronic").matches if not m.negated]
    kinds_, blocked, _ = full.read_kinds("calm evening", {full.parser.group["vocal"]})
    assert {"pop", "opera", "choir"}.isdisjoint(k.name for k in kinds_)
    assert {full.parser.group[t] for t in ("pop", "opera", "choir")} <= blocked


def test_a_no_tag_is_a_negation_for_the_kinds(matchers, perfect):
    """"no vocals" is a tag of its own, yet it says what a negation says: the kinds that lean on singing
    are ruled out, and the kinds read the sentence without it (a sentence encoder reads "no vocals" as
    vocals: "relaxing, no vocals" was read as the heavy metal of "screaming vocals")."""
    full, _ = matchers
    query = "relaxing, no vocals and no synths please"
    match = full.match(query)
    assert "no vocals" in [m.tag for m in match.matches if not m.negated]
    assert match.kinds and {"choir", "opera", "pop", "heavy metal"}.isdisjoint(k.name for k in match.kinds)
    assert not [m for m in match.matches if m.tag in ("choir", "opera", "pop") and not m.negated]
    assert all("vocal" not in k.alias for k in match.kinds)
    styles = _styles(full, perfect, query)
    assert styles["choir"] == styles["opera"] == styles["pop"] == 0 and sum(styles.values()) == 10


def test_a_generic_tag_named_among_free_words_weighs_less_than_in_a_tag_query(matchers):
    """"monks singing in a stone abbey": "singing" says how the music sounds, the other words what it is."""
    from mtat.search.matcher import NAMED_GENERIC_WEIGHT

    full, _ = matchers
    phrase = {m.tag: m.similarity for m in full.match("monks singing in a stone abbey").matches}
    assert phrase["singing"] == pytest.approx(NAMED_GENERIC_WEIGHT) and NAMED_GENERIC_WEIGHT < 1
    assert max(phrase, key=phrase.get) in ("choir", "choral")
    tags = full.match("singing slow")
    assert tags.kind == "tags" and [(m.tag, m.similarity) for m in tags.matches] == [("singing", 1.0), ("slow", 1.0)]
    assert {m.tag: m.similarity for m in full.match("piano for a rainy afternoon").matches}["piano"] == 1.0  # not generic


def test_the_margin_counts_from_the_best_kind_even_when_a_negation_rules_it_out():
    table = KindTable(MTAT_TOP50, [Kind("ambient", {"ambient": 1.0}, ("a",)), Kind("harp", {"harp": 1.0}, ("h",)),
                                   Kind("heavy metal", {"metal": 1.0}, ("m",))])
    near = np.array([0.50, 0.45, 0.30])
    assert [i for i, _ in table.choose(near)] == [0, 1]
    assert table.choose(near, ruled_out=[0]) == [(1, 1.0)]  # harp is still within the margin of ambient
    far = np.array([0.50, 0.50 - KIND_MARGIN - 0.05, 0.30])
    assert table.choose(far, ruled_out=[0]) == []  # nothing the words mean is left: no stand-in kind
    assert [i for i, _ in table.choose(far)] == [0]


def test_the_margin_is_the_best_kind_over_the_runner_up_without_ruled_out_kinds():
    table = KindTable(MTAT_TOP50, [Kind("ambient", {"ambient": 1.0}, ("a",)), Kind("harp", {"harp": 1.0}, ("h",)),
                                   Kind("heavy metal", {"metal": 1.0}, ("m",))])
    sims = np.array([0.50, 0.45, 0.30])
    assert table.margin(sims) == pytest.approx(0.05)
    assert table.margin(sims, ruled_out=[0]) == pytest.approx(0.15)  # harp over metal
    assert table.margin(sims, ruled_out=[0, 1]) == 0.0  # one kind left: nothing to be decisive over
    assert kind_share(0.0, decisive=True) == kind_share(1.0, decisive=True) == KIND_SHARE_DECISIVE
    assert KIND_SHARE_DECISIVE > KIND_SHARE_EMBEDDED


def test_a_decisive_kind_reading_outweighs_single_words_that_mean_otherwise(matchers, perfect):
    """When the sentence as a whole is clearly one kind (its best kind DECISIVE_MARGIN above the runner-up)
    and some of its words are read only by embedding, an alias among them does not pull the profile elsewhere."""
    full, concepts_only = matchers
    query = "sounds like robots malfunctioning"  # "robots" alone names electronic music
    match = full.match(query)
    assert any(r.how == "embedding" for r in match.reading) and any(c.how == "word" for c in match.concepts)
    table = full.kind_table
    sims = table.similarities(full.kind_vectors() @ full.encode([normalize(query)])[0])
    assert table.names[int(np.argmax(sims))] == "experimental" == match.kinds[0].name
    assert table.margin(sims) >= DECISIVE_MARGIN
    got, words_only = _styles(full, perfect, query), _styles(concepts_only, perfect, query)
    assert got["weird"] >= 7 > words_only["weird"] and got["techno"] < words_only["techno"]


@pytest.mark.parametrize("query, kind, without_small_words, styles", [
    ("proposing on a rooftop", "classical guitar", "electronic dance", ("guitar",)),
    ("after a long fight with my brother, need to cool down", "ambient", "rock", ("ambient", "piano")),
])
def test_kinds_read_the_whole_sentence_with_its_small_words(matchers, perfect, query, kind, without_small_words,
                                                            styles):
    """A sentence encoder reads sentences: without its small words ("proposing rooftop", the joint route's
    text) a query reads as another kind of music."""
    full, _ = matchers
    match = full.match(query)
    assert match.kinds[0].name == kind
    assert full.read_kinds(match.text)[0][0].name == without_small_words != kind
    assert sum(_styles(full, perfect, query)[s] for s in styles) >= 7


@pytest.mark.parametrize("query", ["punk", "bells and chimes"])
def test_a_query_of_aliases_only_keeps_what_its_words_name(matchers, query):
    """Every word a tag name or an alias: the words are explicit, the kinds keep their small share."""
    full, concepts_only = matchers
    assert all(r.how in ("alias", "tag") for r in full.match(query).reading)
    top = lambda m: [t.tag for t in m.match(query).matches[:2]]  # noqa: E731
    assert top(full) == top(concepts_only)


def test_a_kind_that_contradicts_what_the_words_say_is_dropped(matchers, perfect):
    """"chill" lies near "pure rage" in the text embedding (an antonym is a neighbour): with the calm kinds
    ruled out by "not electronic", heavy metal was read as the kind and topped the list with rock songs."""
    full, _ = matchers
    query = "chill but not electronic"
    assert {"heavy metal", "rock"}.isdisjoint(k.name for k in full.match(query).kinds)
    got = _styles(full, perfect, query)
    assert got["rock"] == 0 and got["techno"] == got["ambient"] == 0
    # the rule itself: a kind whose tags oppose the words' concepts goes, an agreeing one stays
    from mtat.search.matcher import agreeing_kinds
    from mtat.search.results import ConceptMatch

    chill = [c for c in full.match("chill").concepts if c.how == "word"]
    read = (ConceptMatch("heavy metal", 1.0, "kind", "x"), ConceptMatch("ambient", 0.8, "kind", "y"))
    assert [k.name for k in agreeing_kinds(full, read, [], chill)] == ["ambient"]
    assert agreeing_kinds(full, read, [], []) == read  # words read only by embedding: nothing to contradict
    # what a kind lacks (guitar: -electronic) does not oppose what the words want (midnight: electronic too)
    night = [c for c in full.match("midnight").concepts if c.how == "word"]
    guitar = (ConceptMatch("classical guitar", 1.0, "kind", "z"),)
    assert full.kind_table.weights[full.kind_table.index["classical guitar"]]["electronic"] < 0
    assert agreeing_kinds(full, guitar, [], night) == guitar
    assert "classical guitar" in [k.name for k in full.match("sevilla at midnight").kinds]

