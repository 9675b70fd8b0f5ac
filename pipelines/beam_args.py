"""Beam pipeline arguments shared by the runners: how workers get this project's code."""
from __future__ import annotations

import os
from typing import Sequence

#: Beam flags that say how workers get the code. Without any of them TFX copies its whole install
#: (~49 MB) to a temp dir and builds an sdist of it, for every Beam component (~1 s each, and the
#: copies are never cleaned up).
DEPENDENCY_FLAGS = frozenset({"--sdk_container_image", "--worker_harness_container_image", "--setup_file",
                              "--extra_package", "--extra_packages", "--requirements_file"})
#: This project's setup.py: the DirectRunner stages nothing, a remote runner needs this code anyway.
SETUP_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "setup.py")


def given_flags(beam_args: Sequence[str]) -> set[str]:
    """The ``--flag`` names present in ``beam_args`` (``--a=b`` and ``--a b`` forms)."""
    return {a.split("=", 1)[0] for a in beam_args if a.startswith("--")}


def with_dependency_flag(beam_args: Sequence[str]) -> list[str]:
    """``beam_args`` plus ``--setup_file`` (this project) unless a dependency flag is already given."""
    if given_flags(beam_args) & DEPENDENCY_FLAGS:
        return list(beam_args)
    return [*beam_args, f"--setup_file={SETUP_FILE}"]
