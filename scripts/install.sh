#!/usr/bin/env bash
# The one install path: `make install` runs it for .venv, the Dockerfile for the image's Python
# (tests/test_install.py checks that both go through it and nothing else installs packages).
#
#   scripts/install.sh PYTHON                    # the pinned stack and the project (editable, test extra)
#   scripts/install.sh PYTHON --deps-only        # the same without the project itself (a Docker layer
#                                                # that survives code edits)
#   scripts/install.sh PYTHON --project-only     # the project alone, not editable, no dependencies
#   scripts/install.sh PYTHON --extra PKG...     # more packages, pinned like the rest (image build args)
#
# Always with constraints.txt, the exact versions of the verified stack:
# 1. pip<25, wheel and uv, with pip;
# 2. the project with its test extra, with uv: it installs the pinned packages in parallel and
#    byte-compiles nothing, 2-3x faster than pip (docs/design.md, "The install"); what is never
#    imported is never compiled;
# 3. the packages whose declared dependencies we do not install, --no-deps (why: see
#    requirements-nodeps.txt);
# 4. with the project: byte-compile what it imports (scripts/precompile.py), even where
#    PYTHONDONTWRITEBYTECODE is set.
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 PYTHON [--deps-only | --project-only | --extra PKG...]" >&2
    exit 2
fi
python=$(command -v "$1") || { echo "$0: no Python at $1" >&2; exit 2; }
python=$(cd "$(dirname "$python")" && pwd)/$(basename "$python")
mode=${2:-}
cd "$(dirname "$0")/.."

PROJECT_EXTRAS=".[test]"
uv_install() { "$python" -m uv pip install -q --python "$python" "$@"; }
bootstrap() { "$python" -m pip install -q --disable-pip-version-check -c constraints.txt "pip<25" wheel uv; }
nodeps() { uv_install --no-deps -c constraints.txt -r requirements-nodeps.txt; }
clean_build() { rm -rf build ./*.egg-info; }
precompile() { env -u PYTHONDONTWRITEBYTECODE "$python" scripts/precompile.py; }

case "$mode" in
    "")
        bootstrap
        uv_install -c constraints.txt -e "$PROJECT_EXTRAS" --config-settings editable_mode=compat
        nodeps
        precompile
        ;;
    --deps-only)
        bootstrap
        uv_install -c constraints.txt "$PROJECT_EXTRAS"
        "$python" -m uv pip uninstall -q --python "$python" mtat-tagger
        clean_build
        nodeps
        ;;
    --project-only)
        uv_install --no-deps .
        clean_build
        precompile
        ;;
    --extra)
        shift 2
        if [ $# -gt 0 ]; then uv_install -c constraints.txt "$@"; fi
        ;;
    *)
        echo "$0: unknown mode $mode" >&2
        exit 2
        ;;
esac
