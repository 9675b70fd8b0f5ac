"""Default Beam arguments: the mode per data size, and no TFX self-packaging on local runs."""
import os
import shutil

import pytest
from tfx.utils import dependency_utils

from pipelines.beam_args import SETUP_FILE, with_dependency_flag
from pipelines.run_local import EXTRACTION_PROCESSES_MIN_CLIPS, EXTRACTION_THREADS_MIN_CLIPS, default_beam_args


def _mode(args):
    return [a.split("=", 1)[1] for a in args if a.startswith("--direct_running_mode=")]


@pytest.mark.parametrize("n, extraction", [
    (10, []), (EXTRACTION_THREADS_MIN_CLIPS - 1, []), (EXTRACTION_THREADS_MIN_CLIPS, ["multi_threading"]),
    (EXTRACTION_PROCESSES_MIN_CLIPS - 1, ["multi_threading"]),
    (EXTRACTION_PROCESSES_MIN_CLIPS, ["multi_processing"]), (25_863, ["multi_processing"]),
])
def test_mode_follows_the_data_size(n, extraction):
    pipeline_wide, extraction_args = default_beam_args(n)
    assert _mode(pipeline_wide) == ["in_memory"] and _mode(extraction_args) == extraction
    assert f"--setup_file={SETUP_FILE}" in pipeline_wide and os.path.isfile(SETUP_FILE)
    if extraction:
        assert f"--direct_num_workers={os.cpu_count() or 2}" in extraction_args


def test_a_given_dependency_flag_is_kept():
    for given in (["--setup_file=/x/setup.py"], ["--extra_package", "/x.tar.gz"], ["--sdk_container_image=img:1"]):
        assert with_dependency_flag(["--runner=DirectRunner", *given]) == ["--runner=DirectRunner", *given]


def test_tfx_does_not_package_itself_with_our_flags():
    """Without a dependency flag TFX copies its install to a temp dir and builds an sdist (~49 MB)."""
    args, _ = default_beam_args(100)
    assert dependency_utils.make_beam_dependency_flags(args) == args  # returned before building anything
    built = dependency_utils.make_beam_dependency_flags(["--direct_running_mode=in_memory"])  # the contrast
    sdist = built[-1].split("=", 1)[1]
    assert built[-1].startswith("--extra_package=") and os.path.isfile(sdist)
    shutil.rmtree(sdist.split(os.sep + "build" + os.sep)[0])  # TFX never removes its copy (~49 MB)
