"""The streaming window rule (mtat.windows) equals the served model's in-graph rule (trainer.models)."""
from __future__ import annotations

import numpy as np
import pytest

from mtat.windows import Windower


def _stream_windows(n: int, length: int, hop: int, rng: np.random.Generator) -> list[tuple[int, np.ndarray]]:
    signal = np.arange(n, dtype=np.float32)
    windower = Windower(length, hop)
    out = []
    pos = 0
    while pos < n:  # feed random block sizes, as a decoder would
        step = int(rng.integers(1, 3 * length))
        out += windower.feed(signal[pos:pos + step])
        pos += step
    return out + windower.finish()


@pytest.mark.parametrize("n", [1, 99, 100, 101, 250, 300, 1234])
def test_served_windows_match_the_graph_rule(n):
    from trainer.models import chunk_starts

    length = 100
    got = _stream_windows(n, length, length, np.random.default_rng(n))
    expected = chunk_starts(max(n, length), length).numpy().tolist() if n >= length else [0]
    assert [start for start, _ in got] == expected
    for start, window in got:  # each window holds exactly its samples (a short stream: all of them)
        np.testing.assert_array_equal(window, np.arange(start, min(start + length, n), dtype=np.float32))


def test_overlapping_windows_cover_the_end():
    got = _stream_windows(1000, 300, 150, np.random.default_rng(0))
    starts = [s for s, _ in got]
    assert starts[:6] == [0, 150, 300, 450, 600, 700]
    assert all(w.size == 300 for _, w in got)


@pytest.mark.parametrize("n", [1, 7, 99, 100, 101, 250])
def test_short_audio_fills_its_window_by_repeating_in_numpy_and_in_the_graph(n):
    import tensorflow as tf

    from mtat.windows import fill_window
    from trainer.export import fill_windows

    length = 100
    wave = np.arange(1, n + 1, dtype=np.float32)
    got = fill_window(wave, length)
    assert got.shape == (length,) and got.dtype == np.float32
    assert not np.any(got == 0)  # never silence
    np.testing.assert_array_equal(got, np.tile(wave, -(-length // n))[:length])
    graph = fill_windows(tf.constant(np.stack([wave, -wave])), length).numpy()
    if n < length:
        np.testing.assert_array_equal(graph[0], got)
        np.testing.assert_array_equal(graph[1], -got)
    else:  # long enough: left to the window rule
        np.testing.assert_array_equal(graph[0], wave)
    np.testing.assert_array_equal(fill_window(np.zeros(0), 5), np.zeros(5))
