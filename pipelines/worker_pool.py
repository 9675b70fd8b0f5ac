"""A local Beam worker pool: run the pipeline the way a cluster does, on this machine.

Beam's portable runner with ``--environment_type=EXTERNAL`` sends every bundle to SDK workers
that a worker pool (``apache_beam.runners.worker.worker_pool_main``) starts as separate Python
processes: nothing is shared with the driver's memory, every DoFn, model loader and combiner
travels pickled. ``local_worker_pool`` starts such a pool on a free 127.0.0.1 port in its own
process group and always stops it (worker processes included) when the block exits, also on
errors and Ctrl-C.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TextIO

#: This checkout: the workers must import the same project code as the driver.
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: Not passed to the workers: the project sets it in its own processes, and a cluster's workers do
#: not have it (the workers must not depend on it, see :mod:`pipelines.eval_model_loader`).
LAUNCHER_ONLY_VARS = ("TF_USE_LEGACY_KERAS",)
#: Seconds to wait for the pool to accept connections.
START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class WorkerPool:
    """A running pool and its job service: addresses, process and log file."""

    host: str
    port: int
    job_port: int
    process: subprocess.Popen
    log_path: str

    @property
    def address(self) -> str:
        """The worker pool (``--environment_config``)."""
        return f"{self.host}:{self.port}"

    @property
    def job_endpoint(self) -> str:
        """The job service (``--job_endpoint``)."""
        return f"{self.host}:{self.job_port}"

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the pool (and its workers' stderr) wrote."""
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


def free_port(host: str = "127.0.0.1", preferred: int = 0) -> int:
    """``preferred`` if it is free on ``host`` right now, else a free port the OS picks."""
    for port in ((preferred, 0) if preferred else (0,)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            # as gRPC binds: a port whose last connections linger in TIME_WAIT counts as free
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError(f"no free port on {host}")


def _first_on(path_list: str | None, entry: str) -> str:
    """``entry`` first in an ``os.pathsep`` list (moved there if present)."""
    rest = [p for p in (path_list or "").split(os.pathsep) if p and p != entry]
    return os.pathsep.join([entry, *rest])


def worker_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The pool's environment: ``base`` (default: this process's without :data:`LAUNCHER_ONLY_VARS`)
    with this project first on ``PYTHONPATH`` and this interpreter's folder first on ``PATH``: the
    pool starts each worker as plain ``python -c ...`` found on ``PATH``, which outside an activated
    venv is another Python."""
    env = dict(base) if base is not None else {k: v for k, v in os.environ.items() if k not in LAUNCHER_ONLY_VARS}
    env["PATH"] = _first_on(env.get("PATH"), os.path.dirname(sys.executable))
    env["PYTHONPATH"] = _first_on(env.get("PYTHONPATH"), PROJECT_ROOT)
    return env


def is_listening(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _wait_until_listening(pool: WorkerPool, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if pool.process.poll() is not None:
            raise RuntimeError(f"the Beam worker pool exited with status {pool.process.returncode} before "
                               f"listening on {pool.address}:\n{pool.log_tail()}")
        if is_listening(pool.host, pool.port) and is_listening(pool.host, pool.job_port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the Beam worker pool did not listen on {pool.address} within {timeout_s:.0f} s:\n"
                       f"{pool.log_tail()}")


def stop(pool: WorkerPool, grace_s: float = 5.0) -> None:
    """SIGTERM the pool's process group (the pool and the workers it started), SIGKILL after ``grace_s``."""
    try:
        pgid = os.getpgid(pool.process.pid)
    except ProcessLookupError:
        pgid = None
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, grace_s)):
        if pgid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, sig)
        try:
            pool.process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    if pgid is not None:  # workers can outlive the pool process: make sure the group is gone
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)


def _parallel_job_type():
    """Beam's local job type, running each job with ``--direct_num_workers`` SDK workers.

    The job service behind ``--job_endpoint=embed`` runs every job on one worker whatever the
    options say (its ``FnApiRunner`` only reads ``direct_num_workers`` on the in-process path):
    this one hands the option to the runner, which then splits each stage's input over that many
    workers from the pool, as the DirectRunner's ``multi_processing`` mode does with subprocesses.
    """
    from apache_beam.options.pipeline_options import DirectOptions
    from apache_beam.portability.api import beam_job_api_pb2
    from apache_beam.runners.portability import local_job_service
    from apache_beam.runners.portability.fn_api_runner import fn_runner

    class ParallelBeamJob(local_job_service.BeamJob):
        def _invoke_runner(self):
            self.set_state(beam_job_api_pb2.JobState.RUNNING)
            options = self.pipeline_options()
            runner = fn_runner.FnApiRunner(provision_info=self._provision_info)
            runner._num_workers = max(1, int(options.view_as(DirectOptions).direct_num_workers or 1))  # a string here
            return runner.run_via_runner_api(self._pipeline_proto, options)

    return ParallelBeamJob


def serve(host: str, port: int, job_port: int | None = None, parent_pid: int | None = None) -> None:
    """Run Beam's worker pool service on ``host:port`` (and, with ``job_port``, a job service on
    ``host:job_port`` that uses it) until killed, or until process ``parent_pid`` is gone (then
    the whole process group, workers included, ends: nothing outlives a killed launcher).

    ``worker_pool_main`` itself listens on every interface (``[::]``), and whoever reaches it can
    make it start a worker that runs code from any control service: bind to ``host`` alone.
    """
    import grpc
    from apache_beam.portability.api import beam_fn_api_pb2_grpc
    from apache_beam.runners.portability import local_job_service
    from apache_beam.runners.worker.worker_pool_main import BeamFnExternalWorkerPoolServicer
    from apache_beam.utils import thread_pool_executor

    os.environ.update(worker_env(os.environ))  # the workers this process starts inherit it
    server = grpc.server(thread_pool_executor.shared_unbounded_instance(),
                         options=[("grpc.http2.max_pings_without_data", 0), ("grpc.http2.max_ping_strikes", 0)])
    if server.add_insecure_port(f"{host}:{port}") != port:
        raise SystemExit(f"error: cannot listen on {host}:{port}")
    beam_fn_api_pb2_grpc.add_BeamFnExternalWorkerPoolServicer_to_server(
        BeamFnExternalWorkerPoolServicer(use_process=True), server)
    server.start()
    print(f"Beam worker pool listening on {host}:{port}", flush=True)
    if job_port is not None:
        class JobService(local_job_service.LocalJobServicer):
            def get_service_address(self):
                return host

        JobService(beam_job_type=_parallel_job_type()).start_grpc_server(job_port)
        print(f"Beam job service listening on {host}:{job_port}", flush=True)
    if parent_pid is None:
        server.wait_for_termination()
        return
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    print(f"launcher {parent_pid} is gone: stopping the pool and its workers", flush=True)
    os.killpg(os.getpgid(0), signal.SIGKILL)


def _exit_on_sigterm():
    """In the main thread: SIGTERM raises SystemExit (so the pool is stopped); returns the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    return signal.signal(signal.SIGTERM, handler)


@contextlib.contextmanager
def local_worker_pool(env: Mapping[str, str] | None = None, host: str = "127.0.0.1",
                      log_path: str | None = None, preferred_ports: tuple[int, int] = (0, 0)) -> Iterator[WorkerPool]:
    """Start a worker pool and a job service using it on free ``host`` ports; stop them and the
    workers on exit.

    ``env``: the pool's environment before :func:`worker_env` (default: this process's without
    :data:`LAUNCHER_ONLY_VARS`); the workers inherit it. ``log_path``: where the pool's and the
    workers' output goes [a temporary file, removed unless the block failed]. ``preferred_ports``:
    (pool, job service) ports to use when free (0: any free port).
    """
    own_log = log_path is None
    port = free_port(host, preferred_ports[0])
    job_port = free_port(host, preferred_ports[1])
    while job_port == port:
        job_port = free_port(host)
    if log_path is None:
        fd, log_path = tempfile.mkstemp(prefix="beam_worker_pool_", suffix=".log")
        os.close(fd)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.worker_pool", f"--host={host}", f"--port={port}",
             f"--job-port={job_port}", f"--parent-pid={os.getpid()}"],
            env=worker_env(env), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, cwd=PROJECT_ROOT)
    pool = WorkerPool(host=host, port=port, job_port=job_port, process=process, log_path=log_path)
    previous = _exit_on_sigterm()
    ok = False
    try:
        _wait_until_listening(pool, START_TIMEOUT_S)
        yield pool
        ok = True
    finally:
        stop(pool)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if ok and own_log:
            os.remove(log_path)  # kept when something failed: the workers' errors are in it


@contextlib.contextmanager
def portable_pool_args(workers: int | None, preferred_ports: tuple[int, int] = (0, 0),
                       log: TextIO | None = None) -> Iterator[list[str]]:
    """With ``workers``: a local worker pool for the block, and the portable-runner args that use it
    (one line about it printed to ``log``, default stdout); without: no pool, no args."""
    if not workers:
        yield []
        return
    from pipelines.beam_args import portable_runner_args

    with local_worker_pool(preferred_ports=preferred_ports) as pool:
        plural = "s" if workers != 1 else ""
        print(f"Beam job service on {pool.job_endpoint}, worker pool on {pool.address} ({workers} worker{plural}; "
              f"log {pool.log_path})", file=log or sys.stdout, flush=True)
        yield portable_runner_args(pool.job_endpoint, pool.address, workers)


if __name__ == "__main__":
    import argparse
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(description="Beam worker pool bound to one address (for --environment_config)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="worker pool port")
    parser.add_argument("--job-port", type=int, help="also run a job service on this port")
    parser.add_argument("--parent-pid", type=int, help="stop when this process is gone")
    cli = parser.parse_args()
    serve(cli.host, cli.port, cli.job_port, cli.parent_pid)
