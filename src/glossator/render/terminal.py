"""A terminal view with rich: highlighted terms, definitions as numbered notes or inline.

``style="notes"`` (the default) marks each term with a number and prints the notes after
its paragraph; ``style="inline"`` writes the definition, dimmed, right after the term.
Colours are dropped when ``color=False``, when ``NO_COLOR`` is set, or when the output is
not a terminal (the caller decides; :func:`render` itself only writes a string).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..model import AnnotatedText, Annotation

if TYPE_CHECKING:
    from rich.text import Text
from ..text.normalize import one_line

__all__ = ["render"]

TERM_STYLE = "bold cyan"
MARK_STYLE = "cyan"
NOTE_TITLE_STYLE = "bold"
DEFINITION_STYLE = "dim"
_TRAILING = re.compile(r"[ ]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def render(
    doc: AnnotatedText,
    *,
    width: int | None = None,
    color: bool | None = None,
    style: str = "notes",
) -> str:
    """Render for a terminal ``width`` columns wide (80 by default)."""
    from rich.console import Console
    from rich.padding import Padding
    from rich.table import Table

    if style not in ("notes", "inline"):
        from ..errors import UsageError

        raise UsageError(f"unknown terminal style '{style}'", hint="use 'notes' or 'inline'")
    if color is None:
        color = "NO_COLOR" not in os.environ
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or 80,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    number = 0
    for pieces in doc.lines():
        out, notes = _line(pieces, style, number)
        number += len(notes)
        console.print(out)
        if notes:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(style=MARK_STYLE, no_wrap=True, justify="right")
            grid.add_column()
            for mark, note in notes:
                grid.add_row(mark, note)
            console.print(Padding(grid, (0, 0, 1, 2)))
    # rich pads wrapped lines to the width: drop the padding (before any closing style code)
    return _TRAILING.sub(r"\1", buffer.getvalue())


def _line(pieces: Iterable[tuple[str, Annotation | None]], style: str, number: int
          ) -> tuple[Text, list[tuple[str, Text]]]:
    """One line of the document with its terms highlighted, and its notes (``[n]`` and
    the note), numbered on from ``number``; with the ``inline`` style, no notes: each
    definition follows its term."""
    from rich.text import Text

    out = Text()
    notes: list[tuple[str, Text]] = []
    for piece, ann in pieces:
        if ann is None:
            out.append(piece)
            continue
        out.append(piece, style=TERM_STYLE)
        title = one_line(ann.entry.display_title)
        definition = one_line(ann.entry.definition)
        if style == "inline":
            out.append(f" ({title} : {definition})", style=DEFINITION_STYLE)
        else:
            number += 1
            out.append(f"[{number}]", style=MARK_STYLE)
            note = Text(title, style=NOTE_TITLE_STYLE)
            note.append(" — ")
            note.append(definition, style=DEFINITION_STYLE)
            notes.append((f"[{number}]", note))
    return out, notes
