"""The window rule for audio of any length, as a stream (bounded memory).

Model windows start at ``0, W, 2W, ...`` while they fit; one more window aligned to the end of the
audio is added when the last regular one did not reach it; audio shorter than a window is one short
window (zero-padded by the caller). The served SavedModel applies the same rule inside its graph
(``trainer.models.chunk_starts``); tests check the two agree.
"""
from __future__ import annotations

import numpy as np


class Windower:
    """Cuts a sample stream into windows of ``length`` every ``hop`` samples, keeping a small buffer.

    Regular windows start at ``0, hop, 2 hop, ...`` while they fit; at the end one more window
    aligned to the end of the stream is added if the last one did not reach it (the served
    windowing when ``hop == length``). A stream shorter than ``length`` gives one short window
    (the caller pads or tiles it).
    """

    def __init__(self, length: int, hop: int):
        self.length, self.hop = int(length), int(hop)
        self.buf = np.zeros(0, np.float32)
        self.offset = 0  # stream index of buf[0]
        self.total = 0
        self.next = 0  # start of the next regular window
        self.covered = 0  # end of the last window handed out
        self.count = 0

    def feed(self, chunk: np.ndarray) -> list[tuple[int, np.ndarray]]:
        self.buf = np.concatenate([self.buf, chunk]) if self.buf.size else np.asarray(chunk, np.float32)
        self.total += len(chunk)
        out = []
        while self.next + self.length <= self.total:
            i = self.next - self.offset
            out.append((self.next, self.buf[i:i + self.length].copy()))
            self.covered, self.next, self.count = self.next + self.length, self.next + self.hop, self.count + 1
        keep = max(self.offset, min(self.next, self.total - self.length))
        if keep > self.offset:
            self.buf = self.buf[keep - self.offset:]
            self.offset = keep
        return out

    def finish(self) -> list[tuple[int, np.ndarray]]:
        if self.total == 0:
            return []
        if self.count == 0:
            return [(0, self.buf.copy())]
        if self.covered < self.total:
            start = self.total - self.length
            return [(start, self.buf[start - self.offset:].copy())]
        return []
