"""``report DATA_ROOT --out report/``: the seed paper's data analysis as PNGs and an HTML page.

On an MTAT-format root (``annotations_final.csv`` + the audio folders) it draws:

- ``tags_per_clip.png``: how many of the tag columns are positive per clip (histogram);
- ``tag_frequency_all.png``: positive count of every tag column, most frequent first;
- ``tag_frequency_top.png``: the top-K tags (the pipeline's own top-K rule) with their names;
- ``top_tags_by_category.png``: the top-K tags by category (genre / instrument / vocal / mood,
  :data:`TAG_CATEGORIES`), as a share of tags and of tag occurrences;
- ``spectrogram_<a>_vs_<b>.png``: log-mel spectrograms (the project's front-end,
  :func:`mtat.features.clip_log_mel`) of one clip per side of each contrast in
  :data:`CONTRASTS` (female vs male vocal, flute vs guitar), each clip having its side's tags
  and none of the other side's. A contrast the data cannot show is skipped and the page says so.

``index.html`` shows them with short captions and the numbers behind them.
"""
from __future__ import annotations

import argparse
import html
import os
from collections import Counter
from collections.abc import Sequence

import numpy as np

from tagger_cli.main import CliError

HELP = "data report of an MTAT-format root: tag statistics and example spectrograms (PNG + HTML)"

#: Category of each MTAT top-50 tag (the one place that says so). Tags outside it are "other".
TAG_CATEGORIES: dict[str, str] = {
    # genre / style
    "classical": "genre", "classic": "genre", "techno": "genre", "electronic": "genre", "rock": "genre",
    "ambient": "genre", "indian": "genre", "opera": "genre", "pop": "genre", "new age": "genre",
    "dance": "genre", "country": "genre", "metal": "genre",
    # instruments and rhythm
    "guitar": "instrument", "strings": "instrument", "drums": "instrument", "piano": "instrument",
    "violin": "instrument", "synth": "instrument", "harpsichord": "instrument", "flute": "instrument",
    "sitar": "instrument", "harp": "instrument", "cello": "instrument", "beat": "instrument",
    "beats": "instrument", "solo": "instrument",
    # voice
    "vocal": "vocal", "vocals": "vocal", "voice": "vocal", "singing": "vocal", "female": "vocal",
    "woman": "vocal", "female vocal": "vocal", "female voice": "vocal", "male": "vocal", "man": "vocal",
    "male vocal": "vocal", "male voice": "vocal", "choir": "vocal", "choral": "vocal",
    "no vocals": "vocal", "no vocal": "vocal", "no voice": "vocal",
    # mood / tempo / loudness
    "slow": "mood", "fast": "mood", "loud": "mood", "quiet": "mood", "soft": "mood", "weird": "mood",
}
CATEGORY_ORDER = ("genre", "instrument", "vocal", "mood", "other")
CATEGORY_COLORS = {"genre": "#4c72b0", "instrument": "#dd8452", "vocal": "#55a868", "mood": "#c44e52",
                   "other": "#999999"}

#: Contrasts for example spectrograms: (label A, tags of A, label B, tags of B). A clip shown for
#: A has a tag of A and none of B, and vice versa.
_FEMALE = ("female vocal", "female", "woman", "female voice", "female vocals", "female singer",
           "female singing", "woman singing", "women", "girl", "female opera")
_MALE = ("male vocal", "male", "man", "male voice", "male vocals", "male singer", "man singing", "men",
         "male opera")
CONTRASTS: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    ("female vocal", _FEMALE, "male vocal", _MALE),
    ("flute", ("flute", "flutes"), "guitar",
     ("guitar", "guitars", "acoustic guitar", "electric guitar", "classical guitar")),
)
#: Clips tried per side before giving up on a contrast (unreadable audio is skipped).
MAX_TRIES = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data_root", help="MTAT-format folder: annotations_final.csv and the audio folders")
    parser.add_argument("--out", default="report", help="output folder (created; default: report/)")
    parser.add_argument("--top-k", type=int, default=50, help="how many most frequent tags to chart (default 50)")


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, out_dir: str, name: str) -> str:
    fig.savefig(os.path.join(out_dir, name), dpi=110, bbox_inches="tight")
    _plt().close(fig)
    return name


def plot_tags_per_clip(per_clip: np.ndarray, out_dir: str) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    hi = int(per_clip.max()) if per_clip.size else 0
    ax.hist(per_clip, bins=np.arange(-0.5, hi + 1.5, 1), color="#4c72b0", edgecolor="white")
    ax.set_xlabel("positive tags per clip")
    ax.set_ylabel("clips")
    ax.set_title(f"Tags per clip ({per_clip.size} clips)")
    return _save(fig, out_dir, "tags_per_clip.png")


def plot_tag_frequency(counts: Sequence[tuple[str, int]], out_dir: str, name: str, title: str,
                       labels: bool, top_k: int = 0) -> str:
    plt = _plt()
    n = len(counts)
    fig, ax = plt.subplots(figsize=(max(7, 0.22 * n) if labels else 10, 4.5))
    x = np.arange(n)
    ax.bar(x, [c for _, c in counts], color=[CATEGORY_COLORS[TAG_CATEGORIES.get(t, "other")] for t, _ in counts]
           if labels else "#4c72b0", width=0.8 if labels else 1.0)
    if labels:
        ax.set_xticks(x)
        ax.set_xticklabels([t for t, _ in counts], rotation=90, fontsize=8)
        from matplotlib.patches import Patch

        present = [c for c in CATEGORY_ORDER if any(TAG_CATEGORIES.get(t, "other") == c for t, _ in counts)]
        ax.legend(handles=[Patch(color=CATEGORY_COLORS[c], label=c) for c in present], fontsize=8)
    else:
        ax.set_xlabel("tag columns, most frequent first")
        if top_k and top_k < n:
            ax.axvline(top_k - 0.5, color="#c44e52", linestyle="--", linewidth=1)
            ax.text(top_k, ax.get_ylim()[1] * 0.9, f" top {top_k}", color="#c44e52", va="top")
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylabel("clips with the tag")
    ax.set_title(title)
    return _save(fig, out_dir, name)


def plot_categories(top: Sequence[tuple[str, int]], out_dir: str) -> tuple[str, dict, dict]:
    plt = _plt()
    by_tags: Counter = Counter(TAG_CATEGORIES.get(t, "other") for t, _ in top)
    by_occ: Counter = Counter()
    for t, c in top:
        by_occ[TAG_CATEGORIES.get(t, "other")] += c
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
    for ax, data, what in ((axes[0], by_tags, "tags"), (axes[1], by_occ, "tag occurrences")):
        cats = [c for c in CATEGORY_ORDER if data.get(c)]
        ax.pie([data[c] for c in cats], labels=[f"{c} ({data[c]})" for c in cats],
               colors=[CATEGORY_COLORS[c] for c in cats], autopct="%1.0f%%", startangle=90, counterclock=False)
        ax.set_title(f"Top-{len(top)} by category: {what}")
    return _save(fig, out_dir, "top_tags_by_category.png"), dict(by_tags), dict(by_occ)


def _candidates(rows, mine: Sequence[str], theirs: Sequence[str]):
    """Rows with one of ``mine`` and none of ``theirs``; those with the first (main) tag first."""
    mine_s, theirs_s = set(mine), set(theirs)
    hits = [r for r in rows if r.tags & mine_s and not r.tags & theirs_s]
    return sorted(hits, key=lambda r: (mine[0] not in r.tags, r.clip_id))


def _first_readable(data_root: str, rows, config):
    """(row, log-mel) of the first row whose audio decodes, else (None, reasons)."""
    from mtat.annotations import resolve_clip_path
    from mtat.audio import AudioError, load_audio
    from mtat.features import clip_log_mel

    reasons = []
    for row in rows[:MAX_TRIES]:
        try:
            # clip_log_mel keeps the first clip_seconds: reading more would only cost memory
            wave = load_audio(resolve_clip_path(data_root, row.mp3_path), config.sample_rate,
                              max_seconds=config.clip_seconds + 1.0)
        except (AudioError, ValueError) as err:
            reasons.append(f"{row.mp3_path}: {err}")
            continue
        return row, clip_log_mel(wave, config)
    return None, reasons


def plot_contrast(data_root: str, rows, contrast, config, out_dir: str) -> dict:
    """One PNG with a spectrogram per side, or ``{"skipped": why}``."""
    label_a, tags_a, label_b, tags_b = contrast
    sides = []
    for label, mine, theirs in ((label_a, tags_a, tags_b), (label_b, tags_b, tags_a)):
        cands = _candidates(rows, mine, theirs)
        if not cands:
            return {"title": f"{label_a} vs {label_b}",
                    "skipped": f"no clip is tagged {label} (or a synonym) without {label_b if label == label_a else label_a}"}
        row, mel = _first_readable(data_root, cands, config)
        if row is None:
            return {"title": f"{label_a} vs {label_b}",
                    "skipped": f"none of the {len(cands)} {label} clips could be decoded ({mel[0] if mel else ''})"}
        sides.append((label, row, mel))
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True)
    vmax = max(float(m.max()) for _, _, m in sides)
    for ax, (label, row, mel) in zip(axes, sides):
        im = ax.imshow(mel, origin="lower", aspect="auto", cmap="magma", vmin=vmax - 80, vmax=vmax,
                       extent=[0, config.clip_seconds, 0, config.n_mels])
        ax.set_title(f"{label}: clip {row.clip_id}", fontsize=10)
        ax.set_xlabel("time (s)")
    axes[0].set_ylabel(f"mel band (of {config.n_mels})")
    fig.colorbar(im, ax=list(axes), label="dB", fraction=0.025)
    slug = "_vs_".join(s.replace(" ", "-") for s in (label_a, label_b))
    name = _save(fig, out_dir, f"spectrogram_{slug}.png")
    return {"title": f"{label_a} vs {label_b}", "image": name,
            "clips": [(label, row.clip_id, row.mp3_path, sorted(row.tags)) for label, row, _ in sides]}


def write_html(out_dir: str, data_root: str, summary: dict, figures: list[dict]) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>", "<html><head><meta charset='utf-8'><title>MTAT data report</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "figure{margin:2em 0}img{max-width:100%;border:1px solid #ddd}figcaption{color:#444;margin-top:.4em}"
        "td,th{padding:2px 10px;text-align:left}.skip{color:#a33}</style></head><body>",
        f"<h1>Data report: {esc(os.path.abspath(data_root))}</h1>",
        "<table>" + "".join(f"<tr><th>{esc(k)}</th><td>{esc(str(v))}</td></tr>" for k, v in summary.items()) + "</table>",
    ]
    for fig in figures:
        parts.append(f"<h2>{esc(fig['title'])}</h2>")
        if fig.get("image"):
            parts.append(f"<figure><img src='{esc(fig['image'])}' alt='{esc(fig['title'])}'>"
                         f"<figcaption>{esc(fig['caption'])}</figcaption></figure>")
        else:
            parts.append(f"<p class='skip'>Skipped: {esc(fig['skipped'])}.</p>")
    parts.append("</body></html>")
    path = os.path.join(out_dir, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")
    return path


def make_report(data_root: str, out_dir: str, top_k: int = 50, config=None) -> dict:
    """Write the PNGs and ``index.html`` into ``out_dir``; returns a summary with the figure list."""
    from mtat.annotations import AnnotationsError, load_annotations
    from mtat.features import MelConfig
    from mtat.tags import top_k_tags

    if top_k < 1:
        raise CliError(f"--top-k must be at least 1, got {top_k}")
    if "://" not in data_root and not os.path.isdir(data_root):
        raise CliError(f"data root not found: {data_root}")
    try:
        ann = load_annotations(data_root)
    except AnnotationsError as err:
        raise CliError(f"{err} (a data root needs annotations_final.csv, as in MagnaTagATune)") from None
    if not ann.rows:
        raise CliError(f"no usable rows in the annotations of {data_root} ({len(ann.rejects)} rejected)")
    config = config or MelConfig()
    os.makedirs(out_dir, exist_ok=True)
    rows = ann.rows
    counts = ann.tag_counts()
    per_clip = np.array([len(r.tags) for r in rows])
    all_counts = sorted(((t, counts[t]) for t in ann.tag_columns), key=lambda tc: -tc[1])
    top = [(t, counts[t]) for t in top_k_tags(counts, top_k, ann.tag_columns)]
    used = sum(1 for _, c in all_counts if c > 0)

    figures = []
    figures.append({"title": "Tags per clip", "image": plot_tags_per_clip(per_clip, out_dir), "caption":
                    f"Positive tag columns per clip: median {np.median(per_clip):g}, mean {per_clip.mean():.2f}, "
                    f"max {per_clip.max()}; {int((per_clip == 0).sum())} of {len(rows)} clips have no tag at all."})
    figures.append({"title": "Tag frequency: all columns", "image": plot_tag_frequency(
        all_counts, out_dir, "tag_frequency_all.png", f"All {len(all_counts)} tag columns", labels=False,
        top_k=len(top)), "caption": f"Clips per tag column, most frequent first (the dashed line ends the top "
                                    f"{len(top)}): {used} of {len(all_counts)} columns are "
                   f"used at least once; the most frequent is '{all_counts[0][0]}' ({all_counts[0][1]} clips). "
                   "The long tail is why models are trained on the top-K tags."})
    top_share = sum(c for _, c in top) / max(1, sum(c for _, c in all_counts))
    figures.append({"title": f"Tag frequency: top {len(top)}", "image": plot_tag_frequency(
        top, out_dir, "tag_frequency_top.png", f"Top-{len(top)} tags", labels=True),
        "caption": f"The {len(top)} most frequent tags (the pipeline's top-K rule, ties in column order), colored "
                   f"by category; they hold {top_share:.0%} of all positive labels."})
    name, by_tags, by_occ = plot_categories(top, out_dir)
    figures.append({"title": f"Top {len(top)} tags by category", "image": name, "caption":
                    "Left: how many of the top tags fall in each category; right: how many positive labels they "
                    "carry. Categories: " + "; ".join(f"{c} {by_tags.get(c, 0)} tags / {by_occ.get(c, 0)} labels"
                                                      for c in CATEGORY_ORDER if by_tags.get(c))})
    for contrast in CONTRASTS:
        fig = plot_contrast(data_root, rows, contrast, config, out_dir)
        if fig.get("image"):
            fig["caption"] = ("Log-mel spectrograms (the model's own front-end: "
                              f"{config.sample_rate} Hz, {config.n_mels} mel bands, hop {config.hop_length}; "
                              "80 dB range) of "
                              + "; ".join(f"clip {cid} ({label}; tags: {', '.join(tags)})"
                                          for label, cid, _, tags in fig["clips"]) + ".")
        figures.append(fig)

    summary = {
        "clips (valid rows)": len(rows),
        "rejected rows": len(ann.rejects),
        "tag columns": len(ann.tag_columns),
        "tag columns used": used,
        "positive labels": int(per_clip.sum()),
        "clips without any tag": int((per_clip == 0).sum()),
        f"top-{top_k} tags found": len(top),
    }
    page = write_html(out_dir, data_root, summary, figures)
    return {"summary": summary, "figures": figures, "html": page}


def run(args: argparse.Namespace) -> int:
    result = make_report(args.data_root, args.out, args.top_k)
    made = [f["image"] for f in result["figures"] if f.get("image")]
    skipped = [f for f in result["figures"] if f.get("skipped")]
    print(f"wrote {len(made)} figures and {result['html']}")
    for f in skipped:
        print(f"skipped {f['title']}: {f['skipped']}")
    return 0
