"""Numeric precision and XLA for training: what ``auto`` means on the visible hardware.

``precision``: ``float32`` | ``mixed_bfloat16`` | ``mixed_float16`` (Keras mixed-precision policies:
float32 variables, 16-bit compute; ``mixed_float16`` also needs loss scaling, which
:func:`trainer.models.build_model` adds) or ``auto``: ``mixed_bfloat16`` on GPUs that compute bf16
natively (compute capability >= 8.0: A100, H100, L4, RTX 30xx+), ``mixed_float16`` on older GPUs
(T4, V100), ``float32`` without a GPU.

``xla``: ``on`` | ``off`` | ``auto`` (on with a GPU, off on the CPU: on a 2-core AVX2 CPU the
``small`` preset's step was 1.2-2.4x *slower* with ``jit_compile``, benchmarks/results.md).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PRECISIONS: tuple[str, ...] = ("auto", "float32", "mixed_bfloat16", "mixed_float16")
XLA_MODES: tuple[str, ...] = ("auto", "on", "off")
#: First NVIDIA compute capability with native bfloat16 tensor-core math (Ampere).
BF16_MIN_COMPUTE_CAPABILITY = (8, 0)


def check_precision(precision: str) -> str:
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
    return precision


def check_xla(xla: str) -> str:
    if xla not in XLA_MODES:
        raise ValueError(f"unknown xla mode {xla!r}; choose one of {', '.join(XLA_MODES)}")
    return xla


def visible_gpus() -> list[Any]:
    import tensorflow as tf

    return tf.config.list_physical_devices("GPU")


def compute_capability(gpu: Any) -> tuple[int, int]:
    """(major, minor) of a physical GPU device, (0, 0) when TensorFlow does not report it."""
    import tensorflow as tf

    details = tf.config.experimental.get_device_details(gpu) or {}
    return tuple(details.get("compute_capability") or (0, 0))  # type: ignore[return-value]


def resolve_precision(precision: str, gpus: Sequence[Any] | None = None) -> str:
    """The Keras policy name for ``precision`` (``auto`` decided by ``gpus``, default: the visible ones)."""
    check_precision(precision)
    if precision != "auto":
        return precision
    gpus = visible_gpus() if gpus is None else list(gpus)
    if not gpus:
        return "float32"
    if all(compute_capability(g) >= BF16_MIN_COMPUTE_CAPABILITY for g in gpus):
        return "mixed_bfloat16"
    return "mixed_float16"


def resolve_jit_compile(xla: str, gpus: Sequence[Any] | None = None) -> bool:
    """Whether to compile the train step with XLA (``auto``: only when a GPU is visible)."""
    check_xla(xla)
    if xla != "auto":
        return xla == "on"
    gpus = visible_gpus() if gpus is None else list(gpus)
    return bool(gpus)
