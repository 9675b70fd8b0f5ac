"""Pusher executor for TF Serving directories: atomic versions, no duplicate pushes.

TF Serving polls ``<base>/<model_name>/`` and loads any all-digit sub-folder. The stock TFX
Pusher copies straight into the final ``<version>`` folder; this one copies to a hidden
``.<version>.partial`` folder and renames it (atomic on one filesystem), so a half-written
version is never visible. A push that fails removes its partial folder; one left by a crashed
push (killed process, lost node) is removed by the next push once it is older than
``STALE_PARTIAL_SECONDS`` (a younger one may belong to a push still running). A model that is
already in the serving folder (re-run of a cached pipeline, same Trainer output) is not pushed
again: the existing version is reported.
"""
from __future__ import annotations

import contextlib
import os
import re
import time
from typing import Any

from absl import logging
from tfx import types
from tfx.components.pusher import executor as tfx_pusher
from tfx.dsl.io import fileio
from tfx.proto import pusher_pb2
from tfx.types import artifact_utils, standard_component_specs
from tfx.utils import io_utils, proto_utils

SOURCE_FILE = os.path.join("assets.extra", "pushed_from.txt")
#: Hidden folder a version is copied into before its rename (TF Serving ignores non-digit names).
PARTIAL_RE = re.compile(r"\.(\d+)\.partial")
#: A partial folder untouched for this long is left over from a crashed push.
STALE_PARTIAL_SECONDS = 3600


def version_dirs(base: str) -> list[str]:
    """The TF Serving version folders (all-digit names) under ``base``, oldest first."""
    if not fileio.isdir(base):
        return []
    names = [n.rstrip("/") for n in fileio.listdir(base)]
    return sorted((n for n in names if n.isdigit()), key=int)


def find_pushed(base: str, source: str) -> str | None:
    """The version folder already holding the model exported at ``source``, if any."""
    for version in reversed(version_dirs(base)):
        marker = os.path.join(base, version, SOURCE_FILE)
        if fileio.exists(marker) and io_utils.read_string_file(marker).strip() == source:
            return version
    return None


def _mtime_seconds(path: str) -> float:
    stat = fileio.stat(path)
    nanos = getattr(stat, "st_mtime_ns", None)
    return (nanos if nanos is not None else getattr(stat, "mtime_nsec", 0)) / 1e9


def last_written(folder: str) -> float:
    """Newest modification time (epoch seconds) of ``folder`` and the files in it; 0 if unknown."""
    times = []
    for path in [folder] + [os.path.join(d, f) for d, _, files in fileio.walk(folder) for f in files]:
        with contextlib.suppress(fileio.NotFoundError, OSError):  # object stores have no folder mtime
            times.append(_mtime_seconds(path))
    return max(times, default=0.0)


def remove_stale_partials(base: str, now: float, max_age: float = STALE_PARTIAL_SECONDS) -> list[str]:
    """Delete the ``.<version>.partial`` folders of crashed pushes (older than ``max_age``); returns their names."""
    removed = []
    for name in (n.rstrip("/") for n in fileio.listdir(base)):
        path = os.path.join(base, name)
        if PARTIAL_RE.fullmatch(name) and now - last_written(path) > max_age:
            logging.warning("Removing %s, left by a push that did not finish.", path)
            fileio.rmtree(path)
            removed.append(name)
    return removed


def _remove_quietly(path: str) -> None:
    """Best-effort removal of a failed push's partial folder (the push's own error is what matters)."""
    try:
        if fileio.exists(path):
            fileio.rmtree(path)
    except Exception as err:  # the next push removes it once stale
        logging.warning("Could not remove %s: %s", path, err)


def push_atomically(model_path: str, base: str, source: str) -> str:
    """Copy ``model_path`` to a new ``<base>/<version>`` via a hidden temp folder + rename; returns the version.

    On any failure the partial folder is removed and the error re-raised; no version folder appears.
    """
    fileio.makedirs(base)
    remove_stale_partials(base, time.time())
    # Newer than every version, and than every partial folder (another push may still be copying).
    taken = [int(v) for v in version_dirs(base)] + [
        int(m.group(1)) for m in (PARTIAL_RE.fullmatch(n.rstrip("/")) for n in fileio.listdir(base)) if m]
    version = max(int(time.time()), max(taken, default=-1) + 1)
    partial = os.path.join(base, f".{version}.partial")
    try:
        io_utils.copy_dir(model_path, partial)
        io_utils.write_string_file(os.path.join(partial, SOURCE_FILE), source)
        fileio.rename(partial, os.path.join(base, str(version)))
    except BaseException:
        _remove_quietly(partial)
        raise
    return str(version)


class Executor(tfx_pusher.Executor):
    """Pushes a blessed model to a filesystem ``base_directory`` laid out for TF Serving."""

    def Do(self, input_dict: dict[str, list[types.Artifact]], output_dict: dict[str, list[types.Artifact]],
           exec_properties: dict[str, Any]) -> None:
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
