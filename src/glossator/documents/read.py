"""Reading documents, the one way every command reads them: inputs expanded (directories
searched for documents), the kind told by the suffix, the charset sniffed (an HTML page's
BOM or ``<meta charset>`` wins), the bytes decoded with clear errors for what is not
text. ``annotate``, ``explain``, ``check --corpus``, ``suggest`` and ``strip`` all read
through :func:`expand_inputs` and :func:`read_document`."""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Iterable

from .._lazy import lazy_pattern
from .._values import Value
from ..errors import InputError
from ..reading import decode_text, read_at_most, read_bytes, spelled, suffix_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

__all__ = [
    "BINARY", "BINARY_HINT", "DOCUMENT_SUFFIXES", "HTML_SUFFIXES", "MARKDOWN_SUFFIXES",
    "MAX_DOCUMENT_BYTES", "TEXT_SUFFIXES", "Document", "Input", "decode_document",
    "decode_input", "decode_text", "decoding_hint", "expand_inputs", "front_matter",
    "front_matter_domains", "kind_of", "read_bytes", "read_document", "without_front_matter",
]

#: Documents larger than this are refused rather than read into memory.
MAX_DOCUMENT_BYTES = 1024 * 1024 * 1024


#: What a document that is not text is told, and how to fix it (a whole read, or a
#: stream's: :mod:`glossator.streaming`).
BINARY, BINARY_HINT = "this is a binary file, not text", "give a text file (UTF-8)"


def decoding_hint(option: str = "--encoding") -> str:
    """The fix for a document that does not decode: ``option`` is how the reader names
    an encoding (:func:`~glossator.reading.spelled`)."""
    return f"convert the file to UTF-8 or give its encoding, e.g. {spelled(option, 'cp1252')}"


def decode_document(data: bytes, name: str, encoding: str = "utf-8", *,
                    option: str = "--encoding") -> str:
    """Decode ``data`` read from ``name``; refuse binary data and say where decoding fails.

    ``option`` is how the reader names the encoding: ``--encoding`` on the command line,
    or a template with ``{}`` for the encoding (:func:`~glossator.reading.spelled`).
    """
    return decode_text(data, name, encoding, error=InputError, binary=BINARY,
                       binary_hint=BINARY_HINT, option=option, hint=decoding_hint(option))


#: Suffixes of the documents glossator reads, by kind (what a directory is searched for).
TEXT_SUFFIXES = (".txt", ".text")
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
DOCUMENT_SUFFIXES = (*TEXT_SUFFIXES, *MARKDOWN_SUFFIXES, *HTML_SUFFIXES)


def kind_of(name: str) -> str:
    """``html``, ``markdown`` or ``text``: the kind of document ``name`` is, by its suffix
    (standard input, ``-``, is text)."""
    suffix = suffix_of(name).lower() if name != "-" else ""
    return ("html" if suffix in HTML_SUFFIXES else "markdown" if suffix in MARKDOWN_SUFFIXES
            else "text")


class Input(Value):
    """One input file: its path, and where it lies in a directory given as an input
    (``None`` for a file given itself, or standard input ``-``)."""

    __slots__ = ("name", "relative")
    name: str
    relative: str | None

    def __init__(self, name: str, relative: str | None = None) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "relative", relative)


def expand_inputs(
    paths: Iterable[str], suffixes: tuple[str, ...] = DOCUMENT_SUFFIXES,
    exclude: Iterable[str] = (),
    *,
    empty_ok: bool = False,
) -> list[Input]:
    """The inputs, directories searched recursively for files with ``suffixes`` (in name
    order; hidden files and folders, and the folders in ``exclude`` — an output directory
    inside an input one — left out); ``InputError`` for a directory with none. With
    several directories, each file's place starts with its directory's name, so that
    their trees do not fall on each other under one output directory."""
    paths = list(paths)
    skipped: set[Path] | None = None
    # os.path.isdir is False for any name the system refuses (too long, a NUL…), where
    # Path.is_dir raises: reading the file then says why, in one line
    several = sum(1 for name in paths if name != "-" and os.path.isdir(name)) > 1
    found: list[Input] = []
    for name in paths:
        if name == "-" or not os.path.isdir(name):
            found.append(Input(name))
            continue
        from pathlib import Path  # a folder to search: not at start-up

        if skipped is None:
            skipped = {Path(os.path.realpath(e)) for e in exclude}
        folder = Path(name)
        inside = sorted(
            f for f in folder.rglob("*")
            if f.suffix.lower() in suffixes
            and not any(part.startswith(".") for part in f.relative_to(folder).parts)
            and not any(p in skipped for p in Path(os.path.realpath(f)).parents)
            and os.path.isfile(f))
        if not inside and not empty_ok:
            what = {DOCUMENT_SUFFIXES: ".txt, .md or .html file", HTML_SUFFIXES: ".html page",
                    TEXT_SUFFIXES: ".txt file"}.get(suffixes, "document")
            raise InputError(f"no {what} in this directory", file=name,
                             hint="give files, or a directory that holds some")
        top = Path(os.path.realpath(folder)).name if several else None
        found.extend(Input(str(f), "/".join(filter(None, (top, f.relative_to(
            folder).as_posix())))) for f in inside)
    return found


class Document(Value):
    """One input, read and decoded: its name (``<stdin>`` for standard input), kind
    (``text``, ``html`` or ``markdown``), text, and the encoding and BOM it came in;
    ``utf8``, where it was read from UTF-8, the bytes its text was decoded from (exactly
    ``text.encode()``: the scanner then need not encode it again; handed over once,
    :meth:`take_utf8`; neither compared, shown nor pickled)."""

    __slots__ = ("name", "kind", "text", "encoding", "bom", "utf8")  # noqa: RUF023 - in order
    _not_compared = ("utf8",)
    _not_shown = ("utf8",)
    name: str
    kind: str
    text: str
    encoding: str
    bom: bytes
    utf8: bytes | None

    def __init__(self, name: str, kind: str, text: str, encoding: str = "utf-8",
                 bom: bytes = b"", utf8: bytes | None = None) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "encoding", encoding)
        object.__setattr__(self, "bom", bom)
        object.__setattr__(self, "utf8", utf8)

    def take_utf8(self) -> bytes | None:
        """``utf8``, which the document then lets go of (a large file's bytes need not
        live as long as its text: the scanner frees them when done). The document's value
        is the same (``utf8`` is not part of it); its text scanned again is encoded."""
        data = self.utf8
        object.__setattr__(self, "utf8", None)
        return data

    def __reduce__(self) -> tuple[type[Document], tuple[Any, ...]]:
        """Pickled without ``utf8`` (a Dask task's document: its text is enough)."""
        return (Document, (self.name, self.kind, self.text, self.encoding, self.bom))


def read_document(name: str, kind: str = "text", encoding: str = "utf-8", *,
                  keep_utf8: bool = False) -> Document:
    """Read and decode input ``name`` (``-``: standard input) of ``kind``. An HTML
    input's BOM or ``<meta charset>`` wins over ``encoding``. ``keep_utf8``: see
    :func:`decode_input`."""
    label = "<stdin>" if name == "-" else name
    data = (_read_stdin(encoding) if name == "-"
            else read_bytes(name, limit=MAX_DOCUMENT_BYTES))
    return decode_input(label, data, kind, encoding, keep_utf8=keep_utf8)


def decode_input(label: str, data: bytes, kind: str = "text",
                 encoding: str = "utf-8", *, keep_utf8: bool = False) -> Document:
    """The document of ``kind`` whose bytes ``data`` were read from ``label``, decoded as
    :func:`read_document` decodes them (a Dask worker decodes what its client read).
    With ``keep_utf8``, a text read from UTF-8 keeps those bytes (``Document.utf8``) for
    its scan: for a document about to be annotated, not one of many read up front (each
    would hold its file's size until its turn)."""
    used, bom = encoding, b""
    if kind == "html":
        from .html import sniff_encoding

        declared, bom = sniff_encoding(data)
        if declared is not None:
            used = declared
        data = data[len(bom):]
    text = decode_document(data, label, used)
    utf8 = _same_utf8(data, used) if keep_utf8 and kind == "text" else None
    return Document(label, kind, text, used, bom, utf8)


def _same_utf8(data: bytes, encoding: str) -> bytes | None:
    """What of ``data`` a text decoded from it (:func:`decode_document`) is exactly the
    UTF-8 of: all of it, or all but its BOM, where ``encoding`` is UTF-8 (strict UTF-8
    decodes one way only), else ``None``."""
    try:  # (the codec's own name: utf8, UTF_8 and u8 are all utf-8)
        if codecs.lookup(encoding).name != "utf-8":
            return None
    except LookupError:
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    # (decode_text drops a second BOM too, from the text: then they differ)
    return None if data.startswith(codecs.BOM_UTF8) else data


#: The first block of standard input, looked at for binary data before reading on.
_FIRST_BLOCK = 65536


def _read_stdin(encoding: str) -> bytes:
    """Standard input, at most :data:`MAX_DOCUMENT_BYTES`; binary data (``< /dev/zero``)
    is refused after its first block rather than read to the limit."""
    import codecs

    stream = sys.stdin.buffer
    head = stream.read(_FIRST_BLOCK)
    try:
        wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    except LookupError:  # said when the whole is decoded
        wide = True
    if b"\x00" in head and not wide:
        decode_document(head, "<stdin>", encoding)  # refuses binary data
    # a short first block is the whole input: reading on would wait for a second end of
    # file on a terminal, where Ctrl-D ends one read, not the stream
    data = (head if len(head) < _FIRST_BLOCK
            else head + read_at_most(stream, MAX_DOCUMENT_BYTES - len(head)))
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError(f"standard input is too large (more than {MAX_DOCUMENT_BYTES} bytes)",
                         file="<stdin>", hint="split it")
    return data


#: A YAML front matter block at the very top of a Markdown page: ``---`` lines around it
#: (the closing one may be ``...``), as MkDocs, Jekyll and Hugo read it.
_FRONT_MATTER = lazy_pattern(globals(), "_FRONT_MATTER",
    r"\A---[ \t]*\r?\n(?:.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def without_front_matter(text: str) -> str:
    """A Markdown page without its front matter, which is metadata, not prose: it is
    neither annotated nor rendered."""
    return front_matter(text)[1]


def front_matter(text: str) -> tuple[dict[str, object], str]:
    """A Markdown page's front matter as a mapping, and the page without it. Front matter
    that is not a YAML mapping (or not YAML) is still taken off, and reads as empty: it is
    the page's metadata, for the site generator, not glossator's to judge."""
    found = _FRONT_MATTER.match(text)
    if not found:
        return {}, text
    import yaml

    block = found.group().strip().splitlines()[1:-1]
    try:
        data = yaml.safe_load("\n".join(block))
    except yaml.YAMLError:
        data = None
    return (data if isinstance(data, dict) else {}), text[found.end():]


def front_matter_domains(meta: dict[str, object]) -> tuple[str, ...]:
    """``glossator-domain`` of a page's front matter: one domain, a list, or a comma-separated
    line (``travail, santé``)."""
    value = meta.get("glossator-domain")
    items = value if isinstance(value, list) else [value] if value is not None else []
    return tuple(d.strip() for item in items for d in str(item).split(",") if d.strip())
