"""The pipeline on Beam's portable runner with 2 worker processes of a local worker pool whose
environment lacks TF_USE_LEGACY_KERAS, against the DirectRunner.

Cost design (CI has 2 cores): one portable run of the whole pipeline (``--epochs 1``, the 48-clip
sample set), and as the DirectRunner reference only what Beam computes, not a second training:
  - a DirectRunner ``--data-only`` run on the same data: AudioExampleGen examples and rejects and
    StatisticsGen statistics must match the portable run's;
  - TFMA on the DirectRunner in this process, with the portable run's eval config, on the portable
    run's model and test split: the metrics must match the portable Evaluator's;
  - the portable Transform's per-band mean / std must match NumPy over the training examples.
"""
import glob
import json
import os

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_data_validation as tfdv

from mtat.features import CLIP_ID_KEY, LABEL_KEY, MEL_KEY, MelConfig, decode_mel
from pipelines import results, run_local, worker_pool

pytestmark = pytest.mark.slow
CFG = MelConfig()


@pytest.fixture(scope="module")
def portable(sample_root, tmp_path_factory, monkeypatch_module):
    out = tmp_path_factory.mktemp("portable")
    envs = []
    real_worker_env = worker_pool.worker_env

    def recording_worker_env(base=None):
        env = real_worker_env(base)
        envs.append(env)
        return env

    monkeypatch_module.setattr(worker_pool, "worker_env", recording_worker_env)
    assert os.environ.get("TF_USE_LEGACY_KERAS") == "1"  # the launcher has it, the workers must not need it
    args = ["--data-root", sample_root, "--pipeline-root", str(out / "pipeline"), "--serving-dir",
            str(out / "serving"), "--epochs", "1", "--min-auc", "0.0", "--beam-workers", "2",
            "--summary-json", str(out / "summary.json")]
    assert run_local.main(args) == 0
    assert len(envs) == 1 and "TF_USE_LEGACY_KERAS" not in envs[0]
    with open(out / "summary.json") as f:
        return {"root": out / "pipeline", "summary": json.load(f)}


@pytest.fixture(scope="module")
def direct(sample_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("direct")
    args = ["--data-root", sample_root, "--pipeline-root", str(out / "pipeline"), "--data-only",
            "--summary-json", str(out / "summary.json")]
    assert run_local.main(args) == 0
    with open(out / "summary.json") as f:
        return {"root": out / "pipeline", "summary": json.load(f)}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def _one(pattern: str) -> str:
    found = glob.glob(pattern)
    assert len(found) == 1, (pattern, found)
    return found[0]


def _examples(root, split: str) -> dict:
    """clip_id -> (labels, log-mel) of one split."""
    files = glob.glob(str(root / "AudioExampleGen" / "examples" / "*" / f"Split-{split}" / "*"))
    out = {}
    for record in tf.data.TFRecordDataset(files, compression_type="GZIP" if files[0].endswith(".gz") else None):
        f = tf.train.Example.FromString(record.numpy()).features.feature
        out[f[CLIP_ID_KEY].int64_list.value[0]] = (list(f[LABEL_KEY].int64_list.value),
                                                   decode_mel(f[MEL_KEY].bytes_list.value[0], CFG))
    return out


def test_same_examples_and_rejects(portable, direct):
    assert portable["summary"]["rejects"] == direct["summary"]["rejects"]
    assert portable["summary"]["examples"] == direct["summary"]["examples"]
    assert portable["summary"]["tags"] == direct["summary"]["tags"]
    for split in ("train", "eval", "test"):
        got, want = _examples(portable["root"], split), _examples(direct["root"], split)
        assert sorted(got) == sorted(want)
        for clip_id, (labels, mel) in want.items():
            assert got[clip_id][0] == labels
            # the same function in another process: equal up to one float16 step (float32 last bits)
            step = np.spacing(np.abs(mel).astype(np.float16)).astype(np.float32)
            assert np.all(np.abs(got[clip_id][1].astype(np.float32) - mel.astype(np.float32)) <= step), clip_id


def test_same_statistics(portable, direct):
    for split in ("train", "eval", "test"):
        stats = [tfdv.load_stats_binary(_one(str(r["root"] / "StatisticsGen" / "statistics" / "*" / f"Split-{split}"
                                                 / "FeatureStats.pb"))).datasets[0] for r in (portable, direct)]
        assert stats[0].num_examples == stats[1].num_examples > 0
        numeric = [{f.path.step[0]: f.num_stats for f in s.features if f.HasField("num_stats")} for s in stats]
        assert set(numeric[0]) == set(numeric[1]) >= {CLIP_ID_KEY, LABEL_KEY}
        for name, want in numeric[1].items():
            assert numeric[0][name].mean == pytest.approx(want.mean, rel=1e-9), (split, name)
            assert numeric[0][name].std_dev == pytest.approx(want.std_dev, rel=1e-6), (split, name)


def test_transform_statistics_equal_numpy(portable):
    import tensorflow_transform as tft

    from trainer.task import normalisation_stats

    tft_output = tft.TFTransformOutput(_one(str(portable["root"] / "Transform" / "transform_graph" / "*")))
    train = os.path.join(_one(str(portable["root"] / "AudioExampleGen" / "examples" / "*" / "Split-train")), "*")
    mean, std = normalisation_stats(tft_output, train)
    mels = np.stack([mel.astype(np.float64) for _, mel in _examples(portable["root"], "train").values()])
    np.testing.assert_allclose(mean, mels.mean(axis=(0, 2)), atol=1e-3)
    np.testing.assert_allclose(std, np.sqrt(mels.var(axis=(0, 2)) + 1e-6), rtol=1e-3)


def test_evaluator_metrics_equal_tfma_on_the_direct_runner(portable, tmp_path):
    import tensorflow_model_analysis as tfma
    from google.protobuf import json_format

    from pipelines import eval_model_loader

    eval_dir = _one(str(portable["root"] / "Evaluator" / "evaluation" / "*"))
    config = tfma.EvalConfig()
    with open(os.path.join(eval_dir, "eval_config.json")) as f:
        json_format.Parse(json.dumps(json.load(f)["evalConfig"]), config)
    for spec in config.metrics_specs:  # no baseline here: the gate is not what is compared
        for metric in spec.metrics:
            metric.ClearField("threshold")
    model = _one(str(portable["root"] / "Trainer" / "model" / "*" / "Format-Serving"))
    test_files = os.path.join(_one(str(portable["root"] / "AudioExampleGen" / "examples" / "*" / "Split-test")), "*")
    tfma.run_model_analysis(eval_shared_model=eval_model_loader.custom_eval_shared_model(model, "", config),
                            eval_config=config, data_location=test_files, file_format="tfrecords",
                            output_path=str(tmp_path))  # DirectRunner
    tags = portable["summary"]["tags"]
    want, got = results.read_tfma_metrics(str(tmp_path), tags), portable["summary"]["metrics"]
    assert got["macro_roc_auc"] is not None and got["macro_pr_auc"] is not None
    for key in ("macro_roc_auc", "macro_pr_auc"):
        assert got[key] == pytest.approx(want[key], abs=1e-6), key
    assert got["per_tag_roc_auc"].keys() == want["per_tag_roc_auc"].keys()
    for tag, value in want["per_tag_roc_auc"].items():
        assert got["per_tag_roc_auc"][tag] == pytest.approx(value, abs=1e-6), tag
    assert portable["summary"]["blessed"] is True and os.path.isdir(portable["summary"]["pushed_model"])
