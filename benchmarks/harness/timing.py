"""Timing a region, fitting start-up and throughput, ratios, and TF's thread pools for a fair timing."""
from __future__ import annotations

import time
from collections.abc import Sequence


class Stopwatch:
    """``with Stopwatch() as sw: ...; sw.seconds``."""

    def __enter__(self) -> Stopwatch:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start


def fit_line(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares ``seconds = startup + n / rate`` through ``(n, seconds)``: returns (startup s, rate /s)."""
    if len(points) < 2:
        raise ValueError("need two sizes to separate start-up from throughput")
    ns = [p[0] for p in points]
    ts = [p[1] for p in points]
    mn, mt = sum(ns) / len(ns), sum(ts) / len(ts)
    sxx = sum((n - mn) ** 2 for n in ns)
    slope = sum((n - mn) * (t - mt) for n, t in zip(ns, ts)) / sxx
    startup = mt - slope * mn
    rate = 1.0 / slope if slope > 0 else float("inf")
    return startup, rate


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def tf_threads(n: int | None) -> None:
    """Limit TF's inter- and intra-op pools (call before TF runs anything); None keeps defaults."""
    if n is None:
        return
    import tensorflow as tf

    tf.config.threading.set_inter_op_parallelism_threads(n)
    tf.config.threading.set_intra_op_parallelism_threads(n)
