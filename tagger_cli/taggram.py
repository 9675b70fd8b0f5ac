"""One set of numbers per song: the taggram of a short file is its clip-level prediction.

A taggram column rates a 3 s segment tiled to the model's input length; the clip-level numbers
(what ``index`` stores, what search lists and ``predict`` prints) come from the served windows, a
file shorter than one window zero-padded at its end. For a file of a few seconds or more the
two are two views of the same audio (the whole clip, each 3 s of it). For a file shorter than
:data:`mtat.windows.MIN_RELIABLE_SECONDS` (no longer than one segment) tiling repeats a fraction
of a second dozens of times, and its one column said something else than the clip-level numbers
of the very same file (a 0.015 s clip: "quiet 0.98" in the list, at most 0.12 in its taggram).
Such a file's taggram is therefore one column spanning the file: its clip-level prediction.
"""
from __future__ import annotations

import dataclasses

import numpy as np


def one_path(pred):
    """``pred`` (a :class:`mtat.tagging.FilePrediction` with ``taggram``) whose taggram agrees with its
    clip-level ``probabilities``: unchanged unless the file is short, then one column equal to them."""
    if not pred.taggram or not pred.short:
        return pred
    joint = None if pred.joint is None else np.asarray(pred.joint)[None, :]
    return dataclasses.replace(pred, window_probabilities=np.asarray(pred.probabilities)[None, :],
                               window_starts=np.zeros(1), window_seconds=float(pred.duration), window_joint=joint)
