"""Markdown with footnotes: each annotated term gets a note with its title and definition.

The text is escaped so that Markdown shows it as written; the notes follow the text as
``[^ess]: **ESS** — …`` (footnote syntax of Python-Markdown, Pandoc, GitHub, MkDocs).
With ``link_to``, each annotated term also links to its entry in the A–Z index.
"""

from __future__ import annotations

import re

from ..anchors import check_link_to, entry_href
from ..errors import UsageError
from ..model import AnnotatedText
from ..text.chars import ASCII_WHITESPACE
from ..text.normalize import one_line

__all__ = ["FootnoteLabels", "escape_markdown", "kept_blank_line", "link_destination", "render"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~]|^[+\-](?=\s)|^(\d+)\.(?=\s))", re.MULTILINE)


#: An ``&`` that Markdown would read as the start of a character reference (``&lt;``,
#: ``&#x41;``; Python-Markdown takes any ``&`` + letters or digits + ``;``).
_REFERENCE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def escape_markdown(text: str) -> str:
    """Backslash-escape what Markdown would otherwise read as markup (``<`` is written
    ``&lt;``, which every reader takes, where Python-Markdown shows ``\\<`` as is), and
    write ``&amp;`` for an ``&`` that would start a character reference (``&lt;`` in the
    text stays ``&lt;`` on the page, not ``<``)."""

    def fix(m: re.Match[str]) -> str:
        if m.group(2) is not None:
            return f"{m.group(2)}\\."
        if m.group(1) == "<":  # Python-Markdown (MkDocs) takes no backslash before "<"
            return "&lt;"
        return "\\" + m.group(1)

    return _SPECIAL.sub(fix, _REFERENCE.sub("&amp;", text))


def kept_blank_line(line: str) -> str:
    """``line`` as a Markdown line that no reader drops: a line made only of white space
    with some beyond ASCII (no-break, narrow no-break spaces…) has those written as
    character references (``&#xA0;``), since Python-Markdown takes it for a blank line and
    drops it; any other line is returned as it is."""
    if not line.isspace() or not line.strip(ASCII_WHITESPACE):
        return line
    return "".join(f"&#x{ord(c):X};" for c in line if c not in ASCII_WHITESPACE)


def link_destination(url: str) -> str:
    """A link destination: what would end or break it is percent-encoded (a quote too:
    Python-Markdown reads ``"…"`` in a destination as the link's title)."""
    return "".join(f"%{ord(c):02X}" if c in " ()<>\\\"'" or ord(c) < 0x20 or ord(c) == 0x7F
                   else c for c in url)


_UNSAFE_LABEL = re.compile(r"[^A-Za-z0-9_-]+")


class FootnoteLabels:
    """Footnote labels made from entry ids: only ASCII letters, digits, ``-`` and ``_``,
    so that no id can write markup or end the footnote (``]``, ``]: ``, ``<``, a line
    break), and each id its own label. An id already in that alphabet is its own label;
    another is reduced to it (accents dropped, every other run of characters made one
    ``-``; ``note`` if nothing is left). Labels are compared as footnote syntaxes compare
    them, without case; a label already given to another id gets ``-2``, ``-3``… in the
    order the ids come, so the same text always gives the same labels."""

    def __init__(self) -> None:
        self._of: dict[str, str] = {}
        self._taken: set[str] = set()

    def label(self, entry_id: str) -> str:
        """The label of ``entry_id`` (the same each time it is asked)."""
        label = self._of.get(entry_id)
        if label is None:
            base = _UNSAFE_LABEL.sub("-", _ascii(entry_id)).strip("-") or "note"
            label, n = base, 1
            while label.casefold() in self._taken:
                n += 1
                label = f"{base}-{n}"
            self._taken.add(label.casefold())
            self._of[entry_id] = label
        return label


def _ascii(text: str) -> str:
    """``text`` with its accents dropped (``é`` → ``e``), other non-ASCII kept."""
    import unicodedata

    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def render(doc: AnnotatedText, *, link_to: str | None = None, document: int = 1) -> str:
    """The text in Markdown, each annotated term followed by a footnote reference.

    ``link_to``: the URL of the A–Z index (``glossator index``); each annotated term also
    links to its entry there: ``l’[ESS](index.html#glossaire-ess)[^ess]``.

    ``document``: the place of this text among several written one after the other into
    one Markdown file, whose footnote labels must all differ. The first keeps the labels
    of :class:`FootnoteLabels`; the second has them led by ``2.`` (``[^2.ess]``), and so
    on. A label of its own never holds a ``.``, so no label of one document can be another
    document's, whatever the entry ids.
    """
    if link_to is not None:
        check_link_to(link_to)
    out: list[str] = []
    notes: dict[str, str] = {}
    labels = FootnoteLabels()
    if document < 1:
        raise UsageError(f"document must be 1 or more, not {document}")
    lead = f"{document}." if document > 1 else ""
    for piece, ann in doc.segments():
        if ann is not None and link_to is not None and "\n" not in piece:
            # a term across a line break stays unlinked: each line becomes a paragraph
            href = link_destination(entry_href(link_to, ann.entry.id))
            out.append(f"[{escape_markdown(piece)}]({href})")
        else:
            out.append(escape_markdown(piece))
        if ann is not None:
            label = lead + labels.label(ann.entry.id)
            out.append(f"[^{label}]")
            if label not in notes:
                title = escape_markdown(one_line(ann.entry.display_title))
                definition = escape_markdown(one_line(ann.entry.definition))
                notes[label] = f"[^{label}]: **{title}** — {definition}"
    # each line of the input is a paragraph, as in the HTML output; a line of no-break
    # spaces is one too, written as references, which no Markdown reader drops
    body = "\n\n".join(kept_blank_line(line) for line in "".join(out).splitlines()
                       if line.strip(ASCII_WHITESPACE))
    if notes:
        body += "\n\n" + "\n".join(notes.values())
    return body + "\n"
