"""A small sample data set in exactly the MagnaTagATune layout, rendered from real music.

Clip ``index`` of a data set gets the style :func:`style_of` (index), its music and tag
probabilities from :mod:`sample_music.styles`, its audio from :mod:`sample_music.rendering`
(by default through the random recording/mixing/codec chain of :mod:`sample_music.augmentation`
before mastering); each positive tag is then dropped with probability ``LABEL_DROP``, as real
crowd tags miss many.

Output (like MTAT)::

    OUT/annotations_final.csv     tab-separated, every field double-quoted:
                                  "clip_id", the 188 tags of MTAT_TAGS (0/1), "mp3_path"
    OUT/{0..f}/<artist>-<album>-<nn>-<title>-<start>-<end>.mp3
    OUT/faults.json               {clip_id: kind} of the deliberately broken rows (--faults)

Everything is a function of ``(seed, clip index)`` through ``numpy.random.SeedSequence``, so
the CSV and the MP3 bytes are identical across runs and worker counts.

CLI: ``python -m sample_music OUT --clips 300 --seed 0 [--faults] [--no-augment] [--workers W]``
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from mtat.annotations import ANNOTATIONS_FILE, CLIP_ID_COLUMN, PATH_COLUMN
from mtat.tags import MTAT_TAGS
from sample_music.augmentation import augment as augment_audio
from sample_music.rendering import SAMPLE_RATE, Score, find_soundfont, load_tinysoundfont, master, render, write_mp3
from sample_music.styles import STYLES, Tags, pick

#: MTAT's 16 audio folders; the folder split uses 0-b train, c valid, d-f test.
FOLDERS = "0123456789abcdef"
#: Probability that a positive tag is missing from the annotations (crowd tags are sparse).
LABEL_DROP = 0.2
#: The deliberately broken rows added by ``faults=True``, in this order after the good clips.
FAULT_KINDS = ("empty", "truncated", "not_audio", "missing")
TRUNCATE_FRACTION = 0.35
FAULTS_FILE = "faults.json"

_MUSIC, _LABELS, _NAMES, _LEVEL, _AUGMENT = 0, 1, 2, 3, 4  # independent random streams of one clip
#: Default of ``generate(augment_strength=...)`` and ``--augment-strength``: of 0.5, 1 and 1.75 the
#: one whose model tagged real recordings best, at the same held-out AUC (docs/sample-data.md).
AUGMENT_STRENGTH = 0.5


# ----------------------------------------------------------------------------------------------
# Clips: composition, labels, names


@dataclasses.dataclass
class Composition:
    """One clip's music before rendering: its style, score, tag probabilities and loudness."""

    style: str
    score: Score
    tag_probs: Tags
    level: str


def folder_of(index: int) -> str:
    """Audio folder of the index-th clip: round-robin over 0..f."""
    return FOLDERS[index % len(FOLDERS)]


def style_of(index: int) -> str:
    """Style of the index-th clip.

    ``(index + index // 16) % n_styles`` walks every folder through all styles (17 and the 15
    styles are coprime), so the folder split's train, valid and test parts each see every style.
    """
    names = list(STYLES)
    return names[(index + index // len(FOLDERS)) % len(names)]


def _rng(seed: int, index: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index, stream)))


def compose(seed: int, index: int) -> Composition:
    """Compose the index-th clip of the data set with this seed (deterministic, no rendering)."""
    style = style_of(index)
    score, probs, level = STYLES[style](_rng(seed, index, _MUSIC))
    unknown = sorted(set(probs) - set(MTAT_TAGS))
    if unknown:
        raise ValueError(f"style {style!r} uses tags outside MTAT_TAGS: {unknown}")
    return Composition(style, score, probs, level)


def draw_labels(seed: int, index: int, tag_probs: Mapping[str, float]) -> list[str]:
    """The crowd's tags of a clip: each tag kept with ``p * (1 - LABEL_DROP)``, in MTAT_TAGS order."""
    rng = _rng(seed, index, _LABELS)
    return [t for t in MTAT_TAGS if t in tag_probs and rng.random() < tag_probs[t] * (1 - LABEL_DROP)]


_FIRST = ("john", "mary", "anna", "peter", "lisa", "mark", "elena", "david", "sarah", "paul", "maria",
          "james", "nina", "omar", "ravi", "yuki", "tom", "clara", "lucas", "ines", "ali", "sofia")
_LAST = ("smith", "miller", "garcia", "ross", "lee", "young", "wood", "stone", "berg", "shankar",
         "novak", "kelly", "moreau", "tanaka", "brown", "silva", "fischer", "walsh", "ray", "costa")
_ADJ = ("electric", "silent", "golden", "broken", "wild", "blue", "dark", "lost", "velvet", "hollow",
        "crystal", "iron", "paper", "northern", "quiet", "neon", "ancient", "little", "bright")
_NOUN = ("lights", "echoes", "rivers", "machines", "wolves", "shadows", "giants", "circuits", "dreams",
         "gardens", "voices", "waves", "mountains", "strangers", "engines", "birds", "roads", "stars")
_WORDS = ("morning", "rain", "city", "dream", "fire", "night", "river", "song", "dance", "light",
          "heart", "road", "sky", "winter", "summer", "ocean", "home", "time", "shadow", "gold",
          "moon", "train", "window", "garden", "storm", "mirror", "journey", "silence", "wind")
_FORMS = ("sonata", "prelude", "nocturne", "fugue", "suite", "concerto", "etude", "aria", "partita",
          "fantasia", "invention", "rondo", "raga", "chorale", "motet", "serenade")
_ENSEMBLES = ("ensemble", "quartet", "consort", "soloists", "trio", "orchestra", "players", "choir")
_KEYS = ("c", "d", "e", "f", "g", "a", "b", "c_sharp", "e_flat", "b_flat", "f_sharp")
_CLASSICAL_STYLES = {"strings", "piano", "harpsichord", "choir", "flute", "harp", "opera", "guitar",
                     "indian"}


def _clip_name(rng: np.random.Generator, style: str, track: int) -> tuple[str, str, str]:
    """(artist, album, title) in MTAT's style: lowercase ascii words joined by underscores."""
    if style in _CLASSICAL_STYLES:
        artist = (f"{pick(rng, _FIRST)}_{pick(rng, _LAST)}" if rng.random() < 0.6
                  else f"{pick(rng, _LAST)}_{pick(rng, _ENSEMBLES)}")
        form = pick(rng, _FORMS)
        album = (f"{form}s_and_{pick(rng, _FORMS)}s" if rng.random() < 0.5
                 else f"{pick(rng, _WORDS)}_{form}s")
        mode, movement = pick(rng, ("major", "minor")), pick(rng, ("i", "ii", "iii", "iv"))
        title = f"{form}_in_{pick(rng, _KEYS)}_{mode}_{movement}"
    else:
        if rng.random() < 0.6:
            artist = f"{'the_' if rng.random() < 0.4 else ''}{pick(rng, _ADJ)}_{pick(rng, _NOUN)}"
        else:
            artist = f"{pick(rng, _FIRST)}_{pick(rng, _LAST)}"
        album = "_".join(pick(rng, _WORDS) for _ in range(int(rng.integers(1, 4))))
        title = "_".join(pick(rng, _WORDS) for _ in range(int(rng.integers(1, 4))))
    return artist, album, f"{track:02d}-{title}"


def _segment(k: int) -> str:
    """MTAT's start-end seconds of the k-th 29.1 s segment of a track: 0-29, 30-59, 59-88, ..."""
    start = int(math.ceil(k * 29.124))
    return f"{start}-{start + 29}"


@dataclasses.dataclass(frozen=True)
class _Job:
    index: int
    clip_id: int
    mp3_path: str  # relative, "<folder>/<file>.mp3"
    fault: str | None


def _plan(clips: int, seed: int, faults: bool) -> list[_Job]:
    """Clip ids, paths and fault kinds of all rows (deterministic; no audio)."""
    kinds: list[str | None] = [None] * clips + (list(FAULT_KINDS) if faults else [])
    jobs, used, clip_id = [], set(), 2
    for index, fault in enumerate(kinds):
        rng = _rng(seed, index, _NAMES)
        if index:
            clip_id += int(rng.integers(1, 6))
        track = int(rng.integers(1, 13))
        artist, album, title = _clip_name(rng, style_of(index), track)
        segment = _segment(int(rng.integers(0, 10)))
        path = f"{folder_of(index)}/{artist}-{album}-{title}-{segment}.mp3"
        while path in used:  # vanishingly rare; resolved deterministically
            track += 1
            artist, album, title = _clip_name(rng, style_of(index), track)
            path = f"{folder_of(index)}/{artist}-{album}-{title}-{segment}.mp3"
        used.add(path)
        jobs.append(_Job(index, clip_id, path, fault))
    return jobs


# ----------------------------------------------------------------------------------------------
# Workers

_WORKER: dict[str, object] = {}
#: What a web server returns for a missing file; has no 0xFF byte, so no MP3 frame sync.
_NOT_AUDIO = ("<html><head><title>404 Not Found</title></head>\n"
              "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p>"
              "</body></html>\n")


def _init_worker(sf2_path: str, out_dir: str, seed: int, augment_strength: float = 0.0) -> None:
    """Pool initializer: read the soundfont once per process."""
    _WORKER.update(sf2=Path(sf2_path).read_bytes(), out=Path(out_dir), seed=seed, augment=augment_strength)


def clip_audio(seed: int, index: int, comp: Composition, sf2: bytes, augment_strength: float = 0.0) -> np.ndarray:
    """The mastered audio of a composed clip: rendered, augmented (strength > 0), mastered."""
    audio = render(comp.score, sf2)
    if augment_strength > 0:
        audio = augment_audio(audio, SAMPLE_RATE, _rng(seed, index, _AUGMENT), augment_strength)
    return master(audio, comp.level, _rng(seed, index, _LEVEL))


def _make_clip(job: _Job) -> tuple[int, list[str], str]:
    """Compose, render and write one clip (or its fault); returns (index, tags, style)."""
    seed, out = int(_WORKER["seed"]), _WORKER["out"]
    comp = compose(seed, job.index)
    path = out / job.mp3_path
    path.unlink(missing_ok=True)
    if job.fault in (None, "truncated"):
        write_mp3(path, clip_audio(seed, job.index, comp, _WORKER["sf2"], float(_WORKER["augment"])))
        if job.fault == "truncated":
            data = path.read_bytes()
            path.write_bytes(data[:int(len(data) * TRUNCATE_FRACTION)])
    elif job.fault == "empty":
        path.write_bytes(b"")
    elif job.fault == "not_audio":
        path.write_text(_NOT_AUDIO)
    elif job.fault != "missing":
        raise ValueError(f"unknown fault kind {job.fault!r}")
    return job.index, draw_labels(seed, job.index, comp.tag_probs), comp.style


def _run(jobs: Sequence[_Job], init_args: tuple[str, str, int, float], workers: int,
         progress: bool) -> Iterator[tuple[int, list[str], str]]:
    """Render the jobs in order, in-process (1 worker) or in spawned worker processes."""
    try:
        from tqdm import tqdm
    except ModuleNotFoundError:  # progress is optional
        def tqdm(it, **_kw):  # type: ignore[no-redef]
            return it
    bar = dict(total=len(jobs), disable=not progress, unit="clip", desc="rendering sample clips")
    if workers <= 1:
        _init_worker(*init_args)
        yield from tqdm(map(_make_clip, jobs), **bar)
        return
    # spawn, not fork: callers (e.g. the local pipeline runner) may already run TF/Beam threads.
    # A ProcessPoolExecutor rather than multiprocessing.Pool: a worker that fails to start
    # (import error, bad soundfont) raises BrokenProcessPool instead of being respawned forever.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=init_args) as pool:
        yield from tqdm(pool.map(_make_clip, jobs), **bar)


def generate(out_dir: str | Path, clips: int = 300, seed: int = 0, faults: bool = False,
             workers: int | None = None, progress: bool = True, augment: bool = True,
             augment_strength: float = AUGMENT_STRENGTH) -> dict:
    """Write a sample data set in the MTAT layout to ``out_dir``.

    Args:
      out_dir: output directory (created; existing clips of the same names are overwritten).
      clips: number of good clips.
      seed: non-negative integer; the whole output is a function of it.
      faults: also add one row each of an empty, a truncated, a non-audio and a missing MP3
        (after the good clips, in distinct folders), listed in ``faults.json``.
      workers: rendering processes (default ``os.cpu_count()``); the output does not depend on it.
      progress: show a tqdm progress bar.
      augment: pass every clip's rendering through :func:`sample_music.augmentation.augment`
        (reverb, EQ, compression, noise, codec round trips, ...; its own random stream per
        clip, so compositions and labels are the same with and without). On by default: models
        trained on augmented clips tag real recordings better (docs/sample-data.md).
      augment_strength: scales the augmentation's probabilities and amounts (default
        :data:`AUGMENT_STRENGTH`).

    Returns:
      ``{"clips": rows in the CSV, "good": good clips, "faults": {clip_id: kind},
      "styles": {clip_id: style}, "seconds": wall time}``.
    """
    start = time.perf_counter()
    if clips < 1 or seed < 0:
        raise ValueError(f"need clips >= 1 and seed >= 0, got clips={clips}, seed={seed}")
    if augment and not augment_strength > 0:
        raise ValueError(f"need augment_strength > 0, got {augment_strength}")
    sf2 = find_soundfont()
    load_tinysoundfont()  # fail here with the install hint, not in a worker process
    out = Path(out_dir)
    for folder in FOLDERS:
        (out / folder).mkdir(parents=True, exist_ok=True)
    jobs = _plan(clips, seed, faults)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    labels: dict[int, list[str]] = {}
    styles: dict[int, str] = {}
    init_args = (str(sf2), str(out), seed, float(augment_strength) if augment else 0.0)
    for index, tags, style in _run(jobs, init_args, workers, progress):
        labels[index], styles[jobs[index].clip_id] = tags, style

    column = {t: i for i, t in enumerate(MTAT_TAGS)}
    partial = out / (ANNOTATIONS_FILE + ".partial")  # the CSV appears only when complete
    with open(partial, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow([CLIP_ID_COLUMN, *MTAT_TAGS, PATH_COLUMN])
        for job in jobs:
            row = ["0"] * len(MTAT_TAGS)
            for tag in labels[job.index]:
                row[column[tag]] = "1"
            writer.writerow([str(job.clip_id), *row, job.mp3_path])
    os.replace(partial, out / ANNOTATIONS_FILE)
    fault_rows = {job.clip_id: job.fault for job in jobs if job.fault}
    faults_file = out / FAULTS_FILE
    if faults:
        faults_file.write_text(json.dumps({str(k): v for k, v in fault_rows.items()}, indent=1) + "\n")
    else:
        faults_file.unlink(missing_ok=True)
    return {"clips": len(jobs), "good": clips, "faults": fault_rows, "styles": styles,
            "seconds": time.perf_counter() - start}


def main(argv: Sequence[str] | None = None) -> int:
    """The CLI: flags -> :func:`generate`, then a one-line summary; returns the exit code."""
    p = argparse.ArgumentParser(prog="python -m sample_music", description=__doc__.split("\n")[0])
    p.add_argument("out", help="output directory")
    p.add_argument("--clips", type=int, default=300, help="number of good clips (default 300)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--faults", action="store_true",
                   help="also add an empty, a truncated, a non-audio and a missing MP3")
    p.add_argument("--augment", action=argparse.BooleanOptionalAction, default=True,
                   help="random reverb, EQ, compression, limiting, noise and codec round trips per clip "
                        "(docs/sample-data.md)")
    p.add_argument("--augment-strength", type=float, default=AUGMENT_STRENGTH,
                   help=f"scales the augmentation's probabilities and amounts (default {AUGMENT_STRENGTH})")
    p.add_argument("--workers", type=int, default=None, help="rendering processes (default: all CPUs)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = p.parse_args(argv)
    try:
        s = generate(args.out, clips=args.clips, seed=args.seed, faults=args.faults,
                     workers=args.workers, progress=not args.no_progress, augment=args.augment,
                     augment_strength=args.augment_strength)
    except (ValueError, FileNotFoundError, ModuleNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {s['clips']} rows ({s['good']} good clips, {len(s['faults'])} faults) to "
          f"{os.path.join(args.out, ANNOTATIONS_FILE)} in {s['seconds']:.1f} s")
    return 0
