"""Generated sample clips, rendered once into :data:`~benchmarks.harness.env.DATA_DIR` and reused."""
from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.harness.env import DATA_DIR
from benchmarks.harness.machine import usable_cores

if TYPE_CHECKING:
    from mtat.annotations import Annotations

#: Seed of every generated set the benchmarks render (the sample set `make run` uses).
DATA_SEED = 0
#: Clips rendered at most; bigger benchmark sets repeat them (hard links under new names and
#: clip ids, in the same split folders): throughput does not depend on which music is decoded.
MAX_RENDERED = 400
REPEAT_CLIP_ID_BASE = 10_000_000  # clip ids of the repeats (MTAT's are < 60,000)


def _rows(root: Path) -> Annotations | None:
    """The annotations of a generated set, rows in CSV order (``None`` when it has no CSV yet).

    Generated sets have no rejected rows (their faults are in the audio files), so the k-th row
    here is the k-th row of the file.
    """
    from mtat.annotations import ANNOTATIONS_FILE, load_annotations

    if not (root / ANNOTATIONS_FILE).is_file():
        return None
    return load_annotations(str(root))


def row_count(root: Path) -> int:
    annotations = _rows(root)
    return 0 if annotations is None else len(annotations.rows)


def master_clips(n: int, *, log: Callable[[str], None] = print) -> Path:
    """The cache folder with at least ``n`` good generated clips (rendered once: ~0.25 s/clip/core)."""
    master = DATA_DIR / "master"
    if row_count(master) >= n:
        return master
    import sample_music

    log(f"generating {n} sample clips in {master} (once; ~{0.25 * n / usable_cores():.0f} s) ...")
    stats = sample_music.generate(master, clips=n, seed=DATA_SEED, faults=False, progress=False)
    log(f"  generated {stats['clips']} clips in {stats['seconds']:.0f} s")
    return master


def clips_root(n: int, *, log: Callable[[str], None] = print) -> str:
    """A data root with ``n`` clips in the cache: :func:`repeated_set` of the first ``min(n, MAX_RENDERED)``."""
    root = DATA_DIR / f"n{n}"
    if row_count(root) != n:
        repeated_set(root, n, MAX_RENDERED, log=log)
    return str(root)


def repeated_set(root: Path, n: int, unique: int, *, empty_rows: Sequence[int] = (),
                 log: Callable[[str], None] = print) -> Path:
    """Write a data root of ``n`` rows from ``unique`` rendered clips (the cache's first ones).

    The generator is a function of (seed, index), so the first clips of a bigger set are what a
    smaller set would be. Past ``unique`` rows, row ``i`` is a link to rendered clip ``i % unique``
    named ``r<k>_<name>`` in the same folder (so in the same split, when ``unique`` is a multiple
    of 16), with clip id ``REPEAT_CLIP_ID_BASE + i``. Hard links, not symlinks: the extraction
    refuses paths leaving the root. Rows in ``empty_rows`` get a 0-byte file instead (as the three
    empty MP3s of the real MagnaTagATune). ``root`` is emptied first.
    """
    from mtat.annotations import ANNOTATIONS_FILE, CLIP_ID_COLUMN, PATH_COLUMN

    rendered = min(n, unique)
    master = master_clips(rendered, log=log)
    annotations = _rows(master)
    tags = annotations.tag_columns
    empty = set(empty_rows)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    with open(root / ANNOTATIONS_FILE, "w", newline="", encoding="utf-8") as f:  # the generator's format
        writer = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow([CLIP_ID_COLUMN, *tags, PATH_COLUMN])
        for i in range(n):
            row = annotations.rows[i % rendered]
            clip_id, rel = row.clip_id, row.mp3_path
            repeat = i // rendered
            if repeat:
                folder, name = os.path.split(row.mp3_path)
                clip_id, rel = REPEAT_CLIP_ID_BASE + i, os.path.join(folder, f"r{repeat}_{name}")
            dst = root / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            if i in empty:
                dst.touch()
            else:
                try:
                    os.link(master / row.mp3_path, dst)
                except OSError:
                    shutil.copy2(master / row.mp3_path, dst)
            writer.writerow([str(clip_id), *("1" if t in row.tags else "0" for t in tags), rel])
    return root


def clip_paths(root: str) -> list[str]:
    """Absolute MP3 paths of a data root, in CSV order."""
    from mtat.annotations import load_annotations

    return [os.path.join(root, row.mp3_path) for row in load_annotations(root).rows]
