"""``similar FILE --catalog catalog.parquet``: catalog songs that sound like FILE.

FILE is embedded with the model that built the catalog (its ``model_dir`` metadata, or
``--model``): the clip-level audio embedding (penultimate layer, averaged over the model
windows, exactly what ``index`` stored). Songs are ranked by cosine similarity of embeddings
centred on the catalog mean (:mod:`mtat.search.similar`); FILE itself is left out when it is in
the catalog.

``--json`` prints one object::

    {"file": str, "results": [{"path": str, "similarity": float, "tags": {tag: prob}, "short": bool}, ...],
     "short_excluded": int}

``tags`` is the song's 5 most probable tags, highest first. Songs the catalog flags ``short``
(under :data:`mtat.windows.MIN_RELIABLE_SECONDS`) are left out unless ``--include-short``, as in
``search``; ``short_excluded`` counts them (a text line says so). A FILE that short gets a warning
on stderr: its embedding is as unreliable as its tags.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from mtat.search.catalog import Catalog, model_dir_for, read_catalog
from mtat.search.ranking import candidate_rows, short_left_out
from mtat.search.similar import rank_similar
from tagger_cli.main import CliError
from tagger_cli.search import add_include_short, short_note

HELP = "find catalog songs that sound like an audio file (audio-embedding cosine)"
DEFAULT_TOP = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="an audio file (mp3, wav, flac, ogg, ...)")
    parser.add_argument("--catalog", required=True, help="catalog Parquet file written by `index`")
    parser.add_argument("--model", default=None,
                        help="model to embed FILE with (default: the one recorded in the catalog)")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, help=f"songs to show (default {DEFAULT_TOP})")
    add_include_short(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def embed_file(path: str, model: str | None, catalog: Catalog) -> np.ndarray:
    """The clip-level embedding of ``path`` with the catalog's (or the given) model."""
    from mtat.audio import AudioError
    from mtat.tagging import load_tagger
    from mtat.windows import short_warning

    tagger = load_tagger(model_dir_for(catalog, model))
    if catalog.model_version and tagger.version and str(tagger.version) != str(catalog.model_version):
        print(f"warning: the catalog was built with model version {catalog.model_version}, "
              f"FILE is embedded with version {tagger.version}", file=sys.stderr)
    try:
        pred = tagger.predict_file(path)
    except AudioError as err:
        raise CliError(f"cannot read {path}: {err}") from None
    if pred.short:
        print(f"warning: {path}: {short_warning(pred.duration)}", file=sys.stderr)
    return np.asarray(pred.embedding, np.float32)


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise CliError(f"--top must be at least 1, got {args.top}")
    catalog = read_catalog(args.catalog, require_embeddings=True)
    if "://" not in args.file and not os.path.isfile(args.file):
        raise CliError(f"file not found: {args.file}")
    embedding = embed_file(args.file, args.model, catalog)
    row = catalog.index_of(args.file)
    results = [r.to_dict() for r in rank_similar(catalog, embedding, args.top, row, include_short=args.include_short)]
    excluded = short_left_out(catalog, candidate_rows(catalog, args.include_short), [] if row is None else [row])
    if args.json:
        json.dump({"file": args.file, "results": results, "short_excluded": excluded}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(f"songs like {args.file}:")
    if not results:
        print("no other songs in the catalog")
    width = len(str(len(results)))
    for rank, r in enumerate(results, 1):
        tags = ", ".join(f"{t} {p:.2f}" for t, p in r["tags"].items())
        print(f"{rank:>{width}}. {r['similarity']:.3f}  {r['path']}  [{tags}]" + ("  (short)" if r["short"] else ""))
    if excluded:
        print(short_note(excluded))
    return 0
