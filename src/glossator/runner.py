"""Annotating many documents: one after the other or in several processes, in input order.

``glossator annotate`` hands each input to a :class:`DocumentJob`, which reads, annotates and
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
import sys
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence

from ._values import Record
from .documents.read import Document, Input, read_document
from .documents.write import partial_files, remove_stale_partials, terminated, write_file
from .errors import GlossatorError, InputError, UsageError
from .text.utf8 import known_utf8

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar
    _T = TypeVar("_T")
    _R = TypeVar("_R")
    from .annotate import Annotator
    from .explain import Explanation

__all__ = [
    "SUFFIXES", "DocumentFailed", "DocumentJob", "DocumentResult", "convert_document", "each",
    "input_size", "numbered_prefix", "output_path", "page_title", "render_all", "worker_count",
    "write_all", "write_each", "write_output", "written_as",
]



class DocumentJob(Record):
    """Reads, annotates and renders documents with one annotator and one set of options.

    ``fmt`` and ``options`` are those of :func:`glossator.render.render` for text input;
    the rest are the command line's HTML and Markdown settings. ``output_encoding``
    forces the encoding of every output; else an HTML page is written back in its own.
    ``refresh`` (``--refresh``): an HTML page's earlier annotations by glossator are
    taken off first (:func:`glossator.documents.refresh.unwrap`).
    ``assets`` (``--assets``) says how whole pages get the stylesheet and script
    (:mod:`glossator.documents.assets`); with ``link`` they are in ``assets_root``, and
    each page written by :meth:`convert` reaches them by a relative path.
    """

    _factories: ClassVar[dict[str, Callable[[], Any]]] = {"options": dict}
    _not_shown = ("_markdown",)
    annotator: Annotator
    fmt: str
    options: dict[str, Any]
    encoding: str
    output_encoding: str | None
    standalone: bool
    title: str | None
    script: bool
    markup: str | None
    rich_definitions: bool
    link_to: str | None
    skip: tuple[str, ...]
    root: str | None
    refresh: bool
    assets: str
    assets_root: str | None
    _markdown: Any  # not shown

    def __init__(self, annotator: Annotator, fmt: str, options: dict[str, Any] | None = None,
                 encoding: str = "utf-8", output_encoding: str | None = None,
                 standalone: bool = False, title: str | None = None, script: bool = False,
                 markup: str | None = None, rich_definitions: bool = False,
                 link_to: str | None = None, skip: tuple[str, ...] = (),
                 root: str | None = None, assets: str = "none",
                 assets_root: str | None = None, _markdown: Any = None,
                 refresh: bool = False) -> None:
        self.annotator = annotator
        self.fmt = fmt
        self.options = {} if options is None else options
        self.encoding = encoding
        self.output_encoding = output_encoding
        self.standalone = standalone
        self.title = title
        self.script = script
        self.markup = markup
        self.rich_definitions = rich_definitions
        self.link_to = link_to
        self.skip = skip
        self.root = root
        self.refresh = refresh
        self.assets = assets
        self.assets_root = assets_root
        self._markdown = _markdown

    def read(self, name: str, kind: str, keep_utf8: bool = False) -> Document:
        """Input ``name`` read and decoded (:func:`read_document`; ``keep_utf8`` for a
        document annotated next, here)."""
        return read_document(name, kind, self.encoding, keep_utf8=keep_utf8)

    def render(self, doc: Document, prefix: str = "", number: int = 1) -> str:
        """The annotated and rendered document; ``prefix`` leads from where it is written
        to the assets (``"../"``). ``number``: the document's place among several written
        into one output (1: the first, or the only one); from the second on, its tooltip
        ids and footnote labels are its own (:func:`numbered_prefix`), so that none is
        another document's."""
        if doc.kind == "html":
            from .documents.assets import add_assets, remove_assets
            from .documents.html import DEFAULT_SKIP, annotate_html

            annotated = annotate_html(doc.text, self.annotator, root=self.root,
                                      skip=(*DEFAULT_SKIP, *self.skip),
                                      markup=self.markup or "glossator",
                                      rich_definitions=self.rich_definitions,
                                      link_to=self.link_to, source=doc.name,
                                      id_prefix=numbered_prefix("glossator-", number),
                                      refresh=self.refresh)
            if self.refresh:  # the stylesheet and script as --assets says now
                annotated = remove_assets(annotated)
            return add_assets(annotated, self.assets, prefix,
                              script_too=True if self.script else None)
        if doc.kind == "markdown":
            # the extension takes the front matter off (and reads glossator-domain)
            converter = _numbered_converter(self._markdown_converter(), number)
            html: str = converter.reset().convert(doc.text)
            if self.standalone:
                from .render.html import page

                has_h1 = re.search(r"<h1[\s>]", html, re.I) is not None
                html = page(html, title=self.title or page_title(doc.name),
                            script=self.script, heading=None if has_h1 else self.title,
                            assets=self.assets, assets_prefix=prefix)
            return html
        from .render import render

        text, options = self._annotated(doc, prefix, number)
        return render(text, self.fmt, **options)

    def format_of(self, kind: str) -> str:
        """The format an input of ``kind`` is written in (:func:`written_as`)."""
        return written_as(kind, self.fmt)

    def render_nth(self, item: tuple[int, Document]) -> str:
        """:meth:`render` of ``(number, doc)`` (what :func:`each` hands the workers)."""
        number, doc = item
        return self.render(doc, number=number)

    def _annotated(self, doc: Document, prefix: str, number: int = 1,
                   ) -> tuple[Any, dict[str, Any]]:
        """Text input ``doc`` annotated (and tallied), and the renderer's options. The
        bytes ``doc`` was read from (if any) are what is scanned, not the text encoded
        again (handed over: freed when the scan ends)."""
        options = dict(self.options)
        if self.fmt == "html" and self.standalone:
            options.update(title=self.title or page_title(doc.name), heading=self.title,
                           assets=self.assets, assets_prefix=prefix)
        if number > 1 and self.fmt == "html":
            options["id_prefix"] = numbered_prefix(options.get("id_prefix", "gl-"), number)
        elif number > 1 and self.fmt == "markdown":
            options["document"] = number
        if self.fmt == "json":
            options["source"] = None if doc.name == "<stdin>" else doc.name
        with known_utf8(doc.text, doc.take_utf8()):
            text = self.annotator.annotate(doc.text)
        from .documents.tally import count_text

        count_text(text)
        return text, options

    def render_into(self, doc: Document, sink: Callable[[bytes], object],
                    encoding: str = "utf-8", prefix: str = "", terminate: bool = True,
                    number: int = 1) -> bool:
        """:meth:`render` encoded in ``encoding`` (no BOM: the caller writes it), handed
        to ``sink`` (``file.write``) as it is made: text input written as ``text``,
        ``json`` or ``html`` in UTF-8 goes there a bounded piece at a time from the
        renderers' C loop (:func:`glossator.render.write`), never held whole; anything
        else is rendered, then written at once. Unless ``terminate`` is false, the
        output of text input ends with a line break (as :meth:`output` gives it).
        ``number`` is :meth:`render`'s. Whether the page written loads the assets of
        ``assets_root``."""
        if not self._writes_as_it_goes(doc, encoding):
            from .documents.write import encode, terminated

            rendered = self.render(doc, prefix, number)
            keep = doc.kind == "html" or not terminate
            sink(encode(rendered if keep else terminated(rendered), encoding,
                        fmt=self.format_of(doc.kind)))
            return self.loads_assets(rendered)
        from .render import write

        text, options = self._annotated(doc, prefix, number)
        last = _Last(sink)
        write(text, last, self.fmt, **options)
        if terminate and last.byte not in (b"", b"\n"):
            sink(b"\n")
        return False

    def _writes_as_it_goes(self, doc: Document, encoding: str) -> bool:
        """Whether :meth:`render_into` hands ``doc`` to the renderers' sink mode: text
        input, a format it has, in UTF-8; not a page whose assets must be looked for
        (``loads_assets`` reads the page written)."""
        return (doc.kind == "text" and self.fmt in ("text", "json", "html")
                and encoding == "utf-8"
                and not (self.fmt == "html" and self.assets_root is not None))

    def explain(self, doc: Document) -> list[Explanation]:
        """Every match of ``doc`` and its fate, met on the same path as :meth:`render`."""
        from .explain import explain, explain_rendering

        if doc.kind == "text":
            return explain(doc.text, self.annotator)
        return explain_rendering(doc.text, doc.kind, self.annotator, lambda: self.render(doc))

    def render_and_explain(self, doc: Document) -> tuple[str, list[Explanation]]:
        """:meth:`render` and :meth:`explain` at once: a page is annotated once, the
        matches recorded as it is (``glossator serve`` answers both)."""
        if doc.kind == "text":
            from .explain import explain

            return self.render(doc), explain(doc.text, self.annotator)
        from .explain import explain_rendering

        rendered: list[str] = []
        found = explain_rendering(doc.text, doc.kind, self.annotator,
                                  lambda: rendered.append(self.render(doc)))
        return rendered[0], found

    def output_encoding_of(self, doc: Document) -> tuple[str, bytes]:
        """The encoding and BOM ``doc``'s output is written in, alone in its file."""
        if self.output_encoding is not None:
            return self.output_encoding, b""
        return (doc.encoding, doc.bom) if doc.kind == "html" else ("utf-8", b"")

    def streams(self, name: str, kind: str) -> bool:
        """Whether input ``name`` is annotated piece by piece, in bounded memory
        (:mod:`glossator.streaming`): text written as text, with a built-in occurrence
        policy, from standard input or a file longer than a chunk. The output is the
        same either way."""
        if kind != "text" or self.fmt != "text":
            return False
        size = -1
        if name != "-":
            try:
                size = os.stat(name).st_size
            except (OSError, ValueError):  # ValueError: a NUL in the name
                return False  # the whole read says what is wrong
            if size <= STREAM_FLOOR and "GLOSSATOR_STREAM_CHUNK" not in os.environ:
                return False  # less than one piece: read whole, the streaming code unloaded
        from .streaming import can_stream, chunk_size

        if not can_stream(self.annotator):
            return False
        if name == "-":  # a terminal is read whole: its Ctrl-D ends the input at once
            isatty = getattr(sys.stdin, "isatty", None)
            return not (isatty is not None and isatty())
        if size <= chunk_size():
            return False
        from pathlib import Path  # a large input only: not at start-up

        return Path(name).is_file()

    def stream(self, name: str) -> Iterator[bytes]:
        """The output of text input ``name`` (``-``: standard input) in the text format,
        encoded, as it is made (see :meth:`streams`)."""
        from .documents.tally import count_text
        from .documents.write import encode
        from .render.text import render as render_text
        from .render.text import write as write_text
        from .streaming import annotate_pieces, read_pieces

        encoding = self.output_encoding or "utf-8"
        ended = True  # nothing written yet, or a line break last
        for part in annotate_pieces(self.annotator, read_pieces(name, self.encoding)):
            count_text(part)
            if encoding == "utf-8":  # UTF-8 from the C loop, never the piece as a str
                pieces: list[bytes] = []
                write_text(part, pieces.append)
                for data in pieces:
                    if data:
                        ended = data.endswith(b"\n")
                        yield data
                continue
            out = render_text(part)
            if out:
                ended = out.endswith("\n")
                yield encode(out, encoding, fmt="text")
        if not ended:
            yield encode("\n", encoding, fmt="text")

    def convert(self, job: tuple[str, str, str]) -> tuple[bool, bool]:
        """Read input ``name`` of ``kind``, render it, and write it to ``target``
        (``job`` is ``(name, kind, target)``); whether the page written loads the assets
        of ``assets_root``, and whether it was written (not when ``target`` held its
        bytes already: :func:`~glossator.documents.write.write_with`)."""
        name, kind, target = job
        if self.streams(name, kind):
            from .documents.write import write_parts

            _make_parent(target)
            return False, write_parts(target, self.stream(name), clean=False)
        doc = self.read(name, kind, keep_utf8=True)
        encoding, bom = self.output_encoding_of(doc)
        prefix = self._prefix(target)
        loads: list[bool] = []

        def produce(write: Callable[[bytes], object]) -> None:
            if bom:
                write(bom)
            loads.append(self.render_into(doc, write, encoding, prefix))

        from .documents.write import write_with

        _make_parent(target)  # a batch removes stale partial files once per folder
        written = write_with(target, produce, clean=False)
        return loads[0], written

    def output(self, doc: Document, target: str) -> tuple[str, str, bytes, bool]:
        """What :meth:`convert` writes to ``target`` for ``doc``: the body, its encoding
        and BOM, and whether the page loads the assets of ``assets_root``."""
        rendered = self.render(doc, self._prefix(target))
        body = rendered if doc.kind == "html" else terminated(rendered)
        return (body, *self.output_encoding_of(doc), self.loads_assets(rendered))

    def _prefix(self, target: str) -> str:
        """The URL prefix from ``target`` to the assets (``""`` without ``assets_root``)."""
        if self.assets_root is None:
            return ""
        from .documents.assets import asset_prefix

        return asset_prefix(self.assets_root, target)

    def convert_one(self, job: tuple[str, str, str]) -> DocumentResult:
        """:func:`convert_document` with this job (what the worker processes run)."""
        return convert_document(self, job)

    def loads_assets(self, rendered: str) -> bool:
        """Whether the page ``rendered`` loads glossator's stylesheet or script by URL."""
        from .documents.assets import SCRIPT_NAME, STYLESHEET_NAME, has_annotations
        from .documents.html import page_head

        if self.assets_root is None or not has_annotations(rendered):
            return False
        head = page_head(rendered)
        return head is not None and bool({STYLESHEET_NAME, SCRIPT_NAME} & head.names)

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


def numbered_prefix(id_prefix: str, number: int) -> str:
    """The tooltip id prefix of document ``number`` of one output: ``id_prefix`` for the
    first (its ids are ``gl-1``, ``gl-2``…, as when written alone), then ``gl-2-``,
    ``gl-3-``…: an id of the first is the prefix and digits only, one of the others has
    its number and a ``-`` between, so no two documents share an id."""
    return id_prefix if number <= 1 else f"{id_prefix}{number}-"


def _numbered_converter(md: Any, number: int) -> Any:
    """The ``Markdown`` converter ``md`` set to write document ``number`` of one output:
    glossator's tooltip ids (``glossator-2-1``) and the ids of the footnotes of ``extra``
    (``fn-2:1``, ``fnref-2:1``; the footnotes extension's ``SEPARATOR``) numbered from the
    second document on; the first document's are those of a conversion alone."""
    md.postprocessors["glossator"].id_prefix = numbered_prefix("glossator-", number)
    from markdown.extensions.footnotes import FootnoteExtension

    for extension in md.registeredExtensions:
        if isinstance(extension, FootnoteExtension):
            extension.setConfig("SEPARATOR", ":" if number <= 1 else f"-{number}:")
    return md


class _Last:
    """A sink that hands each piece on and remembers the last byte written."""

    __slots__ = ("byte", "sink")

    def __init__(self, sink: Callable[[bytes], object]) -> None:
        self.sink = sink
        self.byte = b""

    def __call__(self, data: bytes) -> None:
        if data:
            self.sink(data)
            self.byte = data[-1:]


def _make_parent(target: str) -> None:
    """The folder of ``target`` (an input found in a subfolder: the tree is kept)."""
    from pathlib import Path  # (pathlib: not at start-up, in the functions below too)

    try:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from .documents.write import folder_error

        raise folder_error(exc, str(Path(target).parent)) from None


def write_output(target: str, body: str, encoding: str, bom: bytes, fmt: str) -> bool:
    """Write an output of :meth:`DocumentJob.output` (in output format ``fmt``) to
    ``target``, whole or not at all, its folder made first (an input found in a
    subfolder: the tree is kept); whether it was written (not when it held these bytes)."""
    _make_parent(target)
    # a batch removes stale partial files once per folder (remove_stale_partials)
    return write_file(target, body, encoding, bom, clean=False, fmt=fmt)


class DocumentResult(Record):
    """What became of one input of a batch: its name and target, the bytes read, the
    annotations made per entry id, whether the page written loads the assets; ``error``
    (the one-line message) when it failed, ``unchanged`` when ``--incremental`` found
    nothing to redo, ``same`` when the output held its bytes already (left as it was).
    Plain data: it comes back from worker processes and clusters."""

    _factories: ClassVar[dict[str, Callable[[], Any]]] = {"counts": dict}
    name: str
    target: str
    size: int
    counts: dict[str, int]
    loads_assets: bool
    error: str | None
    unchanged: bool
    same: bool

    def __init__(self, name: str, target: str, size: int = 0,
                 counts: dict[str, int] | None = None, loads_assets: bool = False,
                 error: str | None = None, unchanged: bool = False,
                 same: bool = False) -> None:
        self.name = name
        self.target = target
        self.size = size
        self.counts = {} if counts is None else counts
        self.loads_assets = loads_assets
        self.error = error
        self.unchanged = unchanged
        self.same = same


def input_size(name: str) -> int:
    """The size of input ``name`` in bytes, for a batch's figures (0 when it cannot be told:
    standard input, a file gone, a name the system refuses)."""
    try:
        return os.stat(name).st_size
    except (OSError, ValueError):
        return 0


def convert_document(job: DocumentJob, item: tuple[str, str, str]) -> DocumentResult:
    """Convert one input (``item`` is ``(name, kind, target)``, see
    :meth:`DocumentJob.convert`) and say what became of it; a problem with this input is
    its ``error``, not an exception (a usage error, which concerns them all, is raised).
    A plain function of picklable arguments, for worker processes and clusters."""
    from .documents.tally import counting

    name, _, target = item
    size = input_size(name)
    try:
        with counting() as tally:
            loads, written = job.convert(item)
    except UsageError:
        raise
    except GlossatorError as exc:
        return DocumentResult(name, target, size, error=str(exc))
    return DocumentResult(name, target, size, dict(tally), loads, same=not written)

#: The bytes below which a text file cannot fill one piece of :mod:`glossator.streaming`
#: (its ``CHUNK`` characters: a character is at least one byte). A test checks they agree.
STREAM_FLOOR = 1 << 20


def page_title(name: str) -> str:
    """The ``<title>`` of a standalone page without ``--title``: the input file's name."""
    from pathlib import Path

    return Path(name).stem if name != "<stdin>" else "glossator"


def worker_count(jobs: int) -> int:
    """``--jobs``: ``0`` is one process per CPU this process may use."""
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


#: The renderer of a worker process (set once, when the process starts).
_RENDERER: DocumentJob | None = None


def _start_worker(renderer: DocumentJob) -> None:
    global _RENDERER
    _RENDERER = renderer
    # Ctrl-C reaches the whole process group: the parent stops the workers itself
    import signal

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
    renderer: DocumentJob, method: str, items: Iterable[Any], jobs: int = 1
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


# -- output planning: where each document goes ---------------------------------------

#: The suffix of an output file by format (``--output-dir``); another format's is its name.
SUFFIXES = {"text": ".txt", "html": ".html", "terminal": ".txt", "json": ".json",
            "markdown": ".md"}


def written_as(kind: str, fmt: str) -> str:
    """The format an input of ``kind`` is written in when text is written as ``fmt``:
    pages and Markdown are always HTML."""
    return fmt if kind == "text" else "html"


def output_path(out_dir: str, inp: Input, kind: str, fmt: str) -> str:
    """Where ``--output-dir`` writes input ``inp``: under its path inside the directory it
    was found in (the tree is kept), or by its own name; the format's suffix, except that
    an HTML page keeps its own (``.htm`` stays ``.htm``)."""
    from pathlib import Path

    rel = Path(inp.relative if inp.relative is not None else Path(inp.name).name)
    fmt = written_as(kind, fmt)
    suffix = rel.suffix if kind == "html" and rel.suffix else SUFFIXES.get(fmt, f".{fmt}")
    return str(Path(out_dir) / rel.with_suffix(suffix))


def write_each(
    job: DocumentJob, names: Sequence[str], kinds: Sequence[str], targets: Sequence[str],
    jobs: int, report: Callable[[str], None], loaded: list[bool] | None = None,
    *, on_result: Callable[[DocumentResult], None] | None = None, fail_fast: bool = False,
) -> int:
    """Annotate each input into its target, one document at a time (memory stays that of
    one page), each written as soon as it is done, whole or not at all. A document that
    fails is reported (``report``, one line) and the others go on, unless ``fail_fast``
    (the run then stops there); the number that failed is returned (and ``loaded`` gets,
    for each page written, whether it loads the assets; ``on_result`` each
    :class:`DocumentResult`, in input order). Interrupted, the workers are stopped and
    what they left half-written is removed."""
    failed = 0
    done = each(job, "convert_one", zip(names, kinds, targets, strict=True), jobs)
    try:
        for ok, result in done:
            if not ok:  # not a DocumentResult: an error convert_document let through
                result = DocumentResult("", "", error=str(result))
            if on_result is not None:
                on_result(result)
            if result.error is not None:
                failed += 1
                report(result.error)
                if fail_fast:
                    _abandon(done, targets)
                    break
            elif loaded is not None:
                loaded.append(result.loads_assets)
    except BaseException:  # Ctrl-C: stop the workers, then remove what they left
        _abandon(done, targets)
        raise
    # what runs killed before this one left (SIGKILL: nothing could clean up then)
    remove_stale_partials(targets)
    return failed


def _abandon(done: Generator[Any, None, None], targets: Sequence[str]) -> None:
    """Stop the workers of ``done``, then remove what they left half-written."""
    done.close()
    for target in targets:
        for partial in partial_files(target):
            partial.unlink(missing_ok=True)


class DocumentFailed(GlossatorError):
    """A document failed in a worker process: its one-line error, as it was written."""

    def describe(self, level: str | None = None) -> str:
        """The error's line as the worker wrote it."""
        return self.message


def render_all(
    job: DocumentJob, names: Sequence[str], kinds: Sequence[str], jobs: int
) -> tuple[str, str, bytes]:
    """Every input annotated into one output: the body, its encoding and BOM.

    Every input is read (and checked) before anything is rendered. HTML pages are written
    back in their own encoding, with their BOM; other outputs (and a mixture of inputs
    written to one stream) in UTF-8. Several JSON documents make one JSON array.
    :func:`write_all` writes the same bytes as they are made.
    """
    one = len(names) == 1 and jobs <= 1  # (else read up front: no bytes kept)
    docs = [job.read(name, kind, one) for name, kind in zip(names, kinds, strict=True)]
    return _render_docs(job, docs, jobs)


def _render_docs(job: DocumentJob, docs: list[Document], jobs: int) -> tuple[str, str, bytes]:
    """:func:`render_all` of the documents read."""
    outputs: list[str] = []
    with contextlib.closing(each(job, "render_nth", enumerate(docs, 1), jobs)) as rendering:
        for ok, rendered in rendering:
            if not ok:
                raise DocumentFailed(rendered)
            outputs.append(rendered)
    encoding, bom = _one_encoding(job, docs)
    if job.fmt == "json" and len(outputs) > 1:
        body = "[\n" + ",\n".join(outputs) + "\n]\n"
        import json

        json.loads(body)  # always valid JSON
    else:
        # an HTML page is written back as it came, final newline or not
        body = "".join(r if doc.kind == "html" else terminated(r)
                       for r, doc in zip(outputs, docs, strict=True))
    return body, encoding, bom


def _one_encoding(job: DocumentJob, docs: list[Document]) -> tuple[str, bytes]:
    """The encoding and BOM of one output holding ``docs``: theirs if they agree, else
    UTF-8 without a BOM."""
    out_encodings = {job.output_encoding_of(doc) for doc in docs}
    return out_encodings.pop() if len(out_encodings) == 1 else ("utf-8", b"")


def write_all(job: DocumentJob, names: Sequence[str], kinds: Sequence[str], jobs: int,
              sink: Callable[[bytes], object]) -> bool:
    """The bytes of :func:`render_all` (BOM first) handed to ``sink`` (``file.write``)
    as they are made: in UTF-8, one document at a time, each written by its renderer's
    C loop a bounded piece at a time (:meth:`DocumentJob.render_into`), so that the
    output is never held whole; with ``jobs`` > 1, each document as its worker gives it
    back. Every input is read (and checked) before anything is written. Whether the
    pages written load the assets of ``assets_root``."""
    from .documents.write import encode

    one = len(names) == 1 and jobs <= 1  # (else read up front: no bytes kept)
    docs = [job.read(name, kind, one) for name, kind in zip(names, kinds, strict=True)]
    encoding, bom = _one_encoding(job, docs)
    if encoding != "utf-8" or (job.assets_root is not None and len(docs) > 1):
        body, encoding, bom = _render_docs(job, docs, jobs)  # as one, then encoded
        sink(encode(body, encoding, bom, job.fmt))
        return job.loads_assets(body)
    if bom:
        sink(bom)
    many_json = job.fmt == "json" and len(docs) > 1
    if many_json:
        sink(b"[\n")
    loads = False
    for i, (doc, rendered) in enumerate(zip(docs, _rendered(job, docs, jobs), strict=True)):
        if many_json and i:
            sink(b",\n")
        if rendered is None:  # rendered here, into the sink
            loads |= _render_into(job, doc, sink, many_json, i + 1)
            continue
        keep = doc.kind == "html" or many_json
        sink(encode(rendered if keep else terminated(rendered)))
        loads |= job.loads_assets(rendered)
    if many_json:
        sink(b"\n]\n")
    return loads


def _rendered(job: DocumentJob, docs: list[Document], jobs: int,
              ) -> Iterator[str | None]:
    """Each document rendered by the workers (``jobs`` > 1), in order; else ``None``
    for each, to be rendered into the sink."""
    if jobs <= 1:
        yield from (None for _ in docs)
        return
    with contextlib.closing(each(job, "render_nth", enumerate(docs, 1), jobs)) as rendering:
        for ok, rendered in rendering:
            if not ok:
                raise DocumentFailed(rendered)
            yield rendered


def _render_into(job: DocumentJob, doc: Document, sink: Callable[[bytes], object],
                 many_json: bool, number: int) -> bool:
    """:meth:`DocumentJob.render_into` of document ``number`` of :func:`write_all`; a
    problem with it fails the run as a worker's would (:class:`DocumentFailed`)."""
    try:
        return job.render_into(doc, sink, "utf-8", terminate=not many_json, number=number)
    except UsageError:
        raise
    except GlossatorError as exc:
        raise DocumentFailed(str(exc)) from None
