"""A TFMA metric equal to sklearn's ``average_precision_score`` (the PR-AUC the literature reports).

TFMA's own PR-AUC loses the first recall step whenever the top-scored clip is a positive
(precision there is 0/0 = NaN and is summed as 0), which on a small test split moved macro
PR-AUC by >0.1 away from sklearn. Average precision weights each recall step by the precision
at the threshold that includes the new positive(s): ``sum((R[i] - R[i+1]) * P[i])``.
"""
from __future__ import annotations

import numpy as np
from tensorflow_model_analysis.metrics import binary_confusion_matrices, confusion_matrix_metrics, metric_types

AVERAGE_PRECISION_NAME = "average_precision"


class AveragePrecision(confusion_matrix_metrics.AUCPrecisionRecall):
    """Average precision over ``num_thresholds`` (default 10,000) thresholds."""

    def _default_name(self) -> str:
        return AVERAGE_PRECISION_NAME

    def _metric_value(self, curve: str, summation_method: str, key: metric_types.MetricKey,
                      matrices: binary_confusion_matrices.Matrices) -> float:
        del curve, summation_method, key
        tp, fp, fn = (np.asarray(m, dtype=np.float64) for m in (matrices.tp, matrices.fp, matrices.fn))
        positives = tp + fn
        with np.errstate(divide="ignore", invalid="ignore"):
            recall = np.where(positives > 0, tp / positives, np.nan)
            precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        return float(np.sum((recall[:-1] - recall[1:]) * precision[:-1]))


metric_types.register_metric(AveragePrecision)
