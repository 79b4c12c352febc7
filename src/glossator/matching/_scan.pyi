"""Types of the C scanner (``_scan.c``); see that file for what each function does."""

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from typing_extensions import Buffer

ABI: int
#: 1 where prepare() folds and finds its stops sixteen bytes at a time (SSE2, checked
#: at import against the tables)
FOLD_VECTOR: int
STOP_VECTOR: int

class Trie:
    """The compiled patterns, walked from every space of a folded text."""

    nodes: ClassVar[int]
    def __init__(
        self, patterns: list[bytes], fast: Buffer, modes: Buffer, exact: Buffer,
        exact_at: Buffer, inside_word: Callable[[bytes, bytes, int], bool],
    ) -> None: ...
    def scan(
        self, hay: bytes, raw: bytes, pos: int, stop: int, out: bytearray
    ) -> tuple[int, int, list[tuple[int, int]] | None]: ...
    def to_bytes(self) -> bytes: ...
    @classmethod
    def from_bytes(
        cls, state: Buffer, fast: Buffer, modes: Buffer, exact: Buffer, exact_at: Buffer,
        inside_word: Callable[[bytes, bytes, int], bool],
    ) -> Trie: ...

def edits(raw: bytes, runs: bool) -> tuple[bytes, bytes, bytes] | None: ...
def prepare(
    raw: bytes, runs: bool, max_suspects: int
) -> tuple[bytes, bytes, bytes | None, bytes | None, list[int]]: ...
def mapped(
    raw: bytes, found: Buffer, news: Buffer, olds: Buffer, state: list[int], base: int,
    ids: tuple[str, ...] | None = ..., skip: Buffer | None = ...,
) -> list[Any]: ...
def restore(
    cls: type, rows: Sequence[tuple[Any, ...]], field: int = ..., inner: type | None = ...,
    at: int = ..., extras: Sequence[Any] | None = ...,
) -> tuple[Any, ...]: ...
def in_bounds(data: Buffer, itemsize: int, lo: int, hi: int, rising: bool) -> bool: ...
def gather(out: Buffer, values: Buffer, index: Buffer, /) -> None: ...
def shift_spans(triples: Buffer, delta: int, /) -> None: ...
def crc32c(data: Buffer, crc: int = 0, hardware: bool = True, /) -> int: ...
def crc32c_hardware() -> bool: ...
def load_rows(blob: Buffer, offsets: Buffer, indices: Buffer, width: int,
              kinds: tuple[type | tuple[type, ...], ...] | None, max_depth: int,
              expansion: int, /) -> list[tuple[Any, ...]] | None: ...
def load_row(blob: Buffer, offsets: Buffer, index: int, width: int,
             kinds: tuple[type | tuple[type, ...], ...] | None, max_depth: int,
             expansion: int, /) -> tuple[Any, ...] | None: ...
def group(keys: Buffer, at: Buffer, order: Buffer, /) -> None: ...
def packed_spans(
    raw: bytes, found: Buffer, news: Buffer, olds: Buffer, state: list[int], base: int,
    skip: Buffer | None, out: bytearray,
) -> None: ...
def keep(found: Buffer, ctx: tuple[Any, ...], out: tuple[bytearray, ...]) -> None: ...
