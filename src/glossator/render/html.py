"""HTML with accessible tooltips: a fragment of ``<p>`` paragraphs, or a standalone page.

Markup of one annotated term, by preset (every text, title and definition is escaped).
``markup="glossator"`` (the default)::

    <span class="glossator" data-glossator-entry="ess"><span class="glossator-term"
      tabindex="0" aria-describedby="gl-1">ESS</span><span class="glossator-tip"
      role="tooltip" id="gl-1"> <span class="glossator-title">ESS</span>
      <span class="glossator-definition">…</span> </span></span>

``markup="spip"``, the structure of SPIP's Couteau Suisse "Glossaire interne", so that a
SPIP theme's ``a.cs_glossaire`` rules style it (the ``<a>`` has no ``href``: a placeholder
link that goes nowhere; the focusable term and the tooltip carry the same attributes as
above)::

    <a class="cs_glossaire" data-glossator-entry="ess"><span class="gl_mot" tabindex="0"
      aria-describedby="gl-1">ESS</span><span class="gl_dl" role="tooltip" id="gl-1">
      <span class="gl_dt">ESS</span> <span class="gl_dd">…</span> </span></a>

``markup="abbr"``, the browser's own tooltip (the definition is in an attribute, so a
scraper does not read it)::

    <abbr data-glossator-entry="ess" title="ESS : …">ESS</abbr>

The white space inside the tooltips is there on purpose: a scraper that joins text nodes
and collapses white space reads "ESS ESS Le terme … environnement." — exactly the ``text``
format.

With ``link_to`` (the URL of the A–Z index, ``glossator index``), each term also links to
its entry there, :func:`glossator.anchors.entry_href` (``index.html#glossaire-ess``),
without adding any text. The focusable term becomes the link itself — natively focusable,
so without ``tabindex`` — and keeps its tooltip::

    <span class="glossator" data-glossator-entry="ess"><a class="glossator-term"
      href="index.html#glossaire-ess" aria-describedby="gl-1">ESS</a><span
      class="glossator-tip" role="tooltip" id="gl-1"> … </span></span>

``spip``: SPIP's ``<a class="cs_glossaire">`` gets the ``href`` and the description; as
the tooltip is inside that link, ``aria-label`` names the link by the term alone::

    <a class="cs_glossaire" data-glossator-entry="ess" href="index.html#glossaire-ess"
      aria-label="ESS" aria-describedby="gl-1"><span class="gl_mot">ESS</span><span
      class="gl_dl" role="tooltip" id="gl-1"> … </span></a>

``abbr``: the link inside the ``abbr``::

    <abbr data-glossator-entry="ess" title="…"><a href="index.html#glossaire-ess">ESS</a></abbr>

A link cannot hold another link, so in the ``spip`` preset, whose tooltip lies inside the
``<a>``, rich definitions keep ``em`` and ``strong`` but not their links (the text stays).

An entry's ``url`` (http, https or mailto only) and ``source`` end the tooltip as a
"Source" line (:func:`source_html`): ``<span class="glossator-source">Source : <a
href="URL">SOURCE</a></span>`` in the ``glossator`` preset; in ``spip`` the source's name
as text, without the link (the tooltip is inside SPIP's ``<a>``); the ``abbr`` preset, an
attribute, cannot hold a link and shows no source.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from html import escape as _escape_html
from html import unescape as html_unescape
from typing import Any, NoReturn

from ..anchors import check_link_to, entry_href, url_characters, web_or_relative
from ..errors import UsageError
from ..kept import KeptText, _Entries
from ..model import AnnotatedText, Annotation, Entry
from ..text.chars import ASCII_WHITESPACE
from ..text.inert import html_safe
from ..text.normalize import one_line
from .splice import SPLICE, encoded, numbered, out, spans_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .splice import Sink

__all__ = [
    "MARKUPS", "MARKUP_PRESETS", "MarkupPreset", "TermMarkup", "check_id_prefix", "get_markup",
    "markup_presets", "page", "page_parts", "register_markup", "render", "script",
    "stylesheet", "tooltip", "tooltip_parts", "tooltip_parts_reused", "tooltip_template",
    "write",
]


def escape(text: str, quote: bool = True) -> str:
    """``text`` escaped for HTML, every character HTML forbids (NUL, controls,
    noncharacters) first shown as a visible escape (:func:`glossator.text.inert.html_safe`):
    glossary data is inserted inert, and the output reads back as text."""
    # every character html_safe escapes is one str.isprintable refuses (controls,
    # noncharacters, surrogates): a printable text, accents and all, is skipped at once
    return _escape_html(text if text.isprintable() else html_safe(text), quote)


#: The built-in markup presets of :func:`tooltip` (see :data:`MARKUP_PRESETS`).
MARKUPS: tuple[str, ...] = ("glossator", "spip", "abbr")


@cache
def stylesheet() -> str:
    """The shipped CSS for tooltips (also in ``glossator/assets/glossator.css``)."""
    from importlib.resources import files  # not at start-up: it imports zipfile, tempfile…

    return files("glossator").joinpath("assets/glossator.css").read_text(encoding="utf-8")


@cache
def script() -> str:
    """The optional script (``glossator/assets/glossator.js``): Escape dismisses a
    tooltip, a tap toggles it. Served as a file, never inlined (CSP)."""
    from importlib.resources import files

    return files("glossator").joinpath("assets/glossator.js").read_text(encoding="utf-8")


def check_markup(markup: str) -> str:
    """``markup`` if it is a preset; else raise :class:`~glossator.errors.UsageError`."""
    get_markup(markup)
    return markup


def get_markup(markup: str) -> MarkupPreset:
    """The preset named ``markup``; else raise :class:`~glossator.errors.UsageError`."""
    preset = MARKUP_PRESETS.get(markup) or markup_presets().get(markup)
    if preset is None:
        names = ", ".join(markup_presets())
        raise UsageError(f"unknown markup '{markup}'", hint=f"use one of: {names}")
    return preset


#: The inline HTML a definition may keep with ``rich_definitions=True``.
RICH_TAGS = frozenset({"em", "strong", "a"})
RICH_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def definition_html(definition: str, rich: bool = False, *, links: bool = True) -> str:
    """A definition as HTML: escaped text, or with ``rich`` a safe subset of inline HTML.

    The subset (``em``, ``strong``, ``a href`` with http, https or mailto) is cleaned by
    nh3 (the Ammonia sanitizer): any other tag is removed, keeping its text, and
    ``script``/``style`` go with their content. ``links=False`` drops the ``a`` tags too
    (keeping their text), for a definition that sits inside a link.
    """
    text = one_line(definition)
    if not text.isprintable():  # (see escape)
        text = html_safe(text)
    if not rich:
        return escape(text)
    tags = set(RICH_TAGS) if links else set(RICH_TAGS) - {"a"}
    cleaned: str = _nh3().clean(text, tags=tags, attributes={"a": {"href"}} if links else {},
                                url_schemes=set(RICH_URL_SCHEMES))
    return cleaned


def _nh3() -> Any:
    try:
        import nh3
    except ImportError:
        raise UsageError("rich definitions need the nh3 sanitizer",
                         hint="pip install 'glossator[html]'") from None
    return nh3


@dataclass(frozen=True, slots=True)
class TermMarkup:
    """What a markup preset is given to wrap one term. Every text is already escaped for
    HTML: ``definition`` is the definition as HTML (plain or, with rich definitions, the
    safe subset), ``definition_text`` the same as plain text (for an attribute)."""

    entry_id: str
    title: str
    definition: str
    definition_text: str
    surface: str
    tip_id: str
    href: str | None
    #: the entry's ``url`` if it is http, https or mailto (escaped), and its ``source``
    #: (escaped, one line): what :func:`source_html` shows
    source_url: str | None = None
    source_name: str | None = None


#: The schemes of an entry's ``url`` shown as a link in a tooltip.
_SOURCE_URL = re.compile(r"(?i)(?:https?://|mailto:)\S")


def source_html(t: TermMarkup, links: bool = True) -> str:
    """The "Source" line of a tooltip, or ``""``: ``Source : <a href=url>name</a>`` (the
    link's text is ``Source`` alone when the entry has a ``url`` and no ``source``);
    without ``links`` (a tooltip inside a link), the source's name alone, as text."""
    label = "Source\u00a0: "
    if t.source_url is not None and links:
        if t.source_name is None:
            return f'<span class="glossator-source"><a href="{t.source_url}">Source</a></span>'
        return (f'<span class="glossator-source">{label}'
                f'<a href="{t.source_url}">{t.source_name}</a></span>')
    if t.source_name is not None:
        return f'<span class="glossator-source">{label}{t.source_name}</span>'
    return ""


@dataclass(frozen=True, slots=True)
class MarkupPreset:
    """A way of writing a tooltip: ``wrap`` gives the markup before and after the term's
    text; ``marker`` is a simple selector that recognises that markup in a page (a term
    annotated already is not wrapped again, but counts as an occurrence); ``tip``, if any,
    selects the tooltip's body, whose text is neither annotated nor counted; ``links``
    says whether a rich definition may keep its links (not inside a link)."""

    name: str
    wrap: Callable[[TermMarkup], tuple[str, str]]
    marker: str
    tip: str | None = None
    links: bool = True


def _glossator_markup(t: TermMarkup) -> tuple[str, str]:
    if t.href is not None:
        trigger = (f'<a class="glossator-term" href="{t.href}" aria-describedby="{t.tip_id}">',
                   "</a>")
    else:
        trigger = (f'<span class="glossator-term" tabindex="0" '
                   f'aria-describedby="{t.tip_id}">', "</span>")
    source = source_html(t)
    return (
        f'<span class="glossator" data-glossator-entry="{t.entry_id}">{trigger[0]}',
        f'{trigger[1]}<span class="glossator-tip" role="tooltip" id="{t.tip_id}"> '
        f'<span class="glossator-title">{t.title}</span> '
        f'<span class="glossator-definition">{t.definition}</span> '
        f'{source + " " if source else ""}</span></span>',
    )


def _spip_markup(t: TermMarkup) -> tuple[str, str]:
    source = source_html(t, links=False)  # inside SPIP's <a>: no link
    tip = (f'</span><span class="gl_dl" role="tooltip" id="{t.tip_id}"> '
           f'<span class="gl_dt">{t.title}</span> '
           f'<span class="gl_dd">{t.definition}</span> '
           f'{source + " " if source else ""}</span></a>')
    if t.href is not None:
        return (f'<a class="cs_glossaire" data-glossator-entry="{t.entry_id}" href="{t.href}" '
                f'aria-label="{t.surface}" aria-describedby="{t.tip_id}"><span class="gl_mot">',
                tip)
    return (f'<a class="cs_glossaire" data-glossator-entry="{t.entry_id}">'
            f'<span class="gl_mot" tabindex="0" aria-describedby="{t.tip_id}">', tip)


def _abbr_markup(t: TermMarkup) -> tuple[str, str]:
    label = escape(f"{html_unescape(t.title)} : {html_unescape(t.definition_text)}")
    opening = f'<abbr data-glossator-entry="{t.entry_id}" title="{label}">'
    if t.href is not None:
        return f'{opening}<a href="{t.href}">', "</a></abbr>"
    return opening, "</abbr>"


#: The markup presets by name (:func:`register_markup` adds more; so does the
#: ``glossator.markups`` entry-point group, whose objects are :class:`MarkupPreset`).
MARKUP_PRESETS: dict[str, MarkupPreset] = {
    "glossator": MarkupPreset("glossator", _glossator_markup, ".glossator", ".glossator-tip"),
    "spip": MarkupPreset("spip", _spip_markup, "a.cs_glossaire", ".gl_dl", links=False),
    "abbr": MarkupPreset("abbr", _abbr_markup, "abbr[data-glossator-entry]"),
}
_MARKUP_ENTRY_POINTS_LOADED = False
_BUILT_IN_WRAPS = frozenset(p.wrap for p in MARKUP_PRESETS.values())


def register_markup(preset: MarkupPreset) -> None:
    """Make ``preset`` available as ``markup=preset.name`` and ``--markup``."""
    MARKUP_PRESETS[preset.name] = preset


def markup_presets() -> dict[str, MarkupPreset]:
    """Every markup preset, those of the ``glossator.markups`` entry points included."""
    global _MARKUP_ENTRY_POINTS_LOADED
    if not _MARKUP_ENTRY_POINTS_LOADED:
        _MARKUP_ENTRY_POINTS_LOADED = True
        from importlib.metadata import entry_points

        for ep in entry_points(group="glossator.markups"):
            preset = ep.load()
            if isinstance(preset, MarkupPreset):
                MARKUP_PRESETS.setdefault(preset.name, preset)
    return MARKUP_PRESETS


def tooltip_parts(
    ann: Annotation, tip_id: str, markup: str = "glossator", rich: bool = False,
    link_to: str | None = None,
) -> tuple[str, str]:
    """The markup before and after the term's (escaped) text, for preset ``markup``.

    ``rich``: keep the safe subset of inline HTML in the definition (see
    :func:`definition_html`); otherwise the definition is plain, escaped text.
    ``link_to``: the URL of the A–Z index; the term then links to its entry there (see
    the module).
    """
    return _parts(ann.entry, ann.surface, tip_id, markup, rich, link_to)


def _parts(entry: Entry, surface: str, tip_id: str, markup: str, rich: bool,
           link_to: str | None) -> tuple[str, str]:
    """:func:`tooltip_parts` of a term of ``entry`` whose text is ``surface``."""
    preset = get_markup(markup)
    return preset.wrap(_term_markup(entry, surface, tip_id, preset, rich, link_to))


def _term_markup(entry: Entry, surface: str, tip_id: str, preset: MarkupPreset, rich: bool,
                 link_to: str | None) -> TermMarkup:
    """What ``preset`` is given to wrap a term of ``entry`` whose text is ``surface``."""
    definition = one_line(entry.definition)
    html = definition_html(definition, rich, links=preset.links)
    # plain, the definition's text is its HTML (escaped the same way): escaped once
    text = escape(html_unescape(_nh3().clean(html_safe(definition), tags=set()))) if rich \
        else html
    href = None
    if link_to is not None:
        href = escape(entry_href(check_link_to(link_to), entry.id))
    url = (entry.url or "").strip()
    return TermMarkup(
        entry_id=escape(entry.id), title=escape(one_line(entry.display_title)),
        definition=html, definition_text=text, surface=escape(one_line(surface)),
        tip_id=tip_id, href=href,
        source_url=escape(url) if _SOURCE_URL.match(url) else None,
        source_name=escape(one_line(entry.source), quote=False)
        if entry.source and entry.source.strip() else None,
    )


#: Stands for the tooltip's id while a template is rendered (private-use characters).
_TIP_ID = "\ue000glossator-tip\ue001"
#: The most templates kept per matcher and style (``Matcher.variants.memo``; beyond, they
#: are made for each document), and the most styles kept per matcher.
_MEMO_LIMIT = 50_000
_MEMO_STYLES = 8
#: A template: the opening and closing markup cut where the tooltip's id goes (the
#: opening ``None``: not reusable, rendered for each term).
_Template = tuple[tuple[str, ...] | None, tuple[str, ...]]


def tooltip_parts_reused(
    ann: Annotation, tip_id: str, markup: str = "glossator", rich: bool = False,
    link_to: str | None = None,
) -> tuple[str, str]:
    """What :func:`tooltip_parts` gives, the markup of a built-in preset made as a
    template cut at the tooltip's id (in C, ``_splice.template``, when it is built), with
    ``tip_id`` put in. A preset registered by a plugin is rendered every time."""
    preset = MARKUP_PRESETS.get(markup) or get_markup(markup)
    if link_to is not None:
        _checked_link_to(link_to)
    opening, closing = _template_of(ann.entry, ann.surface, preset, rich, link_to)
    if opening is None:
        return tooltip_parts(ann, tip_id, markup, rich, link_to)
    return tip_id.join(opening), tip_id.join(closing)


def tooltip_template(
    entry: Entry, surface: str, markup: str = "glossator", rich: bool = False,
    link_to: str | None = None,
) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """The markup of a tooltip of ``entry`` around ``surface`` (its text, not yet
    escaped), before and after the term, each cut where the tooltip's id goes (join the
    pieces with the id), as :func:`tooltip_parts` gives it; ``(None, ())`` for a preset
    not built in, which is rendered for each tooltip."""
    preset = MARKUP_PRESETS.get(markup) or get_markup(markup)
    if preset.wrap not in _BUILT_IN_WRAPS:
        return None, ()
    if link_to is not None:
        _checked_link_to(link_to)
    return _template_of(entry, surface, preset, rich, link_to)


@lru_cache(maxsize=64)
def _checked_link_to(link_to: str) -> str:
    """:func:`~glossator.anchors.check_link_to`, once per URL."""
    return check_link_to(link_to)


#: The number of each built-in preset's markup in ``_splice.template``.
_LAYOUTS: dict[Callable[[TermMarkup], tuple[str, str]], int] = {
    _glossator_markup: 0, _spip_markup: 1, _abbr_markup: 2}


def _template_of(entry: Entry, surface: str, preset: MarkupPreset, rich: bool,
                 link_to: str | None) -> _Template:
    """:func:`_template`, made in C from the entry's fields (``_splice.template``) when it
    is built: each field escaped and the preset laid out in one call, the one-line form
    of a field and a rich definition's cleaning asked of Python only for the fields that
    need them. ``link_to`` is checked already."""
    layout = _LAYOUTS.get(preset.wrap)
    if SPLICE is None or layout is None:
        return _template(entry, surface, preset, rich, link_to)
    href = None if link_to is None else entry_href(link_to, entry.id)
    title = entry.display_title
    shown = surface if layout == 1 and href is not None else None  # (SPIP's aria-label)
    made: _Template | None = SPLICE.template(
        layout, entry.id, title, entry.definition, shown, href, entry.url, entry.source, rich)
    if made is None:  # white space to fold, markup to clean, a url to judge: in Python
        definition: str | tuple[str, str] = one_line(entry.definition)
        if rich:
            definition = _rich_definition(entry.definition, preset.links)
        url = (entry.url or "").strip()
        source = entry.source
        made = SPLICE.template(
            layout, entry.id, one_line(title), definition,
            None if shown is None else one_line(shown), href,
            url if _SOURCE_URL.match(url) else None,
            one_line(source) if source and source.strip() else None, rich, True)
    return made if made is not None else _template(entry, surface, preset, rich, link_to)


def _rich_definition(definition: str, links: bool) -> tuple[str, str]:
    """A rich definition as HTML and as (escaped) text, as :func:`_term_markup` makes
    them."""
    text = one_line(definition)
    html = definition_html(text, True, links=links)
    return html, escape(html_unescape(_nh3().clean(html_safe(text), tags=set())))


def _template(entry: Entry, surface: str, preset: MarkupPreset, rich: bool,
              link_to: str | None) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """The markup of a term of ``entry`` whose text is ``surface``, cut where the
    tooltip's id goes, or ``(None, ())`` when it cannot be reused so: a preset not built
    in, or glossary text that holds the placeholder's characters (then the id would be
    put in the wrong place)."""
    if preset.wrap not in _BUILT_IN_WRAPS:
        return None, ()
    wrap_with = get_markup(preset.name)  # (as :func:`_parts` would)
    t = _term_markup(entry, surface, _TIP_ID, wrap_with, rich, link_to)
    opening, closing = wrap_with.wrap(t)
    # the same fields with no id (escaped once, for both)
    bare = wrap_with.wrap(TermMarkup(t.entry_id, t.title, t.definition, t.definition_text,
                                     t.surface, "", t.href, t.source_url, t.source_name))
    if (opening.replace(_TIP_ID, ""), closing.replace(_TIP_ID, "")) != bare \
            or "\ue000" in bare[0] + bare[1]:
        return None, ()
    return tuple(opening.split(_TIP_ID)), tuple(closing.split(_TIP_ID))


def tooltip(
    ann: Annotation, surface: str, tip_id: str, markup: str = "glossator", rich: bool = False,
    link_to: str | None = None,
) -> str:
    """The markup of one annotated term; ``surface`` is the term's text, not yet escaped.
    ``link_to``: the URL of the A–Z index, which the term then links to."""
    opening, closing = tooltip_parts_reused(ann, tip_id, markup, rich, link_to)
    return f"{opening}{escape(surface, quote=False)}{closing}"


def _tooltip(ann: Annotation, surface: str, tip_id: str, markup: str, rich: bool,
             link_to: str | None, made: dict[tuple[int, str], tuple[Entry, _Template]]) -> str:
    """:func:`tooltip`, its template kept in ``made`` (by entry and surface: it holds the
    entry, so that its id stays its own) for the other terms of a document."""
    key = (id(ann.entry), ann.surface)
    hit = made.get(key)
    if hit is None:
        preset = MARKUP_PRESETS.get(markup) or get_markup(markup)
        hit = made[key] = (ann.entry, _template_of(ann.entry, ann.surface, preset, rich,
                                                   link_to))
    opening, closing = hit[1]
    if opening is None:
        return tooltip(ann, surface, tip_id, markup, rich, link_to)
    return f"{tip_id.join(opening)}{escape(surface, quote=False)}{tip_id.join(closing)}"


@cache
def _uses_surface(wrap: Callable[[TermMarkup], tuple[str, str]], linked: bool) -> bool:
    """Whether the markup ``wrap`` writes holds the term's text (SPIP's ``aria-label``
    with a link does): then a tooltip is rendered once per entry *and* surface."""
    href = "h" if linked else None
    one, other = (wrap(TermMarkup("e", "t", "d", "d", surface, "i", href, "u", "s"))
                  for surface in ("\ue000", "\ue001"))
    return one != other


def _fragment_spliced(doc: AnnotatedText, id_prefix: str, markup: str, rich: bool,
                      link_to: str | None, sink: Sink | None = None) -> str | None:
    """:func:`_fragment` by the C loop (:mod:`glossator.render.splice`), each tooltip
    rendered once per entry (and surface, where the markup shows it), cut at its id;
    ``None`` for a preset not built in, markup that cannot be cut so, or offsets outside
    the text: the Python loop then writes it."""
    preset = MARKUP_PRESETS.get(markup) or get_markup(markup)
    if preset.wrap not in _BUILT_IN_WRAPS:
        return None
    text = doc.text
    spans = spans_of(doc.annotations)
    keys = spans.entries
    if _uses_surface(preset.wrap, link_to is not None):
        known: dict[tuple[int, str], int] = {}
        firsts: list[Annotation] = []
        keys = array("q")
        for a, entry in zip(spans.annotations, spans.entries, strict=True):
            key = known.get((entry, a.surface))
            if key is None:
                key = known[(entry, a.surface)] = len(firsts)
                firsts.append(a)
            keys.append(key)
    else:
        firsts = [spans.annotations[i] for i in spans.firsts]
    made = _templates(((None, a.entry, a.surface) for a in firsts), {}, preset, rich,
                      link_to)
    if made is None:
        return None
    try:
        return out(SPLICE.render_html, text, spans.starts, spans.ends, keys, made[0],
                   made[1], id_prefix, sink=sink)
    except ValueError:
        return None


#: The templates of a document: the openings and the closings, by key. An opening may be
#: a template in UTF-8 (``bytes``, made by ``_splice.templates`` for a sink: opening and
#: closing in one object), its closing then ``None``.
_Made = tuple[list[tuple[str, ...] | bytes], list[tuple[str, ...] | None]]


def _templates(firsts: Iterable[tuple[object, Entry, str]], memo: dict[Any, _Template],
               preset: MarkupPreset, rich: bool, link_to: str | None) -> _Made | None:
    """The template of each ``(memo key, entry, surface)`` of ``firsts``, from ``memo``
    or made (:func:`_template_of`) and kept there under its key (unless ``None``, or
    the memo is full); ``None`` if one cannot be cut at its id."""
    openings: list[tuple[str, ...] | bytes] = []
    closings: list[tuple[str, ...] | None] = []
    get = memo.get
    for key, entry, surface in firsts:
        hit = None if key is None else get(key)
        if hit is None:
            hit = _template_of(entry, surface, preset, rich, link_to)
            if hit[0] is None:
                return None
            if key is not None and len(memo) < _MEMO_LIMIT:
                memo[key] = hit
        openings.append(hit[0])  # type: ignore[arg-type]
        closings.append(hit[1])
    return openings, closings


def _memo(doc: KeptText, preset: MarkupPreset, rich: bool, link_to: str | None,
          utf8: bool = False) -> dict[Any, _Template]:
    """The templates already made for the matcher of ``doc`` in this style, by entry
    index (or entry index and surface, where the markup shows the term's text): kept on
    its variants (``Matcher.variants.memo``, as the JSON renderer's pieces), so that
    they live as long as the matcher and hold strings (or bytes) only. The style's key
    holds all a template depends on besides the entry: the preset's markup and whether
    its definitions keep links, ``rich`` and ``link_to``, and ``utf8``: the templates
    ``_splice.templates`` makes for a sink, in UTF-8 (``bytes``; those Python makes are
    kept there as they are, pairs). Threads may fill it at once: what each writes for a
    key is the same."""
    styles: dict[Any, dict[Any, _Template]] = doc._matcher.variants.memo.setdefault(
        "html", {})
    key = (preset.wrap, preset.links, rich, link_to, utf8)
    found = styles.get(key)
    if found is None:
        if len(styles) >= _MEMO_STYLES:
            return {}
        found = styles.setdefault(key, {})
    return found


def _kept_fragment(doc: KeptText, id_prefix: str, markup: str, rich: bool,
                   link_to: str | None, sink: Sink | None = None) -> str | None:
    """:func:`_fragment_spliced` of a :class:`~glossator.kept.KeptText`, from its arrays,
    without building its annotations: the matches numbered by entry in C
    (``_splice.number``), or, where the markup shows the term's text, by entry and
    surface in Python; the templates kept with the matcher (:func:`_memo`) but those of
    entries chosen for a sense; ``None`` where :func:`_fragment_spliced` gives
    ``None``."""
    preset = MARKUP_PRESETS.get(markup) or get_markup(markup)
    if preset.wrap not in _BUILT_IN_WRAPS:
        return None
    text, starts, ends = doc.text, doc.starts, doc.ends
    if _uses_surface(preset.wrap, link_to is not None):
        keys, firsts = _by_entry_and_surface(doc)
        made = _templates(firsts, _memo(doc, preset, rich, link_to), preset, rich, link_to)
    else:
        keys, at = numbered(doc.entries)
        made = _kept_templates(doc, at, preset, rich, link_to, sink is not None)
        if made is not None and doc.choices:
            made = _chosen(doc, keys, made, preset, rich, link_to)
    if made is None:
        return None
    try:
        return out(SPLICE.render_html, text, starts, ends, keys, made[0], made[1],
                   id_prefix, sink=sink)
    except ValueError:
        return None


def _kept_templates(doc: KeptText, at: array[int], preset: MarkupPreset, rich: bool,
                    link_to: str | None, utf8: bool) -> _Made | None:
    """:func:`_templates` of the entries of the matches ``at`` of ``doc`` (keyed by entry
    index), kept with the matcher (:func:`_memo`): in one C call (``_splice.templates``,
    which reads each entry where its form holds it, and asks the memory for a block of
    them at once) where the preset is a built-in one and there is no link to a glossary
    page, each template it cannot make (white space to fold, markup to clean, a url to
    judge) then made in Python. ``utf8`` (for a sink): the C call makes each template in
    UTF-8, the bytes the render loop copies as they are."""
    layout = _LAYOUTS.get(preset.wrap)
    table, entries = doc.entry_table, doc.entries
    if link_to is not None or layout is None or not isinstance(table, _Entries):
        text, starts, ends = doc.text, doc.starts, doc.ends
        return _templates(((entries[k], table[entries[k]], text[starts[k]:ends[k]])
                           for k in at), _memo(doc, preset, rich, link_to), preset, rich,
                          link_to)
    variants = doc._matcher.variants
    memo = _memo(doc, preset, rich, None, utf8)
    openings, closings, misses = SPLICE.templates(
        layout, rich, at, doc.codes, entries,
        *table.lookup(variants.rows, variants.forms),
        variants.rows, variants.forms, memo, _MEMO_LIMIT, utf8)
    for g in misses:
        k = at[g]
        hit = _template_of(table[entries[k]], doc.text[doc.starts[k]:doc.ends[k]], preset,
                           rich, None)
        if hit[0] is None:
            return None
        if len(memo) < _MEMO_LIMIT:
            memo[entries[k]] = hit
        openings[g], closings[g] = hit
    return openings, closings


def _chosen(doc: KeptText, keys: array[int], made: _Made, preset: MarkupPreset, rich: bool,
            link_to: str | None) -> _Made | None:
    """``made`` with the templates of the entries chosen for senses added (one per
    entry, by identity, for this document only), and those matches' keys set."""
    text, starts, ends = doc.text, doc.starts, doc.ends
    # by the entry shown, held here: every sense numbered is a new entry each time it is
    # asked for (SenseChoice.shown), whose id another may take once it is freed
    shown: dict[int, tuple[Entry, int]] = {}
    for k, choice in doc.choices.items():
        entry = choice.shown
        found = shown.get(id(entry))
        if found is None:
            extra = _templates([(None, entry, text[starts[k]:ends[k]])], {}, preset, rich,
                               link_to)
            if extra is None:
                return None
            found = shown[id(entry)] = (entry, len(made[0]))
            made[0].append(extra[0][0])
            made[1].append(extra[1][0])
        keys[k] = found[1]
    return made


def _by_entry_and_surface(doc: KeptText) -> tuple[array[int], list[tuple[object, Entry, str]]]:
    """The key of each match of ``doc`` by its entry (the one chosen for its sense, if
    any) and its text, and each key's memo key (its entry's index and its text; ``None``
    for an entry chosen for a sense), entry and text."""
    text, table, choices = doc.text, doc.entry_table, doc.choices
    known: dict[tuple[int, str], int] = {}
    firsts: list[tuple[object, Entry, str]] = []
    keys = array("q")
    for k, (start, end, e) in enumerate(zip(doc.starts, doc.ends, doc.entries, strict=True)):
        choice = choices.get(k) if choices else None
        entry = table[e] if choice is None else choice.shown
        surface = text[start:end]
        key = known.get((id(entry), surface))
        if key is None:
            key = known[(id(entry), surface)] = len(firsts)
            # (holds the entry: its id stays its own)
            firsts.append(((e, surface) if choice is None else None, entry, surface))
        keys.append(key)
    return keys, firsts


def _fragment(doc: AnnotatedText, id_prefix: str, markup: str, rich: bool = False,
              link_to: str | None = None, sink: Sink | None = None) -> str:
    """The paragraphs; with a ``sink``, ``""`` once the C loop has written them there, or
    the paragraphs Python wrote, to be written."""
    if SPLICE is not None:
        spliced = None
        if isinstance(doc, KeptText) and doc._built is None:
            spliced = _kept_fragment(doc, id_prefix, markup, rich, link_to, sink)
        if spliced is None:
            spliced = _fragment_spliced(doc, id_prefix, markup, rich, link_to, sink)
        if spliced is not None:
            return spliced
    paragraphs: list[str] = []
    counter = 0
    made: dict[tuple[int, str], tuple[Entry, _Template]] = {}  # for this document
    for pieces in doc.lines():
        parts: list[str] = []
        for piece, ann in pieces:
            if ann is None:
                parts.append(escape(piece, quote=False))
            else:
                counter += 1
                parts.append(_tooltip(ann, piece, f"{id_prefix}{counter}", markup, rich,
                                      link_to, made))
        body = "".join(parts)
        if body.strip(ASCII_WHITESPACE):  # a line of no-break spaces is kept
            paragraphs.append(f"<p>{body}</p>")
    return "\n".join(paragraphs) + ("\n" if paragraphs else "")


def render(
    doc: AnnotatedText,
    *,
    standalone: bool = False,
    title: str = "glossator",
    id_prefix: str = "gl-",
    lang: str = "fr",
    markup: str = "glossator",
    script: bool = False,
    rich_definitions: bool = False,
    link_to: str | None = None,
    heading: str | None = None,
    assets: str = "inline",
    assets_prefix: str = "",
) -> str:
    """The text as HTML paragraphs with tooltips; ``standalone=True`` for a whole page.

    ``title`` is the page's ``<title>``; ``heading`` (with ``standalone``) adds a visible
    ``<h1>`` before the text — without it the page shows the text alone, so that what a
    scraper reads is exactly the ``text`` format.

    ``rich_definitions=True`` keeps a safe subset of inline HTML in definitions (``em``,
    ``strong``, ``a href`` to http, https or mailto), cleaned by nh3.

    ``markup``: ``"glossator"`` (default), ``"spip"`` or ``"abbr"`` (see the module).
    ``script=True`` (with ``standalone``): the page loads ``glossator.js`` from its own
    directory — write :func:`script` there. ``link_to``: the URL of the A–Z index
    (``"index.html"``); each term links to its entry there. ``assets`` (with
    ``standalone``): how the page gets the stylesheet, see :func:`page`."""
    check_id_prefix(id_prefix)
    check_markup(markup)
    if link_to is not None:
        check_link_to(link_to)
    fragment = _fragment(doc, id_prefix, markup, rich_definitions, link_to)
    if standalone:
        return page(fragment, title=title, lang=lang, script=script, heading=heading,
                    assets=assets, assets_prefix=assets_prefix)
    if script or heading is not None:
        _standalone_only(script)
    return fragment


_ID_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_:.-]*")


def check_id_prefix(id_prefix: str) -> str:
    """``id_prefix`` if tooltip ids can start with it (a letter or ``_``, then letters,
    digits, ``-``, ``_``, ``:``, ``.``); else raise :class:`~glossator.errors.UsageError`.
    It is written into ``id`` and ``aria-describedby`` attributes as it is."""
    if not isinstance(id_prefix, str) or not _ID_PREFIX.fullmatch(id_prefix):
        raise UsageError(f"'{id_prefix}' cannot start an HTML id",
                         hint="use letters, digits, '-', '_', ':' or '.'")
    return id_prefix


def _check_assets_prefix(assets_prefix: str) -> None:
    """Refuse an ``assets_prefix`` that is no relative, http or https URL prefix (the
    stylesheet and script are loaded from it: ``javascript:`` has no place there)."""
    if not (url_characters(assets_prefix) and web_or_relative(assets_prefix)):
        raise UsageError(f"assets prefix '{assets_prefix}': only http, https and relative "
                         "URLs are allowed", hint="e.g. ../ or https://example.org/assets/")


def _standalone_only(script: bool) -> NoReturn:
    """Raise the error of ``script`` or ``heading`` given without ``standalone``."""
    option = "script=True" if script else "heading"
    raise UsageError(f"{option} goes with standalone=True",
                     hint="a fragment goes into a page that has its own")


def write(
    doc: AnnotatedText,
    sink: Sink,
    *,
    standalone: bool = False,
    title: str = "glossator",
    id_prefix: str = "gl-",
    lang: str = "fr",
    markup: str = "glossator",
    script: bool = False,
    rich_definitions: bool = False,
    link_to: str | None = None,
    heading: str | None = None,
    assets: str = "inline",
    assets_prefix: str = "",
) -> None:
    """:func:`render` in UTF-8, handed to ``sink`` a bounded piece at a time as the C
    loop writes the paragraphs (the whole output is never held); the options are
    :func:`render`'s, checked before anything is written."""
    check_id_prefix(id_prefix)
    check_markup(markup)
    if link_to is not None:
        check_link_to(link_to)
    after = ""
    if standalone:
        before, after = page_parts(title=title, lang=lang, script=script, heading=heading,
                                   assets=assets, assets_prefix=assets_prefix)
        sink(encoded(before))
    elif script or heading is not None:
        _standalone_only(script)
    rest = _fragment(doc, id_prefix, markup, rich_definitions, link_to, sink)
    if standalone and rest and not rest.endswith("\n"):
        rest += "\n"
    if rest or after:
        sink(encoded(rest + after))


def page(fragment: str, *, title: str = "glossator", lang: str = "fr",
         script: bool = False, heading: str | None = None, assets: str = "inline",
         assets_prefix: str = "") -> str:
    """A whole HTML page around an annotated ``fragment``; ``heading`` adds
    ``<h1>heading</h1>`` at the top of ``<main>`` (escaped).

    ``assets``: ``"inline"`` (default) puts the tooltip stylesheet in a ``<style>``;
    ``"link"`` links ``{assets_prefix}glossator.css`` and loads
    ``{assets_prefix}glossator.js`` (write :func:`stylesheet` and :func:`script` there:
    ``glossator annotate`` does); ``"none"`` adds neither. ``script=True`` loads the script
    whatever ``assets`` says. The script is never inline, so that a
    Content-Security-Policy without ``'unsafe-inline'`` allows it."""
    if fragment and not fragment.endswith("\n"):
        fragment += "\n"
    before, after = page_parts(title=title, lang=lang, script=script, heading=heading,
                               assets=assets, assets_prefix=assets_prefix)
    return before + fragment + after


def page_parts(*, title: str = "glossator", lang: str = "fr", script: bool = False,
               heading: str | None = None, assets: str = "inline",
               assets_prefix: str = "") -> tuple[str, str]:
    """What :func:`page` writes before and after the fragment (which ends with a line
    break, unless empty): the options are :func:`page`'s."""
    if assets not in ("link", "inline", "none"):
        raise UsageError(f"unknown assets mode '{assets}'", hint="use link, inline or none")
    if assets_prefix:
        _check_assets_prefix(assets_prefix)
    h1 = ""
    if heading is not None and heading.strip():
        h1 = f"<h1>{escape(' '.join(heading.split()), quote=False)}</h1>\n"
    prefix = escape(assets_prefix)
    head = {"inline": f"<style>\n{stylesheet()}</style>\n",
            "link": f'<link rel="stylesheet" href="{prefix}glossator.css">\n',
            "none": ""}[assets]
    if script or assets == "link":
        head += f'<script defer src="{prefix}glossator.js"></script>\n'
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"{head}</head>\n<body>\n<main>\n{h1}",
        "</main>\n</body>\n</html>\n",
    )
