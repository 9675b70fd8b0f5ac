"""Tag audio files with the pushed model (or a running TF Serving) and print the top tags.

    mtat-tagger predict song.mp3 other.flac --top 5
    mtat-tagger predict *.mp3 --json > tags.jsonl
    mtat-tagger predict song.mp3 --plot taggram.png
    mtat-tagger predict song.mp3 --server http://localhost:8501 --model-name tagger
    mtat-tagger predict song.mp3 --tags "rave, lullaby, church choir" [--plot taggram.png]

Any length and format libsndfile reads (mp3, wav, flac, ogg, aiff, au; recognised from the
content, not the name); stereo and any sample rate are downmixed and resampled to the model's
rate. Files are decoded as a stream (a 10-minute file needs the memory of a few windows, with
``--server`` too); a file shorter than one model window is zero-padded. The clip-level
probabilities are the served ones (``serving_default``: model windows of 29.12 s averaged).
``--json`` prints one object per line: ``{"path", "tags": {tag: probability, ... all tags, most
probable first}, "top": [the --top tags], "applies": [the tags at or above their threshold, most
probable first]}``, or ``{"path", "error"}`` for a file that cannot be read. The thresholds are
the model's (``model_info.json``, one per tag, chosen on the validation split:
:mod:`mtat.thresholds`); the text output marks applying tags with ``*``. A model exported without
thresholds, and ``--server``, print no ``applies``. Audio shorter than
:data:`mtat.windows.MIN_RELIABLE_SECONDS` (3 s) is tagged, but its tags are unreliable: a
``warning: PATH: 1.00 s of audio: tags are unreliable below 3 s`` line on stderr, and
``"short": true, "warning": ...`` in its JSON object. Every file is processed; an unreadable one
is one ``error: ...`` line on stderr naming it. Exit code: 0 every file tagged, 1 some file
failed, 2 a usage, model or server error (nothing tagged). ``--plot`` draws a taggram per file
(the top tags over time, 3 s windows every ``--taggram-hop`` seconds; see mtat.tagging).

``--tags "a, b c"`` scores any words or phrases zero-shot instead of the trained tags: the
cosine of the clip's vector in the joint audio-text space and the phrase's text vector, mapped to
[0, 1] as ``(cosine + 1) / 2`` (:func:`mtat.joint_space.zero_shot_scores`, the score the
Evaluator reports for unseen tags). The output keeps its form, keyed by exactly the given phrases,
with no ``applies`` (phrases have no threshold) but ``"applies_note"`` saying so; the taggram plots
the phrases over time.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tagger_cli.main import CliError
from tagger_cli.serve_check import DEFAULT_SAMPLE_RATE
from tagger_cli.taggram import one_path

HELP = "tag audio files (top tags, JSON lines, taggram plot) with a local model or TF Serving"
#: Show a progress bar from this many files on.
PROGRESS_MIN_FILES = 10
#: Most tag rows drawn in a taggram.
PLOT_MAX_TAGS = 25


def add_arguments(p) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="audio files")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--model", metavar="DIR",
                     help="model version dir, model dir (newest version) or serving dir [serving_model/tagger]")
    src.add_argument("--server", metavar="URL",
                     help="use a running TF Serving REST API instead, e.g. http://localhost:8501")
    p.add_argument("--model-name", default="tagger", help="model name on --server [tagger]")
    p.add_argument("--sample-rate", type=int, default=DEFAULT_SAMPLE_RATE,
                   help="with --server: the served model's sample rate (TF Serving does not report it) "
                        f"[{DEFAULT_SAMPLE_RATE}]")
    p.add_argument("--top", type=int, default=10, metavar="N", help="tags to show per file [10]")
    p.add_argument("--tags", metavar="PHRASES",
                   help='score these comma-separated words or phrases instead of the trained tags, zero-shot '
                        '(e.g. "rave, lullaby, church choir"; needs a model with the joint audio-text head)')
    p.add_argument("--json", action="store_true", help="one JSON object per line and file")
    p.add_argument("--plot", metavar="PNG",
                   help="write a taggram (top tags x time) here; with several files one PNG each, "
                        "<PNG stem>-<file stem>.png")
    p.add_argument("--taggram-hop", type=float, default=1.5, metavar="SECONDS",
                   help="taggram resolution: a 3 s window every SECONDS [1.5]")
    p.add_argument("--workers", type=int, default=2, help="files decoded/tagged in parallel [2]")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def plot_paths(plot: str, files: Sequence[str]) -> list[str]:
    """One PNG per input: ``plot`` itself for one file, else ``<plot stem>-<file stem>.png`` (deduplicated)."""
    root, ext = os.path.splitext(plot)
    ext = ext or ".png"
    if len(files) == 1:
        return [root + ext]
    out, seen = [], set()
    for i, f in enumerate(files):
        stem = os.path.splitext(os.path.basename(f))[0] or f"file{i + 1}"
        name = f"{root}-{stem}{ext}"
        if name in seen:
            name = f"{root}-{stem}-{i + 1}{ext}"
        seen.add(name)
        out.append(name)
    return out


def plot_taggram(prediction, tags: Sequence[str], out_path: str, top: int, title: str = "",
                 label: str = "probability") -> None:
    """Save a taggram PNG: the ``top`` most probable tags (rows, best first) over time in seconds.

    ``tags`` name the columns of ``prediction.probabilities`` (the trained tags, or ``--tags``
    phrases with their zero-shot scores); ``label`` names the colour scale.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = max(1, min(int(top), PLOT_MAX_TAGS, len(tags)))
    order = np.argsort(-np.asarray(prediction.probabilities), kind="stable")[:n]
    data = np.asarray(prediction.window_probabilities)[:, order].T  # [n tags, windows]
    centers = np.asarray(prediction.window_starts) + prediction.window_seconds / 2
    duration = max(float(prediction.duration), float(centers[-1]))
    edges = np.concatenate([[0.0], (centers[:-1] + centers[1:]) / 2, [duration]])
    fig = Figure(figsize=(min(16.0, max(7.0, 3 + 0.12 * data.shape[1])), 1.4 + 0.28 * n))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    mesh = ax.pcolormesh(edges, np.arange(n + 1), data, vmin=0.0, vmax=1.0, cmap="magma", shading="flat")
    ax.set_yticks(np.arange(n) + 0.5)
    ax.set_yticklabels([f"{tags[i]} ({prediction.probabilities[i]:.2f})" for i in order])
    ax.set_ylim(n, 0)
    ax.set_xlim(0, duration)
    ax.set_xlabel("time (s)")
    starts = np.asarray(prediction.window_starts)
    every = f" every {starts[1] - starts[0]:g} s" if starts.size > 1 else ""
    kind = (f"{prediction.window_seconds:g} s windows{every}" if prediction.taggram
            else f"{prediction.window_seconds:.1f} s model windows")
    ax.set_title(f"{title}  ({kind})" if title else kind, fontsize=10)
    fig.colorbar(mesh, ax=ax, label=label, pad=0.01)
    fig.tight_layout()
    parent = os.path.dirname(os.path.abspath(out_path))
    os.makedirs(parent, exist_ok=True)
    fig.savefig(out_path, dpi=100, format="png")


def parse_phrases(text: str) -> list[str]:
    """The phrases of ``--tags``: comma-separated, spaces collapsed, empty and repeated ones dropped."""
    phrases: list[str] = []
    for part in str(text).split(","):
        phrase = " ".join(part.split())
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    if not phrases:
        raise CliError(f"--tags has no phrase in {text!r}: give words separated by commas, e.g. \"rave, lullaby\"")
    return phrases


def json_line(path: str, tags: Sequence[str], probabilities: np.ndarray, top: int,
              duration: float | None = None, thresholds: dict[str, float] | None = None,
              note: str | None = None) -> str:
    from mtat.tagging import prediction_json

    return json.dumps(prediction_json(path, tags, probabilities, top, duration, thresholds, note),
                      ensure_ascii=False)


def _error_text(err: BaseException) -> str:
    from mtat.audio import AudioError, printable

    if isinstance(err, AudioError):
        return printable(str(err))
    text = str(err).strip().splitlines()
    return printable(f"{type(err).__name__}: {text[0] if text else 'failed'}")


#: ``tag(path) -> (labels, scores, duration in s, FilePrediction or None)``: one file, tagged.
TagFn = Callable[[str], tuple[list[str], np.ndarray, float, Any]]


def _server_tagger(args, phrases: list[str] | None) -> TagFn:
    """Tag through a running TF Serving (streamed: a long file is sent window by window)."""
    from mtat.audio import stream_audio
    from tagger_cli.serve_check import ServingClient

    if phrases:
        raise CliError("--tags needs the local model (zero-shot scores use the text encoder): drop --server")
    if args.plot:
        raise CliError("--plot needs the local model (the taggram is not a served signature): drop --server")
    if args.sample_rate <= 0:
        raise CliError("--sample-rate must be positive")
    client = ServingClient(args.server, args.model_name)
    client.status()  # fail early: unreachable server, unknown model

    def tag(path: str):
        tags, probs, samples = client.tag_blocks(stream_audio(path, args.sample_rate))
        return tags, probs, samples / args.sample_rate, None

    return tag


def _model_tagger(args, phrases: list[str] | None, taggram: bool) -> tuple[TagFn, dict[str, float] | None]:
    """Tag with the local model: its tags, or the ``--tags`` phrases scored zero-shot. Returns the
    tag function and the model's thresholds (None for phrases: zero-shot scores have none)."""
    from mtat.tagging import load_tagger

    tagger = load_tagger(args.model)
    labels, vectors = tagger.tags, None
    if phrases:
        from mtat.joint_space import phrase_vectors

        if not tagger.has_joint:
            raise CliError(f"the model in {tagger.model_dir} has no joint audio-text head (trained with "
                           "--joint-weight 0): --tags cannot score free phrases with it")
        labels, vectors = phrases, phrase_vectors(phrases)

    def tag(path: str):
        pred = one_path(tagger.predict_file(path, taggram=taggram, taggram_hop=args.taggram_hop))
        if vectors is not None:
            pred = pred.phrase_scores(vectors)
        return labels, pred.probabilities, pred.duration, pred

    return tag, (None if phrases else tagger.thresholds)


def run(args) -> int:
    from tqdm import tqdm

    from mtat.audio import printable
    from mtat.tagging import ZERO_SHOT_NOTE, map_files, top_tags
    from mtat.thresholds import applying
    from mtat.windows import is_short, short_warning
    from tagger_cli.serve_check import format_top

    if args.top < 1:
        raise CliError("--top must be at least 1")
    if args.workers < 1:
        raise CliError("--workers must be at least 1")
    if not args.taggram_hop > 0:
        raise CliError("--taggram-hop must be positive")
    files: list[str] = list(args.files)
    plots = plot_paths(args.plot, files) if args.plot else None
    phrases = parse_phrases(args.tags) if args.tags is not None else None
    thresholds = None  # served models (--server) and zero-shot phrases: no thresholds
    note = ZERO_SHOT_NOTE if phrases else None
    if args.server:
        tag, workers = _server_tagger(args, phrases), 1
    else:
        (tag, thresholds), workers = _model_tagger(args, phrases, taggram=bool(plots)), args.workers

    failed = 0
    show = not args.no_progress and len(files) >= PROGRESS_MIN_FILES
    with tqdm(total=len(files), unit="file", file=sys.stderr, disable=not show, desc="tagging") as bar:
        def out(text: str) -> None:
            text = printable(text)
            if show:
                tqdm.write(text, file=sys.stdout)
            else:
                print(text, flush=True)

        def err_line(text: str) -> None:
            text = printable(text)
            if show:
                tqdm.write(text, file=sys.stderr)
            else:
                print(text, file=sys.stderr, flush=True)

        first = True
        for i, (path, result, error) in enumerate(map_files(tag, files, workers=workers)):
            bar.update(1)
            shown = printable(path)  # a file name that is not UTF-8 is printed with \xNN escapes
            if error is not None:
                failed += 1
                text = _error_text(error)
                err_line(f"error: {text}" if shown in text else f"error: {shown}: {text}")
                if args.json:
                    out(json.dumps({"path": shown, "error": text}, ensure_ascii=False))
                continue
            tags, probs, duration, pred = result
            if is_short(duration):
                err_line(f"warning: {shown}: {short_warning(duration)}")
            if args.json:
                out(json_line(shown, tags, probs, args.top, duration, thresholds, note))
            else:
                applies = None if thresholds is None else applying(tags, probs, thresholds)
                out(("" if first else "\n") + format_top(shown, duration, top_tags(tags, probs, args.top),
                                                          applies, note))
            first = False
            if plots:
                try:
                    plot_taggram(pred, tags, plots[i], args.top, title=os.path.basename(shown),
                                 label="zero-shot score" if phrases else "probability")
                except (OSError, ValueError) as err:
                    failed += 1
                    err_line(f"error: cannot write the taggram {plots[i]}: {err}")
                    continue
                err_line(f"taggram: {plots[i]}")
    if failed:
        print(f"{failed} of {len(files)} file(s) failed", file=sys.stderr)
    return 1 if failed else 0
