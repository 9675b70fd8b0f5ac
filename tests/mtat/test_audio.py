import numpy as np
import pytest
import soundfile as sf

from mtat.audio import AudioError, load_audio, read_audio

SR = 16000


def tone(seconds, sr=SR, channels=1):
    t = np.arange(int(seconds * sr)) / sr
    y = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    return np.stack([y, 0.5 * y], axis=1) if channels == 2 else y


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("audio")
    sf.write(d / "ok.mp3", tone(29.124), SR, format="MP3")
    data = (d / "ok.mp3").read_bytes()
    (d / "truncated.mp3").write_bytes(data[: len(data) // 3])
    (d / "empty.mp3").write_bytes(b"")
    (d / "text.mp3").write_text("this is not audio at all\n" * 20)
    (d / "random.mp3").write_bytes(np.random.default_rng(0).bytes(5000))
    sf.write(d / "stereo44k.wav", tone(3, 44100, channels=2), 44100)
    sf.write(d / "flac_named.mp3", tone(2), SR, format="FLAC")
    sf.write(d / "ünïcødé clip.ogg", tone(2), SR, format="OGG")
    (d / "folder.mp3").mkdir()
    return d


def test_decodes_mp3_to_target_rate(files):
    y = load_audio(files / "ok.mp3", 12000)
    assert y.dtype == np.float32 and abs(len(y) / 12000 - 29.124) < 0.1
    assert 0.1 < np.abs(y).max() < 0.3


def test_stereo_other_rate_is_downmixed_and_resampled(files):
    y = load_audio(files / "stereo44k.wav", 12000)
    assert y.ndim == 1 and abs(len(y) - 36000) <= 1
    assert np.abs(y).max() == pytest.approx(0.15, abs=0.01)  # mean of the two channels


def test_content_not_extension_decides(files):
    assert abs(len(load_audio(files / "flac_named.mp3", SR)) - 2 * SR) <= 1
    assert len(load_audio(files / "ünïcødé clip.ogg", SR)) > SR


def test_max_seconds_bounds_the_read(files):
    y, rate = read_audio(files / "ok.mp3", max_seconds=1.5)
    assert rate == SR and len(y) == int(1.5 * SR)


@pytest.mark.parametrize("name, reason", [
    ("missing.mp3", "missing"), ("empty.mp3", "empty"), ("text.mp3", "undecodable"),
    ("random.mp3", "undecodable"), ("folder.mp3", "not_a_file"),
])
def test_bad_files_have_reasons(files, name, reason):
    with pytest.raises(AudioError) as err:
        load_audio(files / name, 12000)
    assert err.value.reason == reason
    assert name in str(err.value)


def test_truncated_mp3_decodes_short_and_is_caught(files):
    y, rate = read_audio(files / "truncated.mp3")  # decodes "successfully" ...
    assert len(y) / rate < 15
    with pytest.raises(AudioError) as err:  # ... so the duration check must catch it
        load_audio(files / "truncated.mp3", 12000, min_seconds=26.0)
    assert err.value.reason == "too_short" and "truncated" in str(err.value)


def test_ogg_opus_decodes_and_is_scanned(tmp_path):
    """Ogg Opus (.opus; real game soundtracks ship it) decodes with libsndfile and `index` picks it up."""
    from mtat.audio import AUDIO_EXTENSIONS
    from tagger_cli.index import scan

    sf.write(tmp_path / "track.opus", tone(2, 48000), 48000, format="OGG", subtype="OPUS")
    y, sr = read_audio(tmp_path / "track.opus")
    assert sr == 48000 and abs(len(y) - 2 * 48000) < 48000 // 10
    assert ".opus" in AUDIO_EXTENSIONS
    assert [f.rel for f in scan(str(tmp_path))[0]] == ["track.opus"]
