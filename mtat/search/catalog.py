"""The song catalog: its Parquet file format (defined here, once), reading, writing and validation.

One row per song::

    path            string          relative to the indexed folder, '/'-separated (the row key)
    abs_path        string          absolute path when indexed (optional; shown when present)
    duration        double          seconds (decoded length)
    short           bool            shorter than mtat.windows.MIN_RELIABLE_SECONDS (3 s): its tags are
                                    unreliable, searches leave it out unless asked (``include_short``)
    probabilities   list<float32>   K clip-level tag probabilities, in the order of meta["tags"]
    embedding       list<float32>   D-dim clip audio embedding (optional: ``similar`` needs it)
    joint           list<float32>   unit vector in the joint audio-text space (optional: models with
                                    the joint head; free-word search uses it)
    applies         list<string>    the tags at or above the model's per-tag decision threshold,
                                    most probable first (optional: null for models without
                                    thresholds; catalogs written before it have no column)
    title           string          the file's own title tag (optional: null when it has none, and
                                    catalogs written before it have no column)
    artist          string          its artist tag (optional, likewise)
    album           string          its album tag (optional, likewise)
    size            int64           file size in bytes  } together: the file has not changed
    mtime_ns        int64           modification time   } since it was indexed
    model_version   string          the model's version folder name
    model_dir       string          the model's version folder
    indexed_at      timestamp[us, UTC]

and the schema metadata :data:`META_KEY` (JSON) with ``format`` (:data:`FORMAT`), ``tags``
(required), ``model_dir``, ``model_version``, ``embedding_dim``, ``joint_dim`` and what the indexer
adds (``root``, ``files``, ``rejects``, ...). Every problem a reader meets (missing file, not
Parquet, not a catalog, no rows, inconsistent widths, NaN) is a one-line
:class:`~mtat.search.errors.CatalogError`.

Catalogs written before the ``short`` column load too: it is derived from ``duration``
(:func:`mtat.windows.is_short`; an unknown duration is not short), for a missing column as for
null values, and rows of such catalogs get it the same way when they are written again.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import os
import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np

from mtat.search.errors import CatalogError
from mtat.windows import is_short

META_KEY = b"mtat_tagger.catalog"
FORMAT = 1
#: The optional columns of what a file's own tags say (catalogs written before them load with None).
FILE_TAG_COLUMNS = ("title", "artist", "album")


@dataclasses.dataclass
class Catalog:
    """An indexed catalog as arrays: ``probabilities`` ``[n, K]`` over ``tags``; ``embeddings`` ``[n, D]``
    or None; ``joint`` ``[n, JOINT_DIM]`` unit vectors in the joint audio-text space or None.

    ``paths`` are what results show: the absolute path recorded at indexing time when the
    catalog has one, else the row key. ``short`` ``[n]`` bool: the song is shorter than
    :data:`mtat.windows.MIN_RELIABLE_SECONDS` (all False when not given).
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
    short: np.ndarray | None = None
    #: per row, the tags that apply (at or above their threshold) or None (no thresholds / older catalog)
    applies: list[list[str] | None] | None = None
    #: ``[n]`` seconds per song (NaN where unknown); all NaN when not given
    durations: np.ndarray | None = None
    #: per row, the file's own ``{"title", "artist", "album"}`` (values None where unknown; all None
    #: for catalogs written before these columns)
    file_tags: list[dict[str, str | None]] | None = None

    def __post_init__(self) -> None:
        n = len(self.paths)
        self.short = np.zeros(n, bool) if self.short is None else np.asarray(self.short, bool).reshape(n)
        self.durations = (np.full(n, np.nan) if self.durations is None
                          else np.asarray(self.durations, np.float64).reshape(n))
        if self.file_tags is None:
            self.file_tags = [dict.fromkeys(FILE_TAG_COLUMNS) for _ in range(n)]

    def __len__(self) -> int:
        return len(self.paths)

    @functools.cached_property
    def unit_joint(self) -> np.ndarray | None:
        """``joint`` as float32 scaled to unit length, computed once (every free-word search needs it)."""
        from mtat.joint_space import unit_vectors

        return None if self.joint is None else unit_vectors(self.joint)

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
        raise CatalogError(f"{source}: column {name!r} is {col.type}, expected a list of floats")
    if col.null_count:
        raise CatalogError(f"{source}: column {name!r} has {col.null_count} empty row(s)")
    if pa.types.is_fixed_size_list(col.type):
        lengths = np.full(len(col), col.type.list_size)
    else:
        lengths = np.asarray(col.value_lengths())
    if len(lengths) and not np.all(lengths == lengths[0]):
        raise CatalogError(f"{source}: rows of column {name!r} have different lengths "
                       f"({int(lengths.min())}..{int(lengths.max())})")
    got = int(lengths[0]) if len(lengths) else 0
    if width is not None and got != width:
        raise CatalogError(f"{source}: column {name!r} has {got} values per row, the metadata says {width}")
    values = np.asarray(col.flatten().to_numpy(zero_copy_only=False), dtype=np.float32)
    return values.reshape(len(col), got)


def read_catalog(path: str, require_embeddings: bool = False) -> Catalog:
    """Read and validate a catalog written by ``index``."""
    import pyarrow.parquet as pq

    if not path:
        raise CatalogError("no catalog given: pass --catalog catalog.parquet (written by `mtat-tagger index`)")
    if "://" not in path and not os.path.exists(path):
        raise CatalogError(f"catalog not found: {path} (create one with `mtat-tagger index MUSIC_DIR --out {path}`)")
    if "://" not in path and os.path.isdir(path):
        raise CatalogError(f"catalog is a folder, expected a Parquet file: {path}")
    try:
        table = pq.read_table(path)
    except Exception as err:  # not Parquet, truncated, unreadable: one line for the user
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CatalogError(f"cannot read catalog {path}: {first}") from None
    raw = (table.schema.metadata or {}).get(META_KEY)
    try:
        meta = json.loads(raw) if raw else {}
    except ValueError:
        meta = {}
    names = table.column_names
    if not meta.get("tags") or "path" not in names or "probabilities" not in names:
        raise CatalogError(f"{path} is not a catalog written by `mtat-tagger index` "
                       f"(no {META_KEY.decode()} metadata with tags, or no path/probabilities columns)")
    if table.num_rows == 0:
        raise CatalogError(f"catalog {path} is empty: no songs were indexed")
    tags = [str(t) for t in meta["tags"]]
    probs = _matrix(table, "probabilities", len(tags), path)
    if not np.all(np.isfinite(probs)):
        raise CatalogError(f"{path}: tag probabilities contain NaN/Inf")
    embeddings = None
    if "embedding" in names and table.column("embedding").null_count < table.num_rows:
        dim = meta.get("embedding_dim")
        embeddings = _matrix(table, "embedding", int(dim) if dim else None, path)
        if embeddings.shape[1] == 0:
            embeddings = None
    if require_embeddings and embeddings is None:
        raise CatalogError(f"catalog {path} has no audio embeddings: re-index it with `mtat-tagger index --reindex`")
    joint = None
    if "joint" in names and table.column("joint").null_count == 0:
        joint = _matrix(table, "joint", meta.get("joint_dim"), path)
    applies = None
    if "applies" in names and table.column("applies").null_count < table.num_rows:
        applies = [None if a is None else [str(t) for t in a] for a in table.column("applies").to_pylist()]
    keys = [str(p) for p in table.column("path").to_pylist()]
    durations = table.column("duration").to_pylist() if "duration" in names else [None] * len(keys)
    flags = table.column("short").to_pylist() if "short" in names else [None] * len(keys)
    short = np.fromiter((is_short(d) if f is None else bool(f) for f, d in zip(flags, durations)), bool, len(keys))
    file_tags = _file_tags(table, len(keys))
    shown = keys
    if "abs_path" in names:
        shown = [a if a else k for a, k in zip(table.column("abs_path").to_pylist(), keys)]
    return Catalog(source=path, paths=[str(p) for p in shown], tags=tags, probabilities=probs,
                   embeddings=embeddings, keys=keys, model_dir=str(meta.get("model_dir") or ""),
                   model_version=str(meta.get("model_version") or ""), meta=meta, joint=joint, short=short,
                   applies=applies, file_tags=file_tags,
                   durations=np.array([np.nan if d is None else float(d) for d in durations], np.float64))


def _file_tags(table, n: int) -> list[dict[str, str | None]]:
    """Per row ``{"title", "artist", "album"}`` from the optional columns (None where absent or null)."""
    columns = {name: table.column(name).to_pylist() if name in table.column_names else [None] * n
               for name in FILE_TAG_COLUMNS}
    return [{name: (str(columns[name][i]) if columns[name][i] else None) for name in FILE_TAG_COLUMNS}
            for i in range(n)]


def model_dir_for(catalog: Catalog, model: str | None, alternative: str = "") -> str:
    """The model to use with ``catalog``: ``model`` if given, else the one it was indexed with.

    Raises CatalogError when the catalog records no model or its model folder is gone
    (``alternative`` is appended to the hint, e.g. " (or --no-model)").
    """
    model_dir = model or catalog.model_dir
    if not model_dir:
        raise CatalogError(f"catalog {catalog.source} does not record its model: pass --model DIR{alternative}")
    if model is None and "://" not in model_dir and not os.path.exists(model_dir):
        raise CatalogError(f"the catalog's model {model_dir} is not there any more: pass --model DIR{alternative}")
    return model_dir


def write_catalog(path: str, paths: Sequence[str], probabilities, tags: Sequence[str], embeddings=None, *,
                  model_dir: str = "", model_version: str = "", root: str = "", joint=None,
                  durations=None, file_tags=None) -> None:
    """Write a catalog of given predictions (synthetic catalogs for tests and benchmarks) with
    the indexer's own schema and writer; the columns ``index`` measures (size, mtime) are empty, and
    ``duration`` too unless ``durations`` (seconds per song) are given (``short`` follows from them);
    ``file_tags``: per song a dict of :data:`FILE_TAG_COLUMNS` (missing keys are null)."""
    import datetime as dt

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
             "duration": float("nan") if durations is None else float(durations[i]),
             "probabilities": probabilities[i].tolist(),
             "embedding": None if embeddings is None else embeddings[i].tolist(),
             "joint": None if joint is None else joint[i].tolist(),
             "model_version": str(model_version), "model_dir": model_dir, "indexed_at": now,
             **({} if file_tags is None else {k: file_tags[i].get(k) for k in FILE_TAG_COLUMNS})}
            for i, p in enumerate(paths)]
    write_atomic(table_of(rows, meta), path)


# -- the file format -------------------------------------------------------------------------
def catalog_meta(source) -> dict[str, Any]:
    """The ``mtat_tagger.catalog`` JSON of a table, schema or Parquet file path ({} if absent or unreadable)."""
    import pyarrow.parquet as pq

    try:
        if isinstance(source, str):
            schema = pq.read_schema(source)
        else:
            schema = source.schema if hasattr(source, "schema") else source
        raw = (schema.metadata or {}).get(META_KEY)
        return json.loads(raw) if raw else {}
    except Exception:  # not Parquet / foreign metadata: not one of our catalogs
        return {}


def catalog_schema(meta: dict[str, Any]):
    import pyarrow as pa

    return pa.schema([
        ("path", pa.string()), ("abs_path", pa.string()), ("duration", pa.float64()), ("short", pa.bool_()),
        ("probabilities", pa.list_(pa.float32())), ("embedding", pa.list_(pa.float32())),
        ("joint", pa.list_(pa.float32())), ("applies", pa.list_(pa.string())),
        *((name, pa.string()) for name in FILE_TAG_COLUMNS),
        ("size", pa.int64()), ("mtime_ns", pa.int64()), ("model_version", pa.string()),
        ("model_dir", pa.string()), ("indexed_at", pa.timestamp("us", tz="UTC")),
    ], metadata={META_KEY: json.dumps(meta)})


def row_is_short(row: dict[str, Any]) -> bool:
    """A catalog row's ``short`` flag; derived from its ``duration`` when the row has none (older catalogs)."""
    flag = row.get("short")
    return is_short(row.get("duration")) if flag is None else bool(flag)


def table_of(rows: list[dict[str, Any]], meta: dict[str, Any]):
    import pyarrow as pa

    schema = catalog_schema(meta)
    columns = {f.name: [r.get(f.name) for r in rows] for f in schema}  # older rows lack "joint", "applies", "title"
    columns["short"] = [row_is_short(r) for r in rows]  # ... and "short"
    return pa.Table.from_pydict(columns, schema=schema)


def write_atomic(table, path: str) -> None:
    import pyarrow.parquet as pq

    d, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(d, f".{name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
