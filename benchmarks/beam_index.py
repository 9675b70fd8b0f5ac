"""``mtat-tagger index`` with and without Beam: files/s on the same folder of generated MP3s.

    python -m benchmarks.beam_index                    # 200 and 1,600 clips, 2 rounds
    python -m benchmarks.beam_index --sizes 50 200 --rounds 1 --model serving_model/tagger

Contenders, each the whole command in its own process (imports, model load, scan, job, merge;
a fresh ``--out`` every run) on the same folders of generated clips:
  threads, 2 workers        today's index, ``--workers 2`` (decode and predict in two threads)
  beam direct, 1 / 2        ``--beam --workers N``: DirectRunner, N worker processes
  beam portable, 2          ``--beam-workers 2``: portable runner, local worker pool, 2 workers
Start-up and steady-state files/s come from the line ``seconds = startup + N / rate`` through
the sizes (rounds interleaved, the fastest run of each kept); "printed files/s" is the rate the
command prints for its tagging phase at the largest size (job start-up included for Beam). The
decode floor is decoding alone (``stream_audio`` to the model's sample rate, one thread): no
engine can tag faster per core. Past the 400 rendered clips the folder holds copies (not links:
the index would reject a second name of a file as a duplicate).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time

from benchmarks.harness.clips import MAX_RENDERED, clip_paths, master_clips
from benchmarks.harness.env import DATA_DIR, setup_env
from benchmarks.harness.machine import machine_info, print_machine_line
from benchmarks.harness.processes import child_main, run_child, run_process
from benchmarks.harness.reference_run import latest_model_dir
from benchmarks.harness.report import md_table, publish
from benchmarks.harness.timing import fit_line

CONTENDERS = {
    "threads, 2 workers (today)": ["--workers", "2"],
    "beam direct, 1 worker": ["--beam", "--workers", "1"],
    "beam direct, 2 workers": ["--beam", "--workers", "2"],
    "beam portable, 2 workers": ["--beam-workers", "2"],
}
SIZES = (200, 1600)


def clip_folder(n: int) -> str:
    """A folder of ``n`` generated clips and nothing else: hard links to the first rendered ones,
    then copies of them."""
    folder = DATA_DIR / "beam_index" / f"n{n}"
    if folder.is_dir() and sum(len(files) for _, _, files in os.walk(folder)) == n:
        return str(folder)
    paths = clip_paths(str(master_clips(min(n, MAX_RENDERED))))[:min(n, MAX_RENDERED)]
    shutil.rmtree(folder, ignore_errors=True)
    for i in range(n):
        src, repeat = paths[i % len(paths)], i // len(paths)
        dst = folder / f"{i % 16:x}" / f"{f'r{repeat}_' if repeat else ''}{os.path.basename(src)}"
        dst.parent.mkdir(parents=True, exist_ok=True)
        if repeat:
            shutil.copy2(src, dst)
        else:
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
    return str(folder)


def run_index(folder: str, model: str, flags: list[str], label: str) -> dict:
    """One ``mtat-tagger index`` run into a fresh catalog: wall seconds and the printed files/s."""
    out_dir = tempfile.mkdtemp(prefix="bench_index_")
    try:
        stdout, _, stats = run_process(
            [sys.executable, "-m", "tagger_cli.main", "index", folder, "--out", os.path.join(out_dir, "c.parquet"),
             "--model", model, "--no-progress", *flags], timeout=1800, label=label)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    printed = re.search(r"indexed (\d+),.*, ([\d.]+) files/s", stdout)
    if printed is None:
        raise RuntimeError(f"{label}: no summary line in\n{stdout}")
    return dict(stats, indexed=int(printed.group(1)), printed_rate=float(printed.group(2)))


def decode_child(payload: dict) -> dict:
    """Decode every file (streamed, resampled) in one thread: seconds per file."""
    from mtat.audio import stream_audio

    start = time.perf_counter()
    for path in payload["paths"]:
        for _ in stream_audio(path, payload["sample_rate"]):
            pass
    seconds = time.perf_counter() - start
    return {"files": len(payload["paths"]), "seconds": seconds, "ms_per_file": 1000 * seconds / len(payload["paths"])}


def markdown(result: dict) -> str:
    sizes = result["sizes"]
    rows = []
    for name, c in result["contenders"].items():
        rows.append([name, *(c["runs"][str(n)]["wall_s"] for n in sizes), c["startup_s"], c["rate"],
                     c["runs"][str(sizes[-1])]["printed_rate"], c["runs"][str(sizes[-1])]["tree_rss_mb"]])
    d = result["decode"]
    return "\n".join([
        f"### index with and without Beam ({result['machine']['machine_line']})", "",
        md_table(["engine", *(f"{n} files, s" for n in sizes), "start-up s", "steady files/s",
                  f"printed files/s ({sizes[-1]})", "tree RSS MB"], rows, digits=[0] + [1] * len(sizes) + [1, 1, 1, 0]),
        "",
        f"Decode floor (stream_audio at {result['sample_rate']} Hz, one thread, {d['files']} files): "
        f"{d['ms_per_file']:.1f} ms/file = {1000 / d['ms_per_file']:.1f} files/s per core.",
    ])


def main() -> None:
    setup_env()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--rounds", type=int, default=2, help="runs of each contender and size [2]")
    parser.add_argument("--model", help="model dir [the reference run's pushed model]")
    args = parser.parse_args()
    print_machine_line()
    from mtat.model_info import read_model_info
    from mtat.tagging import resolve_model_dir

    model = resolve_model_dir(args.model) if args.model else latest_model_dir()
    sample_rate = int(read_model_info(model)["mel_config"]["sample_rate"])
    sizes = sorted(args.sizes)
    folders = {n: clip_folder(n) for n in sizes}
    run_index(folders[sizes[0]], model, CONTENDERS["threads, 2 workers (today)"], "warm-up")  # vocabulary cache
    best: dict[str, dict[str, dict]] = {name: {} for name in CONTENDERS}
    for _ in range(args.rounds):
        for name, flags in CONTENDERS.items():
            for n in sizes:
                run = run_index(folders[n], model, flags, name)
                print(f"{name}, {n} files: {run['wall_s']:.1f} s (printed {run['printed_rate']} files/s, "
                      f"others' load {run['others_cores']} cores)", flush=True)
                if str(n) not in best[name] or run["wall_s"] < best[name][str(n)]["wall_s"]:
                    best[name][str(n)] = run
    contenders: dict = {}
    for name, runs in best.items():
        startup, rate = fit_line([(n, runs[str(n)]["wall_s"]) for n in sizes])
        contenders[name] = {"flags": CONTENDERS[name], "runs": runs, "startup_s": startup, "rate": rate}
    rendered = min(sizes[-1], MAX_RENDERED)
    decode = run_child("benchmarks.beam_index", {"paths": clip_paths(str(master_clips(rendered)))[:rendered],
                                                 "sample_rate": sample_rate}, label="decode")
    result = {"machine": machine_info(), "model": model, "sample_rate": sample_rate, "sizes": sizes, "rounds": args.rounds,
              "contenders": contenders, "decode": decode}
    publish("beam_index", result, markdown)


if __name__ == "__main__":
    if not child_main(decode_child):
        main()
