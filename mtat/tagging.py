"""The tagging library: find and load a pushed model once, tag a waveform, a file or many files.

Used by the ``mtat-tagger`` commands and the web page; errors about the model are
:class:`ModelError`, unreadable audio is :class:`mtat.audio.AudioError`.

Clip-level outputs (what ``predict``, ``index`` and ``similar`` report) are exactly what TF
Serving's ``serving_default`` / ``analyze`` signatures compute for the whole file: the audio is
cut into model windows of ``config.clip_samples`` samples (29.12 s at the defaults) at starts
``0, W, 2W, ...``, the last window aligned to the end of the file (so it overlaps the one
before), a file shorter than one window repeated to fill it (:func:`mtat.windows.fill_window`); the window probabilities and
embeddings are averaged. The windows are fed through the ``analyze`` signature in batches of
at most :data:`BATCH_WINDOWS`, each batch row being exactly one window, so the numbers equal a
single ``serving_default`` call on the whole waveform (up to float rounding) while memory stays
bounded.

Long files are never decoded into one array: :func:`mtat.audio.stream_audio` reads blocks of
:data:`mtat.audio.BLOCK_SECONDS` with libsndfile, downmixes them to mono and resamples them with a
streaming soxr resampler (the same numbers as ``mtat.audio.load_audio`` on the whole file, up
to float rounding), and
the window rule (:class:`mtat.windows.Windower`) keeps only the samples a pending window still needs.

Taggram (``taggram=True``): the served windows are 29.12 s long, one row per half minute is
useless for a 30 s clip. The taggram instead rates short *segments* of
:data:`TAGGRAM_SEGMENT_SECONDS` (3 s) every :data:`TAGGRAM_HOP_SECONDS` (1.5 s, 50 % overlap;
the last segment is aligned to the end of the file; a file shorter than a segment is one
segment). Each segment's log-mel (computed with the project's front-end, the first and last
frame dropped because STFT padding darkens them) is *tiled* along time to the model's
``n_frames`` and scored through the ``log_mel`` signature. Tiling, not zero-padding: the
model never sees silence or a fake "mean" spectrum, and for the global-max-pooled FCN presets
(receptive field ~3.6 s) the output of a tiled segment is the max over that segment's own
features; for ``strong`` every 3.75 s chunk holds only that segment's frames. So a taggram row
answers "what does the model hear in these 3 s". Taggram rows are *not* averaged into the
clip-level probabilities (those stay the served numbers).

Without ``taggram`` the ``window_probabilities`` of a :class:`FilePrediction` are the served
(non-overlapping, 29.12 s) windows themselves.
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from mtat.audio import AUDIO_EXTENSIONS, AudioError, stream_audio
from mtat.features import MelConfig
from mtat.joint_space import unit_vectors
from mtat.model_info import read_model_info, thresholds_of
from mtat.signatures import ANALYZE, EMBEDDING_NAME, JOINT_NAME, LOG_MEL, OUTPUT_NAME, SERVING_DEFAULT, WAVEFORM_INPUT
from mtat.windows import Windower, fill_window, is_short, short_warning

#: Where ``run_local.py`` pushes by default (``--serving-dir serving_model --model-name tagger``).
DEFAULT_MODEL_DIR = os.path.join("serving_model", "tagger")
#: Model windows per ``analyze`` call (bounds memory: 4 x 29 s x 12 kHz x 4 B = 5.6 MB + the activations;
#: as fast as 8 on a 10-minute file, with 160 MB less peak RSS for the small preset).
BATCH_WINDOWS = 4
#: Taggram segments per ``log_mel`` call.
BATCH_SEGMENTS = 16
TAGGRAM_SEGMENT_SECONDS = 3.0
TAGGRAM_HOP_SECONDS = 1.5

__all__ = ["AUDIO_EXTENSIONS", "AudioError", "DEFAULT_MODEL_DIR", "FilePrediction", "ModelError", "Tagger",
           "load_tagger", "map_files", "resolve_model_dir", "top_tags"]


class ModelError(Exception):
    """No usable model where one was asked for (missing, not exported by this project, corrupt)."""


@dataclasses.dataclass
class FilePrediction:
    """What the model says about one file (or waveform).

    ``probabilities`` ``[K]`` and ``embedding`` ``[D]`` are the clip-level outputs (TF Serving's
    numbers). ``window_probabilities`` ``[n, K]`` with ``window_starts`` ``[n]`` (seconds) and
    ``window_seconds`` (each row's length) is the taggram when ``taggram`` is true, else the
    served 29.12 s windows. ``duration`` is in seconds.
    """

    path: str
    probabilities: np.ndarray
    embedding: np.ndarray
    window_probabilities: np.ndarray
    window_starts: np.ndarray
    duration: float
    window_seconds: float = 0.0
    taggram: bool = False
    #: Unit vector ``[D]`` in the joint audio-text space, and one per row of ``window_probabilities``
    #: (``[n, D]``); None for a model without the joint head.
    joint: np.ndarray | None = None
    window_joint: np.ndarray | None = None

    @property
    def short(self) -> bool:
        """The audio is shorter than :data:`mtat.windows.MIN_RELIABLE_SECONDS`: its tags are unreliable."""
        return is_short(self.duration)

    def top(self, tags: Sequence[str], n: int) -> list[tuple[str, float]]:
        """The ``n`` most probable ``(tag, probability)``, highest first."""
        return top_tags(tags, self.probabilities, n)

    def phrase_scores(self, phrase_vecs: np.ndarray) -> FilePrediction:
        """This prediction with ``probabilities`` / ``window_probabilities`` replaced by zero-shot
        scores of phrases (unit text vectors ``[P, D]``, :func:`mtat.joint_space.phrase_vectors`)."""
        from mtat.joint_space import zero_shot_scores

        if self.joint is None or self.window_joint is None:
            raise ModelError("the model has no joint audio-text head (trained with --joint-weight 0): "
                             "it cannot score free phrases")
        return dataclasses.replace(self, probabilities=zero_shot_scores(self.joint, phrase_vecs),
                                   window_probabilities=zero_shot_scores(self.window_joint, phrase_vecs))


def top_tags(tags: Sequence[str], probabilities: np.ndarray, n: int) -> list[tuple[str, float]]:
    """``(tag, probability)`` pairs sorted by probability (descending; ties in tag order), first ``n``."""
    probabilities = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    order = np.argsort(-probabilities, kind="stable")[: max(0, int(n))]
    return [(tags[i], float(probabilities[i])) for i in order]


# --------------------------------------------------------------------------------------------
# finding a model


def _is_saved_model(path: str) -> bool:
    import tensorflow as tf

    return tf.io.gfile.exists(os.path.join(path, "saved_model.pb"))


def _listdir(path: str) -> list[str]:
    import tensorflow as tf

    try:
        return [name.rstrip("/") for name in tf.io.gfile.listdir(path)]
    except Exception:  # not a directory / unreadable: nothing loadable there
        return []


def _versions(base: str) -> list[int]:
    """All-digit sub-folders of ``base`` holding a SavedModel (TF Serving's version layout)."""
    return sorted(int(v) for v in _listdir(base) if v.isdigit() and _is_saved_model(os.path.join(base, v)))


def resolve_model_dir(path: str | None) -> str:
    """The SavedModel version folder meant by ``path``.

    ``path`` may be a version folder (has ``saved_model.pb``), a model base folder (the newest
    all-digit version in it), or a serving folder holding ``<name>/<version>/`` (its only model,
    or ``tagger`` if there are several). ``None`` means ``serving_model/tagger`` (where
    ``pipelines/run_local.py`` pushes). Raises :class:`ModelError` when nothing loadable is there.
    """
    import tensorflow as tf

    shown = path if path is not None else f"{DEFAULT_MODEL_DIR} (the default; pass --model DIR)"
    target = path if path is not None else DEFAULT_MODEL_DIR
    if "://" not in target:
        target = os.path.abspath(os.path.expanduser(target))
    if not tf.io.gfile.exists(target):
        raise ModelError(f"model directory not found: {shown}")
    if _is_saved_model(target):
        return target
    versions = _versions(target)
    if versions:
        return os.path.join(target, str(versions[-1]))
    names = sorted(n for n in _listdir(target) if _versions(os.path.join(target, n)))
    if len(names) > 1 and "tagger" in names:
        names = ["tagger"]
    if len(names) == 1:
        base = os.path.join(target, names[0])
        return os.path.join(base, str(_versions(base)[-1]))
    if names:
        raise ModelError(f"{shown} holds several models ({', '.join(names)}): pass one of them with --model")
    raise ModelError(f"no SavedModel in {shown}: expected saved_model.pb, numeric version folders "
                   "(<model>/<version>/) or a serving folder with <model>/<version>/")


def model_fingerprint(model_dir: str) -> str:
    """A content hash of the SavedModel (``fingerprint.pb``), '' when the model has none."""
    import tensorflow as tf

    try:
        fp = tf.saved_model.experimental.read_fingerprint(model_dir)
    except Exception:
        return ""
    return f"{fp.saved_model_checksum:x}-{fp.checkpoint_hash:x}"


# --------------------------------------------------------------------------------------------
# the model


class Tagger:
    """A loaded pushed model: ``tags``, ``version``, ``model_dir``, ``config`` (its MelConfig)."""

    def __init__(self, model_dir: str):
        import tensorflow as tf

        self.model_dir = model_dir
        try:
            self.info: dict[str, Any] = read_model_info(model_dir)
        except Exception as err:  # corrupt / incompatible SavedModel
            raise ModelError(f"{model_dir} has no readable assets.extra/model_info.json "
                           f"(not exported by this project's trainer?): {err}") from None
        try:
            self.model = tf.saved_model.load(model_dir)
        except Exception as err:
            raise ModelError(f"cannot load the SavedModel in {model_dir}: {str(err).splitlines()[0]}") from None
        missing = [s for s in (ANALYZE, LOG_MEL, SERVING_DEFAULT) if s not in self.model.signatures]
        if missing:
            raise ModelError(f"the model in {model_dir} lacks the signature(s) {', '.join(missing)}")
        self.tags: list[str] = list(self.info["tags"])
        self.config = MelConfig.from_dict(self.info["mel_config"])
        self.preset: str = self.info.get("preset", "")
        #: ``{tag: threshold}`` chosen on the validation split (None: an older model without them)
        self.thresholds: dict[str, float] | None = thresholds_of(self.info)
        base = os.path.basename(os.path.normpath(model_dir))
        self.version: str = base if base.isdigit() else ""
        self.name: str = os.path.basename(os.path.dirname(os.path.normpath(model_dir))) if self.version else base
        self.fingerprint = model_fingerprint(model_dir)
        self.has_joint = bool(self.info.get("joint")) and JOINT_NAME in self.model.signatures[ANALYZE].structured_outputs
        self._analyze = self.model.signatures[ANALYZE]
        self._log_mel = self.model.signatures[LOG_MEL]
        self._serving_default = self.model.signatures[SERVING_DEFAULT]
        warm = self._analyze(**{WAVEFORM_INPUT: tf.zeros([1, self.config.clip_samples])})  # also traces the graph once
        self.embedding_dim = int(warm[EMBEDDING_NAME].shape[-1])
        config = self.config

        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)])
        def segment_mels(waves):
            """``[b, samples]`` -> un-normalised log-mel ``[b, n_mels, n_frames]``, edge frames dropped, tiled."""
            from mtat.features import log_mel_graph

            mel = log_mel_graph(waves, config)
            frames = tf.shape(mel)[2]
            mel = tf.cond(frames > 2, lambda: mel[:, :, 1:-1], lambda: mel)
            reps = (config.n_frames + tf.shape(mel)[2] - 1) // tf.shape(mel)[2]
            return tf.tile(mel, [1, 1, reps])[:, :, :config.n_frames]

        self._segment_mels = segment_mels

    def __repr__(self) -> str:
        return f"Tagger({self.model_dir!r}, version={self.version!r}, {len(self.tags)} tags)"

    @property
    def sample_rate(self) -> int:
        return self.config.sample_rate

    # -- public API ---------------------------------------------------------------------------

    def predict_waveform(self, waveform: np.ndarray, *, taggram: bool = False,
                         taggram_hop: float = TAGGRAM_HOP_SECONDS, path: str = "") -> FilePrediction:
        """Tag a mono float32 waveform at ``self.sample_rate`` (any length, > 0 samples)."""
        waveform = np.asarray(waveform, dtype=np.float32).reshape(-1)
        if waveform.size == 0:
            raise ValueError("empty waveform")
        return self._predict_blocks(iter([waveform]), taggram, taggram_hop, path)

    def predict_file(self, path: str, *, taggram: bool = False,
                     taggram_hop: float = TAGGRAM_HOP_SECONDS) -> FilePrediction:
        """Decode (streamed, bounded memory) and tag one file. Raises :class:`AudioError` if unreadable."""
        blocks = stream_audio(str(path), self.sample_rate)
        return self._predict_blocks(blocks, taggram, taggram_hop, str(path))

    def serving_default(self, waveform: np.ndarray) -> np.ndarray:
        """The ``serving_default`` signature on ``[batch, samples]`` (for checks): probabilities ``[batch, K]``."""
        import tensorflow as tf

        x = np.asarray(waveform, dtype=np.float32)
        return self._serving_default(waveform=tf.constant(x if x.ndim == 2 else x[None]))[OUTPUT_NAME].numpy()

    # -- internals ----------------------------------------------------------------------------

    def _predict_blocks(self, blocks: Iterable[np.ndarray], taggram: bool,
                        taggram_hop: float, path: str) -> FilePrediction:
        """Feed decoded ``blocks`` through the model windows (and taggram segments) in batches."""
        rate = self.sample_rate
        window = self.config.clip_samples
        seg_len = max(1, int(round(TAGGRAM_SEGMENT_SECONDS * rate)))
        if taggram and not (taggram_hop > 0):
            raise ValueError(f"taggram hop must be positive, got {taggram_hop}")
        windows = _Batches(Windower(window, window), BATCH_WINDOWS, self._run_windows)
        segments = (_Batches(Windower(seg_len, max(1, int(round(taggram_hop * rate)))), BATCH_SEGMENTS,
                             self._run_segments) if taggram else None)
        total = 0
        for block in blocks:
            total += block.size
            windows.feed(block)
            if segments is not None:
                segments.feed(block)
        if total == 0:
            raise AudioError("no_samples", f"decoded to 0 samples: {path}")
        windows.finish()
        window_probs = windows.stacked(OUTPUT_NAME)
        probabilities = window_probs.mean(axis=0)
        embedding = windows.stacked(EMBEDDING_NAME).mean(axis=0)
        window_joint = windows.stacked(JOINT_NAME)
        joint = unit_vectors(window_joint.mean(axis=0)) if window_joint is not None else None  # averaged, renormalised
        if not (np.all(np.isfinite(window_probs)) and np.all(np.isfinite(embedding))
                and (window_joint is None or np.all(np.isfinite(window_joint)))):
            raise AudioError("non_finite", f"the model's output has NaN/Inf (sample values out of range?): {path}")
        duration = float(total / rate)
        if segments is None:
            return FilePrediction(path, probabilities, embedding, window_probs, windows.starts_seconds(rate),
                                  duration, window / rate, False, joint, window_joint)
        segments.finish()
        return FilePrediction(path, probabilities, embedding, segments.stacked(OUTPUT_NAME),
                              segments.starts_seconds(rate), duration, min(seg_len, total) / rate, True, joint,
                              segments.stacked(JOINT_NAME))

    def _run_windows(self, pending: list[np.ndarray]) -> dict[str, np.ndarray]:
        """All ``pending`` model windows (removed from it) through ``analyze``, as one batch."""
        import tensorflow as tf

        batch = np.stack([fill_window(w, self.config.clip_samples) for w in pending])  # a short file repeated
        pending.clear()  # at most two copies of a batch alive: this one and TF's
        out = self._analyze(waveform=tf.constant(batch))
        names = (OUTPUT_NAME, EMBEDDING_NAME) + ((JOINT_NAME,) if self.has_joint else ())
        return {name: out[name].numpy() for name in names}

    def _run_segments(self, pending: list[np.ndarray]) -> dict[str, np.ndarray]:
        """The leading ``pending`` taggram segments of one length (removed from it) through ``log_mel``:
        rows of one call must have equal length, so a short (whole-file) segment goes alone."""
        import tensorflow as tf

        n = pending[0].size
        k = 1
        while k < len(pending) and pending[k].size == n:
            k += 1
        out = self._log_mel(log_mel=self._segment_mels(tf.constant(np.stack(pending[:k]))))
        names = (OUTPUT_NAME,) + ((JOINT_NAME,) if self.has_joint else ())
        result = {name: out[name].numpy() for name in names}
        del pending[:k]
        return result


class _Batches:
    """The pieces a :class:`Windower` cuts from a file's blocks, run through the model ``limit`` at
    a time by ``run`` (which removes the pieces it ran from the pending list and returns its
    outputs by name); the outputs kept in order, with the pieces' start samples."""

    def __init__(self, windower: Windower, limit: int, run: Callable[[list[np.ndarray]], dict[str, np.ndarray]]):
        self.windower, self.limit, self.run = windower, limit, run
        self.pending: list[np.ndarray] = []
        self.starts: list[int] = []
        self.outputs: dict[str, list[np.ndarray]] = {}

    def feed(self, block: np.ndarray) -> None:
        self._take(self.windower.feed(block))

    def finish(self) -> None:
        """The file has ended: its last pieces, and every pending one run."""
        self._take(self.windower.finish())
        self._flush()

    def stacked(self, name: str) -> np.ndarray | None:
        """The outputs ``name`` of every piece, in order (None when ``run`` gave none)."""
        return np.concatenate(self.outputs[name]) if self.outputs.get(name) else None

    def starts_seconds(self, rate: int) -> np.ndarray:
        return np.asarray(self.starts, np.float64) / rate

    def _take(self, pieces: Iterable[tuple[int, np.ndarray]]) -> None:
        for start, piece in pieces:
            self.pending.append(piece)
            self.starts.append(start)
            if len(self.pending) >= self.limit:
                self._flush()

    def _flush(self) -> None:
        while self.pending:
            for name, value in self.run(self.pending).items():
                self.outputs.setdefault(name, []).append(value)


def load_tagger(path: str | None) -> Tagger:
    """Resolve ``path`` (see :func:`resolve_model_dir`) and load the model."""
    return Tagger(resolve_model_dir(path))


# --------------------------------------------------------------------------------------------
# many files


def map_files(fn: Callable[[str], Any], paths: Sequence[str], workers: int = 2, ordered: bool = True
              ) -> Iterator[tuple[str, Any, BaseException | None]]:
    """Run ``fn(path)`` over ``paths`` in a thread pool; yield ``(path, result, error)``.

    Decoding (libsndfile, soxr) and TF release the GIL, so one thread decodes while another
    predicts. At most ``2 * workers`` files are in flight (bounded memory). ``error`` is the
    exception a file raised (an :class:`AudioError` for unreadable audio, anything else for an
    unexpected failure): one bad file never stops the others. ``ordered=False`` yields results
    as they finish.
    """
    workers = max(1, int(workers))
    if workers == 1:
        for p in paths:
            try:
                yield p, fn(p), None
            except Exception as err:
                yield p, None, err
        return
    from concurrent.futures import FIRST_COMPLETED, wait

    def call(p):
        try:
            return fn(p), None
        except Exception as err:
            return None, err

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tagger")
    pending: dict[Any, tuple[int, str]] = {}
    done: dict[int, tuple[str, Any, BaseException | None]] = {}
    it = iter(enumerate(paths))
    emit = 0
    try:
        while True:
            while len(pending) < 2 * workers:
                nxt = next(it, None)
                if nxt is None:
                    break
                pending[pool.submit(call, nxt[1])] = nxt
            if not pending:
                break
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in finished:
                i, p = pending.pop(fut)
                result, err = fut.result()
                if ordered:
                    done[i] = (p, result, err)
                else:
                    yield p, result, err
            while emit in done:
                yield done.pop(emit)
                emit += 1
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


#: What a zero-shot prediction says instead of ``applies``.
ZERO_SHOT_NOTE = "zero-shot phrases have no threshold: scores rank, they do not decide"


def prediction_json(path: str, tags: Sequence[str], probabilities: np.ndarray, top: int,
                    duration: float | None = None, thresholds: dict[str, float] | None = None,
                    note: str | None = None) -> dict:
    """A file's prediction as ``mtat-tagger predict --json`` prints it: ``{"path", "tags": {tag:
    probability rounded to 6 decimals, every tag, most probable first}, "top": [the ``top`` first tags]}``;
    with ``thresholds`` (the model's, :attr:`Tagger.thresholds`) also ``"applies"``: the tags at or
    above their threshold, most probable first; ``note`` adds ``"applies_note"`` (why there is none);
    ``"short": true`` and ``"warning"`` (:func:`mtat.windows.short_warning`) when the audio's
    ``duration`` (seconds) is below :data:`mtat.windows.MIN_RELIABLE_SECONDS`."""
    from mtat.thresholds import applying

    ranked = top_tags(tags, probabilities, len(tags))
    out = {"path": path, "tags": {t: round(p, 6) for t, p in ranked}, "top": [t for t, _ in ranked[:top]]}
    if thresholds is not None:
        out["applies"] = applying(tags, probabilities, thresholds)
    if note:
        out["applies_note"] = note
    if is_short(duration):
        out.update(short=True, warning=short_warning(duration))
    return out

