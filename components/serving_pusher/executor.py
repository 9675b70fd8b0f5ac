"""Pusher executor for TF Serving directories: atomic versions, no duplicate pushes.

TF Serving polls ``<base>/<model_name>/`` and loads any all-digit sub-folder. The stock TFX
Pusher copies straight into the final ``<version>`` folder; this one copies to a hidden
``.<version>.partial`` folder and renames it (atomic on one filesystem), so a half-written
version is never visible. A model that is already in the serving folder (re-run of a cached
pipeline, same Trainer output) is not pushed again: the existing version is reported.
"""
from __future__ import annotations

import os
import time
from typing import Any, Dict, List, Optional

from absl import logging
from tfx import types
from tfx.components.pusher import executor as tfx_pusher
from tfx.dsl.io import fileio
from tfx.proto import pusher_pb2
from tfx.types import artifact_utils, standard_component_specs
from tfx.utils import io_utils, proto_utils

SOURCE_FILE = os.path.join("assets.extra", "pushed_from.txt")


def version_dirs(base: str) -> List[str]:
    """The TF Serving version folders (all-digit names) under ``base``, oldest first."""
    if not fileio.isdir(base):
        return []
    names = [n.rstrip("/") for n in fileio.listdir(base)]
    return sorted((n for n in names if n.isdigit()), key=int)


def find_pushed(base: str, source: str) -> Optional[str]:
    """The version folder already holding the model exported at ``source``, if any."""
    for version in reversed(version_dirs(base)):
        marker = os.path.join(base, version, SOURCE_FILE)
        if fileio.exists(marker) and io_utils.read_string_file(marker).strip() == source:
            return version
    return None


def push_atomically(model_path: str, base: str, source: str) -> str:
    """Copy ``model_path`` to a new ``<base>/<version>`` via a hidden temp folder + rename; returns the version."""
    fileio.makedirs(base)
    existing = version_dirs(base)
    version = max(int(time.time()), int(existing[-1]) + 1 if existing else 0)
    partial = os.path.join(base, f".{version}.partial")
    if fileio.exists(partial):
        fileio.rmtree(partial)
    io_utils.copy_dir(model_path, partial)
    io_utils.write_string_file(os.path.join(partial, SOURCE_FILE), source)
    fileio.rename(partial, os.path.join(base, str(version)))
    return str(version)


class Executor(tfx_pusher.Executor):
    """Pushes a blessed model to a filesystem ``base_directory`` laid out for TF Serving."""

    def Do(self, input_dict: Dict[str, List[types.Artifact]], output_dict: Dict[str, List[types.Artifact]],
           exec_properties: Dict[str, Any]) -> None:
        model_push = artifact_utils.get_single_instance(output_dict[standard_component_specs.PUSHED_MODEL_KEY])
        if not self.CheckBlessing(input_dict):
            self._MarkNotPushed(model_push)
            return
        model_path = self.GetModelPath(input_dict)
        destination = pusher_pb2.PushDestination()
        proto_utils.json_to_proto(exec_properties[standard_component_specs.PUSH_DESTINATION_KEY], destination)
        if destination.WhichOneof("destination") != "filesystem":
            raise ValueError("this Pusher supports filesystem destinations only")
        base = destination.filesystem.base_directory
        version = find_pushed(base, model_path)
        if version is not None:
            logging.info("Model %s is already served as version %s; not pushed again.", model_path, version)
        else:
            version = push_atomically(model_path, base, model_path)
            logging.info("Model written to serving path %s.", os.path.join(base, version))
        self._MarkPushed(model_push, pushed_destination=os.path.join(base, version), pushed_version=version)
