"""Trainer hyper-parameters: one definition, used by the pipeline config and by ``run_fn``."""
from __future__ import annotations

import dataclasses
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple


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
    #: Weight of the joint audio-text loss (trainer.joint_loss) beside the tags' BCE; 0 = no joint
    #: head (the single-output model).
    joint_weight: float = 1.0
    joint_loss: str = "margin"  # margin | infonce
    #: Zero-shot protocol: tags whose labels no head is trained on (they are scored on the test
    #: split through the joint space only).
    unseen_tags: Tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "unseen_tags", tuple(self.unseen_tags))
        if self.joint_weight < 0:
            raise ValueError(f"joint_weight must be >= 0, got {self.joint_weight}")

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

    def to_custom_config(self) -> Dict[str, Any]:
        config = dataclasses.asdict(self)
        config["unseen_tags"] = list(self.unseen_tags)
        return config

    @classmethod
    def from_custom_config(cls, custom_config: Optional[Mapping[str, Any]]) -> "TrainingConfig":
        """The fields present in ``custom_config`` (other keys, e.g. ``mel_config``, are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in (custom_config or {}).items() if k in names and v is not None})
