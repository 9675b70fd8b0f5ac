"""The machine a figure was measured on: CPU model and SIMD flags, cores, load, CPU time."""
from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path

#: The CPU flags that decide TensorFlow's speed (oneDNN picks its kernels by them).
SIMD_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16")


def _cpuinfo_field(name: str) -> str | None:
    """The value of the first ``name`` line of ``/proc/cpuinfo`` (``None`` where unavailable)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(name):
                return line.split(":", 1)[1]
    except OSError:
        pass
    return None


def cpu_model() -> str:
    model = _cpuinfo_field("model name")
    return model.strip() if model is not None else (platform.processor() or "unknown")


def cpu_flags() -> list[str]:
    """The :data:`SIMD_FLAGS` this CPU has (from ``/proc/cpuinfo``; empty where unavailable)."""
    flags = _cpuinfo_field("flags")
    present = set(flags.split()) if flags is not None else set()
    return [f for f in SIMD_FLAGS if f in present]


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def load_avg() -> float:
    return round(os.getloadavg()[0], 2)


def machine_line() -> str:
    """One line naming the machine every figure below it was measured on: CPU, SIMD flags, cores."""
    flags = cpu_flags()
    simd = " ".join(flags) if flags else "flags unknown"
    no512 = "" if not flags or "avx512f" in flags else ", no AVX-512"
    return (f"machine: {cpu_model()} ({simd}{no512}), {usable_cores()} usable cores of {os.cpu_count()}, "
            f"load {load_avg()}")


def print_machine_line() -> None:
    """Print :func:`machine_line` first: figures from another machine are not yours."""
    print(machine_line(), flush=True)


def machine_info() -> dict:
    """Core count, CPU model, memory, load, versions and the date: the header of every result."""
    info = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "cores": usable_cores(), "cpu_count": os.cpu_count(), "cpu_model": cpu_model(),
            "cpu_flags": cpu_flags(), "machine_line": machine_line(),
            "python": platform.python_version(), "load_avg_1m": load_avg()}
    try:
        import psutil

        info["mem_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    from importlib import metadata

    for pkg in ("tensorflow", "tfx", "apache-beam", "librosa", "soundfile", "soxr"):
        try:
            info[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return info


def machine_busy_seconds() -> float:
    """CPU-seconds all processes have used since boot (``/proc/stat``; 0 where unavailable)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> float:
    """User + system CPU of this process and its reaped children (for CPU cost of a timed region)."""
    import resource

    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        r = resource.getrusage(who)
        total += r.ru_utime + r.ru_stime
    return total
