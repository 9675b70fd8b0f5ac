"""AudioExampleGen: a TFX Beam component turning an MTAT-style folder into Examples + a rejects report."""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from typing import Any

import tensorflow as tf
from tfx import types
from tfx.components.example_gen import driver as example_gen_driver
from tfx.components.example_gen import utils as example_gen_utils
from tfx.dsl.components.base import base_beam_component, executor_spec
from tfx.dsl.io import fileio
from tfx.orchestration import data_types
from tfx.types import standard_artifacts
from tfx.types.component_spec import ChannelParameter, ExecutionParameter

from components.audio_example_gen import executor
from mtat.annotations import ANNOTATIONS_FILE
from mtat.features import MelConfig


class AudioRejects(types.Artifact):
    """Rows and clips AudioExampleGen could not use: ``rejects.jsonl`` (clip_id, path, reason, message)."""

    TYPE_NAME = "AudioRejects"


class AudioExampleGenSpec(types.ComponentSpec):
    PARAMETERS = {
        "data_root": ExecutionParameter(type=str),
        "annotations_file": ExecutionParameter(type=str),
        "split_dir": ExecutionParameter(type=str, optional=True),
        "top_k": ExecutionParameter(type=int),
        "tags": ExecutionParameter(type=str, optional=True),
        "mel_config": ExecutionParameter(type=str),
        "min_seconds": ExecutionParameter(type=float),
    }
    INPUTS: dict[str, ChannelParameter] = {}
    OUTPUTS = {
        executor.EXAMPLES_KEY: ChannelParameter(type=standard_artifacts.Examples),
        executor.REJECTS_KEY: ChannelParameter(type=AudioRejects),
    }


def _file_digest(path: str) -> str:
    if not fileio.exists(path):
        return "absent"
    digest = hashlib.sha256()
    with fileio.open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _audio_fingerprint(pattern: str) -> str:
    """Names, sizes and mtimes of the files matching ``pattern``; an entry that cannot be stat'ed
    (a broken symlink, a file deleted meanwhile) counts by name: the executor rejects it as missing,
    the driver must not fail on it (TFX's ``io_utils.generate_fingerprint`` raises there)."""
    digest = hashlib.sha256()
    files = sorted(fileio.glob(pattern))
    unreadable = 0
    for path in files:
        try:
            stat = fileio.stat(path)
            digest.update(f"{path}\t{stat.length}\t{stat.mtime_nsec}\n".encode("utf-8", "surrogateescape"))
        except (OSError, tf.errors.OpError):
            unreadable += 1
            digest.update(f"{path}\tunreadable\n".encode("utf-8", "surrogateescape"))
    return f"audio: {len(files)} files ({unreadable} unreadable) {digest.hexdigest()}"


def input_fingerprint(exec_properties: dict[str, Any]) -> str:
    """Fingerprint of everything the output depends on besides the parameters themselves.

    Audio files: count, sizes and mtimes (as TFX's file-based ExampleGens do); the annotations
    CSV and split files: their content hash, so editing the CSV alone re-runs the component.
    """
    root = exec_properties["data_root"]
    parts = [_audio_fingerprint(os.path.join(root, "*", "*"))]
    parts.append("annotations:" + _file_digest(os.path.join(root, exec_properties["annotations_file"])))
    split_dir = exec_properties.get("split_dir")
    if split_dir:
        for name in sorted(fileio.listdir(split_dir)) if fileio.isdir(split_dir) else []:
            parts.append(f"split:{name}:" + _file_digest(os.path.join(split_dir, name)))
    return "\n".join(parts)


class AudioExampleGenDriver(example_gen_driver.Driver):
    """Records the input fingerprint as an execution property, so TFX's cache sees data changes."""

    def resolve_exec_properties(self, exec_properties: dict[str, Any], pipeline_info: data_types.PipelineInfo,
                                component_info: data_types.ComponentInfo) -> dict[str, Any]:
        del pipeline_info, component_info
        exec_properties[example_gen_utils.FINGERPRINT_PROPERTY_NAME] = input_fingerprint(exec_properties)
        exec_properties[example_gen_utils.SPAN_PROPERTY_NAME] = 0
        exec_properties[example_gen_utils.VERSION_PROPERTY_NAME] = None
        return exec_properties


class AudioExampleGen(base_beam_component.BaseBeamComponent):
    """Reads ``annotations_final.csv`` + audio folders; writes train/eval/test Examples and rejects.

    Examples carry ``log_mel`` (raw float16/32 bytes, ``[n_mels, n_frames]``), ``labels`` (dense
    multi-hot over the chosen tags), ``clip_id``, ``mp3_path`` and ``mel_shape``. The chosen tags
    and feature parameters are written to ``feature_metadata.json`` in the examples artifact.
    """

    SPEC_CLASS = AudioExampleGenSpec
    EXECUTOR_SPEC = executor_spec.BeamExecutorSpec(executor.Executor)
    DRIVER_CLASS = AudioExampleGenDriver

    def __init__(self, data_root: str, *, mel_config: MelConfig = MelConfig(), top_k: int = 50,
                 tags: Sequence[str] | None = None, split_dir: str | None = None,
                 annotations_file: str = ANNOTATIONS_FILE, min_seconds: float | None = None):
        """``min_seconds``: shorter decoded audio is rejected as truncated (default 90% of a clip)."""
        if min_seconds is None:
            min_seconds = round(0.9 * mel_config.clip_seconds, 3)
        spec = AudioExampleGenSpec(
            data_root=data_root, annotations_file=annotations_file, split_dir=split_dir, top_k=top_k,
            tags=json.dumps(list(tags)) if tags else None, mel_config=mel_config.to_json(),
            min_seconds=float(min_seconds),
            examples=types.Channel(type=standard_artifacts.Examples),
            rejects=types.Channel(type=AudioRejects),
        )
        super().__init__(spec=spec)
