"""Trainer input pipeline alone (trainer.data.make_dataset) vs the model step alone.

    python -m benchmarks.train_input            # record formats x {1 thread}, small + fcn4 steps
    python -m benchmarks.train_input --quick    # fewer seconds per measurement, 1 fcn4 step

Input: ``make_dataset`` (read + parse + decode + normalise, batch 16, training=True, no chunking)
iterated for a few seconds, TF limited to one thread (inter/intra-op = 1, tf.data
``private_threadpool_size=1``), ``cache=False`` so every pass reads and parses the records (on
MTAT the float16 records are 6.6 GB, above make_dataset's 2 GB cache limit); the cached pass is
shown for reference. Formats, built once from the reference run's train split:
float16 bytes uncompressed (current), float32 bytes uncompressed, float16 bytes GZIP, float32 GZIP.

Model: ``train_on_batch`` of ``trainer.models.build_model`` (small, fcn4) on random batches of 16,
all cores, after warm-up steps.
"""
from __future__ import annotations

import argparse
import glob
import os
import sys
import time

from benchmarks.harness.env import DATA_DIR, setup_env
from benchmarks.harness.machine import cpu_seconds, load_avg, machine_info, print_machine_line
from benchmarks.harness.processes import child_main, run_child
from benchmarks.harness.reference_run import examples_dir
from benchmarks.harness.report import md_table, publish
from benchmarks.harness.timing import tf_threads

BATCH = 16
TARGET = 1000.0
FORMATS = {  # name -> (storage dtype, compression)
    "float16 bytes, uncompressed (current)": ("float16", ""),
    "float32 bytes, uncompressed": ("float32", ""),
    "float16 bytes, GZIP": ("float16", "GZIP"),
    "float32 bytes, GZIP": ("float32", "GZIP"),
}
RECORDS_DIR = DATA_DIR / "records"


def _source_files() -> list[str]:
    files = sorted(glob.glob(os.path.join(examples_dir(), "Split-train", "*")))
    if not files:
        raise FileNotFoundError(f"no train records under {examples_dir()}")
    return files


def build_variants() -> dict[str, str]:
    """Rewrite the reference train split in each format (once, cached); returns name -> file."""
    import numpy as np
    import tensorflow as tf

    from mtat.features import MEL_KEY

    src = _source_files()
    out = {}
    for name, (dtype, comp) in FORMATS.items():
        path = RECORDS_DIR / f"{dtype}{'.gz' if comp else ''}" / ("data.tfrecord" + (".gz" if comp else ""))
        out[name] = str(path)
        if path.is_file():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = str(path) + ".partial"
        with tf.io.TFRecordWriter(tmp, options=tf.io.TFRecordOptions(compression_type=comp)) as w:
            for raw in tf.data.TFRecordDataset(src):
                ex = tf.train.Example.FromString(raw.numpy())
                feat = ex.features.feature[MEL_KEY].bytes_list
                mel16 = np.frombuffer(feat.value[0], "<f2")
                feat.value[0] = mel16.astype("<" + ("f2" if dtype == "float16" else "f4")).tobytes()
                w.write(ex.SerializeToString())
        os.replace(tmp, path)
    return out


# ---------------------------------------------------------------------------------------------
# Children

def _input(payload: dict) -> dict:
    tf_threads(payload["threads"])
    import numpy as np
    import tensorflow as tf

    from mtat.features import MelConfig
    from trainer.data import make_dataset

    files = build_variants()
    seconds = payload["seconds"]
    results = {}
    for rnd in range(payload["rounds"]):
        names = list(FORMATS) if rnd % 2 == 0 else list(FORMATS)[::-1]
        for name in names:
            for cache in (False, True):
                dtype, _ = FORMATS[name]
                if cache and not payload.get("cached_all") and name != next(iter(FORMATS)):
                    continue
                config = MelConfig(storage_dtype=dtype)
                ds = make_dataset(files[name], config=config, num_tags=50, mean=np.full(96, -40.0, np.float32),
                                  std=np.full(96, 20.0, np.float32), batch_size=BATCH, training=True, seed=0,
                                  cache=cache).repeat()
                if payload["threads"]:
                    opts = tf.data.Options()
                    opts.threading.private_threadpool_size = payload["threads"]
                    opts.threading.max_intra_op_parallelism = 1
                    opts.autotune.cpu_budget = payload["threads"]
                    ds = ds.with_options(opts)
                it = iter(ds)
                for _ in range(20 if cache else 3):  # warm up (and fill the cache)
                    next(it)
                n, cpu0, t0 = 0, cpu_seconds(), time.perf_counter()
                while time.perf_counter() - t0 < seconds:
                    mel, _ = next(it)
                    n += int(mel.shape[0])
                wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
                key = f"{name}|{'cached' if cache else 'read+parse'}"
                prev = results.get(key)
                rate = n / wall
                if prev is None or rate > prev["rate"]:
                    results[key] = {"rate": rate, "per_cpu_s": n / cpu if cpu else None,
                                    "bytes_per_clip": os.path.getsize(files[name]) / 228}
    n_records = sum(1 for _ in tf.data.TFRecordDataset(files[next(iter(FORMATS))]))
    for r in results.values():
        r["bytes_per_clip"] = r["bytes_per_clip"] * 228 / n_records
    return {"results": results, "threads": payload["threads"], "records": n_records}


def _model(payload: dict) -> dict:
    import numpy as np
    import tensorflow as tf

    from trainer.models import build_model

    out = {}
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, 96, 1366)).astype(np.float32)
    y = (rng.random((BATCH, 50)) < 0.1).astype(np.float32)
    for preset, (warm, steps) in payload["presets"].items():
        tf.keras.utils.set_random_seed(0)
        model = build_model(preset, 96, 1366, 50)
        for _ in range(warm):
            model.train_on_batch(x, y)
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            model.train_on_batch(x, y)
            times.append(time.perf_counter() - t0)
        out[preset] = {"step_s": min(times), "all_step_s": times, "params": model.count_params(),
                       "rate": BATCH / min(times)}
    return out


def child(payload: dict) -> dict:
    return {"input": _input, "model": _model}[payload["kind"]](payload)


# ---------------------------------------------------------------------------------------------
# Parent

def run(quick: bool = False, log=print) -> dict:
    res = {"machine": machine_info(), "batch": BATCH}
    seconds = 2.0 if quick else 4.0
    log(f"[train_input] input pipeline, 1 thread, {len(FORMATS)} record formats (load {load_avg()}) ...")
    res["input_1thread"] = run_child("benchmarks.train_input", {
        "kind": "input", "threads": 1, "seconds": seconds, "rounds": 1 if quick else 2, "cached_all": False},
        label="input 1 thread")
    for k, v in res["input_1thread"]["results"].items():
        log(f"  {k}: {v['rate']:.0f} clips/s ({v['per_cpu_s']:.0f} per CPU s)")
    log(f"[train_input] input pipeline, all cores, current format (load {load_avg()}) ...")
    res["input_all"] = run_child("benchmarks.train_input", {
        "kind": "input", "threads": None, "seconds": seconds, "rounds": 1, "cached_all": False}, label="input all")
    cur = next(iter(FORMATS))
    r_all = res["input_all"]["results"][f"{cur}|read+parse"]
    log(f"  all cores: {r_all['rate']:.0f} clips/s ({r_all['per_cpu_s']:.0f} per CPU s)")
    presets = {"small": (3, 5 if quick else 10), "fcn4": (1, 1 if quick else 2)}
    log(f"[train_input] model steps {presets} (load {load_avg()}) ...")
    res["model"] = run_child("benchmarks.train_input", {"kind": "model", "presets": presets},
                             label="model", timeout=1800)
    for k, v in res["model"].items():
        if isinstance(v, dict):
            log(f"  {k}: {v['step_s']:.3f} s/step = {v['rate']:.1f} clips/s")
    res["input_per_core"] = res["input_1thread"]["results"][f"{cur}|read+parse"]["rate"]
    return res


def markdown(res: dict) -> str:
    inp = res["input_1thread"]["results"]
    base = inp[f"{next(iter(FORMATS))}|read+parse"]["rate"]
    rows = []
    for key, v in inp.items():
        name, mode = key.split("|")
        rows.append([name, mode, v["bytes_per_clip"] / 1024, v["rate"], v["per_cpu_s"], v["rate"] / base])
    cur = next(iter(FORMATS))
    r_all = res["input_all"]["results"][f"{cur}|read+parse"]
    rows.append([cur, f"read+parse, all {res['machine']['cores']} cores", None, r_all["rate"], r_all["per_cpu_s"],
                 r_all["rate"] / base])
    model_rows = []
    for preset, v in res["model"].items():
        if not isinstance(v, dict):
            continue
        model_rows.append([preset, f"{v['params']:,}", v["step_s"], v["rate"], res["input_per_core"] / v["rate"]])
    return "\n".join([
        "## Training input pipeline vs model step", "",
        f"`trainer.data.make_dataset` (batch {res['batch']}, training=True, `cache=False`: read + parse + decode + "
        "normalise on every pass) on the reference run's train split, TF limited to one thread "
        "(inter/intra-op 1, tf.data private pool 1) = per core; best of interleaved rounds.", "",
        md_table(["record format", "pass", "KB/clip", "clips/s (1 thread)", "clips per CPU-s", "× current"],
                 rows, (0, 0, 0, 0, 0, 2)), "",
        f"**input: {res['input_per_core']:,.0f} clips/s/core** (target ≥ {TARGET:,.0f}).", "",
        f"Model step alone (`train_on_batch`, batch {res['batch']}, random data, all cores, best step after warm-up):",
        "",
        md_table(["preset", "params", "s/step", "clips/s", "input (1 core) / model"],
                 model_rows, (0, 0, 3, 1, 0)),
    ])


def main(argv=None) -> int:
    setup_env()
    if child_main(child):
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    a = p.parse_args(argv)
    print_machine_line()
    res = run(a.quick)
    publish("train_input", res, markdown)
    print(f"input: {res['input_per_core']:,.0f} clips/s/core")
    for preset, v in res["model"].items():
        if isinstance(v, dict):
            print(f"input/model({preset}) ratio: {res['input_per_core'] / v['rate']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
