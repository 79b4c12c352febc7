"""A text of any size, annotated in bounded memory: read piece by piece, annotated and
written as it goes, with the output of the whole text read at once, byte for byte.

The text is scanned a chunk at a time (:meth:`~glossator.matching.scan.Matcher.scan_until`
stops each chunk where no match can change, so a term across two pieces is found; with
the policies in C, :meth:`~glossator.matching.scan.Matcher.scan_until_packed` does the
same and keeps the matches int64 triples), and
the policies run on a window around each chunk: the exclusions read a few words, a
definition's length at most, on each side of a match. What must last the whole document
lasts in a :class:`StreamState`: the entries met already (``--occurrences first``), the
section the text is in (``section``), the annotations per entry (the caps), and the
senses a long form spelled out earlier holds (:mod:`glossator.senses`).

Only the built-in occurrence policies (``first``, ``section``, ``all``) are streamed; a
policy a plug-in registers reads the whole text (:func:`can_stream`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from .annotate import Annotator
from .errors import InputError
from .model import AnnotatedText, Annotation, Entry
from .policy import Match, excluded, get_policy, section_starts
from .senses import SenseChoice

__all__ = ["CHUNK", "StreamState", "annotate_pieces", "can_stream", "chunk_size",
           "context_size", "read_pieces"]

#: Characters annotated at a time (``GLOSSATOR_STREAM_CHUNK`` sets another, which the
#: tests make small to put many cuts in a short text).
CHUNK = 1 << 20
#: The least context kept on each side of a chunk: the words the senses step reads.
MIN_CONTEXT = 8192
#: …and at least this many words (runs of letters between white space): the senses step
#: reads 40 words on each side, and a long form spelled out next to an acronym.
MIN_WORDS = 80
#: The occurrence policies that are streamed.
STREAMED = ("first", "section", "all")


def chunk_size() -> int:
    """Characters annotated at a time: :data:`CHUNK`, or ``GLOSSATOR_STREAM_CHUNK``."""
    try:
        return max(1, int(os.environ.get("GLOSSATOR_STREAM_CHUNK", "")))
    except ValueError:
        return CHUNK


def can_stream(annotator: Annotator) -> bool:
    """Whether ``annotator``'s occurrence policy is a built-in one, which
    :func:`annotate_pieces` keeps across pieces."""
    from . import policy

    builtin = {"first": policy.first_occurrence, "section": policy.first_per_section,
               "all": policy.all_occurrences}
    name = annotator.occurrences
    return name in STREAMED and get_policy(name) is builtin[name]


def context_size(annotator: Annotator) -> int:
    """Characters of text kept on each side of a chunk, so that every policy reads what
    it would read in the whole text: the longest definition (written out, it drops the
    matches inside it), twice the longest ``not_in`` phrase, the words of the senses
    (:meth:`~glossator.glossary.Glossary.text_extents`, worked out once per glossary, or
    kept by its cache)."""
    longest, phrase = annotator.glossary.text_extents()
    return max(MIN_CONTEXT, longest + 64, 2 * phrase + 72)


@dataclass
class StreamState:
    """What a document's policies remember from one chunk to the next."""

    seen: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)
    held: dict[tuple[str, ...], Entry | None] = field(default_factory=dict)
    own: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the same, for the policies run in C (a :class:`glossator.kept.KeepState`)
    kept: Any = None


def annotate_pieces(annotator: Annotator, pieces: Iterable[str],
                    chunk: int | None = None) -> Iterator[AnnotatedText]:
    """The text made of ``pieces``, annotated as one document, in consecutive parts: the
    parts' texts joined are the text, and their annotations (offsets within each part)
    are those of ``annotator.annotate(whole text)``. Memory holds a few chunks of
    ``chunk`` characters (:func:`chunk_size`), whatever the length of the text."""
    chunk = chunk or chunk_size()
    ctx = context_size(annotator)
    state = StreamState()
    buf, base, start = "", 0, 0  # buf is text[base:], start where the scan resumes
    need = chunk
    in_c = _in_c(annotator)
    # with the policies in C, the matches stay int64 triples from the scan to them
    scan: Callable[..., tuple[Any, int]] = (
        annotator.matcher.scan_until_packed if in_c else annotator.matcher.scan_until)
    for piece in pieces:
        buf += piece
        while len(buf) - (start - base) >= need + 2 * ctx:
            off = start - base
            limit = _words_back(buf, len(buf), ctx)
            matches, cut = scan(buf[off:limit]) if limit > off else ([], 0)
            if cut == 0:  # no place to stop in all that: read more
                need *= 2
                break
            need = chunk
            yield _annotated(annotator, buf, off, cut, matches, state, in_c)
            start += cut
            buf, base = _trimmed(buf, base, start, ctx)
    off = start - base
    matches, cut = scan(buf[off:], final=True)
    yield _annotated(annotator, buf, off, cut, matches, state, in_c)


def _in_c(annotator: Annotator) -> bool:
    """Whether the policies run in C (:mod:`glossator.kept`): ``first`` and ``all`` with
    the C scanner, and no form with several senses."""
    return (annotator.occurrences != "section" and annotator._kept_mode() >= 0
            and not annotator.glossary.has_shared_forms())


def _words_back(text: str, pos: int, ctx: int) -> int:
    """A place at least ``ctx`` characters and :data:`MIN_WORDS` words before ``pos``
    (``0`` if there is none)."""
    at = pos - ctx
    while at > 0 and text.count(" ", at, pos) + text.count("\n", at, pos) <= MIN_WORDS:
        at -= ctx
    return max(0, at)


def _trimmed(buf: str, base: int, start: int, ctx: int) -> tuple[str, int]:
    """``buf`` (which starts at ``base`` in the text) without what lies more than ``ctx``
    characters before ``start``, cut after a white space so that no word is halved."""
    keep = _words_back(buf, start - base, ctx)
    if keep <= 0:
        return buf, base
    i = max(buf.rfind(" ", 0, keep), buf.rfind("\n", 0, keep))
    cut = i + 1 if i >= 0 else keep
    return buf[cut:], base + cut


def _annotated(annotator: Annotator, window: str, off: int, cut: int,
               matches: Any, state: StreamState, in_c: bool) -> AnnotatedText:
    """The part ``window[off:off + cut]`` annotated: ``matches`` are its scan's (offsets
    from ``off``; with ``in_c``, :func:`_in_c`, int64 triples), the policies read
    ``window``."""
    if in_c:
        return _kept_in_c(annotator, window, off, cut, matches, state)
    found = [(s + off, e + off, v, el) for s, e, v, el in matches]
    starts = [s for s in section_starts(window) if off < s <= off + cut] \
        if annotator.occurrences == "section" else []
    kept, choices = _select(annotator, window, found, state, starts)
    annotations: list[Annotation] = []
    for m in kept:
        s, e, v, el = m
        annotations.append(annotator.annotation((s - off, e - off, v, el), window[s:e],
                                                choices.get(m)))
    return AnnotatedText(window[off:off + cut], tuple(annotations))


def _kept_in_c(annotator: Annotator, window: str, off: int, cut: int,
               found: bytearray, state: StreamState) -> AnnotatedText:
    """:func:`_annotated` with the policies in C (``first`` and ``all``, no senses: see
    :mod:`glossator.kept`), which remember the document in ``state.kept``; ``found``:
    the matches as int64 triples (offsets from ``off``, moved in place)."""
    from array import array

    from .kept import KeepState, KeptText
    from .matching.native import ACCELERATOR

    if state.kept is None:
        state.kept = KeepState(annotator.matcher)
    if off:  # (only with the C scanner: Annotator._kept_mode)
        ACCELERATOR.shift_spans(found, off)
    starts, ends, entries, codes = state.kept.keep(
        window, [found], annotator._kept_mode(), annotator.max_per_entry)
    if off:
        starts = array("q", [x - off for x in starts])
        ends = array("q", [x - off for x in ends])
    return KeptText.of(window[off:off + cut], annotator.matcher, state.kept.index.entries,
                       starts, ends, entries, codes)


def _select(annotator: Annotator, window: str, found: list[Match], state: StreamState,
            starts: list[int]) -> tuple[list[Match], dict[Match, SenseChoice]]:
    """:meth:`Annotator.select` on a window, remembering in ``state``; ``starts``: where
    sections start in this chunk."""
    variants = annotator.matcher.variants
    choices = annotator.chooser.choose(window, found, lambda m: variants[m[2]].form.key,
                                       held=state.held)
    if choices:
        found = annotator.decided(found, choices)
    first = annotator.occurrences != "all"
    cap = annotator.max_per_entry
    kept: list[Match] = []
    k = 0
    for m in found:
        while k < len(starts) and starts[k] <= m[0]:  # a new section
            state.seen.clear()
            k += 1
        choice = choices.get(m)
        entry = choice.shown if choice is not None else variants[m[2]].form.entry
        key = entry.id
        if (first and key in state.seen) or excluded(m, entry, window, state.own):
            continue
        if first:
            state.seen.add(key)
        limits = [x for x in (cap, entry.max_occurrences) if x is not None]
        if limits:
            n = state.counts.get(key, 0)
            if n >= min(limits):
                continue
            state.counts[key] = n + 1
        kept.append(m)
    if k < len(starts):  # a section starts after the last match
        state.seen.clear()
    return kept, choices


def read_pieces(name: str, encoding: str = "utf-8", size: int | None = None) -> Iterator[str]:
    """The text of file ``name`` (``-``: standard input), decoded ``size`` bytes at a
    time, with the checks and messages of a whole read (binary data, a byte that does
    not decode and its line)."""
    from .reading import _text_codec

    codec = _text_codec(encoding)  # a usage error for an unknown one
    label = "<stdin>" if name == "-" else name
    size = size or chunk_size()
    try:
        stream: BinaryIO = sys.stdin.buffer if name == "-" else open(name, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(exc.strerror or "cannot be read", file=name) from None
    try:
        yield from _decoded(stream, label, codec, size)
    finally:
        if name != "-":
            stream.close()


def _decoded(stream: BinaryIO, label: str, codec: str, size: int) -> Iterator[str]:
    import codecs

    from .documents.read import BINARY, BINARY_HINT, decoding_hint
    from .reading import refuse_binary, undecodable

    decoder = codecs.getincrementaldecoder(codec)("strict")
    lines, column, offset = 0, 1, 0  # where the next block starts
    first = True
    while True:
        try:
            data = stream.read(max(size, 65536) if first else size)
        except OSError as exc:
            raise InputError(exc.strerror or "cannot be read", file=label) from None
        if first:  # (the messages of a whole read: binary, UTF-16 or UTF-32 data)
            refuse_binary(data, label, codec, error=InputError, binary=BINARY,
                          binary_hint=BINARY_HINT)
            if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
                data = data[3:]
                offset = 3
            first = False
        pending = len(decoder.getstate()[0])  # (the bytes of a character cut at the end)
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise undecodable(exc, codec, label, InputError, decoding_hint(),
                              line=lines + 1, column=column, offset=offset - pending) from None
        offset += len(data)
        breaks = text.count("\n")
        lines += breaks
        column = len(text) - text.rfind("\n") if breaks else column + len(text)
        if text:
            yield text
        if not data:
            return
