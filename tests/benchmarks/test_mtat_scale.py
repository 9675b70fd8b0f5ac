"""benchmarks.mtat_scale in its small mode: a real MTAT-layout set through the real pipeline, measured."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_small_mode_accounts_for_every_row_and_measures_each_component(tmp_path):
    out = tmp_path / "scale"
    env = {**os.environ, "PYTHONPATH": str(REPO), "BENCH_DATA": str(tmp_path / "bench")}
    proc = subprocess.run([sys.executable, "-m", "benchmarks.mtat_scale", "--out", str(out), "--clips", "160",
                           "--unique", "32", "--epochs", "1", "--quiet"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("machine: ")
    s = json.loads((out / "summary.json").read_text())
    assert lines[-1] == (f"mtat_scale: rows=160 examples={s['examples']} rejects={s['rejects']} "
                         f"seconds={s['seconds']:.0f} peak_rss_mb={s['peak_rss_mb']:.0f} disk_mb={s['disk_mb']['total']:.0f}")
    # the set: 160 rows, all 188 tag columns, 32 rendered clips, three 0-byte MP3s
    header = (out / "data" / "annotations_final.csv").read_text().splitlines()[0].split("\t")
    assert len(header) == 190 and len(s["empty_files"]) == 3
    assert len({os.stat(p).st_ino for p in (out / "data").rglob("*.mp3") if p.stat().st_size}) == 32
    # every row an example or a reject; the empty files among the rejects, named
    assert s["rows"] == 160 and s["examples"] + s["rejects"] == 160 and s["every_row_accounted"]
    assert s["rejects_by_reason"] == {"empty": 3} and s["empty_files_rejected"] == s["empty_files"]
    # each component timed and its memory sampled; disk per artifact; bounds judged
    for component in ("AudioExampleGen", "StatisticsGen", "Transform", "Trainer", "Evaluator", "Pusher"):
        assert component in s["component_seconds"]
    for component in ("AudioExampleGen", "Trainer", "Evaluator"):
        assert 100 < s["component_peak_rss_mb"][component] <= s["peak_rss_mb"]
    assert 0 < s["examples_mb"] <= s["disk_mb"]["AudioExampleGen/examples"] <= s["disk_mb"]["total"]
    assert s["disk_mb"]["Trainer/model"] > 0 and s["tmp_left_mb"] >= 0
    assert (s["serving_mb"] > 0) == bool(s["blessed"])  # a model of 32 clips may fail the gate: nothing pushed
    assert sum(s["component_seconds"].values()) <= s["seconds"] and s["bounds"] and s["machine"]
