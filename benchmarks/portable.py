"""Extraction on Beam's portable runner (external worker pool, 1 and 2 workers) vs the DirectRunner.

    python -m benchmarks.portable                  # N = 100 and 1,600 (beyond 400 the clips repeat)
    python -m benchmarks.portable --sizes 100 400 --rounds 1

Contenders, each run in its own child process on the same cached clips, as extract.py runs them
(``AudioExampleGen``'s executor ``Do`` with the pipeline's dependency flag, TFRecords, rejects and
counts included, executor constructor included):
  direct multi_threading, 2 workers   the pipeline's default from 300 clips
  portable, 1 / 2 workers             ``--runner=PortableRunner`` against the local job service and
                                      worker pool of :mod:`pipelines.worker_pool` (what
                                      ``run_local.py --beam-workers N`` uses): every bundle goes to
                                      worker processes the pool starts for the job, nothing shared
                                      with the driver
One pool serves every portable run (as a cluster would be up already); its own start-up is
measured once. Start-up and steady state come from the least-squares line
``seconds = startup + N / rate`` over the sizes; rounds are interleaved and the fastest run kept.
"""
from __future__ import annotations

import argparse
import sys
import time

from benchmarks.extract import MODES
from benchmarks.harness.clips import clips_root
from benchmarks.harness.env import DATA_DIR, setup_env
from benchmarks.harness.machine import load_avg, machine_info
from benchmarks.harness.processes import run_child
from benchmarks.harness.report import md_table, publish
from benchmarks.harness.timing import fit_line, ratio
from pipelines.beam_args import portable_runner_args, with_dependency_flag

DIRECT = "direct multi_threading, 2 workers"
PORTABLE = {1: "portable, 1 worker", 2: "portable, 2 workers"}
SIZES = (100, 1600)


def cpu_flags() -> str:
    """The SIMD flags TensorFlow's speed depends on (AVX2, AVX-512), from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return "flags unknown"
    avx512 = sorted(f for f in flags if f.startswith("avx512"))
    return f"{'AVX2' if 'avx2' in flags else 'no AVX2'}, {' '.join(avx512) if avx512 else 'no AVX-512'}"


def contenders(pool) -> dict[str, list[str]]:
    """Beam args per contender (the portable ones against ``pool``)."""
    out = {DIRECT: MODES["multi_threading"]}
    for n, name in PORTABLE.items():
        out[name] = with_dependency_flag(portable_runner_args(pool.job_endpoint, pool.address, n))
    return out


def run(sizes=SIZES, rounds: int = 1, log=print) -> dict:
    from pipelines.worker_pool import local_worker_pool

    sizes = tuple(sorted(sizes))
    roots = {n: clips_root(n, log=log) for n in sizes}
    result = {"machine": machine_info(), "sizes": list(sizes), "rounds": rounds, "contenders": {}}
    result["cpu_flags"] = cpu_flags()
    t0 = time.perf_counter()
    with local_worker_pool() as pool:
        result["pool_start_s"] = time.perf_counter() - t0
        args = contenders(pool)
        runs = {name: {n: [] for n in sizes} for name in args}
        order = [(name, n) for name in args for n in sizes]
        for rnd in range(rounds):
            for name, n in (order if rnd % 2 == 0 else order[::-1]):
                log(f"[portable] round {rnd + 1}/{rounds}: {name}, N={n} (load {load_avg()}) ...")
                payload = {"kind": "beam", "root": roots[n], "n": n, "args": args[name], "stamps": False,
                           "out": str(DATA_DIR / "runs" / f"portable_{n}")}
                r = run_child("benchmarks.extract", payload, timeout=1800, label=name)
                log(f"  {r['seconds']:6.1f} s ({r['examples']} examples; executor ctor {r['ctor_s']:.1f} s), "
                    f"driver peak RSS {r['peak_rss_mb']:.0f} MB, others {r['others_cores']} cores")
                runs[name][n].append(r)
    for name, by_n in runs.items():
        best = {n: min(rs, key=lambda r: r["seconds"]) for n, rs in by_n.items()}
        startup, rate = fit_line([(n, best[n]["seconds"]) for n in sizes])
        result["contenders"][name] = {
            "startup_s": startup, "rate": rate, "ms_per_clip": 1e3 / rate,
            "seconds": {str(n): best[n]["seconds"] for n in sizes},
            "all_seconds": {str(n): [round(r["seconds"], 2) for r in rs] for n, rs in by_n.items()},
            "others_cores": max(r["others_cores"] for rs in by_n.values() for r in rs)}
    base = result["contenders"][DIRECT]
    for c in result["contenders"].values():
        c["rate_vs_direct"] = ratio(c["rate"], base["rate"])
        c["startup_minus_direct_s"] = c["startup_s"] - base["startup_s"]
    return result


def summary_lines(res: dict) -> list[str]:
    d = res["contenders"][DIRECT]
    out = []
    for name in PORTABLE.values():
        c = res["contenders"][name]
        out.append(f"{name}: {c['ms_per_clip']:.1f} ms/clip ({c['rate_vs_direct']:.2f}x the DirectRunner's rate "
                   f"{d['rate']:.0f} clips/s), start-up {c['startup_s']:.1f} s ({c['startup_minus_direct_s']:+.1f} s)")
    return out


def markdown(res: dict) -> str:
    sizes = res["sizes"]
    headers = ["contender", "start-up s (fit)", "steady clips/s (fit)", "ms/clip", "rate × direct",
               *[f"s @N={n}" for n in sizes], "other load (cores)"]
    rows = [[name, c["startup_s"], c["rate"], c["ms_per_clip"], c["rate_vs_direct"],
             *[c["seconds"][str(n)] for n in sizes], c["others_cores"]] for name, c in res["contenders"].items()]
    m = res["machine"]
    return "\n".join([
        "## Extraction on the portable runner (external worker pool) vs DirectRunner", "",
        f"{m['cores']} cores ({m['cpu_model']}; {res['cpu_flags']}), load {m['load_avg_1m']} at the start, "
        f"{m['date']}. "
        "AudioExampleGen's executor as in the extraction benchmark, in a child process per run; portable = "
        "`--runner=PortableRunner --job_endpoint=<local job service> --environment_type=EXTERNAL "
        "--environment_config=127.0.0.1:<pool>` with `--direct_num_workers` 1 or 2 (`pipelines.worker_pool`, "
        "what `run_local.py --beam-workers N` starts). The pool runs once for all portable runs (start-up "
        f"{res['pool_start_s']:.1f} s, not in the table); each job starts its own worker processes, which import "
        "the project and TF, so that is in each run's start-up. Fit `seconds = startup + N / rate` over "
        f"N = {', '.join(map(str, sizes))} (beyond 400 the rendered clips repeat), {res['rounds']} interleaved "
        "round(s), fastest kept. Other jobs load the machine: compare the ratios, not the absolute numbers.", "",
        md_table(headers, rows, 2), "",
        *[f"- {line}" for line in summary_lines(res)], "",
        "Reading it: the portable runner adds start-up to every Beam job (a job submission over gRPC, the "
        "`--setup_file` sdist built and staged, worker processes that import TF and the project). When other "
        "jobs keep the cores busy, rates of contenders with different numbers of busy processes are not "
        "comparable (the scheduler gives more busy processes a larger share of the cores): repeat runs show "
        "the spread.",
    ])


def main(argv=None) -> int:
    setup_env()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="clip counts [100 1600]")
    p.add_argument("--rounds", type=int, default=1, help="interleaved repetitions, best kept [1]")
    a = p.parse_args(argv)
    machine = machine_info()
    print(f"machine: {machine['cores']} cores ({machine['cpu_model']}; {cpu_flags()}), load {machine['load_avg_1m']}",
          flush=True)
    start = time.perf_counter()
    res = run(a.sizes, a.rounds)
    res["seconds"] = time.perf_counter() - start
    publish("portable", res, markdown)
    for line in summary_lines(res):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
