"""How well a query was understood (``confidence`` in [0, 1]) and the score shown for a song.

**Confidence** is read off the evidence the matcher already has, per content word of the query
(filler and negation words do not count; :class:`WordReading`):

* a word of a tag name ("piano"), of a concept alias ("jogging"), or of a negated tag ("no
  vocals") was read exactly: 1;
* a word read only through the text embedding (no tag, no alias) counts as much as the best
  concept cosine of that embedding (the plain cosine, without the matcher's hubness penalty, which
  matches concepts but would shift these calibrated values by about 0.3), on a ramp from :data:`EMBEDDING_FLOOR` (0) to
  :data:`EMBEDDING_FULL` (1): a close alias ("rainy" ~ rain, 0.85) nearly counts as a word, a
  weak neighbour (0.6) clearly less; a word the embedding cannot know (letters that are neither an
  English word nor a word of the text encoder's vocabulary: "xqzv", "blorf") only
  :data:`UNKNOWN_FACTOR` of that, as sentence embeddings put any string 0.6-0.75 near some alias;
* a word that is a typing correction ("pianno" -> piano; not a plural or other form, "seasons" ->
  season) counts :data:`TYPO_FACTOR` of what it would count spelled right.

The query's confidence is the mean over its content words, so "piano slow" is 1, "music for
jogging" 1, "mowing the lawn saturday" (three words read by embedding at 0.66) 0.46, "xqzv blorf" 0.17.
Deterministic: the same query on the same vocabulary always gets the same confidence. The agreement
of the tag and joint routes is not used: the joint route alone reaches 0.33 precision@10 (see
:mod:`mtat.search.fusion`), so it would mostly measure the joint head, not the reading. Below
:data:`LOW_CONFIDENCE` ``mtat-tagger search --explain`` says the query was read loosely.

Calibrated on the dev splits of benchmarks/search_queries.json (dev, blind, blind2, blind3, dev4,
blind5; never heldout or blind6) with ``python -m benchmarks.confidence_audit`` (a perfect-tagger
catalog, so precision@10 measures only the reading): see :data:`EMBEDDING_FLOOR`.

**Shown score.** The ranking score of the fused route is a per-query z-score through the normal CDF
(:mod:`mtat.search.fusion`): the best songs of any query score ~0.99. The score shown to people is
comparable across queries instead (:func:`shown_scores`)::

    shown = confidence * clip(evidence, 0, 1)

where ``evidence`` is the route's absolute value: the tag route's score (a weighted mean of tag
probabilities), the joint cosine, or for the fused route the fused mix expressed in the tag route's
units, ``mean(tag) + std(tag) * (w_t * z(tag) + w_j * z(joint)) / (w_t + w_j)`` (a song whose two
z-scores agree shows its own tag score). Each is a non-decreasing function of the ranking score, so
the order of the songs is exactly the ranking's; the raw ranking score stays in the result's
``parts`` (``rank``).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from mtat.search.fusion import standardize

#: The embedding ramp: a best concept cosine at or below EMBEDDING_FLOOR reads nothing, at or above
#: EMBEDDING_FULL as much as a word of an alias. On the dev splits' perfect-tagger catalog the
#: queries read by embedding at best cosine 0.60-0.65 reach precision@10 0.58, at 0.65-0.80 0.75,
#: at 0.85-0.90 0.88, while queries read by words and tags alone reach 0.87-0.88. A sweep of the
#: floor (0.45-0.55), the top (0.85-0.95), UNKNOWN_FACTOR and mean vs. min over the words moved the
#: correlation of confidence with precision@10 only between 0.16 and 0.21: the mean (easiest to
#: read) with these round values.
EMBEDDING_FLOOR = 0.45
EMBEDDING_FULL = 0.90
#: An unknown word read by embedding counts this share of its embedding strength (see the module docstring).
UNKNOWN_FACTOR = 0.35
#: A corrected typing mistake counts this share of the word it was corrected to.
TYPO_FACTOR = 0.9
#: Below this confidence the query was read loosely: ``search --explain`` says so. On the dev splits'
#: perfect-tagger catalog the 23 of 574 queries below it reach precision@10 0.64, the others 0.84
#: (0.5: 7 queries, 0.71 / 0.83; 0.8: 54 queries, 0.64 / 0.85).
LOW_CONFIDENCE = 0.7


@dataclasses.dataclass(frozen=True)
class WordReading:
    """How one content word of a query was read: ``how`` is "tag" (a word of a tag name or negated
    tag), "alias" (a word of a concept alias), "embedding" (only through the text embedding of the
    query's unread words; ``similarity`` is the best concept's cosine) or "negated embedding" (after
    a negation, the cosine of the concept nearest to the negated words); ``typo``: the word is a
    typing correction; ``known``: False for letters that are neither an English word nor a word of
    the text encoder's vocabulary."""

    word: str
    how: str
    similarity: float = 1.0
    typo: bool = False
    known: bool = True


def embedding_strength(similarity: float) -> float:
    """The ramp of :data:`EMBEDDING_FLOOR` .. :data:`EMBEDDING_FULL`, in [0, 1]."""
    return float(np.clip((similarity - EMBEDDING_FLOOR) / (EMBEDDING_FULL - EMBEDDING_FLOOR), 0.0, 1.0))


def word_strength(r: WordReading) -> float:
    """How much one word was understood, in [0, 1]."""
    if r.how in ("tag", "alias"):
        s = 1.0
    else:
        s = embedding_strength(r.similarity) * (1.0 if r.known else UNKNOWN_FACTOR)
    return s * (TYPO_FACTOR if r.typo else 1.0)


def query_confidence(reading: Sequence[WordReading]) -> float:
    """The mean :func:`word_strength` of the query's content words (0 when it has none)."""
    if not reading:
        return 0.0
    return round(float(np.mean([word_strength(r) for r in reading])), 6)


def fused_evidence(tag: np.ndarray, joint: np.ndarray, tag_weight: float, joint_weight: float) -> np.ndarray:
    """The fused mix in the tag route's units (see the module docstring): an increasing affine map
    of :func:`mtat.search.fusion.fuse`'s mix."""
    tag = np.asarray(tag, dtype=np.float64)
    mix = (tag_weight * standardize(tag) + joint_weight * standardize(joint)) / (tag_weight + joint_weight)
    return tag.mean() + tag.std() * mix if tag.size else tag


def shown_scores(evidence: np.ndarray, confidence: float) -> np.ndarray:
    """``confidence * clip(evidence, 0, 1)``: the score shown for each song."""
    return confidence * np.clip(np.asarray(evidence, dtype=np.float64), 0.0, 1.0)
