"""``glossator suggest PATH…``: harvest a draft glossary (acronyms and their long forms).

Files and directories (searched recursively for ``.txt``, ``.md``/``.markdown`` and
``.html``/``.htm``/``.xhtml`` files) or standard input (``-``) are read; HTML is reduced to
its text, Markdown loses its code. The library does the work
(:func:`glossator.suggest.suggest`); this module reads and writes.
"""

from __future__ import annotations

import argparse
import re
import sys
from html.parser import HTMLParser

__all__ = ["html_text", "markdown_text", "register", "run"]

#: Elements whose text is not prose: never harvested.
_SKIPPED = frozenset(
    "script style template noscript svg math code pre kbd samp textarea head".split())
#: Elements that end a block of text: a long form never reaches across them.
_BLOCKS = frozenset(
    "address article aside blockquote br dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p section summary table "
    "td th tr ul caption".split())
#: Written between two blocks on the same source line: U+2029 PARAGRAPH SEPARATOR stops a
#: long form and keeps the line count of the source.
BLOCK_BREAK = " \u2029 "


#: What an ``<abbr title>`` may hold to be read as the long form of its acronym.
_ABBR_TITLE = re.compile(r"[^()\[\]{}<>]{4,200}")


class _TextParser(HTMLParser):
    """The text of a page, line for line. ``<abbr title="long form">ACR</abbr>`` is read
    as *ACR (long form)*, the way a writer spells an acronym out: a page that marks its
    acronyms up gives their long forms (a title that does not spell the acronym out, a
    definition say, is dropped by the letter alignment like any other candidate)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.line = 1  # line of the text written so far
        self.skip = 0
        self.stack: list[str] = []
        self.pending_break = False
        self.abbr: list[str | None] = []  # the title of each open abbr

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
            self.stack.append(tag)
        if tag in _BLOCKS:
            self.pending_break = True
        if tag == "abbr":
            title = " ".join((dict(attrs).get("title") or "").split())
            self.abbr.append(title if _ABBR_TITLE.fullmatch(title) else None)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.pending_break = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "abbr" and self.abbr:
            title = self.abbr.pop()
            if title and not self.skip:
                self.parts.append(f" ({title})")
        if tag in self.stack:
            while self.stack:
                top = self.stack.pop()
                self.skip -= 1
                if top == tag:
                    break
        if tag in _BLOCKS:
            self.pending_break = True

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        line = self.getpos()[0]
        if line > self.line:
            self.parts.append("\n" * (line - self.line))
            self.line = line
        if self.pending_break:
            self.parts.append(BLOCK_BREAK)
            self.pending_break = False
        self.parts.append(data)
        self.line += data.count("\n")


def html_text(html: str) -> str:
    """The text of an HTML page, line for line: the text of line N of the source is on
    line N of the result (so contexts name source lines). Scripts, styles, code and the
    ``head`` are left out; blocks are kept apart."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2[`~]*[ \t]*$", re.M | re.S)
_INLINE_CODE = re.compile(r"(`+)[^`\n]+?\1")


def markdown_text(markdown: str) -> str:
    """Markdown with its code blocks and code spans blanked out (line count kept)."""
    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group())

    return _INLINE_CODE.sub(blank, _FENCE.sub(blank, markdown))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``glossator suggest`` to the sub-parsers."""
    from .common import glossary_options

    p = sub.add_parser(
        "suggest",
        help="harvest a draft glossary from a corpus: acronyms with the long forms the "
        "text gives, and frequent acronyms it never spells out",
        description="Read French texts (files, directories searched for .txt, .md and "
        ".html files, or '-' for standard input) and write a draft glossary: each acronym "
        "whose long form the text writes out ('pôles territoriaux de coopération économique "
        "(PTCE)', 'PTCE (…)', 'PTCE, c'est-à-dire …', 'PTCE : …'), then the acronyms used "
        "at least --min-count times but never spelled out. Definitions are placeholders "
        "('À définir.') for a person to write.",
        epilog="Exit codes: 0 ok, 1 bad input, 2 usage error.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="text, Markdown or HTML files, or directories ('-': stdin)")
    glossary_options(p)
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the draft to FILE instead of standard output")
    p.add_argument("-f", "--format", choices=("yaml", "json"), default="yaml",
                   help="a draft glossary in YAML (default) or the suggestions in JSON")
    p.add_argument("--min-count", type=int, default=2, metavar="N",
                   help="list an acronym the text never spells out only if it occurs at "
                   "least N times (default: 2)")
    p.add_argument("--contexts", type=int, default=3, metavar="N",
                   help="example contexts per suggestion (default: 3)")
    p.add_argument("--encoding", default="utf-8",
                   help="encoding of the input files (default: utf-8; an HTML page's own "
                   "declaration wins)")
    p.set_defaults(run=run)


def _collect(paths: list[str]) -> list[tuple[str, str]]:
    """(name, kind) for each input: files as given, directories searched recursively."""
    from ..documents.read import expand_inputs, kind_of

    return [(i.name, kind_of(i.name)) for i in expand_inputs(paths or ["-"])]



def run(args: argparse.Namespace) -> int:
    """Read the inputs, harvest, write the draft."""
    from ..documents.read import read_document
    from ..documents.write import check_targets, write_file
    from ..errors import UsageError
    from ..suggest import render_json, render_yaml, suggest
    from .common import EXIT_OK, load_glossaries, write_stdout

    if args.min_count < 1:
        raise UsageError("--min-count must be at least 1")
    if args.contexts < 0:
        raise UsageError("--contexts must be 0 or more")
    glossary = (load_glossaries(args.glossary, args.glossary_format, args.strict, args.quiet,
                      args.glossary_encoding)
                if args.glossary else None)
    inputs = _collect(list(args.paths))
    if args.output:
        check_targets([n for n, _ in inputs if n != "-"], [args.output])
    texts: dict[str, str] = {}
    for name, kind in inputs:
        doc = read_document(name, kind, args.encoding)
        texts[doc.name] = (html_text(doc.text) if kind == "html" else
                           markdown_text(doc.text) if kind == "markdown" else doc.text)
    found = suggest(texts, glossary, min_count=args.min_count, max_contexts=args.contexts)
    render = render_json if args.format == "json" else render_yaml
    body = render(found, documents=len(texts))
    if args.output:
        write_file(args.output, body)
    else:
        write_stdout(body)
    if not args.quiet:
        pairs = sum(1 for s in found if s.kind == "pair")
        print(f"glossator: {pairs} acronym{'s' if pairs != 1 else ''} with a long form, "
              f"{len(found) - pairs} without, from {len(texts)} "
              f"document{'s' if len(texts) != 1 else ''}", file=sys.stderr)
    return EXIT_OK
