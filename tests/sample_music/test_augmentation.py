"""Tests of sample_music.augmentation: determinism per (seed, clip), shape/level invariants, the
measured effect of the EQ, reverb, noise, compressor, limiter and codecs, and that augmented clips
keep their compositions and labels."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

import sample_music as sd
from mtat.annotations import ANNOTATIONS_FILE
from sample_music import augmentation as aug
from sample_music.generation import _AUGMENT, AUGMENT_STRENGTH, _rng

RATE = 16_000


def tone_mix(seconds: float = 4.0, seed: int = 0) -> np.ndarray:
    """A few harmonics with an amplitude envelope plus a little noise (a stand-in for music)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    x = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((220.0, 440.0, 660.0, 1320.0, 3000.0), 1))
    x = x * (0.6 + 0.4 * np.sin(2 * np.pi * 0.7 * t)) + 0.02 * rng.standard_normal(len(t))
    return (0.05 * x).astype(np.float32)


def band_db(x: np.ndarray, low: float, high: float) -> float:
    f, p = signal.welch(x, RATE, nperseg=2048)
    return float(10 * np.log10(p[(f >= low) & (f < high)].sum()))


def test_augment_is_deterministic_per_stream():
    x = tone_mix()
    a = aug.augment(x, RATE, _rng(0, 5, _AUGMENT))
    b = aug.augment(x, RATE, _rng(0, 5, _AUGMENT))
    assert np.array_equal(a, b)
    others = [aug.augment(x, RATE, _rng(seed, index, _AUGMENT)) for seed, index in ((1, 5), (0, 6), (0, 7))]
    assert sum(not np.array_equal(a, o) for o in others) >= 2


@pytest.mark.parametrize("strength", [0.5, 1.0, 2.5])
def test_augment_keeps_length_finite_and_peak(strength):
    x = tone_mix(3.0)
    seen = set()
    for index in range(16):
        y = aug.augment(x, RATE, _rng(3, index, _AUGMENT), strength)
        assert y.dtype == np.float32 and y.shape == x.shape
        assert np.isfinite(y).all() and np.abs(y).max() <= 1.0
        assert aug._rms(y) > 1e-3
        seen.add(np.array_equal(y * (aug._rms(x) / aug._rms(y)), x))
    assert False in seen
    assert np.array_equal(aug.augment(x, RATE, _rng(3, 0, _AUGMENT), 0.0), x)
    silent = np.zeros(1000, np.float32)
    assert np.array_equal(aug.augment(silent, RATE, _rng(3, 0, _AUGMENT)), silent)


def test_eq_spectral_effect():
    x = np.random.default_rng(1).standard_normal(8 * RATE).astype(np.float32) * 0.1
    low = aug.eq(x, RATE, lowpass_hz=2000.0)
    assert band_db(low, 4000, 7500) - band_db(x, 4000, 7500) < -30.0
    assert abs(band_db(low, 100, 1000) - band_db(x, 100, 1000)) < 1.0
    high = aug.eq(x, RATE, highpass_hz=300.0)
    assert band_db(high, 20, 75) - band_db(x, 20, 75) < -20.0
    dark = aug.eq(x, RATE, tilt_db=6.0)  # +3 dB lows, -3 dB highs
    assert band_db(dark, 30, 120) - band_db(x, 30, 120) == pytest.approx(3.0, abs=0.7)
    assert band_db(dark, 5000, 7500) - band_db(x, 5000, 7500) == pytest.approx(-3.0, abs=0.7)
    peaked = aug.eq(x, RATE, peak=(1000.0, 6.0, 2.0))
    assert band_db(peaked, 950, 1050) - band_db(x, 950, 1050) == pytest.approx(6.0, abs=0.8)


def test_reverb_decays_at_its_rt60():
    rng = np.random.default_rng(2)
    for rt60 in (0.4, 1.5):
        ir = aug.reverb_ir(RATE, rt60, rng, predelay_ms=0.0, damping_hz=None)
        assert np.sum(ir.astype(np.float64) ** 2) == pytest.approx(1.0, rel=1e-4)
        edc = 10 * np.log10(np.cumsum((ir.astype(np.float64) ** 2)[::-1])[::-1] + 1e-30)  # Schroeder
        t5, t25 = np.argmax(edc < -5) / RATE, np.argmax(edc < -25) / RATE
        assert 3 * (t25 - t5) == pytest.approx(rt60, rel=0.15)  # T20 x 3
    burst = np.zeros(3 * RATE, np.float32)
    burst[:RATE // 2] = np.random.default_rng(3).standard_normal(RATE // 2) * 0.1
    wet = aug.reverb(burst, RATE, rt60=1.0, wet=0.4, rng=rng, predelay_ms=0.0, damping_hz=None)
    after = lambda a, b: wet[RATE // 2 + int(a * RATE): RATE // 2 + int(b * RATE)]  # noqa: E731
    # after the burst the room rings on, 60 dB per RT60: 18 dB from 0.1-0.2 s to 0.4-0.5 s
    assert 20 * np.log10(aug._rms(after(0.1, 0.2)) / aug._rms(wet[:RATE // 2])) > -25.0
    assert 20 * np.log10(aug._rms(after(0.1, 0.2)) / aug._rms(after(0.4, 0.5))) == pytest.approx(18.0, abs=3.0)
    assert aug._rms(burst[RATE // 2:]) == 0.0


def test_noise_level_compressor_limiter_and_codecs():
    x = tone_mix()
    rng = np.random.default_rng(4)
    for kind in ("hiss", "hum", "room"):
        y = aug.noise(x, RATE, kind, 30.0, rng)
        assert 20 * np.log10(aug._rms(y - x) / aug._rms(x)) == pytest.approx(-30.0, abs=0.1)
    with pytest.raises(ValueError):
        aug.noise(x, RATE, "static", 30.0, rng)
    # alternating loud and soft seconds: the compressor narrows the gap, keeps the RMS
    steps = (np.repeat(np.tile([0.3, 0.03], 3), RATE) * np.sin(2 * np.pi * 440 * np.arange(6 * RATE) / RATE)
             ).astype(np.float32)
    squeezed = aug.compress(steps, RATE, threshold_db=-40.0, ratio=4.0)
    gap = lambda z: 20 * np.log10(aug._rms(z[RATE // 2:RATE]) / aug._rms(z[RATE + RATE // 2:2 * RATE]))  # noqa: E731
    assert gap(steps) == pytest.approx(20.0, abs=0.5) and gap(squeezed) < 12.0
    assert aug._rms(squeezed) == pytest.approx(aug._rms(steps), rel=1e-3)
    limited = aug.limit(x, RATE, drive_db=8.0, ceiling=0.9)
    assert np.abs(limited).max() <= 0.9 + 1e-6
    crest = lambda z: np.abs(z).max() / aug._rms(z)  # noqa: E731
    assert crest(limited) < 0.8 * crest(x)
    for kind, level in (("mp3", 1 - (64 - 8) / 152), ("vorbis", 0.5), ("opus", 0.88)):
        y = aug.codec(x, RATE, kind, level)
        assert y.shape == x.shape and y.dtype == np.float32
        assert np.corrcoef(x, y)[0, 1] > 0.95, kind  # same timing, little distortion at these rates


def test_augmented_clips_keep_labels_and_differ(tmp_path):
    """Same CSV (labels, names); a clip's MP3 differs exactly when its chain draws an effect."""
    plain, augmented = tmp_path / "plain", tmp_path / "augmented"
    sd.generate(plain, clips=4, seed=11, workers=1, progress=False, augment=False)
    sd.generate(augmented, clips=4, seed=11, workers=1, progress=False)  # the default: augmented
    assert (plain / ANNOTATIONS_FILE).read_text() == (augmented / ANNOTATIONS_FILE).read_text()
    files = [r.split("\t")[-1].strip('"') for r in (plain / ANNOTATIONS_FILE).read_text().splitlines()[1:]]
    assert sorted(files) == sorted(str(p.relative_to(augmented)) for p in augmented.rglob("*.mp3"))
    effects = [any(aug.chain(_rng(11, i, _AUGMENT), AUGMENT_STRENGTH).values()) for i in range(4)]
    assert sum(effects) >= 2
    assert [(plain / f).read_bytes() != (augmented / f).read_bytes() for f in files] == effects
    with pytest.raises(ValueError):
        sd.generate(tmp_path / "bad", clips=1, augment=True, augment_strength=0.0, progress=False)


def test_cli_switch(tmp_path, capsys):
    """``--no-augment`` writes the plain renderings, ``--augment`` (the default) the augmented ones."""
    plain = tmp_path / "plain"
    sd.generate(plain, clips=1, seed=12, workers=1, progress=False, augment=False)
    for flags, same in (([], False), (["--no-augment"], True), (["--augment", "--augment-strength", "1"], False)):
        out = tmp_path / ("cli" + "".join(flags))
        assert sd.main([str(out), "--clips", "1", "--seed", "12", "--workers", "1", "--no-progress", *flags]) == 0
        (mp3,) = out.rglob("*.mp3")
        assert (mp3.read_bytes() == (plain / mp3.relative_to(out)).read_bytes()) is same, flags
    assert sd.main([str(tmp_path / "bad"), "--clips", "1", "--augment-strength", "0"]) == 2
    assert "augment_strength" in capsys.readouterr().err
