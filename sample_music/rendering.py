"""Rendering of the sample clips: the General MIDI soundfont, scores, synthesis with
``tinysoundfont``, loudness mastering, and MTAT's MP3 encoding (16 kHz mono, 32 kbps, 29.124 s)."""
from __future__ import annotations

import math
from pathlib import Path
from types import ModuleType

import numpy as np

#: Output sample rate and clip length of MTAT (29.124 s = 465,984 samples at 16 kHz).
SAMPLE_RATE = 16_000
CLIP_SAMPLES = 465_984
CLIP_SECONDS = CLIP_SAMPLES / SAMPLE_RATE
#: tinysoundfont renders here (linear interpolation), then soxr band-limits down to 16 kHz.
RENDER_RATE = 22_050
#: libsndfile maps compression level c to a LAME bitrate of int(8 + (1 - c) * 152) kbps at
#: 16 kHz: this is 32 kbps, as MTAT. ABR, not CBR: an ABR file gets a LAME gapless header and
#: decodes to exactly CLIP_SAMPLES, a CBR one decodes 1,152 samples (72 ms) longer.
MP3_COMPRESSION_LEVEL = 1.0 - 24.5 / 152.0
MP3_BITRATE_MODE = "AVERAGE"
SOUNDFONT_NAME = "TimGM6mb.sf2"
#: The General MIDI percussion channel.
DRUM_CHANNEL = 9
#: Target RMS in dBFS of the loudness classes (:func:`master` adds +-2 dB).
LEVEL_DB = {"quiet": -31.0, "medium": -21.0, "loud": -13.0}
#: The repository's list of packages installed with ``pip --no-deps`` (tinysoundfont among them).
NODEPS_REQUIREMENTS = "requirements-nodeps.txt"


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


def load_tinysoundfont() -> ModuleType:
    """The ``tinysoundfont`` module; a missing one raises ModuleNotFoundError saying how to install it.

    It is not in setup.py: its metadata requires pyaudio (PortAudio), which rendering offline does not use.
    """
    try:
        import tinysoundfont
    except ModuleNotFoundError as err:
        raise ModuleNotFoundError(
            f"rendering the sample music needs tinysoundfont ({err}); it is installed without its declared "
            f"dependencies: pip install --no-deps -c constraints.txt -r {NODEPS_REQUIREMENTS}",
            name="tinysoundfont") from err
    return tinysoundfont


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
        self.channels[DRUM_CHANNEL] = (128, kit, volume, 64)

    def presets(self) -> set[int]:
        """Melodic presets that play at least one note."""
        used = {n[2] for n in self.notes}
        return {p for c, (bank, p, _, _) in self.channels.items() if bank == 0 and c in used}

    def has_drums(self) -> bool:
        return any(n[2] == DRUM_CHANNEL for n in self.notes)

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



def render(score: Score, sf2: bytes) -> np.ndarray:
    """Render a score to mono float32 at SAMPLE_RATE, exactly CLIP_SAMPLES long, unscaled."""
    import soxr

    tinysoundfont = load_tinysoundfont()

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


def master(x: np.ndarray, level: str, rng: np.random.Generator) -> np.ndarray:
    """Scale to the loudness class's RMS (+-2 dB) and soft-limit the peaks below full scale."""
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    if rms < 1e-6:
        raise RuntimeError("a sample clip rendered silent; the soundfont is missing presets")
    gain = 10 ** ((LEVEL_DB[level] + rng.uniform(-2.0, 2.0)) / 20) / rms
    return (0.97 * np.tanh(x * (gain / 0.97))).astype(np.float32)


def write_mp3(path: str | Path, audio: np.ndarray) -> None:
    """Encode a mastered clip as an MTAT MP3 (libsndfile's LAME, MP3_* settings, SAMPLE_RATE mono)."""
    import soundfile as sf

    sf.write(str(path), audio, SAMPLE_RATE, format="MP3", subtype="MPEG_LAYER_III",
             compression_level=MP3_COMPRESSION_LEVEL, bitrate_mode=MP3_BITRATE_MODE)
