"""Song search over an indexed catalog: free words or tag names -> ranked songs (no CLI, no I/O but files).

Modules by concern:

* :mod:`.vocabulary` - the vocabulary as data files and their one loader;
* :mod:`.query` - words, tag names, synonym groups and the negation grammar;
* :mod:`.spelling` - correcting misspelled words;
* :mod:`.concepts` - listening concepts and their aliases; :mod:`.kinds` - kinds of music and the texts
  people type for them;
* :mod:`.embedding` - text embeddings and their caches;
* :mod:`.matcher` - query -> tag profile (:class:`TagMatcher`);
* :mod:`.scoring` - song scores and ranking; :mod:`.joint` - the joint audio-text route;
  :mod:`.fusion` - combining the two; :mod:`.confidence` - how well a query was understood and the
  score shown for a song;
* :mod:`.catalog` - the catalog's Parquet format, reading and writing;
* :mod:`.similar` - songs that sound alike;
* :mod:`.profile` - search by an explicit weighted tag profile; :mod:`.like` - more like a catalog song;
* :mod:`.api` - :func:`search`, returning typed :mod:`.results`;
* :mod:`.errors` - the library's exceptions.
"""
from __future__ import annotations

import importlib

#: name -> module of what the package exports, imported on first use (PEP 562): importing
#: :mod:`mtat.search.errors` alone reads no vocabulary and no NumPy.
_EXPORTS = {
    "search": "api", "prepare_vocabulary": "api", "Catalog": "catalog", "read_catalog": "catalog", "write_catalog": "catalog",
    "CatalogError": "errors", "QueryError": "errors", "SearchError": "errors", "VocabularyError": "errors",
    "TagMatcher": "matcher", "ConceptMatch": "results", "QueryMatch": "results", "SearchResult": "results",
    "SimilarSong": "results", "SongHit": "results", "TagMatch": "results", "rank_similar": "similar",
    "parse_profile": "profile", "search_profile": "profile", "search_like": "like",
    "LOW_CONFIDENCE": "confidence",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
