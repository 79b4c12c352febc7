"""Counting annotations per entry while documents are annotated, for a batch's summary
(:mod:`glossator.batch`): :func:`counting` opens a tally, and the paths that make
annotations (text documents in :mod:`glossator.runner`, pages in
:func:`glossator.documents.html.annotate_html`) add to it. Light: imported on every path."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

TYPE_CHECKING = False

if TYPE_CHECKING:
    from ..model import Annotation

__all__ = ["count", "counting", "current"]

_TALLY: ContextVar[dict[str, int] | None] = ContextVar("glossator_tally", default=None)


@contextmanager
def counting() -> Iterator[dict[str, int]]:
    """Count the annotations made while the block runs, per entry id."""
    tally: dict[str, int] = {}
    token = _TALLY.set(tally)
    try:
        yield tally
    finally:
        _TALLY.reset(token)


def current() -> dict[str, int] | None:
    """The tally of the :func:`counting` block running, if any."""
    return _TALLY.get()


def count(annotations: Iterable[Annotation]) -> None:
    """Add ``annotations`` to the tally of :func:`counting`, if one is running."""
    tally = _TALLY.get()
    if tally is not None:
        for ann in annotations:
            tally[ann.entry.id] = tally.get(ann.entry.id, 0) + 1
