"""After a run that regenerated the golden files, list the cases whose output changed."""

from __future__ import annotations

import sys

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from support.golden import regen_requested

    module = sys.modules.get("test_golden")
    if module is None or not regen_requested():
        return
    changed: list[str] = module.CHANGED
    reporter = terminalreporter
    reporter.section("golden files regenerated")
    if not changed:
        reporter.write_line("no expected output changed")
        return
    files = sorted({line.split(":", 1)[0] for line in changed})
    reporter.write_line(f"{len(changed)} case(s) rewritten in {', '.join(files)}:")
    for line in changed:
        reporter.write_line(f"  {line}")
    reporter.write_line("read the diff (git diff tests/golden) before committing")
