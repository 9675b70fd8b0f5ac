"""The Trainer's phase and epoch timing: log lines and trainer_timing.json."""
from __future__ import annotations

import json
import logging
import os
import time

import numpy as np
import tensorflow as tf

from trainer.phase_timer import TIMING_FILE, PhaseTimer


def test_phases_add_up_and_are_written(tmp_path, caplog):
    timer = PhaseTimer()
    with caplog.at_level(logging.INFO, logger="trainer.phase_timer"):
        with timer.phase("stats"):
            time.sleep(0.05)
        with timer.phase("export"):
            time.sleep(0.02)
        with timer.phase("export"):  # a phase entered twice adds up
            time.sleep(0.02)
        summary = timer.write(str(tmp_path / "run"))
    assert summary["phases"]["stats"] >= 0.05 and summary["phases"]["export"] >= 0.04
    assert summary["total"] >= summary["phases"]["stats"] + summary["phases"]["export"]
    assert summary["epochs"] == 0
    with open(os.path.join(tmp_path, "run", TIMING_FILE)) as f:
        assert json.load(f) == summary
    assert "trainer phase stats:" in caplog.text and "trainer: " in caplog.text


def test_epoch_callback_times_each_epoch_of_a_real_fit(tmp_path):
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((32, 4), np.float32), np.zeros((32, 1), np.float32)
    timer = PhaseTimer()
    with timer.phase("fit"):
        model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[timer.epoch_callback()])
    s = timer.summary()
    assert s["epochs"] == 3 and all(t > 0 for t in timer.epoch_seconds)  # summary() rounds to 0.01 s
    assert sum(timer.epoch_seconds) <= timer.seconds["fit"]
