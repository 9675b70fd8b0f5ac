"""Reading and validating ``annotations_final.csv`` (tab-separated, every field double-quoted).

A broken header is a whole-file error (:class:`AnnotationsError`); a broken row becomes a
:class:`Reject` with a reason and the row's line number, never an exception.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import os
import posixpath
import re
from collections import Counter
from typing import Iterable, Sequence

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
    if rel.startswith(("/", "\\")) or _DRIVE.match(rel) or "://" in rel:
        return f"absolute path or URL not allowed: {rel!r}"
    if "\\" in rel or "\x00" in rel:
        return f"backslash or NUL in path: {rel!r}"
    if ".." in rel.split("/"):
        return f"path escapes the data root: {rel!r}"
    return None


def read_text(path: str) -> str:
    """Read a local or remote (``gs://``, ``s3://`` via tf.io.gfile) text file; BOM-tolerant."""
    if "://" in path:
        import tensorflow as tf

        with tf.io.gfile.GFile(path, "rb") as f:
            data = f.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise AnnotationsError(f"{path}: not UTF-8 text ({err})") from None


def parse_annotations(text: str, source: str = ANNOTATIONS_FILE) -> Annotations:
    """Parse the CSV text. Header needs ``clip_id`` and ``mp3_path``; every other column is a tag.

    Row rejects: wrong field count, non-integer or duplicated ``clip_id``, a tag value other
    than 0/1, an empty or unsafe ``mp3_path``, a duplicated ``mp3_path``.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"', strict=False)
    header: list[str] | None = None
    for header in reader:
        if any(cell.strip() for cell in header):
            break
    if not header or not any(cell.strip() for cell in header):
        raise AnnotationsError(f"{source}: empty file, no header")
    header = [h.strip() for h in header]
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

    rows: list[ClipRow] = []
    rejects: list[Reject] = []
    seen_ids: dict[int, int] = {}
    seen_paths: dict[str, int] = {}
    for fields in reader:
        line = reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue  # blank line: no data
        raw_id = fields[id_col].strip() if len(fields) > id_col else ""
        raw_path = fields[path_col].strip() if len(fields) > path_col else ""

        def reject(reason: str, message: str) -> None:
            rejects.append(Reject(raw_id, raw_path, reason, f"{source} line {line}: {message}", line))

        if len(fields) != len(header):
            reject("malformed_row", f"{len(fields)} fields, header has {len(header)}")
            continue
        try:
            clip_id = int(raw_id)
        except ValueError:
            reject("bad_clip_id", f"clip_id {raw_id!r} is not an integer")
            continue
        if clip_id in seen_ids:
            reject("duplicate_clip_id", f"clip_id {clip_id} already on line {seen_ids[clip_id]}")
            continue
        why = unsafe_path_reason(raw_path)
        if why:
            reject("unsafe_path", why)
            continue
        norm_path = posixpath.normpath(raw_path)
        if norm_path in seen_paths:
            reject("duplicate_path", f"mp3_path already used on line {seen_paths[norm_path]}")
            continue
        bad = [(h, fields[i]) for i, h in tag_cols if fields[i].strip() not in ("0", "1")]
        if bad:
            h, v = bad[0]
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            reject("bad_tag_value", f"tag {h!r} has value {v!r}, expected 0 or 1{more}")
            continue
        seen_ids[clip_id] = line
        seen_paths[norm_path] = line
        tags = frozenset(h for i, h in tag_cols if fields[i].strip() == "1")
        rows.append(ClipRow(clip_id, norm_path, tags, line))
    return Annotations(tuple(h for _, h in tag_cols), tuple(rows), tuple(rejects))


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
    if "://" in data_root:
        return full
    root_real = os.path.realpath(data_root)
    real = os.path.realpath(full)
    if os.path.commonpath([root_real, real]) != root_real:
        raise ValueError(f"{rel!r} resolves outside the data root (symlink?)")
    return full
