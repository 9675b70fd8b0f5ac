"""The one pipeline definition, used unchanged by the local and the Kubeflow runners."""
from __future__ import annotations

import tensorflow_data_validation as tfdv
from tfx import v1 as tfx

from components.audio_example_gen.component import AudioExampleGen
from mtat.features import CLIP_ID_KEY, LABEL_KEY, MEL_KEY, MEL_SHAPE_KEY
from pipelines.config import PipelineConfig

#: Features that get statistics and a schema. ``mp3_path`` is left out: on small data sets TFDV
#: would infer a string domain of the training file names and flag every eval/test path.
SCHEMA_FEATURES = (MEL_KEY, MEL_SHAPE_KEY, LABEL_KEY, CLIP_ID_KEY)


def create_pipeline(config: PipelineConfig) -> tfx.dsl.Pipeline:
    """AudioExampleGen -> StatisticsGen -> SchemaGen -> ExampleValidator (-> training stages)."""
    example_gen = AudioExampleGen(
        data_root=config.data_root, mel_config=config.mel, top_k=config.top_k, tags=config.tags,
        split_dir=config.split_dir, min_seconds=config.min_seconds,
    )
    statistics_gen = tfx.components.StatisticsGen(
        examples=example_gen.outputs["examples"],
        stats_options=tfdv.StatsOptions(feature_allowlist=list(SCHEMA_FEATURES)))
    schema_gen = tfx.components.SchemaGen(statistics=statistics_gen.outputs["statistics"], infer_feature_shape=True)
    example_validator = tfx.components.ExampleValidator(
        statistics=statistics_gen.outputs["statistics"], schema=schema_gen.outputs["schema"])
    components = [example_gen, statistics_gen, schema_gen, example_validator]

    metadata = (tfx.orchestration.metadata.sqlite_metadata_connection_config(config.metadata_path)
                if config.metadata_path else None)
    return tfx.dsl.Pipeline(
        pipeline_name=config.pipeline_name,
        pipeline_root=config.pipeline_root,
        components=components,
        enable_cache=config.enable_cache,
        metadata_connection_config=metadata,
        beam_pipeline_args=list(config.beam_pipeline_args),
    )
