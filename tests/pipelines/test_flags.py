"""The runners' shared flags (pipelines/flags.py): the same names and defaults in run_local.py and
run_kubeflow.py, except the differences pipelines.flags.LOCAL / KUBEFLOW state, which --help prints."""
import pytest

from pipelines import flags, run_kubeflow, run_local
from pipelines.flags import KUBEFLOW, LOCAL

KUBEFLOW_REQUIRED = ["--image", "registry.example.com/mtat:1", "--pipeline-root", "gs://b/root", "--data-root", "gs://b/mtat"]


def shared_parser():
    import argparse

    p = argparse.ArgumentParser()
    flags.add_pipeline_flags(p, LOCAL, beam_default="")
    return p


def test_every_shared_flag_has_the_same_default_in_both_runners():
    shared = vars(shared_parser().parse_args([]))
    local = vars(run_local.parse_args([]))
    kubeflow = vars(run_kubeflow.parse_args(KUBEFLOW_REQUIRED))
    assert set(shared) <= set(local) and set(shared) <= set(kubeflow)
    differ = {name for name in shared if local[name] != kubeflow[name]}
    # given on the Kubeflow command line above (required there), and the stated differences
    assert differ == {"data_root", "pipeline_root", "serving_dir", "preset", "epochs"}
    for name in ("pipeline_root", "serving_dir", "preset", "epochs"):
        assert local[name] == getattr(LOCAL, name)
    assert (kubeflow["preset"], kubeflow["epochs"], kubeflow["serving_dir"]) == (KUBEFLOW.preset, KUBEFLOW.epochs, None)
    for name in ("sample_rate", "n_mels", "n_fft", "hop_length", "n_frames"):
        assert name in shared


def test_kubeflow_needs_the_bucket_paths(capsys):
    for flag in ("--pipeline-root", "--data-root"):
        argv = list(KUBEFLOW_REQUIRED)
        del argv[argv.index(flag):argv.index(flag) + 2]
        with pytest.raises(SystemExit):
            run_kubeflow.parse_args(argv)
        assert flag in capsys.readouterr().err


def test_mel_flags_make_one_mel_config():
    from mtat.features import MelConfig

    args = run_local.parse_args(["--n-mels", "64"])
    assert flags.mel_config(args) == MelConfig(n_mels=64)
    with pytest.raises(ValueError):
        flags.mel_config(run_local.parse_args(["--n-fft", "256", "--hop-length", "512"]))


@pytest.mark.parametrize("runner", [run_local, run_kubeflow])
def test_help_states_where_the_defaults_differ(runner, capsys):
    with pytest.raises(SystemExit):
        runner.parse_args(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"[{LOCAL.preset}; {KUBEFLOW.runner}: {KUBEFLOW.preset}" in text or \
        f"[{KUBEFLOW.preset}; {LOCAL.runner}: {LOCAL.preset}" in text
    assert f"[{flags.PIPELINE_NAME}]" in text
    for flag in ("--sample-rate", "--n-mels", "--n-fft", "--hop-length", "--n-frames"):
        assert flag in text
