"""The text of the search vocabulary, one module per section (format: :mod:`tagger_cli.concepts`).

Each module holds one ``TEXT`` string; :data:`SECTIONS` lists them in matching order.
"""
from __future__ import annotations

from tagger_cli.vocabulary import eras_cultures, genres, instruments, moods, scenes, sounds

#: ``(source, text)`` of every section, as :func:`tagger_cli.concepts.parse_sections` reads them.
SECTIONS: tuple[tuple[str, str], ...] = tuple(
    (f"tagger_cli/vocabulary/{m.__name__.rsplit('.', 1)[-1]}.py", m.TEXT)
    for m in (scenes, moods, sounds, eras_cultures, instruments, genres)
)
