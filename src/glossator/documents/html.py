"""Annotate an existing HTML page or fragment in place, keeping every byte of the input.

:func:`annotate_html` never re-serializes the document. A small tokenizer (following the
HTML5 tokenizer closely enough for text: tags with quoted attributes, comments, doctype,
CDATA, processing instructions, raw-text elements, a literal ``<`` in text) records where
each *text run* — the text between two tags — lies in the source; the glossary's terms are
found in the runs, and the tooltip markup of :func:`glossator.render.html.tooltip_parts` is
spliced around each term's source text. Removing that markup gives back the input byte
for byte.

The tokenizer's loop runs in C when ``glossator.documents._pagescan`` is built
(:meth:`_Scanner._scan_native`): it reads the tags, keeps the stack of plain elements,
passes white space and skipped text by and records the text runs, and calls the
scanner's Python methods only for what needs a decision (a tag whose attributes may
matter, a heading, a section, a comment…). Without it (or with
``GLOSSATOR_PURE_PYTHON=1``), the Python loop (:meth:`_Scanner._scan_python`) reads a
plain tag with one regular-expression search (:data:`_TOKEN_RE`, whose atomic groups read
attributes exactly as the character-by-character path does) and parses its attributes
only when a selector or an existing tooltip id could read them; comments, doctype, CDATA
and tags cut by the end of the document take the general path. The three readings give
the same runs for any input (``tests/test_page_scan.py`` checks it on real pages, broken
markup and hostile pieces; ``tests/test_c_build.py`` runs it under AddressSanitizer and
UndefinedBehaviorSanitizer). The tooltip markup of the built-in presets is rendered
once per entry, surface and style, and reused with each tooltip's id
(:func:`glossator.render.html.tooltip_parts_reused`).

How offsets are kept:

* each run is decoded for matching: character references (``&rsquo;``, ``&nbsp;``,
  ``&#8217;``, ``&amp;``, legacy references without ``;``…) become their characters, and
  the run keeps a list of segments ``(decoded offset, source offset, decoded length,
  source length)``; a character reference is one segment, so a term that starts or ends
  in it takes the whole reference. The source of a term (``économie&nbsp;sociale``) is
  wrapped as written, entities untouched;
* the decoded runs are joined into one text and annotated once, so that the occurrence
  policies count across the whole document (the first *ESS* of the page is annotated,
  not the first of each paragraph). Runs are joined with a paragraph break ``"\\n\\n"``
  where a section starts — an ``h1``, ``h2`` or ``h3`` heading, a ``section`` or an
  ``article`` element — so that ``occurrences="section"`` counts per section, and with
  ``" \\ufffc "`` (OBJECT REPLACEMENT CHARACTER) otherwise; both stop a term from
  reaching across runs.

A term may run across inline formatting (``économie <em>sociale</em> et solidaire``,
``<strong>pôles territoriaux</strong> de coopération``): runs separated only by the tags of
:data:`INLINE_FORMATTING` (and white space) are also read joined, as the page reads, and a
term found across them is wrapped whole — provided the wrapper nests: the tags inside it
must open and close inside it, or be taken in with it when the term starts or ends at
their edge (``<em>économie sociale</em> et solidaire`` wraps the ``<em>`` too). A term
that would not nest is left to the runs one by one, as before. The page's text is
scanned once, and the runs read joined a second time: only the groups of them that hold
more than one run (:func:`_scan_joined`), each with the separators around it.

Limitations: a ``not_in`` phrase split by markup does not exclude, and a term split by a
link, a line break or any other element is not found. The tree is approximated by a stack of
open elements with a few of HTML's implied end tags (nested ``a``, ``button``,
``option``, headings); an unclosed skipped element (``<a>`` without ``</a>``) keeps
everything after it unannotated — never lost, since the input is copied as it is.

What is never annotated (:data:`DEFAULT_SKIP`, plus always): comments, doctype, CDATA,
processing instructions, attribute values, the content of raw-text elements (``script``,
``style``, ``textarea``, ``title``, ``xmp``, ``iframe``, ``noembed``, ``noframes``,
``plaintext``), and tooltip bodies (glossator's ``.glossator-tip``, SPIP's ``.gl_dl``).
Terms already annotated — by glossator (``.glossator``, ``abbr[data-glossator-entry]``) or
by a CMS glossary (SPIP ``a.cs_glossaire``, MediaWiki Lingo ``.mw-lingo-term``, WordPress
``.glossaryLink``, ``.glossary-tooltip``) — are not wrapped again but still count as
occurrences, so annotating twice changes nothing, whatever the ``markup`` preset.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import lru_cache
from html import unescape
from html.entities import html5
from operator import lt, sub
from typing import TYPE_CHECKING, Any, overload

from .._gc import paused_gc
from .._native import load_native
from ..anchors import check_link_to
from ..errors import GlossatorWarning, UsageError
from ..model import Annotation, Entry
from ..render.html import (
    MARKUP_PRESETS,
    check_id_prefix,
    check_markup,
    markup_presets,
    tooltip_parts_reused,
    tooltip_template,
)
from ..senses import SenseChoice
from .refresh import Where, unwrap_at
from .tally import current as current_tally

if TYPE_CHECKING:
    from ..annotate import Annotator
    from ..matching.scan import Variant

__all__ = [
    "ANNOTATED_MARKERS",
    "DEFAULT_SKIP",
    "INLINE_FORMATTING",
    "OTHER_MARKERS",
    "PageHead",
    "PageMatch",
    "PageText",
    "Selector",
    "annotate_html",
    "page_head",
    "page_text",
    "parse_selector",
    "recording",
    "sniff_encoding",
    "unwrap",
]

#: Markup of terms annotated by other tools (MediaWiki's Lingo, WordPress glossary
#: plugins); those of glossator's markup presets come from their registry
#: (:data:`glossator.render.html.MARKUP_PRESETS`).
OTHER_MARKERS: tuple[str, ...] = (".mw-lingo-term", ".glossaryLink", ".glossary-tooltip")
#: Markup of terms already annotated (by glossator or a CMS): not wrapped again, but their
#: text counts as an occurrence for the policies. A preset registered later is honoured
#: too, whatever ``skip`` says.
ANNOTATED_MARKERS: tuple[str, ...] = (
    *(p.marker for p in MARKUP_PRESETS.values()), *OTHER_MARKERS)

#: What :func:`annotate_html` skips unless told otherwise (simple selectors).
DEFAULT_SKIP: tuple[str, ...] = (
    "a", "abbr", "dfn", "code", "pre", "kbd", "samp", "var", "script", "style", "textarea",
    "title", "svg", "math", "button", "select", "option",
    "h1", "h2", "h3", "h4", "h5", "h6", "template", "noscript",
    '[data-glossator="off"]', ".noglossary",
    *ANNOTATED_MARKERS,
)

_VOID = frozenset(
    "area base basefont bgsound br col embed frame hr img input keygen link meta param "
    "source track wbr".split()
)
_RAW = frozenset("script style textarea title xmp iframe noembed noframes plaintext".split())
_FOREIGN = frozenset({"svg", "math"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

_SKIP, _COUNT, _ANNOTATE = 2, 1, 0
#: Elements a term may run across: formatting inside a line of text, which a reader does
#: not see as a break (``économie <em>sociale</em>``).
INLINE_FORMATTING = frozenset(
    "b bdi cite em font i mark small span strong sub sup u".split())
#: Between runs inside a block: U+FFFC OBJECT REPLACEMENT CHARACTER, a "word" that no term
#: contains, stops a term from reaching across; no line break, so never a section break
#: (a line break there could make a blank line with the runs' own white space).
_INLINE_SEP = " \ufffc "
_BLOCK_SEP = "\n\n"
#: Where a section starts, for ``occurrences="section"``: a top-level heading or a
#: sectioning element; other blocks are joined like inline runs.
_SECTION_START = frozenset({"h1", "h2", "h3", "section", "article"})

_SELECTOR_RE = re.compile(
    r"(?P<tag>[A-Za-z][A-Za-z0-9-]*|\*)?(?P<rest>(?:[.#][^.#\[\]\s]+|\[[^\]]*\])*)")
_PART_RE = re.compile(
    r"([.#])([^.#\[\]\s]+)"
    r"|\[\s*([^\s=\]\"']+)\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\]\s\"']*)\s*)?\]")
_REF_RE = re.compile(r"&(?:#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[A-Za-z][A-Za-z0-9]*;?)")
#: Elements whose start tag does more than open an element like its parent.
_SPECIAL = frozenset({"a", "button", "option"}) | _SECTION_START | _HEADINGS | _VOID | _RAW \
    | _FOREIGN
_RAW_END_CACHE: dict[str, re.Pattern[str]] = {}
_TAG_NAME_RE = re.compile(r"[^\s/>]*")
_SPACE = " \t\n\r\f"

# A tag's attributes as :meth:`_Scanner._attributes` reads them: a name (any character
# but space, '/' and '>' first, then no '=' either), then maybe '=' and a value, quoted or
# not. An unclosed quote runs to the end of the document (where the tag is cut).
# Possessive and atomic groups keep the expressions from backtracking into another
# reading of the same characters than the loop's.
_ATTR = (r"""[^ \t\n\r\f/>][^ \t\n\r\f/>=]*+(?:[ \t\n\r\f]*+=[ \t\n\r\f]*+"""
         r"""(?:"[^"]*+(?:"|\Z)|'[^']*+(?:'|\Z)|[^ \t\n\r\f>]*+))?+""")
#: The next token at a '<': a start tag (group 1 empty) or an end tag (group 1 ``/``),
#: name (group 2), attributes (group 3), read to its '>'; or, with no group, whatever
#: else starts markup there (comments, doctype, processing instructions, ``</>``, a tag
#: the end of the document cuts), which :meth:`_Scanner._token` reads. A '<' followed by
#: anything else is text, and the search passes it by.
_TOKEN_RE = re.compile(r"<(?:(/?)([A-Za-z][^\s/>]*+)((?>(?:[ \t\n\r\f/]|" + _ATTR
                       + r")*))>|[!?/A-Za-z])")
_ATTR_RE = re.compile(
    r"""([^ \t\n\r\f/>][^ \t\n\r\f/>=]*+)(?:[ \t\n\r\f]*+=[ \t\n\r\f]*+"""
    r"""(?:"([^"]*+)"|'([^']*+)'|([^ \t\n\r\f>]*+)))?+""")
#: The attributes of a tag none of whose attributes matters (never written to).
_NO_ATTRS: dict[str, str] = {}
#: The sets the C loop looks tag names up in (``set``, as it asks).
_INLINE_SET: set[str] = set(INLINE_FORMATTING)
_FOREIGN_SET: set[str] = set(_FOREIGN)
_VOID_SET: set[str] = set(_VOID)
_HEADINGS_SET: set[str] = set(_HEADINGS)
_SECTION_SET: set[str] = set(_SECTION_START)
#: Elements that :meth:`_Scanner._start_tag` opens with more than a state: implied end
#: tags, raw text, foreign content (``a`` and ``button`` close an open one of their name,
#: which the C loop does too: :data:`_CLOSE_SAME`; so does it a heading right after a
#: heading, and it notes a section's start: :data:`_HEADINGS_SET`, :data:`_SECTION_SET`).
_NOT_BARE = frozenset({"option"}) | _VOID | _RAW | _FOREIGN
_CLOSE_SAME: set[str] = {"a", "button"}
#: How deep the stack of open elements is read for an end tag whose element is not open
#: beyond it (``DEEP`` in ``_pagescan.c``): no deeper, however a hostile page nests.
_DEEP = 256
#: The interface version of ``glossator.documents._pagescan`` these sources expect.
PAGESCAN_ABI = 2


#: The C loop of :meth:`_Scanner.scan`, or ``None``: the Python loop reads the same runs.
_PAGESCAN: Any = load_native("glossator.documents._pagescan", PAGESCAN_ABI,
                             "C page tokenizer")


def _may_contain(text: str, needle: str) -> bool:
    """False when ``text`` holds ``needle`` (ASCII, lower case) in no case whatever
    (a quick test before a case-insensitive search; any character beyond ASCII may
    match); always True without the C module."""
    return True if _PAGESCAN is None else bool(_PAGESCAN.may_contain(text, needle))


def _parse_attributes(text: str) -> tuple[dict[str, str], bool]:
    """The attributes written ``text`` (between a tag's name and its '>', every quote
    closed), names in lower case, the first of a name winning, values with character
    references decoded; and whether the tag closes itself (a '/' after the last one)."""
    attrs: dict[str, str] = {}
    last = 0
    for m in _ATTR_RE.finditer(text):
        name = m.group(1).lower()
        if name not in attrs:
            value = m.group(2)
            if value is None:
                value = m.group(3)
                if value is None:
                    value = m.group(4) or ""
            attrs[name] = unescape(value) if "&" in value else value
        last = m.end()
    return attrs, "/" in text[last:]


@lru_cache(maxsize=16)
def _relevant(selectors: tuple[Selector, ...], id_prefix: str) -> re.Pattern[str] | None:
    """What finds, in the attributes of a tag as written, what one of ``selectors`` could
    read (a class, an id, an attribute's name) or a tooltip id of ``id_prefix``, or a
    character reference (a value may spell any of them so); a tag without any of them is
    read as if it had no attributes. ``None`` when a selector matches any element with
    attributes: then every tag's attributes are read."""
    parts = {re.escape(id_prefix), "&"}
    for sel in selectors:
        if sel.tag is None and not (sel.classes or sel.id is not None or sel.attrs):
            return None
        parts.update(re.escape(c) for c in sel.classes)
        if sel.id is not None:
            parts.add(re.escape(sel.id))
        # names are read in lower case: ASCII letters in any case (and the few other
        # letters that fold to them)
        parts.update(f"(?i:{re.escape(name)})" for name, _ in sel.attrs)
    return re.compile("|".join(sorted(parts)))


@lru_cache(maxsize=16)
def _needles(selectors: tuple[Selector, ...], id_prefix: str) -> tuple[
        tuple[str, ...], tuple[str, ...]] | None:
    """What :func:`_relevant` finds, as plain strings for the C loop: those found as
    written, and those found in any ASCII case (lower case); the C loop also takes any
    non-ASCII character for a match of the latter, which case folding might make. ``None``
    when every tag's attributes are read."""
    exact = {id_prefix, "&"}
    folded: set[str] = set()
    for sel in selectors:
        if sel.tag is None and not (sel.classes or sel.id is not None or sel.attrs):
            return None
        exact.update(sel.classes)
        if sel.id is not None:
            exact.add(sel.id)
        folded.update(name.lower() for name, _ in sel.attrs)
    if "" in exact or "" in folded or not all(name.isascii() for name in folded):
        return None
    return tuple(sorted(exact)), tuple(sorted(folded))


@dataclass(frozen=True)
class Selector:
    """A simple selector: ``tag``, ``.class``, ``#id``, ``[attr]``, ``[attr=value]``, or a
    compound of them (``a.cs_glossaire``, ``div#content[data-x="1"]``)."""

    text: str
    tag: str | None = None
    classes: tuple[str, ...] = ()
    id: str | None = None
    attrs: tuple[tuple[str, str | None], ...] = ()

    def matches(self, tag: str, attrs: dict[str, str]) -> bool:
        """Whether an element ``tag`` with ``attrs`` (lower-case names) matches."""
        if self.tag is not None and self.tag != tag:
            return False
        if self.id is not None and attrs.get("id") != self.id:
            return False
        if self.classes:
            have = attrs.get("class", "").split()
            if not all(c in have for c in self.classes):
                return False
        for name, value in self.attrs:
            if name not in attrs or (value is not None and attrs[name] != value):
                return False
        return True


def parse_selector(text: str) -> Selector:
    """Parse a simple selector; raise :class:`~glossator.errors.UsageError` if it is not."""
    s = text.strip()
    m = _SELECTOR_RE.fullmatch(s)
    if not s or m is None or not (m.group("tag") or m.group("rest")):
        raise UsageError(
            f"'{text}' is not a simple selector",
            hint="use a tag, .class, #id, [attr] or [attr=value], e.g. 'main' or 'div.sidebar'",
        )
    tag = m.group("tag")
    classes: list[str] = []
    ident: str | None = None
    attrs: list[tuple[str, str | None]] = []
    for part in _PART_RE.finditer(m.group("rest")):
        if part.group(1) == ".":
            classes.append(part.group(2))
        elif part.group(1) == "#":
            ident = part.group(2)
        else:
            value = part.group(4)
            if value is not None and value[:1] in "\"'" and len(value) >= 2:
                value = value[1:-1]
            attrs.append((part.group(3).lower(), value))
    consumed = "".join(p.group(0) for p in _PART_RE.finditer(m.group("rest")))
    if consumed != m.group("rest"):
        raise UsageError(f"'{text}' is not a simple selector",
                         hint="use a tag, .class, #id, [attr] or [attr=value]")
    return Selector(s, None if tag in (None, "*") else tag.lower(), tuple(classes), ident,
                    tuple(attrs))


@lru_cache(maxsize=8)
def _marks(presets: tuple[tuple[str, str | None], ...]) -> tuple[
        frozenset[Selector], tuple[Selector, ...]]:
    """The selectors of annotated terms and of tooltip bodies (whose text is neither
    annotated nor counted), for the presets' ``(marker, tip)`` pairs."""
    markers = frozenset(parse_selector(s) for s in (*(m for m, _ in presets), *OTHER_MARKERS))
    return markers, tuple(parse_selector(t) for _, t in presets if t)


def _current_marks() -> tuple[frozenset[Selector], tuple[Selector, ...]]:
    return _marks(tuple((p.marker, p.tip) for p in markup_presets().values()))


#: An open element: (tag, state, inside the root, foreign: SVG or MathML). A tuple, not
#: a class: one is made for each start tag of the page.
_Elem = tuple[str, int, bool, bool]


#: A piece of a run: (decoded offset in the run, source offset, decoded length, source
#: length, is a character reference). A reference maps as a whole.
_Seg = tuple[int, int, int, int, bool]


#: A tag between runs: (source start, source end, is a start tag, name).
_Tag = tuple[int, int, bool, str]


@dataclass(slots=True)
class _Run:
    """One text run: where it starts in the joined text, and its offset segments.

    ``start``/``end`` are offsets in the runs joined with separators (no term crosses
    them); ``jstart``/``jend`` in the runs joined as the page reads them, where ``joined``
    says that this run follows the previous one with only inline formatting between,
    whose tags are ``lead``; ``trail`` holds the formatting tags right after the run.
    """

    start: int  # offset in the joined text
    end: int
    counted_only: bool
    segs: list[_Seg] = field(default_factory=list)
    jstart: int = 0
    jend: int = 0
    joined: bool = False
    lead: list[_Tag] = field(default_factory=list)
    trail: list[_Tag] | None = None

    def source_start(self, d: int) -> int:
        """Source offset of decoded offset ``d`` (a term's start)."""
        segs = self.segs
        if len(segs) == 1 and not segs[0][4]:  # a run without character references
            return segs[0][1] + d
        dec, src, _, _, ref = segs[bisect_right(segs, (d, 1 << 62)) - 1]
        return src if ref else src + (d - dec)

    def source_end(self, d: int) -> int:
        """Source offset of decoded end offset ``d`` (a term's end, exclusive)."""
        segs = self.segs
        if len(segs) == 1 and not segs[0][4]:
            return segs[0][1] + d
        dec, src, _, slen, ref = segs[bisect_right(segs, (d - 1, 1 << 62)) - 1]
        return src + slen if ref else src + (d - dec)


#: The numbers kept for each run in :attr:`_Runs.cols`: its start and end in the text
#: joined with separators, in the text read joined, where it starts in the source, and
#: the shift that maps an offset inside it to the source (source minus text offset), or
#: ``_NO_SHIFT`` for a run with character references, or counted only.
_RUN_FIELDS = 6
#: A run's shift when it has character references or is counted only: its matches are
#: mapped through its segments (:func:`_source_span`).
_NO_SHIFT = -(1 << 63)


class _Runs(Sequence[_Run]):
    """The text runs of a page as arrays, filled by the tokenizer loop (in C or in
    Python, :meth:`_Scanner._add_run`): no object per run. A run is made a
    :class:`_Run` only when asked for (``runs[k]``), for the few that Python reads
    one by one (a term across inline formatting, a run with character references).

    ``cols`` holds :data:`_RUN_FIELDS` int64 a run; ``counted`` and ``joined`` a byte a
    run (1: counted only; read joined to the previous one); ``segs`` the segments of
    the runs that have character references (the others have one, from their start),
    ``leads`` and ``trails`` the inline formatting tags before and after a run, for
    the runs that have any (by index)."""

    __slots__ = ("cols", "counted", "joined", "leads", "segs", "trails")

    def __init__(self) -> None:
        self.cols = array("q")
        self.counted = bytearray()
        self.joined = bytearray()
        self.segs: dict[int, list[_Seg]] = {}
        self.leads: dict[int, list[_Tag]] = {}
        self.trails: dict[int, list[_Tag]] = {}

    def __len__(self) -> int:
        return len(self.counted)

    @overload
    def __getitem__(self, k: int) -> _Run: ...

    @overload
    def __getitem__(self, k: slice) -> list[_Run]: ...

    def __getitem__(self, k: int | slice) -> _Run | list[_Run]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        n = len(self.counted)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError("run index out of range")
        start, end, jstart, jend, src, _ = self.cols[_RUN_FIELDS * k : _RUN_FIELDS * (k + 1)]
        segs = self.segs.get(k)
        if segs is None:
            segs = [(0, src, end - start, end - start, False)]
        return _Run(start, end, bool(self.counted[k]), segs, jstart, jend,
                    bool(self.joined[k]), self.leads.get(k, []), self.trails.get(k, []))

    def column(self, field: int) -> array[int]:
        """One number of every run (``0``: starts, ``1``: ends, ``2``: starts read
        joined, ``3``: ends read joined, ``5``: shifts), as an int64 array."""
        return self.cols[field::_RUN_FIELDS]


def _decode(src: str, a: int, b: int) -> tuple[str, list[_Seg]]:
    """The text of ``src[a:b]`` with character references decoded, and its segments."""
    amp = src.find("&", a, b)
    if amp < 0:
        return src[a:b], [(0, a, b - a, b - a, False)]
    parts: list[str] = []
    segs: list[_Seg] = []
    dec = 0
    pos = a
    while amp >= 0:
        m = _REF_RE.match(src, amp, b)
        ref_end = -1
        value = ""
        if m is not None:
            body = m.group(0)
            if body[1] == "#":
                value, ref_end = unescape(body), m.end()
            elif body.endswith(";") and body[1:] in html5:
                value, ref_end = html5[body[1:]], m.end()
            else:  # a legacy reference without ';' (&amp, &eacute…): longest known prefix
                name = body[1:].rstrip(";")
                for k in range(min(len(name), 8), 1, -1):
                    if name[:k] in html5:
                        value, ref_end = html5[name[:k]], amp + 1 + k
                        break
        if ref_end < 0 or not value:
            amp = src.find("&", amp + 1, b)
            continue
        if amp > pos:
            parts.append(src[pos:amp])
            segs.append((dec, pos, amp - pos, amp - pos, False))
            dec += amp - pos
        parts.append(value)
        segs.append((dec, amp, len(value), ref_end - amp, True))
        dec += len(value)
        pos = ref_end
        amp = src.find("&", pos, b)
    if b > pos:
        parts.append(src[pos:b])
        segs.append((dec, pos, b - pos, b - pos, False))
    return "".join(parts), segs


@lru_cache(maxsize=16)
def _setup(skip: tuple[Selector, ...], markers: frozenset[Selector],
           tips: tuple[Selector, ...], root: Selector | None, id_prefix: str) -> tuple[
        dict[str, list[Selector]], list[Selector], frozenset[str], re.Pattern[str] | None,
        tuple[tuple[str, ...], tuple[str, ...]] | None, re.Pattern[str], set[str],
        dict[str, int]]:
    """What a :class:`_Scanner` reads its options into, made once for each set of
    options (read only): the skip selectors by tag and those without one, the elements
    :meth:`_Scanner._fast_start` leaves to :meth:`_Scanner._start_tag` even without
    attributes (and the same as a ``set`` for the C loop), what finds the attributes
    that matter (:func:`_relevant`, :func:`_needles`), the tooltip ids' expression, and
    the state :meth:`_Scanner._start_tag` gives each of those elements that it opens
    plainly when it has no attributes (a skipped ``code``, a link) inside an annotated
    parent, which the C loop then does itself."""
    # skip selectors by tag (most elements match none of them); selectors without a
    # tag need an attribute (a class, an id…), so bare elements skip them
    skip_by_tag: dict[str, list[Selector]] = {}
    skip_any: list[Selector] = []
    for sel in dict.fromkeys((*skip, *markers)):
        if sel.tag is None:
            skip_any.append(sel)
        else:
            skip_by_tag.setdefault(sel.tag, []).append(sel)
    special = frozenset(_SPECIAL | skip_by_tag.keys())
    readers = (*skip_any, *(sel for sels in skip_by_tag.values() for sel in sels), *tips,
               *((root,) if root is not None else ()))
    bare: dict[str, int] = {}
    for tag in special - _NOT_BARE:
        own = _ANNOTATE
        for sel in skip_by_tag.get(tag, ()):
            if sel.matches(tag, _NO_ATTRS):
                if sel in markers:
                    own = _COUNT
                    break
                own = _SKIP
        bare[tag] = own
    return (skip_by_tag, skip_any, special, _relevant(readers, id_prefix),
            _needles(readers, id_prefix), re.compile(re.escape(id_prefix) + r"([0-9]+)"),
            set(special), bare)


@lru_cache(maxsize=512)
def _selector(text: str) -> Selector:
    """:func:`parse_selector`, once for each text (selectors are immutable)."""
    return parse_selector(text)


class _Scanner:
    """One pass over the source: text runs, open elements, existing ids."""

    def __init__(self, src: str, skip: Sequence[Selector], root: Selector | None,
                 id_prefix: str) -> None:
        self.src = src
        self.markers, self.tips = _current_marks()
        (self.skip_by_tag, self.skip_any, self.special, self.relevant, self.needles,
         self.id_re, self.special_set, self.bare) = _setup(
             tuple(skip), self.markers, self.tips, root, id_prefix)
        self.root = root
        self.root_found = False
        self.stack: list[_Elem] = []
        #: how many elements of each name the stack holds beyond its first
        #: :data:`_DEEP` (kept by both loops): an end tag of an element not open reads
        #: at most those first ones, however deep a hostile page nests
        self.open_names: dict[str, int] = {}
        self.parts: list[str] = []
        self.length = 0
        self.runs = _Runs()
        self.brk = False
        # the runs joined as the page reads (see _Run): the formatting tags since the last
        # run or the last other token, whether only those came since the last run, and
        # whether white space did too
        self.join_parts: list[str] = []
        self.join_length = 0
        self.pending: list[_Tag] = []
        self.gap_ok = False
        self.gap_space = False
        #: whether the last run's trail is still to be set (see _Run)
        self.trail_open = False
        self.id_prefix = id_prefix
        self.max_id = 0

    # -- tokens ---------------------------------------------------------------------

    def scan(self) -> None:
        """Read the whole source: in C when the module is built (:meth:`_scan_native`),
        else with one regular-expression search a token (:meth:`_scan_python`)."""
        if _PAGESCAN is not None:
            self._scan_native()
        else:
            self._scan_python()

    def _scan_native(self) -> None:
        """The loop of :meth:`_scan_python` in C (``glossator.documents._pagescan``): it
        reads the tags, keeps the plain elements' stack and passes white space and
        skipped text by, and calls this scanner's methods for everything else."""
        assert _PAGESCAN is not None
        needles = self.needles
        runs = self.runs
        text_from = _PAGESCAN.scan(
            self, self.src, _INLINE_SET, _FOREIGN_SET, self.special_set, self.bare,
            _CLOSE_SAME, _VOID_SET, _HEADINGS_SET, _SECTION_SET, _NO_ATTRS, _decode,
            runs.cols, runs.counted, runs.joined, runs.segs, runs.leads, runs.trails,
            needles[0] if needles else (), needles[1] if needles else (), needles is None,
            self.root is None)
        self._text(text_from, len(self.src))
        self._break_gap()

    def _scan_python(self) -> None:
        """Read the whole source: one regular-expression search a token (see
        :data:`_TOKEN_RE`); what it does not read as a plain tag goes to :meth:`_token`."""
        src, n = self.src, len(self.src)
        search = _TOKEN_RE.search
        stack = self.stack
        pos = text_from = 0
        while pos < n:
            m = search(src, pos)
            if m is None:
                break
            lt = m.start()
            if lt > text_from:
                self._text(text_from, lt)  # before the tag changes the open elements
            name = m.group(2)
            if name is None:
                end, resume = self._token(lt)
                pos = text_from = resume if resume >= 0 else end
                continue
            pos = text_from = m.end()
            tag = name.lower()
            if not m.group(1):
                resume = self._fast_start(lt, tag, m.start(3), m.end(3), pos)
                if resume >= 0:
                    pos = text_from = resume
                continue
            if tag in INLINE_FORMATTING:  # an end tag
                self.pending.append((lt, pos, False, tag))
            elif self.pending or self.trail_open:
                self._break_gap()
            else:
                self.gap_ok = False
            if stack and stack[-1][0] == tag:
                stack.pop()
                if len(stack) >= _DEEP:
                    self.open_names[tag] -= 1
            else:
                self._end_tag(tag)
        self._text(text_from, n)
        self._break_gap()

    def _scan_tokens(self) -> None:
        """The same reading as :meth:`scan`, a '<' at a time through :meth:`_token` (what
        :class:`_HeadScanner` overrides)."""
        src, n = self.src, len(self.src)
        pos = text_from = 0
        while True:
            lt = src.find("<", pos)
            if lt < 0:
                break
            nxt = src[lt + 1 : lt + 2]
            if not (nxt in ("!", "?", "/") or (nxt.isascii() and nxt.isalpha())):
                pos = lt + 1  # a literal '<' in text
                continue
            self._text(text_from, lt)  # before the tag changes the open elements
            end, resume = self._token(lt)
            pos = text_from = resume if resume >= 0 else end
            if pos >= n:
                break
        self._text(text_from, n)
        self._break_gap()

    def _fast_start(self, lt: int, tag: str, a: int, b: int, end: int) -> int:
        """A start tag read by :data:`_TOKEN_RE`, its attributes from ``a`` to ``b``:
        parsed only when one of them can matter (see :func:`_relevant`), or when the tag
        may close itself where that matters (inline formatting, SVG and MathML); where
        text resumes, as :meth:`_start_tag` says."""
        attrs: dict[str, str] = _NO_ATTRS
        self_closing = False
        if a < b:
            atext = self.src[a:b]
            relevant = self.relevant
            if relevant is None or relevant.search(atext) is not None or (
                    (tag in INLINE_FORMATTING or tag in _FOREIGN
                     or (self.stack and self.stack[-1][3]))
                    and atext.rstrip(_SPACE).endswith("/")):
                attrs, self_closing = _parse_attributes(atext)
        if tag in INLINE_FORMATTING and not self_closing:
            self.pending.append((lt, end, True, tag))
        elif self.pending or self.trail_open:
            self._break_gap()
        else:
            self.gap_ok = False
        stack = self.stack
        if attrs is _NO_ATTRS and stack and tag not in self.special:
            parent = stack[-1]
            if not parent[3] and (parent[2] or self.root_found):
                # what _start_tag does for an element no selector reads
                if len(stack) >= _DEEP:
                    self.open_names[tag] = self.open_names.get(tag, 0) + 1
                stack.append((tag, parent[1], parent[2], False))
                return -1
        return self._start_tag(tag, attrs, self_closing, end)

    def _break_gap(self) -> None:
        """A token other than inline formatting: no term runs across it."""
        if self.trail_open:  # the last run's trail: the formatting tags after it
            if self.pending:
                self.runs.trails[len(self.runs) - 1] = self.pending
            self.pending = []
            self.trail_open = False
        elif self.pending:
            self.pending = []  # not cleared: a run may hold it as its lead
        self.gap_ok = False

    def _token(self, lt: int) -> tuple[int, int]:
        """Handle the markup at ``lt``: ``(end of the token, where text resumes or -1)``."""
        src, n = self.src, len(self.src)
        nxt = src[lt + 1 : lt + 2]
        if nxt == "!":
            self._break_gap()
            if src.startswith("<!--", lt):
                for empty in ("<!-->", "<!--->"):
                    if src.startswith(empty, lt):
                        return lt + len(empty), -1
                ends = [e for e in (src.find("-->", lt + 4), src.find("--!>", lt + 4)) if e >= 0]
                if not ends:
                    return n, -1
                e = min(ends)
                return e + (3 if src.startswith("-->", e) else 4), -1
            if src.startswith("<![CDATA[", lt) and self.stack and self.stack[-1][3]:
                e = src.find("]]>", lt + 9)
                return (n if e < 0 else e + 3), -1
            e = src.find(">", lt + 2)
            return (n if e < 0 else e + 1), -1
        if nxt == "?":
            self._break_gap()
            e = src.find(">", lt + 2)
            return (n if e < 0 else e + 1), -1
        if nxt == "/":
            c = src[lt + 2 : lt + 3]
            if c == ">":
                return lt + 3, -1
            if not (c.isascii() and c.isalpha()):
                self._break_gap()
                e = src.find(">", lt + 2)
                return (n if e < 0 else e + 1), -1
            name_end = _TAG_NAME_RE.match(src, lt + 2).end()  # type: ignore[union-attr]
            end, _, _ = self._attributes(name_end)
            if end < 0:
                return n, -1  # a tag cut by the end of the document: not text
            tag = src[lt + 2 : name_end].lower()
            if tag in INLINE_FORMATTING:
                self.pending.append((lt, end, False, tag))
            else:
                self._break_gap()
            self._end_tag(tag)
            return end, -1
        name_end = _TAG_NAME_RE.match(src, lt + 1).end()  # type: ignore[union-attr]
        tag = src[lt + 1 : name_end].lower()
        end, attrs, self_closing = self._attributes(name_end)
        if end < 0:
            return n, -1  # a tag cut by the end of the document: not text
        if tag in INLINE_FORMATTING and not self_closing:
            self.pending.append((lt, end, True, tag))
        else:
            self._break_gap()
        return end, self._start_tag(tag, attrs, self_closing, end)

    def _attributes(self, j: int) -> tuple[int, dict[str, str], bool]:
        """Parse attributes from ``j``: ``(end of tag, attributes, self-closing)``.

        The end is -1 when the document ends inside the tag."""
        src, n = self.src, len(self.src)
        attrs: dict[str, str] = {}
        self_closing = False
        while j < n:
            c = src[j]
            if c in _SPACE:
                j += 1
                continue
            if c == ">":
                return j + 1, attrs, self_closing
            if c == "/":
                self_closing = True
                j += 1
                continue
            self_closing = False
            k = j + 1
            while k < n and src[k] not in _SPACE and src[k] not in "/>=":
                k += 1
            name = src[j:k].lower()
            while k < n and src[k] in _SPACE:
                k += 1
            value = ""
            if k < n and src[k] == "=":
                k += 1
                while k < n and src[k] in _SPACE:
                    k += 1
                if k < n and src[k] in "\"'":
                    q = src.find(src[k], k + 1)
                    if q < 0:
                        return -1, attrs, False
                    value = src[k + 1 : q]
                    k = q + 1
                else:
                    v = k
                    while k < n and src[k] not in _SPACE and src[k] != ">":
                        k += 1
                    value = src[v:k]
            if name not in attrs:
                attrs[name] = unescape(value) if "&" in value else value
            j = k
        return -1, attrs, False

    def _start_tag(self, tag: str, attrs: dict[str, str], self_closing: bool, end: int) -> int:
        """Open element ``tag``: where text resumes after it (``-1``: right after the tag;
        after a raw-text element, at its end tag)."""
        stack = self.stack
        ident = attrs.get("id")
        if ident is not None:
            self._note_id(ident)
        if tag in _SECTION_START:
            self.brk = True
        self._implied_end(tag)
        parent = stack[-1] if stack else None
        foreign = (parent is not None and parent[3]) or tag in _FOREIGN
        if tag in _VOID or (self_closing and foreign):
            return -1
        if tag in _RAW and not foreign:
            return self._raw_text_end(tag, end)
        state = parent[1] if parent is not None else _ANNOTATE
        if state != _SKIP:
            if "class" in attrs and any(tip.matches(tag, attrs) for tip in self.tips):
                state = _SKIP
            elif state == _ANNOTATE:
                # a marker of annotated terms (a.cs_glossaire) wins over a plain skip (a);
                # inside a marker, the text counts whatever the element (the term's own
                # link, with --link-to)
                own = _ANNOTATE
                tagged = self.skip_by_tag.get(tag, ())
                for sel in (*tagged, *self.skip_any) if attrs else tagged:
                    if sel.matches(tag, attrs):
                        if sel in self.markers:
                            own = _COUNT
                            break
                        own = _SKIP
                state = own
        in_root = parent[2] if parent is not None else self.root is None
        if not in_root and not self.root_found and self.root is not None \
                and self.root.matches(tag, attrs):
            in_root = self.root_found = True
        if len(stack) >= _DEEP:
            self.open_names[tag] = self.open_names.get(tag, 0) + 1
        stack.append((tag, state, in_root, foreign))
        return -1

    def _implied_end(self, tag: str) -> None:
        """A few implied end tags of HTML's tree builder, those that matter for
        skipping, before ``tag`` opens."""
        stack = self.stack
        if tag in ("a", "button"):
            self._end_tag(tag)  # a link (a button) in a link closes the first one
        elif stack and ((tag == "option" and stack[-1][0] == "option")
                        or (tag in _HEADINGS and stack[-1][0] in _HEADINGS)):
            popped = stack.pop()[0]
            if len(stack) >= _DEEP:
                self.open_names[popped] -= 1

    def _note_id(self, ident: str) -> None:
        """Keep the highest tooltip number among the ids the page already has."""
        m = self.id_re.fullmatch(ident)
        if m is not None:
            self.max_id = max(self.max_id, int(m.group(1)))

    def _raw_text_end(self, tag: str, end: int) -> int:
        """Where the text of raw-text element ``tag`` (a script, a style…) opened at
        ``end`` stops: its end tag, or the end of the document."""
        if tag == "plaintext":
            return len(self.src)
        pattern = _RAW_END_CACHE.get(tag)
        if pattern is None:
            pattern = _RAW_END_CACHE[tag] = re.compile(
                r"</" + tag + r"[\s/>]", re.IGNORECASE)
        m = pattern.search(self.src, end)
        return len(self.src) if m is None else m.start()

    def _end_tag(self, tag: str) -> None:
        """Close the innermost open element ``tag`` and those inside it; nothing when
        none is open. Beyond the stack's first :data:`_DEEP` elements, whether one is
        open is known without reading them (:attr:`open_names`)."""
        names = self.open_names
        stack = self.stack
        top = len(stack) if names.get(tag) else min(len(stack), _DEEP)
        for k in range(top - 1, -1, -1):
            if stack[k][0] == tag:
                for elem in stack[max(k, _DEEP):]:
                    names[elem[0]] -= 1
                del stack[k:]
                return

    # -- text -----------------------------------------------------------------------

    def _text(self, a: int, b: int) -> None:
        if a >= b:
            return
        top = self.stack[-1] if self.stack else None
        state = top[1] if top is not None else _ANNOTATE
        in_root = top[2] if top is not None else self.root is None
        raw = self.src[a:b]
        if state == _SKIP or not in_root:
            if not raw.isspace():
                self._break_gap()  # text left alone: no term runs across it
            return
        if raw.isspace():  # white space only, decoded or not
            self.gap_space = True
            return
        text, segs = _decode(self.src, a, b)
        if not text.strip():
            self.gap_space = True
            return
        counted = state == _COUNT
        runs = self.runs
        joined = (self.gap_ok and not self.brk and not counted
                  and not runs.counted[-1])
        if self.parts:
            sep = _BLOCK_SEP if self.brk else _INLINE_SEP
            self.parts.append(sep)
            self.length += len(sep)
            jsep = (" " if self.gap_space else "") if joined else sep
            self.join_parts.append(jsep)
            self.join_length += len(jsep)
        self.brk = False
        k = len(runs)
        if self.trail_open and self.pending:  # the last run's trail, this one's lead
            runs.trails[k - 1] = self.pending
        self.trail_open = True  # the new run's trail: the formatting tags after it
        start, jstart = self.length, self.join_length
        self.parts.append(text)
        self.length += len(text)
        self.join_parts.append(text)
        self.join_length += len(text)
        simple = len(segs) == 1 and not segs[0][4]
        if not simple:
            runs.segs[k] = segs
        if self.pending:
            runs.leads[k] = self.pending
        runs.cols.extend((start, self.length, jstart, self.join_length, a,
                          a - start if simple and not counted else _NO_SHIFT))
        runs.counted.append(counted)
        runs.joined.append(joined)
        self.pending = []
        self.gap_ok = True
        self.gap_space = False


def annotate_html(
    html: str,
    annotator: Annotator,
    *,
    skip: Sequence[str] = DEFAULT_SKIP,
    root: str | None = None,
    id_prefix: str = "glossator-",
    markup: str = "glossator",
    rich_definitions: bool = False,
    link_to: str | None = None,
    domains: Sequence[str] = (),
    source: str | None = None,
    refresh: bool = False,
) -> str:
    """Annotate the text of an HTML document or fragment; every other byte is kept.

    ``domains``: the document's domains, which limit the senses of an acronym with several
    (:mod:`glossator.senses`), besides those the page names itself with
    ``<meta name="glossator-domain" content="…">``, and for an element's content with
    ``data-glossator-domain="…"`` (the innermost such element counts).

    ``rich_definitions``: keep a safe subset of inline HTML in definitions (see
    :func:`glossator.render.html.definition_html`). ``link_to``: the URL of the A–Z index
    (``"index.html"``, ``glossator index``); each term links to its entry there (see
    :mod:`glossator.render.html`). Text inside a link is never annotated, so no link ends
    up inside another.

    ``skip``: simple selectors (``tag``, ``.class``, ``#id``, ``[attr=value]``,
    ``tag.class``) of elements whose text is left alone (default :data:`DEFAULT_SKIP`;
    pass ``(*DEFAULT_SKIP, ".sidebar")`` to add to it). ``root``: annotate only inside the
    first element matching this selector (``"main"``, ``"article"``, ``"#content"``); a
    :class:`~glossator.errors.GlossatorWarning` says so when no element matches, naming
    ``source`` (the page's name, if given).
    Tooltip ids are ``id_prefix`` followed by 1, 2… — after the highest such id already
    in the document. ``markup``: the tooltip preset of
    :func:`~glossator.render.html.tooltip` — ``"glossator"`` (default), ``"spip"`` or
    ``"abbr"``; the output of each is recognised as already annotated and left alone,
    unless ``refresh`` (:mod:`glossator.documents.refresh`: taken off first). Raises
    :class:`~glossator.errors.UsageError` for a bad selector, id prefix or markup; never
    for malformed HTML.
    """
    check_id_prefix(id_prefix)
    check_markup(markup)
    if link_to is not None:
        check_link_to(link_to)
    selectors = [_selector(s) for s in skip]
    root_sel = _selector(root) if root is not None else None
    if refresh:
        return _refreshed(html, selectors, root_sel, lambda page: annotate_html(
            page, annotator, skip=skip, root=root, id_prefix=id_prefix, markup=markup,
            rich_definitions=rich_definitions, link_to=link_to, domains=domains, source=source))
    with paused_gc():  # tens of thousands of acyclic tuples a page (see glossator._gc)
        scanner = _Scanner(html, selectors, root_sel, id_prefix)
        annotated = _annotate_page(html, annotator, scanner, domains,
                                   (markup, rich_definitions, link_to))
    if root is not None and not scanner.root_found:
        _no_root(root, source)
    return annotated


def _no_root(root: str, source: str | None) -> None:
    """Warn that no element of page ``source`` matches ``root``."""
    import warnings

    where = f"{source}: " if source else ""
    warnings.warn(GlossatorWarning(
        f"{where}no element matches the root selector '{root}': nothing was annotated "
        "(check the selector: main, article, #content…)"), stacklevel=3)


def unwrap(html: str, skip: Sequence[str] = DEFAULT_SKIP, root: str | None = None,
           ) -> tuple[str, int]:
    """``html`` with each term that a glossator markup preset wrapped, where
    :func:`annotate_html` with ``skip`` and ``root`` annotates, given back as its source,
    and how many there were (:mod:`glossator.documents.refresh`). Anything else,
    malformed or not, is kept byte for byte."""
    page, where = _unwrapped(html, [_selector(s) for s in skip],
                             _selector(root) if root is not None else None)
    return page, len(where.pieces) // 2


def _unwrapped(html: str, skip: Sequence[Selector], root: Selector | None,
               ) -> tuple[str, Where]:
    """:func:`unwrap`, with where each offset of the page it gives was in ``html``."""
    if "data-glossator-entry" not in html:
        return html, Where([])
    scanner = _Counted(html, skip, root)
    scanner.scan()
    return unwrap_at(html, scanner.counted)


class _Counted(_Scanner):
    """The scanner of :func:`annotate_html`, noting where each element it counts as a
    term annotated already starts (its ``<``), where it annotates (the outermost such
    element, inside the root): where :func:`unwrap` looks for a wrap."""

    def __init__(self, src: str, skip: Sequence[Selector], root: Selector | None) -> None:
        super().__init__(src, skip, root, "glossator-")
        self.counted: list[int] = []
        self._lt = -1

    def _fast_start(self, lt: int, tag: str, a: int, b: int, end: int) -> int:
        self._lt = lt
        try:
            return super()._fast_start(lt, tag, a, b, end)
        finally:
            self._lt = -1

    def _start_tag(self, tag: str, attrs: dict[str, str], self_closing: bool, end: int) -> int:
        stack = self.stack
        top = stack[-1] if stack else None
        resume = super()._start_tag(tag, attrs, self_closing, end)
        if (self._lt >= 0 and stack and stack[-1] is not top and stack[-1][1] == _COUNT
                and stack[-1][2] and (len(stack) == 1 or stack[-2][1] == _ANNOTATE)):
            self.counted.append(self._lt)
        return resume


def _refreshed(html: str, skip: Sequence[Selector], root: Selector | None,
               annotate: Callable[[str], str]) -> str:
    """``annotate`` run over ``html`` with glossator's earlier wraps taken off
    (:func:`~glossator.documents.refresh.unwrap_mapped`); the matches :func:`recording`
    collects meanwhile are placed where ``html`` has them, as ``explain`` shows them."""
    record = _RECORD.get()
    recorded = 0 if record is None else len(record)
    page, where = _unwrapped(html, skip, root)
    annotated = annotate(page)
    if where.pieces and record is not None:
        record[recorded:] = [replace(m, start=where.old(m.start),
                                     end=where.old(m.end - 1) + 1)
                             for m in record[recorded:]]
    return annotated


def _annotate_page(html: str, annotator: Annotator, scanner: _Scanner,
                   domains: Sequence[str], style: tuple[str, bool, str | None]) -> str:
    """:func:`annotate_html` once its options are checked."""
    scanner.scan()
    if not scanner.runs:
        return html
    record = _RECORD.get()
    senses: dict[tuple[int, int, int, bool], SenseChoice] = {}
    named = _may_contain(html, "glossator-domain")  # one pass: most pages name none
    page = (*domains, *page_domains(html)) if named else tuple(domains)
    scoped = domain_scopes(html) if named else []
    where = _domains_at(scanner, page, scoped) if scoped else page
    found = _kept_columns(annotator, scanner, where) if record is None else None
    if found is not None:
        (starts, ends, entries), across, text, table = found
        if not starts:
            return html
        out = _splice_native(html, scanner, text, (starts, ends, entries), across, style,
                             table)
        if out is not None:
            return out
        wraps = _wraps(starts, ends, entries, across, scanner.runs, text)
        if not wraps:
            return html
        return _splice(html, wraps, scanner.max_id, scanner.id_prefix, style, table)
    placed = _placed(annotator, scanner, record, senses, where)
    if not placed:
        return html
    variants = annotator.matcher.variants
    return _splice(html, [(s, e, surface, _shown(match, variants, senses))
                          for match, s, e, surface in placed],
                   scanner.max_id, scanner.id_prefix, style)


def _shown(match: tuple[int, int, int, bool], variants: Sequence[Variant],
           senses: dict[tuple[int, int, int, bool], SenseChoice]) -> Entry:
    """The entry a kept match shows: the sense chosen for it, else its variant's."""
    choice = senses.get(match) if senses else None
    return variants[match[2]].form.entry if choice is None else choice.shown


def _splice(
    html: str, wraps: Sequence[tuple[int, int, str, Any]], counter: int, id_prefix: str,
    style: tuple[str, bool, str | None], table: Sequence[Entry] | None = None,
) -> str:
    """``html`` with tooltips wrapped around the terms of ``wraps`` (source start, end,
    the term's text, the entry shown, or its index in ``table``); ``style`` is the markup
    preset, rich definitions or not, and the index URL. A tooltip's markup reads only
    its entry and its text: it is kept cut at its id (:func:`_template`) for each."""
    out: list[str] = []
    pos = 0
    tally = current_tally()
    owner: object = table
    templates = _templates(style, table)
    for s, e, surface, ref in wraps:
        key = (ref if table is not None else id(ref), surface)
        if table is None:
            owner = ref
        hit = templates.get(key)
        if hit is None or hit[0] is not owner:
            hit = _template(templates, key, owner, ref if table is None else table[ref],
                            surface, style)
        if tally is not None:
            entry_id = (ref if table is None else table[ref]).id
            tally[entry_id] = tally.get(entry_id, 0) + 1
        counter += 1
        tip_id = f"{id_prefix}{counter}"
        if hit[1] is None:  # rendered every time
            entry = ref if table is None else table[ref]
            opening, closing = tooltip_parts_reused(
                Annotation(s, e, surface, entry, surface, "", False, surface), tip_id,
                *style)
        else:
            opening, closing = tip_id.join(hit[1]), tip_id.join(hit[2])
        out += (html[pos:s], opening, html[s:e], closing)
        pos = e
    out.append(html[pos:])
    return "".join(out)


_TEMPLATE_LIMIT = 50_000
#: The most styles (markup, rich, link_to) whose templates an entry table keeps.
_STYLES = 8
_Templates = dict[tuple[int, str], tuple[object, tuple[str, ...] | None, tuple[str, ...]]]
#: The presets whose markup depends on the entry and the term's text only.
_BUILT_IN_WRAPS = frozenset(p.wrap for p in MARKUP_PRESETS.values())


def _templates(style: tuple[str, bool, str | None],
               table: Sequence[Entry] | None) -> _Templates:
    """The templates of ``style`` kept so far for the entries of ``table``, with the
    table (``memo`` of a matcher's entry table: they go with it), emptied when full; a
    new dict for entries themselves (no table), or a preset not built in."""
    memo: dict[Any, _Templates] | None = getattr(table, "memo", None)
    preset = MARKUP_PRESETS.get(style[0])
    if memo is None or preset is None or preset.wrap not in _BUILT_IN_WRAPS:
        return {}
    key = ("page templates", style)
    found = memo.get(key)
    if found is None and sum(1 for k in memo if k[0] == "page templates") >= _STYLES:
        return {}  # many styles (a link_to per request): the others made for each page
    if found is None or len(found) >= _TEMPLATE_LIMIT:
        found = memo[key] = {}
    return found


def _template(
    templates: _Templates, key: tuple[int, str], owner: object, entry: Entry, surface: str,
    style: tuple[str, bool, str | None],
) -> tuple[object, tuple[str, ...] | None, tuple[str, ...]]:
    """The markup of a tooltip of ``entry`` around ``surface``, cut where its id goes
    (:func:`~glossator.render.html.tooltip_template`, made in C where it is built);
    ``None`` (rendered for each term) for a preset not built in."""
    opening, closing = tooltip_template(entry, surface, *style)
    hit: tuple[object, tuple[str, ...] | None, tuple[str, ...]] = (
        (owner, None, ()) if opening is None else (owner, opening, closing))
    templates[key] = hit
    return hit


_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_META_DOMAIN = re.compile(r"""name\s*=\s*["']?glossator-domain\b""", re.IGNORECASE)
_CONTENT = re.compile(r"""content\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_ANY_DOMAIN = re.compile("glossator-domain", re.IGNORECASE)
_DATA_DOMAIN = re.compile(r"""data-glossator-domain\s*=\s*(?:"([^"]*)"|'([^']*)')""",
                          re.IGNORECASE)


def page_domains(html: str) -> tuple[str, ...]:
    """The domains a whole page names: ``<meta name="glossator-domain" content="a, b">``
    (``data-glossator-domain`` holds for its element only: :func:`domain_scopes`)."""
    if not _may_contain(html, "glossator-domain") or _ANY_DOMAIN.search(html) is None:
        return ()  # one pass: most pages name none
    values = []
    for tag in _META.finditer(html):
        if _META_DOMAIN.search(tag.group()):
            content = _CONTENT.search(tag.group())
            if content:
                values.append(content.group(1) or content.group(2) or "")
    return tuple(d.strip() for v in values for d in v.split(",") if d.strip())


#: A start or end tag, a comment, or a raw-text element whole (its text holds no tags).
_TAG_OR_SKIP = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|textarea|title)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.IGNORECASE | re.DOTALL)


def domain_scopes(html: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """The elements with ``data-glossator-domain``: ``(start, end, domains)``, their span in
    ``html`` from the start tag to the end of the end tag (to the end of the page when it
    is never closed), outermost first."""
    if not _may_contain(html, "data-glossator-domain") \
            or "data-glossator-domain" not in html.lower():
        return []
    found: list[tuple[int, int, tuple[str, ...]]] = []
    open_: list[tuple[str, int, tuple[str, ...] | None]] = []
    for m in _TAG_OR_SKIP.finditer(html):
        closing, name = m.group(2), m.group(3)
        if name is None:
            continue
        name = name.lower()
        if closing:
            at = next((i for i in range(len(open_) - 1, -1, -1) if open_[i][0] == name), None)
            if at is None:
                continue
            for _, start, domains in open_[at:]:
                if domains is not None:
                    found.append((start, m.end(), domains))
            del open_[at:]
        elif name not in _VOID and not m.group(4).rstrip().endswith("/"):
            attr = _DATA_DOMAIN.search(m.group(4))
            domains = None
            if attr:
                value = attr.group(1) or attr.group(2) or ""
                domains = tuple(d.strip() for d in unescape(value).split(",")
                                if d.strip())
            open_.append((name, m.start(), domains))
    found += [(start, len(html), d) for _, start, d in open_ if d is not None]
    return sorted(found)


def _domains_at(
    scanner: _Scanner, page: tuple[str, ...], scoped: list[tuple[int, int, tuple[str, ...]]]
) -> Callable[[tuple[int, int, int, bool]], tuple[str, ...]]:
    """The domains of a match: the page's, and those of the innermost element with
    ``data-glossator-domain`` around it."""
    runs = scanner.runs
    starts = runs.column(0)

    def at(match: tuple[int, int, int, bool]) -> tuple[str, ...]:
        run = runs[max(0, bisect_right(starts, match[0]) - 1)]
        src = run.source_start(match[0] - run.start)
        inner = [d for s, e, d in scoped if s <= src < e]
        return (*page, *inner[-1]) if inner else page

    return at


@dataclass(frozen=True, slots=True)
class PageText:
    """The text of a page as :func:`annotate_html` reads it (runs of text joined, blocks
    apart), and where each run starts: ``(offset in text, 1-based line of the source)``."""

    text: str
    lines: tuple[tuple[int, int], ...]


def page_text(source: str, skip: Sequence[str] = DEFAULT_SKIP,
              root: str | None = None) -> PageText:
    """The text of the page ``source`` that would be annotated with ``skip`` and ``root``
    (terms annotated already included: they count as uses)."""
    scanner = _Scanner(source, [parse_selector(s) for s in skip],
                       parse_selector(root) if root is not None else None, "glossator-")
    scanner.scan()
    lines: list[tuple[int, int]] = []
    newlines = 0
    last = 0
    for run in scanner.runs:
        src = run.source_start(0)
        newlines += source.count("\n", last, src)
        last = src
        lines.append((run.start, newlines + 1))
    return PageText("".join(scanner.parts), tuple(lines))


@dataclass(frozen=True, slots=True)
class PageMatch:
    """A match in a page and its fate, as :func:`recording` collects them: its source
    span in the page, its text, why it was not annotated (``""`` when it was), and for a
    form with several senses, the sense chosen (or that none was)."""

    match: tuple[int, int, int, bool]
    start: int
    end: int
    surface: str
    reason: str
    sense: SenseChoice | None = None


_RECORD: ContextVar[list[PageMatch] | None] = ContextVar("glossator_page_matches",
                                                          default=None)


@contextmanager
def recording() -> Iterator[list[PageMatch]]:
    """Collect every match :func:`annotate_html` finds while the block runs (also through
    the Markdown extension), with its fate: what ``glossator explain`` shows of a page."""
    found: list[PageMatch] = []
    token = _RECORD.set(found)
    try:
        yield found
    finally:
        _RECORD.reset(token)


#: Why a match the policies kept is still not annotated in a page.
ANNOTATED_ALREADY = "inside a term annotated already"
ACROSS_MARKUP = "across markup that cannot be wrapped whole"
OVERLAP = "overlaps the annotation before it"


def _all_packed(annotator: Annotator, text: str) -> array[int]:
    """Every match of ``text`` as int64 triples (start, end, variant * 2 + elided), the
    matcher's batches joined into one array."""
    packed = array("q")
    for batch in annotator.matcher.iter_packed(text):
        if isinstance(batch, array):
            packed.extend(batch)
        else:
            packed.frombytes(batch)
    return packed


def _placed(
    annotator: Annotator, scanner: _Scanner, record: list[PageMatch] | None,
    senses: dict[tuple[int, int, int, bool], SenseChoice] | None = None,
    domains: Sequence[str] | Callable[[tuple[int, int, int, bool]], Sequence[str]] = (),
) -> list[tuple[tuple[int, int, int, bool], int, int, str]]:
    """The matches to wrap, in order, with their source span and text; with ``record``,
    every match found and its fate is appended there too; ``senses`` is filled with the
    sense chosen for each match of a form with several."""
    runs = scanner.runs
    text = "".join(scanner.parts)
    # terms across inline formatting: found in the runs joined as the page reads them
    across = _across(annotator, runs, "".join(scanner.join_parts)) if 1 in runs.joined \
        else {}
    # without terms across formatting, nor a record to keep, the policies scan the text
    # themselves: as a stream, told which entries are done (the same matches are kept)
    matches: list[tuple[int, int, int, bool]] | None = None
    if across or record is not None:
        matches = annotator.matcher.scan(text)
    if across:
        spans = sorted(across)
        matches = sorted([m for m in matches or () if not _overlaps(m, spans)]
                         + [(a, b, v, el) for (a, b), (v, el, _, _, _) in across.items()])
    starts = runs.column(0)
    dropped: dict[tuple[int, int, int, bool], str] | None = {} if record is not None else None
    if record is not None and senses is None:
        senses = {}
    placed = []
    pos = 0
    for match in annotator.select(text, matches, dropped=dropped, senses=senses,
                                  domains=domains):
        s, e, surface, reason = _source_span(match, across, runs, starts, text)
        if not reason and (s < pos or e <= s):
            reason = OVERLAP
        if reason:
            if dropped is not None:
                dropped[match] = reason
            continue
        placed.append((match, s, e, surface))
        pos = e
    if record is not None and dropped is not None and matches is not None:
        for match in matches:
            s, e, surface, _ = _source_span(match, across, runs, starts, text)
            record.append(PageMatch(match, s, e, surface, dropped.get(match, ""),
                                    senses.get(match) if senses else None))
    return placed


def _kept_columns(
    annotator: Annotator, scanner: _Scanner,
    domains: Sequence[str] | Callable[[tuple[int, int, int, bool]], Sequence[str]],
) -> tuple[tuple[array[int], array[int], array[int]],
           dict[tuple[int, int], tuple[int, bool, int, int, str]], str,
           Sequence[Entry]] | None:
    """What :func:`_placed` chooses, the matches chosen in C as arrays
    (:func:`glossator.kept.keep_columns`, the same choice as :meth:`Annotator.select`'s):
    their starts, ends (in the page's text) and the index of the entry shown in the table
    that comes with them; the terms found across inline formatting (:func:`_across`),
    the page's text, and that table. ``None`` when they cannot be (no C scanner, a
    policy registered by a plug-in, more numbered senses than room)."""
    mode = annotator._kept_mode()
    if mode < 0:
        return None
    from ..kept import keep_columns

    runs = scanner.runs
    text = "".join(scanner.parts)
    across = _across(annotator, runs, "".join(scanner.join_parts)) if 1 in runs.joined \
        else {}
    matches: array[int] | None = None
    if across:
        matches = _with_across(annotator, text, across)
    found = keep_columns(annotator.matcher, text, mode, annotator.max_per_entry,
                         annotator.chooser, matches, domains)
    if found is None:
        return None
    (starts, ends, entries, _), table = found
    return (starts, ends, entries), across, text, table


def _splice_native(
    html: str, scanner: _Scanner, text: str,
    cols: tuple[array[int], array[int], array[int]],
    across: dict[tuple[int, int], tuple[int, bool, int, int, str]],
    style: tuple[str, bool, str | None], table: Sequence[Entry],
) -> str | None:
    """What :func:`_wraps` and :func:`_splice` write for the kept columns ``cols``
    (starts, ends, entries), written in C (``_pagescan.sources`` and ``splice``): only
    the matches that a run does not map by a shift alone reach Python
    (:func:`_source_span`), and the tooltips' templates that are not kept yet
    (:func:`_template`). ``None`` when the loop of :func:`_splice` must write them: no
    C module, a tally to keep, a preset not built in, tooltip numbers beyond int64."""
    preset = MARKUP_PRESETS.get(style[0])
    if _PAGESCAN is None or current_tally() is not None or preset is None \
            or preset.wrap not in _BUILT_IN_WRAPS or scanner.max_id >= 1 << 62:
        return None
    starts, ends, entries = cols
    runs = scanner.runs
    run_starts, run_ends, shifts = runs.column(0), runs.column(1), runs.column(5)
    pairs = array("q", [x for pair in sorted(across) for x in pair])
    sources, asked = _PAGESCAN.sources(starts, ends, run_starts, run_ends, shifts, pairs)
    fixed: dict[int, tuple[int, int, str] | None] = {}
    for k in asked:
        s, e, surface, reason = _source_span((starts[k], ends[k], 0, False), across, runs,
                                             run_starts, text)
        fixed[k] = None if reason else (s, e, surface)
    templates = _templates(style, table)

    def miss(ref: int, surface: str) -> tuple[object, tuple[str, ...] | None, tuple[str, ...]]:
        return _template(templates, (ref, surface), table, table[ref], surface, style)

    out: str | None = _PAGESCAN.splice(html, text, starts, ends, entries, sources, fixed,
                                       templates, table, miss, scanner.max_id,
                                       scanner.id_prefix)
    return out


def _with_across(
    annotator: Annotator, text: str,
    across: dict[tuple[int, int], tuple[int, bool, int, int, str]],
) -> array[int]:
    """The matches of ``text`` as int64 triples (start, end, variant * 2 + elided) in
    order, those that overlap a term found across inline formatting replaced by it:
    what :func:`_placed` gives the policies, without a tuple per match."""
    packed = _all_packed(annotator, text)
    starts, ends = packed[0::3], packed[1::3]
    added = sorted((a, b, v * 2 + el) for (a, b), (v, el, _, _, _) in across.items())
    if not all(map(lt, starts, starts[1:])):  # not in order: sorted as _placed sorts
        spans = sorted(across)
        found = sorted([(packed[i], packed[i + 1], packed[i + 2])
                        for i in range(0, len(packed), 3)
                        if not _overlaps((packed[i], packed[i + 1], 0, False), spans)]
                       + added)
        return array("q", [x for m in found for x in m])
    longest = max(map(sub, ends, starts), default=0)
    events: list[tuple[int, int, tuple[int, ...]]] = []  # (before match i, 0 add/1 drop)
    for a, b, code in added:
        events.append((bisect_left(starts, a), 0, (a, b, code)))
        events.extend((i, 1, ()) for i in range(bisect_left(starts, a - longest),
                                                 bisect_left(starts, b)) if ends[i] > a)
    out = array("q")
    i = 0
    for at, drop, triple in sorted(set(events)):
        out.extend(packed[3 * i : 3 * at])
        i = max(i, at + drop)
        out.extend(triple)
    out.extend(packed[3 * i :])
    return out


def _wraps(
    starts: Sequence[int], ends: Sequence[int], entries: Sequence[int],
    across: dict[tuple[int, int], tuple[int, bool, int, int, str]],
    runs: _Runs, text: str,
) -> list[tuple[int, int, str, int]]:
    """The kept matches (``starts``, ``ends``, ``entries``) that can be wrapped, with
    their source span: :func:`_source_span`, with the shift of each run without
    character references computed once."""
    run_starts = runs.column(0)
    wraps = []
    pos = 0
    for a, b, k in zip(starts, ends, entries, strict=True):
        run = runs[bisect_right(run_starts, a) - 1]  # runs[-1] when a precedes them all
        segs = run.segs
        # a run without character references, which the match lies in: shifted whole
        if b <= run.end and a >= run.start and len(segs) == 1 and not segs[0][4] \
                and not run.counted_only and (not across or (a, b) not in across):
            shift = segs[0][1] - run.start
            s, e, surface = a + shift, b + shift, text[a:b]
        else:
            s, e, surface, reason = _source_span((a, b, 0, False), across, runs, run_starts,
                                                 text)
            if reason:
                continue
        if s < pos or e <= s:
            continue
        wraps.append((s, e, surface, k))
        pos = e
    return wraps


def _source_span(
    match: tuple[int, int, int, bool],
    across: dict[tuple[int, int], tuple[int, bool, int, int, str]],
    runs: _Runs, starts: Sequence[int], text: str,
) -> tuple[int, int, str, str]:
    """Where ``match`` (in the page's text) lies in the page's source, its text, and why it
    cannot be wrapped there (``""`` when it can)."""
    known = across.get((match[0], match[1]))
    if known is not None:
        return known[2], known[3], known[4], ""
    k = max(0, bisect_right(starts, match[0]) - 1)
    run = runs[k]
    s = run.source_start(match[0] - run.start)
    e = run.source_end(min(match[1], run.end) - run.start)
    surface = text[match[0] : match[1]]
    if run.counted_only:
        return s, e, surface, ANNOTATED_ALREADY
    if match[1] > run.end:
        return s, e, surface, ACROSS_MARKUP
    return s, e, surface, ""


#: A group of runs read joined in ``_Runs.joined``: a run, then those read joined to it.
_GROUP_RE = re.compile(rb"[\x00-\xff]\x01+")


def _joined_spans(runs: _Runs, joined: str) -> list[list[int]]:
    """Where the groups of runs read joined (a run and those after it with only inline
    formatting between) lie in ``joined``, each with the separators around it, which no
    term crosses and beyond which the matcher does not look: ``[start, end]`` pairs,
    those that touch merged."""
    spans: list[list[int]] = []
    n = len(runs)
    jstarts, jends = runs.column(2), runs.column(3)
    for group in _GROUP_RE.finditer(runs.joined):
        k, m = group.start(), group.end() - 1
        a = jends[k - 1] if k else 0
        b = jstarts[m + 1] if m + 1 < n else len(joined)
        if spans and a <= spans[-1][1]:
            spans[-1][1] = b
        else:
            spans.append([a, b])
    return spans


def _scan_joined(annotator: Annotator, runs: _Runs,
                 joined: str) -> list[tuple[int, int, int, bool]]:
    """The matches of ``joined`` (offsets in it) that lie in the groups of runs read
    joined, the others left out: only those groups are scanned (:func:`_joined_spans`)."""
    spans = _joined_spans(runs, joined)
    if not spans:
        return []
    if len(spans) == 1 and spans[0] == [0, len(joined)]:
        return annotator.matcher.scan(joined)
    starts: list[int] = []  # where each span starts in the text scanned
    length = 0
    for a, b in spans:
        starts.append(length)
        length += b - a
    out = []
    for s, e, vid, elided in annotator.matcher.scan("".join(joined[a:b] for a, b in spans)):
        i = bisect_right(starts, s) - 1
        shift = spans[i][0] - starts[i]
        out.append((s + shift, e + shift, vid, elided))
    return out


def _crossing(annotator: Annotator, runs: _Runs, joined: str,
              whole: bool) -> list[tuple[int, int, int, bool]]:
    """The matches of ``joined`` that reach from a run into the next ones: those of
    :func:`_scan_joined` (``whole``: of all of ``joined``) that do not lie inside one
    run, which :func:`_across` reads. With the C module, the groups are scanned as
    packed arrays and only those matches become tuples (``_pagescan.crossing``)."""
    jstarts = runs.column(2)
    if _PAGESCAN is None:
        matches = annotator.matcher.scan(joined) if whole else _scan_joined(
            annotator, runs, joined)
        n = len(jstarts)
        out = []
        for m in matches:
            k = bisect_right(jstarts, m[0]) - 1
            if k >= 0 and k + 1 < n and jstarts[k + 1] < m[1]:
                out.append(m)
        return out
    spans = [[0, len(joined)]] if whole else _joined_spans(runs, joined)
    if not spans:
        return []
    bases, shifts = array("q"), array("q")  # where each span starts in the text scanned
    length = 0
    for a, b in spans:
        bases.append(length)
        shifts.append(a - length)
        length += b - a
    text = joined if len(spans) == 1 and spans[0] == [0, len(joined)] else "".join(
        joined[a:b] for a, b in spans)
    packed = _all_packed(annotator, text)
    found: list[tuple[int, int, int, bool]] = _PAGESCAN.crossing(packed, bases, shifts,
                                                                 jstarts)
    return found


def _across(
    annotator: Annotator, runs: _Runs, joined: str, whole: bool = False,
) -> dict[tuple[int, int], tuple[int, bool, int, int, str]]:
    """The terms found across inline formatting that can be wrapped whole.

    Keyed by their span in the runs joined with separators, as the policies see the text:
    ``(variant, elided, source start, source end, surface)``. Only the groups of runs
    read joined are scanned (:func:`_scan_joined`); ``whole``: all of ``joined`` (what
    the tests compare with).
    """
    jstarts = runs.column(2)
    found: dict[tuple[int, int], tuple[int, bool, int, int, str]] = {}
    for s, e, vid, elided in _crossing(annotator, runs, joined, whole):
        k = bisect_right(jstarts, s) - 1  # the run of s; the term ends beyond it
        m = bisect_right(jstarts, e - 1) - 1
        if not all(runs.joined[k + 1 : m + 1]) or any(runs.counted[k + 1 : m + 1]):
            continue
        first, last = runs[k], runs[m]
        if first.counted_only or s >= first.jend or e <= last.jstart:
            continue
        span = _nested(runs, k, m, first.source_start(s - first.jstart),
                       last.source_end(e - last.jstart),
                       not joined[first.jstart : s].strip(), not joined[e : last.jend].strip())
        if span is not None:
            found[(first.start + s - first.jstart, last.start + e - last.jstart)] = (
                vid, elided, span[0], span[1], joined[s:e])
    return found


def _nested(runs: _Runs, k: int, m: int, start: int, end: int, at_start: bool,
            at_end: bool) -> tuple[int, int] | None:
    """The source span to wrap for a term from ``start`` (in run ``k``) to ``end`` (in run
    ``m``), so that the tags inside it nest: those between the runs, and those before run
    ``k`` or after run ``m`` that the term starts or ends at the edge of (``at_start``,
    ``at_end``: only white space between). ``None`` when no such span exists."""
    open_inside: list[str] = []
    closed_outside: list[str] = []  # end tags of elements opened before the term
    for run in runs[k + 1 : m + 1]:
        for _, _, is_start, tag in run.lead:
            if is_start:
                open_inside.append(tag)
            elif open_inside and open_inside[-1] == tag:
                open_inside.pop()
            elif open_inside:
                return None  # crossed: <em>x <b>y</em> z</b>
            else:
                closed_outside.append(tag)
    if closed_outside:  # take in their start tags, right before run k
        lead = runs[k].lead
        if not at_start or len(lead) < len(closed_outside):
            return None
        taken = lead[len(lead) - len(closed_outside):]
        if any(not is_start or tag != want for (_, _, is_start, tag), want
               in zip(taken, reversed(closed_outside), strict=True)):
            return None
        start = taken[0][0]
    if open_inside:  # take in their end tags, right after run m
        trail = runs[m].trail or []
        if not at_end or len(trail) < len(open_inside):
            return None
        taken = trail[: len(open_inside)]
        if any(is_start or tag != want for (_, _, is_start, tag), want
               in zip(taken, reversed(open_inside), strict=True)):
            return None
        end = taken[-1][1]
    return start, end


def _overlaps(match: tuple[int, int, int, bool], spans: list[tuple[int, int]]) -> bool:
    """Whether ``match`` overlaps one of the sorted, disjoint ``spans``."""
    i = bisect_right(spans, (match[0], 1 << 62)) - 1
    if i >= 0 and spans[i][1] > match[0]:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < match[1]


# -- the page's head: where a stylesheet link goes -----------------------------------

#: Elements that belong in ``<head>``; any other start tag begins the body.
_HEAD_ELEMENTS = frozenset(
    "base basefont bgsound head html link meta noscript script style template title".split())


@dataclass(frozen=True, slots=True)
class PageHead:
    """The ``<head>`` of a whole page, as :func:`page_head` finds it: where new elements
    go (``insert_at``: before ``</head>``, else before the body's first tag), the
    indentation of a line there (``None`` when the head is not written one element a
    line), and which of glossator's files the page loads already (``names``: the last
    path segment of each ``<link rel=stylesheet href>`` and ``<script src>``) or holds
    (``styles``: the text of each ``<style>``)."""

    insert_at: int
    indent: str | None
    names: frozenset[str]
    styles: tuple[str, ...]


class _HeadScanner(_Scanner):
    """The tokenizer of :class:`_Scanner`, reading the head only: it records the tags
    that matter there and stops at the body."""

    def __init__(self, src: str) -> None:
        super().__init__(src, (), None, "glossator-")
        self.lt = 0
        self.head = -1  # the end of <head>
        self.close = -1  # where </head> starts
        self.body = -1  # where the body's first tag starts
        self.names: set[str] = set()
        self.styles: list[str] = []

    def _text(self, a: int, b: int) -> None:
        pass

    def scan(self) -> None:
        """Read up to the body, a token at a time."""
        self._scan_tokens()

    def _token(self, lt: int) -> tuple[int, int]:
        self.lt = lt
        return super()._token(lt)

    def _start_tag(self, tag: str, attrs: dict[str, str], self_closing: bool, end: int) -> int:
        if tag not in _HEAD_ELEMENTS or self.close >= 0:
            self.body = self.lt
            return len(self.src)  # the body: nothing more to read
        if tag == "head":
            self.head = end
        elif tag == "link" and "stylesheet" in attrs.get("rel", "").lower().split():
            self.names.add(_last_segment(attrs.get("href", "")))
        elif tag == "script" and "src" in attrs:
            self.names.add(_last_segment(attrs["src"]))
        resume = super()._start_tag(tag, attrs, self_closing, end)
        if tag == "style" and resume > end:
            self.styles.append(self.src[end:resume])
        return resume

    def _end_tag(self, tag: str) -> None:
        if tag == "head" and self.close < 0:
            self.close = self.lt


def _last_segment(url: str) -> str:
    """``glossator.css`` for ``../css/glossator.css?v=2``."""
    return url.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def page_head(html: str) -> PageHead | None:
    """The head of ``html`` if it is a whole page with a ``<head>`` (start or end tag
    written); ``None`` for a fragment. Comments, scripts and the like are skipped as in
    :func:`annotate_html`; a malformed page never raises."""
    scanner = _HeadScanner(html)
    scanner.scan()
    if scanner.head < 0 and scanner.close < 0:
        return None
    at = next(p for p in (scanner.close, scanner.body, scanner.head) if p >= 0)
    line_start = html.rfind("\n", 0, at) + 1
    indent = None
    if line_start and not html[line_start:at].strip(_SPACE):
        at = line_start  # before the line of </head>: one element a line
        previous = html[html.rfind("\n", 0, line_start - 1) + 1 : line_start]
        indent = previous[: len(previous) - len(previous.lstrip(" \t"))]
    return PageHead(at, indent, frozenset(scanner.names), tuple(scanner.styles))


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)


def sniff_encoding(data: bytes) -> tuple[str | None, bytes]:
    """The encoding a page declares, and its byte order mark (``b""`` when it has none).

    A BOM wins; otherwise ``<meta charset>`` or ``<meta http-equiv … charset=…>`` in the
    first 2 KB. As browsers do, ISO-8859-1 and ASCII are read as windows-1252, and a
    ``<meta>`` naming UTF-16 or UTF-32 (which it cannot be written in) as UTF-8. ``None``
    when the page says nothing.
    """
    import codecs

    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, bom
    found = _META_CHARSET.search(data[:2048])
    if not found:
        return None, b""
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None, b""
    if name in ("latin-1", "iso8859-1", "ascii"):
        name = "cp1252"
    elif name.startswith(("utf-16", "utf-32")):
        # a <meta> read as ASCII cannot be in UTF-16 or UTF-32: browsers read UTF-8 then
        name = "utf-8"
    return name, b""
