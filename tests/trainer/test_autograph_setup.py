"""Autograph must not transpile tf_keras' own code (it made the first model trace take 9-13 s)."""
import tensorflow as tf
import tf_keras
from tensorflow.python.autograph.core import config
from tensorflow.python.autograph.impl import conversion

from trainer import models  # installs the rule on import
from trainer.autograph_setup import skip_autograph_for_tf_keras


def test_tf_keras_is_not_converted_but_our_code_is():
    dense_call = tf_keras.layers.Dense.call
    assert conversion.is_allowlisted(dense_call)
    assert not conversion.is_allowlisted(models.build_model)


def test_rule_is_added_once():
    before = len(config.CONVERSION_RULES)
    skip_autograph_for_tf_keras()
    skip_autograph_for_tf_keras()
    assert len(config.CONVERSION_RULES) == before


def test_models_still_trace_and_train():
    model = models.build_model("small", 96, 256, 5)
    x = tf.random.uniform((4, 96, 256))
    y = tf.cast(tf.random.uniform((4, 5)) < 0.3, tf.float32)
    before = model.get_weights()[0].copy()
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert model.predict(x, verbose=0).shape == (4, 5)
    assert (model.get_weights()[0] != before).any()
