"""Zero-shot words in the CLI: ``predict --tags``, the catalog's joint vectors, on the real fixture model."""
from __future__ import annotations

import glob
import json
import os

import numpy as np
import pytest
import tensorflow as tf

from mtat.audio import load_audio
from mtat.features import MelConfig
from mtat.joint_space import phrase_vectors, zero_shot_scores
from mtat.search.catalog import read_catalog
from mtat.signatures import JOINT_NAME, JOINT_SIGNATURE
from mtat.tagging import ModelError, load_tagger
from tagger_cli.main import main
from tagger_cli.predict import parse_phrases

CFG = MelConfig()
PHRASES = ["rave", "lullaby", "church choir"]


def run_cli(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def mp3s(catalog_audio_dir):
    return sorted(glob.glob(os.path.join(catalog_audio_dir, "*", "*.mp3")))


def test_parse_phrases():
    assert parse_phrases(" rave,lullaby ,  church   choir,, rave") == PHRASES
    with pytest.raises(Exception, match="no phrase"):
        parse_phrases(" , ,")


def test_predict_tags_json_equals_the_served_joint_vector(capsys, pushed_model, mp3s):
    code, out, _ = run_cli(capsys, "predict", mp3s[0], "--model", pushed_model, "--json",
                           "--tags", "rave, lullaby, church choir", "--top", "2")
    assert code == 0
    row = json.loads(out)
    assert set(row["tags"]) == set(PHRASES)  # keyed by exactly the given phrases, nothing else
    assert "applies" not in row and "no threshold" in row["applies_note"]  # phrases have no threshold
    assert len(row["top"]) == 2 and row["top"][0] == max(row["tags"], key=row["tags"].get)
    # reference: the model's own `joint` signature on the whole decoded file + the text encoder
    model = tf.saved_model.load(pushed_model)
    wave = load_audio(mp3s[0], CFG.sample_rate)
    clip = model.signatures[JOINT_SIGNATURE](waveform=tf.constant(wave[None]))[JOINT_NAME].numpy()[0]
    expected = zero_shot_scores(clip, phrase_vectors(PHRASES))
    got = np.array([row["tags"][p] for p in PHRASES])
    np.testing.assert_allclose(got, expected, atol=1e-4)
    assert np.all((got >= 0) & (got <= 1))


def test_predict_tags_text_and_taggram(capsys, pushed_model, mp3s, tmp_path):
    png = tmp_path / "zs.png"
    code, out, err = run_cli(capsys, "predict", mp3s[1], "--model", pushed_model, "--tags", "rave, lullaby",
                             "--plot", png)
    assert code == 0 and png.read_bytes().startswith(b"\x89PNG")
    shown = [line.split()[0] for line in out.splitlines() if line.startswith("  ") and not line.startswith("  (")]
    assert sorted(shown) == ["lullaby", "rave"]
    assert "  (zero-shot phrases have no threshold" in out and "*" not in out
    code, _, err = run_cli(capsys, "predict", mp3s[1], "--model", pushed_model, "--tags", " , ")
    assert code == 2 and "no phrase" in err


def test_taggram_rows_follow_the_clip_vector(pushed_model, mp3s):
    tagger = load_tagger(pushed_model)
    pred = tagger.predict_file(mp3s[2], taggram=True)
    assert pred.window_joint.shape == (pred.window_probabilities.shape[0], pred.joint.shape[0])
    np.testing.assert_allclose(np.linalg.norm(pred.window_joint, axis=1), 1.0, atol=1e-4)
    scored = pred.phrase_scores(phrase_vectors(PHRASES))
    assert scored.window_probabilities.shape == (pred.window_probabilities.shape[0], len(PHRASES))
    no_head = pred.__class__(**{**pred.__dict__, "joint": None, "window_joint": None})
    with pytest.raises(ModelError, match="no joint"):
        no_head.phrase_scores(phrase_vectors(PHRASES))


def test_index_stores_unit_joint_vectors(capsys, pushed_model, catalog_audio_dir, tmp_path, mp3s):
    out = tmp_path / "catalog.parquet"
    code, _, _ = run_cli(capsys, "index", catalog_audio_dir, "--out", out, "--model", pushed_model,
                         "--no-progress", "--workers", "1")
    assert code == 0
    catalog = read_catalog(str(out))
    assert catalog.joint is not None and catalog.joint.shape == (len(catalog), 384)
    np.testing.assert_allclose(np.linalg.norm(catalog.joint, axis=1), 1.0, atol=1e-4)
    row = catalog.index_of(mp3s[0])
    pred = load_tagger(pushed_model).predict_file(mp3s[0])
    np.testing.assert_allclose(catalog.joint[row], pred.joint, atol=1e-5)
