"""The prose of a document, line for line, for the tools that read a corpus rather than
annotate it (``suggest``, ``check --corpus``): what a person wrote, without code, with
each line where it is in the file, so that a finding names the file's line.

``annotate`` reads pages its own way (:mod:`.html`): it must splice markup back into the
source, so it keeps byte offsets, not lines.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .read import Document

__all__ = ["BLOCK_BREAK", "html_text", "markdown_text", "prose"]


#: Elements whose text is not prose: never harvested.
_SKIPPED = frozenset(
    "script style template noscript svg math code pre kbd samp var textarea head".split())
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


def _blank(m: re.Match[str]) -> str:
    """The match as spaces, its line breaks kept (offsets and lines stay right)."""
    return re.sub(r"[^\n]", " ", m.group())


def markdown_text(markdown: str) -> str:
    """Markdown with its code blocks and code spans blanked out: the same length, the
    same lines, so that offsets and line numbers are the file's."""
    return _INLINE_CODE.sub(_blank, _FENCE.sub(_blank, markdown))


def prose(doc: Document) -> str:
    """The prose of a document read by :func:`~.read.read_document`, line for line: an
    HTML page's text (:func:`html_text`), Markdown without its code
    (:func:`markdown_text`), a text as it is."""
    if doc.kind == "html":
        return html_text(doc.text)
    if doc.kind == "markdown":
        return markdown_text(doc.text)
    return doc.text
