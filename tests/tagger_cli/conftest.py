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
