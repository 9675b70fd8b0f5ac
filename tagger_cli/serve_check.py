"""Check a running TF Serving: decode FILE, send it to the REST predict API, print the tags.

    mtat-tagger serve-check --url http://localhost:8501 --model tagger song.mp3

The request is exactly what any client sends: ``POST {url}/v1/models/{model}:predict`` with
``{"instances": [<waveform samples>]}`` (mono float32 at ``--sample-rate``, which must be the
model's rate: TF Serving's metadata does not carry it) and the answer is
``{"predictions": [{"probabilities": [...], "tags": [...]}]}``. Files longer than
:data:`WHOLE_FILE_WINDOWS` model windows are sent as their model windows (each an instance of
exactly one window, at most :data:`INSTANCES_PER_REQUEST` per request) and averaged here: the
same numbers, without a 100 MB JSON body. The file is decoded as a stream (bounded memory: a
10-minute file needs no more than a few windows).
"""
from __future__ import annotations

import json
import socket
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from mtat.features import MelConfig
from tagger_cli.main import CliError

HELP = "send an audio file to a running TF Serving (REST) and print the tags it returns"
#: TF Serving does not report the model's features: the defaults are assumed.
DEFAULT_SAMPLE_RATE = MelConfig().sample_rate
#: The model window at the default features (29.12 s).
DEFAULT_WINDOW_SAMPLES = MelConfig().clip_samples
WHOLE_FILE_WINDOWS = 3
INSTANCES_PER_REQUEST = 2


class ServingClient:
    """A minimal TF Serving REST client (urllib only). Every failure is a one-line :class:`CliError`."""

    def __init__(self, url: str, model: str, timeout: float = 120.0):
        url = url.strip().rstrip("/")
        if "://" not in url:
            url = "http://" + url
        if not url.startswith(("http://", "https://")):
            raise CliError(f"--url must be an http(s) URL like http://localhost:8501, got {url!r}")
        if not model or "/" in model:
            raise CliError(f"invalid model name {model!r}")
        self.url, self.model, self.timeout = url, model, timeout

    def _request(self, path: str, body: dict | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as err:
            detail = _error_text(err)
            if err.code == 404:
                raise CliError(f"TF Serving at {self.url} has no model {self.model!r} (HTTP 404: {detail})") from None
            raise CliError(f"TF Serving at {self.url} answered HTTP {err.code} for model {self.model!r}: "
                           f"{detail}") from None
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, ConnectionRefusedError):
                why = "connection refused: is tensorflow_model_server running with --rest_api_port there?"
            elif isinstance(reason, socket.timeout):
                why = f"no answer within {self.timeout:.0f} s"
            elif isinstance(reason, socket.gaierror):
                why = f"unknown host ({reason.strerror})"
            else:
                why = str(reason)
            raise CliError(f"cannot reach TF Serving at {self.url}: {why}") from None
        except TimeoutError:
            raise CliError(f"cannot reach TF Serving at {self.url}: no answer within {self.timeout:.0f} s") from None
        except (ConnectionError, OSError) as err:
            raise CliError(f"cannot reach TF Serving at {self.url}: {err}") from None
        try:
            return json.loads(raw)
        except ValueError:
            raise CliError(f"TF Serving at {self.url} answered something that is not JSON: {raw[:80]!r}") from None

    def status(self) -> dict[str, Any]:
        """``GET /v1/models/{model}``: ``{"model_version_status": [{"version", "state", ...}]}``."""
        return self._request(f"/v1/models/{self.model}")

    def predict(self, instances: list[Any]) -> list[dict[str, Any]]:
        """``POST /v1/models/{model}:predict`` with ``{"instances": ...}`` -> the ``predictions`` rows."""
        answer = self._request(f"/v1/models/{self.model}:predict", {"instances": instances})
        if not isinstance(answer, dict) or "predictions" not in answer:
            if isinstance(answer, dict) and "error" in answer:
                raise CliError(f"TF Serving at {self.url} failed: {answer['error']}")
            raise CliError(f"TF Serving at {self.url} answered without 'predictions': {str(answer)[:120]}")
        rows = answer["predictions"]
        if not isinstance(rows, list) or len(rows) != len(instances):
            raise CliError(f"TF Serving returned {len(rows) if isinstance(rows, list) else 'no'} predictions "
                           f"for {len(instances)} instances")
        if rows and not isinstance(rows[0], dict):  # a single-output signature answers bare lists
            rows = [{"probabilities": r} for r in rows]
        return rows

    def tag_waveform(self, waveform: np.ndarray, window: int = DEFAULT_WINDOW_SAMPLES
                     ) -> tuple[list[str], np.ndarray]:
        """(tags, clip probabilities) of a mono waveform, as ``serving_default`` computes them."""
        tags, probs, _ = self.tag_blocks(iter([np.asarray(waveform, dtype=np.float32).reshape(-1)]), window)
        return tags, probs

    def tag_blocks(self, blocks: Iterable[np.ndarray], window: int = DEFAULT_WINDOW_SAMPLES
                   ) -> tuple[list[str], np.ndarray, int]:
        """(tags, clip probabilities, samples) of a stream of mono blocks (e.g. ``stream_audio``).

        Up to :data:`WHOLE_FILE_WINDOWS` windows the whole waveform is one instance; a longer
        stream is sent as its served windows (starts 0, W, 2W, ..., the last aligned to the end),
        :data:`INSTANCES_PER_REQUEST` per request, while it is decoded: memory holds a few
        windows whatever the file's length.
        """
        from mtat.windows import Windower

        head: list[np.ndarray] = []
        total = 0
        windower: Windower | None = None
        pending: list[np.ndarray] = []
        probs: list[np.ndarray] = []
        tags: list[str] | None = None

        def send(instances: list[np.ndarray]) -> None:
            nonlocal tags
            for row in self.predict([w.tolist() for w in instances]):
                if "probabilities" not in row:
                    raise CliError(f"TF Serving's answer has no 'probabilities' output (outputs: {sorted(row)})")
                probs.append(np.asarray(row["probabilities"], dtype=np.float64))
                tags = tags or row.get("tags")

        def take(windows) -> None:
            for _, w in windows:
                pending.append(w)
                if len(pending) == INSTANCES_PER_REQUEST:
                    send(pending)
                    pending.clear()

        for block in blocks:
            block = np.asarray(block, dtype=np.float32).reshape(-1)
            total += block.size
            if windower is None:
                head.append(block)
                if total > WHOLE_FILE_WINDOWS * window:
                    windower = Windower(window, window)
                    take(windower.feed(np.concatenate(head)))
                    head.clear()
            else:
                take(windower.feed(block))
        if total == 0:
            raise ValueError("empty waveform")
        if windower is None:
            send([np.concatenate(head)])
        else:
            take(windower.finish())
            if pending:
                send(pending)
        if tags is None:
            tags = [f"tag_{i}" for i in range(len(probs[0]))]
        return [str(t) for t in tags], np.mean(probs, axis=0), total


def _error_text(err: urllib.error.HTTPError) -> str:
    try:
        body = err.read().decode("utf-8", "replace")
    except Exception:
        return err.reason or "no details"
    try:
        return str(json.loads(body).get("error", body)).strip() or "no details"
    except (ValueError, AttributeError):
        return body.strip()[:200] or str(err.reason)


def version_line(status: dict[str, Any]) -> str:
    """'version 3 AVAILABLE' from a model status answer."""
    rows = status.get("model_version_status") or []
    if not rows:
        return "no version status"
    return ", ".join(f"version {r.get('version', '?')} {r.get('state', '?')}" for r in rows)


def format_top(path: str, duration: float, top: Sequence[tuple[str, float]],
               applies: Sequence[str] | None = None, note: str | None = None) -> str:
    """The human-readable block ``predict`` and ``serve-check`` print for one file. With ``applies``
    (the tags at or above their threshold) those rows are marked ``*`` and a last line lists them
    all; ``note`` is printed as a last line (e.g. why nothing is marked)."""
    width = max((len(t) for t, _ in top), default=0)
    lines = [f"{path}  ({duration:.1f} s)"]
    if applies is None:
        lines += [f"  {tag:<{width}}  {p:.3f}" for tag, p in top]
    else:
        marked = set(applies)
        lines += [f"  {'*' if tag in marked else ' '} {tag:<{width}}  {p:.3f}" for tag, p in top]
        lines.append(f"  * applies (at or above the tag's threshold): {', '.join(applies) if applies else 'none'}")
    if note:
        lines.append(f"  ({note})")
    return "\n".join(lines)


def add_arguments(p) -> None:
    p.add_argument("file", metavar="FILE", help="audio file to send (mp3, wav, flac, ogg, ...)")
    p.add_argument("--url", default="http://localhost:8501", help="TF Serving REST address [http://localhost:8501]")
    p.add_argument("--model", default="tagger", help="served model name [tagger]")
    p.add_argument("--sample-rate", type=int, default=DEFAULT_SAMPLE_RATE,
                   help=f"the model's sample rate: the waveform is sent at this rate [{DEFAULT_SAMPLE_RATE}]")
    p.add_argument("--top", type=int, default=10, help="tags to print [10]")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per HTTP request [120]")


def run(args) -> int:
    from mtat.audio import AudioError, printable, stream_audio
    from mtat.tagging import top_tags

    if args.top < 1:
        raise CliError("--top must be at least 1")
    if args.sample_rate <= 0:
        raise CliError("--sample-rate must be positive")
    client = ServingClient(args.url, args.model, timeout=args.timeout)
    status = client.status()
    try:
        tags, probs, samples = client.tag_blocks(stream_audio(args.file, args.sample_rate))
    except AudioError as err:
        raise CliError(printable(str(err))) from None
    print(f"TF Serving {client.url}: model {args.model!r}, {version_line(status)}")
    print(format_top(printable(args.file), samples / args.sample_rate, top_tags(tags, probs, args.top)))
    sys.stdout.flush()
    return 0
