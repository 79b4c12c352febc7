"""The UTF-8 of a text already at hand, so that the scanner need not encode it again.

A document read from a UTF-8 file was those bytes before it was decoded, and the
scanner works on UTF-8: encoding the ``str`` once more costs about 3 ms for each 4 MB.
The command that read the bytes hands them over for the time it annotates that
document::

    with known_utf8(doc.text, doc.take_utf8()):
        ...  # annotate doc.text

and the scanner takes them (:func:`take_utf8`) for that very ``str`` object (identity,
not equality: nothing is compared), in that thread or task only (a context variable).
They are taken once: from then on only the scanner holds them, and they are freed when
its scan ends, not kept as long as the text (a large file's bytes, beside the arrays of
its matches, would raise the peak memory of the whole command).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["known_utf8", "take_utf8"]

_KNOWN: ContextVar[tuple[str, bytes] | None] = ContextVar("glossator_known_utf8",
                                                           default=None)


@contextmanager
def known_utf8(text: str, data: bytes | None) -> Iterator[None]:
    """Within the block, :func:`take_utf8` of ``text`` gives ``data`` (once), which must be
    exactly ``text.encode("utf-8")`` (``None``: nothing is known)."""
    if data is None:
        yield
        return
    token = _KNOWN.set((text, data))
    del data  # (the context variable alone holds them, until they are taken)
    try:
        yield
    finally:
        _KNOWN.reset(token)


def take_utf8(text: str) -> bytes | None:
    """``text``'s UTF-8 if :func:`known_utf8` gave it for this very object and it was not
    taken yet, else ``None``."""
    known = _KNOWN.get()
    if known is None or known[0] is not text:
        return None
    _KNOWN.set(None)
    return known[1]
