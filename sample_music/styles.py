"""The music of the sample clips: harmony and melody helpers, accompaniment (chords, arpeggios,
basslines, drums, strums, a singer), the tag vocabularies and the 15 styles of :data:`STYLES`.

A style composes a :class:`~sample_music.rendering.Score` from a seeded generator and returns it
with the tag probabilities that follow from what it plays (instruments, tempo, voices, loudness).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from sample_music.rendering import CLIP_SECONDS, DRUM_CHANNEL, Score

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


def pick(rng: np.random.Generator, seq: Sequence):
    """A uniformly drawn element of ``seq``."""
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
    mode = pick(rng, modes)
    kind = "major" if SCALES[mode][2] == 4 else "minor"
    return Harmony(int(rng.integers(tonic_lo, tonic_hi + 1)), SCALES[mode],
                   pick(rng, _PROGRESSIONS[kind]), bars_per_chord)


def _melody(score: Score, chan: int, h: Harmony, lo: int, hi: int, vel: int, rhythms: str,
            legato: float = 0.9, rest_p: float = 0.08, leap_p: float = 0.15,
            bars: range | None = None) -> None:
    """A random-walk melody over the chords, as a phrase repeated with each harmony cycle."""
    rng = score.rng
    pool = _RHYTHMS[rhythms]
    motif = (pick(rng, pool), pick(rng, pool))
    d_lo, d_hi = h.degree_near(lo) + 1, h.degree_near(hi)
    d = (d_lo + d_hi) // 2
    phrase: list[list[tuple[float, float, int | None]]] = []
    for b in range(h.cycle):
        rhythm = motif[b % 2] if rng.random() > 0.2 else pick(rng, pool)
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
                    score.note(DRUM_CHANNEL, 4 * bar + i / 4, 0.25, key, vels[c])
        if fill and bar % 4 == 3:
            for i, key in enumerate((38, 38, 45, 45) if score.rng.random() < 0.5 else (48, 47, 45, 43)):
                score.note(DRUM_CHANNEL, 4 * bar + 3 + i / 4, 0.25, key, 100)
        if crash and bar % 4 == 0:
            score.note(DRUM_CHANNEL, 4 * bar, 1.0, 49, 100)


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
    preset = pick(rng, (53, 53, 52)) if gender == "female" else pick(rng, (52, 52, 53))
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
        s.instrument(1, pick(rng, (48, 49, 44)) if fast else pick(rng, (48, 49)), volume=90)
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
    s.instrument(0, pick(rng, (0, 0, 1)), volume=110)
    s.instrument(1, s.channels[0][1], volume=95)
    _melody(s, 0, h, 64, 88, 95 if fast else 80, "busy" if fast else pick(rng, ("long", "medium")))
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
        _arpeggio(s, 0, h, 60, 86, 95, pick(rng, ((0, 1, 2, 3, 2, 1, 2, 3), (0, 2, 4, 2, 1, 3, 5, 3))),
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
    s.drum_kit(pick(rng, (0, 16, 8)), volume=110)
    guitar = 30 if metal else pick(rng, (29, 30, 29))
    s.instrument(0, guitar, volume=105, pan=40)
    s.instrument(2, pick(rng, (33, 34)), volume=105)
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
            s.instrument(3, pick(rng, (29, 30)), volume=115, pan=90)
            s.vibrato[3] = (6.0, 0.3)
            _melody(s, 3, h, 64, 88, 105, "busy", legato=0.9)
    level = _level(rng, quiet=0.0, loud=0.9 if metal else 0.6)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_techno(rng: np.random.Generator) -> Composed:
    bpm = float(rng.integers(122, 141))
    s = Score(rng, bpm, humanize=0.0)
    h = _harmony(rng, ("minor", "dorian", "phrygian"), bars_per_chord=int(pick(rng, (1, 2, 4))),
                 tonic_lo=57, tonic_hi=64)
    s.drum_kit(pick(rng, (24, 25)), volume=115)
    hats = "gggggggggggggggg" if rng.random() < 0.6 else "g.g.g.g.g.g.g.g."
    _drums(s, {36: "x...x...x...x...", 39: "....x.......x...", 46: "..o...o...o...o.", 42: hats},
           crash=rng.random() < 0.5)
    s.instrument(2, pick(rng, (38, 39)), volume=110)
    offbeat = rng.random() < 0.5
    if offbeat:  # eighth-note off-beats
        bass = [(i + 0.5, 0.4, 0) for i in range(4)]
    else:  # sixteenth-note pulse with octave jumps
        bass = [(i / 4, 0.2, 12 * (i % 4 == 2)) for i in range(16)]
    _bassline(s, 2, h, 105, bass, lo=36)
    s.instrument(0, pick(rng, (80, 81, 84, 87, 90)), volume=95, pan=50)
    _arpeggio(s, 0, h, 60, 84, 90, pick(rng, ((0, 1, 2, 3), (0, 2, 1, 3, 2, 4), (0, 3, 1, 4, 2, 5, 3, 6))),
              0.25, legato=0.6)
    tags = _merge({"techno": 0.9, "electronic": 0.9, "synth": 0.55, "beat": 0.6, "beats": 0.6,
                   "drums": 0.35, "dance": 0.6, "electro": 0.2, "house": 0.1, "trance": 0.1,
                   "electronica": 0.15,
                   "repetitive": 0.1, "synthesizer": 0.1, "fast beat": 0.05, "not classical": 0.05},
                  _tempo_tags(bpm), _INSTRUMENTAL)
    if rng.random() < 0.5:
        s.instrument(1, pick(rng, (89, 90, 94, 50)), volume=70)
        _chords(s, 1, h, 55, 72, 60)
    level = _level(rng, quiet=0.0, loud=0.65)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_ambient(rng: np.random.Generator) -> Composed:
    bpm = float(rng.integers(40, 61))
    s = Score(rng, bpm, humanize=0.02)
    h = _harmony(rng, ("major", "lydian", "minor", "dorian"), bars_per_chord=int(pick(rng, (1, 2))))
    s.instrument(0, pick(rng, (88, 89, 91, 94, 95)), volume=100)
    s.instrument(1, pick(rng, (89, 92, 99, 50)), volume=85)
    _chords(s, 0, h, 48, 67, 70, extra=(6,), legato=1.15)
    _chords(s, 1, h, 60, 79, 55, hit=4.0, legato=1.1)
    tags = _merge({"ambient": 0.9, "new age": 0.5, "synth": 0.4, "electronic": 0.2, "spacey": 0.2,
                   "airy": 0.1, "space": 0.1, "drone": 0.1, "calm": 0.2, "soft": 0.4}, _tempo_tags(bpm),
                  _INSTRUMENTAL)
    if rng.random() < 0.5:  # sparse bell-like notes
        bell = pick(rng, (8, 10, 11, 46, 98, 14))
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
    h = _harmony(rng, ("major", "minor", "dorian"), bars_per_chord=int(pick(rng, (1, 2))))
    kind = pick(rng, ("mixed", "mixed", "female", "male"))
    lo, hi = {"mixed": (43, 79), "female": (60, 84), "male": (38, 64)}[kind]
    preset = 53 if kind == "female" else 52
    s.instrument(0, preset, volume=110)
    s.instrument(1, preset, volume=115)
    s.vibrato[1] = (5.2, 0.15)
    mid = (lo + hi) // 2 + 2
    hit = pick(rng, (1.0, 2.0, 4.0))
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
        s.instrument(2, pick(rng, (19, 19, 16)), volume=80)
        _chords(s, 2, h, 36, 60, 70)
        tags = _merge(tags, {"organ": 0.5})
    level = _level(rng, quiet=0.45, loud=0.1)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_indian(rng: np.random.Generator) -> Composed:
    bpm = _bpm(rng, (64, 84), (120, 150), 0.5)
    s = Score(rng, bpm, humanize=0.008)
    scale = SCALES[pick(rng, ("bhairav", "dorian", "phrygian", "lydian", "mixolydian"))]
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
        cycle = {k: "".join(pick(rng, "x.o.g.") if rng.random() < p else "." for _ in range(16))
                 for k, p in ((60, 0.5), (61, 0.35), (62, 0.3), (63, 0.25), (64, 0.35))}
        cycle[64] = "x" + cycle[64][1:]
        _drums(s, cycle)
        tags = _merge(tags, {"percussion": 0.2, "drums": 0.15, "tribal": 0.03})
    level = _level(rng, quiet=0.2, loud=0.15)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_flute(rng: np.random.Generator) -> Composed:
    bpm = _bpm(rng, (56, 84), (100, 126), 0.3)
    s = Score(rng, bpm, humanize=0.01)
    h = _harmony(rng, ("major", "minor", "dorian"), bars_per_chord=int(pick(rng, (1, 2))))
    s.instrument(0, 73, volume=115)
    s.vibrato[0] = (5.0, 0.12)
    _melody(s, 0, h, 62, 91, 95, "medium" if bpm > 90 else pick(rng, ("long", "medium")), legato=0.95)
    tags = _merge({"flute": 0.9, "flutes": 0.1, "woodwind": 0.1, "wind": 0.05, "airy": 0.1,
                   "classical": 0.6, "classic": 0.2}, _tempo_tags(bpm), _INSTRUMENTAL)
    accomp = pick(rng, ("solo", "harp", "strings", "piano"))
    if accomp == "solo":
        tags = _merge(tags, {"solo": 0.6})
    elif accomp == "harp":
        s.instrument(1, 46, volume=90)
        _arpeggio(s, 1, h, 43, 67, 75, (0, 1, 2, 3, 4, 3, 2, 1), 0.5, legato=2.0)
        tags = _merge(tags, {"harp": 0.7})
    elif accomp == "strings":
        s.instrument(1, pick(rng, (48, 49)), volume=80)
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
        s.drum_kit(pick(rng, (40, 32)), volume=90)
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
    h = _harmony(rng, ("major", "minor", "lydian"), bars_per_chord=int(pick(rng, (1, 2))))
    s.instrument(0, 46, volume=115)
    s.instrument(1, 46, volume=100)
    _melody(s, 0, h, 67, 91, 95, pick(rng, ("long", "medium")), legato=1.6)
    _arpeggio(s, 1, h, 36, 67, 80, pick(rng, ((0, 1, 2, 3, 4, 5, 4, 3), (0, 2, 4, 6, 5, 3, 1, 2))),
              0.5 if bpm < 90 else 0.25, legato=3.0)
    tags = _merge({"harp": 0.9, "classical": 0.6, "classic": 0.2, "solo": 0.35, "strings": 0.05},
                  _tempo_tags(bpm), _INSTRUMENTAL)
    level = _level(rng, quiet=0.6, loud=0.0)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_pop(rng: np.random.Generator) -> Composed:
    bpm = float(rng.integers(88, 129))
    s = Score(rng, bpm, humanize=0.004)
    h = _harmony(rng, ("major", "major", "minor"), tonic_lo=57, tonic_hi=64)
    s.drum_kit(pick(rng, (0, 8, 24)), volume=105)
    _drums(s, {36: "x.....x.x.......", 38: "....x.......x...", 42: "x.o.x.o.x.o.x.o."},
           fill=rng.random() < 0.5, crash=True)
    s.instrument(2, pick(rng, (33, 34, 38)), volume=100)
    _bassline(s, 2, h, 100, [(0, 0.9, 0), (1.5, 0.4, 0), (2, 0.9, 0), (3, 0.5, 7), (3.5, 0.4, 12)], lo=36)
    tags = _merge({"pop": 0.8, "drums": 0.45, "beat": 0.3, "beats": 0.35, "happy": 0.1, "upbeat": 0.1,
                   "dance": 0.25, "not classical": 0.05}, _tempo_tags(bpm))
    accomp = pick(rng, ("piano", "guitar", "synth"))
    if accomp == "piano":
        s.instrument(1, pick(rng, (0, 1, 4)), volume=90)
        _chords(s, 1, h, 55, 74, 80, hit=1.0, legato=0.9)
        tags = _merge(tags, {"piano": 0.6})
    elif accomp == "guitar":
        s.instrument(1, pick(rng, (27, 25)), volume=95)
        _strum(s, 1, h, 85, [(0, 1.4, True), (1.5, 0.9, True), (2.5, 0.5, False), (3, 1, True)])
        tags = _merge(tags, {"guitar": 0.7, "acoustic guitar": 0.1 if s.channels[1][1] == 25 else 0.0})
    else:
        s.instrument(1, pick(rng, (89, 90, 62)), volume=85)
        _chords(s, 1, h, 55, 74, 75, hit=2.0)
        tags = _merge(tags, {"synth": 0.5, "electronic": 0.2})
    tags = _merge(tags, _singer(s, 4, h, "female" if rng.random() < 0.55 else "male"))
    level = _level(rng, quiet=0.05, loud=0.35)
    return s, _merge(tags, _LEVEL_TAGS[level]), level


def _style_opera(rng: np.random.Generator) -> Composed:
    bpm = float(rng.integers(56, 97))
    s = Score(rng, bpm, humanize=0.01)
    h = _harmony(rng, ("major", "minor", "harmonic"), bars_per_chord=int(pick(rng, (1, 2))))
    female = rng.random() < 0.6
    s.instrument(4, 53 if female or rng.random() < 0.5 else 52, volume=125)
    s.vibrato[4] = (float(rng.uniform(5.5, 6.5)), 0.6)
    lo, hi = (67, 91) if female else (50, 69)
    _melody(s, 4, h, lo, hi, 115, pick(rng, ("long", "medium")), legato=1.0, rest_p=0.05)
    tags = _merge({"opera": 0.9, "operatic": 0.2, "classical": 0.75, "classic": 0.25, "vocal": 0.6,
                   "singing": 0.5, "voice": 0.3, "vocals": 0.3}, _tempo_tags(bpm))
    if female:
        tags = _merge(tags, {t: 0.7 * p for t, p in _FEMALE.items()},
                      {"soprano": 0.3, "female opera": 0.25})
    else:
        tags = _merge(tags, {t: 0.7 * p for t, p in _MALE.items()}, {"male opera": 0.25})
    if rng.random() < 0.7:
        s.instrument(1, pick(rng, (48, 49)), volume=85)
        _chords(s, 1, h, 48, 70, 65, hit=pick(rng, (1.0, 4.0)), legato=0.95)
        s.instrument(2, pick(rng, (42, 43)), volume=95)
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
