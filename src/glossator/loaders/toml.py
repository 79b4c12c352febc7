"""TOML glossaries: ``[[entries]]`` tables, with optional metadata keys at the top.

Parsed by the standard :mod:`tomllib` (Python 3.11+) or, on Python 3.10, the ``tomli``
package. Neither gives positions, so lines are found in the text: the n-th ``[[entries]]``
header is entry n, and a key's line is the first ``key =`` below that header.
"""

from __future__ import annotations

import re
from importlib import import_module
from typing import Any

from ..entries import TOML_SYNTAX, WrittenNumber, entries_from_data, split_document
from ..errors import GlossaryError
from ..glossary import Glossary
from ..model import Diagnostic
from .yaml import decode

__all__ = ["load"]

_ENTRIES_HEADER = re.compile(r"""^[ \t]*\[\[[ \t]*(?:entries|"entries"|'entries')[ \t]*\]\]""",
                             re.MULTILINE)
_ANY_HEADER = re.compile(r"""^[ \t]*\[{1,2}[ \t]*[A-Za-z0-9_"'-]""", re.MULTILINE)
_KEY = re.compile(r"""^[ \t]*(?:([A-Za-z0-9_-]+)|"([^"\\\n]*)"|'([^'\n]*)')[ \t]*=""",
                  re.MULTILINE)
_ERROR_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_HINT = "start each entry with an [[entries]] line followed by term = \"…\" and definition = \"…\""


def _tomllib(name: str) -> Any:
    for module in ("tomllib", "tomli"):
        try:
            return import_module(module)
        except ModuleNotFoundError:
            continue
    raise GlossaryError("reading a TOML glossary needs Python 3.11 or the 'tomli' package",
                        file=name, hint="pip install tomli")


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _top_lines(text: str) -> dict[str, int]:
    """The line of each key assigned before the first table header (the top-level
    keys: TOML puts every later key in a table)."""
    first = _ANY_HEADER.search(text)
    end = first.start() if first else len(text)
    lines: dict[str, int] = {}
    for key in _KEY.finditer(text, 0, end):
        name = next(group for group in key.groups() if group is not None)
        lines.setdefault(name, _line_of(text, key.start()))
    return lines


def _entry_lines(text: str, count: int) -> list[dict[str, int]]:
    """For each of ``count`` entries, the line of its header ("") and of its keys."""
    headers = list(_ENTRIES_HEADER.finditer(text))
    if len(headers) != count:  # inline tables, or a header-like line inside a string
        assignment = re.search(r"^[ \t]*entries[ \t]*=", text, re.MULTILINE)
        if assignment is None:
            return []
        return [{"": _line_of(text, assignment.start())}] * count
    lines: list[dict[str, int]] = []
    line, last = 1, 0
    for header in headers:
        line += text.count("\n", last, header.start())
        last = header.start()
        where = {"": line}
        start = header.end()
        following = _ANY_HEADER.search(text, start)
        end = following.start() if following else len(text)
        for key in _KEY.finditer(text, start, end):
            key_name = next(group for group in key.groups() if group is not None)
            where.setdefault(key_name, line + text.count("\n", header.start(), key.start()))
        lines.append(where)
    return lines


def load(data: bytes, name: str, encoding: str | None = None) -> Glossary:
    """Read a TOML glossary: ``[[entries]]`` tables and optional top-level metadata."""
    toml = _tomllib(name)
    text = decode(data, name, encoding)
    try:
        value: dict[str, Any] = toml.loads(text, parse_float=WrittenNumber)
    except toml.TOMLDecodeError as exc:
        message = str(exc)
        line = getattr(exc, "lineno", None)
        found = _ERROR_AT.search(message)
        if found:
            message = message[: found.start()]
            if found.group(1):
                line = line or int(found.group(1))
                message += f" (column {found.group(2)})"
            else:
                line = line or _line_of(text, len(text.rstrip("\n")))
                message += " (at the end of the file)"
        raise GlossaryError(f"invalid TOML: {message}", file=name, line=line,
                            hint="check the quoting and brackets on that line") from None
    diagnostics: list[Diagnostic] = []
    if not value:
        raise GlossaryError("the glossary is empty", file=name, line=1, hint=_HINT)
    if "entries" not in value:
        raise GlossaryError("the glossary has no 'entries'", file=name, line=1, hint=_HINT)
    if not isinstance(value["entries"], list):
        header = re.search(r"^[ \t]*\[[ \t]*entries[ \t]*\]", text, re.MULTILINE)
        raise GlossaryError(
            "'entries' must be an array of tables", file=name,
            line=_line_of(text, header.start()) if header else None,
            hint="write [[entries]] (two brackets) before each entry",
        )
    items, metadata = split_document(value, name, 1, diagnostics, TOML_SYNTAX,
                                     _top_lines(text))
    entries = entries_from_data(items, name, diagnostics, _entry_lines(text, len(items)),
                                TOML_SYNTAX)
    glossary_name = metadata.get("name") or metadata.get("title")
    return Glossary(entries, name=str(glossary_name) if glossary_name else None,
                    metadata=metadata, diagnostics=diagnostics)
