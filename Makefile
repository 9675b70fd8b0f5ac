# Two commands do everything on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.10 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
SAMPLE_DIR ?= data/sample
SAMPLE_CLIPS ?= 300
RUN_ARGS ?=
PYTEST_ARGS ?=

export TF_USE_LEGACY_KERAS := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::FutureWarning

.PHONY: install run sample test test-fast lint clean bench real-music

## install: create or update .venv (Python 3.10) with the pinned stack; a no-op when nothing changed
install: $(VENV)/.installed

$(VENV)/.installed: setup.py constraints.txt requirements-nodeps.txt Makefile scripts/install.sh scripts/precompile.py
	@test -x $(BIN)/python || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 10), f"need Python 3.10, {sys.executable} is {sys.version}"'
	@# the one install path, the Dockerfile's too: pip bootstraps uv, uv installs the pinned stack
	@# (docs/design.md, "The install"), then the --no-deps packages and the byte-compile step
	scripts/install.sh $(BIN)/python
	@touch $@

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

## real-music: fetch the real-music check set (Debian packages, no system install) into ~/.cache/mtat-tagger/real-music (REAL_MUSIC_ARGS="--ci" for the two small sets)
real-music: install
	$(BIN)/python -m benchmarks.real_music_fetch $(REAL_MUSIC_ARGS)

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
