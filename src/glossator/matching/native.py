"""The C scanner (``glossator.matching._scan``), found and checked once.

``GLOSSATOR_PURE_PYTHON=1`` turns it off; a module built from other sources (a stale
build next to newer sources) is refused with a warning. Without it, the pure-Python
scanner of :mod:`glossator.matching.scan` gives the same matches.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable

from .._native import load_native

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["ACCELERATOR", "SCAN_ABI", "pack_bytes", "pack_offsets"]

#: The interface version of ``glossator._scan`` these sources expect (``SCAN_ABI`` there).
SCAN_ABI = 14  # 13: gather, group, shift_spans, load_row; keep() asks learn for ways;
# 14: keep()'s fifth column, load_rows, crc32c


#: The compiled scanner module, or ``None``; read when a matcher is built.
ACCELERATOR: Any = load_native("glossator.matching._scan", SCAN_ABI, "C scanner")


def pack_offsets(sizes: Iterable[int]) -> bytes:
    """The int64 offsets (from 0) of items of ``sizes`` laid end to end, as the C scanner
    and the cache files read them."""
    offsets = array("q", [0])
    total = 0
    for size in sizes:
        total += size
        offsets.append(total)
    return offsets.tobytes()


def pack_bytes(items: Iterable[bytes | None]) -> tuple[bytes, bytes]:
    """Byte strings end to end, and the int64 offsets between them (``None`` as empty)."""
    parts = [item or b"" for item in items]
    return b"".join(parts), pack_offsets(map(len, parts))
