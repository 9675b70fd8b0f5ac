"""Joint head / zero-shot tuning on stored AudioExampleGen output (the Trainer alone, no pipeline).

    python -m benchmarks.joint_head --examples PIPELINE_ROOT/AudioExampleGen/examples/ID \\
        --unseen "choral,classic,beats,sitar,woman,male voice" --joint-weight 0 1 --epochs 30

Trains ``small`` as ``trainer.task.run_fn`` does (same tf.data pipeline, label columns, model,
early stopping on validation ROC-AUC; statistics with NumPy instead of tf.Transform) once per
(joint weight, joint loss) and prints the test split's seen-tag macro ROC/PR-AUC and the
zero-shot metrics (``pipelines.zero_shot.zero_shot_metrics``, sklearn).
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import time

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from benchmarks.harness.env import setup_env
from mtat import joint_space
from mtat.features import MelConfig
from mtat.signatures import JOINT_NAME, OUTPUT_NAME
from pipelines.zero_shot import zero_shot_metrics
from trainer.hparams import TrainingConfig


def run(examples: str, hp: TrainingConfig, tags: list[str], config: MelConfig) -> dict:
    import tensorflow as tf

    from trainer import data, models

    pattern = lambda split: os.path.join(examples, f"Split-{split}", "*")
    full = data.make_dataset(pattern("train"), config=config, num_tags=len(tags), mean=np.zeros(config.n_mels),
                             std=np.ones(config.n_mels), batch_size=64, training=False)
    mels = np.concatenate([m.numpy() for m, _ in full])
    mean, std = mels.mean(axis=(0, 2)), np.sqrt(mels.var(axis=(0, 2)) + 1e-6)
    seen = hp.seen_tags(tags)
    joint = hp.joint_weight > 0
    vectors = joint_space.phrase_vectors(seen) if joint else None
    common = dict(config=config, num_tags=len(tags), mean=mean, std=std, batch_size=hp.batch_size,
                  label_columns=[tags.index(t) for t in seen],
                  output_names=[OUTPUT_NAME, JOINT_NAME] if joint else None)
    train = data.make_dataset(pattern("train"), training=True, seed=hp.seed, **common)
    val = data.make_dataset(pattern("eval"), training=False, seed=hp.seed, **common)
    tf.keras.utils.set_random_seed(hp.seed)
    model = models.build_model(hp.preset, config.n_mels, config.n_frames, len(seen), joint_weight=hp.joint_weight,
                               tag_vectors=vectors, joint_loss=hp.joint_loss)
    start = time.time()
    model.fit(train, validation_data=val, epochs=hp.epochs, verbose=0, callbacks=[tf.keras.callbacks.EarlyStopping(
        monitor=models.validation_monitor(model), mode="max", patience=hp.patience, restore_best_weights=True)])
    seconds = time.time() - start
    test = data.make_dataset(pattern("test"), config=config, num_tags=len(tags), mean=mean, std=std,
                             batch_size=64, training=False)
    outs, labels = [], []
    for m, y in test:
        o = model(m, training=False)
        outs.append([x.numpy() for x in o] if joint else [o.numpy()])
        labels.append(y.numpy())
    labels = np.concatenate(labels)
    probs = np.concatenate([o[0] for o in outs])
    seen_labels = labels[:, [tags.index(t) for t in seen]]
    keep = seen_labels.sum(0) > 0
    result = {"joint_weight": hp.joint_weight, "joint_loss": hp.joint_loss, "seconds": round(seconds, 1),
              "seen_macro_roc_auc": roc_auc_score(seen_labels[:, keep], probs[:, keep], average="macro"),
              "seen_macro_pr_auc": average_precision_score(seen_labels[:, keep], probs[:, keep], average="macro")}
    if joint and hp.unseen_tags:
        z = np.concatenate([o[1] for o in outs])
        scores = joint_space.cosine_scores(z, joint_space.phrase_vectors(tags))
        zs = zero_shot_metrics(labels, probs_full(probs, scores, tags, seen), tags, list(hp.unseen_tags))
        result.update({f"zs_{k}": v for k, v in zs.items() if not k.startswith("per_tag")},
                      zs_per_tag_roc_auc=zs["per_tag_roc_auc"])
    return result


def probs_full(probs: np.ndarray, scores: np.ndarray, tags: list[str], seen: list[str]) -> np.ndarray:
    """K-wide scores as ``serving_examples`` gives them: seen = probability, unseen = (cos + 1) / 2."""
    out = (scores + 1) / 2
    for j, t in enumerate(seen):
        out[:, tags.index(t)] = probs[:, j]
    return out


def main() -> None:
    setup_env()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--examples", required=True)
    p.add_argument("--unseen", default="choral,classic,beats,sitar,woman,male voice")
    p.add_argument("--joint-weight", type=float, nargs="+", default=[0.0, 1.0])
    p.add_argument("--joint-loss", nargs="+", default=["margin"])
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    meta = json.load(open(os.path.join(args.examples, "feature_metadata.json")))
    config = MelConfig.from_dict(meta["mel_config"])
    unseen = tuple(t.strip() for t in args.unseen.split(",") if t.strip())
    for weight, loss in itertools.product(args.joint_weight, args.joint_loss):
        if weight == 0 and loss != args.joint_loss[0]:
            continue
        hp = TrainingConfig(epochs=args.epochs, seed=args.seed, joint_weight=weight, joint_loss=loss,
                            unseen_tags=unseen)
        print(json.dumps(run(args.examples, hp, meta["tags"], config)), flush=True)


if __name__ == "__main__":
    main()
