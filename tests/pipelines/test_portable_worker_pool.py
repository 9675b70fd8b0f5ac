"""The local Beam cluster of pipelines.worker_pool: a job service and worker processes on 127.0.0.1."""
import os
import time

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from pipelines.beam_args import portable_runner_args
from pipelines.worker_pool import is_listening, local_worker_pool


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
            (p | beam.Create(range(64)) | beam.Reshuffle() | beam.Map(  # in a worker: its process id, and whether it sees the variable
                lambda _: (__import__("os").getpid(), __import__("os").environ.get("TF_USE_LEGACY_KERAS")))
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
