"""make bench's train step: the GPU presets skip their emulated 16-bit rows on the CPU unless asked."""
from __future__ import annotations

from benchmarks import train_step


def test_gpu_presets_run_float32_and_xla_only_by_default():
    for preset in train_step.GPU_PRESETS:
        assert train_step.preset_contenders(preset) == ["float32", "float32 + XLA"]
        assert train_step.preset_contenders(preset, all_precisions=True) == list(train_step.CONTENDERS)


def test_small_keeps_every_precision_and_xla():
    """The CPU's mixed-precision and XLA rows come from small."""
    for preset in ("small", "small_full_res"):
        names = train_step.preset_contenders(preset)
        assert names == list(train_step.CONTENDERS)
        assert {"mixed_bfloat16", "mixed_float16", "float32 + XLA"} <= set(names)


def test_report_says_where_the_mixed_rows_of_gpu_presets_are():
    machine = {"machine_line": "machine: test"}
    row = {"step_s": 2.0, "median_step_s": 2.1, "clips_per_s": 2.0, "finite": True}
    res = {"machine": machine, "all_precisions": False,
           "presets": {"fcn4": {"batch": 4, "contenders": {"float32": row, "float32 + XLA": dict(row, step_s=4.0)}}}}
    text = train_step.markdown(res)
    assert "--presets fcn4 strong --all-precisions" in text
    assert "| fcn4 | float32 + XLA | 4 | 4.000 |" in text
    assert "--all-precisions" not in train_step.markdown({**res, "all_precisions": True})


def test_the_small_speedup_is_named_by_what_changed():
    from benchmarks.run_all import _headline

    row = {"step_s": 1.0, "median_step_s": 1.0, "clips_per_s": 16.0, "finite": True}
    res = {"machine": {"machine_line": "machine: test"}, "all_precisions": True, "small_speedup": 6.1,
           "presets": {p: {"batch": 16, "contenders": {"float32": row}} for p in ("small_full_res", "small")}}
    text = "\n".join([train_step.markdown(res), *_headline("train_step", res)])
    assert "6.1x faster than without the input average pool" in text
    assert "issue" not in text
