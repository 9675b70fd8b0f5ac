"""ModelCardWriter executor: artifacts in, :func:`pipelines.model_card.write_step` out."""
from __future__ import annotations

from typing import Any

from absl import logging
from tfx import types
from tfx.dsl.components.base import base_executor
from tfx.types import artifact_utils
from tfx.utils import path_utils

EXAMPLES_KEY = "examples"
REJECTS_KEY = "rejects"
MODEL_KEY = "model"
EVALUATION_KEY = "evaluation"
BLESSING_KEY = "blessing"
PUSHED_MODEL_KEY = "pushed_model"
MODEL_CARD_KEY = "model_card"


class Executor(base_executor.BaseExecutor):
    """Writes the card of the pushed version (nothing when the Pusher did not push) and records it."""

    def Do(self, input_dict: dict[str, list[types.Artifact]], output_dict: dict[str, list[types.Artifact]],
           exec_properties: dict[str, Any]) -> None:
        from pipelines import model_card

        def single(key: str) -> types.Artifact:
            return artifact_utils.get_single_instance(input_dict[key])

        model, pushed = single(MODEL_KEY), single(PUSHED_MODEL_KEY)
        destination = pushed.get_string_custom_property("pushed_destination") \
            if pushed.get_int_custom_property("pushed") else None
        record = model_card.write_step(
            examples_uri=single(EXAMPLES_KEY).uri, rejects_uri=single(REJECTS_KEY).uri,
            model_dir=path_utils.serving_model_path(model.uri, path_utils.is_old_model_artifact(model)),
            evaluation_uri=single(EVALUATION_KEY).uri,
            blessed=bool(single(BLESSING_KEY).get_int_custom_property("blessed")), pushed_dir=destination or None,
            min_auc=exec_properties.get("min_auc"), max_regression=exec_properties.get("max_regression"))
        out = artifact_utils.get_single_instance(output_dict[MODEL_CARD_KEY])
        model_card.write_record(out.uri, record)
        out.set_int_custom_property("written", int(record["model_card"] is not None))
        out.set_string_custom_property("model_card", record["model_card"] or "")
        out.set_string_custom_property("message", record["message"])
        logging.info("ModelCardWriter: %s", record["message"])
