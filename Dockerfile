# Project image for Kubeflow Pipelines: every pipeline component runs in it, and so do remote Beam
# workers (Dataflow --sdk_container_image, Flink/Spark DOCKER environment).
#
#   docker build -t REGISTRY/mtat:1 .                                  # make image IMAGE=REGISTRY/mtat:1
#   docker build --build-arg GPU=1 -t REGISTRY/mtat-gpu:1 .            # make image-gpu: TF's own CUDA wheels
#   docker build --build-arg EXTRA_PACKAGES="tensorflow-io==0.37.1 apache-beam[aws]==2.59.0" ...  # s3:// paths
#
# The base: TFX 1.16's release image is built (tfx/tools/docker at v1.16.0) on Google's Deep Learning
# Container gcr.io/deeplearning-platform-release/tf2-gpu.<TF>.py310 (conda Python 3.10 in /opt/conda,
# CUDA libraries) with pip's tensorflow 2.16 on top, and its ENTRYPOINT is the Beam SDK harness
# (/opt/apache/beam/boot). Kubeflow sets the container command itself; keep that entrypoint so the
# image also works as a Beam worker container. Whether TF sees the GPU in the plain image can only be
# checked on a GPU node (README, "Kubeflow Pipelines and TF Serving"); GPU=1 adds
# tensorflow[and-cuda], TF 2.16's own CUDA 12.3 / cuDNN 8.9 wheels, for the Trainer image.
ARG BASE=tensorflow/tfx:1.16.0
FROM ${BASE}

WORKDIR /pipeline
ENV TF_USE_LEGACY_KERAS=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_NO_CACHE=1

# Installed exactly as `make install` installs .venv, by the same script (scripts/install.sh: pip
# bootstraps uv, uv installs with constraints.txt, then requirements-nodeps.txt --no-deps;
# tests/test_install.py checks that nothing here installs any other way).
# 1. Dependencies, pinned like the local .venv, in a layer that survives code edits (the packages
#    are empty folders here, so this installs only setup.py's requirements).
COPY setup.py pyproject.toml constraints.txt requirements-nodeps.txt ./
COPY scripts/install.sh scripts/precompile.py ./scripts/
RUN mkdir -p mtat sample_music components trainer pipelines tagger_cli \
 && scripts/install.sh python --deps-only

# GPU=1: TF's CUDA wheels, their library folders registered with the loader (ldconfig).
ARG GPU=0
RUN if [ "$GPU" = 1 ]; then \
      scripts/install.sh python --extra "tensorflow[and-cuda]==2.16.2" \
      && python -c "import glob, nvidia; print('\n'.join(sorted(glob.glob(list(nvidia.__path__)[0] + '/*/lib'))))" \
           > /etc/ld.so.conf.d/zz-tensorflow-cuda-wheels.conf \
      && ldconfig; \
    fi

ARG EXTRA_PACKAGES=""
RUN if [ -n "$EXTRA_PACKAGES" ]; then scripts/install.sh python --extra $EXTRA_PACKAGES; fi

# 2. The project itself (also the --setup_file=/pipeline/setup.py source for remote Beam workers),
#    then what it imports byte-compiled (an import error fails the build).
COPY mtat ./mtat
COPY sample_music ./sample_music
COPY components ./components
COPY trainer ./trainer
COPY pipelines ./pipelines
COPY tagger_cli ./tagger_cli
RUN scripts/install.sh python --project-only
