"""AudioExampleGen's DoFn with a completion timestamp per clip (for in-run steady-state throughput).

``use_timed_dofn(stamp_dir)`` swaps ``transforms.ExtractFeaturesDoFn`` for this subclass before the
executor builds its pipeline; the subclass is importable by multi-processing workers (they get
``PYTHONPATH`` and ``BENCH_STAMPS`` from the environment). Each worker process appends
``time.time()`` and the thread id after every clip to ``<stamp_dir>/<pid>.txt`` (one buffered write per clip, ~µs).
From the stamps: time to the first clip (start-up), the steady-state rate while every worker is
busy, and the tail after the last clip (finalising the files).
"""
from __future__ import annotations

import glob
import os
import threading
import time

from components.audio_example_gen import transforms

ENV = "BENCH_STAMPS"


class TimedExtractFeaturesDoFn(transforms.ExtractFeaturesDoFn):
    def setup(self) -> None:
        super().setup()
        stamp_dir = os.environ.get(ENV)
        self._stamps = open(os.path.join(stamp_dir, f"{os.getpid()}.txt"), "a", buffering=1) if stamp_dir else None

    def process(self, record):
        yield from super().process(record)
        if self._stamps is not None:
            self._stamps.write(f"{time.time():.6f} {threading.get_ident()}\n")

    def teardown(self) -> None:
        if getattr(self, "_stamps", None) is not None:
            self._stamps.close()


def use_timed_dofn(stamp_dir: str) -> None:
    os.makedirs(stamp_dir, exist_ok=True)
    for f in glob.glob(os.path.join(stamp_dir, "*.txt")):
        os.remove(f)
    os.environ[ENV] = stamp_dir
    transforms.ExtractFeaturesDoFn = TimedExtractFeaturesDoFn


def read_stamps(stamp_dir: str) -> dict:
    """Completion stamps of a run: ``times`` (sorted), ``workers`` (processes) and ``threads``
    ((process, thread) streams) that produced clips, and ``steady_rate``: clips/s while every
    stream was busy (from the last stream's first clip to the first stream's last clip), or over
    the middle 80% of the clips when there is one stream or no such overlap worth measuring."""
    streams: dict[tuple[str, str], list[float]] = {}
    for f in glob.glob(os.path.join(stamp_dir, "*.txt")):
        with open(f) as fh:
            for line in fh:
                parts = line.split()
                if parts:
                    streams.setdefault((f, parts[1] if len(parts) > 1 else ""), []).append(float(parts[0]))
    times = sorted(t for ts in streams.values() for t in ts)
    out = {"times": times, "workers": len({f for f, _ in streams}), "threads": len(streams), "steady_rate": None}
    if len(times) < 5:
        return out
    lo_t, hi_t = max(min(ts) for ts in streams.values()), min(max(ts) for ts in streams.values())
    inside = sum(lo_t < t <= hi_t for t in times)
    if len(streams) > 1 and inside >= max(10, len(times) // 4) and hi_t > lo_t:
        out["steady_rate"] = inside / (hi_t - lo_t)
    else:
        lo, hi = int(0.1 * (len(times) - 1)), int(0.9 * (len(times) - 1))
        if times[hi] > times[lo]:
            out["steady_rate"] = (hi - lo) / (times[hi] - times[lo])
    return out
