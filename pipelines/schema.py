"""Curated schemas: export the schema a run inferred, so later runs must match it (``--schema``).

    python -m pipelines.schema export --pipeline-root pipeline_output --out schema.pbtxt
    python pipelines/run_local.py --schema schema.pbtxt ...       # ImportSchemaGen instead of SchemaGen

The exported schema pins the feature parameters (the ``mel_config`` string of every example, e.g.
``sample_rate=12000 n_fft=512 ...``), the label count and each feature's type and shape; a data
set that differs is stopped by ExampleValidator before Transform and Trainer, naming what changed.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
from collections.abc import Sequence

from google.protobuf import text_format
from tensorflow_metadata.proto.v0 import schema_pb2

from components.strict_example_validator.describe import string_domain
from mtat.features import MEL_CONFIG_KEY

SCHEMA_FILE = "schema.pbtxt"
#: Where run_local keeps content-addressed copies of ``--schema`` files under the pipeline root.
PINNED_DIR = "curated_schemas"


def load_schema(path: str) -> schema_pb2.Schema:
    """Parse a ``schema.pbtxt``; ValueError naming the file when it is missing or not a schema."""
    try:
        with open(path) as f:
            return text_format.Parse(f.read(), schema_pb2.Schema())
    except OSError as err:
        raise ValueError(f"schema {path}: {err.strerror}") from None
    except text_format.ParseError as err:
        raise ValueError(f"schema {path} is not a text tensorflow_metadata Schema: {err}") from None


def pinned_mel_config(schema: schema_pb2.Schema) -> str | None:
    """The ``mel_config`` value the schema requires (None when it does not pin exactly one)."""
    values = string_domain(schema, MEL_CONFIG_KEY)
    return values[0] if values and len(values) == 1 else None


def pinned_copy(path: str, pipeline_root: str) -> str:
    """A copy of ``path`` at ``<pipeline_root>/curated_schemas/<content hash>/schema.pbtxt``.

    ImportSchemaGen's cache key is the file *path*: an edited schema under the same name would be
    taken from the cache. A content-addressed copy is re-imported exactly when the content changes.
    """
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    target = os.path.join(pipeline_root, PINNED_DIR, digest, SCHEMA_FILE)
    if not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(path, target + ".tmp")
        os.replace(target + ".tmp", target)
    return target


def prepare_schema(path: str, pipeline_root: str) -> str:
    """Check ``path`` is a schema and return its pinned copy (:func:`pinned_copy`) for ImportSchemaGen."""
    load_schema(path)
    return pinned_copy(path, pipeline_root)


def latest_schema_path(metadata_path: str, pipeline_root: str) -> str:
    """``schema.pbtxt`` of the schema the latest local run used: the newest output of SchemaGen or
    ImportSchemaGen under ``pipeline_root`` (not Transform's ``post_transform_schema``, also a Schema)."""
    from ml_metadata.metadata_store import metadata_store
    from ml_metadata.proto import metadata_store_pb2

    config = metadata_store_pb2.ConnectionConfig()
    config.sqlite.filename_uri = metadata_path
    config.sqlite.connection_mode = metadata_store_pb2.SqliteMetadataSourceConfig.READONLY
    store = metadata_store.MetadataStore(config)
    makers = {t.id for t in store.get_execution_types() if t.name.endswith(".SchemaGen")
              or t.name.endswith(".ImportSchemaGen")}
    executions = [e.id for e in store.get_executions() if e.type_id in makers]
    produced = {}  # artifact id -> time of the latest execution that output it (cached runs included)
    for event in store.get_events_by_execution_ids(executions):
        if event.type == metadata_store_pb2.Event.OUTPUT:
            produced[event.artifact_id] = max(produced.get(event.artifact_id, 0), event.milliseconds_since_epoch)
    root = os.path.abspath(pipeline_root) + os.sep
    live = [a for a in store.get_artifacts_by_id(list(produced))
            if a.state == metadata_store_pb2.Artifact.LIVE and os.path.abspath(a.uri).startswith(root)]
    if not live:
        raise ValueError(f"no schema in {metadata_path} under {pipeline_root}: run the pipeline first "
                         "(--data-only is enough)")
    newest = max(live, key=lambda a: (produced[a.id], a.id))
    return os.path.join(newest.uri, SCHEMA_FILE)


def export_schema(metadata_path: str, pipeline_root: str, out: str) -> str:
    """Write the latest run's schema to ``out`` (checked to pin the feature parameters); returns a summary."""
    source = latest_schema_path(metadata_path, pipeline_root)
    schema = load_schema(source)
    mel = pinned_mel_config(schema)
    if mel is None:
        raise ValueError(f"{source} does not pin one {MEL_CONFIG_KEY!r} value (examples extracted before "
                         "that feature existed, or with several feature settings): re-run the pipeline with --no-cache")
    header = (f"# Curated schema exported from {source}.\n"
              f"# Runs with --schema must match it; edit the constraints as needed.\n")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write(header + text_format.MessageToString(schema))
    return f"wrote {out} ({len(schema.feature)} features) from {source}; {MEL_CONFIG_KEY} = {mel!r}"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.schema", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="write the latest run's schema as a curated schema.pbtxt")
    export.add_argument("--pipeline-root", default="pipeline_output", help="[pipeline_output]")
    export.add_argument("--metadata-path", help="MLMD SQLite file [<pipeline-root>/metadata.sqlite]")
    export.add_argument("--out", default=SCHEMA_FILE, help=f"[{SCHEMA_FILE}]")
    args = p.parse_args(argv)
    root = os.path.abspath(args.pipeline_root)
    metadata = os.path.abspath(args.metadata_path or os.path.join(root, "metadata.sqlite"))
    if not os.path.isfile(metadata):
        print(f"error: {metadata} not found: run the pipeline first", file=sys.stderr)
        return 2
    try:
        print(export_schema(metadata, root, args.out))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
