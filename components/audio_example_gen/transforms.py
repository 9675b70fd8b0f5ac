"""Beam stages of AudioExampleGen: clip record -> decoded, resampled log-mel tf.Example, or a reject.

Each stage is a small function on a dict with Beam metrics counters; expensive state (the
filterbank, SciPy's FFT plan) is built once per worker in ``DoFn.setup()``. Nothing here imports
TensorFlow: the log-mel is :func:`mtat.features.log_mel_numpy` (the TF graph's numbers in NumPy)
and examples are serialised by :mod:`example_bytes`, so a Beam worker process starts without TF.
"""
from __future__ import annotations

import ctypes
import json
from collections.abc import Iterator, Sequence
from typing import Any

import apache_beam as beam
import numpy as np

from components.audio_example_gen.example_bytes import bytes_feature, int64_feature, serialize_example
from components.audio_example_gen.fast_crc32c import use_hardware_crc32c
from mtat.annotations import Reject, resolve_clip_path
from mtat.audio import AudioError, load_audio
from mtat.features import (
    CLIP_ID_KEY,
    LABEL_KEY,
    MEL_CONFIG_KEY,
    MEL_KEY,
    MEL_SHAPE_KEY,
    PATH_KEY,
    MelConfig,
    encode_mel,
    fit_to_clip,
    log_mel_numpy,
)

REJECTS_TAG = "rejects"
NAMESPACE = "audio_example_gen"

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def tune_malloc() -> None:
    """Keep glibc from mmapping and returning every large array (~3 ms of page faults per clip)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 256 * 1024 * 1024)
        libc.mallopt(_M_TRIM_THRESHOLD, 1024 * 1024 * 1024)
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


def make_example(clip_id: int, mp3_path: str, mel: np.ndarray, labels: Sequence[int], config: MelConfig) -> bytes:
    """Serialise one clip as a tf.Example (mel as raw ``storage_dtype`` bytes, dense multi-hot labels)."""
    return serialize_example({
        CLIP_ID_KEY: int64_feature([clip_id]),
        PATH_KEY: bytes_feature([mp3_path.encode("utf-8")]),
        MEL_KEY: bytes_feature([encode_mel(mel, config)]),
        MEL_SHAPE_KEY: int64_feature(config.mel_shape),
        MEL_CONFIG_KEY: bytes_feature([config.describe().encode()]),
        LABEL_KEY: int64_feature(labels),
    })


def audio_reject(record: dict, reason: str, message: str) -> dict:
    """A reject row for a clip whose audio could not be used."""
    return Reject(str(record["clip_id"]), record["mp3_path"], reason, f"line {record['row']}: {message}",
                  record["row"], stage="audio").to_dict()


class ExtractFeaturesDoFn(beam.DoFn):
    """``{clip_id, mp3_path, split, labels, row}`` -> ``(split, serialized tf.Example)`` or a reject.

    Never raises on bad input: every failure goes to the ``rejects`` output with a reason.
    """

    def __init__(self, data_root: str, mel_config_json: str, min_seconds: float):
        self._data_root = data_root
        self._mel_config_json = mel_config_json
        self._min_seconds = min_seconds
        self._decoded = beam.metrics.Metrics.counter(NAMESPACE, "clips_decoded")
        self._rejected = beam.metrics.Metrics.counter(NAMESPACE, "clips_rejected")

    def setup(self) -> None:
        tune_malloc()
        use_hardware_crc32c()  # the TFRecord write of this worker's examples is fused into its process
        self._config = MelConfig.from_json(self._mel_config_json)
        log_mel_numpy(np.zeros(self._config.clip_samples, np.float32), self._config)  # filterbank, FFT plan

    def process(self, record: dict) -> Iterator[Any]:
        try:
            yield self._extract(record)
            self._decoded.inc()
        except AudioError as err:
            self._rejected.inc()
            beam.metrics.Metrics.counter(NAMESPACE, f"rejected_{err.reason}").inc()
            yield beam.pvalue.TaggedOutput(REJECTS_TAG, audio_reject(record, err.reason, str(err)))
        except Exception as err:  # a bad clip must never fail the run
            self._rejected.inc()
            beam.metrics.Metrics.counter(NAMESPACE, "rejected_error").inc()
            message = f"{type(err).__name__}: {err}"
            yield beam.pvalue.TaggedOutput(REJECTS_TAG, audio_reject(record, "error", message))

    def _extract(self, record: dict) -> tuple[str, bytes]:
        cfg = self._config
        try:
            path = resolve_clip_path(self._data_root, record["mp3_path"])
        except ValueError as err:
            raise AudioError("unsafe_path", str(err)) from None
        wave = load_audio(path, cfg.sample_rate, min_seconds=self._min_seconds,
                          max_seconds=cfg.clip_seconds + 1.0)
        mel = log_mel_numpy(fit_to_clip(wave, cfg), cfg, cfg.storage_dtype)
        if not np.all(np.isfinite(mel)):
            raise AudioError("non_finite", f"log-mel has NaN/Inf: {path}")
        example = make_example(record["clip_id"], record["mp3_path"], mel, record["labels"], cfg)
        return record["split"], example


@beam.ptransform_fn
def ExtractExamples(records: beam.PCollection, data_root: str, config: MelConfig, min_seconds: float):
    """Clip records -> tagged outputs ``examples`` ((split, bytes)) and ``rejects`` (dicts)."""
    return (
        records
        | "Reshuffle" >> beam.Reshuffle()
        | "DecodeAndMel" >> beam.ParDo(ExtractFeaturesDoFn(data_root, config.to_json(), min_seconds))
        .with_outputs(REJECTS_TAG, main="examples")
    )


# The executor's small Beam functions live here, not in executor.py: Beam pickles a function by
# reference to its module, and a worker that unpickled a lambda of executor.py imported the
# executor's TFX and TensorFlow (~5 s of start-up per worker process) to get at it.

def to_json_line(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def in_split(keyed: tuple[str, Any], split: str) -> bool:
    """Whether a ``(split, example)`` pair belongs to ``split``."""
    return keyed[0] == split


def sorted_text(lines: list[str]) -> str:
    """Lines sorted and joined: one deterministic file body."""
    return "\n".join(sorted(lines))
