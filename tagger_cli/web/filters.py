"""Filters of the web page's searches and similar songs: a length range and tags a song must or must not have.

A song *has* a tag when the tag applies to it (at or above the model's decision threshold, the
catalog's ``applies``), or, for a catalog without thresholds, when its probability is at least
:data:`NO_THRESHOLD_PROBABILITY`. A song of unknown length passes no length bound. Filters narrow a
ranking: they never change a song's score or order.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from mtat.search.catalog import ArrowColumn, Catalog

#: The probability at which a tag counts as the song's when the catalog has no per-tag thresholds.
NO_THRESHOLD_PROBABILITY = 0.5


class FilterError(ValueError):
    """A filter the request got wrong (HTTP 400)."""


def has_tags(catalog: Catalog) -> np.ndarray:
    """``[n, K]`` bool: song ``i`` has tag ``k`` (see the module docstring); built from the catalog's
    ``applies`` column as a whole (Arrow), without a Python step per song."""
    import pyarrow as pa
    import pyarrow.compute as pc

    probs = catalog.probabilities
    if catalog.applies is None:
        return probs >= NO_THRESHOLD_PROBABILITY
    applies = (catalog.applies.array if isinstance(catalog.applies, ArrowColumn)
               else pa.array(list(catalog.applies), pa.list_(pa.string())))
    lengths = np.asarray(pc.list_value_length(applies).fill_null(0), np.int64)
    rows = np.repeat(np.arange(len(applies)), lengths)
    cols = pc.index_in(pc.list_flatten(applies), value_set=pa.array(list(catalog.tags), pa.string()))
    known = np.asarray(cols.is_valid())  # tags the catalog does not have are left out
    out = np.zeros(probs.shape, bool)
    out[rows[known], np.asarray(cols.fill_null(0), np.int64)[known]] = True
    without = np.flatnonzero(np.asarray(applies.is_null()))  # rows without their own list: the probability rule
    out[without] = probs[without] >= NO_THRESHOLD_PROBABILITY
    return out


def _tag_list(text: str | None, tags: list[str], name: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(t.strip() for t in (text or "").split(",") if t.strip()))
    unknown = [t for t in names if t not in tags]
    if unknown:
        raise FilterError(f"{name}: unknown tag {unknown[0]!r} (GET /api/tags lists the catalog's tags)")
    return names


def _seconds(value: float | None, name: str) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or value < 0:
        raise FilterError(f"{name} must be a number of seconds >= 0, got {value}")
    return float(value)


@dataclasses.dataclass(frozen=True)
class SongFilter:
    """Songs of ``min_duration`` .. ``max_duration`` seconds (either bound optional) that have every tag
    of ``with_tags`` and none of ``without_tags``."""

    min_duration: float | None = None
    max_duration: float | None = None
    with_tags: tuple[str, ...] = ()
    without_tags: tuple[str, ...] = ()

    @classmethod
    def parse(cls, tags: list[str], min_duration: float | None = None, max_duration: float | None = None,
              with_tags: str | None = None, without_tags: str | None = None) -> SongFilter:
        """The filter of the API's parameters (``with`` / ``without``: comma-separated tag names);
        :class:`FilterError` for an unknown tag, a negative or reversed range, a tag both wanted and not."""
        lo, hi = _seconds(min_duration, "min_duration"), _seconds(max_duration, "max_duration")
        if lo is not None and hi is not None and lo > hi:
            raise FilterError(f"min_duration ({lo:g} s) is above max_duration ({hi:g} s)")
        wanted, unwanted = _tag_list(with_tags, tags, "with"), _tag_list(without_tags, tags, "without")
        both = [t for t in wanted if t in unwanted]
        if both:
            raise FilterError(f"tag {both[0]!r} is in both with and without")
        return cls(lo, hi, wanted, unwanted)

    @property
    def active(self) -> bool:
        return bool(self.min_duration is not None or self.max_duration is not None or self.with_tags
                    or self.without_tags)

    def mask(self, catalog: Catalog, has: np.ndarray) -> np.ndarray:
        """``[n]`` bool: the songs that pass (``has``: :func:`has_tags` of ``catalog``)."""
        keep = np.ones(len(catalog), bool)
        d = catalog.durations
        if self.min_duration is not None:
            keep &= np.isfinite(d) & (d >= self.min_duration)
        if self.max_duration is not None:
            keep &= np.isfinite(d) & (d <= self.max_duration)
        col = {t: k for k, t in enumerate(catalog.tags)}
        for t in self.with_tags:
            keep &= has[:, col[t]]
        for t in self.without_tags:
            keep &= ~has[:, col[t]]
        return keep

    def to_dict(self) -> dict:
        return {"min_duration": self.min_duration, "max_duration": self.max_duration,
                "with": list(self.with_tags), "without": list(self.without_tags)}
