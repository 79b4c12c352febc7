"""Types of the C renderer loop (``_splice.c``); see that file for what each function
does. ``starts``, ``ends`` and ``keys`` are int64 buffers (``array("q")``) of one length."""

from typing_extensions import Buffer

from glossator.model import Entry

ABI: int

def spans(annotations: object) -> tuple[bytes, bytes, bytes, list[Entry], bytes]: ...
def render_text(text: str, starts: Buffer, ends: Buffer, keys: Buffer,
                pieces: list[str]) -> str: ...
def render_html(text: str, starts: Buffer, ends: Buffer, keys: Buffer,
                openings: list[tuple[str, ...]], closings: list[tuple[str, ...]],
                id_prefix: str) -> str: ...
def render_json(text: str, starts: Buffer, ends: Buffer, keys: Buffer, pieces: list[str],
                sep: str, field: str, head: str, middle: str, tail: str) -> str: ...
def group(text: str, annotations: object, starts: Buffer, ends: Buffer, entries: Buffer,
          names: tuple[str, ...]) -> tuple[bytes, list[int]] | None: ...
