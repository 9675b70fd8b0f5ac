"""The search library's exceptions: every problem a caller can show a user as one line.

Front-ends map them in one place each (the CLI to ``error: ...`` and exit code 2, the web app to
HTTP 400); the library never prints.
"""
from __future__ import annotations


class SearchError(ValueError):
    """Base class of the library's errors (a problem with the input, the catalog or the vocabulary); a
    ``ValueError`` as the library's argument checks always were."""


class QueryError(SearchError):
    """The query cannot be matched (empty, nothing to search for, no tags to match against, bad route)."""


class CatalogError(SearchError):
    """A catalog cannot be read or used (missing, not Parquet, not a catalog, no embeddings, ...)."""


class VocabularyError(SearchError):
    """A vocabulary file is malformed; the message names the file and the line."""
