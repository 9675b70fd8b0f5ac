"""benchmarks.thresholds: every rule scored on the test split, chosen on the validation split only."""
from __future__ import annotations

import numpy as np

from benchmarks import thresholds as bench


def test_table_scores_every_rule_against_the_validation_global_threshold():
    rng = np.random.default_rng(0)
    offsets = np.linspace(-2.0, 1.0, 6)

    def draw(n):
        y = (rng.random((n, 6)) < 0.25).astype(float)
        z = 2 * (y - 0.5) + offsets + rng.normal(0, 1, y.shape)
        return 1 / (1 + np.exp(-z)), y

    pv, yv = draw(80)
    pt, yt = draw(300)
    lines, diffs = bench.table("synthetic", pv, yv, pt, yt)
    assert set(diffs) == set(bench.RULES) and diffs["global (validation)"] == 0.0
    assert diffs["shrink, K by cross-validation (shipped)"] > 0  # tags on different scales
    assert any(line.startswith("oracle: best global on test") for line in lines)
    noise = bench.table("synthetic", pv, yv, rng.random(pt.shape), yt)[1]
    assert noise.keys() == diffs.keys()
    assert "over 2 runs" in bench.overall([diffs, noise])[0]
