"""The text encoder (all-MiniLM-L6-v2 on ONNX Runtime): reproduces sentence-transformers, batches, runs offline
and in a forked process."""
from __future__ import annotations

import socket

import numpy as np
import pytest

CALM = {"ambient", "quiet", "soft", "calm", "new age", "slow"}
LOUD = {"loud", "metal", "rock", "fast"}


# ------------------------------------------------------------------------------------------
# text encoder


@pytest.fixture(scope="module")
def encoder():
    from mtat.text_embedding import TextEncoder

    return TextEncoder.load()


def test_encoder_reproduces_sentence_transformers(encoder):
    hello = encoder.encode(["hello world"])[0]
    assert hello.shape == (384,)
    np.testing.assert_allclose(hello[:3], [-0.034477, 0.031023, 0.006735], atol=5e-5)
    assert abs(float(np.linalg.norm(hello)) - 1.0) < 1e-5
    a, b = encoder.encode(["a man is eating food", "a man is eating a piece of bread"])
    assert abs(float(a @ b) - 0.738) <= 0.002


def test_encoder_batches_like_single_texts_and_truncates_at_256(encoder):
    texts = ["piano", "a song with soft, gentle, mellow, relaxing", "x " * 40, "rainy night music"]
    together = encoder.encode(texts)
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    ids, _, mask = encoder.tokenize(["word " * 1000])
    assert ids.shape == (1, 256) and mask.sum() == 256  # sentence-transformers' max_seq_length, not 128
    assert encoder.encode([]).shape == (0, 384)


def test_concurrent_callers_are_encoded_together_and_get_their_own_vectors(encoder, monkeypatch):
    """Group commit: threads that call encode() while the model runs are batched into the next pass;
    each gets exactly its own texts' vectors, and a failing text fails only its own caller."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    texts = [[f"song number {i} with {w}"] for i, w in enumerate(["harp", "drums", "sitar", "choir"] * 6)]
    texts[5] = ["boom", "a second text"]
    alone = {tuple(t): encoder.encode(t) for t in texts if t[0] != "boom"}
    passes, real = [], encoder._encode_now
    slow = threading.Event()  # never set: a 0.3 s pause per pass

    def encode_now(batch, batch_size):
        passes.append(len(batch))
        slow.wait(0.3)  # each pass is slow, so that the other callers queue behind it
        if "boom" in batch:
            raise ValueError("bad text")
        return real(batch, batch_size)

    monkeypatch.setattr(encoder, "_encode_now", encode_now)

    def call(t):
        try:
            return encoder.encode(t)
        except ValueError as err:
            return err

    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(call, texts))
    assert isinstance(results[5], ValueError)
    for t, got in zip(texts, results):
        if t[0] != "boom":
            np.testing.assert_allclose(got, alone[tuple(t)], atol=1e-5)
    assert max(passes) > 2, passes  # some pass carried several callers' texts (each has at most 2)


def test_encoder_loads_and_runs_without_network(monkeypatch):
    from mtat import text_embedding

    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    text_embedding._load_cached.cache_clear()  # really load the files under the patch
    try:
        enc = text_embedding.TextEncoder.load()
        assert enc.encode(["offline"]).shape == (1, 384)
    finally:
        text_embedding._load_cached.cache_clear()




def test_encoder_works_in_a_forked_process(encoder):
    """A process forked after the encoder loaded (a server's or a pipeline's worker) runs the parent's
    runtime session and encodes the same vectors."""
    import multiprocessing

    texts = ["rainy night music", "a song with harp"]
    here = encoder.encode(texts)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        there = pool.apply(_encode_in_child, (texts,))
    np.testing.assert_allclose(there, here, atol=1e-5)


def _encode_in_child(texts: list[str]) -> np.ndarray:
    from mtat.text_embedding import TextEncoder

    return TextEncoder.load()._encode_now(texts, 16)  # past the memo: a real forward pass in the child


def test_the_built_graph_is_kept_and_a_damaged_or_unwritable_one_is_not_used(tmp_path, monkeypatch):
    """The encoder's graph is built once into the cache folder and read from there by the next load;
    a damaged file is built again, and a cache folder that cannot be written is not needed."""
    import os

    from mtat import text_embedding

    monkeypatch.setenv("MTAT_TAGGER_CACHE", str(tmp_path / "cache"))
    model_dir = text_embedding.default_model_dir()
    first = text_embedding.TextEncoder(model_dir)
    path = first.graph_cache_path()
    assert os.path.dirname(path) == str(tmp_path / "cache") and os.path.getsize(path) > 80e6
    want = first.encode(["offline"])
    build = text_embedding.TextEncoder._graph
    with monkeypatch.context() as m:  # the next load reads the file: nothing is built
        m.setattr(text_embedding.TextEncoder, "_graph", lambda self: pytest.fail("built again"))
        np.testing.assert_allclose(text_embedding.TextEncoder(model_dir).encode(["offline"]), want, atol=1e-6)
    with open(path, "wb") as f:
        f.write(b"not an onnx graph")
    np.testing.assert_allclose(text_embedding.TextEncoder(model_dir).encode(["offline"]), want, atol=1e-6)
    assert os.path.getsize(path) > 80e6  # built again
    (tmp_path / "a_file").write_text("")
    monkeypatch.setenv("MTAT_TAGGER_CACHE", str(tmp_path / "a_file"))  # no folder can be made there
    enc = text_embedding.TextEncoder(model_dir)
    assert build is text_embedding.TextEncoder._graph and not os.path.isdir(tmp_path / "a_file")
    np.testing.assert_allclose(enc.encode(["offline"]), want, atol=1e-6)
