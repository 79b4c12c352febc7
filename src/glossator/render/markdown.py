"""Markdown with footnotes: each annotated term gets a note with its title and definition.

The text is escaped so that Markdown shows it as written; the notes follow the text as
``[^ess]: **ESS** — …`` (footnote syntax of Python-Markdown, Pandoc, GitHub, MkDocs).
"""

from __future__ import annotations

import re

from ..model import AnnotatedText

__all__ = ["escape_markdown", "render"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~]|^[+\-](?=\s)|^(\d+)\.(?=\s))", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Backslash-escape what Markdown would otherwise read as markup."""

    def fix(m: re.Match[str]) -> str:
        if m.group(2) is not None:
            return f"{m.group(2)}\\."
        return "\\" + m.group(1)

    return _SPECIAL.sub(fix, text)


def render(doc: AnnotatedText) -> str:
    """The text in Markdown, each annotated term followed by a footnote reference."""
    out: list[str] = []
    notes: dict[str, str] = {}
    for piece, ann in doc.segments():
        out.append(escape_markdown(piece))
        if ann is not None:
            label = ann.entry.id
            out.append(f"[^{label}]")
            if label not in notes:
                title = escape_markdown(" ".join(ann.entry.display_title.split()))
                definition = escape_markdown(" ".join(ann.entry.definition.split()))
                notes[label] = f"[^{label}]: **{title}** — {definition}"
    # each line of the input is a paragraph, as in the HTML output
    body = "\n\n".join(line for line in "".join(out).splitlines() if line.strip())
    if notes:
        body += "\n\n" + "\n".join(notes.values())
    return body + "\n"
