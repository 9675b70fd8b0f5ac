"""Visible progress for LocalDagRunner runs: one line per component start/finish, with timings."""
from __future__ import annotations

import logging
import re
import sys
import time

_RUNNING = re.compile(r"Component (\S+) is running\.")
_FINISHED = re.compile(r"Component (\S+) is finished\.")
_CACHED = "A cached execution"


class ComponentProgress(logging.Filter):
    """A filter for the ``absl`` logger: prints component progress, lets warnings through, drops chatter.

    ``timings`` maps each finished component to its wall time in seconds.
    """

    def __init__(self, stream=None):
        super().__init__()
        self._stream = stream
        self.timings: dict[str, float] = {}
        self.cached: set[str] = set()
        self._current: str | None = None
        self._started = 0.0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return record.levelno >= logging.ERROR
        message = record.getMessage()
        if m := _RUNNING.match(message):
            self._current, self._started = m.group(1), time.time()
            print(f"[{time.strftime('%H:%M:%S')}] {self._current} ...", file=self._stream or sys.stdout, flush=True)
        elif message.startswith(_CACHED) and self._current:
            self.cached.add(self._current)
        elif m := _FINISHED.match(message):
            name = m.group(1)
            took = time.time() - self._started
            self.timings[name] = round(took, 1)
            note = " (cached)" if name in self.cached else ""
            print(f"[{time.strftime('%H:%M:%S')}] {name} done in {took:.1f} s{note}", file=self._stream or sys.stdout, flush=True)
        return False

    def install(self) -> ComponentProgress:
        """Attach to the ``absl`` logger (TFX logs component progress there)."""
        logger = logging.getLogger("absl")
        logger.setLevel(logging.INFO)
        # Transform and Keras call absl.logging.set_verbosity() mid-run, which would silence the
        # progress lines: pin this logger's level (the filter above decides what is shown).
        logger.setLevel = lambda level: None  # type: ignore[method-assign]
        for old in [f for f in logger.filters if isinstance(f, ComponentProgress)]:
            logger.removeFilter(old)
        logger.addFilter(self)
        return self
