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


#: The model card of a pushed version (written by the pipeline's run, :mod:`pipelines.model_card`).
MODEL_CARD_HTML = "model_card.html"
MODEL_CARD_JSON = "model_card.json"


def model_card_path(model_dir: str, name: str = MODEL_CARD_HTML) -> str:
    """``<model_dir>/assets.extra/model_card.html`` (or ``name``)."""
    return os.path.join(model_dir, ASSETS_EXTRA_DIR, name)


def thresholds_of(info: dict[str, Any]) -> dict[str, float] | None:
    """The per-tag decision thresholds ``{tag: value}`` of a ``model_info.json`` (chosen on the
    validation split, :mod:`mtat.thresholds`), or None for a model exported without them."""
    thresholds = info.get("thresholds")
    if not thresholds:
        return None
    return {str(t): float(v) for t, v in thresholds.items()}
