"""The renderers' loop over annotations in C (``_splice.c``), and what it is handed.

The ``text``, ``html`` and ``json`` renderers render what each entry (or each tooltip, or
each entry and form) shows once, in Python; ``glossator.render._splice`` then writes the
whole output in one pass from three int64 arrays — each annotation's start, end, and
which of those pieces goes with it — escaping the text as the format needs. The output is
byte for byte the pure-Python renderers' (``tests/test_render_splice.py`` checks it on
random texts); they are still used without the C module, with
``GLOSSATOR_PURE_PYTHON=1``, and for what the C loop does not cover (see each renderer).

:func:`spans_of` makes the arrays from :class:`~glossator.model.Annotation` objects, in
one pass; a :class:`~glossator.kept.KeptText` hands its own (``starts``, ``ends``, and
keys numbered by ``_splice.number``, picked by ``_splice.pick`` for JSON), without an
object per match.
"""

from __future__ import annotations

from array import array

from .._native import load_native

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any

    from ..model import Annotation, Entry

    #: Where a renderer writes as it goes: a callable handed the output's UTF-8 bytes,
    #: a bounded piece at a time (``file.write``, ``list.append``).
    Sink = Callable[[bytes], object]

__all__ = ["CHUNK", "SPLICE", "SPLICE_ABI", "Spans", "Taken", "encoded", "int64s", "numbered",
           "out", "rows_and_forms", "spans_of"]

#: The interface version of ``glossator.render._splice`` these sources expect.
SPLICE_ABI = 8


#: ``glossator.render._splice``, or ``None`` (the renderers then write in Python).
SPLICE: Any = load_native("glossator.render._splice", SPLICE_ABI, "C renderer")


class Taken(dict[int, "Any"]):
    """Rows or forms of a matcher read from a cache, by index: those a document needs,
    read in one go (:func:`rows_and_forms`), and the others asked of the sequence when
    looked up. The C makers read a key it holds without calling Python: through the
    sequence, each was a Python call (a large glossary's first document made 60 000)."""

    __slots__ = ("_sequence",)

    def __init__(self, sequence: Sequence[Any], indices: Sequence[int],
                 items: Sequence[Any]) -> None:
        super().__init__(zip(indices, items, strict=True))
        self._sequence = sequence

    def __missing__(self, index: int) -> Any:
        return self._sequence[index]


def rows_and_forms(variants: Any, wanted: Callable[[], Iterable[int]]) -> tuple[Any, Any]:
    """The rows and forms of a matcher's ``variants`` as the C makers read them: as they
    are when compiled in memory (tuples); read from a cache, the rows of the variants
    ``wanted()`` lists (asked only then) and their forms read in one go each
    (``Rows.take``, ``take`` of the forms), as :class:`Taken`."""
    rows, forms = variants.rows, variants.forms
    take_rows, take_forms = getattr(rows, "take", None), getattr(forms, "take", None)
    if take_rows is None or take_forms is None:
        return rows, forms
    indices = sorted(set(wanted()))
    got = take_rows(indices)
    form_indices = sorted({row[0] for row in got})
    return (Taken(rows, indices, got),
            Taken(forms, form_indices, take_forms(form_indices)))


#: The bytes the C loop hands a sink at a time (``0``: its own default, 256 KiB); tests
#: set a few bytes to cross the boundaries everywhere.
CHUNK = 0


def out(function: Callable[..., Any], *args: Any, sink: Sink | None = None) -> str:
    """``function(*args)`` (one of ``_splice.render_*``) as a str; or, given a ``sink``,
    its output written there in UTF-8 as it is made (:data:`CHUNK` bytes at a time),
    never held whole, and ``""`` returned."""
    if sink is None:
        return str(function(*args))
    written = False

    def write(data: bytes) -> object:
        nonlocal written
        written = True
        return sink(data)

    try:
        function(*args, sink=write, chunk=CHUNK)
    except ValueError as exc:  # the arguments (the caller falls back), or the sink's
        if written:  # not the arguments: they are checked before a byte is written
            raise OSError(f"the output could not be written: {exc}") from exc
        raise
    return ""


def encoded(text: str) -> bytes:
    """``text`` in UTF-8 as the sink mode writes it (a lone surrogate as a character
    reference, as :func:`glossator.documents.write.encode` does)."""
    return text.encode("utf-8", errors="xmlcharrefreplace")


class Spans:
    """A text's annotations as arrays: ``starts[i]``, ``ends[i]`` and ``entries[i]`` (an
    index into ``table``) of annotation ``i``; ``firsts[n]`` the first annotation of
    entry ``n``; ``annotations`` the objects themselves, for what a renderer needs beyond
    that (a JSON form, a tooltip's surface, senses)."""

    __slots__ = ("annotations", "ends", "entries", "firsts", "starts", "table")

    def __init__(self, starts: array[int], ends: array[int], entries: array[int],
                 table: list[Entry], firsts: array[int],
                 annotations: Sequence[Annotation]) -> None:
        self.starts = starts
        self.ends = ends
        self.entries = entries
        self.table = table
        self.firsts = firsts
        self.annotations = annotations


def spans_of(annotations: Sequence[Annotation]) -> Spans:
    """The arrays of ``annotations``, their entries numbered in order of first
    occurrence (one entry object, one number); only with the C module built. The
    adapter between the ``select`` stage and the C renderers: only this function knows
    where the arrays come from (today, the attributes of the annotation objects, read in
    one pass by ``_splice.spans``)."""
    starts, ends, keys, table, firsts = SPLICE.spans(annotations)  # one pass, in C
    return Spans(int64s(starts), int64s(ends), int64s(keys), table, int64s(firsts),
                 annotations)


def int64s(data: bytes) -> array[int]:
    """The int64 array the C module handed over as ``data`` (native byte order)."""
    out = array("q")
    out.frombytes(data)
    return out


def numbered(values: array[int]) -> tuple[array[int], array[int]]:
    """``values`` (a kept text's entry indexes, say) numbered in order of first
    occurrence, by ``_splice.number``: each one's number, and where each number first
    occurs (so that what a renderer writes per number is made once, for those used)."""
    keys, firsts = SPLICE.number(values)
    return int64s(keys), int64s(firsts)
