"""``search --tags PROFILE`` and ``search --like PATH``: the explicit-profile and more-like-this forms of
``mtat-tagger search`` (:mod:`mtat.search.profile`, :mod:`mtat.search.like`).

* ``--tags "piano:1,slow:0.5,-drums"``: catalog tag names, comma-separated, each with an optional
  weight (default 1), ``-`` negates; ranked by the tag route exactly as the tag query "piano slow
  without drums" would be (weights aside). ``--max-tags`` does not apply; ``--route joint`` is refused.
* ``--like PATH``: a catalog song (its path as shown, or its file); songs described like it (its
  5 most probable tags weighted by probability, fused with its joint vector when the catalog has
  them; ``--route tag|joint`` for one part alone), the song itself left out.

QUERY, ``--tags`` and ``--like`` exclude each other: give exactly one. Output as ``search``'s (text,
``--explain``, ``--json``); the ``query`` is the profile written out, or ``like:<path>``. Short songs
are left out as by a QUERY (``--include-short``); ``--like`` a short song still ranks by its tags.
"""
from __future__ import annotations

import argparse

from mtat.search import read_catalog
from mtat.search.like import search_like
from mtat.search.profile import search_profile
from tagger_cli.main import CliError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tags", default=None, metavar="PROFILE",
                        help="search by an explicit tag profile instead of a QUERY: \"piano:1,slow:0.5,-drums\" "
                             "(catalog tags, optional weights, '-' negates)")
    parser.add_argument("--like", default=None, metavar="PATH",
                        help="more like this catalog song (its top tags weighted by probability + its joint vector), "
                             "instead of a QUERY")


def wanted(args: argparse.Namespace) -> bool:
    """Whether the command line asks for ``--tags`` or ``--like`` (checking they come alone)."""
    given = [name for name, value in (("QUERY", args.query), ("--tags", args.tags), ("--like", args.like))
             if value is not None]
    if len(given) > 1:
        raise CliError(f"give one of QUERY, --tags or --like, not {' and '.join(given)}")
    if not given:
        raise CliError("give a QUERY (free words or tag names), --tags PROFILE or --like PATH")
    return given[0] != "QUERY"


def run(args: argparse.Namespace) -> int:
    from tagger_cli.search import print_result  # the search command imports this module

    if args.top < 1:
        raise CliError(f"--top must be at least 1, got {args.top}")
    catalog = read_catalog(args.catalog)
    if args.tags is not None:
        if args.route == "joint":
            raise CliError("--tags ranks by the tag route: --route joint does not apply")
        result = search_profile(catalog, args.tags, args.top, args.min_score, include_short=args.include_short)
    else:
        row = catalog.index_of(args.like)
        if row is None:
            raise CliError(f"{args.like} is not a song of catalog {args.catalog}")
        result = search_like(catalog, row, args.top, route=args.route, min_score=args.min_score,
                             include_short=args.include_short)
    return print_result(result.to_dict(), args)
