"""Songs a query names: a query holding a song's whole title, artist or album (its own tags, read at
index time) finds that song, whatever the tags say.

Names are compared as words (case, accents and punctuation ignored), and a name counts only when the
query holds all of its words in a row: "harbour lights", "songs by Mira Okafor" and "night ferries
album" name songs; "harbour" alone does not name "Harbour Lights" (so a free-word query such as
"rainy night" is not taken over by an album called "Night"... unless it is called exactly that).
The web service lists the named songs first, in the ranking's order, then the others.
"""
from __future__ import annotations

import re
import unicodedata

from mtat.search.catalog import FILE_TAG_COLUMNS, Catalog

#: Names longer than this many words are not looked for (a sentence in a title tag).
MAX_NAME_WORDS = 12


def words(text: str) -> tuple[str, ...]:
    """``text`` as comparable words: case-folded, accents dropped, split at anything not a letter or digit."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return tuple(re.findall(r"[^\W_]+", plain))


class NameIndex:
    """The catalog's titles, artists and albums by their words."""

    def __init__(self, catalog: Catalog):
        self._names: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        for i, field, value in catalog.file_tags.named():
            name = words(value)
            if 0 < len(name) <= MAX_NAME_WORDS:
                self._names.setdefault(name, []).append((i, field))
        self._longest = max(map(len, self._names), default=0)

    def __bool__(self) -> bool:
        return bool(self._names)

    def find(self, query: str) -> dict[int, list[str]]:
        """``{row: fields}`` of the songs whose title / artist / album the query holds (fields in
        :data:`~mtat.search.catalog.FILE_TAG_COLUMNS` order); {} when it names none."""
        if not self._names:
            return {}
        q = words(query)
        found: dict[int, set[str]] = {}
        for n in range(1, min(self._longest, len(q)) + 1):
            for start in range(len(q) - n + 1):
                for i, field in self._names.get(q[start:start + n], ()):
                    found.setdefault(i, set()).add(field)
        return {i: [f for f in FILE_TAG_COLUMNS if f in fields] for i, fields in found.items()}
