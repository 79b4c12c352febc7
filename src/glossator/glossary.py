"""The glossary: entries, their forms, validation and the rule for duplicates.

Duplicate rule (documented in the README): when two entries claim the same form (term or
alias, compared as matching compares them), **the later one wins** — later in the file,
and later in the list of files. The earlier entry keeps its other forms. Each clash is a
warning naming both places; ``strict=True`` turns warnings into errors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .errors import GlossaryError
from .model import Entry, Location
from .normalize import canonical, fold_text

if TYPE_CHECKING:
    from .cache import Store
    from .matcher import Matcher, MatchOptions

__all__ = ["Diagnostic", "Form", "Glossary", "is_acronym", "slugify"]


_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NOT_SLUG = re.compile("[^a-z0-9]+")


def slugify(text: str) -> str:
    """A stable ASCII id derived from a term: ``Économie sociale`` → ``economie-sociale``."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    plain = _COMBINING_MARKS.sub("", decomposed).casefold()
    return _NOT_SLUG.sub("-", plain).strip("-") or "entry"


def is_acronym(form: str) -> bool:
    """True for all-capital forms such as ``ESS`` or ``R&D`` (matched case-sensitively)."""
    return form.isupper()


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in a glossary: ``level`` is ``"warning"`` or ``"error"``.

    ``code`` is a short stable name of the kind of problem (``duplicate-form``,
    ``unknown-key``…), as ``glossator check`` reports it.
    """

    level: str
    message: str
    location: Location | None = None
    hint: str | None = None
    code: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.level}: {self.message}{hint}"

    def to_error(self) -> GlossaryError:
        """The same problem as an exception, for strict mode."""
        loc = self.location or Location()
        return GlossaryError(self.message, file=loc.file, line=loc.line, hint=self.hint)


@dataclass(frozen=True, slots=True)
class Form:
    """A surface form the matcher looks for: a term or an alias of one entry."""

    text: str
    entry: Entry
    is_alias: bool
    case_sensitive: bool
    #: What makes two forms the same: exact text for case-sensitive forms, else folded.
    key: tuple[bool, str]

    @classmethod
    def of(cls, text: str, entry: Entry, is_alias: bool) -> Form:
        """The form ``text`` of ``entry``, with its case rule and comparison key."""
        cs = entry.case_sensitive if entry.case_sensitive is not None else is_acronym(text)
        key = (True, canonical(text)) if cs else (False, fold_text(text))
        return cls(text, entry, is_alias, cs, key)


class Glossary:
    """An ordered collection of entries, with the problems found while building it.

    Build one with :func:`glossator.load_glossary`, :meth:`from_dicts` or from
    :class:`~glossator.model.Entry` values. Glossaries are immutable: :meth:`merge` returns
    a new one.
    """

    __slots__ = (
        "_by_id", "_compiled", "_digest", "_entries", "_forms", "_loaded", "_store",
        "diagnostics", "metadata", "name",
    )

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
        self._loaded = tuple(diagnostics)
        found = list(self._loaded)
        self._entries: tuple[Entry, ...] | None = _unique_ids(tuple(entries), found)
        self._by_id: dict[str, Entry] | None = {e.id: e for e in self._entries}
        self._forms: tuple[Form, ...] | None = tuple(
            Form.of(text, entry, i > 0) for entry in self._entries
            for i, text in enumerate(entry.forms)
        )
        found.extend(_clashes(self._forms))
        self.diagnostics: tuple[Diagnostic, ...] = tuple(found)
        self._compiled: dict[MatchOptions | None, Matcher] = {}
        #: A digest of where the glossary came from, when it was read through the cache
        #: (glossator.cache): the compiled-matcher cache is then keyed by it.
        self._digest: str | None = None
        #: The cached tables entries and forms are decoded from, one by one, when the
        #: glossary was read through the cache (glossator.cache.Store); else None.
        self._store: Store | None = None

    @classmethod
    def _restore(
        cls, store: Store, *, name: str | None, metadata: Mapping[str, Any],
        loaded: tuple[Diagnostic, ...], diagnostics: tuple[Diagnostic, ...], digest: str,
    ) -> Glossary:
        """A glossary over the tables :mod:`glossator.cache` kept, without re-checking
        them: entries and forms are built when first asked for."""
        self = cls.__new__(cls)
        self.name = name
        self.metadata = dict(metadata)
        self._loaded = loaded
        self._entries = None
        self._by_id = None
        self._forms = None
        self.diagnostics = diagnostics
        self._compiled = {}
        self._digest = digest
        self._store = store
        return self

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The entries, in order (ids made unique)."""
        if self._entries is None:
            assert self._store is not None
            self._entries = self._store.entries()
        return self._entries

    @property
    def _all_forms(self) -> tuple[Form, ...]:
        """Every term and alias of every entry, in order, before the duplicate rule."""
        if self._forms is None:
            assert self._store is not None
            self._forms = self._store.all_forms()
        return self._forms

    def __getstate__(self) -> dict[str, Any]:
        # the digest names the content, which the pickle carries whole: a glossary
        # unpickled in another process still finds its compiled tables in the cache
        return {"entries": self.entries, "_all_forms": self._all_forms, "name": self.name,
                "metadata": self.metadata, "_loaded": self._loaded,
                "diagnostics": self.diagnostics, "_digest": self._digest}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.name = state["name"]
        self.metadata = state["metadata"]
        self._loaded = state["_loaded"]
        self.diagnostics = state["diagnostics"]
        self._entries = state["entries"]
        self._forms = state["_all_forms"]
        self._by_id = None
        self._compiled = {}
        self._digest = state.get("_digest")
        self._store = None

    def compiled(
        self, options: MatchOptions | None = None, *, cache_dir: str | None = None
    ) -> Matcher:
        """The compiled :class:`~glossator.matcher.Matcher`, built once per options.

        With ``cache_dir``, the compiled tables are also kept on disk, keyed by a digest of
        the forms and options, so that the next process skips most of the compiling.
        """
        matcher = self._compiled.get(options)
        if matcher is None:
            from .matcher import Matcher

            matcher = self._compiled[options] = Matcher(self, options, cache_dir=cache_dir)
        return matcher

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        if self._store is not None:
            return len(self._store)
        return len(self.entries)

    def __contains__(self, entry_id: object) -> bool:
        if self._store is not None:
            return self._store.has(entry_id)
        return entry_id in self._ids()

    def __getitem__(self, entry_id: str) -> Entry:
        if self._store is not None:
            return self._store.entry_by_id(entry_id)
        return self._ids()[entry_id]

    def _ids(self) -> dict[str, Entry]:
        if self._by_id is None:
            self._by_id = {e.id: e for e in self.entries}
        return self._by_id

    def __repr__(self) -> str:
        return f"<Glossary {self.name or ''!s} with {len(self)} entries>".replace("  ", " ")

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
        from ._gc import paused_gc
        from .loaders.data import entries_from_data

        with paused_gc():  # a large glossary is millions of acyclic objects
            diagnostics: list[Diagnostic] = []
            entries = entries_from_data(list(items), None, diagnostics)
            return cls(entries, name=name, metadata=metadata, diagnostics=diagnostics)

    def merge(self, *others: Glossary) -> Glossary:
        """A new glossary with this one's entries then the others'; later forms win."""
        entries = list(self.entries)
        diagnostics = list(self._loaded)
        for other in others:
            entries.extend(other.entries)
            diagnostics.extend(other._loaded)
        names = [g.name for g in (self, *others) if g.name]
        return Glossary(entries, name=" + ".join(names) or None, diagnostics=diagnostics)

    def forms(self) -> Sequence[Form]:
        """Every form to match, after the duplicate rule: the later entry wins a clash."""
        if self._store is not None:
            return self._store.winners()
        return [self._all_forms[i] for i in winning_forms(self._all_forms)]

    def _form_entry_ids(self) -> list[str]:
        """The entry id of each of :meth:`forms`, in order (without building the forms
        of a glossary read from the cache)."""
        if self._store is not None:
            return self._store.winner_entry_ids()
        return [f.entry.id for f in self.forms()]


def winning_forms(forms: Sequence[Form]) -> list[int]:
    """The indices of the forms the duplicate rule keeps (the later entry wins a clash),
    in the order of the winners."""
    winners: dict[tuple[bool, str], int] = {}
    for i, form in enumerate(forms):
        winners.pop(form.key, None)  # re-insert so that order follows the winner
        winners[form.key] = i
    return list(winners.values())


def _unique_ids(entries: tuple[Entry, ...], found: list[Diagnostic]) -> tuple[Entry, ...]:
    """Make derived ids unique (``-2``, ``-3``…) and report explicit ids used twice."""
    seen: dict[str, Entry] = {}
    out: list[Entry] = []
    for entry in entries:
        new_id = entry.id
        if new_id in seen:
            other = seen[new_id]
            # an explicit id used twice is reported; derived ids that collide (pêche,
            # péché) are renamed quietly
            if new_id != slugify(entry.term):
                where = f" at {other.origin}" if other.origin and other.origin.file else ""
                found.append(
                    Diagnostic(
                        "warning",
                        f"id '{new_id}' is also used by the entry '{other.term}'{where}",
                        entry.origin if entry.origin and entry.origin.file else None,
                        "give each entry its own 'id'; this one was renamed",
                        "duplicate-id",
                    )
                )
            n = 2
            while f"{entry.id}-{n}" in seen:
                n += 1
            new_id = f"{entry.id}-{n}"
            entry = replace(entry, id=new_id)
        seen[new_id] = entry
        out.append(entry)
    return tuple(out)


def _clashes(forms: tuple[Form, ...]) -> Iterator[Diagnostic]:
    """A warning for each form that two entries (or one entry twice) claim."""
    owner: dict[tuple[bool, str], Form] = {}
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
        if key in owner:
            prev_form = owner[key]
            prev = prev_form.entry
            where = f" at {prev.origin}" if prev.origin and prev.origin.file else ""
            yield Diagnostic(
                "warning",
                f"'{text}' is also claimed by the entry '{prev.term}'{where}; "
                "the later entry applies",
                entry.origin,
                "merge the two entries or remove one of the forms",
                "alias-is-term" if form.is_alias != prev_form.is_alias else "duplicate-form",
            )
        owner[key] = form
