"""The C scanner (``glossator.matching._scan``), found and checked once.

``GLOSSATOR_PURE_PYTHON=1`` turns it off; a module built from other sources (a stale
build next to newer sources) is refused with a warning. Without it, the pure-Python
scanner of :mod:`glossator.matching.scan` gives the same matches.
"""
from __future__ import annotations

import os
from array import array
from collections.abc import Iterable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["ACCELERATOR", "SCAN_ABI", "pack_bytes", "pack_offsets"]

#: The interface version of ``glossator._scan`` these sources expect (``SCAN_ABI`` there).
SCAN_ABI = 8


def _accelerator() -> Any:
    """The C scanner (``glossator._scan``), or ``None``: not built, built from other
    sources (a stale module: warned about), or turned off with ``GLOSSATOR_PURE_PYTHON=1``.
    The pure-Python scanner gives the same matches."""
    if os.environ.get("GLOSSATOR_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        from glossator.matching import _scan
    except ImportError:
        return None
    if getattr(_scan, "ABI", None) != SCAN_ABI:
        import warnings

        warnings.warn("glossator's C scanner was built from other sources and is not used; "
                      "reinstall glossator to rebuild it", RuntimeWarning, stacklevel=2)
        return None
    return _scan


#: The compiled scanner module, or ``None``; read when a matcher is built.
ACCELERATOR: Any = _accelerator()


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
