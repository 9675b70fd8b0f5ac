"""``benchmarks/search_latency.py`` on a small catalog: both matchers timed, the summary line printed."""
from __future__ import annotations

import re

from benchmarks import search_latency


def test_search_latency_times_both_matchers_and_prints_its_line(capsys):
    res = search_latency.run(songs=300, n_queries=6)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("machine:") and "cores" in out[0]
    assert res["queries"] == 6 and res["kinds"]["n"] == res["no_kinds"]["n"] == 6
    for name in ("kinds", "no_kinds"):
        r = res[name]
        assert 0 < r["p50_ms"] <= r["p99_ms"] <= r["max_ms"] < 60_000
    assert res["text_rss_mb"] > 50  # a fresh process: the encoder's weights alone are ~90 MB
    assert re.fullmatch(r"search_latency: songs=300 queries=6 p50_ms=[\d.]+ p99_ms=[\d.]+ no_kinds_p99_ms=[\d.]+ "
                        r"text_rss_mb=\d+", out[-1]), out[-1]
