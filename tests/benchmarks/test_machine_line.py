"""benchmarks.harness.machine.machine_line: every benchmark prints which machine its figures come from."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.harness import machine

REPO = Path(__file__).resolve().parents[2]


def test_machine_line_names_cpu_simd_flags_and_cores():
    line = machine.machine_line()
    assert line.startswith(f"machine: {machine.cpu_model()} (")
    assert f"{machine.usable_cores()} usable cores of" in line
    flags = Path("/proc/cpuinfo").read_text().split("flags", 1)[1].splitlines()[0].split()
    for flag in machine.SIMD_FLAGS:
        assert (f" {flag}" in line or f"({flag}" in line) == (flag in flags), flag
    assert ("no AVX-512" in line) == ("avx512f" not in flags)
    assert machine.machine_info()["machine_line"].split(", load")[0] == line.split(", load")[0]


def test_every_benchmark_script_prints_it_first():
    """`--help` exits before any work; the line is printed after parsing, so check the source order."""
    for script in ("extract", "inference", "scaling", "train_input", "train_step"):
        source = (REPO / "benchmarks" / f"{script}.py").read_text()
        main = source[source.index("def main("):]
        assert main.index("print_machine_line()") < main.index("run("), script
    run_all = (REPO / "benchmarks" / "run_all.py").read_text()
    assert 'print(machine["machine_line"]' in run_all
    out = subprocess.run([sys.executable, "-c", "from benchmarks.harness import machine; machine.print_machine_line()"],
                         capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.startswith("machine: ") and out.count("\n") == 1
