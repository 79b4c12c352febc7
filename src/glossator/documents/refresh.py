"""glossator's own annotations taken off a page, exactly (``annotate --refresh``).

A page annotated by glossator keeps, for each term, what a markup preset's ``wrap``
wrote around it: its markup before the term's source, the source as the page had it, its
markup after. Annotating the page again leaves those terms alone (they count as
occurrences), so a definition changed in the glossary since, an entry removed, or other
options would not show. :func:`unwrap` finds each such wrap by its shape and puts the
term's source back, giving the page as it was before it was annotated; annotating that
again gives the same bytes as before when nothing changed.

The shape of each preset is learnt from the preset itself: its ``wrap`` is called with a
placeholder for each field (:data:`_FIELDS`), for every combination of the optional ones
(a link to the index, a source, a source URL), and each placeholder becomes what that
field can hold once escaped there: no quote nor angle bracket in an attribute, no angle
bracket in text, and in a definition only the inline tags rich definitions keep. What
does not have one of these shapes exactly (a tooltip rewritten by hand, another tool's
markup, an older layout) is left as it is, and still skipped by the annotation as
before. A term's source is at most :data:`MAX_TERM` characters, and never holds the
start of the markup that follows it, so a page full of broken wraps costs a bounded look
at each, and one wrap's shape never reaches into the next.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from itertools import product

__all__ = ["MAX_TERM", "Where", "unwrap", "unwrap_mapped"]

#: The longest term source (its markup included) looked for inside one wrap.
MAX_TERM = 4096

#: A placeholder per field of :class:`~glossator.render.html.TermMarkup`: ASCII words
#: that escaping leaves as they are, and that no preset's own markup holds.
_FIELDS = {name: f"qzq{n}glossatorfield" for n, name in enumerate((
    "entry_id", "title", "definition", "definition_text", "surface", "tip_id", "href",
    "source_url", "source_name"))}
_FIELD_OF = {v: k for k, v in _FIELDS.items()}
_PLACEHOLDER = re.compile("|".join(_FIELDS.values()))
_IN_ATTRIBUTE = r'[^"<>]*'
_IN_TEXT = r"[^<>]*"
#: A definition in a tooltip: escaped text, and with rich definitions the inline tags
#: they keep (``glossator.render.html.RICH_TAGS``, their attributes as nh3 writes them)
_DEFINITION = r"(?:[^<>]|</?(?:em|strong|a)(?:\s[^<>]*)?>)*?"


def unwrap(html: str) -> tuple[str, int]:
    """``html`` with each term that a glossator markup preset wrapped given back as its
    source, and how many there were. Anything else, malformed or not, is kept byte for
    byte."""
    page, where = unwrap_mapped(html)
    return page, len(where.pieces) // 2


class Where:
    """Where each character of an unwrapped page was in the page it came from:
    ``pieces`` holds, for each piece of the unwrapped page copied whole (the text between
    wraps, a term's source), its start there and in the first page, in order."""

    __slots__ = ("news", "olds", "pieces")

    def __init__(self, pieces: list[tuple[int, int]]) -> None:
        self.pieces = pieces
        self.news = [new for new, _ in pieces]
        self.olds = [old for _, old in pieces]

    def old(self, offset: int) -> int:
        """Where ``offset`` of the unwrapped page was (an end offset: give ``end - 1``
        and add 1, to stay in its piece)."""
        if not self.news:
            return offset
        i = max(bisect_right(self.news, offset) - 1, 0)
        return self.olds[i] + offset - self.news[i]


def unwrap_mapped(html: str) -> tuple[str, Where]:
    """:func:`unwrap`, with where each offset of the page it gives was in ``html``
    (``Where.pieces``: two for each wrap, its term's source and the text after it)."""
    finder, shapes = _shapes()
    pieces: list[tuple[int, int]] = []
    if finder is None:
        return html, Where(pieces)
    out: list[str] = []
    kept = at = size = 0
    tags: set[int] | None = None
    while True:
        found = finder.search(html, at)
        if found is None:
            break
        start = found.start()
        if tags is None:
            tags = _start_tags(html)
        whole = None if start not in tags else next(
            (m for m in (s.match(html, start) for s in shapes) if m), None)
        if whole is None:
            at = start + 1
            continue
        if not pieces:
            pieces.append((0, 0))
        out.append(html[kept:start])
        size += start - kept
        pieces.append((size, whole.start("term")))
        out.append(whole.group("term"))
        size += whole.end("term") - whole.start("term")
        kept = at = whole.end()
        pieces.append((size, kept))
    if not pieces:
        return html, Where(pieces)
    out.append(html[kept:])
    return "".join(out), Where(pieces)


#: What a page is made of, in the order a reader meets it: comments, declarations and
#: processing instructions, raw-text elements whole (a script's text is no markup), start
#: tags (group ``tag``: quoted attribute values may hold ``>``), end tags.
_TOKENS = re.compile(
    r"<!--.*?(?:--!?>|\Z)|<[!?].*?(?:>|\Z)"
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript)(?=[\s/>])"
    r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?(?:</\1(?=[\s/>])|\Z)"
    r"|<plaintext.*"
    r"|(?P<tag><[A-Za-z](?:[^>\"']|\"[^\"]*\"|'[^']*')*>)",
    re.DOTALL | re.IGNORECASE)


def _start_tags(html: str) -> set[int]:
    """Where each start tag of ``html`` begins, outside comments, raw-text elements and
    other tags' attribute values: a wrap starts only there (markup written in a script's
    string or a comment is text, kept as it is)."""
    return {m.start() for m in _TOKENS.finditer(html) if m.group("tag")}


@cache
def _shapes() -> tuple[re.Pattern[str] | None, tuple[re.Pattern[str], ...]]:
    """A pattern finding where any preset's wrap may start, and the whole shape of each
    wrap (the term's source in group ``term``), the longest first. Presets registered
    later are read on first use (as :func:`~glossator.render.html.markup_presets`
    does)."""
    from ..render.html import TermMarkup, markup_presets

    befores: dict[str, None] = {}
    shapes: dict[str, None] = {}
    for preset in markup_presets().values():
        for href, url, name in product((None, _FIELDS["href"]), (None, _FIELDS["source_url"]),
                                       (None, _FIELDS["source_name"])):
            f = _FIELDS
            fields = TermMarkup(
                entry_id=f["entry_id"], title=f["title"], definition=f["definition"],
                definition_text=f["definition_text"], surface=f["surface"],
                tip_id=f["tip_id"], href=href, source_url=url, source_name=name)
            try:
                before, after = preset.wrap(fields)
            except Exception:
                continue
            if _FIELDS["entry_id"] not in before:
                continue  # no mark of glossator: another tool's markup looks the same
            head = _pattern(before)
            befores[head] = None
            # the term's source never holds the start of the markup after it: a wrap's
            # term cannot run on into the next wrap's (one shape's tail matching there)
            lead = re.escape(_PLACEHOLDER.split(after, 1)[0])
            term = f"(?P<term>(?:(?!{lead}).){{0,{MAX_TERM}}}?)" if lead else \
                f"(?P<term>.{{0,{MAX_TERM}}}?)"
            shapes[f"{head}{term}{_pattern(after)}"] = None
    if not befores:
        return None, ()
    ordered = sorted(shapes, key=len, reverse=True)
    return (re.compile("|".join(f"(?:{b})" for b in befores)),
            tuple(re.compile(s, re.DOTALL) for s in ordered))


def _pattern(template: str) -> str:
    """A regular expression of ``template``, a preset's markup holding placeholders: its
    text as it is, each placeholder what its field can hold where it stands."""
    parts: list[str] = []
    at = 0
    for m in _PLACEHOLDER.finditer(template):
        before = template[at:m.start()]
        parts.append(re.escape(before))
        seen = template[:m.start()]
        in_tag = seen.rfind("<") > seen.rfind(">")
        if in_tag:
            parts.append(_IN_ATTRIBUTE)
        elif _FIELD_OF[m.group()] == "definition":
            parts.append(_DEFINITION)
        else:
            parts.append(_IN_TEXT)
        at = m.end()
    parts.append(re.escape(template[at:]))
    return "".join(parts)
