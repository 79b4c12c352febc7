"""The ``glossator`` command: a thin layer over the library.

Exit codes: 0 success; 1 bad input (a glossary or document that cannot be used);
2 usage error (unknown option or format). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import __version__
from .batch import encode as _encode
from .batch import terminated as _terminated
from .batch import write_file as _write_file
from .errors import GlossatorError, InputError, UsageError

if TYPE_CHECKING:
    from .annotate import Annotator
    from .glossary import Glossary

__all__ = ["main"]

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2

FORMATS = ("text", "html", "terminal", "json", "markdown")
SUFFIXES = {"text": ".txt", "html": ".html", "terminal": ".txt", "json": ".json",
            "markdown": ".md"}


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"glossator: error: {message} (see '{self.prog} --help')\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="glossator",
        description="Find French jargon in text and attach glossary definitions.",
        epilog="Exit codes: 0 ok, 1 bad input (glossary or document), 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"glossator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    ann = sub.add_parser(
        "annotate",
        help="annotate text files with a glossary",
        description="Annotate French text with glossary definitions. With no FILE, or "
        "FILE '-', read standard input. With no --glossary, use the bundled glossary "
        "of the French social and solidarity economy.",
        epilog="Default format: 'terminal' when writing to a terminal, 'text' otherwise. "
        "Exit codes: 0 ok, 1 bad input, 2 usage error.",
    )
    ann.add_argument("files", nargs="*", metavar="FILE",
                     help="text, Markdown or HTML files to annotate, or directories searched "
                     "for them ('-': stdin)")
    _glossary_options(ann)
    ann.add_argument("-f", "--format", choices=FORMATS,
                     help="output format (default: terminal on a TTY, text otherwise)")
    ann.add_argument("-o", "--output", metavar="FILE",
                     help="write to FILE instead of standard output")
    ann.add_argument("--output-dir", metavar="DIR",
                     help="write one output file per input into DIR (same name, new suffix), "
                     "each as soon as it is done; an input that fails is reported and the "
                     "others are written")
    ann.add_argument("--in-place", action="store_true",
                     help="rewrite each HTML page with its annotations (a built site, say); "
                     "each page is replaced whole or not at all, and annotating twice "
                     "changes nothing")
    ann.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                     help="annotate the inputs in N processes (0: one per CPU; default 1); "
                     "the output is the same, in the same order")
    _matching_options(ann)
    ann.add_argument("--explain", action="store_true",
                     help="instead of the annotated text, show each match and why it was made "
                     "(same as 'glossator explain')")
    ann.add_argument("--standalone", action="store_true",
                     help="html: write a whole page with its stylesheet")
    ann.add_argument("--title", metavar="TEXT",
                     help="with --standalone: the page's title, shown as its <h1> heading "
                     "too (default: the file's name as <title>, and no heading)")
    ann.add_argument("--markup", choices=("glossator", "spip", "abbr"),
                     help="html: markup of the tooltips: glossator's (default), SPIP's "
                     "glossary (a.cs_glossaire), or <abbr title>; text and HTML input")
    ann.add_argument("--rich-definitions", action="store_true",
                     help="html: keep em, strong and links (http, https, mailto) in "
                     "definitions, cleaned by the nh3 sanitizer (default: definitions are "
                     "plain text)")
    ann.add_argument("--link-to", metavar="URL",
                     help="html and markdown: each term links to its entry in the A-Z index "
                     "at URL (written by 'glossator index'): index.html gives "
                     "index.html#glossaire-ess; {id} in URL stands for the entry's id")
    ann.add_argument("--script", action="store_true",
                     help="with --standalone and -o/--output-dir: the page loads "
                     "glossator.js (Escape closes a tooltip, a tap toggles it), written "
                     "next to it")
    ann.add_argument("--terminal-style", choices=("notes", "inline"), default="notes",
                     help="terminal: numbered notes after each paragraph (default) or "
                     "definitions inline")
    _display_options(ann, "terminal: line width (default: the terminal's, else 80)")
    ann.add_argument("--output-encoding", metavar="ENC",
                     help="encoding of the output (default: an HTML page keeps its own, "
                     "everything else is UTF-8); characters it lacks become HTML character "
                     "references in HTML output")
    _html_input_options(ann)

    exp = sub.add_parser(
        "explain",
        help="show each match, which entry and form it matched, how, and what the "
        "policies made of it",
        description="Show a person each match: where, which entry, which written form "
        "(a plural, an unaccented capital…), how it matched, and whether it is annotated.",
    )
    exp.add_argument("files", nargs="*", metavar="FILE", help="text files ('-': stdin)")
    _glossary_options(exp)
    _matching_options(exp)
    exp.add_argument("-f", "--format", choices=("table", "json"), default="table",
                     help="a table (default) or JSON lines")
    _display_options(exp, "table width (default: 100)")

    sub.add_parser(
        "css",
        help="print the tooltip stylesheet, to link from a site's theme",
        description="Print glossator's tooltip stylesheet (hover and keyboard focus show "
        "the definition; no JavaScript). Annotated HTML pages need it.",
    )

    sub.add_parser(
        "js",
        help="print the optional tooltip script, to serve next to the stylesheet",
        description="Print glossator.js: Escape closes a tooltip, a tap or click toggles "
        "it. Optional (tooltips work without it); load it with <script defer src>.",
    )

    from .commands import command_modules

    for module in command_modules():
        module.register(sub)
    return parser


# -- HTML documents as input (glossator.documents.html) -------------------------------



def _html_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input-format", choices=("text", "html", "markdown"),
                   help="read the inputs as text, HTML or Markdown (default: HTML for .html, "
                   ".htm and .xhtml files, Markdown for .md and .markdown files, text "
                   "otherwise and for standard input); HTML is written back as it was, with "
                   "the terms annotated; Markdown is rendered to an HTML fragment")
    p.add_argument("--skip", action="append", metavar="SELECTOR", default=[],
                   help="html and markdown input: also leave alone the text of elements "
                   "matching SELECTOR (tag, .class, #id, [attr=value], tag.class); repeatable")
    p.add_argument("--root", metavar="SELECTOR",
                   help="html input: annotate only inside the first element matching SELECTOR")


def _input_kinds(args: argparse.Namespace, names: Sequence[str]) -> list[str]:
    """For each input, ``"text"``, ``"html"`` or ``"markdown"``; checks the options that go
    with it."""
    from .batch import kind_of

    if args.input_format is not None:
        kinds = [args.input_format] * len(names)
    else:
        kinds = [kind_of(n) for n in names]
    for kind, label in (("html", "HTML"), ("markdown", "Markdown")):
        if kind not in kinds:
            continue
        if args.format not in (None, "html"):
            raise UsageError(f"{label} input is written as HTML, not {args.format}",
                             hint="drop -f/--format, or use --input-format text")
        if args.standalone and kind == "html":
            raise UsageError("--standalone goes with text or Markdown input; an HTML page is "
                             "kept whole")
        if args.explain:
            raise UsageError("--explain reads text input; use --input-format text")
    if (args.skip or args.root) and kinds.count("text") == len(kinds):
        raise UsageError("--skip and --root go with HTML input",
                         hint="give a .html file or --input-format html (--skip also goes "
                         "with Markdown input)")
    if args.root and "html" not in kinds:
        raise UsageError("--root goes with HTML input, not Markdown",
                         hint="give a .html file or --input-format html")
    if "markdown" in kinds:
        try:
            import markdown  # noqa: F401
        except ImportError:
            raise UsageError("Markdown input needs Python-Markdown",
                             hint="pip install 'glossator[markdown]'") from None
    selectors = [*args.skip, *([args.root] if args.root else [])]
    if selectors:  # the HTML module is imported only when it is needed (start-up)
        from .documents.html import parse_selector

        for selector in selectors:
            parse_selector(selector)
    return kinds


def _glossary_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-g", "--glossary", action="append", metavar="FILE", default=[],
                   help="glossary file; repeat to merge several (the later file wins)")
    p.add_argument("--glossary-format", metavar="FORMAT",
                   help="read the glossaries in FORMAT whatever their suffix")
    _glossary_encoding_option(p)
    p.add_argument("--strict", action="store_true",
                   help="treat glossary warnings (unknown keys, duplicates) as errors")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print glossary warnings")


def _glossary_encoding_option(p: argparse.ArgumentParser) -> None:
    """``--glossary-encoding``: the encoding of the glossary files (``--encoding`` is the
    documents')."""
    p.add_argument("--glossary-encoding", metavar="ENC",
                   help="encoding of the glossary files (default: utf-8; XML files: the "
                   "one they declare), e.g. cp1252 for a CSV saved by Excel")


def _display_options(p: argparse.ArgumentParser, width_help: str) -> None:
    p.add_argument("--width", type=int, metavar="N", help=width_help)
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colours (auto: on a TTY unless NO_COLOR is set)")
    p.add_argument("--encoding", default="utf-8",
                   help="encoding of the input files (default: utf-8)")


def _matching_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--occurrences", choices=("first", "section", "all"), default="first",
                   help="annotate the first occurrence of each entry per document (default), "
                   "per section (blocks between blank lines, Markdown headings), or all")
    p.add_argument("--max-per-entry", type=int, metavar="N",
                   help="annotate each entry at most N times per document")
    p.add_argument("--accents", choices=("strict", "fold"), default="strict",
                   help="strict (default; an unaccented capital still matches: ETAT, Etat) "
                   "or fold (economie finds économie)")
    p.add_argument("--no-inflect", dest="inflect", action="store_false",
                   help="match the forms as written, without their plurals")
    p.add_argument("--lemmas", choices=("rules", "spacy"), default="rules",
                   help="where plurals come from: built-in rules (default), or also the "
                   "irregular forms of spaCy's fr_core_news_sm lemma tables (slower start)")
    p.add_argument("--cache-dir", metavar="DIR", default=os.environ.get("GLOSSATOR_CACHE_DIR"),
                   help="keep compiled glossaries in DIR so that the next run skips "
                   "compiling (default: $GLOSSATOR_CACHE_DIR, else no cache)")


def _annotator(args: argparse.Namespace, glossary: Glossary) -> Annotator:
    from .annotate import Annotator

    if args.max_per_entry is not None and args.max_per_entry < 1:
        raise UsageError("--max-per-entry must be at least 1")
    annotator = Annotator(glossary, occurrences=args.occurrences,
                          max_per_entry=args.max_per_entry, accents=args.accents,
                          inflect=args.inflect, lemmas=args.lemmas, cache_dir=args.cache_dir)
    _loaded(args)
    return annotator


def _loaded(args: argparse.Namespace) -> None:
    """The glossary and its matcher are built: turn the garbage collector back on.

    ``main`` turns the collector off before a command runs: a glossary of 100 000 entries
    is millions of objects without a cycle, and the collections their creation would start
    (each walking everything built so far) made a cached start twice as slow. Run as a
    program, the glossary lives as long as the process, so it is also moved out of the
    collector's sight (``gc.freeze``) rather than walked by its next full collection.
    """
    was_enabled, program = args.gc_state
    if program:
        gc.freeze()
    if was_enabled:
        gc.enable()


def _cmd_explain(args: argparse.Namespace) -> int:
    from .explain import explain, render_explanations

    if args.width is not None and args.width < 40:
        raise UsageError("--width must be at least 40")
    glossary = _load(args.glossary, args.glossary_format, args.strict, args.quiet,
                     getattr(args, "glossary_encoding", None), args.cache_dir)
    docs = _read_inputs(args.files, args.encoding)
    annotator = _annotator(args, glossary)
    is_tty = sys.stdout.isatty()
    color = {"always": True, "never": False}.get(getattr(args, "color", "auto"))
    if color is None:
        color = is_tty and "NO_COLOR" not in os.environ
    width = getattr(args, "width", None)
    fmt = getattr(args, "explain_format", None) or args.format
    if fmt not in ("table", "json"):
        fmt = "table"
    parts = [render_explanations(explain(text, annotator), source=name, fmt=fmt,
                                 color=color, width=width) for name, text in docs]
    _write_stdout("".join(parts))
    return EXIT_OK


def _warn(message: str) -> None:
    print(f"glossator: warning: {message}", file=sys.stderr)


def _load(
    paths: Sequence[str], fmt: str | None, strict: bool, quiet: bool,
    encoding: str | None = None, cache_dir: str | None = None,
) -> Glossary:
    from .loaders import bundled_glossary_path, read_glossaries

    files = list(paths) or [str(bundled_glossary_path())]
    glossary = read_glossaries(files, format=fmt, encoding=encoding, cache_dir=cache_dir)
    for d in glossary.diagnostics:
        if strict or d.level == "error":
            raise d.to_error()
        if not quiet:
            _warn(str(d).replace("warning: ", "", 1))
    return glossary


def _read_inputs(files: Sequence[str], encoding: str) -> list[tuple[str, str]]:
    """Read and decode text inputs (``-`` or none: standard input; directories searched
    for documents): ``(name, text)``."""
    from .batch import TEXT_SUFFIXES, expand_inputs, read_document

    return [(doc.name, doc.text) for doc in (
        read_document(i.name, "text", encoding)
        for i in expand_inputs(files or ["-"], TEXT_SUFFIXES))]


def _cmd_annotate(args: argparse.Namespace) -> int:
    if sum(map(bool, (args.output, args.output_dir, args.in_place))) > 1:
        raise UsageError("--output, --output-dir and --in-place cannot be used together")
    if args.standalone and args.format not in (None, "html"):
        raise UsageError("--standalone goes with --format html")
    if args.title is not None and not args.standalone:
        raise UsageError("--title goes with --standalone", hint="add --standalone")
    if args.width is not None and args.width < 20:
        raise UsageError("--width must be at least 20")
    from .batch import DOCUMENT_SUFFIXES, HTML_SUFFIXES, expand_inputs

    if args.in_place and args.output_encoding:
        raise UsageError("--in-place writes each page back in the encoding it declares",
                         hint="drop --output-encoding")
    # --in-place takes the pages of a folder (a site's robots.txt is not one); an output
    # folder inside an input one is not read back
    inputs = expand_inputs(list(args.files) or ["-"],
                           HTML_SUFFIXES if args.in_place else DOCUMENT_SUFFIXES,
                           [args.output_dir] if args.output_dir else [])
    names = [i.name for i in inputs]
    kinds = _input_kinds(args, names)
    _check_markup_options(args, kinds)
    if args.explain:
        if args.output or args.output_dir or args.in_place or args.standalone:
            raise UsageError("--explain writes to standard output; drop -o/--output-dir")
        args.explain_format = "json" if args.format == "json" else "table"
        return _cmd_explain(args)
    if args.in_place and (kinds.count("html") < len(kinds) or args.format not in (None, "html")):
        raise UsageError("--in-place rewrites HTML pages, which stay HTML pages",
                         hint="give only .html files or folders of them (or --input-format "
                         "html); write other inputs with --output-dir")
    to_file = bool(args.output or args.output_dir or args.in_place)
    is_tty = not to_file and sys.stdout.isatty()
    html_out = args.standalone or args.markup or kinds.count("text") < len(kinds)
    fmt = args.format or ("html" if html_out else ("terminal" if is_tty else "text"))
    if args.link_to is not None:
        if fmt not in ("html", "markdown"):
            raise UsageError("--link-to goes with HTML or Markdown output",
                             hint="add -f html or -f markdown")
        from .anchors import check_link_to

        check_link_to(args.link_to)

    output_encoding = None
    if args.output_encoding:
        import codecs

        try:
            output_encoding = codecs.lookup(args.output_encoding).name
        except LookupError:
            raise UsageError(f"unknown encoding '{args.output_encoding}'",
                             hint="use a Python codec name such as utf-8 or cp1252") from None
    if (args.output_dir or args.in_place) and "-" in names:
        raise UsageError(f"{'--output-dir' if args.output_dir else '--in-place'} needs "
                         "named input files, not standard input")
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per CPU) or more")
    if args.output_dir:
        targets = [_output_path(args.output_dir, i, kind, fmt)
                   for i, kind in zip(inputs, kinds, strict=True)]
    elif args.in_place:
        targets = list(names)
    else:
        targets = [args.output] if args.output else []
    script_path = None
    if args.script:
        script_path = str(Path(args.output_dir or Path(args.output).parent) / "glossator.js")
    _check_targets([name for name in names if name != "-" and not args.in_place],
                   [*targets, *([script_path] if script_path else [])],
                   "give each page once" if args.in_place else None)

    glossary = _load(args.glossary, args.glossary_format, args.strict, args.quiet,
                     getattr(args, "glossary_encoding", None), args.cache_dir)
    if args.output_dir:  # checked before any work: a directory that cannot be made
        out_dir = Path(args.output_dir)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(exc.strerror or "cannot create directory",
                             file=args.output_dir) from None
    from .batch import Renderer, each, worker_count

    options: dict[str, Any] = {}
    if fmt == "html":
        options.update(standalone=args.standalone, script=args.script,
                       markup=args.markup or "glossator",
                       rich_definitions=args.rich_definitions, link_to=args.link_to)
    elif fmt == "markdown":
        options.update(link_to=args.link_to)
    elif fmt == "terminal":
        color = {"always": True, "never": False}.get(args.color)
        if color is None:
            color = is_tty and "NO_COLOR" not in os.environ
        width = args.width
        if width is None and is_tty:
            import shutil

            width = shutil.get_terminal_size((80, 24)).columns
        options.update(color=color, width=width, style=args.terminal_style)
    renderer = Renderer(
        _annotator(args, glossary), fmt, options, encoding=args.encoding,
        output_encoding=output_encoding, standalone=args.standalone, title=args.title,
        script=args.script, markup=args.markup, rich_definitions=args.rich_definitions,
        link_to=args.link_to, skip=tuple(args.skip), root=args.root,
    )
    jobs = min(worker_count(args.jobs), len(names))

    if args.output_dir or args.in_place:
        # one document at a time (memory stays that of one page), each written as soon as
        # it is done (whole or not at all); a document that fails is reported and the
        # others go on
        failed = 0
        jobs_done = each(renderer, "convert", zip(names, kinds, targets, strict=True), jobs)
        try:
            for ok, error in jobs_done:
                if not ok:
                    failed += 1
                    print(f"glossator: error: {error}", file=sys.stderr)
        except BaseException:  # Ctrl-C: stop the workers, then remove what they left
            jobs_done.close()
            from .batch import partial_files

            for target in targets:
                for partial in partial_files(target):
                    partial.unlink(missing_ok=True)
            raise
        _write_script(script_path)
        if failed == len(names) > 1:
            print(f"glossator: all {len(names)} inputs failed", file=sys.stderr)
        elif failed and len(names) > 1:
            where = f"written to {args.output_dir}" if args.output_dir else "annotated"
            print(f"glossator: {failed} of {len(names)} inputs failed; the others were "
                  f"{where}", file=sys.stderr)
        return EXIT_INPUT if failed else EXIT_OK

    # one output stream: every input is read (and checked) before anything is written
    docs = [renderer.read(name, kind) for name, kind in zip(names, kinds, strict=True)]
    outputs: list[str] = []
    with contextlib.closing(each(renderer, "render", docs, jobs)) as rendering:
        for ok, rendered in rendering:
            if not ok:
                raise _Failed(rendered)
            outputs.append(rendered)
    # HTML pages are written back in their own encoding, with their BOM; other outputs
    # (and a mixture of inputs written to one stream) in UTF-8
    out_encodings = {renderer.output_encoding_of(doc) for doc in docs}
    encoding, bom = out_encodings.pop() if len(out_encodings) == 1 else ("utf-8", b"")
    if fmt == "json" and len(outputs) > 1:
        import json

        body = "[\n" + ",\n".join(outputs) + "\n]\n"
        json.loads(body)  # always valid JSON
    else:
        # an HTML page is written back as it came, final newline or not
        body = "".join(r if doc.kind == "html" else _terminated(r)
                       for r, doc in zip(outputs, docs, strict=True))
    if args.output:
        _write_file(args.output, body, encoding, bom)
        _write_script(script_path)
    else:
        _write_stdout(body, encoding=encoding, bom=bom)
    return EXIT_OK


class _Failed(GlossatorError):
    """A document failed in a worker process: its one-line error, as it was written."""

    def describe(self, level: str | None = None) -> str:
        """The error's line as the worker wrote it."""
        return self.message


def _output_path(out_dir: str, inp: Any, kind: str, fmt: str) -> str:
    """Where ``--output-dir`` writes input ``inp``: under its path inside the directory it
    was found in (the tree is kept), or by its own name; the format's suffix, except that
    an HTML page keeps its own (``.htm`` stays ``.htm``)."""
    rel = Path(inp.relative if inp.relative is not None else Path(inp.name).name)
    suffix = rel.suffix if kind == "html" and rel.suffix else SUFFIXES[fmt]
    return str(Path(out_dir) / rel.with_suffix(suffix))


def _check_markup_options(args: argparse.Namespace, kinds: Sequence[str]) -> None:
    """``--markup`` goes with HTML output of text or HTML input; ``--script`` with
    ``--standalone`` written to a file."""
    if args.markup is not None:
        if args.format not in (None, "html") or args.explain:
            raise UsageError("--markup goes with HTML output", hint="add -f html")
        if args.markup != "glossator" and "markdown" in kinds:
            raise UsageError("--markup spip/abbr does not go with Markdown input yet",
                             hint="convert the Markdown to HTML first, then annotate it")
    if args.link_to is not None and args.explain:
        raise UsageError("--link-to goes with HTML or Markdown output, not --explain")
    if args.rich_definitions and (args.format not in (None, "html") or "markdown" in kinds):
        raise UsageError("--rich-definitions goes with HTML output of text or HTML input")
    if args.script:
        if not args.standalone:
            raise UsageError("--script goes with --standalone",
                             hint="a page of your own loads glossator.js itself "
                             "('glossator js' prints it)")
        if not (args.output or args.output_dir):
            raise UsageError("--script writes glossator.js next to the page: give -o FILE "
                             "or --output-dir DIR")


def _write_script(path: str | None) -> None:
    """``--script``: glossator.js next to the pages that load it."""
    if path is not None:
        from .render.html import script

        _write_file(path, script())


def _check_targets(inputs: Sequence[str], targets: Sequence[str],
                   twice_hint: str | None = None) -> None:
    """Refuse to write over an input file, or to write two outputs to the same file.

    Both happen silently otherwise: ``--output-dir .`` replaces ``a.txt`` by its annotated
    text, and ``x/a.txt y/a.txt --output-dir out`` keeps only the second output.
    ``twice_hint`` replaces the advice for the second case.
    """
    sources = {Path(name).resolve() for name in inputs}
    seen: set[Path] = set()
    for target in targets:
        resolved = Path(target).resolve()
        if resolved in sources:
            raise UsageError(f"the output {target} would overwrite an input file",
                             hint="write the output elsewhere")
        if resolved in seen:
            raise UsageError(f"two inputs would be written to the same output {target}",
                             hint=twice_hint or "give their folder instead (its tree is "
                             "kept under --output-dir), or annotate them separately")
        seen.add(resolved)


def _write_stdout(
    body: str, stream: TextIO | None = None, *, encoding: str = "utf-8", bom: bytes = b""
) -> None:
    out = stream or sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        buffer.write(_encode(body, encoding, bom))
        buffer.flush()
    else:
        out.write(body)
        out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    args.gc_state = (gc.isenabled(), argv is None)
    gc.disable()  # until the glossary is loaded (_loaded)
    try:
        if args.command == "annotate":
            return _cmd_annotate(args)
        if args.command == "explain":
            return _cmd_explain(args)
        if args.command == "css":
            from .render.html import stylesheet

            _write_stdout(stylesheet())
            return EXIT_OK
        if args.command == "js":
            from .render.html import script

            _write_stdout(script())
            return EXIT_OK
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except UsageError as exc:
        print(f"glossator: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except GlossatorError as exc:
        print(f"glossator: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly, like other Unix tools
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_OK
    finally:
        if args.gc_state[0]:
            gc.enable()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
