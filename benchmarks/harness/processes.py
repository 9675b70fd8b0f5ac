"""Child processes measured from outside: wall time, CPU of the process tree, peak RSS, other load."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence

from benchmarks.harness.env import REPO, child_env
from benchmarks.harness.machine import machine_busy_seconds

RESULT_PREFIX = "BENCH_RESULT "


class TreeRSS(threading.Thread):
    """Polls the summed RSS of a process and all its descendants (multi-processing workers): the
    peak, the CPU seen per process and, given ``phase`` (what the process is doing now), the peak per phase."""

    def __init__(self, pid: int, interval: float = 0.25, phase: Callable[[], str | None] | None = None):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.cpu: dict[int, float] = {}  # last seen user+system CPU per process of the tree
        self._phase = phase  # what the process is doing now (e.g. the running component)
        self.phase_peaks: dict[str, int] = {}  # peak summed RSS while each phase ran
        self._halt = threading.Event()

    def run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        try:
            proc = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._halt.is_set():
            total = 0
            try:
                for p in [proc, *proc.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                        t = p.cpu_times()
                        self.cpu[p.pid] = t.user + t.system
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            if self._phase is not None and (phase := self._phase()):
                self.phase_peaks[phase] = max(self.phase_peaks.get(phase, 0), total)
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=2)


def _wait(proc: subprocess.Popen, deadline: float) -> tuple[int, object]:
    """Reap ``proc`` (killed past ``deadline``): its wait status and the rusage of it and its descendants."""
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return status, rusage
        if time.perf_counter() > deadline:
            proc.kill()
            _, status, rusage = os.wait4(proc.pid, 0)
            return status, rusage
        time.sleep(0.05)


def run_process(cmd: Sequence[str], *, timeout: float = 900, env: dict | None = None,
                label: str = "") -> tuple[str, str, dict]:
    """Run a command (cwd = repository, project env) and measure it: returns (stdout, stderr, stats).

    ``stats``: ``wall_s`` (whole life, imports included), ``cpu_s`` (user + system CPU of the
    process tree), ``others_cores`` (average cores busy with *other* processes meanwhile: the noise
    on a shared machine), ``peak_rss_mb`` (ru_maxrss of the process and its waited-for
    descendants, i.e. the largest single process, from ``wait4``) and ``tree_rss_mb`` (peak of the
    summed RSS of the process tree, sampled every 0.25 s: what a run holds at once with workers).
    Raises ``RuntimeError`` with the end of stderr when the command fails.
    """
    busy0 = machine_busy_seconds()
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=str(REPO), env=child_env(env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    sampler = TreeRSS(proc.pid)
    sampler.start()
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    status, rusage = _wait(proc, start + timeout)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    busy = machine_busy_seconds() - busy0
    sampler.stop()
    for r in readers:
        r.join(timeout=5)
    stdout, stderr = "".join(out_chunks), "".join(err_chunks)
    if proc.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-25:])
        raise RuntimeError(f"{label or cmd[0]} failed (exit {proc.returncode}):\n{tail}")
    # wait4 counts descendants only once reaped (worker processes killed without a wait are
    # missed); the sampled tree misses each process's last 0.25 s. Take the larger.
    cpu = max(rusage.ru_utime + rusage.ru_stime, sum(sampler.cpu.values()))
    stats = dict(peak_rss_mb=round(rusage.ru_maxrss / 1024, 1), tree_rss_mb=round(sampler.peak / 2**20, 1),
                 wall_s=round(wall, 2), cpu_s=round(cpu, 2),
                 others_cores=round(max(busy - cpu, 0.0) / wall, 2) if wall > 0 else None)
    return stdout, stderr, stats


def run_child(module: str, payload: dict, *, timeout: float = 900, env: dict | None = None,
              label: str = "") -> dict:
    """Run ``python -m <module> --child '<json>'``; returns its result dict plus :func:`run_process`'s stats."""
    cmd = [sys.executable, "-m", module, "--child", json.dumps(payload)]
    stdout, _, stats = run_process(cmd, timeout=timeout, env=env, label=label or module)
    result = None
    for line in stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX):])
    if result is None:
        raise RuntimeError(f"benchmark child {label or module} printed no result")
    result.update(stats)
    return result


def child_main(fn: Callable[[dict], dict]) -> bool:
    """In a benchmark module: if invoked as a child (``--child JSON``), run ``fn`` and print its result."""
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        result = fn(json.loads(sys.argv[2]))
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return True
    return False
