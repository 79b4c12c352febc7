"""The command line in the tests: the types of the ``cli`` and ``write`` fixtures of
``conftest.py``, and the parsers of the subcommands.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class CliResult:
    """What one run of ``glossator.cli.main`` produced."""

    code: int
    out: str
    err: str


#: The ``write`` fixture: ``write(name, content)`` writes ``tmp_path / name``, returns it.
WriteFile = Callable[[str, str | bytes], Path]


class RunCli(Protocol):
    """The ``cli`` fixture: ``cli(*argv, stdin=None)`` runs ``glossator ARGV`` in-process."""

    def __call__(self, *argv: str, stdin: bytes | None = None) -> CliResult: ...


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """The parsers of the ``glossator`` subcommands, by name (argparse's one private name)."""
    from glossator.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)
