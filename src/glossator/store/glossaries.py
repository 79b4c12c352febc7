"""A disk cache of loaded glossaries, so that a large glossary starts in a fraction of a second.

Reading and validating a glossary of 100 000 entries takes seconds (parsing, checking every
key, deriving ids and forms, looking for duplicates). With a cache directory (``--cache-dir``
or ``$GLOSSATOR_CACHE_DIR``), the result is kept as plain data, keyed by a digest of the
file's bytes, its name, format and encoding, and glossator's version: any change to any of
them is a miss. The data is plain values and :mod:`marshal` records
(:mod:`glossator.store.columns`), so no code can run from a cache file; a damaged or stale
file is ignored and rewritten.

The file is mapped, not read: an entry or a form is decoded when a run first asks for it
(:class:`Store`), so a run that finds ten terms builds ten entries, whatever the size of
the glossary.

A glossary loaded from the cache carries its digest, which the compiled-matcher cache
(:mod:`glossator.store.matchers`) uses as its key instead of hashing every form again.
"""

from __future__ import annotations

import _thread
import contextlib
import marshal
import os
from array import array
from collections.abc import Iterable, Iterator, Sequence

from .._gc import paused_gc
from .._typing import overload
from ..errors import CacheError
from ..glossary import Form, Glossary, winning_forms
from ..matching.native import ACCELERATOR, gather
from ..model import CAP_MAX, Diagnostic, Entry, Location
from . import sha256
from .columns import (
    DamagedCache,
    Rows,
    check_ints,
    damaged,
    drop_damaged,
    ints,
    read_sections,
    write_kept,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar
    _T = TypeVar("_T")

__all__ = [
    "Store", "glossary_digest", "load_cached_glossary", "merged_digest", "save_cached_glossary",
    "source_of",
]

#: What separates the entry ids in their section (an id holding it is not cached).
_IDS_SEPARATOR = "\n"
#: Bumped whenever the cached shape changes, or what it holds means something else (4: a
#: form of one letter is case-sensitive, glossary.Form.of; 5: the header keeps the forms
#: two entries claim and the longest definition and not_in phrase, which a run read from
#: every form and entry: a second at 100 000 entries; 6: the traits the C policies read
#: of every entry, policy.entry_traits, which a run worked out entry by entry; 7: the
#: warnings for the control characters of an entry's text and for an id given twice
#: that is also the later entry's derived id, kept with the others; 8: a TBX concept's
#: fields from its French section or itself only, the lines of unknown top-level keys
#: and of TBX concepts after a comment, SKOS's typed-literal warning).
_VERSION = 8


def glossary_digest(
    data: bytes, name: str, format: str, encoding: str | None, *, source: bool = True
) -> str:
    """The cache key of the glossary read from ``data``: ``SOURCE-CONTENT``.

    The content part digests the bytes, the name, format and encoding, and glossator's
    version. The source part digests the file's absolute path, format and encoding only:
    the cache keeps one content per source, and a new one replaces the old
    (:func:`save_cached_glossary`).
    ``source=False`` gives a key with no source part, never replaced (for glossaries that
    have no file of their own, such as a saved spaCy pipeline's).
    """
    from .._version import __version__
    from ..policy import TRAITS_VERSION  # (the cache keeps what policy.entry_traits gives)

    digest = sha256(repr((_VERSION, TRAITS_VERSION, __version__, name, format, encoding)
                         ).encode(), more=len(data))
    digest.update(data)
    if not source:
        return digest.hexdigest()[:32]
    # the file itself, however it was named (glossary.yaml, ./glossary.yaml): two projects
    # that share a cache directory do not take each other's glossary for an old version
    where = repr((os.path.abspath(name), format, encoding))
    return f"{_short(where)}-{digest.hexdigest()[:32]}"


def merged_digest(digests: list[str]) -> str:
    """The cache key of the glossary merged from glossaries read under ``digests`` (its
    source part from theirs, when they all have one)."""
    # (2: a merge keeps each file's duplicate-id warnings; the older ones lost them)
    content = sha256(repr(("merge", 2, _VERSION, digests)).encode()).hexdigest()[:32]
    sources = [source_of(d) for d in digests]
    if None in sources:
        return content
    return f"{_short(repr(('merge', sources)))}-{content}"


def source_of(digest: str | None) -> str | None:
    """The source part of a cache key, or ``None``."""
    if digest is None or "-" not in digest:
        return None
    return digest.split("-", 1)[0]


def _short(text: str) -> str:
    return sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _prune(cache_dir: str | os.PathLike[str], digest: str) -> None:
    """Remove what the cache kept for an older content of ``digest``'s source: its checked
    glossary and every matcher compiled from it (the new ones are written next)."""
    source = source_of(digest)
    if source is None:
        return
    from pathlib import Path  # writing: not at start-up

    keep = os.path.basename(_path(cache_dir, digest))
    for pattern in (f"glossary-{source}-*.cache", f"matcher-{source}-*.cache"):
        for old in Path(cache_dir).glob(pattern):
            if old.name != keep:
                with contextlib.suppress(OSError):
                    old.unlink()


def _path(cache_dir: str | os.PathLike[str], digest: str) -> str:
    # as pathlib would write it (no pathlib at start-up)
    return os.path.join(os.path.normpath(cache_dir), f"glossary-{digest}.cache")


def _location(loc: Location | None) -> tuple[str | None, int | None] | None:
    return None if loc is None else (loc.file, loc.line)


def _diagnostic(d: Diagnostic) -> tuple[Any, ...]:
    return (d.level, d.message, _location(d.location), d.hint, d.code)


def save_cached_glossary(
    cache_dir: str | os.PathLike[str], digest: str, glossary: Glossary
) -> None:
    """Keep ``glossary`` under ``digest``; a cache that cannot be written is skipped.

    Entries and forms are kept as rows marshalled one by one (:class:`~glossator.store.columns.
    Rows`), so that a run reads only the rows it uses; the entry ids, the entry of each
    form and the forms the duplicate rule keeps are kept as columns beside them.
    """
    index = {id(e): i for i, e in enumerate(glossary.entries)}
    all_forms = glossary.all_forms()
    shared = tuple(glossary.shared_forms().items())
    header = (_VERSION, glossary.name, glossary.metadata,
              tuple(_diagnostic(d) for d in glossary.load_diagnostics),
              tuple(_diagnostic(d) for d in glossary.diagnostics),
              len(glossary.entries), len(all_forms), shared, glossary.text_extents())
    try:
        marshal.dumps(header)
        ids = _IDS_SEPARATOR.join(e.id for e in glossary.entries).encode("utf-8")
    except (ValueError, UnicodeEncodeError):  # metadata marshal cannot hold: not cached
        return
    if len(glossary.entries) and ids.count(_IDS_SEPARATOR.encode()) != len(
            glossary.entries) - 1:  # an id holding the separator: not cached
        return
    sections = (
        *Rows.pack(
            (e.term, e.definition, e.id, e.title, e.aliases, e.case_sensitive, e.url,
             e.source, e.tags, e.domains, e.inflect, e.hyphen_variants, e.not_in, e.max_occurrences,
             _location(e.origin), e.key_lines)
            for e in glossary.entries
        ),
        *Rows.pack((f.text, f.is_alias, f.case_sensitive, f.key) for f in all_forms),
        array("i", [index[id(f.entry)] for f in all_forms]).tobytes(),
        array("i", winning_forms(all_forms)).tobytes(),
        ids,
        *_pack_traits(glossary.entries),
    )
    _prune(cache_dir, digest)
    write_kept(_path(cache_dir, digest), cache_dir, header, sections)


def _pack_traits(entries: Sequence[Entry]) -> tuple[bytes, bytes, bytes]:
    """The sections of :func:`glossator.policy.entry_traits` of every entry: the flags
    (a byte each), the caps (int64) and the two heads (int64 each)."""
    from ..policy import entry_traits  # writing: not at start-up

    flags, caps, heads = bytearray(), array("q"), array("q")
    for entry in entries:
        f, cap, h0, h1 = entry_traits(entry)
        flags.append(f)
        caps.append(cap)
        heads.append(h0)
        heads.append(h1)
    return bytes(flags), caps.tobytes(), heads.tobytes()


#: The flags a cache's traits may hold: known (every one), and any of the three others
#: (policy.TRAIT_*); a byte outside them is a damaged file's.
_TRAIT_FLAGS = bytes(range(1, 16, 2))


def _traits_of(flags: memoryview, caps: memoryview, heads: memoryview,
               n_entries: int) -> tuple[memoryview, memoryview, memoryview]:
    """The traits sections of a cache file, checked (``ValueError`` if damaged): a
    known flag byte per entry, a cap of ``-1`` or more, two heads (C reads any value
    safely: a head only tells it where to look)."""
    if (len(flags) != n_entries or len(caps) != 8 * n_entries
            or len(heads) != 16 * n_entries
            or bytes(flags).translate(None, _TRAIT_FLAGS)):
        raise ValueError("damaged cache file")
    check_ints(caps, 8, -1, CAP_MAX + 1)
    return flags, caps, heads


def load_cached_glossary(cache_dir: str | os.PathLike[str], digest: str) -> Glossary | None:
    """The glossary kept under ``digest``, or ``None`` (missing, damaged or stale)."""
    with paused_gc():
        return _load(cache_dir, digest)


def _load(cache_dir: str | os.PathLike[str], digest: str) -> Glossary | None:
    path = _path(cache_dir, digest)
    try:
        header, sections = read_sections(path)
    except DamagedCache:
        drop_damaged(path)
        return None
    except (OSError, ValueError):  # missing, another user's, an earlier version's
        return None
    if not isinstance(header, tuple) or len(header) != 9 or header[0] != _VERSION:
        return None
    try:
        return _glossary_of(header, sections, path, digest)
    except (EOFError, ValueError, TypeError, IndexError, KeyError, CacheError):
        drop_damaged(path)
        return None


def _glossary_of(header: tuple[Any, ...], sections: Sequence[memoryview], path: str,
                 digest: str) -> Glossary | None:
    """The glossary of a cache file's header and sections (``ValueError`` and the like if
    they do not hold together)."""
    _, name, metadata, loaded, diagnostics, n_entries, n_forms, shared, extents = header
    if len(sections) != 10 or type(n_entries) is not int:
        raise ValueError("damaged cache file")
    (entry_blob, entry_at, form_blob, form_at, form_entry, winners, ids, flags, caps,
     heads) = sections
    store = Store(Rows(entry_blob, entry_at, _ENTRY_WIDTH, path, _ENTRY_KINDS),
                  Rows(form_blob, form_at, 4, path, (str, bool, bool, tuple)),
                  ints(form_entry, n_forms), ints(winners), ids, path,
                  _traits_of(flags, caps, heads, n_entries))
    if len(store) != n_entries:
        raise ValueError("damaged cache file")
    return Glossary.over(
        store, name=name, metadata=metadata,
        load_diagnostics=tuple(_restore_diagnostic(d) for d in loaded),
        diagnostics=tuple(_restore_diagnostic(d) for d in diagnostics),
        digest=digest, shared=_shared_of(shared, n_entries, n_forms),
        extents=_extents_of(extents),
    )


#: The most characters a glossary's text can hold (loaders.MAX_GLOSSARY_BYTES): a longer
#: definition or phrase in a cache's header is a damaged file's.
_MAX_EXTENT = 256 * 1024 * 1024


def _shared_of(shared: Any, n_entries: int, n_forms: int,
               ) -> dict[tuple[bool, str], list[int]]:
    """The forms two entries claim, as the header keeps them, checked (``ValueError``
    if not: the file is damaged): at most one per form, each claimed by two entries or
    more, in rising order, each one of the glossary's."""
    found: dict[tuple[bool, str], list[int]] = {}
    if not isinstance(shared, tuple) or len(shared) > n_forms:
        raise ValueError("damaged cache file")
    for item in shared:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], tuple)
                and len(item[0]) == 2 and type(item[0][0]) is bool
                and type(item[0][1]) is str and isinstance(item[1], tuple)
                and len(item[1]) > 1 and all(type(i) is int for i in item[1])
                and item[1][0] >= 0 and item[1][-1] < n_entries
                and all(a < b for a, b in zip(item[1], item[1][1:], strict=False))
                and item[0] not in found):
            raise ValueError("damaged cache file")
        found[item[0]] = list(item[1])
    return found


def _extents_of(extents: Any) -> tuple[int, int]:
    """The longest definition and not_in phrase, as the header keeps them, checked."""
    if not (isinstance(extents, tuple) and len(extents) == 2
            and all(type(n) is int and 0 <= n <= _MAX_EXTENT for n in extents)):
        raise ValueError("damaged cache file")
    return extents[0], extents[1]


class Store:
    """The entries and forms of a glossary read from the cache, built one by one when
    first asked for (an annotation run looks at a handful of a large glossary's entries).

    Every entry and form is built once, also when threads share the glossary: what is built
    alone and what is built with all the others are the same objects.
    """

    __slots__ = ("_all_entries", "_all_forms", "_entries", "_entry_rows", "_form_entry",
                 "_form_rows", "_forms", "_ids", "_ids_blob", "_index", "_lock", "_owners",
                 "_source", "_traits", "_winners")

    def __init__(self, entry_rows: Rows, form_rows: Rows, form_entry: memoryview,
                 winners: memoryview, ids: memoryview | bytes, source: str,
                 traits: tuple[memoryview, memoryview, memoryview] | None = None) -> None:
        """``form_entry`` is the entry of each form, ``winners`` the forms the duplicate
        rule keeps, ``ids`` the entries' ids (UTF-8, one a line), ``source`` the
        cache file (named if it turns out to be damaged), ``traits`` what
        :func:`glossator.policy.entry_traits` gave for every entry (:meth:`traits`)."""
        self._source = source
        self._traits = traits
        self._owners: array[int] | None = None
        self._lock = _thread.allocate_lock()  # for building: reading needs none
        self._entry_rows = entry_rows
        self._form_rows = form_rows
        self._form_entry = form_entry
        self._winners = winners
        count, n_forms = len(entry_rows), len(form_rows)
        if len(form_entry) != n_forms:
            raise ValueError("damaged glossary cache")
        check_ints(form_entry, 4, 0, count)
        check_ints(winners, 4, 0, n_forms)
        self._ids_blob = ids
        self._ids: tuple[str, ...] | None = None
        self._index: dict[str, int] | None = None
        self._entries: list[Entry | None] = [None] * count
        self._forms: list[Form | None] = [None] * n_forms
        self._all_entries: tuple[Entry, ...] | None = None
        self._all_forms: tuple[Form, ...] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, i: int) -> Entry:
        """Entry ``i`` (in glossary order)."""
        entry = self._entries[i]
        if entry is None:
            with self._lock:
                entry = self._entries[i]
                if entry is None:
                    row = self._entry_rows.load(i)
                    entry = self._entries[i] = self._entries_of([row])[0]
        return entry

    def _entries_of(self, rows: list[Any]) -> tuple[Entry, ...]:
        """The entries of ``rows``; a row whose origin is not a ``(file, line)`` pair is
        a damaged file's (the one-line error that removes it)."""
        try:
            return _restore_all(Entry, _ENTRY_SETTERS, rows, location=True)
        except (ValueError, TypeError):
            raise damaged(self._source) from None

    def form(self, i: int) -> Form:
        """Form ``i`` of all the entries' forms (before the duplicate rule)."""
        form = self._forms[i]
        if form is None:
            entry = self.entry(self._form_entry[i])
            with self._lock:
                form = self._forms[i]
                if form is None:
                    form = self._forms[i] = _forms_of([self._form_rows.load(i)], [entry])[0]
        return form

    def entry_at(self, index: int) -> Entry:
        """Entry ``index``, in glossary order."""
        return self.entry(index)

    def build_forms(self, indices: Iterable[int]) -> None:
        """Build the forms ``indices`` (of all the entries' forms) not built yet, their
        rows read in one go; their entries are built first, as :meth:`form` does."""
        forms = self._forms
        indices = list(dict.fromkeys([i for i in indices if forms[i] is None]))
        if not indices:
            return
        owner = self._form_entry
        owners = self.build([owner[i] for i in indices])  # (in one go; takes the lock)
        with self._lock:
            if any(forms[i] is not None for i in indices):  # (built by another thread)
                kept = [n for n, i in enumerate(indices) if forms[i] is None]
                indices, owners = [indices[n] for n in kept], [owners[n] for n in kept]
            built = _forms_of(self._form_rows.load_many(indices), owners)
            for i, form in zip(indices, built, strict=True):
                forms[i] = form

    def build(self, indices: Sequence[int]) -> list[Entry]:
        """The entries ``indices``, those not built yet built with their rows read in one
        go (a document's new entries: a call per entry cost more than reading its row)."""
        with self._lock:
            entries = self._entries
            todo = list(dict.fromkeys([i for i in indices if entries[i] is None]))
            if todo:
                built = self._entries_of(self._entry_rows.load_many(todo))
                for i, entry in zip(todo, built, strict=True):
                    entries[i] = entry
            return [entries[i] for i in indices]  # type: ignore[misc]  # all built now

    def form_keys(self) -> Iterator[tuple[tuple[bool, str], int]]:
        """The comparison key of every form and the index of its entry, read from the
        rows without building a form or an entry."""
        rows, owner = self._form_rows, self._form_entry
        for i in range(len(rows)):
            cs, text = rows.load(i)[3]
            yield (cs, text), owner[i]

    def entries(self) -> tuple[Entry, ...]:
        """All the entries (built in one go, those not built yet)."""
        with self._lock:
            return self._every_entry()

    def _every_entry(self) -> tuple[Entry, ...]:
        if self._all_entries is None:
            todo = [i for i, e in enumerate(self._entries) if e is None]
            rows = self._entry_rows
            built = self._entries_of([rows.load(i) for i in todo])
            for i, entry in zip(todo, built, strict=True):
                self._entries[i] = entry
            self._all_entries = tuple(self._entries)  # type: ignore[arg-type]
        return self._all_entries

    def all_forms(self) -> tuple[Form, ...]:
        """Every form of every entry, in order."""
        entries = self.entries()
        with self._lock:
            return self._every_form(entries)

    def _every_form(self, entries: tuple[Entry, ...]) -> tuple[Form, ...]:
        if self._all_forms is None:
            todo = [i for i, f in enumerate(self._forms) if f is None]
            rows, owner = self._form_rows, self._form_entry
            built = _forms_of([rows.load(i) for i in todo], [entries[owner[i]] for i in todo])
            for i, form in zip(todo, built, strict=True):
                self._forms[i] = form
            self._all_forms = tuple(self._forms)  # type: ignore[arg-type]
        return self._all_forms

    def winners(self) -> Sequence[Form]:
        """The forms the duplicate rule keeps, built as they are read."""
        return _Winners(self)

    def winner_entry_ids(self) -> list[str]:
        """The entry id of each of :meth:`winners`."""
        ids, owner = self.ids(), self._form_entry
        return [ids[owner[w]] for w in self._winners]

    def winner_entries(self) -> array[int]:
        """The index of the entry of each of :meth:`winners` (worked out once, in C when
        the scanner is built: a Python loop took 15 ms at 100 000 entries)."""
        if self._owners is None:
            self._owners = gather(self._form_entry, self._winners)
        return self._owners

    def traits(self) -> tuple[memoryview, memoryview, memoryview] | None:
        """What :func:`glossator.policy.entry_traits` gave for every entry when the cache
        was written: flags (a byte each), caps (int64), heads (two int64 each)."""
        return self._traits

    def ids(self) -> tuple[str, ...]:
        """Every entry's id, in order."""
        if self._ids is None:
            # the ids joined by a line break, as UTF-8: not marshal, whose record for a
            # tuple would have to be walked first (columns.loads), 100 000 items long
            try:
                text = bytes(self._ids_blob).decode("utf-8")
            except UnicodeDecodeError:
                raise damaged(self._source) from None
            ids = tuple(text.split(_IDS_SEPARATOR)) if self._entries else ()
            if len(ids) != len(self._entries):
                raise damaged(self._source)
            self._ids = ids
        return self._ids

    def has(self, entry_id: object) -> bool:
        """Whether an entry has the id ``entry_id``."""
        return entry_id in self._id_index()

    def entry_by_id(self, entry_id: str) -> Entry:
        """The entry whose id is ``entry_id`` (``KeyError`` if none)."""
        return self.entry(self._id_index()[entry_id])

    def _id_index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {entry_id: i for i, entry_id in enumerate(self.ids())}
        return self._index


class _Winners(Sequence[Form]):
    """:meth:`Store.winners`: a read-only view that builds each form when it is read."""

    __slots__ = ("_store",)

    def __init__(self, store: Store) -> None:
        self._store = store

    def take(self, indices: Sequence[int]) -> list[Form]:
        """The forms ``indices`` (of this view, not negative), those not built yet built
        in one go (:meth:`Store.build_forms`)."""
        store = self._store
        winners = store._winners
        wanted = [winners[i] for i in indices]
        store.build_forms(wanted)
        forms = store._forms
        return [forms[w] for w in wanted]  # type: ignore[misc]  # all built now

    def __len__(self) -> int:
        return len(self._store._winners)

    @overload
    def __getitem__(self, index: int) -> Form: ...

    @overload
    def __getitem__(self, index: slice) -> list[Form]: ...

    def __getitem__(self, index: int | slice) -> Form | list[Form]:
        winners = self._store._winners
        if isinstance(index, slice):
            return [self._store.form(w) for w in winners[index]]
        return self._store.form(winners[index])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

def _setters(cls: type) -> tuple[Any, ...]:
    """The slot descriptors' setters of a frozen dataclass, in field order."""
    return tuple(getattr(cls, name).__set__ for name in vars(cls)["__slots__"])


_ENTRY_SETTERS = _setters(Entry)
_FORM_SETTERS = _setters(Form)
_new = object.__new__


#: The number of values of an entry row (one per field).
_ENTRY_WIDTH = len(Entry.__slots__)
_OPT_STR = (str, type(None))
_OPT_BOOL = (bool, type(None))
#: The type of each value of an entry row, in :class:`~glossator.model.Entry`'s order
#: (a cache file's rows are checked against it when they are decoded).
_ENTRY_KINDS: tuple[type | tuple[type, ...], ...] = (
    str, str, str, _OPT_STR, tuple, _OPT_BOOL, _OPT_STR, _OPT_STR, tuple, tuple, _OPT_BOOL,
    _OPT_BOOL, tuple, (int, type(None)), (tuple, type(None)), tuple,
)
#: The slot of a form that holds its entry (not in its cache row).
_FORM_ENTRY = Form.__slots__.index("entry")
#: The field of an entry row that holds its origin, a ``Location`` kept as a tuple.
_ORIGIN_INDEX = Entry.__slots__.index("origin")


def _forms_of(rows: list[Any], owners: list[Entry]) -> tuple[Form, ...]:
    """The forms of cache ``rows`` (text, alias, case-sensitive, key), of the entries
    ``owners`` (in C, each owner put in its form's slot as it is built)."""
    if ACCELERATOR is not None and len(rows) == len(owners):
        forms: tuple[Form, ...] = ACCELERATOR.restore(Form, rows, -1, None, _FORM_ENTRY,
                                                      owners)
        return forms
    return _restore_all(Form, _FORM_SETTERS, [
        (text, entry, alias, cs, key)
        for (text, alias, cs, key), entry in zip(rows, owners, strict=True)])


def _restore_all(
    cls: type[_T], setters: tuple[Any, ...], rows: Any, location: bool = False
) -> tuple[_T, ...]:
    """Instances of ``cls`` from rows of field values: in C when the scanner module is
    built (``glossator._scan.restore``), else one by one in Python. With ``location``,
    the origin field holds a ``(file, line)`` tuple to make a :class:`Location` of."""

    if ACCELERATOR is not None:
        if not location:
            restored: tuple[_T, ...] = ACCELERATOR.restore(cls, rows)
        else:
            restored = ACCELERATOR.restore(cls, rows, _ORIGIN_INDEX, Location)
        return restored
    if location:
        i = _ORIGIN_INDEX
        rows = [(*r[:i], Location(*r[i]) if r[i] else None, *r[i + 1:]) for r in rows]
    return tuple(_restore(cls, setters, row) for row in rows)


def _restore(cls: type[_T], setters: tuple[Any, ...], values: tuple[Any, ...]) -> _T:
    """An instance of a frozen, slotted dataclass from its field values, without running
    ``__init__`` (three times faster; the values were checked when the cache was written)."""
    obj = _new(cls)
    for set_field, value in zip(setters, values, strict=True):
        set_field(obj, value)
    return obj


def _restore_diagnostic(d: tuple[Any, ...]) -> Diagnostic:
    level, message, loc, hint, code = d
    return Diagnostic(level, message, Location(*loc) if loc else None, hint, code)
