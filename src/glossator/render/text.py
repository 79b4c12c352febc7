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
    """:func:`render` from the arrays of ``doc``, in bulk: the pieces of plain text (each
    with the term that ends it) and the expansions are built by list operations, not
    one Python step per annotation."""
    text = doc.text
    ends = doc.ends
    if not ends:
        return text
    table = doc.entry_table
    expansions: dict[int, tuple[str, str]] = {}  # per entry: written, and with a space
    for e in dict.fromkeys(doc.entries):
        plain = entry_expansion(table[e])
        expansions[e] = (plain, plain + " ")
    k = len(ends)
    # whether a space must follow each term: not when white space does, or the end
    spaced = [not c.isspace() for c in map(text.__getitem__, ends[:-1])]
    spaced.append(ends[-1] < len(text) and not text[ends[-1]].isspace())
    out: list[str] = [""] * (2 * k + 1)
    out[0 : 2 * k : 2] = map(text.__getitem__, map(slice, [0, *ends[:-1]], ends))
    out[1 : 2 * k : 2] = [expansions[e][s] for e, s in zip(doc.entries, spaced, strict=True)]
    out[2 * k] = text[ends[-1]:]
    return "".join(out)
