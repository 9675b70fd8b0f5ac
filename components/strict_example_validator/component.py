"""StrictExampleValidator: TFX's ExampleValidator whose execution fails on any anomaly."""
from __future__ import annotations

from tfx.components import ExampleValidator
from tfx.dsl.components.base import executor_spec

from components.strict_example_validator import executor


class StrictExampleValidator(ExampleValidator):
    """Same inputs, outputs and anomalies artifact as ExampleValidator; fails with a
    :class:`~components.strict_example_validator.executor.SchemaDriftError` when a split has anomalies.
    Make the training components depend on it (``add_upstream_node``) so they never see such data."""

    EXECUTOR_SPEC = executor_spec.ExecutorClassSpec(executor.Executor)
