"""How the tags hold on real, human-composed music: the real-music check set (docs/real-music.md).

    python -m benchmarks.real_music                      # the newest model in serving_model/tagger
    python -m benchmarks.real_music --model /path/to/serving_model/tagger
    python -m benchmarks.real_music --ci --no-write      # the two small effects sets only; results.md untouched

The model was trained on synthesised renderings of 15 styles only. This fetches the check set of
benchmarks/real_music_packages.json (:mod:`benchmarks.real_music_fetch`: Debian packages of game
music and sound effects, ~570 MB once, cached), indexes its tracks with ``mtat-tagger index`` into
one catalog per model (incremental: a second run on the same model indexes nothing) and reports:

* per set: tracks, files skipped (tracker modules, MIDI) or unreadable, and **top-1 plausibility**:
  the share of a music set's tracks whose most probable tag is in the set's ``plausible_top1``
  (written down before any model heard the music; effects sets are not scored);
* per tag **ROC-AUC between sets of different documented styles** (the data file's ``contrasts``:
  classical-side tags, orchestral sets positive vs electronic negative; electronic-side tags the
  reverse; rock-side tags, metal vs the rest) and their mean; a tag outside the model's vocabulary
  is left out and named;
* for the data file's ``searches`` ("classical", "quiet"): how many sound effects
  (role ``effects``) are in the top 10 of :func:`mtat.search.search` on the whole catalog.

Prints the machine line first; writes its marked section of benchmarks/results.md (``real_music``)
unless ``--no-write``; ``make bench`` runs it too (benchmarks/run_all.py).
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks import real_music_fetch as rmf
from benchmarks.harness.env import REPO, child_env, setup_env
from benchmarks.harness.report import fmt, md_table

K = 10
NAME = "real_music"


# ------------------------------------------------------------------------------------------------
# the measures (pure functions on arrays; tests/benchmarks/test_real_music.py)


def roc_auc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """Probability that a random positive scores above a random negative (ties count half);
    NaN when either class is empty."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(positive, dtype=bool)
    pos, neg = s[y], s[~y]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / (len(pos) * len(neg)))


def top1_tags(probabilities: np.ndarray, tags: Sequence[str]) -> list[str]:
    """Each row's most probable tag (the first in tag order on a tie)."""
    p = np.asarray(probabilities)
    return [tags[i] for i in np.argmax(p, axis=1)] if len(p) else []


def top1_plausibility(probabilities: np.ndarray, tags: Sequence[str], plausible: Sequence[str]) -> float:
    """Share of rows whose top-1 tag is in ``plausible`` (NaN for no rows)."""
    top = top1_tags(probabilities, tags)
    if not top:
        return float("nan")
    allowed = set(plausible)
    return sum(t in allowed for t in top) / len(top)


def contrast_aucs(probabilities: np.ndarray, tags: Sequence[str], sides: Sequence[str], contrast: dict) -> dict:
    """Per-tag ROC-AUC of one contrast: rows of a ``positive`` side vs rows of a ``negative`` side
    (other rows left out). Returns ``{"auc": {tag: auc}, "mean": float, "absent": [tags not in
    the vocabulary], "positives": n, "negatives": n}``."""
    pos_sides, neg_sides = set(contrast["positive"]), set(contrast["negative"])
    keep = np.array([s in pos_sides or s in neg_sides for s in sides], dtype=bool)
    y = np.array([s in pos_sides for s in sides], dtype=bool)[keep]
    p = np.asarray(probabilities)[keep] if len(sides) else np.zeros((0, len(tags)))
    index = {t: i for i, t in enumerate(tags)}
    aucs = {t: roc_auc(p[:, index[t]], y) for t in contrast["tags"] if t in index}
    finite = [v for v in aucs.values() if v == v]
    return {"auc": aucs, "mean": float(np.mean(finite)) if finite else float("nan"),
            "absent": [t for t in contrast["tags"] if t not in index],
            "positives": int(y.sum()), "negatives": int((~y).sum())}


def effects_in_top(result_rows: Sequence[int], roles: Sequence[str], k: int = K) -> int:
    """How many of the first ``k`` result rows belong to an ``effects`` set."""
    return sum(roles[r] == "effects" for r in list(result_rows)[:k])


# ------------------------------------------------------------------------------------------------
# the run


def default_model() -> str:
    """The newest version in serving_model/tagger (what `make run` pushes); without one, the
    benchmarks' reference run's model (made when missing)."""
    from benchmarks.harness.reference_run import latest_model_dir

    try:
        return latest_model_dir(REPO / "serving_model" / "tagger")
    except FileNotFoundError:
        return latest_model_dir()


def catalog_dir(cache: Path, model_dir: str) -> Path:
    """Where the per-set catalogs of ``model_dir`` live: ``<cache>/catalogs/<version>-<hash of its path>``."""
    key = hashlib.sha256(os.path.realpath(model_dir).encode()).hexdigest()[:12]
    return cache / "catalogs" / f"{os.path.basename(model_dir.rstrip('/'))}-{key}"


def _up_to_date(out: Path, tracks_dir: Path, model_dir: str) -> bool:
    """Whether ``out`` already holds exactly the tracks of ``tracks_dir`` (same sizes and times),
    indexed by ``model_dir``: then the index run (a model load) is skipped."""
    import pyarrow.parquet as pq

    from mtat.search.catalog import catalog_meta

    if not out.is_file():
        return False
    try:
        meta = catalog_meta(str(out))
        t = pq.read_table(out, columns=["path", "size", "mtime_ns"])
    except Exception:  # unreadable: index again
        return False
    if os.path.realpath(meta.get("model_dir", "")) != os.path.realpath(model_dir):
        return False
    have = {(p, s, m) for p, s, m in zip(*(t.column(c).to_pylist() for c in ("path", "size", "mtime_ns")))}
    want = set()
    for f in sorted(os.listdir(tracks_dir)):
        st = os.stat(tracks_dir / f)
        want.add((f, int(st.st_size), int(st.st_mtime_ns)))
    rejected = {r["path"] for r in meta.get("rejects", [])}
    return {w for w in want if w[0] not in rejected} == have


def index_set(cache: Path, name: str, model_dir: str, log: Callable[[str], None]) -> Path:
    """``mtat-tagger index <cache>/tracks/<name>`` with ``model_dir`` (incremental); returns its catalog."""
    import subprocess

    tracks = cache / "tracks" / name
    out = catalog_dir(cache, model_dir) / f"{name}.parquet"
    if _up_to_date(out, tracks, model_dir):
        log(f"{name}: already indexed in {out}")
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "tagger_cli", "index", str(tracks), "--model", model_dir, "--out", str(out),
           "--no-progress"]
    log("$ " + " ".join(cmd))
    r = subprocess.run(cmd, cwd=REPO, env=child_env(), capture_output=True, text=True)
    for row in (r.stdout + r.stderr).splitlines():
        if row.startswith(("indexed", "resuming", "error", "skipped")) or ": unreadable" in row:
            log(f"  {row}")
    if r.returncode != 0:
        tail = (r.stderr or r.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"mtat-tagger index of {name} failed (exit {r.returncode}): {' / '.join(tail)}")
    return out


def combined_catalog(paths: dict[str, Path]):
    """One in-memory catalog of the per-set catalogs ``{set: path}``; row keys ``<set>/<track>``,
    ``meta["rejects"]`` paths likewise, ``meta["durations"]`` ``{key: seconds}``; the rows keep their
    ``short`` flags, so its searches leave short sounds out as a real catalog's do."""
    import pyarrow.parquet as pq

    from mtat.search.catalog import Catalog, read_catalog

    parts = {name: read_catalog(str(p)) for name, p in paths.items()}
    tags = {tuple(c.tags) for c in parts.values()}
    if len(tags) != 1:
        raise RuntimeError("the per-set catalogs were indexed with different tag lists")
    keys, shown, rejects, durations = [], [], [], {}
    for name, c in parts.items():
        keys += [f"{name}/{k}" for k in c.keys]
        shown += c.paths
        rejects += [dict(r, path=f"{name}/{r['path']}") for r in c.meta.get("rejects", [])]
        t = pq.read_table(paths[name], columns=["path", "duration"])
        durations.update({f"{name}/{k}": float(d) for k, d in zip(t.column("path").to_pylist(),
                                                                   t.column("duration").to_pylist())})
    cats = list(parts.values())

    def stack(attr):
        arrays = [getattr(c, attr) for c in cats]
        return None if any(a is None for a in arrays) else np.concatenate(arrays)

    first = cats[0]
    return Catalog(source=",".join(str(p) for p in paths.values()), paths=shown, tags=list(first.tags),
                   probabilities=np.concatenate([c.probabilities for c in cats]), embeddings=stack("embeddings"),
                   keys=keys, model_dir=first.model_dir, model_version=first.model_version,
                   meta={**first.meta, "rejects": rejects, "durations": durations}, joint=stack("joint"),
                   short=stack("short"), durations=stack("durations"))


def _subset(catalog, rows: Sequence[int]):
    """The catalog's ``rows`` only (search ranks within them), short flags and durations included."""
    import dataclasses

    idx = np.asarray(rows, dtype=int)

    def pick(a):
        return None if a is None else a[idx]

    return dataclasses.replace(catalog, paths=[catalog.paths[i] for i in idx], keys=[catalog.keys[i] for i in idx],
                               probabilities=catalog.probabilities[idx], embeddings=pick(catalog.embeddings),
                               joint=pick(catalog.joint), short=pick(catalog.short),
                               durations=pick(catalog.durations), applies=None, file_tags=None)


def evaluate(catalog, data: dict, sets: Sequence[dict], manifests: Sequence[dict], search_fn=None) -> dict:
    """The measures on a catalog whose row keys are ``<set>/<track>`` (:func:`combined_catalog`)."""
    durations = catalog.meta.get("durations", {})
    by_name = {s["name"]: s for s in sets}
    rows_of: dict[str, list[int]] = collections.defaultdict(list)
    for i, key in enumerate(catalog.keys):
        set_name = key.split("/", 1)[0]
        if set_name in by_name:
            rows_of[set_name].append(i)
    rejects = collections.Counter(r["path"].split("/", 1)[0] for r in catalog.meta.get("rejects", []))
    tags = catalog.tags
    per_set = []
    for spec, man in zip(sets, manifests):
        rows = rows_of.get(spec["name"], [])
        p = catalog.probabilities[rows]
        top = top1_tags(p, tags)
        scored = spec["role"] == "music"
        plaus = [t for t in spec["plausible_top1"] if t in tags]
        per_set.append({
            "set": spec["name"], "package": spec["package"], "version": man["version"], "style": spec["style"],
            "role": spec["role"], "side": spec["side"], "tracks": man["counts"]["used"], "indexed": len(rows),
            "unreadable": rejects.get(spec["name"], 0), "tracker": man["counts"]["tracker"],
            "midi": man["counts"]["midi"], "capped": man["counts"]["capped"],
            "minutes": sum(durations.get(catalog.keys[i], 0.0) for i in rows) / 60,
            "plausible_hits": sum(t in set(plaus) for t in top) if scored else None,
            "plausibility": top1_plausibility(p, tags, plaus) if scored else None,
            "plausible_absent": [t for t in spec["plausible_top1"] if t not in tags],
            "top1": collections.Counter(top).most_common(),
        })
    music = [s for s in per_set if s["role"] == "music" and s["indexed"]]
    hits = sum(s["plausible_hits"] for s in music)
    n_music = sum(s["indexed"] for s in music)
    rows = [i for s in sets for i in rows_of.get(s["name"], [])]
    sides = [by_name[catalog.keys[i].split("/", 1)[0]]["side"] for i in rows]
    roles = [by_name[catalog.keys[i].split("/", 1)[0]]["role"] for i in rows]
    sub = _subset(catalog, rows)
    contrasts = []
    for c in data.get("contrasts", []):
        contrasts.append({"name": c["name"], "positive": c["positive"], "negative": c["negative"],
                          **contrast_aucs(sub.probabilities, tags, sides, c)})
    all_aucs = [v for c in contrasts for v in c["auc"].values() if v == v]
    searches = []
    if search_fn is None:
        from mtat.search import search as search_fn
    for q in data.get("searches", []):
        res = search_fn(sub, q, top=K)
        top_rows = [h.row for h in res.songs]
        searches.append({"query": q, "effects_in_top": effects_in_top(top_rows, roles),
                         "top_sets": [sub.keys[r].split("/", 1)[0] for r in top_rows]})
    return {"sets": per_set, "music_tracks": n_music, "plausible_hits": hits,
            "plausibility": hits / n_music if n_music else float("nan"),
            "contrasts": contrasts, "mean_auc": float(np.mean(all_aucs)) if all_aucs else float("nan"),
            "auc_tags": len(all_aucs), "searches": searches, "tags": list(tags)}


def run(model: str | None = None, cache: Path | None = None, set_names: Sequence[str] | None = None,
        ci: bool = False, log: Callable[[str], None] = print) -> dict:
    """Fetch what is missing, index (incremental), evaluate; returns the result dict."""
    from mtat.tagging import resolve_model_dir

    data = rmf.load_data()
    sets = rmf.select_sets(data, set_names, ci)
    cache = Path(cache or rmf.default_cache())
    t0 = time.perf_counter()
    manifests = rmf.fetch(sets, cache, held_back=data.get("held_back", []), log=lambda s: log(f"[real-music] {s}"))
    fetch_s = time.perf_counter() - t0
    model_dir = resolve_model_dir(model) if model else default_model()
    log(f"model {model_dir}")
    t0 = time.perf_counter()
    paths = {s["name"]: index_set(cache, s["name"], model_dir, log) for s in sets}
    index_s = time.perf_counter() - t0
    catalog = combined_catalog(paths)
    res = evaluate(catalog, data, sets, manifests)
    return {**res, "model_dir": model_dir, "model_version": catalog.model_version,
            "catalogs": str(catalog_dir(cache, model_dir)),
            "cache": str(cache), "fetch_s": fetch_s, "index_s": index_s,
            "download_mb": sum(s.get("download_mb", 0) for s in sets), "ci_only": ci}


# ------------------------------------------------------------------------------------------------
# the report


def _pct(x) -> str:
    return "–" if x is None or x != x else f"{100 * x:.0f}%"


def _top1(counts: Sequence, n: int = 3) -> str:
    return ", ".join(f"{t} {c}" for t, c in counts[:n])


def line(res: dict) -> str:
    """The headline."""
    searches = ", ".join(f"'{s['query']}' {s['effects_in_top']}" for s in res["searches"])
    return (f"real music: **top-1 plausible {_pct(res['plausibility'])}** of {res['music_tracks']} music tracks, "
            f"mean ROC-AUC {fmt(res['mean_auc'], 2)} over {res['auc_tags']} style-side tags (orchestral / electronic / "
            f"metal sets); sound effects in the top {K} of {searches}")


def markdown(res: dict) -> str:
    model = os.path.relpath(res["model_dir"], REPO) if res["model_dir"].startswith(str(REPO)) else res["model_dir"]
    set_rows = [(f"`{s['set']}`", f"{s['package']} {s['version']}", s["style"], s["indexed"],
                 f"{s['minutes']:.0f}", (s["tracker"] + s["midi"]) or "", s["unreadable"] or "",
                 "effects, not scored" if s["plausibility"] is None
                 else f"{_pct(s['plausibility'])} ({s['plausible_hits']}/{s['indexed']})", _top1(s["top1"]))
                for s in res["sets"]]
    auc_rows = []
    for c in res["contrasts"]:
        auc_rows.append((c["name"], f"{c['positives']} / {c['negatives']}",
                         ", ".join(f"{t} {fmt(v, 2)}" for t, v in c["auc"].items()),
                         c["mean"], ", ".join(c["absent"]) or ""))
    absent = sorted({t for s in res["sets"] for t in s["plausible_absent"]})
    return "\n".join([
        "## Real music check set (top-1 plausibility, style ROC-AUC)", "",
        f"`python -m benchmarks.real_music`: the model `{model}` (trained on synthesised renderings only) on "
        f"human-composed recordings from Debian packages (benchmarks/real_music_packages.json, docs/real-music.md; "
        f"{res['download_mb']:.0f} MB of downloads, cached). Styles come from each package's own metadata; the "
        "plausible top-1 tags of each style were committed before any model heard the music.", "",
        md_table(["set", "package", "style (documented)", "tracks", "minutes", "tracker/MIDI skipped", "unreadable",
                  "top-1 plausible", "commonest top-1 tags"], set_rows, digits=0), "",
        f"All music sets: top-1 plausible {_pct(res['plausibility'])} ({res['plausible_hits']}/{res['music_tracks']})."
        + (f" Plausible tags the model does not have: {', '.join(absent)}." if absent else ""), "",
        md_table(["contrast (positive / negative sets)", "tracks +/−", "ROC-AUC per tag", "mean", "not in the model"],
                 auc_rows, digits=(0, 0, 0, 2, 0)), "",
        f"Mean ROC-AUC over all {res['auc_tags']} tags: **{fmt(res['mean_auc'], 2)}** (0.5 = no separation).", "",
        "Sound effects in the top 10 of a search of the whole catalog: "
        + "; ".join(f"'{s['query']}' {s['effects_in_top']} of {K}" for s in res["searches"]) + ".",
    ])


def main(argv=None) -> int:
    setup_env()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", help="model version folder, model folder or serving folder "
                                   "[the newest in serving_model/tagger]")
    p.add_argument("--cache", type=Path, help=f"the check set's cache [${rmf.CACHE_ENV} or {rmf.default_cache()}]")
    p.add_argument("--sets", nargs="+", metavar="NAME", help="only these sets of the data file")
    p.add_argument("--ci", action="store_true", help="only the small sets marked ci")
    p.add_argument("--no-write", action="store_true", help="do not update benchmarks/results.md")
    p.add_argument("--json", help="also write the full result here")
    a = p.parse_args(argv)
    from benchmarks.harness.machine import machine_info
    from benchmarks.harness.report import publish

    machine = machine_info()
    print(machine["machine_line"], flush=True)
    try:
        res = run(a.model, a.cache, a.sets, a.ci)
    except (rmf.FetchError, ValueError, RuntimeError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1, default=str) + "\n")
    publish(NAME, res, markdown)
    print(line(res))
    if not a.no_write:
        from benchmarks import run_all

        partial = a.ci or a.sets
        command = "python -m benchmarks.real_music" + (" --ci" if a.ci else "") + (
            " --sets " + " ".join(a.sets) if a.sets else "") + (f" --model {a.model}" if a.model else "")
        if partial:
            print("(a partial check set: benchmarks/results.md not updated)")
        else:
            run_all.write_results(run_all.RESULTS_MD, header=None,
                                  sections={NAME: run_all._section(NAME, markdown(res), command, machine)},
                                  headlines={NAME: [line(res)]})
            print(f"updated {run_all.RESULTS_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
