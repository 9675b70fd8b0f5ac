"""Train / eval / test assignment: MTAT folder split (default) or Won et al. split files.

Rows are mapped to splits by their ``mp3_path`` (never by globbing the disk, which would
silently drop a row whose file is missing).
"""
from __future__ import annotations

import fnmatch
import io
import logging
import os
import posixpath
from collections.abc import Iterable, Mapping

import numpy as np

from mtat.annotations import ClipRow, Reject

SPLITS: tuple[str, ...] = ("train", "eval", "test")

#: Dieleman / Pons folder split: folders 0-b train, c valid, d-f test.
FOLDER_SPLIT: Mapping[str, str] = {"train": "[0-9ab]/*", "eval": "c/*", "test": "[d-f]/*"}

#: File stems of Won et al. 2020 split files, mapped to our split names.
SPLIT_FILE_NAMES: Mapping[str, str] = {"train": "train", "valid": "eval", "test": "test"}

log = logging.getLogger(__name__)


def folder_split_of(mp3_path: str, patterns: Mapping[str, str] = FOLDER_SPLIT) -> str | None:
    """The split whose pattern matches ``mp3_path`` (``None`` if none does)."""
    for split, pattern in patterns.items():
        if fnmatch.fnmatchcase(mp3_path, pattern):
            return split
    return None


def _split_file_entries(path: str) -> list[str]:
    import tensorflow as tf  # tf.io.gfile: local paths and gs:// / s3:// alike

    with tf.io.gfile.GFile(path, "rb") as f:
        data = f.read()
    if path.endswith(".npy"):
        values = np.load(io.BytesIO(data), allow_pickle=False).reshape(-1)
        lines = [str(v) for v in values]
    else:
        lines = data.decode("utf-8-sig").splitlines()
    out = []
    for line in lines:
        line = line.strip()
        if line:
            out.append(posixpath.normpath(line.split("\t")[-1].strip()))  # "<index>\t<path>" or "<path>"
    return out


def load_split_files(split_dir: str) -> dict[str, str]:
    """Read ``train``/``valid``/``test`` split files (``.npy`` as in Won et al., or ``.txt``).

    Each entry is ``"<index>\\t<folder>/<file>.mp3"`` or just the path. Returns
    ``{mp3_path: split}``. Raises ``ValueError`` if a file is missing or a path is in two splits.
    """
    mapping: dict[str, str] = {}
    for stem, split in SPLIT_FILE_NAMES.items():
        import tensorflow as tf

        found = [os.path.join(split_dir, stem + ext) for ext in (".npy", ".txt", ".tsv")]
        found = [p for p in found if tf.io.gfile.exists(p)]
        if not found:
            raise ValueError(f"split file {stem}.npy (or .txt) not found in {split_dir}")
        for entry in _split_file_entries(found[0]):
            other = mapping.setdefault(entry, split)
            if other != split:
                raise ValueError(f"{entry} is listed in both the {other} and {split} split files")
    return mapping


def assign_splits(
    rows: Iterable[ClipRow],
    split_map: Mapping[str, str] | None = None,
    patterns: Mapping[str, str] = FOLDER_SPLIT,
) -> tuple[dict[str, list[ClipRow]], list[Reject]]:
    """Group rows by split; rows in no split become rejects (``no_split`` / ``not_in_split_files``)."""
    by_split: dict[str, list[ClipRow]] = {s: [] for s in SPLITS}
    rejects: list[Reject] = []
    listed = set()
    for row in rows:
        if split_map is None:
            split = folder_split_of(row.mp3_path, patterns)
            reason, why = "no_split", f"folder of {row.mp3_path!r} matches no split pattern {dict(patterns)}"
        else:
            split = split_map.get(row.mp3_path)
            reason, why = "not_in_split_files", f"{row.mp3_path!r} is in none of the split files"
            listed.add(row.mp3_path)
        if split is None:
            rejects.append(Reject(str(row.clip_id), row.mp3_path, reason, f"line {row.row}: {why}", row.row))
        else:
            by_split[split].append(row)
    if split_map is not None:
        unknown = len(set(split_map) - listed)
        if unknown:
            log.warning("%d entries of the split files have no row in the annotations", unknown)
    return by_split, rejects
