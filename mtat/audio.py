"""Audio decoding with validation: any file -> mono float32 at the feature sample rate.

Every failure raises :class:`AudioError` with a readable reason (libsndfile's own messages
mislead: an empty file, a truncated MP3 and garbage bytes all claim the file "does not exist").
The format is recognised from the content, never from the name (a WAV or FLAC named ``.mp3``
decodes). Samples are read in bounded blocks and downmixed block by block, so memory never
depends on what a (possibly hostile) header claims about the length or channel count.

Whether a file is audio is decided by trying the decoder, never by a list of names: a file it
cannot open is then named by :func:`classify_undecodable` (``not_audio``, ``unsupported_format``
or ``undecodable``) from its first bytes and, failing those, its extension.
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterator

import numpy as np

#: Usual names of formats soundfile (libsndfile 1.2) decodes without ffmpeg: for help texts and for
#: naming a failure (a file with one of these that does not open is corrupt), never to choose files.
AUDIO_EXTENSIONS = (".mp3", ".wav", ".flac", ".ogg", ".oga", ".opus", ".aiff", ".aif", ".aifc", ".au",
                    ".caf", ".w64")
#: Audio and music formats libsndfile cannot decode, by extension: they are rejected as
#: ``unsupported_format`` (not ``not_audio``) when the decoder fails on them.
UNSUPPORTED_AUDIO_EXTENSIONS = {
    ".m4a": "MPEG-4 audio (AAC/ALAC)", ".m4b": "MPEG-4 audio (AAC/ALAC)", ".mp4": "MPEG-4",
    ".aac": "AAC", ".alac": "ALAC", ".wma": "Windows Media Audio", ".ape": "Monkey's Audio",
    ".wv": "WavPack", ".mpc": "Musepack", ".ra": "RealAudio", ".rm": "RealMedia", ".amr": "AMR",
    ".ac3": "AC-3", ".dts": "DTS", ".dsf": "DSD", ".dff": "DSD", ".mka": "Matroska audio", ".webm": "WebM",
    ".xm": "XM tracker module", ".mod": "tracker module", ".it": "Impulse Tracker module",
    ".s3m": "Scream Tracker module", ".mtm": "tracker module", ".669": "tracker module",
    ".med": "tracker module", ".stm": "tracker module", ".okt": "tracker module", ".umx": "tracker module",
    ".far": "tracker module", ".ult": "tracker module",
    ".mid": "MIDI", ".midi": "MIDI", ".kar": "MIDI karaoke"}
#: The tracker modules and MIDI files among them: music as notes, which no installed decoder renders.
TRACKER_EXTENSIONS = tuple(e for e, name in UNSUPPORTED_AUDIO_EXTENSIONS.items() if "module" in name)
MIDI_EXTENSIONS = tuple(e for e, name in UNSUPPORTED_AUDIO_EXTENSIONS.items() if name.startswith("MIDI"))
#: First bytes of formats: ``(offset, magic, name, reason if the decoder fails)``.
_MAGIC = (
    (0, b"ID3", "MP3", "undecodable"), (0, b"fLaC", "FLAC", "undecodable"), (0, b"OggS", "Ogg", "undecodable"),
    (8, b"WAVE", "WAV", "undecodable"), (8, b"AIF", "AIFF", "undecodable"), (0, b".snd", "AU", "undecodable"),
    (0, b"caff", "CAF", "undecodable"),
    (4, b"ftyp", "MPEG-4 audio (AAC/ALAC)", "unsupported_format"), (0, b"ADIF", "AAC", "unsupported_format"),
    (0, b"0&\xb2u\x8ef\xcf\x11", "Windows Media Audio", "unsupported_format"),
    (0, b"Extended Module: ", "XM tracker module", "unsupported_format"),
    (0, b"IMPM", "Impulse Tracker module", "unsupported_format"),
    (44, b"SCRM", "Scream Tracker module", "unsupported_format"),
    (1080, b"M.K.", "tracker module", "unsupported_format"), (0, b"MThd", "MIDI", "unsupported_format"),
    (0, b"MAC ", "Monkey's Audio", "unsupported_format"), (0, b"wvpk", "WavPack", "unsupported_format"),
    (0, b"MPCK", "Musepack", "unsupported_format"), (0, b"#!AMR", "AMR", "unsupported_format"),
    (0, b".RMF", "RealMedia", "unsupported_format"), (0, b"DSD ", "DSD", "unsupported_format"),
    (0, b"\x1aE\xdf\xa3", "Matroska/WebM", "unsupported_format"),
    (0, b"\x89PNG", "a PNG image", "not_audio"), (0, b"\xff\xd8\xff", "a JPEG image", "not_audio"),
    (0, b"GIF8", "a GIF image", "not_audio"), (8, b"WEBP", "a WebP image", "not_audio"),
    (0, b"%PDF", "a PDF document", "not_audio"), (0, b"PK\x03\x04", "a ZIP archive", "not_audio"),
    (0, b"\x1f\x8b", "gzip data", "not_audio"), (0, b"7z\xbc\xaf", "a 7-Zip archive", "not_audio"),
    (0, b"\x7fELF", "a program", "not_audio"), (0, b"SQLite format 3", "a database", "not_audio"),
)
#: Ogg codec tags (first packet, byte 28) libsndfile decodes; another codec (Speex, Theora) is unsupported.
_OGG_DECODABLE = (b"vorbis", b"OpusHead", b"FLAC")
#: Bytes of a file's start :func:`classify_undecodable` looks at (a ProTracker module's tag is at 1080).
SNIFF_BYTES = 2048
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
    :class:`AudioError` (``missing``, ``not_a_file``, ``empty``, ``not_audio``, ``unsupported_format``,
    ``undecodable``, ``unreadable``: see :func:`classify_undecodable`).
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
        reason, what = classify_undecodable(source, p)
        raise AudioError(reason, f"not decodable as audio: {what}, {size} bytes: {p}") from None
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


def classify_undecodable(source: str | bytes | io.BytesIO, name: str = "") -> tuple[str, str]:
    """Why a file the decoder could not open is not usable: ``(reason, description)``.

    ``reason`` is ``not_audio`` (text, an image, an archive, or no known audio format),
    ``unsupported_format`` (a known audio or music format the installed decoder cannot read, e.g.
    AAC/M4A, WMA, tracker modules, MIDI), ``undecodable`` (a format it reads, but corrupt or
    truncated) or ``unreadable`` (the bytes cannot be read). Decided by the first
    :data:`SNIFF_BYTES` bytes, then by the extension of ``name`` (or of a path ``source``).
    """
    try:
        if isinstance(source, io.BytesIO):
            head = source.getvalue()[:SNIFF_BYTES]
        else:
            with open(source, "rb") as f:
                head = f.read(SNIFF_BYTES)
    except OSError as err:
        return "unreadable", f"cannot read it ({err.strerror})"
    starts = f"starts with {head[:4]!r}"
    if head.startswith(b"OggS") and not any(c in head[28:36] for c in _OGG_DECODABLE):
        codec = head[28:36].strip(b"\x00\x01\x7f\x80 ").decode("ascii", "replace") or "?"
        return "unsupported_format", f"Ogg {codec}, a codec the installed decoder (libsndfile) cannot read"
    for offset, magic, fmt, reason in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            if reason == "undecodable":
                return reason, f"a corrupt or truncated {fmt} file ({starts})"
            if reason == "unsupported_format":
                return reason, f"{fmt}, a format the installed decoder (libsndfile) cannot read"
            return reason, fmt
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:  # an ADTS frame header
        return "unsupported_format", "AAC, a format the installed decoder (libsndfile) cannot read"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # an MPEG audio frame header
        return "undecodable", f"a corrupt or truncated MP3 file ({starts})"
    if _is_text(head):
        return "not_audio", f"text ({starts})"
    ext = os.path.splitext(name or (os.fsdecode(source) if not isinstance(source, io.BytesIO) else ""))[1].lower()
    if ext in UNSUPPORTED_AUDIO_EXTENSIONS:
        return "unsupported_format", (f"{UNSUPPORTED_AUDIO_EXTENSIONS[ext]} ({ext}), a format the installed "
                                      "decoder (libsndfile) cannot read")
    if ext in AUDIO_EXTENSIONS:
        return "undecodable", f"named {ext} but corrupt or not audio ({starts})"
    return "not_audio", f"no audio format recognised ({starts})"


def _is_text(head: bytes) -> bool:
    """Whether ``head`` looks like text: no NUL and no control bytes but tab, line ends, form feed, ESC."""
    return bool(head) and not any(b < 32 and b not in b"\t\n\r\f\x1b" for b in head)


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
