"""Keep TensorFlow's autograph away from Keras 2's own code (``tf_keras``).

TF 2.16's autograph skips modules named ``keras`` but not ``tf_keras`` (the Keras 2 package TFX
1.16 needs, selected with ``TF_USE_LEGACY_KERAS=1``), so the first trace of any model transpiled
~665 tf_keras functions: 9-13 s before the first predict or train step of the 30 k-parameter
``small`` model, against 0.5-2.4 s with this rule (measured side by side; Keras' layer code is
written for graph mode and is never converted under ``keras`` either). Our own functions are
still converted.
"""
from __future__ import annotations

TF_KERAS_MODULE = "tf_keras"


def skip_autograph_for_tf_keras() -> None:
    """Add a do-not-convert rule for ``tf_keras`` to autograph's rules (idempotent)."""
    from tensorflow.python.autograph.core import config

    rules = tuple(config.CONVERSION_RULES)
    if any(isinstance(r, config.DoNotConvert) and r.matches(TF_KERAS_MODULE) for r in rules):
        return
    config.CONVERSION_RULES = (config.DoNotConvert(TF_KERAS_MODULE),) + rules
