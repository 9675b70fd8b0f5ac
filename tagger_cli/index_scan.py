"""What ``mtat-tagger index`` finds under DIR: every entry is a candidate or a reject, none vanishes.

Every regular file (whatever its name) is a candidate: the decoder decides whether it is audio
(:func:`mtat.audio.open_audio`). Refused here, unopened, each as one ``{"path", "reason",
"error"}``: a hidden entry (``hidden``: a name starting with '.'; a hidden folder is one entry,
not scanned), a name that is not UTF-8 (``bad_name``), a dangling symlink (``missing``), a
symlink loop or a folder link to an enclosing folder (``symlink_loop``), a folder that cannot be
listed (``unreadable``), the catalog being written and its parts (``index_output``), a FIFO or
device (``not_a_file``), a 0-byte file (``empty``), a second name of a file already found
(``duplicate``: a symlink or hard link to it; the file reached without a symlink keeps the row),
and, with ``follow_symlinks=False`` only, a symlink (to a file or a folder) resolving outside
DIR (``unsafe_path``).

Symlinks are followed by default, to files and folders anywhere: a folder of links (what music
library tools make) indexes the files they point to. A row's key stays the link's path under
DIR; its ``abs_path`` is the resolved file. Folder links are followed with cycle detection (the
(st_dev, st_ino) of each enclosing folder).
"""
from __future__ import annotations

import dataclasses
import errno
import os
import stat
from collections import Counter
from collections.abc import Iterable
from typing import TextIO

from mtat.audio import printable

#: Rejects printed per reason (all are in the catalog metadata).
SHOWN_PER_REASON = 20
FOLLOW_FLAG = "--follow-symlinks"


@dataclasses.dataclass(frozen=True)
class AudioFile:
    """A candidate: ``rel`` (row key, '/'-separated), ``abs`` (resolved absolute path), ``linked``
    (reached through a symlink: its ``abs`` is part of what must not change for a row to be reused)."""

    rel: str
    abs: str
    size: int
    mtime_ns: int
    linked: bool = False


@dataclasses.dataclass
class Scan:
    """Candidates and rejects under a folder: ``seen`` = ``len(files) + len(rejects)``."""

    files: list[AudioFile]
    rejects: list[dict[str, str]]

    @property
    def seen(self) -> int:
        return len(self.files) + len(self.rejects)


def _reject(rel: str, reason: str, error: str) -> dict[str, str]:
    return {"path": printable(rel), "reason": reason, "error": error}


def scan(root: str, follow_symlinks: bool = True, own: tuple[str, ...] = ()) -> Scan:
    """Every entry under the folder ``root`` (recursive), as a candidate file or a reject.

    ``own``: absolute paths of the index's own output (the catalog, its parts folder), rejected as
    ``index_output`` when they lie under ``root``."""
    real_root = os.path.realpath(root)
    st = os.stat(root)
    found: list[tuple[AudioFile, tuple[int, int]]] = []
    rejects: list[dict[str, str]] = []

    def outside(target: str) -> bool:
        return os.path.commonpath([real_root, target]) != real_root

    def walk(folder: str, prefix: str, ancestors: frozenset[tuple[int, int]], linked: bool) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            rejects.append(_reject(prefix or ".", "unreadable", f"cannot list the folder ({err.strerror})"))
            return
        for entry in entries:
            rel = prefix + entry.name
            if entry.path in own:
                rejects.append(_reject(rel + ("/" if entry.is_dir() else ""), "index_output",
                                       "this index's own catalog or parts"))
                continue
            if entry.name.startswith("."):
                kind = "folder, not scanned" if entry.is_dir() else "file, not indexed"
                rejects.append(_reject(rel + ("/" if entry.is_dir() else ""), "hidden", f"hidden {kind}"))
                continue
            is_link = entry.is_symlink()
            target = os.path.realpath(entry.path) if is_link else ""
            try:
                info = os.stat(entry.path)
            except OSError as err:
                reason = "symlink_loop" if err.errno == errno.ELOOP else "missing"
                rejects.append(_reject(rel, reason, err.strerror + (f" (symlink to {target})" if is_link else "")))
                continue
            is_dir = stat.S_ISDIR(info.st_mode)
            shown = rel + "/" if is_dir else rel
            if printable(rel) != rel:
                rejects.append(_reject(shown, "bad_name", "name is not valid UTF-8 (it cannot be a catalog key): "
                                                          "rename it"))
            elif is_link and not follow_symlinks and outside(target):
                rejects.append(_reject(shown, "unsafe_path", f"symlink to {target}, outside {root} "
                                                             f"(pass {FOLLOW_FLAG} to index it)"))
            elif is_dir and (info.st_dev, info.st_ino) in ancestors:
                rejects.append(_reject(shown, "symlink_loop",
                                       f"link to {target or entry.path}, an enclosing folder: not followed"))
            elif is_dir:
                walk(entry.path, shown, ancestors | {(info.st_dev, info.st_ino)}, linked or is_link)
            elif not stat.S_ISREG(info.st_mode):
                rejects.append(_reject(rel, "not_a_file", "not a regular file (a named pipe, socket or device)"))
            elif info.st_size == 0:
                rejects.append(_reject(rel, "empty", "empty file (0 bytes)"))
            else:
                via_link = linked or is_link
                # without a symlink on the way the resolved path is the resolved root + rel (no syscalls)
                resolved = os.path.realpath(entry.path) if via_link else os.path.join(real_root, rel)
                found.append((AudioFile(rel, resolved, int(info.st_size), int(info.st_mtime_ns), via_link),
                              (info.st_dev, info.st_ino)))

    walk(root, "", frozenset({(st.st_dev, st.st_ino)}), False)
    files: list[AudioFile] = []
    first: dict[tuple[int, int], AudioFile] = {}
    # one row per file: the name reached without a symlink wins, else the first in path order
    for f, key in sorted(found, key=lambda fk: (fk[0].linked, fk[0].rel)):
        if key in first:
            rejects.append(_reject(f.rel, "duplicate", f"the same file as {first[key].rel}"))
        else:
            first[key] = f
            files.append(f)
    return Scan(sorted(files, key=lambda f: f.rel), sorted(rejects, key=lambda r: r["path"]))


# --------------------------------------------------------------------------------------------
# reporting


def reason_counts(rejects: Iterable[dict[str, str]]) -> str:
    """``"not_audio 2, empty 1"``: rejects per reason, most frequent first."""
    counts = Counter(r["reason"] for r in rejects)
    return ", ".join(f"{reason} {n}" for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def print_rejects(rejects: list[dict[str, str]], out: TextIO, per_reason: int = SHOWN_PER_REASON) -> None:
    """The rejects grouped by reason, at most ``per_reason`` of each listed."""
    if not rejects:
        return
    print(f"rejected {len(rejects)} file(s):", file=out)
    groups: dict[str, list[dict[str, str]]] = {}
    for r in rejects:
        groups.setdefault(r["reason"], []).append(r)
    for reason, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {reason} ({len(group)}):", file=out)
        for r in group[:per_reason]:
            print(f"    {r['path']}: {r['error']}", file=out)
        if len(group) > per_reason:
            print(f"    ... {len(group) - per_reason} more (all are in the catalog's \"rejects\" metadata)", file=out)


def nothing_indexed(folder: str, seen: int, rejects: list[dict[str, str]]) -> str:
    """The error of a run that would write a catalog without rows."""
    if not seen:
        return f"nothing to index: {folder} holds no files"
    why = f"nothing indexed from {folder}: {seen} file(s) seen, all rejected ({reason_counts(rejects)})"
    if any(r["reason"] == "unsafe_path" for r in rejects):
        why += f"; symlinks out of the folder were refused: pass {FOLLOW_FLAG} to index them"
    if any(r["reason"] == "unsupported_format" for r in rejects):
        why += "; convert unsupported formats to e.g. FLAC, Ogg or MP3"
    return why + "; no catalog written"
