"""run_local.py before the run: the flags become one PipelineConfig (the data's tags counted), and
every problem a user can fix is one ``error:`` line and exit 2, nothing run."""
import pytest

from mtat.features import MelConfig
from pipelines import flags, run_local


def config_of(sample_root, tmp_path, *extra):
    args = run_local.parse_args(["--data-root", sample_root, "--pipeline-root", str(tmp_path / "p"), *extra])
    return run_local.build_config(args)


def test_flags_become_the_pipeline_config(sample_root, tmp_path):
    config = config_of(sample_root, tmp_path, "--n-mels", "64", "--top-k", "5", "--epochs", "3")
    assert config.pipeline_name == flags.PIPELINE_NAME
    assert config.mel == MelConfig(n_mels=64)
    assert (config.top_k, config.expected_num_tags, config.training.epochs) == (5, 5, 3)
    assert config.training.preset == flags.LOCAL.preset
    assert config.metadata_path == str(tmp_path / "p" / "metadata.sqlite")
    assert config.beam_pipeline_args[0] == "--direct_running_mode=in_memory"


@pytest.mark.parametrize("extra, message", [
    (["--n-fft", "256", "--hop-length", "512"], "hop_length must not exceed n_fft"),
    (["--top-k", "5", "--unseen-tags", "zzz"], "unseen tag(s) 'zzz'"),
    (["--tags", "no-such-tag"], "no-such-tag"),
    (["--beam-workers", "0"], "--beam-workers must be >= 1"),
])
def test_usage_errors_are_one_line_and_exit_2(sample_root, tmp_path, capsys, extra, message):
    argv = ["--data-root", sample_root, "--pipeline-root", str(tmp_path / "p"), *extra]
    assert run_local.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0]


def test_missing_annotations_exit_2(tmp_path, capsys):
    assert run_local.main(["--data-root", str(tmp_path / "nothing"), "--pipeline-root", str(tmp_path / "p")]) == 2
    assert "annotations_final.csv not found" in capsys.readouterr().err
