"""Reading a song catalog (the Parquet file ``mtat-tagger index`` writes) for ``search`` and ``similar``.

The format is defined by :mod:`tagger_cli.index`. What is read here (one row per song)::

    path            string          relative to the indexed folder (the row key)
    abs_path        string          absolute path when indexed (optional; shown when present)
    probabilities   list<float32>   K clip-level tag probabilities, in the order of meta["tags"]
    embedding       list<float32>   D-dim clip audio embedding (optional: ``similar`` needs it)
    joint           list<float32>   unit vector in the joint audio-text space (optional: models with
                                    the joint head; free-word search uses it)

and the schema metadata ``mtat_tagger.catalog`` (JSON) with ``tags`` (required), ``model_dir``,
``model_version``, ``embedding_dim`` and ``joint_dim``. Every problem (missing file, not Parquet, not a
catalog, no rows, inconsistent widths, NaN) is a one-line :class:`~tagger_cli.main.CliError`.
"""
from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from tagger_cli.index import META_KEY
from tagger_cli.main import CliError


@dataclasses.dataclass
class Catalog:
    """An indexed catalog as arrays: ``probabilities`` ``[n, K]`` over ``tags``; ``embeddings`` ``[n, D]``
    or None; ``joint`` ``[n, JOINT_DIM]`` unit vectors in the joint audio-text space or None.

    ``paths`` are what results show: the absolute path recorded at indexing time when the
    catalog has one, else the row key.
    """

    source: str
    paths: list[str]
    tags: list[str]
    probabilities: np.ndarray
    embeddings: np.ndarray | None
    keys: list[str]
    model_dir: str = ""
    model_version: str = ""
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)
    joint: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.paths)

    def top_tags(self, row: int, n: int) -> dict[str, float]:
        """The song's ``n`` most probable tags, highest first (ties in tag order)."""
        p = self.probabilities[row]
        order = np.argsort(-p, kind="stable")[: max(0, n)]
        return {self.tags[i]: float(p[i]) for i in order}

    def index_of(self, path: str) -> int | None:
        """Row of the file ``path`` (by resolved absolute path, or by row key), or None."""
        want = _canonical(path)
        for i, shown in enumerate(self.paths):
            if _canonical(shown) == want:
                return i
        root = self.meta.get("root")
        if root:
            for i, key in enumerate(self.keys):
                if _canonical(os.path.join(root, key)) == want:
                    return i
        return None


def _canonical(path: str) -> str:
    return path if "://" in path else os.path.realpath(os.path.abspath(os.path.expanduser(path)))


def _matrix(table, name: str, width: int | None, source: str) -> np.ndarray:
    """A list<float> column as a dense ``[n, width]`` float32 array (every row the same width)."""
    import pyarrow as pa

    col = table.column(name).combine_chunks()
    if not (pa.types.is_list(col.type) or pa.types.is_large_list(col.type) or pa.types.is_fixed_size_list(col.type)):
        raise CliError(f"{source}: column {name!r} is {col.type}, expected a list of floats")
    if col.null_count:
        raise CliError(f"{source}: column {name!r} has {col.null_count} empty row(s)")
    if pa.types.is_fixed_size_list(col.type):
        lengths = np.full(len(col), col.type.list_size)
    else:
        lengths = np.asarray(col.value_lengths())
    if len(lengths) and not np.all(lengths == lengths[0]):
        raise CliError(f"{source}: rows of column {name!r} have different lengths "
                       f"({int(lengths.min())}..{int(lengths.max())})")
    got = int(lengths[0]) if len(lengths) else 0
    if width is not None and got != width:
        raise CliError(f"{source}: column {name!r} has {got} values per row, the metadata says {width}")
    values = np.asarray(col.flatten().to_numpy(zero_copy_only=False), dtype=np.float32)
    return values.reshape(len(col), got)


def read_catalog(path: str, require_embeddings: bool = False) -> Catalog:
    """Read and validate a catalog written by ``index``."""
    import pyarrow.parquet as pq

    if not path:
        raise CliError("no catalog given: pass --catalog catalog.parquet (written by `mtat-tagger index`)")
    if "://" not in path and not os.path.exists(path):
        raise CliError(f"catalog not found: {path} (create one with `mtat-tagger index MUSIC_DIR --out {path}`)")
    if "://" not in path and os.path.isdir(path):
        raise CliError(f"catalog is a folder, expected a Parquet file: {path}")
    try:
        table = pq.read_table(path)
    except Exception as err:  # not Parquet, truncated, unreadable: one line for the user
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CliError(f"cannot read catalog {path}: {first}") from None
    raw = (table.schema.metadata or {}).get(META_KEY)
    try:
        meta = json.loads(raw) if raw else {}
    except ValueError:
        meta = {}
    names = table.column_names
    if not meta.get("tags") or "path" not in names or "probabilities" not in names:
        raise CliError(f"{path} is not a catalog written by `mtat-tagger index` "
                       f"(no {META_KEY.decode()} metadata with tags, or no path/probabilities columns)")
    if table.num_rows == 0:
        raise CliError(f"catalog {path} is empty: no songs were indexed")
    tags = [str(t) for t in meta["tags"]]
    probs = _matrix(table, "probabilities", len(tags), path)
    if not np.all(np.isfinite(probs)):
        raise CliError(f"{path}: tag probabilities contain NaN/Inf")
    embeddings = None
    if "embedding" in names and table.column("embedding").null_count < table.num_rows:
        dim = meta.get("embedding_dim")
        embeddings = _matrix(table, "embedding", int(dim) if dim else None, path)
        if embeddings.shape[1] == 0:
            embeddings = None
    if require_embeddings and embeddings is None:
        raise CliError(f"catalog {path} has no audio embeddings: re-index it with `mtat-tagger index --reindex`")
    joint = None
    if "joint" in names and table.column("joint").null_count == 0:
        joint = _matrix(table, "joint", meta.get("joint_dim"), path)
    keys = [str(p) for p in table.column("path").to_pylist()]
    shown = keys
    if "abs_path" in names:
        shown = [a if a else k for a, k in zip(table.column("abs_path").to_pylist(), keys)]
    return Catalog(source=path, paths=[str(p) for p in shown], tags=tags, probabilities=probs,
                   embeddings=embeddings, keys=keys, model_dir=str(meta.get("model_dir") or ""),
                   model_version=str(meta.get("model_version") or ""), meta=meta, joint=joint)


def model_dir_for(catalog: Catalog, model: str | None, alternative: str = "") -> str:
    """The model to use with ``catalog``: ``model`` if given, else the one it was indexed with.

    Raises CliError when the catalog records no model or its model folder is gone
    (``alternative`` is appended to the hint, e.g. " (or --no-model)").
    """
    model_dir = model or catalog.model_dir
    if not model_dir:
        raise CliError(f"catalog {catalog.source} does not record its model: pass --model DIR{alternative}")
    if model is None and "://" not in model_dir and not os.path.exists(model_dir):
        raise CliError(f"the catalog's model {model_dir} is not there any more: pass --model DIR{alternative}")
    return model_dir


def write_catalog(path: str, paths: Sequence[str], probabilities, tags: Sequence[str], embeddings=None, *,
                  model_dir: str = "", model_version: str = "", root: str = "", joint=None) -> None:
    """Write a catalog of given predictions (synthetic catalogs for tests and benchmarks) with
    ``index``'s own schema and writer; the columns ``index`` measures (duration, size, mtime) are empty."""
    import datetime as dt

    from tagger_cli.index import FORMAT, table_of, write_atomic

    n = len(paths)
    probabilities = np.asarray(probabilities, np.float32).reshape(n, len(tags))
    meta: dict[str, Any] = {"format": FORMAT, "tags": list(tags), "model_dir": model_dir,
                            "model_version": str(model_version), "root": root, "files": n}
    if embeddings is not None:
        embeddings = np.asarray(embeddings, np.float32)
        meta["embedding_dim"] = int(embeddings.shape[1])
    if joint is not None:
        joint = np.asarray(joint, np.float32)
        meta["joint_dim"] = int(joint.shape[1])
    now = dt.datetime.now(dt.timezone.utc)
    rows = [{"path": str(p), "abs_path": _canonical(os.path.join(root, p)) if root else str(p),
             "duration": float("nan"), "probabilities": probabilities[i].tolist(),
             "embedding": None if embeddings is None else embeddings[i].tolist(),
             "joint": None if joint is None else joint[i].tolist(),
             "model_version": str(model_version), "model_dir": model_dir, "indexed_at": now}
            for i, p in enumerate(paths)]
    write_atomic(table_of(rows, meta), path)
