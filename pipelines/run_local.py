"""Run the pipeline locally: LocalDagRunner + Beam DirectRunner.

    python pipelines/run_local.py                      # generated sample data set (created when missing)
    python pipelines/run_local.py --data-root ~/mtat --epochs 20
    python pipelines/run_local.py --beam-workers 2     # portable runner, 2 local worker processes
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from mtat.annotations import ANNOTATIONS_FILE
from mtat.environment import configure_tensorflow_env
from pipelines import flags
from pipelines.beam_args import with_dependency_flag
from pipelines.config import PipelineConfig, TrainingConfig, seen_class_ids
from pipelines.flags import DEFAULT_SAMPLE_DIR

#: The whole pipeline runs Beam in-memory: for StatisticsGen, Transform and Evaluator it was
#: faster than multi-threading at 100 and 400 clips (benchmarks/results.md). Only AudioExampleGen,
#: whose decode/resample release the GIL, gets multi-threading from this many clips on
#: (~1 s more start-up, ~4.4 ms/clip saved) ...
EXTRACTION_THREADS_MIN_CLIPS = 300
#: ... and worker processes from this many on: ~1.2 ms/clip faster than threads in steady state
#: (167 vs 139 clips/s on 2 cores) for ~5 s more start-up and ~1.3 GB more memory, which pays back
#: past ~4,000 clips (the full MTAT set: ~30 s saved).
EXTRACTION_PROCESSES_MIN_CLIPS = 5000
#: ``--beam-workers``: (worker pool, job service) ports used when free. They are part of the Beam
#: args and so of TFX's cache keys: the same ports on every run let a re-run use the cache.
BEAM_POOL_PORTS = (50000, 8099)


def default_beam_args(n_clips: int) -> tuple[list[str], list[str]]:
    """(pipeline-wide, AudioExampleGen-only) DirectRunner args for the data size."""
    workers = f"--direct_num_workers={os.cpu_count() or 2}"
    extraction = []
    if n_clips >= EXTRACTION_PROCESSES_MIN_CLIPS:
        extraction = ["--direct_running_mode=multi_processing", workers]
    elif n_clips >= EXTRACTION_THREADS_MIN_CLIPS:
        extraction = ["--direct_running_mode=multi_threading", workers]
    return with_dependency_flag(["--direct_running_mode=in_memory"]), extraction


class RunError(Exception):
    """A problem the user can fix: one ``error:`` line on stderr and exit ``code``, no traceback."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    flags.add_pipeline_flags(p, flags.LOCAL, beam_default=(
        f"in_memory; AudioExampleGen multi_threading on all cores from {EXTRACTION_THREADS_MIN_CLIPS} clips, "
        f"multi_processing from {EXTRACTION_PROCESSES_MIN_CLIPS}"))
    p.add_argument("--sample-clips", type=int, default=300, help="clips of the generated sample set [300]")
    p.add_argument("--metadata-path", help="MLMD SQLite file [<pipeline-root>/metadata.sqlite]")
    p.add_argument("--beam-workers", type=int, metavar="N",
                   help="run Beam on the portable runner with N worker processes of a local worker pool "
                        "(started on a free 127.0.0.1 port, stopped at exit): the shape of a cluster run")
    p.add_argument("--summary-json", help="write the run summary as JSON here")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the flags, turn them into a pipeline config, run it, print (and write) the summary."""
    configure_tensorflow_env()
    args = parse_args(argv)
    try:
        if args.beam_workers is not None and args.beam_workers < 1:
            raise RunError(f"--beam-workers must be >= 1, got {args.beam_workers}")
        _configure_logging()
        config = build_config(args)
        summary = run(config, beam_workers=args.beam_workers)
    except RunError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.code
    if args.summary_json:
        with open(args.summary_json, "w") as f:
            json.dump(summary, f, indent=1)
        print(f"summary written to {args.summary_json}")
    return 0


def _configure_logging() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for ours in ("components", "mtat", "pipelines", "trainer"):
        logging.getLogger(ours).setLevel(logging.INFO)


def build_config(args: argparse.Namespace) -> PipelineConfig:
    """The PipelineConfig of the flags, for the data as it is (its tags and test clips counted here)."""
    from components.audio_example_gen.executor import plan_clips
    from pipelines.schema import prepare_schema

    data_root = _data_root(args.data_root, args.sample_clips)
    try:
        mel = flags.mel_config(args)
        pipeline_root = os.path.abspath(args.pipeline_root)
        metadata_path = os.path.abspath(args.metadata_path or os.path.join(pipeline_root, "metadata.sqlite"))
        os.makedirs(os.path.dirname(metadata_path), exist_ok=True)
        tags = flags.tag_list(args.tags)
        split_dir = os.path.abspath(args.split_dir) if args.split_dir else None
        schema_path = prepare_schema(args.schema, pipeline_root) if args.schema else None
        # the same plan AudioExampleGen makes: the tag count and which tags the test split can score
        plan_tags, records, _ = plan_clips(data_root, top_k=args.top_k, tags=tags, split_dir=split_dir)
        training = flags.training_config(args)
        training.seen_tags(plan_tags)
    except ValueError as err:
        raise RunError(str(err)) from None
    beam_args, extraction_args = default_beam_args(len(records))
    if args.beam_arg or args.beam_workers:
        beam_args, extraction_args = with_dependency_flag(args.beam_arg), []
    return PipelineConfig(
        pipeline_name=args.pipeline_name, pipeline_root=pipeline_root, data_root=os.path.abspath(data_root),
        serving_dir=os.path.abspath(args.serving_dir), model_name=args.model_name, metadata_path=metadata_path,
        mel=mel, top_k=args.top_k, tags=tags, split_dir=split_dir, training=training,
        min_auc=args.min_auc, max_regression=args.max_regression,
        eval_class_ids=_eval_class_ids(plan_tags, records, training) or None,
        expected_num_tags=len(plan_tags), beam_pipeline_args=tuple(beam_args),
        extraction_beam_args=tuple(extraction_args),
        enable_cache=not args.no_cache, data_only=args.data_only, schema_path=schema_path,
    )


def _data_root(data_root: str | None, sample_clips: int) -> str:
    """``--data-root``, else the sample set (generated when missing); RunError without its annotations."""
    if data_root is None:
        data_root = DEFAULT_SAMPLE_DIR
        if not os.path.exists(os.path.join(data_root, ANNOTATIONS_FILE)):
            import sample_music

            print(f"generating the sample data set ({sample_clips} clips) in {data_root} ...", flush=True)
            sample_music.generate(data_root, clips=sample_clips, seed=0, faults=True)
    if not os.path.isfile(os.path.join(data_root, ANNOTATIONS_FILE)):
        raise RunError(f"{os.path.join(data_root, ANNOTATIONS_FILE)} not found")
    return data_root


def _eval_class_ids(plan_tags: list[str], records: list[dict], training: TrainingConfig) -> list[int]:
    """The label columns the gate's macro averages: trained tags with a positive test clip (notes
    printed for the tags left out)."""
    unseen = training.unseen_tags
    if unseen and not training.joint_weight:
        print("note: --joint-weight 0: no joint head, the unseen tags are not scored", flush=True)
    eval_ids = sorted({i for r in records if r["split"] == "test" for i, v in enumerate(r["labels"]) if v})
    unscored = [t for t in unseen if plan_tags.index(t) not in eval_ids]
    if unscored:
        print(f"note: unseen tag(s) {', '.join(unscored)} have no positive test clip and cannot be scored", flush=True)
    eval_ids = seen_class_ids(plan_tags, unseen, eval_ids)
    trained = len(plan_tags) - len(unseen)
    if len(eval_ids) < trained:
        print(f"note: {trained - len(eval_ids)} of {trained} trained tags have no positive test clip "
              "and are left out of the macro averages", flush=True)
    return eval_ids


def run(config: PipelineConfig, *, beam_workers: int | None = None) -> dict[str, Any]:
    """Run the pipeline (LocalDagRunner) and return its summary (printed)."""
    from tfx import v1 as tfx

    from components.strict_example_validator.executor import SchemaDriftError
    from pipelines import recovery, results
    from pipelines.pipeline import create_pipeline
    from pipelines.progress import ComponentProgress
    from pipelines.worker_pool import portable_pool_args

    extraction = config.extraction_beam_args
    print(f"running pipeline {config.pipeline_name} on {config.data_root} (beam: {' '.join(config.beam_pipeline_args)}"
          f"{'; extraction: ' + ' '.join(extraction) if extraction else ''})", flush=True)
    progress = ComponentProgress().install()
    start = time.time()
    try:
        with recovery.exclusive_run(config.metadata_path, config.pipeline_name, config.pipeline_root), \
                portable_pool_args(beam_workers, BEAM_POOL_PORTS) as pool_args:
            if pool_args:
                config = dataclasses.replace(config, beam_pipeline_args=(*config.beam_pipeline_args, *pool_args))
            tfx.orchestration.LocalDagRunner().run(create_pipeline(config))
    except recovery.StoreInUseError as err:
        raise RunError(str(err)) from None
    except SchemaDriftError as err:
        raise RunError(f"ExampleValidator stopped the run before training: {err}", code=1) from None
    elapsed = time.time() - start
    summary = _summary(config)
    summary["seconds"] = round(elapsed, 1)
    summary["component_seconds"] = progress.timings
    print(f"\n=== run summary ({elapsed:.0f} s) ===\n{results.format_summary(summary)}", flush=True)
    return summary


def _summary(config: PipelineConfig) -> dict[str, Any]:
    """What the run produced: examples, rejects and tags, and unless ``data_only`` the model's metrics,
    its F1 on the test split at its validation thresholds and the pushed version's model card
    (both from the pipeline's ModelCardWriter step)."""
    from pipelines import results

    metadata_path, pipeline_root = config.metadata_path, config.pipeline_root
    examples_uri = results.latest_artifact_uri(metadata_path, "Examples", pipeline_root)
    rejects_uri = results.latest_artifact_uri(metadata_path, "AudioRejects", pipeline_root)
    summary = results.data_summary(examples_uri, rejects_uri)
    if not config.data_only:
        training = config.training
        summary.update(results.model_summary(metadata_path, pipeline_root, summary["tags"],
                                             unseen=list(training.unseen_tags), joint=training.joint_weight > 0))
        from pipelines.model_card import after_run

        # test-split F1 at the validation thresholds and the pushed version's card (ModelCardWriter)
        after_run(summary, metadata_path=metadata_path, pipeline_root=pipeline_root)
    return summary


if __name__ == "__main__":
    sys.exit(main())
