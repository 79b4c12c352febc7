"""A terminal view: highlighted terms, definitions as numbered notes or inline.

``style="notes"`` (the default) marks each term with a number and prints the notes after
its paragraph, each under a hanging indent; ``style="inline"`` writes the definition,
dimmed, right after the term. Colours are dropped when ``color=False``, when ``NO_COLOR``
is set, or when the output is not a terminal (the caller decides; :func:`render` itself
only writes a string).

The lines are laid out here, not by a general layout library: that costs about as much as
the ``text`` format (see ``benchmarks/terminal.py``). The rules:

* a line breaks only at an ASCII space; a no-break space (U+00A0, U+202F…) never breaks,
  and neither does the space before closing punctuation (``»`` ``)`` ``,`` ``.`` ``;``
  ``:`` ``!`` ``?``…) or after opening punctuation (``«`` ``(``…), so that no line starts
  with ``»,``;
* a word wider than the room (a long word, a URL) is folded over several lines, never
  cut: no character is dropped;
* every character a terminal would act on (escape sequences, other controls, BiDi
  overrides) is shown as a visible escape (:func:`glossator.text.inert.terminal_safe`);
  a tab is expanded to the next multiple of 8 columns;
* each style is closed at the end of each line (``less -R`` shows each line right).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable

from ..errors import UsageError
from ..model import AnnotatedText, Annotation
from ..text.inert import terminal_safe
from ..text.normalize import one_line

__all__ = ["cell_width", "render", "wrap"]

#: SGR parameters of each part (ECMA-48): bold cyan, cyan, bold, dim.
TERM_STYLE = "1;36"
MARK_STYLE = "36"
NOTE_TITLE_STYLE = "1"
DEFINITION_STYLE = "2"

#: A run of text and its SGR parameters ("" for none).
Part = tuple[str, str]

#: Punctuation that may not start a line (the space before it does not break), and
#: punctuation that may not end one (the space after it does not break).
CLOSING = frozenset(",.;:!?)]}»”’…%")
OPENING = frozenset("([{«“‘")

_SPACES = re.compile(r"( +)")
_WIDTHS: dict[str, int] = {}


def _char_width(char: str) -> int:
    width = _WIDTHS.get(char)
    if width is None:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            width = 0
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            width = 2
        else:
            width = 1
        _WIDTHS[char] = width
    return width


def cell_width(text: str) -> int:
    """How many terminal columns ``text`` takes (wide characters 2, marks 0)."""
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def render(
    doc: AnnotatedText,
    *,
    width: int | None = None,
    color: bool | None = None,
    style: str = "notes",
) -> str:
    """Render for a terminal ``width`` columns wide (80 by default)."""
    if style not in ("notes", "inline"):
        raise UsageError(f"unknown terminal style '{style}'", hint="use 'notes' or 'inline'")
    if color is None:
        color = "NO_COLOR" not in os.environ
    width = max(width or 80, 1)
    out: list[str] = []
    laid_out: dict[tuple[tuple[Part, ...], int], list[str]] = {}
    number = 0
    for pieces in doc.lines():
        parts, notes = _line(pieces, style, number)
        number += len(notes)
        out.extend(_show(line, color) for line in wrap(_expand_tabs(parts), width))
        if notes:
            out.extend(_notes(notes, width, color, laid_out))
            out.append("")
    return "".join(line + "\n" for line in out)


def _notes(notes: list[tuple[str, list[Part]]], width: int, color: bool,
           laid_out: dict[tuple[tuple[Part, ...], int], list[str]]) -> list[str]:
    """The notes of one paragraph: ``  [n] note``, the note under a hanging indent;
    ``laid_out`` keeps the lines of each note already laid out."""
    mark_width = max(len(mark) for mark, _ in notes)
    lead = 2 + mark_width + 1
    out: list[str] = []
    for mark, note in notes:
        key = (tuple(note), width - lead)
        lines = laid_out.get(key)
        if lines is None:  # an entry noted again lays out the same
            lines = laid_out[key] = [_show(line, color)
                                     for line in wrap(note, max(width - lead, 1))]
        out.append(f"  {_show([(mark.rjust(mark_width), MARK_STYLE)], color)} {lines[0]}")
        out.extend(" " * lead + line for line in lines[1:])
    return out


def _line(pieces: Iterable[tuple[str, Annotation | None]], style: str, number: int
          ) -> tuple[list[Part], list[tuple[str, list[Part]]]]:
    """One line of the document with its terms highlighted, and its notes (``[n]`` and
    the note), numbered on from ``number``; with the ``inline`` style, no notes: each
    definition follows its term."""
    out: list[Part] = []
    notes: list[tuple[str, list[Part]]] = []
    for piece, ann in pieces:
        shown = terminal_safe(piece, newlines=False)
        if ann is None:
            out.append((shown, ""))
            continue
        out.append((shown, TERM_STYLE))
        title = terminal_safe(one_line(ann.entry.display_title), newlines=False)
        definition = terminal_safe(one_line(ann.entry.definition), newlines=False)
        if style == "inline":
            out.append((f" ({title} : {definition})", DEFINITION_STYLE))
        else:
            number += 1
            out.append((f"[{number}]", MARK_STYLE))
            notes.append((f"[{number}]", [(title, NOTE_TITLE_STYLE), (" — ", ""),
                                           (definition, DEFINITION_STYLE)]))
    return out, notes


def _expand_tabs(parts: list[Part]) -> list[Part]:
    """Each tab replaced by spaces up to the next multiple of 8 columns."""
    if not any("\t" in text for text, _ in parts):
        return parts
    out: list[Part] = []
    column = 0
    for text, sgr in parts:
        pieces = text.split("\t")
        expanded = []
        for k, piece in enumerate(pieces):
            if k:
                pad = 8 - column % 8
                expanded.append(" " * pad)
                column += pad
            expanded.append(piece)
            column += cell_width(piece)
        out.append(("".join(expanded), sgr))
    return out


def _show(line: list[Part], color: bool) -> str:
    """One laid-out line, each styled run opened and closed (``color``) or plain."""
    if not color:
        return "".join(text for text, _ in line)
    out: list[str] = []
    open_sgr = ""
    for text, sgr in line:
        if sgr != open_sgr:
            out.append("\x1b[0m" if open_sgr else "")
            out.append(f"\x1b[{sgr}m" if sgr else "")
            open_sgr = sgr
        out.append(text)
    if open_sgr:
        out.append("\x1b[0m")
    return "".join(out)


def _words(parts: list[Part]) -> list[tuple[list[Part], list[Part]]]:
    """The line as ``(gap, word)`` pairs: the spaces before a word (where the line may
    break) and the word. Spaces before closing punctuation, or after opening punctuation,
    are glued into the word instead; so are the spaces that start the line."""
    items: list[tuple[list[Part], list[Part]]] = []
    gap: list[Part] = []
    word: list[Part] = []
    for text, sgr in parts:
        for k, chunk in enumerate(_SPACES.split(text)):
            if not chunk:
                continue
            if k % 2:  # spaces
                if word:
                    items.append((gap, word))
                    gap, word = [], []
                gap.append((chunk, sgr))
            elif word:
                word.append((chunk, sgr))
            elif gap and items and (chunk[0] in CLOSING or items[-1][1][-1][0][-1] in OPENING):
                before, glued = items.pop()  # no break here: the word goes on
                word = [*glued, *gap, (chunk, sgr)]
                gap = before
            elif gap and not items:
                word = [*gap, (chunk, sgr)]  # the indentation of the line stays
                gap = []
            else:
                word.append((chunk, sgr))
    if word:
        items.append((gap, word))
    return items


def _fold(word: list[Part], room: int) -> list[list[Part]]:
    """``word`` cut into pieces at most ``room`` columns wide (the last may be shorter);
    no character dropped, and no piece starts with a space, closing punctuation or a
    combining mark when a cut a little earlier avoids it."""
    text = "".join(t for t, _ in word)
    cuts: list[int] = []
    start = used = 0
    for i, char in enumerate(text):
        w = 1 if char.isascii() else _char_width(char)
        if used + w > room and i > start:
            cut = i
            while cut > start + 1 and (text[cut] == " " or text[cut] in CLOSING
                                       or _char_width(text[cut]) == 0):
                cut -= 1
            if cut == start + 1 and (text[cut] == " " or text[cut] in CLOSING):
                cut = i
            cuts.append(cut)
            start, used = cut, cell_width(text[cut:i])
        used += w
    return _split_parts(word, cuts)


def _split_parts(word: list[Part], cuts: list[int]) -> list[list[Part]]:
    """``word`` split at the offsets ``cuts`` (ascending) of its text."""
    pieces: list[list[Part]] = [[]]
    offset = 0
    k = 0
    for text, sgr in word:
        begin = 0
        while k < len(cuts) and cuts[k] - offset <= len(text):
            at = cuts[k] - offset
            if at > begin:
                pieces[-1].append((text[begin:at], sgr))
            pieces.append([])
            begin = at
            k += 1
        if begin < len(text):
            pieces[-1].append((text[begin:], sgr))
        offset += len(text)
    return pieces


def _parts_width(parts: list[Part]) -> int:
    if len(parts) == 1:
        return cell_width(parts[0][0])
    return cell_width("".join(text for text, _ in parts))


def wrap(parts: list[Part], width: int) -> list[list[Part]]:
    """``parts`` laid out in lines at most ``width`` columns wide (see the module)."""
    lines: list[list[Part]] = []
    line: list[Part] = []
    used = 0
    for gap, word in _words(parts):
        gap_width = _parts_width(gap)
        word_width = _parts_width(word)
        if line and used + gap_width + word_width <= width:
            line.extend(gap)
            line.extend(word)
            used += gap_width + word_width
            continue
        if line:
            lines.append(line)
            line, used = [], 0
        if word_width <= width:
            line, used = list(word), word_width
            continue
        *full, last = _fold(word, width)
        lines.extend(full)
        line, used = last, _parts_width(last)
    if line or not lines:
        lines.append(line)
    return lines
