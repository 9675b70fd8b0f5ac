"""Entry point of the ``mtat-tagger`` console script: one sub-command per module of this package.

Each sub-command module defines ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int`` (the exit code). Errors a user can fix are raised as :class:`CliError` (or by
the libraries as :class:`mtat.search.errors.SearchError` / :class:`mtat.tagging.ModelError`) and
printed here, in one place, as one line (no traceback), exit code 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Iterable, Sequence

#: sub-command name -> module (in this package)
COMMANDS = {
    "predict": "predict",
    "index": "index",
    "search": "search",
    "similar": "similar",
    "serve-check": "serve_check",
    "report": "report",
    "serve": "web.command",
}


class CliError(Exception):
    """A problem with the user's input or environment, shown as ``error: <message>``."""


def progress_bar(items: Iterable, total: int, label: str) -> Iterable:
    """A tqdm bar on stderr around ``items`` (``total`` of them), shown only on a terminal and from 4 on
    (the libraries' ``progress`` callback)."""
    try:
        from tqdm import tqdm
    except ModuleNotFoundError:  # pragma: no cover - tqdm ships with the project
        return items
    return tqdm(items, total=total, desc=label, unit="batch", file=sys.stderr,
                disable=total < 4 or not sys.stderr.isatty())


def user_errors() -> tuple[type[BaseException], ...]:
    """The exceptions shown as ``error: <message>`` with exit code 2."""
    from mtat.search.errors import SearchError
    from mtat.tagging import ModelError

    return CliError, ModelError, SearchError


def _available() -> dict:
    modules = {}
    for name, module in COMMANDS.items():
        try:
            modules[name] = importlib.import_module(f"tagger_cli.{module}")
        except ModuleNotFoundError as err:
            if err.name != f"tagger_cli.{module}":
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mtat-tagger", description="Tag audio files with a pushed model, index a catalog, search it by tags or words.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module in _available().items():
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from mtat.environment import configure_tensorflow_env

    configure_tensorflow_env()
    # third-party notices on import (google.api_core's Python-version FutureWarning) are not the user's business
    warnings.filterwarnings("ignore", category=FutureWarning)
    errors = user_errors()
    try:  # the parser imports the commands, and they the libraries: a malformed vocabulary file is one line too
        args = build_parser().parse_args(argv)
        return int(args._run(args) or 0)
    except errors as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # run as a module, CliError must be this package's class: delegate
    from tagger_cli.main import main as package_main

    sys.exit(package_main())
