"""Turn plain data (from YAML, JSON, TOML… or Python) into validated entries.

Every format loader ends here, so every format gets the same checks and the same messages.
A hard problem (a string where a list belongs, a number as a definition) is an ``error``
diagnostic, a soft one (an unknown key, an entry without a definition, skipped) a
``warning``; every entry is checked, then all the problems are raised at once
(:class:`~glossator.model.GlossaryProblems`) if one of them is an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import GlossaryError
from .model import CAP_MAX, Diagnostic, Entry, GlossaryProblems, Location
from .text.french import gendered_forms
from .text.normalize import one_line, slugify

__all__ = [
    "CSV_SYNTAX", "ENTRY_KEYS", "JSON_SYNTAX", "METADATA_KEYS", "TOML_SYNTAX", "YAML_SYNTAX",
    "Syntax", "WrittenNumber", "entries_from_data", "error_diagnostic", "split_document",
]

#: Keys an entry may have.
ENTRY_KEYS = (
    "term", "definition", "title", "aliases", "id", "case_sensitive", "url", "source", "tags",
    "domain", "inflect", "hyphen_variants", "not_in", "max_occurrences",
)
#: Keys the top-level mapping of a glossary file may have besides ``entries``.
METADATA_KEYS = (
    "name", "title", "language", "description", "license", "source", "url", "version", "authors",
    "domain",
)

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_MARKUP = re.compile(r"<\s*[a-zA-Z!/]")
#: The control characters an entry's text should not hold (C0 but tab, line feed and
#: carriage return; DEL; C1): HTML and the terminal show them as visible escapes, the
#: ``text`` and ``json`` formats carry them as they are (docs/output-formats.md).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: For each entry (by index), the 1-based line of each key ("" is the entry itself).
LineMap = Sequence[Mapping[str, int]]


def _entry_number(index: int, line: int | None) -> str:
    """``entry N``: how the messages of a YAML, JSON or TOML glossary name the entry of
    index ``index`` (0-based); the line is in their ``FILE:LINE`` already."""
    return f"entry {index + 1}"


def _row_line(index: int, line: int | None) -> str:
    """``row N``, N the line the row starts on: how the messages of a CSV or TSV
    glossary name a row (the number a user editing the file looks for, not its rank
    among the entries: the header and blank rows come before it)."""
    return f"row {line}" if line is not None else f"entry {index + 1}"


@dataclass(frozen=True)
class Syntax:
    """How one format writes a glossary, for the fix hints of the shared messages.

    The checks are the same for every format; the advice must be in the reader's format:
    ``tags: [notion]`` in YAML is ``"tags": ["notion"]`` in JSON and ``tags = ["notion"]``
    in TOML.
    """

    #: the glossary is a mapping without ``entries``
    no_entries: str
    #: the glossary is a single entry instead of a list of them
    single_entry: str
    #: ``entries`` is not a list
    entries_list: str
    #: an entry is not a mapping
    entry_shape: str
    #: ``(key, value)`` → how to write a one-element list
    write_list: Callable[[str, str], str]
    #: ``key`` → how to fill a required field
    required: Callable[[str], str]
    #: ``(index, line)`` → how messages name an entry (``entry 2``, ``row 3``)
    label: Callable[[int, int | None], str] = _entry_number


YAML_SYNTAX = Syntax(
    no_entries="put the entries under an 'entries:' key",
    single_entry="put the entry in a list: start it with '- term:'",
    entries_list="start each entry with '- term:'",
    entry_shape="write it as '- term: …' followed by 'definition: …'",
    write_list=lambda key, value: f"write {key}: [{value}]",
    required=lambda key: f"every entry needs a non-empty '{key}'",
)


def _json(value: str) -> str:
    """``value`` as a JSON string (json is imported only for such a message)."""
    import json

    return json.dumps(value, ensure_ascii=False)


JSON_SYNTAX = Syntax(
    no_entries='put the entries in an array under "entries"',
    single_entry='put the entry in an array: [{"term": …, "definition": …}]',
    entries_list='"entries" takes an array of objects: [{"term": …}, …]',
    entry_shape='write it as an object: {"term": "…", "definition": "…"}',
    write_list=lambda key, value: f"write \"{key}\": [{_json(value)}]",
    required=lambda key: f'every entry needs a non-empty "{key}"',
)
TOML_SYNTAX = Syntax(
    no_entries="start each entry with an [[entries]] line",
    single_entry="start each entry with an [[entries]] line",
    entries_list="write [[entries]] (two brackets) before each entry",
    entry_shape='write it as an [[entries]] table with term = "…" and definition = "…"',
    write_list=lambda key, value: f"write {key} = [{_json(value)}]",
    required=lambda key: f'every entry needs a non-empty {key} = "…"',
)
CSV_SYNTAX = Syntax(
    no_entries="the first row must name the columns, e.g. term,definition",
    single_entry="the first row must name the columns, e.g. term,definition",
    entries_list="write one entry per row",
    entry_shape="write one entry per row",
    write_list=lambda key, value: f"separate the values of the '{key}' column with '|'",
    required=lambda key: f"fill the '{key}' column of that row",
    label=_row_line,
)



class WrittenNumber(str):
    """A number read from a typed format (JSON, TOML, a plain YAML scalar), kept as the
    text the author wrote (``1.50`` stays ``1.50``) but known to be a number: a term may
    be one (*35*, *1901*), a definition may not."""


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, WrittenNumber)) and not isinstance(value, bool)


def _blank(text: str) -> bool:
    """Whether ``text`` shows nothing: only white space and invisible characters (zero
    width space, soft hyphen, BOM, joiners, direction marks, controls)."""
    if text[:1].isalnum():  # the usual case, at once
        return False
    return all(c.isspace() or unicodedata.category(c) in _INVISIBLE_CATEGORIES
               for c in text)


_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def _code_points(text: str) -> str:
    """The distinct characters of ``text`` as ``U+200B, U+00AD``."""
    return ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(text))


def _plain(value: Any, done: dict[int, Any] | None = None) -> Any:
    """``value`` with every :class:`WrittenNumber` made a plain string (metadata is kept
    and cached as it was read); a value shared through YAML aliases is converted once."""
    if isinstance(value, str):
        return str(value)
    if not isinstance(value, (list, Mapping)):
        return value
    done = {} if done is None else done
    if id(value) not in done:
        done[id(value)] = ([_plain(v, done) for v in value] if isinstance(value, list)
                           else {k: _plain(v, done) for k, v in value.items()})
    return done[id(value)]


_SURROGATE = re.compile("[\ud800-\udfff]")


def _describe(value: Any) -> str:
    if isinstance(value, WrittenNumber):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else type(value).__name__


def split_document(
    data: Any, file: str | None, line: int | None, diagnostics: list[Diagnostic],
    syntax: Syntax = YAML_SYNTAX, key_lines: Mapping[str, int] | None = None,
) -> tuple[list[Any], dict[str, Any]]:
    """Accept a bare list of entries or a mapping with metadata and ``entries:``;
    ``key_lines``: the line of each top-level key, where the format knows it (else
    ``line``, the document's)."""
    if data is None:
        raise GlossaryError(
            "the glossary is empty", file=file, line=line,
            hint="add a list of entries, each with 'term' and 'definition'",
        )
    if isinstance(data, list):
        return data, {}
    if isinstance(data, Mapping):
        if "entries" not in data:
            hint = syntax.single_entry if "term" in data else syntax.no_entries
            raise GlossaryError("the glossary has no 'entries'", file=file, line=line, hint=hint)
        entries = data["entries"]
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            raise GlossaryError(
                f"'entries' must be a list of entries, not {_describe(entries)}",
                file=file, line=line, hint=syntax.entries_list,
            )
        metadata = {k: _plain(v) for k, v in data.items() if k != "entries"}
        if metadata.get("domain") is not None:  # the glossary's domain, for its entries
            entries = [{**e, "domain": metadata["domain"]}
                       if isinstance(e, Mapping) and e.get("domain") is None else e
                       for e in entries]
        for key in metadata:
            if key not in METADATA_KEYS:
                diagnostics.append(
                    Diagnostic(
                        "warning", f"unknown top-level key '{key}' is ignored",
                        Location(file, (key_lines or {}).get(key, line)),
                        _suggest(key, METADATA_KEYS), "unknown-key",
                    )
                )
        return entries, metadata
    raise GlossaryError(
        f"a glossary must be a list of entries or a mapping with 'entries', not {_describe(data)}",
        file=file, line=line,
    )


def _suggest(key: str, known: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "known keys: " + ", ".join(known)


def entries_from_data(
    items: list[Any],
    file: str | None,
    diagnostics: list[Diagnostic],
    lines: LineMap | None = None,
    syntax: Syntax = YAML_SYNTAX,
) -> list[Entry]:
    """Validate raw entry mappings and build :class:`Entry` values.

    ``syntax`` words the fix hints in the format the entries were read from.
    """
    entries: list[Entry] = []
    explicit: dict[str, Entry] = {}  # the first entry that gave each id
    for index, item in enumerate(items):
        where = lines[index] if lines is not None and index < len(lines) else {}
        try:
            entry = _entry(index, item, file, where, diagnostics, syntax)
            entries.append(entry)
            given = item.get("id")
            if given is not None and not (isinstance(given, str) and _blank(given)):
                _given_again(entry, explicit, diagnostics)
        except _Missing as missing:  # a real list's blank cell: skip the entry, say where
            diagnostics.append(Diagnostic(
                "warning", f"{missing.message}: the entry is skipped",
                Location(missing.file, missing.line), missing.hint, "skipped-entry"))
        except GlossaryError as error:  # go on, so that every problem is reported at once
            diagnostics.append(error_diagnostic(error))
    GlossaryProblems.check(diagnostics)
    return entries


def _given_again(entry: Entry, explicit: dict[str, Entry], found: list[Diagnostic]) -> None:
    """Report ``entry``'s id, given in the file, when an earlier entry gave it too and the
    glossary would take it for a derived one (``id: scop`` for *SCOP*: :func:`derived_id`)
    and rename it without a word (:func:`glossator.glossary._unique_ids` reports the other
    repeated ids)."""
    other = explicit.setdefault(entry.id, entry)
    if other is not entry and derived_id(entry.id, entry.term):
        found.append(duplicate_id(entry, other))


def derived_id(entry_id: str, term: str) -> bool:
    """Whether ``entry_id`` is one ``term`` makes by itself: its slug (``scop``), or its
    slug renamed (``scop-2``), which a glossary renames quietly when it is taken."""
    slug = slugify(term)
    return entry_id == slug or (entry_id.startswith(f"{slug}-")
                                and entry_id[len(slug) + 1:].isdigit())


def duplicate_id(entry: Entry, other: Entry) -> Diagnostic:
    """The warning for ``entry``, whose id the earlier ``other`` has: it is renamed."""
    where = f" at {other.origin}" if other.origin and other.origin.file else ""
    return Diagnostic(
        "warning", f"id '{entry.id}' is also used by the entry '{other.term}'{where}",
        entry.origin if entry.origin and entry.origin.file else None,
        "give each entry its own 'id'; this one was renamed", "duplicate-id")


def error_diagnostic(error: GlossaryError, code: str = "load-error") -> Diagnostic:
    """A problem that stops loading, as an ``error`` diagnostic, to be reported with the
    others (:class:`~glossator.model.GlossaryProblems`)."""
    return Diagnostic("error", error.message, Location(error.file, error.line), error.hint,
                      code)


def _gendered(term: str, aliases: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """A term in FranceTerme's notation (*ablatif, -ive*) as its masculine form, with its
    feminine form first among the aliases; aliases in the notation give both forms."""
    forms = gendered_forms(term)
    out: list[str] = []
    if forms is not None:
        term = forms[0]
        out.append(forms[1])
    for alias in aliases:
        out.extend(gendered_forms(alias) or (alias,))
    return term, tuple(dict.fromkeys(a for a in out if a != term))


class _Missing(GlossaryError):
    """An entry without a term or a definition: skipped, with a warning."""


def _entry(
    index: int,
    item: Any,
    file: str | None,
    where: Mapping[str, int],
    diagnostics: list[Diagnostic],
    syntax: Syntax,
) -> Entry:
    """Validate the raw entry number ``index`` (0-based) and build its :class:`Entry`."""
    raw = _RawEntry(syntax.label(index, where.get("")), item, file, where, syntax)
    if not isinstance(item, Mapping):
        raise raw.error(
            f"{raw.label} must be a mapping with 'term' and 'definition', not "
            f"{_describe(item)}", hint=syntax.entry_shape,
        )
    diagnostics.extend(raw.unknown_keys())
    term = raw.text("term", required=True)
    definition = raw.text("definition", required=True)
    assert term is not None and definition is not None
    case_sensitive = raw.flag("case_sensitive")
    max_occurrences = raw.max_occurrences()
    url = raw.text("url")
    diagnostics.extend(raw.warnings(url, definition))
    diagnostics.extend(raw.controls(("term", "title", "definition")))
    term, aliases = _gendered(term, raw.text_list("aliases", diagnostics))
    entry_id = raw.text("id") or slugify(term)
    return Entry(
        term=term,
        definition=definition,
        id=entry_id,
        title=raw.text("title"),
        aliases=aliases,
        case_sensitive=case_sensitive,
        url=url,
        source=raw.text("source"),
        tags=raw.text_list("tags", diagnostics),
        domains=raw.text_or_list("domain"),
        inflect=raw.flag("inflect"),
        hyphen_variants=raw.flag("hyphen_variants"),
        not_in=raw.text_list("not_in", diagnostics),
        max_occurrences=max_occurrences,
        origin=Location(file, raw.line()),
        key_lines=tuple(sorted((k, v) for k, v in where.items() if k)),
    )


@dataclass(frozen=True)
class _RawEntry:
    """One raw entry being validated: its fields read one at a time, each problem raised
    or reported at the line of its key (else of the entry)."""

    #: ``entry N`` (``row N`` in CSV), as messages name it
    label: str
    item: Any
    file: str | None
    where: Mapping[str, int]
    syntax: Syntax

    def line(self, key: str = "") -> int | None:
        """The line of ``key`` in the file, else the entry's."""
        return self.where.get(key, self.where.get(""))

    def error(self, message: str, key: str = "", hint: str | None = None) -> GlossaryError:
        """A hard problem with ``key`` (or the entry itself)."""
        return GlossaryError(message, file=self.file, line=self.line(key), hint=hint)

    def unknown_keys(self) -> list[Diagnostic]:
        """A warning for each key that is not one of :data:`ENTRY_KEYS`."""
        return [
            Diagnostic(
                "warning", f"unknown key '{key}' in {self.label} is ignored",
                Location(self.file, self.line(str(key))),
                _suggest(str(key), ENTRY_KEYS), "unknown-key",
            )
            for key in self.item if key not in ENTRY_KEYS
        ]

    def text(self, key: str, required: bool = False) -> str | None:
        """The text of ``key`` on one line (the definition keeps its lines), or ``None``
        when it is missing or blank, invisible characters aside (an entry skipped if
        ``required``). A definition must be text: a number is refused."""
        value = self.item.get(key)
        if value is None or (isinstance(value, str) and _blank(value)):
            if required:
                what = ("is empty" if not value or not value.strip() else
                        f"holds only invisible characters ({_code_points(value)})"
                        ) if key in self.item else "is missing"
                raise _Missing(f"{self.label}: '{key}' {what}", file=self.file,
                               line=self.line(key), hint=self.syntax.required(key))
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(f"{self.label}: '{key}' must be text, not {_describe(value)}", key)
        if key == "definition" and _is_number(value):
            raise self.error(f"{self.label}: the definition must be text, not a number "
                             f"({value})", key, "write what the term means")
        self.no_surrogate(key, str(value))
        return one_line(str(value)) if key != "definition" else str(value).strip()

    def no_surrogate(self, key: str, text: str) -> None:
        """Refuse a lone surrogate (``"\\ud800"`` in JSON or YAML): it is no character,
        and no UTF-8 text, page or output can hold it."""
        found = _SURROGATE.search(text)
        if found:
            raise self.error(
                f"{self.label}: '{key}' holds a lone surrogate (U+{ord(found.group()):04X}), "
                "which is no character", key,
                "fix the \\u escape that made it (an emoji is a pair, \\ud83d\\ude00)")

    def text_list(self, key: str, diagnostics: list[Diagnostic] | None = None
                  ) -> tuple[str, ...]:
        """The texts of the list ``key``, each on one line; an empty or invisible item is
        left out, with a warning in ``diagnostics`` if given."""
        value = self.item.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error(
                f"{self.label}: '{key}' must be a list, not {_describe(value)}", key,
                self.syntax.write_list(key, value) if isinstance(value, str) else None,
            )
        out: list[str] = []
        for n, v in enumerate(value):
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                raise self.error(
                    f"{self.label}: each of '{key}' must be text, not {_describe(v)}", key)
            s = one_line(str(v))
            self.no_surrogate(key, s)
            if not _blank(s):
                out.append(s)
            elif diagnostics is not None:
                diagnostics.append(self.blank_value(key, n, s))
        return tuple(out)

    def text_or_list(self, key: str) -> tuple[str, ...]:
        """``key`` as one text or a list of them (``domain: travail`` or
        ``domain: [travail, santé]``)."""
        value = self.item.get(key)
        if isinstance(value, str):
            return (one_line(value),) if one_line(value) else ()
        return self.text_list(key)

    def blank_value(self, key: str, n: int, text: str) -> Diagnostic:
        """The warning for the empty (or invisible) item ``n`` of the list ``key``."""
        what = "empty" if not text else f"only invisible characters ({_code_points(text)})"
        return Diagnostic(
            "warning", f"{self.label}: value {n + 1} of '{key}' is {what}: it is ignored",
            Location(self.file, self.where.get(f"{key}.{n}") or self.line(key)),
            f"remove it from '{key}'", "blank-value")

    def flag(self, key: str) -> bool | None:
        """``key`` as a boolean (``yes``, ``off``, ``1``… count), or ``None``."""
        value = self.item.get(key)
        if value is None or isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise self.error(f"{self.label}: '{key}' must be true or false, not '{value}'", key)

    def max_occurrences(self) -> int | None:
        """``max_occurrences`` as a whole number of at least 1, or ``None``."""
        value = self.item.get("max_occurrences")
        if value is None:
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            number = -1
        if number < 1:
            raise self.error(f"{self.label}: 'max_occurrences' must be a whole number of at "
                             f"least 1, not '{value}'", "max_occurrences")
        return min(number, CAP_MAX)  # (a huge number means "no limit": the same)

    def controls(self, keys: Sequence[str]) -> list[Diagnostic]:
        """A warning for each text of ``keys`` that holds control characters (an escape
        sequence or a bell pasted from a terminal, a stray byte of another encoding)."""
        found: list[Diagnostic] = []
        for key in keys:
            value = self.item.get(key)
            if not isinstance(value, str) or value.isprintable():  # (one C scan)
                continue
            chars = _CONTROLS.findall(value)
            if chars:
                found.append(Diagnostic(
                    "warning", f"{self.label}: the {key} holds control characters "
                    f"({_code_points(''.join(chars))})", Location(self.file, self.line(key)),
                    "delete them: HTML and the terminal show them as escapes (\\x1b), "
                    "text and JSON output carry them as they are", "control-character"))
        return found

    def warnings(self, url: str | None, definition: str) -> list[Diagnostic]:
        """The soft problems of the entry's ``url`` and ``definition``."""
        found: list[Diagnostic] = []
        if url is not None and not re.match(r"(?i)(https?://|mailto:)", url):
            found.append(
                Diagnostic("warning", f"{self.label}: url '{url}' is not http(s) or mailto "
                           "and will not be linked", Location(self.file, self.line("url")),
                           code="bad-url")
            )
        if _MARKUP.search(definition):
            found.append(
                Diagnostic("warning", f"{self.label}: the definition contains markup, which "
                           "is shown as text unless rich definitions are asked for",
                           Location(self.file, self.line("definition")),
                           "write plain text, or use --rich-definitions for em, strong and "
                           "links", "markup-in-definition")
            )
        return found
