"""Plain text with each definition expanded inline, as a scraper reads a glossary page.

Right after each annotated term comes a space, the entry's title, a space, the definition,
then a space unless the next character is white space or the end of the text.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..kept import KeptText, _Entries
from ..model import AnnotatedText, Annotation, Entry
from ..text.normalize import one_line
from .splice import SPLICE, encoded, numbered, out, spans_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .splice import Sink

__all__ = ["entry_expansion", "expansion", "render", "render_python", "write"]


def entry_expansion(entry: Entry) -> str:
    """``" TITLE DEFINITION"``: what follows a term of ``entry`` (white space collapsed).

    :mod:`glossator.strip` looks for exactly this string to undo the expansion. Made in
    one C call (``_splice.expansion``) when the C loop is built and neither field has
    white space to fold (most glossary text).
    """
    title = entry.display_title
    if SPLICE is not None:
        made: str | None = SPLICE.expansion(title, entry.definition)
        if made is not None:
            return made
    return f" {one_line(title)} {one_line(entry.definition)}"


def expansion(ann: Annotation) -> str:
    """``" TITLE DEFINITION"``: what follows an annotated term (white space collapsed)."""
    return entry_expansion(ann.entry)


def render(doc: AnnotatedText) -> str:
    """The text with every annotation's title and definition written after the term
    (by the C loop of :mod:`glossator.render.splice` when it is built)."""
    return _render(doc, None)


def write(doc: AnnotatedText, sink: Sink) -> None:
    """:func:`render` in UTF-8, handed to ``sink`` a bounded piece at a time as the C
    loop writes it (the whole output is never held), or at once without the C loop."""
    whole = _render(doc, sink)
    if whole:
        sink(encoded(whole))


def _render(doc: AnnotatedText, sink: Sink | None) -> str:
    """:func:`render`, or with a ``sink`` what the C loop wrote there and ``""``, or what
    is left to write when the C loop could not."""
    if isinstance(doc, KeptText) and doc._built is None and not doc.choices:
        return _render_kept(doc, sink)  # from the arrays, without building the annotations
    if SPLICE is not None and doc.annotations:
        spans = spans_of(doc.annotations)
        try:
            return out(SPLICE.render_text, doc.text, spans.starts, spans.ends, spans.entries,
                       [entry_expansion(e) for e in spans.table], sink=sink)
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


#: Annotations rendered into one piece at a time (bounds the small strings held at once).
_CHUNK = 1 << 15


def _render_kept(doc: KeptText, sink: Sink | None = None) -> str:
    """:func:`render` from the arrays of ``doc``: by the C loop when it is built (each
    used entry's expansion rendered once), else in bulk: the
    pieces of plain text (each with the term that ends it) and the expansions are built
    by list operations, not one Python step per annotation, a chunk of annotations at a
    time."""
    text = doc.text
    ends = doc.ends
    if not ends:
        return text
    table = doc.entry_table
    if SPLICE is not None:  # one expansion per entry used, not per glossary entry
        keys, firsts = numbered(doc.entries)
        entries = doc.entries
        if isinstance(table, _Entries):  # in one C call, each left to Python made here
            variants = doc._matcher.variants
            made = SPLICE.expansions(firsts, doc.codes, entries,
                                     *table.lookup(variants.rows, variants.forms),
                                     variants.rows, variants.forms)
            pieces = [entry_expansion(table[entries[firsts[g]]]) if p is None else p
                      for g, p in enumerate(made)]
        else:
            pieces = [entry_expansion(table[entries[k]]) for k in firsts]
        return out(SPLICE.render_text, text, doc.starts, ends, keys, pieces, sink=sink)
    expansions: dict[int, tuple[str, str]] = {}  # per entry: written, and with a space
    for e in dict.fromkeys(doc.entries):
        plain = entry_expansion(table[e])
        expansions[e] = (plain, plain + " ")
    chunks = [_chunk(text, ends, doc.entries, expansions, lo, min(lo + _CHUNK, len(ends)))
              for lo in range(0, len(ends), _CHUNK)]
    chunks.append(text[ends[-1]:])
    return "".join(chunks)


def _chunk(text: str, ends: Sequence[int], entries: Sequence[int],
           expansions: dict[int, tuple[str, str]], lo: int, hi: int) -> str:
    """The text from the end of annotation ``lo - 1`` to the end of annotation
    ``hi - 1``, each annotation followed by its expansion."""
    last = hi == len(ends)
    # whether a space must follow each term: not when white space does, or the end
    spaced = [not c.isspace() for c in map(text.__getitem__, ends[lo : hi - 1 if last else hi])]
    if last:
        spaced.append(ends[-1] < len(text) and not text[ends[-1]].isspace())
    k = hi - lo
    out: list[str] = [""] * (2 * k)
    out[0::2] = map(text.__getitem__, map(slice, [ends[lo - 1] if lo else 0, *ends[lo : hi - 1]],
                                          ends[lo:hi]))
    out[1::2] = [expansions[e][s] for e, s in zip(entries[lo:hi], spaced, strict=True)]
    return "".join(out)
