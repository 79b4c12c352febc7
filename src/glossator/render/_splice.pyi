"""Types of the C renderer loop (``_splice.c``); see that file for what each function
does. ``starts``, ``ends`` and ``keys`` are int64 buffers (``array("q")``) of one length.
Given a ``sink``, a ``render_*`` function hands it the output's UTF-8 ``chunk`` bytes at a
time (``0``: 256 KiB) and returns the number of bytes written, instead of a str."""

from collections.abc import Callable, Sequence
from typing import Any

from typing_extensions import Buffer

from glossator.model import Entry

ABI: int

def spans(annotations: object) -> tuple[bytes, bytes, bytes, list[Entry], bytes]: ...
def render_text(text: str, starts: Buffer, ends: Buffer, keys: Buffer,
                pieces: list[str], *, sink: Callable[[bytes], object] | None = None,
                chunk: int = 0) -> str | int: ...
def render_html(text: str, starts: Buffer, ends: Buffer, keys: Buffer,
                openings: list[tuple[str, ...] | bytes],
                closings: list[tuple[str, ...] | None], id_prefix: str, *,
                sink: Callable[[bytes], object] | None = None,
                chunk: int = 0) -> str | int: ...
def render_json(text: str, starts: Buffer, ends: Buffer, keys: Buffer, pieces: list[str],
                sep: str, field: str, head: str, middle: str, tail: str, *,
                sink: Callable[[bytes], object] | None = None,
                chunk: int = 0) -> str | int: ...
def group(text: str, annotations: object, starts: Buffer, ends: Buffer, entries: Buffer,
          names: tuple[str, ...]) -> tuple[bytes, list[int]] | None: ...
def number(values: Buffer) -> tuple[bytearray, bytes]: ...
def distinct(text: str, starts: Buffer, ends: Buffer, keys: Buffer, which: Buffer,
             base: int, /) -> bytes: ...
def pick(text: str, starts: Buffer, ends: Buffer, groups: Buffer, group_keys: Buffer,
         checks: list[str | bool | None], *, out: Buffer | None = None,
         cases: int = -1) -> tuple[bytearray | Buffer, bytes] | tuple[
             bytearray | Buffer, bytes, bytes]: ...
def template(layout: int, id: str, title: str, definition: str | tuple[str, str],
             surface: str | None, href: str | None, url: str | None, source: str | None,
             rich: bool, judged: bool = False, utf8: bool = False, /,
             ) -> tuple[tuple[str, ...], tuple[str, ...]] | bytes | None: ...
def expansion(title: str, definition: str, /) -> str | None: ...
def expansions(firsts: Buffer, codes: Buffer, entries: Buffer, built: dict[int, Any],
               table: Any, keys: list[str], rows: Sequence[tuple[Any, ...]],
               forms: Sequence[Any], /) -> list[str | None]: ...
def templates(layout: int, rich: bool, firsts: Buffer, codes: Buffer, entries: Buffer,
              built: dict[int, Any], table: Any, keys: list[str],
              rows: Sequence[tuple[Any, ...]], forms: Sequence[Any],
              memo: dict[Any, Any], limit: int, utf8: bool = False, /,
              ) -> tuple[list[Any], list[Any], list[int]]: ...
def json_pieces(firsts: Buffer, codes: Buffer, entries: Buffer,
                by_code: dict[int, tuple[int, str, str, str | bool | None]],
                by_entry: dict[int, str], limit: int, built: dict[int, Any], table: Any,
                keys: list[str],
                rows: Sequence[tuple[Any, ...]] | dict[int, tuple[Any, ...]],
                forms: Sequence[Any] | dict[int, Any], field: str,
                how_is: str, ends: tuple[str, str], plain: tuple[str, str], fold: bool, /,
                ) -> tuple[list[str], list[str | bool | None],
                           list[tuple[int, str, str, str | bool | None]]]: ...
