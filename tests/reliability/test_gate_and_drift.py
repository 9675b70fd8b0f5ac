"""Faults injected into whole local pipeline runs (run_local.py, real data, real TFX components):

- the gate: a model trained on shuffled labels, run in the same pipeline root, metadata and serving
  folder as a good model, is not blessed and the serving folder does not change;
- schema drift: data extracted with another sample rate, checked against a curated schema, stops
  the run at ExampleValidator with a message naming what changed, and nothing is trained on it.
"""
import csv
import hashlib
import json
import os
import shutil

import numpy as np
import pytest

from mtat.annotations import ANNOTATIONS_FILE, CLIP_ID_COLUMN, PATH_COLUMN
from mtat.splits import folder_split_of
from pipelines import results, run_local
from pipelines import schema as schema_cli

pytestmark = pytest.mark.slow

#: The gate needs a good model that is clearly better than chance. On the shared 48-clip set
#: (36 train / 3 valid / 9 test clips) early stopping on 3 validation clips keeps the first
#: epoch's weights: test macro ROC-AUC 0.53, no better than a model trained on shuffled labels.
#: On 96 clips (72 / 6 / 18) 20 epochs give 0.78 and shuffled labels 0.55 (two shuffles); with
#: the input-pooled ``small`` of issue #15, 0.70 and 0.56 (one run).
GATE_CLIPS = 96
GATE_EPOCHS = "20"
SHUFFLE_SEED = 0


def snapshot(folder):
    """Everything under ``folder`` (hidden entries included): {relative path: (size, mtime_ns, sha256)}."""
    found = {}
    for d, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(d, name)
            digest = None
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            found[os.path.relpath(path, folder)] = (os.path.getsize(path), os.stat(path).st_mtime_ns, digest)
    return found


def shuffle_training_labels(src, dst, seed):
    """Copy of data root ``src`` whose train/eval rows get each other's tag columns (a permutation);
    the test rows keep their true labels, so both models are scored on the same truth. Tag
    frequencies do not change, nor does the top-K tag list. Returns the share of rows whose tags changed."""
    shutil.copytree(src, dst, copy_function=os.link, ignore=shutil.ignore_patterns(ANNOTATIONS_FILE))
    with open(os.path.join(src, ANNOTATIONS_FILE), newline="") as f:
        header, *rows = list(csv.reader(f, delimiter="\t"))
    tag_cols = [i for i, h in enumerate(header) if h not in (CLIP_ID_COLUMN, PATH_COLUMN)]
    path_col = header.index(PATH_COLUMN)
    training = [r for r in rows if folder_split_of(r[path_col]) in ("train", "eval")]
    tags = [[r[i] for i in tag_cols] for r in training]
    order = np.random.default_rng(seed).permutation(len(training))
    for row, j in zip(training, order):
        for i, value in zip(tag_cols, tags[j]):
            row[i] = value
    with open(os.path.join(dst, ANNOTATIONS_FILE), "w", newline="") as f:
        csv.writer(f, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([header, *rows])
    return sum(tags[i] != tags[j] for i, j in enumerate(order)) / len(training)


def store(metadata_path):
    from ml_metadata.metadata_store import metadata_store
    from tfx import v1 as tfx

    return metadata_store.MetadataStore(tfx.orchestration.metadata.sqlite_metadata_connection_config(metadata_path))


def executions_by_component(metadata_path):
    """{component class name: [execution states]} of every execution in the MLMD store."""
    mlmd = store(metadata_path)
    types = {t.id: t.name.rsplit(".", 1)[-1] for t in mlmd.get_execution_types()}
    found = {}
    for e in mlmd.get_executions():
        found.setdefault(types[e.type_id], []).append(e.last_known_state)
    return found


def latest_artifact(metadata_path, pipeline_root, type_name):
    uri = results.latest_artifact_uri(metadata_path, type_name, pipeline_root)
    return next(a for a in store(metadata_path).get_artifacts_by_uri(uri))


# ---- the gate ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gate(tmp_path_factory):
    """A good run, then a run on shuffled training labels in the same root, metadata and serving folder."""
    import sample_music

    work = tmp_path_factory.mktemp("gate")
    good_data, bad_data = str(work / "data"), str(work / "shuffled")
    sample_music.generate(good_data, clips=GATE_CLIPS, seed=7, faults=False, progress=False)
    moved = shuffle_training_labels(good_data, bad_data, SHUFFLE_SEED)
    pipeline_root, serving = str(work / "pipeline"), str(work / "serving")
    common = ["--pipeline-root", pipeline_root, "--serving-dir", serving, "--epochs", GATE_EPOCHS]

    assert run_local.main(["--data-root", good_data, *common, "--summary-json", str(work / "good.json")]) == 0
    served_before = snapshot(serving)
    # Later runs pin the good run's schema; shuffled labels have the same features, so it passes.
    schema = str(work / "schema.pbtxt")
    assert schema_cli.main(["export", "--pipeline-root", pipeline_root, "--out", schema]) == 0
    assert run_local.main(["--data-root", bad_data, *common, "--schema", schema,
                           "--summary-json", str(work / "bad.json")]) == 0
    with open(work / "good.json") as f, open(work / "bad.json") as g:
        good, bad = json.load(f), json.load(g)
    return {"good": good, "bad": bad, "moved": moved, "serving": serving, "served_before": served_before,
            "root": pipeline_root, "metadata": os.path.join(pipeline_root, "metadata.sqlite")}


def test_good_model_is_blessed_and_pushed(gate):
    good = gate["good"]
    assert good["blessed"] is True and good["metrics"]["macro_roc_auc"] >= 0.6  # the default --min-auc
    assert os.path.isfile(os.path.join(good["pushed_model"], "saved_model.pb"))
    assert gate["moved"] > 0.8  # the training clips really got other clips' tags


def test_worse_model_is_not_blessed_and_the_evaluator_says_why(gate):
    import tensorflow_model_analysis as tfma

    bad, good = gate["bad"], gate["good"]
    assert bad["blessed"] is False and bad["pushed_model"] is None
    assert bad["tags"] == good["tags"]
    regression = bad["metrics"]["macro_roc_auc"] - good["metrics"]["macro_roc_auc"]
    assert regression < -0.1  # measured: 0.55 - 0.78; 0.56 - 0.70 with the input-pooled small

    blessing = latest_artifact(gate["metadata"], gate["root"], "ModelBlessing")
    assert blessing.custom_properties["blessed"].int_value == 0
    assert os.listdir(blessing.uri) == ["NOT_BLESSED"]
    assert blessing.custom_properties["current_model"].string_value != good["pushed_model"]

    evaluation = results.latest_artifact_uri(gate["metadata"], "ModelEvaluation", gate["root"])
    validation = tfma.load_validation_result(evaluation)
    assert not validation.validation_ok
    failures = [f for per_slice in validation.metric_validations_per_slice for f in per_slice.failures]
    diff = [f for f in failures if f.metric_key.is_diff and f.metric_key.name == "roc_auc"]
    assert len(diff) == 1, failures  # the comparison with the blessed baseline failed ...
    assert diff[0].metric_value.double_value.value == pytest.approx(regression, abs=0.005)  # ... by this much
    assert diff[0].metric_threshold.change_threshold.absolute.value == pytest.approx(-0.01)


def test_serving_folder_is_unchanged(gate):
    assert snapshot(gate["serving"]) == gate["served_before"]
    (version,) = os.listdir(os.path.join(gate["serving"], "tagger"))
    assert os.path.join(gate["serving"], "tagger", version) == gate["good"]["pushed_model"]
    states = executions_by_component(gate["metadata"])
    assert len(states["Pusher"]) == 2  # the Pusher ran and declined: not blessed


def test_only_the_pushed_model_has_a_card(gate):
    from mtat.model_info import model_card_path
    from pipelines.model_card import read_record

    assert gate["good"]["model_card"] == model_card_path(gate["good"]["pushed_model"])
    assert "model_card" not in gate["bad"] and gate["bad"]["thresholds"]  # the test split is still scored
    card = latest_artifact(gate["metadata"], gate["root"], "ModelCard")  # the not-blessed run's step
    assert card.custom_properties["written"].int_value == 0 and not card.custom_properties["model_card"].string_value
    assert read_record(card.uri)["message"] == "no model card: the model was not pushed (not blessed)"


# ---- schema drift -----------------------------------------------------------------------------------


def test_changed_sample_rate_is_stopped_before_training(sample_root, tmp_path, capsys):
    from google.protobuf import json_format
    from ml_metadata.proto import metadata_store_pb2

    root, serving, schema = str(tmp_path / "pipeline"), str(tmp_path / "serving"), str(tmp_path / "schema.pbtxt")
    metadata = os.path.join(root, "metadata.sqlite")
    base = ["--data-root", sample_root, "--pipeline-root", root, "--serving-dir", serving]
    assert run_local.main([*base, "--data-only"]) == 0
    assert schema_cli.main(["export", "--pipeline-root", root, "--out", schema]) == 0
    assert "sample_rate=12000" in open(schema).read()

    # No false alarm: the data the schema came from passes it, every split (train, eval, test).
    assert run_local.main([*base, "--data-only", "--schema", schema]) == 0
    anomalies = latest_artifact(metadata, root, "ExampleAnomalies")
    blessed = json_format.MessageToDict(anomalies.custom_properties["blessed"].struct_value)
    assert blessed == {"train": 1, "eval": 1, "test": 1}
    capsys.readouterr()

    # Someone changes the sample rate (and the frame count, to keep 29.12 s windows): a full run.
    code = run_local.main([*base, "--schema", schema, "--sample-rate", "16000", "--n-frames", "1821"])
    out, err = capsys.readouterr()
    assert code == 1
    (line,) = [x for x in err.splitlines() if x.startswith("error:")]
    assert line.startswith("error: ExampleValidator stopped the run before training:")
    assert "feature 'mel_config' (splits train, eval, test): sample_rate 12000 -> 16000, n_frames 1366 -> 1821" in line
    assert "the schema expects 'sample_rate=12000 n_fft=512" in line and "the data has 'sample_rate=16000" in line
    assert "Traceback" not in err and "run summary" not in out

    states = executions_by_component(metadata)
    assert states["StrictExampleValidator"][-1] == metadata_store_pb2.Execution.FAILED
    assert not {"Transform", "Trainer", "Evaluator", "Pusher"} & set(states)  # nothing ran on drifted data
    assert not os.path.exists(serving)
