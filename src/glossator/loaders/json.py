"""JSON glossaries: the same two shapes as YAML, with line numbers for entries and keys.

The file is parsed by the standard :mod:`json` module (numbers are kept as the text the
author wrote, like YAML scalars). Line numbers are found by a second, shallow walk over the
text: the root value, the ``entries`` array, each entry object and its keys; deeper values
are skipped with :meth:`json.JSONDecoder.raw_decode`.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable

from ..entries import JSON_SYNTAX, WrittenNumber, entries_from_data, split_document
from ..errors import GlossaryError
from ..glossary import Glossary
from ..model import Diagnostic, GlossaryProblems, Location
from .yaml import decode

__all__ = ["load"]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
class _Constant(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``: Python's json reads them, JSON has none."""


def _refuse_constant(name: str) -> None:
    raise _Constant(name)


#: Numbers stay the text the author wrote (``1.50`` is not ``1.5``), as in YAML glossaries.
_DECODER = json.JSONDecoder(parse_float=WrittenNumber, parse_int=WrittenNumber,
                            parse_constant=_refuse_constant)
#: A string (skipped) or one of the constants JSON does not have.
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


class _Positions:
    """Walk the top levels of a valid JSON text, noting the line of entries and keys."""

    def __init__(self, text: str, name: str, diagnostics: list[Diagnostic]) -> None:
        self.text = text
        self.name = name
        self.diagnostics = diagnostics
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        #: For each entry of the ``entries`` array, the line of the entry ("") and its keys.
        self.entries: list[dict[str, int]] = []
        #: The line of each key of the top-level object.
        self.keys: dict[str, int] = {}

    def line(self, pos: int) -> int:
        """The 1-based line of the character at ``pos``."""
        return bisect_right(self._starts, pos)

    def _ws(self, pos: int) -> int:
        match = _WHITESPACE.match(self.text, pos)
        return match.end() if match else pos

    def _skip(self, pos: int) -> int:
        return int(_DECODER.raw_decode(self.text, pos)[1])

    def _object(self, pos: int, on_value: Callable[[str, int, int], int]) -> int:
        """Walk the object at ``pos``; ``on_value(key, key_pos, value_pos)`` returns the end
        of the value."""
        seen: set[str] = set()
        pos = self._ws(pos + 1)
        if self.text[pos] == "}":
            return pos + 1
        while True:
            key, end = _DECODER.raw_decode(self.text, pos)
            if key in seen:
                self.diagnostics.append(
                    Diagnostic("warning", f"key '{key}' appears twice; the last one is used",
                               Location(self.name, self.line(pos)), code="duplicate-key")
                )
            seen.add(key)
            pos = on_value(key, pos, self._ws(self._ws(end) + 1))  # past the ':'
            pos = self._ws(pos)
            if self.text[pos] == "}":
                return pos + 1
            pos = self._ws(pos + 1)  # past the ','

    def _array(self, pos: int, on_item: Callable[[int], int]) -> int:
        pos = self._ws(pos + 1)
        if self.text[pos] == "]":
            return pos + 1
        while True:
            pos = self._ws(on_item(pos))
            if self.text[pos] == "]":
                return pos + 1
            pos = self._ws(pos + 1)

    def _entry(self, pos: int) -> int:
        where = {"": self.line(pos)}
        self.entries.append(where)
        if self.text[pos] != "{":
            return self._skip(pos)

        def key_line(key: str, key_pos: int, value_pos: int) -> int:
            where[key] = self.line(key_pos)
            return self._skip(value_pos)

        return self._object(pos, key_line)

    def _entries(self, pos: int) -> int:
        if self.text[pos] != "[":
            return self._skip(pos)
        return self._array(pos, self._entry)

    def root(self) -> int:
        """Walk the document; return the line of its root value."""
        pos = self._ws(0)
        if self.text[pos] == "[":
            self._entries(pos)
        elif self.text[pos] == "{":

            def top(key: str, key_pos: int, value_pos: int) -> int:
                self.keys[key] = self.line(key_pos)
                if key == "entries":
                    return self._entries(value_pos)
                return self._skip(value_pos)

            self._object(pos, top)
        return self.line(pos)


def _constants(text: str, name: str) -> GlossaryProblems:
    """Every ``NaN``, ``Infinity`` and ``-Infinity`` of ``text``, one error each."""
    found = []
    for match in _CONSTANT.finditer(text):
        if match.group(1):
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - text.rfind("\n", 0, match.start())
            found.append(Diagnostic(
                "error", f"invalid JSON: {match.group(1)} is not a JSON value (column "
                f"{column})", Location(name, line),
                "write a number, or the text in double quotes", "load-error"))
    return GlossaryProblems(found or [Diagnostic(
        "error", "invalid JSON: NaN, Infinity and -Infinity are not JSON values",
        Location(name), "write a number, or the text in double quotes", "load-error")])


def load(data: bytes, name: str, encoding: str | None = None) -> Glossary:
    """Read a JSON glossary: an array of entries, or an object with metadata and ``entries``."""
    text = decode(data, name, encoding)
    diagnostics: list[Diagnostic] = []
    if not text.strip():
        split_document(None, name, 1, diagnostics, JSON_SYNTAX)  # raises: the glossary is empty
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise GlossaryError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", file=name, line=exc.lineno,
            hint="check the quotes, commas and brackets on that line or the one before; "
            "JSON allows no trailing comma and no comments",
        ) from None
    except _Constant:
        raise _constants(text, name) from None
    except RecursionError:
        raise GlossaryError("invalid JSON: the values are nested too deeply",
                            file=name) from None
    positions = _Positions(text, name, diagnostics)
    root_line = positions.root()
    items, metadata = split_document(value, name, root_line, diagnostics, JSON_SYNTAX,
                                     positions.keys)
    entries = entries_from_data(items, name, diagnostics, positions.entries, JSON_SYNTAX)
    glossary_name = metadata.get("name") or metadata.get("title")
    return Glossary(entries, name=str(glossary_name) if glossary_name else None,
                    metadata=metadata, diagnostics=diagnostics)
