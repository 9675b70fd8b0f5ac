"""``serve --catalog catalog.parquet``: the search page and JSON API (see :mod:`tagger_cli.web.app`).

    mtat-tagger serve --catalog catalog.parquet                 # http://127.0.0.1:8080/
    mtat-tagger serve --catalog catalog.parquet --model serving_model/tagger --port 9000

The catalog and the model (``--model``, default the one recorded in the catalog) are loaded once
at start-up, the text encoder too. Binds 127.0.0.1 unless ``--host`` says otherwise.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile

from tagger_cli.main import CliError, progress_bar

HELP = "web page + JSON API: search the catalog, listen, similar songs, tag an uploaded file"
DEFAULT_PORT = 8080


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--catalog", required=True, help="catalog Parquet file written by `index`")
    p.add_argument("--model", metavar="DIR", default=None,
                   help="model for uploads and taggrams (default: the one recorded in the catalog)")
    p.add_argument("--no-model", action="store_true", help="search/similar/listen only: load no model")
    p.add_argument("--host", default="127.0.0.1", help="address to bind [127.0.0.1: this machine only]")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port [{DEFAULT_PORT}; 0 = any free port]")
    p.add_argument("--max-upload-mb", type=float, default=50.0, help="largest accepted upload in MB [50]")
    p.add_argument("--workers", type=int, default=1, help="model jobs (uploads, taggrams) run at once [1]")
    p.add_argument("--queue", type=int, default=4, help="model jobs that may wait; more get 503 [4]")


def load_service(catalog_path: str, model: str | None, no_model: bool = False, workers: int = 1, queue: int = 4):
    """Read the catalog, load the model (unless ``no_model``; while the catalog is read, in another
    thread) and warm the text encoder."""
    from concurrent.futures import ThreadPoolExecutor

    from mtat.search.catalog import catalog_meta, model_dir_for, read_catalog
    from tagger_cli.web.service import WebService

    tagger = None
    if no_model or not catalog_meta(catalog_path):  # no model, or not a catalog: read_catalog says why
        catalog = read_catalog(catalog_path)
    else:
        from mtat.tagging import load_tagger

        with ThreadPoolExecutor(1) as pool:
            reading = pool.submit(read_catalog, catalog_path)
            tagger = load_tagger(model_dir_for(catalog_path, model, " (or --no-model)"))
            catalog = reading.result()
    if tagger is not None and list(tagger.tags) != list(catalog.tags):
        print(f"warning: the model's tags differ from the catalog's: uploads are tagged with the model's "
              f"{len(tagger.tags)} tags", file=sys.stderr)
    service = WebService(catalog, tagger, workers=workers, queue=queue, progress=progress_bar)
    service.warm_up()
    return service


def limit_blas_threads() -> None:
    """One OpenBLAS thread per request thread: the text encoder's and search's matrices are small, and
    BLAS worker threads spinning under concurrent requests cost more than they give (TF keeps its own pool)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1, user_api="blas")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from tagger_cli.web.app import create_app
    from tagger_cli.web.server import bind

    if not args.max_upload_mb > 0:
        raise CliError(f"--max-upload-mb must be positive, got {args.max_upload_mb}")
    if args.workers < 1 or args.queue < 0:
        raise CliError("--workers must be at least 1 and --queue at least 0")
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port must be 0..65535, got {args.port}")
    limit_blas_threads()
    service = load_service(args.catalog, args.model, args.no_model, args.workers, args.queue)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: binding {args.host}: other machines can reach this server (no authentication)",
              file=sys.stderr)
    uploads = tempfile.mkdtemp(prefix="mtat-web-uploads-")
    try:
        app = create_app(service, max_upload_mb=args.max_upload_mb, upload_dir=uploads)
        sock = bind(args.host, args.port)
        port = sock.getsockname()[1]
        model = f"model {service.tagger.model_dir}" if service.tagger else "no model"
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(f"serving {len(service.catalog)} songs from {args.catalog} ({model}) on http://{host}:{port}/",
              file=sys.stderr, flush=True)
        config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        shutil.rmtree(uploads, ignore_errors=True)
    return 0
