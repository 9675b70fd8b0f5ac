"""The reference pipeline run the inference, training-input, web and search benchmarks read."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks.harness.clips import DATA_SEED
from benchmarks.harness.env import DATA_DIR
from benchmarks.harness.processes import run_process

#: The reference run (pushed model + extracted records): made by :func:`reference_run` on first
#: use; override with BENCH_RUN.
RUN_DIR = Path(os.environ.get("BENCH_RUN", str(DATA_DIR / "reference_run")))
#: Clips of the reference run's generated set (the sample set `make run` uses: seed 0, with faults).
REFERENCE_CLIPS = 300


def reference_run(*, log: Callable[[str], None] = print) -> Path:
    """:data:`RUN_DIR`, made once when missing: ``pipelines/run_local.py`` (default preset and epochs)
    on a generated set of :data:`REFERENCE_CLIPS` clips, pipeline root ``<run>/root``, serving dir
    ``<run>/serving`` (~2 min of pipeline + ~1.5 min of rendering on 2 idle AVX2 cores)."""
    from mtat.annotations import ANNOTATIONS_FILE

    if (RUN_DIR / "serving" / "tagger").is_dir() and (RUN_DIR / "root" / "AudioExampleGen").is_dir():
        return RUN_DIR
    data = DATA_DIR / "reference_set"
    if not (data / ANNOTATIONS_FILE).is_file():
        import sample_music

        log(f"generating the reference sample set ({REFERENCE_CLIPS} clips) in {data} (once) ...")
        sample_music.generate(data, clips=REFERENCE_CLIPS, seed=DATA_SEED, faults=True, progress=False)
    log(f"running the reference pipeline into {RUN_DIR} (once; a few minutes) ...")
    run_process([sys.executable, "pipelines/run_local.py", "--data-root", str(data), "--pipeline-root",
                 str(RUN_DIR / "root"), "--serving-dir", str(RUN_DIR / "serving")], timeout=7200,
                label="reference run")
    return RUN_DIR


def latest_model_dir(base: Path | None = None) -> str:
    """The newest version folder of a pushed model (default: the reference run's, made if missing).

    Raises ``FileNotFoundError`` when ``base`` holds no loadable version.
    """
    from mtat.tagging import ModelError, resolve_model_dir

    base = base or reference_run() / "serving" / "tagger"
    try:
        return resolve_model_dir(str(base))
    except ModelError as err:
        raise FileNotFoundError(str(err)) from None


def examples_dir(run_dir: Path | None = None) -> str:
    """The AudioExampleGen output (``Split-*`` folders) of the reference run (made if missing)."""
    base = (run_dir or reference_run()) / "root" / "AudioExampleGen" / "examples"
    runs = sorted((p for p in base.iterdir() if p.name.isdigit()), key=lambda p: int(p.name))
    if not runs:
        raise FileNotFoundError(f"no AudioExampleGen output under {base}")
    return str(runs[-1])
