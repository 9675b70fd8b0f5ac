"""``similar FILE --catalog catalog.parquet``: catalog songs that sound like FILE.

FILE is embedded with the model that built the catalog (its ``model_dir`` metadata, or
``--model``): the clip-level audio embedding (penultimate layer, averaged over the model
windows, exactly what ``index`` stored). Songs are ranked by cosine similarity of embeddings
centred on the catalog mean (:mod:`mtat.search.similar`); FILE itself is left out when it is in
the catalog.

``--json`` prints one object::

    {"file": str, "results": [{"path": str, "similarity": float, "tags": {tag: prob}}, ...]}

``tags`` is the song's 5 most probable tags, highest first.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from mtat.search.catalog import Catalog, model_dir_for, read_catalog
from mtat.search.similar import rank_similar
from tagger_cli.main import CliError

HELP = "find catalog songs that sound like an audio file (audio-embedding cosine)"
DEFAULT_TOP = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="an audio file (mp3, wav, flac, ogg, ...)")
    parser.add_argument("--catalog", required=True, help="catalog Parquet file written by `index`")
    parser.add_argument("--model", default=None,
                        help="model to embed FILE with (default: the one recorded in the catalog)")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, help=f"songs to show (default {DEFAULT_TOP})")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def embed_file(path: str, model: str | None, catalog: Catalog) -> np.ndarray:
    """The clip-level embedding of ``path`` with the catalog's (or the given) model."""
    from mtat.audio import AudioError
    from mtat.tagging import load_tagger

    tagger = load_tagger(model_dir_for(catalog, model))
    if catalog.model_version and tagger.version and str(tagger.version) != str(catalog.model_version):
        print(f"warning: the catalog was built with model version {catalog.model_version}, "
              f"FILE is embedded with version {tagger.version}", file=sys.stderr)
    try:
        return np.asarray(tagger.predict_file(path).embedding, np.float32)
    except AudioError as err:
        raise CliError(f"cannot read {path}: {err}") from None


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise CliError(f"--top must be at least 1, got {args.top}")
    catalog = read_catalog(args.catalog, require_embeddings=True)
    if "://" not in args.file and not os.path.isfile(args.file):
        raise CliError(f"file not found: {args.file}")
    embedding = embed_file(args.file, args.model, catalog)
    results = [r.to_dict() for r in rank_similar(catalog, embedding, args.top, catalog.index_of(args.file))]
    if args.json:
        json.dump({"file": args.file, "results": results}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(f"songs like {args.file}:")
    if not results:
        print("no other songs in the catalog")
    width = len(str(len(results)))
    for rank, r in enumerate(results, 1):
        tags = ", ".join(f"{t} {p:.2f}" for t, p in r["tags"].items())
        print(f"{rank:>{width}}. {r['similarity']:.3f}  {r['path']}  [{tags}]")
    return 0
