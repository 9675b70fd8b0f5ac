"""Beam pipeline arguments shared by the runners: how workers get this project's code."""
from __future__ import annotations

import os
from collections.abc import Sequence

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


#: ``--job_server_timeout`` for the portable runner. Beam uses it as the deadline of the job's state
#: and message streams too, so with a job service outside the driver the default (60 s) fails every
#: job that runs longer ("Stream removed (Deadline Exceeded)", seen on Transform).
JOB_SERVER_TIMEOUT_S = 24 * 3600


def portable_runner_args(job_endpoint: str, environment_config: str, workers: int) -> list[str]:
    """Beam args that run every Beam component on the portable runner: jobs go to the job service
    at ``job_endpoint`` (``host:port``, or ``embed`` for one in the driver, which uses one worker),
    bundles to ``workers`` SDK workers of the external worker pool at ``environment_config``
    (``host:port``; both from :func:`pipelines.worker_pool.local_worker_pool`)."""
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    return ["--runner=PortableRunner", f"--job_endpoint={job_endpoint}", "--environment_type=EXTERNAL",
            f"--environment_config={environment_config}", f"--direct_num_workers={workers}",
            f"--job_server_timeout={JOB_SERVER_TIMEOUT_S}"]
