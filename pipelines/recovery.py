"""Recovering from a killed local run: one run per metadata store, no execution left "running".

A SIGKILLed or crashed LocalDagRunner leaves the execution it was in RUNNING in ML Metadata,
with partial outputs on disk: TFX removes an execution's output folders only when its executor
raises. The next run is not misled by them - it registers new executions with new output folders
(``<pipeline root>/<node>/<output>/<execution id>``), and its cache only reuses successful
executions - but the dead execution would stay "running" forever and its partial files (up to a
whole data set of half-written TFRecords, a half-trained model's logs) stay in the pipeline root.

So ``run_local`` runs inside :func:`exclusive_run`, which holds :func:`store_lock` (released by
the kernel when the process dies, however it dies): a second run on the same store stops with an
error instead of mixing its executions in. With the lock held, an active (NEW / RUNNING)
execution of the pipeline can only be left by a dead process: :func:`settle_abandoned` marks it
CANCELED and removes its output and temp folders - what TFX does itself when an executor fails.
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
import os
import time
from collections.abc import Iterator

from tfx.dsl.io import fileio

#: Custom property set on an execution this module cancelled.
ABANDONED_PROPERTY = "abandoned"
_NODE_CONTEXT = "node"
_PIPELINE_CONTEXT = "pipeline"
_SYSTEM_DIR = ".system"
_STATEFUL_INDEX = "__stateful_working_dir_index__"  # tfx.orchestration.portable.outputs_utils

log = logging.getLogger(__name__)


class StoreInUseError(RuntimeError):
    """Another process is running a pipeline on the same metadata store."""


@dataclasses.dataclass(frozen=True)
class AbandonedExecution:
    """An execution a killed run left active, now CANCELED, and the folders removed with it."""

    execution_id: int
    node_id: str
    removed: tuple[str, ...]

    def describe(self, pipeline_root: str) -> str:
        folders = ", ".join(os.path.relpath(p, pipeline_root) for p in self.removed) or "none"
        return (f"recovered: {self.node_id} execution {self.execution_id} was left running by an interrupted "
                f"run; marked CANCELED, its partial output removed ({folders})")


@contextlib.contextmanager
def store_lock(metadata_path: str) -> Iterator[None]:
    """Exclusive lock on ``<metadata_path>.lock`` for one run; raises :class:`StoreInUseError` if held."""
    path = metadata_path + ".lock"
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "?"
            raise StoreInUseError(f"another run (pid {holder}) is using {metadata_path}; wait for it to finish "
                                  "or use another --pipeline-root / --metadata-path") from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _output_folders(pipeline_root: str, node_id: str, execution) -> list[str]:
    """The folders TFX made for ``execution``: ``<node>/<output key>/<id>``, its temp and stateful dirs."""
    node_dir = os.path.join(pipeline_root, node_id)
    if not fileio.isdir(node_dir):
        return []
    name = str(execution.id)
    keys = [k.rstrip("/") for k in fileio.listdir(node_dir) if not k.startswith(".")]
    folders = [os.path.join(node_dir, k, name) for k in keys]
    folders.append(os.path.join(node_dir, _SYSTEM_DIR, "executor_execution", name))
    if _STATEFUL_INDEX in execution.custom_properties:
        index = execution.custom_properties[_STATEFUL_INDEX].string_value
        if index:
            folders.append(os.path.join(node_dir, _SYSTEM_DIR, "stateful_working_dir", index))
    return [f for f in folders if fileio.exists(f)]


def settle_abandoned(metadata_path: str, pipeline_name: str, pipeline_root: str) -> list[AbandonedExecution]:
    """Cancel the pipeline's active executions and remove their folders. Call only under :func:`store_lock`."""
    if not os.path.exists(metadata_path):
        return []
    from ml_metadata.metadata_store import metadata_store
    from ml_metadata.proto import metadata_store_pb2
    from tfx.orchestration import metadata

    store = metadata_store.MetadataStore(metadata.sqlite_metadata_connection_config(metadata_path))
    pipeline = store.get_context_by_type_and_name(_PIPELINE_CONTEXT, pipeline_name)
    node_type = store.get_context_type(_NODE_CONTEXT) if pipeline else None
    if pipeline is None or node_type is None:
        return []
    active = (metadata_store_pb2.Execution.NEW, metadata_store_pb2.Execution.RUNNING)
    settled = []
    for execution in store.get_executions_by_context(pipeline.id):
        if execution.last_known_state not in active:
            continue
        prefix = f"{pipeline_name}."  # node contexts are named "<pipeline>.<node id>"
        nodes = [c.name[len(prefix):] for c in store.get_contexts_by_execution(execution.id)
                 if c.type_id == node_type.id and c.name.startswith(prefix)]
        node_id = nodes[0] if nodes else "?"
        removed = tuple(_output_folders(pipeline_root, node_id, execution)) if nodes else ()
        for folder in removed:
            if fileio.isdir(folder):
                fileio.rmtree(folder)
            else:
                fileio.remove(folder)
        state = metadata_store_pb2.Execution.State.Name(execution.last_known_state)
        execution.last_known_state = metadata_store_pb2.Execution.CANCELED
        execution.custom_properties[ABANDONED_PROPERTY].string_value = (
            f"left {state} by an interrupted run; cancelled {time.strftime('%Y-%m-%dT%H:%M:%S')}")
        store.put_executions([execution])
        settled.append(AbandonedExecution(execution.id, node_id, removed))
    return settled


@contextlib.contextmanager
def exclusive_run(metadata_path: str, pipeline_name: str, pipeline_root: str) -> Iterator[list[AbandonedExecution]]:
    """Hold :func:`store_lock`, settle (and log) what an interrupted run left, then run the body."""
    with store_lock(metadata_path):
        settled = settle_abandoned(metadata_path, pipeline_name, pipeline_root)
        for execution in settled:
            log.warning(execution.describe(pipeline_root))
        yield settled
