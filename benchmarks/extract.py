"""Feature extraction: the seed paper's librosa loop vs AudioExampleGen's Beam graph per DirectRunner mode.

    python -m benchmarks.extract                 # N = 100 and 400 (+ 1600 for the parallel modes)
    python -m benchmarks.extract --quick         # N = 50 and 100
    python -m benchmarks.extract --profile       # also py-spy the in_memory run (needs py-spy)

Contenders, each in its own process on the same cached clips:
  naive   sequential ``librosa.load(sr=12000)`` + ``melspectrogram(512, 256, 96)`` + ``power_to_db``
          (librosa's JIT warm-up is paid once, untimed)
  beam    ``AudioExampleGen``'s executor (``Executor(BeamExecutor.Context(beam_pipeline_args)).Do``):
          plan_clips -> Create -> Reshuffle -> ParDo(decode, resample, log-mel, tf.Example) ->
          WriteToTFRecord, rejects and counts files, exactly as the pipeline runs it
  stages  the DoFn's steps timed alone on one thread (where a clip's time goes, and what Beam adds)

Each Beam mode runs at N = 100 and 400, the parallel modes also at 1,600 (the 400 rendered clips
repeated): the least-squares line ``seconds = startup + N / rate`` gives the fixed start-up and the
steady-state throughput. Between 100 and 400 alone the slope rests on ~2-4 s of work and swung
1.56-2.16x over five runs with ~1 s of start-up jitter; 1,600 clips put ~10 s of work under it.
The headline is ``ratio:`` best steady state / naive loop.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Sequence
from types import SimpleNamespace

from benchmarks.harness.clips import clip_paths, clips_root
from benchmarks.harness.env import DATA_DIR, OUT_DIR, REPO, child_env, setup_env
from benchmarks.harness.machine import cpu_seconds, load_avg, machine_info, print_machine_line
from benchmarks.harness.processes import child_main, run_child
from benchmarks.harness.report import md_table, publish
from benchmarks.harness.timing import Stopwatch, fit_line, ratio, tf_threads
from pipelines.beam_args import with_dependency_flag

#: Beam args per DirectRunner mode, with the dependency flag the pipeline passes (pipelines.beam_args).
MODES = {
    "in_memory": with_dependency_flag(["--direct_running_mode=in_memory"]),
    "multi_threading": with_dependency_flag(["--direct_running_mode=multi_threading", "--direct_num_workers=2"]),
    "multi_processing": with_dependency_flag(["--direct_running_mode=multi_processing", "--direct_num_workers=2"]),
}
#: Extra size for the parallel modes (steadier slope); the naive loop runs at NAIVE_N.
LONG_N, LONG_MODES, NAIVE_N = 1600, ("multi_threading", "multi_processing"), 400
#: The naive loop as a user runs it, and with NumPy's BLAS pinned to one thread (its idle threads
#: spin and slow the loop down when the cores are shared). The faster one is the baseline.
NAIVE_VARIANTS = {
    "naive librosa loop": {},
    "naive librosa loop, 1 BLAS thread": {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
}
SR, N_FFT, HOP, N_MELS = 12000, 512, 256, 96
TARGET_RATIO, TARGET_STARTUP = 2.5, 10.0


# ---------------------------------------------------------------------------------------------
# Children

def _naive(payload: dict) -> dict:
    import librosa

    paths = clip_paths(payload["root"])[: payload["n"]]

    def one(path):
        y, _ = librosa.load(path, sr=SR)
        return librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=SR, n_fft=N_FFT, hop_length=HOP,
                                                                  n_mels=N_MELS))

    with Stopwatch() as warm:
        one(paths[0])
    cpu0 = cpu_seconds()
    with Stopwatch() as sw:
        for p in paths:
            one(p)
    return {"seconds": sw.seconds, "n": len(paths), "warmup_s": warm.seconds,
            "cpu_s_timed": cpu_seconds() - cpu0}


def _beam(payload: dict) -> dict:
    from tfx.dsl.components.base.base_beam_executor import BaseBeamExecutor
    from tfx.types import standard_artifacts

    from components.audio_example_gen import executor as ex
    from components.audio_example_gen.component import AudioRejects
    from mtat.features import MelConfig

    out = payload["out"]
    shutil.rmtree(out, ignore_errors=True)
    stamp_dir = os.path.join(out + "_stamps")
    if payload.get("stamps", True):
        from benchmarks.timed_dofn import use_timed_dofn

        use_timed_dofn(stamp_dir)
    config = MelConfig()
    examples, rejects = standard_artifacts.Examples(), AudioRejects()
    examples.uri, rejects.uri = os.path.join(out, "examples"), os.path.join(out, "rejects")
    props = dict(data_root=payload["root"], annotations_file="annotations_final.csv", split_dir=None, top_k=50,
                 tags=None, mel_config=config.to_json(), min_seconds=round(0.9 * config.clip_seconds, 3))
    with Stopwatch() as ctor:  # TFX builds an ephemeral sdist of itself here (beam dependency flags)
        executor = ex.Executor(BaseBeamExecutor.Context(beam_pipeline_args=list(payload["args"]),
                                                        tmp_dir=os.path.join(out, "tmp")))
    start = time.time()
    with Stopwatch() as do:
        executor.Do({}, {"examples": [examples], "rejects": [rejects]}, props)
    end = time.time()
    counts = ex.read_counts(os.path.join(rejects.uri, ex.COUNTS_FILE))
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(examples.uri) for f in fs)
    shutil.rmtree(out, ignore_errors=True)
    result = {"seconds": ctor.seconds + do.seconds, "ctor_s": ctor.seconds, "do_s": do.seconds,
              "examples": sum(counts.values()), "bytes": size}
    if payload.get("stamps", True):
        from benchmarks.timed_dofn import read_stamps

        st = read_stamps(stamp_dir)
        t = st["times"]
        shutil.rmtree(stamp_dir, ignore_errors=True)
        if t:
            result.update(first_clip_s=ctor.seconds + t[0] - start, tail_s=end - t[-1], inrun_rate=st["steady_rate"],
                          dofn_workers=st["workers"], dofn_threads=st["threads"])
    return result


#: The DoFn's steps, in order, as timed by :func:`_time_steps`.
STEPS = ("decode", "resample", "fit", "log_mel", "example", "write")


def _dofn_parts() -> SimpleNamespace:
    """The DoFn's steps and mel settings (``cfg``, ``decode``, ``resample``, ``fit``, ``log_mel``,
    ``example``), with malloc and CRC set up as the DoFn runs them."""
    from components.audio_example_gen.fast_crc32c import use_hardware_crc32c
    from components.audio_example_gen.transforms import make_example, tune_malloc
    from mtat.audio import read_audio, resample
    from mtat.features import MelConfig, fit_to_clip, log_mel_numpy

    tune_malloc()
    use_hardware_crc32c()
    cfg = MelConfig()

    def decode(path):
        return read_audio(path, max_seconds=cfg.clip_seconds + 1.0)

    def log_mel(wave):  # as the DoFn calls it
        return log_mel_numpy(wave, cfg, cfg.storage_dtype)

    return SimpleNamespace(cfg=cfg, decode=decode, resample=resample, fit=fit_to_clip, log_mel=log_mel,
                           example=make_example)


def _time_steps(dofn: SimpleNamespace, paths: Sequence[str], tmp: str) -> tuple[dict[str, float], list]:
    """Median ms per clip of each of :data:`STEPS` (second of two passes), and the fitted clips."""
    import numpy as np
    from apache_beam.io.tfrecordio import _TFRecordUtil

    cfg = dofn.cfg
    ms: dict[str, list[float]] = {k: [] for k in STEPS}
    waves = []
    with open(os.path.join(tmp, "x.tfrecord"), "wb") as writer:  # Beam's TFRecord writer, as WriteToTFRecord
        for rep in range(2):  # first pass warms caches; keep the second
            for k in ms:
                ms[k].clear()
            for i, p in enumerate(paths):
                t0 = time.perf_counter()
                mono, rate = dofn.decode(p)
                t1 = time.perf_counter()
                wave = dofn.resample(mono, rate, cfg.sample_rate)
                t2 = time.perf_counter()
                clip = dofn.fit(wave, cfg)
                t3 = time.perf_counter()
                mel = dofn.log_mel(clip)
                t4 = time.perf_counter()
                rec = dofn.example(i, p, mel, [0] * 50, cfg)
                t5 = time.perf_counter()
                _TFRecordUtil.write_record(writer, rec)
                t6 = time.perf_counter()
                for k, a, b in zip(ms, (t0, t1, t2, t3, t4, t5), (t1, t2, t3, t4, t5, t6)):
                    ms[k].append((b - a) * 1e3)
                if rep == 1:
                    waves.append(clip)
    return {k: float(np.median(v)) for k, v in ms.items()}, waves


def _warm_log_mels(dofn: SimpleNamespace):
    """The TF graph of the log-mel (serving's, the DoFn's before), both it and the DoFn's warmed up."""
    import numpy as np

    from mtat.features import log_mel_fn

    cfg = dofn.cfg
    graph = log_mel_fn(cfg, cfg.storage_dtype)
    graph(np.zeros(cfg.clip_samples, np.float32))
    dofn.log_mel(np.zeros(cfg.clip_samples, np.float32))
    return graph


def _log_mel_numpy_vs_graph(log_mel, graph, waves: list) -> dict[str, float]:
    """Median ms of the log-mel in NumPy (the DoFn's) and in the TF graph, alternated clip by clip."""
    import numpy as np

    best: dict[str, list[float]] = {"numpy": [], "tf_graph": []}
    for rep in range(3):
        for i, w in enumerate(waves):
            pair = (("numpy", log_mel), ("tf_graph", lambda x: graph(x).numpy()))
            for name, fn in pair[:: 1 if (i + rep) % 2 else -1]:
                t0 = time.perf_counter()
                fn(w)
                best[name].append((time.perf_counter() - t0) * 1e3)
    return {k: float(np.median(v)) for k, v in best.items()}


def _two_thread_speedup(fn, k: int) -> float:
    """``fn(0..k-1)`` on 1 thread vs the same work per thread on 2 threads in one process (best of
    2): 2.0x = ``fn`` releases the GIL (what multi_threading can get), 1.0x = it holds it."""
    import threading

    def work():
        for i in range(k):
            fn(i)

    best1, best2 = float("inf"), float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        work()
        best1 = min(best1, time.perf_counter() - t0)
        threads = [threading.Thread(target=work) for _ in range(2)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        best2 = min(best2, time.perf_counter() - t0)
    return 2 * best1 / best2


def _gil_speedups(dofn: SimpleNamespace, paths: Sequence[str], waves: list) -> dict[str, float]:
    """:func:`_two_thread_speedup` of each step and of the whole chain, on up to 30 clips."""
    cfg, decode, resample, log_mel, make_example = dofn.cfg, dofn.decode, dofn.resample, dofn.log_mel, dofn.example
    monos = [decode(p) for p in paths]
    mels = [log_mel(w) for w in waves]

    def chain(i):
        w = dofn.fit(resample(*decode(paths[i]), cfg.sample_rate), cfg)
        make_example(0, paths[i], log_mel(w), [0] * 50, cfg)

    steps = {
        "decode": lambda i: decode(paths[i]),
        "resample": lambda i: resample(*monos[i], cfg.sample_rate),
        "log_mel": lambda i: log_mel(waves[i]),
        "example": lambda i: make_example(0, paths[i], mels[i], [0] * 50, cfg),
        "whole chain": chain,
    }
    k = min(len(waves), 30)
    return {name: _two_thread_speedup(fn, k) for name, fn in steps.items()}


def _stages(payload: dict) -> dict:
    """Per-step cost of the DoFn on one thread, and how two Python threads share it (GIL)."""
    import tempfile

    tf_threads(1)  # the TF graph contender on one thread, as the NumPy one runs
    dofn = _dofn_parts()
    paths = clip_paths(payload["root"])[: payload["n"]]
    graph = _warm_log_mels(dofn)
    tmp = tempfile.mkdtemp(prefix="bench_stages_")
    med, waves = _time_steps(dofn, paths, tmp)
    mel_ms = _log_mel_numpy_vs_graph(dofn.log_mel, graph, waves)
    threading_speedup = _gil_speedups(dofn, paths, waves)
    shutil.rmtree(tmp, ignore_errors=True)
    return {"ms": med, "log_mel_numpy_ms": mel_ms["numpy"], "log_mel_tf_graph_ms": mel_ms["tf_graph"],
            "threading_speedup": threading_speedup, "n": len(paths)}


def child(payload: dict) -> dict:
    return {"naive": _naive, "beam": _beam, "stages": _stages}[payload["kind"]](payload)


# ---------------------------------------------------------------------------------------------
# Parent

def _profile(root: str, n: int, log) -> dict | None:
    """py-spy record of one in_memory run (all threads, native frames off): the top own-time functions."""
    spy = shutil.which("py-spy") or os.path.join(os.path.dirname(sys.executable), "py-spy")
    if not os.path.exists(spy):
        log("  (py-spy not installed: pip install py-spy to profile)")
        return None
    import json
    import subprocess

    out = OUT_DIR / "extract_profile.txt"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    payload = {"kind": "beam", "root": root, "n": n, "args": MODES["in_memory"],
               "out": str(DATA_DIR / "runs" / "profile")}
    raw = str(out.with_suffix(".raw"))
    cmd = [spy, "record", "-r", "50", "-f", "raw", "-o", raw, "--", sys.executable, "-m", "benchmarks.extract",
           "--child", json.dumps(payload)]
    subprocess.run(cmd, cwd=str(REPO), env=child_env(), capture_output=True, timeout=900, check=False)
    if not os.path.exists(raw):
        return None
    own: dict[str, int] = {}
    total = 0
    with open(raw) as f:  # collapsed stacks: "frame;frame;... count"
        for line in f:
            stack, _, count = line.rpartition(" ")
            c = int(count)
            total += c
            frames = stack.split(";")
            leaf = frames[-1]
            own[leaf] = own.get(leaf, 0) + c
            for marker, label in (("_extract (components", "[DoFn._extract total]"),
                                  ("read_audio (mtat", "[read_audio]"), ("resample (mtat", "[resample]"),
                                  ("make_example (components", "[make_example]"),
                                  ("write_record", "[Beam TFRecord write]"),
                                  ("crcfun (crcmod", "[Beam TFRecord CRC32C in crcmod]"),
                                  ("__call__ (tensorflow/python/eager/polymorphic_function", "[tf.function]")):
                if any(marker in fr for fr in frames):
                    own[label] = own.get(label, 0) + c
    top = sorted(own.items(), key=lambda kv: -kv[1])[:30]
    lines = [f"{100 * c / total:5.1f}%  {name}" for name, c in top]
    out.write_text("\n".join(lines) + "\n")
    return {"samples": total, "top": [(name, round(100 * c / total, 1)) for name, c in top], "file": str(out)}


def _best(runs: list[dict]) -> dict:
    """The fastest of repeated runs (slow outliers are other people's jobs), with all times kept."""
    best = dict(min(runs, key=lambda r: r["seconds"]))
    best["all_seconds"] = [round(r["seconds"], 2) for r in runs]
    return best


def mode_sizes(sizes: Sequence[int], mode: str, long_n: int | None = LONG_N) -> tuple[int, ...]:
    """The sizes ``mode`` runs at: ``sizes``, plus ``long_n`` for the parallel modes."""
    extra = (long_n,) if long_n and mode in LONG_MODES and long_n > max(sizes) else ()
    return tuple(sorted(set(sizes))) + extra


def run(sizes=(100, 400), modes=tuple(MODES), rounds: int = 2, profile: bool = False, long_n: int | None = LONG_N,
        log=print) -> dict:
    sizes = tuple(sorted(sizes))
    per_mode = {m: mode_sizes(sizes, m, long_n) for m in modes}
    all_sizes = sorted({n for ns in per_mode.values() for n in ns})
    roots = {n: clips_root(n, log=log) for n in all_sizes}
    big = max(all_sizes)
    naive_n = min(NAIVE_N, max(sizes))
    result = {"machine": machine_info(), "sizes": all_sizes, "mode_sizes": {m: list(v) for m, v in per_mode.items()},
              "naive_n": naive_n, "rounds": rounds, "naive": {}, "beam": {}}
    naive_runs: dict[str, list[dict]] = {k: [] for k in NAIVE_VARIANTS}
    beam_runs: dict[str, dict[int, list[dict]]] = {m: {n: [] for n in per_mode[m]} for m in modes}
    for rnd in range(rounds):  # interleaved rounds: every contender sees the same drift in load
        for name, env in NAIVE_VARIANTS.items():
            log(f"[extract] round {rnd + 1}/{rounds}: {name}, N={naive_n} (load {load_avg()}) ...")
            r = run_child("benchmarks.extract", {"kind": "naive", "root": roots[naive_n], "n": naive_n},
                          env=env, label=name)
            log(f"  {r['n'] / r['seconds']:.1f} clips/s, {1e3 * r['cpu_s_timed'] / r['n']:.1f} CPU ms/clip "
                f"(warm-up {r['warmup_s']:.1f} s; other processes used {r['others_cores']} cores)")
            naive_runs[name].append(r)
        order = [(m, n) for m in modes for n in per_mode[m]]
        for mode, n in (order if rnd % 2 == 0 else order[::-1]):
            payload = {"kind": "beam", "root": roots[n], "n": n, "args": MODES[mode],
                       "out": str(DATA_DIR / "runs" / f"{mode}_{n}")}
            r = run_child("benchmarks.extract", payload, label=f"beam {mode}")
            log(f"  {mode:16s} N={n:4d}: {r['seconds']:5.1f} s (executor ctor {r['ctor_s']:.1f} s), "
                f"process {r['wall_s']:.1f} s / {r['cpu_s']:.1f} CPU s, peak RSS {r['peak_rss_mb']:.0f} MB "
                f"(tree {r['tree_rss_mb']:.0f} MB), others {r['others_cores']} cores")
            beam_runs[mode][n].append(r)
    variants = {}
    for name, runs in naive_runs.items():
        v = _best(runs)
        v.update(name=name, rate=v["n"] / v["seconds"], cpu_ms_per_clip=1e3 * v["cpu_s_timed"] / v["n"])
        variants[name] = v
    result["naive_variants"] = variants
    naive = result["naive"] = max(variants.values(), key=lambda v: v["rate"])
    for mode in modes:
        runs = {n: _best(beam_runs[mode][n]) for n in per_mode[mode]}
        startup, rate = fit_line([(n, runs[n]["seconds"]) for n in runs])
        startup_wall, _ = fit_line([(n, runs[n]["wall_s"]) for n in runs])
        cpu_fixed, cpu_rate = fit_line([(n, runs[n]["cpu_s"]) for n in runs])
        result["beam"][mode] = {"runs": {str(n): r for n, r in runs.items()}, "startup_s": startup, "rate": rate,
                                "startup_with_imports_s": startup_wall, "cpu_fixed_s": cpu_fixed,
                                "cpu_ms_per_clip": 1e3 / cpu_rate, "ctor_s": min(r["ctor_s"] for r in runs.values())}
        log(f"  {mode}: start-up {startup:.1f} s (with imports {startup_wall:.1f} s), steady state {rate:.1f} "
            f"clips/s, {1e3 / cpu_rate:.1f} CPU ms/clip")
    log(f"[extract] per-stage costs on one thread (load {load_avg()}) ...")
    stage_payload = {"kind": "stages", "root": roots[sizes[0]], "n": min(sizes[0], 60)}
    result["stages"] = run_child("benchmarks.extract", stage_payload, label="stages")
    if profile:
        log("[extract] py-spy profile of in_memory ...")
        result["profile"] = _profile(roots[big], big, log)
    best_mode = max(result["beam"], key=lambda m: result["beam"][m]["rate"])
    result["best_mode"] = best_mode
    result["ratio"] = ratio(result["beam"][best_mode]["rate"], naive["rate"])
    # Cross-check from the completion stamps of the largest run (no two-point fit)
    inrun = {m: b["runs"][str(max(per_mode[m]))].get("inrun_rate") or 0.0 for m, b in result["beam"].items()}
    result["best_mode_inrun"] = max(inrun, key=inrun.get)
    result["ratio_inrun"] = ratio(inrun[result["best_mode_inrun"]], naive["rate"])
    return result


def max_other_load(res: dict) -> float:
    """The most cores other processes kept busy during any run of the naive loop or the best mode."""
    runs = [*res.get("naive_variants", {}).values(), *res["beam"][res["best_mode"]]["runs"].values()]
    return max((r.get("others_cores") or 0.0 for r in runs), default=0.0)


def summary_lines(res: dict) -> list[str]:
    b = res["beam"][res["best_mode"]]
    return [f"best mode {res['best_mode']}: steady state {b['rate']:.1f} clips/s vs {res['naive']['name']} "
            f"{res['naive']['rate']:.1f} clips/s, start-up {b['startup_s']:.1f} s "
            f"(targets: >= {TARGET_RATIO}x, <= {TARGET_STARTUP:.0f} s)"]


def markdown(res: dict) -> str:
    sizes = res["sizes"]
    naive = res["naive"]
    naive_n = res.get("naive_n", sizes[-1])
    rows = [[v["name"] + (" (baseline)" if v is naive or v["name"] == naive["name"] else ""), None, v["rate"],
             v["rate"] / naive["rate"], None, None, v["cpu_ms_per_clip"], None,
             *[v["seconds"] if n == naive_n else None for n in sizes], v["peak_rss_mb"], None, v["others_cores"]]
            for v in res.get("naive_variants", {"": naive}).values()]
    for mode, b in res["beam"].items():
        runs = [b["runs"].get(str(n)) for n in sizes]
        big = b["runs"][str(max(int(n) for n in b["runs"]))]
        done = [r for r in runs if r]
        rows.append([f"AudioExampleGen {mode}", b["startup_s"], b["rate"], b["rate"] / naive["rate"],
                     big.get("inrun_rate"), big.get("first_clip_s"), b["cpu_ms_per_clip"],
                     b["startup_with_imports_s"], *[r["seconds"] if r else None for r in runs],
                     max(r["peak_rss_mb"] for r in done), max(r["tree_rss_mb"] for r in done),
                     max(r["others_cores"] for r in done)])
    headers = ["contender", "start-up s (fit)", "steady clips/s (fit)", "× naive", "steady clips/s (in-run, largest N)",
               "s to first clip (largest N)", "CPU ms/clip", "start-up incl. imports s",
               *[f"s @N={n}" for n in sizes], "peak RSS MB (largest proc)", "peak RSS MB (proc tree)",
               "other load (cores)"]
    st = res["stages"]
    ms = st["ms"]
    total = sum(ms.values())
    stage_rows = [[k, v, 100 * v / total] for k, v in ms.items()] + [["sum (one core)", total, 100.0]]
    best = res["beam"][res["best_mode"]]
    ctor = min(b["ctor_s"] for b in res["beam"].values())
    out = [
        "## Extraction: naive librosa loop vs AudioExampleGen (Beam DirectRunner)", "",
        f"Same generated clips (29.1 s, 16 kHz MP3), each contender in its own process, {res['rounds']} interleaved "
        f"round{'s' if res['rounds'] > 1 else ''}, fastest run kept. Beam: "
        "`Executor(BeamExecutor.Context(beam_pipeline_args)).Do` as the pipeline "
        "runs it (TFRecord writing, rejects and counts included) plus the executor constructor; start-up and steady "
        f"state from the least-squares fit `seconds = startup + N / rate` over N = {', '.join(map(str, sizes))} (each mode's "
        "sizes are the columns it has; beyond 400 the rendered clips repeat); the in-run steady "
        "state is from per-clip completion stamps (while all workers are busy, in the largest run; less exposed to "
        "load swings than a two-point fit); CPU ms/clip is the slope of the process tree's CPU time (it too "
        "grows when other jobs share the cores). Naive: `librosa.load(sr=12000)` + "
        f"`melspectrogram` + `power_to_db` after its warm-up ({naive['warmup_s']:.1f} s, untimed), as is and with "
        "BLAS pinned to one thread; the faster is the baseline. "
        "'other load' = cores busy with other people's processes during the run.", "",
        md_table(headers, rows, 1), "",
        f"**ratio: {res['ratio']:.2f}x** (steady state of `{res['best_mode']}` / naive loop; target ≥ {TARGET_RATIO}x); "
        f"start-up of `{res['best_mode']}`: {best['startup_s']:.1f} s (target ≤ {TARGET_STARTUP:.0f} s), of which "
        f"{ctor:.1f} s is the executor constructor (0.8 s before `--setup_file` stopped TFX from packaging itself "
        "as a Beam dependency). Cross-check from the "
        f"in-run stamps: `{res['best_mode_inrun']}` {res['ratio_inrun']:.2f}x the naive loop.", "",
        f"Per-clip cost of the DoFn's steps on one thread (median of {st['n']} clips, ms; other load "
        f"{st['others_cores']} cores):", "",
        md_table(["step", "ms/clip", "%"], stage_rows, 2), "",
        f"Ideal one-core rate from the sum: {1000 / total:.0f} clips/s. Log-mel in NumPy/SciPy (the DoFn's, "
        f"`log_mel_numpy`) {st['log_mel_numpy_ms']:.2f} ms/clip vs the TF graph (`log_mel_fn`, one thread) "
        f"{st['log_mel_tf_graph_ms']:.2f}, alternated clip by clip. Two threads vs one in one process, same work "
        "per thread (2.00x = the step releases the GIL; what `multi_threading` can get): "
        + ", ".join(f"{k} {v:.2f}x" for k, v in st["threading_speedup"].items()) + ".",
    ]
    if res.get("profile"):
        out += ["", "py-spy (in_memory run, % of samples incl. idle threads):", "",
                md_table(["function", "%"], res["profile"]["top"][:15], 1)]
    return "\n".join(out)


def main(argv=None) -> int:
    setup_env()
    if child_main(child):
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="N = 50 and 100")
    p.add_argument("--sizes", type=int, nargs="+", help="clip counts [100 400]")
    p.add_argument("--long-n", type=int, default=LONG_N, help=f"extra size of the parallel modes, 0: none [{LONG_N}]")
    p.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    p.add_argument("--rounds", type=int, default=2, help="interleaved repetitions, best kept [2]")
    p.add_argument("--profile", action="store_true", help="py-spy the in_memory run")
    a = p.parse_args(argv)
    print_machine_line()
    sizes = a.sizes or ((50, 100) if a.quick else (100, 400))
    res = run(sizes, a.modes, a.rounds, a.profile, long_n=None if a.quick else a.long_n)
    publish("extract", res, markdown)
    for line in summary_lines(res):
        print(line)
    print(f"ratio: {res['ratio']:.2f}x", flush=True)
    print(f"in-run ratio ({res['best_mode_inrun']}): {res['ratio_inrun']:.2f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
