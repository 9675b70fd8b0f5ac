"""The Evaluator's model loader: Keras 2 in every Beam worker, however the worker was started.

TFMA loads the candidate and baseline models inside the Beam workers, with
``tf.keras.models.load_model``. Which Keras ``tf.keras`` means is decided per process by
``TF_USE_LEGACY_KERAS`` at its first use, and a worker that lacks the variable (a Dataflow worker
installed with ``--setup_file``, a Flink/Spark worker pool, any worker not started from the
project image) resolves it to Keras 3, which refuses the Trainer's Keras 2 SavedModel ("Keras 3
only supports V3 `.keras` files"). Setting the variable from project code in the worker is too
late: unpickling TFMA's DoFns imports ``tensorflow_model_analysis``, which already resolves
``tf.keras`` (verified: Keras 3 without the variable).

So the loader does not go through ``tf.keras``: it loads with ``tf_keras`` (Keras 2, the package
TFX 1.16 is built on; the same function ``tf.keras.models.load_model`` is when the variable is
set, and TFMA builds its own metrics with ``tf_keras`` too). It travels to the workers by reference
(``functools.partial`` of a module function), so nothing depends on the worker's environment.

Used by the pipeline's Evaluator as its user module (``module_path``): TFX calls
``custom_eval_shared_model`` for the candidate and the baseline model.
"""
from __future__ import annotations

import functools
from typing import Any

import tensorflow as tf
import tensorflow_model_analysis as tfma

#: This module, as the Evaluator's ``module_path``.
MODULE_PATH = __name__


def load_model(path: str, model_type: str, tags: list | None = None) -> Any:
    """The SavedModel at ``path``: Keras 2 (``tf_keras``) for a Keras model, else ``tf.saved_model``."""
    if model_type == tfma.TF_KERAS:
        import tf_keras

        return tf_keras.models.load_model(path)
    return tf.compat.v1.saved_model.load_v2(path, tags=tags or [tf.saved_model.SERVING])


def custom_eval_shared_model(eval_saved_model_path: str, model_name: str, eval_config: Any,
                             **kwargs: Any) -> tfma.types.EvalSharedModel:
    """TFMA's default shared model, with :func:`load_model` as the loader the workers call."""
    shared = tfma.default_eval_shared_model(eval_saved_model_path=eval_saved_model_path, model_name=model_name,
                                            eval_config=eval_config, **kwargs)
    if shared.model_type not in (tfma.TF_KERAS, tfma.TF_GENERIC):
        return shared  # TFLite / TFJS / estimators: TFMA's own loader (no Keras involved)
    tags = shared.model_loader.tags
    loader = tfma.types.ModelLoader(
        construct_fn=functools.partial(load_model, eval_saved_model_path, shared.model_type, tags), tags=tags)
    return shared._replace(model_loader=loader)
