"""The Evaluator's model loader, unpickled in a process without TF_USE_LEGACY_KERAS (a cluster worker)."""
import json
import os
import subprocess
import sys

import tensorflow_model_analysis as tfma
from apache_beam.internal import pickler

from pipelines.eval_model_loader import custom_eval_shared_model
from pipelines.worker_pool import PROJECT_ROOT
from trainer.export import EXAMPLES_SIGNATURE

#: What a Beam worker does: unpickling TFMA's DoFns imports TFMA, then the loader runs.
WORKER = """
import json, sys
import tensorflow_model_analysis
import tensorflow as tf
from apache_beam.internal import pickler
from mtat.features import MelConfig

out = {"tf_keras": tf.keras.__name__}
model = pickler.loads(open(sys.argv[1], "rb").read())()
cfg = MelConfig()
probs = model.signatures["log_mel"](log_mel=tf.zeros([1, cfg.n_mels, cfg.n_frames]))["probabilities"].numpy()
out.update(model_module=type(model).__module__, signatures=sorted(model.signatures), probs_shape=list(probs.shape))
try:  # TFMA's own loader in the same process
    from tensorflow_model_analysis.utils import model_util
    model_util.model_construct_fn(sys.argv[2], tags=["serve"], model_type="tf_keras")()
    out["tfma_default_loader"] = "loaded"
except Exception as err:
    out["tfma_default_loader"] = f"{type(err).__name__}: {err}"
print("RESULT " + json.dumps(out))
"""


def test_loader_gets_keras2_in_a_worker_without_the_variable(pushed_model, tmp_path):
    config = tfma.EvalConfig(model_specs=[tfma.ModelSpec(signature_name=EXAMPLES_SIGNATURE)])
    shared = custom_eval_shared_model(pushed_model, "", config)
    assert shared.model_type == tfma.TF_KERAS
    loader = tmp_path / "loader.pkl"
    loader.write_bytes(pickler.dumps(shared.model_loader.construct_fn))

    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PROJECT_ROOT, env.get("PYTHONPATH")) if p)
    proc = subprocess.run([sys.executable, "-c", WORKER, str(loader), pushed_model], env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=600)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    out = json.loads(lines[-1][len("RESULT "):])
    # the premise: importing TFMA already routed tf.keras to Keras 3, too late for the variable
    assert out["tf_keras"].startswith("keras"), out
    assert "Keras 3" in out["tfma_default_loader"], out  # what failed in the user's Evaluator workers
    assert out["model_module"].startswith("tf_keras"), out  # Keras 2 all the same
    assert EXAMPLES_SIGNATURE in out["signatures"] and out["probs_shape"][0] == 1, out
