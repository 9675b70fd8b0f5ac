"""Query -> tag profile: the :class:`TagMatcher` behind free-word and tag-name search.

A query is matched against a tag vocabulary (the catalog's tag names) in two ways:

1. **Tag names** (:mod:`mtat.search.query`): when every word names a tag or a negated tag the
   query is a **tag query**: exactly those tags, similarity 1.0, no text model needed ("piano
   slow" -> piano, slow).

2. **Free words.** Otherwise the words go to listening concepts (:mod:`mtat.search.concepts`):

   * misspelled words are first corrected (:mod:`mtat.search.spelling`);
   * an alias in the query names its concept ("music for jogging" -> running; the longest alias
     wins, and a multi-word alias beats the tags inside it: "classical guitar", "string
     quartet"); an alias after a negation word (small words such as "too" or "any" in between
     are skipped) is a negated concept ("not sad", "not too sleepy");
   * a negation before words that name neither a tag nor an alias ("without synthesizers")
     negates the concept nearest to those words embedded alone; what a negated concept mainly
     wants (:data:`BLOCK_SHARE`) no other part of the query may ask for, and the negated words
     never reach the embedded query text (sentence embeddings ignore "without");
   * if some words are left unexplained (or nothing matched), the query (minus negations and
     filler words) is embedded as ``"{query} music"`` with all-MiniLM-L6-v2 and compared by
     cosine with every alias embedded the same way, less that alias's hubness penalty (its closeness
     to the other aliases, :data:`HUB_PENALTY`; a concept's similarity is its best alias's;
     :mod:`mtat.search.embedding`). Up to :data:`MAX_CONCEPTS` concepts within :data:`MARGIN` of
     the best and above :data:`MIN_SIMILARITY` are kept (the best always). Sentence embeddings put
     antonyms close ("calm music" ~ "loud"), so concepts leaning to the energy pole opposite to
     the query's first poled concept or named tag are dropped.

   * when two or more concepts are named by their aliases, each is weighted by how close it is to
     the query's positive words embedded together, relative to the closest (:data:`REWEIGHT_POWER`):
     "stretching after a run" is yoga music more than running music.

   * the query without its negations ("no vocals", a tag of its own, included), embedded bare as the
     sentence it is (filler words kept: "proposing on a rooftop" is a serenade, "proposing rooftop" a
     party), is also read as **kinds of music**
     (:mod:`mtat.search.kinds`: the kinds whose example texts are closest), whatever its words,
     less those whose tags oppose what the words name outright (:func:`agreeing_kinds`).

   The query's **tag profile** (:func:`build_profile`) is the similarity-weighted mean of its
   concepts' tag weights (each concept's scaled toward the same total, :data:`CONCEPT_MASS`)
   mixed with its kinds' (their share grows with the share of words read only by embedding, and is
   all of it when the kind reading is decisive: :func:`mtat.search.kinds.kind_share`), with tags named
   in the query at weight 1 and negations at -1; one tag per synonym group, at most ``max_tags``,
   largest weight first. A negative weight is a :class:`TagMatch` with ``negated=True``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set

import numpy as np

from mtat.joint_space import phrase_text
from mtat.search.concepts import GENERIC_TAGS as _GENERIC_TAGS
from mtat.search.concepts import QUERY_TEMPLATE, ConceptTable, pole
from mtat.search.confidence import WordReading, query_confidence
from mtat.search.embedding import Embedder, Progress
from mtat.search.errors import QueryError
from mtat.search.kinds import (
    DECISIVE_MARGIN,
    PROBE_FIT,
    PROBE_MIN_WORDS,
    KindTable,
    defining_tags,
    fit_kind_probe,
    kind_share,
    leans_on,
    main_tags,
    probe_log_probs,
)
from mtat.search.query import (
    EXACT_SIMILARITY,
    FILLER_WORDS,
    NEGATION_SKIP,
    NEGATIONS,
    NEGATIVE_TAG_PREFIXES,
    TagParser,
    negated_spans,
    normalize,
)
from mtat.search.results import ConceptMatch, QueryMatch, TagMatch
from mtat.search.spelling import Speller
from mtat.search.vocabulary import Concept, Kind, concepts, kinds

#: Matching thresholds for free words (cosine similarity of the query and a concept alias, less the
#: alias's hubness penalty, :data:`HUB_PENALTY`; kept from before the penalty, which lowers similarities
#: by about 0.3, so MIN_SIMILARITY now mostly keeps the best concept alone).
MIN_SIMILARITY = 0.45
MARGIN = 0.10
#: At most this many concepts found by embedding per query.
MAX_CONCEPTS = 3
#: Hubness penalty: every alias's cosine with a query text counts minus HUB_PENALTY times that alias's
#: hubness, its mean cosine to its HUB_NEIGHBOURS nearest other aliases (computed once with the alias
#: embeddings and cached on disk beside them), in every comparison of a text with the aliases (the
#: embedding fallback, negated words, the re-weighting of named concepts). A generic alias sits close
#: to everything and so wins queries it has little to do with; the penalty lowers it more than a
#: specific one. Chosen by leave-one-split-out on the dev splits of benchmarks/search_queries.json
#: (dev, blind, blind2, blind3, dev4, blind5) on a perfect-tagger catalog, over penalty 0 / 0.5 / 1,
#: neighbours 10 / 70 and REWEIGHT_POWER 0-3: penalty 0.5 with 70 neighbours in every fold (with 10
#: neighbours the penalty does not help: no penalty is chosen in 5 of 6 folds).
HUB_PENALTY = 0.5
HUB_NEIGHBOURS = 70
#: A kind is kept only when its tag weights agree this much (cosine) with what the words say outright
#: (:func:`agreeing_kinds`).
KIND_AGREEMENT = -0.1
#: When a query names two or more concepts by their aliases, each counts (in the profile mix)
#: ``max(REWEIGHT_FLOOR, (sim / best) ** REWEIGHT_POWER)`` instead of 1, where ``sim`` is the
#: concept's similarity with the query's positive words embedded together (its best alias's cosine,
#: hub-penalised) and ``best`` the largest among the named concepts: an incidental word ("stretching
#: after a run" is yoga more than running) no longer pulls the whole query. Chosen with :data:`HUB_PENALTY`
#: by leave-one-split-out on the dev splits (power 0-3: 2 or 3 in every fold, 3 ahead by 0.003
#: precision@10 on the current code, 2 in an earlier one; floor 0 / 0.2 / 0.4 alike).
REWEIGHT_POWER = 2.0
REWEIGHT_FLOOR = 0.2
#: At most this many tags in a free-word query's profile (one per synonym group).
MAX_TAGS = 12
#: Tags that say *how* music sounds (tempo, loudness, voice, mood) rather than *what* it is
#: (instrument, genre, culture): many styles share them, so in a concept's profile they count
#: GENERIC_WEIGHT times their written weight (a tag named in the query counts fully).
GENERIC_TAGS = _GENERIC_TAGS
GENERIC_WEIGHT = 0.25
#: A generic tag named among free words ("angels singing", "slow dance at prom") weighs this much in
#: the profile instead of 1: it says how the music sounds, the other words say what it is (a tag-name
#: query keeps every tag at 1). Chosen on the dev splits with a perfect tagger (0.2 / 0.4 / 0.6 / 1:
#: 0.873 / 0.874 / 0.872 / 0.869 over all of them, 0.4 never below 1 on any split).
NAMED_GENERIC_WEIGHT = 0.4
#: A concept's negative weights ("not loud" for relaxing) count this many times their written
#: weight: almost every song lacks most tags, so at full weight they add the same large term to
#: every song and drown the tags the concept wants (a tag negated in the query counts fully).
NEGATIVE_WEIGHT = 0.5
#: Profile weights below this are dropped.
MIN_WEIGHT = 0.02
#: Every matched concept's weights are scaled toward this total mass before they are mixed (by
#: ``(CONCEPT_MASS / mass) ** CONCEPT_MASS_POWER``: halfway on a log scale), so a concept that
#: names many tags ("party": dance, techno, beat, ...) does not drown one that names few
#: ("haunted house": weird) in the song score's weighted mean, while a rich one keeps some lead.
CONCEPT_MASS = 3.0
CONCEPT_MASS_POWER = 0.5
#: A negated concept's tags weighted at least this share of its largest weight are excluded from
#: the rest of the query's profile ("party without synthesizers": no electronic from "party").
BLOCK_SHARE = 0.5
_SKIP_ALIASES = FILLER_WORDS | NEGATION_SKIP
#: Words that say nothing about the music by themselves: they do not count in the confidence.
_NOT_CONTENT = FILLER_WORDS | NEGATION_SKIP | NEGATIONS


class TagMatcher:
    """Matches queries to a fixed tag vocabulary.

    ``encode`` maps a list of texts to L2-normalised embeddings (default: the all-MiniLM-L6-v2
    :class:`~mtat.text_embedding.TextEncoder`, loaded on first free-word query only);
    ``progress`` wraps the first, long embedding of the vocabulary (:data:`mtat.search.embedding.Progress`).
    """

    def __init__(
        self,
        tags: Sequence[str],
        encode: Callable[[list[str]], np.ndarray] | None = None,
        *,
        max_tags: int = MAX_TAGS,
        min_similarity: float = MIN_SIMILARITY,
        margin: float = MARGIN,
        max_concepts: int = MAX_CONCEPTS,
        generic_weight: float = GENERIC_WEIGHT,
        negative_weight: float = NEGATIVE_WEIGHT,
        vocabulary: Sequence[Concept] | None = None,
        kind_vocabulary: Sequence[Kind] | None = None,
        progress: Progress | None = None,
    ):
        self.tags = [str(t) for t in tags]
        if not self.tags:
            raise QueryError("no tags to match against")
        if max_tags < 1:
            raise QueryError(f"max_tags must be >= 1, got {max_tags}")
        self.max_tags = max_tags
        self.min_similarity = min_similarity
        self.margin = margin
        self.max_concepts = max_concepts
        self.generic_weight = generic_weight
        self.negative_weight = negative_weight
        self.embedder = Embedder(encode, progress)
        self.table = ConceptTable(self.tags, tuple(concepts() if vocabulary is None else vocabulary))
        self.kind_table = KindTable(self.tags, tuple(kinds() if kind_vocabulary is None else kind_vocabulary))
        self.parser = TagParser(self.tags, self.table.alias_at)
        self.speller = Speller(self.table.alias_index, self.parser.norm, self.embedder.english_words)
        self._alias_vecs: np.ndarray | None = None
        self._alias_hub: np.ndarray | None = None
        self._kind_vecs: np.ndarray | None = None
        self._kind_probe: np.ndarray | None = None
        #: (text, its alias cosines) of the last :meth:`alias_cosines` call: the re-weighting and the
        #: embedding fallback of one query read the same sentence (one tuple: safe across threads)
        self._last_cosines: tuple[str, np.ndarray] = ("", np.zeros(0, np.float32))

    @property
    def _concept_names(self) -> list[str]:
        return self.table.names

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeddings of ``texts`` (see :meth:`mtat.search.embedding.Embedder.encode`)."""
        return self.embedder.encode(texts)

    def correct(self, words: list[str]) -> tuple[list[str], dict[str, str]]:
        """Misspelled words corrected (see :mod:`mtat.search.spelling`)."""
        return self.speller.correct(words)

    def parse(self, query: str) -> tuple[list[TagMatch], list[str], list[str], set[int]]:
        """See :meth:`mtat.search.query.TagParser.parse`."""
        return self.parser.parse(query)

    def alias_vectors(self) -> np.ndarray:
        """Embeddings of every concept alias ``[n_aliases, D]`` (cached on disk for the default encoder)."""
        if self._alias_vecs is None:
            self._alias_vecs = self.embedder.encode_cached(self.table.alias_texts)
        return self._alias_vecs

    def kind_vectors(self) -> np.ndarray:
        """Embeddings of every kind's texts ``[n_texts, D]`` (cached on disk for the default encoder)."""
        if self._kind_vecs is None:
            self._kind_vecs = self.embedder.encode_cached(self.kind_table.texts) if self.kind_table.texts else None
        return self._kind_vecs

    def kind_probe(self) -> np.ndarray:
        """The kind probe of this matcher's kinds (:func:`mtat.search.kinds.fit_kind_probe`; cached on disk
        beside their embeddings)."""
        if self._kind_probe is None:
            table = self.kind_table
            if not table.texts:
                return np.zeros((len(table.names), 1), np.float32)
            keys = [f"{table.names[r]}\t{t}" for r, t in zip(table.text_rows, table.texts)]
            self._kind_probe = self.embedder.array_cached(
                "kind_probe", keys, PROBE_FIT, len(table.names),
                lambda: fit_kind_probe(self.kind_vectors(), table.text_rows, len(table.names)))
        return self._kind_probe

    def alias_hubness(self) -> np.ndarray:
        """Each alias's :data:`HUB_PENALTY`-scaled hubness ``[n_aliases]`` (see :data:`HUB_PENALTY`; cached on
        disk beside the alias embeddings)."""
        if self._alias_hub is None:
            vecs = self.alias_vectors()
            self._alias_hub = HUB_PENALTY * self.embedder.hubness_cached(self.table.alias_texts, vecs, HUB_NEIGHBOURS)
        return self._alias_hub

    def alias_cosines(self, text: str) -> np.ndarray:
        """Plain cosine of ``"{text} music"`` with each alias, ``[n_aliases]`` (the embedding comes from the
        memo when :meth:`match` encoded it with the query's other texts)."""
        last_text, last = self._last_cosines
        if text == last_text and last.size:
            return last
        q = self.encode([QUERY_TEMPLATE.format(text)])[0]
        cos = self.alias_vectors() @ q
        self._last_cosines = (text, cos)
        return cos

    def concept_similarities(self, text: str, *, raw: bool = False) -> np.ndarray:
        """Similarity of ``"{text} music"`` with each concept, ``[n_concepts]``: its best alias's cosine minus
        that alias's hubness penalty (:data:`HUB_PENALTY`; ``raw``: the plain cosine)."""
        cos = self.alias_cosines(text)
        return self.table.similarities(cos if raw else cos - self.alias_hubness())

    def match(self, query: str) -> QueryMatch:
        """Matched concepts and the tag profile they imply (see the module docstring)."""
        if not normalize(query):
            raise QueryError("empty query")
        words, fixes = self.correct(normalize(query).split())
        typos = {fixed for typed, fixed in fixes.items() if self.speller.is_typo(typed, fixed)}
        literal, text, leftover, blocked = self.parse(" ".join(words))
        if literal and not leftover:
            reading = tuple(WordReading(w, "tag", typo=w in typos) for w in words if w not in _NOT_CONTENT)
            return QueryMatch(query, "tags", tuple(literal), (), " ".join(text) or " ".join(words), fixes,
                              reading, query_confidence(reading))
        content = [w for w in text if w not in FILLER_WORDS] or text
        if not content:
            raise QueryError(f"nothing to search for in {query!r}")
        exact, covered, negated = self.table.exact(text, _SKIP_ALIASES)  # fillers included: "house music"
        chosen: dict[int, ConceptMatch] = {}
        for ci, alias, is_negated in exact:
            chosen.setdefault(ci, ConceptMatch(self.table.names[ci], EXACT_SIMILARITY,
                                               "negated word" if is_negated else "word", alias))
        read: dict[int, tuple[str, float]] = {i: ("alias", 1.0) for i in covered}  # text position -> how, similarity
        for start, stop in negated_spans(text, covered):
            sim = self._add_negated(" ".join(text[start + 1:stop]), chosen)
            negated.update(range(start, stop))
            read.update((i, ("negated embedding", sim)) for i in range(start, stop))
        literal_words = {w for m in literal if not m.negated for w in normalize(m.tag).split()}
        uncovered = [w for i, w in enumerate(text) if i not in covered and i not in negated
                     and w not in literal_words and w not in FILLER_WORDS]
        positive = [w for k, w in enumerate(text) if k not in negated and w not in FILLER_WORDS]
        joint_text = " ".join(positive) or " ".join(content)
        kept = without_phrases([w for k, w in enumerate(text) if k not in negated],  # "no vocals" is a negation too
                               [normalize(m.tag).split() for m in literal if m.tag.startswith(NEGATIVE_TAG_PREFIXES)])
        while kept and kept[-1] in FILLER_WORDS:  # "chill but [not electronic]": no dangling "but"
            kept.pop()
        kind_text = " ".join(kept) or joint_text  # the sentence, small words kept, for the kinds
        self._encode_texts(joint_text, bool(uncovered) or not (chosen or literal)
                           or (sum(c.how == "word" for c in chosen.values()) >= 2 and bool(positive)), kind_text)
        self._reweight(" ".join(positive), chosen)
        embedded = None
        if uncovered or not (chosen or literal):
            embedded = self._add_embedded(" ".join(positive or content), chosen, literal)
        reading = [WordReading(w, *(read.get(i) or (("tag", 1.0) if w in literal_words else ("embedding", embedded or 0.0))),
                               typo=w in typos, known=not w.isalpha() or self.speller.is_english(w))
                   for i, w in enumerate(text) if w not in _NOT_CONTENT]
        reading += [WordReading(m.tag, "tag") for m in literal if m.negated]  # "no vocals": read out of the text
        if not reading and embedded is not None:  # only filler words ("music"): the embedding read them
            reading = [WordReading(" ".join(content), "embedding", embedded)]  # fillers are English
        negated = {self.parser.group[m.tag] for m in literal if m.negated}
        negated |= blocked  # what "no vocals" (a tag of its own) rules out: no choir, opera or pop kind either
        negated.update(g for c in chosen.values() if c.how.startswith("negated")
                       for g in main_groups(self, self.table.weights[self.table.index[c.name]]))
        protected = protected_groups(self, literal, chosen.values())
        negated -= protected
        read_kinds, kinds_blocked, margin = self.read_kinds(kind_text, negated)
        best_kind = read_kinds[0].name if read_kinds else None
        read_kinds = agreeing_kinds(self, read_kinds, literal, list(chosen.values()))
        decisive = (margin >= DECISIVE_MARGIN and bool(read_kinds) and read_kinds[0].name == best_kind
                    and any(r.how == "embedding" for r in reading))  # words the aliases left to the sentence
        share = kind_share(sum(r.how == "embedding" for r in reading) / len(reading) if reading else 1.0, decisive)
        matches = build_profile(self, literal, list(chosen.values()), blocked | kinds_blocked, read_kinds, share,
                                protected)
        return QueryMatch(query, "words", matches, tuple(chosen.values()), joint_text, fixes, tuple(reading),
                          query_confidence(reading), read_kinds)

    def read_kinds(self, text: str, negated: set[int] = frozenset()
                   ) -> tuple[tuple[ConceptMatch, ...], set[int], float]:
        """The kinds of music ``text`` (embedded bare) asks for, best first, each weighted and with its
        closest example text as ``alias`` (:mod:`mtat.search.kinds`), the synonym groups the query's
        negations rule out beyond their own tags, and the best kind's similarity margin over the
        runner-up (:meth:`mtat.search.kinds.KindTable.margin`).

        ``negated``: the synonym groups the query negates. A kind that leans on a negated tag
        (weight at least :data:`mtat.search.kinds.NEGATED_KIND_SHARE` of its largest) is what the
        negation means too ("chill but not electronic": no ambient, no techno, though ambient songs are
        seldom tagged electronic): it is never chosen, and its defining tags are returned as blocked
        (no part of the query may ask for them)."""
        table = self.kind_table
        group = self.parser.group
        ruled_out = [i for i, w in enumerate(table.weights) if negated and leans_on(w, negated, group)]
        blocked = {group[t] for i in ruled_out for t in defining_tags(table.weights[i])}
        vecs = self.kind_vectors()
        if vecs is None or not text:
            return (), blocked, 0.0
        vec = self.encode([text])[0]
        cos = vecs @ vec
        probed = len(text.split()) >= PROBE_MIN_WORDS
        sims = table.similarities(cos, probe_log_probs(self.kind_probe(), vec) if probed else None)
        kept = table.choose(sims, ruled_out)
        return (tuple(ConceptMatch(table.names[i], w, "kind", table.best_text(i, cos)) for i, w in kept), blocked,
                table.margin(sims, ruled_out))

    def _encode_texts(self, text: str, by_alias: bool, kind_text: str) -> None:
        """Every text of a query in one encoder pass, kept in the memo: ``"{text} music"`` when the concept
        route reads the sentence (``by_alias``: the re-weighting or the embedding fallback), the joint
        route's phrase and the kinds' bare ``kind_text``. Nothing when neither the aliases nor kinds need it."""
        kinds_too = bool(self.kind_table.texts)
        if by_alias or kinds_too:
            self.encode([*([QUERY_TEMPLATE.format(text)] if by_alias else []), phrase_text(text),
                         *([kind_text] if kinds_too else [])])

    def _reweight(self, text: str, chosen: dict[int, ConceptMatch]) -> None:
        """When two or more concepts are named by their aliases, weight each by its similarity with
        ``text`` (the query's positive words) relative to the best one's (:data:`REWEIGHT_POWER`)."""
        named = [ci for ci, c in chosen.items() if c.how == "word"]
        if len(named) < 2 or not text:
            return
        sims = self.concept_similarities(text)
        best = max(float(sims[ci]) for ci in named)
        if best <= 0:
            return
        for ci in named:
            c = chosen[ci]
            share = max(0.0, float(sims[ci]) / best) ** REWEIGHT_POWER
            chosen[ci] = ConceptMatch(c.name, max(REWEIGHT_FLOOR, share), c.how, c.alias)

    def _add_negated(self, text: str, chosen: dict[int, ConceptMatch]) -> float:
        """Add the concept nearest to ``text`` (embedded alone; hub-penalised, :data:`HUB_PENALTY`) as a
        negated concept, if its plain cosine is high enough (:data:`MIN_SIMILARITY`) and it is not already
        matched; returns the best plain cosine (what the confidence reads). The plain cosine gates and
        weights it: the penalised one would be below MIN_SIMILARITY for nearly any negated words."""
        cos = self.alias_cosines(text)
        ci = int(np.argmax(self.table.similarities(cos - self.alias_hubness())))
        plain = self.table.similarities(cos)
        if float(plain[ci]) >= self.min_similarity and ci not in chosen:
            chosen[ci] = ConceptMatch(self.table.names[ci], float(plain[ci]), "negated embedding", "")
        return float(plain.max())

    def _add_embedded(self, text: str, chosen: dict[int, ConceptMatch], literal: list[TagMatch]) -> float:
        """Add the concepts nearest to ``text`` by embedding (best first, within the margin, one energy
        pole); returns the best concept's plain cosine (without the hub penalty: what the confidence reads)."""
        cos = self.alias_cosines(text)
        sims = self.table.similarities(cos - self.alias_hubness())
        order = np.argsort(-sims, kind="stable")
        top = float(sims[order[0]])
        floor = max(self.min_similarity, top - self.margin)
        # the pole guards against antonyms among the *embedding* matches: it comes from a named
        # tag or the best-ranked poled embedding match, never from concepts named by their words
        want = next((pole(m.tag) for m in literal if pole(m.tag) and not m.negated), None)
        added = 0
        for rank, ci in enumerate(order):
            s = float(sims[ci])
            if added >= self.max_concepts or (s < floor and (rank > 0 or chosen or literal)):
                break
            if ci in chosen:
                continue
            cp = self.table.poles[ci]
            if cp and want and cp != want:
                continue
            want = want or cp
            chosen[int(ci)] = ConceptMatch(self.table.names[ci], s, "embedding", "")
            added += 1
        return float(self.table.similarities(cos).max())



def without_phrases(words: list[str], phrases: Sequence[Sequence[str]]) -> list[str]:
    """``words`` without each occurrence of the word sequences ``phrases``."""
    out, i = [], 0
    while i < len(words):
        n = next((len(p) for p in phrases if p and words[i:i + len(p)] == list(p)), 0)
        if n:
            i += n
        else:
            out.append(words[i])
            i += 1
    return out


def main_groups(matcher: TagMatcher, weights: dict[str, float]) -> set[int]:
    """The synonym groups of the tags a concept mainly wants (weight at least :data:`BLOCK_SHARE` of
    its largest): what negating it rules out."""
    return {matcher.parser.group[t] for t in main_tags(weights, BLOCK_SHARE)}


def protected_groups(matcher: TagMatcher, literal: Sequence[TagMatch], chosen: Iterable[ConceptMatch]) -> set[int]:
    """The synonym groups the query's own words ask for: tags named outright and the defining tags of
    concepts named by an alias. A negation elsewhere in the query never removes them: in "a raga, not
    bollywood" the negated concept also wants indian, but the query asks for indian music. A tag
    negated outright ("a raga, no sitar") stays negated."""
    group = matcher.parser.group
    out = {group[m.tag] for m in literal if not m.negated}
    for c in chosen:
        if c.how == "word":
            out.update(group[t] for t in defining_tags(matcher.table.weights[matcher.table.index[c.name]]))
    return out - {group[m.tag] for m in literal if m.negated}


def _concept_mix(matcher: TagMatcher, chosen: Sequence[ConceptMatch],
                 table: ConceptTable | KindTable | None = None,
                 protected: Set[int] = frozenset()) -> tuple[dict[str, float], set[int]]:
    """The similarity-weighted mean of the concepts' weights (of ``table``: the matcher's concepts, or
    its kinds), and the synonym groups a negated concept excludes (their weights in the mix: the
    negated concepts' part only). A negated concept neither excludes nor weighs against the
    ``protected`` groups (:func:`protected_groups`)."""
    table = matcher.table if table is None else table
    prof: dict[str, float] = {}
    against: dict[str, float] = {}  # the negated concepts' part of ``prof``
    total = sum(c.similarity for c in chosen)
    excluded: set[int] = set()  # what a negated concept mainly wants, no other concept may ask for
    group = matcher.parser.group
    for c in chosen:
        negated = c.how.startswith("negated")
        weights = table.weights[table.index[c.name]]
        mass = sum(abs(w) for w in weights.values())  # > 0: a concept has a positive weight
        scale = (CONCEPT_MASS / mass) ** CONCEPT_MASS_POWER
        weights = {t: w * scale for t, w in weights.items()}
        if negated:
            excluded.update(main_groups(matcher, weights) - protected)
        for t, w in weights.items():
            if negated:  # "not sad": against what the concept wants, nothing more
                w = -w if w > 0 and group[t] not in protected else 0.0
            if t in GENERIC_TAGS:
                w *= matcher.generic_weight
            if w < 0:
                w *= matcher.negative_weight
            prof[t] = prof.get(t, 0.0) + c.similarity * w / total
            if negated:
                against[t] = against.get(t, 0.0) + c.similarity * w / total
    for t in prof:
        if group[t] in excluded:
            prof[t] = against.get(t, 0.0)
    return prof, excluded


def agreeing_kinds(matcher: TagMatcher, read_kinds: Sequence[ConceptMatch], literal: list[TagMatch],
                   chosen: Sequence[ConceptMatch]) -> tuple[ConceptMatch, ...]:
    """The kinds that do not contradict what the query's words say outright: the tags it names (negated
    ones against) and the concepts its words name. A kind whose tags (what it asks for: its negative
    weights say what it lacks, not what it opposes) have a cosine below :data:`KIND_AGREEMENT` with
    those is dropped ("chill but not electronic": the words want soft and slow, so no heavy metal,
    however near "chill" is to "pure rage" in the text embedding; "sevilla at midnight" keeps classical
    guitar, though guitar lacks the electronic side of "midnight")."""
    if not read_kinds:
        return ()
    named = [c for c in chosen if c.how in ("word", "negated word")]
    said, _ = _concept_mix(matcher, named) if named else ({}, set())
    for m in literal:
        said[m.tag] = -1.0 if m.negated else 1.0
    if not said:
        return tuple(read_kinds)
    group = matcher.parser.group

    def by_group(weights: Mapping[str, float]) -> dict[int, float]:
        out: dict[int, float] = {}
        for t, w in weights.items():
            out[group[t]] = out.get(group[t], 0.0) + w
        return out

    ref = by_group(said)
    ref_norm = float(np.sqrt(sum(w * w for w in ref.values())))
    kept = []
    for k in read_kinds:
        kw = by_group({t: w for t, w in matcher.kind_table.weights[matcher.kind_table.index[k.name]].items() if w > 0})
        norm = float(np.sqrt(sum(w * w for w in kw.values())))
        cos = sum(w * ref.get(g, 0.0) for g, w in kw.items()) / max(norm * ref_norm, 1e-12)
        if cos >= KIND_AGREEMENT:
            kept.append(k)
    return tuple(kept)


def build_profile(matcher: TagMatcher, literal: list[TagMatch], chosen: list[ConceptMatch],
                  blocked: set[int], read_kinds: Sequence[ConceptMatch] = (), share: float = 0.0,
                  protected: Set[int] = frozenset()) -> tuple[TagMatch, ...]:
    """The tag weights: the similarity-weighted mean of the concepts' weights mixed with the kinds'
    (``share`` of the kinds' mean, when there are kinds), tags named in the query at full weight (a
    generic one among free words, when there are kinds, at :data:`NAMED_GENERIC_WEIGHT`), negations as
    negative weights; one tag per synonym group. ``protected``: :func:`protected_groups` of the query."""
    prof, excluded = _concept_mix(matcher, chosen, protected=protected)
    if read_kinds:
        kind_prof, _ = _concept_mix(matcher, read_kinds, matcher.kind_table)
        tags = [*prof, *(t for t in kind_prof if t not in prof)]  # a fixed order: ties keep it
        prof = {t: (1.0 - share) * prof.get(t, 0.0) + share * kind_prof.get(t, 0.0) for t in tags}
    blocked = blocked | excluded
    named: dict[str, TagMatch] = {}
    for m in literal:
        if read_kinds and not m.negated and m.tag in GENERIC_TAGS:  # "angels singing": a word of a phrase
            m = TagMatch(m.tag, NAMED_GENERIC_WEIGHT, False, m.how)
        named[m.tag] = m
        prof[m.tag] = -m.similarity if m.negated else m.similarity
    group = matcher.parser.group
    best: dict[int, tuple[str, float]] = {}
    for t, w in prof.items():
        g = group[t]
        if t not in named and (g in blocked and w > 0 or abs(w) < MIN_WEIGHT):
            continue
        if g not in best or t in named or (best[g][0] not in named and abs(w) > abs(best[g][1])):
            best[g] = (t, w)
    ranked = sorted(best.values(), key=lambda tw: (-(tw[0] in named), -abs(tw[1])))[: matcher.max_tags]
    return tuple(named.get(t) or TagMatch(t, abs(w), w < 0, "concept") for t, w in ranked)
