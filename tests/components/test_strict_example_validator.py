"""StrictExampleValidator's executor on real TFDV statistics of AudioExampleGen examples."""
import os

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_data_validation as tfdv
from tfx.types import artifact_utils, standard_artifacts

from components.audio_example_gen.transforms import make_example
from components.strict_example_validator.executor import Executor, SchemaDriftError
from mtat.features import MEL_CONFIG_KEY, MelConfig
from pipelines.pipeline import SCHEMA_FEATURES

CFG = MelConfig()
TAGS = 5


def statistics(tmp_path, name, config=CFG, tags=TAGS, clips=4, drop=()):
    """Statistics of ``clips`` examples made by AudioExampleGen's ``make_example`` (without the ``drop`` features)."""
    path = str(tmp_path / f"{name}.tfrecord")
    with tf.io.TFRecordWriter(path) as writer:
        for i in range(clips):
            mel = np.full(config.mel_shape, -20.0 + i, np.float32)
            example = tf.train.Example.FromString(
                make_example(i, f"{i % 16:x}/clip{i}.mp3", mel, [(i + t) % 2 for t in range(tags)], config))
            for key in drop:
                del example.features.feature[key]
            writer.write(example.SerializeToString())
    return tfdv.generate_statistics_from_tfrecord(path, stats_options=tfdv.StatsOptions(
        feature_allowlist=list(SCHEMA_FEATURES)))


def validate(tmp_path, splits, schema_stats):
    """Run the executor on ``{split: statistics}`` against the schema TFDV infers from ``schema_stats``."""
    stats = standard_artifacts.ExampleStatistics()
    stats.uri = str(tmp_path / "stats")
    stats.split_names = artifact_utils.encode_split_names(list(splits))
    for split, proto in splits.items():
        os.makedirs(os.path.join(stats.uri, f"Split-{split}"))
        with open(os.path.join(stats.uri, f"Split-{split}", "FeatureStats.pb"), "wb") as f:
            f.write(proto.SerializeToString())
    schema = standard_artifacts.Schema()
    schema.uri = str(tmp_path / "schema")
    os.makedirs(schema.uri)
    tfdv.write_schema_text(tfdv.infer_schema(schema_stats, infer_feature_shape=True),
                           os.path.join(schema.uri, "schema.pbtxt"))
    anomalies = standard_artifacts.ExampleAnomalies()
    anomalies.uri = str(tmp_path / "anomalies")
    try:
        Executor().Do({"statistics": [stats], "schema": [schema]}, {"anomalies": [anomalies]}, {})
    finally:
        blessed = anomalies.get_json_value_custom_property("blessed")
    return blessed


def test_matching_splits_pass(tmp_path):
    train = statistics(tmp_path, "train")
    blessed = validate(tmp_path, {"train": train, "eval": statistics(tmp_path, "eval", clips=2)}, train)
    assert blessed == {"train": 1, "eval": 1}


def test_changed_mel_size_names_the_parameter_and_the_splits(tmp_path):
    train = statistics(tmp_path, "train")
    smaller = statistics(tmp_path, "small", config=MelConfig(n_mels=64))
    with pytest.raises(SchemaDriftError) as err:
        validate(tmp_path, {"train": train, "eval": smaller, "test": smaller}, train)
    message = str(err.value)
    assert message.startswith("the examples do not match the schema: feature 'mel_config' (splits eval, test): "
                              "n_mels 96 -> 64; the schema expects 'sample_rate=12000 n_fft=512 hop_length=256 "
                              "n_mels=96 n_frames=1366")
    assert "the data has 'sample_rate=12000 n_fft=512 hop_length=256 n_mels=64 n_frames=1366" in message
    assert "train" not in message.split(":")[1]


def test_changed_label_count_and_missing_feature_are_both_listed(tmp_path):
    train = statistics(tmp_path, "train")
    old = statistics(tmp_path, "old", tags=TAGS - 1, drop=[MEL_CONFIG_KEY])  # e.g. examples of an older version
    with pytest.raises(SchemaDriftError) as err:
        validate(tmp_path, {"train": old}, train)
    message = str(err.value)
    assert "(1) feature 'labels' (split train): the schema expects 5 values per example, the data has 4" in message
    assert "(2) feature 'mel_config' (split train): " in message and "missing" in message.split("(2)")[1]
