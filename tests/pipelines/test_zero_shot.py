"""Zero-shot metrics of the run summary: aggregation, the seen/unseen split, the gate's tags."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from pipelines import results
from pipelines.config import PipelineConfig, seen_class_ids
from pipelines.zero_shot import summarize_zero_shot, zero_shot_metrics
from trainer.hparams import TrainingConfig

TAGS = ["guitar", "choir", "piano", "choral", "techno", "woman"]
UNSEEN = ["choral", "woman"]


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(0)
    labels = (rng.random((40, len(TAGS))) < 0.3).astype(int)
    labels[:, 4] = 0  # 'techno' has no positive: left out of every average
    scores = rng.random((40, len(TAGS))) + 0.8 * labels
    return labels, scores


def test_zero_shot_metrics_equal_sklearn(scored):
    labels, scores = scored
    got = zero_shot_metrics(labels, scores, TAGS, UNSEEN)
    assert got["tags"] == UNSEEN
    for j in (3, 5):
        assert got["per_tag_roc_auc"][TAGS[j]] == pytest.approx(roc_auc_score(labels[:, j], scores[:, j]), abs=1e-9)
        assert got["per_tag_pr_auc"][TAGS[j]] == pytest.approx(average_precision_score(labels[:, j], scores[:, j]))
    unseen = [3, 5]
    assert got["macro_roc_auc"] == pytest.approx(roc_auc_score(labels[:, unseen], scores[:, unseen], average="macro"))
    assert got["macro_pr_auc"] == pytest.approx(
        average_precision_score(labels[:, unseen], scores[:, unseen], average="macro"))
    scorable = [0, 1, 2, 3, 5]
    assert got["gzsl_macro_roc_auc"] == pytest.approx(
        roc_auc_score(labels[:, scorable], scores[:, scorable], average="macro"))
    # ROC-AUC is per tag over clips: a monotone recalibration of the unseen scores changes nothing
    recalibrated = scores.copy()
    recalibrated[:, unseen] = 2 * recalibrated[:, unseen] - 1
    assert zero_shot_metrics(labels, recalibrated, TAGS, UNSEEN)["gzsl_macro_roc_auc"] == pytest.approx(
        got["gzsl_macro_roc_auc"])


def test_unscorable_unseen_tags_give_none():
    assert summarize_zero_shot({"guitar": 0.8}, {"guitar": 0.5}, ["choral"]) is None


def test_split_zero_shot_keeps_seen_tags_in_the_metrics(scored):
    labels, scores = scored
    per_roc = {t: float(roc_auc_score(labels[:, j], scores[:, j])) for j, t in enumerate(TAGS) if labels[:, j].any()}
    per_pr = {t: 0.5 for t in per_roc}
    metrics = {"macro_roc_auc": 0.7, "macro_pr_auc": 0.4, "per_tag_roc_auc": per_roc, "per_tag_pr_auc": per_pr}
    seen, zero_shot = results.split_zero_shot(metrics, UNSEEN, joint=True)
    assert set(seen["per_tag_roc_auc"]) == {"guitar", "choir", "piano"} and seen["macro_roc_auc"] == 0.7
    assert zero_shot["per_tag_roc_auc"] == {t: per_roc[t] for t in UNSEEN}
    assert zero_shot["gzsl_macro_roc_auc"] == pytest.approx(np.mean(list(per_roc.values())))
    assert results.split_zero_shot(metrics, UNSEEN, joint=False)[1] is None
    assert results.split_zero_shot(metrics, [], joint=True) == (metrics, None)
    text = results.format_summary({"metrics": seen, "zero_shot": zero_shot})
    assert "zero-shot (2 unseen tags): macro ROC-AUC" in text and "choral" in text


def test_gate_covers_the_trained_tags_only():
    assert seen_class_ids(TAGS, UNSEEN) == [0, 1, 2, 4]
    assert seen_class_ids(TAGS, UNSEEN, candidates=[0, 3, 4]) == [0, 4]
    with pytest.raises(ValueError, match="'violin'"):
        seen_class_ids(TAGS, ["violin"])
    training = TrainingConfig(unseen_tags=tuple(UNSEEN))
    config = PipelineConfig("p", "/tmp/root", "/data", tags=TAGS, training=training)
    assert list(config.eval_class_ids) == [0, 1, 2, 4]
    with pytest.raises(ValueError, match="--tags"):
        PipelineConfig("p", "/tmp/root", "/data", training=training)
