"""Types of page mode's tokenizer loop (``_pagescan.c``); see that file and
``glossator.documents.html._Scanner._scan_native``."""

from collections.abc import Callable
from typing import Any

ABI: int

def scan(
    scanner: Any, source: str, inline: set[str], foreign: set[str], special: set[str],
    bare: dict[str, int], close_same: set[str], void: set[str], no_attrs: dict[str, str],
    decode: Callable[[str, int, int], tuple[str, list[Any]]], run_class: type[Any],
    exact: tuple[str, ...], folded: tuple[str, ...], all_relevant: bool, root_none: bool,
) -> int: ...

def may_contain(source: str, needle: str) -> bool: ...
