"""The flags both runners take (run_local.py, run_kubeflow.py): one definition of each, one default,
and the one way they become a :class:`PipelineConfig`'s parts (:func:`mel_config`,
:func:`training_config`).

Where a default must differ between the runners, :data:`LOCAL` and :data:`KUBEFLOW` say so side
by side, :data:`WHY` says why, and both runners' ``--help`` print both values.
"""
from __future__ import annotations

import argparse
import dataclasses
import os

from mtat.features import MelConfig
from pipelines.config import PipelineConfig, TrainingConfig
from trainer.hparams import JOINT_LOSSES, PRESETS
from trainer.precision import PRECISIONS, XLA_MODES

#: The generated sample set run_local.py uses without --data-root (created when missing).
DEFAULT_SAMPLE_DIR = os.path.join("data", "sample")
PIPELINE_NAME = "mtat-tagging"  # lower-case letters, digits and '-': a name Kubeflow and Vertex AI accept
MODEL_NAME = "tagger"


@dataclasses.dataclass(frozen=True)
class RunnerDefaults:
    """The defaults that differ between the runners (every other flag has one default for both)."""

    runner: str
    #: The pods of a cluster read the data and write the artifacts on a bucket: no default can name
    #: it, so --data-root and --pipeline-root are required; locally they default to folders here.
    cluster: bool
    pipeline_root: str | None  # None: required
    serving_dir: str | None  # None: <pipeline-root>/serving_model
    preset: str
    epochs: int


LOCAL = RunnerDefaults("run_local.py", cluster=False, pipeline_root="pipeline_output", serving_dir="serving_model",
                       preset=TrainingConfig.preset, epochs=TrainingConfig.epochs)
KUBEFLOW = RunnerDefaults("run_kubeflow.py", cluster=True, pipeline_root=None, serving_dir=None,
                          preset="fcn4", epochs=20)
#: Why a default of :data:`KUBEFLOW` differs from :data:`LOCAL` (printed in --help).
WHY = {
    "pipeline_root": "the pods need a bucket path",
    "serving_dir": "beside the artifacts, where TF Serving can read it",
    "preset": "the Trainer gets a GPU (--gpus 1): FCN-4, not the CPU preset small",
    "epochs": "it trains FCN-4 on a GPU (the full-data setting: --preset fcn4 --epochs 20)",
}


def _both(field: str, this: RunnerDefaults, shown=lambda v: v) -> str:
    """``[value]`` of this runner, plus the other runner's value and why where they differ."""
    other = KUBEFLOW if this is LOCAL else LOCAL
    mine, theirs = shown(getattr(this, field)), shown(getattr(other, field))
    if mine == theirs:
        return f"[{mine}]"
    return f"[{mine}; {other.runner}: {theirs}, because on Kubeflow {WHY[field]}]"


def add_location_flags(p: argparse.ArgumentParser, defaults: RunnerDefaults) -> None:
    """--data-root, --pipeline-name, --pipeline-root, --serving-dir, --model-name."""
    p.add_argument("--data-root", required=defaults.cluster,
                   help="MTAT-style folder; on Kubeflow one the pods can read, e.g. gs://BUCKET/mtat (required there) "
                        f"[{LOCAL.runner}: the generated sample set in {DEFAULT_SAMPLE_DIR}]")
    p.add_argument("--pipeline-name", default=PIPELINE_NAME, help=f"[{PIPELINE_NAME}]")
    p.add_argument("--pipeline-root", required=defaults.pipeline_root is None, default=defaults.pipeline_root,
                   help="folder for all artifacts; on Kubeflow a bucket path, e.g. gs://BUCKET/root "
                        + _both("pipeline_root", defaults, lambda v: v or "required"))
    p.add_argument("--serving-dir", default=defaults.serving_dir,
                   help="TF Serving base path; the model goes to <serving-dir>/<model-name>/<version> "
                        + _both("serving_dir", defaults, lambda v: v or "<pipeline-root>/serving_model"))
    p.add_argument("--model-name", default=MODEL_NAME, help=f"[{MODEL_NAME}]")


def add_data_flags(p: argparse.ArgumentParser) -> None:
    """--top-k, --tags, --unseen-tags, --split-dir, --schema."""
    p.add_argument("--top-k", type=int, default=50, help="number of most frequent tags to learn [50]")
    p.add_argument("--tags", help="comma-separated fixed tag list instead of the top-k rule")
    p.add_argument("--unseen-tags", help="comma-separated tags left out of training and scored zero-shot "
                                         "(through the joint space) on the test split")
    p.add_argument("--split-dir", help="folder with Won et al. split files train/valid/test .npy [folder split]")
    p.add_argument("--schema", help="curated schema.pbtxt the data must match (python -m pipelines.schema export); "
                                    "on Kubeflow one the pods can read, e.g. gs://BUCKET/schema.pbtxt "
                                    "[inferred from each run]")


def add_mel_flags(p: argparse.ArgumentParser) -> None:
    """--sample-rate, --n-mels, --n-fft, --hop-length, --n-frames (the features: :class:`MelConfig`)."""
    for name in ("sample_rate", "n_mels", "n_fft", "hop_length", "n_frames"):
        default = getattr(MelConfig, name)
        p.add_argument("--" + name.replace("_", "-"), type=int, default=default, help=f"[{default}]")


def add_training_flags(p: argparse.ArgumentParser, defaults: RunnerDefaults) -> None:
    """--preset, --epochs, --batch-size, --learning-rate, --precision, --xla, --joint-weight, --joint-loss."""
    p.add_argument("--preset", default=defaults.preset, choices=PRESETS,
                   help=f"model preset {_both('preset', defaults)}")
    p.add_argument("--epochs", type=int, default=defaults.epochs, help=_both("epochs", defaults))
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


def add_gate_and_run_flags(p: argparse.ArgumentParser, *, beam_default: str) -> None:
    """--min-auc, --max-regression, --data-only, --no-cache, --beam-arg (``beam_default``: what
    the runner's Beam does without it)."""
    p.add_argument("--min-auc", type=float, default=PipelineConfig.min_auc,
                   help=f"gate: lowest macro ROC-AUC that gets blessed [{PipelineConfig.min_auc}]")
    p.add_argument("--max-regression", type=float, default=PipelineConfig.max_regression,
                   help=f"gate: allowed drop vs the last blessed model [{PipelineConfig.max_regression}]")
    p.add_argument("--data-only", action="store_true", help="stop after the data checks (no training)")
    p.add_argument("--no-cache", action="store_true", help="re-run every component")
    p.add_argument("--beam-arg", action="append", default=[],
                   help=f"Beam pipeline argument, repeatable, as --beam-arg=--flag=value [{beam_default}]")


def add_pipeline_flags(p: argparse.ArgumentParser, defaults: RunnerDefaults, *, beam_default: str) -> None:
    """Every shared flag: where the pipeline reads and writes, the data, the features, the training,
    the gate and Beam."""
    add_location_flags(p, defaults)
    add_data_flags(p)
    add_mel_flags(p)
    add_training_flags(p, defaults)
    add_gate_and_run_flags(p, beam_default=beam_default)


def tag_list(text: str | None) -> list[str] | None:
    """``--tags a,b`` -> ``["a", "b"]`` (None when not given)."""
    return [t.strip() for t in text.split(",") if t.strip()] if text else None


def unseen_tags(args: argparse.Namespace) -> tuple[str, ...]:
    """The ``--unseen-tags`` as a tuple (empty when not given)."""
    return tuple(tag_list(args.unseen_tags) or ())


def mel_config(args: argparse.Namespace) -> MelConfig:
    """The MelConfig the flags ask for (raises ValueError for invalid values)."""
    return MelConfig(sample_rate=args.sample_rate, n_mels=args.n_mels, n_fft=args.n_fft,
                     hop_length=args.hop_length, n_frames=args.n_frames)


def training_config(args: argparse.Namespace) -> TrainingConfig:
    """The TrainingConfig the flags ask for (raises ValueError for invalid values)."""
    return TrainingConfig(preset=args.preset, epochs=args.epochs, batch_size=args.batch_size,
                          learning_rate=args.learning_rate, precision=args.precision, xla=args.xla,
                          joint_weight=args.joint_weight, joint_loss=args.joint_loss,
                          unseen_tags=unseen_tags(args))
