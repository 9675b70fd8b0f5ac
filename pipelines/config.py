"""Pipeline configuration: frozen dataclasses with defaults; nothing runs at import."""
from __future__ import annotations

import dataclasses
from typing import Optional, Sequence

from mtat.features import MelConfig


@dataclasses.dataclass(frozen=True)
class PipelineConfig:
    """Everything ``create_pipeline`` needs; runners turn flags into one of these."""

    pipeline_name: str
    pipeline_root: str
    data_root: str
    serving_dir: str = "serving_model"
    model_name: str = "tagger"
    metadata_path: Optional[str] = None  # SQLite MLMD path (local runs); None on Kubeflow
    mel: MelConfig = MelConfig()
    top_k: int = 50
    tags: Optional[Sequence[str]] = None
    split_dir: Optional[str] = None
    min_seconds: Optional[float] = None
    beam_pipeline_args: Sequence[str] = ()
    enable_cache: bool = True
    #: Stop after ExampleGen + statistics/schema/validation (data checks only).
    data_only: bool = False
