"""Names of the served model's signatures, inputs and outputs: one definition (no TensorFlow import).

Imported by the trainer (models, export), the pipeline (Evaluator config) and the CLI.
"""
from __future__ import annotations

# ---- signatures
SERVING_DEFAULT = "serving_default"  #: waveform -> probabilities, tags
ANALYZE = "analyze"  #: waveform -> probabilities, window_probabilities, embedding (+ joint, window_joint)
LOG_MEL = "log_mel"  #: un-normalised log-mel -> probabilities, tags
EXAMPLES_SIGNATURE = "serving_examples"  #: serialised tf.Examples -> probabilities (the Evaluator's)
JOINT_SIGNATURE = "joint"  #: waveform -> joint (models trained with the joint head only)

# ---- inputs
WAVEFORM_INPUT = "waveform"
EXAMPLES_INPUT = "examples"

# ---- outputs (also the Keras model's output / layer names)
OUTPUT_NAME = "probabilities"  #: sigmoid tag probabilities [batch, K]
EMBEDDING_NAME = "embedding"  #: penultimate clip vector
JOINT_NAME = "joint"  #: unit vectors [batch, JOINT_DIM] in the joint audio-text space
TAGS_OUTPUT = "tags"  #: the tag names [batch, K] beside the probabilities
WINDOW_PROBABILITIES = "window_probabilities"  #: [batch, windows, K]
WINDOW_JOINT = "window_joint"  #: [batch, windows, JOINT_DIM]


def signature_names(joint: bool) -> list[str]:
    """The signatures an exported model has (``joint``: trained with the joint head)."""
    names = [SERVING_DEFAULT, ANALYZE, LOG_MEL, EXAMPLES_SIGNATURE]
    return names + [JOINT_SIGNATURE] if joint else names
