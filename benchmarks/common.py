"""Shared helpers of the benchmarks: environment, cached sample clips, child processes with peak
RSS, timing, line fits, machine info, result files and Markdown tables.

Every benchmark runs its contenders side by side in one invocation (the machine is shared and
noisy) and reports ratios; absolute numbers are for orientation only.
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
#: Per-script JSON results (read by run_all.py to write results.md).
OUT_DIR = BENCH_DIR / "out"
RESULTS_MD = BENCH_DIR / "results.md"
#: Generated clips are cached here across runs (override with BENCH_DATA).
DATA_DIR = Path(os.environ.get("BENCH_DATA", "/tmp/bench_data"))
#: The reference pipeline run (pushed model + extracted records) the inference, training-input, web
#: and search benchmarks read: created by :func:`reference_run` on first use; override with BENCH_RUN.
RUN_DIR = Path(os.environ.get("BENCH_RUN", str(DATA_DIR / "reference_run")))
#: Clips of the reference run's generated set (the sample set `make run` uses: seed 0, with faults).
REFERENCE_CLIPS = 300
DATA_SEED = 0
RESULT_PREFIX = "BENCH_RESULT "

ENV_DEFAULTS = {"TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
                "PYTHONWARNINGS": "ignore::FutureWarning,ignore::DeprecationWarning,ignore::UserWarning"}


def setup_env() -> None:
    """Set the project's TF environment and make the repository importable (call before importing TF)."""
    for k, v in ENV_DEFAULTS.items():
        os.environ.setdefault(k, v)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


setup_env()


# ---------------------------------------------------------------------------------------------
# Machine

def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


#: The CPU flags that decide TensorFlow's speed (oneDNN picks its kernels by them).
SIMD_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16")


def cpu_flags() -> list[str]:
    """The :data:`SIMD_FLAGS` this CPU has (from ``/proc/cpuinfo``; empty where unavailable)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                present = set(line.split(":", 1)[1].split())
                return [f for f in SIMD_FLAGS if f in present]
    except OSError:
        pass
    return []


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


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def machine_info() -> dict:
    """Core count, CPU model, memory, load, versions and the date: the header of every result."""
    info = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "cores": usable_cores(), "cpu_count": os.cpu_count(), "cpu_model": cpu_model(),
            "cpu_flags": cpu_flags(), "machine_line": machine_line(),
            "python": platform.python_version(), "load_avg_1m": round(os.getloadavg()[0], 2)}
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


def load_avg() -> float:
    return round(os.getloadavg()[0], 2)


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


# ---------------------------------------------------------------------------------------------
# Sample clips (generated once, then reused)

def _csv_rows(root: Path) -> int:
    from mtat.annotations import ANNOTATIONS_FILE

    csv = root / ANNOTATIONS_FILE
    if not csv.is_file():
        return 0
    with open(csv, encoding="utf-8") as f:
        return sum(1 for _ in f) - 1


def master_clips(n: int, *, log: Callable[[str], None] = print) -> Path:
    """The cache folder with at least ``n`` good generated clips (rendered once: ~0.25 s/clip/core)."""
    master = DATA_DIR / "master"
    if _csv_rows(master) >= n:
        return master
    import sample_music

    log(f"generating {n} sample clips in {master} (once; ~{0.25 * n / usable_cores():.0f} s) ...")
    stats = sample_music.generate(master, clips=n, seed=DATA_SEED, faults=False, progress=False)
    log(f"  generated {stats['clips']} clips in {stats['seconds']:.0f} s")
    return master


#: Clips rendered at most; bigger benchmark sets repeat them (hard links under new names and
#: clip ids, in the same split folders): throughput does not depend on which music is decoded.
MAX_RENDERED = 400
REPEAT_CLIP_ID_BASE = 10_000_000  # clip ids of the repeats (MTAT's are < 60,000)


def clips_root(n: int, *, log: Callable[[str], None] = print) -> str:
    """A data root with ``n`` clips: the first ``n`` of the cache, then repeats (hard links, CSV of n rows).

    The generator is a function of (seed, index), so the first n clips of a bigger set are what a
    set of n would be. Past :data:`MAX_RENDERED` clips, clip ``i`` is a link to rendered clip
    ``i % MAX_RENDERED`` named ``r<k>_<name>`` in the same folder, with clip id ``i``. Hard links,
    not symlinks: the extraction refuses paths leaving the root.
    """
    from mtat.annotations import ANNOTATIONS_FILE

    root = DATA_DIR / f"n{n}"
    if _csv_rows(root) == n:
        return str(root)
    rendered = min(n, MAX_RENDERED)
    master = master_clips(rendered, log=log)
    lines = (master / ANNOTATIONS_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    out = [lines[0]]
    for i in range(n):
        fields = lines[1 + i % rendered].rstrip("\r\n").split("\t")
        src_rel = rel = fields[-1].strip('"')
        repeat = i // rendered
        if repeat:
            folder, name = os.path.split(src_rel)
            rel = os.path.join(folder, f"r{repeat}_{name}")
            fields[0], fields[-1] = f'"{REPEAT_CLIP_ID_BASE + i}"', f'"{rel}"'
        dst = root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        src = master / src_rel
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
        out.append("\t".join(fields) + "\n")
    (root / ANNOTATIONS_FILE).write_text("".join(out), encoding="utf-8")
    return str(root)


def clip_paths(root: str) -> list[str]:
    """Absolute MP3 paths of a data root, in CSV order."""
    from mtat.annotations import ANNOTATIONS_FILE

    lines = Path(root, ANNOTATIONS_FILE).read_text(encoding="utf-8").splitlines()[1:]
    return [os.path.join(root, line.split("\t")[-1].strip('"')) for line in lines]


# ---------------------------------------------------------------------------------------------
# Child processes, peak RSS

class _TreeRSS(threading.Thread):
    """Polls the summed RSS of a process and all its descendants (multi-processing workers)."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.cpu: dict[int, float] = {}  # last seen user+system CPU per process of the tree
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
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=2)


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
    child_env = {**os.environ, **ENV_DEFAULTS, "PYTHONPATH": str(REPO), **(env or {})}
    busy0 = machine_busy_seconds()
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=str(REPO), env=child_env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    sampler = _TreeRSS(proc.pid)
    sampler.start()
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    deadline = start + timeout
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, rusage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
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


# ---------------------------------------------------------------------------------------------
# Timing and fits

class Stopwatch:
    """``with Stopwatch() as sw: ...; sw.seconds``."""

    def __enter__(self) -> Stopwatch:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start


def best_rate(fn: Callable[[], int], *, repeats: int = 3, min_seconds: float = 0.0) -> tuple[float, list[float]]:
    """Run ``fn`` (returns items done) ``repeats`` times; return (best items/s, all items/s).

    Best-of, not mean: on a shared machine slow outliers are other people's jobs, not ours.
    """
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        n = 0
        while True:
            n += fn()
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        rates.append(n / elapsed)
    return max(rates), rates


def fit_line(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares ``seconds = startup + n / rate`` through ``(n, seconds)``: returns (startup s, rate /s)."""
    if len(points) < 2:
        raise ValueError("need two sizes to separate start-up from throughput")
    ns = [p[0] for p in points]
    ts = [p[1] for p in points]
    mn, mt = sum(ns) / len(ns), sum(ts) / len(ts)
    sxx = sum((n - mn) ** 2 for n in ns)
    slope = sum((n - mn) * (t - mt) for n, t in zip(ns, ts)) / sxx
    startup = mt - slope * mn
    rate = 1.0 / slope if slope > 0 else float("inf")
    return startup, rate


# ---------------------------------------------------------------------------------------------
# TF helpers

def tf_threads(n: int | None) -> None:
    """Limit TF's inter- and intra-op pools (call before TF runs anything); None keeps defaults."""
    if n is None:
        return
    import tensorflow as tf

    tf.config.threading.set_inter_op_parallelism_threads(n)
    tf.config.threading.set_intra_op_parallelism_threads(n)


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
    """The newest version folder of a pushed model (default: the reference run's, made if missing)."""
    base = base or reference_run() / "serving" / "tagger"
    versions = sorted((p for p in Path(base).iterdir() if p.name.isdigit()), key=lambda p: int(p.name))
    if not versions:
        raise FileNotFoundError(f"no pushed model version under {base}")
    return str(versions[-1])


def examples_dir(run_dir: Path | None = None) -> str:
    """The AudioExampleGen output (``Split-*`` folders) of the reference run (made if missing)."""
    base = (run_dir or reference_run()) / "root" / "AudioExampleGen" / "examples"
    runs = sorted((p for p in base.iterdir() if p.name.isdigit()), key=lambda p: int(p.name))
    if not runs:
        raise FileNotFoundError(f"no AudioExampleGen output under {base}")
    return str(runs[-1])


# ---------------------------------------------------------------------------------------------
# Results

def save_result(name: str, result: dict) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps(result, indent=1, default=str) + "\n")
    return path


def publish(name: str, result: dict, markdown: Callable[[dict], str]) -> None:
    """A stand-alone benchmark's ending: save the JSON, print its results.md section."""
    save_result(name, result)
    print()
    print(markdown(result))
    print()


def load_result(name: str) -> dict | None:
    path = OUT_DIR / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "–"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def md_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], digits: int | Sequence[int] = 1) -> str:
    """A GitHub Markdown table (floats with ``digits`` decimals: one for all columns, or one per column)."""
    per_col = [digits] * len(headers) if isinstance(digits, int) else list(digits)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(fmt(v, d) for v, d in zip(row, per_col)) + " |")
    return "\n".join(lines)


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def print_ratio(label: str, value: float) -> None:
    """The one line a reader (or a script) greps for: ``<label> ratio: N.NNx``."""
    print(f"{label} ratio: {value:.2f}x", flush=True)
