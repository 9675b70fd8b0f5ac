# Two commands do everything on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.10 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv pip install -q --python $(BIN)/python
SAMPLE_DIR ?= data/sample
SAMPLE_CLIPS ?= 300
RUN_ARGS ?=
PYTEST_ARGS ?=

export TF_USE_LEGACY_KERAS := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::FutureWarning

.PHONY: install run sample test test-fast lint clean bench

## install: create or update .venv (Python 3.10) with the pinned stack; a no-op when nothing changed
install: $(VENV)/.installed

$(VENV)/.installed: setup.py constraints.txt requirements-nodeps.txt Makefile
	@test -x $(BIN)/python || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 10), f"need Python 3.10, {sys.executable} is {sys.version}"'
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt "pip<25" wheel uv
	@# uv installs the pinned packages in parallel and byte-compiles nothing: 2-3x faster than pip
	@# (docs/design.md, "The install"); what is never imported is never compiled
	$(UV) -c constraints.txt -e ".[test]" --config-settings editable_mode=compat
	@# the packages whose declared dependencies we do not install (why: see requirements-nodeps.txt)
	$(UV) --no-deps -c constraints.txt -r requirements-nodeps.txt
	@# byte-compile what the project imports now, even where PYTHONDONTWRITEBYTECODE is set
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -c "$$PRECOMPILE_PY"
	@touch $@

# Imports every module of the project, the TFX executors a local run uses and the test tools, so
# that their bytecode (and their dependencies', TensorFlow's, Beam's, ...) is written once at install.
define PRECOMPILE_PY
import importlib, pkgutil
names = ["pytest", "hypothesis", "selenium.webdriver", "tfx.orchestration.local.local_dag_runner"]
names += [f"tfx.components.{c}.executor" for c in (
    "statistics_gen", "schema_gen", "example_validator", "transform", "trainer", "evaluator", "pusher")]
for package in ("mtat", "sample_music", "components", "trainer", "pipelines", "tagger_cli"):
    names += [m.name for m in pkgutil.walk_packages(importlib.import_module(package).__path__, package + ".")
              if not m.name.endswith(".__main__")]
for name in names:
    importlib.import_module(name)
print(f"byte-compiled {len(names)} modules and what they import")
endef
export PRECOMPILE_PY

## sample: generate the sample MTAT-format data set when missing
sample: $(SAMPLE_DIR)/annotations_final.csv

$(SAMPLE_DIR)/annotations_final.csv: | $(VENV)/.installed
	$(BIN)/python -m sample_music $(SAMPLE_DIR) --clips $(SAMPLE_CLIPS) --seed 0 --faults

## run: the local TFX pipeline on the sample data
run: install sample
	$(BIN)/python pipelines/run_local.py --data-root $(SAMPLE_DIR) $(RUN_ARGS)

## test: every test, end-to-end pipeline included (pytest exit 5 = no tests collected is an error)
test: install
	@$(BIN)/python -m pytest $(PYTEST_ARGS) tests; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests (exit 5): that is a failure here" >&2; fi; exit $$rc

## lint: ruff (rules in pyproject.toml)
lint: install
	$(BIN)/ruff check .

## test-fast: unit tests only
test-fast: install
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS) tests

## bench: every benchmark -> its marked sections of benchmarks/results.md (~35 min from a fresh clone, estimated; BENCH_ARGS="--only extract" for one)
bench: install
	$(BIN)/python -m benchmarks.run_all $(BENCH_ARGS)

clean:
	rm -rf pipeline_output serving_model $(SAMPLE_DIR)

## image: the project image for Kubeflow Pipelines (needs Docker); push it where the cluster can pull it
IMAGE ?= mtat-tagger:latest
.PHONY: image image-gpu
image:
	docker build -t $(IMAGE) .

## image-gpu: the same image plus TF's CUDA wheels, for --trainer-image (see README)
image-gpu:
	docker build --build-arg GPU=1 -t $(IMAGE)-gpu .
