"""The ``glossator`` command: a thin layer over the library.

Each command lives in a module of this package and registers itself
(``register(sub)`` adds its parser and sets its ``run``); :data:`COMMANDS` lists them in
the order ``glossator --help`` shows them. Exit codes: 0 success; 1 bad input (a glossary
or document that cannot be used); 2 usage error (unknown option or format). Errors are one
line on stderr, never a traceback.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import warnings
from collections.abc import Callable, Sequence

from .._version import __version__
from ..errors import GlossatorError, GlossatorWarning, UsageError
from ..model import GlossaryProblems
from .common import EXIT_INPUT, EXIT_OK, EXIT_USAGE, print_warnings, say

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import TextIO

__all__ = ["COMMANDS", "build_parser", "main"]

#: The modules of the commands, in the order of ``glossator --help``.
COMMANDS = ("annotate", "explain", "assets", "check", "convert", "index", "strip",
            "suggest", "serve")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``glossator`` and of every command (each module adds its own);
    ``only``: of that command alone (its module is the only one imported)."""
    from .parser import Parser

    parser = Parser(
        prog="glossator",
        description="Find French jargon in text and attach glossary definitions.",
        epilog="Exit codes: 0 ok, 1 bad input (glossary or document), 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"glossator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in (only,) if only in COMMANDS else COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def _show_warning(message: Warning | str, category: type[Warning], filename: str,
                  lineno: int, file: TextIO | None = None, line: str | None = None) -> None:
    """Print a :class:`GlossatorWarning` as one ``glossator: warning:`` line (a damaged
    cache file removed…); any other warning as Python prints it."""
    if issubclass(category, GlossatorWarning):
        print(f"glossator: warning: {message}", file=file or sys.stderr)
    else:
        _PYTHON_SHOWWARNING(message, category, filename, lineno, file, line)


_PYTHON_SHOWWARNING = warnings.showwarning


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    words = sys.argv[1:] if argv is None else list(argv)
    try:
        try:
            args = _parsed(words)
        except SystemExit as done:  # --help, --version (to stdout), or a usage error
            if done.code == 0:
                sys.stdout.flush()  # (what could not be written raises here)
            raise
    except BrokenPipeError:  # (`--help | head -1`: quietly, as below)
        _stdout_to_devnull()
        return EXIT_OK
    except OSError as exc:  # `--help > /dev/full` exited 0, with nothing written
        say("error", f"standard output: {exc.strerror or exc}")
        _stdout_to_devnull()
        return EXIT_INPUT
    if args is None:
        return EXIT_USAGE
    args.gc_state = (gc.isenabled(), argv is None)
    gc.disable()  # until the glossary is loaded (common.loaded)
    try:
        run: Callable[[argparse.Namespace], int] = args.run
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return run(args)
    except UsageError as exc:
        say("error", exc)
        return EXIT_USAGE
    except GlossaryProblems as exc:  # every problem of the glossary, one line each
        print_warnings(exc.diagnostics, verbose=getattr(args, "verbose", False))
        return EXIT_INPUT
    except GlossatorError as exc:
        say("error", exc)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly, like other Unix tools
        _stdout_to_devnull()
        return EXIT_OK
    except OSError as exc:
        # what no command turned into a message of its own: writing standard output
        # failed (a full disk, `> /dev/full`, an I/O error), which names no file
        say("error", f"{exc.filename or 'standard output'}: {exc.strerror or exc}")
        _stdout_to_devnull()  # (what is left in its buffer is not written again at exit)
        return EXIT_INPUT
    finally:
        if args.gc_state[0]:
            gc.enable()


def _parsed(words: list[str]) -> argparse.Namespace | None:
    """The command line's arguments, or ``None`` (the help printed) without a command."""
    args = _plain_annotate(words)
    if args is None:
        # `glossator annotate …` needs the parser of annotate alone: the other commands'
        # modules (and what they import) stay unloaded; anything else gets them all
        parser = build_parser(words[0] if words else None)
        args = parser.parse_args(words)
        if args.command is None:
            parser.print_help(sys.stderr)
            return None
    return args


def _stdout_to_devnull() -> None:
    """Point standard output at ``os.devnull``, so that the interpreter's last flush of
    what could not be written fails no more (and prints no second error)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # (no file descriptor: a replaced sys.stdout)
        pass


def _plain_annotate(words: list[str]) -> argparse.Namespace | None:
    """The options of ``glossator annotate [FILE...]``, with at most ``-f FORMAT`` before
    or after the files (the most common commands), read without argparse and without
    building the parser (a large share of a small run); ``None`` for any other command
    line."""
    if not words or words[0] != "annotate":
        return None
    rest, fmt = words[1:], None
    for at in (0, len(rest) - 2):  # -f FORMAT first or last, as argparse takes it
        if len(rest) >= 2 and at >= 0 and rest[at] in ("-f", "--format") and (
                not rest[at + 1].startswith("-")):
            fmt = rest[at + 1]
            rest = rest[:at] + rest[at + 2:]
            break
    if any(word.startswith("-") and word != "-" for word in rest):
        return None  # another option, or --: argparse reads it
    from .annotate import plain_args

    return plain_args(rest, fmt)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
