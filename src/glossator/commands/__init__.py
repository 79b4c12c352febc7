"""Subcommands that live in their own modules.

Each module here is found by :func:`glossator.cli.main` at start-up and must define

- ``register(sub)``: add its parser to the ``argparse`` sub-parsers ``sub`` and call
  ``parser.set_defaults(run=run)``;
- ``run(args) -> int``: do the work and return the exit code (``glossator.cli.EXIT_*``).

Keep the module import light (the parser is built on every run): import heavy libraries
inside ``run``. Raise :class:`glossator.errors.GlossatorError` subclasses for bad input and
usage errors; ``main`` turns them into one line on stderr and the right exit code.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType

__all__ = ["command_modules"]


def command_modules() -> Iterator[ModuleType]:
    """The command modules of this package, in name order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{__name__}.{info.name}")
