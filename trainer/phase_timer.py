"""Wall-clock seconds of the Trainer's phases (stats, tag vectors, build, fit, export) and epochs.

Each phase is logged as it ends, and the summary line at the end tells a user where the
Trainer's time went; the same figures are written as ``trainer_timing.json`` in the model-run
folder (``benchmarks/trainer_400.py`` reads them).
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

import tensorflow as tf

log = logging.getLogger(__name__)

TIMING_FILE = "trainer_timing.json"


class EpochSeconds(tf.keras.callbacks.Callback):
    """Appends each epoch's wall seconds (its training steps + validation) to ``seconds``."""

    def __init__(self, seconds: list[float]):
        super().__init__()
        self.seconds = seconds
        self._start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


class PhaseTimer:
    """Times named phases (``with timer.phase("fit"):``) and epochs (:meth:`epoch_callback`)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.epoch_seconds: list[float] = []
        self._start = time.perf_counter()

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Add the wall time of the ``with`` body to phase ``name`` and log it."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            log.info("trainer phase %s: %.1f s", name, self.seconds[name])

    def epoch_callback(self) -> tf.keras.callbacks.Callback:
        """A Keras callback recording each epoch's wall seconds into :attr:`epoch_seconds`."""
        return EpochSeconds(self.epoch_seconds)

    def summary(self) -> dict[str, Any]:
        """Phases, epochs run, per-epoch seconds and the seconds since the timer was made."""
        return {"phases": {k: round(v, 2) for k, v in self.seconds.items()},
                "epochs": len(self.epoch_seconds), "epoch_seconds": [round(s, 2) for s in self.epoch_seconds],
                "total": round(time.perf_counter() - self._start, 2)}

    def write(self, directory: str) -> dict[str, Any]:
        """Log the summary line, write it as ``TIMING_FILE`` in ``directory`` and return it."""
        s = self.summary()
        later = s["epoch_seconds"][1:]
        log.info("trainer: %.1f s in total (%s); %d epochs, the first %.1f s, then %.1f s each", s["total"],
                 ", ".join(f"{k} {v:.1f} s" for k, v in s["phases"].items()), s["epochs"],
                 s["epoch_seconds"][0] if s["epochs"] else 0.0, sum(later) / len(later) if later else 0.0)
        tf.io.gfile.makedirs(directory)
        with tf.io.gfile.GFile(os.path.join(directory, TIMING_FILE), "w") as f:
            f.write(json.dumps(s, indent=1))
        return s
