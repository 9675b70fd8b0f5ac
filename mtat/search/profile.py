"""Search by an explicit, weighted tag profile: ``"piano:1,slow:0.5,-drums"`` -> ranked songs.

A profile is what a search's ``matched_tags`` already are, written out so a person (or the web
page's tag chips) can correct them: comma-separated items ``[-]TAG[:WEIGHT]``, where ``TAG`` is one
of the catalog's tag names (case and spaces as in the vocabulary: ``male vocal``, ``no vocals``),
``WEIGHT`` a positive number (default 1) and a leading ``-`` negates the tag (the song scores
``1 - p`` for it, as "without drums" does in a query).

:func:`search_profile` ranks with the tag route's scoring exactly as a tag-name query does
(:func:`mtat.search.scoring.score_songs`, plain probabilities, no joint route), so
``piano,slow,-drums`` ranks exactly like the query "piano slow without drums".
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from mtat.search.catalog import Catalog
from mtat.search.errors import QueryError
from mtat.search.ranking import candidate_rows, hits, short_left_out
from mtat.search.results import QueryMatch, SearchResult, TagMatch
from mtat.search.scoring import TagScores

#: How a profile's tags are reported in :attr:`TagMatch.how`.
HOW = "profile"
#: The smallest weight :func:`format_profile` writes (weights are written with 4 decimals).
MIN_WRITTEN_WEIGHT = 1e-4
#: Longest accepted profile text (characters).
MAX_PROFILE_CHARS = 2000


def _key(name: str) -> str:
    return " ".join(name.lower().split())


def parse_profile(text: str, tags: Sequence[str] | None = None) -> tuple[TagMatch, ...]:
    """The :class:`TagMatch` es of a profile ``"piano:1,slow:0.5,-drums"``, in the order written.

    ``tags``: the catalog's tag names (default: the MTAT top-50). Raises
    :class:`~mtat.search.errors.QueryError` naming the bad item: an unknown tag, a weight that is not
    a positive number, a tag given twice, or no tag at all. Empty items ("piano,,slow") are skipped.
    """
    if tags is None:
        from mtat.tags import MTAT_TOP50

        tags = MTAT_TOP50
    if len(text or "") > MAX_PROFILE_CHARS:
        raise QueryError(f"tag profile too long ({len(text)} characters, at most {MAX_PROFILE_CHARS})")
    by_key = {_key(t): t for t in tags}
    out: list[TagMatch] = []
    seen: dict[str, str] = {}
    for raw in (text or "").split(","):
        item = raw.strip()
        if not item:
            continue
        body = item[1:].strip() if item.startswith("-") else item
        name, sep, weight_text = body.rpartition(":") if ":" in body else (body, "", "")
        weight = 1.0
        if sep:
            try:
                weight = float(weight_text)
            except ValueError:
                raise QueryError(f"bad weight in {item!r}: {weight_text.strip()!r} is not a number "
                                 "(write TAG:WEIGHT, e.g. piano:0.5)") from None
            if not math.isfinite(weight) or weight <= 0:
                raise QueryError(f"bad weight in {item!r}: a weight must be a positive number "
                                 "(negate a tag with a leading '-': -drums)")
        tag = by_key.get(_key(name))
        if tag is None:
            raise QueryError(f"unknown tag {name.strip()!r} in {item!r}: not a tag of the catalog "
                             f"(e.g. {', '.join(list(tags)[:3])})")
        if tag in seen:
            raise QueryError(f"tag {tag!r} given twice ({seen[tag]!r} and {item!r})")
        seen[tag] = item
        out.append(TagMatch(tag, weight, item.startswith("-"), HOW))
    if not out:
        raise QueryError("empty tag profile: write tags as TAG[:WEIGHT], comma-separated, e.g. piano:1,slow:0.5,-drums")
    return tuple(out)


def format_profile(matches: Sequence[TagMatch]) -> str:
    """The profile text of ``matches`` (``parse_profile``'s inverse): weight 1 is omitted, weights are
    rounded to 4 decimals as in the JSON results."""
    items = []
    for m in matches:
        w = max(round(float(m.similarity), 4), MIN_WRITTEN_WEIGHT)  # a tiny weight stays a valid (positive) one
        items.append(("-" if m.negated else "") + m.tag + ("" if w == 1 else f":{w:g}"))
    return ",".join(items)


def search_profile(catalog: Catalog, profile: str | Sequence[TagMatch], top: int = 10,
                   min_score: float = 0.0, *, include_short: bool = False,
                   keep: np.ndarray | None = None) -> SearchResult:
    """The ``top`` songs of ``catalog`` for an explicit tag profile (text for :func:`parse_profile`, or
    its matches), best first; route "tags", the result's ``query`` is the profile's text
    (:func:`format_profile`). Songs flagged short are left out unless ``include_short``; with ``keep``
    (a ``[len(catalog)]`` bool mask) only those songs are listed.
    Raises :class:`~mtat.search.errors.QueryError` for a bad profile."""
    if top < 1:
        raise QueryError(f"top must be at least 1, got {top}")
    matches = parse_profile(profile, catalog.tags) if isinstance(profile, str) else tuple(profile)
    unknown = [m.tag for m in matches if m.tag not in catalog.tags]
    if unknown or not matches:
        raise QueryError(f"unknown tag {unknown[0]!r}: not a tag of the catalog" if unknown else "empty tag profile")
    text = format_profile(matches)
    rows = candidate_rows(catalog, include_short)
    tag = TagScores(catalog.probabilities, catalog.tags, matches, scaled=False, rows=rows)
    return SearchResult(text, "tags", QueryMatch(text, "tags", matches, text=text),
                        hits(catalog, tag, tag, 1.0, tag, matches, top, min_score, rows=rows, keep=keep),
                        short_excluded=short_left_out(catalog, rows))
