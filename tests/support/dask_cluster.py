"""A real Dask cluster for the tests: ``distributed.LocalCluster`` with worker processes.

Dask and distributed are in the ``test`` extra (``pip install -e '.[test]'``, which CI
runs): a developer's machine without them skips the Dask tests with a message saying so;
CI (``CI=true``) fails instead, since a green run must not hide tests that did not run.

The functions below run *on the workers* (``client.run``) or are pickled to them by
reference: the worker processes are spawned with the test process's ``sys.path``, so they
import this module as the tests do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

from glossator.documents.read import Document
from glossator.runner import DocumentJob

from .browser import on_ci

#: What installs Dask for the tests.
INSTALL = "pip install -e '.[test]' (or 'glossator[dask]')"


def require_dask() -> None:
    """Skip (fail on CI) when dask or distributed cannot be imported."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        reason = f"Dask tests need dask and distributed ({exc}): {INSTALL}"
        if on_ci():
            pytest.fail(f"Dask tests cannot run on CI: {reason}", pytrace=False)
        pytest.skip(reason)


#: The number of matchers compiled in this process since :func:`count_compilations`.
_COMPILED = [0]


def count_compilations() -> None:
    """From now on, count the matchers this process compiles (run on each worker)."""
    import importlib

    # the module: glossator's package exports a function of the same name
    annotate: Any = importlib.import_module("glossator.annotate")
    original = getattr(annotate, "_uncounted_matcher", annotate.Matcher)

    def counting(*args: Any, **kwargs: Any) -> Any:
        _COMPILED[0] += 1
        return original(*args, **kwargs)

    annotate._uncounted_matcher = original
    annotate.Matcher = counting
    _COMPILED[0] = 0


def compilations() -> int:
    """How many matchers this process compiled since :func:`count_compilations`."""
    return _COMPILED[0]


def process_id() -> int:
    """The worker's process id."""
    return os.getpid()


@dataclass
class DyingJob(DocumentJob):
    """A job whose worker process dies (``os._exit``) the first time it renders the
    document named ``victim``, leaving ``marker`` behind: the next attempt renders it."""

    victim: str = ""
    marker: str = ""

    def render(self, doc: Document, prefix: str = "", number: int = 1) -> str:
        """Die on the first attempt at the victim; otherwise render as usual."""
        if doc.name == self.victim and not os.path.exists(self.marker):
            with open(self.marker, "w", encoding="utf-8") as out:
                out.write(str(os.getpid()))
            os._exit(1)
        return super().render(doc, prefix, number)
