"""Listening concepts: the vocabulary's ideas plus one concept per catalog tag, and their aliases.

Free words rarely name a trained tag: people type "jogging", "candlelight dinner", "gregorian",
"nashville". Each :class:`~mtat.search.vocabulary.Concept` is one such idea (an activity, place,
time of day, season or holiday, mood, era, culture, instrument or genre) with the words people use
for it (``aliases``) and the tags it implies (``weights``: positive = the songs should have the
tag, negative = they should not). The vocabulary was written from general music knowledge (what
music goes with an activity, what instruments a genre uses), not from any benchmark query; it is
data (:mod:`mtat.search.vocabulary`).

Weights use MTAT tag names (any of the 188 in :data:`mtat.tags.MTAT_TAGS`); a model trained on
another top-K keeps the tags it knows (:func:`resolve_weights` maps a missing tag to a trained
synonym, e.g. ``vocals`` -> ``vocal``, and drops the rest).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from mtat.search.query import negation_before, synonyms_of
from mtat.search.vocabulary import Concept, concepts, load, normalize

#: Template of the query and of every concept alias when embedded (symmetric: both are phrases
#: a listener types).
QUERY_TEMPLATE = "{} music"
#: Short descriptions for tags whose bare name embeds poorly (the MTAT top-50 and a few more):
#: each catalog tag is also a concept with its name and this description as aliases.
TAG_DESCRIPTIONS: Mapping[str, str] = load().descriptions
#: Shared tag profiles used by many concepts.
BUNDLES: Mapping[str, str] = load().bundles
#: Two energy poles. Sentence embeddings put antonyms close ("calm music" is 0.61 similar to
#: "a song with loud, ..."), so a free-word query keeps one pole: embedding matches from the
#: pole opposite to its best-ranked pole tag are dropped (tags named in the query never are).
CALM_POLE = load().words["calm pole"]
ENERGETIC_POLE = load().words["energetic pole"]
#: Tags that say *how* music sounds rather than *what* it is (see :data:`mtat.search.matcher.GENERIC_WEIGHT`).
GENERIC_TAGS = load().words["generic tags"]
#: A concept belongs to a pole when its weights on that pole exceed the other pole's by this much.
POLE_LEAN = 1.0

__all__ = ["Concept", "concepts", "resolve_weights", "ConceptTable", "pole", "concept_pole"]


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


def pole(tag: str) -> str | None:
    return "calm" if tag in CALM_POLE else "energetic" if tag in ENERGETIC_POLE else None


def concept_pole(weights: Mapping[str, float]) -> str | None:
    """"calm" / "energetic" when a concept's weights lean clearly to one energy pole, else None."""
    lean = sum(w * (1 if pole(t) == "energetic" else -1 if pole(t) == "calm" else 0) for t, w in weights.items())
    return "energetic" if lean > POLE_LEAN else "calm" if lean < -POLE_LEAN else None


class ConceptTable:
    """The concepts a catalog's tags can express: the general vocabulary plus one concept per tag.

    ``names`` / ``weights`` / ``poles`` per concept; ``alias_index`` (normalized alias -> concept),
    ``alias_rows`` / ``alias_texts`` (every alias embedded as :data:`QUERY_TEMPLATE`)."""

    def __init__(self, tags: Sequence[str], vocabulary: Sequence[Concept]):
        self.names: list[str] = []
        self.weights: list[dict[str, float]] = []
        self.poles: list[str | None] = []
        self.alias_index: dict[str, int] = {}
        rows: list[int] = []
        self.alias_texts: list[str] = []
        synonyms = synonyms_of()
        for c in vocabulary:
            self._add(c.name, c.aliases, resolve_weights(c.weights, tags, synonyms), rows)
        for t in tags:
            desc = TAG_DESCRIPTIONS.get(t)
            self._add(f"tag:{t}", (t, desc) if desc else (t,), {t: 1.0}, rows)
        self.alias_rows = np.asarray(rows, dtype=np.int64)
        self.alias_max_words = max(len(k.split()) for k in self.alias_index)
        self.index = {n: i for i, n in enumerate(self.names)}

    def _add(self, name: str, aliases: Sequence[str], w: dict[str, float], rows: list[int]) -> None:
        if not w or max(w.values()) <= 0:
            return  # implies no tag this model knows
        ci = len(self.names)
        self.names.append(name)
        self.weights.append(w)
        self.poles.append(concept_pole(w))
        for a in aliases:
            key = normalize(a)
            if key and key not in self.alias_index:
                self.alias_index[key] = ci
            rows.append(ci)
            self.alias_texts.append(QUERY_TEMPLATE.format(a))

    def alias_at(self, words: list[str], i: int) -> int:
        """Length in words of the longest concept alias starting at word ``i`` (0 if none)."""
        for n in range(min(self.alias_max_words, len(words) - i), 0, -1):
            if " ".join(words[i:i + n]) in self.alias_index:
                return n
        return 0

    def exact(self, words: list[str], skip: frozenset[str]) -> tuple[list[tuple[int, str, bool]], set[int], set[int]]:
        """Concepts named by an alias in ``words`` (longest alias first; aliases in ``skip`` are not
        read): ``([(concept, alias, negated)], covered word positions, negated word positions)``; an
        alias right after a negation word ("not sad", "not too sleepy") is negated."""
        found, covered, negated_at = [], set(), set()
        i = 0
        while i < len(words):
            for n in range(min(self.alias_max_words, len(words) - i), 0, -1):
                alias = " ".join(words[i:i + n])
                ci = self.alias_index.get(alias)
                if ci is not None and alias not in skip:
                    start = negation_before(words, i)
                    found.append((ci, alias, start is not None))
                    span = range(i if start is None else start, i + n)
                    covered.update(span)
                    if start is not None:
                        negated_at.update(span)
                    i += n
                    break
            else:
                i += 1
        return found, covered, negated_at

    def similarities(self, alias_sims: np.ndarray) -> np.ndarray:
        """Each concept's similarity: its best alias's, ``[n_concepts]``."""
        sims = np.full(len(self.names), -1.0)
        np.maximum.at(sims, self.alias_rows, alias_sims)
        return sims
