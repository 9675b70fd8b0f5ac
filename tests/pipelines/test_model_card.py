"""The model card: built from a run's numbers, rendered as self-contained HTML whose numbers are the JSON's."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from mtat import thresholds as th
from pipelines import model_card


class _Cells(HTMLParser):
    """Every element with a ``data-key``: ``{key: its text}``; also the tags seen and any URL attribute."""

    def __init__(self):
        super().__init__()
        self.cells: dict[str, str] = {}
        self.urls: list[str] = []
        self.svgs = 0
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.svgs += tag == "svg"
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]
        self._open.append(a.get("data-key"))
        if a.get("data-key"):
            self.cells[a["data-key"]] = ""

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for key in self._open:
            if key:
                self.cells[key] += data


def _lookup(card: dict, key: str):
    """The value at a ``data-key`` path (tag names may contain dots and spaces: per-tag keys are split by hand)."""
    for prefix in ("quality.per_tag.", "data.tag_positives."):
        if key.startswith(prefix):
            tag, field = key[len(prefix):].rsplit(".", 1)
            return card[prefix.split(".")[0]][prefix.split(".")[1]][tag][field]
    node = card
    for part in key.split("."):
        node = node[part]
    return node


@pytest.fixture(scope="module")
def card():
    rng = np.random.default_rng(0)
    tags = ["guitar", "piano", "rock music", "a<b"]
    val_y = (rng.random((40, 4)) < [0.5, 0.4, 0.3, 0.0]).astype(float)
    val_y[:2, 3] = 1  # 2 validation positives
    val_p = np.clip(val_y * 0.5 + rng.random((40, 4)) * 0.5, 0, 1)
    test_y = (rng.random((60, 4)) < [0.5, 0.4, 0.3, 0.05]).astype(float)
    test_p = np.clip(test_y * 0.5 + rng.random((60, 4)) * 0.5, 0, 1)
    info = {"tags": tags, "label_tags": tags, "preset": "small", "joint": None,
            "training": {"preset": "small", "epochs": 3, "epochs_run": 3, "fit_seconds": 12.5, "cpu": "Test CPU"},
            **th.threshold_info(val_p, val_y, tags)}
    summary = {"examples": {"train": 100, "eval": 40, "test": 60},
               "rejects": [{"clip_id": 1, "path": "x.mp3", "reason": "corrupt_audio", "message": "bad"}],
               "metrics": {"macro_roc_auc": 0.81234, "macro_pr_auc": 0.61234,
                           "per_tag_roc_auc": {t: 0.7 + 0.05 * k for k, t in enumerate(tags)},
                           "per_tag_pr_auc": {t: 0.5 + 0.05 * k for k, t in enumerate(tags)}},
               "blessed": True}
    quality = model_card.threshold_quality(test_p, test_y, info)
    return model_card.build_card(info=info, summary=summary, quality=quality, test_labels=test_y,
                                 test_probabilities=test_p, model_dir="/srv/serving/tagger/17",
                                 gate={"blessed": True, "min_auc": 0.6, "baseline_macro_roc_auc": None},
                                 train_positives={t: 10 + k for k, t in enumerate(tags)})


def test_card_json_has_every_section(card):
    assert card["model"]["version"] == "17" and card["model"]["name"] == "tagger"
    assert card["data"]["examples"]["test"] == 60 and card["data"]["rejects_by_reason"] == {"corrupt_audio": 1}
    assert card["data"]["tag_positives"]["piano"]["train"] == 11 and card["data"]["tag_positives"]["a<b"]["eval"] == 2
    assert card["training"]["cpu"] == "Test CPU" and card["gate"]["blessed"] is True
    rare = [t for t, v in card["quality"]["per_tag"].items() if v["rare"]]
    assert card["thresholds"]["fallback"] == rare and "a<b" in rare  # 2 validation positives: rare
    assert card["thresholds"]["shrinkage"] is None or card["thresholds"]["shrinkage"] > 2
    assert set(card["quality"]["reliability"]) == {"guitar", "piano", "rock music"}  # >= 5 test positives
    assert card["intended_use"] and card["limits"]
    json.dumps(card)  # JSON-serialisable


def test_card_html_numbers_match_the_json(card, tmp_path):
    path = model_card.write_card(str(tmp_path / "1"), card)
    text = open(path, encoding="utf-8").read()
    assert json.load(open(tmp_path / "1" / "assets.extra" / "model_card.json")) == card
    parser = _Cells()
    parser.feed(text)
    assert parser.urls == [] and not re.search(r"https?://", text)  # nothing fetched
    assert parser.svgs == len(card["quality"]["reliability"])
    assert "a&lt;b" in text and "<b (rare)" not in text  # tag names are escaped
    keys = parser.cells
    for needed in ("quality.macro_roc_auc", "quality.macro_pr_auc", "quality.micro.f1", "quality.best_global.f1",
                   "quality.per_tag.rock music.f1", "quality.per_tag.piano.roc_auc", "training.fit_seconds",
                   "data.examples.test", "data.tag_positives.piano.train", "gate.blessed"):
        assert needed in keys, needed
    checked = 0
    for key, shown in keys.items():
        value = _lookup(card, key)
        if isinstance(value, bool):
            assert shown == ("yes" if value else "no"), key
        elif isinstance(value, float):
            assert float(shown) == pytest.approx(value, abs=5e-5 if "fit_seconds" not in key else 0.05), key
            checked += 1
        elif value is None:
            assert shown == "–", key
        else:
            assert shown == str(value), key
    assert checked >= 4 * 6


def test_summary_lines_name_the_shrinkage_and_both_global_thresholds(card):
    q = {k: card["quality"][k] for k in ("examples", "micro", "macro_f1", "validation_global", "best_global")}
    text = model_card.format_threshold_quality({**q, "shrinkage": 20.0})
    assert "(shrinkage K 20)" in text and f"micro F1 {q['micro']['f1']:.4f}" in text
    assert f"validation's {q['validation_global']['threshold']:.3f}" in text and "upper bound" in text
    assert "shrinkage" not in model_card.format_threshold_quality({**q, "shrinkage": None})


def test_step_record_round_trip_and_gate_decision(tmp_path):
    record = {"thresholds": None, "model_card": None, "message": "no model card: the model was not pushed"}
    model_card.write_record(str(tmp_path / "card"), record)
    assert model_card.read_record(str(tmp_path / "card")) == record
    with pytest.raises(FileNotFoundError, match="not a ModelCardWriter output"):
        model_card.read_record(str(tmp_path))
    gate = model_card.gate_decision({"macro_roc_auc": 0.8, "baseline_macro_roc_auc": None}, True, 0.6, 0.01)
    assert gate["decision"].endswith("no earlier blessed model to compare with") and gate["min_auc"] == 0.6
    assert model_card.gate_decision({"baseline_macro_roc_auc": 0.7}, False, 0.6, None)["decision"] == "not blessed"
