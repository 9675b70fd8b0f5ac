"""Load on loopback: ``mtat-tagger serve`` on a synthetic catalog (10,000 songs unless ``--songs``).

    python -m benchmarks.web_load                 # 500 tag-name + 500 free-word searches + 500 similar-songs
                                                  # requests at concurrency 8, a burst of 20 uploads, 20
                                                  # uploads at the admitted depth
    python -m benchmarks.web_load --songs 1000000 --searches 100 --uploads 2

The last line printed is ``web_load: songs=N search_p99_ms=X free_p99_ms=Y similar_p99_ms=Z rss_mb=R
startup_s=S`` (tag-name and free-word search p99, similar songs p99, the server's peak RSS, its
start-up until it listens); the machine line is the first.

The server is the real command (``python -m tagger_cli serve --port 0``) in its own process, so
its peak RSS (``VmHWM``) is the server's alone, with the model, the catalog and the text encoder
loaded. The client uses one keep-alive ``http.client`` connection per thread (little client CPU:
client and server share the machine's cores). Free-word queries are 64 distinct phrases (the
server caches nothing, every one is embedded with MiniLM); tag-name queries are 64 distinct tag
combinations. Uploads are a 29 s synthetic WAV at 22.05 kHz (decoded, resampled and tagged by the
model). Similar songs are asked for random catalog songs. Only 127.0.0.1 traffic; every phase is
bounded in count and in time (``--timeout``).

Model: the reference pipeline run's pushed model when there is one (``BENCH_RUN``), else an
untrained ``small`` model exported once into ``BENCH_DATA`` (the same graph and cost; weights do
not change the timings).
"""
from __future__ import annotations

import argparse
import http.client
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from benchmarks.harness.env import DATA_DIR, REPO, setup_env
from benchmarks.harness.machine import machine_busy_seconds, machine_info
from benchmarks.harness.processes import child_main, run_child
from benchmarks.harness.reference_run import latest_model_dir
from benchmarks.harness.report import md_table, publish

SONGS = 10_000
SEARCHES = 500
CONCURRENCY = 8
UPLOADS = 20
#: The goals at 1,000,000 songs on 2 cores, concurrency 8: search and similar songs p99, server RSS, start-up.
TARGET_P99_MS = 50.0
TARGET_RSS_MB = 2048.0
TARGET_STARTUP_S = 15.0
FREE_WORDS = [
    "rainy night", "beach vibes", "sunday morning coffee", "dark and spooky", "epic battle", "romantic dinner",
    "road trip", "study focus", "party dance floor", "sad breakup", "meditation", "summer festival",
    "christmas choir", "medieval tavern", "late night jazz bar", "workout energy", "lullaby for a baby",
    "desert caravan", "space travel", "horror movie", "sunny afternoon", "calm ocean waves", "angry punk",
    "elegant ballroom", "western saloon", "rainforest", "gentle strings", "heavy riffs", "happy kids song",
    "film noir", "church organ", "tropical island", "snowy mountains", "city at night", "old vinyl record",
    "fast chase scene", "slow sunset", "funky groove", "dreamy atmosphere", "marching band", "irish pub",
    "spanish guitar evening", "zen garden", "stormy sea", "robot factory", "wedding ceremony", "folk campfire",
    "opera drama", "lofi chill", "celebration fireworks", "lonely walk", "mysterious cave", "royal fanfare",
    "hip hop block party", "video game boss", "yoga stretch", "autumn leaves", "morning birds", "rock concert",
    "candlelight", "cowboy sunset", "indian temple", "arabian nights", "quiet library",
]


#: (result key, query kind): distinct tag names, distinct free words, 64 popular phrases repeated.
SEARCH_PHASES = (("search_tags", "tags"), ("search_free_words", "free"), ("search_popular", "popular"))
SEARCH_LABELS = {"search_tags": "search, tag names (all distinct)",
                 "search_free_words": "search, free words (all distinct)",
                 "search_popular": "search, 64 popular phrases repeated (cached)"}
#: (result key, label) of the similar-songs phase.
SIMILAR_PHASE = ("similar", "similar songs (random songs)")


def _model_dir(log) -> str:
    try:
        return latest_model_dir()
    except (FileNotFoundError, OSError):
        pass
    target = DATA_DIR / "web_model" / "tagger" / "1"
    if (target / "saved_model.pb").is_file():
        return str(target)
    log(f"[web_load] exporting an untrained small model to {target} (once) ...")
    run_child("benchmarks.web_load", {"export": str(target)}, label="export", timeout=900)
    return str(target)


def _export_untrained(target: str) -> dict:
    """An untrained ``small`` model with all serving signatures (benchmark stand-in for a pushed model)."""
    import tensorflow as tf

    from mtat.features import MEL_KEY, MelConfig
    from mtat.tags import MTAT_TAGS
    from trainer import export, models
    from trainer.preprocessing import decode_stored_mel, normalize_mel

    config = MelConfig()
    tags = list(MTAT_TAGS[:50])
    tf.keras.utils.set_random_seed(0)
    model = models.build_model("small", config.n_mels, config.n_frames, len(tags))
    mean = np.zeros(config.n_mels, np.float32)
    std = np.ones(config.n_mels, np.float32)
    mean_c, std_c = tf.constant(mean), tf.constant(std)

    def transform(features):
        return {MEL_KEY: normalize_mel(decode_stored_mel(features[MEL_KEY], config), mean_c, std_c)}

    info = {"tags": tags, "mel_config": config.to_dict(), "preset": "small", "chunk_frames": None,
            "signatures": ["serving_default", "analyze", "log_mel", export.EXAMPLES_SIGNATURE]}
    tmp = target + f".tmp{os.getpid()}"
    export.export_model(model, tmp, info=info, config=config, tags=tags, mean=mean, std=std, chunk=None,
                        tft_layer=transform, raw_feature_spec={MEL_KEY: tf.io.FixedLenFeature([], tf.string)})
    os.replace(tmp, target)
    return {"model_dir": target}


def synthetic_catalog(path: Path, model_dir: str, songs: int, seed: int = 0) -> list[str]:
    """A catalog of ``songs`` rows (tag probabilities from a Beta over the model's tags, random post-ReLU
    embeddings) in ``index``'s format."""
    from mtat.model_info import read_model_info
    from mtat.search.catalog import write_catalog

    info = read_model_info(model_dir)
    tags = list(info["tags"])
    rng = np.random.default_rng(seed)
    probs = rng.beta(0.4, 3.0, size=(songs, len(tags))).astype(np.float32)
    emb = np.maximum(rng.normal(size=(songs, 64)), 0).astype(np.float32)
    paths = [f"{i % 16:x}/synthetic-{i:05d}.mp3" for i in range(songs)]
    write_catalog(str(path), paths, probs, tags, emb, model_dir=model_dir, model_version="1", root=str(path.parent))
    return tags


def upload_body(seconds: float = 29.0, rate: int = 22050) -> tuple[bytes, str]:
    """A multipart body with a synthetic WAV (tones + noise) and its Content-Type."""
    import soundfile as sf

    t = np.arange(int(seconds * rate)) / rate
    rng = np.random.default_rng(1)
    wave = 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 0.5 * t)) / 2 + 0.05 * rng.normal(size=t.size)
    buf = io.BytesIO()
    sf.write(buf, wave.astype(np.float32), rate, format="WAV", subtype="PCM_16")
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tone.wav\"\r\n"
            "Content-Type: audio/wav\r\n\r\n").encode() + buf.getvalue() + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Server:
    """``python -m tagger_cli serve`` on a free loopback port, in its own process; always stopped."""

    def __init__(self, catalog: Path, model_dir: str, timeout: float, *extra: str):
        env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.proc = subprocess.Popen([sys.executable, "-m", "tagger_cli", "serve", "--catalog", str(catalog),
                                      "--model", model_dir, "--host", "127.0.0.1", "--port", "0", *extra],
                                     stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + timeout
        self.port = None
        lines = []
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(r"on http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                break
        if self.port is None:
            self.stop()
            raise RuntimeError("the server did not start:\n" + "".join(lines[-20:]))
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()  # drain

    def status(self, field: str) -> float:
        """``VmHWM`` / ``VmRSS`` of the server process in MB."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (``/proc/<pid>/stat``)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _load(port: int, requests: list, concurrency: int, timeout: float) -> dict:
    """Send ``requests`` ([(method, path, body, headers)]) with ``concurrency`` keep-alive connections."""
    local = threading.local()
    deadline = time.monotonic() + timeout

    def one(req):
        method, path, body, headers = req
        if time.monotonic() > deadline:
            return None, 0.0
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            resp.read()
            status = resp.status
            if resp.getheader("connection", "").lower() == "close":
                conn.close()
                local.conn = None
        except (OSError, http.client.HTTPException):
            conn.close()
            local.conn = None
            status = -1
        return status, time.perf_counter() - t0

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, requests))
    wall = time.perf_counter() - t0
    done = [(s, t) for s, t in results if s is not None]
    lat = np.asarray([t for _, t in done]) * 1000
    codes: dict = {}
    for s, _ in done:
        codes[str(s)] = codes.get(str(s), 0) + 1
    return {"requests": len(requests), "completed": len(done), "status": codes, "wall_s": wall,
            "rps": len(done) / wall if wall else 0.0,
            "p50_ms": float(np.percentile(lat, 50)) if lat.size else float("nan"),
            "p99_ms": float(np.percentile(lat, 99)) if lat.size else float("nan"),
            "max_ms": float(lat.max()) if lat.size else float("nan")}


def _queries(tags: list[str], n: int, kind: str, seed: int = 2) -> list:
    """``n`` search requests: ``tags`` distinct tag combinations, ``free`` distinct two-phrase free-word
    queries (both uncached), ``popular`` the 64 FREE_WORDS phrases cycled (answered from the cache after
    their first time)."""
    rng = np.random.default_rng(seed)
    seen: set = set()
    out = []
    while len(out) < n:
        if kind == "popular":
            q = FREE_WORDS[len(out) % len(FREE_WORDS)]
        elif kind == "tags":
            q = " ".join(rng.choice(tags, size=int(rng.integers(1, 4)), replace=False))
        else:
            a, b = rng.choice(len(FREE_WORDS), size=2, replace=False)
            q = f"{FREE_WORDS[a]} {FREE_WORDS[b]}"
        if kind != "popular" and q in seen:
            continue
        seen.add(q)
        out.append(("GET", "/api/search?" + urllib.parse.urlencode({"q": q, "top": 10}), None, None))
    return out


def _similar_requests(songs: int, n: int, seed: int = 3) -> list:
    """``n`` similar-songs requests for random catalog songs (distinct when the catalog has enough)."""
    rng = np.random.default_rng(seed)
    ids = rng.choice(songs, size=n, replace=n > songs)
    return [("GET", f"/api/similar?id={int(i)}&top=10", None, None) for i in ids]


def _phase(server: Server, requests: list, concurrency: int, timeout: float) -> dict:
    """One measured phase: latencies, the machine's busy cores and the server's CPU per request."""
    before, cpu = machine_busy_seconds(), server.cpu_seconds()
    r = _load(server.port, requests, concurrency, timeout)
    r["machine_busy_cores"] = (machine_busy_seconds() - before) / r["wall_s"]
    # load-independent cost: server CPU per request (2 idle cores serve about 2000 / this req/s)
    r["server_cpu_ms_per_request"] = 1000 * (server.cpu_seconds() - cpu) / max(1, r["completed"])
    return r


def run(songs: int = SONGS, searches: int = SEARCHES, uploads: int = UPLOADS, concurrency: int = CONCURRENCY,
        timeout: float = 600.0, log=print) -> dict:
    machine = machine_info()
    log(machine["machine_line"])
    model_dir = _model_dir(log)
    work = DATA_DIR / "web_load"
    work.mkdir(parents=True, exist_ok=True)
    catalog = work / f"catalog-{songs}.parquet"
    tags = synthetic_catalog(catalog, model_dir, songs)
    res = {"machine": machine, "songs": songs, "concurrency": concurrency, "model_dir": model_dir}
    t0 = time.perf_counter()
    server = Server(catalog, model_dir, timeout)
    try:
        res["startup_s"] = time.perf_counter() - t0
        res["rss_after_start_mb"] = server.status("VmRSS")
        log(f"[web_load] server up in {res['startup_s']:.1f} s, RSS {res['rss_after_start_mb']:.0f} MB "
            f"({songs:,} songs, model and text encoder loaded)")
        _load(server.port, [("GET", "/api/search?q=warm+up+" + w, None, None) for w in ("piano", "beach", "rock")],
              2, timeout)  # threads and connections up (queries the measured phases do not repeat)
        phases = [(name, _queries(tags, searches, kind)) for name, kind in SEARCH_PHASES]
        for name, requests in [*phases, (SIMILAR_PHASE[0], _similar_requests(songs, searches))]:
            r = res[name] = _phase(server, requests, concurrency, timeout)
            log(f"[web_load] {name}: {r['completed']} in {r['wall_s']:.1f} s, {r['rps']:.0f} req/s, "
                f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, server CPU {r['server_cpu_ms_per_request']:.1f} "
                f"ms/request, status {r['status']}")
        body, ctype = upload_body()
        post = ("POST", "/api/predict", body, {"Content-Type": ctype})
        r = _load(server.port, [post] * uploads, uploads, timeout)  # a burst: all at once
        res["upload_burst"] = r
        log(f"[web_load] burst of {uploads} uploads: status {r['status']} in {r['wall_s']:.1f} s, "
            f"p50 {r['p50_ms']:.0f} ms, max {r['max_ms']:.0f} ms")
        depth = 5  # --workers 1 + --queue 4 (the defaults): all admitted
        r = _load(server.port, [post] * uploads, depth, timeout)
        res["uploads_admitted"] = r
        log(f"[web_load] {uploads} uploads at concurrency {depth}: status {r['status']}, {r['rps']:.2f} files/s, "
            f"p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms")
        res["peak_rss_mb"] = server.status("VmHWM")
        res["upload_mb"] = len(body) / 2 ** 20
        log(f"[web_load] server peak RSS {res['peak_rss_mb']:.0f} MB")
    finally:
        server.stop()
    res["target_p99_ms"] = TARGET_P99_MS
    res["meets_target"] = {k: res[k]["p99_ms"] <= TARGET_P99_MS for k in (*SEARCH_LABELS, SIMILAR_PHASE[0])}
    return res


def summary_line(res: dict) -> str:
    """The one-line summary printed last (see the module docstring)."""
    return (f"web_load: songs={res['songs']} search_p99_ms={res['search_tags']['p99_ms']:.1f} "
            f"free_p99_ms={res['search_free_words']['p99_ms']:.1f} similar_p99_ms={res['similar']['p99_ms']:.1f} "
            f"rss_mb={res['peak_rss_mb']:.0f} startup_s={res['startup_s']:.1f}")


def _flags_text(flags) -> str:
    """``cpu_flags()`` as text (older result files stored a string)."""
    return flags if isinstance(flags, str) else " ".join(flags)


def markdown(res: dict) -> str:
    rows = []
    burst = f"upload burst ({res['upload_burst']['requests']} at once)"
    similar = [SIMILAR_PHASE] if SIMILAR_PHASE[0] in res else []  # result files before this phase lack it
    for key, label in (*SEARCH_LABELS.items(), *similar, ("upload_burst", burst),
                       ("uploads_admitted", "uploads at concurrency 5")):
        r = res[key]
        conc = res["concurrency"] if key.startswith(("search", "similar")) else ("all" if key == "upload_burst" else 5)
        rows.append([label, r["completed"], conc, r["p50_ms"], r["p99_ms"], r["rps"],
                     r.get("server_cpu_ms_per_request", float("nan")),
                     ", ".join(f"{k}: {v}" for k, v in sorted(r["status"].items()))])
    m = res["machine"]
    return "\n".join([
        f"## Web server load (loopback, {res['songs']:,}-song synthetic catalog)", "",
        f"`python -m benchmarks.web_load` on {m['cores']} cores ({m['cpu_model']}, "
        f"{_flags_text(m.get('cpu_flags', ''))}), "
        f"load {m['load_avg_1m']} at the "
        f"start. Server start-up {res['startup_s']:.1f} s, RSS {res['rss_after_start_mb']:.0f} MB after start-up "
        f"(model, catalog, text encoder), peak {res['peak_rss_mb']:.0f} MB. Uploads: a {res['upload_mb']:.1f} MB "
        "29 s WAV; the server runs 1 model job and queues 4 (503 beyond).", "",
        md_table(["requests", "n", "concurrency", "p50 ms", "p99 ms", "req/s", "server CPU ms/req", "status"],
                 rows, (0, 0, 0, 1, 1, 1, 1, 0)), "",
        f"Search and similar p99 goal ≤ {res['target_p99_ms']:.0f} ms: " + ", ".join(
            f"{dict([*SEARCH_LABELS.items(), SIMILAR_PHASE])[k].split(' (')[0].replace('search, ', '')}: "
            f"{'met' if ok else 'NOT met'}"
            for k, ok in res["meets_target"].items()) + ". Other load on the machine moves these numbers "
        "(machine busy cores during the searches: " + ", ".join(
            f"{res[k]['machine_busy_cores']:.1f}" for k, _ in SEARCH_PHASES) + ").",
    ])


def _child(payload: dict) -> dict:
    return _export_untrained(payload["export"])


def main(argv=None) -> int:
    setup_env()
    if child_main(_child):
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--songs", type=int, default=SONGS)
    p.add_argument("--searches", type=int, default=SEARCHES, help="requests per query kind and of similar songs")
    p.add_argument("--uploads", type=int, default=UPLOADS)
    p.add_argument("--concurrency", type=int, default=CONCURRENCY)
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per phase (and for start-up)")
    a = p.parse_args(argv)
    for name in ("songs", "searches", "uploads", "concurrency"):
        if getattr(a, name) < 1:
            p.error(f"--{name} must be at least 1, got {getattr(a, name)}")
    res = run(a.songs, a.searches, a.uploads, a.concurrency, a.timeout)
    publish("web_load", res, markdown)
    print(summary_line(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
