"""Feature parameters and the log-mel front-end: one definition for Beam, training and serving.

The log-mel exists twice, on one set of parameters (:class:`MelConfig`) and one filterbank
(:func:`mel_filterbank`, librosa's Slaney mel matrix): :func:`log_mel_graph`, stock TF ops inside
the exported SavedModel (and :func:`log_mel_fn` for Python callers), and :func:`log_mel_numpy`,
the same steps in NumPy/SciPy for the Beam extraction, whose worker processes then never import
TensorFlow (~4 s of start-up each). Both match ``librosa.feature.melspectrogram(center=True)``
followed by ``librosa.power_to_db(ref=1.0, amin=1e-10, top_db=None)`` within 0.01 dB (tested),
and each other to float32 rounding.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

#: tf.Example keys (the one place that names them).
MEL_KEY = "log_mel"
LABEL_KEY = "labels"
CLIP_ID_KEY = "clip_id"
PATH_KEY = "mp3_path"
MEL_SHAPE_KEY = "mel_shape"
#: The feature parameters as one string (``MelConfig.describe()``): a schema pins its value.
MEL_CONFIG_KEY = "mel_config"
#: AudioExampleGen's file beside the split folders of its Examples (tags, mel config, counts): the
#: component writes it, the trainer and the run summary read it.
METADATA_FILE = "feature_metadata.json"

AMIN = 1e-10  # power floor before log10: silence is -100 dB, never -inf


@dataclasses.dataclass(frozen=True)
class MelConfig:
    """Audio front-end parameters (defaults: Choi et al. 2016, 12 kHz, 96 mels, 96 x 1366).

    ``n_frames`` fixes the clip length: a clip is ``clip_samples = (n_frames - 1) * hop_length``
    samples (29.12 s at the defaults), cropped or zero-padded at the end, which gives exactly
    ``n_frames`` frames with librosa's ``center=True`` framing (1 + N // hop).
    """

    sample_rate: int = 12000
    n_fft: int = 512
    hop_length: int = 256
    n_mels: int = 96
    n_frames: int = 1366
    fmin: float = 0.0
    fmax: float | None = None
    #: dtype of the stored mel bytes in tf.Examples ("float16" halves size; "float32" is exact).
    storage_dtype: str = "float16"

    def __post_init__(self) -> None:
        for name in ("sample_rate", "n_fft", "hop_length", "n_mels", "n_frames"):
            if int(getattr(self, name)) <= 0:
                raise ValueError(f"MelConfig.{name} must be positive, got {getattr(self, name)}")
        if self.hop_length > self.n_fft:
            raise ValueError("hop_length must not exceed n_fft")
        if self.storage_dtype not in ("float16", "float32"):
            raise ValueError(f"storage_dtype must be float16 or float32, got {self.storage_dtype!r}")
        top = self.sample_rate / 2
        if self.fmax is not None and not (self.fmin < self.fmax <= top):
            raise ValueError(f"need fmin < fmax <= sample_rate/2 ({top}), got {self.fmin}, {self.fmax}")

    @property
    def clip_samples(self) -> int:
        """Samples per model window at ``sample_rate``."""
        return (self.n_frames - 1) * self.hop_length

    @property
    def clip_seconds(self) -> float:
        return self.clip_samples / self.sample_rate

    @property
    def mel_shape(self) -> tuple[int, int]:
        return (self.n_mels, self.n_frames)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> MelConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown MelConfig field(s): {sorted(unknown)}")
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> MelConfig:
        return cls.from_dict(json.loads(text))

    def describe(self) -> str:
        """``"sample_rate=12000 n_fft=512 ..."``: every parameter as ``name=value``, in field order."""
        return " ".join(f"{k}={v}" for k, v in self.to_dict().items())

    def fingerprint(self) -> str:
        """Stable short hash of the parameters (for caches and artifact properties)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:16]


#: Slaney's mel scale (librosa's default, ``htk=False``): linear to 1 kHz, logarithmic above.
_MEL_LINEAR_HZ, _MEL_BREAK_HZ, _MEL_LOG_STEP = 200.0 / 3, 1000.0, np.log(6.4) / 27.0


def hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney mel of frequencies in Hz (``librosa.hz_to_mel(htk=False)``)."""
    hz = np.asarray(hz, dtype=np.float64)
    brk = _MEL_BREAK_HZ / _MEL_LINEAR_HZ
    log_part = brk + np.log(np.maximum(hz, _MEL_BREAK_HZ) / _MEL_BREAK_HZ) / _MEL_LOG_STEP
    return np.where(hz >= _MEL_BREAK_HZ, log_part, hz / _MEL_LINEAR_HZ)


def mel_to_hz(mel: np.ndarray) -> np.ndarray:
    """Inverse of :func:`hz_to_mel` (``librosa.mel_to_hz(htk=False)``)."""
    mel = np.asarray(mel, dtype=np.float64)
    brk = _MEL_BREAK_HZ / _MEL_LINEAR_HZ
    log_part = _MEL_BREAK_HZ * np.exp(_MEL_LOG_STEP * (np.maximum(mel, brk) - brk))
    return np.where(mel >= brk, log_part, _MEL_LINEAR_HZ * mel)


@functools.lru_cache(maxsize=8)
def mel_filterbank(config: MelConfig) -> np.ndarray:
    """librosa's Slaney-normalised mel matrix, transposed to ``[n_fft // 2 + 1, n_mels]`` float32.

    ``librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm="slaney")`` computed the
    same way in NumPy (tested equal), without importing librosa (~0.3-0.9 s in every process that
    makes log-mels: Beam workers, the CLI).
    """
    fmax = config.sample_rate / 2 if config.fmax is None else config.fmax
    fft_hz = np.fft.rfftfreq(config.n_fft, 1.0 / config.sample_rate)
    mel_hz = mel_to_hz(np.linspace(hz_to_mel(config.fmin), hz_to_mel(fmax), config.n_mels + 2))
    widths = np.diff(mel_hz)
    ramps = np.subtract.outer(mel_hz, fft_hz)
    weights = np.zeros((config.n_mels, fft_hz.size), dtype=np.float32)
    for i in range(config.n_mels):  # triangles rising from mel_hz[i], peaking at [i + 1], falling to [i + 2]
        weights[i] = np.maximum(0, np.minimum(-ramps[i] / widths[i], ramps[i + 2] / widths[i + 1]))
    weights *= (2.0 / (mel_hz[2:] - mel_hz[:-2]))[:, np.newaxis]  # Slaney: equal area per filter
    return np.ascontiguousarray(weights.T)


def fit_to_clip(waveform: np.ndarray, config: MelConfig) -> np.ndarray:
    """Crop or zero-pad a mono waveform at its end to exactly ``config.clip_samples``."""
    n = config.clip_samples
    waveform = np.asarray(waveform, dtype=np.float32).reshape(-1)
    if waveform.shape[0] >= n:
        return waveform[:n]
    return np.pad(waveform, (0, n - waveform.shape[0]))


def log_mel_graph(waveform, config: MelConfig):
    """Log-mel power spectrogram in dB of ``waveform`` (``[..., samples]`` float32 tensor).

    Returns ``[..., n_mels, 1 + samples // hop_length]``. Pure TF ops: call it inside any
    ``tf.function`` (the serving signatures') to get identical numbers.
    """
    import tensorflow as tf

    waveform = tf.convert_to_tensor(waveform, tf.float32)
    pad = config.n_fft // 2
    rank = waveform.shape.rank
    paddings = [[0, 0]] * (rank - 1) + [[pad, pad]]
    padded = tf.pad(waveform, paddings)
    stft = tf.signal.stft(
        padded, frame_length=config.n_fft, frame_step=config.hop_length,
        fft_length=config.n_fft, window_fn=tf.signal.hann_window, pad_end=False,
    )
    power = tf.math.square(tf.math.real(stft)) + tf.math.square(tf.math.imag(stft))
    fb = tf.constant(mel_filterbank(config))
    mel = tf.tensordot(power, fb, axes=[[rank], [0]])  # [..., frames, n_mels]
    db = 10.0 * tf.math.log(tf.math.maximum(mel, AMIN)) / tf.math.log(10.0)
    perm = list(range(rank - 1)) + [rank, rank - 1]
    return tf.transpose(db, perm)


@functools.lru_cache(maxsize=8)
def _hann_window(n_fft: int) -> np.ndarray:
    """Periodic Hann window (``tf.signal.hann_window``'s and librosa's ``"hann"``), float32."""
    return (0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n_fft) / n_fft)).astype(np.float32)


@functools.lru_cache(maxsize=8)
def _sparse_filterbank(config: MelConfig):
    """:func:`mel_filterbank` transposed, as a SciPy CSR matrix (~500 of its 24,672 entries are non-zero)."""
    import scipy.sparse

    return scipy.sparse.csr_matrix(mel_filterbank(config).T)


def log_mel_numpy(waveform: np.ndarray, config: MelConfig, dtype: str = "float32") -> np.ndarray:
    """:func:`log_mel_graph` in NumPy/SciPy float32: ``[samples]`` -> ``[n_mels, frames]`` dB as ``dtype``.

    Same framing, window, filterbank and floor, so the same numbers to float32 rounding; no
    TensorFlow, so a Beam worker process that uses it never imports TF (~4 s of its start-up).
    One thread, no BLAS: SciPy's FFT with ``workers=1``, the filterbank as a sparse matrix.
    """
    import scipy.fft

    wave = np.asarray(waveform, dtype=np.float32).reshape(-1)
    pad = config.n_fft // 2
    padded = np.pad(wave, (pad, pad))
    frames = np.lib.stride_tricks.sliding_window_view(padded, config.n_fft)[:: config.hop_length]
    # Windowed frames laid out [n_fft, frames]: the FFT runs down the columns and the spectrum comes
    # out [bins, frames], the filterbank's side, with no transpose of the power afterwards.
    windowed = np.multiply(frames.T, _hann_window(config.n_fft)[:, np.newaxis])
    spec = scipy.fft.rfft(windowed, axis=0, workers=1, overwrite_x=True)  # complex64 [bins, frames]
    del windowed
    parts = spec.view(np.float32)  # re, im interleaved along the frames: squared in place, no temporaries
    np.square(parts, out=parts)
    power = np.add(parts[:, 0::2], parts[:, 1::2])  # [bins, frames]
    del spec, parts
    mel = _sparse_filterbank(config) @ power  # [n_mels, frames]
    np.maximum(mel, AMIN, out=mel)
    np.log(mel, out=mel)  # natural log and a factor: NumPy's float32 log10 is not vectorised
    mel *= np.float32(10.0 / np.log(10.0))
    return mel if dtype == "float32" else mel.astype(dtype)


@functools.lru_cache(maxsize=8)
def log_mel_fn(config: MelConfig, dtype: str = "float32"):
    """A compiled ``tf.function``: ``[samples]`` float32 waveform -> ``[n_mels, frames]`` dB as ``dtype``.

    ``dtype=config.storage_dtype`` gives the stored form in the same call: TF's cast rounds to
    nearest even like NumPy's (bit-equal), several times faster than ``astype(float16)`` in NumPy.
    """
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)], reduce_retracing=True)
    def _log_mel(waveform):
        return tf.cast(log_mel_graph(waveform, config), dtype)

    return _log_mel


def log_mel(waveform: np.ndarray, config: MelConfig) -> np.ndarray:
    """NumPy convenience wrapper of :func:`log_mel_fn` for one mono waveform."""
    out = log_mel_fn(config)(np.asarray(waveform, dtype=np.float32).reshape(-1))
    return out.numpy()


def clip_log_mel(waveform: np.ndarray, config: MelConfig) -> np.ndarray:
    """Fixed-size ``[n_mels, n_frames]`` log-mel of one clip (cropped/padded to the window)."""
    return log_mel(fit_to_clip(waveform, config), config)


def encode_mel(mel: np.ndarray, config: MelConfig) -> bytes:
    """Serialise a ``[n_mels, n_frames]`` mel as raw little-endian bytes of ``storage_dtype``."""
    if tuple(mel.shape) != config.mel_shape:
        raise ValueError(f"mel shape {tuple(mel.shape)} != configured {config.mel_shape}")
    return np.asarray(mel, dtype=np.dtype(config.storage_dtype).newbyteorder("<")).tobytes()


def decode_mel(data: bytes, config: MelConfig) -> np.ndarray:
    """Inverse of :func:`encode_mel` (float32 ``[n_mels, n_frames]``)."""
    arr = np.frombuffer(data, dtype=np.dtype(config.storage_dtype).newbyteorder("<"))
    return arr.astype(np.float32).reshape(config.mel_shape)
