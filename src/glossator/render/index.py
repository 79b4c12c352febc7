"""The A–Z index of a glossary, as HTML or Markdown.

Entries are sorted in French alphabetical order (:mod:`glossator.collation`) and grouped
under letter headings (*É* under E, *Œ* under O, digits under "0–9" first, other scripts
under "Autres" last), with a jump bar to each letter. Each entry carries the anchor of
:func:`glossator.anchors.entry_anchor` (``glossaire-ess``), which is what
``glossator annotate --link-to index.html`` links to.

Which entries: every entry that can still be annotated. An entry whose every form (term
and aliases) was taken over by a later entry (the duplicate rule of
:mod:`glossator.glossary`) can never be linked to, and is left out.

HTML, one entry (every text escaped; the definition as in the tooltips)::

    <dt id="glossaire-ess"><dfn>ESS</dfn></dt>
    <dd>
    <p class="glossator-index-title">Économie sociale et solidaire</p>
    <p class="glossator-index-aliases">Aussi : E.S.S.</p>
    <p class="glossator-index-definition">Mode d'entreprendre …</p>
    <p class="glossator-index-source">Source : <a href="https://…">Loi n° 2014-856…</a></p>
    <p class="glossator-index-tags">Étiquettes : sigle</p>
    </dd>

Markdown, one entry (raw ``<a id>`` anchors, which Python-Markdown, MkDocs, Pandoc and
GitHub all keep; GitHub's ``{#id}`` attribute syntax would show as text); the page starts
with the comment :data:`MARKDOWN_MARK`, by which glossator's MkDocs plugin knows the page
and leaves it unannotated (its headwords would link to themselves, with a tooltip
repeating the definition printed under them)::

    <a id="glossaire-ess"></a>**ESS** — Économie sociale et solidaire (aussi : E.S.S.)

    Mode d'entreprendre …

    Source : [Loi n° 2014-856…](https://…) · Étiquettes : sigle
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html import escape as _escape_html
from importlib.resources import files
from typing import Any

from ..anchors import entry_anchor
from ..errors import UsageError
from ..glossary import Glossary
from ..model import Entry
from ..text.collation import initial, sort_key
from ..text.inert import html_safe
from ..text.normalize import fold_text, one_line
from .html import definition_html
from .html import stylesheet as tooltip_stylesheet
from .markdown import escape_markdown, link_destination

__all__ = [
    "INDEX_FORMATS",
    "MARKDOWN_MARK",
    "IndexSection",
    "index_entries",
    "render_html",
    "render_index",
    "render_markdown",
    "sections",
    "stylesheet",
]


def escape(text: str, quote: bool = True) -> str:
    """``text`` escaped for HTML, every character HTML forbids (NUL, controls,
    noncharacters) first shown as a visible escape (:func:`glossator.text.inert.html_safe`):
    glossary data is inserted inert, and the output reads back as text."""
    return _escape_html(html_safe(text), quote)


#: The first line of the Markdown index: an HTML comment (invisible once rendered) that
#: tells glossator's MkDocs plugin not to annotate the page.
MARKDOWN_MARK = "<!-- glossator: A-Z index, not annotated -->"

#: The formats of :func:`render_index`.
INDEX_FORMATS: tuple[str, ...] = ("html", "markdown")

_LINKABLE = re.compile(r"(?i)(https?://|mailto:)")
_NBSP = "\u00a0"  # before a colon, as French typography wants
#: Heading of the entries that start with neither a Latin letter nor a digit.
OTHERS = "Autres"
_LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]


@dataclass(frozen=True, slots=True)
class IndexSection:
    """One letter of the index: its heading (``"A"``, ``"0–9"``, ``"Autres"``), the
    ``id`` of that heading (``"lettre-a"``), and its entries in order."""

    heading: str
    anchor: str
    entries: tuple[Entry, ...]


@cache
def stylesheet() -> str:
    """The CSS of the index (``glossator/assets/glossator-index.css``): jump bar, letter
    headings, entries. Uses the ``--glossator-accent`` custom property."""
    return files("glossator").joinpath("assets/glossator-index.css").read_text(
        encoding="utf-8")


def _heading_anchor(heading: str) -> str:
    if heading == OTHERS:
        return "lettre-autres"
    return "lettre-0-9" if heading == "0–9" else f"lettre-{heading.lower()}"


def index_entries(glossary: Glossary, *, backwards_accents: bool = False) -> list[Entry]:
    """The entries of the index, in French alphabetical order of their terms (ties, such
    as two entries with the same term, by id)."""
    owners = {id(form.entry) for form in glossary.forms()}
    numbers = sense_numbers(glossary)
    kept = [e for e in glossary.entries if id(e) in owners or e.id in numbers]
    return sorted(kept, key=lambda e: (_group_rank(initial(e.term)),
                                       sort_key(e.term, backwards_accents=backwards_accents),
                                       numbers.get(e.id, 0), e.id))


def sense_numbers(glossary: Glossary) -> dict[str, int]:
    """The number of each entry that is a sense of its term (1, 2… in glossary order),
    by entry id: the index shows the senses numbered under one headword."""
    numbers: dict[str, int] = {}
    for senses in glossary.sense_table().values():
        if all(fold_text(e.term) == fold_text(senses[0].term) for e in senses):
            for n, entry in enumerate(senses, 1):
                numbers.setdefault(entry.id, n)
    return numbers


def _group_rank(heading: str) -> int:
    if heading == "0–9":
        return 0
    return 100 if heading == "" else ord(heading)


def sections(glossary: Glossary, *, backwards_accents: bool = False) -> list[IndexSection]:
    """The index as letter sections, in order: "0–9", "A"…"Z", "Autres"; only the letters
    that have entries."""
    out: list[IndexSection] = []
    heading: str | None = None
    bucket: list[Entry] = []
    for entry in index_entries(glossary, backwards_accents=backwards_accents):
        h = initial(entry.term) or OTHERS
        if h != heading and bucket:
            assert heading is not None
            out.append(IndexSection(heading, _heading_anchor(heading), tuple(bucket)))
            bucket = []
        heading = h
        bucket.append(entry)
    if bucket and heading is not None:
        out.append(IndexSection(heading, _heading_anchor(heading), tuple(bucket)))
    return out


def _label(word: str) -> str:
    return f"{word}{_NBSP}: "


def _clean(text: str) -> str:
    return one_line(text)


# -- HTML --------------------------------------------------------------------------------

def _source_html(entry: Entry) -> str | None:
    source = _clean(entry.source) if entry.source else None
    url = entry.url.strip() if entry.url else None
    if url and _LINKABLE.match(url):
        return f'<a href="{escape(url)}">{escape(source or url, quote=False)}</a>'
    if source or url:  # a url that is not linked is shown as text (the loader warned)
        return escape(source or url or "", quote=False)
    return None


def _entry_html(entry: Entry, rich: bool, number: int = 0) -> str:
    term = escape(_clean(entry.term), quote=False)
    if number:  # a sense of the term: numbered
        term += f' <span class="glossator-index-sense">{number}</span>'
    lines = [f'<dt id="{escape(entry_anchor(entry.id))}"><dfn>{term}</dfn></dt>', "<dd>"]
    if entry.title and _clean(entry.title) != _clean(entry.term):
        lines.append(f'<p class="glossator-index-title">'
                     f"{escape(_clean(entry.title), quote=False)}</p>")
    if entry.aliases:
        aliases = ", ".join(escape(_clean(a), quote=False) for a in entry.aliases)
        lines.append(f'<p class="glossator-index-aliases">{_label("Aussi")}{aliases}</p>')
    lines.append(f'<p class="glossator-index-definition">'
                 f"{definition_html(entry.definition, rich)}</p>")
    source = _source_html(entry)
    if source is not None:
        lines.append(f'<p class="glossator-index-source">{_label("Source")}{source}</p>')
    if entry.tags:
        tags = ", ".join(escape(_clean(t), quote=False) for t in entry.tags)
        lines.append(f'<p class="glossator-index-tags">{_label("Étiquettes")}{tags}</p>')
    lines.append("</dd>")
    return "\n".join(lines)


def _nav_html(parts: list[IndexSection]) -> str:
    present = {s.heading: s.anchor for s in parts}
    items: list[str] = []
    for heading in ["0–9", *_LETTERS, OTHERS]:
        anchor = present.get(heading)
        if anchor is not None:
            items.append(f'<li><a href="#{anchor}">{escape(heading)}</a></li>')
        elif heading in _LETTERS:  # the whole alphabet is shown; absent letters are
            # greyed and hidden from screen readers, which list only the working links
            items.append(f'<li class="glossator-index-empty" aria-hidden="true">'
                         f"{heading}</li>")
    return ('<nav class="glossator-index-nav" aria-label="Index alphabétique">\n<ul>\n'
            + "\n".join(items) + "\n</ul>\n</nav>")


def _check_level(heading_level: int) -> None:
    if not 1 <= heading_level <= 6:
        raise UsageError(f"heading level {heading_level} does not exist",
                         hint="use 1 to 6; 2 puts the letters under the page's h1")


def render_html(
    glossary: Glossary,
    *,
    standalone: bool = False,
    title: str | None = None,
    lang: str | None = None,
    heading_level: int = 2,
    rich_definitions: bool = False,
    backwards_accents: bool = False,
) -> str:
    """The index as an HTML fragment (a ``<div class="glossator-index" data-glossator="off">``,
    never annotated, holding the jump
    bar ``<nav>`` and one ``<section>`` per letter, each an ``<h2>`` and a ``<dl>``), or
    with ``standalone=True`` a whole page whose ``<h1>`` and ``<title>`` are ``title``
    (default: the glossary's ``title`` or ``name`` metadata).

    ``lang``: the language of the text (default: the glossary's ``language``, else
    ``fr``). ``heading_level``: the level of the letter headings (2 by default).
    ``rich_definitions``: keep the safe inline HTML subset in definitions, as in the
    tooltips (:func:`glossator.render.html.definition_html`; needs nh3).
    """
    _check_level(heading_level)
    if title is not None and not standalone:
        raise UsageError("a title goes with a standalone page",
                         hint="add standalone=True (--standalone), or put the index under "
                         "a heading of your own")
    language = lang or str(glossary.metadata.get("language") or "fr")
    parts = sections(glossary, backwards_accents=backwards_accents)
    numbers = sense_numbers(glossary)
    h = f"h{heading_level}"
    # data-glossator="off": a page that holds the index is annotated around it, not in it
    body: list[str] = [f'<div class="glossator-index" lang="{escape(language)}" '
                       'data-glossator="off">',
                       _nav_html(parts)]
    for part in parts:
        body.append(f'<section class="glossator-index-letter">\n'
                    f'<{h} id="{part.anchor}">{escape(part.heading)}</{h}>\n<dl>')
        body.extend(_entry_html(e, rich_definitions, numbers.get(e.id, 0))
                    for e in part.entries)
        body.append("</dl>\n</section>")
    body.append("</div>")
    fragment = "\n".join(body) + "\n"
    if not standalone:
        return fragment
    heading = title if title is not None else _default_title(glossary)
    description = glossary.metadata.get("description")
    intro = f"<h1>{escape(_clean(heading), quote=False)}</h1>\n"
    if isinstance(description, str) and description.strip():
        intro += (f'<p class="glossator-index-description">'
                  f"{escape(_clean(description), quote=False)}</p>\n")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(_clean(heading), quote=False)}</title>\n"
        f"<style>\n{tooltip_stylesheet()}{stylesheet()}</style>\n</head>\n"
        '<body class="glossator-index-page">\n<main>\n'
        f"{intro}{fragment}</main>\n</body>\n</html>\n"
    )


def _default_title(glossary: Glossary) -> str:
    for key in ("title", "name"):
        value = glossary.metadata.get(key)
        if isinstance(value, str) and value.strip():
            return value if key == "title" else f"Glossaire — {value}"
    return f"Glossaire — {glossary.name}" if glossary.name else "Glossaire"


# -- Markdown ----------------------------------------------------------------------------

def _entry_markdown(entry: Entry, number: int = 0) -> str:
    first = f'<a id="{entry_anchor(entry.id)}"></a>**{escape_markdown(_clean(entry.term))}**'
    if number > 1:  # another sense of the headword above: its number, not the term again
        first = f'<a id="{entry_anchor(entry.id)}"></a>'
    if number:
        first += f" {number}\\."
    if entry.title and _clean(entry.title) != _clean(entry.term):
        first += f" — {escape_markdown(_clean(entry.title))}"
    if entry.aliases:
        aliases = ", ".join(escape_markdown(_clean(a)) for a in entry.aliases)
        first += f" ({_label('aussi')}{aliases})"
    blocks = [first, escape_markdown(_clean(entry.definition))]
    details: list[str] = []
    source = _clean(entry.source) if entry.source else None
    url = entry.url.strip() if entry.url else None
    if url and _LINKABLE.match(url):
        link = f"[{escape_markdown(source or url)}]({link_destination(url)})"
        details.append(_label("Source") + link)
    elif source or url:
        details.append(_label("Source") + escape_markdown(source or url or ""))
    if entry.tags:
        details.append(_label("Étiquettes")
                       + ", ".join(escape_markdown(_clean(t)) for t in entry.tags))
    if details:
        blocks.append(" · ".join(details))
    return "\n\n".join(blocks)


def render_markdown(
    glossary: Glossary,
    *,
    title: str | None = None,
    heading_level: int = 2,
    backwards_accents: bool = False,
) -> str:
    """The index in Markdown: an optional ``# title``, the jump bar (links to the letters
    present), then a heading per letter and a bold term with its paragraphs per entry.
    Anchors are raw ``<a id="…"></a>`` elements. The first line is
    :data:`MARKDOWN_MARK`."""
    _check_level(heading_level)
    parts = sections(glossary, backwards_accents=backwards_accents)
    blocks: list[str] = [MARKDOWN_MARK]
    if title is not None:
        blocks.append(f"{'#' * max(1, heading_level - 1)} {escape_markdown(_clean(title))}")
    if parts:
        blocks.append(" · ".join(f"[{p.heading}](#{p.anchor})" for p in parts))
    marks = "#" * heading_level
    numbers = sense_numbers(glossary)
    for part in parts:
        blocks.append(f'{marks} <a id="{part.anchor}"></a>{part.heading}')
        blocks.extend(_entry_markdown(e, numbers.get(e.id, 0)) for e in part.entries)
    return "\n\n".join(blocks) + "\n"


def render_index(glossary: Glossary, format: str = "html", **options: Any) -> str:
    """The index of ``glossary`` as ``format`` (``"html"`` or ``"markdown"``), with the
    options of :func:`render_html` or :func:`render_markdown`."""
    if format == "html":
        return render_html(glossary, **options)
    if format == "markdown":
        return render_markdown(glossary, **options)
    raise UsageError(f"unknown index format '{format}'",
                     hint=f"use one of: {', '.join(INDEX_FORMATS)}")
