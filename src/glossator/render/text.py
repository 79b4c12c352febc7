"""Plain text with each definition expanded inline, as a scraper reads a glossary page.

Right after each annotated term comes a space, the entry's title, a space, the definition,
then a space unless the next character is white space or the end of the text.
"""

from __future__ import annotations

from ..kept import KeptText
from ..model import AnnotatedText, Annotation, Entry
from ..text.normalize import one_line

__all__ = ["entry_expansion", "expansion", "render"]


def entry_expansion(entry: Entry) -> str:
    """``" TITLE DEFINITION"``: what follows a term of ``entry`` (white space collapsed).

    :mod:`glossator.strip` looks for exactly this string to undo the expansion.
    """
    title = one_line(entry.display_title)
    definition = one_line(entry.definition)
    return f" {title} {definition}"


def expansion(ann: Annotation) -> str:
    """``" TITLE DEFINITION"``: what follows an annotated term (white space collapsed)."""
    return entry_expansion(ann.entry)


def render(doc: AnnotatedText) -> str:
    """The text with every annotation's title and definition written after the term."""
    if isinstance(doc, KeptText) and doc._built is None:
        return _render_kept(doc)
    text = doc.text
    out: list[str] = []
    append = out.append
    expansions: dict[int, str] = {}  # one string per entry, however many occurrences
    for piece, ann in doc.segments():
        append(piece)
        if ann is not None:
            entry = ann.entry
            written = expansions.get(id(entry))
            if written is None:
                written = expansions[id(entry)] = entry_expansion(entry)
            append(written)
            if ann.end < len(text) and not text[ann.end].isspace():
                append(" ")
    return "".join(out)


def _render_kept(doc: KeptText) -> str:
    """:func:`render` from the arrays of ``doc``, without an annotation object."""
    text = doc.text
    n = len(text)
    table = doc.entry_table
    out: list[str] = []
    append = out.append
    expansions: dict[int, tuple[str, str]] = {}  # per entry: written, and with a space
    pos = 0
    for end, e in zip(doc.ends, doc.entries, strict=True):
        written = expansions.get(e)
        if written is None:
            plain = entry_expansion(table[e])
            written = expansions[e] = (plain, plain + " ")
        append(text[pos:end])  # the plain text before the term, and the term
        append(written[end < n and not text[end].isspace()])
        pos = end
    append(text[pos:])
    return "".join(out)
