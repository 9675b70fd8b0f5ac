"""Shared fixtures: a generated MTAT-format sample set (real rendered MP3s, with faults)."""
from __future__ import annotations

import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

#: Clips of the shared sample set: enough for every split (16 folders) and most styles.
SAMPLE_CLIPS = 48


@pytest.fixture(scope="session")
def sample_root(tmp_path_factory) -> str:
    """A sample data set with the four fault kinds; generated once per test session."""
    from mtat import sample_data

    root = tmp_path_factory.mktemp("mtat_sample")
    sample_data.generate(root, clips=SAMPLE_CLIPS, seed=7, faults=True, progress=False)
    return str(root)
