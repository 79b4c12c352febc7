"""What the browser tests need, installed on first use: Debian's Chromium and axe-core.

Playwright's own browser download does not work on the project's machines (no internet
besides the package registries), so the tests drive Debian's ``chromium`` package. As
root with ``apt-get`` it is installed when missing; axe-core comes from the npm registry
into a cache folder reused by later runs.

When something cannot be had, the tests are skipped on a developer's machine and fail on
CI (``CI=true``): a green CI must not hide browser tests that did not run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import pytest

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

AXE_VERSION = "4"
APT_TIMEOUT = 15 * 60
NPM_TIMEOUT = 5 * 60


def on_ci() -> bool:
    """Whether the tests run on CI, where a missing tool is an error, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Fail on CI, skip elsewhere: ``reason`` says what is missing and how to get it."""
    if on_ci():
        pytest.fail(f"browser tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _run(argv: Sequence[str], timeout: float) -> subprocess.CompletedProcess[str] | str:
    """Run ``argv``; the completed process, or a message if it could not finish."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        return subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout, env=env,
            stdin=subprocess.DEVNULL, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        return f"`{' '.join(argv)}` did not finish in {timeout:.0f} s: {_tail(exc.stdout)}"
    except OSError as exc:
        return f"`{' '.join(argv)}` could not start: {exc}"


def _tail(output: str | bytes | None, lines: int = 40) -> str:
    if isinstance(output, bytes):
        output = output.decode("utf-8", "replace")
    return "\n".join((output or "").splitlines()[-lines:])


def _failed(argv: Sequence[str], result: subprocess.CompletedProcess[str] | str) -> str | None:
    """None if ``result`` succeeded, else what went wrong with its captured output."""
    if isinstance(result, str):
        return result
    if result.returncode == 0:
        return None
    return (f"`{' '.join(argv)}` exited with {result.returncode}:\n"
            f"{_tail(result.stdout)}\n{_tail(result.stderr)}")


def find_chromium() -> str | None:
    """The path of an installed Chromium, or None."""
    for path in CHROMIUM_PATHS:
        if os.access(path, os.X_OK):
            return path
    return None


def ensure_chromium() -> str:
    """The path of Chromium, installed with apt-get (as root) when missing."""
    path = find_chromium()
    if path:
        return path
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        unavailable("Chromium is not installed (/usr/bin/chromium) and the tests do not run "
                    "as root to install it: run `apt-get install chromium`")
    if shutil.which("apt-get") is None:
        unavailable("Chromium is not installed (/usr/bin/chromium) and there is no apt-get "
                    "to install it: install Debian's or your system's chromium package")
    for argv in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        problem = _failed(argv, _run(argv, APT_TIMEOUT))
        if problem:
            unavailable(f"could not install Chromium: {problem}")
    path = find_chromium()
    if path is None:
        unavailable("`apt-get install chromium` succeeded but /usr/bin/chromium is missing")
    return path


def cache_dir() -> Path:
    """Where downloaded test tools are kept between runs (``~/.cache/glossator-tests``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "glossator-tests"


def ensure_axe(folder: Path | None = None) -> Path:
    """The path of ``axe.min.js``, installed with npm into ``folder`` when missing."""
    folder = folder or cache_dir() / "axe"
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if script.is_file():
        return script
    npm = shutil.which("npm")
    if npm is None:
        unavailable("npm is not installed, so axe-core cannot be fetched: install Node.js "
                    "and npm (Debian: `apt-get install npm`)")
    folder.mkdir(parents=True, exist_ok=True)
    argv = [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund",
            "--loglevel=error", f"axe-core@{AXE_VERSION}"]
    problem = _failed(argv, _run(argv, NPM_TIMEOUT))
    if problem:
        unavailable(f"could not install axe-core: {problem}")
    if not script.is_file():
        unavailable(f"npm installed axe-core but {script} is missing")
    return script
