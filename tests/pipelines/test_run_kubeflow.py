"""run_kubeflow: the compiled KFP spec (offline), one component through the KFP container entrypoint,
submission through kfp.Client to a fake KFP API server, and the TF Serving manifests."""
import email.parser
import email.policy
import glob
import json
import os
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from google.protobuf import json_format
from kfp.pipeline_spec import pipeline_spec_pb2

from pipelines import run_kubeflow
from pipelines.beam_args import JOB_SERVER_TIMEOUT_S

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGE = "registry.example.com/mtat:1"
GPU_IMAGE = "registry.example.com/mtat-gpu:1"
BASE = ["--image", IMAGE, "--pipeline-root", "gs://bucket/root", "--data-root", "gs://bucket/mtat"]
#: Dependency order of the pipeline, and each task's upstream tasks (from dependentTasks).
ORDER = ["AudioExampleGen", "StatisticsGen", "SchemaGen", "ExampleValidator", "Transform", "Trainer",
         "latest_blessed_model_resolver-model-blessing-resolver", "latest_blessed_model_resolver-model-resolver",
         "Evaluator", "Pusher", "ModelCardWriter"]
UPSTREAM = {
    "AudioExampleGen": set(), "StatisticsGen": {"AudioExampleGen"}, "SchemaGen": {"StatisticsGen"},
    "ExampleValidator": {"StatisticsGen", "SchemaGen"},
    "Transform": {"AudioExampleGen", "SchemaGen", "ExampleValidator"},  # nothing trains on data failing validation
    "Trainer": {"AudioExampleGen", "SchemaGen", "Transform"},
    "Evaluator": {"AudioExampleGen", "Trainer", "latest_blessed_model_resolver-model-resolver"},
    "Pusher": {"Trainer", "Evaluator"},
    "ModelCardWriter": {"AudioExampleGen", "Trainer", "Evaluator", "Pusher"},
}
BEAM_COMPONENTS = ("AudioExampleGen", "StatisticsGen", "Transform", "Evaluator")


def compile_spec(out_dir, *flags):
    out = os.path.join(out_dir, "mtat_pipeline.json")
    assert run_kubeflow.main([*BASE, "--output", out, *flags]) == 0
    with open(out) as f:
        job = json.load(f)
    return job, json_format.ParseDict(job["pipelineSpec"], pipeline_spec_pb2.PipelineSpec())


def containers(spec):
    """{task: PipelineContainerSpec} of the container tasks (the resolver tasks are not)."""
    config = pipeline_spec_pb2.PipelineDeploymentConfig()
    json_format.ParseDict(json_format.MessageToDict(spec.deployment_spec), config)
    found = {}
    for name, task in spec.root.dag.tasks.items():
        executor = config.executors[spec.components[task.component_ref.name].executor_label]
        if executor.HasField("container"):
            found[name] = executor.container
    return found


def constant(spec, task, name):
    return json_format.MessageToDict(spec.root.dag.tasks[task].inputs.parameters[name].runtime_value.constant)


@pytest.fixture(scope="module")
def gpu(tmp_path_factory):
    """Compiled with a GPU trainer image, non-default resources and Dataflow."""
    return compile_spec(
        str(tmp_path_factory.mktemp("gpu")), "--trainer-image", GPU_IMAGE, "--gpus", "2", "--gpu-type", "NVIDIA_TESLA_T4",
        "--trainer-cpu", "6", "--trainer-memory-gb", "30", "--preset", "strong", "--epochs", "7", "--top-k", "40",
        "--beam-runner", "DataflowRunner", "--beam-arg=--project=p", "--beam-arg=--region=europe-west4")


def test_every_component_in_dependency_order(gpu):
    _, spec = gpu
    tasks = spec.root.dag.tasks
    assert sorted(tasks) == sorted(ORDER)
    for name, upstream in UPSTREAM.items():
        assert set(tasks[name].dependent_tasks) == upstream, name
    # ORDER is a topological order of every edge: dependentTasks and artifact producers.
    for name, task in tasks.items():
        producers = {a.task_output_artifact.producer_task for a in task.inputs.artifacts.values()}
        for before in set(task.dependent_tasks) | producers:
            assert ORDER.index(before) < ORDER.index(name), (before, name)


def test_model_card_step_after_the_pusher_in_the_project_image(gpu):
    _, spec = gpu
    task = spec.root.dag.tasks["ModelCardWriter"]
    sources = {k: (a.task_output_artifact.producer_task, a.task_output_artifact.output_artifact_key)
               for k, a in task.inputs.artifacts.items()}
    assert sources == {"examples": ("AudioExampleGen", "examples"), "rejects": ("AudioExampleGen", "rejects"),
                       "model": ("Trainer", "model"), "evaluation": ("Evaluator", "evaluation"),
                       "blessing": ("Evaluator", "blessing"), "pushed_model": ("Pusher", "pushed_model")}
    assert (constant(spec, "ModelCardWriter", "min_auc"), constant(spec, "ModelCardWriter", "max_regression")) == (
        0.6, 0.01)
    component = spec.components[task.component_ref.name]
    output = component.output_definitions.artifacts["model_card"].artifact_type.instance_schema
    assert output.startswith("title: components.ModelCard\n")  # the container imports the type by that name
    container = containers(spec)["ModelCardWriter"]
    assert container.image == IMAGE
    args = list(container.args)
    assert args[args.index("--executor_class_path") + 1] == "components.model_card_writer.executor.Executor"


def test_curated_schema_is_imported_and_validation_gates_training(tmp_path):
    _, spec = compile_spec(str(tmp_path), "--schema", "gs://bucket/schema.pbtxt", "--no-baseline")
    tasks = spec.root.dag.tasks
    assert "SchemaGen" not in tasks
    assert constant(spec, "ImportSchemaGen", "schema_file") == "gs://bucket/schema.pbtxt"
    assert set(tasks["ExampleValidator"].dependent_tasks) == {"StatisticsGen", "ImportSchemaGen"}
    assert set(tasks["Transform"].dependent_tasks) == {"AudioExampleGen", "ImportSchemaGen", "ExampleValidator"}
    args = list(containers(spec)["ExampleValidator"].args)
    assert args[args.index("--executor_class_path") + 1] == "components.strict_example_validator.executor.Executor"


def test_images_commands_and_trainer_resources(gpu):
    _, spec = gpu
    found = containers(spec)
    assert set(found) == set(UPSTREAM)  # the resolver tasks are not containers
    for name, container in found.items():
        assert container.image == (GPU_IMAGE if name == "Trainer" else IMAGE), name
        assert list(container.command) == [
            "python", "-m", "tfx.orchestration.kubeflow.v2.container.kubeflow_v2_run_executor"]
        if name != "Trainer":
            assert not container.HasField("resources"), name
    resources = found["Trainer"].resources
    assert (resources.accelerator.type, resources.accelerator.count) == ("NVIDIA_TESLA_T4", 2)
    assert (resources.cpu_limit, resources.memory_limit) == (6.0, 30.0)


def test_beam_args_reach_the_beam_executors(gpu):
    _, spec = gpu
    expected = ["--runner=DataflowRunner", f"--sdk_container_image={IMAGE}",
                "--temp_location=gs://bucket/root/tmp/beam", "--project=p", "--region=europe-west4"]
    for name in BEAM_COMPONENTS:
        args = list(containers(spec)[name].args)
        assert args[-len(expected):] == expected, name


def test_parameters_as_given(gpu):
    job, spec = gpu
    assert job["runtimeConfig"]["gcsOutputDirectory"] == "gs://bucket/root"
    assert spec.default_pipeline_root == "gs://bucket/root"
    assert spec.pipeline_info.name == "mtat-tagging" and spec.schema_version == "2.1.0"
    assert constant(spec, "AudioExampleGen", "data_root") == "gs://bucket/mtat"
    assert constant(spec, "AudioExampleGen", "top_k") == 40
    custom = json.loads(constant(spec, "Trainer", "custom_config"))
    assert (custom["preset"], custom["epochs"]) == ("strong", 7)
    assert constant(spec, "Trainer", "run_fn") == "trainer.task.run_fn"
    destination = json.loads(constant(spec, "Pusher", "push_destination"))
    assert destination["filesystem"]["base_directory"] == "gs://bucket/root/serving_model/tagger"
    eval_config = json.loads(constant(spec, "Evaluator", "eval_config"))
    assert len(eval_config["metrics_specs"][1]["binarize"]["class_ids"]["values"]) == 40  # = --top-k
    # The rejects artifact is typed so that the container can import it.
    rejects = spec.components["AudioExampleGen"].output_definitions.artifacts["rejects"]
    assert yaml.safe_load(rejects.artifact_type.instance_schema)["title"] == "components.AudioRejects"
    from components.audio_example_gen.component import AudioRejects

    assert AudioRejects.TYPE_NAME == "AudioRejects"  # renamed only while compiling


def test_precision_and_xla_flags_reach_the_trainer(tmp_path, gpu):
    """Default auto/auto (decided on the worker by what it sees); explicit values pass unchanged."""
    _, default_spec = gpu
    custom = json.loads(constant(default_spec, "Trainer", "custom_config"))
    assert (custom["precision"], custom["xla"]) == ("auto", "auto")
    _, spec = compile_spec(str(tmp_path), "--precision", "mixed_float16", "--xla", "off", "--no-baseline")
    custom = json.loads(constant(spec, "Trainer", "custom_config"))
    assert (custom["precision"], custom["xla"]) == ("mixed_float16", "off")
    from trainer.hparams import TrainingConfig

    config = TrainingConfig.from_custom_config(custom)  # what run_fn reads on the worker
    assert (config.precision, config.xla, config.preset) == ("mixed_float16", "off", "fcn4")


def test_mel_flags_reach_extraction_transform_and_trainer(tmp_path, gpu):
    """The features are a Kubeflow run's to choose too (the same flags and defaults as run_local.py)."""
    from mtat.features import MelConfig

    _, default_spec = gpu
    assert MelConfig.from_json(constant(default_spec, "AudioExampleGen", "mel_config")) == MelConfig()
    _, spec = compile_spec(str(tmp_path), "--sample-rate", "16000", "--n-mels", "64", "--n-fft", "1024",
                           "--hop-length", "320", "--n-frames", "1501", "--no-baseline")
    expected = MelConfig(sample_rate=16000, n_mels=64, n_fft=1024, hop_length=320, n_frames=1501)
    assert MelConfig.from_json(constant(spec, "AudioExampleGen", "mel_config")) == expected
    for task in ("Transform", "Trainer"):
        custom = json.loads(constant(spec, task, "custom_config"))
        assert MelConfig.from_json(custom["mel_config"]) == expected, task


@pytest.mark.parametrize("flags", [["--precision", "fp8"], ["--xla", "yes"]])
def test_bad_precision_or_xla_is_a_usage_error(flags, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_kubeflow.main([*BASE, "--output", str(tmp_path / "p.json"), *flags])
    assert exit_info.value.code == 2
    assert f"{flags[0]}: invalid choice: '{flags[1]}'" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_unseen_tags_reach_the_trainer_and_leave_the_gate(tmp_path):
    _, spec = compile_spec(str(tmp_path), "--tags", "guitar,choir,piano,choral", "--unseen-tags", "choral",
                           "--joint-weight", "0.5")
    custom = json.loads(constant(spec, "Trainer", "custom_config"))
    assert (custom["unseen_tags"], custom["joint_weight"]) == (["choral"], 0.5)
    eval_config = json.loads(constant(spec, "Evaluator", "eval_config"))
    assert eval_config["metrics_specs"][1]["binarize"]["class_ids"]["values"] == [0, 1, 2, 3]  # per tag: all
    weights = eval_config["metrics_specs"][2]["aggregate"]["class_weights"]
    assert sorted(int(k) for k in weights) == [0, 1, 2]  # the gate's macro: the trained tags only


def test_cpu_trainer_one_image_direct_runner(tmp_path):
    _, spec = compile_spec(str(tmp_path), "--gpus", "0", "--no-baseline")
    assert "Evaluator" in spec.root.dag.tasks
    assert not [t for t in spec.root.dag.tasks if "resolver" in t]
    assert "baseline_model" not in spec.root.dag.tasks["Evaluator"].inputs.artifacts
    assert "max_regression" not in spec.root.dag.tasks["ModelCardWriter"].inputs.parameters  # no baseline
    found = containers(spec)
    assert {c.image for c in found.values()} == {IMAGE}
    resources = found["Trainer"].resources
    assert not resources.HasField("accelerator")
    assert (resources.cpu_limit, resources.memory_limit) == (8.0, 32.0)
    assert list(found["Transform"].args)[-4:] == [
        "--runner=DirectRunner", f"--sdk_container_image={IMAGE}", *run_kubeflow.DIRECT_RUNNER_ARGS]


def test_beam_defaults_per_runner():
    image = [f"--sdk_container_image={IMAGE}"]
    timeout = f"--job_server_timeout={JOB_SERVER_TIMEOUT_S}"  # a job service outside the launcher
    assert run_kubeflow.beam_args("FlinkRunner", IMAGE, "s3://b/r", ["--flink_master=fm:8081"]) == [
        "--runner=FlinkRunner", *image, "--environment_type=DOCKER", f"--environment_config={IMAGE}", timeout,
        "--flink_master=fm:8081"]
    external = ["--environment_type=EXTERNAL", "--environment_config=localhost:50000"]
    assert run_kubeflow.beam_args("SparkRunner", IMAGE, "gs://b", external) == [
        "--runner=SparkRunner", *image, timeout, *external]
    assert run_kubeflow.beam_args("PortableRunner", IMAGE, "gs://b", ["--job_server_timeout=60"]) == [
        "--runner=PortableRunner", *image, "--environment_type=DOCKER", f"--environment_config={IMAGE}",
        "--job_server_timeout=60"]
    assert run_kubeflow.beam_args("DataflowRunner", IMAGE, "s3://b", ["--setup_file=/pipeline/setup.py"]) == [
        "--runner=DataflowRunner", "--setup_file=/pipeline/setup.py"]
    assert run_kubeflow.beam_args("DirectRunner", IMAGE, "gs://b", ["--direct_num_workers=8"]) == [
        "--runner=DirectRunner", *image, "--direct_num_workers=8"]


@pytest.mark.parametrize("flags", [
    ["--beam-arg=--runner=DataflowRunner"], ["--gpu-type", "t4"], ["--pipeline-name", "mtat_tagging"],
    ["--output", "p.yaml"], ["--gpus", "-1"], ["--n-fft", "256", "--hop-length", "512"], ["--n-mels", "0"],
    ["--endpoint", "http://127.0.0.1:9"],  # open-source KFP: the resolver needs --no-baseline
    ["--unseen-tags", "choral"],  # without --tags the label column of 'choral' is unknown here
    ["--tags", "guitar,choir", "--unseen-tags", "choral"],  # not among the tags
])
def test_bad_flags_exit_2_before_compiling(flags, tmp_path, capsys):
    assert run_kubeflow.main([*BASE, "--output", str(tmp_path / "p.json"), *flags]) == 2
    assert "error:" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_audio_example_gen_runs_through_the_kfp_container_entrypoint(tmp_path):
    """What a KFP pod runs: the compiled command line, the executor input the launcher writes."""
    from tfx.orchestration.kubeflow.v2.container import kubeflow_v2_run_executor

    import sample_music

    data = tmp_path / "data"
    sample_music.generate(str(data), clips=8, seed=7, faults=True, progress=False)
    faults = json.loads((data / "faults.json").read_text())
    out = tmp_path / "out"
    job, spec = compile_spec(str(tmp_path), "--data-root", str(data), "--data-only",
                             "--beam-arg=--direct_running_mode=in_memory")
    task, component = spec.root.dag.tasks["AudioExampleGen"], spec.components["AudioExampleGen"]
    executor_input = {
        "inputs": {"parameterValues": {k: json_format.MessageToDict(v.runtime_value.constant)
                                       for k, v in task.inputs.parameters.items()}},
        "outputs": {"outputFile": str(out / "executor_output.json"), "artifacts": {
            key: {"artifacts": [{"name": f"projects/p/artifacts/{key}", "uri": str(out / key),
                                 "type": json_format.MessageToDict(value.artifact_type)}]}
            for key, value in component.output_definitions.artifacts.items()}},
    }
    args = [json.dumps(executor_input) if a == "{{$}}" else a for a in containers(spec)["AudioExampleGen"].args]
    kubeflow_v2_run_executor.main(kubeflow_v2_run_executor._parse_flags(args))

    output = json.loads((out / "executor_output.json").read_text())
    assert set(output["artifacts"]) == {"examples", "rejects"}
    with open(out / "rejects" / "rejects.jsonl") as f:
        rejects = [json.loads(line) for line in f]
    assert sorted(int(r["clip_id"]) for r in rejects) == sorted(map(int, faults))
    assert output["artifacts"]["examples"]["artifacts"][0]["metadata"]["num_train"] == 12 - len(faults)
    assert glob.glob(str(out / "examples" / "Split-train" / "data_tfrecord-*"))


# --- submission: kfp.Client against a fake KFP v2beta1 API ---------------------------------------------


class FakeKfp(BaseHTTPRequestHandler):
    """The KFP v2beta1 endpoints kfp 2.5's Client calls to upload a pipeline and start a run."""

    calls: list = []
    pipelines: dict = {}  # name -> {"id": ..., "versions": [(version id, package dict)]}

    def log_message(self, *args):
        pass

    def _reply(self, payload, status=200):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self, method):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = None
        if raw and self.headers.get_content_type() == "multipart/form-data":
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + raw)
            body = {part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
                    for part in message.iter_parts()}
        elif raw:
            body = json.loads(raw)
        self.calls.append((method, url.path, query, body))
        return url.path, query, body

    def _find(self, query, items, key):
        wanted = json.loads(query.get("filter") or '{"predicates": []}')["predicates"]
        names = [p["stringValue"] for p in wanted if p["key"] == "display_name"]
        return [item for item in items if not names or item[key] in names]

    def do_GET(self):
        path, query, _ = self._record("GET")
        if path == "/apis/v2beta1/healthz":
            return self._reply({"multi_user": False, "commit_sha": "fake", "tag_name": "2.0.5"})
        if path == "/apis/v2beta1/pipelines":
            found = self._find(query, [{"pipeline_id": p["id"], "display_name": n} for n, p in self.pipelines.items()],
                               "display_name")
            return self._reply({"pipelines": found, "total_size": len(found)} if found else {})
        if path.startswith("/apis/v2beta1/pipelines/") and path.endswith("/versions"):
            pipeline_id = path.split("/")[-2]
            versions = [v for p in self.pipelines.values() if p["id"] == pipeline_id for v in p["versions"]]
            return self._reply({"pipeline_versions": [{"pipeline_id": pipeline_id, "pipeline_version_id": v[0],
                                                       "display_name": v[0]} for v in reversed(versions)],
                                "total_size": len(versions)})
        if path == "/apis/v2beta1/experiments":
            return self._reply({})  # no experiment yet: the client creates it
        return self._reply({"error": path}, 404)

    def do_POST(self):
        path, query, body = self._record("POST")
        if path == "/apis/v2beta1/pipelines/upload":
            pipeline_id = f"pipeline-{len(self.pipelines) + 1}"
            self.pipelines[query["name"]] = {"id": pipeline_id, "versions": [(f"{pipeline_id}-v1", body)]}
            return self._reply({"pipeline_id": pipeline_id, "display_name": query["name"]})
        if path == "/apis/v2beta1/pipelines/upload_version":
            pipeline = next(p for p in self.pipelines.values() if p["id"] == query["pipelineid"])
            version_id = f"{query['pipelineid']}-v{len(pipeline['versions']) + 1}"
            pipeline["versions"].append((version_id, body))
            return self._reply({"pipeline_id": query["pipelineid"], "pipeline_version_id": version_id,
                                "display_name": query["name"]})
        if path == "/apis/v2beta1/experiments":
            return self._reply({"experiment_id": "experiment-1", **body})
        if path == "/apis/v2beta1/runs":
            return self._reply({"run_id": f"run-{len(self.calls)}", "state": "PENDING", **body})
        return self._reply({"error": path}, 404)


@pytest.fixture
def kfp_server(monkeypatch, tmp_path):
    from kfp.client import client

    monkeypatch.setattr(client.Client, "_LOCAL_KFP_CONTEXT", str(tmp_path / "no-context.json"))
    FakeKfp.calls, FakeKfp.pipelines = [], {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKfp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_upload_and_run_on_kfp(kfp_server, tmp_path, capsys):
    out = str(tmp_path / "p.json")
    flags = [*BASE, "--output", out, "--no-baseline", "--endpoint", kfp_server, "--experiment", "mtat",
             "--run-name", "first"]
    assert run_kubeflow.main(flags) == 0
    with open(out) as f:
        compiled = json.load(f)["pipelineSpec"]
    trainer = compiled["deploymentSpec"]["executors"]["Trainer_executor"]["container"]
    assert trainer["resources"]["accelerator"] == {"count": "1", "type": "nvidia.com/gpu"}  # the defaults

    (_, _, upload_query, upload), = [c for c in FakeKfp.calls if c[1] == "/apis/v2beta1/pipelines/upload"]
    assert upload_query["name"] == "mtat-tagging"
    assert yaml.safe_load(upload["uploadfile"]) == compiled
    (_, _, _, experiment), = [c for c in FakeKfp.calls if c[:2] == ("POST", "/apis/v2beta1/experiments")]
    assert experiment["display_name"] == "mtat"
    (_, _, _, run), = [c for c in FakeKfp.calls if c[1] == "/apis/v2beta1/runs"]
    assert run["display_name"] == "first" and run["experiment_id"] == "experiment-1"
    assert run["runtime_config"]["pipeline_root"] == "gs://bucket/root"
    assert run["pipeline_version_reference"] == {"pipeline_id": "pipeline-1", "pipeline_version_id": "pipeline-1-v1"}
    assert "started run first: id run-" in capsys.readouterr().out

    # The same pipeline again: a new version of it, and a run of that version.
    run_id = run_kubeflow.submit(run_kubeflow.package_path(out), endpoint=kfp_server, pipeline_name="mtat-tagging",
                                 pipeline_root="gs://bucket/root", experiment="mtat", run_name="second")
    (_, _, version_query, version), = [c for c in FakeKfp.calls if c[1] == "/apis/v2beta1/pipelines/upload_version"]
    assert (version_query["pipelineid"], version_query["name"]) == ("pipeline-1", "second")
    assert yaml.safe_load(version["uploadfile"]) == compiled
    runs = [c[3] for c in FakeKfp.calls if c[1] == "/apis/v2beta1/runs"]
    assert runs[-1]["pipeline_version_reference"]["pipeline_version_id"] == "pipeline-1-v2"
    assert run_id.startswith("run-")


# --- TF Serving manifests ---------------------------------------------------------------------------


def test_tf_serving_manifests_agree():
    docs = []
    for path in glob.glob(os.path.join(ROOT, "deploy", "*.yaml")):
        with open(path) as f:
            docs += [d for d in yaml.safe_load_all(f) if d]
    (deployment,), (service,) = ([d for d in docs if d["kind"] == kind] for kind in ("Deployment", "Service"))
    pod = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    (server,) = pod["spec"]["containers"]
    assert server["image"].startswith("tensorflow/serving")
    args = dict(a.lstrip("-").split("=", 1) for a in server["args"])
    assert args["model_name"] == "tagger"
    assert args["model_base_path"] == "$(MODEL_BASE_PATH)"
    env = {e["name"]: e["value"] for e in server["env"]}
    assert env["MODEL_BASE_PATH"].endswith("/serving_model/tagger")
    ports = {p["name"]: p["containerPort"] for p in server["ports"]}
    assert ports == {"grpc": 8500, "http": 8501}
    assert (args["port"], args["rest_api_port"]) == ("8500", "8501")
    assert {(p["port"], p["targetPort"]) for p in service["spec"]["ports"]} == {(8500, "grpc"), (8501, "http")}
    probe = server["readinessProbe"]["httpGet"]
    assert probe["path"] == "/v1/models/tagger" and ports[probe["port"]] == 8501
