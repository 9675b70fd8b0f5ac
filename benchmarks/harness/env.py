"""Where the benchmarks read and write, and the environment they (and their child processes) run in."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from mtat.environment import TF_ENV_DEFAULTS

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO = BENCH_DIR.parent
#: Per-script JSON results (read by run_all.py to write results.md).
OUT_DIR = BENCH_DIR / "out"
RESULTS_MD = BENCH_DIR / "results.md"
#: Generated clips are cached here across runs (override with BENCH_DATA).
DATA_DIR = Path(os.environ.get("BENCH_DATA", "/tmp/bench_data"))

#: The project's TF variables (:data:`mtat.environment.TF_ENV_DEFAULTS`) plus quiet third-party warnings.
ENV_DEFAULTS = {**TF_ENV_DEFAULTS,
                "PYTHONWARNINGS": "ignore::FutureWarning,ignore::DeprecationWarning,ignore::UserWarning"}


def setup_env() -> None:
    """Set the project's TF environment and make the repository importable.

    Every benchmark entry point calls this first, before anything imports TensorFlow.
    """
    for k, v in ENV_DEFAULTS.items():
        os.environ.setdefault(k, v)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


def child_env(extra: dict | None = None) -> dict:
    """The environment of a benchmark's child process: ours, the TF defaults, the repository importable."""
    return {**os.environ, **ENV_DEFAULTS, "PYTHONPATH": str(REPO), **(extra or {})}
