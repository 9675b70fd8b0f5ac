"""Compile the pipeline for Kubeflow Pipelines (KubeflowV2DagRunner) and optionally start a run.

    python pipelines/run_kubeflow.py --image REGISTRY/mtat:1 --pipeline-root gs://BUCKET/root \\
        --data-root gs://BUCKET/mtat                   # writes mtat_pipeline.json + mtat_pipeline.yaml
    python pipelines/run_kubeflow.py ... --no-baseline --endpoint http://localhost:8080   # + upload, run

Compiling needs no cluster, network or bucket access. The JSON is a Vertex AI PipelineJob; the
YAML beside it is the package open-source KFP takes (UI upload, kfp.Client). Open-source KFP
cannot run TFX's resolver nodes: submitting there needs --no-baseline (the gate is then --min-auc).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import logging
import os
import re
import sys
from collections.abc import Iterator, Sequence

import yaml

from mtat.environment import configure_tensorflow_env
from pipelines import flags
from pipelines.beam_args import DEPENDENCY_FLAGS, JOB_SERVER_TIMEOUT_S, given_flags
from pipelines.config import PipelineConfig, TrainingConfig

TRAINER_ID = "Trainer"
BEAM_RUNNERS = ("DirectRunner", "DataflowRunner", "FlinkRunner", "SparkRunner", "PortableRunner")
#: Beam inside each component's pod unless --beam-arg says otherwise: worker processes, a bounded
#: number because the pods request no CPUs of their own.
DIRECT_RUNNER_ARGS = ("--direct_running_mode=multi_processing", "--direct_num_workers=4")
#: Flags the distributed runners cannot do without (only warned about: compiling needs none).
RUNNER_NEEDS = {"DataflowRunner": ("--project", "--region"), "FlinkRunner": ("--flink_master",),
                "SparkRunner": ("--spark_master_url",), "PortableRunner": ("--job_endpoint",)}
#: Names KFP and Vertex AI accept for a pipeline.
PIPELINE_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,127}")
#: A Kubernetes extended resource (open-source KFP sets it as the container's limit, e.g.
#: nvidia.com/gpu) or a Vertex AI accelerator type (e.g. NVIDIA_TESLA_T4).
GPU_TYPE_RE = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?/[A-Za-z0-9][A-Za-z0-9_.-]*|[A-Z][A-Z0-9_]+")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--image", required=True, help="the project image (Dockerfile) every component runs in")
    p.add_argument("--trainer-image", help="image for the Trainer, e.g. the GPU build [--image]")
    p.add_argument("--output", default="mtat_pipeline.json",
                   help="compiled PipelineJob (.json); the KFP package is written beside it as .yaml [mtat_pipeline.json]")
    flags.add_pipeline_flags(p, flags.KUBEFLOW, beam_default=(
        f"on the DirectRunner {' '.join(DIRECT_RUNNER_ARGS)} in each component's pod"))
    p.add_argument("--no-baseline", action="store_true",
                   help="no latest-blessed-model resolver (required on open-source KFP); the gate is --min-auc only")
    p.add_argument("--gpus", type=int, default=1, help="GPUs for the Trainer, 0 = CPU trainer [1]")
    p.add_argument("--gpu-type", default="nvidia.com/gpu",
                   help="open-source KFP: the Kubernetes resource name (nvidia.com/gpu); Vertex AI: the accelerator "
                        "type (NVIDIA_TESLA_T4, NVIDIA_L4, ...) [nvidia.com/gpu]")
    p.add_argument("--trainer-cpu", type=float, default=8.0, help="Trainer CPU limit, 0 = none [8]")
    p.add_argument("--trainer-memory-gb", type=float, default=32.0, help="Trainer memory limit in GB, 0 = none [32]")
    p.add_argument("--beam-runner", default="DirectRunner", choices=BEAM_RUNNERS, help="[DirectRunner]")
    p.add_argument("--endpoint", help="KFP API URL: upload the package and start a run (kfp.Client(host=URL))")
    p.add_argument("--namespace", help="Kubernetes namespace of the run (multi-user KFP)")
    p.add_argument("--experiment", default="Default", help="KFP experiment of the run [Default]")
    p.add_argument("--run-name", help="[<pipeline-name>-<UTC time>]")
    return p.parse_args(argv)


def beam_args(runner: str, image: str, pipeline_root: str, extra: Sequence[str]) -> list[str]:
    """``--runner``, what that runner needs to find the project's code, then ``extra`` (which wins).

    The code is in the project image, whose entrypoint is the Beam SDK harness of the
    tensorflow/tfx base: ``--sdk_container_image`` is the Dataflow worker image, and tells TFX on
    every runner not to build and stage an sdist of itself; the portable runners (Flink, Spark, a
    job server) get a DOCKER environment of that image. ``extra`` can say otherwise
    (``--setup_file``, ``--environment_type=EXTERNAL`` ...).
    """
    given = given_flags(extra)
    if "--runner" in given:
        raise ValueError("choose the runner with --beam-runner, not --beam-arg=--runner=...")
    args = [f"--runner={runner}"]
    if not given & DEPENDENCY_FLAGS:
        args.append(f"--sdk_container_image={image}")
    if runner == "DirectRunner":
        if not any(flag.startswith("--direct_") for flag in given):
            args += DIRECT_RUNNER_ARGS
    elif runner == "DataflowRunner":
        if "--temp_location" not in given and pipeline_root.startswith("gs://"):
            args.append(f"--temp_location={pipeline_root.rstrip('/')}/tmp/beam")
    else:  # Flink, Spark, a portable job server: the job service is outside the launcher
        if "--environment_type" not in given:
            args += ["--environment_type=DOCKER", f"--environment_config={image}"]
        if "--job_server_timeout" not in given:  # the default 60 s is also the job streams' deadline
            args.append(f"--job_server_timeout={JOB_SERVER_TIMEOUT_S}")
    return args + list(extra)


def trainer_resources(gpus: int, gpu_type: str, cpu: float, memory_gb: float):
    """The Trainer's container resources (``ResourceSpec``), or ``None`` when nothing is requested."""
    from kfp.pipeline_spec import pipeline_spec_pb2

    resource_spec = pipeline_spec_pb2.PipelineDeploymentConfig.PipelineContainerSpec.ResourceSpec
    if not (gpus or cpu or memory_gb):
        return None
    spec = resource_spec(cpu_limit=cpu, memory_limit=memory_gb)
    if gpus:
        spec.accelerator.CopyFrom(resource_spec.AcceleratorConfig(type=gpu_type, count=gpus))
    return spec


@contextlib.contextmanager
def kfp_artifact_type_names(pipeline) -> Iterator[None]:
    """While compiling, name each custom artifact type ``<top-level package>.<Class>``.

    TFX's Kubeflow V2 compiler only takes a custom type named like that (a KFP schema title), and
    the container entrypoint imports the class by that name; local runs keep the type's own name.
    """
    from tfx.orchestration.kubeflow.v2 import compiler_utils
    from tfx.utils import import_utils

    renamed = {}
    try:
        for node in pipeline.components:
            for channel in [*node.inputs.values(), *node.outputs.values()]:
                cls = channel.type
                if cls in renamed:
                    continue
                try:
                    compiler_utils.get_artifact_schema(cls)
                    continue
                except ValueError:
                    pass
                title = f"{cls.__module__.split('.')[0]}.{cls.__name__}"
                try:
                    found = import_utils.import_class_by_path(title)
                except ImportError:
                    found = None
                if found is not cls:
                    raise ValueError(f"artifact type {cls.__module__}.{cls.__name__}: Kubeflow V2 imports it as "
                                     f"{title}; export it there")
                renamed[cls] = cls.TYPE_NAME
                cls.TYPE_NAME = title
        yield
    finally:
        for cls, name in renamed.items():
            cls.TYPE_NAME = name


def compile_pipeline(pipeline, *, image: str, trainer_image: str, output: str) -> dict:
    """Compile to ``output`` (PipelineJob JSON) and ``<output>.yaml`` (the KFP package); returns the job."""
    from tfx import v1 as tfx

    images = image if trainer_image == image else {"default_image_path": image, TRAINER_ID: trainer_image}
    # Pipeline spec 2.1: parameters as `constant` values, which open-source KFP's driver requires
    # (it rejects 2.0's `constantValue`); Vertex AI takes both.
    runner = tfx.orchestration.experimental.KubeflowV2DagRunner(
        config=tfx.orchestration.experimental.KubeflowV2DagRunnerConfig(
            default_image=images, use_pipeline_spec_2_1=True))
    with kfp_artifact_type_names(pipeline):
        job = runner.run(pipeline, write_out=False)
    # Runs started from the KFP UI (no pipeline root given) must write to the bucket, not to MinIO.
    job["pipelineSpec"]["defaultPipelineRoot"] = pipeline.pipeline_info.pipeline_root
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w") as f:
        json.dump(job, f, indent=1, sort_keys=True)
    with open(package_path(output), "w") as f:
        yaml.safe_dump(job["pipelineSpec"], f, sort_keys=True)
    return job


def package_path(output: str) -> str:
    return os.path.splitext(output)[0] + ".yaml"


def submit(package: str, *, endpoint: str, pipeline_name: str, pipeline_root: str, experiment: str,
           run_name: str, namespace: str | None = None) -> str:
    """Upload ``package`` (a new pipeline, or a new version of it) and start a run; returns the run id."""
    import kfp

    client = kfp.Client(host=endpoint, namespace=namespace or "kubeflow")
    pipeline_id = client.get_pipeline_id(pipeline_name)
    if pipeline_id is None:
        pipeline_id = client.upload_pipeline(package, pipeline_name=pipeline_name).pipeline_id
        versions = client.list_pipeline_versions(pipeline_id, page_size=1, sort_by="created_at desc")
        version_id = versions.pipeline_versions[0].pipeline_version_id
    else:
        version_id = client.upload_pipeline_version(
            package, pipeline_version_name=run_name, pipeline_id=pipeline_id).pipeline_version_id
    experiment_id = client.create_experiment(experiment, namespace=namespace).experiment_id
    run = client.run_pipeline(experiment_id=experiment_id, job_name=run_name, pipeline_id=pipeline_id,
                              version_id=version_id, pipeline_root=pipeline_root)
    return run.run_id


def _notes(args: argparse.Namespace, beam: Sequence[str]) -> list[str]:
    notes = []
    for flag, path in (("--pipeline-root", args.pipeline_root), ("--data-root", args.data_root),
                       ("--schema", args.schema)):
        if path and "://" not in path:
            notes.append(f"{flag} {path} is a local path: every pod must be able to read it (use a bucket)")
    given = given_flags(beam)
    missing = [f for f in RUNNER_NEEDS.get(args.beam_runner, ()) if f not in given]
    if missing:
        notes.append(f"{args.beam_runner} usually needs {', '.join(missing)} (add --beam-arg=FLAG=VALUE)")
    return notes


def main(argv: Sequence[str] | None = None) -> int:
    """Parse and check the flags, compile the pipeline, and with --endpoint submit it."""
    configure_tensorflow_env()
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    errors, beam = check_args(args)
    if errors:
        for err in errors:
            print(f"error: {err}", file=sys.stderr)
        return 2
    for note in _notes(args, beam):
        print(f"note: {note}", flush=True)
    config = pipeline_config(args, beam)
    trainer_image = args.trainer_image or args.image
    job = compile_pipeline(_pipeline(config, args), image=args.image, trainer_image=trainer_image, output=args.output)

    tasks = job["pipelineSpec"]["root"]["dag"]["tasks"]
    trainer = (f"{args.gpus} x {args.gpu_type}" if args.gpus else "CPU") + \
        f", {args.trainer_cpu:g} CPU, {args.trainer_memory_gb:g} GB, image {trainer_image}"
    print(f"wrote {args.output} (Vertex AI PipelineJob) and {package_path(args.output)} (KFP package): "
          f"{len(tasks)} tasks, image {args.image}\n  trainer: {trainer}\n  beam: {' '.join(beam)}", flush=True)
    if args.endpoint:
        run_name = args.run_name or f"{args.pipeline_name}-{datetime.datetime.now(datetime.timezone.utc):%Y%m%d-%H%M%S}"
        run_id = submit(package_path(args.output), endpoint=args.endpoint, pipeline_name=args.pipeline_name,
                        pipeline_root=config.pipeline_root, experiment=args.experiment, run_name=run_name,
                        namespace=args.namespace)
        print(f"started run {run_name}: id {run_id}, {args.endpoint.rstrip('/')}/#/runs/details/{run_id}", flush=True)
    return 0


def check_args(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """(every problem with the flags, the Beam args): nothing is compiled when there is a problem."""
    errors = []
    if not PIPELINE_NAME_RE.fullmatch(args.pipeline_name):
        errors.append(f"--pipeline-name {args.pipeline_name!r}: lower-case letters, digits and '-' only")
    if not args.output.endswith(".json"):
        errors.append(f"--output {args.output!r} must end with .json (the KFP package is written beside it as .yaml)")
    if args.gpus < 0 or args.trainer_cpu < 0 or args.trainer_memory_gb < 0:
        errors.append("--gpus, --trainer-cpu and --trainer-memory-gb must be >= 0")
    if not GPU_TYPE_RE.fullmatch(args.gpu_type):
        errors.append(f"--gpu-type {args.gpu_type!r}: a resource name like nvidia.com/gpu (open-source KFP) "
                      "or a Vertex AI type like NVIDIA_TESLA_T4")
    try:
        flags.mel_config(args)
    except ValueError as err:
        errors.append(str(err))
    unseen = flags.unseen_tags(args)
    if unseen and not args.tags:
        errors.append("--unseen-tags needs --tags (the full tag list, unseen ones included): the data is on a "
                      "bucket, so the label columns of the unseen tags are not known here")
    elif unseen:
        try:
            TrainingConfig(unseen_tags=unseen).seen_tags(flags.tag_list(args.tags))
        except ValueError as err:
            errors.append(str(err))
    if args.endpoint and not args.no_baseline and not args.data_only:
        errors.append("open-source KFP cannot run TFX resolver nodes ('resolver executors not implemented'): "
                      "add --no-baseline to submit there (the gate is then --min-auc only)")
    try:
        beam = beam_args(args.beam_runner, args.image, args.pipeline_root, args.beam_arg)
    except ValueError as err:
        errors.append(str(err))
        beam = []
    return errors, beam


def pipeline_config(args: argparse.Namespace, beam: Sequence[str]) -> PipelineConfig:
    """The PipelineConfig of (checked) flags. The data is on a bucket: the tags are not counted
    here. The model predicts len(tags) or top_k tags, so a data set with fewer than --top-k tags
    needs --tags or a smaller --top-k."""
    pipeline_root = args.pipeline_root.rstrip("/")
    return PipelineConfig(
        pipeline_name=args.pipeline_name, pipeline_root=pipeline_root, data_root=args.data_root,
        serving_dir=args.serving_dir or f"{pipeline_root}/serving_model", model_name=args.model_name,
        mel=flags.mel_config(args), top_k=args.top_k, tags=flags.tag_list(args.tags), split_dir=args.split_dir,
        schema_path=args.schema, training=flags.training_config(args),
        min_auc=args.min_auc, max_regression=args.max_regression, compare_to_baseline=not args.no_baseline,
        beam_pipeline_args=tuple(beam), enable_cache=not args.no_cache, data_only=args.data_only,
    )


def _pipeline(config: PipelineConfig, args: argparse.Namespace):
    """The TFX pipeline of ``config``, the Trainer with the resources the flags ask for."""
    from pipelines.pipeline import create_pipeline

    pipeline = create_pipeline(config)
    resources = trainer_resources(args.gpus, args.gpu_type, args.trainer_cpu, args.trainer_memory_gb)
    for component in pipeline.components:
        if component.id == TRAINER_ID and resources is not None:
            component.with_platform_config(resources)
    return pipeline


if __name__ == "__main__":
    sys.exit(main())
