"""Annotating many documents: one after the other or in several processes, in input order.

``glossator annotate`` hands each input to a :class:`Renderer`, which reads, annotates and
renders one document (text, HTML page or Markdown) with the options of the command line.
:func:`each` runs it over the inputs, here or in ``jobs`` worker processes, and gives the
results back in input order. Worker processes are forked where the platform can (the
compiled glossary is then shared, not rebuilt); elsewhere the renderer is pickled, and
each worker compiles the glossary again (from ``--cache-dir`` if one is given).

A document that cannot be read, decoded, annotated or written gives a one-line error for
that document; the others go on (see ``glossator annotate --output-dir``).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import sys
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import GlossatorError, InputError, UsageError

if TYPE_CHECKING:
    from .annotate import Annotator

__all__ = [
    "DOCUMENT_SUFFIXES", "HTML_SUFFIXES", "MARKDOWN_SUFFIXES", "TEXT_SUFFIXES", "Document",
    "Input", "Renderer",
    "each", "encode", "expand_inputs", "kind_of", "page_title", "partial_files",
    "read_document", "terminated", "worker_count", "write_file",
]

#: Suffixes of the documents glossator reads, by kind (what a directory is searched for).
TEXT_SUFFIXES = (".txt", ".text")
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
DOCUMENT_SUFFIXES = (*TEXT_SUFFIXES, *MARKDOWN_SUFFIXES, *HTML_SUFFIXES)


def kind_of(name: str) -> str:
    """``html``, ``markdown`` or ``text``: the kind of document ``name`` is, by its suffix
    (standard input, ``-``, is text)."""
    suffix = Path(name).suffix.lower() if name != "-" else ""
    return ("html" if suffix in HTML_SUFFIXES else "markdown" if suffix in MARKDOWN_SUFFIXES
            else "text")


@dataclass(frozen=True, slots=True)
class Input:
    """One input file: its path, and where it lies in a directory given as an input
    (``None`` for a file given itself, or standard input ``-``)."""

    name: str
    relative: str | None = None


def expand_inputs(
    paths: Iterable[str], suffixes: tuple[str, ...] = DOCUMENT_SUFFIXES,
    exclude: Iterable[str] = (),
) -> list[Input]:
    """The inputs, directories searched recursively for files with ``suffixes`` (in name
    order; hidden files and folders, and the folders in ``exclude`` — an output directory
    inside an input one — left out); ``InputError`` for a directory with none. With
    several directories, each file's place starts with its directory's name, so that
    their trees do not fall on each other under one output directory."""
    paths = list(paths)
    skipped = {Path(e).resolve() for e in exclude}
    several = sum(1 for name in paths if name != "-" and Path(name).is_dir()) > 1
    found: list[Input] = []
    for name in paths:
        folder = Path(name)
        if name == "-" or not folder.is_dir():
            found.append(Input(name))
            continue
        inside = sorted(
            f for f in folder.rglob("*")
            if f.suffix.lower() in suffixes
            and not any(part.startswith(".") for part in f.relative_to(folder).parts)
            and not any(p in skipped for p in f.resolve().parents)
            and f.is_file())
        if not inside:
            what = {DOCUMENT_SUFFIXES: ".txt, .md or .html file", HTML_SUFFIXES: ".html page",
                    TEXT_SUFFIXES: ".txt file"}.get(suffixes, "document")
            raise InputError(f"no {what} in this directory", file=name,
                             hint="give files, or a directory that holds some")
        top = folder.resolve().name if several else None
        found.extend(Input(str(f), "/".join(filter(None, (top, f.relative_to(
            folder).as_posix())))) for f in inside)
    return found

_T = TypeVar("_T")
_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class Document:
    """One input, read and decoded: its name (``<stdin>`` for standard input), kind
    (``text``, ``html`` or ``markdown``), text, and the encoding and BOM it came in."""

    name: str
    kind: str
    text: str
    encoding: str = "utf-8"
    bom: bytes = b""


@dataclass
class Renderer:
    """Reads, annotates and renders documents with one annotator and one set of options.

    ``fmt`` and ``options`` are those of :func:`glossator.render.render` for text input;
    the rest are the command line's HTML and Markdown settings. ``output_encoding``
    forces the encoding of every output; else an HTML page is written back in its own.
    """

    annotator: Annotator
    fmt: str
    options: dict[str, Any] = field(default_factory=dict)
    encoding: str = "utf-8"
    output_encoding: str | None = None
    standalone: bool = False
    title: str | None = None
    script: bool = False
    markup: str | None = None
    rich_definitions: bool = False
    link_to: str | None = None
    skip: tuple[str, ...] = ()
    root: str | None = None
    _markdown: Any = field(default=None, repr=False)

    def read(self, name: str, kind: str) -> Document:
        """Input ``name`` read and decoded (:func:`read_document`)."""
        return read_document(name, kind, self.encoding)

    def render(self, doc: Document) -> str:
        """The annotated and rendered document."""
        if doc.kind == "html":
            from .documents.html import DEFAULT_SKIP, annotate_html

            return annotate_html(doc.text, self.annotator, root=self.root,
                                 skip=(*DEFAULT_SKIP, *self.skip),
                                 markup=self.markup or "glossator",
                                 rich_definitions=self.rich_definitions, link_to=self.link_to)
        if doc.kind == "markdown":
            html: str = self._markdown_converter().reset().convert(doc.text)
            if self.standalone:
                from .render.html import page

                has_h1 = re.search(r"<h1[\s>]", html, re.I) is not None
                html = page(html, title=self.title or page_title(doc.name),
                            script=self.script, heading=None if has_h1 else self.title)
            return html
        from .render import render

        options = dict(self.options)
        if self.fmt == "html" and self.standalone:
            options.update(title=self.title or page_title(doc.name), heading=self.title)
        if self.fmt == "json":
            options["source"] = None if doc.name == "<stdin>" else doc.name
        return render(self.annotator.annotate(doc.text), self.fmt, **options)

    def output_encoding_of(self, doc: Document) -> tuple[str, bytes]:
        """The encoding and BOM ``doc``'s output is written in, alone in its file."""
        if self.output_encoding is not None:
            return self.output_encoding, b""
        return (doc.encoding, doc.bom) if doc.kind == "html" else ("utf-8", b"")

    def convert(self, job: tuple[str, str, str]) -> None:
        """Read input ``name`` of ``kind``, render it, and write it to ``target``
        (``job`` is ``(name, kind, target)``)."""
        name, kind, target = job
        doc = self.read(name, kind)
        rendered = self.render(doc)
        try:  # an input found in a subfolder of a directory: the tree is kept
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(exc.strerror or "cannot create directory",
                             file=str(Path(target).parent)) from None
        write_file(target, rendered if kind == "html" else terminated(rendered),
                   *self.output_encoding_of(doc))

    def _markdown_converter(self) -> Any:
        """A ``Markdown`` converter (``extra`` and glossator's extension), one per process."""
        if self._markdown is None:
            try:
                import markdown
            except ImportError:
                raise UsageError("Markdown input needs Python-Markdown",
                                 hint="pip install 'glossator[markdown]'") from None
            from .integrations.markdown import GlossatorExtension

            self._markdown = markdown.Markdown(extensions=[
                "extra", GlossatorExtension(annotator=self.annotator, skip=list(self.skip),
                                            link_to=self.link_to),
            ])
        return self._markdown

    def __getstate__(self) -> dict[str, Any]:
        state = dict(vars(self))
        state["_markdown"] = None  # rebuilt in the worker
        return state


def read_document(name: str, kind: str = "text", encoding: str = "utf-8") -> Document:
    """Read and decode input ``name`` (``-``: standard input) of ``kind``. An HTML
    input's BOM or ``<meta charset>`` wins over ``encoding``."""
    from .io import MAX_DOCUMENT_BYTES, decode_document, read_bytes

    label = "<stdin>" if name == "-" else name
    data = (sys.stdin.buffer.read() if name == "-"
            else read_bytes(name, limit=MAX_DOCUMENT_BYTES))
    used, bom = encoding, b""
    if kind == "html":
        from .documents.html import sniff_encoding

        declared, bom = sniff_encoding(data)
        if declared is not None:
            used = declared
        data = data[len(bom):]
    return Document(label, kind, decode_document(data, label, used), used, bom)


def page_title(name: str) -> str:
    """The ``<title>`` of a standalone page without ``--title``: the input file's name."""
    return Path(name).stem if name != "<stdin>" else "glossator"


def terminated(text: str) -> str:
    """``text`` ending with a line break (unless empty)."""
    return text if text.endswith("\n") or not text else text + "\n"


def encode(body: str, encoding: str = "utf-8", bom: bytes = b"") -> bytes:
    """``body`` in ``encoding`` after ``bom``: characters it lacks become HTML character
    references."""
    return bom + body.encode(encoding, errors="xmlcharrefreplace")


def write_file(path: str, body: str, encoding: str = "utf-8", bom: bytes = b"") -> None:
    """Write ``body`` to ``path`` (:func:`encode`); ``InputError`` if it cannot be.

    A regular file is written whole or not at all: the bytes go to a new hidden file
    beside it (:func:`partial_files` finds those), which then replaces it with the old
    file's permissions, so an interrupted run never leaves a truncated output. A symbolic
    link is followed (the file it points to is replaced); a device or a pipe
    (``-o /dev/stdout``) is written in place.
    """
    import tempfile

    data = encode(body, encoding, bom)
    target = Path(os.path.realpath(path))
    try:
        if target.exists() and not target.is_file():
            target.write_bytes(data)
            return
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_PARTIAL,
                                       dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            with contextlib.suppress(FileNotFoundError):  # a file replaced keeps its mode
                os.chmod(partial, stat.S_IMODE(target.stat().st_mode))
            os.replace(partial, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(partial)
    except OSError as exc:
        raise InputError(exc.strerror or "cannot be written", file=path) from None


#: The suffix of the files :func:`write_file` writes before they are complete.
_PARTIAL = ".glossator-partial"


def partial_files(path: str) -> list[Path]:
    """The files :func:`write_file` left beside ``path`` unfinished (a run stopped while
    it wrote)."""
    from glob import escape

    target = Path(os.path.realpath(path))
    return list(target.parent.glob(f".{escape(target.name)}.*{_PARTIAL}"))


def worker_count(jobs: int) -> int:
    """``--jobs``: ``0`` is one process per CPU this process may use."""
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


#: The renderer of a worker process (set once, when the process starts).
_RENDERER: Renderer | None = None


def _start_worker(renderer: Renderer) -> None:
    global _RENDERER
    _RENDERER = renderer
    # Ctrl-C reaches the whole process group: the parent stops the workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_worker(call: tuple[str, Any]) -> tuple[bool, Any]:
    method, item = call
    assert _RENDERER is not None
    return _attempt(getattr(_RENDERER, method), item)


def _attempt(function: Callable[[_T], _R], item: _T) -> tuple[bool, _R | str]:
    """``(True, function(item))``, or ``(False, the one-line error)`` for a problem with
    this input (a usage error concerns them all and is raised)."""
    try:
        return True, function(item)
    except UsageError:
        raise
    except GlossatorError as exc:
        return False, str(exc)


def each(
    renderer: Renderer, method: str, items: Iterable[Any], jobs: int = 1
) -> Generator[tuple[bool, Any], None, None]:
    """``renderer.<method>(item)`` for each item, in order, as ``(True, result)`` or
    ``(False, error)``: here with ``jobs == 1``, else in ``jobs`` worker processes.

    When the generator is left early (an error, Ctrl-C), the workers are stopped before
    it returns; a worker that dies (out of memory) is an ``InputError``, not a hang.
    """
    function = getattr(renderer, method)
    if jobs <= 1:
        for item in items:
            yield _attempt(function, item)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork on Linux: the workers share the compiled glossary; elsewhere spawn (fork is
    # missing on Windows and unsafe on macOS), with the renderer pickled
    context = multiprocessing.get_context(
        "fork" if sys.platform.startswith("linux") else "spawn")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                               initargs=(renderer,))
    finished = False
    try:
        yield from pool.map(_in_worker, ((method, item) for item in items))
        finished = True
    except BrokenProcessPool:
        raise InputError("a worker process stopped (out of memory?)",
                         hint="run again with fewer --jobs") from None
    finally:
        if not finished:
            _stop(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _stop(pool: Any) -> None:
    """Stop the workers of ``pool`` now, whatever they are doing."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    for process in list(getattr(pool, "_processes", {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()
