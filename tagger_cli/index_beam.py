"""``mtat-tagger index --beam``: the tagging of an index as an Apache Beam job.

The driver (:mod:`tagger_cli.index`) scans DIR and decides what to tag exactly as without
``--beam`` (same rejects, same resume rule); this module runs the tagging of the files left:

    Create(file records) | Reshuffle | ParDo(TagFilesDoFn)

:class:`TagFilesDoFn` loads the model once per worker (``setup``), tags each file with the code
of the plain index (:func:`tagger_cli.index_parts.index_file`: ``Tagger.predict_file`` and the
file's own tags) and writes a part file into ``<out>.parts/`` every ``--part-size`` files (or
30 s) and at the end of each bundle, with the rejects of those files next to it
(``rejects-*.json``). The job's result *is* the parts folder: the driver then merges catalog +
parts into ``<out>`` as without ``--beam``. So a killed job resumes (the next run skips what the
parts hold) and a retried bundle's duplicate rows are dropped by path at the merge.

Why a file-level DoFn and not Beam's ``RunInference``: a file is a variable number of model
windows (a 3-minute song is 7, a sound effect 1) whose outputs are averaged into one row, the
file is decoded in bounded blocks, and the file's own tags are read in the same step; the
``Tagger`` already batches windows into ``analyze`` calls. ``RunInference`` takes one tensor per
element, so it would need a decode step fanning files out to windows, a keyed ``RunInference``
and a per-file combine, shipping every decoded window (1.4 MB each) between steps for no gain
in model throughput.

Workers need the paths: on a cluster runner DIR and ``--out`` must be on storage every worker
mounts at the same path (NFS, a GCS or S3 FUSE mount), since workers read the audio and write
the parts there. Imports stay light here (no TFX, no TensorFlow until ``setup``): Beam pickles
the DoFn by reference to this module.
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import Any

import apache_beam as beam

from tagger_cli.index_parts import PART_SECONDS, Parts, failure, index_file
from tagger_cli.index_scan import AudioFile


class TagFilesDoFn(beam.DoFn):
    """Tag file records (``AudioFile`` fields as a dict) into part files of ``<out>.parts/``; yields nothing.

    ``meta``: the catalog metadata of the run (the parts' schema metadata)."""

    def __init__(self, model_dir: str, out: str, meta: dict[str, Any], part_size: int):
        self.model_dir, self.out, self.meta, self.part_size = model_dir, out, meta, part_size
        self.tagged = beam.metrics.Metrics.counter("index", "files_tagged")
        self.rejected = beam.metrics.Metrics.counter("index", "files_rejected")

    def setup(self) -> None:
        from mtat.environment import configure_tensorflow_env

        configure_tensorflow_env()
        from mtat.tagging import Tagger

        self._tagger = Tagger(self.model_dir)
        self._parts = Parts(self.out)
        self._rows: list[dict[str, Any]] = []
        self._rejects: list[dict[str, str]] = []

    def start_bundle(self) -> None:
        self._last_flush = time.monotonic()

    def process(self, record: dict[str, Any]):
        f = AudioFile(**record)
        try:
            self._rows.append(self.tag(f))
            self.tagged.inc()
        except Exception as err:  # one bad file never stops the others (as map_files)
            self._rejects.append(failure(f, err))
            self.rejected.inc()
        if len(self._rows) + len(self._rejects) >= self.part_size or time.monotonic() - self._last_flush > PART_SECONDS:
            self._flush()
        return ()

    def tag(self, f: AudioFile) -> dict[str, Any]:
        """The catalog row of ``f`` (raises for an unreadable file)."""
        return index_file(self._tagger, f)

    def finish_bundle(self) -> None:
        self._flush()

    def _flush(self) -> None:
        """Write the buffered rows as a part and the rejects next to it (rejects first: a part is
        the proof a file is done)."""
        from mtat.search.catalog import table_of

        if self._rejects:
            self._parts.write_rejects(self._rejects)
            self._rejects = []
        if self._rows:
            self._parts.write(table_of(self._rows, self.meta))
            self._rows = []
        self._last_flush = time.monotonic()


def direct_args(workers: int) -> list[str]:
    """DirectRunner args: ``workers`` worker processes."""
    return ["--direct_running_mode=multi_processing", f"--direct_num_workers={workers}"]


def pipeline_args(workers: int, pool_args: Sequence[str], extra: Sequence[str]) -> list[str]:
    """The job's Beam args: the local worker pool's (``--beam-workers``) or the DirectRunner's, then
    ``--beam-arg`` values (later flags win); the project's ``setup.py`` is staged for another ``--runner``."""
    from pipelines.beam_args import given_flags, with_dependency_flag

    args = [*(pool_args or direct_args(workers)), *extra]
    return with_dependency_flag(args) if "--runner" in given_flags(extra) else args


def run_job(files: Sequence[AudioFile], *, model_dir: str, out: str, meta: dict[str, Any], part_size: int,
            beam_args: Sequence[str]) -> None:
    """Run the tagging job to its end (raises what the runner raises)."""
    from apache_beam.options.pipeline_options import PipelineOptions

    records = [dataclasses.asdict(f) for f in files]
    with beam.Pipeline(options=PipelineOptions(list(beam_args))) as p:
        _ = (p | "Files" >> beam.Create(records) | "Spread" >> beam.Reshuffle()
             | "Tag" >> beam.ParDo(TagFilesDoFn(model_dir, out, meta, part_size)))
