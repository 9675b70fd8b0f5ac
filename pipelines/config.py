"""Pipeline configuration: frozen dataclasses with defaults; nothing runs at import."""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from mtat.features import MelConfig
from trainer.hparams import TrainingConfig


@dataclasses.dataclass(frozen=True)
class PipelineConfig:
    """Everything ``create_pipeline`` needs; runners turn flags into one of these."""

    pipeline_name: str
    pipeline_root: str
    data_root: str
    serving_dir: str = "serving_model"
    model_name: str = "tagger"
    metadata_path: str | None = None  # SQLite MLMD path (local runs); None on Kubeflow
    mel: MelConfig = MelConfig()
    top_k: int = 50
    tags: Sequence[str] | None = None
    split_dir: str | None = None
    #: A curated schema (schema.pbtxt) the examples must match (ImportSchemaGen); None: SchemaGen
    #: infers one from each run's statistics (which then only checks the splits against each other).
    schema_path: str | None = None
    min_seconds: float | None = None
    training: TrainingConfig = TrainingConfig()
    #: Gate: blessed iff macro ROC-AUC >= min_auc and at most max_regression below the last blessed.
    min_auc: float = 0.6
    max_regression: float = 0.01
    #: Compare against the latest blessed model (a Resolver node; without it only ``min_auc`` gates).
    #: Open-source Kubeflow Pipelines cannot run resolver nodes, Vertex AI Pipelines can.
    compare_to_baseline: bool = True
    #: Tags entering the macro average (None: all); runners that can read the data pass the tags
    #: that have a positive test example.
    eval_class_ids: Sequence[int] | None = None
    #: Number of tags the model predicts; None: ``len(tags)`` or ``top_k``.
    expected_num_tags: int | None = None
    beam_pipeline_args: Sequence[str] = ()
    #: Extra Beam args for AudioExampleGen only, appended after ``beam_pipeline_args`` (later wins).
    extraction_beam_args: Sequence[str] = ()
    enable_cache: bool = True
    #: Stop after ExampleGen + statistics/schema/validation (data checks only).
    data_only: bool = False

    def __post_init__(self) -> None:
        if self.training.unseen_tags and self.eval_class_ids is None:
            # the gate's macro must leave the unseen tags out, which needs their label columns
            if not self.tags:
                raise ValueError("--unseen-tags needs the tag list (--tags) when the data cannot be read here")
            object.__setattr__(self, "eval_class_ids", tuple(seen_class_ids(self.tags, self.training.unseen_tags)))

    @property
    def num_tags(self) -> int:
        if self.expected_num_tags is not None:
            return self.expected_num_tags
        return len(self.tags) if self.tags else self.top_k


def seen_class_ids(tags: Sequence[str], unseen: Sequence[str], candidates: Sequence[int] | None = None) -> list[int]:
    """Label columns of ``tags`` (among ``candidates``, default all) that are not ``unseen``: the
    tags the seen-tag macro averages and the gate cover. Raises ValueError naming an unknown
    unseen tag."""
    unknown = [t for t in unseen if t not in tags]
    if unknown:
        raise ValueError(f"unseen tag(s) {', '.join(map(repr, unknown))} not among the tags ({', '.join(tags)})")
    ids = range(len(tags)) if candidates is None else candidates
    return [i for i in ids if tags[i] not in set(unseen)]
