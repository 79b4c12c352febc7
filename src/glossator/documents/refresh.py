"""glossator's own annotations taken off a page, exactly (``annotate --refresh``).

A page annotated by glossator keeps, for each term, what a markup preset's ``wrap``
wrote around it: its markup before the term's source, the source as the page had it, its
markup after. Annotating the page again leaves those terms alone (they count as
occurrences), so a definition changed in the glossary since, an entry removed, or other
options would not show. :func:`unwrap` finds each such wrap by its shape and puts the
term's source back, giving the page as it was before it was annotated; annotating that
again gives the same bytes as before when nothing changed.

Where a wrap may be is what the annotation itself reads: the page scanner of
:func:`~glossator.documents.html.annotate_html` names each element it counts as a term
annotated already, in a place it annotates (outside skipped elements, comments, scripts,
attribute values, CDATA, and inside ``root`` if given: :func:`glossator.documents.html.unwrap`).
Only there is a wrap looked for, and only up to the next such element, so the look costs
what the page's length does.

The shape of each preset is learnt from the preset itself: its ``wrap`` is called with a
placeholder for each field (:data:`_FIELDS`), for every combination of the optional ones
(a link to the index, a source, a source URL), and each placeholder becomes what that
field can hold once escaped there: no quote nor angle bracket in an attribute, no angle
bracket in text, and in a definition only the inline tags rich definitions keep; a
character of the preset's own text beyond ASCII (the no-break space of *Source :*) may be
written as a character reference, as a page in ASCII has it. What does not have one of
these shapes exactly (markup edited by hand, another tool's, an older layout) is left as
it is, and still skipped by the annotation as before; a definition corrected by hand
inside glossator's markup is glossator's markup, and is replaced. Nor is a wrap taken
off where the term's source would then join the text around it into a tag (a ``<`` of
the text right before it): taking markup off never makes markup.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import cache
from html.entities import codepoint2name
from itertools import product

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..render.html import MarkupPreset

__all__ = ["Where", "unwrap_at"]

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
#: What starts a tag (or a comment, a declaration) right after a ``<``.
_TAG_START = re.compile(r"[A-Za-z!/?]")


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


def unwrap_at(html: str, starts: Sequence[int]) -> tuple[str, Where]:
    """``html`` with each wrap of a glossator markup preset that starts at one of
    ``starts`` (in order: where the annotation counts a term annotated already) given
    back as its term's source, and where each offset of the page given was in ``html``
    (``Where.pieces``: two for each wrap, its term's source and the text after it).
    Anything else, malformed or not, is kept byte for byte."""
    shapes = _shapes()
    pieces: list[tuple[int, int]] = []
    if not shapes or not starts:
        return html, Where(pieces)
    out: list[str] = []
    kept = size = 0
    for n, start in enumerate(starts):
        if start < kept:
            continue
        limit = starts[n + 1] if n + 1 < len(starts) else len(html)
        whole = next((m for m in (s.match(html, start, limit) for s in shapes) if m), None)
        if whole is None or _joins_into_a_tag(html, whole):
            continue
        if not pieces:
            pieces.append((0, 0))
        out.append(html[kept:start])
        size += start - kept
        pieces.append((size, whole.start("term")))
        out.append(whole.group("term"))
        size += whole.end("term") - whole.start("term")
        kept = whole.end()
        pieces.append((size, kept))
    if not pieces:
        return html, Where(pieces)
    out.append(html[kept:])
    return "".join(out), Where(pieces)


def _joins_into_a_tag(html: str, whole: re.Match[str]) -> bool:
    """Whether taking the wrap ``whole`` off would join its term's source to the text
    around it into a tag: a ``<`` right before the wrap and a letter starting the term
    (``<`` + wrap of ``img …`` + ``>``), or a term ending with ``<`` and a letter after the
    wrap. glossator never writes such a wrap (the ``<`` and the letter were a tag), so it
    is left as it is."""
    term = whole.group("term")
    before = html[whole.start() - 1 : whole.start()]
    after = html[whole.end() : whole.end() + 1]
    return ((before == "<" and _TAG_START.match(term) is not None)
            or (term.endswith("<") and _TAG_START.match(after) is not None))


def _shapes() -> tuple[re.Pattern[str], ...]:
    """The whole shape of each preset's wrap (the term's source in group ``term``), the
    longest first, for the presets there are now (:func:`register_markup` may add one
    between two pages)."""
    from ..render.html import markup_presets

    return _shapes_of(tuple(markup_presets().values()))


@cache
def _shapes_of(presets: tuple[MarkupPreset, ...]) -> tuple[re.Pattern[str], ...]:
    """:func:`_shapes` of ``presets``, learnt once for each set of them."""
    from ..render.html import TermMarkup

    shapes: dict[str, None] = {}
    for preset in presets:
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
                continue  # a preset of a plug-in that cannot be learnt: not unwrapped
            if _FIELDS["entry_id"] not in before:
                continue  # no mark of glossator: another tool's markup looks the same
            # the term's source never holds the start of the markup after it: a wrap's
            # term cannot run on into the next wrap's (one shape's tail matching there)
            lead = _literal(_PLACEHOLDER.split(after, 1)[0])
            term = f"(?P<term>(?:(?!{lead}).)*?)" if lead else "(?P<term>.*?)"
            shapes[f"{_pattern(before)}{term}{_pattern(after)}"] = None
    ordered = sorted(shapes, key=len, reverse=True)
    return tuple(re.compile(s, re.DOTALL) for s in ordered)


def _pattern(template: str) -> str:
    """A regular expression of ``template``, a preset's markup holding placeholders: its
    text as it is, each placeholder what its field can hold where it stands."""
    parts: list[str] = []
    at = 0
    for m in _PLACEHOLDER.finditer(template):
        before = template[at:m.start()]
        parts.append(_literal(before))
        seen = template[:m.start()]
        in_tag = seen.rfind("<") > seen.rfind(">")
        if in_tag:
            parts.append(_IN_ATTRIBUTE)
        elif _FIELD_OF[m.group()] == "definition":
            parts.append(_DEFINITION)
        else:
            parts.append(_IN_TEXT)
        at = m.end()
    parts.append(_literal(template[at:]))
    return "".join(parts)


def _literal(text: str) -> str:
    """A regular expression of ``text`` as it is, each character beyond ASCII also as a
    character reference (``&#160;``, ``&#xA0;``, ``&nbsp;``): how a page written in an
    encoding without it has it."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(re.escape(ch))
            continue
        code = ord(ch)
        named = codepoint2name.get(code)
        ways = [re.escape(ch), f"&#0*{code};", f"&#[xX]0*(?i:{code:x});"]
        if named:
            ways.append(f"&{named};")
        out.append(f"(?:{'|'.join(ways)})")
    return "".join(out)
