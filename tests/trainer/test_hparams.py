"""TrainingConfig: per-preset early-stopping patience, custom_config round trip."""
from __future__ import annotations

from trainer.hparams import DEFAULT_PATIENCE, TrainingConfig


def test_patience_defaults_per_preset_and_an_explicit_value_wins():
    assert TrainingConfig().early_stopping_patience() == DEFAULT_PATIENCE["small"] == 10
    assert TrainingConfig(preset="fcn4").early_stopping_patience() == 5
    assert TrainingConfig(preset="strong", patience=3).early_stopping_patience() == 3
    assert TrainingConfig(patience=0).early_stopping_patience() == 0


def test_custom_config_round_trip():
    config = TrainingConfig(preset="fcn4", epochs=7, precision="mixed_bfloat16", xla="on", patience=4)
    custom = {**config.to_custom_config(), "mel_config": "{}", "unknown": 1}
    assert TrainingConfig.from_custom_config(custom) == config
    # None values (e.g. an unset patience) fall back to the defaults.
    assert TrainingConfig.from_custom_config({"patience": None}).early_stopping_patience() == 10
