"""The main job at MagnaTagATune's size: an MTAT-layout set of R rows through ``pipelines/run_local.py``.

    python -m benchmarks.mtat_scale --out DIR                             # 25,863 rows, as the real set
    python -m benchmarks.mtat_scale --out DIR --clips 2600 --epochs 1
    python -m benchmarks.mtat_scale --out DIR --clips 200 --unique 48 --epochs 1   # small mode (tests)
    python -m benchmarks.mtat_scale --table DIR1 DIR2                    # finished runs side by side (Markdown)

The set (``DIR/data``): ``--clips`` rows of annotations_final.csv with all 188 tag columns, audio in
folders 0-f, from ``--unique`` rendered clips; the other rows are hard links to them under their own
names and clip ids, in their original's folder (so no music is in two splits), and three rows are
0-byte MP3s, as in the real set. The run is what a user starts (``run_local.py --data-root DIR/data``,
its default Beam settings, ``--no-cache``), measured from outside: wall time per component (from the
run's progress lines), peak RSS of the whole process tree (Beam worker processes included) over the
run and per component, disk per artifact of the pipeline root, and what the run left in its
temporary folder (``TMPDIR=DIR/tmp``).

Writes ``DIR/summary.json`` (``rows, examples, rejects, seconds, component_seconds, peak_rss_mb,
component_peak_rss_mb, disk_mb, examples_mb, tmp_left_mb, bounds, machine, others_cores, ...``) and prints as its
last line ``mtat_scale: rows=R examples=X rejects=J seconds=S peak_rss_mb=M disk_mb=D``.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from benchmarks.harness.clips import row_count
from benchmarks.harness.env import REPO, child_env, setup_env
from benchmarks.harness.machine import machine_busy_seconds, machine_info, print_machine_line

#: Rows of the real annotations_final.csv.
MTAT_ROWS = 25_863
#: Clips rendered by default; the rest repeat them (a multiple of 16: repeats stay in their split).
UNIQUE = 400
#: The real set has three 0-byte MP3s; so has this one, at these fractions of the rows.
EMPTY_AT = (0.3, 0.6, 0.9)
#: Bounds of a full run on 2 cores / 24 GB.
MAX_PEAK_RSS_MB = 8192
MAX_DISK_PER_EXAMPLES = 1.5
#: A progress line of run_local.py: "[12:34:56] Trainer ..." starts a component.
_STARTED = re.compile(r"^\[\d\d:\d\d:\d\d\] (\S+) \.\.\.$")
_FINISHED = re.compile(r"^\[\d\d:\d\d:\d\d\] (\S+) done in ")
#: Summed while the run is between components (start-up, the summary at the end).
DRIVER = "(driver)"


def empty_rows(rows: int) -> list[int]:
    """Rows that get a 0-byte MP3 (none in sets too small to spare them)."""
    return sorted({int(rows * f) for f in EMPTY_AT}) if rows >= 20 else []


def build_set(data: Path, rows: int, unique: int, log=print) -> None:
    """Write the MTAT-layout set (its empty rows: :func:`empty_rows`)."""
    from benchmarks.harness.clips import repeated_set

    if unique % 16:
        raise ValueError(f"--unique must be a multiple of 16 (the folders 0-f), got {unique}")
    start = time.perf_counter()
    repeated_set(data, rows, unique, empty_rows=empty_rows(rows), log=log)
    log(f"[mtat_scale] {rows} rows from {min(rows, unique)} rendered clips in {data} "
        f"({time.perf_counter() - start:.0f} s)")


def du_mb(path: Path) -> float:
    """Bytes under ``path`` (files counted once per inode), in MB."""
    seen: set[tuple[int, int]] = set()
    total = 0
    if path.is_file():
        return round(path.stat().st_size / 2**20, 1)
    for base, _, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(base, name))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return round(total / 2**20, 1)


def artifact_disk(pipeline_root: Path) -> dict[str, float]:
    """MB per ``Component/output`` of a pipeline root (and its other files, e.g. the MLMD store)."""
    out: dict[str, float] = {}
    for entry in sorted(pipeline_root.iterdir()):
        if entry.is_dir():
            for output in sorted(p for p in entry.iterdir() if p.is_dir()):
                out[f"{entry.name}/{output.name}"] = du_mb(output)
        else:
            out[entry.name] = du_mb(entry)
    return out


class _RunWatcher:
    """Reads the run's stdout as it comes: echoes and logs it, and knows which component runs."""

    def __init__(self, stream, log_file, echo: bool):
        self.current = DRIVER
        self._stream, self._log, self._echo = stream, log_file, echo
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        for line in self._stream:
            self._log.write(line)
            self._log.flush()
            if self._echo:
                print(line, end="", flush=True)
            text = line.rstrip("\n")
            if m := _STARTED.match(text):
                self.current = m.group(1)
            elif _FINISHED.match(text):
                self.current = DRIVER


def run_pipeline(out: Path, epochs: int, extra: list[str], echo: bool = True) -> dict:
    """Run ``run_local.py`` on ``out/data`` as a user does; wall time, peak RSS (overall, per component)."""
    from benchmarks.harness.processes import TreeRSS

    tmp = out / "tmp"
    for d in ("pipeline", "serving", "tmp"):
        shutil.rmtree(out / d, ignore_errors=True)
    tmp.mkdir(parents=True)
    cmd = [sys.executable, str(REPO / "pipelines" / "run_local.py"), "--data-root", str(out / "data"),
           "--pipeline-root", str(out / "pipeline"), "--serving-dir", str(out / "serving"),
           "--epochs", str(epochs), "--no-cache", "--summary-json", str(out / "run_summary.json"), *extra]
    start, busy0 = time.perf_counter(), machine_busy_seconds()
    with open(out / "run.log", "w") as log_file, open(out / "run_stderr.log", "w") as err_file:
        proc = subprocess.Popen(cmd, cwd=str(REPO), env=child_env({"TMPDIR": str(tmp)}), stdout=subprocess.PIPE,
                                stderr=err_file, text=True)
        watcher = _RunWatcher(proc.stdout, log_file, echo)
        sampler = TreeRSS(proc.pid, interval=0.5, phase=lambda: watcher.current)
        sampler.start()
        _, status, rusage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        busy = machine_busy_seconds() - busy0
        sampler.stop()
        watcher.thread.join(timeout=10)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = "\n".join((out / "run_stderr.log").read_text(errors="replace").strip().splitlines()[-25:])
        raise RuntimeError(f"run_local.py failed (exit {code}); its output is in {out}/run.log and "
                           f"{out}/run_stderr.log:\n{tail}")
    cpu = max(rusage.ru_utime + rusage.ru_stime, sum(sampler.cpu.values()))
    return {"seconds": round(seconds, 1), "cpu_s": round(cpu, 1),
            "others_cores": round(max(busy - cpu, 0.0) / seconds, 2), "peak_rss_mb": round(sampler.peak / 2**20, 1),
            "largest_process_rss_mb": round(rusage.ru_maxrss / 1024, 1),
            "component_peak_rss_mb": {k: round(v / 2**20, 1) for k, v in sampler.phase_peaks.items()}}


def summarise(out: Path, rows: int, measured: dict) -> dict:
    """The run's numbers: every row an example or a reject, time, memory, disk, bounds."""
    from mtat.annotations import load_annotations

    run = json.loads((out / "run_summary.json").read_text())
    examples = sum(run["examples"].values())
    rejects = run["rejects"]
    annotations = load_annotations(str(out / "data"))
    empty_paths = {annotations.rows[i].mp3_path for i in empty_rows(rows)}
    rejected_paths = {r["path"] for r in rejects}
    disk = artifact_disk(out / "pipeline")
    examples_mb = sum(v for k, v in disk.items() if k.startswith("AudioExampleGen/examples"))
    disk_total = round(sum(disk.values()), 1)
    summary = {
        "rows": rows,
        "examples": examples,
        "examples_per_split": run["examples"],
        "rejects": len(rejects),
        "rejects_by_reason": dict(Counter(r["reason"] for r in rejects)),
        "empty_files": sorted(empty_paths),
        "empty_files_rejected": sorted(empty_paths & rejected_paths),
        "every_row_accounted": examples + len(rejects) == rows,
        "seconds": measured["seconds"],
        "cpu_s": measured["cpu_s"],
        "others_cores": measured["others_cores"],
        "component_seconds": run.get("component_seconds", {}),
        "peak_rss_mb": measured["peak_rss_mb"],
        "largest_process_rss_mb": measured["largest_process_rss_mb"],
        "component_peak_rss_mb": measured["component_peak_rss_mb"],
        "disk_mb": {**disk, "total": disk_total},
        "examples_mb": round(examples_mb, 1),
        "serving_mb": du_mb(out / "serving"),
        "tmp_left_mb": du_mb(out / "tmp"),
        "macro_roc_auc": (run.get("metrics") or {}).get("macro_roc_auc"),
        "blessed": run.get("blessed"),
    }
    summary["bounds"] = {
        f"peak_rss_mb <= {MAX_PEAK_RSS_MB}": summary["peak_rss_mb"] <= MAX_PEAK_RSS_MB,
        f"disk <= {MAX_DISK_PER_EXAMPLES} x examples": disk_total <= MAX_DISK_PER_EXAMPLES * examples_mb,
    }
    return summary


#: Components with work to time, in pipeline order (the rest take ~0.1 s at any size).
TABLE_COMPONENTS = ("AudioExampleGen", "StatisticsGen", "Transform", "Trainer", "Evaluator", "ModelCardWriter")


def markdown_table(summaries: list[dict]) -> str:
    """Runs side by side: seconds, ms per row and peak RSS (MB) per component, then the whole run and disk."""
    from benchmarks.harness.report import md_table

    headers = ["component"] + [h for s in summaries for h in (f"s @ {s['rows']:,}", "ms/row", "peak RSS MB")]
    rows = []
    for name in TABLE_COMPONENTS:
        row: list = [name]
        for s in summaries:
            secs = s["component_seconds"].get(name)
            row += [secs, None if secs is None else 1000 * secs / s["rows"], s["component_peak_rss_mb"].get(name)]
        rows.append(row)
    rows.append(["**whole run**"] + [v for s in summaries for v in (s["seconds"], 1000 * s["seconds"] / s["rows"],
                                                                     s["peak_rss_mb"])])
    table = md_table(headers, rows, digits=[0] + [1, 1, 0] * len(summaries))
    disk = md_table(["", *(f"{s['rows']:,} rows" for s in summaries)], [
        ["examples / rejects", *(f"{s['examples']:,} / {s['rejects']} ("
                                 + ", ".join(f"{k} {v}" for k, v in s["rejects_by_reason"].items()) + ")"
                                 for s in summaries)],
        ["examples on disk MB", *(s["examples_mb"] for s in summaries)],
        ["pipeline root MB (× examples)", *(f"{s['disk_mb']['total']:,.0f} ({s['disk_mb']['total'] / s['examples_mb']:.3f}x)"
                                            for s in summaries)],
        ["left in TMPDIR MB", *(s["tmp_left_mb"] for s in summaries)],
        ["other processes' load (cores)", *(f"{s['others_cores']:.2f}" for s in summaries)],
    ], digits=0)
    return f"{table}\n\n{disk}"


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 2 and sys.argv[1] == "--table":
        print(markdown_table([json.loads((Path(d) / "summary.json").read_text()) for d in sys.argv[2:]]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=Path, help="working folder (data, pipeline root, summary.json)")
    parser.add_argument("--clips", type=int, default=MTAT_ROWS, help=f"rows of the set [{MTAT_ROWS}, the real set's]")
    parser.add_argument("--unique", type=int, default=UNIQUE,
                        help=f"rendered clips, a multiple of 16; the other rows repeat them [{UNIQUE}]")
    parser.add_argument("--epochs", type=int, default=1, help="training epochs [1: enough to time one]")
    parser.add_argument("--run-arg", action="append", default=[],
                        help="extra run_local.py argument, repeatable, as --run-arg=--preset=small")
    parser.add_argument("--reuse-data", action="store_true", help="keep DIR/data when it has --clips rows")
    parser.add_argument("--quiet", action="store_true", help="do not echo the run's progress")
    args = parser.parse_args(argv)
    if args.clips < 1 or args.unique < 16 or args.epochs < 1:
        parser.error("need --clips >= 1, --unique >= 16 and --epochs >= 1")
    setup_env()
    print_machine_line()
    out = args.out.resolve()
    data = out / "data"
    if not (args.reuse_data and row_count(data) == args.clips):
        build_set(data, args.clips, args.unique)
    print(f"[mtat_scale] run_local.py on {args.clips} rows, {args.epochs} epoch(s) ...", flush=True)
    measured = run_pipeline(out, args.epochs, args.run_arg, echo=not args.quiet)
    summary = {**summarise(out, args.clips, measured), "unique": min(args.clips, args.unique),
               "epochs": args.epochs, "date": time.strftime("%Y-%m-%d"), "machine": machine_info()}
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(format_summary(summary))
    print(f"mtat_scale: rows={summary['rows']} examples={summary['examples']} rejects={summary['rejects']} "
          f"seconds={summary['seconds']:.0f} peak_rss_mb={summary['peak_rss_mb']:.0f} "
          f"disk_mb={summary['disk_mb']['total']:.0f}")
    return 0


def format_summary(s: dict) -> str:
    """A table per component: seconds and peak RSS; then disk, bounds and what was rejected."""
    lines = [f"\n{s['rows']} rows: {s['examples']} examples {s['examples_per_split']}, {s['rejects']} rejects "
             f"{s['rejects_by_reason']}; every row accounted for: {s['every_row_accounted']}",
             f"empty files rejected: {len(s['empty_files_rejected'])} of {len(s['empty_files'])}",
             f"{'component':<28} {'seconds':>9} {'peak RSS MB':>12}"]
    for name in dict.fromkeys([*s["component_seconds"], *s["component_peak_rss_mb"]]):
        secs = s["component_seconds"].get(name)
        rss = s["component_peak_rss_mb"].get(name)
        lines.append(f"{name:<28} {'' if secs is None else f'{secs:.1f}':>9} {'' if rss is None else f'{rss:.0f}':>12}")
    lines.append(f"{'whole run':<28} {s['seconds']:>9.1f} {s['peak_rss_mb']:>12.0f}   "
                 f"({s['cpu_s']:.0f} CPU s; other processes used {s['others_cores']} cores meanwhile)")
    lines.append(f"disk MB: examples {s['examples_mb']:.0f}, pipeline root {s['disk_mb']['total']:.0f}, "
                 f"serving {s['serving_mb']:.0f}, left in TMPDIR {s['tmp_left_mb']:.0f}")
    big = sorted(((v, k) for k, v in s["disk_mb"].items() if k != "total"), reverse=True)[:6]
    lines.append("  largest: " + ", ".join(f"{k} {v:.0f}" for v, k in big))
    lines.append("bounds: " + ", ".join(f"{k}: {'ok' if ok else 'EXCEEDED'}" for k, ok in s["bounds"].items()))
    if s.get("macro_roc_auc") is not None:
        lines.append(f"macro ROC-AUC {s['macro_roc_auc']:.3f} (repeated clips: a timing run, not a quality figure)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
