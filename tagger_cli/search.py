"""``search QUERY --catalog catalog.parquet``: free words or tag names -> matched tags -> ranked songs.

How a query becomes tags and how songs are scored is :mod:`tagger_cli.tag_search` (in short:
tag names in the query are used as they are; other words are embedded with all-MiniLM-L6-v2
and matched to the nearest tag descriptions; a song's score is the similarity-weighted mean of
the matched tags' predicted probabilities, ``1 - p`` for a negated tag).

``--json`` prints one object::

    {"query": str,
     "matched_tags": [{"tag": str, "similarity": float}, ...],      best first
     "results": [{"path": str, "score": float, "tags": {tag: prob}}, ...]}   best first

A negated tag ("without drums") carries ``"negated": true`` as well. ``tags`` is the song's
:data:`SONG_TAGS` most probable tags, highest first.
"""
from __future__ import annotations

import argparse
import functools
import json
import sys

from tagger_cli.catalog import read_catalog
from tagger_cli.main import CliError
from tagger_cli.tag_search import MAX_TAGS, QueryError, TagMatcher, rank_songs, score_songs

HELP = "find catalog songs by free words or tag names (e.g. \"beach vibes\", \"piano slow\")"
#: How many of a song's own top tags each result shows.
SONG_TAGS = 5
DEFAULT_TOP = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="free words (\"rainy night\") or tag names (\"piano slow\", \"no vocals\")")
    parser.add_argument("--catalog", required=True, help="catalog Parquet file written by `index`")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, help=f"songs to show (default {DEFAULT_TOP})")
    parser.add_argument("--max-tags", type=int, default=MAX_TAGS,
                        help=f"at most this many matched tags for free words (default {MAX_TAGS})")
    parser.add_argument("--min-score", type=float, default=0.0, help="omit songs scoring below this (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


@functools.lru_cache(maxsize=8)
def _matcher(tags: tuple[str, ...], max_tags: int) -> TagMatcher:
    return TagMatcher(list(tags), max_tags=max_tags)


def search(catalog, query: str, top: int = DEFAULT_TOP, max_tags: int = MAX_TAGS, min_score: float = 0.0) -> dict:
    """The search result as the ``--json`` object (see the module docstring)."""
    try:
        match = _matcher(tuple(catalog.tags), max_tags).match(query)
    except QueryError as err:
        raise CliError(str(err)) from None
    scores = score_songs(catalog.probabilities, catalog.tags, match.matches)
    results = []
    for i in rank_songs(scores, top):
        if scores[i] < min_score:
            break
        results.append({"path": catalog.paths[i], "score": round(float(scores[i]), 4),
                        "tags": {t: round(p, 4) for t, p in catalog.top_tags(int(i), SONG_TAGS).items()}})
    return {"query": query, "matched_tags": [m.to_dict() for m in match.matches], "results": results}


def format_text(result: dict) -> str:
    lines = [f"query: {result['query']}"]
    tags = ", ".join(("not " if m.get("negated") else "") + f"{m['tag']} ({m['similarity']:.2f})"
                     for m in result["matched_tags"])
    lines.append(f"matched tags: {tags or '(none)'}")
    if not result["results"]:
        lines.append("no songs")
    width = len(str(len(result["results"])))
    for rank, r in enumerate(result["results"], 1):
        top = ", ".join(f"{t} {p:.2f}" for t, p in r["tags"].items())
        lines.append(f"{rank:>{width}}. {r['score']:.3f}  {r['path']}  [{top}]")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise CliError(f"--top must be at least 1, got {args.top}")
    if args.max_tags < 1:
        raise CliError(f"--max-tags must be at least 1, got {args.max_tags}")
    if not args.query.strip():
        raise CliError("empty query")
    catalog = read_catalog(args.catalog)
    result = search(catalog, args.query, args.top, args.max_tags, args.min_score)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(format_text(result))
    return 0
