"""Page mode's tokenizer: the fast reading (one regular-expression search a tag,
attributes parsed only when they can matter) reads every page as the token-at-a-time
reading does, and reused tooltip markup is the markup rendered afresh.

The fast path of ``glossator.documents.html._Scanner.scan`` and the general one
(``_scan_tokens``, what ``page_head`` still uses) must give the same runs, the same
offsets and the same highest tooltip id for any input, well-formed or not: that is what
keeps ``annotate_html``'s output byte for byte what it was.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glossator
from glossator.documents import html as html_module
from glossator.documents.html import (
    DEFAULT_SKIP,
    _Scanner,
    annotate_html,
    parse_selector,
)
from glossator.render.html import (
    MARKUP_PRESETS,
    MarkupPreset,
    TermMarkup,
    register_markup,
    tooltip_parts,
    tooltip_parts_reused,
)
from support.browser import on_ci
from support.pages import ALL

PAGES = Path(__file__).parent / "data" / "pages"
REAL = [gzip.decompress(p.read_bytes()).decode("utf-8") for p in sorted(PAGES.glob("*.gz"))]

#: Pieces that make tokenizers disagree: quotes left open, '/' before '>', entities,
#: names with odd characters, raw text, comments, foreign content, the skip selectors.
PIECES = [
    "<", ">", '"', "'", "/", "=", "&", " ", "\n", "\f", "\v", "\xa0", "a", "ESS",
    "économie sociale", "paquet", "dépôt", "<a ", "</a>", "<em>", "</em>", "<b>", "</b>",
    "<i class='noglossary'>", "</i>", "<span class=\"glossator\">", "</span>", "<p>",
    "</p>", "<h2>", "</h2>", "<section>", "<br/>", "<br / >", "<img src=x/>",
    "<a href=x/>", '<x y="', "<x y='z>", '<div id="glossator-7">', '<div ID="glossator-12">',
    "<div id=&#x67;lossator-30>", "<script>", "</script>", "<title>", "</title>",
    "<!--", "-->", "<!-->", "<![CDATA[", "]]>", "<?", "<svg>", "</svg>", "<svg/>",
    "<math>", "</math>", "<em/>", "&amp", "&nbsp;", "&#8217;", "İD=", "CLASS=glossator-tip ",
    "data-glossator=off ", "<font ", "</>", "</ 3>", "<a\"b c=\"d>", "<ab=\" c=\"d>",
    '<abbr data-glossator-entry="ess">', "</abbr>", "<main>", "</main>", "<option>",
    "<button>", "<textarea>", "</textarea>",
]


def _read(html: str, fast: bool | str, skip: tuple[str, ...] = DEFAULT_SKIP,
          root: str | None = None) -> tuple[Any, ...]:
    """What the scanner reads: ``fast`` True for the Python loop, "native" for the C
    loop, False for the token-at-a-time reading."""
    scanner = _Scanner(html, [parse_selector(s) for s in skip],
                       parse_selector(root) if root is not None else None, "glossator-")
    if fast == "native":
        scanner._scan_native()
    elif fast:
        scanner._scan_python()
    else:
        scanner._scan_tokens()
    runs = tuple((r.start, r.end, r.counted_only, tuple(r.segs), r.jstart, r.jend, r.joined,
                  tuple(r.lead), tuple(r.trail or ())) for r in scanner.runs)
    names = {k: v for k, v in scanner.open_names.items() if v}
    return ("".join(scanner.parts), "".join(scanner.join_parts), runs, scanner.max_id,
            scanner.stack, names, tuple(scanner.runs.column(5)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=40),
       page=st.sampled_from(range(len(REAL))), at=st.integers(0, 10**6),
       skip=st.sampled_from([DEFAULT_SKIP, (*DEFAULT_SKIP, "*"), ("p", "[data-x]")]),
       root=st.sampled_from([None, "main", "section", "*"]))
def test_the_fast_reading_is_the_token_at_a_time_reading(
        pieces: list[str], page: int, at: int, skip: tuple[str, ...], root: str | None) -> None:
    source = REAL[page]
    start = at % len(source)
    html = source[start : start + 1500]
    for k, piece in enumerate(pieces):  # spread the pieces over the slice
        cut = (k * 997 + at) % (len(html) + 1)
        html = html[:cut] + piece + html[cut:]
    expected = _read(html, False, skip, root)
    assert _read(html, True, skip, root) == expected
    if html_module._PAGESCAN is not None:
        assert _read(html, "native", skip, root) == expected


@pytest.mark.parametrize("page", range(len(REAL)))
def test_real_pages_read_the_same_both_ways(page: int) -> None:
    expected = _read(REAL[page], False)
    assert _read(REAL[page], True) == expected
    if html_module._PAGESCAN is not None:
        assert _read(REAL[page], "native") == expected


def _native() -> None:
    if html_module._PAGESCAN is None:
        if on_ci():
            pytest.fail("glossator.documents._pagescan is not built on CI", pytrace=False)
        pytest.skip("glossator.documents._pagescan is not built (pip install -e . builds it)")


#: Selectors that change what the C loop leaves to Python: a class and an attribute read
#: in any case, an id, every tag's attributes, a skipped element that is also a marker.
SELECTORS = [DEFAULT_SKIP, (*DEFAULT_SKIP, "*"), ("p", "[data-x]"), ("code.x", "#main", "b"),
             ("[DATA-Y=1]", "span", "a"), ("[données]",), ("i", ".é")]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from([*PIECES, "<code>", "</code>", "<a>", "<a>", "</a>",
                                        "<A HREF=x>", "<CODE/>", "<img>", "<data-x>",
                                        "<p data-X=1>", "<p id=main>", "K", "ſ",
                                        "<p class='é'>", "<b/>", "<i>", "<font/>",
                                        "<p title='&amp;'>", "&nbsp;&nbsp;", " "]),
                       max_size=60),
       skip=st.sampled_from(SELECTORS),
       root=st.sampled_from([None, "main", "section", "*", "#main", "p"]))
def test_the_c_loop_reads_hostile_markup_as_the_python_loop(
        pieces: list[str], skip: tuple[str, ...], root: str | None) -> None:
    _native()
    html = "".join(pieces)
    assert _read(html, "native", skip, root) == _read(html, True, skip, root)


def test_the_c_loop_reads_every_real_page_with_other_selectors() -> None:
    _native()
    for page in REAL:
        for skip in SELECTORS:
            for root in (None, "main", "div"):
                assert _read(page, "native", skip, root) == _read(page, True, skip, root)


def _glossary() -> glossator.Glossary:
    return glossator.Glossary.from_dicts([
        {"term": "ESS", "definition": "Économie sociale.", "url": "https://example.org/ess",
         "source": "Loi de 2014"},
        {"term": "PTCE", "definition": "Pôle \ue000glossator-tip\ue001 territorial."},
    ])


@pytest.mark.parametrize("markup", ["glossator", "spip", "abbr"])
@pytest.mark.parametrize("link_to", [None, "index.html"])
def test_reused_tooltips_are_the_markup_rendered_afresh(markup: str,
                                                        link_to: str | None) -> None:
    doc = glossator.annotate("L’ESS et les PTCE. Encore l’ESS et le PTCE.",
                             _glossary(), occurrences="all")
    assert len(doc.annotations) == 4
    for k, ann in enumerate(doc.annotations * 2):  # the second time from the cache
        tip_id = f"gl-{k}"
        assert tooltip_parts_reused(ann, tip_id, markup, False, link_to) == tooltip_parts(
            ann, tip_id, markup, False, link_to)


def test_two_glossaries_with_the_same_ids_do_not_share_tooltips() -> None:
    html = "<p>L’ESS et les PTCE.</p>"
    first = annotate_html(html, glossator.Annotator(_glossary()))
    other = glossator.Glossary.from_dicts([{"term": "ESS", "definition": "Autre sens."}])
    second = annotate_html(html, glossator.Annotator(other))
    assert "Économie sociale." in first and "Autre sens." not in first
    assert "Autre sens." in second and "Économie sociale." not in second


def test_a_preset_of_a_plug_in_is_rendered_each_time() -> None:
    calls: list[str] = []

    def wrap(t: TermMarkup) -> tuple[str, str]:
        calls.append(t.tip_id)
        return f'<mark id="{t.tip_id.upper()}">', "</mark>"

    register_markup(MarkupPreset("test-upper", wrap, "mark[id]"))
    try:
        out = annotate_html("<p>L’ESS et les PTCE.</p>", glossator.Annotator(_glossary()),
                            markup="test-upper", id_prefix="x-")
    finally:
        del MARKUP_PRESETS["test-upper"]  # the registry is global
    assert calls == ["x-1", "x-2"]
    assert '<mark id="X-1">ESS</mark>' in out and '<mark id="X-2">PTCE</mark>' in out


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(
    [*"glossatorGLOSSATOR-domainDOMAINdat ſKıİé", "\u212a", "\u0130"]), max_size=60))
def test_may_contain_never_misses_what_a_case_insensitive_search_finds(text: str) -> None:
    _native()
    for needle in ("glossator-domain", "data-glossator-domain"):
        if not html_module._may_contain(text, needle):
            assert re.search(needle, text, re.IGNORECASE) is None
            assert needle not in text.lower()
    assert html_module._may_contain(f"x{text}GlOsSaToR-DoMaIn", "glossator-domain")


#: Terms split by inline formatting and everything around them that a matcher might
#: look at: elisions, capitals, entities, blocks, sections, links, skipped elements.
SPLIT = ["<p>", "</p>", "<em>", "</em>", "<b>", "</b>", "<span lang=fr>", "</span>",
         "économie ", "sociale ", "et solidaire", "E", "SS", "l’", "L’", "ESS", "PTCE",
         "PT", "CE", " ", "&#32;", "coopé", "ratives", "coopérative", "&nbsp;", "<h2>",
         "</h2>", "<a href=x>", "</a>", "<br>",
         "<code>", "</code>", ".", ",", "-", "pôle ", "territorial ", "de coopération",
         "ÉCONOMIE ", "<section>", "<i>", "</i>", "\n",
         "<b>E</b>SS", "économie <em>sociale</em> et solidaire", "<i>PT</i>CE",
         "l’<b>ESS</b>", "<em>économie sociale</em> et solidaire", "co<b>op</b>érative",
         "<b>l’E</b>SS", "économie <em>sociale et</em> solidaire", "E<i>S</i>S"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(SPLIT), max_size=50))
def test_the_groups_read_joined_give_the_matches_the_whole_text_gives(
        pieces: list[str]) -> None:
    annotator = ALL  # ESS, PTCE, économie sociale et solidaire…
    scanner = _Scanner("".join(pieces), [parse_selector(s) for s in DEFAULT_SKIP], None,
                       "glossator-")
    scanner.scan()
    joined = "".join(scanner.join_parts)
    assert html_module._across(annotator, scanner.runs, joined) == html_module._across(
        annotator, scanner.runs, joined, whole=True)


@pytest.mark.parametrize("page", range(len(REAL)))
def test_real_pages_give_the_same_terms_across_formatting_either_way(page: int) -> None:
    annotator = glossator.Annotator()
    scanner = _Scanner(REAL[page], [parse_selector(s) for s in DEFAULT_SKIP], None,
                       "glossator-")
    scanner.scan()
    joined = "".join(scanner.join_parts)
    assert html_module._across(annotator, scanner.runs, joined) == html_module._across(
        annotator, scanner.runs, joined, whole=True)


def test_the_c_loop_reads_as_deep_as_the_python_loop() -> None:
    _native()
    assert html_module._PAGESCAN.DEEP == html_module._DEEP


#: A page nested deeper than the stack is read for an end tag whose element is not open
#: (``_DEEP``): end tags of elements open beyond it, and of elements not open at all.
DEEP_PAGE = ("<div>" * 300 + "<p>" + "<span>" * 20 + "l’ESS " + "</em>" * 50 + "</span>" * 5
             + "<b>économie</b> <i>sociale</i>" + "</p>" + "</section>" * 400 + "</div>" * 10
             + "<code>x</code>" + "<option>a<option>b" + "<h2>x<h3>y" + "</div>" * 300 + "z")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from([*PIECES, "<div>", "</div>", "</span>", "</p>"]),
                       max_size=40),
       at=st.integers(0, 10**6), skip=st.sampled_from(SELECTORS))
def test_deep_hostile_pages_read_the_same_three_ways(
        pieces: list[str], at: int, skip: tuple[str, ...]) -> None:
    html = DEEP_PAGE
    for k, piece in enumerate(pieces):
        cut = (k * 997 + at) % (len(html) + 1)
        html = html[:cut] + piece + html[cut:]
    expected = _read(html, False, skip)
    assert _read(html, True, skip) == expected
    if html_module._PAGESCAN is not None:
        assert _read(html, "native", skip) == expected


def test_a_deep_page_keeps_its_open_elements_counted() -> None:
    """Beyond ``_DEEP`` open elements, an end tag of an element open deep in the stack
    still closes it (and those inside it), and one of an element not open leaves the
    stack as it is."""
    deep = html_module._DEEP
    page = "<div>" * (deep + 10) + "<em>" + "<div>" * 5 + "</span>" * 1000 + "</em>x"
    for fast in (True, False, "native"):
        if fast == "native" and html_module._PAGESCAN is None:
            continue
        scanner = _Scanner(page, [parse_selector(s) for s in DEFAULT_SKIP], None,
                           "glossator-")
        getattr(scanner, {True: "_scan_python", False: "_scan_tokens",
                          "native": "_scan_native"}[fast])()
        assert [e[0] for e in scanner.stack] == ["div"] * (deep + 10)
        assert {k: v for k, v in scanner.open_names.items() if v} == {"div": 10}
