"""benchmarks.trainer_400: reading a run's Trainer timing and summarising it."""
from __future__ import annotations

import os

import pytest

from benchmarks import trainer_400
from trainer.phase_timer import PhaseTimer


def _timing_of_a_run(pipeline_root, epochs):
    timer = PhaseTimer()
    timer.epoch_seconds.extend(epochs)
    for name in ("stats", "fit", "export"):
        with timer.phase(name):
            pass
    return timer.write(os.path.join(pipeline_root, "Trainer", "model_run", "7"))


def test_summary_of_a_run(tmp_path):
    root = str(tmp_path / "root")
    written = _timing_of_a_run(root, [6.5, 3.0, 3.5, 2.5])
    timing = trainer_400.trainer_timing(root)
    assert timing == written
    summary = {"component_seconds": {"Transform": 20.0, "Trainer": 25.0}, "seconds": 80.0,
               "metrics": {"macro_roc_auc": 0.91, "macro_pr_auc": 0.6}}
    res = trainer_400.summarise(summary, timing)
    assert res["epochs"] == 4 and res["first_epoch_s"] == 6.5
    assert res["epoch_s"] == pytest.approx(3.0)
    assert res["overhead_s"] == pytest.approx(25.0 - 15.5)
    assert res["macro_roc_auc"] == 0.91
    res.update(machine={"machine_line": "machine: test CPU"}, load_start=1.0, load_end=1.5, others_cores=0.2,
               before=trainer_400.BEFORE, goal_s=trainer_400.GOAL_S)
    md = trainer_400.markdown(res)
    assert "recorded, not measured here" in md and "| this run | 25.0 | 4 | 6.5 | 3.00 | 9.5 | 0.9100 |" in md
    assert "25.0 s" in trainer_400.line(res) and "653 s" in trainer_400.line(res)
    assert "before the input average pool" in md and "issue" not in md + trainer_400.line(res)  # dated, not by tracker numbers


def test_missing_timing_names_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="model_run"):
        trainer_400.trainer_timing(str(tmp_path))
