"""ModelCardWriter: after the Pusher, the model card of the pushed version (and the test-split F1)."""
from __future__ import annotations

from tfx import types
from tfx.dsl.components.base import base_component, executor_spec
from tfx.types import standard_artifacts
from tfx.types.component_spec import ChannelParameter, ExecutionParameter

from components.audio_example_gen.component import AudioRejects
from components.model_card_writer import executor


class ModelCard(types.Artifact):
    """What ModelCardWriter did: ``model_card_step.json`` (the test-split numbers at the model's
    thresholds, the card's path or None, a message) and custom properties ``written`` (0/1),
    ``model_card`` (the HTML path, or "") and ``message``."""

    TYPE_NAME = "ModelCard"


class ModelCardWriterSpec(types.ComponentSpec):
    PARAMETERS = {
        "min_auc": ExecutionParameter(type=float, optional=True),
        "max_regression": ExecutionParameter(type=float, optional=True),
    }
    INPUTS = {
        executor.EXAMPLES_KEY: ChannelParameter(type=standard_artifacts.Examples),
        executor.REJECTS_KEY: ChannelParameter(type=AudioRejects),
        executor.MODEL_KEY: ChannelParameter(type=standard_artifacts.Model),
        executor.EVALUATION_KEY: ChannelParameter(type=standard_artifacts.ModelEvaluation),
        executor.BLESSING_KEY: ChannelParameter(type=standard_artifacts.ModelBlessing),
        executor.PUSHED_MODEL_KEY: ChannelParameter(type=standard_artifacts.PushedModel),
    }
    OUTPUTS = {executor.MODEL_CARD_KEY: ChannelParameter(type=ModelCard)}


class ModelCardWriter(base_component.BaseComponent):
    """Scores the Trainer's model on the test split at its validation thresholds and, when the
    Pusher pushed it, writes ``assets.extra/model_card.{json,html}`` into the pushed version folder
    (:mod:`pipelines.model_card`). A model that was not pushed gets no card."""

    SPEC_CLASS = ModelCardWriterSpec
    EXECUTOR_SPEC = executor_spec.ExecutorClassSpec(executor.Executor)

    def __init__(self, *, examples: types.BaseChannel, rejects: types.BaseChannel, model: types.BaseChannel,
                 evaluation: types.BaseChannel, blessing: types.BaseChannel, pushed_model: types.BaseChannel,
                 min_auc: float | None = None, max_regression: float | None = None):
        """``min_auc`` / ``max_regression``: the gate's settings, shown on the card."""
        spec = ModelCardWriterSpec(
            examples=examples, rejects=rejects, model=model, evaluation=evaluation, blessing=blessing,
            pushed_model=pushed_model, min_auc=min_auc, max_regression=max_regression,
            model_card=types.Channel(type=ModelCard))
        super().__init__(spec=spec)
