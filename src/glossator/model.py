"""Small immutable values shared by every layer: entries, annotations, annotated texts."""

from __future__ import annotations

from ._values import Value
from .anchors import SENSES_SUFFIX
from .errors import GlossaryError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any

__all__ = [
    "CAP_MAX", "JSON_SCHEMA_VERSION", "AnnotatedText", "Annotation", "Diagnostic", "Entry",
    "GlossaryProblems", "Location", "in_file_order",
]

_set = object.__setattr__  # the classes below are immutable: their __init__ sets slots so

#: Version of the JSON document written by ``--format json`` (see README, "JSON output").
JSON_SCHEMA_VERSION = 1
#: The largest cap on an entry's annotations that is kept as it is (the C policies and
#: the glossary cache hold caps as int64, the cache checks them below 2**62): a larger
#: ``max_occurrences`` or ``max_per_entry`` (``99999999999999999999``, meant as "no
#: limit") becomes this one, which no document reaches, rather than an overflow.
CAP_MAX = (1 << 62) - 1


class Location(Value):
    """Where something was defined: a file and a 1-based line, either may be unknown."""

    __slots__ = ("file", "line")
    file: str | None
    line: int | None

    def __init__(self, file: str | None = None, line: int | None = None) -> None:
        _set(self, "file", file)
        _set(self, "line", line)

    def __str__(self) -> str:
        if self.file is None:
            return f"line {self.line}" if self.line is not None else "<unknown>"
        return f"{self.file}:{self.line}" if self.line is not None else self.file


class Diagnostic(Value):
    """A problem found in a glossary: ``level`` is ``"warning"`` or ``"error"``.

    ``code`` is a short stable name of the kind of problem (``duplicate-form``,
    ``unknown-key``…), as ``glossator check`` reports it.
    """

    __slots__ = ("level", "message", "location", "hint", "code")  # noqa: RUF023 - in order
    level: str
    message: str
    location: Location | None
    hint: str | None
    code: str | None

    def __init__(self, level: str, message: str, location: Location | None = None,
                 hint: str | None = None, code: str | None = None) -> None:
        _set(self, "level", level)
        _set(self, "message", message)
        _set(self, "location", location)
        _set(self, "hint", hint)
        _set(self, "code", code)

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.level}: {self.message}{hint}"

    def to_error(self) -> GlossaryError:
        """The same problem as an exception, for strict mode."""
        loc = self.location or Location()
        return GlossaryError(self.message, file=loc.file, line=loc.line, hint=self.hint)

    def describe(self) -> str:
        """One line without the level: ``FILE:LINE: message (hint)``, white space of the
        data made single spaces (as :meth:`GlossatorError.describe`)."""
        where = f"{self.location}: " if self.location else ""
        hint = f" ({self.hint})" if self.hint else ""
        return " ".join(f"{where}{self.message}{hint}".split())


def in_file_order(found: list[Diagnostic]) -> list[Diagnostic]:
    """``found`` by file (in the order they first appear), then line; a problem of a
    whole file (no line) after those of its lines."""
    files = {(d.location or Location()).file: None for d in found}
    order = {name: n for n, name in enumerate(files)}

    def key(d: Diagnostic) -> tuple[int, float]:
        loc = d.location or Location()
        return order[loc.file], loc.line if loc.line is not None else float("inf")

    return sorted(found, key=key)


class GlossaryProblems(GlossaryError):
    """Every problem found in a glossary that cannot be used, reported at once.

    ``diagnostics`` holds them in file and line order: the errors that stop loading and
    the warnings found on the way (with ``strict``, the warnings count as errors and
    their level says ``error``). ``message``, ``file``, ``line`` and ``hint`` are the
    first error's, so code that reads one problem keeps working; ``str()`` is one line per
    problem, ``FILE:LINE: level: message (fix)``.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> None:
        found = in_file_order([
            Diagnostic("error", d.message, d.location, d.hint, d.code) if strict else d
            for d in diagnostics])
        self.diagnostics: tuple[Diagnostic, ...] = tuple(found)
        first = next((d for d in found if d.level == "error"), None) or found[0]
        loc = first.location or Location()
        super().__init__(first.message, file=loc.file, line=loc.line, hint=first.hint)

    def __reduce__(self) -> tuple[type[GlossaryProblems], tuple[tuple[Diagnostic, ...]]]:
        return type(self), (self.diagnostics,)  # across processes, every problem kept

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The problems that stop loading."""
        return tuple(d for d in self.diagnostics if d.level == "error")

    def __str__(self) -> str:
        if len(self.diagnostics) == 1:  # as any one error: FILE:LINE: message (fix)
            return self.diagnostics[0].describe()
        return "\n".join(" ".join(str(d).split()) for d in self.diagnostics)

    @classmethod
    def check(cls, diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> None:
        """Raise every problem of ``diagnostics`` at once if one is an error (any of them
        with ``strict``); else return."""
        found = list(diagnostics)
        if any(strict or d.level == "error" for d in found):
            raise cls(found, strict=strict)


class Entry(Value):
    """One glossary entry: a term, its definition and how to match it.

    ``case_sensitive=None`` means "decide per form": acronyms (all-capital forms such as
    *ESS*, *R&D*, and words with a capital after the first letter, *NOTRe*, *CNNum*) match
    only as written, the acronyms inside a multiword form (*SA coopérative*) too, and
    every other word matches in any case.
    ``inflect=None`` means plurals are matched for words and terms but not for acronyms;
    ``inflect=True`` on an acronym accepts a plural *-s* (*SCOPs*). ``hyphen_variants``
    (default true) lets *tiers-lieu* match *tiers lieu*. ``not_in`` lists phrases in which
    the entry must not be annotated; ``max_occurrences`` caps its annotations per document.
    """

    # the fields in order: a cache file's entry rows follow it (store/glossaries.py)
    __slots__ = ("term", "definition", "id", "title", "aliases", "case_sensitive", "url",  # noqa: RUF023
                 "source", "tags", "domains", "inflect", "hyphen_variants", "not_in",
                 "max_occurrences", "origin", "key_lines")
    _not_compared = ("origin", "key_lines")
    _not_shown = ("key_lines",)
    term: str
    definition: str
    id: str
    title: str | None
    aliases: tuple[str, ...]
    case_sensitive: bool | None
    url: str | None
    source: str | None
    tags: tuple[str, ...]
    #: The domains the entry belongs to (``domain:`` in the glossary; a glossary's own
    #: ``domain:`` is given to its entries that name none): they limit the senses of a
    #: form with several when a run or a document names a domain.
    domains: tuple[str, ...]
    inflect: bool | None
    hyphen_variants: bool | None
    not_in: tuple[str, ...]
    max_occurrences: int | None
    origin: Location | None  # not compared
    #: The 1-based line of each key as written in the glossary file (``"aliases"``,
    #: ``"definition"``…; a YAML list item as ``"aliases.0"``), where the loader knows it.
    key_lines: tuple[tuple[str, int], ...]  # neither compared nor shown

    def __init__(self, term: str, definition: str, id: str, title: str | None = None,
                 aliases: tuple[str, ...] = (), case_sensitive: bool | None = None,
                 url: str | None = None, source: str | None = None,
                 tags: tuple[str, ...] = (), domains: tuple[str, ...] = (),
                 inflect: bool | None = None, hyphen_variants: bool | None = None,
                 not_in: tuple[str, ...] = (), max_occurrences: int | None = None,
                 origin: Location | None = None,
                 key_lines: tuple[tuple[str, int], ...] = ()) -> None:
        _set(self, "term", term)
        _set(self, "definition", definition)
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "aliases", aliases)
        _set(self, "case_sensitive", case_sensitive)
        _set(self, "url", url)
        _set(self, "source", source)
        _set(self, "tags", tags)
        _set(self, "domains", domains)
        _set(self, "inflect", inflect)
        _set(self, "hyphen_variants", hyphen_variants)
        _set(self, "not_in", not_in)
        _set(self, "max_occurrences", max_occurrences)
        _set(self, "origin", origin)
        _set(self, "key_lines", key_lines)

    @property
    def display_title(self) -> str:
        """The heading shown with the definition: ``title`` or else the term itself."""
        return self.title or self.term

    def line_of(self, key: str) -> int | None:
        """The line of ``key`` in the glossary file, else the entry's own line."""
        for name, line in self.key_lines:
            if name == key:
                return line
        return self.origin.line if self.origin is not None else None

    @property
    def forms(self) -> tuple[str, ...]:
        """The term followed by its aliases."""
        return (self.term, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        """The entry as plain data, omitting empty optional fields."""
        data: dict[str, Any] = {"id": self.id, "term": self.term}
        if self.title:
            data["title"] = self.title
        data["definition"] = self.definition
        if self.aliases:
            data["aliases"] = list(self.aliases)
        if self.case_sensitive is not None:
            data["case_sensitive"] = self.case_sensitive
        for key in ("url", "source"):
            value = getattr(self, key)
            if value:
                data[key] = value
        if self.tags:
            data["tags"] = list(self.tags)
        if self.domains:
            data["domain"] = list(self.domains)
        for key in ("inflect", "hyphen_variants", "max_occurrences"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.not_in:
            data["not_in"] = list(self.not_in)
        return data


class Annotation(Value):
    """One occurrence of a glossary entry in a text.

    ``start`` and ``end`` are code-point offsets into the caller's original string;
    ``surface`` is ``text[start:end]``. ``form`` is the term or alias that matched and
    ``how`` says how: ``exact``, ``case``, ``elision`` or ``alias``.
    """

    __slots__ = ("start", "end", "surface", "entry", "form", "how", "elided", "variant",  # noqa: RUF023
                 "senses", "sense_step")
    start: int
    end: int
    surface: str
    entry: Entry
    form: str
    how: str
    elided: bool
    variant: str  # the written variant that matched (a plural, an unaccented form…)
    #: The senses of the form, when it has several: ``entry`` is then the one chosen, or
    #: (when none was) an entry that shows them all, numbered.
    senses: tuple[Entry, ...]
    #: Which step chose the sense (``spelled-out``, ``domain``, ``context``, ``first``),
    #: ``""`` when none did; see :mod:`glossator.senses`.
    sense_step: str

    def __init__(self, start: int, end: int, surface: str, entry: Entry, form: str,
                 how: str, elided: bool = False, variant: str = "",
                 senses: tuple[Entry, ...] = (), sense_step: str = "") -> None:
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "surface", surface)
        _set(self, "entry", entry)
        _set(self, "form", form)
        _set(self, "how", how)
        _set(self, "elided", elided)
        _set(self, "variant", variant)
        _set(self, "senses", senses)
        _set(self, "sense_step", sense_step)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of an annotation (schema version :data:`JSON_SCHEMA_VERSION`);
        an occurrence of a form with several senses also has ``senses`` (their ids),
        ``sense`` (the id chosen, or null) and ``sense_step`` (which step chose, or
        null)."""
        data = {
            "start": self.start,
            "end": self.end,
            "surface": self.surface,
            "entry": self.entry.id,
            "term": self.entry.term,
            "title": self.entry.display_title,
            "definition": self.entry.definition,
            "form": self.form,
            "variant": self.variant or self.form,
            "how": self.how,
            "elided": self.elided,
        }
        if self.senses:
            data["senses"] = [e.id for e in self.senses]
            data["sense"] = None if self.entry.id.endswith(SENSES_SUFFIX) else self.entry.id
            data["sense_step"] = self.sense_step or None
        return data


class AnnotatedText(Value):
    """A text and its sorted, non-overlapping annotations."""

    __slots__ = ("text", "annotations")  # noqa: RUF023 - in order
    text: str
    annotations: tuple[Annotation, ...]

    def __init__(self, text: str, annotations: tuple[Annotation, ...]) -> None:
        _set(self, "text", text)
        _set(self, "annotations", annotations)

    def __iter__(self) -> Iterator[Annotation]:
        return iter(self.annotations)

    def __len__(self) -> int:
        return len(self.annotations)

    def segments(self) -> Iterator[tuple[str, Annotation | None]]:
        """The text cut into plain pieces and annotated pieces, in order."""
        pos = 0
        for ann in self.annotations:
            if ann.start > pos:
                yield self.text[pos : ann.start], None
            yield self.text[ann.start : ann.end], ann
            pos = ann.end
        if pos < len(self.text):
            yield self.text[pos:], None

    def lines(self) -> Iterator[list[tuple[str, Annotation | None]]]:
        """Each line of the text (without its line break) as plain and annotated pieces.

        An annotation that runs past the end of its line (a term across a line break) is
        cut there; the rest of it is plain text on the next line.
        """
        text = self.text
        anns = self.annotations
        k = 0
        pos = 0
        for line in text.splitlines(keepends=True):
            start, end = pos, pos + len(line.rstrip("\r\n"))
            pos += len(line)
            pieces: list[tuple[str, Annotation | None]] = []
            cursor = start
            while k < len(anns) and anns[k].start < end:
                ann = anns[k]
                k += 1
                stop = min(ann.end, end)
                if ann.start > cursor:
                    pieces.append((text[cursor : ann.start], None))
                pieces.append((text[ann.start : stop], ann))
                cursor = stop
            if end > cursor:
                pieces.append((text[cursor:end], None))
            yield pieces

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: schema version, text and annotations."""
        return {
            "version": JSON_SCHEMA_VERSION,
            "text": self.text,
            "annotations": [a.to_dict() for a in self.annotations],
        }
