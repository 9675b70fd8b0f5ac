"""Domain randomisation of rendered clips: the recording, mixing, mastering and delivery chain that
real music goes through and a clean General MIDI rendering does not.

:func:`augment` applies a random subset of the effects below (:func:`chain` draws which), each
with its own probability (:data:`PROBABILITIES`) and random amount, in signal-flow order (ranges
at strength 1)::

    ensemble   (doubling: 1-2 copies at 8-30 ms with a slow, shallow delay wobble)
    fold-down  (mono sum of a wide stereo mix: a copy 0.2-3 ms late, a comb filter)
    reverb     (room: exponentially decaying noise response, RT60 0.2-2.5 s)
    eq         (cheap speakers / old recordings: high-pass, low-pass, tilt, a resonance)
    compress   (bus compressor: threshold around the RMS, ratio 1.5-6)
    noise      (tape hiss, mains hum, room tone; 22-48 dB below the music)
    limit      (mastering brickwall: 2-10 dB into a peak limiter)
    codec      (an earlier lossy generation: MP3 16-64 kbps, Ogg Vorbis 27-39 kbps, Opus 11-39 kbps)

It changes neither tempo nor pitch, nor anything a tag describes: loudness stays the job of
:func:`sample_music.rendering.master`, which runs after it and sets the clip's RMS class, and
the noise sits far below the music. ``strength`` scales every probability (capped at 0.9) and
every amount but the codec's (copy gains, wet mix, EQ corners and gains, compression ratio, drive;
the noise comes 10 dB closer per +1); 0 is the identity. The sample set's default is 0.5
(:data:`sample_music.generation.AUGMENT_STRENGTH`, measured in docs/sample-data.md). Everything is
drawn from the ``rng`` passed in, so a clip's augmentation is a function of its generator stream,
and the same audio with the same stream gives the same bytes.
"""
from __future__ import annotations

import io
import math

import numpy as np

#: Probability of each effect at strength 1 (in chain order).
PROBABILITIES = {"ensemble": 0.25, "fold_down": 0.25, "reverb": 0.5, "eq": 0.5, "compress": 0.4,
                 "noise": 0.4, "limit": 0.3, "codec": 0.4}
#: The chain works at this RMS (dBFS); codecs and the limiter see a realistic level.
WORK_RMS_DB = -20.0
#: Codec choice weights (Opus is by far the slowest encoder, ~1 s per clip).
CODECS = {"mp3": 0.55, "vorbis": 0.3, "opus": 0.15}


def _db(x: float) -> float:
    return 10.0 ** (x / 20.0)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def _loguniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(math.exp(rng.uniform(math.log(low), math.log(high))))


def _fractional_delay(x: np.ndarray, delay: np.ndarray) -> np.ndarray:
    """``x`` read ``delay`` samples late (per-sample, linear interpolation, zeros before the start)."""
    pos = np.arange(len(x), dtype=np.float64) - delay
    return np.interp(pos, np.arange(len(x)), x, left=0.0, right=0.0).astype(np.float32)


# ----------------------------------------------------------------------------------------------
# Effects: each maps mono float32 audio to audio of the same length


def ensemble(x: np.ndarray, rate: int, delays_ms: list[float], depth_ms: float, lfo_hz: float,
             gain: float, rng: np.random.Generator) -> np.ndarray:
    """Doubling / section sound: copies at ``delays_ms`` whose delay wobbles by ``depth_ms`` at
    ``lfo_hz`` (random phases), each ``gain`` relative to the dry signal."""
    t = np.arange(len(x)) / rate
    out = x.astype(np.float64)
    for d in delays_ms:
        phase = rng.uniform(0, 2 * math.pi)
        delay = (d + depth_ms * np.sin(2 * math.pi * lfo_hz * t + phase)) * rate / 1000.0
        out += gain * _fractional_delay(x, delay)
    return (out / (1.0 + gain * len(delays_ms) ** 0.5)).astype(np.float32)


def fold_down(x: np.ndarray, rate: int, delay_ms: float, gain: float) -> np.ndarray:
    """Mono sum of a wide stereo mix: ``x`` plus a copy ``delay_ms`` later at ``gain`` (a comb filter)."""
    d = max(1, int(round(delay_ms * rate / 1000.0)))
    out = x.astype(np.float64)
    out[d:] += gain * x[:-d]
    return (out / (1.0 + gain)).astype(np.float32)


def reverb_ir(rate: int, rt60: float, rng: np.random.Generator, predelay_ms: float = 10.0,
              damping_hz: float | None = 4000.0) -> np.ndarray:
    """A synthetic room impulse response: noise decaying by 60 dB in ``rt60`` seconds after
    ``predelay_ms``, optionally low-passed at ``damping_hz`` (air and walls absorb highs);
    unit energy, no direct sound."""
    from scipy import signal

    n = int(rate * min(rt60, 3.0)) + 1
    t = np.arange(n) / rate
    ir = rng.standard_normal(n) * np.exp(-6.908 * t / rt60)
    if damping_hz is not None and damping_hz < rate / 2 * 0.9:
        ir = signal.sosfilt(signal.butter(2, damping_hz, "lowpass", fs=rate, output="sos"), ir)
    ir = np.concatenate([np.zeros(int(rate * predelay_ms / 1000.0)), ir])
    return (ir / np.sqrt(np.sum(ir ** 2))).astype(np.float32)


def reverb(x: np.ndarray, rate: int, rt60: float, wet: float, rng: np.random.Generator,
           predelay_ms: float = 10.0, damping_hz: float | None = 4000.0) -> np.ndarray:
    """Room reverb: ``x`` convolved with :func:`reverb_ir`; ``wet`` (0-1) is the reverberant share of the energy."""
    from scipy import signal

    tail = signal.fftconvolve(x, reverb_ir(rate, rt60, rng, predelay_ms, damping_hz))[:len(x)]
    tail *= _rms(x) / max(_rms(tail), 1e-12)
    return (math.sqrt(1.0 - wet) * x + math.sqrt(wet) * tail).astype(np.float32)


def _biquad(kind: str, f0: float, rate: int, gain_db: float = 0.0, q: float = 0.707) -> np.ndarray:
    """One RBJ cookbook biquad (``peak``, ``lowshelf``, ``highshelf``) as a scipy SOS row."""
    a = _db(gain_db / 2.0)
    w = 2 * math.pi * f0 / rate
    cw, alpha = math.cos(w), math.sin(w) / (2 * q)
    if kind == "peak":
        b = [1 + alpha * a, -2 * cw, 1 - alpha * a]
        den = [1 + alpha / a, -2 * cw, 1 - alpha / a]
    else:
        sa = 2 * math.sqrt(a) * alpha
        sign = 1 if kind == "lowshelf" else -1
        b = [a * ((a + 1) - sign * (a - 1) * cw + sa), sign * 2 * a * ((a - 1) - sign * (a + 1) * cw),
             a * ((a + 1) - sign * (a - 1) * cw - sa)]
        den = [(a + 1) + sign * (a - 1) * cw + sa, -sign * 2 * ((a - 1) + sign * (a + 1) * cw),
               (a + 1) + sign * (a - 1) * cw - sa]
    return np.array([[*(np.array(b) / den[0]), 1.0, *(np.array(den[1:]) / den[0])]])


def eq(x: np.ndarray, rate: int, highpass_hz: float | None = None, lowpass_hz: float | None = None,
       tilt_db: float = 0.0, peak: tuple[float, float, float] | None = None) -> np.ndarray:
    """Equalisation: 2nd-order Butterworth high-pass / 4th-order low-pass, a tilt (low shelf at
    250 Hz by ``+tilt_db/2``, high shelf at 2.5 kHz by ``-tilt_db/2``: positive is darker), and
    a ``(Hz, dB, Q)`` peaking resonance."""
    from scipy import signal

    sos = []
    if highpass_hz:
        sos.append(signal.butter(2, highpass_hz, "highpass", fs=rate, output="sos"))
    if lowpass_hz and lowpass_hz < rate / 2 * 0.95:
        sos.append(signal.butter(4, lowpass_hz, "lowpass", fs=rate, output="sos"))
    if tilt_db:
        sos += [_biquad("lowshelf", 250.0, rate, tilt_db / 2), _biquad("highshelf", 2500.0, rate, -tilt_db / 2)]
    if peak:
        sos.append(_biquad("peak", peak[0], rate, peak[1], peak[2]))
    if not sos:
        return x
    return signal.sosfilt(np.concatenate(sos), x).astype(np.float32)


def _frame_levels(x: np.ndarray, hop: int, peak: bool) -> np.ndarray:
    frames = np.pad(x, (0, -len(x) % hop)).reshape(-1, hop)
    return np.abs(frames).max(axis=1) if peak else np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))


def _smooth_gain(target_db: np.ndarray, hop_s: float, attack_s: float, release_s: float) -> np.ndarray:
    """One-pole smoothing of a per-frame gain (dB, <= 0): fast towards more reduction, slow back."""
    a_att, a_rel = math.exp(-hop_s / max(attack_s, 1e-4)), math.exp(-hop_s / max(release_s, 1e-4))
    out = np.empty_like(target_db)
    g = 0.0
    for i, t in enumerate(target_db.tolist()):
        a = a_att if t < g else a_rel
        g = a * g + (1 - a) * t
        out[i] = g
    return out


def _apply_frame_gain(x: np.ndarray, gain_db: np.ndarray, hop: int) -> np.ndarray:
    centres = np.arange(len(gain_db)) * hop + hop / 2
    g = np.interp(np.arange(len(x)), centres, 10.0 ** (gain_db / 20.0))
    return (x * g).astype(np.float32)


def compress(x: np.ndarray, rate: int, threshold_db: float, ratio: float, attack_ms: float = 10.0,
             release_ms: float = 150.0) -> np.ndarray:
    """Feed-forward RMS compressor on 5 ms frames: above ``threshold_db`` (dBFS) the level
    rises only ``1/ratio`` as fast; make-up gain restores the input RMS."""
    hop = max(1, rate // 200)
    level_db = 20 * np.log10(_frame_levels(x, hop, peak=False) + 1e-9)
    target = np.minimum(0.0, (threshold_db - level_db) * (1 - 1 / ratio))
    y = _apply_frame_gain(x, _smooth_gain(target, hop / rate, attack_ms / 1000, release_ms / 1000), hop)
    return (y * (_rms(x) / max(_rms(y), 1e-12))).astype(np.float32)


def limit(x: np.ndarray, rate: int, drive_db: float, ceiling: float = 0.95, release_ms: float = 60.0) -> np.ndarray:
    """Mastering limiter: ``drive_db`` of gain into a 1 ms look-ahead peak limiter at ``ceiling``
    (then a hard clip at the ceiling for what the smoothing lets through)."""
    from scipy.ndimage import minimum_filter1d

    hop = max(1, rate // 1000)
    y = x * (_db(drive_db) * ceiling / max(float(np.abs(x).max()), 1e-9))
    peaks = _frame_levels(y, hop, peak=True)
    target = minimum_filter1d(np.minimum(0.0, 20 * np.log10(ceiling / np.maximum(peaks, 1e-9))), 3)
    g = _smooth_gain(target, hop / rate, 1e-4, release_ms / 1000)
    return np.clip(_apply_frame_gain(y, np.minimum(g, target), hop), -ceiling, ceiling).astype(np.float32)


def noise(x: np.ndarray, rate: int, kind: str, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """Background noise ``snr_db`` below the music's RMS: ``hiss`` (tape: white, high-passed at
    2 kHz), ``hum`` (50 or 60 Hz mains with odd harmonics and a little buzz), ``room`` (low-passed
    rumble and air)."""
    from scipy import signal

    n = len(x)
    if kind == "hiss":
        z = signal.sosfilt(signal.butter(1, 2000, "highpass", fs=rate, output="sos"), rng.standard_normal(n))
    elif kind == "hum":
        t = np.arange(n) / rate
        f0 = 50.0 if rng.random() < 0.5 else 60.0
        z = sum(rng.uniform(0.1, 1.0) / k * np.sin(2 * math.pi * f0 * k * t + rng.uniform(0, 2 * math.pi))
                for k in (1, 2, 3, 5, 7))
        z = z / _rms(z) + 0.05 * rng.standard_normal(n)
    elif kind == "room":
        z = signal.sosfilt(signal.butter(2, rng.uniform(150, 600), "lowpass", fs=rate, output="sos"),
                           rng.standard_normal(n))
        z = z / _rms(z) + 0.15 * rng.standard_normal(n)
    else:
        raise ValueError(f"unknown noise kind {kind!r}")
    z = z * (_rms(x) * _db(-snr_db) / max(_rms(z), 1e-12))
    return (x + z).astype(np.float32)


def codec(x: np.ndarray, rate: int, kind: str, compression_level: float) -> np.ndarray:
    """An encode/decode round trip through libsndfile: ``mp3`` (LAME ABR, gapless; level c is
    ``8 + (1 - c) * 152`` kbps at 16 kHz), ``vorbis`` (Ogg; 0.5-1.0 is ~39-27 kbps at 16 kHz mono)
    or ``opus`` (Ogg; 0.85-0.97 is ~39-11 kbps). Same length out (decoded, trimmed or zero-padded)."""
    import soundfile as sf

    fmt, subtype, extra = {"mp3": ("MP3", "MPEG_LAYER_III", {"bitrate_mode": "AVERAGE"}),
                           "vorbis": ("OGG", "VORBIS", {}), "opus": ("OGG", "OPUS", {})}[kind]
    buf = io.BytesIO()
    sf.write(buf, np.clip(x, -1.0, 1.0), rate, format=fmt, subtype=subtype,
             compression_level=float(compression_level), **extra)
    buf.seek(0)
    y, _ = sf.read(buf, dtype="float32")
    out = np.zeros(len(x), dtype=np.float32)
    out[:min(len(x), len(y))] = y[:len(x)]
    return out


# ----------------------------------------------------------------------------------------------
# The random chain


def chain(rng: np.random.Generator, strength: float = 1.0) -> dict[str, bool]:
    """Which effects :func:`augment` applies: one coin flip per effect of :data:`PROBABILITIES`
    (each probability times ``strength``, capped at 0.9), the first draws from ``rng``."""
    return {name: bool(rng.random() < min(0.9, p * strength)) for name, p in PROBABILITIES.items()}


def augment(audio: np.ndarray, rate: int, rng: np.random.Generator, strength: float = 1.0) -> np.ndarray:
    """A random chain of the effects above (see the module docstring), drawn from ``rng``.

    Args:
      audio: mono float32 audio (any scale; a rendered, unmastered clip).
      rate: its sample rate.
      rng: the clip's own generator; every decision and amount is drawn from it, in a fixed
        order (the coin flips of :func:`chain` first), so the result is a function of the stream.
      strength: scales the probabilities (capped at 0.9) and the amounts; 0 returns ``audio``.

    Returns:
      float32 audio of the same length, finite, at :data:`WORK_RMS_DB` RMS unless that would
      put a peak above 1 (then scaled down to peak 1); ``audio`` itself when no effect is drawn
      (or it is silent).
    """
    x = np.asarray(audio, dtype=np.float32)
    rms = _rms(x)
    if strength <= 0 or rms < 1e-9:
        return x
    s = float(strength)
    on = chain(rng, s)
    if not any(on.values()):
        return x
    x = x * np.float32(_db(WORK_RMS_DB) / rms)

    if on["ensemble"]:
        copies = [rng.uniform(8.0, 30.0) for _ in range(int(rng.integers(1, 3)))]
        x = ensemble(x, rate, copies, depth_ms=rng.uniform(0.2, 1.0), lfo_hz=rng.uniform(0.1, 0.8),
                     gain=min(1.0, rng.uniform(0.3, 0.7) * s), rng=rng)
    if on["fold_down"]:
        x = fold_down(x, rate, delay_ms=_loguniform(rng, 0.2, 3.0), gain=min(1.0, rng.uniform(0.3, 0.8) * s))
    if on["reverb"]:
        x = reverb(x, rate, rt60=rng.uniform(0.2, 2.5), wet=min(0.8, rng.uniform(0.08, 0.45) * s), rng=rng,
                   predelay_ms=rng.uniform(0.0, 30.0),
                   damping_hz=_loguniform(rng, 2500.0, 8000.0) if rng.random() < 0.7 else None)
    if on["eq"]:
        hp = _loguniform(rng, 60.0, 60.0 + 300.0 * s) if rng.random() < 0.5 else None
        lp = _loguniform(rng, max(1500.0, 7000.0 - 4000.0 * s), 7500.0) if rng.random() < 0.5 else None
        tilt = rng.uniform(-6.0, 6.0) * s if rng.random() < 0.6 else 0.0
        pk = ((_loguniform(rng, 200.0, 5000.0), rng.uniform(-6.0, 6.0) * s, rng.uniform(0.7, 2.5))
              if rng.random() < 0.4 else None)
        x = eq(x, rate, hp, lp, tilt, pk)
    if on["compress"]:
        x = compress(x, rate, threshold_db=WORK_RMS_DB + rng.uniform(-8.0, 4.0),
                     ratio=1.0 + rng.uniform(0.5, 5.0) * s, attack_ms=_loguniform(rng, 2.0, 30.0),
                     release_ms=_loguniform(rng, 50.0, 400.0))
    if on["noise"]:
        kind = ("hiss", "hum", "room")[int(rng.integers(0, 3))]
        x = noise(x, rate, kind, snr_db=max(12.0, rng.uniform(22.0, 48.0) - 10.0 * (s - 1.0)), rng=rng)
    if on["limit"]:
        x = limit(x, rate, drive_db=rng.uniform(2.0, 10.0) * s, release_ms=_loguniform(rng, 20.0, 200.0))
    if on["codec"]:
        kind = str(rng.choice(list(CODECS), p=list(CODECS.values())))
        if kind == "mp3":  # 64, 48, 40, 32, 24, 16 kbps
            level = (1 - (rng.choice([64, 48, 40, 32, 24, 16]) - 8) / 152)
        elif kind == "vorbis":
            level = rng.uniform(0.5, 1.0)
        else:
            level = rng.uniform(0.85, 0.97)
        x = codec(x * np.float32(min(1.0, 0.9 / max(float(np.abs(x).max()), 1e-9))), rate, kind, level)

    x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    out_rms = _rms(x)
    if out_rms < 1e-12:
        return np.asarray(audio, dtype=np.float32)
    x = x * (_db(WORK_RMS_DB) / out_rms)
    peak = float(np.abs(x).max())
    return (x / peak if peak > 1.0 else x).astype(np.float32)
