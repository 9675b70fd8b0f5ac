"""Train step per preset and precision / XLA, side by side in one process.

    python -m benchmarks.train_step                       # small (+ its full-resolution predecessor), fcn4, strong
    python -m benchmarks.train_step --presets small --rounds 6
    python -m benchmarks.train_step --all-precisions      # also fcn4 / strong in 16-bit on the CPU (~15 min more)

For each preset, the contenders (``float32``, ``mixed_bfloat16``, ``mixed_float16``, ``float32``
+ XLA ``jit_compile``) are built with ``trainer.models.build_model``, warmed up, then timed in
interleaved rounds of ``train_on_batch`` on one random batch (best step of the rounds: on a shared
machine the slow outliers are other people's jobs). ``small_full_res`` is the ``small`` preset
without its input average pool (as it was until 2026-11-29: the same four conv blocks on the
un-pooled 96 x 1366 input), for the with/without ratio. The GPU rows of the report are the
reference PyTorch implementation's rates (Won et al.'s code, one H100), what the first GPU run of
these presets should be compared with.

``fcn4`` and ``strong`` are GPU presets: on a CPU without 16-bit arithmetic (AVX2) their mixed
precision steps are emulated and take minutes (fcn4 ``mixed_float16`` 165 s per step), so by default
they run ``float32`` and ``float32 + XLA`` only; ``small`` keeps all four contenders (its rows are
the CPU's mixed-precision and XLA figures). ``--all-precisions`` adds the emulated rows.
"""
from __future__ import annotations

import argparse
import time

from benchmarks.harness.env import setup_env
from benchmarks.harness.machine import load_avg, machine_info, print_machine_line
from benchmarks.harness.processes import child_main, run_child
from benchmarks.harness.report import md_table, publish

N_MELS, N_FRAMES, N_TAGS = 96, 1366, 50
#: Clips per step: the trainer's batch for small; fcn4 / strong are GPU presets, 4 keeps the CPU rows short.
BATCH = {"small": 16, "small_full_res": 16, "fcn4": 4, "strong": 16}
CONTENDERS = {  # name -> (precision, jit_compile)
    "float32": ("float32", False),
    "mixed_bfloat16": ("mixed_bfloat16", False),
    "mixed_float16": ("mixed_float16", False),
    "float32 + XLA": ("float32", True),
}
#: Presets whose 16-bit rows are GPU figures: on the CPU they run these contenders unless all are asked for.
GPU_PRESETS, CPU_CONTENDERS_OF_GPU_PRESETS = ("fcn4", "strong"), ("float32", "float32 + XLA")
#: The reference PyTorch implementation on one H100 (bf16 vs fp32), for the first GPU run.
GPU_REFERENCE = {
    "fcn4": {"fp32": 943, "bf16": 1366, "unit": "clips/s"},
    "strong": {"fp32": 4807, "bf16": 6449, "unit": "chunks/s"},
}


def _full_res_small(precision: str, jit_compile: bool):
    """``small`` without its input average pool (as until 2026-11-29): the same blocks on the full input."""
    import tensorflow as tf

    from trainer import models

    previous = tf.keras.mixed_precision.global_policy()
    tf.keras.mixed_precision.set_global_policy(precision)
    try:
        inputs = tf.keras.Input((N_MELS, N_FRAMES), name=models.INPUT_NAME)
        x = tf.keras.layers.Reshape((N_MELS, N_FRAMES, 1))(inputs)
        for i, (filters, pool) in enumerate(((16, (2, 4)), (32, (2, 4)), (32, (2, 4)), (48, (2, 2))), 1):
            x = models.conv_block(x, filters, name=f"block{i}", pool=pool, dropout=0.1)
        x = tf.keras.layers.GlobalMaxPooling2D(name=models.EMBEDDING_NAME)(x)
        out = tf.keras.layers.Dense(N_TAGS, activation="sigmoid", dtype="float32", name=models.OUTPUT_NAME)(x)
        model = tf.keras.Model(inputs, out)
    finally:
        tf.keras.mixed_precision.set_global_policy(previous)
    model.compile(tf.keras.optimizers.Adam(1e-2), "binary_crossentropy",
                  metrics=[tf.keras.metrics.AUC(multi_label=True, curve="ROC", name="roc_auc"),
                           tf.keras.metrics.AUC(multi_label=True, curve="PR", name="pr_auc")],
                  jit_compile=jit_compile)
    return model


def _child(payload: dict) -> dict:
    import numpy as np
    import tensorflow as tf

    from trainer import models

    preset, batch = payload["preset"], BATCH[payload["preset"]]
    rng = np.random.default_rng(0)
    width = models.chunk_frames(preset, N_FRAMES) if preset in models.PRESETS else N_FRAMES
    x = rng.standard_normal((batch, N_MELS, width)).astype(np.float32)
    y = (rng.random((batch, N_TAGS)) < 0.1).astype(np.float32)
    built, out = {}, {}
    for name in payload["contenders"]:
        precision, jit = CONTENDERS[name]
        tf.keras.utils.set_random_seed(0)
        t0 = time.perf_counter()
        try:
            if preset == "small_full_res":
                model = _full_res_small(precision, jit)
            else:
                model = models.build_model(preset, N_MELS, N_FRAMES, N_TAGS, precision=precision, jit_compile=jit)
            losses = [float(model.train_on_batch(x, y)[0]) for _ in range(2)]
        except Exception as err:  # e.g. an op without a CPU kernel in that precision
            out[name] = {"error": f"{type(err).__name__}: {str(err).splitlines()[0][:200]}"}
            continue
        built[name] = model
        out[name] = {"warmup_s": time.perf_counter() - t0, "finite": bool(np.all(np.isfinite(losses))),
                     "steps_s": []}
    for rnd in range(payload["rounds"]):
        order = list(built) if rnd % 2 == 0 else list(built)[::-1]
        for name in order:
            t0 = time.perf_counter()
            loss = built[name].train_on_batch(x, y)[0]
            out[name]["steps_s"].append(time.perf_counter() - t0)
            out[name]["finite"] &= bool(np.isfinite(loss))
    for r in out.values():
        if "steps_s" in r:
            r["step_s"] = min(r["steps_s"])
            r["median_step_s"] = float(np.median(r["steps_s"]))
            r["clips_per_s"] = batch / r["step_s"]
    return {"preset": preset, "batch": batch, "width": width, "contenders": out}


def preset_contenders(preset: str, contenders=tuple(CONTENDERS), all_precisions: bool = False) -> list[str]:
    """The contenders ``preset`` runs: a GPU preset's emulated 16-bit ones only with ``all_precisions``."""
    if preset in GPU_PRESETS and not all_precisions:
        return [c for c in contenders if c in CPU_CONTENDERS_OF_GPU_PRESETS]
    return list(contenders)


def run(presets=("small_full_res", "small", "fcn4", "strong"), rounds: int = 4,
        contenders=tuple(CONTENDERS), all_precisions: bool = False, log=print) -> dict:
    res = {"machine": machine_info(), "presets": {}, "all_precisions": all_precisions}
    for preset in presets:
        rnds = rounds if preset.startswith("small") else max(1, rounds // 2)
        names = preset_contenders(preset, contenders, all_precisions)
        if not names:
            continue
        log(f"[train_step] {preset}: {', '.join(names)}, {rnds} rounds (load {load_avg()}) ...")
        r = run_child("benchmarks.train_step", {"preset": preset, "contenders": names,
                                                      "rounds": rnds}, label=f"train_step {preset}", timeout=3600)
        res["presets"][preset] = r
        for name, v in r["contenders"].items():
            summary = v["error"] if "error" in v else f"{v['step_s']:.3f} s/step, {v['clips_per_s']:.1f} clips/s"
            log(f"  {name}: {summary}")
    small, old = res["presets"].get("small"), res["presets"].get("small_full_res")
    if small and old and "step_s" in small["contenders"].get("float32", {}):
        res["small_speedup"] = old["contenders"]["float32"]["step_s"] / small["contenders"]["float32"]["step_s"]
    return res


def markdown(res: dict) -> str:
    rows = []
    for preset, r in res["presets"].items():
        base = r["contenders"].get("float32", {}).get("step_s")
        for name, v in r["contenders"].items():
            if "error" in v:
                rows.append([preset, name, r["batch"], None, None, None, None, v["error"]])
                continue
            rows.append([preset, name, r["batch"], v["step_s"], v["median_step_s"], v["clips_per_s"],
                         base / v["step_s"] if base else None, "" if v["finite"] else "non-finite loss"])
    gpu = [[p, g["unit"], g["fp32"], g["bf16"], g["bf16"] / g["fp32"]] for p, g in GPU_REFERENCE.items()]
    lines = [
        "## Train step per preset, precision and XLA", "",
        f"{res['machine'].get('machine_line', '')}. `train_on_batch` on one random batch of 96 x 1366 "
        "log-mels (strong: its 176-frame chunks), 50 tags, after 2 warm-up steps; best step of interleaved "
        "rounds. `small_full_res` is `small` without its input average pool.", "",
        md_table(["preset", "contender", "batch", "best s/step", "median s/step", "clips/s", "× float32",
                  "note"],
                        rows, (0, 0, 0, 3, 3, 1, 2, 0)), "",
    ]
    if "small_speedup" in res:
        lines += [f"**small step: {res['small_speedup']:.1f}x faster than without the input average pool** "
                  "(`small_full_res`, float32, same run).", ""]
    skipped = [p for p in GPU_PRESETS if p in res["presets"]] if not res.get("all_precisions") else []
    if skipped:
        lines += [f"{' and '.join(skipped)} are GPU presets: on this CPU (no native 16-bit arithmetic) their "
                  "`mixed_bfloat16` / `mixed_float16` steps are emulated and take minutes each, so they run float32 "
                  "and float32 + XLA here; their mixed-precision figures are the GPU ones below. The CPU's "
                  "mixed-precision rows are `small`'s. To time the emulated rows anyway: "
                  "`python -m benchmarks.train_step --presets fcn4 strong --all-precisions`.", ""]
    lines += [
        "For the first GPU run: the reference PyTorch implementation (Won et al.'s code) on one H100, "
        "float32 vs bf16 autocast (expect the same order with `--precision auto --xla auto` on an Ampere+ GPU):", "",
        md_table(["preset", "unit", "fp32", "bf16", "bf16 / fp32"], gpu, (0, 0, 0, 0, 2)),
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    setup_env()
    if child_main(_child):
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--presets", nargs="+", default=["small_full_res", "small", "fcn4", "strong"],
                   choices=["small_full_res", *BATCH.keys() - {"small_full_res"}])
    p.add_argument("--contenders", nargs="+", choices=list(CONTENDERS),
                   help="default: all four for small, float32 (+ XLA) for the GPU presets")
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--all-precisions", action="store_true",
                   help=f"also the emulated 16-bit rows of {' and '.join(GPU_PRESETS)} on the CPU (minutes per step)")
    a = p.parse_args(argv)
    print_machine_line()
    named = a.contenders is not None  # contenders named on the command line run for every preset
    res = run(tuple(a.presets), a.rounds, tuple(a.contenders or CONTENDERS), all_precisions=a.all_precisions or named)
    publish("train_step", res, markdown)
    if "small_speedup" in res:
        print(f"small train step vs small_full_res ratio: {res['small_speedup']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
