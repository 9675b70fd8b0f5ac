"""The one pipeline definition, used unchanged by the local and the Kubeflow runners."""
from __future__ import annotations

import tensorflow_data_validation as tfdv
from tfx import v1 as tfx
from tfx.dsl.components.base import executor_spec

from components.audio_example_gen.component import AudioExampleGen
from components.model_card_writer.component import ModelCardWriter
from components.serving_pusher import executor as serving_pusher
from components.strict_example_validator.component import StrictExampleValidator
from mtat.features import CLIP_ID_KEY, LABEL_KEY, MEL_CONFIG_KEY, MEL_KEY, MEL_SHAPE_KEY
from pipelines.config import PipelineConfig
from pipelines.eval_config import build_eval_config

#: Features that get statistics and a schema. ``mp3_path`` is left out: on small data sets TFDV
#: would infer a string domain of the training file names and flag every eval/test path.
#: ``mel_config`` gets a one-value string domain: a curated schema pins the feature parameters.
SCHEMA_FEATURES = (MEL_KEY, MEL_SHAPE_KEY, MEL_CONFIG_KEY, LABEL_KEY, CLIP_ID_KEY)

PREPROCESSING_FN = "trainer.preprocessing.preprocessing_fn"
RUN_FN = "trainer.task.run_fn"
#: The Evaluator's user module: loads the models with Keras 2 in every Beam worker.
EVAL_MODULE = "pipelines.eval_model_loader"


def create_pipeline(config: PipelineConfig) -> tfx.dsl.Pipeline:
    """AudioExampleGen -> StatisticsGen -> SchemaGen (or ImportSchemaGen of ``config.schema_path``)
    -> ExampleValidator (fails the run on anomalies) -> Transform -> Trainer -> Evaluator (baseline:
    latest blessed model) -> Pusher -> ModelCardWriter (the pushed version's model card)."""
    example_gen = AudioExampleGen(
        data_root=config.data_root, mel_config=config.mel, top_k=config.top_k, tags=config.tags,
        split_dir=config.split_dir, min_seconds=config.min_seconds,
    )
    if config.extraction_beam_args:
        example_gen.with_beam_pipeline_args(list(config.extraction_beam_args))
    examples = example_gen.outputs["examples"]
    statistics_gen = tfx.components.StatisticsGen(
        examples=examples, stats_options=tfdv.StatsOptions(feature_allowlist=list(SCHEMA_FEATURES)))
    if config.schema_path:  # a curated schema: the data must match it (pipelines/schema.py exports one)
        schema_gen = tfx.components.ImportSchemaGen(schema_file=config.schema_path)
    else:
        schema_gen = tfx.components.SchemaGen(statistics=statistics_gen.outputs["statistics"], infer_feature_shape=True)
    example_validator = StrictExampleValidator(
        statistics=statistics_gen.outputs["statistics"], schema=schema_gen.outputs["schema"]).with_id("ExampleValidator")
    components = [example_gen, statistics_gen, schema_gen, example_validator]

    if not config.data_only:
        mel_json = config.mel.to_json()
        transform = tfx.components.Transform(
            examples=examples, schema=schema_gen.outputs["schema"], preprocessing_fn=PREPROCESSING_FN,
            materialize=False, custom_config={"mel_config": mel_json},
            # TFDV statistics before and after the transform would run the normalisation over every
            # training example and hold the 131k-value mels (7.5 GB RSS at 2,600 clips); StatisticsGen
            # has the input's statistics already, and nothing reads the normalised data's.
            disable_statistics=True)
        transform.add_upstream_node(example_validator)  # nothing trains on data that failed validation
        trainer = tfx.components.Trainer(
            run_fn=RUN_FN, examples=examples, transform_graph=transform.outputs["transform_graph"],
            schema=schema_gen.outputs["schema"],
            custom_config={"mel_config": mel_json, **config.training.to_custom_config()})
        baseline = tfx.dsl.Resolver(
            strategy_class=tfx.dsl.experimental.LatestBlessedModelStrategy,
            model=tfx.dsl.Channel(type=tfx.types.standard_artifacts.Model),
            model_blessing=tfx.dsl.Channel(type=tfx.types.standard_artifacts.ModelBlessing),
        ).with_id("latest_blessed_model_resolver") if config.compare_to_baseline else None
        evaluator = tfx.components.Evaluator(
            examples=examples, model=trainer.outputs["model"],
            baseline_model=baseline.outputs["model"] if baseline else None,
            example_splits=["test"], module_path=EVAL_MODULE,
            eval_config=build_eval_config(config.num_tags, min_auc=config.min_auc,
                                          max_regression=config.max_regression,
                                          class_ids=config.eval_class_ids))
        pusher = tfx.components.Pusher(
            model=trainer.outputs["model"], model_blessing=evaluator.outputs["blessing"],
            custom_executor_spec=executor_spec.ExecutorClassSpec(serving_pusher.Executor),
            push_destination=tfx.proto.PushDestination(filesystem=tfx.proto.PushDestination.Filesystem(
                base_directory=f"{config.serving_dir.rstrip('/')}/{config.model_name}")))
        model_card = ModelCardWriter(
            examples=examples, rejects=example_gen.outputs["rejects"], model=trainer.outputs["model"],
            evaluation=evaluator.outputs["evaluation"], blessing=evaluator.outputs["blessing"],
            pushed_model=pusher.outputs["pushed_model"], min_auc=config.min_auc,
            max_regression=config.max_regression if config.compare_to_baseline else None)
        components += [c for c in (transform, trainer, baseline, evaluator, pusher, model_card) if c is not None]

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
