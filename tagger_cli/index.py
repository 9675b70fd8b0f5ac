"""Tag every audio file under a folder into one Parquet catalog: parallel, resumable, incremental.

    mtat-tagger index ~/music --out catalog.parquet [--model serving_model/tagger] [--workers 2]
                      [--no-follow-symlinks] [--beam | --beam-workers N] [--beam-arg=--FLAG=VALUE ...]

Every file under DIR is accounted for: it is a catalog row or a reject. Every regular file is
tried with the decoder, whatever its name (``.opus`` decodes; ``.m4a`` or a tracker module is
rejected as ``unsupported_format``, a text file as ``not_audio``); what is refused unopened (hidden
entries, duplicates, dangling links, ...) is listed in :mod:`tagger_cli.index_scan`. Symlinks
are followed, to files and folders anywhere (folder loops are detected and reported): a row's
key is the link's path under DIR, its ``abs_path`` the resolved file. ``--no-follow-symlinks``
rejects a symlink resolving outside DIR as ``unsafe_path`` (never opened). The summary counts
add up to the files seen (``indexed N, skipped unchanged N, rejected N (reason N, ...), files
seen N``); the rejects are listed on stderr grouped by reason. A run that would write a catalog
without rows writes nothing and exits with status 2, saying why.

Catalog schema (one row per readable file, sorted by ``path``; the format is defined by
:mod:`mtat.search.catalog`):

    path            string          relative to DIR, '/'-separated (the row key)
    abs_path        string          resolved absolute path (symlinks followed) when indexed
    duration        double          seconds (decoded length)
    short           bool            shorter than mtat.windows.MIN_RELIABLE_SECONDS (3 s): tags unreliable,
                                    left out of search / similar unless --include-short
    probabilities   list<float32>   K clip-level tag probabilities (served numbers), in the order
                                    of the metadata's "tags"
    embedding       list<float32>   D-dim clip embedding (penultimate layer, mean over windows)
    joint           list<float32>   unit vector in the joint audio-text space (window mean,
                                    renormalised); null for a model without the joint head
    applies         list<string>    the tags at or above the model's per-tag threshold, most
                                    probable first; null for a model without thresholds
    title, artist,  string          the file's own tags (ID3, Vorbis comments, MP4, FLAC, ... read
    album                           with mutagen: tagger_cli.file_tags); null where it has none.
                                    Rows reused from a catalog written before these columns get
                                    them read on the next run
    size            int64           file size in bytes  } together: the file has not changed
    mtime_ns        int64           modification time   } since it was indexed
    model_version   string          the model's version folder name
    model_dir       string          the model's version folder
    indexed_at      timestamp[us, UTC]

Schema metadata ``mtat_tagger.catalog`` (JSON): ``format``, ``tags``, ``embedding_dim``, ``joint_dim``,
``model_version``, ``model_dir``, ``model_fingerprint`` (content hash of the SavedModel),
``preset``, ``mel_config``, ``root`` (absolute DIR), ``created_at``, ``files`` (rows),
``files_seen`` (= ``files`` + rejects) and ``rejects``: ``[{"path", "reason", "error"}]`` for
every file that could not be read (``reason`` as in :class:`mtat.audio.AudioError`) or was
refused unopened (:mod:`tagger_cli.index_scan`). :func:`mtat.search.catalog.read_catalog` loads
it as NumPy arrays.

Resume: finished files are written every ``--part-size`` files (or 30 s) to
``<out>.parts/part-NNNNNN-<id>.parquet`` (written to a dot-file, then renamed: a part is
complete or absent), next to a ``manifest.json`` naming the model and DIR. A new run skips every
path already in a part (or in an existing ``<out>`` catalog) whose size and mtime (and, through a
symlink, resolved path) are unchanged, indexes the rest, then merges catalog + parts into
``<out>`` (temporary file + rename) and deletes the parts. So an interrupted run (Ctrl-C, a kill,
a crash) resumes where it stopped, loses at most one part's worth of work, indexes nothing twice
and misses nothing; re-running on a finished catalog only indexes new or changed files and drops
rows of deleted ones. Unreadable files are retried by the next run (they are not in any part).

Beam (``--beam``, ``--beam-workers``, ``--beam-arg``): the same run with the tagging as an Apache
Beam job whose workers write the parts (:mod:`tagger_cli.index_beam`); scan, resume and merge
are this module's, so the catalog, rejects and summary are the same.

One catalog, one model: if the parts or the existing catalog were made with another model
(version, tag list or SavedModel fingerprint differ) or for another DIR, ``index`` stops with an
error instead of mixing them; ``--reindex`` discards them and rebuilds with the current model.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from typing import Any

from mtat.audio import AUDIO_EXTENSIONS
from mtat.search.catalog import FORMAT, catalog_meta, row_is_short, table_of, write_atomic
from mtat.windows import MIN_RELIABLE_SECONDS
from tagger_cli.file_tags import FIELDS, read_file_tags
from tagger_cli.index_parts import PART_SECONDS, Parts, failure, index_file, read_rows
from tagger_cli.index_scan import AudioFile, Scan, nothing_indexed, print_rejects, reason_counts, scan
from tagger_cli.main import CliError, progress_bar

HELP = "tag every audio file under a folder into a Parquet catalog (parallel, resumable)"


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def add_arguments(p) -> None:
    p.add_argument("dir", metavar="DIR",
                   help="folder to index recursively: every file is tried with the audio decoder (e.g. "
                        + " ".join(AUDIO_EXTENSIONS) + "); the others are listed as rejects")
    p.add_argument("--out", required=True, metavar="PARQUET", help="catalog file to write (e.g. catalog.parquet)")
    p.add_argument("--model", metavar="DIR",
                   help="model version dir, model dir (newest version) or serving dir [serving_model/tagger]")
    p.add_argument("--workers", type=int, default=default_workers(),
                   help=f"files decoded/tagged in parallel [{default_workers()}]")
    p.add_argument("--part-size", type=int, default=64, help="files per resumable part [64]")
    p.add_argument("--reindex", action="store_true",
                   help="discard an existing catalog / unfinished parts (other model or folder) and start over")
    p.add_argument("--follow-symlinks", action=argparse.BooleanOptionalAction, default=True,
                   help="index the files symlinks point to, also outside DIR (default); with "
                        "--no-follow-symlinks a symlink resolving outside DIR is rejected as unsafe_path")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    beam = p.add_argument_group("Apache Beam", "tag as a Beam job (same catalog, parts and resume rule)")
    beam.add_argument("--beam", action="store_true",
                      help="run the tagging as a Beam pipeline: DirectRunner with --workers worker processes")
    beam.add_argument("--beam-workers", type=int, metavar="N",
                      help="Beam's portable runner with N workers of a local worker pool (implies --beam)")
    beam.add_argument("--beam-arg", action="append", default=[], metavar="--FLAG=VALUE",
                      help="a Beam pipeline option, repeatable (implies --beam), e.g. --beam-arg=--runner=FlinkRunner; "
                           "on a cluster DIR and --out must be paths every worker can read and write")


# --------------------------------------------------------------------------------------------
# the run


def _mismatch(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Why rows described by ``old`` cannot join a catalog described by ``new`` (None if they can)."""
    if old.get("root") != new["root"]:
        return f"it indexes {old.get('root')}, not {new['root']}"
    if old.get("model_version") != new["model_version"] or old.get("tags") != new["tags"] or (
            old.get("model_fingerprint") and new["model_fingerprint"]
            and old.get("model_fingerprint") != new["model_fingerprint"]):
        return (f"it was indexed with model version {old.get('model_version') or '?'} "
                f"({old.get('model_dir')}), not version {new['model_version'] or '?'} ({new['model_dir']})")
    return None


def _paths(args) -> tuple[str, str]:
    """(absolute DIR, absolute --out), checked."""
    root = os.path.abspath(os.path.expanduser(args.dir))
    out = os.path.abspath(os.path.expanduser(args.out))
    if not os.path.isdir(root):
        raise CliError(f"not a folder: {args.dir}")
    if args.workers < 1 or args.part_size < 1:
        raise CliError("--workers and --part-size must be at least 1")
    if args.beam_workers is not None and args.beam_workers < 1:
        raise CliError("--beam-workers must be at least 1")
    if os.path.isdir(out):
        raise CliError(f"--out must be a file name, {args.out} is a folder")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    return root, out


def _catalog_meta_for(tagger, root: str) -> dict[str, Any]:
    """The metadata naming the model and folder of a catalog (its identity: :data:`IDENTITY`)."""
    return {"format": FORMAT, "tags": tagger.tags, "embedding_dim": tagger.embedding_dim,
            "joint_dim": int(tagger.info["joint"]["dim"]) if tagger.has_joint else None,
            "model_version": tagger.version, "model_dir": tagger.model_dir,
            "model_fingerprint": tagger.fingerprint, "preset": tagger.preset,
            "mel_config": tagger.config.to_dict(), "root": root,
            "clip_scheme": "mean over the served model windows (serving_default)"}


def _already_indexed(args, out: str, parts: Parts, meta: dict[str, Any],
                     files: list[AudioFile]) -> tuple[dict[str, dict[str, Any]], int]:
    """Rows of unchanged files in an existing catalog and in unfinished parts: ``(path -> row,
    files resumed from parts)``. Raises CliError when they belong to another model or folder."""
    current = {f.rel: f for f in files}

    def unchanged(row: dict[str, Any]) -> bool:
        f = current.get(row["path"])
        return (f is not None and f.size == row["size"] and f.mtime_ns == row["mtime_ns"]
                and (not f.linked or row.get("abs_path") == f.abs))  # a retargeted link is another file

    done: dict[str, dict[str, Any]] = {}  # later sources override earlier ones
    if args.reindex:
        parts.remove()
        return done, 0
    if os.path.exists(out):
        old = catalog_meta(out)
        why = _mismatch(old, meta) if old else "it is not a catalog written by 'mtat-tagger index'"
        if why:
            raise CliError(f"{args.out} cannot be extended: {why}. Pass --reindex to rebuild it with "
                           "this model and folder, or choose another --out")
        done.update((row["path"], _with_file_tags(row, current[row["path"]]))
                for row in read_rows(out) if unchanged(row))
    if not parts.resumable():
        return done, 0
    why = _mismatch(parts.manifest(), meta) if parts.manifest() else "its manifest is missing"
    if why:
        raise CliError(f"unfinished index parts in {parts.dir} cannot be resumed: {why}. "
                       "Pass --reindex to discard them")
    before = set(done)
    for part in parts.files():
        try:
            rows = read_rows(part)
        except Exception:
            print(f"warning: ignoring unreadable part {part}", file=sys.stderr)
            os.remove(part)
            continue
        done.update((row["path"], _with_file_tags(row, current[row["path"]])) for row in rows if unchanged(row))
    return done, len(set(done) - before)


def _with_file_tags(row: dict[str, Any], f: AudioFile) -> dict[str, Any]:
    """A reused row of a catalog written before the title/artist/album columns, with them read now."""
    return row if all(name in row for name in FIELDS) else {**row, **read_file_tags(f.abs)}


def _index_files(args, tagger, todo: list[AudioFile], total: int, parts: Parts, meta: dict[str, Any],
                 done: dict[str, dict[str, Any]]) -> tuple[list[dict[str, str]], int]:
    """Tag ``todo`` in parallel, saving a part every ``--part-size`` files (or PART_SECONDS) and adding
    the saved rows to ``done``. Returns (rejects, files processed). On Ctrl-C the finished files are
    saved first, then KeyboardInterrupt propagates."""
    from tqdm import tqdm

    from mtat.tagging import map_files

    rejects: list[dict[str, str]] = []
    pending: list[dict[str, Any]] = []
    last_flush = time.monotonic()
    processed = 0
    by_abs = {f.abs: f for f in todo}

    def flush() -> None:
        nonlocal last_flush
        if pending:
            parts.write(table_of(pending, meta))
            done.update((row["path"], row) for row in pending)
            pending.clear()
        last_flush = time.monotonic()

    bar = tqdm(total=total, initial=total - len(todo), unit="file", file=sys.stderr,
               disable=args.no_progress, desc="indexing", smoothing=0.1)
    try:
        def tag_file(path: str) -> dict[str, Any]:  # in a worker thread
            return index_file(tagger, by_abs[path])

        for path, row, error in map_files(tag_file, list(by_abs), workers=args.workers, ordered=False):
            f = by_abs[path]
            processed += 1
            bar.update(1)
            if error is not None:
                rejects.append(failure(f, error))
                continue
            pending.append(row)
            if len(pending) >= args.part_size or time.monotonic() - last_flush > PART_SECONDS:
                flush()
    except KeyboardInterrupt:
        flush()
        bar.close()
        print(f"index interrupted after {processed} file(s); {len(done)} are saved in {parts.dir}: "
              "run the same command again to resume", file=sys.stderr)
        raise
    finally:
        bar.close()
    flush()
    return rejects, processed


def _index_with_beam(args, tagger, todo: list[AudioFile], total: int, parts: Parts, meta: dict[str, Any],
                     done: dict[str, dict[str, Any]]) -> tuple[list[dict[str, str]], int]:
    """:func:`_index_files` as a Beam job (:mod:`tagger_cli.index_beam`): the job writes parts, this
    adds their rows to ``done`` and returns (rejects, files processed). A progress bar counts the
    parts' rows while the job runs."""
    from pipelines.worker_pool import portable_pool_args
    from tagger_cli.index_beam import pipeline_args, run_job

    if not todo:
        return [], 0
    before = set(parts.files())
    bar = _PartsProgress(parts, before, total, total - len(todo), disable=args.no_progress)
    try:
        with portable_pool_args(args.beam_workers, log=sys.stderr) as pool_args:
            beam_args = pipeline_args(args.workers, pool_args, args.beam_arg)
            print(f"Beam job: {len(todo)} file(s), {' '.join(beam_args)}", file=sys.stderr, flush=True)
            bar.start()
            run_job(todo, model_dir=tagger.model_dir, out=parts.out, meta=meta, part_size=args.part_size,
                    beam_args=beam_args)
    except KeyboardInterrupt:
        saved = bar.stop()
        print(f"index interrupted; {saved} file(s) of this run are saved in {parts.dir}: "
              "run the same command again to resume", file=sys.stderr)
        raise
    except Exception as err:
        saved = bar.stop()
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CliError(f"the Beam job failed ({type(err).__name__}: {first}); {saved} file(s) of this run are "
                       f"saved in {parts.dir}: run the same command again to resume") from err
    bar.stop()
    wanted = {f.rel for f in todo}
    new: dict[str, dict[str, Any]] = {}
    for part in parts.files():
        if part not in before:  # rows of a retried bundle appear twice: one per path
            new.update((row["path"], row) for row in read_rows(part) if row["path"] in wanted)
    done.update(new)
    failed = [r for r in parts.rejects() if r["path"] in wanted and r["path"] not in new]
    lost = len(wanted) - len(new) - len(failed)
    if lost:
        raise CliError(f"the Beam job ended without a row or a reject for {lost} file(s): "
                       "run the same command again to index them")
    return failed, len(wanted)


class _PartsProgress:
    """A tqdm bar fed by a thread counting the rows of new part files (and the rejects) every second."""

    def __init__(self, parts: Parts, before: set[str], total: int, initial: int, disable: bool):
        import threading

        from tqdm import tqdm

        self.parts, self.before, self.counted = parts, before, {}
        self.bar = tqdm(total=total, initial=initial, unit="file", file=sys.stderr, disable=disable,
                        desc="indexing", smoothing=0.1)
        self.initial = initial
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="index-progress", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def saved(self) -> int:
        """Rows in the part files written since the job started."""
        import pyarrow.parquet as pq

        for part in self.parts.files():
            if part not in self.before and part not in self.counted:
                try:
                    self.counted[part] = pq.read_metadata(part).num_rows
                except OSError:
                    continue
        return sum(self.counted.values())

    def _poll(self) -> None:
        while not self._stopped.wait(1.0):
            self._refresh()

    def _refresh(self) -> None:
        try:
            done = self.saved() + len(self.parts.rejects())
        except (OSError, ValueError):  # a file renamed or removed under us: next time
            return
        self.bar.update(self.initial + done - self.bar.n)

    def stop(self) -> int:
        """Stop polling, close the bar; the rows saved by the job."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()
        self._refresh()
        self.bar.close()
        return self.saved()


def _prepare_search(tags: list[str]) -> None:
    """Embed the search vocabulary now (once per install: a disk cache), so the first search is quick."""
    from mtat.search import prepare_vocabulary

    prepare_vocabulary(tags, progress=progress_bar)


def run(args) -> int:
    from mtat.tagging import load_tagger

    root, out = _paths(args)
    found: Scan = scan(root, follow_symlinks=args.follow_symlinks, own=(out, out + ".parts"))
    if not found.files:
        print_rejects(found.rejects, sys.stderr)
        raise CliError(nothing_indexed(args.dir, found.seen, found.rejects))
    tagger = load_tagger(args.model)
    meta = _catalog_meta_for(tagger, root)
    files = found.files
    parts = Parts(out)
    done, resumed = _already_indexed(args, out, parts, meta, files)
    parts.start(meta)
    if resumed:
        print(f"resuming: {resumed} file(s) already indexed in {parts.dir}", file=sys.stderr)

    start = time.monotonic()
    todo = [f for f in files if f.rel not in done]
    index = _index_with_beam if args.beam or args.beam_workers or args.beam_arg else _index_files
    failed, processed = index(args, tagger, todo, len(files), parts, meta, done)
    seconds = time.monotonic() - start

    current = {f.rel for f in files}
    rows = sorted((r for r in done.values() if r["path"] in current), key=lambda r: r["path"])
    rejects = sorted(found.rejects + failed, key=lambda r: r["path"])
    print_rejects(rejects, sys.stderr)
    if not rows:
        parts.remove()
        raise CliError(nothing_indexed(args.dir, found.seen, rejects))
    final_meta = dict(meta, created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                      files=len(rows), files_seen=found.seen, rejects=rejects)
    write_atomic(table_of(rows, final_meta), out)
    parts.remove()
    new = processed - len(failed)
    rate = f", {new / seconds:.1f} files/s" if new and seconds > 0 else ""
    counts = f" ({reason_counts(rejects)})" if rejects else ""
    print(f"indexed {new}, skipped unchanged {len(rows) - new}, rejected {len(rejects)}{counts}, "
          f"files seen {found.seen}: {len(rows)} song(s) in {args.out}{rate}; "
          f"model {tagger.name} version {tagger.version or '?'}")
    short = sum(row_is_short(r) for r in rows)
    if short:
        print(f"{short} short (< {MIN_RELIABLE_SECONDS:g} s): tagged, left out of search by default")
    _prepare_search(meta["tags"])
    return 0
