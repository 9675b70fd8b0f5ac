"""What the web server does, without the web: a catalog and a model loaded once, shared by all requests.

Songs are addressed by their catalog row (``id``, 0-based); the client never names a path, and
no answer holds a server path: a song's ``path`` is its row key, relative to the indexed folder
(:meth:`WebService.shown_path`), the catalog and the model are named by their file / folder names,
and error messages are passed through :meth:`WebService.scrub`. Each result carries the song's
``title``, ``artist`` and ``album`` (its own tags, read at index time; null where unknown) and
``duration`` (seconds). Searches and similar songs take :class:`~tagger_cli.web.filters.SongFilter`
s, and a words query that names a song's title, artist or album lists it first
(:mod:`tagger_cli.web.names`).

A song's audio file is the catalog's own record of it (``root`` + row key when the catalog has a
root, else the absolute path stored at indexing time) and is served only while it is a regular
file that resolves inside ``root`` or to exactly the resolved path stored at indexing time (a
symlink ``index`` followed out of ``root``); a link retargeted since to another file is refused.

Thread safety: search is NumPy on read-only arrays plus the shared text encoder, which encodes
concurrent callers' texts together (``mtat.text_embedding.TextEncoder.encode``); the encoder and
the tag vectors are loaded by :meth:`WebService.warm_up` before the first request, so no two
requests race to load them. Model work (predicting an upload, a song's taggram) goes through a
:class:`WorkGate`: at most ``workers`` jobs run, at most ``queue`` more wait, the rest are refused
with :class:`Busy` (HTTP 503) so a burst of uploads cannot pile up decoded audio in memory.
"""
from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

import numpy as np

from mtat.audio import AudioError
from mtat.search.api import ReadQuery, read_query, score_query
from mtat.search.catalog import Catalog
from mtat.search.like import search_like
from mtat.search.matcher import TagMatcher
from mtat.search.profile import format_profile, search_profile
from mtat.search.ranking import candidate_rows, short_left_out
from mtat.search.results import TagMatch
from mtat.search.similar import cosines, rank_similar
from mtat.tagging import prediction_json
from mtat.windows import MIN_RELIABLE_SECONDS
from tagger_cli.taggram import one_path
from tagger_cli.web.filters import SongFilter, has_tags
from tagger_cli.web.names import NameIndex

T = TypeVar("T")

#: Most results one search or similar request may ask for.
MAX_TOP = 100
#: Longest accepted query (characters).
MAX_QUERY_CHARS = 500
#: Tag rows in a taggram.
TAGGRAM_TAGS = 12
#: Most taggram columns: a long upload gets a coarser hop instead of thousands of model calls.
MAX_TAGGRAM_COLUMNS = 120
#: Catalog taggrams kept in memory.
TAGGRAM_CACHE = 256
#: Search results kept per server (the catalog never changes while it runs, so a cached answer is exact).
SEARCH_CACHE = 2048
#: Where the page finds the served model's card.
MODEL_CARD_URL = "/model-card"
#: Tags listed in ``predict``'s ``top`` (``mtat-tagger predict``'s default ``--top``).
PREDICT_TOP = 10


class NotFound(LookupError):
    """No such song (HTTP 404)."""


class BadRequest(ValueError):
    """The request itself is wrong (HTTP 400)."""


class Busy(RuntimeError):
    """Too much model work queued (HTTP 503)."""


class NoModel(RuntimeError):
    """The server runs without a model (HTTP 503)."""


class WorkGate:
    """Bounded model work: ``workers`` jobs at a time, ``queue`` more waiting, anything beyond refused."""

    def __init__(self, workers: int = 1, queue: int = 4):
        if workers < 1 or queue < 0:
            raise ValueError(f"workers must be >= 1 and queue >= 0, got {workers}, {queue}")
        self.workers, self.queue = workers, queue
        self._running = threading.BoundedSemaphore(workers)
        self._lock = threading.Lock()
        self.admitted = 0

    @contextlib.contextmanager
    def admit(self) -> Iterator[None]:
        """Hold a place (running or waiting) for the duration of a request; :class:`Busy` when full."""
        with self._lock:
            if self.admitted >= self.workers + self.queue:
                raise Busy(f"the server is busy ({self.workers} model job(s) running, {self.queue} waiting): "
                           "retry later")
            self.admitted += 1
        try:
            yield
        finally:
            with self._lock:
                self.admitted -= 1

    def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` once a worker slot is free (call inside :meth:`admit`)."""
        with self._running:
            return fn()


class WebService:
    """A catalog (and optionally the model that tags uploads and draws taggrams), shared by all requests."""

    def __init__(self, catalog: Catalog, tagger=None, *, workers: int = 1, queue: int = 4, progress=None,
                 matcher: TagMatcher | None = None):
        """``progress``: wraps the first embedding of the search vocabulary (:mod:`mtat.search.embedding`);
        ``matcher``: reads the queries instead of the catalog's default one (:func:`mtat.search.api.default_matcher`)."""
        self.catalog = catalog
        self.progress = progress
        self.tagger = tagger
        self.gate = WorkGate(workers, queue)
        self.root = str(catalog.meta.get("root") or "")
        self.matcher = matcher
        self._searches: Recent[tuple[str, bool, SongFilter | None], dict] = Recent(SEARCH_CACHE)
        self._reads: Recent[str, ReadQuery] = Recent(SEARCH_CACHE)
        self._taggrams: Recent[int, dict] = Recent(TAGGRAM_CACHE)
        self._has = has_tags(catalog)  # songs x the tags they have (filters)
        self.names = NameIndex(catalog)

    # -- start-up -------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load the text encoder and the tag vectors now (a free-word query), and build what similar
        songs compare (:func:`mtat.search.similar.cosines`), not in the first request."""
        self.search("warm up music", 1)
        if self.catalog.embeddings is not None:
            cosines(self.catalog, candidate_rows(self.catalog))

    def health(self) -> dict:
        t = self.tagger
        return {"status": "ok", "songs": len(self.catalog), "tags": len(self.catalog.tags),
                "short_songs": int(self.catalog.short.sum()), "short_seconds": MIN_RELIABLE_SECONDS,
                "embeddings": self.catalog.embeddings is not None, "catalog": os.path.basename(self.catalog.source),
                "model": None if t is None else {"name": t.name, "version": t.version, "tags": len(t.tags),
                                                 "thresholds": t.thresholds is not None,
                                                 "card_url": MODEL_CARD_URL if self.model_card() else None},
                "model_jobs": {"admitted": self.gate.admitted, "workers": self.gate.workers, "queue": self.gate.queue}}

    def model_card(self) -> str | None:
        """The served model's ``assets.extra/model_card.html``, or None (no model, or pushed without a card)."""
        from mtat.model_info import model_card_path

        if self.tagger is None:
            return None
        path = model_card_path(self.tagger.model_dir)
        return path if os.path.isfile(path) else None

    # -- songs ----------------------------------------------------------------------------------
    def row(self, song_id: Any) -> int:
        """The catalog row of ``song_id`` (an int or its decimal string), else :class:`NotFound`."""
        text = str(song_id)
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            raise NotFound(f"no song {text[:40]!r} in the catalog (ids are 0..{len(self.catalog) - 1})")
        i = int(text)
        if i >= len(self.catalog):
            raise NotFound(f"no song {i} in the catalog (ids are 0..{len(self.catalog) - 1})")
        return i

    def audio_path(self, song_id: Any) -> str:
        """The file of song ``song_id`` as the catalog records it; :class:`NotFound` if it is gone or unsafe."""
        i = self.row(song_id)
        key, recorded = self.catalog.keys[i], self.catalog.paths[i]
        if self.root and not os.path.isabs(key):
            path = os.path.realpath(os.path.join(self.root, key))
            real_root = os.path.realpath(self.root)
            if os.path.commonpath([real_root, path]) != real_root and path != recorded:
                raise NotFound(f"song {i}: its file resolves outside the catalog's folder, "
                               "not to the file that was indexed")
        else:
            path = recorded
        if "://" in path or not os.path.isfile(path):
            raise NotFound(f"song {i}: its audio file is not available on this server")
        return path

    def shown_path(self, i: int) -> str:
        """Song ``i``'s path as answers show it: its row key (relative to the indexed folder), or the
        file name of a key that is absolute (a catalog written without a root)."""
        key = self.catalog.keys[i]
        return os.path.basename(key) if os.path.isabs(key) or "://" in key else key

    def song_info(self, i: int) -> dict:
        """What every answer says of song ``i``: ``id``, ``path`` (:meth:`shown_path`), ``title``,
        ``artist``, ``album`` (the file's own tags, null where unknown), ``duration`` (s, null if
        unknown) and ``audio_url``."""
        duration = float(self.catalog.durations[i])
        return {"id": i, "path": self.shown_path(i), **self.catalog.file_tags[i],
                "duration": round(duration, 3) if np.isfinite(duration) else None, "audio_url": f"/audio/{i}"}

    def scrub(self, text: str) -> str:
        """``text`` (an error message) without the server's paths: the catalog's folder, file and the
        model's folder are replaced by relative or base names."""
        for path, shown in ((self.root, ""), (self.catalog.source, os.path.basename(self.catalog.source)),
                            (self.tagger.model_dir if self.tagger else "", self.tagger.name if self.tagger else "")):
            if path and os.path.isabs(path) and path.rstrip(os.sep):  # never "/": every separator would go
                text = text.replace(path.rstrip(os.sep) + os.sep, shown and shown + os.sep).replace(path, shown or ".")
        return text

    def _song(self, result: dict, i: int) -> dict:
        """A library result (``to_dict``) of catalog row ``i`` with what every answer says of a song."""
        out = dict(result)
        out.update(self.song_info(i))
        if self.catalog.applies is not None:
            out["applies"] = self.catalog.applies[i]  # the tags at or above their threshold (index time)
        return out

    def _songs(self, results: list[dict], songs) -> list[dict]:
        """``results`` (the ``to_dict`` of the library's ``songs``) with :meth:`_song`."""
        return [self._song(r, s.row) for r, s in zip(results, songs)]

    @staticmethod
    def _top(top: Any) -> int:
        try:
            n = int(top)
        except (TypeError, ValueError):
            raise BadRequest(f"top must be an integer, got {str(top)[:20]!r}") from None
        if not 1 <= n <= MAX_TOP:
            raise BadRequest(f"top must be between 1 and {MAX_TOP}, got {n}")
        return n

    def _search_key(self, query: str, include_short: bool = False,
                    filters: SongFilter | None = None) -> tuple[str, bool, SongFilter | None]:
        """(query, include_short, filters or None), checked: what a search answer is cached by (not
        ``top``: an answer serves any smaller ``top``)."""
        query = (query or "").strip()
        if not query:
            raise BadRequest("empty query: type tag names (\"piano slow\") or free words (\"rainy night\")")
        if len(query) > MAX_QUERY_CHARS:
            raise BadRequest(f"query too long ({len(query)} characters, at most {MAX_QUERY_CHARS})")
        return query, bool(include_short), filters if filters is not None and filters.active else None

    def cached_search(self, query: str, top: Any = 10, include_short: bool = False,
                      filters: SongFilter | None = None) -> dict | None:
        """The cached answer of :meth:`search` when it holds ``top`` songs (validating the request), or
        None: cheap, no model."""
        n = self._top(top)
        key = self._search_key(query, include_short, filters)
        answer = self._searches.get(key)
        if answer is None or (len(answer["results"]) < n and not answer["complete"]):
            return None
        return _public(answer, n)

    def filter_of(self, min_duration: float | None = None, max_duration: float | None = None,
                  with_tags: str | None = None, without_tags: str | None = None) -> SongFilter:
        """The :class:`SongFilter` of the API's parameters (:class:`FilterError`, HTTP 400, when wrong)."""
        return SongFilter.parse(self.catalog.tags, min_duration, max_duration, with_tags, without_tags)

    def _keep(self, filters: SongFilter | None) -> np.ndarray | None:
        """The ``[n]`` bool mask of the songs ``filters`` let through, or None (no active filter)."""
        return filters.mask(self.catalog, self._has) if filters is not None and filters.active else None

    def _read(self, query: str) -> ReadQuery:
        """The query as read (:func:`mtat.search.api.read_query`: the text encoder's work), remembered
        for the :data:`SEARCH_CACHE` most recent queries whatever their ``top``, short songs or filters."""
        read = self._reads.get(query)
        if read is None:
            read = read_query(self.catalog, query, matcher=self.matcher, progress=self.progress)
            self._reads.put(query, read)
        return read

    def clear_search_cache(self) -> None:
        self._searches.clear()
        self._reads.clear()

    def search(self, query: str, top: Any = 10, include_short: bool = False,
               filters: SongFilter | None = None) -> dict:
        """``search --json``'s object; every result also has ``id`` and ``audio_url``. Short songs are
        left out unless ``include_short`` (``short_excluded`` counts them); with active ``filters`` the
        first ``top`` songs of the ranking that pass them (and ``"filters"``). Songs whose title, artist
        or album the query holds come first (:mod:`tagger_cli.web.names`; each with ``"named"``: the
        fields it names, and the answer with ``"named"``: how many of the ranked songs it names).

        Answers are cached by (query, include_short, filters) (:data:`SEARCH_CACHE` most recent) and
        serve any ``top`` up to theirs; a bigger ``top`` ("Load more") ranks again from the query as
        read (:meth:`_read`), without the sentence encoder. Treat the returned dict as read-only. A
        query the library refuses raises :class:`mtat.search.errors.SearchError` (HTTP 400)."""
        hit = self.cached_search(query, top, include_short, filters)
        if hit is not None:
            return hit
        n = self._top(top)
        key = self._search_key(query, include_short, filters)
        scored = score_query(self.catalog, key[0], self._read(key[0]), include_short=key[1])
        keep = self._keep(filters)
        named = self.names.find(key[0])
        if named:
            mask = np.zeros(len(self.catalog), bool)
            mask[list(named)] = True
            first = scored.hits(n, keep=mask if keep is None else mask & keep)
            songs = first + scored.hits(n - len(first), keep=~mask if keep is None else ~mask & keep)
        else:
            songs = scored.hits(n, keep=keep)
        result = scored.result(songs).to_dict()
        result["results"] = self._songs(result["results"], songs)
        result["profile"] = _profile_of(result)
        if named:
            for r in result["results"][:len(first)]:
                r["named"] = named[r["id"]]
            result["named"] = sum(scored.rows is None or not self.catalog.short[r] for r in named)  # candidates
        if key[2] is not None:
            result["filters"] = key[2].to_dict()
        result["complete"] = len(songs) < n  # every song that passes is listed: serves any top
        self._searches.put(key, result)
        return _public(result, n)

    def explicit_search(self, query: str | None, tags: str | None, like: str | None, top: Any = 10,
                        include_short: bool = False, filters: SongFilter | None = None) -> dict:
        """``/api/search`` with ``tags=`` (an explicit tag profile, :mod:`mtat.search.profile`) or ``like=``
        (more like catalog song ``like``, :mod:`mtat.search.like`): ``search --json``'s object with ids, and
        ``"profile"`` (the matched tags as ``tags=`` text); ``like=`` adds ``"like"``: :meth:`song_info`.
        Exactly one of ``query`` (non-blank), ``tags``, ``like`` may be given: :class:`BadRequest`; a bad
        profile is a :class:`mtat.search.errors.QueryError`, an unknown song a :class:`BadRequest` (both 400)."""
        given = [name for name, value in (("q", (query or "").strip() or None), ("tags", tags), ("like", like))
                 if value is not None]
        if len(given) != 1:
            raise BadRequest(f"give one of q, tags or like, not {' and '.join(given)}" if given
                             else "give q (words), tags (a tag profile) or like (a song id)")
        n = self._top(top)
        keep = self._keep(filters)
        if tags is not None:
            found = search_profile(self.catalog, tags, n, include_short=include_short, keep=keep)
            result = found.to_dict()
        else:
            try:
                i = self.row(like)
            except NotFound as err:
                raise BadRequest(f"like: {err}") from None
            found = search_like(self.catalog, i, n, include_short=include_short, keep=keep)
            result = found.to_dict()
            result["like"] = self.song_info(i)
            result["query"] = f"like:{self.shown_path(i)}"  # the library's query names its server path
        result["results"] = self._songs(result["results"], found.songs)
        result["profile"] = _profile_of(result)
        if keep is not None:
            result["filters"] = filters.to_dict()
        return result

    def tags(self) -> dict:
        """The catalog's tag names, in the catalog's order (what a ``tags=`` profile may name)."""
        return {"tags": list(self.catalog.tags)}

    def similar(self, song_id: Any, top: Any = 10, include_short: bool = False,
                filters: SongFilter | None = None) -> dict:
        """``similar --json``'s object for catalog song ``song_id`` (itself left out), results with ids;
        short songs left out unless ``include_short``; only songs passing ``filters``."""
        i = self.row(song_id)
        n = self._top(top)
        if self.catalog.embeddings is None:
            raise BadRequest(f"catalog {os.path.basename(self.catalog.source)} has no audio embeddings: "
                             "re-index it with `mtat-tagger index --reindex`")
        keep = self._keep(filters)
        songs = rank_similar(self.catalog, self.catalog.embeddings[i], n, exclude=i, include_short=include_short,
                             keep=keep)
        excluded = short_left_out(self.catalog, candidate_rows(self.catalog, include_short), [i])
        answer = {"file": self.shown_path(i), "id": i, "song": self.song_info(i),
                  "results": self._songs([s.to_dict() for s in songs], songs), "short_excluded": excluded}
        if keep is not None:
            answer["filters"] = filters.to_dict()
        return answer

    # -- model work -----------------------------------------------------------------------------
    def _need_model(self):
        if self.tagger is None:
            raise NoModel("this server runs without a model (start it with --model DIR): "
                          "tagging and taggrams are not available")
        return self.tagger

    def taggram(self, song_id: Any) -> dict:
        """The song's taggram (see :func:`taggram_json`), computed with the model once and cached."""
        i = self.row(song_id)
        cached = self._taggrams.get(i)
        if cached is not None:
            return cached
        path = self.audio_path(i)
        tagger = self._need_model()
        with self.gate.admit():
            try:
                pred = self.gate.run(lambda: one_path(tagger.predict_file(path, taggram=True,
                                                                          taggram_hop=taggram_hop(path))))
            except AudioError as err:
                raise AudioError(err.reason, str(err).replace(path, self.shown_path(i))) from None
        out = {"id": i, "path": self.shown_path(i), **taggram_json(pred, tagger.tags)}
        self._taggrams.put(i, out)
        return out

    def predict_file(self, path: str, shown: str, top: int = PREDICT_TOP, taggram: bool = False) -> dict:
        """``predict --json``'s object for the (uploaded) file ``path`` (with ``applies`` when the model
        has thresholds), named ``shown`` in the output and in errors; with ``taggram`` also ``"taggram"``.
        Call inside ``gate.admit()``.
        Raises :class:`mtat.audio.AudioError` (message naming ``shown``) for a file that is not audio."""
        tagger = self._need_model()
        try:
            pred = self.gate.run(lambda: one_path(tagger.predict_file(
                path, taggram=taggram, **({"taggram_hop": taggram_hop(path)} if taggram else {}))))
        except AudioError as err:
            raise AudioError(err.reason, str(err).replace(path, shown)) from None
        out = prediction_json(shown, tagger.tags, pred.probabilities, top, pred.duration, tagger.thresholds)
        if taggram:
            out["taggram"] = taggram_json(pred, tagger.tags)
        return out


K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """A thread-safe map of the ``size`` most recently used entries (least recently used dropped first)."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _public(answer: dict, n: int) -> dict:
    """A cached search ``answer`` as served: its first ``n`` results, without the cache's own keys."""
    out = {k: v for k, v in answer.items() if k != "complete"}
    out["results"] = answer["results"][:n]
    return out


def _profile_of(result: dict) -> str:
    """The ``tags=`` text of a search answer's matched tags (:func:`mtat.search.profile.format_profile`)."""
    return format_profile([TagMatch(m["tag"], m["similarity"], bool(m.get("negated"))) for m in result["matched_tags"]])


def taggram_hop(path: str) -> float:
    """The taggram hop for ``path``: the CLI's default, coarser for a long file (at most
    :data:`MAX_TAGGRAM_COLUMNS` columns). Raises :class:`mtat.audio.AudioError` for non-audio."""
    from mtat.audio import open_audio
    from mtat.tagging import TAGGRAM_HOP_SECONDS

    handle, _ = open_audio(path)
    try:
        seconds = handle.frames / float(handle.samplerate)
    finally:
        handle.close()
    return max(TAGGRAM_HOP_SECONDS, seconds / MAX_TAGGRAM_COLUMNS)


def taggram_json(pred, tags, n: int = TAGGRAM_TAGS) -> dict:
    """The ``n`` most probable tags over time, for drawing: ``{"tags", "probabilities" (clip level),
    "starts" (s), "window_seconds", "duration", "values" [tag][column]}``, values in 0..1. ``pred``
    comes through :func:`tagger_cli.taggram.one_path`: a short file's one column is its clip-level
    prediction, the numbers of the catalog and the result list."""
    order = np.argsort(-np.asarray(pred.probabilities), kind="stable")[:n]
    values = np.asarray(pred.window_probabilities)[:, order].T
    return {"tags": [tags[k] for k in order],
            "probabilities": [round(float(pred.probabilities[k]), 4) for k in order],
            "starts": [round(float(s), 3) for s in pred.window_starts],
            "window_seconds": round(float(pred.window_seconds), 3),
            "duration": round(float(pred.duration), 3),
            "values": np.round(values, 3).tolist()}
