"""The title, artist and album a music file says it holds (ID3, Vorbis comments, MP4 atoms, FLAC,
APE, ...), read with mutagen at index time and stored in the catalog.

mutagen's "easy" interface maps every container's own keys (``TIT2``, ``TITLE``, ``\\xa9nam``, ...)
to the same three names. A file without tags, with tags mutagen cannot parse, or that mutagen
does not know gets empty fields: reading tags never rejects a file (the decoder decides that).
"""
from __future__ import annotations

from mtat.search.catalog import FILE_TAG_COLUMNS as FIELDS  # the catalog columns = mutagen's easy keys

#: Longest stored value (characters): a tag is a name, not a document.
MAX_CHARS = 300


def _first(values) -> str | None:
    """The first non-blank text of a tag's values, whitespace collapsed, or None."""
    for value in values if isinstance(values, list | tuple) else [values]:
        text = " ".join(str(value).split())[:MAX_CHARS]
        if text:
            return text
    return None


def read_file_tags(path: str) -> dict[str, str | None]:
    """``{"title", "artist", "album"}`` of the file at ``path`` (None where it has none)."""
    import mutagen

    empty: dict[str, str | None] = dict.fromkeys(FIELDS)
    try:
        found = mutagen.File(path, easy=True)
    except Exception:  # mutagen raises its own errors, OSError, struct/index errors on damaged headers
        return empty
    tags = getattr(found, "tags", None) if found is not None else None
    if not tags:
        return empty
    out = dict(empty)
    for name in FIELDS:
        try:
            out[name] = _first(tags[name]) if name in tags else None
        except (KeyError, ValueError, TypeError):
            out[name] = None
    return out
