"""Search and similar songs on a 100,000-song catalog equal brute-force references (every score computed,
every song sorted), and the web service's filters and "Load more" rank exactly as the whole ranking would."""
from __future__ import annotations

import numpy as np
import pytest

from mtat.search import rank_similar, read_catalog, search
from mtat.search.catalog import write_catalog
from mtat.search.matcher import TagMatcher
from mtat.search.ranking import candidate_rows
from mtat.search.results import TagMatch
from mtat.search.scoring import MIN_TAG_SCALE, TagScores, rank_songs, score_songs, tag_scales
from mtat.tags import MTAT_TOP50
from tagger_cli.web.filters import SongFilter
from tagger_cli.web.service import WebService

TAGS = list(MTAT_TOP50)
N = 100_000
QUERIES = ("piano", "guitar slow", "no vocals", "classical violin without drums", "rainy night", "calm ocean")


@pytest.fixture(scope="module")
def matcher(bag_of_words):
    return TagMatcher(TAGS, bag_of_words)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    """100,000 songs written and read back: Beta tag probabilities, post-ReLU embeddings, 1 % short songs."""
    rng = np.random.default_rng(11)
    probs = rng.beta(0.4, 3.0, size=(N, len(TAGS))).astype(np.float32)
    emb = np.maximum(rng.normal(size=(N, 32)), 0).astype(np.float32)
    durations = rng.uniform(20, 400, N)
    durations[rng.choice(N, N // 100, replace=False)] = 1.5
    path = str(tmp_path_factory.mktemp("scale") / "catalog.parquet")
    write_catalog(path, [f"{i // 1000:03d}/song-{i:06d}.mp3" for i in range(N)], probs, TAGS, emb, durations=durations)
    return read_catalog(path)


def _brute_scores(catalog, match) -> tuple[np.ndarray, np.ndarray]:
    """(candidate rows, their tag-route scores) straight from the formula, as one matrix product."""
    rows = np.flatnonzero(~catalog.short)
    cols = [catalog.tags.index(m.tag) for m in match.matches]
    used = np.asarray(catalog.probabilities, np.float64)[rows][:, cols]
    if match.kind == "words":
        used = used / np.maximum(used.max(axis=0), MIN_TAG_SCALE)
    used = np.where([m.negated for m in match.matches], 1.0 - used, used)
    w = np.array([max(m.similarity, 1e-6) for m in match.matches])
    return rows, used @ w / w.sum()


def _brute_top(rows: np.ndarray, scores: np.ndarray, n: int, keep: np.ndarray | None = None) -> list[int]:
    """The ``n`` best rows by a full sort (ties by row), only rows where ``keep`` is True."""
    order = rows[np.lexsort((rows, -scores))]
    if keep is not None:
        order = order[keep[order]]
    return [int(r) for r in order[:n]]


@pytest.mark.parametrize("query", QUERIES)
def test_search_top10_is_the_brute_force_top10(catalog, matcher, query):
    res = search(catalog, query, 10, matcher=matcher)
    rows, scores = _brute_scores(catalog, res.match)
    want = _brute_top(rows, scores, 10)
    assert [s.row for s in res.songs] == want
    by_row = dict(zip(rows.tolist(), scores))
    np.testing.assert_allclose([s.parts.rank for s in res.songs], [by_row[r] for r in want], rtol=0, atol=1e-12)


@pytest.mark.parametrize("query", ("piano", "rainy night"))
def test_a_keep_mask_narrows_the_ranking_without_changing_it(catalog, matcher, query):
    keep = np.random.default_rng(3).random(N) < 0.05
    res = search(catalog, query, 25, matcher=matcher, keep=keep)
    rows, scores = _brute_scores(catalog, res.match)
    assert [s.row for s in res.songs] == _brute_top(rows, scores, 25, keep)
    whole = search(catalog, query, 25, matcher=matcher)
    kept = [s for s in whole.songs if keep[s.row]]  # the same scores where both list a song
    assert [(s.row, s.score) for s in kept] == [(s.row, s.score) for s in res.songs[:len(kept)]]


def _brute_similar(catalog, row: int) -> tuple[np.ndarray, np.ndarray]:
    """(candidate rows, cosine of their catalog-centred embeddings with song ``row``'s) in float64."""
    rows = candidate_rows(catalog)
    emb = np.asarray(catalog.embeddings, np.float64)[rows]
    centre = emb.mean(axis=0)
    centred = emb - centre
    q = np.asarray(catalog.embeddings[row], np.float64) - centre
    return rows, centred @ q / (np.linalg.norm(centred, axis=1) * np.linalg.norm(q))


@pytest.mark.parametrize("row", (0, 4321, N - 1))
def test_similar_top_k_is_the_brute_force_argsort(catalog, row):
    rows, sims = _brute_similar(catalog, row)
    sims = np.where(rows == row, -np.inf, sims)  # the song itself is left out
    got = rank_similar(catalog, catalog.embeddings[row], 10, exclude=row)
    want = _brute_top(rows, sims, 10)
    assert [s.row for s in got] == want
    by_row = dict(zip(rows.tolist(), sims))
    np.testing.assert_allclose([s.similarity for s in got], [by_row[r] for r in want], rtol=0, atol=1e-6)
    keep = np.random.default_rng(row).random(N) < 0.1
    kept = rank_similar(catalog, catalog.embeddings[row], 10, exclude=row, keep=keep)
    assert [s.row for s in kept] == _brute_top(rows, sims, 10, keep)


@pytest.fixture()
def counted(bag_of_words):
    """A text encoder that counts its calls, and the list of the texts it was called with."""
    calls: list[list[str]] = []

    def encode(texts):
        calls.append(list(texts))
        return bag_of_words(texts)

    return encode, calls


@pytest.fixture()
def service(catalog, counted):
    encode, _ = counted
    return WebService(catalog, matcher=TagMatcher(TAGS, encode))


@pytest.mark.parametrize("query", ("guitar slow", "rainy night"))
def test_web_filters_give_the_whole_ranking_filtered(service, catalog, matcher, query):
    """A filtered answer is the first songs of the unfiltered whole ranking that pass the filter."""
    filters = SongFilter(min_duration=60.0, max_duration=300.0, with_tags=("piano",), without_tags=("drums",))
    got = service.search(query, 15, filters=filters)
    keep = filters.mask(catalog, service._has)
    assert 15 < keep.sum() < N // 10
    rows, scores = _brute_scores(catalog, matcher.match(query))
    assert [r["id"] for r in got["results"]] == _brute_top(rows, scores, 15, keep)
    assert got["filters"] == filters.to_dict()
    sim = service.similar(7, 12, filters=filters)
    rows, sims = _brute_similar(catalog, 7)
    assert [r["id"] for r in sim["results"]] == _brute_top(rows, np.where(rows == 7, -np.inf, sims), 12, keep)


def test_load_more_does_not_read_or_encode_the_query_again(service, counted, monkeypatch):
    _, calls = counted
    reads = []
    match = service.matcher.match
    monkeypatch.setattr(service.matcher, "match", lambda q: reads.append(q) or match(q))
    service.matcher.embedder._cache.clear()  # the encoder's own memo of recent texts does not count
    first = service.search("a rainy night by the sea", 10)
    encoded = len(calls)
    assert reads == ["a rainy night by the sea"] and encoded > 0
    service.matcher.embedder._cache.clear()
    more = service.search("a rainy night by the sea", 40)  # "Load more": a bigger top
    assert len(calls) == encoded and len(reads) == 1
    assert [r["id"] for r in more["results"][:10]] == [r["id"] for r in first["results"]]
    assert len(more["results"]) == 40
    fewer = service.search("a rainy night by the sea", 25)  # served by the bigger answer
    assert fewer["results"] == more["results"][:25] and len(reads) == 1
    fresh = search(service.catalog, "a rainy night by the sea", 40, matcher=service.matcher)
    assert [r["id"] for r in more["results"]] == [s.row for s in fresh.songs]


@pytest.mark.parametrize("scaled", (False, True))
def test_tag_scores_rank_exactly_as_every_score_sorted(scaled):
    """TagScores (a float32 pass, then float64 for the few it needs) equals score_songs + rank_songs, even
    where probabilities tie (rounded to tenths) and with negations, exclusions and keep masks."""
    rng = np.random.default_rng(4)
    probs = np.asfortranarray(np.round(rng.beta(0.5, 2.0, size=(5000, len(TAGS))), 1).astype(np.float32))
    rows = np.flatnonzero(rng.random(5000) > 0.02)
    scales = tag_scales(probs[rows])
    for trial in range(40):
        matches = [TagMatch(t, float(rng.uniform(0.1, 1.0)), negated=bool(rng.random() < 0.3))
                   for t in rng.choice(TAGS, size=int(rng.integers(1, 8)), replace=False)]
        keep = rng.random(len(rows)) < 0.5 if trial % 2 else None
        exclude = [int(i) for i in rng.integers(0, len(rows), 3)]
        top = int(rng.integers(1, 60))
        lazy = TagScores(probs, TAGS, matches, scaled, rows, scales)
        full = score_songs(probs, TAGS, matches, scaled, rows, scales)
        picked = lazy.best(top, exclude, keep)
        assert picked.tolist() == rank_songs(full, top, exclude, keep).tolist()
        assert np.array_equal(lazy.at(picked), full[picked])


def test_concurrent_similar_queries_share_products_and_answer_as_alone(catalog):
    """Similar-songs queries from many threads (computed together, several per matrix product) give
    exactly the answers each gets alone."""
    from concurrent.futures import ThreadPoolExecutor

    def answer(row: int) -> list[tuple[int, float]]:
        return [(s.row, s.similarity) for s in rank_similar(catalog, catalog.embeddings[row], 10, exclude=row)]

    rows = list(range(0, N, N // 24))
    alone = [answer(r) for r in rows]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(answer, rows))
    assert together == alone


def test_has_tags_from_the_applies_column_as_a_whole():
    """The filters' song x tag matrix built from the whole applies column equals the per-song rule: a
    song's listed tags (unknown names ignored), the probability rule for a song without a list."""
    from mtat.search.catalog import Catalog
    from tagger_cli.web.filters import NO_THRESHOLD_PROBABILITY, has_tags

    rng = np.random.default_rng(8)
    n = 3000
    probs = np.asfortranarray(rng.random((n, len(TAGS))).astype(np.float32))
    applies = [None if r < 0.1 else [] if r < 0.2 else [str(t) for t in rng.choice([*TAGS, "kazoo"], 3, replace=False)]
               for r in rng.random(n)]
    keys = [f"{i}.mp3" for i in range(n)]
    got = has_tags(Catalog(source="mem", paths=keys, tags=TAGS, probabilities=probs, embeddings=None, keys=keys,
                           applies=applies))
    for i in rng.choice(n, 300, replace=False):
        want = (probs[i] >= NO_THRESHOLD_PROBABILITY if applies[i] is None
                else np.isin(TAGS, applies[i]))
        assert np.array_equal(got[i], want), (i, applies[i])
