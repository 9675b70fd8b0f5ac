"""``assets.extra/model_info.json``: what an exported model says about itself (its trained tags,
features, preset, signatures, ...). Written by :func:`trainer.export.export_model`, read by
:class:`mtat.tagging.Tagger` and anything else that loads a pushed model: the file's one name and
one reader. TensorFlow is imported only when a file is read (``tf.io.gfile``: local or bucket paths).
"""
from __future__ import annotations

import json
import os
from typing import Any

#: The SavedModel folder TF Serving copies along but does not read.
ASSETS_EXTRA_DIR = "assets.extra"
MODEL_INFO_FILE = "model_info.json"


def model_info_path(model_dir: str) -> str:
    """``<model_dir>/assets.extra/model_info.json``."""
    return os.path.join(model_dir, ASSETS_EXTRA_DIR, MODEL_INFO_FILE)


def read_model_info(model_dir: str) -> dict[str, Any]:
    """The ``model_info.json`` an exported model carries (tags, mel_config, preset, ...)."""
    import tensorflow as tf

    with tf.io.gfile.GFile(model_info_path(model_dir)) as f:
        return json.loads(f.read())
