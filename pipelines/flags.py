"""Flags both runners share (run_local.py, run_kubeflow.py): one definition of each, and the
one way they become a :class:`TrainingConfig`."""
from __future__ import annotations

import argparse

from pipelines.config import PipelineConfig, TrainingConfig
from trainer.hparams import JOINT_LOSSES, PRESETS
from trainer.precision import PRECISIONS, XLA_MODES


def add_tag_flags(p: argparse.ArgumentParser) -> None:
    """--top-k, --tags, --unseen-tags."""
    p.add_argument("--top-k", type=int, default=50, help="number of most frequent tags to learn [50]")
    p.add_argument("--tags", help="comma-separated fixed tag list instead of the top-k rule")
    p.add_argument("--unseen-tags", help="comma-separated tags left out of training and scored zero-shot "
                                         "(through the joint space) on the test split")


def add_training_flags(p: argparse.ArgumentParser, *, preset: str, epochs: int) -> None:
    """--preset, --epochs, --batch-size, --learning-rate, --precision, --xla, --joint-weight."""
    p.add_argument("--preset", default=preset, choices=PRESETS, help=f"model preset [{preset}]")
    p.add_argument("--epochs", type=int, default=epochs, help=f"[{epochs}]")
    p.add_argument("--batch-size", type=int, default=TrainingConfig.batch_size,
                   help=f"per replica [{TrainingConfig.batch_size}]")
    p.add_argument("--learning-rate", type=float, help="Adam learning rate [preset default]")
    p.add_argument("--precision", default=TrainingConfig.precision, choices=PRECISIONS,
                   help="training precision; auto = mixed_bfloat16 on Ampere+ GPUs, mixed_float16 on older "
                        f"GPUs, float32 on CPU [{TrainingConfig.precision}]")
    p.add_argument("--xla", default=TrainingConfig.xla, choices=XLA_MODES,
                   help=f"XLA jit_compile of the train step; auto = on with a GPU, off on CPU [{TrainingConfig.xla}]")
    p.add_argument("--joint-weight", type=float, default=TrainingConfig.joint_weight,
                   help=f"weight of the joint audio-text loss; 0 = no joint head [{TrainingConfig.joint_weight}]")
    p.add_argument("--joint-loss", default=TrainingConfig.joint_loss, choices=JOINT_LOSSES,
                   help=f"the joint head's loss: max-margin ranking or multi-label InfoNCE [{TrainingConfig.joint_loss}]")


def add_gate_and_run_flags(p: argparse.ArgumentParser) -> None:
    """--min-auc, --max-regression, --data-only, --no-cache."""
    p.add_argument("--min-auc", type=float, default=PipelineConfig.min_auc,
                   help=f"gate: lowest macro ROC-AUC that gets blessed [{PipelineConfig.min_auc}]")
    p.add_argument("--max-regression", type=float, default=PipelineConfig.max_regression,
                   help=f"gate: allowed drop vs the last blessed model [{PipelineConfig.max_regression}]")
    p.add_argument("--data-only", action="store_true", help="stop after the data checks (no training)")
    p.add_argument("--no-cache", action="store_true", help="re-run every component")


def tag_list(text: str | None) -> list[str] | None:
    """``--tags a,b`` -> ``["a", "b"]`` (None when not given)."""
    return [t.strip() for t in text.split(",") if t.strip()] if text else None


def unseen_tags(args: argparse.Namespace) -> tuple[str, ...]:
    """The ``--unseen-tags`` as a tuple (empty when not given)."""
    return tuple(tag_list(args.unseen_tags) or ())


def training_config(args: argparse.Namespace) -> TrainingConfig:
    """The TrainingConfig the flags ask for (raises ValueError for invalid values)."""
    return TrainingConfig(preset=args.preset, epochs=args.epochs, batch_size=args.batch_size,
                          learning_rate=args.learning_rate, precision=args.precision, xla=args.xla,
                          joint_weight=args.joint_weight, joint_loss=args.joint_loss,
                          unseen_tags=unseen_tags(args))
