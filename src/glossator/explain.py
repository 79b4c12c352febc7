"""Explain every match to a person: where, which entry, which written form, how, and
whether it was annotated (and if not, why).

Nothing is run again to find out: the policies record why they dropped a match
(:func:`glossator.policy.apply_policies`), and a page records the fate of each of its
matches as it is annotated (:func:`glossator.documents.html.recording`). So ``explain``
reports exactly what ``annotate`` did, for text, HTML and Markdown alike.
"""

from __future__ import annotations

import io
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from .annotate import Annotator
from .senses import SenseChoice

__all__ = ["Explanation", "explain", "explain_rendering", "render_explanations"]

#: ``(start, end, variant, elided)``: a match as the matcher gives it.
_Match = tuple[int, int, int, bool]


@dataclass(frozen=True, slots=True)
class Explanation:
    """One match and its fate. ``line``, ``column``, ``start`` and ``end`` are in the
    document as it was read (an HTML page's source, a Markdown file's text)."""

    line: int
    column: int
    start: int
    end: int
    surface: str
    entry: str
    term: str
    form: str
    variant: str
    how: str
    annotated: bool
    reason: str  # why it was not annotated ("" when it was)
    #: For a form with several senses: the sense taken and the step that took it
    #: (``cse-3 by spelled-out``), or that none was (``none of 4``); else ``""``.
    sense: str = ""


def sense_note(choice: SenseChoice | None) -> str:
    """What :attr:`Explanation.sense` says of ``choice``."""
    if choice is None:
        return ""
    if choice.entry is None:
        return f"none of {len(choice.senses)}"
    return f"{choice.entry.id} by {choice.step}"


def explain(text: str, annotator: Annotator) -> list[Explanation]:
    """Every match in the text ``text`` with how it matched and what the policies made
    of it."""
    matches = annotator.matcher.scan(text)
    dropped: dict[_Match, str] = {}
    senses: dict[_Match, SenseChoice] = {}
    annotator.select(text, matches, dropped=dropped, senses=senses)
    return _rows(annotator, text, ((m, m[0], m[1], text[m[0]:m[1]], dropped.get(m, ""))
                                   for m in matches), senses)


def explain_rendering(
    source: str, kind: str, annotator: Annotator, render: Callable[[], object]
) -> list[Explanation]:
    """The matches of an HTML page or a Markdown file (``kind``) and their fates, as
    ``render()`` — the very call that annotates it — meets them.

    Offsets are those of the page's source; for Markdown, whose annotations are made in
    the HTML it renders to, each match is placed at its text's next occurrence in
    ``source`` outside what the renderer leaves alone (headings, code, link texts).
    """
    from .documents.html import recording

    with recording() as found:
        render()
    senses = {p.match: p.sense for p in found if p.sense is not None}
    if kind == "html":
        return _rows(annotator, source, ((p.match, p.start, p.end, p.surface, p.reason)
                                         for p in found), senses)
    skipped = _markdown_skipped(source)
    placed = []
    cursor = 0
    for p in found:
        at = _next_prose(source, p.surface, cursor, skipped)
        if at == -1:
            at = cursor
        else:
            cursor = at + len(p.surface)
        placed.append((p.match, at, at + len(p.surface), p.surface, p.reason))
    return _rows(annotator, source, placed, senses)


#: What the Markdown renderer turns into elements ``annotate`` leaves alone: headings (ATX
#: and setext), fenced and indented code, code spans, link texts, HTML comments.
_MARKDOWN_SKIPPED = re.compile(
    r"^[ ]{0,3}#{1,6}[ \t][^\n]*$"
    r"|^[^\n]+\n[ ]{0,3}(?:=+|-+)[ \t]*$"
    r"|^([ ]{0,3})(`{3,}|~{3,})[^\n]*\n.*?^\1\2[`~]*[ \t]*$"
    r"|(?:^[ ]*\n|\A)(?:(?:[ ]{4}|\t)[^\n]*\n?)+"
    r"|(`+)[^`]+?\3"
    r"|\[[^\]\n]*\]\([^)\n]*\)"
    r"|<!--.*?-->",
    re.M | re.S,
)


def _markdown_skipped(source: str) -> list[tuple[int, int]]:
    """The spans of ``source`` whose text the rendered page does not annotate."""
    return [m.span() for m in _MARKDOWN_SKIPPED.finditer(source)]


def _next_prose(source: str, surface: str, cursor: int,
                skipped: list[tuple[int, int]]) -> int:
    """The next occurrence of ``surface`` from ``cursor`` outside the ``skipped`` spans,
    or -1."""
    at = source.find(surface, cursor)
    while at != -1:
        k = bisect_right(skipped, (at, len(source) + 1)) - 1
        if k < 0 or skipped[k][1] <= at:
            return at
        at = source.find(surface, skipped[k][1])
    return -1


def _rows(
    annotator: Annotator, source: str, found: Iterable[tuple[_Match, int, int, str, str]],
    senses: dict[_Match, SenseChoice] | None = None,
) -> list[Explanation]:
    """The explanations of ``found``: ``(match, start, end, surface, reason)``, with
    ``start`` and ``end`` in ``source``."""
    matcher = annotator.matcher
    variants = matcher.variants
    line_starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]
    out: list[Explanation] = []
    for match, start, end, surface, reason in found:
        _, _, vid, elided = match
        k = bisect_right(line_starts, start) - 1
        v = variants[vid]
        choice = senses.get(match) if senses else None
        out.append(Explanation(
            line=k + 1, column=start - line_starts[k] + 1, start=start, end=end,
            surface=surface, term=v.form.entry.term, form=v.form.text,
            entry=choice.shown.id if choice is not None else v.form.entry.id,
            variant=v.text, how=matcher.how(v, surface, elided), annotated=not reason,
            reason=reason, sense=sense_note(choice),
        ))
    return out


def break_id(entry_id: str, width: int) -> list[str]:
    """``entry_id`` in lines at most ``width`` long, broken after a hyphen, an
    underscore or a dot (a part longer than a line is cut where it must)."""
    lines = [""]
    for part in re.findall(r"[^-_.]*[-_.]*", entry_id):
        while part:
            if lines[-1] and len(lines[-1]) + len(part) > width:
                lines.append("")
            room = width - len(lines[-1])
            lines[-1] += part[:room]
            part = part[room:]
    return lines


def _sense_note(r: Explanation) -> str:
    """What the entry cell of ``r`` says of its sense after the id (`` (by spelled-out)``),
    or nothing."""
    return f" ({r.sense.removeprefix(r.entry + ' ')})" if r.sense else ""


def render_explanations(
    rows: list[Explanation], *, source: str = "", fmt: str = "table", color: bool = False,
    width: int | None = None,
) -> str:
    """The explanations as a terminal table or as JSON lines."""
    if fmt == "json":
        return "".join(json.dumps({"source": source, **asdict(r)}, ensure_ascii=False) + "\n"
                       for r in rows)
    from rich.console import Console
    from rich.table import Table

    from .text.inert import terminal_safe

    def safe(text: str) -> str:
        return terminal_safe(text, newlines=False)

    width = width or 100
    table = Table(title=safe(f"{source}: {len(rows)} matches") if source else None,
                  expand=False)
    # an entry id is broken only after a hyphen, in a column as wide as the longest id,
    # or word of a sense's note, up to a fifth of the table; the other columns wrap at
    # spaces
    senses = [_sense_note(r) for r in rows]
    longest = max((len(r.entry) for r in rows), default=5)
    longest = max([longest, *(len(w) for note in senses for w in note.split())])
    id_width = max(len("entry"), min(longest, max(10, width // 5)))
    for name in ("where", "text", "entry", "matched as", "how", "annotated"):
        table.add_column(name, overflow="fold", width=id_width if name == "entry" else None)
    for r, sense in zip(rows, senses, strict=True):
        matched = r.variant if r.variant == r.form else f"{r.variant} (form: {r.form})"
        table.add_row(
            f"{r.line}:{r.column}", safe(r.surface),
            "\n".join(break_id(safe(r.entry), id_width)) + safe(sense),
            safe(matched), r.how,
            "yes" if r.annotated else f"no: {safe(r.reason)}",
        )
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color,
                      no_color=not color, color_system="standard" if color else None,
                      highlight=False, emoji=False, markup=False)
    console.print(table)
    return buffer.getvalue()
