"""Text embeddings for matching: a memo of recent query texts and the on-disk cache of alias vectors.

The encoder maps a list of texts to L2-normalised embeddings (default: the all-MiniLM-L6-v2
:class:`~mtat.text_embedding.TextEncoder`, loaded on first use). The ~5,500 concept alias vectors
are computed once per encoder model and kept in an on-disk store of text vectors (:func:`cache_dir`;
a text is encoded once, whatever list it comes in), and each alias list's :func:`hubness` (each
alias's mean cosine to its nearest other aliases) is cached beside it.
"""
from __future__ import annotations

import collections
import hashlib
import os
import threading
from collections.abc import Callable, Iterable

import numpy as np

#: Query texts whose embeddings an embedder remembers, and the longest list :meth:`Embedder.encode`
#: caches (longer ones are the vocabulary's aliases, cached on disk instead).
TEXT_CACHE, TEXT_CACHE_BATCH = 1024, 4
#: Where the concept alias embeddings are cached (override with MTAT_TAGGER_CACHE).
CACHE_ENV = "MTAT_TAGGER_CACHE"
#: Texts per encoder call when embedding the vocabulary.
CHUNK = 64
#: What a long encoding job is called for a progress display.
PROGRESS_LABEL = "embedding the search vocabulary (once)"

Encode = Callable[[list[str]], np.ndarray]
#: ``progress(chunks, total, label)`` wraps the iterable of text chunks (e.g. in a progress bar).
Progress = Callable[[Iterable, int, str], Iterable]


def cache_dir() -> str:
    """Folder for the cached concept embeddings (``$MTAT_TAGGER_CACHE`` or ``~/.cache/mtat-tagger``)."""
    return os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "mtat-tagger")


class Embedder:
    """``encode`` with a memo of recent texts; ``encode_cached`` with a disk cache for the default encoder."""

    def __init__(self, encode: Encode | None = None, progress: Progress | None = None):
        self._encode = encode
        self._progress = progress
        self._cache: collections.OrderedDict[str, np.ndarray] = collections.OrderedDict()
        self._cache_lock = threading.Lock()

    def model_dir(self) -> str | None:
        """The folder of the encoder's model when it names one (a TextEncoder's bound ``encode``)."""
        return getattr(getattr(self._encode, "__self__", None), "model_dir", None)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeddings of ``texts``; short lists (a query's texts) are remembered (:data:`TEXT_CACHE`
        most recent), so the joint route's text, encoded together with the concept route's, is
        not encoded a second time."""
        if self._encode is None:
            from mtat.text_embedding import TextEncoder

            self._encode = TextEncoder.load().encode
        texts = list(texts)
        if len(texts) > TEXT_CACHE_BATCH:
            return np.asarray(self._encode(texts), dtype=np.float32)
        with self._cache_lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vecs = np.asarray(self._encode(missing), dtype=np.float32)
            found.update(zip(missing, vecs))
            with self._cache_lock:
                self._cache.update(zip(missing, vecs))
                while len(self._cache) > TEXT_CACHE:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, 0), np.float32)

    def english_words(self) -> frozenset[str]:
        """The whole words of the text encoder's vocabulary (empty when it is not at hand)."""
        from mtat.text_embedding import TextEncoderError, vocabulary_words

        try:
            return vocabulary_words(self.model_dir())
        except TextEncoderError:
            return frozenset()  # no vocabulary at hand: correct as before

    def _model_key(self) -> str | None:
        """A short key of the encoder model's folder (None: a caller's encoder we cannot name, no
        disk cache)."""
        owner = getattr(self._encode, "__self__", None)  # a TextEncoder's bound encode names its model
        if self._encode is not None and not isinstance(getattr(owner, "model_dir", None), str):
            return None
        if owner is not None:
            model_dir = owner.model_dir
        else:
            from mtat.text_embedding import default_model_dir

            model_dir = default_model_dir()
        return hashlib.sha256(os.path.realpath(model_dir).encode()).hexdigest()[:20]

    def encode_cached(self, texts: list[str]) -> np.ndarray:
        """Embeddings of many texts through the on-disk store of the encoder model's text vectors.

        The store (``text_vectors_<model>.npz``) keeps every text it was asked for, whatever list it
        came in: only texts it does not hold yet are encoded (and added), so any model's vocabulary
        (its tags, in any order) is served by what the install or an earlier run embedded."""
        model = self._model_key()
        if model is None:
            return self.encode(texts)
        path = os.path.join(cache_dir(), f"text_vectors_{model}.npz")
        known, vecs = _load_store(path)
        row = {t: i for i, t in enumerate(known)}
        missing = sorted(set(texts) - row.keys())
        if missing:
            new = self._encode_chunks(missing)
            vecs = new if not known else np.concatenate([vecs, new.astype(vecs.dtype)])
            known = known + missing
            row.update((t, len(known) - len(missing) + i) for i, t in enumerate(missing))
            _save_store(path, known, vecs)
        return vecs[[row[t] for t in texts]]

    def hubness_cached(self, texts: list[str], vecs: np.ndarray, k: int) -> np.ndarray:
        """:func:`hubness` of the embeddings ``vecs`` of ``texts``, cached on disk per model and set of
        texts (in sorted order, so one file serves any order of the same texts)."""
        order = sorted(range(len(texts)), key=texts.__getitem__)
        back = np.empty(len(texts), np.int64)
        back[order] = np.arange(len(texts))
        return self.array_cached("concept_hubness", [texts[i] for i in order], f"_k{k}", len(texts),
                                 lambda: hubness(vecs[order], k))[back]

    def array_cached(self, name: str, texts: list[str], suffix: str, rows: int,
                     compute: Callable[[], np.ndarray]) -> np.ndarray:
        """``compute()``, an array of ``rows`` rows derived from the embeddings of ``texts`` (in this
        order), cached on disk per encoder model, ``texts`` and ``name`` + ``suffix`` (no cache for a
        caller's encoder we cannot name)."""
        model = self._model_key()
        if model is None:
            return compute()
        key = hashlib.sha256("\n".join([model, *texts]).encode()).hexdigest()[:20]
        return _disk_cached(os.path.join(cache_dir(), f"{name}_{key}{suffix}.npy"), rows, compute)

    def _encode_chunks(self, texts: list[str]) -> np.ndarray:
        chunks: Iterable[list[str]] = [texts[i:i + CHUNK] for i in range(0, len(texts), CHUNK)]
        n = len(chunks)
        if self._progress is not None:
            chunks = self._progress(chunks, n, PROGRESS_LABEL)
        return np.concatenate([self.encode(c) for c in chunks]) if n else np.zeros((0, 0), np.float32)


def hubness(vecs: np.ndarray, k: int) -> np.ndarray:
    """Each row's mean cosine with its ``k`` nearest other rows (L2-normalised rows), ``[n]``: a
    *hub* (a generic text such as "sad music") is close to many others and so to many queries."""
    n = len(vecs)
    k = min(k, n - 1)
    out = np.zeros(n, np.float32)
    if k < 1:
        return out
    for start in range(0, n, 1024):
        sims = vecs[start:start + 1024] @ vecs.T
        sims[np.arange(len(sims)), np.arange(start, start + len(sims))] = -np.inf  # not itself
        out[start:start + len(sims)] = np.partition(sims, n - k, axis=1)[:, n - k:].mean(axis=1)
    return out


def _load_store(path: str) -> tuple[list[str], np.ndarray]:
    """``(texts, vectors)`` of a text-vector store (empty when absent or unreadable)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            texts, vecs = [str(t) for t in z["texts"]], np.asarray(z["vectors"])
        if len(texts) == len(vecs):
            return texts, vecs
    except (OSError, ValueError, KeyError):
        pass
    return [], np.zeros((0, 0), np.float32)


def _save_store(path: str, texts: list[str], vecs: np.ndarray) -> None:
    """Write a text-vector store atomically (a read-only home: nothing, recomputed next time)."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp.npz"
        np.savez(tmp, texts=np.asarray(texts, dtype=str), vectors=vecs)
        os.replace(tmp, path)
    except OSError:
        pass


def _disk_cached(path: str, rows: int, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """The array at ``path`` when it has ``rows`` rows, else ``compute()`` written there."""
    try:
        arr = np.load(path)
        if arr.shape[0] == rows:
            return arr
    except (OSError, ValueError):
        pass
    arr = compute()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp.npy"
        np.save(tmp, arr)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: recompute next time
    return arr
