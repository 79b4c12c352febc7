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
    from ..model import AnnotatedText, Annotation

__all__ = ["count", "count_text", "counting", "current"]

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


def count_text(doc: AnnotatedText) -> None:
    """:func:`count` of ``doc``'s annotations; those of a
    :class:`~glossator.kept.KeptText` are counted from its arrays, not built."""
    tally = _TALLY.get()
    if tally is None:
        return
    from ..kept import KeptText

    if not isinstance(doc, KeptText) or doc.choices:
        count(doc.annotations)
        return
    per_entry: dict[int, int] = {}
    for e in doc.entries:
        per_entry[e] = per_entry.get(e, 0) + 1
    table = doc.entry_table
    for e, n in per_entry.items():
        key = table[e].id
        tally[key] = tally.get(key, 0) + n
