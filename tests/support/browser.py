"""Chromium and axe-core for the browser tests: found here, never installed.

Playwright, which drives the browser, is a package of the ``test`` extra: the tests import
it plainly, and fail without it. Playwright's own browser download does not work on the
project's machines (no internet besides the package registries), so the tests drive
Debian's ``chromium`` package, and check pages with axe-core from the npm registry. Both
are installed before pytest, by the explicit step of the README's test command::

    bash tools/provision-tests.sh

which puts axe-core in ``${XDG_CACHE_HOME:-~/.cache}/glossator-tests/axe``. This module
only looks for them. When something is missing, the tests are skipped on a developer's
machine with a message naming that script, and fail on CI (``CI=true``): a green CI must
not hide browser tests that did not run.

Two variables point the tests elsewhere, and simulate a machine without the tools:

``GLOSSATOR_CHROMIUM=/path/to/chromium``
    this browser instead of ``/usr/bin/chromium``; ``GLOSSATOR_CHROMIUM=/nonexistent``
    shows what a machine without Chromium gets (a skip, or a failure with ``CI=true``).
``GLOSSATOR_AXE=/path/to/axe.min.js``
    this axe-core instead of the cached one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

#: The command that installs what this module looks for.
PROVISION = "bash tools/provision-tests.sh"

#: Where Debian (and most distributions) put Chromium.
CHROMIUM_PATHS: tuple[str, ...] = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

#: Flags for a headless Chromium on a machine with a closed network, as root.
CHROMIUM_ARGS: list[str] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def on_ci() -> bool:
    """Whether the tests run on CI, where a missing tool is an error, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Fail on CI, skip elsewhere: ``reason`` says what is missing and how to get it."""
    if on_ci():
        pytest.fail(f"browser tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    """The path of Chromium (``GLOSSATOR_CHROMIUM`` if set, else an installed one), or
    None."""
    override = os.environ.get("GLOSSATOR_CHROMIUM")
    for path in (override,) if override else CHROMIUM_PATHS:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def require_chromium() -> str:
    """The path of Chromium; skipped (failed on CI) when there is none."""
    path = find_chromium()
    if path is not None:
        return path
    override = os.environ.get("GLOSSATOR_CHROMIUM")
    if override:
        unavailable(f"GLOSSATOR_CHROMIUM={override} is not an executable file: point it at "
                    f"a Chromium, or unset it and run `{PROVISION}` to install Debian's")
    unavailable(f"Chromium is not installed ({CHROMIUM_PATHS[0]}): run `{PROVISION}`")


def cache_dir() -> Path:
    """Where ``tools/provision-tests.sh`` keeps test tools (``~/.cache/glossator-tests``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "glossator-tests"


def axe_path() -> Path:
    """Where ``axe.min.js`` is expected: ``GLOSSATOR_AXE``, else the provisioned cache."""
    override = os.environ.get("GLOSSATOR_AXE")
    if override:
        return Path(override)
    return cache_dir() / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def find_axe() -> Path | None:
    """The path of ``axe.min.js`` (axe-core 4), or None."""
    path = axe_path()
    return path if path.is_file() else None


def require_axe() -> Path:
    """The path of ``axe.min.js``; skipped (failed on CI) when it is missing."""
    path = find_axe()
    if path is not None:
        return path
    if os.environ.get("GLOSSATOR_AXE"):
        unavailable(f"GLOSSATOR_AXE={axe_path()} is not a file: point it at axe.min.js, or "
                    f"unset it and run `{PROVISION}`")
    unavailable(f"axe-core is not installed ({axe_path()}): run `{PROVISION}`")
