"""Reading and validating ``annotations_final.csv`` (tab-separated, every field double-quoted).

A broken header is a whole-file error (:class:`AnnotationsError`); a broken row becomes a
:class:`Reject` with a reason and the row's line number, never an exception.
"""
from __future__ import annotations

import csv
import dataclasses
import os
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Sequence

CLIP_ID_COLUMN = "clip_id"
PATH_COLUMN = "mp3_path"
ANNOTATIONS_FILE = "annotations_final.csv"


class AnnotationsError(ValueError):
    """The annotations file as a whole is unusable (unreadable, no header, missing columns)."""


@dataclasses.dataclass(frozen=True)
class Reject:
    """A row or clip that could not be used, with why. ``row`` is the CSV line number."""

    clip_id: str
    path: str
    reason: str
    message: str
    row: int | None = None
    stage: str = "csv"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class ClipRow:
    """One valid annotation row: the clip, its file (relative to the data root) and positive tags."""

    clip_id: int
    mp3_path: str
    tags: frozenset[str]
    row: int


@dataclasses.dataclass(frozen=True)
class Annotations:
    """The parsed file: tag columns in header order, valid rows, and row-level rejects."""

    tag_columns: tuple[str, ...]
    rows: tuple[ClipRow, ...]
    rejects: tuple[Reject, ...]

    def tag_counts(self) -> Counter:
        """Positive count per tag column over the valid rows (zero counts included)."""
        counts: Counter = Counter({t: 0 for t in self.tag_columns})
        for r in self.rows:
            counts.update(r.tags)
        return counts


_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_path_reason(rel: str) -> str | None:
    """Why ``rel`` may not be opened under the data root, or ``None`` if it is a plain relative path."""
    if not rel.strip():
        return "empty mp3_path"
    shown = repr(rel) if len(rel) <= 300 else repr(rel[:300]) + "..."
    if rel.startswith(("/", "\\")) or _DRIVE.match(rel) or "://" in rel:
        return f"absolute path or URL not allowed: {shown}"
    if "\\" in rel or "\x00" in rel:
        return f"backslash or NUL in path: {shown}"
    if ".." in rel.split("/"):
        return f"path escapes the data root: {shown}"
    return None


def read_text(path: str) -> str:
    """Read a local or remote (``gs://``, ``s3://`` via tf.io.gfile) text file as UTF-8.

    Bytes that are not UTF-8 are kept as lone surrogates (``surrogateescape``) so that
    :func:`parse_annotations` can reject just the rows holding them.
    """
    if "://" in path:
        import tensorflow as tf

        with tf.io.gfile.GFile(path, "rb") as f:
            data = f.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    return data.decode("utf-8", "surrogateescape")


#: Physical line ends: LF, CRLF, or a lone CR (not the other separators ``str.splitlines`` knows).
_LINE_END = re.compile(r"\r\n|\r|\n")
_SURROGATE = re.compile("[\udc80-\udcff]")
_CLIP_ID = re.compile(r"[0-9]{1,19}")
_INT64_MAX = 2**63 - 1


def _fields(line: str) -> list[str]:
    """Split one physical line (tab-separated, optional double quotes); ``csv.Error`` if impossible."""
    return next(csv.reader([line], delimiter="\t", quotechar='"', strict=False), [])


def _is_blank(line: str) -> bool:
    return not line.strip()


def parse_annotations(text: str, source: str = ANNOTATIONS_FILE) -> Annotations:
    """Parse the CSV text. Header needs ``clip_id`` and ``mp3_path``; every other column is a tag.

    One physical line is one row (LF, CRLF or CR; a leading BOM is ignored; blank lines are
    skipped), so a stray quote can never swallow the rows after it. Row rejects, each with its
    line number: a line that is not UTF-8 or not parseable, a wrong field count, a ``clip_id``
    that is not a non-negative int64 or is duplicated, a tag value other than 0/1, an empty or
    unsafe ``mp3_path``, a duplicated ``mp3_path``. A broken header raises :class:`AnnotationsError`.
    """
    lines = _LINE_END.split(text[1:] if text.startswith("\ufeff") else text)
    header = _parse_header(lines, source)
    rows: list[ClipRow] = []
    rejects: list[Reject] = []
    seen_ids: dict[int, int] = {}
    seen_paths: dict[str, int] = {}
    for index in range(header.index + 1, len(lines)):
        if _is_blank(lines[index]):
            continue  # blank line: no data
        row = _parse_row(lines[index], index + 1, header, seen_ids, seen_paths, source)
        if isinstance(row, Reject):
            rejects.append(row)
            continue
        seen_ids[row.clip_id] = row.row
        seen_paths[row.mp3_path] = row.row
        rows.append(row)
    return Annotations(tuple(h for _, h in header.tag_cols), tuple(rows), tuple(rejects))


@dataclasses.dataclass(frozen=True)
class _Header:
    """The header line: its index in the lines, its columns, where the id, path and tag columns are."""

    index: int
    columns: list[str]
    id_col: int
    path_col: int
    tag_cols: list[tuple[int, str]]


def _parse_header(lines: list[str], source: str) -> _Header:
    """The first non-blank line as the header; :class:`AnnotationsError` when it is unusable."""
    first = next((i for i, line in enumerate(lines) if not _is_blank(line)), None)
    if first is None:
        raise AnnotationsError(f"{source}: empty file, no header")
    if _SURROGATE.search(lines[first]):
        raise AnnotationsError(f"{source}: the header (line {first + 1}) is not UTF-8 text")
    try:
        header = [h.strip() for h in _fields(lines[first])]
    except csv.Error as err:
        raise AnnotationsError(f"{source}: unreadable header on line {first + 1} ({err})") from None
    for needed in (CLIP_ID_COLUMN, PATH_COLUMN):
        if needed not in header:
            hint = " (is it tab-separated?)" if len(header) == 1 else ""
            raise AnnotationsError(f"{source}: header lacks the {needed!r} column{hint}")
    dup = sorted(k for k, n in Counter(header).items() if n > 1)
    if dup:
        raise AnnotationsError(f"{source}: duplicated header column(s) {dup}")
    id_col, path_col = header.index(CLIP_ID_COLUMN), header.index(PATH_COLUMN)
    tag_cols = [(i, h) for i, h in enumerate(header) if i not in (id_col, path_col)]
    if not tag_cols:
        raise AnnotationsError(f"{source}: no tag columns in the header")
    return _Header(first, header, id_col, path_col, tag_cols)


def _parse_row(text_line: str, line: int, header: _Header, seen_ids: dict[int, int], seen_paths: dict[str, int],
               source: str) -> ClipRow | Reject:
    """One non-blank data line (number ``line``) as a valid row, or the Reject saying why not."""
    if _SURROGATE.search(text_line):
        shown = text_line.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return Reject("", "", "bad_encoding", f"{source} line {line}: not UTF-8 text: {shown[:120]!r}", line)
    try:
        fields = _fields(text_line)
    except csv.Error as err:
        return Reject("", "", "malformed_row", f"{source} line {line}: unreadable ({err})", line)
    raw_id = fields[header.id_col].strip() if len(fields) > header.id_col else ""
    raw_path = fields[header.path_col].strip() if len(fields) > header.path_col else ""
    problem = _row_problem(fields, raw_id, raw_path, header, seen_ids, seen_paths)
    if problem:
        reason, message = problem
        return Reject(raw_id[:64], raw_path[:1024], reason, f"{source} line {line}: {message}", line)
    tags = frozenset(h for i, h in header.tag_cols if fields[i].strip() == "1")
    return ClipRow(int(raw_id), posixpath.normpath(raw_path), tags, line)


def _row_problem(fields: list[str], raw_id: str, raw_path: str, header: _Header, seen_ids: dict[int, int],
                 seen_paths: dict[str, int]) -> tuple[str, str] | None:
    """(reason, message) of the first thing wrong with a parsed row, or None."""
    if len(fields) != len(header.columns):
        return "malformed_row", f"{len(fields)} fields, header has {len(header.columns)}"
    if not _CLIP_ID.fullmatch(raw_id) or int(raw_id) > _INT64_MAX:
        return "bad_clip_id", f"clip_id {raw_id[:40]!r} is not a non-negative 64-bit integer"
    clip_id = int(raw_id)
    if clip_id in seen_ids:
        return "duplicate_clip_id", f"clip_id {clip_id} already on line {seen_ids[clip_id]}"
    why = unsafe_path_reason(raw_path)
    if why:
        return "unsafe_path", why
    norm_path = posixpath.normpath(raw_path)
    if norm_path in seen_paths:
        return "duplicate_path", f"mp3_path already used on line {seen_paths[norm_path]}"
    bad = [(h, fields[i]) for i, h in header.tag_cols if fields[i].strip() not in ("0", "1")]
    if bad:
        h, v = bad[0]
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        return "bad_tag_value", f"tag {h!r} has value {v[:40]!r}, expected 0 or 1{more}"
    return None


def load_annotations(data_root: str, filename: str = ANNOTATIONS_FILE) -> Annotations:
    """Read and parse ``<data_root>/<filename>`` (local or remote)."""
    path = os.path.join(data_root, filename)
    if "://" not in path and not os.path.isfile(path):
        raise AnnotationsError(f"annotations file not found: {path}")
    return parse_annotations(read_text(path), source=path)


def multi_hot(tags: Iterable[str], vocabulary: Sequence[str]) -> list[int]:
    """Dense 0/1 vector over ``vocabulary`` (the label form TFMA expects)."""
    present = set(tags)
    return [1 if t in present else 0 for t in vocabulary]


def resolve_clip_path(data_root: str, rel: str) -> str:
    """Join ``rel`` under ``data_root``, refusing anything that resolves outside it.

    Raises ``ValueError`` for unsafe relative paths and for local symlinks that point out of
    the root (checked before the file is opened).
    """
    why = unsafe_path_reason(rel)
    if why:
        raise ValueError(why)
    full = os.path.join(data_root, rel)
    if "://" not in data_root and resolves_outside(data_root, full):
        raise ValueError(f"{rel!r} resolves outside the data root (symlink?)")
    return full


def resolves_outside(root: str, path: str) -> bool:
    """Whether local ``path``, symlinks followed (nothing opened), lies outside the folder ``root``."""
    root_real = os.path.realpath(root)
    return os.path.commonpath([root_real, os.path.realpath(path)]) != root_real
