# Project image for Kubeflow Pipelines: the TFX base image matches the pinned stack (Python 3.10, TFX 1.16).
FROM tensorflow/tfx:1.16.0

WORKDIR /pipeline
ENV TF_USE_LEGACY_KERAS=1 \
    PYTHONUNBUFFERED=1

COPY setup.py pyproject.toml constraints.txt ./
COPY mtat ./mtat
COPY components ./components
COPY trainer ./trainer
COPY pipelines ./pipelines
RUN pip install --no-cache-dir -c constraints.txt -e . \
 && pip install --no-cache-dir --no-deps -c constraints.txt tinysoundfont
