"""Song search over an indexed catalog: free words or tag names -> ranked songs (no CLI, no I/O but files).

Modules by concern:

* :mod:`.vocabulary` - the vocabulary as data files and their one loader;
* :mod:`.query` - words, tag names, synonym groups and the negation grammar;
* :mod:`.spelling` - correcting misspelled words;
* :mod:`.concepts` - listening concepts and their aliases;
* :mod:`.embedding` - text embeddings and their caches;
* :mod:`.matcher` - query -> tag profile (:class:`TagMatcher`);
* :mod:`.scoring` - song scores and ranking; :mod:`.joint` - the joint audio-text route;
  :mod:`.fusion` - combining the two;
* :mod:`.catalog` - the catalog's Parquet format, reading and writing;
* :mod:`.similar` - songs that sound alike;
* :mod:`.api` - :func:`search`, returning typed :mod:`.results`;
* :mod:`.errors` - the library's exceptions.
"""
from __future__ import annotations

from mtat.search.api import search
from mtat.search.catalog import Catalog, read_catalog, write_catalog
from mtat.search.errors import CatalogError, QueryError, SearchError, VocabularyError
from mtat.search.matcher import TagMatcher
from mtat.search.results import ConceptMatch, QueryMatch, SearchResult, SimilarSong, SongHit, TagMatch
from mtat.search.similar import rank_similar

__all__ = ["search", "Catalog", "read_catalog", "write_catalog", "CatalogError", "QueryError", "SearchError",
           "VocabularyError", "TagMatcher", "ConceptMatch", "QueryMatch", "SearchResult", "SimilarSong", "SongHit",
           "TagMatch", "rank_similar"]
