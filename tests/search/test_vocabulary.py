"""The search vocabulary as data: it parses, each alias names one concept, every concept reaches the
top-50 tags, and the general category lists it was written from are covered word for word."""
from __future__ import annotations

import pytest

from mtat.search.concepts import resolve_weights
from mtat.search.matcher import TagMatcher
from mtat.search.query import SYNONYM_GROUPS
from mtat.search.spelling import NearWords, edit_distance
from mtat.search.vocabulary import SECTIONS, concepts, normalize, parse_sections
from mtat.tags import MTAT_TAGS, MTAT_TOP50

#: The 128 General MIDI program names as a listener would type them (the bracketed synth names,
#: "Lead 2 (sawtooth)", by their sound).
GENERAL_MIDI = (
    "acoustic grand piano", "bright acoustic piano", "electric grand piano", "honky-tonk piano", "electric piano 1",
    "electric piano 2", "harpsichord", "clavinet", "celesta", "glockenspiel", "music box", "vibraphone", "marimba",
    "xylophone", "tubular bells", "dulcimer", "drawbar organ", "percussive organ", "rock organ", "church organ",
    "reed organ", "accordion", "harmonica", "tango accordion", "acoustic guitar nylon", "acoustic guitar steel",
    "electric guitar jazz", "electric guitar clean", "electric guitar muted", "overdriven guitar",
    "distortion guitar", "guitar harmonics", "acoustic bass", "electric bass finger", "electric bass pick",
    "fretless bass", "slap bass 1", "slap bass 2", "synth bass 1", "synth bass 2", "violin", "viola", "cello",
    "contrabass", "tremolo strings", "pizzicato strings", "orchestral harp", "timpani", "string ensemble 1",
    "string ensemble 2", "synth strings 1", "synth strings 2", "choir aahs", "voice oohs", "synth voice",
    "orchestra hit", "trumpet", "trombone", "tuba", "muted trumpet", "french horn", "brass section", "synth brass 1",
    "synth brass 2", "soprano sax", "alto sax", "tenor sax", "baritone sax", "oboe", "english horn", "bassoon",
    "clarinet", "piccolo", "flute", "recorder", "pan flute", "blown bottle", "shakuhachi", "whistle", "ocarina",
    "square lead", "sawtooth", "calliope", "chiff lead", "charang", "voice lead", "fifths lead", "bass and lead",
    "new age pad", "warm pad", "polysynth", "choir pad", "bowed pad", "metallic pad", "halo pad", "sweep pad",
    "fx rain", "fx soundtrack", "fx crystal", "fx atmosphere", "fx brightness", "fx goblins", "fx echoes",
    "fx sci-fi", "sitar", "banjo", "shamisen", "koto", "kalimba", "bagpipe", "fiddle", "shanai", "tinkle bell",
    "agogo", "steel drums", "woodblock", "taiko drum", "melodic tom", "synth drum", "reverse cymbal",
    "guitar fret noise", "breath noise", "seashore", "bird tweet", "telephone ring", "helicopter", "applause",
    "gunshot",
)
#: A general mood lexicon (adjectives of the usual music mood taxonomies).
MOODS = (
    "aggressive", "angry", "anxious", "apocalyptic", "atmospheric", "austere", "bitter", "bittersweet", "bleak",
    "boisterous", "brooding", "calm", "carefree", "cheerful", "cold", "confident", "dark", "defiant", "delicate",
    "dramatic", "dreamy", "earthy", "eerie", "elegant", "energetic", "epic", "ethereal", "euphoric", "exotic",
    "fiery", "gentle", "gloomy", "graceful", "gritty", "happy", "harsh", "heroic", "hopeful", "humorous", "hypnotic",
    "innocent", "intense", "intimate", "introspective", "joyful", "lazy", "lively", "lonely", "lush", "majestic",
    "melancholic", "menacing", "mysterious", "nostalgic", "ominous", "optimistic", "passionate", "pastoral",
    "peaceful", "playful", "poignant", "powerful", "quirky", "reflective", "relaxed", "romantic", "rousing", "sad",
    "sensual", "sentimental", "serene", "sexy", "silly", "sinister", "sleepy", "smooth", "soothing", "sophisticated",
    "sparse", "spiritual", "spooky", "suspenseful", "sweet", "tender", "tense", "theatrical", "triumphant", "trippy",
    "uplifting", "warm", "whimsical", "wistful", "yearning", "frantic", "solemn", "mournful", "furious",
)
#: A standard genre taxonomy: every family with its common subgenres.
GENRES = (
    "rock", "metal", "punk", "grunge", "emo", "shoegaze", "post-rock", "prog rock", "psychedelic rock", "hard rock",
    "glam rock", "surf rock", "folk rock", "country", "bluegrass", "americana", "blues", "jazz", "bebop", "swing",
    "big band", "ragtime", "dixieland", "bossa nova", "samba", "salsa", "tango", "flamenco", "reggae", "ska", "dub",
    "dancehall", "reggaeton", "cumbia", "merengue", "bachata", "mariachi", "soul", "funk", "disco", "motown", "r&b",
    "gospel", "hip hop", "rap", "trap", "drill", "grime", "boom bap", "lo-fi", "trip hop", "house", "techno",
    "trance", "dubstep", "drum and bass", "breakbeat", "uk garage", "hardstyle", "eurodance", "synthwave",
    "vaporwave", "chiptune", "idm", "ambient", "new age", "drone", "noise music", "industrial", "ebm", "darkwave",
    "post-punk", "new wave", "synthpop", "electropop", "k-pop", "j-pop", "pop", "indie pop", "dream pop",
    "singer-songwriter", "ballad", "classical", "baroque", "opera", "chamber music", "symphony", "minimalism",
    "impressionism", "medieval", "gregorian", "a cappella", "barbershop", "musical theatre", "film score", "afrobeat",
    "highlife", "qawwali", "bhangra", "bollywood", "gamelan", "klezmer", "polka", "fado", "celtic", "zydeco", "cajun",
    "sea shanty", "yodel", "throat singing", "death metal", "black metal", "thrash", "power metal", "doom metal",
    "metalcore", "hardcore punk", "pop punk", "ska punk", "acid jazz", "jazz fusion", "free jazz", "smooth jazz",
    "cool jazz", "gypsy jazz", "easy listening", "lounge", "exotica", "downtempo", "chillwave", "grindcore",
    "neo soul", "new jack swing", "g-funk", "phonk", "acid house", "deep house", "tech house", "progressive house",
    "psytrance", "happy hardcore", "gabber", "italo disco", "hi-nrg", "krautrock", "math rock", "stoner rock",
    "southern rock", "blues rock", "rockabilly", "doo wop", "western swing", "honky tonk", "alt-country",
    "indie folk", "neofolk", "bossa", "mpb", "forro", "soca", "calypso", "rocksteady", "zouk", "kompa", "rai",
    "gnawa", "mbube", "soukous", "enka", "cantopop", "vocaloid", "schlager", "operetta", "oratorio", "cantata",
    "requiem", "lieder", "contemporary classical", "neoclassical", "serialism", "dark ambient", "space ambient",
    "witch house", "electro swing", "nu disco", "french house", "tropical house", "future bass", "moombahton",
    "footwork", "liquid dnb", "dub techno", "ambient techno", "big beat", "jazz rap", "gangsta rap", "crunk",
    "cloud rap", "horrorcore", "christian rock", "worship music",
)
#: Countries, regions, peoples and languages.
CULTURES = (
    "india", "pakistan", "nepal", "tibet", "china", "japan", "korea", "mongolia", "thailand", "vietnam", "indonesia",
    "bali", "philippines", "iran", "turkey", "egypt", "morocco", "lebanon", "israel", "armenia", "georgian polyphony",
    "greece", "balkans", "bulgaria", "romania", "hungary", "poland", "russia", "ukraine", "czech", "scandinavia",
    "norway", "sweden", "finland", "iceland", "ireland", "scotland", "wales", "england", "france", "spain",
    "portugal", "italy", "germany", "austria", "switzerland", "netherlands", "mali", "senegal", "ghana", "nigeria",
    "ethiopia", "kenya", "congo", "south africa", "zulu", "madagascar", "cape verde", "jamaica", "trinidad", "haiti",
    "cuba", "puerto rico", "dominican republic", "mexico", "brazil", "argentina", "colombia", "peru", "andes",
    "chile", "new orleans", "nashville", "appalachia", "texas", "memphis", "new york", "california", "seattle",
    "canada", "quebec", "hawaii", "australia", "aboriginal", "new zealand", "maori", "polynesia", "native american",
    "inuit", "arabic", "persian", "hindi", "urdu", "tamil", "punjabi", "mandarin", "cantonese", "hebrew", "yiddish",
    "swahili", "gaelic", "welsh", "portuguese", "latin mass",
)
DECADES = tuple(f"{y}s" for y in range(1920, 2030, 10))
#: How people describe sound: timbre, texture and production, articulation and technique, voice qualities,
#: rhythm feel, onomatopoeia, and instrument phrases whose words mislead one by one.
SOUNDS = (
    "buzzy", "twangy", "plinky", "jangly", "bendy", "wobbly", "thumping", "chugging", "shimmering", "echoey",
    "reverby", "droning", "fuzzy", "glassy", "tinkling", "breathy", "raspy", "nasal", "bright", "dark", "warm",
    "lush", "thin", "muddy", "boomy", "punchy", "crisp", "sparkly", "hollow", "metallic", "woody", "reedy", "brassy",
    "scratchy", "choppy", "staccato", "legato", "swelling", "pulsing", "stuttering", "glitchy", "lo-fi", "hi-fi",
    "crunchy", "distorted", "fat", "tinny", "husky", "gravelly", "shrill", "piercing", "icy", "airy", "murky",
    "noisy", "harsh", "dry sound", "compressed", "glossy", "swirly", "detuned", "out of tune", "sampled", "sidechain",
    "gated reverb", "vocal chops", "chopped and screwed", "nightcore", "acoustic", "synthetic", "arpeggiated",
    "trills", "glissando", "pitch bends", "whammy bar", "palm muting", "tremolo picking", "power chords",
    "finger picking", "strumming", "slap bass", "pizzicato", "vibrato", "falsetto", "head voice", "chest voice",
    "vocal fry", "belting", "crooning", "growling", "screaming", "whispered", "scat", "yodel", "throat singing",
    "overtone singing", "backing vocals", "groovy", "swung", "shuffle", "syncopated", "lilting", "galloping",
    "stomping", "handclaps", "plodding", "off-kilter", "four on the floor", "boom", "thump", "thud", "twang",
    "plink", "ding", "ding dong", "clang", "whoosh", "bleep", "bloop", "boing", "oom-pah", "untz", "wub wub",
    "rat-a-tat", "clip clop", "la la la", "kick drum", "bass drum", "double bass drum", "blast beats", "snare roll",
    "drum machine", "bass line", "pedal steel", "steel string", "nylon string", "hand drums", "string section",
    "tanpura drone", "tambura drone", "tabla bols", "spinet", "virginal", "clavichord", "harpsichord-like", "music box",
    "toy piano",
    "church bells", "sleigh bells", "blues harp", "mouth harp", "glass harp", "musical saw", "rain stick",
    "brushes", "rimshot", "strident", "rubato", "beatless", "silvery", "whiny", "odd meter",
)



def concept_layer(encode) -> TagMatcher:
    """A matcher of the concept layer alone (no kinds of music: their texts always need the text model)."""
    return TagMatcher(MTAT_TOP50, encode, kind_vocabulary=())

def _boom(texts):
    raise AssertionError(f"the text model must not run here (asked for {texts[:2]})")


def _synonyms() -> dict[str, list[str]]:
    return {t: [m for m in grp if m != t] for grp in SYNONYM_GROUPS for t in grp}


def test_vocabulary_parses_into_sections_of_real_tags():
    vocab = concepts()
    assert len(SECTIONS) >= 5 and len(vocab) >= 500 and sum(len(c.aliases) for c in vocab) >= 3500
    assert len({c.name for c in vocab}) == len(vocab)
    for c in vocab:
        assert set(c.weights) <= set(MTAT_TAGS), (c.name, sorted(set(c.weights) - set(MTAT_TAGS)))


def test_no_alias_names_two_concepts():
    owner: dict[str, str] = {}
    for c in concepts():
        for a in c.aliases:
            assert owner.setdefault(normalize(a), c.name) == c.name, (a, owner[normalize(a)], c.name)
    # the parser itself refuses a repeat across sections, naming both places (hyphens normalized away)
    with pytest.raises(ValueError, match=r"b\.py line 1: alias 'hip-hop' of 'y' already names 'x' \(a\.py line 2\)"):
        parse_sections([("a.py", "\nx: rap, hip hop | rap:1"), ("b.py", "y: hip-hop | beat:1")])


def test_every_concept_reaches_a_top50_tag():
    syn = _synonyms()
    unreachable = [c.name for c in concepts()
                   if not any(w > 0 for w in resolve_weights(c.weights, MTAT_TOP50, syn).values())]
    assert unreachable == []


@pytest.mark.parametrize("names", [GENERAL_MIDI, DECADES, MOODS, GENRES, CULTURES, SOUNDS],
                         ids=["general-midi", "decades", "moods", "genres", "cultures", "sounds"])
def test_category_lists_are_matched_word_for_word(names):
    """Every word of the general lists the vocabulary was written from names a concept or a tag: no text
    model is needed, and the concept wants at least one top-50 tag."""
    assert len(set(names)) == len(names) and (len(names) == 128 if names is GENERAL_MIDI else True)
    m = concept_layer(_boom)
    for name in names:
        got = m.match(name)
        assert any(not t.negated for t in got.matches), (name, got)


def test_typos_of_tags_are_not_captured_by_rarer_vocabulary_words():
    m = concept_layer(_boom)
    # "violent" (a mood word) and "choro" (a Brazilian genre) are closer by ratio, the tags win
    assert m.match("violen").corrections == {"violen": "violin"}
    assert m.match("chior").corrections == {"chior": "choir"}
    assert m.match("joging").corrections["joging"] in ("jogging", "jog")  # not a tag word: the vocabulary's
    assert m.correct(["halowen", "saxaphone", "gregorain"])[0] == ["halloween", "saxophone", "gregorian"]
    # a real word nobody listed is 0.86-similar to "shamrock" but two edits and another first letter away
    assert m.correct(["hammock"]) == (["hammock"], {})


def test_edit_distance_counts_typing_edits():
    pairs = {("chior", "choir"): 1, ("violen", "violin"): 1, ("hammock", "shamrock"): 2, ("", "ab"): 2,
             ("kitten", "sitting"): 3, ("techno", "techno"): 0, ("abcd", "badc"): 2}
    assert {p: edit_distance(*p) for p in pairs} == pairs


def test_deletion_index_finds_every_word_a_scan_finds():
    """NearWords (the spelling correction's candidates) misses no vocabulary word within its edits:
    typos of real vocabulary words (each kind of edit, one and two of them) against a full scan."""
    import random

    words = sorted(TagMatcher(MTAT_TOP50, lambda texts: None).speller.known_words)
    near = NearWords(words, 2)
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"

    def typo(w: str) -> str:
        w, i = list(w), rng.randrange(len(w))
        [lambda: w.pop(i), lambda: w.insert(i, rng.choice(letters)), lambda: w.__setitem__(i, rng.choice(letters)),
         lambda: w.insert(i, w.pop(i - 1)) if i else None][rng.randrange(4)]()
        return "".join(w)

    typed = [typo(w) if k % 2 else typo(typo(w)) for k, w in enumerate(rng.sample(words, 60))]
    for w in typed:
        scan = {c for c in words if edit_distance(w, c) <= 2}
        assert scan and scan <= near.candidates(w), w


@pytest.mark.parametrize("query, want, not_want", [
    ("synth pad", {"synth", "ambient"}, {"metal"}),
    ("death growl", {"metal", "loud"}, {"quiet"}),
    ("1940s", {"piano"}, {"electronic"}),
    ("st patrick's day", {"flute"}, set()),
    ("whispered", {"soft", "quiet"}, {"loud"}),
    ("thunderstorm", {"loud"}, set()),
    ("gregorian", {"choir"}, set()),
])
def test_new_words_imply_sensible_tags(query, want, not_want):
    got = concept_layer(_boom).match(query)
    pos = {t.tag for t in got.matches if not t.negated}
    assert want <= pos, (query, got.matches)
    assert not (not_want & pos), (query, got.matches)
