"""The parser class of ``glossator`` and its commands: argparse, with usage errors as one
line. A module of its own so that argparse is imported only when a parser is built (the
common ``glossator annotate FILE...`` is read without one: :func:`.annotate.plain_args`).
"""

from __future__ import annotations

import argparse
import os
import sys

from .common import EXIT_USAGE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

    from _typeshed import SupportsWrite

__all__ = ["Parser"]


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``message`` as one line and exit with the usage error code."""
        from ..text.inert import terminal_safe

        self.exit(EXIT_USAGE, f"glossator: error: {terminal_safe(message, newlines=False)} "
                  f"(see '{self.prog} --help')\n")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse drops an OSError here: `glossator --help > /dev/full` wrote nothing
        # and exited 0; the error now reaches main, which says it (exit 1)
        if message:
            (file or sys.stderr).write(message)

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every option it adds, and one without a width
        # imports shutil (and with it bz2, lzma, fnmatch…) to ask for the terminal's:
        # the same width, found without it
        return self.formatter_class(prog=self.prog, width=_columns() - 2)  # type: ignore[call-arg]


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size().columns`` gives it: $COLUMNS,
    else standard output's terminal, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80
