"""The Trainer on the 400-clip set (goal: <= 2 minutes on a 2-core AVX2 machine).

    python -m benchmarks.trainer_400

One ``pipelines/run_local.py --no-cache`` run with the default training (``small``, 30 epochs with
early stopping, joint head) on the 400 rendered clips (``clips_root(400)``: 300 train, 25
eval, 75 test), fresh pipeline root. Reports the Trainer's seconds (the pipeline's component
time), the epochs run, seconds per epoch, the overhead outside the epochs (statistics, model build,
export: ``trainer_timing.json`` of the run, ``trainer.phase_timer``) and the Evaluator's test macro
ROC-AUC, next to the recorded figure from before the input average pool of ``small`` (2026-11-29;
not measured here).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import sys
import tempfile

from benchmarks.harness.clips import clips_root
from benchmarks.harness.env import DATA_DIR, setup_env
from benchmarks.harness.machine import load_avg, machine_info, print_machine_line
from benchmarks.harness.processes import run_process
from benchmarks.harness.report import fmt, md_table, publish

N_CLIPS = 400
GOAL_S = 120.0
#: Recorded, not measured by this benchmark: the Trainer on a 400-clip set before the input average pool
#: of ``small`` (2026-11-29), same kind of machine (2-core AMD EPYC, AVX2), benchmarks/results.md.
BEFORE = {"trainer_s": 653.0, "pipeline_s": 754.0, "source": "2026-11-29, before the input average pool, 2-core AMD EPYC AVX2"}


def trainer_timing(pipeline_root: str) -> dict:
    """The Trainer's ``trainer_timing.json`` (phases, epochs) of the run under ``pipeline_root``."""
    from trainer.phase_timer import TIMING_FILE

    found = sorted(glob.glob(os.path.join(pipeline_root, "Trainer", "model_run", "*", TIMING_FILE)))
    if not found:
        raise FileNotFoundError(f"no {TIMING_FILE} under {pipeline_root}/Trainer/model_run")
    with open(found[-1]) as f:
        return json.load(f)


def summarise(summary: dict, timing: dict) -> dict:
    """Trainer seconds, epochs, seconds per epoch and overhead from a run's summary + timing."""
    trainer_s = float(summary["component_seconds"]["Trainer"])
    epochs = timing["epoch_seconds"]
    later = epochs[1:]
    return {"trainer_s": trainer_s, "epochs": len(epochs), "epoch_total_s": round(sum(epochs), 1),
            "first_epoch_s": epochs[0] if epochs else None,
            "epoch_s": round(sum(later) / len(later), 2) if later else None,
            "overhead_s": round(trainer_s - sum(epochs), 1), "phases": timing["phases"],
            "macro_roc_auc": summary["metrics"]["macro_roc_auc"], "macro_pr_auc": summary["metrics"]["macro_pr_auc"],
            "pipeline_s": summary.get("seconds"), "components": summary["component_seconds"]}


def run(log=print) -> dict:
    root = clips_root(N_CLIPS, log=log)
    work = tempfile.mkdtemp(prefix="bench_trainer_400_", dir=str(DATA_DIR))
    summary_path = os.path.join(work, "summary.json")
    pipeline_root = os.path.join(work, "root")
    cmd = [sys.executable, "pipelines/run_local.py", "--data-root", root, "--pipeline-root", pipeline_root,
           "--serving-dir", os.path.join(work, "serving"), "--no-cache", "--summary-json", summary_path]
    load_start = load_avg()
    log(f"[trainer_400] run_local.py on {N_CLIPS} clips, default training (load {load_start}) ...")
    try:
        _, _, stats = run_process(cmd, timeout=1800, label="run_local 400")
        with open(summary_path) as f:
            summary = json.load(f)
        res = summarise(summary, trainer_timing(pipeline_root))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res.update(machine=machine_info(), load_start=load_start, load_end=load_avg(),
               others_cores=stats.get("others_cores"), wall_s=stats.get("wall_s"), before=BEFORE, goal_s=GOAL_S)
    log(f"  {line(res)}")
    return res


def line(res: dict) -> str:
    """The one-line result: Trainer seconds, epochs, per epoch, overhead, AUC, the recorded before."""
    return (f"Trainer on the {N_CLIPS}-clip set: {res['trainer_s']:.1f} s (goal <= {res['goal_s']:.0f} s; before "
            f"the input average pool: {res['before']['trainer_s']:.0f} s, recorded), {res['epochs']} epochs, first "
            f"{res['first_epoch_s']:.1f} s then {res['epoch_s']:.2f} s each, overhead {res['overhead_s']:.1f} s "
            f"outside the epochs; test macro ROC-AUC {res['macro_roc_auc']:.4f}")


def markdown(res: dict) -> str:
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in res["phases"].items())
    return "\n".join([
        "## Trainer on the 400-clip set", "",
        f"{res['machine']['machine_line']}; load average {res['load_start']} at the start, {res['load_end']} at "
        f"the end (other processes used {fmt(res.get('others_cores'), 2)} cores meanwhile). One "
        f"`pipelines/run_local.py --no-cache` run, default training (`small`, 30 epochs max, early stopping, "
        f"joint head) on {N_CLIPS} rendered clips (300 train / 25 eval / 75 test).", "",
        md_table(["", "Trainer s", "epochs", "first epoch s", "s / later epoch", "overhead s",
                  "test macro ROC-AUC"], [
            ["before the input average pool (recorded, not measured here)", res["before"]["trainer_s"], None, None, None, None,
             None],
            ["this run", res["trainer_s"], res["epochs"], res["first_epoch_s"], res["epoch_s"], res["overhead_s"],
             round(res["macro_roc_auc"], 4)],
        ], [1, 1, 0, 1, 2, 1, 4]), "",
        f"Goal <= {res['goal_s']:.0f} s. Overhead = Trainer time - the epochs; the Trainer's phases: {phases} "
        f"(`trainer_timing.json` in the run's model_run folder). Whole pipeline {fmt(res.get('pipeline_s'))} s.",
    ])


def main(argv=None) -> int:
    setup_env()
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    print_machine_line()
    res = run()
    publish("trainer_400", res, markdown)
    print(line(res))
    print(f"Trainer before / now ratio: {res['before']['trainer_s'] / res['trainer_s']:.1f}x (before recorded)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
