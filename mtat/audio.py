"""Audio decoding with validation: any file -> mono float32 at the feature sample rate.

Every failure raises :class:`AudioError` with a readable reason (libsndfile's own messages
mislead: an empty file, a truncated MP3 and garbage bytes all claim the file "does not exist").
"""
from __future__ import annotations

import io
import os

import numpy as np

#: Formats soundfile (libsndfile 1.2) decodes without ffmpeg.
AUDIO_EXTENSIONS = (".mp3", ".wav", ".flac", ".ogg", ".oga", ".aiff", ".aif", ".au")


class AudioError(Exception):
    """A file that cannot be used as audio; ``reason`` is a short machine-friendly code."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def open_audio(path: str | os.PathLike):
    """Check and open ``path`` (local, or ``gs://``/``s3://`` read through tf.io.gfile) with soundfile.

    Returns ``(soundfile.SoundFile, size_in_bytes)``; the caller closes the handle. Raises
    :class:`AudioError` (``missing``, ``not_a_file``, ``empty``, ``undecodable``, ``no_samples``).
    """
    import soundfile as sf

    p = str(path)
    source: str | io.BytesIO = p
    if "://" in p:  # remote object store: read into memory through tf.io.gfile
        import tensorflow as tf

        if not tf.io.gfile.exists(p):
            raise AudioError("missing", f"file not found: {p}")
        with tf.io.gfile.GFile(p, "rb") as fh:
            source = io.BytesIO(fh.read())
        size = len(source.getvalue())
    else:
        if not os.path.exists(p):
            raise AudioError("missing", f"file not found: {p}")
        if not os.path.isfile(p):
            raise AudioError("not_a_file", f"not a regular file: {p}")
        size = os.path.getsize(p)
    if size == 0:
        raise AudioError("empty", f"empty file (0 bytes): {p}")
    try:
        handle = sf.SoundFile(source)
    except (RuntimeError, sf.LibsndfileError, TypeError, ValueError):
        # libsndfile's own message ("File does not exist or is not a regular file") misleads here.
        raise AudioError("undecodable", f"not decodable as audio ({size} bytes, {_magic(source)}): {p}") from None
    if handle.samplerate <= 0:
        handle.close()
        raise AudioError("no_samples", f"no sample rate in the header ({size} bytes): {p}")
    return handle, size


def read_audio(path: str | os.PathLike, max_seconds: float | None = None) -> tuple[np.ndarray, int]:
    """Decode ``path`` to a mono float32 waveform at the file's own rate.

    Reads at most ``max_seconds`` (bounded memory for very long files). Raises
    :class:`AudioError` for missing, empty, undecodable or zero-length audio.
    """
    import soundfile as sf

    handle, size = open_audio(path)
    with handle as f:
        rate = int(f.samplerate)
        frames = -1 if max_seconds is None else int(round(max_seconds * rate))
        try:
            data = f.read(frames=frames, dtype="float32", always_2d=True)
        except (RuntimeError, sf.LibsndfileError, TypeError, ValueError):
            raise AudioError("undecodable", f"decoding failed ({size} bytes): {path}") from None
    if data.shape[0] == 0:
        raise AudioError("no_samples", f"decoded to 0 samples ({size} bytes): {path}")
    mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    if not np.all(np.isfinite(mono)):
        raise AudioError("non_finite", f"decoded samples contain NaN/Inf: {path}")
    return np.ascontiguousarray(mono, dtype=np.float32), rate


def _magic(source: "str | io.BytesIO") -> str:
    """A short description of a file's first bytes, for error messages."""
    try:
        if isinstance(source, io.BytesIO):
            head = source.getvalue()[:4]
        else:
            with open(source, "rb") as f:
                head = f.read(4)
    except OSError:
        return "unreadable"
    return "starts with " + (repr(head) if head else "nothing")


def resample(waveform: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Resample a mono waveform with soxr HQ (the project's one resampler)."""
    if rate_in == rate_out:
        return np.asarray(waveform, dtype=np.float32)
    import soxr

    return soxr.resample(waveform, rate_in, rate_out, quality="HQ").astype(np.float32, copy=False)


def load_audio(
    path: str | os.PathLike,
    sample_rate: int,
    *,
    min_seconds: float = 0.0,
    max_seconds: float | None = None,
) -> np.ndarray:
    """Decode, downmix and resample ``path`` to mono float32 at ``sample_rate``.

    Raises :class:`AudioError` (reason ``too_short``) when the decoded audio is shorter than
    ``min_seconds``: a truncated MP3 decodes *without error* to a shorter signal.
    """
    mono, rate = read_audio(path, max_seconds=max_seconds)
    seconds = mono.shape[0] / rate
    if seconds < min_seconds:
        raise AudioError(
            "too_short", f"decoded only {seconds:.2f} s (< {min_seconds:.2f} s required; truncated?): {path}"
        )
    return resample(mono, rate, sample_rate)
