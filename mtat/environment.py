"""The process environment TensorFlow needs here: one definition, set before TensorFlow is imported.

TFX 1.16 needs Keras 2 (tf-keras), which ``TF_USE_LEGACY_KERAS=1`` selects when ``tf.keras`` is
first used; ``TF_CPP_MIN_LOG_LEVEL=2`` keeps TensorFlow's C++ start-up INFO/WARNING lines out of
the output. Called first thing by the runners (pipelines/run_local.py, run_kubeflow.py), the
``mtat-tagger`` CLI and the tests (tests/conftest.py). Values already set in the environment win.
"""
from __future__ import annotations

import os
from collections.abc import MutableMapping

#: The variables and their values (a value already in the environment is kept).
TF_ENV_DEFAULTS = {"TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}


def configure_tensorflow_env(environ: MutableMapping[str, str] | None = None) -> MutableMapping[str, str]:
    """Set :data:`TF_ENV_DEFAULTS` in ``environ`` (default ``os.environ``) where not set; returns it.

    Pass a copy of ``os.environ`` to get the environment of a child process.
    """
    env = os.environ if environ is None else environ
    for name, value in TF_ENV_DEFAULTS.items():
        env.setdefault(name, value)
    return env
