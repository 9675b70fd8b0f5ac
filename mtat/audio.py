"""Audio decoding with validation: any file -> mono float32 at the feature sample rate.

Every failure raises :class:`AudioError` with a readable reason (libsndfile's own messages
mislead: an empty file, a truncated MP3 and garbage bytes all claim the file "does not exist").
The format is recognised from the content, never from the name (a WAV or FLAC named ``.mp3``
decodes). Samples are read in bounded blocks and downmixed block by block, so memory never
depends on what a (possibly hostile) header claims about the length or channel count.
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterator

import numpy as np

#: Formats soundfile (libsndfile 1.2) decodes without ffmpeg (".opus": Ogg Opus, libsndfile >= 1.0.29).
AUDIO_EXTENSIONS = (".mp3", ".wav", ".flac", ".ogg", ".oga", ".opus", ".aiff", ".aif", ".au")
#: Sample rates accepted from a file header (below: not audio; above: no real recording).
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 1_000, 768_000
#: Most bytes of interleaved float32 samples one libsndfile read may produce.
READ_BLOCK_BYTES = 8 << 20
#: Largest accepted |sample| (+80 dB over full scale): beyond, a float file is not audio, and its
#: spectrogram power would overflow float32 to Inf.
MAX_ABS_SAMPLE = 1e4


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
    Local names are passed to libsndfile as bytes, so names that are not valid UTF-8 open too.
    """
    import soundfile as sf

    p = os.fspath(path)
    source: str | bytes | io.BytesIO
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
        source = os.fsencode(p)
    if size == 0:
        raise AudioError("empty", f"empty file (0 bytes): {p}")
    try:
        handle = sf.SoundFile(source)
    except (RuntimeError, sf.LibsndfileError, TypeError, ValueError):
        # libsndfile's own message ("File does not exist or is not a regular file") misleads here.
        raise AudioError("undecodable", f"not decodable as audio ({size} bytes, {_magic(source)}): {p}") from None
    rate, channels = int(handle.samplerate), int(handle.channels)
    if not MIN_SAMPLE_RATE <= rate <= MAX_SAMPLE_RATE or channels < 1:
        handle.close()
        raise AudioError("undecodable", f"implausible header: {rate} Hz, {channels} channel(s) "
                                        f"(accepted {MIN_SAMPLE_RATE}-{MAX_SAMPLE_RATE} Hz): {p}")
    return handle, size


def mono_blocks(handle, path: str | os.PathLike, *, block_frames: int | None = None,
                max_frames: int | None = None) -> Iterator[np.ndarray]:
    """Decode an open soundfile handle into mono float32 blocks (channels averaged); closes it.

    A block has at most ``block_frames`` frames and at most :data:`READ_BLOCK_BYTES` of
    interleaved samples; at most ``max_frames`` frames are read in all. The length comes from
    decoding, not from the header (a truncated MP3's header still claims the full length).
    Raises :class:`AudioError` ``undecodable`` (a read failed), ``non_finite`` (NaN/Inf samples),
    ``out_of_range`` (a sample beyond :data:`MAX_ABS_SAMPLE`) or ``no_samples`` (nothing decoded).
    """
    import soundfile as sf

    rate = int(handle.samplerate)
    step = max(1, READ_BLOCK_BYTES // (4 * int(handle.channels)))
    if block_frames is not None:
        step = max(1, min(step, int(block_frames)))
    left = -1 if max_frames is None else int(max_frames)
    got = 0
    with handle:
        while left != 0:
            n = step if left < 0 else min(step, left)
            try:
                data = handle.read(frames=n, dtype="float32", always_2d=True)
            except (RuntimeError, sf.LibsndfileError, TypeError, ValueError):
                raise AudioError("undecodable", f"decoding failed after {got / rate:.1f} s: {path}") from None
            if data.shape[0] == 0:
                break
            got += data.shape[0]
            left = -1 if left < 0 else left - data.shape[0]
            mono = data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0]
            peak = float(np.max(np.abs(mono)))  # NaN or Inf if any sample is
            if not np.isfinite(peak):
                raise AudioError("non_finite", f"decoded samples contain NaN/Inf: {path}")
            if peak > MAX_ABS_SAMPLE:
                raise AudioError("out_of_range", f"sample values up to {peak:.3g} (accepted |x| <= "
                                                 f"{MAX_ABS_SAMPLE:g}): not audio: {path}")
            yield np.ascontiguousarray(mono, dtype=np.float32)
    if got == 0:
        raise AudioError("no_samples", f"decoded to 0 samples: {path}")


def read_audio(path: str | os.PathLike, max_seconds: float | None = None) -> tuple[np.ndarray, int]:
    """Decode ``path`` to a mono float32 waveform at the file's own rate.

    Reads at most ``max_seconds`` (bounded memory for very long files). Raises
    :class:`AudioError` for missing, empty, undecodable or zero-length audio.
    """
    handle, _ = open_audio(path)
    rate = int(handle.samplerate)
    max_frames = None if max_seconds is None else int(round(max_seconds * rate))
    blocks = list(mono_blocks(handle, path, max_frames=max_frames))
    mono = blocks[0] if len(blocks) == 1 else np.concatenate(blocks)
    return mono, rate


def _magic(source: str | bytes | io.BytesIO) -> str:
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


#: Seconds of input audio per libsndfile read in :func:`stream_audio`.
BLOCK_SECONDS = 30.0


def stream_audio(path: str, sample_rate: int, block_seconds: float = BLOCK_SECONDS) -> Iterator[np.ndarray]:
    """Open ``path`` and return an iterator of mono float32 blocks at ``sample_rate``.

    Same validation and numbers as :func:`load_audio` (missing / empty / undecodable
    raise :class:`AudioError` here, at once; the concatenated blocks equal ``load_audio``'s array up
    to float rounding, ~3e-7), but at most ``block_seconds`` of input audio is in memory at a time.
    Errors found while reading (a corrupt frame late in a file, NaN samples) are raised by the
    iterator (see :func:`mono_blocks`).
    """
    p = str(path)
    handle, size = open_audio(p)
    rate = int(handle.samplerate)
    if handle.frames == 0:
        handle.close()
        raise AudioError("no_samples", f"decoded to 0 samples ({size} bytes): {p}")
    blocks = mono_blocks(handle, p, block_frames=max(1, int(round(block_seconds * rate))))
    return _resampled_blocks(blocks, rate, sample_rate, p)


def _resampled_blocks(blocks: Iterator[np.ndarray], rate_in: int, rate_out: int, path: str) -> Iterator[np.ndarray]:
    """Resample a block stream with soxr HQ (streaming; identical to one ``soxr.resample`` call)."""
    if rate_in == rate_out:
        yield from blocks
        return
    import soxr

    stream = soxr.ResampleStream(rate_in, rate_out, 1, dtype="float32", quality="HQ")
    pending = next(blocks, None)
    while pending is not None:
        following = next(blocks, None)
        out = stream.resample_chunk(pending, last=following is None)
        if out.size:
            yield np.asarray(out, dtype=np.float32)
        pending = following


def printable(text: str) -> str:
    """``text`` safe to print or store as UTF-8: bytes of a non-UTF-8 file name become ``\\xNN``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
