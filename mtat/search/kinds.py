"""Kinds of music a free-word query asks for, read through the texts people type for each kind.

A *kind* (``vocabulary/kinds.txt``: orchestral strings, solo piano, rock, ambient, choir, ...) is a
tag profile plus some four hundred texts a person types when that music is what they want to
hear ("regency era tea party", "savasana after a long class", "sounds like a haunted fairground").
A query without its negations ("no vocals" included; filler words kept: a sentence encoder reads
sentences), embedded bare, is compared by cosine with every text; a kind's similarity is the mean of its
:data:`TOP_TEXTS` closest texts plus :data:`PROBE_WEIGHT` times the log-probability of the kind by the
*kind probe* (:func:`fit_kind_probe`: a logistic regression from a text's embedding to its kind, fitted on
the kinds' texts), which weighs every text of every kind, not only the few nearest, when the text has
:data:`PROBE_MIN_WORDS` words or more. The kinds within :data:`KIND_MARGIN` of the best (at most
:data:`MAX_KINDS`) are kept, each weighted ``exp((similarity - best) / KIND_TEMPERATURE)``, and their
profiles are mixed into the query's (:func:`kind_share`, :mod:`mtat.search.matcher`): a small share when
the words were read by tag names and aliases, a larger one when only by embedding, all of it when the
kind reading is decisive (the best kind :data:`DECISIVE_MARGIN` above the runner-up).

Why: a hand-written list of words and aliases cannot hold every word people use; the sentence
encoder places a new phrase near texts that *mean* the same situation, so "an autumn stroll through the
woods" finds the kind whose texts speak of walks in the forest without any of its words being listed.

A kind enters a catalog's table only when the catalog has one of its defining tags (weight at least
:data:`DEFINING_SHARE` of its largest, directly or through a synonym): "jazz" on a model without a
jazz tag would otherwise become "piano".

The constants were chosen on the development query sets of ``benchmarks/search_queries.json``
with a perfect-tagger catalog (``benchmarks/confidence_audit.py``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence, Set

import numpy as np

from mtat.search.concepts import resolve_weights
from mtat.search.query import synonyms_of
from mtat.search.vocabulary import Kind

#: A kind's similarity: the mean cosine of its this many closest texts.
TOP_TEXTS = 5
#: The kind probe's L2 strength (scikit-learn's ``C``: larger fits the texts more closely) and the weight
#: of its log-probability in a kind's similarity.
PROBE_C = 10.0
PROBE_WEIGHT = 0.01
#: The fit's stopping tolerance (scikit-learn's ``tol``).
PROBE_TOL = 1e-8
#: What names a fitted probe besides its texts (part of its cache file's name): change it with the fit.
PROBE_FIT = f"_c{PROBE_C:g}_tol{PROBE_TOL:g}"
#: The probe reads texts of at least this many words (small words counted): it was fitted on sentences,
#: and on a word or two its linear reading goes astray ("chill" leans towards heavy metal).
PROBE_MIN_WORDS = 4
#: Kinds kept: within this much of the best one's similarity, at most MAX_KINDS of them.
KIND_MARGIN = 0.10
MAX_KINDS = 3
#: A kept kind's weight: ``exp((similarity - best) / KIND_TEMPERATURE)`` (the best one weighs 1).
KIND_TEMPERATURE = 0.05
#: The kinds' share of a free-word query's profile: KIND_SHARE_NAMED when every content word was
#: read by a tag name or a concept alias, rising to KIND_SHARE_EMBEDDED when every one was read only
#: by embedding (linear in the share of such words).
KIND_SHARE_NAMED = 0.3
KIND_SHARE_EMBEDDED = 0.8
#: A kind reading is *decisive* when its best kind's similarity exceeds the runner-up's (kinds a negation
#: rules out aside) by at least DECISIVE_MARGIN, the best kind agrees with the words, and some word was
#: read only by embedding (no tag name or alias explains it): the sentence as a whole then says more than
#: its named words one by one ("sounds like robots malfunctioning" is experimental, whatever "robots" names
#: alone), and the kinds take KIND_SHARE_DECISIVE of the profile. A query every word of which is a tag name or an
#: alias ("punk", "bells and chimes") keeps what its words name.
DECISIVE_MARGIN = 0.05
KIND_SHARE_DECISIVE = 1.0
#: A kind's defining tags: those weighted at least this share of its largest weight.
DEFINING_SHARE = 0.8
#: A kind leans on a tag weighted at least this share of its largest weight: negating that tag rules
#: the kind out ("not electronic" rules out ambient).
NEGATED_KIND_SHARE = 0.3


class KindTable:
    """The kinds a catalog's tags can express: ``names``, ``weights`` (over the catalog's tags) and
    ``texts`` with ``text_rows`` (the kind of each text); a kind's texts are contiguous."""

    def __init__(self, tags: Sequence[str], kinds: Sequence[Kind]):
        self.names: list[str] = []
        self.weights: list[dict[str, float]] = []
        self.texts: list[str] = []
        rows: list[int] = []
        synonyms = synonyms_of()
        for k in kinds:
            weights = resolve_weights(k.weights, tags, synonyms)
            if not any(resolve_weights({t: 1.0}, tags, synonyms) for t in defining_tags(k.weights)):
                continue  # the catalog cannot tell this kind apart
            rows += [len(self.names)] * len(k.texts)
            self.names.append(k.name)
            self.weights.append(weights)
            self.texts += k.texts
        self.text_rows = np.asarray(rows, dtype=np.int64)
        self._bounds = np.searchsorted(self.text_rows, np.arange(len(self.names) + 1))
        self.index = {n: i for i, n in enumerate(self.names)}

    def similarities(self, text_cosines: np.ndarray, log_probs: np.ndarray | None = None) -> np.ndarray:
        """Each kind's similarity, ``[n_kinds]``: the mean of its :data:`TOP_TEXTS` best text cosines,
        plus :data:`PROBE_WEIGHT` times its ``log_probs`` by the kind probe (:func:`probe_log_probs`)."""
        out = np.empty(len(self.names))
        for i in range(len(self.names)):
            cos = text_cosines[self._bounds[i]:self._bounds[i + 1]]
            k = min(TOP_TEXTS, cos.size)
            out[i] = np.partition(cos, cos.size - k)[cos.size - k:].mean()
        return out if log_probs is None else out + PROBE_WEIGHT * np.asarray(log_probs, np.float64)

    def margin(self, sims: np.ndarray, ruled_out: Sequence[int] = ()) -> float:
        """How far the best kind's similarity is above the runner-up's, kinds in ``ruled_out`` aside
        (0 when fewer than two kinds are left)."""
        left = np.delete(sims, list(ruled_out)) if len(ruled_out) else sims
        if left.size < 2:
            return 0.0
        top2 = np.partition(left, left.size - 2)[left.size - 2:]
        return float(top2[1] - top2[0])

    def best_text(self, kind: int, text_cosines: np.ndarray) -> str:
        """The text of ``kind`` closest to the query (what the query was read as)."""
        lo, hi = self._bounds[kind], self._bounds[kind + 1]
        return self.texts[lo + int(np.argmax(text_cosines[lo:hi]))]

    def choose(self, sims: np.ndarray, ruled_out: Sequence[int] = ()) -> list[tuple[int, float]]:
        """``[(kind, weight)]`` of the kinds kept for these similarities, best first (see the module
        docstring); empty when the table has no kinds. A kind in ``ruled_out`` is never kept, and the
        margin is counted from the best kind of all: when a negation rules out the kinds the words
        mean, a distant one does not take their place."""
        if not len(sims):
            return []
        top = float(sims.max())
        sims = sims.copy()
        sims[list(ruled_out)] = -np.inf
        order = [i for i in np.argsort(-sims, kind="stable")[:MAX_KINDS] if sims[i] >= top - KIND_MARGIN]
        if not order:
            return []
        best = float(sims[order[0]])
        return [(int(i), float(np.exp((float(sims[i]) - best) / KIND_TEMPERATURE))) for i in order]


def fit_kind_probe(text_vectors: np.ndarray, text_rows: np.ndarray, n_kinds: int) -> np.ndarray:
    """The kind probe, ``[n_kinds, D + 1]`` (weights, then the bias): a multinomial logistic regression
    (L2, :data:`PROBE_C`) from the embeddings of the kinds' texts to their kinds. With fewer than two
    kinds, zeros (every kind equally likely)."""
    x = np.asarray(text_vectors, np.float64)
    y = np.asarray(text_rows, np.int64)
    probe = np.zeros((n_kinds, x.shape[1] + 1), np.float32)
    classes = np.unique(y)
    if classes.size < 2:
        return probe
    from sklearn.linear_model import LogisticRegression  # only here: the fitted probe is cached on disk

    # fitted to a tight tolerance: the optimum is unique, so the last bits of the text vectors (which differ
    # from machine to machine) move the probe by ~1e-5 in log-probability, not by ~1e-2 as at the default
    fit = LogisticRegression(C=PROBE_C, max_iter=10000, tol=PROBE_TOL).fit(x, y)
    coef = np.hstack([fit.coef_, fit.intercept_[:, None]])
    if classes.size == 2:  # scikit-learn's binary form: one row, the log-odds of the second class
        coef = np.vstack([np.zeros_like(coef), coef])
    probe[classes] = coef
    probe[np.setdiff1d(np.arange(n_kinds), classes), -1] = -30.0  # a kind without texts: never likely
    return probe


def probe_log_probs(probe: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``[n_kinds]``: the log-probability of each kind for a text embedding ``vector`` by the kind probe."""
    z = probe[:, :-1].astype(np.float64) @ np.asarray(vector, np.float64) + probe[:, -1]
    z -= z.max()
    return z - np.log(np.exp(z).sum())


def main_tags(weights: Mapping[str, float], share: float) -> list[str]:
    """The tags of a profile weighted at least ``share`` of its largest weight."""
    top = max(weights.values())
    return [t for t, w in weights.items() if w >= share * top]


def defining_tags(weights: Mapping[str, float]) -> list[str]:
    """A kind's defining tags: weighted at least :data:`DEFINING_SHARE` of its largest weight."""
    return main_tags(weights, DEFINING_SHARE)


def leans_on(weights: Mapping[str, float], groups: Set[int], group: Mapping[str, int]) -> bool:
    """Whether a kind's ``weights`` lean on a tag of the synonym ``groups`` (``group``: tag -> its group):
    a weight at least :data:`NEGATED_KIND_SHARE` of its largest."""
    return any(group.get(t) in groups for t in main_tags(weights, NEGATED_KIND_SHARE))


def kind_share(embedded_share: float, decisive: bool = False) -> float:
    """The kinds' share of a free-word profile when ``embedded_share`` of the content words were read
    only by embedding (:data:`KIND_SHARE_NAMED` .. :data:`KIND_SHARE_EMBEDDED`), or
    :data:`KIND_SHARE_DECISIVE` when the kind reading is ``decisive`` (:data:`DECISIVE_MARGIN`)."""
    if decisive:
        return KIND_SHARE_DECISIVE
    f = min(1.0, max(0.0, embedded_share))
    return KIND_SHARE_NAMED + (KIND_SHARE_EMBEDDED - KIND_SHARE_NAMED) * f
