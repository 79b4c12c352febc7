"""The UTF-8 of a text already at hand, so that it is not encoded again.

A document read from a UTF-8 file was those bytes before it was decoded. The scanner
works on UTF-8, and JSON output writes the whole text again: both would otherwise
encode the ``str`` once more (about 3 ms for each 4 MB). The command that read the bytes
says so for the time it annotates and writes that document::

    with known_utf8(doc.text, doc.utf8):
        ...  # annotate doc.text, write the output

and :func:`utf8_of` gives them back for that very ``str`` object (identity, not
equality: nothing is compared), in that thread or task only (a context variable).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["known_utf8", "utf8_of"]

_KNOWN: ContextVar[tuple[str, bytes] | None] = ContextVar("glossator_known_utf8",
                                                           default=None)


@contextmanager
def known_utf8(text: str, data: bytes | None) -> Iterator[None]:
    """Within the block, :func:`utf8_of` ``text`` is ``data``, which must be exactly
    ``text.encode("utf-8")`` (``None``: nothing is known)."""
    if data is None:
        yield
        return
    token = _KNOWN.set((text, data))
    try:
        yield
    finally:
        _KNOWN.reset(token)


def utf8_of(text: str) -> bytes | None:
    """``text``'s UTF-8 if :func:`known_utf8` gave it for this very object, else
    ``None``."""
    known = _KNOWN.get()
    return known[1] if known is not None and known[0] is text else None
