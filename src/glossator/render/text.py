"""Plain text with each definition expanded inline, as a scraper reads a glossary page.

Right after each annotated term comes a space, the entry's title, a space, the definition,
then a space unless the next character is white space or the end of the text.
"""

from __future__ import annotations

from ..model import AnnotatedText, Annotation, Entry
from ..text.normalize import one_line
from .splice import SPLICE, spans_of

__all__ = ["entry_expansion", "expansion", "render", "render_python"]


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
    """The text with every annotation's title and definition written after the term
    (by the C loop of :mod:`glossator.render.splice` when it is built)."""
    if SPLICE is not None and doc.annotations:
        spans = spans_of(doc.annotations)
        try:
            return str(SPLICE.render_text(doc.text, spans.starts, spans.ends, spans.entries,
                                          [entry_expansion(e) for e in spans.table]))
        except ValueError:  # offsets outside the text: Python slices them as it can
            pass
    return render_python(doc)


def render_python(doc: AnnotatedText) -> str:
    """:func:`render` in Python alone."""
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
