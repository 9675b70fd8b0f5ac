"""AudioExampleGen on generated MTAT-format data with faults: the PTransform alone and the executor."""
import dataclasses
import glob
import json
import os
import shutil

import apache_beam as beam
import numpy as np
import pytest
import tensorflow as tf
from apache_beam.testing.util import assert_that, equal_to
from tfx.types import artifact_utils, standard_artifacts

from components.audio_example_gen import executor as ex
from components.audio_example_gen.component import AudioExampleGen, AudioRejects, input_fingerprint
from components.audio_example_gen.transforms import ExtractExamples
from mtat.annotations import load_annotations
from mtat.audio import load_audio
from mtat.features import MelConfig, clip_log_mel, decode_mel
from mtat.splits import folder_split_of

CFG = MelConfig()
MIN_SECONDS = 26.0


def faults_of(root):
    with open(os.path.join(root, "faults.json")) as f:
        return {int(k): v for k, v in json.load(f).items()}


def read_examples(split_uri):
    files = sorted(glob.glob(os.path.join(split_uri, "*")))
    return [tf.train.Example.FromString(r.numpy()) for r in tf.data.TFRecordDataset(files)]


def feature(example, key):
    f = example.features.feature[key]
    return list(f.int64_list.value) or list(f.bytes_list.value)


def test_ptransform_separates_examples_and_rejects(sample_root):
    tags, records, csv_rejects = ex.plan_clips(sample_root, top_k=50, tags=None, split_dir=None)
    faults = faults_of(sample_root)
    assert csv_rejects == []  # the four faults are audio faults, their rows are well-formed
    good = [r for r in records if r["clip_id"] not in faults]
    with beam.Pipeline() as p:
        out = p | beam.Create(records) | ExtractExamples(sample_root, CFG, MIN_SECONDS)
        assert_that(out.examples | beam.Keys() | beam.combiners.Count.PerElement(),
                    equal_to(list(_count_by(r["split"] for r in good).items())), label="splits")
        assert_that(out.rejects | beam.Map(lambda r: (int(r["clip_id"]), r["reason"], r["stage"])),
                    equal_to([(c, {"empty": "empty", "missing": "missing", "not_audio": "not_audio",
                                   "truncated": "too_short"}[k], "audio") for c, k in faults.items()]),
                    label="rejects")


def _count_by(values):
    out = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def run_executor(tmp_path, data_root, **props):
    examples = standard_artifacts.Examples()
    examples.uri = str(tmp_path / "examples")
    rejects = AudioRejects()
    rejects.uri = str(tmp_path / "rejects")
    exec_properties = dict(data_root=data_root, annotations_file="annotations_final.csv", split_dir=None,
                           top_k=50, tags=None, mel_config=CFG.to_json(), min_seconds=MIN_SECONDS)
    exec_properties.update(props)
    ex.Executor().Do({}, {"examples": [examples], "rejects": [rejects]}, exec_properties)
    return examples, rejects


@pytest.fixture(scope="module")
def executed(sample_root, tmp_path_factory):
    return run_executor(tmp_path_factory.mktemp("exgen"), sample_root)


def test_every_good_clip_once_with_csv_labels_and_faults_rejected(sample_root, executed):
    examples, rejects = executed
    ann = load_annotations(sample_root)
    faults = faults_of(sample_root)
    meta = json.load(open(os.path.join(examples.uri, ex.METADATA_FILE)))
    tags = meta["tags"]
    assert tags == json.loads(examples.get_string_custom_property("tags"))
    counts = ann.tag_counts()
    assert sorted(tags, key=lambda t: -counts[t]) == tags and len(tags) == min(50, sum(c > 0 for c in counts.values()))

    by_id = {r.clip_id: r for r in ann.rows}
    seen = []
    for split in artifact_utils.decode_split_names(examples.split_names):
        for e in read_examples(artifact_utils.get_split_uri([examples], split)):
            clip_id = feature(e, "clip_id")[0]
            seen.append(clip_id)
            row = by_id[clip_id]
            assert folder_split_of(row.mp3_path) == split
            assert feature(e, "mp3_path")[0].decode() == row.mp3_path
            assert feature(e, "labels") == [int(t in row.tags) for t in tags]
            assert feature(e, "mel_shape") == [96, 1366]
    assert sorted(seen) == sorted(set(by_id) - set(faults))  # each good clip exactly once
    assert meta["examples"] == {s: int(examples.get_int_custom_property(f"num_{s}")) for s in ("train", "eval", "test")}
    assert all(n > 0 for n in meta["examples"].values())

    report = ex.read_rejects(os.path.join(rejects.uri, ex.REJECTS_FILE))
    assert {int(r["clip_id"]): r["reason"] for r in report} == {
        c: {"empty": "empty", "missing": "missing", "not_audio": "not_audio", "truncated": "too_short"}[k]
        for c, k in faults.items()}
    for r in report:
        assert r["path"] in r["message"] and r["message"].startswith(f"line {r['row']}:")
    assert rejects.get_int_custom_property("num_rejects") == len(faults)


def test_stored_mel_is_the_feature_function_of_the_decoded_clip(sample_root, executed):
    examples, _ = executed
    e = read_examples(artifact_utils.get_split_uri([examples], "eval"))[0]
    mel = decode_mel(feature(e, "log_mel")[0], CFG)
    expected = clip_log_mel(load_audio(os.path.join(sample_root, feature(e, "mp3_path")[0].decode()), 12000), CFG)
    np.testing.assert_allclose(mel, expected, atol=0.07)  # float16 storage


def test_fixed_tag_list_and_csv_faults(sample_root, tmp_path):
    root = tmp_path / "data"
    shutil.copytree(sample_root, root)
    csv = root / "annotations_final.csv"
    lines = csv.read_text().splitlines()
    fields = lines[1].split("\t")
    lines[1] = "\t".join(fields[:3])  # malformed row
    fields2 = lines[2].split("\t")
    fields2[-1] = '"../../etc/passwd"'
    lines[2] = "\t".join(fields2)
    csv.write_text("\n".join(lines) + "\n")
    examples, rejects = run_executor(tmp_path / "out", str(root), tags=json.dumps(["piano", "guitar"]))
    meta = json.load(open(os.path.join(examples.uri, ex.METADATA_FILE)))
    assert meta["tags"] == ["piano", "guitar"]
    reasons = meta["rejects_by_reason"]
    assert reasons["malformed_row"] == 1 and reasons["unsafe_path"] == 1
    n_rows = len(lines) - 1
    assert sum(meta["examples"].values()) + meta["num_rejects"] == n_rows  # every row: example or reject
    with pytest.raises(ValueError, match="unknown tag"):
        run_executor(tmp_path / "out2", str(root), tags=json.dumps(["beach vibes"]))


def test_a_run_where_every_clip_fails_fails_clearly(sample_root, tmp_path):
    root = tmp_path / "broken"
    root.mkdir()
    shutil.copy(os.path.join(sample_root, "annotations_final.csv"), root)  # no audio at all
    with pytest.raises(ex.NoUsableClipsError, match="all .* rejected"):
        run_executor(tmp_path / "out", str(root))


def test_fingerprint_tracks_csv_and_audio(sample_root, tmp_path):
    root = tmp_path / "fp"
    shutil.copytree(sample_root, root)
    props = dict(data_root=str(root), annotations_file="annotations_final.csv", split_dir=None)
    before = input_fingerprint(props)
    assert input_fingerprint(props) == before
    csv = root / "annotations_final.csv"
    csv.write_text(csv.read_text().replace('"0"', '"1"', 1))  # same size, one label changed
    after_csv = input_fingerprint(props)
    assert after_csv != before
    mp3 = sorted(glob.glob(str(root / "0" / "*.mp3")))[0]
    with open(mp3, "ab") as f:
        f.write(b"\0")
    after_audio = input_fingerprint(props)
    assert after_audio != after_csv
    os.symlink(root / "0" / "no_such_file.mp3", root / "0" / "dangling.mp3")  # TFX's own fingerprint raises here
    with_dangling = input_fingerprint(props)
    assert with_dangling != after_audio and "(1 unreadable)" in with_dangling


def test_component_parameters():
    gen = AudioExampleGen("/data", mel_config=dataclasses.replace(CFG, n_mels=64), top_k=10)
    props = gen.exec_properties
    assert MelConfig.from_json(props["mel_config"]).n_mels == 64 and props["top_k"] == 10
    assert props["min_seconds"] == pytest.approx(0.9 * CFG.clip_seconds, abs=1e-3)
    assert set(gen.outputs) == {"examples", "rejects"}



_WORKER_WITHOUT_TF = """
import json, sys
from components.audio_example_gen.transforms import ExtractFeaturesDoFn
from mtat.features import MelConfig
root, record = sys.argv[1], json.loads(sys.argv[2])
fn = ExtractFeaturesDoFn(root, MelConfig().to_json(), 26.0)
fn.setup()
(split, example), = list(fn.process(record))
print(json.dumps({"tf": "tensorflow" in sys.modules, "librosa": "librosa" in sys.modules, "split": split,
                  "example": example.hex()}))
"""


def test_worker_extracts_without_tensorflow_or_librosa(sample_root):
    """A Beam worker process makes a clip's example without importing TF (~4 s of its start-up) or
    librosa; the example is what TF parses, its mel the TF graph's (the one the model serves with)."""
    import subprocess
    import sys

    _, records, _ = ex.plan_clips(sample_root, top_k=50, tags=None, split_dir=None)
    record = next(r for r in records if r["clip_id"] not in faults_of(sample_root))
    out = subprocess.run([sys.executable, "-c", _WORKER_WITHOUT_TF, sample_root, json.dumps(record)],
                         capture_output=True, text=True, timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["tf"] is False and got["librosa"] is False
    assert got["split"] == record["split"]
    e = tf.train.Example.FromString(bytes.fromhex(got["example"]))
    assert feature(e, "clip_id") == [record["clip_id"]] and feature(e, "labels") == record["labels"]
    mel = decode_mel(feature(e, "log_mel")[0], CFG)
    expected = clip_log_mel(load_audio(os.path.join(sample_root, record["mp3_path"]), 12000), CFG)  # the TF graph
    np.testing.assert_allclose(mel, expected, atol=0.07)  # float16 storage


_UNPICKLE_IN_WORKER = """
import json, sys
from apache_beam.internal import pickler
for payload in json.load(sys.stdin):
    pickler.loads(bytes.fromhex(payload))
print(json.dumps(sorted(m for m in ("tensorflow", "tfx", "librosa") if m in sys.modules)))
"""


class _Built(Exception):
    """Raised instead of running the pipeline: the test only needs what workers would unpickle."""


def test_workers_unpickle_the_executors_functions_without_tfx_or_tensorflow(sample_root, tmp_path, monkeypatch):
    """Every DoFn / function of the executor's pipeline, unpickled as a Beam worker does, imports neither TFX
    nor TF (a lambda in executor.py, pickled by reference to that module, made each worker import both)."""
    import subprocess
    import sys

    from apache_beam.portability import common_urns, python_urns
    from apache_beam.portability.api import beam_runner_api_pb2

    built = []

    class NoRun(beam.Pipeline):
        def __exit__(self, *exc):
            built.append(self)
            raise _Built

    monkeypatch.setattr(ex.Executor, "_make_beam_pipeline", lambda self: NoRun())
    with pytest.raises(_Built):
        run_executor(tmp_path, sample_root)
    proto = built[0].to_runner_api()
    payloads = []
    for transform in proto.components.transforms.values():
        if transform.spec.urn == common_urns.primitives.PAR_DO.urn:
            do_fn = beam_runner_api_pb2.ParDoPayload.FromString(transform.spec.payload).do_fn
            if do_fn.urn == python_urns.PICKLED_DOFN_INFO:
                payloads.append(do_fn.payload.hex())
    assert len(payloads) >= 10  # extraction, split filters, TFRecord and text writes, counts
    out = subprocess.run([sys.executable, "-c", _UNPICKLE_IN_WORKER], input=json.dumps(payloads),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
