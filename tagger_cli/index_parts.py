"""The pieces of ``mtat-tagger index`` both of its engines share (threads in one process, or a Beam job).

A catalog row of one file (:func:`index_file`, :func:`catalog_row`), the reject of a file that
could not be tagged (:func:`failure`) and the ``<out>.parts/`` folder (:class:`Parts`): the
manifest, the atomically written part files and the rejects files of a Beam run. Light at import
time (no TensorFlow, no Beam): Beam workers import it to write parts.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from typing import Any

import numpy as np

from mtat.search.catalog import write_atomic
from tagger_cli.file_tags import read_file_tags
from tagger_cli.index_scan import AudioFile

MANIFEST = "manifest.json"
#: A part is written at least this often (seconds) while files are being tagged.
PART_SECONDS = 30.0
#: manifest/metadata fields that must agree for rows to share a catalog
IDENTITY = ("model_version", "model_fingerprint", "tags", "root")
PART_PREFIX, REJECTS_PREFIX = "part-", "rejects-"


class Parts:
    """The ``<out>.parts/`` folder: manifest + atomically written part files (+ rejects files of a Beam run)."""

    def __init__(self, out: str):
        self.out = out
        self.dir = out + ".parts"

    def exists(self) -> bool:
        return os.path.isdir(self.dir)

    def manifest(self) -> dict[str, Any]:
        try:
            with open(os.path.join(self.dir, MANIFEST)) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def files(self) -> list[str]:
        return self._named(PART_PREFIX, ".parquet")

    def rejects_files(self) -> list[str]:
        return self._named(REJECTS_PREFIX, ".json")

    def _named(self, prefix: str, suffix: str) -> list[str]:
        return sorted(os.path.join(self.dir, n) for n in os.listdir(self.dir)
                      if n.startswith(prefix) and n.endswith(suffix))

    def start(self, meta: dict[str, Any]) -> None:
        """Create the folder and its manifest; remove what a killed run left half-written, and its
        rejects (unreadable files are tried again)."""
        os.makedirs(self.dir, exist_ok=True)
        out_dir, out_name = os.path.split(self.out)
        stale = [os.path.join(self.dir, n) for n in os.listdir(self.dir) if n.startswith(".") and n.endswith(".tmp")]
        stale += [os.path.join(out_dir, n) for n in os.listdir(out_dir)
                  if n.startswith(f".{out_name}.") and n.endswith(".tmp")]
        for path in stale + self.rejects_files():
            os.remove(path)
        if not os.path.exists(os.path.join(self.dir, MANIFEST)):
            tmp = os.path.join(self.dir, f".{MANIFEST}.tmp")
            with open(tmp, "w") as f:
                json.dump({k: meta[k] for k in (*IDENTITY, "model_dir")}, f, indent=1)
            os.replace(tmp, os.path.join(self.dir, MANIFEST))

    def write(self, table) -> str:
        """Write a part (a catalog table): complete or absent. Names are unique across processes."""
        seq = len(self.files())
        path = os.path.join(self.dir, f"{PART_PREFIX}{seq:06d}-{uuid.uuid4().hex[:8]}.parquet")
        write_atomic(table, path)
        return path

    def write_rejects(self, rejects: list[dict[str, str]]) -> None:
        """Write the rejects of one Beam bundle (read back by the driver after the job)."""
        name = f"{REJECTS_PREFIX}{uuid.uuid4().hex}.json"
        tmp = os.path.join(self.dir, f".{name}.tmp")
        with open(tmp, "w") as f:
            json.dump(rejects, f)
        os.replace(tmp, os.path.join(self.dir, name))

    def rejects(self) -> list[dict[str, str]]:
        """The rejects written by :meth:`write_rejects` (one per path)."""
        by_path: dict[str, dict[str, str]] = {}
        for path in self.rejects_files():
            with open(path) as f:
                by_path.update((r["path"], r) for r in json.load(f))
        return list(by_path.values())

    def remove(self) -> None:
        """Parts first, the manifest last: a run killed half-way through leaves a resumable folder."""
        if self.exists():
            for part in self.files():
                os.remove(part)
        shutil.rmtree(self.dir, ignore_errors=True)

    def resumable(self) -> bool:
        """False when absent or empty (a run killed before its manifest was written: nothing to resume)."""
        return self.exists() and bool(self.manifest() or self.files())


def read_rows(path: str) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def catalog_row(f: AudioFile, pred, file_tags: dict[str, str | None], tagger) -> dict[str, Any]:
    """The catalog row of one tagged file (with its own title, artist and album tags)."""
    from mtat.thresholds import applying

    return {"path": f.rel, "abs_path": f.abs, "duration": float(pred.duration), "short": pred.short,
            **file_tags,
            "probabilities": np.asarray(pred.probabilities, np.float32).tolist(),
            "embedding": np.asarray(pred.embedding, np.float32).tolist(),
            "joint": None if pred.joint is None else np.asarray(pred.joint, np.float32).tolist(),
            "applies": None if tagger.thresholds is None else applying(tagger.tags, pred.probabilities,
                                                                        tagger.thresholds),
            "size": f.size, "mtime_ns": f.mtime_ns, "model_version": tagger.version,
            "model_dir": tagger.model_dir, "indexed_at": dt.datetime.now(dt.timezone.utc)}


def index_file(tagger, f: AudioFile) -> dict[str, Any]:
    """Decode and tag one file and read its own tags: its catalog row. Raises for an unreadable file
    (:class:`mtat.audio.AudioError`)."""
    return catalog_row(f, tagger.predict_file(f.abs), read_file_tags(f.abs), tagger)


def failure(f: AudioFile, error: BaseException) -> dict[str, str]:
    """The reject of a file the worker could not tag (the message without the path it ends with)."""
    reason = getattr(error, "reason", type(error).__name__)
    text = str(error).strip().splitlines()[0] if str(error).strip() else reason
    return {"path": f.rel, "reason": reason, "error": text.removesuffix(f": {f.abs}")}
