"""run_all updates results.md in place: generated sections and headlines change, hand-written text stays."""
from __future__ import annotations

import pytest

from benchmarks import results_md
from benchmarks.run_all import write_results

HAND = """## What the numbers changed (before → after)

| finding | change | before | after |
|---|---|---|---|
| CRC in crcmod | google-crc32c | 0.89 ms | 0.011 ms |
"""
NOTE = "Hand-written note on the 2026-11-26 run: keep me."


def _first_run(path):
    write_results(path, header="Run of everything on day 1.",
                  sections={"extract": "## Extraction\n\nratio table v1", "train_step": "## Train step\n\nsteps v1"},
                  headlines={"extract": ["extraction: **ratio: 2.40x**"], "train_step": ["train step: small 6x"]})


def test_hand_written_sections_survive_a_regeneration(tmp_path):
    path = tmp_path / "results.md"
    _first_run(path)
    text = path.read_text()
    assert text.startswith("# Benchmarks\n")
    # a person adds a note between two generated sections and a hand-kept table at the end
    end = results_md.end_marker("extract")
    text = text.replace(end, f"{end}\n\n{NOTE}", 1).rstrip("\n") + f"\n\n{HAND}"
    path.write_text(text)

    write_results(path, header=None, sections={"extract": "## Extraction\n\nratio table v2"},
                  headlines={"extract": ["extraction: **ratio: 2.61x**", "extraction in-run: 2.70x"]})
    after = path.read_text()
    assert HAND in after and NOTE in after
    assert "ratio table v2" in after and "ratio table v1" not in after
    assert "steps v1" in after  # --only extract leaves the other benchmark's section
    assert "Run of everything on day 1." in after  # and the header of the full run
    assert "2.40x" not in after
    lines = after.splitlines()
    heads = [row for row in lines if row.startswith("- ")]
    assert heads == ["- extraction: **ratio: 2.61x** <!-- headline: extract -->",
                     "- extraction in-run: 2.70x <!-- headline: extract -->",
                     "- train step: small 6x <!-- headline: train_step -->"]
    # the order of the file is kept
    order = [after.index(s) for s in ("## Headlines", "ratio table v2", NOTE, "steps v1", "## What the numbers")]
    assert order == sorted(order)
    # regenerating with the same content is a fixed point
    write_results(path, header=None, sections={"extract": "## Extraction\n\nratio table v2"},
                  headlines={"extract": ["extraction: **ratio: 2.61x**", "extraction in-run: 2.70x"]})
    assert path.read_text() == after


def test_new_sections_and_headlines_go_after_the_generated_ones(tmp_path):
    path = tmp_path / "results.md"
    _first_run(path)
    path.write_text(path.read_text() + f"\n{HAND}")
    write_results(path, header=None, sections={"search": "## Search\n\np@10"},
                  headlines={"search": ["search: precision@10 0.88"]})
    text = path.read_text()
    assert text.index("steps v1") < text.index("## Search") < text.index("## What the numbers")
    heads = [row for row in text.splitlines() if row.startswith("- ")]
    assert heads[-1] == "- search: precision@10 0.88 <!-- headline: search -->"


def test_headlines_join_a_hand_made_list(tmp_path):
    text = "# Benchmarks\n\n## Headlines\n\n- a hand-written headline\n\n## Notes\n\nkeep\n"
    out = results_md.update(text, sections={"extract": "## Extraction\n\nx"}, headlines={"extract": ["ratio 2.6x"]})
    assert out.splitlines()[4:7] == ["- a hand-written headline", "- ratio 2.6x <!-- headline: extract -->", ""]
    assert out.index("## Notes") < out.index("<!-- begin: extract -->")


def test_unbalanced_markers_are_an_error_not_a_silent_overwrite():
    text = "# Benchmarks\n\n<!-- begin: extract -->\n## Extraction\n"
    with pytest.raises(ValueError, match="no matching <!-- end: extract -->"):
        results_md.update(text, sections={"extract": "## Extraction\n\nnew"})
