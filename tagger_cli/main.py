"""Entry point of the ``mtat-tagger`` console script: one sub-command per module of this package.

Each sub-command module defines ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int`` (the exit code). Errors a user can fix are raised as :class:`CliError` and
printed as one line (no traceback).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

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
    configure_tensorflow_env(os.environ)
    args = build_parser().parse_args(argv)
    from mtat.tagging import ModelError

    try:
        return int(args._run(args) or 0)
    except (CliError, ModelError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # run as a module, CliError must be this package's class: delegate
    from tagger_cli.main import main as package_main

    sys.exit(package_main())
