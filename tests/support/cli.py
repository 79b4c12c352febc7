"""The types of the command-line fixtures of ``conftest.py`` (``cli`` and ``write``)."""

from __future__ import annotations

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
