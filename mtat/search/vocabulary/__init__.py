"""The search vocabulary as data: the files of this folder and their one loader.

Every file is UTF-8 text read line by line. Blank lines and lines starting with ``#`` are
ignored. A *record* starts at column 0; indented lines continue it. Inside a list of words or
aliases a line break separates two entries like a comma does, so an entry never spans lines.
Every problem is a :class:`~mtat.search.errors.VocabularyError` naming the file and the line.

``concepts/*.txt`` (one file per section, read in :data:`SECTIONS` order): one listening concept
per record::

    name: alias, alias, ...
        alias, alias | tag:weight -tag:weight @BUNDLE
        tag:weight

The aliases are the words people use for the concept (compared after
:func:`~mtat.search.query.normalize`, as queries are); after ``|`` come the MTAT tags it implies
(lines after the one with ``|`` continue the weights). ``-tag:w`` is a negative weight,
``@BUNDLE`` inserts a shared profile of ``bundles.txt`` (an explicit tag overrides a bundle's
weight; of two bundles the stronger weight wins). A concept needs an alias and a positive weight;
concept names and aliases are unique across all sections (a repeated alias names both places).

``bundles.txt``: ``NAME | tag:weight ...`` (one line each), the shared profiles.

``tag_descriptions.txt``: ``tag | description`` (one line each): a catalog tag whose bare name
embeds poorly also gets its description as an alias (the whole text after ``|`` is one alias).

``synonyms.txt``: one synonym group per line, ``tag, tag, ...`` (MTAT spells many ideas several
ways); the first trained member stands in for a missing one; a tag is in one group at most.

``words.txt``: named word sets, ``name: word, word, ...`` (continued on indented lines); the
names are those of :data:`WORD_SETS`, each exactly once.

``kinds.txt``: the kinds of music a free-word query may ask for (:mod:`mtat.search.kinds`), one per
record::

    name | tag:weight -tag:weight @BUNDLE
        a text a person types when this kind is what they want to hear
        another text, one per indented line (commas are part of the text)

A kind needs a positive weight and texts; kind names and (normalized) texts are unique across the file.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Iterable, Mapping

from mtat.search.errors import VocabularyError

HERE = os.path.dirname(os.path.abspath(__file__))
#: The concept sections, in matching order (``concepts/<name>.txt``).
SECTIONS = ("scenes", "moods", "sounds", "eras_cultures", "instruments", "genres")
#: The word sets of ``words.txt``.
WORD_SETS = ("negations", "negation skip", "negated tail", "negated list", "cessation", "negation idioms", "aversions", "filler",
             "generic tags", "calm pole", "energetic pole")


@dataclasses.dataclass(frozen=True)
class Concept:
    """One listening idea: its name, the words people use for it and the tags it implies."""

    name: str
    aliases: tuple[str, ...]
    weights: Mapping[str, float]


@dataclasses.dataclass(frozen=True)
class Kind:
    """One kind of music: its name, the tags it implies and texts people type when they want it."""

    name: str
    weights: Mapping[str, float]
    texts: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """Everything the matcher knows besides the catalog's tag names."""

    concepts: tuple[Concept, ...]
    bundles: Mapping[str, str]
    descriptions: Mapping[str, str]
    synonym_groups: tuple[tuple[str, ...], ...]
    words: Mapping[str, frozenset[str]]
    kinds: tuple[Kind, ...] = ()


_WEIGHT = re.compile(r"@(\w+)|(-?)([a-z][a-z&'\- ]*?):(\d*\.?\d+)")


def normalize(text: str) -> str:
    """Lower-case, punctuation/hyphens to spaces, single spaces (how queries and aliases are compared)."""
    return " ".join(re.sub(r"[^\w'&+]+|_", " ", str(text).lower()).split())


def display_name(path: str) -> str:
    """``path`` as errors name it: relative to the project when it is one of this folder's files."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
    rel = os.path.relpath(path, root) if os.path.isabs(path) else path
    return rel if not rel.startswith("..") else path


def numbered_records(text: str) -> list[tuple[int, list[tuple[int, str]]]]:
    """``(first line number, [(line number, the record's line, stripped)])``; blanks and comments dropped."""
    out: list[tuple[int, list[tuple[int, str]]]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if raw[:1].isspace() and out:
            out[-1][1].append((lineno, line))
        else:
            out.append((lineno, [(lineno, line)]))
    return out


def records(text: str) -> list[tuple[int, list[str]]]:
    """``(first line number, [the record's lines, stripped])``; blanks and comments dropped."""
    return [(lineno, [line for _, line in lines]) for lineno, lines in numbered_records(text)]


def _entries(lines: Iterable[str]) -> list[str]:
    """Comma-separated entries of each line (a line break separates entries), blanks dropped."""
    return [e.strip() for line in lines for e in line.split(",") if e.strip()]


def parse_weights(spec: str, where: str, bundles: Mapping[str, str]) -> dict[str, float]:
    """``"tag:.5 -tag:.3 @BUNDLE"`` -> {tag: weight}; explicit tags override bundles."""
    out: dict[str, float] = {}
    explicit: dict[str, float] = {}
    # tags may contain spaces ("new age:.4"): split on the weights, not on blanks
    rest = _WEIGHT.sub(" ", spec).strip()
    if rest:
        raise VocabularyError(f"{where}: cannot read {rest!r} (expected 'tag:weight', '-tag:weight' or '@BUNDLE')")
    for m in _WEIGHT.finditer(spec):
        bundle, neg, tag, w = m.groups()
        if bundle:
            if bundle not in bundles:
                raise VocabularyError(f"{where}: unknown bundle @{bundle}")
            for t, v in parse_weights(bundles[bundle], f"bundle {bundle}", bundles).items():
                if t not in out or abs(v) > abs(out[t]):  # two bundles: the stronger weight wins
                    out[t] = v
        else:
            explicit[tag.strip()] = -float(w) if neg else float(w)
    out.update(explicit)
    return out


def parse_sections(sections: Iterable[tuple[str, str]], bundles: Mapping[str, str] | None = None) -> tuple[Concept, ...]:
    """Concepts from several ``(source, text)`` sections in the concept format (module docstring);
    concept names and (normalized) aliases must be unique across all of them."""
    bundles = load().bundles if bundles is None else bundles
    out: list[Concept] = []
    names: dict[str, str] = {}
    owner: dict[str, tuple[str, str]] = {}  # normalized alias -> (concept, where)
    for source, text in sections:
        for lineno, lines in records(text):
            where = f"{source} line {lineno}"
            name, aliases, spec = _concept_parts(lines, where)
            if name in names:
                raise VocabularyError(f"{where}: concept {name!r} defined twice (first at {names[name]})")
            names[name] = where
            words = tuple(dict.fromkeys(a.lower() for a in aliases))
            weights = parse_weights(spec, where, bundles)
            if not words or not any(w > 0 for w in weights.values()):
                raise VocabularyError(f"{where}: concept {name!r} needs aliases and a positive tag weight")
            for a in words:
                first = owner.setdefault(normalize(a), (name, where))
                if first[0] != name:
                    raise VocabularyError(f"{where}: alias {a!r} of {name!r} already names {first[0]!r} ({first[1]})")
            out.append(Concept(name, words, weights))
    return tuple(out)


def _concept_parts(lines: list[str], where: str) -> tuple[str, list[str], str]:
    """(name, aliases, weight spec) of one concept record."""
    bar = next((k for k, line in enumerate(lines) if "|" in line), None)
    if bar is None or ":" not in lines[0].split("|", 1)[0]:
        raise VocabularyError(f"{where}: expected 'name: aliases | weights', got {' '.join(lines)!r}")
    name, first = lines[0].split(":", 1)
    alias_lines = [first, *lines[1:bar + 1]]
    alias_lines[-1], spec = alias_lines[-1].split("|", 1)
    return name.strip(), _entries(alias_lines), " ".join([spec, *lines[bar + 1:]])


def parse_concepts(text: str, source: str = "concepts") -> tuple[Concept, ...]:
    """Concepts from one text in the concept format; a bad line is a :class:`VocabularyError`
    naming it (``"{source} line N"``)."""
    return parse_sections([(source, text)])


def _pairs(text: str, source: str, what: str) -> list[tuple[str, str, str]]:
    """``(key, value, where)`` of one-line ``key | value`` records."""
    out = []
    seen: dict[str, str] = {}
    for lineno, lines in records(text):
        where = f"{source} line {lineno}"
        if len(lines) > 1 or "|" not in lines[0]:
            raise VocabularyError(f"{where}: expected one line '{what}'")
        key, value = (s.strip() for s in lines[0].split("|", 1))
        if not key or not value:
            raise VocabularyError(f"{where}: expected one line '{what}'")
        if key in seen:
            raise VocabularyError(f"{where}: {key!r} defined twice (first at {seen[key]})")
        seen[key] = where
        out.append((key, value, where))
    return out


def parse_bundles(text: str, source: str = "bundles") -> dict[str, str]:
    bundles = {}
    for key, value, where in _pairs(text, source, "NAME | tag:weight ..."):
        if not re.fullmatch(r"\w+", key):
            raise VocabularyError(f"{where}: bundle name {key!r} must be one word")
        bundles[key] = " ".join(value.split())
    for _key, value, where in _pairs(text, source, "NAME | tag:weight ..."):
        parse_weights(value, where, bundles)
    return bundles


def parse_descriptions(text: str, source: str = "tag_descriptions") -> dict[str, str]:
    return {key: value for key, value, _ in _pairs(text, source, "tag | description")}


def parse_synonyms(text: str, source: str = "synonyms") -> tuple[tuple[str, ...], ...]:
    groups = []
    seen: dict[str, str] = {}
    for lineno, lines in records(text):
        where = f"{source} line {lineno}"
        group = tuple(_entries(lines))
        if len(lines) > 1 or len(group) < 2:
            raise VocabularyError(f"{where}: expected one line 'tag, tag, ...' (two tags at least)")
        for t in group:
            if t in seen:
                raise VocabularyError(f"{where}: tag {t!r} is already in the group of {seen[t]}")
            seen[t] = where
        groups.append(group)
    return tuple(groups)


def parse_words(text: str, source: str = "words") -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for lineno, lines in records(text):
        where = f"{source} line {lineno}"
        if ":" not in lines[0]:
            raise VocabularyError(f"{where}: expected 'name: word, word, ...'")
        name, first = lines[0].split(":", 1)
        name = name.strip()
        if name not in WORD_SETS:
            raise VocabularyError(f"{where}: unknown word set {name!r} (expected one of {', '.join(WORD_SETS)})")
        if name in out:
            raise VocabularyError(f"{where}: word set {name!r} defined twice")
        out[name] = frozenset(_entries([first, *lines[1:]]))
    missing = [n for n in WORD_SETS if n not in out]
    if missing:
        raise VocabularyError(f"{source}: missing word set(s) {', '.join(missing)}")
    return out


def parse_kinds(text: str, source: str = "kinds", bundles: Mapping[str, str] | None = None) -> tuple[Kind, ...]:
    """Kinds of music from one text in the kinds format (module docstring); a bad line is a
    :class:`VocabularyError` naming it (``"{source} line N"``)."""
    bundles = load().bundles if bundles is None else bundles
    out: list[Kind] = []
    names: dict[str, str] = {}
    owner: dict[str, tuple[str, str]] = {}  # normalized text -> (kind, where)
    for lineno, lines in numbered_records(text):
        where = f"{source} line {lineno}"
        head = lines[0][1]
        if "|" not in head:
            raise VocabularyError(f"{where}: expected 'name | tag:weight ...', got {head!r}")
        name, spec = (part.strip() for part in head.split("|", 1))
        if not name:
            raise VocabularyError(f"{where}: a kind needs a name before '|'")
        if name in names:
            raise VocabularyError(f"{where}: kind {name!r} defined twice (first at {names[name]})")
        names[name] = where
        weights = parse_weights(spec, where, bundles)
        if not any(w > 0 for w in weights.values()):
            raise VocabularyError(f"{where}: kind {name!r} needs a positive tag weight")
        if len(lines) < 2:
            raise VocabularyError(f"{where}: kind {name!r} has no texts (one per indented line)")
        for text_no, t in lines[1:]:
            at = f"{source} line {text_no}"
            if "|" in t:
                raise VocabularyError(f"{at}: a text of kind {name!r} may not contain '|' ({t!r})")
            first = owner.setdefault(normalize(t), (name, at))
            if first[1] != at:
                raise VocabularyError(f"{at}: text {t!r} of {name!r} is already a text of {first[0]!r} ({first[1]})")
        out.append(Kind(name, weights, tuple(t for _, t in lines[1:])))
    return tuple(out)


def _read(name: str, folder: str) -> tuple[str, str]:
    path = os.path.join(folder, name)
    try:
        with open(path, encoding="utf-8") as f:
            return display_name(path), f.read()
    except (OSError, UnicodeDecodeError) as err:
        raise VocabularyError(f"{display_name(path)}: cannot read the vocabulary file ({err})") from None


def load_from(folder: str) -> Vocabulary:
    """The vocabulary of the files in ``folder`` (laid out as this package's), validated."""
    bundles = parse_bundles(*reversed(_read("bundles.txt", folder)))
    sections = [_read(os.path.join("concepts", f"{s}.txt"), folder) for s in SECTIONS]
    return Vocabulary(concepts=parse_sections(sections, bundles), bundles=bundles,
                      descriptions=parse_descriptions(*reversed(_read("tag_descriptions.txt", folder))),
                      synonym_groups=parse_synonyms(*reversed(_read("synonyms.txt", folder))),
                      words=parse_words(*reversed(_read("words.txt", folder))),
                      kinds=parse_kinds(*reversed(_read("kinds.txt", folder)), bundles))


@functools.lru_cache(maxsize=1)
def load() -> Vocabulary:
    """The shipped vocabulary (the files of this package), read and validated once."""
    return load_from(HERE)


def kinds() -> tuple[Kind, ...]:
    """The shipped kinds of music (``kinds.txt``), parsed once."""
    return load().kinds


def concepts() -> tuple[Concept, ...]:
    """The shipped listening concepts (every section), parsed once."""
    return load().concepts
