"""The window rule for audio of any length, as a stream (bounded memory).

Model windows start at ``0, W, 2W, ...`` while they fit; one more window aligned to the end of the
audio is added when the last regular one did not reach it; audio shorter than a window is one window
filled by repeating the audio (:func:`fill_window`), not by silence: a 4-s sound padded with 25 s of
zeros reads as quiet, slow and soft (sound effects of 3-7 s got P(quiet) 0.66 on average, 0.19 repeated).
The served SavedModel applies the same rule inside its graph (``trainer.models.chunk_starts``,
``trainer.export.fill_windows``); tests check the two agree. (Training examples are the collection's
~29-s clips, fitted to the window by :func:`mtat.features.fit_to_clip`.)

The rule has a floor: audio shorter than :data:`MIN_RELIABLE_SECONDS` is tagged (its window filled like
any short file's) but its tags are unreliable; :func:`is_short` is the one test of it (``predict`` warns,
``index`` flags the song ``short``, searches leave flagged songs out unless asked).
"""
from __future__ import annotations

import math

import numpy as np

#: Shortest audio, in seconds, whose tags are reliable: 3 s, one full analysis window. The model
#: learns from 29.12 s clips and hears them through windows of a few seconds (a receptive field of
#: ~3.6 s for the FCN presets; ``strong`` learns from 3.75 s chunks); the taggram's unit of "what the
#: model hears" is a 3 s segment (:data:`mtat.tagging.TAGGRAM_SEGMENT_SECONDS`). Shorter audio fills
#: not even one such window: the served window is one fragment repeated ten times or more, nothing
#: like the music the model learnt from (padded with silence instead, sound effects of 0.015-2 s got
#: quiet / slow / soft ~0.9 and classical ~0.5 and topped the searches "quiet" and "classical" above
#: real music). From 3 s on, the file's own sound fills at least one whole analysis window.
MIN_RELIABLE_SECONDS = 3.0


def fill_window(wave: np.ndarray, length: int) -> np.ndarray:
    """``wave`` as exactly ``length`` samples: cropped when longer, repeated from its start when shorter
    (the window rule for short audio); an empty wave gives zeros."""
    wave = np.asarray(wave, np.float32).reshape(-1)
    if wave.size == 0:
        return np.zeros(length, np.float32)
    return np.resize(wave, length)


def is_short(duration_seconds: float | None) -> bool:
    """Whether audio of ``duration_seconds`` is below :data:`MIN_RELIABLE_SECONDS` (its tags are
    unreliable). An unknown duration (None, NaN: catalogs that did not measure it) is not short."""
    return bool(are_short(np.array([math.nan if duration_seconds is None else float(duration_seconds)]))[0])


def are_short(durations: np.ndarray) -> np.ndarray:
    """:func:`is_short` of every duration (NaN: unknown, not short), ``[n]`` bool."""
    d = np.asarray(durations, np.float64)
    return ~np.isnan(d) & (d < MIN_RELIABLE_SECONDS)


def short_warning(duration_seconds: float) -> str:
    """The one-line warning for short audio: ``"1.00 s of audio: tags are unreliable below 3 s"``."""
    return f"{float(duration_seconds):.2f} s of audio: tags are unreliable below {MIN_RELIABLE_SECONDS:g} s"


class Windower:
    """Cuts a sample stream into windows of ``length`` every ``hop`` samples, keeping a small buffer.

    Regular windows start at ``0, hop, 2 hop, ...`` while they fit; at the end one more window
    aligned to the end of the stream is added if the last one did not reach it (the served
    windowing when ``hop == length``). A stream shorter than ``length`` gives one short window
    (the caller fills it, :func:`fill_window`).
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
