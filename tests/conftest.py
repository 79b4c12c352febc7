"""Shared fixtures: small files in tmp_path, the CLI run in-process.

Their types (``WriteFile``, ``RunCli``, ``CliResult``) are in :mod:`support.cli`, for the
tests to annotate their parameters with; helpers that are not fixtures are in
:mod:`support`.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

from support.cli import CliResult, RunCli, WriteFile

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPO_ROOT / "examples"
BUNDLED_GLOSSARY = REPO_ROOT / "glossaries" / "ess-fr.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden", action="store_true",
        help="rewrite the expected outputs of tests/golden from the current output "
        "(the same as GLOSSATOR_REGEN_GOLDEN=1); read the diff before committing",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--regen-golden"):
        os.environ["GLOSSATOR_REGEN_GOLDEN"] = "1"
    # `glossator annotate` keeps the bundled glossary compiled in $XDG_CACHE_HOME (the
    # provisioning script's files are there too): the tests leave the home's cache alone,
    # and tests/test_startup.py tries the cache in folders of its own
    os.environ["GLOSSATOR_NO_CACHE"] = "1"


@pytest.fixture
def write(tmp_path: Path) -> WriteFile:
    """Write ``content`` (text as UTF-8, or bytes as they are) to ``tmp_path / name``."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> RunCli:
    """Run ``glossator ARGV`` in-process from ``tmp_path``; ``stdin`` (bytes) feeds ``-``.

    argparse exits with ``SystemExit`` for ``--help``, ``--version`` and bad options: its
    code is returned like the return value of ``main``.
    """
    from glossator.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)

    def _run(*argv: str, stdin: bytes | None = None) -> CliResult:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(stdin)))
        capsys.readouterr()  # drop anything printed before this run
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return _run


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (see :mod:`support.browser`), one for the whole session:
    Playwright's sync API cannot start a second instance while one runs, so every browser
    test (test_browser.py, test_serve_browser.py) shares this one."""
    from playwright.sync_api import sync_playwright

    from support.browser import CHROMIUM_ARGS, require_chromium

    executable = require_chromium()
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
