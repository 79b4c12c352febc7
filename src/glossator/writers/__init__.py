"""Glossary writers: a :class:`~glossator.glossary.Glossary` to the text of a glossary file.

A writer is a function ``(glossary) -> str``; each format says which entry fields it can
hold (:data:`FIELDS`), so that a conversion can tell what it drops. Writing then reading
back gives the same entries for those fields (the tests check it for every pair of formats).
Formats are found by name or by the suffix of the file to write, like the loaders.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..glossary import Glossary
from ..model import Entry
from ..text.normalize import slugify

__all__ = [
    "ENTRY_ORDER", "FIELDS", "Writer", "dump_glossary", "entry_record", "glossary_metadata",
    "is_xml_name", "lost_fields", "output_format", "writer_formats",
]

Writer = Callable[[Glossary], str]

#: format name -> (suffixes, "module:function"); imported lazily
_BUILTIN: dict[str, tuple[tuple[str, ...], str]] = {
    "yaml": ((".yaml", ".yml"), "glossator.writers.text:write_yaml"),
    "json": ((".json",), "glossator.writers.text:write_json"),
    "toml": ((".toml",), "glossator.writers.text:write_toml"),
    "csv": ((".csv",), "glossator.writers.csv:write_csv"),
    "tsv": ((".tsv",), "glossator.writers.csv:write_tsv"),
    "tbx": ((".tbx",), "glossator.writers.tbx:write_tbx"),
    "skos-ttl": ((".ttl",), "glossator.writers.skos:write_turtle"),
    "skos-rdfxml": ((".rdf",), "glossator.writers.skos:write_rdfxml"),
}
#: other names of a format (``skos`` is written as Turtle)
_ALIASES = {"skos": "skos-ttl"}

#: The order of the keys of an entry in every written file: what a person reads first.
ENTRY_ORDER = (
    "term", "title", "aliases", "definition", "id", "url", "source", "tags", "domain",
    "case_sensitive", "inflect", "hyphen_variants", "not_in", "max_occurrences",
)
#: The ``Entry`` attribute of a key whose name differs (``domain: [a, b]`` is ``domains``).
_ATTRIBUTE = {"domain": "domains"}
_ALL = frozenset(ENTRY_ORDER)
_SKOS = frozenset({"term", "aliases", "definition", "id", "url", "source"})
#: The entry fields each format holds.
FIELDS: dict[str, frozenset[str]] = {
    "yaml": _ALL, "json": _ALL, "toml": _ALL, "csv": _ALL, "tsv": _ALL,
    "tbx": frozenset({"term", "aliases", "definition", "id", "url", "source"}),
    "skos-ttl": _SKOS, "skos-rdfxml": _SKOS,
}
#: Formats that keep the glossary's metadata (name, license…); TBX and SKOS keep its name.
_KEEPS_METADATA = frozenset({"yaml", "json", "toml"})
_KEEPS_NAME = frozenset({"yaml", "json", "toml", "tbx", "skos-ttl", "skos-rdfxml"})


def writer_formats() -> list[str]:
    """Names of the formats a glossary can be written in."""
    return sorted({*_BUILTIN, *_ALIASES})


def _canonical(fmt: str) -> str:
    fmt = _ALIASES.get(fmt, fmt)
    if fmt not in _BUILTIN:
        raise UsageError(f"cannot write glossaries in '{fmt}'",
                         hint=f"use one of: {', '.join(writer_formats())}")
    return fmt


def output_format(path: str, fmt: str | None) -> str:
    """The format to write ``path`` in: ``fmt`` if given, else the one of its suffix."""
    if fmt is not None:
        return _canonical(fmt)
    suffix = Path(path).suffix.lower()
    for name, (suffixes, _) in _BUILTIN.items():
        if suffix in suffixes:
            return name
    where = "standard output" if path == "-" else f"the suffix '{suffix or '(none)'}'"
    raise UsageError(f"cannot tell the output format from {where}",
                     hint=f"pass --to ({', '.join(writer_formats())})")


def dump_glossary(glossary: Glossary, format: str) -> str:
    """The text of ``glossary`` written in ``format``."""
    module, _, func = _BUILTIN[_canonical(format)][1].partition(":")
    writer: Writer = getattr(import_module(module), func)
    return writer(glossary)


def entry_record(entry: Entry) -> dict[str, Any]:
    """The fields of ``entry`` worth writing, in :data:`ENTRY_ORDER`.

    Empty optional fields are left out, and so is an ``id`` that the loaders would derive
    from the term anyway.
    """
    record: dict[str, Any] = {}
    for key in ENTRY_ORDER:
        value = getattr(entry, _ATTRIBUTE.get(key, key))
        if key == "id" and value == slugify(entry.term):
            continue
        if value is None or value == () or value == "":
            continue
        record[key] = list(value) if isinstance(value, tuple) else value
    return record


def glossary_metadata(glossary: Glossary) -> dict[str, Any]:
    """The glossary's metadata, with its name first when the metadata lacks one."""
    metadata = {k: v for k, v in glossary.metadata.items() if v is not None}
    if glossary.name and not (metadata.get("name") or metadata.get("title")):
        metadata = {"name": glossary.name, **metadata}
    return metadata


def lost_fields(glossary: Glossary, format: str) -> list[str]:
    """What writing ``glossary`` in ``format`` drops, e.g. ``"'title' (3 entries)"``."""
    fmt = _canonical(format)
    holds = FIELDS[fmt]
    counts: dict[str, int] = {}
    for entry in glossary:
        for key in entry_record(entry):
            if key not in holds or (fmt == "tbx" and key == "id" and not is_xml_name(entry.id)):
                counts[key] = counts.get(key, 0) + 1
    lost = [f"'{key}' ({n} entr{'y' if n == 1 else 'ies'})" for key, n in counts.items()]
    metadata = glossary_metadata(glossary)
    if fmt not in _KEEPS_METADATA:
        # TBX and SKOS keep one title: the glossary's name (its 'name', else its 'title')
        kept = {"name" if "name" in metadata else "title"} if fmt in _KEEPS_NAME else set()
        dropped = [k for k in metadata if k not in kept]
        if dropped:
            lost.append("the metadata " + ", ".join(f"'{k}'" for k in dropped))
    return lost


def is_xml_name(text: str) -> bool:
    """True when ``text`` can be an XML ``id`` (an NCName: a letter or ``_`` first)."""
    import re

    return re.fullmatch(r"[^\W\d][\w.-]*", text) is not None
