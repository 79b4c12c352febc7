"""The kept matches of a document as compact arrays, chosen in C, and an
:class:`~glossator.model.AnnotatedText` that builds its annotations only when asked.

:meth:`glossator.annotate.Annotator.annotate` comes here when it can: the C scanner is
built, the occurrence policy is a built-in one (``first``, ``section``, ``all``) and no
form of the glossary has several senses. The scanner's matches then stay int64 arrays
from the scan to the renderer (``glossator._scan.packed_spans`` and ``keep``, in
``matching/_keep.h``): the occurrence policy, the caps per entry and the own-definition
rule run in C; the ``not_in`` and capitals rules run in Python, and only for the matches
of the entries that have them.

A renderer reads a :class:`KeptText` without building an object per match: ``starts``,
``ends`` and ``entries`` are parallel ``array('q')``; ``entries[k]`` indexes
``entry_table``; the surface of match ``k`` is ``text[starts[k]:ends[k]]`` (see
docs/design.md).
"""

from __future__ import annotations

import _thread
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence

from ._typing import overload
from .glossary import Glossary
from .matching.native import ACCELERATOR, gather, group
from .matching.scan import Matcher, Variant
from .model import CAP_MAX, AnnotatedText, Annotation, Entry
from .policy import (
    TRAIT_KNOWN,
    TRAIT_WAYS,
    all_occurrences,
    entry_traits,
    excluded_by_context,
    first_occurrence,
    first_per_section,
    in_capitals,
    letter_or_number,
    section_starts,
    written_ways,
)
from .senses import SPELLED_OUT_OTHER, SenseChoice, SenseChooser

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from typing_extensions import Buffer

__all__ = ["EntryIndex", "KeepState", "KeptText", "keep_columns", "keep_matches", "kept_mode"]

_NO_SECTIONS = [0]
#: The flag of an entry known from the glossary cache whose row is not read yet
#: (``ENTRY_CACHED`` in ``matching/_keep.h``), and the table that sets it on every flag.
_CACHED_ROW = 16
_CACHED = bytes(b | _CACHED_ROW if b < _CACHED_ROW else b for b in range(256))
_MODES = {"all": 0, "first": 1, "section": 2}


def kept_mode(matcher: Matcher, policy: object) -> int:
    """The C policy of ``policy`` (an occurrence policy function), or ``-1`` when the
    matches cannot be kept in C (no C scanner, a policy registered by a plug-in)."""
    if matcher._trie is None or getattr(ACCELERATOR, "keep", None) is None:
        return -1
    if policy is all_occurrences:
        return 0
    if policy is first_occurrence:
        return 1
    return 2 if policy is first_per_section else -1


class _Entries(Sequence[Entry]):
    """The entries of an :class:`EntryIndex`, built when first looked at."""

    __slots__ = ("_added", "_built", "_count", "_glossary", "_keys", "_lock", "_slots", "memo",
                 "size")

    def __init__(self, glossary: Glossary, spare: int = 0) -> None:
        self._glossary = glossary
        self._count = len(glossary)
        #: the ids of the entries registered beyond the glossary's
        self._added: list[str] = []
        #: every index's entry id, made when first asked for (:meth:`keys`): splitting
        #: 100 000 ids out of a cache was 6 ms of a small file's run
        self._keys: list[str] | None = None
        self._built: dict[int, Entry] = {}
        self._slots: dict[str, int] | None = None  # built when an entry is registered
        self._lock = _thread.allocate_lock()  # threading.Lock, without importing threading
        self.size = self._count + spare
        #: what the layers above derive from these entries by index, as long as they live
        #: (page mode's tooltip templates, by style); each user keys and bounds its part
        self.memo: dict[Any, Any] = {}

    def register(self, entry: Entry) -> int:
        """The index of ``entry`` (by id): one of the glossary's, or a sense's entry that
        has no variant of its own, or a numbered one (:func:`glossator.senses.numbered`),
        given one of the spare indices; :class:`_NoRoom` when there is none left."""
        with self._lock:
            if self._slots is None:
                self._slots = {key: i for i, key in enumerate(self._glossary.ids())}
                self._slots.update((key, self._count + i) for i, key in enumerate(self._added))
            found = self._slots.get(entry.id)
            if found is None:
                found = len(self)
                if found >= self.size:
                    raise _NoRoom
                self._added.append(entry.id)
                if self._keys is not None:
                    self._keys.append(entry.id)
                self._slots[entry.id] = found
                self._built[found] = entry
            return found

    def keys(self) -> list[str]:
        """Each index's entry id: the glossary's, then those registered."""
        with self._lock:
            if self._keys is None:
                self._keys = [*self._glossary.ids(), *self._added]
            return self._keys

    def add(self, indices: Sequence[int]) -> None:
        """Build the glossary's entries ``indices`` in one go (their cache rows read
        together) and keep them, as reading them one by one would."""
        self._built.update(zip(indices, self._glossary.build_entries(indices), strict=True))

    def lookup(self, rows: object, forms: object
               ) -> tuple[dict[int, Entry], _Entries, list[str]]:
        """What the renderers' C batch makers read an entry through: the entries built so
        far by index, the table itself (to build the others), and each index's entry id
        (to tell a form's entry for the table's). Only where the matcher's ``rows`` and
        ``forms`` are tuples do they read an entry through its form, so the ids are
        made only then (else an empty list, which they read as no id: the same
        entries, from the table)."""
        in_place = type(rows) is tuple and type(forms) is tuple
        return self._built, self, self.keys() if in_place else []

    def __len__(self) -> int:
        return self._count + len(self._added)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | Sequence[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        entry = self._built.get(index)
        if entry is None:  # one of the glossary's (the others were registered, built)
            entry = self._built[index] = self._glossary.entry_at(index)
        return entry


class _NoRoom(Exception):
    """More entries shown for senses than an :class:`EntryIndex` has room for: the
    document is kept in Python instead."""


class EntryIndex:
    """What the C policies know of a matcher's entries, numbered in glossary order: the
    entry index of each variant, each entry's variants, and each entry's flags, cap and
    the ways its definition may be written out (:func:`glossator.policy.entry_traits`),
    read from the glossary cache where it kept them, else learnt the first time a match
    of the entry is met. One per matcher (:meth:`of`), shared by threads: what is learnt
    is the same whoever learns it."""

    __slots__ = ("by_entry", "by_entry_at", "caps", "defer", "entries", "flags", "heads",
                 "variant_entry", "ways")

    def __init__(self, matcher: Matcher) -> None:
        glossary = matcher.glossary
        n_entries = len(glossary)
        variant_form = matcher._variant_form
        self.variant_entry = gather(glossary.form_entries(), variant_form)
        #: per variant, whether its form has several senses (its entry is chosen in
        #: Python, :mod:`glossator.senses`); None when no form has
        self.defer: bytes | None = None
        spare = 0
        if glossary.has_shared_forms():
            # the variants of every entry that claims a form another claims too (read
            # without building an entry or a form: a glossary from the cache stays lazy)
            owners = glossary._shared().values()
            claiming = bytearray(n_entries)
            for found in owners:
                for i in found:
                    claiming[i] = 1
            self.defer = bytes(map(claiming.__getitem__, self.variant_entry))
            spare = sum(len(found) + 1 for found in owners) + 64
        n = n_entries + spare
        self.by_entry_at, self.by_entry = group(self.variant_entry, n)
        self.entries = _Entries(glossary, spare)
        self.ways: list[tuple[str, ...] | None] = [None] * n
        traits = glossary.entry_traits()
        if traits is None:
            self.flags = bytearray(n)
            self.caps = array("q", [-1]) * n
            #: per entry, two: what C reads of a way before the way itself (way_head)
            self.heads = array("q", [0]) * (2 * n)
        else:  # all known: each entry's row is read when first met, its ways when C
            # first searches them (learn)
            self.flags = bytearray(bytes(traits[0]).translate(_CACHED))
            self.flags.extend(bytes(spare))
            self.caps = array("q", bytes(traits[1]))
            self.caps.extend(array("q", [-1]) * spare)
            self.heads = array("q", bytes(traits[2]))
            self.heads.extend(array("q", [0]) * (2 * spare))

    @classmethod
    def of(cls, matcher: Matcher) -> EntryIndex:
        """The index of ``matcher``, built once."""
        found: EntryIndex | None = matcher._policy_index
        if found is None:
            found = matcher._policy_index = cls(matcher)
        return found

    def learn(self, e: int) -> None:
        """Fill in what the C policies need of entry ``e``: all of it; or, for an entry
        the glossary cache knew, nothing when first met (its row is read, so that a
        damaged one is found now), then its ways when C first searches them."""
        entry = self.entries[e]  # (a damaged row of the glossary cache found here)
        flags = self.flags[e]
        if flags & _CACHED_ROW:
            self.flags[e] = flags & ~_CACHED_ROW
            return
        ways = written_ways(entry.definition)
        if flags & TRAIT_KNOWN:
            self.ways[e] = ways
            return
        flags, cap, head, second = entry_traits(entry, ways)
        if flags & TRAIT_WAYS:
            self.ways[e] = ways
            self.heads[2 * e] = head
            self.heads[2 * e + 1] = second
        self.caps[e] = cap
        self.flags[e] = flags


def keep_matches(
    matcher: Matcher, text: str, mode: int, max_per_entry: int | None,
    chooser: SenseChooser | None = None,
) -> KeptText | None:
    """The matches of ``text`` that the built-in policy ``mode`` (:func:`kept_mode`) and
    the caps keep, chosen in C as the scan goes, as a :class:`KeptText`. ``chooser``
    chooses the sense of the matches of a form with several (only those reach Python);
    ``None`` when a document shows more numbered senses than the index has room for
    (the caller then keeps it in Python)."""
    state = KeepState(matcher)
    defer = state.index.defer
    skip = bytearray(len(matcher.variants)) if mode == 1 and defer is None else None
    sections = section_starts(text) if mode == 2 else [0]
    chosen: dict[int, SenseChoice] = {}  # by start: the senses chosen
    decide = None
    if defer is not None:
        if chooser is None:
            raise ValueError("a glossary with senses needs a chooser")
        decide = _decider(state.index, matcher, chooser, text, chosen)
    try:
        cols = state.keep(text, matcher.iter_packed(text, skip=skip), mode, max_per_entry,
                          sections, skip, decide)
    except _NoRoom:
        return None
    doc = KeptText.of(text, matcher, state.index.entries, *cols)
    if chosen:
        choices = {k: chosen[start] for k, start in enumerate(doc.starts) if start in chosen}
        object.__setattr__(doc, "choices", choices)
    return doc


def keep_columns(
    matcher: Matcher, text: str, mode: int, max_per_entry: int | None,
    chooser: SenseChooser, matches: Buffer | None = None,
    domains: Sequence[str] | Callable[[tuple[int, int, int, bool]], Sequence[str]] = (),
) -> tuple[list[array[int]], Sequence[Entry]] | None:
    """What :func:`keep_matches` keeps, as bare columns (starts, ends, entries, codes)
    and the table ``entries`` indexes (for a form with several senses, the entry shown
    is the sense chosen): page mode's choice (:mod:`glossator.documents.html`).
    ``matches``: the matches to choose from as int64 triples (start, end, variant * 2 +
    elided), in text order, when the caller found them itself (then ``text`` is only
    what the rules read); ``domains``: the document's, or each match's (as
    :meth:`glossator.senses.SenseChooser.stream` takes them). ``None`` as for
    :func:`keep_matches`."""
    state = KeepState(matcher)
    defer = state.index.defer
    skip = (bytearray(len(matcher.variants))
            if mode == 1 and defer is None and matches is None else None)
    sections = section_starts(text) if mode == 2 else [0]
    decide = None
    if defer is not None:
        decide = _decider(state.index, matcher, chooser, text, {}, domains)
    batches = matcher.iter_packed(text, skip=skip) if matches is None else [matches]
    try:
        cols = state.keep(text, batches, mode, max_per_entry, sections, skip, decide)
    except _NoRoom:
        return None
    return cols, state.index.entries


def _decider(index: EntryIndex, matcher: Matcher, chooser: SenseChooser, text: str,
             chosen: dict[int, SenseChoice],
             domains: Sequence[str] | Callable[[tuple[int, int, int, bool]],
                                               Sequence[str]] = (),
             ) -> Callable[[int, int, int, bool], int]:
    """``decide`` for ``_scan.keep``: the entry a match of a form with several senses
    shows (its index), or ``-1`` when it is left alone; the choices go to ``chosen``
    (``domains``: as :meth:`glossator.senses.SenseChooser.stream` takes them)."""
    variants = matcher.variants
    stream = chooser.stream(text, lambda m: variants[m[2]].form.key, domains)
    skip_unsure = chooser.mode == "skip"

    def decide(start: int, end: int, vid: int, elided: bool) -> int:
        m = (start, end, vid, elided)
        choice = stream.choose([m]).get(m)
        if choice is None:
            return index.variant_entry[vid]
        if choice.step == SPELLED_OUT_OTHER or (choice.entry is None and skip_unsure):
            return -1  # left alone (Annotator.decided)
        chosen[start] = choice
        return index.entries.register(choice.shown)

    return decide


class KeepState:
    """What the C policies remember of one document (which entries were kept, how many
    times), so that a document read piece by piece (:mod:`glossator.streaming`) is
    kept as it would be whole."""

    __slots__ = ("counts", "index", "matcher", "seen")

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.index = EntryIndex.of(matcher)
        n = self.index.entries.size
        # repeated, not read from bytes(8 * n): array("q", bytes) took a millisecond
        # for 100 000 entries, a page's whole choice
        self.seen = array("q", [0]) * n
        self.counts = array("q", [0]) * n

    def keep(self, text: str, batches: Iterable[Buffer], mode: int,
             max_per_entry: int | None, sections: list[int] = _NO_SECTIONS,
             skip: bytearray | None = None,
             decide: Callable[[int, int, int, bool], int] | None = None,
             ) -> list[array[int]]:
        """The columns (starts, ends, entries, codes) of the matches of ``batches`` (int64
        triples, offsets in ``text``, which the exclusions read) that the policy keeps."""
        index = self.index
        entries = index.entries

        def check(start: int, end: int, e: int) -> bool:
            m = (start, end, 0, False)  # the rules read the span only
            entry = entries[e]
            return (bool(entry.not_in and excluded_by_context(m, entry, text))
                    or in_capitals(m, entry, text) or bool(letter_or_number(m, entry, text)))

        ctx = (index.variant_entry, index.flags, index.caps, index.ways, index.heads,
               index.learn, check,
               text, mode, -1 if max_per_entry is None else min(max_per_entry, CAP_MAX),
               self.seen,
               self.counts, array("q", sections), array("q", [0]), skip, index.by_entry_at,
               index.by_entry, index.defer if decide is not None else None, decide)
        # the four columns, and the entries known from the glossary cache met for the
        # first time (their rows read below, in one go)
        out = (bytearray(), bytearray(), bytearray(), bytearray(), bytearray())
        keep = ACCELERATOR.keep
        for batch in batches:
            keep(batch, ctx, out)
        if out[4]:
            entries.add(array("q", out[4]))
        cols = []
        for buf in out[:4]:  # each column copied, then its buffer emptied, one at a time
            cols.append(array("q", buf))
            del buf[:]
        # (the rows of a matcher's cache are checked when read, by whoever reads them: a
        # renderer that needs no variant, as -f text, reads none)
        return cols


class KeptText(AnnotatedText):
    """An :class:`~glossator.model.AnnotatedText` kept as arrays: its ``annotations``
    are built on first use (and kept), so a renderer that reads the arrays never builds
    them.

    ``starts``, ``ends``, ``entries`` and ``codes`` are parallel ``array('q')``: the
    span of each kept match in ``text``, the index of its entry in ``entry_table`` (a
    sequence of the glossary's :class:`~glossator.model.Entry`), and its variant times
    two plus one if an article was elided before it.
    """

    __slots__ = ("_built", "_matcher", "choices", "codes", "ends", "entries", "entry_table",
                 "starts")
    starts: array[int]
    ends: array[int]
    entries: array[int]
    codes: array[int]
    entry_table: Sequence[Entry]
    _matcher: Matcher
    _built: tuple[Annotation, ...] | None
    choices: dict[int, SenseChoice]

    def __new__(cls, text: str, annotations: tuple[Annotation, ...]) -> AnnotatedText:  # type: ignore[misc]
        """What ``dataclasses.replace`` (and anything that builds one from its fields)
        gets: a plain :class:`~glossator.model.AnnotatedText`."""
        return AnnotatedText(text, annotations)

    @classmethod
    def of(cls, text: str, matcher: Matcher, entry_table: Sequence[Entry],
           starts: array[int], ends: array[int], entries: array[int],
           codes: array[int]) -> KeptText:
        """The kept matches of ``text`` (see the class)."""
        self = object.__new__(cls)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "_matcher", matcher)
        object.__setattr__(self, "entry_table", entry_table)
        object.__setattr__(self, "starts", starts)
        object.__setattr__(self, "ends", ends)
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "_built", None)
        object.__setattr__(self, "choices", {})
        return self

    @property
    def annotations(self) -> tuple[Annotation, ...]:  # type: ignore[override]  # read-only
        """The annotations, built from the arrays the first time they are asked for."""
        built: tuple[Annotation, ...] | None = self._built
        if built is None:
            built = tuple(self._build())
            object.__setattr__(self, "_built", built)
        return built

    def _build(self) -> Iterator[Annotation]:
        text = self.text
        variants = self._matcher.variants
        how = self._matcher.how
        choices = self.choices
        for k, (start, end, code) in enumerate(
                zip(self.starts, self.ends, self.codes, strict=True)):
            v = variants[code >> 1]
            elided = bool(code & 1)
            surface = text[start:end]
            choice = choices.get(k) if choices else None
            if choice is None:
                yield Annotation(start, end, surface, v.form.entry, v.form.text,
                                 how(v, surface, elided), elided, v.text)
            else:
                yield Annotation(start, end, surface, choice.shown, v.form.text,
                                 how(v, surface, elided), elided, v.text,
                                 senses=choice.senses, sense_step=choice.step)

    def annotation(self, k: int) -> Annotation:
        """Match ``k`` as the :class:`~glossator.model.Annotation` that
        ``annotations[k]`` is, built alone (the others are not built)."""
        v = self._matcher.variants[self.codes[k] >> 1]
        start, end = self.starts[k], self.ends[k]
        elided = bool(self.codes[k] & 1)
        surface = self.text[start:end]
        how = self._matcher.how(v, surface, elided)
        choice = self.choices.get(k)
        if choice is None:
            return Annotation(start, end, surface, v.form.entry, v.form.text, how, elided,
                              v.text)
        return Annotation(start, end, surface, choice.shown, v.form.text, how, elided,
                          v.text, senses=choice.senses, sense_step=choice.step)

    def variant(self, k: int) -> Variant:
        """The compiled variant that match ``k`` matched."""
        return self._matcher.variants[self.codes[k] >> 1]

    def how(self, k: int, v: Variant | None = None) -> str:
        """``Annotation.how`` of match ``k`` (``v``: its :meth:`variant`, if known)."""
        code = self.codes[k]
        if v is None:
            v = self._matcher.variants[code >> 1]
        return self._matcher.how(v, self.text[self.starts[k]:self.ends[k]], bool(code & 1))

    def __len__(self) -> int:
        return len(self.starts)

    def __iter__(self) -> Iterator[Annotation]:
        return iter(self.annotations)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AnnotatedText):
            return NotImplemented
        return (self.text, self.annotations) == (other.text, other.annotations)

    def __hash__(self) -> int:  # type: ignore[override]  # as Value's own
        return hash((self.text, self.annotations))

    def __repr__(self) -> str:
        return f"AnnotatedText(text={self.text!r}, annotations={self.annotations!r})"

    def __reduce__(self) -> tuple[type[AnnotatedText], tuple[Any, ...]]:
        # pickled as the plain value it stands for
        return AnnotatedText, (self.text, self.annotations)
