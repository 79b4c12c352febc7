"""Reading a file's bytes and decoding them, for documents and glossaries alike: one
message per problem, naming the file (and the line where decoding fails)."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from .errors import GlossatorError, InputError, UsageError

__all__ = ["decode_text", "read_bytes", "wide_unicode"]


def decode_text(
    data: bytes, name: str, encoding: str | None, *, error: type[GlossatorError],
    binary: str, hint: str, binary_hint: str | None = None, option: str = "--encoding",
) -> str:
    """Decode a text file (documents and glossaries alike), or raise ``error`` saying why.

    ``encoding`` ``None`` means UTF-8. A BOM is dropped. NUL bytes mean binary data
    (``binary`` is the message), except in UTF-16/32 where every character has some: a
    file in UTF-16 or UTF-32 read as another encoding is named as such, with the
    ``option`` that reads it. A byte that does not decode is named with its line, column
    and byte offset.
    """
    codec = "utf-8" if encoding is None else _text_codec(encoding)
    label = "UTF-8" if codec == "utf-8" else codec
    if b"\x00" in data[:65536] and not codec.startswith(("utf-16", "utf-32")):
        wide = wide_unicode(data)
        if wide is not None:
            raise error(f"this file is in {wide[0]}, not {label}", file=name,
                        hint=f"read it with {option} {wide[1]}, or save it as UTF-8")
        raise error(binary, file=name, hint=binary_hint)
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _undecodable(exc, data, codec, label, name, error, hint) from None
    return text[1:] if text.startswith("\ufeff") else text


def _undecodable(
    exc: UnicodeDecodeError, data: bytes, codec: str, label: str, name: str,
    error: type[GlossatorError], hint: str,
) -> GlossatorError:
    """The error for a byte that does not decode: its line, column and byte offset, and
    how many more such bytes follow."""
    # count lines in the decoded prefix: in UTF-16/32 a b"\n" byte is not a line break
    before = data[: exc.start].decode(codec, errors="replace")
    line = before.count("\n") + 1
    column = len(before) - before.rfind("\n")
    rest = data[exc.end:].decode(codec, errors="replace").count("\ufffd")
    more = f"; {rest} more further on" if rest else ""
    return error(f"not valid {label}: byte 0x{data[exc.start]:02x} at column {column} "
                 f"(byte offset {exc.start}{more})", file=name, line=line, hint=hint)


#: BOMs of the wide Unicode encodings, longest first (UTF-32 LE starts like UTF-16 LE).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32", "utf-32"), (codecs.BOM_UTF32_BE, "UTF-32", "utf-32"),
    (codecs.BOM_UTF16_LE, "UTF-16", "utf-16"), (codecs.BOM_UTF16_BE, "UTF-16", "utf-16"),
)


def wide_unicode(data: bytes) -> tuple[str, str] | None:
    """``(name, codec)`` when ``data`` looks like UTF-16 or UTF-32 (by its BOM, or by
    where its NUL bytes fall), else ``None``."""
    for bom, label, codec in _WIDE_BOMS:
        if data.startswith(bom):
            return label, codec
    sample = data[:4096]
    if len(sample) < 4:
        return None

    def zeros(start: int, step: int) -> float:
        part = sample[start::step]
        return part.count(0) / len(part)

    for order, first in (("LE", 0), ("BE", 3)):  # mostly "X\0\0\0" (LE) or "\0\0\0X" (BE)
        others = [i for i in range(4) if i != first]
        if zeros(first, 4) < 0.5 and all(zeros(i, 4) > 0.9 for i in others):
            return f"UTF-32 ({order}, without BOM)", f"utf-32-{order.lower()}"
    for order, first in (("LE", 0), ("BE", 1)):
        if zeros(first, 2) < 0.5 and zeros(1 - first, 2) > 0.7:
            return f"UTF-16 ({order}, without BOM)", f"utf-16-{order.lower()}"
    return None


def _text_codec(encoding: str) -> str:
    """The canonical name of ``encoding`` (``utf_16`` → ``utf-16``); refuse unknown codecs.

    Codecs that do not decode bytes to text (``rot13``, ``base64``, ``zlib``…) are refused too:
    Python knows them but ``bytes.decode`` cannot use them.
    """
    hint = "use a Python codec name such as utf-8 or cp1252"
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"unknown encoding '{encoding}'", hint=hint) from None
    try:
        "".encode(encoding)  # LookupError for codecs that are not text encodings
    except LookupError:
        raise UsageError(f"'{encoding}' is not a text encoding", hint=hint) from None
    return info.name


def read_bytes(
    path: str | os.PathLike[str],
    *,
    limit: int,
    error: type[GlossatorError] = InputError,
    what: str = "file",
) -> bytes:
    """Read a whole file, turning every OS error into one ``error`` naming the file."""
    name = os.fspath(path)
    p = Path(name)
    try:
        if p.is_dir():
            raise error(f"is a directory, not a {what}", file=name,
                        hint="give the files inside it, e.g. DIR/*.txt")
        size = p.stat().st_size
        if size > limit:
            raise error(f"is too large ({size} bytes, at most {limit})", file=name,
                        hint="split it")
        return p.read_bytes()
    except FileNotFoundError:
        raise error(f"no such {what}", file=name) from None
    except PermissionError:
        raise error("permission denied", file=name) from None
    except IsADirectoryError:
        raise error(f"is a directory, not a {what}", file=name) from None
    except OSError as exc:  # a name too long, an I/O error…: one line, no traceback
        raise error(exc.strerror or "cannot be read", file=name) from None
