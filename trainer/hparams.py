"""Trainer hyper-parameters: one definition, used by the pipeline config and by ``run_fn``."""
from __future__ import annotations

import dataclasses
from typing import Any, Dict, Mapping, Optional

from trainer.precision import check_precision, check_xla


@dataclasses.dataclass(frozen=True)
class TrainingConfig:
    """Passed to ``trainer.task.run_fn`` as ``custom_config`` (plus ``mel_config``)."""

    preset: str = "small"
    epochs: int = 30  # with early stopping on validation ROC-AUC
    batch_size: int = 16  # per replica
    learning_rate: Optional[float] = None  # None: the preset's default
    patience: int = 5
    activation: str = "relu"
    seed: int = 0
    #: "auto" | "float32" | "mixed_bfloat16" | "mixed_float16" (trainer/precision.py; auto: 16-bit on a GPU)
    precision: str = "auto"
    #: "auto" | "on" | "off": XLA ``jit_compile`` of the train step (auto: on with a GPU, off on CPU)
    xla: str = "auto"

    def __post_init__(self) -> None:
        check_precision(self.precision)
        check_xla(self.xla)

    def to_custom_config(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_custom_config(cls, custom_config: Optional[Mapping[str, Any]]) -> "TrainingConfig":
        """The fields present in ``custom_config`` (other keys, e.g. ``mel_config``, are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in (custom_config or {}).items() if k in names and v is not None})
