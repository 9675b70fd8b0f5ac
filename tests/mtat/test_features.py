import dataclasses

import librosa
import numpy as np
import pytest
import soundfile as sf

from mtat.audio import load_audio
from mtat.features import (
    MelConfig,
    clip_log_mel,
    decode_mel,
    encode_mel,
    fit_to_clip,
    hz_to_mel,
    log_mel,
    log_mel_fn,
    log_mel_numpy,
    mel_filterbank,
    mel_to_hz,
)

CFG = MelConfig()


def librosa_log_mel(y, cfg):
    """The seed paper's way (librosa), the reference our TF front-end must match."""
    mel = librosa.feature.melspectrogram(y=y, sr=cfg.sample_rate, n_fft=cfg.n_fft, hop_length=cfg.hop_length,
                                         n_mels=cfg.n_mels, power=2.0)
    return librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=None)


@pytest.fixture(scope="module")
def music_mp3(tmp_path_factory):
    """A real 16 kHz MP3 (chirp + chords + noise), 29.124 s like MTAT."""
    sr = 16000
    t = np.arange(int(29.124 * sr)) / sr
    rng = np.random.default_rng(0)
    y = 0.3 * np.sin(2 * np.pi * (100 + 150 * t) * t) + 0.1 * np.sin(2 * np.pi * 440 * t) * (t % 1 < 0.5)
    y = (y + 0.01 * rng.standard_normal(t.shape)).astype(np.float32)
    path = tmp_path_factory.mktemp("mp3") / "clip.mp3"
    sf.write(path, y, sr, format="MP3")
    return str(path)


def test_defaults_are_the_papers():
    assert (CFG.sample_rate, CFG.n_fft, CFG.hop_length, CFG.n_mels, CFG.n_frames) == (12000, 512, 256, 96, 1366)
    assert CFG.clip_samples == 1365 * 256 and abs(CFG.clip_seconds - 29.12) < 1e-9


def test_matches_librosa_on_a_decoded_mp3(music_mp3):
    y = load_audio(music_mp3, CFG.sample_rate)
    ref_y, _ = librosa.load(music_mp3, sr=CFG.sample_rate)  # librosa's own decode + soxr_hq resample
    assert abs(len(y) - len(ref_y)) <= 1
    n = min(len(y), len(ref_y))
    np.testing.assert_allclose(y[:n], ref_y[:n], atol=1e-4)
    ours = clip_log_mel(y, CFG)
    ref = librosa_log_mel(fit_to_clip(y, CFG), CFG)
    assert ours.shape == ref.shape == (96, 1366)
    loud = ref > -80
    assert loud.mean() > 0.5
    assert np.abs(ours - ref)[loud].max() < 0.01  # dB, float32 STFT
    assert np.abs(ours - ref).max() < 0.5


@pytest.mark.parametrize("changes", [{}, dict(sample_rate=16000, n_mels=64, n_fft=1024),
                                     dict(fmin=30.0, fmax=5000.0), dict(sample_rate=22050, n_mels=128, n_fft=2048)])
def test_filterbank_is_librosas_slaney_mel(changes):
    cfg = dataclasses.replace(CFG, **changes)
    ref = librosa.filters.mel(sr=cfg.sample_rate, n_fft=cfg.n_fft, n_mels=cfg.n_mels, fmin=cfg.fmin, fmax=cfg.fmax,
                              htk=False, norm="slaney")
    np.testing.assert_allclose(mel_filterbank(cfg), ref.T, rtol=1e-6, atol=1e-9)
    hz = np.array([0.0, 100.0, 999.0, 1000.0, 1001.0, 4000.0, 11025.0])
    np.testing.assert_allclose(hz_to_mel(hz), librosa.hz_to_mel(hz, htk=False), rtol=1e-12)
    np.testing.assert_allclose(mel_to_hz(hz_to_mel(hz)), hz, rtol=1e-12, atol=1e-9)


def test_numpy_log_mel_matches_librosa_and_the_tf_graph(music_mp3):
    """The Beam workers' TF-free log-mel: librosa within 0.01 dB, the TF graph to float32 rounding."""
    wave = fit_to_clip(load_audio(music_mp3, CFG.sample_rate), CFG)
    ours = log_mel_numpy(wave, CFG)
    ref = librosa_log_mel(wave, CFG)
    assert ours.shape == ref.shape == CFG.mel_shape and ours.dtype == np.float32
    loud = ref > -80
    assert np.abs(ours - ref)[loud].max() < 0.01
    graph = log_mel_fn(CFG)(wave).numpy()  # float32 FFTs of two libraries: equal where the signal is
    assert np.abs(ours - graph)[loud].max() < 0.005 and np.abs(ours - graph).max() < 0.05
    half = log_mel_numpy(wave, CFG, CFG.storage_dtype)
    assert half.dtype == np.float16
    np.testing.assert_array_equal(half, ours.astype(np.float16))


@pytest.mark.parametrize("n", [0, 1, 511, 512, 1000, 5000])
def test_numpy_log_mel_frames_and_other_configs(n):
    y = np.random.default_rng(n).standard_normal(n).astype(np.float32) * 0.1
    np.testing.assert_allclose(log_mel_numpy(y, CFG), log_mel(y, CFG), rtol=0, atol=1e-3)
    if n >= 1000:  # librosa warns on inputs shorter than its FFT
        cfg = dataclasses.replace(CFG, sample_rate=16000, n_mels=64, n_fft=1024, hop_length=512, n_frames=10)
        assert np.abs(log_mel_numpy(y, cfg) - librosa_log_mel(y, cfg)).max() < 0.01


@pytest.mark.parametrize("n", [0, 1, 511, 512, 1000, 349440, 400000])
def test_frames_and_fixed_window(n):
    y = np.random.default_rng(n).standard_normal(n).astype(np.float32) * 0.1
    assert log_mel(y, CFG).shape == (96, 1 + n // 256)
    assert clip_log_mel(y, CFG).shape == (96, 1366)


def test_silence_is_finite_floor():
    mel = clip_log_mel(np.zeros(1000, np.float32), CFG)
    assert np.isfinite(mel).all() and mel.min() == pytest.approx(-100.0)


def test_other_parameters_follow_the_config():
    cfg = dataclasses.replace(CFG, sample_rate=16000, n_mels=64, n_fft=1024, hop_length=512, n_frames=100)
    y = np.random.default_rng(1).standard_normal(cfg.clip_samples).astype(np.float32)
    ours = clip_log_mel(y, cfg)
    ref = librosa_log_mel(y, cfg)
    assert ours.shape == ref.shape == (64, 100)
    assert np.abs(ours - ref).max() < 0.01
    assert mel_filterbank(cfg).shape == (513, 64)


def test_batched_graph_equals_single():
    import tensorflow as tf

    from mtat.features import log_mel_graph

    y = np.random.default_rng(2).standard_normal((3, 5000)).astype(np.float32)
    batched = tf.function(lambda x: log_mel_graph(x, CFG))(y).numpy()
    for i in range(3):
        # Batched and single-clip FFTs take other kernels (AVX2 vs AVX-512, thread splits): the
        # last float32 bits differ (up to 1.9e-6 dB seen on AVX2), so compare with a tolerance.
        np.testing.assert_allclose(batched[i], log_mel_fn(CFG)(y[i]).numpy(), rtol=0, atol=1e-4)


def test_storage_dtype_graph_is_the_rounded_float32_mel(music_mp3):
    """The cast inside the graph (what AudioExampleGen stores) = the float32 mel rounded to float16."""
    wave = fit_to_clip(load_audio(music_mp3, CFG.sample_rate), CFG)
    full = log_mel_fn(CFG)(wave).numpy()
    half = log_mel_fn(CFG, CFG.storage_dtype)(wave).numpy()
    assert full.dtype == np.float32 and half.dtype == np.float16 and half.shape == full.shape == CFG.mel_shape
    step = np.spacing(np.abs(full).astype(np.float16)).astype(np.float32)  # one float16 step at each value
    assert (np.abs(half.astype(np.float32) - full) <= 0.5 * step + 1e-5).all()  # rounded to nearest
    assert len(encode_mel(half, CFG)) == 96 * 1366 * 2
    np.testing.assert_allclose(decode_mel(encode_mel(half, CFG), CFG), librosa_log_mel(wave, CFG), atol=0.07)


def test_encode_decode_roundtrip():
    mel = clip_log_mel(np.random.default_rng(3).standard_normal(CFG.clip_samples).astype(np.float32), CFG)
    back = decode_mel(encode_mel(mel, CFG), CFG)
    assert len(encode_mel(mel, CFG)) == 96 * 1366 * 2
    np.testing.assert_allclose(back, mel, atol=0.07)  # float16: ~3 significant digits of dB
    exact = dataclasses.replace(CFG, storage_dtype="float32")
    np.testing.assert_array_equal(decode_mel(encode_mel(mel, exact), exact), mel)
    with pytest.raises(ValueError, match="shape"):
        encode_mel(mel[:, :10], CFG)


@pytest.mark.parametrize("bad", [dict(n_mels=0), dict(hop_length=1024), dict(storage_dtype="int8"),
                                 dict(fmax=7000.0)])
def test_invalid_config(bad):
    with pytest.raises(ValueError):
        dataclasses.replace(CFG, **bad)


def test_json_roundtrip_and_fingerprint():
    cfg = dataclasses.replace(CFG, n_mels=128)
    assert MelConfig.from_json(cfg.to_json()) == cfg
    assert cfg.fingerprint() != CFG.fingerprint()
    with pytest.raises(ValueError, match="unknown"):
        MelConfig.from_dict({"n_mel": 3})
