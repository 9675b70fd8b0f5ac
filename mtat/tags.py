"""The MagnaTagATune tag vocabulary and the top-K rule (one definition, imported everywhere)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

#: The 188 tag columns of ``annotations_final.csv``, in the file's column order.
MTAT_TAGS: tuple[str, ...] = (
    'no voice', 'singer', 'duet', 'plucking', 'hard rock', 'world', 'bongos', 'harpsichord',
    'female singing', 'clasical', 'sitar', 'chorus', 'female opera', 'male vocal', 'vocals',
    'clarinet', 'heavy', 'silence', 'beats', 'men', 'woodwind', 'funky', 'no strings',
    'chimes', 'foreign', 'no piano', 'horns', 'classical', 'female', 'no voices', 'soft rock',
    'eerie', 'spacey', 'jazz', 'guitar', 'quiet', 'no beat', 'banjo', 'electric', 'solo',
    'violins', 'folk', 'female voice', 'wind', 'happy', 'ambient', 'new age', 'synth', 'funk',
    'no singing', 'middle eastern', 'trumpet', 'percussion', 'drum', 'airy', 'voice',
    'repetitive', 'birds', 'space', 'strings', 'bass', 'harpsicord', 'medieval', 'male voice',
    'girl', 'keyboard', 'acoustic', 'loud', 'classic', 'string', 'drums', 'electronic',
    'not classical', 'chanting', 'no violin', 'not rock', 'no guitar', 'organ', 'no vocal',
    'talking', 'choral', 'weird', 'opera', 'soprano', 'fast', 'acoustic guitar',
    'electric guitar', 'male singer', 'man singing', 'classical guitar', 'country', 'violin',
    'electro', 'reggae', 'tribal', 'dark', 'male opera', 'no vocals', 'irish', 'electronica',
    'horn', 'operatic', 'arabic', 'lol', 'low', 'instrumental', 'trance', 'chant', 'strange',
    'drone', 'synthesizer', 'heavy metal', 'modern', 'disco', 'bells', 'man', 'deep',
    'fast beat', 'industrial', 'hard', 'harp', 'no flute', 'jungle', 'pop', 'lute',
    'female vocal', 'oboe', 'mellow', 'orchestral', 'viola', 'light', 'echo', 'piano',
    'celtic', 'male vocals', 'orchestra', 'eastern', 'old', 'flutes', 'punk', 'spanish', 'sad',
    'sax', 'slow', 'male', 'blues', 'vocal', 'indian', 'no singer', 'scary', 'india', 'woman',
    'woman singing', 'rock', 'dance', 'piano solo', 'guitars', 'no drums', 'jazzy', 'singing',
    'cello', 'calm', 'female vocals', 'voices', 'different', 'techno', 'clapping', 'house',
    'monks', 'flute', 'not opera', 'not english', 'oriental', 'beat', 'upbeat', 'soft',
    'noise', 'choir', 'female singer', 'rap', 'metal', 'hip hop', 'quick', 'water', 'baroque',
    'women', 'fiddle', 'english',
)

#: The standard MTAT top-50 list (most frequent first), as in the literature's split files.
#: The pipeline derives its own list from the data with :func:`top_k_tags`; on the full
#: MTAT this is what it finds.
MTAT_TOP50: tuple[str, ...] = (
    'guitar', 'classical', 'slow', 'techno', 'strings', 'drums', 'electronic', 'rock', 'fast',
    'piano', 'ambient', 'beat', 'violin', 'vocal', 'synth', 'female', 'indian', 'opera',
    'male', 'singing', 'vocals', 'no vocals', 'harpsichord', 'loud', 'quiet', 'flute', 'woman',
    'male vocal', 'no vocal', 'pop', 'soft', 'sitar', 'solo', 'man', 'classic', 'choir',
    'voice', 'new age', 'dance', 'male voice', 'female vocal', 'beats', 'harp', 'cello',
    'no voice', 'weird', 'country', 'female voice', 'metal', 'choral',
)


def top_k_tags(tag_counts: Mapping[str, int], k: int, vocabulary: Sequence[str] = MTAT_TAGS) -> list[str]:
    """The ``k`` tags with the largest positive counts, most frequent first.

    Ties are broken by the tag's position in ``vocabulary`` (the CSV column order), so the
    result is deterministic. Tags with a zero count are never selected, so a small data
    set may yield fewer than ``k`` tags.
    """
    if k <= 0:
        raise ValueError(f"top-k must be positive, got {k}")
    order = {tag: i for i, tag in enumerate(vocabulary)}
    ranked = sorted(
        (tag for tag, n in tag_counts.items() if n > 0),
        key=lambda tag: (-tag_counts[tag], order.get(tag, len(order)), tag),
    )
    return ranked[:k]


def check_tags(tags: Sequence[str], vocabulary: Sequence[str]) -> list[str]:
    """Validate a user-given tag list against the vocabulary; returns it as a list.

    Raises ``ValueError`` naming every unknown or duplicated tag.
    """
    known = set(vocabulary)
    unknown = [t for t in tags if t not in known]
    if unknown:
        raise ValueError(f"unknown tag(s) not in the annotations header: {unknown}")
    seen: set[str] = set()
    dups = sorted({t for t in tags if t in seen or seen.add(t)})
    if dups:
        raise ValueError(f"duplicated tag(s) in the tag list: {dups}")
    if not tags:
        raise ValueError("the tag list is empty")
    return list(tags)
