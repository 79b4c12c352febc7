"""Types of page mode's tokenizer loop (``_pagescan.c``); see that file and
``glossator.documents.html._Scanner._scan_native``."""

from collections.abc import Callable
from typing import Any

ABI: int
DEEP: int

def scan(
    scanner: Any, source: str, inline: set[str], foreign: set[str], special: set[str],
    bare: dict[str, int], close_same: set[str], void: set[str], headings: set[str],
    sections: set[str], no_attrs: dict[str, str],
    decode: Callable[[str, int, int], tuple[str, list[Any]]], cols: Any,
    counted: bytearray, joined: bytearray, segs: dict[int, Any], leads: dict[int, Any],
    trails: dict[int, Any],
    exact: tuple[str, ...], folded: tuple[str, ...], all_relevant: bool, root_none: bool,
) -> int: ...

def may_contain(source: str, needle: str) -> bool: ...

def sources(
    starts: Any, ends: Any, run_starts: Any, run_ends: Any, run_shifts: Any, across: Any,
) -> tuple[bytes, list[int]]: ...

def splice(
    html: str, text: str, starts: Any, ends: Any, entries: Any, sources: Any,
    fixed: dict[int, tuple[int, int, str] | None], templates: dict[Any, Any], table: Any,
    miss: Callable[[int, str], tuple[object, tuple[str, ...] | None, tuple[str, ...]]],
    counter: int, prefix: str,
) -> str | None: ...

def crossing(packed: Any, bases: Any, shifts: Any, jstarts: Any) -> list[
    tuple[int, int, int, bool]]: ...
