"""The local Beam cluster of pipelines.worker_pool: a job service and worker processes on 127.0.0.1."""
import os
import signal
import subprocess
import sys
import time

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from pipelines.beam_args import portable_runner_args
from pipelines.worker_pool import PROJECT_ROOT, is_listening, local_worker_pool, worker_env


def _group_gone(pgid: int, timeout_s: float = 10.0) -> bool:
    """No process left in group ``pgid`` (orphaned workers are reaped by init shortly after)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_two_workers_in_other_processes_without_the_launchers_keras_variable(monkeypatch):
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    with local_worker_pool() as pool:
        assert pool.host == "127.0.0.1"
        # cloudpickle: this test module is not importable in the workers, its lambda travels by value
        options = PipelineOptions([*portable_runner_args(pool.job_endpoint, pool.address, workers=2),
                                   "--pickle_library=cloudpickle"])
        out = os.path.join(pool.log_path + ".out")
        with beam.Pipeline(options=options) as p:
            # in a worker: its process id, and whether it sees the variable
            (p | beam.Create(range(64)) | beam.Reshuffle()
             | beam.Map(lambda _: (__import__("os").getpid(), __import__("os").environ.get("TF_USE_LEGACY_KERAS")))
             | beam.Map(lambda t: f"{t[0]} {t[1]}") | beam.io.WriteToText(out, shard_name_template=""))
        with open(out) as f:
            seen = [line.split() for line in f]
        os.remove(out)
    assert len(seen) == 64
    pids = {int(pid) for pid, _ in seen}
    assert os.getpid() not in pids
    assert len(pids) == 2  # the runner split the stage over both workers
    assert {var for _, var in seen} == {"None"}  # the pool's workers did not inherit it
    assert not is_listening(pool.host, pool.port) and not is_listening(pool.host, pool.job_port)
    assert _group_gone(pool.process.pid)  # pool and workers gone


def test_pool_is_stopped_when_the_block_fails():
    with pytest.raises(RuntimeError, match="boom"):
        with local_worker_pool() as pool:
            raise RuntimeError("boom")
    assert pool.process.poll() is not None
    assert _group_gone(pool.process.pid)


def test_workers_must_be_positive():
    with pytest.raises(ValueError, match="workers must be >= 1"):
        portable_runner_args("embed", "127.0.0.1:1", workers=0)


LAUNCHER = """
import sys, time
from pipelines.worker_pool import local_worker_pool
with local_worker_pool() as pool:
    print(pool.process.pid, flush=True)
    time.sleep(600)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_pool_does_not_outlive_a_killed_launcher(sig):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (PROJECT_ROOT, os.environ.get("PYTHONPATH")) if p)}
    launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER], stdout=subprocess.PIPE, text=True, env=env)
    try:
        pool_pid = int(launcher.stdout.readline())
        launcher.send_signal(sig)
        launcher.wait(timeout=30)
        assert _group_gone(pool_pid, timeout_s=15)
    finally:
        launcher.kill()


def test_worker_env_drops_the_keras_variable_and_puts_this_python_first(monkeypatch):
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    env = worker_env()
    assert "TF_USE_LEGACY_KERAS" not in env
    assert env["PATH"].split(os.pathsep) == [os.path.dirname(sys.executable), "/usr/bin", "/bin"]
    assert env["PYTHONPATH"].split(os.pathsep)[0] == PROJECT_ROOT
    assert worker_env(env) == env  # idempotent (the pool applies it again to itself)


def test_run_local_refuses_zero_workers(capsys):
    from pipelines import run_local

    assert run_local.main(["--beam-workers", "0"]) == 2
    assert "--beam-workers must be >= 1" in capsys.readouterr().err


def test_free_port_prefers_the_given_port_when_free():
    import socket

    from pipelines.worker_pool import free_port

    port = free_port()
    assert free_port(preferred=port) == port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen()
        other = free_port(preferred=port)
        assert other != port and other > 0
