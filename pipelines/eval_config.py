"""TFMA configuration: macro ROC-AUC / PR-AUC over the tags and the blessing gate.

Verified on TFX 1.16 / TFMA 0.47 (docs/design.md): per-tag AUCs via ``binarize`` (no gate
there: a threshold inside ``binarize`` would gate every tag), the gate on a separate macro spec
with explicit ``class_weights`` (``macro_average`` without them fails at run time).
"""
from __future__ import annotations

import json
from collections.abc import Sequence

import tensorflow_model_analysis as tfma
from google.protobuf import wrappers_pb2

from mtat.features import LABEL_KEY
from trainer.export import EXAMPLES_SIGNATURE

ROC = '{"curve": "ROC", "name": "roc_auc"}'
PR_NAME = "pr_auc"


def _pr_auc() -> tfma.MetricConfig:
    """PR-AUC as average precision (= sklearn), see :mod:`pipelines.tfma_metrics`."""
    return tfma.MetricConfig(class_name="AveragePrecision", module="pipelines.tfma_metrics",
                             config=json.dumps({"name": PR_NAME}))


def build_eval_config(num_tags: int, *, min_auc: float, max_regression: float = 0.01,
                      class_ids: Sequence[int] | None = None) -> tfma.EvalConfig:
    """Per-tag and macro ROC/PR-AUC; blessed iff macro ROC-AUC >= ``min_auc`` and no worse than the
    baseline (last blessed model) by more than ``max_regression``.

    ``class_ids``: the tags that enter the macro average (default: all); tags without a positive
    example in the evaluated split are left out, as sklearn's macro average would have to.
    """
    ids = list(range(num_tags)) if class_ids is None else sorted(set(class_ids))
    if not ids or min(ids) < 0 or max(ids) >= num_tags:
        raise ValueError(f"class_ids must be a non-empty subset of 0..{num_tags - 1}")
    weights = {i: 1.0 for i in ids}
    gate = tfma.MetricThreshold(
        value_threshold=tfma.GenericValueThreshold(lower_bound={"value": min_auc}),
        change_threshold=tfma.GenericChangeThreshold(
            direction=tfma.MetricDirection.HIGHER_IS_BETTER, absolute={"value": -max_regression}),
    )
    macro = tfma.AggregationOptions(macro_average=True, class_weights=weights)
    return tfma.EvalConfig(
        model_specs=[tfma.ModelSpec(signature_name=EXAMPLES_SIGNATURE, label_key=LABEL_KEY,
                                    prediction_key="probabilities")],
        slicing_specs=[tfma.SlicingSpec()],
        options=tfma.Options(include_default_metrics=wrappers_pb2.BoolValue(value=False)),
        metrics_specs=[
            tfma.MetricsSpec(metrics=[tfma.MetricConfig(class_name="ExampleCount")]),
            tfma.MetricsSpec(
                metrics=[tfma.MetricConfig(class_name="AUC", config=ROC),
                         _pr_auc(),
                         # positive rate per tag: which tags the test split can score at all
                         tfma.MetricConfig(class_name="MeanLabel")],
                binarize=tfma.BinarizationOptions(class_ids={"values": list(range(num_tags))})),
            tfma.MetricsSpec(
                metrics=[tfma.MetricConfig(class_name="AUC", config=ROC, threshold=gate),
                         _pr_auc()],
                aggregate=macro),
        ],
    )
