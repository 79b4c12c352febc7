"""The glossary: entries, their forms, validation and the rule for duplicates.

Duplicate rule (documented in the README): when two entries claim the same form (term or
alias, compared as matching compares them) with **different definitions**, each is a
*sense* of that form (:meth:`Glossary.senses`): the glossary keeps them all, and
:mod:`glossator.senses` chooses one per occurrence. When the definitions are the same,
the two are one entry listed twice: the later one applies, with a warning naming both
places. The matcher looks each form up once, through the later entry; ``strict=True``
turns warnings into errors.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence

from ._gc import paused_gc
from ._typing import Protocol
from ._values import Value
from .model import Diagnostic, Entry, Location
from .text.french import is_acronym, strip_accents
from .text.normalize import canonical, fold_text, slugify

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from typing_extensions import Buffer

__all__ = ["EntryTable", "Form", "Glossary", "MemoryTable", "winning_forms"]


class Form(Value):
    """A surface form the matcher looks for: a term or an alias of one entry."""

    __slots__ = ("text", "entry", "is_alias", "case_sensitive", "key")  # noqa: RUF023 - in order
    text: str
    entry: Entry
    is_alias: bool
    case_sensitive: bool
    #: What makes two forms the same: exact text for case-sensitive forms, else folded.
    key: tuple[bool, str]

    def __init__(self, text: str, entry: Entry, is_alias: bool, case_sensitive: bool,
                 key: tuple[bool, str]) -> None:
        _set = object.__setattr__
        _set(self, "text", text)
        _set(self, "entry", entry)
        _set(self, "is_alias", is_alias)
        _set(self, "case_sensitive", case_sensitive)
        _set(self, "key", key)

    @classmethod
    def of(cls, text: str, entry: Entry, is_alias: bool) -> Form:
        """The form ``text`` of ``entry``, with its case rule and comparison key: an
        acronym, or a form of one ASCII letter (*r*, donnée révisée: not every *R* of a
        text; *à* is the word *À* too), is matched as written unless the entry says
        otherwise."""
        cs = entry.case_sensitive if entry.case_sensitive is not None else (
            is_acronym(text) or (len(text) == 1 and text.isascii() and text.isalpha()))
        key = (True, canonical(text)) if cs else (False, fold_text(text))
        return cls(text, entry, is_alias, cs, key)


class EntryTable(Protocol):
    """Where a :class:`Glossary` keeps its entries and forms: in memory
    (:class:`MemoryTable`), or in a mapped cache file that builds each one when first
    asked for (:class:`glossator.store.glossaries.Store`)."""

    def __len__(self) -> int: ...

    def entries(self) -> tuple[Entry, ...]:
        """Every entry, in order."""

    def all_forms(self) -> tuple[Form, ...]:
        """Every form of every entry, in order, before the duplicate rule."""

    def winners(self) -> Sequence[Form]:
        """The forms the duplicate rule keeps."""

    def winner_entry_ids(self) -> list[str]:
        """The entry id of each of :meth:`winners`."""

    def winner_entries(self) -> Sequence[int]:
        """The index of the entry of each of :meth:`winners`, as 4-byte integers (a
        buffer)."""

    def ids(self) -> tuple[str, ...]:
        """Every entry's id, in order."""

    def traits(self) -> tuple[Buffer, Buffer, Buffer] | None:
        """What a cache kept of :func:`glossator.policy.entry_traits` for every entry
        (flags as bytes, caps as int64, two heads each as int64), or ``None``."""

    def has(self, entry_id: object) -> bool:
        """Whether an entry has the id ``entry_id``."""

    def entry_by_id(self, entry_id: str) -> Entry:
        """The entry whose id is ``entry_id`` (``KeyError`` if none)."""

    def entry_at(self, index: int) -> Entry:
        """Entry ``index``, in glossary order."""

    def form_keys(self) -> Iterator[tuple[tuple[bool, str], int]]:
        """The comparison key of every form and the index of its entry, without building
        the forms."""


class MemoryTable:
    """The entries and forms of a glossary held in memory."""

    __slots__ = ("_by_id", "_entries", "_forms", "_owners", "_winners")

    def __init__(self, entries: tuple[Entry, ...], forms: tuple[Form, ...]) -> None:
        self._entries = entries
        self._forms = forms
        self._by_id: dict[str, Entry] | None = None
        self._winners: list[Form] | None = None
        self._owners: array[int] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> tuple[Entry, ...]:
        """Every entry, in order."""
        return self._entries

    def all_forms(self) -> tuple[Form, ...]:
        """Every form of every entry, in order, before the duplicate rule."""
        return self._forms

    def winners(self) -> Sequence[Form]:
        """The forms the duplicate rule keeps (worked out once)."""
        if self._winners is None:
            self._winners = [self._forms[i] for i in winning_forms(self._forms)]
        return self._winners

    def winner_entry_ids(self) -> list[str]:
        """The entry id of each of :meth:`winners`."""
        return [f.entry.id for f in self.winners()]

    def winner_entries(self) -> array[int]:
        """The index of the entry of each of :meth:`winners` (worked out once)."""
        if self._owners is None:
            index = self._entry_index()
            self._owners = array("i", [index[id(f.entry)] for f in self.winners()])
        return self._owners

    def ids(self) -> tuple[str, ...]:
        """Every entry's id, in order."""
        return tuple(e.id for e in self._entries)

    def traits(self) -> None:
        """None: entries in memory are looked at when first met."""
        return None

    def has(self, entry_id: object) -> bool:
        """Whether an entry has the id ``entry_id``."""
        return entry_id in self._ids()

    def entry_by_id(self, entry_id: str) -> Entry:
        """The entry whose id is ``entry_id`` (``KeyError`` if none)."""
        return self._ids()[entry_id]

    def entry_at(self, index: int) -> Entry:
        """Entry ``index``, in glossary order."""
        return self._entries[index]

    def form_keys(self) -> Iterator[tuple[tuple[bool, str], int]]:
        """The comparison key of every form and the index of its entry."""
        index = self._entry_index()
        for form in self._forms:
            yield form.key, index[id(form.entry)]

    def _entry_index(self) -> dict[int, int]:
        """Each entry's index, by the entry's identity (its forms hold the entry)."""
        return {id(e): i for i, e in enumerate(self._entries)}

    def _ids(self) -> dict[str, Entry]:
        if self._by_id is None:
            self._by_id = {e.id: e for e in self._entries}
        return self._by_id


class Glossary:
    """An ordered collection of entries, with the problems found while building it.

    Build one with :func:`glossator.load_glossary`, :meth:`from_dicts` or from
    :class:`~glossator.model.Entry` values. Glossaries are immutable: :meth:`merge` returns
    a new one. A glossary is plain data: it is compiled by
    :func:`glossator.compile_glossary` and kept on disk by :mod:`glossator.store`.
    """

    __slots__ = ("__weakref__", "_extents", "_matchers", "_senses", "_table", "diagnostics",
                 "digest", "load_diagnostics", "metadata", "name")

    def __init__(
        self,
        entries: Iterable[Entry],
        *,
        name: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        diagnostics: Iterable[Diagnostic] = (),
    ) -> None:
        self.name = name
        self.metadata: dict[str, Any] = dict(metadata or {})
        #: The problems the loader found, before the glossary's own checks (for a merged
        #: glossary, those its parts carried over: :meth:`merge`).
        self.load_diagnostics = tuple(diagnostics)
        found = list(self.load_diagnostics)
        unique = _unique_ids(tuple(entries), found)
        forms = tuple(Form.of(text, entry, i > 0) for entry in unique
                      for i, text in enumerate(entry.forms))
        found.extend(_clashes(forms))
        self.diagnostics: tuple[Diagnostic, ...] = tuple(found)
        self._table: EntryTable = MemoryTable(unique, forms)
        self._senses: dict[tuple[bool, str], list[int]] | None = None
        self._extents: tuple[int, int] | None = None
        #: The matchers compiled from it, per options (:func:`glossator.compile_glossary`):
        #: each holds the glossary, a cycle the garbage collector frees with both.
        self._matchers: dict[Any, Any] = {}
        #: The cache key of the file the glossary was read from, when it was read through
        #: :mod:`glossator.store`; the compiled-matcher cache is then keyed by it.
        self.digest: str | None = None

    @classmethod
    def over(
        cls, table: EntryTable, *, name: str | None, metadata: Mapping[str, Any],
        load_diagnostics: tuple[Diagnostic, ...], diagnostics: tuple[Diagnostic, ...],
        digest: str | None, shared: dict[tuple[bool, str], list[int]] | None = None,
        extents: tuple[int, int] | None = None,
    ) -> Glossary:
        """A glossary over entries already checked (a cache's ``table``), without checking
        them again; ``shared`` and ``extents``, where the cache kept them, are what
        :meth:`has_shared_forms` and :meth:`text_extents` would work out from every form
        and entry."""
        self = cls.__new__(cls)
        self.name = name
        self.metadata = dict(metadata)
        self.load_diagnostics = load_diagnostics
        self.diagnostics = diagnostics
        self._table = table
        self._senses = shared
        self._extents = extents
        self._matchers = {}
        self.digest = digest
        return self

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The entries, in order (ids made unique)."""
        return self._table.entries()

    def all_forms(self) -> tuple[Form, ...]:
        """Every term and alias of every entry, in order, before the duplicate rule."""
        return self._table.all_forms()

    def forms(self) -> Sequence[Form]:
        """Every form to match, once each: a form listed twice is looked up through its later
        entry (its senses are told apart afterwards, :mod:`glossator.senses`)."""
        return self._table.winners()

    def senses(self, key: tuple[bool, str]) -> tuple[Entry, ...]:
        """The senses of the form whose comparison key is ``key`` (:attr:`Form.key`): the
        entries that claim it with different definitions, in glossary order (one per
        definition: of two with the same, the later, as for a form with one meaning);
        ``()`` when the form has one meaning. Only those entries are built, when the
        glossary is read from a cache."""
        shared = self._shared().get(key)
        if shared is None:
            return ()
        by_definition: dict[str, Entry] = {}
        for i in shared:
            entry = self._table.entry_at(i)
            by_definition[same_definition(entry.definition)] = entry
        return tuple(by_definition.values()) if len(by_definition) > 1 else ()

    def has_shared_forms(self) -> bool:
        """Whether any form is claimed by two entries (it may have several senses)."""
        return bool(self._shared())

    def sense_table(self) -> dict[tuple[bool, str], tuple[Entry, ...]]:
        """Every form with several senses: its key and its senses."""
        found = {key: self.senses(key) for key in self._shared()}
        return {key: senses for key, senses in found.items() if senses}

    def _shared(self) -> dict[tuple[bool, str], list[int]]:
        """The keys of the forms that two entries or more claim, and those entries (their
        indices), worked out once."""
        if self._senses is None:
            owners: dict[tuple[bool, str], list[int]] = {}
            for key, i in self._table.form_keys():
                found = owners.setdefault(key, [])
                if i not in found:
                    found.append(i)
            self._senses = {k: v for k, v in owners.items() if len(v) > 1}
        return self._senses

    def shared_forms(self) -> dict[tuple[bool, str], tuple[int, ...]]:
        """The comparison key of each form that two entries or more claim, and the
        indices of those entries, in rising order (what the glossary cache keeps, so that
        a run from it does not read every form); a copy."""
        return {key: tuple(found) for key, found in self._shared().items()}

    def text_extents(self) -> tuple[int, int]:
        """The length of the longest definition and of the longest ``not_in`` phrase,
        worked out once (from every entry; kept by the glossary cache): how far the
        policies read around a match."""
        if self._extents is None:
            entries = self.entries
            self._extents = (max((len(e.definition) for e in entries), default=0),
                             max((len(p) for e in entries for p in e.not_in), default=0))
        return self._extents

    def ids(self) -> tuple[str, ...]:
        """Every entry's id, in order (without building the entries of a glossary read
        from the cache)."""
        return self._table.ids()

    def entry_at(self, index: int) -> Entry:
        """Entry ``index``, in glossary order (built alone, from the cache)."""
        return self._table.entry_at(index)

    def build_entries(self, indices: Sequence[int]) -> list[Entry]:
        """The entries ``indices``: those of a glossary read from the cache built in one
        go (their rows read together), so that :meth:`entry_at` finds them built."""
        build = getattr(self._table, "build", None)
        if build is not None:
            found: list[Entry] = build(indices)
            return found
        return [self._table.entry_at(i) for i in indices]

    def form_entries(self) -> Sequence[int]:
        """The index of the entry of each of :meth:`forms`, as a buffer of 4-byte
        integers (without building the forms of a glossary read from the cache)."""
        return self._table.winner_entries()

    def entry_traits(self) -> tuple[Buffer, Buffer, Buffer] | None:
        """What the glossary cache kept of :func:`glossator.policy.entry_traits` for
        every entry: flags (bytes), caps (int64) and heads (two int64 each), in glossary
        order; ``None`` when not read from a cache."""
        return self._table.traits()

    def form_entry_ids(self) -> list[str]:
        """The entry id of each of :meth:`forms`, in order (without building the forms
        of a glossary read from the cache)."""
        return self._table.winner_entry_ids()

    def __getstate__(self) -> dict[str, Any]:
        # the digest names the content, which the pickle carries whole: a glossary
        # unpickled in another process still finds its compiled tables in the cache
        return {"entries": self.entries, "forms": self.all_forms(), "name": self.name,
                "metadata": self.metadata, "load_diagnostics": self.load_diagnostics,
                "diagnostics": self.diagnostics, "digest": self.digest}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.name = state["name"]
        self.metadata = state["metadata"]
        self.load_diagnostics = state["load_diagnostics"]
        self.diagnostics = state["diagnostics"]
        self._table = MemoryTable(state["entries"], state["forms"])
        self._senses = None
        self._extents = None
        self._matchers = {}
        self.digest = state["digest"]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, entry_id: object) -> bool:
        return self._table.has(entry_id)

    def __getitem__(self, entry_id: str) -> Entry:
        return self._table.entry_by_id(entry_id)

    def __repr__(self) -> str:
        n = len(self)
        return f"<Glossary {self.name or ''!s} with {n} entr{'y' if n == 1 else 'ies'}>".replace(
            "  ", " ")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """The diagnostics of level ``warning``."""
        return tuple(d for d in self.diagnostics if d.level == "warning")

    @classmethod
    def from_dicts(
        cls, items: Iterable[Mapping[str, Any]], *, name: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Glossary:
        """Build a glossary from plain mappings with the same keys as a YAML glossary."""
        with paused_gc():  # a large glossary is millions of acyclic objects
            diagnostics: list[Diagnostic] = []
            from .entries import entries_from_data  # the entry rules: data given here

            entries = entries_from_data(list(items), None, diagnostics)
            return cls(entries, name=name, metadata=metadata, diagnostics=diagnostics)

    def merge(self, *others: Glossary) -> Glossary:
        """A new glossary with this one's entries then the others' (a form the others define
        differently gains a sense).

        Every problem found in one of them is kept, with its file and line; an id used
        again in a later glossary is reported, and renamed, as within one file.
        """
        wrong = next((o for o in others if not isinstance(o, Glossary)), None)
        if wrong is not None:  # (a path: load_glossary reads and merges several files)
            raise TypeError(f"merge takes glossaries, not {type(wrong).__name__}: load a "
                            "file first, or give load_glossary every path at once")
        entries = list(self.entries)
        diagnostics = list(self._kept_by_merge())
        for other in others:
            entries.extend(other.entries)
            diagnostics.extend(other._kept_by_merge())
        names = [g.name for g in (self, *others) if g.name]
        return Glossary(entries, name=" + ".join(names) or None, diagnostics=diagnostics)

    def _kept_by_merge(self) -> tuple[Diagnostic, ...]:
        """The diagnostics a merge carries over: the loader's, and the ids this glossary
        already renamed (a merge cannot find those again). The clashes of forms are not
        carried: the merged glossary checks every form again, across files too."""
        own = self.diagnostics[len(self.load_diagnostics):]
        return self.load_diagnostics + tuple(d for d in own if d.code == "duplicate-id")


def winning_forms(forms: Sequence[Form]) -> list[int]:
    """The indices of the forms the matcher looks up (a form listed twice, through its
    later entry), in the order of those entries."""
    winners: dict[tuple[bool, str], int] = {}
    for i, form in enumerate(forms):
        winners.pop(form.key, None)  # re-insert so that order follows the winner
        winners[form.key] = i
    return list(winners.values())


def same_definition(definition: str) -> str:
    """What makes two definitions the same: their words, in any case, accents and spacing,
    without a final full stop."""
    return " ".join(strip_accents(fold_text(definition)).split()).rstrip(" .")


def _unique_ids(entries: tuple[Entry, ...], found: list[Diagnostic]) -> tuple[Entry, ...]:
    """Make derived ids unique (``-2``, ``-3``…) and report explicit ids used twice."""
    seen: dict[str, Entry] = {}
    out: list[Entry] = []
    for entry in entries:
        new_id = entry.id
        if new_id in seen:
            # an explicit id used twice is reported; derived ids that collide (pêche,
            # péché) are renamed quietly, and so are those renamed already (a merge of
            # two files that each had their ptce-2: not an id anyone wrote)
            from .entries import derived_id, duplicate_id  # rare: not at start-up

            derived = derived_id(new_id, entry.term)
            if not derived:
                found.append(duplicate_id(entry, seen[new_id]))
            base = slugify(entry.term) if derived else entry.id
            n = 2
            while f"{base}-{n}" in seen:
                n += 1
            new_id = f"{base}-{n}"
            from dataclasses import replace  # rare: not imported at start-up

            entry = replace(entry, id=new_id)
        seen[new_id] = entry
        out.append(entry)
    return tuple(out)


def _clashes(forms: tuple[Form, ...]) -> Iterator[Diagnostic]:
    """A warning for each form that two entries (or one entry twice) claim with the same
    definition; with different definitions, the entries are senses of the form."""
    owners: dict[tuple[bool, str], list[Form]] = {}
    mine: set[tuple[bool, str]] = set()
    current: Entry | None = None
    for form in forms:
        entry, key, text = form.entry, form.key, form.text
        if entry is not current:
            current = entry
            mine = set()
        if key in mine:
            yield Diagnostic(
                "warning",
                f"'{text}' is listed twice in the same entry",
                entry.origin,
                "remove the repeated alias",
                "duplicate-form",
            )
            continue
        mine.add(key)
        earlier = owners.setdefault(key, [])
        prev_form = _clashing(form, earlier)
        earlier.append(form)
        if prev_form is None:
            continue
        prev = prev_form.entry
        where = _where_else(prev.origin, entry.origin)
        alias = form.is_alias != prev_form.is_alias
        yield Diagnostic(
            "warning",
            f"'{text}' is also claimed by the entry '{prev.term}'{where}"
            + ("" if alias else " with the same definition") + "; the later entry applies",
            entry.origin,
            "merge the two entries or remove one of the forms",
            "alias-is-term" if alias else "duplicate-form",
        )


def _where_else(there: Location | None, here: Location | None) -> str:
    """`` at line 12`` of the same file as ``here``, `` at FILE:12`` of another one."""
    if there is None or there.file is None:
        return ""
    if here is not None and here.file == there.file and there.line is not None:
        return f" at line {there.line}"
    return f" at {there}"


def _clashing(form: Form, earlier: list[Form]) -> Form | None:
    """The earlier form ``form`` clashes with: one with the same definition, else (an
    alias against a term) the latest; ``None`` when ``form`` is another sense."""
    if not earlier:
        return None
    mine = same_definition(form.entry.definition)
    for prev in earlier:
        if same_definition(prev.entry.definition) == mine:
            return prev
    prev = earlier[-1]
    return prev if form.is_alias or prev.is_alias else None
