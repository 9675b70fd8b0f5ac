"""A general vocabulary of listening concepts, each described by the MTAT tags it implies.

Free words rarely name a trained tag: people type "jogging", "candlelight dinner", "gregorian",
"nashville". Each :class:`Concept` here is one such idea (an activity, place, time of day,
season or holiday, mood, era, culture, instrument or genre) with the words people use for it
(``aliases``) and the tags it implies (``weights``: positive = the songs should have the tag,
negative = they should not). The vocabulary was written from general music knowledge (what
music goes with an activity, what instruments a genre uses), not from any benchmark query.

Weights use MTAT tag names (any of the 188 in :data:`mtat.tags.MTAT_TAGS`); a model trained on
another top-K keeps the tags it knows (:func:`resolve_weights` maps a missing tag to a trained
synonym, e.g. ``vocals`` -> ``vocal``, and drops the rest).

Written as compact text, one concept per line (indented lines continue the previous one)::

    name: alias, alias, ... | tag:weight tag:weight -tag:weight @BUNDLE

``@BUNDLE`` inserts one of :data:`BUNDLES` (shared profiles such as calm or dance), ``-tag:w``
is a negative weight; an explicit tag overrides a bundle's weight for it. The text lives in
:mod:`tagger_cli.vocabulary` (one module per section); an alias names exactly one concept
(compared after :func:`normalize`, as queries are), so a repeated alias is an error naming both.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping, Sequence

from tagger_cli.vocabulary import SECTIONS

#: Shared tag profiles used by many concepts.
BUNDLES: dict[str, str] = {
    "CALM": ("ambient:.6 soft:.7 quiet:.7 slow:.5 new age:.4 calm:.5 mellow:.4 -loud:.6 -fast:.4 -drums:.4 "
        "-metal:.5 -beat:.3"),
    "ENERGY": "fast:.8 loud:.6 beat:.6 drums:.6 upbeat:.4 -slow:.5 -quiet:.5 -soft:.4 -ambient:.3",
    "DANCE": "dance:.9 techno:.8 electronic:.8 beat:.9 beats:.6 fast:.5 synth:.5 house:.4 -slow:.4 -classical:.4",
    "ROCK": "rock:1 guitar:.6 electric guitar:.5 drums:.6 loud:.6 -classical:.4 -quiet:.3",
    "HEAVY": "rock:.9 metal:1 heavy metal:.8 loud:.9 drums:.6 fast:.5 guitar:.5 -quiet:.6 -soft:.6",
    "POP": "pop:1 vocal:.5 singing:.4 drums:.4 beat:.4 -classical:.4",
    "CLASSICAL": "classical:1 classic:.5 -electronic:.5 -drums:.4 -beat:.4 -rock:.4",
    "ORCHESTRA": "classical:.8 strings:.9 violin:.6 cello:.4 orchestral:.5 -electronic:.5 -drums:.4",
    "BAROQUE": "harpsichord:1 baroque:.8 classical:.6 strings:.4 -electronic:.5",
    "SACRED": "choir:1 choral:.9 vocal:.4 organ:.3 -opera:.5 -drums:.5 -electronic:.5",
    "OPERA": "opera:1 operatic:.6 vocal:.5 classical:.5 soprano:.3 -choir:.4 -choral:.3 -electronic:.5 -drums:.4",
    "ELECTRONIC": "electronic:1 synth:.8 techno:.5 electro:.3 -classical:.4 -acoustic:.3",
    "SPOOKY": "weird:1 strange:.7 eerie:.7 dark:.5 scary:.5 spacey:.3 noise:.3 -happy:.4 -pop:.4",
    "COUNTRY": "country:1 guitar:.4 acoustic guitar:.3 banjo:.4 fiddle:.2 vocal:.3 -electronic:.4",
    "INDIAN": "indian:1 sitar:.9 eastern:.4 india:.4 world:.2 -electronic:.3",
    "ACOUSTIC_GUITAR": "guitar:1 acoustic guitar:.6 classical guitar:.5 acoustic:.5 solo:.3 -electronic:.4 -drums:.3",
    "FLUTE": "flute:1 flutes:.4 woodwind:.4 airy:.3 -drums:.3 -electronic:.3",
    "HARP": "harp:1 classical:.3 soft:.3 -drums:.4 -electronic:.3",
    "PIANO": "piano:1 piano solo:.5 solo:.3 classical:.3 -drums:.3 -electronic:.3",
    "SAD": "slow:.8 sad:.8 piano:.4 strings:.4 soft:.4 -happy:.5 -fast:.5 -dance:.4",
    "HAPPY": "happy:.8 upbeat:.8 pop:.6 fast:.4 -sad:.5 -slow:.4 -dark:.4",
    "INSTRUMENTAL": "no vocals:1 no vocal:.8 no voice:.6 instrumental:.6 -vocal:.6 -singing:.5",
}



@dataclasses.dataclass(frozen=True)
class Concept:
    """One listening idea: its name, the words people use for it and the tags it implies."""

    name: str
    aliases: tuple[str, ...]
    weights: Mapping[str, float]


_WEIGHT = re.compile(r"@(\w+)|(-?)([a-z][a-z&'\- ]*?):(\d*\.?\d+)")


def _parse_weights(spec: str, where: str) -> dict[str, float]:
    """``"tag:.5 -tag:.3 @BUNDLE"`` -> {tag: weight}; explicit tags override bundles."""
    out: dict[str, float] = {}
    explicit: dict[str, float] = {}
    # tags may contain spaces ("new age:.4"): split on the weights, not on blanks
    rest = _WEIGHT.sub(" ", spec).strip()
    if rest:
        raise ValueError(f"{where}: cannot read {rest!r} (expected 'tag:weight', '-tag:weight' or '@BUNDLE')")
    for m in _WEIGHT.finditer(spec):
        bundle, neg, tag, w = m.groups()
        if bundle:
            if bundle not in BUNDLES:
                raise ValueError(f"{where}: unknown bundle @{bundle}")
            for t, v in _parse_weights(BUNDLES[bundle], f"bundle {bundle}").items():
                if t not in out or abs(v) > abs(out[t]):  # two bundles: the stronger weight wins
                    out[t] = v
        else:
            explicit[tag.strip()] = -float(w) if neg else float(w)
    out.update(explicit)
    return out


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, line) with indented continuation lines joined; blanks and comments dropped."""
    out: list[tuple[int, str]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if raw[:1].isspace() and out:
            out[-1] = (out[-1][0], f"{out[-1][1]} {line}")
        else:
            out.append((lineno, line))
    return out


def normalize(text: str) -> str:
    """Lower-case, punctuation/hyphens to spaces, single spaces (how queries and aliases are compared)."""
    return " ".join(re.sub(r"[^\w'&+]+|_", " ", str(text).lower()).split())


@functools.lru_cache(maxsize=1)
def concepts() -> tuple[Concept, ...]:
    """The vocabulary (every section of :mod:`tagger_cli.vocabulary`), parsed once."""
    return parse_sections(SECTIONS)


def parse_concepts(text: str, source: str = "concepts") -> tuple[Concept, ...]:
    """Concepts from the compact text format (see the module docstring); a bad line is a
    ``ValueError`` naming it (``"{source} line N"``)."""
    return parse_sections([(source, text)])


def parse_sections(sections: Iterable[tuple[str, str]]) -> tuple[Concept, ...]:
    """Concepts from several ``(source, text)`` sections; concept names and (normalized) aliases
    must be unique across all of them."""
    out: list[Concept] = []
    names: dict[str, str] = {}
    owner: dict[str, tuple[str, str]] = {}  # normalized alias -> (concept, where)
    for source, text in sections:
        for lineno, line in _logical_lines(text):
            where = f"{source} line {lineno}"
            try:
                head, spec = line.split("|", 1)
                name, aliases = head.split(":", 1)
            except ValueError:
                raise ValueError(f"{where}: expected 'name: aliases | weights', got {line!r}") from None
            name = name.strip()
            if name in names:
                raise ValueError(f"{where}: concept {name!r} defined twice (first at {names[name]})")
            names[name] = where
            words = tuple(dict.fromkeys(a.strip().lower() for a in aliases.split(",") if a.strip()))
            weights = _parse_weights(spec, where)
            if not words or not any(w > 0 for w in weights.values()):
                raise ValueError(f"{where}: concept {name!r} needs aliases and a positive tag weight")
            for a in words:
                first = owner.setdefault(normalize(a), (name, where))
                if first[0] != name:
                    raise ValueError(f"{where}: alias {a!r} of {name!r} already names {first[0]!r} ({first[1]})")
            out.append(Concept(name, words, weights))
    return tuple(out)


def resolve_weights(weights: Mapping[str, float], tags: Sequence[str],
                    synonyms: Mapping[str, Sequence[str]] | None = None) -> dict[str, float]:
    """The weights over ``tags`` (a model's vocabulary): a tag the model lacks goes to its first
    trained synonym (``synonyms[tag]``) unless that one has its own weight; the rest is dropped."""
    have = set(tags)
    out: dict[str, float] = {}
    for tag, w in weights.items():
        target = tag if tag in have else next((s for s in (synonyms or {}).get(tag, ()) if s in have), None)
        if target is None or (target != tag and target in weights):
            continue
        if target not in out or abs(w) > abs(out[target]):
            out[target] = w
    return out
