"""The concept layer of free-word search: vocabulary, word and embedding matches, misspellings, negation."""
from __future__ import annotations

import pathlib

import pytest

from mtat.search.concepts import CALM_POLE, ENERGETIC_POLE, resolve_weights
from mtat.search.matcher import TagMatcher
from mtat.search.vocabulary import concepts, parse_concepts
from mtat.tags import MTAT_TAGS, MTAT_TOP50


def concept_layer(encode) -> TagMatcher:
    """A matcher of the concept layer alone (no kinds of music: their texts always need the text model)."""
    return TagMatcher(MTAT_TOP50, encode, kind_vocabulary=())

def _boom(texts):
    raise AssertionError(f"the text model must not run here (asked for {texts[:2]})")


def _wanted(match) -> list[str]:
    """The tags a match wants (positive weight), best first."""
    return [t.tag for t in match.matches if not t.negated]


@pytest.fixture(scope="module")
def matcher():
    from mtat.text_embedding import TextEncoder

    return concept_layer(TextEncoder.load().encode)  # alias vectors cached on disk after the first run


def test_vocabulary_is_general_and_uses_real_tags():
    vocab = concepts()
    assert len(vocab) >= 200 and sum(len(c.aliases) for c in vocab) >= 1000
    for c in vocab:
        assert set(c.weights) <= set(MTAT_TAGS), (c.name, sorted(set(c.weights) - set(MTAT_TAGS)))
        assert any(w > 0 for w in c.weights.values()) and all(-1 <= w <= 1 for w in c.weights.values()), c
    names = {c.name for c in vocab}
    assert {"running", "christmas", "medieval", "india", "sitar", "metal", "sleep", "beach"} <= names


def test_vocabulary_format_errors_name_the_line():
    good = parse_concepts("run: running, jogging | fast:.8 -slow:.4 @CALM\n# comment\n\nx: y | pop:1")
    assert [c.name for c in good] == ["run", "x"]
    assert good[0].weights["fast"] == 0.8 and good[0].weights["slow"] == -0.4  # explicit beats the bundle
    assert good[0].weights["ambient"] > 0  # from the bundle
    for bad, fragment in [("x: a | fast=.8", "cannot read 'fast=.8'"), ("x: a | @NOPE", "unknown bundle"),
                          ("x a | fast:.5", "expected 'name: aliases | weights'"),
                          ("x: a | -fast:.5", "positive tag weight"), ("x: a | pop:1\nx: b | pop:1", "line 2")]:
        with pytest.raises(ValueError, match="concepts line"):
            parse_concepts(bad)
        with pytest.raises(ValueError, match=fragment):
            parse_concepts(bad)


def test_weights_follow_the_model_tags():
    w = {"vocals": 0.8, "fast": 0.5, "banjo": 0.4}
    # "vocals" is missing from this model: its weight goes to a trained synonym; banjo is dropped
    assert resolve_weights(w, ["vocal", "fast"], {"vocals": ["vocal"]}) == {"vocal": 0.8, "fast": 0.5}
    assert resolve_weights({"vocals": 0.8, "vocal": 0.3}, ["vocal"], {"vocals": ["vocal"]}) == {"vocal": 0.3}


def test_an_alias_in_the_query_names_its_concept_without_the_text_model():
    m = concept_layer(_boom)
    jog = m.match("music for jogging")
    assert jog.kind == "words" and [(c.name, c.how, c.alias) for c in jog.concepts] == [("running", "word", "jogging")]
    assert {"fast", "beat", "techno"} <= set(_wanted(jog)[:8]), jog
    assert not set(_wanted(jog)) & CALM_POLE and {"slow", "quiet"} <= {t.tag for t in jog.matches if t.negated}
    xmas = m.match("xmas")
    assert _wanted(xmas)[0] == "choir"
    assert _wanted(m.match("nashville"))[0] == "country"
    assert _wanted(m.match("ravi shankar"))[:2] == ["indian", "sitar"]


def test_misspellings_are_corrected():
    m = concept_layer(_boom)
    jog = m.match("joging")
    # a typo that reads as a form of an alias ("jog" + "ing") lands on the same concept
    assert jog.corrections in ({"joging": "jogging"}, {"joging": "jog"}) and jog.concepts[0].name == "running"
    med = m.match("meditatoin")
    assert med.corrections == {"meditatoin": "meditation"} and "new age" in _wanted(med)[:4]
    tech = m.match("tecnho")
    assert tech.kind == "tags" and tech.tags == ["techno"]  # corrected to a tag name: an exact tag query
    assert m.match("harpsicord").tags == ["harpsichord"]  # a known misspelling of a tag
    assert m.match("guitars").tags == ["guitar"]


def test_a_year_is_read_as_its_decade_or_century(matcher):
    """A year typed as digits reaches the era the vocabulary names: its decade ("1987" -> the 1980s) or,
    when no decade is named, its century ("1720" -> the 1700s, baroque); other numbers stay as typed."""
    m = concept_layer(_boom)
    assert m.correct(["1987", "1720", "1720s", "808", "3000", "1700s"]) == (
        ["1980s", "1700s", "1700s", "808", "3000", "1700s"], {"1987": "1980s", "1720": "1700s", "1720s": "1700s"})
    wig = matcher.match("a powdered wig in 1720")
    assert wig.concepts[-1].name == "baroque" and "harpsichord" in _wanted(wig)[:3]
    assert not any(r.typo for r in wig.reading)  # a year is no typing mistake


def test_negation_still_works_with_concepts(matcher):
    m = concept_layer(_boom)
    party = m.match("party without guitars")
    assert ("guitar", True) in [(t.tag, t.negated) for t in party.matches]
    assert "guitar" not in _wanted(party) and "dance" in _wanted(party)
    study = matcher.match("studying, no vocals")  # two named concepts: weighted by the text model
    assert "no vocals" in _wanted(study) and "vocal" not in _wanted(study)
    assert m.match("piano without drums").kind == "tags"


def test_a_negation_never_removes_what_the_query_names():
    m = concept_layer(_boom)
    raga = m.match("a raga, not bollywood")  # the negated concept (bollywood: indian pop) also wants indian
    assert ("diwali", "negated word") in [(c.name, c.how) for c in raga.concepts]
    assert _wanted(raga)[:2] == ["indian", "sitar"] or _wanted(raga)[0] == "indian", raga
    assert {"pop", "dance"} <= {t.tag for t in raga.matches if t.negated}  # what bollywood adds is still negated
    only = m.match("bollywood")
    assert "indian" in _wanted(only)  # the same concept, not negated, asks for indian
    party = m.match("party without guitars")  # a negation of what a concept merely includes still holds
    assert "guitar" not in _wanted(party)


def test_negation_reaches_past_small_words():
    m = concept_layer(_boom)
    chill = m.match("chill without any electronic stuff")
    assert ("electronic", True) in [(t.tag, t.negated) for t in chill.matches] and "electronic" not in _wanted(chill)
    sleepy = m.match("not too sleepy")  # "too" does not hide the negation from "sleepy"
    assert sleepy.concepts and all(c.how == "negated word" for c in sleepy.concepts), sleepy.concepts
    assert not set(_wanted(sleepy)) & CALM_POLE, sleepy
    jazz = m.match("relaxing but nothing jazzy")  # "nothing" negates; it is no misspelling of "soothing"
    assert not jazz.corrections and ("jazz", "negated word") in [(c.name, c.how) for c in jazz.concepts]
    assert "jazzy" not in jazz.text.split() and "relaxing" in jazz.text.split()


def test_a_negation_covers_a_list_joined_by_or():
    """"without any drums or beats": both are ruled out, not "beats" asked for."""
    m = concept_layer(_boom)
    parser = m.parser
    negated = lambda q: {t.tag for t in parser.parse(q)[0] if t.negated}  # noqa: E731
    wanted = lambda q: {t.tag for t in parser.parse(q)[0] if not t.negated}  # noqa: E731
    assert negated("calm music without any drums or beats") == {"drums", "beats"}
    assert negated("without drums or anything electronic") == {"drums", "electronic"}
    assert negated("no vocals or guitars please") == {"guitar"} and "no vocals" in wanted("no vocals or guitars please")
    assert not negated("piano or guitar") and wanted("piano or guitar") == {"piano", "guitar"}
    assert negated("no drums and fast") == {"drums"} and wanted("no drums and fast") == {"fast"}  # "and" ends it
    calm = m.match("not loud or something calm")  # a list item must follow at once: "something" ends it
    assert ("loud", True) in [(t.tag, t.negated) for t in calm.matches] and "calm" in [c.name for c in calm.concepts
                                                                                     if c.how == "word"]
    sad = m.match("nothing sad or gloomy please")  # concepts: the negation reaches the alias after "or"
    assert sad.concepts and all(c.how == "negated word" for c in sad.concepts), sad.concepts


def test_negated_words_outside_the_vocabulary_count_against_songs(matcher):
    party = matcher.match("party without kazoos")  # "kazoos" is no alias: its nearest concept is negated
    negated = [c for c in party.concepts if c.how == "negated embedding"]
    assert negated and negated[0].similarity >= 0.45, party.concepts
    against = {t.tag for t in party.matches if t.negated}
    # what the negated concept mainly is, no other part of the query asks for
    assert against and not against & set(_wanted(party)) and "dance" in _wanted(party)[:3], party
    assert "kazoos" not in party.text.split()  # the joint route never embeds what is excluded
    dinner = matcher.match("dinner without any harmonicas")  # a plural of an alias is no typo of another word
    assert dinner.corrections == {"harmonicas": "harmonica"}
    assert [c.how for c in dinner.concepts if c.alias == "harmonica"] == ["negated word"], dinner.concepts


def test_words_nobody_listed_go_by_embedding(matcher):
    sprint = matcher.match("high intensity interval training")
    assert sprint.concepts and sprint.concepts[0].how == "embedding"
    assert sprint.concepts[0].name in {"running", "workout", "cycling", "motivation", "energetic"}, sprint.concepts
    assert set(_wanted(sprint)[:4]) & ENERGETIC_POLE and not set(_wanted(sprint)[:4]) & CALM_POLE, sprint
    sims = [c.similarity for c in sprint.concepts]
    assert sims == sorted(sims, reverse=True) and all(0 < s <= 1 for s in sims)
    calm = matcher.match("unwinding in a hammock")
    assert set(_wanted(calm)[:3]) <= CALM_POLE | {"new age", "no vocals", "harp", "piano", "guitar"}, calm
    assert not set(_wanted(calm)) & {"loud", "metal", "fast"}, calm


def test_max_tags_caps_the_profile(matcher):
    full = matcher.match("gym workout")
    assert len(full.matches) > 3
    short = TagMatcher(MTAT_TOP50, _boom, max_tags=3, kind_vocabulary=()).match("gym workout")
    assert [t.tag for t in short.matches] == [t.tag for t in full.matches[:3]]


def test_real_words_are_not_corrected_into_vocabulary_words():
    """English words and words of the text encoder's vocabulary (or such words with an ending) are typed on purpose:
    "snake" is no typo of "snare", "dumped" none of "pumped"; real typos are still fixed."""
    m = concept_layer(_boom)
    words, fixes = m.correct("snake charmer what would hear got dumped techo chior".split())
    assert fixes == {"techo": "techno", "chior": "choir"}, fixes
    assert words[:7] == "snake charmer what would hear got dumped".split()


#: Real English words one typing edit from a vocabulary word, once "corrected" into it ("mowing" -> rowing).
REAL_WORDS = ("mowing", "chopping", "mopping", "tickling", "glade", "collage", "tapas", "ghats", "andalusian",
              "asana", "namaste", "vinyasa")


def test_english_words_are_never_replaced():
    """A word of the English dictionary (pyspellchecker's list) is typed on purpose; only typos are fixed."""
    from mtat.search.spelling import dictionary_words

    words = [w for w in REAL_WORDS if w in dictionary_words()]  # only real dictionary words (no yoga terms there)
    assert {"mowing", "chopping", "mopping", "tickling", "glade", "collage"} <= set(words)
    m = concept_layer(_boom)
    assert m.correct(words) == (words, {})
    assert m.correct(["ganges"]) == (["ganges"], {})  # no "es" plural of "gang"
    fixed, fixes = m.correct("joging clasical pianno heavey violen".split())
    assert fixed[1:] == ["classical", "piano", "heavy", "violin"] and fixed[0] in ("jogging", "jog"), fixes


@pytest.mark.parametrize("query", ["guitar music that isn't rock", "guitar but dont want rock",
                                   "guitar, except rock", "guitar that doesn't sound like rock"])
def test_negation_contractions(matcher, query):
    got = {(t.tag, t.negated) for t in matcher.match(query).matches}
    assert ("guitar", False) in got and ("rock", True) in got and ("rock", False) not in got, got


def test_word_forms_reach_their_one_word_alias():
    m = concept_layer(_boom)
    words, fixes = m.correct("danced sprinting drummers".split())
    assert fixes == {"danced": "dance", "sprinting": "sprint", "drummers": "drummer"}, fixes
    assert m.match("sprinting").concepts[0].name == "running"


def test_a_concept_naming_few_tags_is_not_drowned_by_one_naming_many(matcher):
    """Each concept's weights are scaled to the same mass: "haunted house" (weird) keeps the lead
    over "party" (dance, techno, beat, electronic, pop, ...)."""
    match = matcher.match("haunted house party")
    assert {c.name for c in match.concepts} == {"haunted house", "party"}
    assert _wanted(match)[0] == "weird"
    weights = {t.tag: t.similarity for t in match.matches if not t.negated}
    assert weights["weird"] > 2 * max(w for t, w in weights.items() if t != "weird"), weights


@pytest.mark.parametrize("query", ["thumping kick that never stops", "a beat that doesn't stop", "non stop techno"])
def test_a_negated_verb_of_stopping_negates_nothing(matcher, query):
    """"never stops" says the music goes on: no concept or tag is negated by it."""
    got = matcher.match(query)
    assert not [c for c in got.concepts if c.how.startswith("negated")], got.concepts
    assert not [t for t in got.matches if t.negated and t.how != "concept"], got.matches
    assert set(_wanted(got)[:4]) & {"beat", "techno", "drums", "electronic", "dance"}, got.matches


@pytest.mark.parametrize("query", ["bangers only no cap", "no lie this slaps", "not gonna lie, something calm",
                                   "bangers only no skips"])
def test_a_negation_in_a_set_phrase_negates_nothing(matcher, query):
    """"no cap" means "no lie", "no skips" means every song is good: slang, not a negation of anything in the
    music."""
    got = matcher.match(query)
    assert not [c for c in got.concepts if c.how.startswith("negated")], got.concepts
    assert not [t for t in got.matches if t.negated and t.how != "concept"], got.matches
    if "calm" in query:
        assert set(_wanted(got)[:4]) & {"ambient", "quiet", "soft", "calm"}, got.matches
    assert [(t.tag, t.negated) for t in matcher.match("not gonna be loud").matches] == [("loud", True)]  # past "gonna"


def test_a_verb_of_dislike_negates_the_tag_it_names_and_nothing_else(matcher):
    """"i hate guitars" asks for no guitar (the repeated name must not bring guitar back); "hate" before
    a word that names no tag stays a word of the query."""
    got = matcher.match("energetic but no guitars, i hate guitars")
    assert ("guitar", True) in [(t.tag, t.negated) for t in got.matches], got.matches
    assert "guitar" not in [t.tag for t in got.matches if not t.negated], got.matches
    assert not [c for c in got.concepts if c.name == "guitar" and not c.how.startswith("negated")], got.concepts
    assert [(t.tag, t.negated) for t in matcher.match("dislike drums").matches] == [("drums", True)]
    kept = matcher.match("i hate mondays, cheer me up")
    assert not [t for t in kept.matches if t.negated and t.how != "concept"], kept.matches


def test_sound_words_parse_into_their_own_section_with_unique_aliases():
    """The sound words are a section of the vocabulary; an alias may not name a second concept in
    another section (the parser names both places)."""
    from mtat.search.vocabulary import HERE, SECTIONS, normalize, parse_sections

    assert "sounds" in SECTIONS
    sections = [(f"{s}.txt", (pathlib.Path(HERE) / "concepts" / f"{s}.txt").read_text(encoding="utf-8"))
                for s in SECTIONS]
    sounds_text = dict(sections)["sounds.txt"]
    own = parse_sections([("sounds.txt", sounds_text)])
    assert len(own) >= 60 and sum(len(c.aliases) for c in own) >= 600
    owner: dict[str, str] = {}
    for c in parse_sections(sections):
        for a in c.aliases:
            assert owner.setdefault(normalize(a), c.name) == c.name, (a, owner[normalize(a)], c.name)
    assert {owner[w] for w in ("twangy", "buzzy", "plinky", "chugging", "double bass drum", "tanpura drone")} == {
        "twangy", "buzzy", "plinky", "chugging", "double kick", "indian drone"}
    with pytest.raises(ValueError, match=r"x\.txt line 1: alias 'twangy' of 'y' already names 'twangy' \(sounds\.txt"):
        parse_sections([("sounds.txt", sounds_text), ("x.txt", "y: twangy | pop:1")])


@pytest.mark.parametrize("query, want, not_want", [
    ("twangy", {"guitar", "country"}, {"electronic", "techno"}),
    ("thumping kick drum", {"beat", "drums", "techno"}, {"quiet", "soft", "ambient", "classical"}),
    ("double bass", {"strings", "cello"}, {"drums", "metal", "rock"}),
    ("double bass drum", {"drums", "metal", "rock"}, {"strings", "cello", "classical"}),
    ("blast beats", {"drums", "metal"}, {"quiet", "soft"}),
    ("palm muting", {"metal", "guitar"}, {"soft", "quiet"}),
    ("tremolo picking", {"metal", "guitar"}, {"strings", "violin"}),
    ("tremolo strings", {"strings", "violin"}, {"metal", "guitar"}),
    ("steel string", {"guitar"}, {"techno", "electronic", "weird"}),
    ("finger picking", {"guitar"}, {"drums", "electronic"}),
    ("blues harp", {"guitar"}, {"harp"}),
    ("mouth harp", {"country"}, {"harp"}),
    ("tanpura drone", {"indian", "sitar"}, {"drums"}),
    ("tabla bols", {"indian", "drums"}, {"techno"}),
    ("spinet", {"harpsichord"}, {"electronic"}),
    ("chugging", {"metal", "guitar"}, {"soft", "ambient"}),
    ("buzzy", {"synth"}, {"soft", "quiet"}),
    ("plinky", {"piano"}, {"metal", "loud"}),
    ("glassy", {"harp", "ambient"}, {"metal", "loud"}),
    ("reverby", {"ambient"}, {"metal"}),
    ("hollow", {"flute"}, {"metal"}),
    ("high pitched", {"flute", "violin"}, {"cello"}),
    ("low pitched", {"cello"}, {"flute", "violin"}),
    ("breathy", {"soft", "quiet"}, {"loud", "metal"}),
    ("staccato", {"strings", "piano"}, {"ambient"}),
    ("arpeggiated", {"piano", "harp", "harpsichord"}, {"metal"}),
    ("bendy", {"guitar"}, {"classical"}),
    ("whoosh", {"electronic", "synth"}, {"classical"}),
    ("boom", {"beat", "drums"}, {"quiet", "soft"}),
    ("plink", {"piano"}, {"loud"}),
])
def test_sound_words_reach_the_tags_of_such_sounds(matcher, query, want, not_want):
    """A word that describes the sound (timbre, technique, onomatopoeia, an instrument phrase whose
    words mislead one by one) is matched word for word and wants the tags of music with that sound
    (two or more named concepts are weighted by the text model, so it runs)."""
    got = matcher.match(query)
    top = set(_wanted(got)[:4])
    assert got.kind == "words" and all(c.how == "word" for c in got.concepts), got.concepts
    assert want <= top, (query, got.matches)
    assert not not_want & set(_wanted(got)), (query, got.matches)


def test_other_forms_of_sound_words_reach_them():
    m = concept_layer(_boom)
    for word, concept in [("twangier", "twangy"), ("thudding", "booming"), ("plinking", "plinky"),
                          ("stomped", "stomp clap"), ("whooshy", "whoosh"), ("clanging", "metallic")]:
        got = m.match(word)
        assert [c.name for c in got.concepts] == [concept], (word, got.concepts, got.corrections)


def test_sound_words_mix_with_the_rest_of_the_query(matcher):
    m = matcher  # several named concepts: weighted by the text model
    got = m.match("twangy guitar with a thumping kick drum")
    assert {c.name for c in got.concepts} == {"twangy", "booming", "kick drum"}, got.concepts
    assert {"guitar", "country", "beat", "drums"} <= set(_wanted(got)[:5]), got.matches
    shimmer = m.match("shimmering reverby guitars")
    assert _wanted(shimmer)[:2] == ["guitar", "ambient"], shimmer.matches
