"""Reading a file's bytes and decoding them, for documents and glossaries alike: one
message per problem, naming the file (and the line where decoding fails)."""

from __future__ import annotations

import codecs
import os
import stat

from .errors import GlossatorError, InputError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

__all__ = ["decode_text", "read_at_most", "read_bytes", "refuse_binary", "spelled", "suffix_of",
           "undecodable", "wide_unicode"]


def suffix_of(name: str) -> str:
    """``pathlib.Path(name).suffix`` without importing :mod:`pathlib` (start-up): the last
    part of the path from its last dot, unless that dot starts or ends it; ``""`` if
    none."""
    if os.altsep:
        name = name.replace(os.altsep, os.sep)
    parts = [part for part in name.split(os.sep) if part and part != "."]
    last = parts[-1] if parts else ""
    dot = last.rfind(".")
    return last[dot:] if 0 < dot < len(last) - 1 else ""


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
    refuse_binary(data, name, codec, error=error, binary=binary, binary_hint=binary_hint,
                  option=option)
    bom = 3 if codec == "utf-8" and data.startswith(codecs.BOM_UTF8) else 0
    data = data[bom:]
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:  # (its offset in the file: the BOM counted)
        rest = data[exc.end:].decode(codec, errors="replace").count("\ufffd")
        raise undecodable(exc, codec, name, error, hint, more=rest, offset=bom) from None
    return text[1:] if text.startswith("\ufeff") else text


def _label(codec: str) -> str:
    """How messages name ``codec`` (a canonical codec name)."""
    return "UTF-8" if codec == "utf-8" else codec


def spelled(option: str, encoding: str) -> str:
    """How a reader asks for ``encoding``: ``option`` and the encoding (``--encoding
    utf-16``), or ``option`` with the encoding in place of its ``{}`` (``charset=utf-16
    in the Content-Type``)."""
    return option.format(encoding) if "{}" in option else f"{option} {encoding}"


def refuse_binary(data: bytes, name: str, codec: str, *, error: type[GlossatorError],
                  binary: str, binary_hint: str | None = None,
                  option: str = "--encoding") -> None:
    """Raise ``error`` if the start of ``data``, to be read as ``codec`` (a canonical
    name), holds NUL bytes: a file in UTF-16 or UTF-32 named as such with the ``option``
    that reads it, anything else as binary (the ``binary`` message). Nothing in UTF-16
    or UTF-32, where every character has some."""
    if b"\x00" in data[:65536] and not codec.startswith(("utf-16", "utf-32")):
        wide = wide_unicode(data)
        if wide is not None:
            raise error(f"this file is in {wide[0]}, not {_label(codec)}", file=name,
                        hint=f"read it with {spelled(option, wide[1])}, or save it as UTF-8")
        raise error(binary, file=name, hint=binary_hint)


def undecodable(exc: UnicodeDecodeError, codec: str, name: str,
                error: type[GlossatorError], hint: str, *, more: int = 0, line: int = 1,
                column: int = 1, offset: int = 0) -> GlossatorError:
    """The error for the byte ``exc`` names in ``exc.object``: its line, column and byte
    offset in the file, ``exc.object`` starting at ``line`` and ``column`` (1-based) and
    at byte ``offset`` of it (a stream decoded a block at a time); and how many more such
    bytes follow, where ``more`` says."""
    data = exc.object
    # count lines in the decoded prefix: in UTF-16/32 a b"\n" byte is not a line break
    before = data[: exc.start].decode(codec, errors="replace")
    breaks = before.count("\n")
    column = len(before) - before.rfind("\n") if breaks else column + len(before)
    more_text = f"; {more} more further on" if more else ""
    return error(f"not valid {_label(codec)}: byte 0x{data[exc.start]:02x} at column "
                 f"{column} (byte offset {offset + exc.start}{more_text})", file=name,
                 line=line + breaks, hint=hint)


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
    """Read a whole file, turning every OS error into one ``error`` naming the file.

    Only a regular file is read (a symbolic link is followed): a directory, a FIFO, a
    socket or a device (``/dev/zero``) is refused, since reading one may block forever or
    never end. At most ``limit`` bytes are read, whatever the file's size says, so a file
    that grows while it is read is refused too.
    """
    name = os.fspath(path)
    try:
        _check_regular(os.stat(name).st_mode, name, error, what)
        # O_NONBLOCK: a FIFO put in the file's place since the stat does not block the open
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as f:
            _check_regular(os.fstat(fd).st_mode, name, error, what)
            size = os.fstat(fd).st_size
            if size > limit:
                raise error(f"is too large ({size} bytes, at most {limit})", file=name,
                            hint="split it")
            data = read_at_most(f, limit, size)
        if len(data) > limit:
            raise error(f"is too large (more than {limit} bytes)", file=name, hint="split it")
        return data
    except FileNotFoundError:
        raise error(f"no such {what}", file=name) from None
    except PermissionError:
        raise error("permission denied", file=name) from None
    except IsADirectoryError:
        raise error(f"is a directory, not a {what}", file=name) from None
    except OSError as exc:  # a name too long, a symlink loop, an I/O error…: one line
        raise error(exc.strerror or "cannot be read", file=name) from None
    except ValueError:  # a NUL character in the name
        raise error(f"no such {what} (the name holds a NUL character)",
                    file=name.replace("\x00", "\\0")) from None


def read_at_most(stream: BinaryIO, limit: int, expected: int = 0) -> bytes:
    """At most ``limit + 1`` bytes of ``stream`` (one more than ``limit`` tells the caller
    it is too long), read in blocks: memory grows with what is read, never with
    ``limit`` (``read(limit + 1)`` would reserve the whole limit at once). ``expected``:
    the size the file says it has, read in one block."""
    parts: list[bytes] = []
    total = 0
    block = min(limit + 1, max(expected, 0) + 1)
    while total <= limit:
        part = stream.read(min(block, limit + 1 - total))
        if not part:
            break
        parts.append(part)
        total += len(part)
        block = 1 << 20
    return parts[0] if len(parts) == 1 else b"".join(parts)


#: What a file that is not a regular file is, by the test of :mod:`stat` that tells it.
_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
)


def _check_regular(mode: int, name: str, error: type[GlossatorError], what: str) -> None:
    """Raise ``error`` unless ``mode`` is a regular file's."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise error(f"is a directory, not a {what}", file=name,
                    hint="give the files inside it, e.g. DIR/*.txt")
    kind = next((label for test, label in _SPECIAL if test(mode)), "not a regular file")
    hint = ("copy it to a regular file first" if error is not InputError else
            f"for a pipe or a device, give '-' (standard input) and redirect it: "
            f"- < {name}")
    raise error(f"is {kind}, not a regular {what}", file=name, hint=hint)
