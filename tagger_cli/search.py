"""``search QUERY --catalog catalog.parquet``: free words or tag names -> songs (the CLI over :func:`mtat.search.search`).

Two routes score the songs:

* **tag route** (:mod:`mtat.search.matcher`): tag names in the query are used as they are; free
  words are matched to listening concepts (:mod:`mtat.search.concepts`: "jogging" -> running ->
  fast, beat, techno, ...) by their words (misspellings tolerated) or by all-MiniLM-L6-v2 text
  embedding, and read as kinds of music by their closest example texts (:mod:`mtat.search.kinds`:
  "an autumn stroll through the woods" -> flute, ...); a song's score is the weighted mean of the implied
  tags' predicted probabilities
  (``1 - p`` for a negated or negative-weight tag).
* **joint route**, when the catalog has a ``joint`` column (a model with the joint audio-text
  head): the cosine between the song's joint vector and the query's vector in the same space
  (:func:`mtat.joint_space.phrase_vectors` of the query without its negations).

A free-word query on a catalog with joint vectors ranks by the fusion of both
(:mod:`mtat.search.fusion`); a tag-name query ("piano slow", "no vocals") and any query on a catalog
without joint vectors uses the tag route alone, so those scores are exactly the tag route's.

``--json`` prints one object::

    {"query": str,
     "route": "tags" | "tag" | "fused" | "joint",   how the songs were ranked
     "confidence": float,                            how well the query was understood, in [0, 1]
     "low_confidence": bool,                         confidence below mtat.search.LOW_CONFIDENCE
     "matched_tags": [{"tag": str, "similarity": float, "negated"?: true}, ...],  best first
     "concepts": [{"concept": str, "similarity": float, "how": "word"|"embedding", "alias"?: str}, ...],
     "kinds": [{"kind": str, "weight": float, "like": str}, ...],  kinds of music, closest example text
     "corrections": {typed word: vocabulary word},
     "results": [{"path": str, "score": float, "tags": {tag: prob}, "short": bool,
                  "parts": {"tag": float, "joint": float | null, "fused": float | null,
                            "matched": {tag: prob}, "rank": float}}, ...],
     "short_excluded": int}                          short songs left out (0 with --include-short)

``confidence`` (:mod:`mtat.search.confidence`): ~1 for tag names and words of the vocabulary, lower
for words read only through weak text-embedding neighbours, near 0 for gibberish. ``score`` is
comparable across queries: the route's absolute evidence (tag route: weighted mean of tag
probabilities) times the confidence, so a loosely read query never shows 1.000; ``--min-score``
filters on it. Songs are ordered by ``parts.rank``, the raw ranking score (the fused score on the
fused route, else the route's own; comparable within one query only). For free words ``similarity``
of a tag is its weight in the query's tag profile. ``tags`` is the song's
:data:`mtat.search.ranking.SONG_TAGS` most probable tags. ``--explain`` prints the confidence (and, below
:data:`mtat.search.confidence.LOW_CONFIDENCE`, one line saying the query was read loosely and as
what) and the parts per result as text.

Songs the catalog flags ``short`` (shorter than :data:`mtat.windows.MIN_RELIABLE_SECONDS`, 3 s:
their tags are unreliable, sound effects score "quiet" and "classical" high) are left out, as if
they were not indexed; the text output then ends with one line saying how many, and
``--include-short`` ranks them too (``"short": true`` on each of them).

``--tags PROFILE`` (an explicit weighted tag profile) and ``--like PATH`` (more like a catalog song)
replace QUERY: :mod:`tagger_cli.search_profile`.
"""
from __future__ import annotations

import argparse
import json
import sys

from mtat.search import read_catalog, search
from mtat.search.api import DEFAULT_TOP, ROUTES
from mtat.search.confidence import LOW_CONFIDENCE
from mtat.search.matcher import MAX_TAGS
from mtat.windows import MIN_RELIABLE_SECONDS
from tagger_cli import search_profile
from tagger_cli.main import CliError, progress_bar

HELP = "find catalog songs by free words or tag names (e.g. \"beach vibes\", \"piano slow\")"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", default=None,
                        help="free words (\"rainy night\") or tag names (\"piano slow\", \"no vocals\")")
    parser.add_argument("--catalog", required=True, help="catalog Parquet file written by `index`")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, help=f"songs to show (default {DEFAULT_TOP})")
    parser.add_argument("--max-tags", type=int, default=MAX_TAGS,
                        help=f"at most this many tags in a free-word query's tag profile (default {MAX_TAGS})")
    parser.add_argument("--min-score", type=float, default=0.0,
                        help="omit songs whose shown score (comparable across queries) is below this (default 0)")
    parser.add_argument("--route", choices=ROUTES, default="auto",
                        help="auto (default: tag route + joint route when the catalog has joint vectors), "
                             "or one route alone")
    parser.add_argument("--explain", action="store_true",
                        help="show the matched concepts and per result the tag-route score, joint cosine, fused score")
    add_include_short(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    search_profile.add_arguments(parser)  # --tags PROFILE, --like PATH


def add_include_short(parser: argparse.ArgumentParser) -> None:
    """``--include-short`` (``search`` and ``similar``)."""
    parser.add_argument("--include-short", action="store_true",
                        help=f"also rank songs shorter than {MIN_RELIABLE_SECONDS:g} s (flagged short by `index`: "
                             "their tags are unreliable; left out by default)")


def short_note(excluded: int) -> str:
    """The line saying how many short songs were left out ('' for none)."""
    if not excluded:
        return ""
    return (f"{excluded} short song(s) (< {MIN_RELIABLE_SECONDS:g} s, tags unreliable) left out: "
            "--include-short ranks them too")


def format_text(result: dict, explain: bool = False) -> str:
    lines = [f"query: {result['query']}"]
    tags = ", ".join(("not " if m.get("negated") else "") + f"{m['tag']} ({m['similarity']:.2f})"
                     for m in result["matched_tags"])
    lines.append(f"matched tags: {tags or '(none)'}")
    if explain:
        concepts = ", ".join(f"{c['concept']} ({c['similarity']:.2f}, {c['how']}"
                             + (f" \"{c['alias']}\"" if c.get("alias") else "") + ")"
                             for c in result.get("concepts", []))
        lines.append(f"concepts: {concepts or '(none: tag names only)'}")
        if result.get("kinds"):
            lines.append("kinds of music: " + ", ".join(f"{k['kind']} ({k['weight']:.2f}, like \"{k['like']}\")"
                                                         for k in result["kinds"]))
        if result.get("corrections"):
            lines.append("corrected: " + ", ".join(f"{a} -> {b}" for a, b in result["corrections"].items()))
        lines.append(f"route: {result.get('route', 'tag')}")
        if "confidence" in result:
            lines.append(f"confidence: {result['confidence']:.2f}")
            if result["low_confidence"]:
                lines.append(low_confidence_line(result))
    if not result["results"]:
        lines.append("no songs")
    width = len(str(len(result["results"])))
    for rank, r in enumerate(result["results"], 1):
        top = ", ".join(f"{t} {p:.2f}" for t, p in r["tags"].items())
        flag = "  (short)" if r.get("short") else ""
        lines.append(f"{rank:>{width}}. {r['score']:.3f}  {r['path']}  [{top}]{flag}")
        if explain and "parts" in r:
            parts = r["parts"]
            why = ", ".join(f"{t} {p:.2f}" for t, p in parts.get("matched", {}).items())
            joint = "n/a" if parts["joint"] is None else f"{parts['joint']:.3f}"
            fused = "n/a" if parts["fused"] is None else f"{parts['fused']:.3f}"
            lines.append(f"{'':>{width}}   tag route {parts['tag']:.3f} [{why}]  joint cosine {joint}  fused {fused}")
    note = short_note(result.get("short_excluded", 0))
    if note:
        lines.append(note)
    return "\n".join(lines)


def low_confidence_line(result: dict) -> str:
    """One line: the query was understood poorly, and what it was read as (its concepts, else its tags)."""
    concepts = [("not " if c["how"].startswith("negated") else "") + c["concept"] for c in result.get("concepts", [])]
    tags = [("not " if m.get("negated") else "") + m["tag"] for m in result["matched_tags"]]
    read = f"concepts {', '.join(concepts)}" if concepts else f"tags {', '.join(tags) or '(none)'}"
    if result.get("kinds"):
        read += f"; music like {', '.join(k['kind'] for k in result['kinds'])}"
    return (f"low confidence ({result['confidence']:.2f} < {LOW_CONFIDENCE}): few words were understood; "
            f"read as {read}")


def run(args: argparse.Namespace) -> int:
    if search_profile.wanted(args):  # --tags / --like (checks QUERY is not given too)
        return search_profile.run(args)
    if args.top < 1:
        raise CliError(f"--top must be at least 1, got {args.top}")
    if args.max_tags < 1:
        raise CliError(f"--max-tags must be at least 1, got {args.max_tags}")
    if not args.query.strip():
        raise CliError("empty query")
    catalog = read_catalog(args.catalog)
    result = search(catalog, args.query, args.top, args.max_tags, args.min_score, route=args.route,
                    progress=progress_bar, include_short=args.include_short).to_dict()
    return print_result(result, args)


def print_result(result: dict, args: argparse.Namespace) -> int:
    """Print a search's dict as JSON (``--json``) or text (``--explain`` for the parts); exit code 0."""
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(format_text(result, explain=args.explain))
    return 0
