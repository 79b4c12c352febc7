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
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

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
    """Render for a terminal ``width`` columns wide (80 by default); ``color``: True or
    False (``None``: on unless ``NO_COLOR`` is set)."""
    if style not in ("notes", "inline"):
        raise UsageError(f"unknown terminal style '{style}'", hint="use 'notes' or 'inline'")
    if color is not None and not isinstance(color, bool):
        # ("never" is a true value: it gave colours; the CLI's words are --color's)
        raise TypeError(f"color must be True, False or None, not {color!r}")
    if width is not None and (isinstance(width, bool) or not isinstance(width, int)):
        raise TypeError(f"width must be an int or None, not {type(width).__name__}")
    if width is not None and width < 1:
        raise UsageError(f"width must be at least 1, not {width}")
    if color is None:
        color = "NO_COLOR" not in os.environ
    width = width or 80
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


def _fold_cuts(text: str, start: int, end: int, room: int) -> list[int]:
    """Where to cut ``text[start:end]``, a word wider than ``room``, so that each piece
    is at most ``room`` columns wide: no character dropped, and no piece starts with a
    space, closing punctuation or a combining mark when a cut a little earlier avoids
    it."""
    cuts: list[int] = []
    first = start
    used = 0
    for i in range(start, end):
        char = text[i]
        w = 1 if char.isascii() else _char_width(char)
        if used + w > room and i > first:
            cut = i
            while cut > first + 1 and (text[cut] == " " or text[cut] in CLOSING
                                       or _char_width(text[cut]) == 0):
                cut -= 1
            if cut == first + 1 and (text[cut] == " " or text[cut] in CLOSING):
                cut = i
            cuts.append(cut)
            first, used = cut, cell_width(text[cut:i])
        used += w
    return cuts


#: Where a line may break: a run of ASCII spaces between two words, unless it follows
#: opening punctuation or precedes closing punctuation (spaces that start or end the
#: line are no break either).
_OPENING_CLASS = re.escape("".join(sorted(OPENING)))
_CLOSING_CLASS = re.escape("".join(sorted(CLOSING)))
_BREAK = re.compile(f"(?<=[^ {_OPENING_CLASS}]) +(?=[^ {_CLOSING_CLASS}])")


def _layout(text: str, width: int) -> list[tuple[int, int]]:
    """The lines of ``text`` laid out ``width`` columns wide, as ``(start, end)`` offsets
    (the spaces where a line breaks belong to no line)."""
    uniform = text.isascii() or all(_char_width(c) == 1 for c in set(text))
    if uniform and "  " not in text:
        return _layout_uniform(text, width)
    return _layout_words(text, width, uniform)


def _layout_uniform(text: str, width: int) -> list[tuple[int, int]]:
    """:func:`_layout` of a text whose every character is one column wide and whose
    spaces come one at a time (nearly all prose): a line is found by bisection on the
    breaks, not word by word."""
    tokens = text.split(" ")
    # the space after token k is at ends[k] + k
    ends = accumulate(map(len, tokens))
    pairs = zip(ends, tokens, tokens[1:], strict=False)
    breaks = [end + k for k, (end, before, after) in enumerate(pairs)
              if before and after and before[-1] not in OPENING and after[0] not in CLOSING]
    lines: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > width:
        i = bisect_right(breaks, start + width) - 1
        if i >= 0 and breaks[i] > start:
            lines.append((start, breaks[i]))
            start = breaks[i] + 1
            continue
        j = bisect_right(breaks, start)  # a word wider than the line: folded
        for cut in _fold_cuts(text, start, breaks[j] if j < len(breaks) else n, width):
            lines.append((start, cut))
            start = cut
    lines.append((start, n))
    return lines


def _layout_words(text: str, width: int, uniform: bool) -> list[tuple[int, int]]:
    """:func:`_layout`, word by word (wide characters, combining marks, runs of
    spaces)."""

    def span_width(a: int, b: int) -> int:
        return b - a if uniform else cell_width(text[a:b])

    lines: list[tuple[int, int]] = []
    line_start = used = 0
    line_end = -1  # no word on the line yet
    gap_start = gap_end = 0
    for m in (*_BREAK.finditer(text), None):
        word_start = gap_end
        word_end = len(text) if m is None else m.start()
        w = span_width(word_start, word_end)
        if line_end >= 0 and used + (gap_end - gap_start) + w <= width:
            line_end, used = word_end, used + (gap_end - gap_start) + w
        else:
            if line_end >= 0:
                lines.append((line_start, line_end))
            line_start, line_end, used = word_start, word_end, w
            if w > width:
                for cut in _fold_cuts(text, word_start, word_end, width):
                    lines.append((line_start, cut))
                    line_start = cut
                used = span_width(line_start, word_end)
        if m is not None:
            gap_start, gap_end = m.span()
    lines.append((line_start, max(line_end, line_start)))
    return lines


def wrap(parts: list[Part], width: int) -> list[list[Part]]:
    """``parts`` laid out in lines at most ``width`` columns wide (see the module); the
    spaces that end the text are dropped, and so is an indentation as wide as a line."""
    whole = "".join(text for text, _ in parts).rstrip(" ")
    indent = len(whole) - len(whole.lstrip(" "))
    if indent < width:
        indent = 0
    whole = whole[indent:]
    # each run's span in ``whole``
    runs: list[tuple[int, int, str]] = []
    offset = -indent
    for text, sgr in parts:
        start, offset = offset, offset + len(text)
        if offset > 0 and start < len(whole):
            runs.append((max(start, 0), min(offset, len(whole)), sgr))
    out: list[list[Part]] = []
    k = 0
    for a, b in _layout(whole, width):
        while k + 1 < len(runs) and runs[k][1] <= a:
            k += 1
        line: list[Part] = []
        j = k
        while j < len(runs) and runs[j][0] < b:
            piece = whole[max(a, runs[j][0]):min(b, runs[j][1])]
            if piece:
                line.append((piece, runs[j][2]))
            j += 1
        out.append(line)
    return out
