"""Fetch the real-music check set: Debian packages -> folders of tracks (``make real-music``).

    python -m benchmarks.real_music_fetch                 # every set of benchmarks/real_music_packages.json
    python -m benchmarks.real_music_fetch --ci            # only the small sets marked "ci" (~6 MB)
    python -m benchmarks.real_music_fetch --sets marsshooter-metal --cache /data/real-music
    python -m benchmarks.real_music_fetch --list          # the sets, their sizes and styles; fetches nothing

Each package is downloaded with ``apt-get download PACKAGE=VERSION`` (no root, no system install:
the .deb lands in the cache) and unpacked with ``dpkg -x`` into ``<cache>/<package>/root/``; the .deb
is deleted afterwards and ``<cache>/<package>/extracted.json`` records what was unpacked, so a
second run downloads nothing. The cache is ``--cache``, else ``$MTAT_REAL_MUSIC_CACHE``, by default
``~/.cache/mtat-tagger/real-music`` (``$XDG_CACHE_HOME`` respected).

Each set's tracks (its ``tracks`` globs minus ``exclude``, at most ``max_tracks``, evenly spaced
over the sorted matches) are hard-linked (copied where links fail) into ``<cache>/tracks/<set>/``,
named by their path below the set's common folder with ``/`` as ``__``: ``mtat-tagger index
<cache>/tracks/<set>`` (or the whole ``<cache>/tracks``) reads them as they are. Matching tracker
modules (.xm/.mod/.it/...) and MIDI files are counted as skipped (libsndfile decodes neither) and
listed in ``<cache>/manifests/<set>.json`` with the tracks, the package version and the counts.
See docs/real-music.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import glob
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from mtat.audio import AUDIO_EXTENSIONS, MIDI_EXTENSIONS, TRACKER_EXTENSIONS

DATA_FILE = Path(__file__).resolve().parent / "real_music_packages.json"
CACHE_ENV = "MTAT_REAL_MUSIC_CACHE"
ROLES = ("music", "effects")
STAMP = "extracted.json"

Log = Callable[[str], None]


class FetchError(RuntimeError):
    """A package could not be fetched or unpacked; the message names it and says what to do."""


def _log(msg: str) -> None:
    print(f"[real-music] {msg}", flush=True)


def default_cache() -> Path:
    """``$MTAT_REAL_MUSIC_CACHE``, else ``$XDG_CACHE_HOME`` (or ``~/.cache``) ``/mtat-tagger/real-music``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "mtat-tagger" / "real-music"


# ------------------------------------------------------------------------------------------------
# the data file


def load_data(path: Path | str = DATA_FILE) -> dict:
    """The data file, checked (:func:`problems`); raises ``ValueError`` listing every problem."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    found = problems(data)
    if found:
        raise ValueError(f"{path}: " + "; ".join(found))
    return data


def is_held_back(package: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(package, p) for p in patterns)


def problems(data: dict) -> list[str]:
    """What is wrong with a parsed data file (empty when it is valid)."""
    from mtat.tags import MTAT_TOP50

    out: list[str] = []
    tags = set(MTAT_TOP50)
    held = data.get("held_back") or []
    sets = data.get("sets") or []
    if not sets:
        out.append("no sets")
    names = [s.get("name") for s in sets]
    out += [f"set name {n!r} appears more than once" for n in sorted({n for n in names if names.count(n) > 1})]
    for s in sets:
        name = s.get("name") or "?"
        for key in ("name", "package", "style", "evidence", "tracks", "role", "side"):
            if not s.get(key):
                out.append(f"{name}: {key} is missing or empty")
        if is_held_back(s.get("package", ""), held):
            out.append(f"{name}: package {s.get('package')} is held back for an independent measurement")
        if s.get("role") not in ROLES:
            out.append(f"{name}: role must be one of {ROLES}")
        plausible = s.get("plausible_top1")
        if not isinstance(plausible, list):
            out.append(f"{name}: plausible_top1 must be a list")
            plausible = []
        if s.get("role") == "music" and not plausible:
            out.append(f"{name}: a music set needs plausible_top1 tags")
        out += [f"{name}: plausible tag {t!r} is not one of the 50 tags" for t in plausible if t not in tags]
        if not isinstance(s.get("max_tracks", 1), int) or s.get("max_tracks", 1) < 1:
            out.append(f"{name}: max_tracks must be a positive integer")
    sides = {s.get("side") for s in sets}
    for c in data.get("contrasts") or []:
        out += [f"contrast {c.get('name')!r}: tag {t!r} is not one of the 50 tags" for t in c.get("tags", [])
                if t not in tags]
        out += [f"contrast {c.get('name')!r}: no set has side {side!r}"
                for side in [*c.get("positive", []), *c.get("negative", [])] if side not in sides]
    return out


def select_sets(data: dict, names: Sequence[str] | None = None, ci: bool = False) -> list[dict]:
    """The sets named (all when ``names`` is empty), or only the ``ci`` ones; unknown names raise."""
    sets = data["sets"]
    if names:
        known = {s["name"] for s in sets}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(f"unknown set(s) {', '.join(unknown)}: choose from {', '.join(sorted(known))}")
        sets = [s for s in sets if s["name"] in names]
    if ci:
        sets = [s for s in sets if s.get("ci")]
    return sets


# ------------------------------------------------------------------------------------------------
# packages


def _need(tool: str, why: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise FetchError(f"{tool} not found: {why}. The real-music check set comes from Debian packages: run this "
                         "on Debian or Ubuntu (or in the project's image), or copy a filled cache here and point "
                         f"${CACHE_ENV} at it")
    return path


def _stamp(pkg_dir: Path) -> dict | None:
    try:
        return json.loads((pkg_dir / STAMP).read_text())
    except (OSError, ValueError):
        return None


def fetch_package(package: str, version: str | None, cache: Path, *, any_version: bool = False,
                  keep_deb: bool = False, log: Log = _log) -> tuple[Path, str]:
    """``(root, version)``: ``package`` unpacked under ``<cache>/<package>/root`` (done once).

    ``version`` pins it (``apt-get download package=version``); ``None`` or ``any_version`` takes
    apt's candidate. Raises :class:`FetchError` naming the package when apt-get or dpkg fail.
    """
    pkg_dir = cache / package
    root = pkg_dir / "root"
    stamp = _stamp(pkg_dir)
    if stamp and root.is_dir() and (any_version or not version or stamp.get("version") == version):
        log(f"{package} {stamp.get('version')}: already extracted in {root}")
        return root, str(stamp.get("version"))
    apt = _need("apt-get", f"cannot download {package}")
    dpkg = _need("dpkg", f"cannot unpack {package}")
    want = package if any_version or not version else f"{package}={version}"
    download = pkg_dir / ".download"
    shutil.rmtree(download, ignore_errors=True)
    download.mkdir(parents=True)
    log(f"{package}: apt-get download {want} ...")
    r = subprocess.run([apt, "download", want], cwd=download, capture_output=True, text=True)
    debs = sorted(download.glob("*.deb"))
    if r.returncode != 0 or not debs:
        detail = " ".join(line.strip() for line in (r.stderr or r.stdout).splitlines()
                          if line.startswith(("E:", "Err")))[:500] or f"exit {r.returncode}, no .deb"
        hint = ("; the pinned version may have left the archive: try --any-version" if version and not any_version
                else "")
        raise FetchError(f"downloading {want} failed ({detail}); is the package list current (apt-get update)?"
                         f"{hint}")
    deb = debs[0]
    deb_bytes = deb.stat().st_size
    got = subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], capture_output=True, text=True).stdout.strip() \
        if shutil.which("dpkg-deb") else (version or "")
    log(f"{package} {got}: downloaded {deb_bytes / 1e6:.1f} MB, extracting ...")
    tmp = pkg_dir / "root.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    r = subprocess.run([dpkg, "-x", str(deb), str(tmp)], capture_output=True, text=True)
    if r.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise FetchError(f"dpkg -x {deb.name} failed for {package}: {r.stderr.strip()[:500]}")
    shutil.rmtree(root, ignore_errors=True)
    tmp.rename(root)
    if keep_deb:
        deb.rename(pkg_dir / deb.name)
    shutil.rmtree(download, ignore_errors=True)
    (pkg_dir / STAMP).write_text(json.dumps({
        "package": package, "version": got, "deb": deb.name, "deb_bytes": deb_bytes,
        "extracted_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}, indent=1) + "\n")
    log(f"{package} {got}: extracted into {root}")
    return root, got


# ------------------------------------------------------------------------------------------------
# tracks


def evenly_spaced(items: Sequence, cap: int) -> list:
    """At most ``cap`` of ``items``, evenly spaced, first included (all of them when there are fewer)."""
    n = len(items)
    if n <= cap:
        return list(items)
    return [items[(i * n) // cap] for i in range(cap)]


def _matches(root: Path, patterns: Iterable[str]) -> list[str]:
    out: set[str] = set()
    for pattern in patterns:
        for full in glob.glob(str(root / pattern), recursive=True):
            if os.path.isfile(full):
                out.add(os.path.relpath(full, root).replace(os.sep, "/"))
    return sorted(out)


def classify(rel: str) -> str:
    """``audio`` (decodable by libsndfile), ``tracker``, ``midi`` or ``other``, by extension."""
    low = rel.lower()
    if low.endswith(AUDIO_EXTENSIONS):
        return "audio"
    if low.endswith(TRACKER_EXTENSIONS):
        return "tracker"
    if low.endswith(MIDI_EXTENSIONS):
        return "midi"
    return "other"


def track_names(rels: Sequence[str]) -> list[str]:
    """Flat, unique file names for ``rels``: the path below their common folder, ``/`` -> ``__``."""
    if not rels:
        return []
    common = os.path.commonpath([os.path.dirname(r) or "." for r in rels]) if len(rels) > 1 \
        else os.path.dirname(rels[0])
    names = [os.path.relpath(r, common or ".").replace(os.sep, "/").replace("/", "__") for r in rels]
    if len(set(names)) != len(names):  # cannot happen for distinct paths, but never overwrite a track
        raise ValueError(f"track names collide: {names}")
    return names


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(src, dst)


def collect_tracks(spec: dict, root: Path, cache: Path, version: str, log: Log = _log) -> dict:
    """Build ``<cache>/tracks/<set>/`` from the unpacked package and write its manifest; returns it."""
    matched = [r for r in _matches(root, spec["tracks"])
               if not any(fnmatch.fnmatchcase(r, x) for x in spec.get("exclude", []))]
    kinds = {r: classify(r) for r in matched}
    audio = [r for r in matched if kinds[r] == "audio"]
    chosen = evenly_spaced(audio, int(spec.get("max_tracks", 30)))
    out = cache / "tracks" / spec["name"]
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    tracks = []
    for rel, name in zip(chosen, track_names(chosen)):
        _link(root / rel, out / name)
        tracks.append({"track": name, "source": rel, "bytes": (root / rel).stat().st_size})
    skipped = [{"source": r, "reason": k} for r, k in kinds.items() if k in ("tracker", "midi")]
    manifest = {
        "set": spec["name"], "package": spec["package"], "version": version, "style": spec["style"],
        "role": spec["role"], "side": spec["side"], "tracks_dir": str(out), "tracks": tracks,
        "counts": {"matched": len(matched), "audio": len(audio), "used": len(chosen),
                   "capped": len(audio) - len(chosen),
                   "tracker": sum(k == "tracker" for k in kinds.values()),
                   "midi": sum(k == "midi" for k in kinds.values()),
                   "other": sum(k == "other" for k in kinds.values())},
        "skipped": skipped,
    }
    (cache / "manifests").mkdir(parents=True, exist_ok=True)
    (cache / "manifests" / f"{spec['name']}.json").write_text(json.dumps(manifest, indent=1) + "\n")
    c = manifest["counts"]
    log(f"{spec['name']}: {c['used']} track(s) in {out}" + (f" ({c['capped']} over the cap left out)"
                                                              if c["capped"] else "")
        + (f"; skipped {c['tracker']} tracker module(s)" if c["tracker"] else "")
        + (f"; skipped {c['midi']} MIDI file(s)" if c["midi"] else ""))
    if not chosen:
        raise FetchError(f"{spec['name']}: no decodable audio file in {spec['package']} matches {spec['tracks']}")
    return manifest


def fetch(sets: Sequence[dict], cache: Path | None = None, *, held_back: Sequence[str] = (),
          any_version: bool = False, keep_deb: bool = False, log: Log = _log) -> list[dict]:
    """Fetch and unpack each set's package (once per package) and build its tracks folder."""
    cache = Path(cache or default_cache())
    cache.mkdir(parents=True, exist_ok=True)
    roots: dict[str, tuple[Path, str]] = {}
    manifests = []
    for i, spec in enumerate(sets, 1):
        pkg = spec["package"]
        if is_held_back(pkg, held_back):
            raise FetchError(f"{pkg} is held back for an independent measurement: it is never fetched here")
        log(f"({i}/{len(sets)}) {spec['name']}: {pkg} ({spec['style']})")
        if pkg not in roots:
            roots[pkg] = fetch_package(pkg, spec.get("version"), cache, any_version=any_version, keep_deb=keep_deb,
                                       log=log)
        root, version = roots[pkg]
        manifests.append(collect_tracks(spec, root, cache, version, log=log))
    return manifests


def read_manifest(cache: Path, name: str) -> dict:
    return json.loads((Path(cache) / "manifests" / f"{name}.json").read_text())


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cache", type=Path, default=None, help=f"cache folder [${CACHE_ENV} or {default_cache()}]")
    p.add_argument("--data", type=Path, default=DATA_FILE, help="the data file [benchmarks/real_music_packages.json]")
    p.add_argument("--sets", nargs="+", metavar="NAME", help="only these sets")
    p.add_argument("--ci", action="store_true", help="only the small sets marked ci")
    p.add_argument("--any-version", action="store_true", help="take apt's current version instead of the pinned one")
    p.add_argument("--keep-debs", action="store_true", help="keep the downloaded .deb files")
    p.add_argument("--list", action="store_true", help="print the sets and exit")
    a = p.parse_args(argv)
    try:
        data = load_data(a.data)
        sets = select_sets(data, a.sets, a.ci)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if a.list:
        for s in sets:
            print(f"{s['name']:24} {s['package']:28} {s.get('version') or '(current)':20} "
                  f"{s.get('download_mb', 0):6.1f} MB  {s['role']:7} {s['style']}{'  [ci]' if s.get('ci') else ''}")
        return 0
    try:
        manifests = fetch(sets, a.cache, held_back=data.get("held_back", []), any_version=a.any_version,
                          keep_deb=a.keep_debs)
    except FetchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    cache = a.cache or default_cache()
    print(f"[real-music] {sum(m['counts']['used'] for m in manifests)} track(s) in {len(manifests)} set(s) under "
          f"{cache / 'tracks'}; index them with: mtat-tagger index {cache / 'tracks'} --out catalog.parquet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
