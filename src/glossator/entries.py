"""Turn plain data (from YAML, JSON, TOML… or Python) into validated entries.

Every format loader ends here, so every format gets the same checks and the same messages.
A hard problem (no term, an empty definition, a string where a list belongs) raises
:class:`~glossator.errors.GlossaryError`; a soft one (an unknown key) is a diagnostic.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import GlossaryError
from .model import Diagnostic, Entry, Location
from .text.normalize import one_line, slugify

__all__ = [
    "CSV_SYNTAX", "ENTRY_KEYS", "JSON_SYNTAX", "METADATA_KEYS", "TOML_SYNTAX", "YAML_SYNTAX",
    "Syntax", "entries_from_data", "split_document",
]

#: Keys an entry may have.
ENTRY_KEYS = (
    "term", "definition", "title", "aliases", "id", "case_sensitive", "url", "source", "tags",
    "inflect", "hyphen_variants", "not_in", "max_occurrences",
)
#: Keys the top-level mapping of a glossary file may have besides ``entries``.
METADATA_KEYS = (
    "name", "title", "language", "description", "license", "source", "url", "version", "authors",
)

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_MARKUP = re.compile(r"<\s*[a-zA-Z!/]")

#: For each entry (by index), the 1-based line of each key ("" is the entry itself).
LineMap = Sequence[Mapping[str, int]]


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


YAML_SYNTAX = Syntax(
    no_entries="put the entries under an 'entries:' key",
    single_entry="put the entry in a list: start it with '- term:'",
    entries_list="start each entry with '- term:'",
    entry_shape="write it as '- term: …' followed by 'definition: …'",
    write_list=lambda key, value: f"write {key}: [{value}]",
    required=lambda key: f"every entry needs a non-empty '{key}'",
)
JSON_SYNTAX = Syntax(
    no_entries='put the entries in an array under "entries"',
    single_entry='put the entry in an array: [{"term": …, "definition": …}]',
    entries_list='"entries" takes an array of objects: [{"term": …}, …]',
    entry_shape='write it as an object: {"term": "…", "definition": "…"}',
    write_list=lambda key, value: f"write \"{key}\": [{json.dumps(value, ensure_ascii=False)}]",
    required=lambda key: f'every entry needs a non-empty "{key}"',
)
TOML_SYNTAX = Syntax(
    no_entries="start each entry with an [[entries]] line",
    single_entry="start each entry with an [[entries]] line",
    entries_list="write [[entries]] (two brackets) before each entry",
    entry_shape='write it as an [[entries]] table with term = "…" and definition = "…"',
    write_list=lambda key, value: f"write {key} = [{json.dumps(value, ensure_ascii=False)}]",
    required=lambda key: f'every entry needs a non-empty {key} = "…"',
)
CSV_SYNTAX = Syntax(
    no_entries="the first row must name the columns, e.g. term,definition",
    single_entry="the first row must name the columns, e.g. term,definition",
    entries_list="write one entry per row",
    entry_shape="write one entry per row",
    write_list=lambda key, value: f"separate the values of the '{key}' column with '|'",
    required=lambda key: f"fill the '{key}' column of that row",
)



def _describe(value: Any) -> str:
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
    syntax: Syntax = YAML_SYNTAX,
) -> tuple[list[Any], dict[str, Any]]:
    """Accept a bare list of entries or a mapping with metadata and ``entries:``."""
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
        metadata = {k: v for k, v in data.items() if k != "entries"}
        for key in metadata:
            if key not in METADATA_KEYS:
                diagnostics.append(
                    Diagnostic(
                        "warning", f"unknown top-level key '{key}' is ignored",
                        Location(file, line), _suggest(key, METADATA_KEYS), "unknown-key",
                    )
                )
        return entries, metadata
    raise GlossaryError(
        f"a glossary must be a list of entries or a mapping with 'entries', not {_describe(data)}",
        file=file, line=line,
    )


def _suggest(key: str, known: Sequence[str]) -> str:
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
    for index, item in enumerate(items):
        where = lines[index] if lines is not None and index < len(lines) else {}
        entries.append(_entry(index, item, file, where, diagnostics, syntax))
    return entries


def _entry(
    index: int,
    item: Any,
    file: str | None,
    where: Mapping[str, int],
    diagnostics: list[Diagnostic],
    syntax: Syntax,
) -> Entry:
    """Validate the raw entry number ``index`` (0-based) and build its :class:`Entry`."""
    entry_line = where.get("")

    def err(message: str, key: str = "", hint: str | None = None) -> GlossaryError:
        return GlossaryError(message, file=file, line=where.get(key, entry_line), hint=hint)

    label = f"entry {index + 1}"
    if not isinstance(item, Mapping):
        raise err(
            f"{label} must be a mapping with 'term' and 'definition', not {_describe(item)}",
            hint=syntax.entry_shape,
        )
    for key in item:
        if key not in ENTRY_KEYS:
            diagnostics.append(
                Diagnostic(
                    "warning", f"unknown key '{key}' in {label} is ignored",
                    Location(file, where.get(str(key), entry_line)),
                    _suggest(str(key), ENTRY_KEYS), "unknown-key",
                )
            )

    def text(key: str, required: bool = False) -> str | None:
        value = item.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                what = "is empty" if key in item else "is missing"
                raise err(f"{label}: '{key}' {what}", key, syntax.required(key))
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise err(f"{label}: '{key}' must be text, not {_describe(value)}", key)
        return one_line(str(value)) if key != "definition" else str(value).strip()

    def text_list(key: str) -> tuple[str, ...]:
        value = item.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise err(
                f"{label}: '{key}' must be a list, not {_describe(value)}", key,
                syntax.write_list(key, value) if isinstance(value, str) else None,
            )
        out: list[str] = []
        for v in value:
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                raise err(f"{label}: each of '{key}' must be text, not {_describe(v)}", key)
            s = one_line(str(v))
            if s:
                out.append(s)
        return tuple(out)

    def flag(key: str) -> bool | None:
        value = item.get(key)
        if value is None or isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise err(f"{label}: '{key}' must be true or false, not '{value}'", key)

    term = text("term", required=True)
    definition = text("definition", required=True)
    assert term is not None and definition is not None
    case_sensitive = flag("case_sensitive")
    max_occurrences = item.get("max_occurrences")
    if max_occurrences is not None:
        try:
            max_occurrences = int(str(max_occurrences).strip())
        except ValueError:
            max_occurrences = -1
        if max_occurrences < 1:
            raise err(f"{label}: 'max_occurrences' must be a whole number of at least 1, not "
                      f"'{item.get('max_occurrences')}'", "max_occurrences")
    url = text("url")
    if url is not None and not re.match(r"(?i)(https?://|mailto:)", url):
        diagnostics.append(
            Diagnostic("warning", f"{label}: url '{url}' is not http(s) or mailto and "
                       "will not be linked", Location(file, where.get("url", entry_line)),
                       code="bad-url")
        )
    if _MARKUP.search(definition):
        diagnostics.append(
            Diagnostic("warning", f"{label}: the definition contains markup, which is "
                       "shown as text unless rich definitions are asked for",
                       Location(file, where.get("definition", entry_line)),
                       "write plain text, or use --rich-definitions for em, strong and links",
                       "markup-in-definition")
        )
    entry_id = text("id") or slugify(term)
    return Entry(
        term=term,
        definition=definition,
        id=entry_id,
        title=text("title"),
        aliases=text_list("aliases"),
        case_sensitive=case_sensitive,
        url=url,
        source=text("source"),
        tags=text_list("tags"),
        inflect=flag("inflect"),
        hyphen_variants=flag("hyphen_variants"),
        not_in=text_list("not_in"),
        max_occurrences=max_occurrences,
        origin=Location(file, entry_line),
        key_lines=tuple(sorted((k, v) for k, v in where.items() if k)),
    )
