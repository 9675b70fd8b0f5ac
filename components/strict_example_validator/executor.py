"""ExampleValidator executor that fails the execution, naming what changed, when a split has anomalies."""
from __future__ import annotations

import os
from typing import Any

from tensorflow_metadata.proto.v0 import anomalies_pb2
from tfx import types
from tfx.components.example_validator import executor as tfx_validator
from tfx.components.statistics_gen import stats_artifact_utils
from tfx.types import artifact_utils, standard_component_specs
from tfx.utils import io_utils

from components.strict_example_validator.describe import describe_anomalies


class SchemaDriftError(RuntimeError):
    """The examples do not match the schema; the message lists each anomaly in plain words."""


class Executor(tfx_validator.Executor):
    """TFX's validation (anomalies artifact, ``blessed`` per split), then an error if any split is not blessed.

    Raising fails the execution, so nothing downstream (Transform, Trainer) runs on that data,
    in the local runner and on Kubeflow alike.
    """

    def Do(self, input_dict: dict[str, list[types.Artifact]], output_dict: dict[str, list[types.Artifact]],
           exec_properties: dict[str, Any]):
        result = super().Do(input_dict, output_dict, exec_properties)
        artifact = artifact_utils.get_single_instance(output_dict[standard_component_specs.ANOMALIES_KEY])
        blessed = artifact.get_json_value_custom_property(tfx_validator.ARTIFACT_PROPERTY_BLESSED_KEY) or {}
        stats_artifact = artifact_utils.get_single_instance(input_dict[standard_component_specs.STATISTICS_KEY])
        failed = [s for s in artifact_utils.decode_split_names(stats_artifact.split_names)
                  if s in blessed and blessed[s] != tfx_validator.BLESSED_VALUE]
        if not failed:
            return result
        schema = io_utils.SchemaReader().read(io_utils.get_only_uri_in_dir(
            artifact_utils.get_single_uri(input_dict[standard_component_specs.SCHEMA_KEY])))
        anomalies, stats = {}, {}
        for split in failed:
            path = os.path.join(artifact_utils.get_split_uri([artifact], split), tfx_validator.DEFAULT_FILE_NAME)
            anomalies[split] = anomalies_pb2.Anomalies.FromString(io_utils.read_bytes_file(path))
            stats[split] = stats_artifact_utils.load_statistics(stats_artifact, split).proto()
        problems = describe_anomalies(anomalies, schema, stats)
        listed = problems[0] if len(problems) == 1 else " ".join(f"({i}) {p}" for i, p in enumerate(problems, 1))
        raise SchemaDriftError(f"the examples do not match the schema: {listed}")
