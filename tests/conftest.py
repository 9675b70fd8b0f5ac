"""Shared fixtures: a generated MTAT-format sample set (real rendered MP3s, with faults), a model."""
from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

from mtat.environment import configure_tensorflow_env

configure_tensorflow_env()  # before any test module imports TensorFlow

#: Clips of the shared sample set: enough for every split (16 folders) and most styles.
SAMPLE_CLIPS = 48


@pytest.fixture(scope="session")
def sample_root(tmp_path_factory) -> str:
    """A sample data set with the four fault kinds; generated once per test session.

    Plain renderings (``augment=False``): the few-epoch fixture models' quality checks (similar
    songs share top tags, ...) were set on them; tests/sample_music covers the augmented default.
    """
    import sample_music

    root = tmp_path_factory.mktemp("mtat_sample")
    sample_music.generate(root, clips=SAMPLE_CLIPS, seed=7, faults=True, progress=False, augment=False)
    return str(root)


# ---- a real exported model and a folder of songs (used by tests/tagger_cli and tests/reliability)
# ``pushed_model`` is a genuine SavedModel written by ``trainer.export.export_model`` (all five
# serving signatures, the joint audio-text head, ``assets.extra/model_info.json``) in the TF Serving layout
# ``<tmp>/serving/tagger/1/``, from the ``small`` preset trained for a few epochs on the shared
# generated sample set (``sample_root``): about 30 s instead of the ~2 min of a pipeline run. The
# only stand-in is the tf.Transform layer of the ``serving_examples`` signature, replaced by the
# same decode + normalisation written directly (the statistics computed here with NumPy).

#: Epochs of the fixture model (enough for tags to differ between styles, not for quality).
FIXTURE_EPOCHS = 3
#: Files in ``catalog_audio_dir``.
CATALOG_FILES = 12


def _good_clips(sample_root: str) -> list:
    """(relative path, row) of the sample set's readable clips (the deliberate faults left out)."""
    from mtat.annotations import load_annotations

    faults = json.load(open(os.path.join(sample_root, "faults.json"))) if os.path.exists(
        os.path.join(sample_root, "faults.json")) else {}
    return [r for r in load_annotations(sample_root).rows if str(r.clip_id) not in faults]


@pytest.fixture(scope="session")
def pushed_model(sample_root, tmp_path_factory) -> str:
    """Version folder ``.../serving/tagger/1`` of a small real model (50 tags, 12 kHz, 96 x 1366)."""
    import tensorflow as tf

    from components.audio_example_gen.executor import plan_clips
    from mtat import joint_space, thresholds
    from mtat.audio import load_audio
    from mtat.features import MEL_KEY, MelConfig, clip_log_mel
    from mtat.signatures import JOINT_NAME, OUTPUT_NAME
    from trainer import export, models
    from trainer.joint_loss import JointLoss
    from trainer.preprocessing import decode_stored_mel, normalize_mel

    config = MelConfig()
    tags, records, _ = plan_clips(sample_root, top_k=50, tags=None, split_dir=None)
    good = {r.mp3_path for r in _good_clips(sample_root)}
    mels, labels, splits = [], [], []
    for r in records:
        if r["mp3_path"] in good:
            wave = load_audio(os.path.join(sample_root, r["mp3_path"]), config.sample_rate)
            mels.append(clip_log_mel(wave, config))
            labels.append(r["labels"])
            splits.append(r["split"])
    mels = np.stack(mels)
    mean = mels.mean(axis=(0, 2)).astype(np.float32)
    std = np.sqrt(mels.var(axis=(0, 2)) + 1e-6).astype(np.float32)
    x = (mels - mean[None, :, None]) / std[None, :, None]
    tf.keras.utils.set_random_seed(0)
    vectors = joint_space.phrase_vectors(tags)
    model = models.build_model("small", config.n_mels, config.n_frames, len(tags), joint_weight=1.0,
                               tag_vectors=vectors)
    # without the two multi-label AUC metrics: their first-epoch graph build alone takes ~50 s on 2 cores
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                  loss={OUTPUT_NAME: tf.keras.losses.BinaryCrossentropy(), JOINT_NAME: JointLoss(vectors)})
    y = np.asarray(labels, np.float32)
    model.fit(x, {OUTPUT_NAME: y, JOINT_NAME: y}, batch_size=8, epochs=FIXTURE_EPOCHS, verbose=0)

    mean_c, std_c = tf.constant(mean), tf.constant(std)

    def stand_in_transform(features):
        return {MEL_KEY: normalize_mel(decode_stored_mel(features[MEL_KEY], config), mean_c, std_c)}

    info = export.model_info(tags=tags, config=config, preset="small", chunk_frames=None,
                             num_train_examples=len(x), tag_vectors=vectors)
    # decision thresholds as the Trainer chooses them, from the eval-split clips
    val = np.asarray(splits) == "eval"
    val_probs = export.clip_outputs(export.heads_model(model), tf.constant(x[val]), None)[0].numpy()
    info.update(thresholds.threshold_info(val_probs, y[val], tags))
    version_dir = tmp_path_factory.mktemp("serving") / "tagger" / "1"
    export.export_model(model, str(version_dir), info=info, config=config, tags=tags, mean=mean, std=std,
                        chunk=None, tft_layer=stand_in_transform,
                        raw_feature_spec={MEL_KEY: tf.io.FixedLenFeature([], tf.string)})
    return str(version_dir)


@pytest.fixture(scope="session")
def catalog_audio_dir(sample_root, tmp_path_factory) -> str:
    """A folder of ``CATALOG_FILES`` readable generated MP3s (29.1 s, 16 kHz) in MTAT sub-folders ``0``..``f``.

    Read-only for tests: copy it if you need to add or break files.
    """
    out = tmp_path_factory.mktemp("catalog_audio")
    for row in _good_clips(sample_root)[:CATALOG_FILES]:
        dest = out / row.mp3_path
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.join(sample_root, row.mp3_path), dest)
    return str(out)


#: The sound effect of ``short_audio_dir``: its path under the folder, and its length in seconds.
SHORT_CLIP = "fx/blip.mp3"
SHORT_CLIP_SECONDS = 1.0


@pytest.fixture(scope="session")
def short_audio_dir(catalog_audio_dir, tmp_path_factory) -> str:
    """Three songs of ``catalog_audio_dir`` and :data:`SHORT_CLIP`: the first second of a fourth (a sound
    effect's length, under ``mtat.windows.MIN_RELIABLE_SECONDS``). Read-only for tests."""
    import glob

    import soundfile as sf

    out = tmp_path_factory.mktemp("short_audio")
    mp3s = sorted(glob.glob(os.path.join(catalog_audio_dir, "*", "*.mp3")))
    for src in mp3s[:3]:
        dest = out / os.path.relpath(src, catalog_audio_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
    y, sr = sf.read(mp3s[3], dtype="float32")
    (out / SHORT_CLIP).parent.mkdir()
    sf.write(str(out / SHORT_CLIP), y[: int(SHORT_CLIP_SECONDS * sr)], sr, format="MP3")
    return str(out)


@pytest.fixture
def interrupt_next_index(monkeypatch):
    """``arm(n)``: the next ``mtat-tagger index`` run is interrupted (KeyboardInterrupt, as Ctrl-C)
    after it has handled ``n`` files; later runs are not touched."""
    from mtat import tagging

    real = tagging.map_files

    def arm(n: int) -> None:
        def interrupting(*args, **kwargs):
            monkeypatch.setattr(tagging, "map_files", real)  # once
            for i, item in enumerate(real(*args, **kwargs), 1):
                yield item
                if i >= n:
                    raise KeyboardInterrupt

        monkeypatch.setattr(tagging, "map_files", interrupting)

    return arm
