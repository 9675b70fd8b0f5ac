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
    ("missing.mp3", "missing"), ("empty.mp3", "empty"), ("text.mp3", "not_audio"),
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


@pytest.mark.parametrize("name, data, reason, what", [
    ("tune.xm", b"Extended Module: song\x1a" + bytes(range(256)), "unsupported_format", "XM tracker module"),
    ("tune.it", b"IMPM" + bytes(300), "unsupported_format", "Impulse Tracker"),
    ("tune.s3m", bytes(44) + b"SCRM" + bytes(300), "unsupported_format", "Scream Tracker"),
    ("tune.mod", bytes(1080) + b"M.K." + bytes(300), "unsupported_format", "tracker module"),
    ("song.m4a", b"\x00\x00\x00\x20ftypM4A " + bytes(300), "unsupported_format", "MPEG-4"),
    ("song.aac", b"\xff\xf1\x50\x80" + bytes(300), "unsupported_format", "AAC"),
    ("song.wma", b"0&\xb2u\x8ef\xcf\x11" + bytes(300), "unsupported_format", "Windows Media"),
    ("tune.mid", b"MThd\x00\x00\x00\x06" + bytes(300), "unsupported_format", "MIDI"),
    ("speex.ogg", b"OggS" + bytes(24) + b"Speex   " + bytes(300), "unsupported_format", "Ogg Speex"),
    ("named.mod", b"\x00" + np.random.default_rng(1).bytes(3000), "unsupported_format", "(.mod)"),
    ("cover.png", b"\x89PNG\r\n\x1a\n" + bytes(300), "not_audio", "PNG image"),
    ("doc.pdf", b"%PDF-1.4\n" + bytes(300), "not_audio", "PDF"),
    ("notes.txt", b"liner notes\n" * 10, "not_audio", "text"),
    ("blob.bin", np.random.default_rng(2).bytes(3000), "not_audio", "no audio format recognised"),
    ("noise.flac", np.random.default_rng(3).bytes(3000), "undecodable", "named .flac"),
    ("bad.mp3", b"ID3" + bytes(300), "undecodable", "corrupt or truncated MP3"),
])
def test_undecodable_files_are_named_by_content_then_extension(tmp_path, name, data, reason, what):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(AudioError) as err:
        load_audio(tmp_path / name, 12000)
    assert err.value.reason == reason and what in str(err.value) and "not decodable as audio" in str(err.value)


def test_ogg_opus_decodes_and_a_truncated_one_is_undecodable(tmp_path):
    path = tmp_path / "voice.opus"
    sf.write(path, tone(2, 48000), 48000, format="OGG", subtype="OPUS")
    assert abs(len(load_audio(path, SR)) - 2 * SR) <= SR // 50
    (tmp_path / "cut.opus").write_bytes(path.read_bytes()[:120])
    with pytest.raises(AudioError) as err:
        load_audio(tmp_path / "cut.opus", SR)
    assert err.value.reason in ("undecodable", "no_samples")
