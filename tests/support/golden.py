"""Reading and rewriting the golden fixture files of tests/golden (format: its README.md).

A fixture file holds many cases, in the layout of markdown-it-py's fixture files::

    title of the case, with options such as occurrences=all width=40 title="Les PTCE"
    .
    the input
    .
    the expected output
    .

Each block (input, expected output) is the text between its two ``.`` lines, taken
exactly: the line break just before the closing ``.`` belongs to the layout, not to the
block, so an output that ends with a line break shows an empty line before its ``.``.
Two control characters are written as their visible Unicode pictures so that the files
stay plain text: ESC (terminal colours) as ``␛`` and CR as ``␍``. Lines outside cases
that do not open one (comments, blank lines) are kept as they are and otherwise ignored.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

DELIMITER = "."
REGEN_ENV = "GLOSSATOR_REGEN_GOLDEN"

_VISIBLE = {"\x1b": "␛", "\r": "␍"}
_OPTION = re.compile(r'(?<!\S)([a-z][a-z-]*)=("[^"]*"|\S*)')


class FixtureFormatError(ValueError):
    """A fixture file that does not follow the layout (unclosed case, title missing)."""


@dataclass(frozen=True)
class Case:
    """One case of a fixture file: ``expected`` is what the run of ``input`` must give."""

    path: Path
    index: int  # 0-based position in the file
    line: int  # 1-based line of the title
    title: str
    input: str
    expected: str
    options: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The pytest id: file stem, line and title."""
        return f"{self.path.stem}:{self.line}:{self.title}"


@dataclass(frozen=True)
class _Span:
    """Where a case's blocks are, as indexes into the file's lines (end excluded)."""

    title: int
    input: tuple[int, int]
    expected: tuple[int, int]


def regen_requested() -> bool:
    """True when the golden files are to be rewritten from the current output."""
    return os.environ.get(REGEN_ENV, "").strip() not in ("", "0", "no", "false")


def decode_block(lines: list[str]) -> str:
    """The text of a block from its lines in the file."""
    text = "\n".join(lines)
    for char, picture in _VISIBLE.items():
        text = text.replace(picture, char)
    return text


def encode_block(text: str) -> list[str]:
    """The lines that stand for ``text`` in a fixture file (``decode_block`` reverses it)."""
    for char, picture in _VISIBLE.items():
        if picture in text:
            raise FixtureFormatError(f"{picture!r} cannot be stored: it stands for {char!r}")
        text = text.replace(char, picture)
    lines = text.split("\n") if text else []
    if DELIMITER in lines:
        raise FixtureFormatError("a line holding a single '.' cannot be stored in a block")
    return lines


def parse_options(title: str) -> dict[str, str]:
    """The ``key=value`` words of a title line (``key="two words"`` for a value with spaces)."""
    return {m.group(1): m.group(2).strip('"') for m in _OPTION.finditer(title)}


def _spans(path: Path, lines: list[str]) -> list[_Span]:
    spans: list[_Span] = []
    i = 0
    while i < len(lines):
        if lines[i] != DELIMITER:
            i += 1
            continue
        title = i - 1
        if title < 0 or not lines[title].strip():
            raise FixtureFormatError(f"{path}:{i + 1}: a case must start with a title line")
        bounds: list[tuple[int, int]] = []
        start = i + 1
        for _ in range(2):
            try:
                end = lines.index(DELIMITER, start)
            except ValueError:
                raise FixtureFormatError(
                    f"{path}:{title + 1}: case {lines[title]!r} is not closed by '.' lines"
                ) from None
            bounds.append((start, end))
            start = end + 1
        spans.append(_Span(title, bounds[0], bounds[1]))
        i = start
    return spans


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        raise FixtureFormatError(f"{path}: the file must end with a line break")
    return text[:-1].split("\n")


def read_cases(path: Path) -> list[Case]:
    """Every case of the fixture file ``path``, in order."""
    lines = _lines(path)
    cases = []
    for index, span in enumerate(_spans(path, lines)):
        title = lines[span.title].strip()
        cases.append(
            Case(
                path=path,
                index=index,
                line=span.title + 1,
                title=title,
                input=decode_block(lines[slice(*span.input)]),
                expected=decode_block(lines[slice(*span.expected)]),
                options=parse_options(title),
            )
        )
    return cases


def rewrite_expected(case: Case, actual: str) -> bool:
    """Store ``actual`` as the expected output of ``case`` in its file; True if it changed.

    The file is read again, so cases rewritten before this one (and their new line
    numbers) are taken into account; the case is found by its position and checked by
    its title and input, so an edited file is never overwritten at the wrong place.
    """
    lines = _lines(case.path)
    spans = _spans(case.path, lines)
    if case.index >= len(spans):
        raise FixtureFormatError(f"{case.path}: case {case.title!r} is gone")
    span = spans[case.index]
    if (
        lines[span.title].strip() != case.title
        or decode_block(lines[slice(*span.input)]) != case.input
    ):
        raise FixtureFormatError(f"{case.path}: case {case.title!r} moved; run again")
    new_block = encode_block(actual)
    start, end = span.expected
    if lines[start:end] == new_block:
        return False
    lines[start:end] = new_block
    case.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return True


def stored_form(text: str) -> str:
    """``text`` as it is written in a fixture file (for the diffs of a failure)."""
    for char, picture in _VISIBLE.items():
        text = text.replace(char, picture)
    return text
