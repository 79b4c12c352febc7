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

__all__ = ["ACCELERATOR", "SCAN_ABI", "gather", "group", "pack_bytes", "pack_offsets"]

#: The interface version of ``glossator._scan`` these sources expect (``SCAN_ABI`` there).
SCAN_ABI = 15  # 13: gather, group, shift_spans, load_row; keep() asks learn for ways;
# 14: keep()'s fifth column, load_rows, crc32c; 15: restore()'s extras


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


def gather(values: Any, index: Any) -> array[int]:
    """``values[i]`` for each ``i`` of ``index`` (4-byte integers), in C where built
    (``_scan.gather``: a Python map took 15 ms a table at 100 000 entries)."""
    if ACCELERATOR is None:
        return array("i", map(values.__getitem__, index))
    out = array("i", [0]) * len(index)
    ACCELERATOR.gather(out, values, index)
    return out


def group(keys: array[int], n: int) -> tuple[array[int], array[int]]:
    """The positions of ``keys`` (each in ``[0, n)``) grouped by key: where each key's
    run starts (``n + 1`` int64) and the runs (positions rising within a run); a
    counting sort, in C where built (``_scan.group``)."""
    at = array("q", [0]) * (n + 1)
    if ACCELERATOR is None:
        for k in keys:
            at[k + 1] += 1
        for i in range(n):
            at[i + 1] += at[i]
        return at, array("i", sorted(range(len(keys)), key=keys.__getitem__))
    order = array("i", [0]) * len(keys)
    ACCELERATOR.group(keys, at, order)
    return at, order
