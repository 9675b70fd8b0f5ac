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

A reader loads only the columns searches use (:data:`READ_COLUMNS`) and keeps them columnar: the
probabilities as one column-major float32 matrix (a search reads a few tags of every song), the
embeddings as one float32 matrix, paths, file tags and the tags that apply as Arrow columns (:class:`ArrowColumn`),
durations and short flags as arrays.
"""
from __future__ import annotations

import dataclasses
import json
import os
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from mtat.search.errors import CatalogError
from mtat.windows import are_short, is_short

META_KEY = b"mtat_tagger.catalog"
FORMAT = 1
#: The optional columns of what a file's own tags say (catalogs written before them load with None).
FILE_TAG_COLUMNS = ("title", "artist", "album")
#: The columns of one float vector per song (read one at a time).
MATRIX_COLUMNS = ("probabilities", "embedding", "joint")
#: The columns a reader loads (the others, such as size and mtime, are the indexer's own).
READ_COLUMNS = ("path", "abs_path", "duration", "short", "probabilities", "embedding", "joint", "applies",
                *FILE_TAG_COLUMNS)

T = TypeVar("T")


class ArrowColumn(Sequence):
    """A column kept as one Arrow array (no Python object per row); a row reads as its Python value
    (a ``str``, a list of ``str``; None where null)."""

    def __init__(self, array):
        self.array = array

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self.array[i].to_pylist()
        return self.array[i].as_py()

    def __iter__(self):
        return iter(self.array.to_pylist())

    def __add__(self, other: Sequence) -> list:
        return list(self) + list(other)

    def __radd__(self, other: Sequence) -> list:
        return list(other) + list(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(other) == len(self) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class FileTags(Sequence):
    """Per row the file's own ``{"title", "artist", "album"}`` (None where unknown), kept as one column
    per field (a list or a :class:`ArrowColumn`; None: a field no row has) and built into a dict only
    when a row is read."""

    def __init__(self, n: int, columns: dict[str, Sequence[str | None] | None] | None = None):
        self._n = n
        self.columns = {name: (columns or {}).get(name) for name in FILE_TAG_COLUMNS}

    @classmethod
    def of_rows(cls, rows: Sequence[dict[str, str | None]]) -> FileTags:
        """The file tags of per-row dicts (missing keys are None)."""
        return cls(len(rows), {name: [r.get(name) for r in rows] for name in FILE_TAG_COLUMNS})

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._n))]
        if not -self._n <= i < self._n:
            raise IndexError(i)
        return {name: (None if col is None else col[i] or None) for name, col in self.columns.items()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(other) == self._n and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def named(self) -> list[tuple[int, str, str]]:
        """``(row, field, value)`` of every known value, field by field."""
        return [(i, name, str(v)) for name, col in self.columns.items() if col is not None
                for i, v in enumerate(col) if v]


@dataclasses.dataclass
class Catalog:
    """An indexed catalog as arrays: ``probabilities`` ``[n, K]`` over ``tags``; ``embeddings`` ``[n, D]``
    or None; ``joint`` ``[n, JOINT_DIM]`` unit vectors in the joint audio-text space or None.

    ``paths`` are what results show: the absolute path recorded at indexing time when the
    catalog has one, else the row key. ``short`` ``[n]`` bool: the song is shorter than
    :data:`mtat.windows.MIN_RELIABLE_SECONDS` (all False when not given).
    """

    source: str
    paths: Sequence[str]
    tags: list[str]
    probabilities: np.ndarray
    embeddings: np.ndarray | None
    keys: Sequence[str]
    model_dir: str = ""
    model_version: str = ""
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)
    joint: np.ndarray | None = None
    short: np.ndarray | None = None
    #: per row, the tags that apply (at or above their threshold) or None (no thresholds / older catalog)
    applies: Sequence[list[str] | None] | None = None
    #: ``[n]`` seconds per song (NaN where unknown); all NaN when not given
    durations: np.ndarray | None = None
    #: per row, the file's own ``{"title", "artist", "album"}`` (values None where unknown; all None
    #: for catalogs written before these columns); a list of dicts is kept as :class:`FileTags`
    file_tags: Sequence[dict[str, str | None]] | None = None
    #: values derived from the arrays once (:meth:`derived`)
    _derived: dict[str, tuple[Any, Any]] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.paths)
        self.short = np.zeros(n, bool) if self.short is None else np.asarray(self.short, bool).reshape(n)
        self.durations = (np.full(n, np.nan) if self.durations is None
                          else np.asarray(self.durations, np.float64).reshape(n))
        if self.file_tags is None:
            self.file_tags = FileTags(n)
        elif not isinstance(self.file_tags, FileTags):  # per-row dicts
            self.file_tags = FileTags.of_rows(self.file_tags)
        self._derived = {}

    def derived(self, name: str, source: Any, make: Callable[[], T]) -> T:
        """``make()``, computed once per catalog for ``source`` (the array it derives from: a catalog
        copied with another array computes its own)."""
        hit = self._derived.get(name)
        if hit is not None and hit[0] is source:
            return hit[1]
        value = make()
        self._derived[name] = (source, value)
        return value

    def __len__(self) -> int:
        return len(self.paths)

    @property
    def unit_joint(self) -> np.ndarray | None:
        """``joint`` as float32 scaled to unit length, computed once (every free-word search needs it)."""
        from mtat.joint_space import unit_vectors

        return None if self.joint is None else self.derived("unit_joint", self.joint, lambda: unit_vectors(self.joint))

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


def _read(path: str, read: Callable[[str], T]) -> T:
    """``read(path)`` (pyarrow.parquet), any failure one line for the user (not Parquet, truncated, unreadable)."""
    try:
        return read(path)
    except Exception as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CatalogError(f"cannot read catalog {path}: {first}") from None


def _column(path: str, name: str):
    """One column of the catalog file (a ChunkedArray named ``name``)."""
    import pyarrow.parquet as pq

    return _read(path, lambda p: pq.read_table(p, columns=[name]).column(name))


def _release_freed_memory_at_once() -> None:
    """Make Arrow's allocator give freed memory back to the system at once (by default it keeps it about
    a second): the catalog's columns are decoded one after another, so their buffers do not add up in
    the peak RSS (1M songs: 1.69 -> 1.07 GB)."""
    import pyarrow as pa

    try:
        pa.jemalloc_set_decay_ms(0)
    except NotImplementedError:  # another allocator than jemalloc
        pass


def _matrix(column, name: str, width: int | None, source: str) -> np.ndarray:
    """The list<float> column ``name`` as a dense ``[n, width]`` float32 array (every row the same width)."""
    import pyarrow as pa

    col = column.combine_chunks()
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


def _column_major(matrix: np.ndarray, block: int = 8192) -> np.ndarray:
    """``matrix`` as a column-major copy (a search reads a few tags' columns of every song), copied a
    block of rows at a time (several times faster than one transposing copy of a large matrix)."""
    out = np.empty(matrix.shape, matrix.dtype, order="F")
    for start in range(0, len(matrix), block):
        out[start:start + block] = matrix[start:start + block]
    return out


def read_catalog(path: str, require_embeddings: bool = False) -> Catalog:
    """Read and validate a catalog written by ``index``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if not path:
        raise CatalogError("no catalog given: pass --catalog catalog.parquet (written by `mtat-tagger index`)")
    if "://" not in path and not os.path.exists(path):
        raise CatalogError(f"catalog not found: {path} (create one with `mtat-tagger index MUSIC_DIR --out {path}`)")
    if "://" not in path and os.path.isdir(path):
        raise CatalogError(f"catalog is a folder, expected a Parquet file: {path}")
    _release_freed_memory_at_once()
    names = [n for n in _read(path, pq.read_schema).names if n in READ_COLUMNS]
    table = _read(path, lambda p: pq.read_table(p, columns=[n for n in names if n not in MATRIX_COLUMNS]))
    raw = (table.schema.metadata or {}).get(META_KEY)
    try:
        meta = json.loads(raw) if raw else {}
    except ValueError:
        meta = {}
    if not meta.get("tags") or "path" not in names or "probabilities" not in names:
        raise CatalogError(f"{path} is not a catalog written by `mtat-tagger index` "
                       f"(no {META_KEY.decode()} metadata with tags, or no path/probabilities columns)")
    if table.num_rows == 0:
        raise CatalogError(f"catalog {path} is empty: no songs were indexed")
    tags = [str(t) for t in meta["tags"]]
    # the matrices one at a time (their sum is most of a catalog), each decoded buffer given back at once
    probs = _column_major(_matrix(_column(path, "probabilities"), "probabilities", len(tags), path))
    if not np.all(np.isfinite(probs)):
        raise CatalogError(f"{path}: tag probabilities contain NaN/Inf")
    embeddings = None
    column = _column(path, "embedding") if "embedding" in names else None
    if column is not None and column.null_count < table.num_rows:
        dim = meta.get("embedding_dim")
        embeddings = _matrix(column, "embedding", int(dim) if dim else None, path)
        if embeddings.shape[1] == 0:
            embeddings = None
    del column
    if require_embeddings and embeddings is None:
        raise CatalogError(f"catalog {path} has no audio embeddings: re-index it with `mtat-tagger index --reindex`")
    joint = None
    column = _column(path, "joint") if "joint" in names else None
    if column is not None and column.null_count == 0:
        joint = _matrix(column, "joint", meta.get("joint_dim"), path)
    del column
    applies = None
    if "applies" in names and table.column("applies").null_count < table.num_rows:
        applies = ArrowColumn(table.column("applies").combine_chunks().cast(pa.list_(pa.string())))
    keys = table.column("path").combine_chunks().cast(pa.string())
    durations = _floats(table, "duration")
    short = _short_flags(table, durations)
    shown = keys
    if "abs_path" in names:  # the absolute path where one was recorded, else the key
        recorded = table.column("abs_path").combine_chunks().cast(pa.string())
        shown = pc.if_else(pc.fill_null(pc.not_equal(recorded, ""), False), recorded, keys)
    return Catalog(source=path, paths=ArrowColumn(shown), keys=ArrowColumn(keys), tags=tags, probabilities=probs,
                   embeddings=embeddings, model_dir=str(meta.get("model_dir") or ""),
                   model_version=str(meta.get("model_version") or ""), meta=meta, joint=joint, short=short,
                   applies=applies, file_tags=_file_tags(table, len(keys)), durations=durations)


def _floats(table, name: str) -> np.ndarray:
    """A numeric column as float64 (NaN where null or absent)."""
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    col = table.column(name).combine_chunks()
    values = np.asarray(col.to_numpy(zero_copy_only=False), np.float64)
    if col.null_count:
        values = np.where(np.asarray(col.is_null()), np.nan, values)
    return values


def _short_flags(table, durations: np.ndarray) -> np.ndarray:
    """The ``short`` column, derived from ``durations`` where null or absent (:func:`mtat.windows.is_short`)."""
    derived = are_short(durations)
    if "short" not in table.column_names:
        return derived
    col = table.column("short").combine_chunks()
    if col.null_count == 0:
        return np.asarray(col.to_numpy(zero_copy_only=False), bool)
    flags = np.asarray(col.fill_null(False).to_numpy(zero_copy_only=False), bool)
    return np.where(np.asarray(col.is_null()), derived, flags)


def _file_tags(table, n: int) -> FileTags:
    """The optional title / artist / album columns (None where absent or null; a field no row has is None)."""
    import pyarrow as pa

    columns = {}
    for name in FILE_TAG_COLUMNS:
        if name in table.column_names and table.column(name).null_count < n:
            columns[name] = ArrowColumn(table.column(name).combine_chunks().cast(pa.string()))
    return FileTags(n, columns)


def model_dir_for(catalog: Catalog | str, model: str | None, alternative: str = "") -> str:
    """The model to use with ``catalog`` (a read catalog, or a catalog's path: then only its metadata
    is read): ``model`` if given, else the one it was indexed with.

    Raises CatalogError when the catalog records no model or its model folder is gone
    (``alternative`` is appended to the hint, e.g. " (or --no-model)").
    """
    if isinstance(catalog, str):
        source, recorded = catalog, str(catalog_meta(catalog).get("model_dir") or "")
    else:
        source, recorded = catalog.source, catalog.model_dir
    model_dir = model or recorded
    if not model_dir:
        raise CatalogError(f"catalog {source} does not record its model: pass --model DIR{alternative}")
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
    durations = np.full(n, np.nan) if durations is None else np.asarray(durations, np.float64).reshape(n)
    columns: dict[str, Any] = {
        "path": [str(p) for p in paths],
        "abs_path": [_canonical(os.path.join(root, p)) if root else str(p) for p in paths],
        "duration": durations, "short": are_short(durations),
        "probabilities": _list_column(probabilities),
        "embedding": None if embeddings is None else _list_column(embeddings),
        "joint": None if joint is None else _list_column(joint),
        "model_version": [str(model_version)] * n, "model_dir": [model_dir] * n, "indexed_at": [now] * n,
        **({} if file_tags is None else {k: [file_tags[i].get(k) for i in range(n)] for k in FILE_TAG_COLUMNS})}
    write_atomic(_table_of_columns(columns, meta, n), path)


def _list_column(matrix: np.ndarray):
    """A ``[n, width]`` float32 matrix as a list<float> Arrow column (no Python object per value)."""
    import pyarrow as pa

    m = np.ascontiguousarray(matrix, np.float32)
    offsets = np.arange(len(m) + 1, dtype=np.int64) * m.shape[1]
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), pa.array(m.reshape(-1)))


def _table_of_columns(columns: dict[str, Any], meta: dict[str, Any], n: int):
    """The catalog table of whole columns (a column absent or None is all null)."""
    import pyarrow as pa

    schema = catalog_schema(meta)
    arrays = [pa.nulls(n, f.type) if columns.get(f.name) is None
              else columns[f.name] if isinstance(columns[f.name], pa.Array) else pa.array(columns[f.name], f.type)
              for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


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
