"""Scaling: extraction with 1 vs 2 workers, and the whole local pipeline at growing sizes.

    python -m benchmarks.scaling            # extraction at N=400; run_local.py at 100, 200, 400 clips
    python -m benchmarks.scaling --quick    # run_local.py at 50, 100 clips
    python -m benchmarks.scaling --sizes 100 200 400 1600   # (beyond 400 the rendered clips repeat)
    python -m benchmarks.scaling --compare-beam-args "--direct_running_mode=multi_threading ..."
                                            # also run_local.py at the largest size with these Beam args

Extraction: AudioExampleGen's executor (as in extract.py) in multi_threading and multi_processing
with ``--direct_num_workers`` 1 and 2 at N=400; the DoFn stamps each finished clip, so one run gives
the time to the first clip, the steady-state rate (while every worker is busy) and the tail.

End to end: ``pipelines/run_local.py --epochs 1 --no-cache`` (default Beam args, i.e. what a user
gets) on a fresh pipeline root and serving dir per size; per-clip cost = wall / N, the fit
``wall = fixed + N × marginal`` separates the pipeline's fixed cost from its per-clip cost, and the
marginal cost of each step between sizes (``(wall_b - wall_a) / (b - a)``) shows whether the
per-clip cost stays flat as the data grows (it is what a bigger data set costs per clip).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile

from benchmarks.extract import MODES
from benchmarks.harness.clips import clips_root
from benchmarks.harness.env import DATA_DIR, setup_env
from benchmarks.harness.machine import load_avg, machine_info, print_machine_line
from benchmarks.harness.processes import run_child, run_process
from benchmarks.harness.report import md_table, publish
from benchmarks.harness.timing import fit_line

WORKER_VARIANTS = {
    "multi_threading, 1 worker": ["--direct_running_mode=multi_threading", "--direct_num_workers=1"],
    "multi_threading, 2 workers": MODES["multi_threading"],
    "multi_processing, 1 worker": ["--direct_running_mode=multi_processing", "--direct_num_workers=1"],
    "multi_processing, 2 workers": MODES["multi_processing"],
}


def extraction(n: int, log=print) -> dict:
    root = clips_root(n, log=log)
    out = {}
    for name, args in WORKER_VARIANTS.items():
        log(f"[scaling] extraction {name}, N={n} (load {load_avg()}) ...")
        r = run_child("benchmarks.extract", {"kind": "beam", "root": root, "n": n, "args": args,
                                             "out": str(DATA_DIR / "runs" / "scaling")},
                             label=f"extract {name}")
        r["rate"] = n / r["seconds"]
        log(f"  {r['seconds']:.1f} s ({r['rate']:.1f} clips/s overall), first clip after {r.get('first_clip_s', 0):.1f} s, "
            f"steady {r.get('inrun_rate') or 0:.1f} clips/s, tail {r.get('tail_s', 0):.1f} s, "
            f"{r['cpu_s']:.0f} CPU s, others {r['others_cores']} cores")
        out[name] = r
    return out


def end_to_end(n: int, beam_args: list[str] | None = None, log=print) -> dict:
    root = clips_root(n, log=log)
    work = tempfile.mkdtemp(prefix=f"bench_e2e_{n}_", dir=str(DATA_DIR))
    summary = os.path.join(work, "summary.json")
    cmd = [sys.executable, "pipelines/run_local.py", "--data-root", root, "--pipeline-root", os.path.join(work, "root"),
           "--serving-dir", os.path.join(work, "serving"), "--epochs", "1", "--no-cache", "--summary-json", summary]
    for a in beam_args or []:
        cmd.append(f"--beam-arg={a}")
    log(f"[scaling] run_local.py, {n} clips{' with ' + ' '.join(beam_args) if beam_args else ''} "
        f"(load {load_avg()}) ...")
    try:
        _, _, stats = run_process(cmd, timeout=1800, label=f"run_local {n}")
        with open(summary) as f:
            s = json.load(f)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    r = {**stats, "n": n, "pipeline_s": s.get("seconds"), "components": s.get("component_seconds", {}),
         "examples": sum((s.get("examples") or {}).values()) if isinstance(s.get("examples"), dict) else None,
         "beam_args": beam_args}
    log(f"  {r['wall_s']:.0f} s wall ({r['pipeline_s']} s in the pipeline), {1e3 * r['wall_s'] / n:.0f} ms/clip, "
        f"peak RSS {r['peak_rss_mb']:.0f} MB (tree {r['tree_rss_mb']:.0f} MB), others {r['others_cores']} cores")
    log("  " + ", ".join(f"{k} {v:.1f}" for k, v in r["components"].items()))
    return r


DEFAULT_SIZES = (100, 200, 400)
QUICK_SIZES = (50, 100)


def marginal_costs(e2e: dict, sizes: list[int]) -> list[dict]:
    """Per step between consecutive sizes: ms per added clip, for the whole run and per component."""
    steps = []
    for a, b in zip(sizes, sizes[1:]):
        ra, rb = e2e[str(a)], e2e[str(b)]
        comps = {k: 1e3 * (rb["components"][k] - ra["components"][k]) / (b - a)
                 for k in rb["components"] if k in ra["components"]}
        steps.append({"from": a, "to": b, "ms_per_clip": 1e3 * (rb["wall_s"] - ra["wall_s"]) / (b - a),
                      "components": comps})
    return steps


def run(quick: bool = False, compare_beam_args: list[str] | None = None, sizes: tuple[int, ...] | None = None,
        log=print) -> dict:
    n_extract = 400  # cheap: the start-up dominates a run; too few clips leave no window with all workers busy
    sizes = tuple(sorted(sizes or (QUICK_SIZES if quick else DEFAULT_SIZES)))
    res = {"machine": machine_info(), "quick": quick, "extract_n": n_extract, "sizes": list(sizes)}
    res["extraction"] = extraction(n_extract, log)
    res["e2e"] = {str(n): end_to_end(n, log=log) for n in sizes}
    fixed, rate = fit_line([(n, res["e2e"][str(n)]["wall_s"]) for n in sizes])
    res["e2e_fixed_s"], res["e2e_marginal_ms_per_clip"] = fixed, 1e3 / rate
    res["e2e_steps"] = marginal_costs(res["e2e"], list(sizes))
    if compare_beam_args:
        res["e2e_compare"] = end_to_end(sizes[-1], compare_beam_args, log)
    ext = res["extraction"]

    def eff(mode):
        one, two = ext[f"{mode}, 1 worker"], ext[f"{mode}, 2 workers"]
        return (two.get("inrun_rate") or 0) / (one.get("inrun_rate") or 1)

    res["speedup_2_workers"] = {m: eff(m) for m in ("multi_threading", "multi_processing")}
    return res


def markdown(res: dict) -> str:
    ext = res["extraction"]
    rows = [[name, r["seconds"], r["rate"], r.get("first_clip_s"), r.get("inrun_rate"), r.get("tail_s"),
             r["cpu_s"], r["tree_rss_mb"], r["others_cores"]] for name, r in ext.items()]
    e2e_rows = []
    for n in res["sizes"]:
        r = res["e2e"][str(n)]
        c = r["components"]
        e2e_rows.append([n, r["wall_s"], 1e3 * r["wall_s"] / n, c.get("AudioExampleGen"), c.get("StatisticsGen"),
                         c.get("Transform"), c.get("Trainer"), c.get("Evaluator"), r["tree_rss_mb"], r["others_cores"]])
    if res.get("e2e_compare"):
        r = res["e2e_compare"]
        c = r["components"]
        e2e_rows.append([f"{r['n']} with `{' '.join(r['beam_args'])}`", r["wall_s"], 1e3 * r["wall_s"] / r["n"],
                         c.get("AudioExampleGen"), c.get("StatisticsGen"), c.get("Transform"), c.get("Trainer"),
                         c.get("Evaluator"), r["tree_rss_mb"], r["others_cores"]])
    sp = res["speedup_2_workers"]
    comps = ("AudioExampleGen", "StatisticsGen", "Transform", "Trainer", "Evaluator")
    return "\n".join([
        "## Scaling", "",
        f"Extraction (AudioExampleGen executor, N={res['extract_n']}), 1 vs 2 workers; steady state from per-clip "
        "completion stamps while every worker is busy:", "",
        md_table(["variant", "s total", "clips/s overall", "s to first clip", "steady clips/s", "tail s",
                  "CPU s", "peak RSS MB (tree)", "other load (cores)"], rows, 1), "",
        f"2 workers / 1 worker, steady state: multi_threading {sp['multi_threading']:.2f}x, multi_processing "
        f"{sp['multi_processing']:.2f}x (2.0x = perfect on {res['machine']['cores']} cores).", "",
        "End to end, `pipelines/run_local.py --epochs 1 --no-cache`, default Beam args, fresh roots (seconds):", "",
        md_table(["clips", "wall s", "ms/clip", "ExampleGen", "StatisticsGen", "Transform", "Trainer",
                  "Evaluator", "peak RSS MB (tree)", "other load (cores)"], e2e_rows, 1), "",
        f"Fit: {res['e2e_fixed_s']:.0f} s fixed + {res['e2e_marginal_ms_per_clip']:.0f} ms per clip "
        "(the wall time includes the process start and TF/TFX imports).", "",
        "Marginal cost per added clip between sizes (ms/clip; the whole run, then per component; a few "
        "seconds of start-up jitter divided by the added clips is the noise):", "",
        md_table(["step", "whole run", *comps], [
            [f"{st['from']} → {st['to']}", st["ms_per_clip"], *[st["components"].get(c) for c in comps]]
            for st in res.get("e2e_steps", [])], 1),
    ])


def main(argv=None) -> int:
    setup_env()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="end to end at 50 and 100 clips")
    p.add_argument("--sizes", type=int, nargs="+", help=f"end-to-end sizes [{' '.join(map(str, DEFAULT_SIZES))}]")
    p.add_argument("--compare-beam-args", help="space-separated Beam args for one more end-to-end run")
    a = p.parse_args(argv)
    print_machine_line()
    res = run(a.quick, a.compare_beam_args.split() if a.compare_beam_args else None, sizes=a.sizes)
    publish("scaling", res, markdown)
    for m, v in res["speedup_2_workers"].items():
        print(f"{m} 2-worker speedup ratio: {v:.2f}x")
    first, last = res["sizes"][0], res["sizes"][-1]
    per = {n: res["e2e"][str(n)]["wall_s"] / n for n in (first, last)}
    print(f"end-to-end per-clip cost {last} vs {first} clips ratio: {per[last] / per[first]:.2f}x")
    for st in res["e2e_steps"]:
        print(f"marginal cost {st['from']} -> {st['to']} clips: {st['ms_per_clip']:.0f} ms/clip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
