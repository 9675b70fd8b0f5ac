"""Inference: the pushed model's signatures vs Python-side features, and the served model vs Keras.

    python -m benchmarks.inference [--quick]

All contenders run in one process on the same decoded clips (mono float32 at 12 kHz, one 29.1 s
window each: MP3 decoding is the same for every client and left out), all cores, interleaved
rounds, best kept:

  serving_default b1/b8/b32  waveform -> log-mel + normalise + model inside the SavedModel
  librosa + log_mel b1 / b32 ``librosa.feature.melspectrogram`` + ``power_to_db`` in Python, then
                             the ``log_mel`` signature (normalise + model)
  log_mel b32                the ``log_mel`` signature alone on precomputed mels
  Keras predict b32 / call   ``tf.keras.models.load_model(version dir)`` on precomputed, normalised
                             mels: ``model.predict(x, batch_size=32)`` and ``model(x, training=False)``
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time

from benchmarks.harness.clips import clip_paths, clips_root
from benchmarks.harness.env import setup_env
from benchmarks.harness.machine import load_avg, machine_info, print_machine_line
from benchmarks.harness.processes import child_main, run_child
from benchmarks.harness.reference_run import latest_model_dir
from benchmarks.harness.report import md_table, publish

BATCH = 32


def _child(payload: dict) -> dict:
    import librosa
    import numpy as np
    import tensorflow as tf

    from mtat.audio import load_audio
    from mtat.features import MelConfig, fit_to_clip

    cfg = MelConfig()
    # Work on a copy: loading never writes, but the reference model must stay untouched whatever happens.
    tmp = tempfile.mkdtemp(prefix="bench_model_")
    model_dir = shutil.copytree(payload["model_dir"], f"{tmp}/model")
    paths = clip_paths(payload["root"])[: payload["clips"]]
    waves = np.stack([fit_to_clip(load_audio(p, cfg.sample_rate), cfg) for p in paths])  # [n, samples]
    n = len(waves)

    t0 = time.perf_counter()
    served = tf.saved_model.load(model_dir)
    load_saved_s = time.perf_counter() - t0
    wave_sig, mel_sig = served.signatures["serving_default"], served.signatures["log_mel"]
    t0 = time.perf_counter()
    keras_model = tf.keras.models.load_model(model_dir, compile=False)
    load_keras_s = time.perf_counter() - t0

    def librosa_mel(w):
        return librosa.power_to_db(librosa.feature.melspectrogram(
            y=w, sr=cfg.sample_rate, n_fft=cfg.n_fft, hop_length=cfg.hop_length, n_mels=cfg.n_mels),
            ref=1.0, amin=1e-10, top_db=None).astype(np.float32)

    mels = np.stack([librosa_mel(w) for w in waves])  # also warms librosa up
    normed = (mels + 40.0) / 20.0  # any per-band affine map costs the same; Keras sees normalised mels

    def batches(size):
        return [slice(i, min(i + size, n)) for i in range(0, n, size)]

    contenders = {
        "serving_default (waveform) b1": lambda: [wave_sig(waveform=tf.constant(waves[s])) for s in batches(1)],
        "serving_default (waveform) b8": lambda: [wave_sig(waveform=tf.constant(waves[s])) for s in batches(8)],
        f"serving_default (waveform) b{BATCH}": lambda: [wave_sig(waveform=tf.constant(waves[s]))
                                                         for s in batches(BATCH)],
        "librosa in Python + log_mel b1": lambda: [mel_sig(log_mel=tf.constant(librosa_mel(w)[None])) for w in waves],
        f"librosa in Python + log_mel b{BATCH}": lambda: [
            mel_sig(log_mel=tf.constant(np.stack([librosa_mel(w) for w in waves[s]]))) for s in batches(BATCH)],
        f"log_mel signature alone b{BATCH}": lambda: [mel_sig(log_mel=tf.constant(mels[s])) for s in batches(BATCH)],
        f"Keras predict b{BATCH}": lambda: keras_model.predict(normed, batch_size=BATCH, verbose=0),
        "Keras predict b1 (one call per clip)": lambda: [keras_model.predict(normed[s], verbose=0) for s in batches(1)],
        f"Keras model(x) b{BATCH}": lambda: [keras_model(normed[s], training=False) for s in batches(BATCH)],
    }
    # agreement: the served waveform path vs librosa + log_mel (same model, two front-ends)
    p_wave = wave_sig(waveform=tf.constant(waves[:8]))["probabilities"].numpy()
    p_lib = mel_sig(log_mel=tf.constant(mels[:8]))["probabilities"].numpy()
    for fn in contenders.values():  # warm-up: tracing, first-call allocations
        fn()
    rates: dict[str, list[float]] = {k: [] for k in contenders}
    for rnd in range(payload["rounds"]):
        for name in (list(contenders) if rnd % 2 == 0 else list(contenders)[::-1]):
            t0 = time.perf_counter()
            contenders[name]()
            rates[name].append(n / (time.perf_counter() - t0))
    shutil.rmtree(tmp, ignore_errors=True)
    return {"clips": n, "rates": {k: max(v) for k, v in rates.items()}, "all_rates": rates,
            "load_saved_model_s": load_saved_s, "load_keras_s": load_keras_s,
            "max_abs_prob_diff_waveform_vs_librosa": float(np.max(np.abs(p_wave - p_lib))),
            "model_dir": payload["model_dir"]}


def run(quick: bool = False, log=print) -> dict:
    clips = 64 if quick else 96
    root = clips_root(100, log=log)
    model_dir = latest_model_dir()
    log(f"[inference] {model_dir}, {clips} clips (load {load_avg()}) ...")
    res = run_child("benchmarks.inference", {"model_dir": model_dir, "root": root, "clips": clips,
                                             "rounds": 2 if quick else 3}, label="inference")
    res["machine"] = machine_info()
    r = res["rates"]
    for k, v in r.items():
        log(f"  {k}: {v:.1f} clips/s")
    res["ratios"] = {
        "serving_default b1 / librosa+log_mel b1": r["serving_default (waveform) b1"] / r["librosa in Python + log_mel b1"],
        f"serving_default b{BATCH} / librosa+log_mel b1": r[f"serving_default (waveform) b{BATCH}"]
        / r["librosa in Python + log_mel b1"],
        f"serving_default b{BATCH} / librosa+log_mel b{BATCH}": r[f"serving_default (waveform) b{BATCH}"]
        / r[f"librosa in Python + log_mel b{BATCH}"],
        f"serving_default b{BATCH} / b1": r[f"serving_default (waveform) b{BATCH}"] / r["serving_default (waveform) b1"],
        f"log_mel signature / Keras predict (b{BATCH})": r[f"log_mel signature alone b{BATCH}"]
        / r[f"Keras predict b{BATCH}"],
        f"log_mel signature b{BATCH} / Keras predict b1": r[f"log_mel signature alone b{BATCH}"]
        / r["Keras predict b1 (one call per clip)"],
    }
    return res


def markdown(res: dict) -> str:
    r = res["rates"]
    base = r["librosa in Python + log_mel b1"]
    rows = [[k, v, v / base] for k, v in r.items()]
    return "\n".join([
        "## Inference: served model signatures vs Python features vs Keras", "",
        f"Pushed model `{res['model_dir']}` (preset small), {res['clips']} decoded clips (12 kHz, 29.1 s), all cores, "
        "one process, interleaved rounds, best kept. MP3 decoding is excluded (same for every client). "
        f"Other load during the run: {res['others_cores']} cores.", "",
        md_table(["contender", "clips/s", "× librosa+log_mel b1"], rows, (0, 1, 2)), "",
        md_table(["ratio", "value"], [[k, f"{v:.2f}x"] for k, v in res["ratios"].items()]), "",
        f"Load time: `tf.saved_model.load` {res['load_saved_model_s']:.1f} s, `tf.keras.models.load_model` "
        f"{res['load_keras_s']:.1f} s. Max |Δprobability| waveform signature vs librosa + log_mel on 8 clips: "
        f"{res['max_abs_prob_diff_waveform_vs_librosa']:.1e}.",
    ])


def main(argv=None) -> int:
    setup_env()
    if child_main(_child):
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    a = p.parse_args(argv)
    print_machine_line()
    res = run(a.quick)
    publish("inference", res, markdown)
    for k, v in res["ratios"].items():
        print(f"{k} ratio: {v:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
