"""AudioExampleGen executor: annotations + audio folders -> per-split TFRecords and a rejects report."""
from __future__ import annotations

import json
import logging
import os
from collections import Counter
from typing import Any

import apache_beam as beam
import tensorflow as tf
from tfx import types
from tfx.dsl.components.base import base_beam_executor
from tfx.types import artifact_utils

from components.audio_example_gen.fast_crc32c import use_hardware_crc32c
from components.audio_example_gen.transforms import REJECTS_TAG, ExtractExamples, in_split, sorted_text, to_json_line
from mtat.annotations import ANNOTATIONS_FILE, load_annotations, multi_hot
from mtat.features import METADATA_FILE, MelConfig
from mtat.splits import SPLITS, assign_splits, load_split_files
from mtat.tags import check_tags, top_k_tags

EXAMPLES_KEY = "examples"
REJECTS_KEY = "rejects"
REJECTS_FILE = "rejects.jsonl"
COUNTS_FILE = "example_counts.json"

log = logging.getLogger(__name__)


class NoUsableClipsError(RuntimeError):
    """Every row or clip was rejected: there is nothing to train on."""


def plan_clips(data_root: str, *, top_k: int, tags: list[str] | None, split_dir: str | None,
               annotations_file: str = ANNOTATIONS_FILE) -> tuple[list[str], list[dict], list[dict]]:
    """Parse the CSV, choose the tags and splits. Returns ``(tags, clip records, csv rejects)``."""
    ann = load_annotations(data_root, annotations_file)
    if tags:
        chosen = check_tags(tags, ann.tag_columns)
    else:
        chosen = top_k_tags(ann.tag_counts(), top_k, ann.tag_columns)
        if not chosen:
            raise ValueError(f"no tag has a positive label in {os.path.join(data_root, annotations_file)}")
    split_map = load_split_files(split_dir) if split_dir else None
    by_split, split_rejects = assign_splits(ann.rows, split_map)
    records = [
        {"clip_id": r.clip_id, "mp3_path": r.mp3_path, "split": split, "row": r.row,
         "labels": multi_hot(r.tags, chosen)}
        for split, rows in by_split.items() for r in rows
    ]
    rejects = [r.to_dict() for r in (*ann.rejects, *split_rejects)]
    return chosen, records, rejects


def _write_single(values: beam.PCollection, path: str, label: str):
    """Write a small PCollection of JSON lines to exactly one file (sorted, deterministic)."""
    return (
        values
        | f"{label}ToList" >> beam.combiners.ToList()
        | f"{label}Sort" >> beam.Map(sorted_text)
        | f"{label}Write" >> beam.io.WriteToText(path, shard_name_template="", num_shards=1)
    )


class Executor(base_beam_executor.BaseBeamExecutor):
    """Runs the plan on the driver, the audio work in Beam, then checks and records the outcome."""

    def Do(self, input_dict: dict[str, list[types.Artifact]], output_dict: dict[str, list[types.Artifact]],
           exec_properties: dict[str, Any]) -> None:
        data_root = exec_properties["data_root"]
        config = MelConfig.from_json(exec_properties["mel_config"])
        given_tags = json.loads(exec_properties.get("tags") or "null")
        tags, records, csv_rejects = plan_clips(
            data_root, top_k=int(exec_properties["top_k"]), tags=given_tags,
            split_dir=exec_properties.get("split_dir") or None,
            annotations_file=exec_properties.get("annotations_file") or ANNOTATIONS_FILE,
        )
        examples = artifact_utils.get_single_instance(output_dict[EXAMPLES_KEY])
        rejects_artifact = artifact_utils.get_single_instance(output_dict[REJECTS_KEY])
        examples.split_names = artifact_utils.encode_split_names(list(SPLITS))
        counts_path = os.path.join(rejects_artifact.uri, COUNTS_FILE)
        rejects_path = os.path.join(rejects_artifact.uri, REJECTS_FILE)
        log.info("AudioExampleGen: %d clips to extract, %d rows rejected from the CSV, %d tags",
                 len(records), len(csv_rejects), len(tags))

        use_hardware_crc32c()  # for writes in this process (in_memory / multi_threading runners)
        with self._make_beam_pipeline() as p:
            outputs = (
                p
                | "Clips" >> beam.Create(records, reshuffle=False)  # ExtractExamples reshuffles
                | "Extract" >> ExtractExamples(data_root, config, float(exec_properties["min_seconds"]))
            )
            keyed = outputs.examples
            for split in SPLITS:
                split_uri = artifact_utils.get_split_uri([examples], split)
                _ = (
                    keyed
                    | f"Select{split}" >> beam.Filter(in_split, split)
                    | f"Bytes{split}" >> beam.Values()
                    | f"Write{split}" >> beam.io.WriteToTFRecord(os.path.join(split_uri, "data_tfrecord"))
                )
            _write_single(
                keyed | "SplitKeys" >> beam.Keys() | "Count" >> beam.combiners.Count.PerElement()
                | "CountJson" >> beam.Map(to_json_line), counts_path, "Counts")
            all_rejects = (
                (outputs[REJECTS_TAG], p | "CsvRejects" >> beam.Create(csv_rejects))
                | "AllRejects" >> beam.Flatten()
                | "RejectJson" >> beam.Map(to_json_line)
            )
            _write_single(all_rejects, rejects_path, "Rejects")

        counts = read_counts(counts_path)
        rejects = read_rejects(rejects_path)
        by_reason = Counter(r["reason"] for r in rejects)
        metadata = {"tags": tags, "mel_config": config.to_dict(), "examples": counts,
                    "num_rejects": len(rejects), "rejects_by_reason": dict(by_reason)}
        with tf.io.gfile.GFile(os.path.join(examples.uri, METADATA_FILE), "w") as f:
            f.write(json.dumps(metadata, indent=1))
        examples.set_string_custom_property("tags", json.dumps(tags))
        examples.set_string_custom_property("mel_config", config.to_json())
        for split in SPLITS:
            examples.set_int_custom_property(f"num_{split}", counts.get(split, 0))
        rejects_artifact.set_int_custom_property("num_rejects", len(rejects))
        rejects_artifact.set_string_custom_property("rejects_by_reason", json.dumps(dict(by_reason)))
        log.info("AudioExampleGen: examples %s; %d rejects %s", counts, len(rejects), dict(by_reason))
        if sum(counts.values()) == 0:
            sample = "; ".join(r["message"] for r in rejects[:3])
            raise NoUsableClipsError(
                f"all {len(rejects)} rows/clips under {data_root} were rejected, no examples written "
                f"(reasons {dict(by_reason)}; e.g. {sample}). Full list: {rejects_path}")


def read_counts(path: str) -> dict[str, int]:
    """``{split: n_examples}`` from the counts file (splits with no example are 0)."""
    counts = {s: 0 for s in SPLITS}
    for line in _read_lines(path):
        split, n = json.loads(line)
        counts[split] = int(n)
    return counts


def read_rejects(path: str) -> list[dict]:
    """The rejects report: one dict per rejected row or clip (clip_id, path, reason, message, row, stage)."""
    return [json.loads(line) for line in _read_lines(path)]


def _read_lines(path: str) -> list[str]:
    if not tf.io.gfile.exists(path):
        return []
    with tf.io.gfile.GFile(path) as f:
        return [line for line in f.read().splitlines() if line.strip()]
