"""HTML with accessible tooltips: a fragment of ``<p>`` paragraphs, or a standalone page.

Markup of one annotated term (every text, title and definition is escaped)::

    <span class="glossator" data-glossator-entry="ess"><span class="glossator-term"
      tabindex="0" aria-describedby="gl-1">ESS</span><span class="glossator-tip"
      role="tooltip" id="gl-1"> <span class="glossator-title">ESS</span>
      <span class="glossator-definition">…</span> </span></span>

The white space inside the tooltip is there on purpose: a scraper that joins text nodes
and collapses white space reads "ESS ESS Le terme … environnement." — exactly the ``text``
format.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files

from ..model import AnnotatedText, Annotation

__all__ = ["render", "stylesheet", "tooltip"]


@cache
def stylesheet() -> str:
    """The shipped CSS for tooltips (also in ``glossator/assets/glossator.css``)."""
    return files("glossator").joinpath("assets/glossator.css").read_text(encoding="utf-8")


def tooltip(ann: Annotation, surface: str, tip_id: str) -> str:
    """The markup of one annotated term; ``surface`` is the term's text, not yet escaped."""
    entry = ann.entry
    title = escape(" ".join(entry.display_title.split()))
    definition = escape(" ".join(entry.definition.split()))
    return (
        f'<span class="glossator" data-glossator-entry="{escape(entry.id)}">'
        f'<span class="glossator-term" tabindex="0" aria-describedby="{tip_id}">'
        f"{escape(surface, quote=False)}</span>"
        f'<span class="glossator-tip" role="tooltip" id="{tip_id}"> '
        f'<span class="glossator-title">{title}</span> '
        f'<span class="glossator-definition">{definition}</span> </span></span>'
    )


def _fragment(doc: AnnotatedText, id_prefix: str) -> str:
    text = doc.text
    anns = doc.annotations
    lines_out: list[str] = []
    k = 0
    counter = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start, line_end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        parts: list[str] = []
        cursor = line_start
        while k < len(anns) and anns[k].start < line_end:
            ann = anns[k]
            k += 1
            end = min(ann.end, line_end)
            parts.append(escape(text[cursor : ann.start], quote=False))
            counter += 1
            parts.append(tooltip(ann, text[ann.start : end], f"{id_prefix}{counter}"))
            cursor = end
        parts.append(escape(text[cursor:line_end], quote=False))
        body = "".join(parts)
        if body.strip():
            lines_out.append(f"<p>{body}</p>")
    return "\n".join(lines_out) + ("\n" if lines_out else "")


def render(
    doc: AnnotatedText,
    *,
    standalone: bool = False,
    title: str = "glossator",
    id_prefix: str = "gl-",
    lang: str = "fr",
) -> str:
    """The text as HTML paragraphs with tooltips; ``standalone=True`` for a whole page."""
    fragment = _fragment(doc, id_prefix)
    if not standalone:
        return fragment
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>\n{stylesheet()}</style>\n</head>\n<body>\n<main>\n"
        f"{fragment}</main>\n</body>\n</html>\n"
    )
