"""A small sample data set in exactly the MagnaTagATune layout, rendered from real music.

Each clip is a short piece composed from a seeded random generator in one of a few styles
(classical strings, solo piano, baroque harpsichord, rock/metal, techno, ambient, choir, Indian
sitar, flute, country, harp, pop, opera, "weird" sound effects, classical guitar), played with
the General MIDI soundfont that ships inside ``pretty_midi`` (``TimGM6mb.sf2``) through
``tinysoundfont``, and encoded as a 16 kHz mono MP3 of 29.124 s. Its tags follow from what was
rendered (instruments, style, tempo, loudness, voices), then each positive tag is dropped with
probability ``LABEL_DROP``, as real crowd tags miss many.

Output (like MTAT)::

    OUT/annotations_final.csv     tab-separated, every field double-quoted:
                                  "clip_id", the 188 tags of MTAT_TAGS (0/1), "mp3_path"
    OUT/{0..f}/<artist>-<album>-<nn>-<title>-<start>-<end>.mp3
    OUT/faults.json               {clip_id: kind} of the deliberately broken rows (--faults)

Everything is a function of ``(seed, clip index)`` through ``numpy.random.SeedSequence``, so
the CSV and the MP3 bytes are identical across runs and worker counts.

CLI: ``python -m mtat.sample_data OUT --clips 300 --seed 0 [--faults] [--workers W]``
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np

from mtat.annotations import ANNOTATIONS_FILE, CLIP_ID_COLUMN, PATH_COLUMN
from mtat.tags import MTAT_TAGS

#: Output sample rate and clip length of MTAT (29.124 s = 465,984 samples at 16 kHz).
SAMPLE_RATE = 16_000
CLIP_SAMPLES = 465_984
CLIP_SECONDS = CLIP_SAMPLES / SAMPLE_RATE
#: tinysoundfont renders here (linear interpolation), then soxr band-limits down to 16 kHz.
RENDER_RATE = 22_050
#: MTAT's 16 audio folders; the folder split uses 0-b train, c valid, d-f test.
FOLDERS = "0123456789abcdef"
#: Probability that a positive tag is missing from the annotations (crowd tags are sparse).
LABEL_DROP = 0.2
#: libsndfile maps compression level c to a LAME bitrate of int(8 + (1 - c) * 152) kbps at
#: 16 kHz: this is 32 kbps, as MTAT. ABR, not CBR: an ABR file gets a LAME gapless header and
#: decodes to exactly CLIP_SAMPLES, a CBR one decodes 1,152 samples (72 ms) longer.
MP3_COMPRESSION_LEVEL = 1.0 - 24.5 / 152.0
MP3_BITRATE_MODE = "AVERAGE"
#: The deliberately broken rows added by ``faults=True``, in this order after the good clips.
FAULT_KINDS = ("empty", "truncated", "not_audio", "missing")
TRUNCATE_FRACTION = 0.35
FAULTS_FILE = "faults.json"
SOUNDFONT_NAME = "TimGM6mb.sf2"

_MUSIC, _LABELS, _NAMES, _LEVEL = 0, 1, 2, 3  # independent random streams of one clip
_DRUMS = 9  # the General MIDI percussion channel
_LEVEL_DB = {"quiet": -31.0, "medium": -21.0, "loud": -13.0}  # target RMS in dBFS


def find_soundfont() -> Path:
    """Path of the General MIDI soundfont shipped inside the ``pretty_midi`` package."""
    try:
        import importlib_resources

        path = Path(str(importlib_resources.files("pretty_midi") / SOUNDFONT_NAME))
    except ModuleNotFoundError as err:
        raise FileNotFoundError(
            f"the sample data needs {SOUNDFONT_NAME} from the pretty_midi package "
            f"(pip install pretty_midi importlib_resources): {err}") from err
    if not path.is_file():
        raise FileNotFoundError(f"General MIDI soundfont not found at {path}; reinstall pretty_midi")
    return path


# ----------------------------------------------------------------------------------------------
# Scores and rendering


class Score:
    """MIDI-like notes on General MIDI channels, timed in beats of a fixed tempo."""

    def __init__(self, rng: np.random.Generator, bpm: float, humanize: float = 0.006) -> None:
        self.rng = rng
        self.bpm = float(bpm)
        self.humanize = humanize  # timing jitter (s)
        self.channels: dict[int, tuple[int, int, int, int]] = {}  # chan -> bank, preset, vol, pan
        self.vibrato: dict[int, tuple[float, float]] = {}  # chan -> (Hz, semitones)
        self.bends: list[tuple[float, int, int]] = []  # (s, chan, pitch-wheel value)
        self.notes: list[tuple[float, float, int, int, int]] = []  # (s, dur s, chan, key, vel)

    @property
    def spb(self) -> float:
        """Seconds per beat."""
        return 60.0 / self.bpm

    @property
    def bars(self) -> int:
        """Number of 4/4 bars that cover the clip."""
        return int(math.ceil(CLIP_SECONDS / (4 * self.spb)))

    def instrument(self, chan: int, preset: int, volume: int = 100, pan: int = 64) -> None:
        """Put a General MIDI melodic preset on a channel."""
        self.channels[chan] = (0, preset, volume, pan)

    def drum_kit(self, kit: int = 0, volume: int = 100) -> None:
        """Put a drum kit (bank 128) on the percussion channel."""
        self.channels[_DRUMS] = (128, kit, volume, 64)

    def presets(self) -> set[int]:
        """Melodic presets that play at least one note."""
        used = {n[2] for n in self.notes}
        return {p for c, (bank, p, _, _) in self.channels.items() if bank == 0 and c in used}

    def has_drums(self) -> bool:
        return any(n[2] == _DRUMS for n in self.notes)

    def note(self, chan: int, beat: float, beats: float, key: int, vel: int) -> None:
        """Add a note at ``beat`` lasting ``beats`` (humanized timing and velocity)."""
        t = beat * self.spb + (self.rng.normal(0.0, self.humanize) if self.humanize else 0.0)
        if t >= CLIP_SECONDS or not 0 <= key <= 127:
            return
        vel = int(np.clip(vel + self.rng.integers(-6, 7), 1, 127))
        self.notes.append((max(t, 0.0), max(beats * self.spb, 0.03), chan, int(key), vel))

    def slide(self, chan: int, beat: float, semitones: float, seconds: float, steps: int = 6) -> None:
        """Pitch-wheel glide from ``semitones`` off to in tune (range +-2), starting at ``beat``."""
        t0 = beat * self.spb
        for k in range(steps + 1):
            off = semitones * (1 - k / steps)
            self.bends.append((t0 + seconds * k / steps, chan, int(8192 + off / 2 * 8191)))


def _render(score: Score, sf2: bytes) -> np.ndarray:
    """Render a score to mono float32 at SAMPLE_RATE, exactly CLIP_SAMPLES long, unscaled."""
    import soxr
    import tinysoundfont

    # A fresh synth per clip (parsing the in-memory soundfont takes ~10 ms): tsf's reset() only
    # fades voices out, so a reused synth would leak one clip's tail into the next.
    synth = tinysoundfont.Synth(samplerate=RENDER_RATE)
    sfid = synth.sfload(sf2)
    for chan, (bank, preset, volume, pan) in sorted(score.channels.items()):
        synth.program_select(chan, sfid, bank, preset, is_drums=bank == 128)
        synth.control_change(chan, 7, volume)
        synth.control_change(chan, 10, pan)
    n = int(math.ceil(CLIP_SAMPLES * RENDER_RATE / SAMPLE_RATE)) + 64
    events: list[tuple[int, int, int, int, int]] = []  # (sample, order, chan, key/value, vel)
    for t, dur, chan, key, vel in score.notes:
        on = int(round(t * RENDER_RATE))
        events.append((on, 2, chan, key, vel))
        events.append((max(on + 1, int(round((t + dur) * RENDER_RATE))), 1, chan, key, 0))
    for t, chan, value in score.bends:
        events.append((int(round(t * RENDER_RATE)), 0, chan, int(np.clip(value, 0, 16383)), 0))
    step = RENDER_RATE // 50
    for chan, (hz, depth) in score.vibrato.items():
        for s in range(0, n, step):
            value = 8192 + int(depth / 2 * 8191 * math.sin(2 * math.pi * hz * s / RENDER_RATE))
            events.append((s, 0, chan, value, 0))
    events.sort()
    buf = memoryview(bytearray(n * 8))  # stereo float32
    pos = 0
    for sample, kind, chan, key, vel in events:
        if sample >= n:
            break
        if sample > pos:
            synth.generate_simple(sample - pos, buffer=buf[pos * 8:sample * 8])
            pos = sample
        if kind == 2:
            synth.noteon(chan, key, vel)
        elif kind == 1:
            synth.noteoff(chan, key)
        else:
            synth.pitchbend(chan, key)
    if pos < n:
        synth.generate_simple(n - pos, buffer=buf[pos * 8:])
    stereo = np.frombuffer(buf, dtype=np.float32).reshape(-1, 2)
    mono = soxr.resample(stereo.mean(axis=1), RENDER_RATE, SAMPLE_RATE, quality="HQ")
    out = np.zeros(CLIP_SAMPLES, dtype=np.float32)
    out[:min(CLIP_SAMPLES, len(mono))] = mono[:CLIP_SAMPLES]
    return out


def _master(x: np.ndarray, level: str, rng: np.random.Generator) -> np.ndarray:
    """Scale to the loudness class's RMS (+-2 dB) and soft-limit the peaks below full scale."""
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    if rms < 1e-6:
        raise RuntimeError("a sample clip rendered silent; the soundfont is missing presets")
    gain = 10 ** ((_LEVEL_DB[level] + rng.uniform(-2.0, 2.0)) / 20) / rms
    return (0.97 * np.tanh(x * (gain / 0.97))).astype(np.float32)


# ----------------------------------------------------------------------------------------------
# Music helpers (keys are MIDI numbers, degrees index a 7-note scale from the tonic)

SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10),
    "harmonic": (0, 2, 3, 5, 7, 8, 11), "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10), "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11), "bhairav": (0, 1, 4, 5, 7, 8, 11),
}
_PROGRESSIONS = {
    "major": ((0, 4, 5, 3), (0, 3, 4, 0), (0, 5, 3, 4), (0, 3, 0, 4), (0, 5, 1, 4), (5, 3, 0, 4)),
    "minor": ((0, 5, 2, 6), (0, 3, 4, 0), (0, 6, 5, 6), (0, 3, 6, 2), (0, 5, 3, 4), (0, 0, 3, 4)),
}
#: One-bar rhythms (note lengths in beats, summing to 4), from long to busy notes.
_RHYTHMS = {
    "long": ((4,), (2, 2), (3, 1), (2, 1, 1), (1, 1, 2), (1.5, 0.5, 2), (2, 2)),
    "medium": ((1, 1, 1, 1), (1.5, 0.5, 1, 1), (0.5, 0.5, 1, 2), (1, 0.5, 0.5, 1, 1), (2, 1, 1),
               (1, 1, 2), (0.5, 0.5, 0.5, 0.5, 1, 1)),
    "busy": ((0.5,) * 8, (0.25,) * 4 + (0.5,) * 6, (0.5, 0.5, 1) * 2, (0.25,) * 8 + (1, 1),
             (0.75, 0.25) * 4, (0.5, 0.25, 0.25) * 2 + (0.5,) * 4),
}


def _pick(rng: np.random.Generator, seq: Sequence):
    return seq[int(rng.integers(len(seq)))]


@dataclasses.dataclass(frozen=True)
class Harmony:
    """A key (tonic MIDI number in octave 4, scale) and a chord progression of scale degrees."""

    tonic: int
    scale: tuple[int, ...]
    progression: tuple[int, ...]
    bars_per_chord: int = 1

    @property
    def cycle(self) -> int:
        """Bars until the progression repeats."""
        return len(self.progression) * self.bars_per_chord

    def root(self, bar: int) -> int:
        return self.progression[(bar // self.bars_per_chord) % len(self.progression)]

    def key(self, degree: int) -> int:
        octave, d = divmod(degree, len(self.scale))
        return self.tonic + 12 * octave + self.scale[d]

    def degree_near(self, key: int) -> int:
        """The highest scale degree whose key is <= ``key``."""
        d = (key - self.tonic) // 12 * len(self.scale)
        while self.key(d + 1) <= key:
            d += 1
        while self.key(d) > key:
            d -= 1
        return d

    def chord_tones(self, bar: int, lo: int, hi: int, extra: Sequence[int] = ()) -> list[int]:
        """Keys of the bar's triad (plus ``extra`` degrees above the root) within [lo, hi]."""
        pcs = {self.key(self.root(bar) + d) % 12 for d in (0, 2, 4, *extra)}
        return [k for k in range(lo, hi + 1) if k % 12 in pcs]

    def bass(self, bar: int, lo: int = 36) -> int:
        """The bar's root key in the octave starting at ``lo``."""
        return lo + (self.key(self.root(bar)) - lo) % 12


def _harmony(rng: np.random.Generator, modes: Sequence[str] = ("major", "minor"),
             bars_per_chord: int = 1, tonic_lo: int = 55, tonic_hi: int = 66) -> Harmony:
    mode = _pick(rng, modes)
    kind = "major" if SCALES[mode][2] == 4 else "minor"
    return Harmony(int(rng.integers(tonic_lo, tonic_hi + 1)), SCALES[mode],
                   _pick(rng, _PROGRESSIONS[kind]), bars_per_chord)


def _melody(score: Score, chan: int, h: Harmony, lo: int, hi: int, vel: int, rhythms: str,
            legato: float = 0.9, rest_p: float = 0.08, leap_p: float = 0.15,
            bars: range | None = None) -> None:
    """A random-walk melody over the chords, as a phrase repeated with each harmony cycle."""
    rng = score.rng
    pool = _RHYTHMS[rhythms]
    motif = (_pick(rng, pool), _pick(rng, pool))
    d_lo, d_hi = h.degree_near(lo) + 1, h.degree_near(hi)
    d = (d_lo + d_hi) // 2
    phrase: list[list[tuple[float, float, int | None]]] = []
    for b in range(h.cycle):
        rhythm = motif[b % 2] if rng.random() > 0.2 else _pick(rng, pool)
        notes, beat = [], 0.0
        for i, dur in enumerate(rhythm):
            if i == 0:  # land on a chord tone
                tones = [h.degree_near(k) for k in h.chord_tones(b, h.key(d_lo), h.key(d_hi))]
                d = min(tones, key=lambda t: (abs(t - d), t)) if tones else d
            elif rng.random() < leap_p:
                d += int(rng.choice((-4, -3, 3, 4)))
            else:
                d += int(rng.choice((-2, -1, -1, 0, 1, 1, 2)))
            if d < d_lo:
                d = 2 * d_lo - d
            if d > d_hi:
                d = 2 * d_hi - d
            d = int(np.clip(d, d_lo, d_hi))
            notes.append((beat, dur, None if (i and rng.random() < rest_p) else d))
            beat += dur
        phrase.append(notes)
    for bar in bars if bars is not None else range(score.bars):
        notes = phrase[bar % h.cycle]
        if bar >= h.cycle and bar % h.cycle == h.cycle - 1 and rng.random() < 0.4:  # vary the cadence
            notes = [(b, dur, deg if deg is None else int(np.clip(deg + rng.integers(-1, 2), d_lo, d_hi)))
                     for b, dur, deg in notes]
        for beat, dur, deg in notes:
            if deg is not None:
                score.note(chan, 4 * bar + beat, dur * legato, h.key(deg), vel)


def _chords(score: Score, chan: int, h: Harmony, lo: int, hi: int, vel: int, hit: float = 4.0,
            legato: float = 1.0, extra: Sequence[int] = ()) -> None:
    """Block chords every ``hit`` beats (sustained pads, strings, organ)."""
    for bar in range(score.bars):
        tones = h.chord_tones(bar, lo, hi, extra)
        for k in range(int(round(4 / hit))):
            for key in tones:
                score.note(chan, 4 * bar + k * hit, hit * legato, key, vel)


def _arpeggio(score: Score, chan: int, h: Harmony, lo: int, hi: int, vel: int,
              pattern: Sequence[int], step: float, legato: float = 1.5) -> None:
    """Chord tones in ``pattern`` order (indices from low to high) at ``step`` beats."""
    for bar in range(score.bars):
        tones = h.chord_tones(bar, lo, hi)
        for i in range(int(round(4 / step))):
            key = tones[pattern[i % len(pattern)] % len(tones)]
            score.note(chan, 4 * bar + i * step, step * legato, key, vel - (0 if i % 4 else -8))


def _bassline(score: Score, chan: int, h: Harmony, vel: int, pattern: Sequence[tuple[float, float, int]],
              lo: int = 36) -> None:
    """Bass notes (beat, beats, semitones above the root) repeated every bar."""
    for bar in range(score.bars):
        root = h.bass(bar, lo)
        for beat, dur, off in pattern:
            score.note(chan, 4 * bar + beat, dur, root + off, vel)


def _drums(score: Score, pattern: Mapping[int, str], fill: bool = False, crash: bool = False) -> None:
    """Drum hits from 16-step strings per key: x accent, o normal, g ghost, . rest."""
    vels = {"x": 115, "o": 90, "g": 55}
    for bar in range(score.bars):
        for key, steps in pattern.items():
            for i, c in enumerate(steps):
                if c in vels and not (fill and bar % 4 == 3 and i >= 12):
                    score.note(_DRUMS, 4 * bar + i / 4, 0.25, key, vels[c])
        if fill and bar % 4 == 3:
            for i, key in enumerate((38, 38, 45, 45) if score.rng.random() < 0.5 else (48, 47, 45, 43)):
                score.note(_DRUMS, 4 * bar + 3 + i / 4, 0.25, key, 100)
        if crash and bar % 4 == 0:
            score.note(_DRUMS, 4 * bar, 1.0, 49, 100)


def _strum(score: Score, chan: int, h: Harmony, vel: int, hits: Sequence[tuple[float, float, bool]],
           spread: float = 0.06) -> None:
    """Guitar strums (beat, beats, down?) of a six-string voicing, strings staggered."""
    for bar in range(score.bars):
        voicing = h.chord_tones(bar, h.bass(bar, 40), h.bass(bar, 40) + 28)[:6]
        for beat, dur, down in hits:
            strings = voicing if down else voicing[::-1][:4]
            for j, key in enumerate(strings):
                score.note(chan, 4 * bar + beat + j * spread / 4, dur, key, vel - 4 * j)


# ----------------------------------------------------------------------------------------------
# Tag vocabularies of the styles: tag -> probability that the crowd names it (before LABEL_DROP)

Tags = dict[str, float]
_CLASSICAL: Tags = {"classical": 0.95, "classic": 0.35}
_INSTRUMENTAL: Tags = {"no vocals": 0.45, "no vocal": 0.35, "no voice": 0.35, "instrumental": 0.06,
                       "no singing": 0.04, "no singer": 0.03}
_FEMALE: Tags = {"vocal": 0.9, "female": 0.9, "singing": 0.65, "vocals": 0.6, "woman": 0.6,
                 "voice": 0.45, "female vocal": 0.5, "female voice": 0.5, "female singer": 0.2,
                 "female vocals": 0.2, "woman singing": 0.1, "women": 0.05, "girl": 0.05}
_MALE: Tags = {"vocal": 0.9, "male": 0.9, "singing": 0.65, "vocals": 0.6, "man": 0.6,
               "voice": 0.45, "male vocal": 0.5, "male voice": 0.5, "male singer": 0.2,
               "male vocals": 0.2, "man singing": 0.1, "men": 0.05}
_LEVEL_TAGS: dict[str, Tags] = {"quiet": {"quiet": 0.8, "soft": 0.6, "calm": 0.05},
                                "medium": {}, "loud": {"loud": 0.85}}


def _merge(*tag_sets: Mapping[str, float]) -> Tags:
    out: Tags = {}
    for tags in tag_sets:
        for tag, p in tags.items():
            out[tag] = max(out.get(tag, 0.0), p)
    return out


def _tempo_tags(bpm: float) -> Tags:
    return {"fast": 0.85} if bpm >= 120 else {"slow": 0.85} if bpm <= 84 else {}


def _level(rng: np.random.Generator, quiet: float, loud: float) -> str:
    r = rng.random()
    return "quiet" if r < quiet else "loud" if r < quiet + loud else "medium"


def _bpm(rng: np.random.Generator, slow: tuple[int, int], fast: tuple[int, int], p_fast: float) -> float:
    lo, hi = fast if rng.random() < p_fast else slow
    return float(rng.integers(lo, hi + 1))


def _singer(score: Score, chan: int, h: Harmony, gender: str, rhythms: str = "medium",
            vibrato: float = 0.35) -> Tags:
    """A solo voice line (voice oohs / choir aahs): high register female, low register male."""
    rng = score.rng
    preset = _pick(rng, (53, 53, 52)) if gender == "female" else _pick(rng, (52, 52, 53))
    lo, hi = (65, 84) if gender == "female" else (45, 64)
    score.instrument(chan, preset, volume=120)
    score.vibrato[chan] = (float(rng.uniform(5.0, 6.2)), vibrato)
    _melody(score, chan, h, lo, hi, 105, rhythms, legato=1.0, rest_p=0.12, leap_p=0.1)
    return dict(_FEMALE if gender == "female" else _MALE)


# ----------------------------------------------------------------------------------------------
# Styles: each composes a Score and returns (score, tag probabilities, loudness class)

Composed = tuple[Score, Tags, str]


def _style_strings(rng: np.random.Generator) -> Composed:
    bpm = _bpm(rng, (52, 76), (120, 152), 0.45)
    s, fast = Score(rng, bpm), bpm >= 120
    h = _harmony(rng, ("major", "minor", "harmonic"), bars_per_chord=1 if fast else 2)
    tags = _merge(_CLASSICAL, {"strings": 0.9, "string": 0.1, "violins": 0.1}, _tempo_tags(bpm),
                  _INSTRUMENTAL)
    ensemble = rng.random() < 0.6
    if ensemble:
        s.instrument(1, _pick(rng, (48, 49, 44)) if fast else _pick(rng, (48, 49)), volume=90)
        _chords(s, 1, h, 52, 72, 70, hit=1.0 if fast else 4.0, legato=0.9 if fast else 1.05)
        tags = _merge(tags, {"orchestral": 0.15, "orchestra": 0.1})
    else:  # string quartet: viola inner voice
        s.instrument(1, 41, volume=90)
        _arpeggio(s, 1, h, 55, 72, 70, (0, 2, 1, 2), 1.0 if not fast else 0.5, legato=1.0)
        tags = _merge(tags, {"viola": 0.2})
    s.instrument(0, 40, volume=110, pan=50)
    s.vibrato[0] = (5.5, 0.18)
    _melody(s, 0, h, 67, 91, 100, "busy" if fast else "long", legato=0.95)
    tags = _merge(tags, {"violin": 0.85, "fiddle": 0.05})
    if rng.random() < 0.85:
        s.instrument(2, 42, volume=105, pan=80)
        if fast:
            _bassline(s, 2, h, 95, [(i / 2, 0.45, 12 * (i % 2)) for i in range(8)], lo=36)
        else:
            _melody(s, 2, h, 40, 60, 90, "long", legato=1.0, rest_p=0.0)
        tags = _merge(tags, {"cello": 0.9})
    level = _level(rng, quiet=0.6 if not fast else 0.15, loud=0.0 if not fast else 0.3)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_piano(rng: np.random.Generator) -> Composed:
    bpm = _bpm(rng, (54, 80), (120, 160), 0.45)
    s, fast = Score(rng, bpm), bpm >= 120
    h = _harmony(rng, ("major", "minor", "harmonic"), bars_per_chord=1 if fast or rng.random() < 0.5 else 2)
    s.instrument(0, _pick(rng, (0, 0, 1)), volume=110)
    s.instrument(1, s.channels[0][1], volume=95)
    _melody(s, 0, h, 64, 88, 95 if fast else 80, "busy" if fast else _pick(rng, ("long", "medium")))
    if fast:
        _arpeggio(s, 1, h, 43, 62, 80, (0, 2, 1, 2), 0.5, legato=0.9)  # Alberti bass
    else:
        _arpeggio(s, 1, h, 36, 60, 62, (0, 2, 4, 5, 4, 2), 2 / 3, legato=2.5)  # nocturne, pedal
    tags = _merge({"piano": 0.95, "solo": 0.5, "piano solo": 0.25, "classical": 0.8, "classic": 0.3},
                  _tempo_tags(bpm), _INSTRUMENTAL)
    level = _level(rng, quiet=0.6 if not fast else 0.1, loud=0.0 if not fast else 0.25)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_harpsichord(rng: np.random.Generator) -> Composed:
    bpm = float(rng.integers(70, 131))
    s = Score(rng, bpm, humanize=0.003)
    h = _harmony(rng, ("major", "minor", "harmonic"))
    s.instrument(0, 6, volume=110, pan=54)
    s.instrument(1, 6, volume=100, pan=74)
    if rng.random() < 0.5:  # prelude-style broken chords in 16ths
        _arpeggio(s, 0, h, 60, 86, 95, _pick(rng, ((0, 1, 2, 3, 2, 1, 2, 3), (0, 2, 4, 2, 1, 3, 5, 3))),
                  0.25, legato=1.0)
    else:
        _melody(s, 0, h, 62, 86, 95, "busy", legato=0.85, rest_p=0.02)
    _bassline(s, 1, h, 90, [(0, 0.45, 0), (0.5, 0.45, 12), (1, 0.45, 7), (1.5, 0.45, 12),
                            (2, 0.45, 0), (2.5, 0.45, 12), (3, 0.45, 7), (3.5, 0.45, 4)], lo=36)
    tags = _merge({"harpsichord": 0.95, "harpsicord": 0.1, "baroque": 0.5, "medieval": 0.05,
                   "classical": 0.95, "classic": 0.35}, _tempo_tags(bpm), _INSTRUMENTAL)
    if rng.random() < 0.3:
        s.instrument(2, 48, volume=75)
        _chords(s, 2, h, 55, 72, 60)
        tags = _merge(tags, {"strings": 0.6})
    level = _level(rng, quiet=0.2, loud=0.1)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_rock(rng: np.random.Generator) -> Composed:
    metal = rng.random() < 0.45
    bpm = float(rng.integers(150, 191) if metal else rng.integers(96, 161))
    s = Score(rng, bpm, humanize=0.004)
    modes = ("minor", "phrygian", "harmonic") if metal else ("major", "mixolydian", "minor", "dorian")
    h = _harmony(rng, modes, tonic_lo=52, tonic_hi=59)
    s.drum_kit(_pick(rng, (0, 16, 8)), volume=110)
    guitar = 30 if metal else _pick(rng, (29, 30, 29))
    s.instrument(0, guitar, volume=105, pan=40)
    s.instrument(2, _pick(rng, (33, 34)), volume=105)
    for bar in range(s.bars):  # power chords (root, fifth, octave)
        root = h.bass(bar, 40)
        chug = metal or rng.random() < 0.6
        for i in range(16 if metal else 8 if chug else 2):
            step = 4 / (16 if metal else 8 if chug else 2)
            for off in (0, 7, 12):
                s.note(0, 4 * bar + i * step, step * (0.6 if chug else 1.0), root + off, 100)
    _bassline(s, 2, h, 100, [(i / 2, 0.45, 0) for i in range(8)], lo=28)
    if metal:
        _drums(s, {36: "x" * 16, 38: "....x.......x...", 51: "x.o.x.o.x.o.x.o."}, fill=True, crash=True)
    else:
        _drums(s, {36: "x.......x.x.....", 38: "....x.......x...", 42: "x.o.x.o.x.o.x.o."},
               fill=True, crash=True)
    tags = _merge({"rock": 0.95, "guitar": 0.95, "electric guitar": 0.4, "electric": 0.1, "drums": 0.7,
                   "guitars": 0.1, "not classical": 0.05}, _tempo_tags(bpm))
    if metal:
        tags = _merge(tags, {"metal": 0.9, "heavy metal": 0.35, "hard rock": 0.25, "heavy": 0.3,
                             "hard": 0.1, "rock": 0.8})
    elif guitar == 30:
        tags = _merge(tags, {"hard rock": 0.3, "heavy": 0.1})
    r = rng.random()
    if r < 0.4:
        tags = _merge(tags, _singer(s, 4, h, "male"))
    elif r < 0.55:
        tags = _merge(tags, _singer(s, 4, h, "female"))
    else:
        tags = _merge(tags, _INSTRUMENTAL)
        if rng.random() < 0.6:  # lead guitar solo
            s.instrument(3, _pick(rng, (29, 30)), volume=115, pan=90)
            s.vibrato[3] = (6.0, 0.3)
            _melody(s, 3, h, 64, 88, 105, "busy", legato=0.9)
    level = _level(rng, quiet=0.0, loud=0.9 if metal else 0.6)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_techno(rng: np.random.Generator) -> Composed:
    bpm = float(rng.integers(122, 141))
    s = Score(rng, bpm, humanize=0.0)
    h = _harmony(rng, ("minor", "dorian", "phrygian"), bars_per_chord=int(_pick(rng, (1, 2, 4))),
                 tonic_lo=57, tonic_hi=64)
    s.drum_kit(_pick(rng, (24, 25)), volume=115)
    hats = "gggggggggggggggg" if rng.random() < 0.6 else "g.g.g.g.g.g.g.g."
    _drums(s, {36: "x...x...x...x...", 39: "....x.......x...", 46: "..o...o...o...o.", 42: hats},
           crash=rng.random() < 0.5)
    s.instrument(2, _pick(rng, (38, 39)), volume=110)
    offbeat = rng.random() < 0.5
    if offbeat:  # eighth-note off-beats
        bass = [(i + 0.5, 0.4, 0) for i in range(4)]
    else:  # sixteenth-note pulse with octave jumps
        bass = [(i / 4, 0.2, 12 * (i % 4 == 2)) for i in range(16)]
    _bassline(s, 2, h, 105, bass, lo=36)
    s.instrument(0, _pick(rng, (80, 81, 84, 87, 90)), volume=95, pan=50)
    _arpeggio(s, 0, h, 60, 84, 90, _pick(rng, ((0, 1, 2, 3), (0, 2, 1, 3, 2, 4), (0, 3, 1, 4, 2, 5, 3, 6))),
              0.25, legato=0.6)
    tags = _merge({"techno": 0.9, "electronic": 0.9, "synth": 0.55, "beat": 0.6, "beats": 0.6,
                   "drums": 0.35, "dance": 0.6, "electro": 0.2, "house": 0.1, "trance": 0.1,
                   "electronica": 0.15,
                   "repetitive": 0.1, "synthesizer": 0.1, "fast beat": 0.05, "not classical": 0.05},
                  _tempo_tags(bpm), _INSTRUMENTAL)
    if rng.random() < 0.5:
        s.instrument(1, _pick(rng, (89, 90, 94, 50)), volume=70)
        _chords(s, 1, h, 55, 72, 60)
    level = _level(rng, quiet=0.0, loud=0.65)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_ambient(rng: np.random.Generator) -> Composed:
    bpm = float(rng.integers(40, 61))
    s = Score(rng, bpm, humanize=0.02)
    h = _harmony(rng, ("major", "lydian", "minor", "dorian"), bars_per_chord=int(_pick(rng, (1, 2))))
    s.instrument(0, _pick(rng, (88, 89, 91, 94, 95)), volume=100)
    s.instrument(1, _pick(rng, (89, 92, 99, 50)), volume=85)
    _chords(s, 0, h, 48, 67, 70, extra=(6,), legato=1.15)
    _chords(s, 1, h, 60, 79, 55, hit=4.0, legato=1.1)
    tags = _merge({"ambient": 0.9, "new age": 0.5, "synth": 0.4, "electronic": 0.2, "spacey": 0.2,
                   "airy": 0.1, "space": 0.1, "drone": 0.1, "calm": 0.2, "soft": 0.4}, _tempo_tags(bpm),
                  _INSTRUMENTAL)
    if rng.random() < 0.5:  # sparse bell-like notes
        bell = _pick(rng, (8, 10, 11, 46, 98, 14))
        s.instrument(2, bell, volume=80)
        _melody(s, 2, h, 72, 96, 70, "long", legato=1.5, rest_p=0.4)
        if bell == 46:
            tags = _merge(tags, {"harp": 0.4})
        elif bell == 14:
            tags = _merge(tags, {"bells": 0.3, "chimes": 0.2})
    level = _level(rng, quiet=0.75, loud=0.0)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_choir(rng: np.random.Generator) -> Composed:
    bpm = float(rng.integers(50, 91))
    s = Score(rng, bpm, humanize=0.01)
    h = _harmony(rng, ("major", "minor", "dorian"), bars_per_chord=int(_pick(rng, (1, 2))))
    kind = _pick(rng, ("mixed", "mixed", "female", "male"))
    lo, hi = {"mixed": (43, 79), "female": (60, 84), "male": (38, 64)}[kind]
    preset = 53 if kind == "female" else 52
    s.instrument(0, preset, volume=110)
    s.instrument(1, preset, volume=115)
    s.vibrato[1] = (5.2, 0.15)
    mid = (lo + hi) // 2 + 2
    hit = _pick(rng, (1.0, 2.0, 4.0))
    _chords(s, 0, h, lo, mid, 85, hit=hit, legato=1.0)
    _melody(s, 1, h, mid + 1, hi, 95, "long" if hit == 4.0 else "medium", legato=1.0, rest_p=0.05)
    tags = _merge({"choir": 0.9, "choral": 0.75, "vocal": 0.6, "voices": 0.3, "singing": 0.4, "voice": 0.3,
                   "vocals": 0.3, "classical": 0.45, "chorus": 0.1}, _tempo_tags(bpm))
    if kind == "female":
        tags = _merge(tags, {t: 0.7 * p for t, p in _FEMALE.items()}, {"women": 0.2})
    elif kind == "male":
        tags = _merge(tags, {t: 0.7 * p for t, p in _MALE.items()},
                      {"men": 0.2, "monks": 0.15, "chant": 0.2, "chanting": 0.15, "deep": 0.1})
    if rng.random() < 0.3:
        s.instrument(2, _pick(rng, (19, 19, 16)), volume=80)
        _chords(s, 2, h, 36, 60, 70)
        tags = _merge(tags, {"organ": 0.5})
    level = _level(rng, quiet=0.45, loud=0.1)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_indian(rng: np.random.Generator) -> Composed:
    bpm = _bpm(rng, (64, 84), (120, 150), 0.5)
    s = Score(rng, bpm, humanize=0.008)
    scale = SCALES[_pick(rng, ("bhairav", "dorian", "phrygian", "lydian", "mixolydian"))]
    h = Harmony(int(rng.integers(57, 64)), scale, (0,), bars_per_chord=1)
    s.instrument(0, 104, volume=115, pan=60)
    s.instrument(1, 104, volume=70, pan=70)
    _melody(s, 0, h, h.tonic - 5, h.tonic + 19, 100, "busy" if bpm >= 120 else "medium",
            legato=1.4, leap_p=0.08)
    for t, _dur, chan, _key, _vel in list(s.notes):  # meend: occasional glides into a note
        if chan == 0 and rng.random() < 0.2:
            s.slide(0, t / s.spb, float(rng.choice((-1.0, 1.0))), 0.12)
    for bar in range(s.bars):  # tanpura-like drone: Pa Sa Sa Sa
        for i, off in enumerate((-5, 0, 0, -12)):
            s.note(1, 4 * bar + i, 1.5, h.tonic - 12 + off, 70)
    tags = _merge({"sitar": 0.85, "indian": 0.9, "eastern": 0.35, "india": 0.15, "world": 0.2,
                   "foreign": 0.1, "oriental": 0.05, "middle eastern": 0.05, "not english": 0.02},
                  _tempo_tags(bpm), _INSTRUMENTAL)
    if rng.random() < 0.7:  # tabla-like hand drums: a 16-step cycle of bongos and congas
        s.drum_kit(0, volume=100)
        cycle = {k: "".join(_pick(rng, "x.o.g.") if rng.random() < p else "." for _ in range(16))
                 for k, p in ((60, 0.5), (61, 0.35), (62, 0.3), (63, 0.25), (64, 0.35))}
        cycle[64] = "x" + cycle[64][1:]
        _drums(s, cycle)
        tags = _merge(tags, {"percussion": 0.2, "drums": 0.15, "tribal": 0.03})
    level = _level(rng, quiet=0.2, loud=0.15)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_flute(rng: np.random.Generator) -> Composed:
    bpm = _bpm(rng, (56, 84), (100, 126), 0.3)
    s = Score(rng, bpm, humanize=0.01)
    h = _harmony(rng, ("major", "minor", "dorian"), bars_per_chord=int(_pick(rng, (1, 2))))
    s.instrument(0, 73, volume=115)
    s.vibrato[0] = (5.0, 0.12)
    _melody(s, 0, h, 62, 91, 95, "medium" if bpm > 90 else _pick(rng, ("long", "medium")), legato=0.95)
    tags = _merge({"flute": 0.9, "flutes": 0.1, "woodwind": 0.1, "wind": 0.05, "airy": 0.1,
                   "classical": 0.6, "classic": 0.2}, _tempo_tags(bpm), _INSTRUMENTAL)
    accomp = _pick(rng, ("solo", "harp", "strings", "piano"))
    if accomp == "solo":
        tags = _merge(tags, {"solo": 0.6})
    elif accomp == "harp":
        s.instrument(1, 46, volume=90)
        _arpeggio(s, 1, h, 43, 67, 75, (0, 1, 2, 3, 4, 3, 2, 1), 0.5, legato=2.0)
        tags = _merge(tags, {"harp": 0.7})
    elif accomp == "strings":
        s.instrument(1, _pick(rng, (48, 49)), volume=80)
        _chords(s, 1, h, 48, 67, 60)
        tags = _merge(tags, {"strings": 0.6})
    else:
        s.instrument(1, 0, volume=85)
        _arpeggio(s, 1, h, 41, 62, 65, (0, 2, 1, 2), 1.0, legato=1.5)
        tags = _merge(tags, {"piano": 0.6})
    level = _level(rng, quiet=0.55, loud=0.0)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_country(rng: np.random.Generator) -> Composed:
    bpm = _bpm(rng, (76, 96), (120, 150), 0.5)
    s = Score(rng, bpm, humanize=0.006)
    h = _harmony(rng, ("major", "major", "mixolydian"), tonic_lo=55, tonic_hi=62)
    s.instrument(0, 25, volume=105, pan=50)
    s.instrument(2, 32, volume=100)
    for bar in range(s.bars):  # boom-chick: bass string on 1 and 3, strums on 2 and 4
        root = h.bass(bar, 40)
        s.note(0, 4 * bar, 0.9, root, 100)
        s.note(0, 4 * bar + 2, 0.9, root + 7, 95)
    _strum(s, 0, h, 85, [(1, 0.9, True), (3, 0.5, True), (3.5, 0.45, False)])
    _bassline(s, 2, h, 95, [(0, 0.9, 0), (2, 0.9, 7)], lo=36)
    tags = _merge({"country": 0.85, "guitar": 0.9, "acoustic guitar": 0.25, "acoustic": 0.15,
                   "folk": 0.15, "guitars": 0.05}, _tempo_tags(bpm))
    if rng.random() < 0.6:
        s.drum_kit(_pick(rng, (40, 32)), volume=90)
        _drums(s, {36: "x.......x.......", 38: "....o.......o...", 42: "o.g.o.g.o.g.o.g."})
        tags = _merge(tags, {"drums": 0.5})
    extra = rng.random()
    if extra < 0.35:
        s.instrument(3, 110, volume=105, pan=80)
        s.vibrato[3] = (5.5, 0.15)
        _melody(s, 3, h, 62, 86, 100, "busy" if bpm >= 120 else "medium")
        tags = _merge(tags, {"fiddle": 0.5, "violin": 0.35, "strings": 0.1})
    elif extra < 0.55:
        s.instrument(3, 105, volume=100, pan=80)
        _arpeggio(s, 3, h, 55, 79, 90, (0, 2, 4, 1, 3, 5, 2, 4), 0.25, legato=1.0)
        tags = _merge(tags, {"banjo": 0.6})
    r = rng.random()
    if r < 0.4:
        tags = _merge(tags, _singer(s, 4, h, "male"))
    elif r < 0.6:
        tags = _merge(tags, _singer(s, 4, h, "female"))
    else:
        tags = _merge(tags, _INSTRUMENTAL)
    level = _level(rng, quiet=0.15, loud=0.2)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_harp(rng: np.random.Generator) -> Composed:
    bpm = _bpm(rng, (56, 80), (100, 124), 0.35)
    s = Score(rng, bpm, humanize=0.008)
    h = _harmony(rng, ("major", "minor", "lydian"), bars_per_chord=int(_pick(rng, (1, 2))))
    s.instrument(0, 46, volume=115)
    s.instrument(1, 46, volume=100)
    _melody(s, 0, h, 67, 91, 95, _pick(rng, ("long", "medium")), legato=1.6)
    _arpeggio(s, 1, h, 36, 67, 80, _pick(rng, ((0, 1, 2, 3, 4, 5, 4, 3), (0, 2, 4, 6, 5, 3, 1, 2))),
              0.5 if bpm < 90 else 0.25, legato=3.0)
    tags = _merge({"harp": 0.9, "classical": 0.6, "classic": 0.2, "solo": 0.35, "strings": 0.05},
                  _tempo_tags(bpm), _INSTRUMENTAL)
    level = _level(rng, quiet=0.6, loud=0.0)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_pop(rng: np.random.Generator) -> Composed:
    bpm = float(rng.integers(88, 129))
    s = Score(rng, bpm, humanize=0.004)
    h = _harmony(rng, ("major", "major", "minor"), tonic_lo=57, tonic_hi=64)
    s.drum_kit(_pick(rng, (0, 8, 24)), volume=105)
    _drums(s, {36: "x.....x.x.......", 38: "....x.......x...", 42: "x.o.x.o.x.o.x.o."},
           fill=rng.random() < 0.5, crash=True)
    s.instrument(2, _pick(rng, (33, 34, 38)), volume=100)
    _bassline(s, 2, h, 100, [(0, 0.9, 0), (1.5, 0.4, 0), (2, 0.9, 0), (3, 0.5, 7), (3.5, 0.4, 12)], lo=36)
    tags = _merge({"pop": 0.8, "drums": 0.45, "beat": 0.3, "beats": 0.35, "happy": 0.1, "upbeat": 0.1,
                   "dance": 0.25, "not classical": 0.05}, _tempo_tags(bpm))
    accomp = _pick(rng, ("piano", "guitar", "synth"))
    if accomp == "piano":
        s.instrument(1, _pick(rng, (0, 1, 4)), volume=90)
        _chords(s, 1, h, 55, 74, 80, hit=1.0, legato=0.9)
        tags = _merge(tags, {"piano": 0.6})
    elif accomp == "guitar":
        s.instrument(1, _pick(rng, (27, 25)), volume=95)
        _strum(s, 1, h, 85, [(0, 1.4, True), (1.5, 0.9, True), (2.5, 0.5, False), (3, 1, True)])
        tags = _merge(tags, {"guitar": 0.7, "acoustic guitar": 0.1 if s.channels[1][1] == 25 else 0.0})
    else:
        s.instrument(1, _pick(rng, (89, 90, 62)), volume=85)
        _chords(s, 1, h, 55, 74, 75, hit=2.0)
        tags = _merge(tags, {"synth": 0.5, "electronic": 0.2})
    tags = _merge(tags, _singer(s, 4, h, "female" if rng.random() < 0.55 else "male"))
    level = _level(rng, quiet=0.05, loud=0.35)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_opera(rng: np.random.Generator) -> Composed:
    bpm = float(rng.integers(56, 97))
    s = Score(rng, bpm, humanize=0.01)
    h = _harmony(rng, ("major", "minor", "harmonic"), bars_per_chord=int(_pick(rng, (1, 2))))
    female = rng.random() < 0.6
    s.instrument(4, 53 if female or rng.random() < 0.5 else 52, volume=125)
    s.vibrato[4] = (float(rng.uniform(5.5, 6.5)), 0.6)
    lo, hi = (67, 91) if female else (50, 69)
    _melody(s, 4, h, lo, hi, 115, _pick(rng, ("long", "medium")), legato=1.0, rest_p=0.05)
    tags = _merge({"opera": 0.9, "operatic": 0.2, "classical": 0.75, "classic": 0.25, "vocal": 0.6,
                   "singing": 0.5, "voice": 0.3, "vocals": 0.3}, _tempo_tags(bpm))
    if female:
        tags = _merge(tags, {t: 0.7 * p for t, p in _FEMALE.items()},
                      {"soprano": 0.3, "female opera": 0.25})
    else:
        tags = _merge(tags, {t: 0.7 * p for t, p in _MALE.items()}, {"male opera": 0.25})
    if rng.random() < 0.7:
        s.instrument(1, _pick(rng, (48, 49)), volume=85)
        _chords(s, 1, h, 48, 70, 65, hit=_pick(rng, (1.0, 4.0)), legato=0.95)
        s.instrument(2, _pick(rng, (42, 43)), volume=95)
        _bassline(s, 2, h, 85, [(0, 1.9, 0), (2, 1.9, 7)], lo=36)
        tags = _merge(tags, {"strings": 0.3, "orchestral": 0.15, "orchestra": 0.1},
                      {"cello": 0.4} if s.channels[2][1] == 42 else {})
    else:
        s.instrument(1, 0, volume=90)
        _arpeggio(s, 1, h, 36, 67, 70, (0, 2, 4, 5, 4, 2), 2 / 3, legato=2.0)
        tags = _merge(tags, {"piano": 0.4})
    level = _level(rng, quiet=0.2, loud=0.3)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_weird(rng: np.random.Generator) -> Composed:
    s = Score(rng, 60.0, humanize=0.0)
    presets = [int(p) for p in rng.choice((96, 97, 98, 99, 101, 102, 103, 119, 121, 122, 123, 124, 125, 92,
                                           93, 55, 47, 14), size=3, replace=False)]
    tags: Tags = {"weird": 0.95, "strange": 0.25, "eerie": 0.2, "electronic": 0.3, "spacey": 0.15,
                  "different": 0.1, "scary": 0.05, "dark": 0.05, "noise": 0.1}
    for chan, preset in enumerate(presets):
        s.instrument(chan, preset, volume=int(rng.integers(80, 121)), pan=int(rng.integers(20, 108)))
        t = float(rng.uniform(0.0, 0.4))
        while t < CLIP_SECONDS:
            cluster = int(rng.integers(1, 4))
            base = int(rng.integers(36, 90))
            dur = float(rng.uniform(0.1, 3.0))
            for k in range(cluster):
                s.note(chan, t, dur, base + int(rng.integers(0, 7)) * (k > 0), int(rng.integers(60, 120)))
            if rng.random() < 0.3:
                s.slide(chan, t, float(rng.uniform(-2.0, 2.0)), dur, steps=12)
            t += float(rng.exponential(1.2))
    tags = _merge(tags, {"birds": 0.6} if 123 in presets else {}, {"water": 0.3} if 122 in presets else {},
                  {"noise": 0.3} if {121, 122, 124, 125} & set(presets) else {}, _INSTRUMENTAL)
    level = _level(rng, quiet=0.3, loud=0.2)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_guitar(rng: np.random.Generator) -> Composed:
    bpm = _bpm(rng, (56, 84), (110, 140), 0.4)
    s = Score(rng, bpm, humanize=0.008)
    h = _harmony(rng, ("minor", "harmonic", "major", "phrygian"), tonic_lo=55, tonic_hi=62)
    s.instrument(0, 24, volume=115)
    s.instrument(1, 24, volume=100)
    _melody(s, 0, h, 64, 84, 95, "medium" if bpm < 100 else "busy", legato=1.2)
    _arpeggio(s, 1, h, 40, 62, 80, (0, 3, 2, 4, 1, 3, 2, 4), 0.5, legato=2.0)  # p-i-m-a picking
    tags = _merge({"guitar": 0.9, "classical guitar": 0.35, "acoustic guitar": 0.2, "acoustic": 0.1,
                   "classical": 0.6, "classic": 0.2, "solo": 0.4, "spanish": 0.1, "plucking": 0.05},
                  _tempo_tags(bpm), _INSTRUMENTAL)
    level = _level(rng, quiet=0.5, loud=0.0)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


#: Style name -> composer. The order fixes which clip gets which style (see :func:`style_of`).
STYLES: dict[str, Callable[[np.random.Generator], Composed]] = {
    "strings": _style_strings, "piano": _style_piano, "harpsichord": _style_harpsichord,
    "rock": _style_rock, "techno": _style_techno, "ambient": _style_ambient, "choir": _style_choir,
    "indian": _style_indian, "flute": _style_flute, "country": _style_country, "harp": _style_harp,
    "pop": _style_pop, "opera": _style_opera, "weird": _style_weird, "guitar": _style_guitar,
}


# ----------------------------------------------------------------------------------------------
# Clips: composition, labels, names


@dataclasses.dataclass
class Composition:
    """One clip's music before rendering: its style, score, tag probabilities and loudness."""

    style: str
    score: Score
    tag_probs: Tags
    level: str


def folder_of(index: int) -> str:
    """Audio folder of the index-th clip: round-robin over 0..f."""
    return FOLDERS[index % len(FOLDERS)]


def style_of(index: int) -> str:
    """Style of the index-th clip.

    ``(index + index // 16) % n_styles`` walks every folder through all styles (17 and the 15
    styles are coprime), so the folder split's train, valid and test parts each see every style.
    """
    names = list(STYLES)
    return names[(index + index // len(FOLDERS)) % len(names)]


def _rng(seed: int, index: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index, stream)))


def compose(seed: int, index: int) -> Composition:
    """Compose the index-th clip of the data set with this seed (deterministic, no rendering)."""
    style = style_of(index)
    score, probs, level = STYLES[style](_rng(seed, index, _MUSIC))
    unknown = sorted(set(probs) - set(MTAT_TAGS))
    if unknown:
        raise ValueError(f"style {style!r} uses tags outside MTAT_TAGS: {unknown}")
    return Composition(style, score, probs, level)


def draw_labels(seed: int, index: int, tag_probs: Mapping[str, float]) -> list[str]:
    """The crowd's tags of a clip: each tag kept with ``p * (1 - LABEL_DROP)``, in MTAT_TAGS order."""
    rng = _rng(seed, index, _LABELS)
    return [t for t in MTAT_TAGS if t in tag_probs and rng.random() < tag_probs[t] * (1 - LABEL_DROP)]


_FIRST = ("john", "mary", "anna", "peter", "lisa", "mark", "elena", "david", "sarah", "paul", "maria",
          "james", "nina", "omar", "ravi", "yuki", "tom", "clara", "lucas", "ines", "ali", "sofia")
_LAST = ("smith", "miller", "garcia", "ross", "lee", "young", "wood", "stone", "berg", "shankar",
         "novak", "kelly", "moreau", "tanaka", "brown", "silva", "fischer", "walsh", "ray", "costa")
_ADJ = ("electric", "silent", "golden", "broken", "wild", "blue", "dark", "lost", "velvet", "hollow",
        "crystal", "iron", "paper", "northern", "quiet", "neon", "ancient", "little", "bright")
_NOUN = ("lights", "echoes", "rivers", "machines", "wolves", "shadows", "giants", "circuits", "dreams",
         "gardens", "voices", "waves", "mountains", "strangers", "engines", "birds", "roads", "stars")
_WORDS = ("morning", "rain", "city", "dream", "fire", "night", "river", "song", "dance", "light",
          "heart", "road", "sky", "winter", "summer", "ocean", "home", "time", "shadow", "gold",
          "moon", "train", "window", "garden", "storm", "mirror", "journey", "silence", "wind")
_FORMS = ("sonata", "prelude", "nocturne", "fugue", "suite", "concerto", "etude", "aria", "partita",
          "fantasia", "invention", "rondo", "raga", "chorale", "motet", "serenade")
_ENSEMBLES = ("ensemble", "quartet", "consort", "soloists", "trio", "orchestra", "players", "choir")
_KEYS = ("c", "d", "e", "f", "g", "a", "b", "c_sharp", "e_flat", "b_flat", "f_sharp")
_CLASSICAL_STYLES = {"strings", "piano", "harpsichord", "choir", "flute", "harp", "opera", "guitar",
                     "indian"}


def _clip_name(rng: np.random.Generator, style: str, track: int) -> tuple[str, str, str]:
    """(artist, album, title) in MTAT's style: lowercase ascii words joined by underscores."""
    if style in _CLASSICAL_STYLES:
        artist = (f"{_pick(rng, _FIRST)}_{_pick(rng, _LAST)}" if rng.random() < 0.6
                  else f"{_pick(rng, _LAST)}_{_pick(rng, _ENSEMBLES)}")
        form = _pick(rng, _FORMS)
        album = (f"{form}s_and_{_pick(rng, _FORMS)}s" if rng.random() < 0.5
                 else f"{_pick(rng, _WORDS)}_{form}s")
        mode, movement = _pick(rng, ("major", "minor")), _pick(rng, ("i", "ii", "iii", "iv"))
        title = f"{form}_in_{_pick(rng, _KEYS)}_{mode}_{movement}"
    else:
        if rng.random() < 0.6:
            artist = f"{'the_' if rng.random() < 0.4 else ''}{_pick(rng, _ADJ)}_{_pick(rng, _NOUN)}"
        else:
            artist = f"{_pick(rng, _FIRST)}_{_pick(rng, _LAST)}"
        album = "_".join(_pick(rng, _WORDS) for _ in range(int(rng.integers(1, 4))))
        title = "_".join(_pick(rng, _WORDS) for _ in range(int(rng.integers(1, 4))))
    return artist, album, f"{track:02d}-{title}"


def _segment(k: int) -> str:
    """MTAT's start-end seconds of the k-th 29.1 s segment of a track: 0-29, 30-59, 59-88, ..."""
    start = int(math.ceil(k * 29.124))
    return f"{start}-{start + 29}"


@dataclasses.dataclass(frozen=True)
class _Job:
    index: int
    clip_id: int
    mp3_path: str  # relative, "<folder>/<file>.mp3"
    fault: str | None


def _plan(clips: int, seed: int, faults: bool) -> list[_Job]:
    """Clip ids, paths and fault kinds of all rows (deterministic; no audio)."""
    kinds: list[str | None] = [None] * clips + (list(FAULT_KINDS) if faults else [])
    jobs, used, clip_id = [], set(), 2
    for index, fault in enumerate(kinds):
        rng = _rng(seed, index, _NAMES)
        if index:
            clip_id += int(rng.integers(1, 6))
        track = int(rng.integers(1, 13))
        artist, album, title = _clip_name(rng, style_of(index), track)
        segment = _segment(int(rng.integers(0, 10)))
        path = f"{folder_of(index)}/{artist}-{album}-{title}-{segment}.mp3"
        while path in used:  # vanishingly rare; resolved deterministically
            track += 1
            artist, album, title = _clip_name(rng, style_of(index), track)
            path = f"{folder_of(index)}/{artist}-{album}-{title}-{segment}.mp3"
        used.add(path)
        jobs.append(_Job(index, clip_id, path, fault))
    return jobs


# ----------------------------------------------------------------------------------------------
# Workers

_WORKER: dict[str, object] = {}
#: What a web server returns for a missing file; has no 0xFF byte, so no MP3 frame sync.
_NOT_AUDIO = ("<html><head><title>404 Not Found</title></head>\n"
              "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p>"
              "</body></html>\n")


def _init_worker(sf2_path: str, out_dir: str, seed: int) -> None:
    """Pool initializer: read the soundfont once per process."""
    _WORKER.update(sf2=Path(sf2_path).read_bytes(), out=Path(out_dir), seed=seed)


def _make_clip(job: _Job) -> tuple[int, list[str], str]:
    """Compose, render and write one clip (or its fault); returns (index, tags, style)."""
    import soundfile as sf

    seed, out = int(_WORKER["seed"]), _WORKER["out"]
    comp = compose(seed, job.index)
    path = out / job.mp3_path
    path.unlink(missing_ok=True)
    if job.fault in (None, "truncated"):
        audio = _master(_render(comp.score, _WORKER["sf2"]), comp.level, _rng(seed, job.index, _LEVEL))
        sf.write(str(path), audio, SAMPLE_RATE, format="MP3", subtype="MPEG_LAYER_III",
                 compression_level=MP3_COMPRESSION_LEVEL, bitrate_mode=MP3_BITRATE_MODE)
        if job.fault == "truncated":
            data = path.read_bytes()
            path.write_bytes(data[:int(len(data) * TRUNCATE_FRACTION)])
    elif job.fault == "empty":
        path.write_bytes(b"")
    elif job.fault == "not_audio":
        path.write_text(_NOT_AUDIO)
    elif job.fault != "missing":
        raise ValueError(f"unknown fault kind {job.fault!r}")
    return job.index, draw_labels(seed, job.index, comp.tag_probs), comp.style


def _run(jobs: Sequence[_Job], init_args: tuple[str, str, int], workers: int,
         progress: bool) -> Iterator[tuple[int, list[str], str]]:
    """Render the jobs in order, in-process (1 worker) or in spawned worker processes."""
    try:
        from tqdm import tqdm
    except ModuleNotFoundError:  # progress is optional
        def tqdm(it, **_kw):  # type: ignore[no-redef]
            return it
    bar = dict(total=len(jobs), disable=not progress, unit="clip", desc="rendering sample clips")
    if workers <= 1:
        _init_worker(*init_args)
        yield from tqdm(map(_make_clip, jobs), **bar)
        return
    # spawn, not fork: callers (e.g. the local pipeline runner) may already run TF/Beam threads.
    # A ProcessPoolExecutor rather than multiprocessing.Pool: a worker that fails to start
    # (import error, bad soundfont) raises BrokenProcessPool instead of being respawned forever.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=init_args) as pool:
        yield from tqdm(pool.map(_make_clip, jobs), **bar)


def generate(out_dir: str | Path, clips: int = 300, seed: int = 0, faults: bool = False,
             workers: int | None = None, progress: bool = True) -> dict:
    """Write a sample data set in the MTAT layout to ``out_dir``.

    Args:
      out_dir: output directory (created; existing clips of the same names are overwritten).
      clips: number of good clips.
      seed: non-negative integer; the whole output is a function of it.
      faults: also add one row each of an empty, a truncated, a non-audio and a missing MP3
        (after the good clips, in distinct folders), listed in ``faults.json``.
      workers: rendering processes (default ``os.cpu_count()``); the output does not depend on it.
      progress: show a tqdm progress bar.

    Returns:
      ``{"clips": rows in the CSV, "good": good clips, "faults": {clip_id: kind},
      "styles": {clip_id: style}, "seconds": wall time}``.
    """
    start = time.perf_counter()
    if clips < 1 or seed < 0:
        raise ValueError(f"need clips >= 1 and seed >= 0, got clips={clips}, seed={seed}")
    sf2 = find_soundfont()
    out = Path(out_dir)
    for folder in FOLDERS:
        (out / folder).mkdir(parents=True, exist_ok=True)
    jobs = _plan(clips, seed, faults)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    labels: dict[int, list[str]] = {}
    styles: dict[int, str] = {}
    for index, tags, style in _run(jobs, (str(sf2), str(out), seed), workers, progress):
        labels[index], styles[jobs[index].clip_id] = tags, style

    column = {t: i for i, t in enumerate(MTAT_TAGS)}
    partial = out / (ANNOTATIONS_FILE + ".partial")  # the CSV appears only when complete
    with open(partial, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow([CLIP_ID_COLUMN, *MTAT_TAGS, PATH_COLUMN])
        for job in jobs:
            row = ["0"] * len(MTAT_TAGS)
            for tag in labels[job.index]:
                row[column[tag]] = "1"
            writer.writerow([str(job.clip_id), *row, job.mp3_path])
    os.replace(partial, out / ANNOTATIONS_FILE)
    fault_rows = {job.clip_id: job.fault for job in jobs if job.fault}
    faults_file = out / FAULTS_FILE
    if faults:
        faults_file.write_text(json.dumps({str(k): v for k, v in fault_rows.items()}, indent=1) + "\n")
    else:
        faults_file.unlink(missing_ok=True)
    return {"clips": len(jobs), "good": clips, "faults": fault_rows, "styles": styles,
            "seconds": time.perf_counter() - start}


def main(argv: Sequence[str] | None = None) -> int:
    """The CLI: flags -> :func:`generate`, then a one-line summary; returns the exit code."""
    p = argparse.ArgumentParser(prog="python -m mtat.sample_data", description=__doc__.split("\n")[0])
    p.add_argument("out", help="output directory")
    p.add_argument("--clips", type=int, default=300, help="number of good clips (default 300)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--faults", action="store_true",
                   help="also add an empty, a truncated, a non-audio and a missing MP3")
    p.add_argument("--workers", type=int, default=None, help="rendering processes (default: all CPUs)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = p.parse_args(argv)
    try:
        s = generate(args.out, clips=args.clips, seed=args.seed, faults=args.faults,
                     workers=args.workers, progress=not args.no_progress)
    except (ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {s['clips']} rows ({s['good']} good clips, {len(s['faults'])} faults) to "
          f"{os.path.join(args.out, ANNOTATIONS_FILE)} in {s['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
