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

__all__ = ["page", "render", "stylesheet", "tooltip"]


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
    paragraphs: list[str] = []
    counter = 0
    for pieces in doc.lines():
        parts: list[str] = []
        for piece, ann in pieces:
            if ann is None:
                parts.append(escape(piece, quote=False))
            else:
                counter += 1
                parts.append(tooltip(ann, piece, f"{id_prefix}{counter}"))
        body = "".join(parts)
        if body.strip():
            paragraphs.append(f"<p>{body}</p>")
    return "\n".join(paragraphs) + ("\n" if paragraphs else "")


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
    return page(fragment, title=title, lang=lang) if standalone else fragment


def page(fragment: str, *, title: str = "glossator", lang: str = "fr") -> str:
    """A whole HTML page around an annotated ``fragment``, with the tooltip stylesheet."""
    if fragment and not fragment.endswith("\n"):
        fragment += "\n"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>\n{stylesheet()}</style>\n</head>\n<body>\n<main>\n"
        f"{fragment}</main>\n</body>\n</html>\n"
    )
