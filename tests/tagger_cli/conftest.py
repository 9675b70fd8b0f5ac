"""Fixtures shared by the CLI and web tests."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def _write_tags(path: Path, **tags: str) -> Path:
    """Write ``tags`` (title, artist, album) into the audio file ``path`` (ID3, Vorbis comments, ...) with mutagen."""
    import mutagen

    f = mutagen.File(str(path), easy=True)
    if f.tags is None:
        f.add_tags()
    for key, value in tags.items():
        f.tags[key] = value
    f.save()
    return path


@pytest.fixture(scope="session")
def write_tags() -> Callable[..., Path]:
    """``write_tags(path, title=..., artist=..., album=...)``: the file's own tags, as a music player writes them."""
    return _write_tags


def _run_captured(folder: Path, *argv) -> tuple[int, str, str]:
    """``mtat-tagger argv`` in this process, stdout/stderr captured through files in ``folder`` (usable
    from module fixtures; Beam worker processes write to them too): ``(exit code, stdout, stderr)``."""
    import contextlib

    from tagger_cli.main import main

    with open(folder / "out.txt", "w+") as o, open(folder / "err.txt", "w+") as e, \
            contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        code = main([str(a) for a in argv])
        o.seek(0), e.seek(0)
        return code, o.read(), e.read()


@pytest.fixture(scope="session")
def run_captured() -> Callable[..., tuple[int, str, str]]:
    """``run_captured(folder, *argv)``: the CLI run in this process, its output captured (:func:`_run_captured`)."""
    return _run_captured
