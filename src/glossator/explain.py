"""Explain every match to a person: where, which entry, which written form, how, and
whether the policies kept it (and if not, why)."""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass

from .annotate import Annotator
from .model import Entry
from .policy import OCCURRENCE_POLICIES, Match, excluded_by_context, inside_own_definition

__all__ = ["Explanation", "explain", "render_explanations"]


@dataclass(frozen=True, slots=True)
class Explanation:
    """One match and its fate."""

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


def explain(text: str, annotator: Annotator) -> list[Explanation]:
    """Every match in ``text`` with how it matched and what the policies made of it."""
    matcher = annotator.matcher
    variants = matcher.variants
    matches = matcher.scan(text)
    kept = set(annotator.select(text))

    def entry_of(m: Match) -> Entry:
        return variants[m[2]].form.entry

    reasons: dict[Match, str] = {}
    own: dict[str, tuple[str, ...]] = {}
    survivors: list[Match] = []
    for m in matches:
        entry = entry_of(m)
        if entry.not_in and excluded_by_context(m, entry, text):
            reasons[m] = "inside a phrase listed in not_in"
        elif inside_own_definition(m, entry, own, text):
            reasons[m] = "inside its own definition"
        else:
            survivors.append(m)
    by_policy = set(OCCURRENCE_POLICIES[annotator.occurrences](survivors, entry_of, text))
    for m in survivors:
        if m not in kept:
            reasons[m] = (
                f"not the first occurrence ({annotator.occurrences})" if m not in by_policy
                else "over the maximum per entry"
            )
    out: list[Explanation] = []
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    k = 0
    for m in matches:
        start, end, vid, elided = m
        while k + 1 < len(line_starts) and line_starts[k + 1] <= start:
            k += 1
        v = variants[vid]
        surface = text[start:end]
        out.append(Explanation(
            line=k + 1, column=start - line_starts[k] + 1, start=start, end=end,
            surface=surface, entry=v.form.entry.id, term=v.form.entry.term, form=v.form.text,
            variant=v.text, how=matcher.how(v, surface, elided), annotated=m in kept,
            reason=reasons.get(m, ""),
        ))
    return out


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

    table = Table(title=f"{source}: {len(rows)} matches" if source else None, expand=False)
    for name in ("where", "text", "entry", "matched as", "how", "annotated"):
        table.add_column(name, overflow="fold")
    for r in rows:
        matched = r.variant if r.variant == r.form else f"{r.variant} (form: {r.form})"
        table.add_row(
            f"{r.line}:{r.column}", r.surface, r.entry, matched, r.how,
            "yes" if r.annotated else f"no: {r.reason}",
        )
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 100, force_terminal=color,
                      no_color=not color, color_system="standard" if color else None,
                      highlight=False, emoji=False, markup=False)
    console.print(table)
    return buffer.getvalue()
