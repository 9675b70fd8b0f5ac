"""Run the benchmarks and update benchmarks/results.md in place (``make bench``).

    python -m benchmarks.run_all            # the `make bench` set (~35 min from a fresh clone: see below)
    python -m benchmarks.run_all --full     # 3 extraction rounds, longer input/inference runs, end to end
                                            # at 100/200/400/1600 clips, fcn4/strong in 16-bit on the CPU
    python -m benchmarks.run_all --only extract inference

results.md is never rewritten whole: each benchmark's generated section sits between
``<!-- begin: NAME -->`` / ``<!-- end: NAME -->`` markers and its headline lines end with
``<!-- headline: NAME -->`` (``benchmarks.results_md``); a run replaces exactly those of the
benchmarks it ran (``--only extract``: the extraction section and headlines), and the file-wide
header only when every benchmark ran. Hand-written sections, notes and before/after tables stay.
A benchmark that fails is reported in its headline, its previous section stays, the others run.

Default set: extraction at N = 100 and 400, the parallel modes also at 1,600 (two interleaved rounds),
train_input and inference quick, train_step (small with/without its input average pool x float32 / mixed_bfloat16 /
mixed_float16 / XLA; the GPU presets fcn4 and strong x float32 / XLA, 3 rounds), trainer_400 (one pipeline
run with the default training on the 400 clips: the Trainer's seconds, epochs, overhead, macro ROC-AUC;
~4 min), scaling (extraction
N = 400 with 1 and 2 workers, end to end at 100, 200 and 400 clips), web_load (`mtat-tagger serve` on a
10,000-song catalog: 3 x 500 searches at concurrency 8, 2 x 20 uploads; ~2 min), search quality
(precision@10 on the held-out queries; the first run indexes its catalog, cached in data/search_bench),
portable (extraction on the portable runner with 1 and 2 external workers vs the DirectRunner, N = 100
and 1,600), real_music (the newest model in serving_model/tagger, else the reference run's, on the real-music
check set: top-1 plausibility and style ROC-AUC on human-composed recordings; the first run fetches ~570 MB of
Debian packages with apt-get into ~/.cache/mtat-tagger/real-music and indexes ~7 h of audio, ~4 min on 2 cores;
later runs on the same model reuse both: docs/real-music.md).
On a fresh clone the first run also makes what the benchmarks read and caches it under BENCH_DATA
(/tmp/bench_data): the 400 rendered sample clips (~2 min on 2 idle cores) and the reference pipeline
run (``benchmarks.harness.reference_run``: `make run`'s pipeline on a 300-clip set, ~4 min on 2 idle AVX2 cores)
the training-input, inference, web and search benchmarks read.
Per-benchmark JSON goes to benchmarks/out/.

Measured from a fresh clone (2-core AMD EPYC, AVX2, idle, rendered clips cached, reference run
made by the first benchmark that needs it; 2026-11-29): 47 min 8 s in all; extract 511 s, train_input
313 s (reference run included), train_step 1,293 s, inference 54 s, scaling 326 s, web_load 29 s, search
54 s, portable 169 s. Of train_step's 1,293 s most were the emulated float16 / bfloat16 rows of fcn4 and
strong (fcn4 mixed_float16 165 s per step: ~16 min of the 47 with their warm-up steps), no longer in
the default set (``--full`` or ``python -m benchmarks.train_step --all-precisions``). Use ``--only``
for a quick look.
"""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from benchmarks import (
    extract,
    inference,
    portable,
    real_music,
    results_md,
    scaling,
    search,
    train_input,
    train_step,
    trainer_400,
    web_load,
)
from benchmarks.harness.clips import clips_root
from benchmarks.harness.env import RESULTS_MD, setup_env
from benchmarks.harness.machine import load_avg, machine_info
from benchmarks.harness.report import save_result

BENCHES = ("extract", "train_input", "train_step", "trainer_400", "inference", "scaling", "web_load", "search",
           "portable", "real_music")


def _headline(name: str, res: dict) -> list[str]:
    if name == "extract":
        b = res["beam"][res["best_mode"]]
        return [f"extraction: **ratio: {res['ratio']:.2f}x** (`{res['best_mode']}` steady state {b['rate']:.0f} "
                f"clips/s vs naive librosa loop {res['naive']['rate']:.0f} clips/s; target ≥ {extract.TARGET_RATIO}x), "
                f"start-up {b['startup_s']:.1f} s (target ≤ {extract.TARGET_STARTUP:.0f} s); in-run stamps: "
                f"`{res['best_mode_inrun']}` {res['ratio_inrun']:.2f}x; other jobs used up to "
                f"{extract.max_other_load(res):.1f} of the cores meanwhile"]
    if name == "train_input":
        out = [f"training input: **input: {res['input_per_core']:,.0f} clips/s/core** (target ≥ "
               f"{train_input.TARGET:,.0f})"]
        out += [f"input / model step ({p}): {res['input_per_core'] / v['rate']:,.0f}x"
                for p, v in res["model"].items() if isinstance(v, dict)]
        return out
    if name == "train_step":
        out = []
        if "small_speedup" in res:
            out.append(f"train step: small {res['small_speedup']:.1f}x faster than without its input average pool")
        for preset, r in res["presets"].items():
            c = r["contenders"]
            base = c.get("float32", {}).get("step_s")
            if base:
                out.append(f"train step {preset} (batch {r['batch']}): float32 {base:.3f} s; " + ", ".join(
                    f"{k} {base / v['step_s']:.2f}x" for k, v in c.items() if k != "float32" and "step_s" in v))
        return out
    if name == "trainer_400":
        return [trainer_400.line(res)]
    if name == "inference":
        return [f"inference: {k}: {v:.2f}x" for k, v in res["ratios"].items()]
    if name == "scaling":
        sp = res["speedup_2_workers"]
        first, last = res["sizes"][0], res["sizes"][-1]
        per = {n: res["e2e"][str(n)]["wall_s"] / n for n in (first, last)}
        steps = ", ".join(f"{st['from']}→{st['to']}: {st['ms_per_clip']:.0f}" for st in res["e2e_steps"])
        return [f"scaling: 2 vs 1 worker steady state: multi_threading {sp['multi_threading']:.2f}x, "
                f"multi_processing {sp['multi_processing']:.2f}x",
                f"end to end: {per[first]:.2f} s/clip at {first} clips, {per[last]:.2f} s/clip at {last} clips "
                f"({res['e2e_fixed_s']:.0f} s fixed + {res['e2e_marginal_ms_per_clip']:.0f} ms/clip); marginal "
                f"ms per added clip {steps}"]
    if name == "web_load":
        return [f"web: search p99 {res['search_tags']['p99_ms']:.0f} ms (tag names) / "
                f"{res['search_free_words']['p99_ms']:.0f} ms (free words) / {res['search_popular']['p99_ms']:.0f} ms "
                f"(popular, cached) at {res['songs']:,} songs, concurrency {res['concurrency']} (goal ≤ "
                f"{res['target_p99_ms']:.0f} ms); server peak RSS {res['peak_rss_mb']:.0f} MB"]
    if name == "search":
        joint = res["joint_only"]
        return [f"search: **precision@10 {res['default']['p10']:.3f}** on the {res['queries']} held-out queries "
                f"(worst query {res['default']['worst_p10']:.1f}; tag route alone {res['tag']['p10']:.3f}, joint route "
                f"alone {'n/a' if joint is None else format(joint['p10'], '.3f')}; goal ≥ {search.TARGET_P10})"]
    if name == "portable":
        return [f"portable runner: {line}" for line in portable.summary_lines(res)]
    if name == "real_music":
        return [real_music.line(res)]
    return []


def _section(name: str, markdown: str, command: str, machine: dict) -> str:
    """A benchmark's generated section with the line that says when, where and how it was made."""
    title, _, rest = markdown.partition("\n")
    stamp = (f"_Generated by `{command}` on {machine['date'][:16].replace('T', ' ')} UTC; "
             f"{machine['machine_line']}._")
    return f"{title}\n\n{stamp}\n{rest}"


def write_results(path: Path, *, header: str | None, sections: dict[str, str],
                  headlines: dict[str, list[str]]) -> None:
    """Put a run's generated parts into results.md, leaving every hand-written line as it was."""
    text = path.read_text() if path.is_file() else "# Benchmarks\n"
    path.write_text(results_md.update(text, header=header, sections=sections, headlines=headlines))


def main(argv=None) -> int:
    setup_env()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--full", action="store_true", help="the long version of every benchmark")
    p.add_argument("--only", nargs="+", choices=BENCHES, default=list(BENCHES))
    p.add_argument("--results", type=Path, default=RESULTS_MD, help="the Markdown file to update")
    a = p.parse_args(argv)
    start = time.perf_counter()
    machine = machine_info()
    print(machine["machine_line"], flush=True)
    clips_root(100)  # render the clips once, up front (not timed by any benchmark)
    clips_root(400)
    runners = {
        "extract": lambda: extract.run((100, 400), rounds=3 if a.full else 2),
        "train_input": lambda: train_input.run(quick=not a.full),
        "train_step": lambda: train_step.run(rounds=6 if a.full else 3, all_precisions=a.full),
        "trainer_400": lambda: trainer_400.run(),
        "inference": lambda: inference.run(quick=not a.full),
        "scaling": lambda: scaling.run(sizes=(100, 200, 400, 1600) if a.full else None),
        "web_load": lambda: web_load.run(),
        "search": lambda: search.run("heldout"),
        "portable": lambda: portable.run(rounds=2 if a.full else 1),
        "real_music": lambda: real_music.run(),
    }
    modules = {"extract": extract, "train_input": train_input, "train_step": train_step, "trainer_400": trainer_400,
               "inference": inference,
               "scaling": scaling, "web_load": web_load, "search": search, "portable": portable,
               "real_music": real_music}
    whole = set(a.only) == set(BENCHES)
    command = ("make bench" if whole and not a.full else
               "python -m benchmarks.run_all" + (" --full" if a.full else "")
               + ("" if whole else " --only " + " ".join(a.only)))
    sections, headlines, seconds = {}, {}, {}
    for name in a.only:
        t0 = time.perf_counter()
        try:
            res = runners[name]()
            save_result(name, res)
            sections[name] = _section(name, modules[name].markdown(res), command, machine)
            headlines[name] = _headline(name, res)
        except Exception as err:  # report it, run the rest; the section of the last good run stays
            traceback.print_exc()
            first = str(err).splitlines()[0] if str(err) else ""
            headlines[name] = [f"{name}: FAILED on {machine['date'][:10]} (`{type(err).__name__}: {first}`); "
                               "its section is from an earlier run"]
        seconds[name] = time.perf_counter() - t0
        print(f"[run_all] {name} done in {seconds[name]:.0f} s", flush=True)
    total = time.perf_counter() - start
    header = None
    if whole:  # the file-wide header describes a run of every benchmark only
        header = (
            f"Generated parts last refreshed all at once by `{command}` on {machine['date'][:16].replace('T', ' ')} "
            f"UTC: **{machine['cores']} cores** ({machine['cpu_model']}, "
            f"{' '.join(machine['cpu_flags']) or 'SIMD flags unknown'}, {machine.get('mem_gb', '?')} GB), "
            f"Python {machine['python']}, TensorFlow {machine.get('tensorflow')}, TFX {machine.get('tfx')}, Beam "
            f"{machine.get('apache-beam')}, librosa {machine.get('librosa')}. Load average {machine['load_avg_1m']} at "
            f"the start, {load_avg()} at the end: the machine is shared, so absolute numbers move with other "
            "jobs; compare the ratios (each benchmark runs its contenders side by side) and see the 'other load' "
            f"columns. Total {total / 60:.1f} min (" + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items()) + ")."
        )
    write_results(a.results, header=header, sections=sections, headlines=headlines)
    print(f"\nupdated {a.results} in {total / 60:.1f} min ({', '.join(a.only)})")
    for lines in headlines.values():
        for h in lines:
            print(h)
    return 0 if len(sections) == len(a.only) else 1


if __name__ == "__main__":
    sys.exit(main())
