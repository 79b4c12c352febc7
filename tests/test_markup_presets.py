"""Markup presets of the HTML output and of annotate_html (glossator, spip, abbr), and the
optional glossator.js."""

from __future__ import annotations

import re
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import glossator
from glossator.documents.html import annotate_html
from glossator.errors import UsageError
from glossator.render.html import MARKUPS, page, script, stylesheet, tooltip
from support.cli import RunCli, WriteFile
from support.markup import annotated_terms, strip_markup
from support.pages import ALL, ANNOTATOR, CLI_PAGE, ESS_DEF, PAGE, SMALL_YAML, html_st
from support.seed import EXAMPLE, EXAMPLE_GLOSSARY, scrape, seed_text


@pytest.fixture(scope="module")
def doc() -> glossator.AnnotatedText:
    glossary = glossator.load_glossary(EXAMPLE_GLOSSARY)
    return glossator.annotate(EXAMPLE.read_text(encoding="utf-8"), glossary)


def one(text: str = "l’ESS", annotator: glossator.Annotator = ANNOTATOR) -> glossator.Annotation:
    return annotator.annotate(text).annotations[0]


# -- structure -------------------------------------------------------------------------

def test_presets() -> None:
    assert MARKUPS == ("glossator", "spip", "abbr")


def test_glossator_markup_is_unchanged() -> None:
    ann = one()
    assert tooltip(ann, "ESS", "gl-1") == tooltip(ann, "ESS", "gl-1", "glossator") == (
        '<span class="glossator" data-glossator-entry="ess">'
        '<span class="glossator-term" tabindex="0" aria-describedby="gl-1">ESS</span>'
        '<span class="glossator-tip" role="tooltip" id="gl-1"> '
        '<span class="glossator-title">ESS</span> '
        f'<span class="glossator-definition">{ESS_DEF}</span> </span></span>')


def test_spip_markup() -> None:
    assert tooltip(one(), "ESS", "gl-1", "spip") == (
        '<a class="cs_glossaire" data-glossator-entry="ess">'
        '<span class="gl_mot" tabindex="0" aria-describedby="gl-1">ESS</span>'
        '<span class="gl_dl" role="tooltip" id="gl-1"> '
        '<span class="gl_dt">ESS</span> '
        f'<span class="gl_dd">{ESS_DEF}</span> </span></a>')


def test_abbr_markup() -> None:
    assert tooltip(one(), "ESS", "gl-1", "abbr") == (
        f'<abbr data-glossator-entry="ess" title="ESS : {ESS_DEF}">ESS</abbr>')


def test_render_passes_the_preset(doc: glossator.AnnotatedText) -> None:
    default = glossator.render(doc, "html")
    assert glossator.render(doc, "html", markup="glossator") == default
    spip = glossator.render(doc, "html", markup="spip")
    assert spip.count('class="cs_glossaire"') == default.count('class="glossator"') == 2
    abbr = glossator.render(doc, "html", markup="abbr")
    assert abbr.count("<abbr ") == 2 and "glossator-tip" not in abbr


def test_unknown_preset() -> None:
    doc = ANNOTATOR.annotate("l’ESS")
    with pytest.raises(UsageError):
        glossator.render(doc, "html", markup="wiki")
    with pytest.raises(UsageError):
        annotate_html("<p>l’ESS</p>", ANNOTATOR, markup="wiki")


HOSTILE = glossator.Glossary.from_dicts([{
    "term": "ESS", "title": '<b onmouseover="x()">"T" & \'t\'</b>',
    "definition": '</span></a><script>alert(1)</script> "quoted" & <img src=x onerror=y>',
}])


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("markup", MARKUPS)
def test_hostile_titles_and_definitions_are_escaped(markup: str) -> None:
    doc = glossator.Annotator(HOSTILE).annotate("l’ESS <x>")
    out = glossator.render(doc, "html", markup=markup)
    parser = _Tags()
    parser.feed(out)
    tags = {tag for tag, _ in parser.tags}
    assert tags <= {"p", "span", "a", "abbr"}
    for _, attrs in parser.tags:
        assert not any(name.startswith("on") or name == "src" for name in attrs)
    assert "&lt;x&gt;" in out
    if markup == "abbr":
        (title,) = [a["title"] for t, a in parser.tags if t == "abbr"]
        assert title == ('<b onmouseover="x()">"T" & \'t\'</b> : </span></a><script>'
                         'alert(1)</script> "quoted" & <img src=x onerror=y>')
    else:
        assert scrape(out) == glossator.render(doc, "text")


# -- what a scraper reads --------------------------------------------------------------

def test_spip_scrapes_to_the_text_format_and_the_seed(doc: glossator.AnnotatedText) -> None:
    out = glossator.render(doc, "html", markup="spip")
    assert scrape(out) == glossator.render(doc, "text") == seed_text().rstrip("\n")
    assert scrape(glossator.render(doc, "html", standalone=True, markup="spip")) \
        == seed_text().rstrip("\n")


def test_abbr_scrapes_to_the_input_text(doc: glossator.AnnotatedText) -> None:
    out = glossator.render(doc, "html", markup="abbr")
    assert scrape(out) == EXAMPLE.read_text(encoding="utf-8").rstrip("\n")


def _seed_page() -> str:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    return "<main>\n" + "".join(f"<p>{escape(line, quote=False)}</p>\n" for line in lines) \
        + "</main>\n"


@pytest.mark.parametrize("markup", MARKUPS)
def test_annotated_seed_page_scrapes_like_render(markup: str) -> None:
    annotator = glossator.Annotator(glossator.load_glossary(EXAMPLE_GLOSSARY))
    out = annotate_html(_seed_page(), annotator, markup=markup)
    assert strip_markup(out, markup) == _seed_page()
    expected = EXAMPLE.read_text(encoding="utf-8") if markup == "abbr" else seed_text()
    assert scrape(out) == expected.rstrip("\n")


# -- annotate_html: byte for byte, idempotent ------------------------------------------

@pytest.mark.parametrize("markup", MARKUPS)
def test_annotate_html_strip_property_and_idempotence(markup: str) -> None:
    once = annotate_html(PAGE, ANNOTATOR, markup=markup)
    assert strip_markup(once, markup) == PAGE
    assert annotated_terms(once, markup) == [
        "ESS", "PTCE", "coopérative", "économie&nbsp;sociale et solidaire"]
    assert annotate_html(once, ANNOTATOR, markup=markup) == once
    all_once = annotate_html(PAGE, ALL, markup=markup)
    assert strip_markup(all_once, markup) == PAGE
    assert annotate_html(all_once, ALL, markup=markup) == all_once


@pytest.mark.parametrize("markup", MARKUPS)
def test_second_occurrence_is_not_annotated_by_a_second_pass(markup: str) -> None:
    once = annotate_html("<p>l’ESS</p><p>encore l’ESS</p>", ANNOTATOR, markup=markup)
    assert annotated_terms(once, markup) == ["ESS"]
    for other in MARKUPS:  # whatever preset the second pass uses
        assert annotate_html(once, ANNOTATOR, markup=other) == once


def test_spip_definitions_are_neither_annotated_nor_counted() -> None:
    # a SPIP page: the definition of one term mentions another
    page = ('<p><a class="cs_glossaire" href="/mot1"><span class="gl_mot">CAE</span>'
            '<span class="gl_dl"> <span class="gl_dd">proche de l’ESS</span> </span></a>'
            " puis l’ESS</p>")
    out = annotate_html(page, ANNOTATOR, markup="spip")
    assert annotated_terms(out, "spip") == ["ESS"]
    assert out.endswith('puis l’<a class="cs_glossaire" data-glossator-entry="ess">'
                        '<span class="gl_mot" tabindex="0" aria-describedby="glossator-1">'
                        'ESS</span><span class="gl_dl" role="tooltip" id="glossator-1"> '
                        f'<span class="gl_dt">ESS</span> <span class="gl_dd">{ESS_DEF}'
                        "</span> </span></a></p>")


# -- the real shape of SPIP's Couteau Suisse glossary ---------------------------------

SPIP_DATA = Path(__file__).parent / "data" / "spip"
#: An article body in the shape Couteau Suisse's "Glossaire interne" writes (our own text).
SPIP_ARTICLE = (SPIP_DATA / "couteau-suisse-article.html").read_text(encoding="utf-8")
SPIP_CLASSES = frozenset({"cs_glossaire", "gl_mot", "gl_dl", "gl_dt", "gl_dd", "gl_js",
                          "gl_jst"})


class _Skeleton(HTMLParser):
    """The nesting of SPIP's glossary elements: ``a.cs_glossaire(span.gl_mot …)``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[list[str]] = [[]]
        self.open: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split()) & SPIP_CLASSES
        self.open.append(bool(classes))
        if classes:
            self.stack.append([f"{tag}.{'.'.join(sorted(classes))}"])

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open.pop():
            name, *children = self.stack.pop()
            self.stack[-1].append(f"{name}({' '.join(children)})" if children else name)


def spip_skeletons(html: str) -> list[str]:
    parser = _Skeleton()
    parser.feed(html)
    parser.close()
    return parser.stack[0]


def test_spip_preset_has_the_shape_of_couteau_suisse_output() -> None:
    css_mode, js_mode = spip_skeletons(SPIP_ARTICLE)
    assert css_mode == "a.cs_glossaire(span.gl_mot span.gl_dl(span.gl_dt span.gl_dd))"
    assert js_mode == "a.cs_glossaire(span.gl_mot span.gl_js span.gl_jst)"
    ours = glossator.render(ANNOTATOR.annotate("Le Labo de l’ESS publie."), "html",
                            markup="spip")
    assert spip_skeletons(ours) == [css_mode]
    # white space between the spans, as in SPIP's template: both read word, title,
    # definition
    real_text = scrape(SPIP_ARTICLE).splitlines()[0]
    assert real_text.startswith("En juin, le Labo de l’ESS ESS Économie sociale et solidaire")
    assert scrape(ours) == f"Le Labo de l’ESS ESS {ESS_DEF} publie."


def test_real_spip_glossary_markup_is_left_alone_and_counted() -> None:
    for markup in MARKUPS:
        out = annotate_html(SPIP_ARTICLE, ANNOTATOR, markup=markup)
        assert strip_markup(out, markup) == SPIP_ARTICLE
        # ESS is SPIP's already (twice); the PTCE inside SPIP's definition is not counted,
        # so the PTCE of the text is annotated, once
        assert annotated_terms(out, markup) == ["PTCE", "coopératives"], markup
        assert annotate_html(out, ANNOTATOR, markup=markup) == out


def test_a_hand_written_abbr_is_still_skipped_not_counted() -> None:
    out = annotate_html('<p><abbr title="x">ESS</abbr> et l’ESS</p>', ANNOTATOR,
                        markup="abbr")
    assert annotated_terms(out, "abbr") == ["ESS"] and out.startswith('<p><abbr title="x">')


@pytest.mark.parametrize("markup", ["spip", "abbr"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=html_st)
def test_generated_html_strip_and_idempotence(markup: str, html: str) -> None:
    out = annotate_html(html, ALL, markup=markup)
    assert strip_markup(out, markup) == html
    assert annotate_html(out, ALL, markup=markup) == out


# -- page, script, stylesheet ----------------------------------------------------------

def test_standalone_page_with_script(doc: glossator.AnnotatedText) -> None:
    out = glossator.render(doc, "html", standalone=True, script=True)
    assert '<script defer src="glossator.js"></script>\n</head>' in out
    assert out.count("<script") == 1
    assert "<script" not in glossator.render(doc, "html", standalone=True)
    assert "<script" not in page("<p>x</p>")
    with pytest.raises(UsageError):
        glossator.render(doc, "html", script=True)


def test_standalone_page_has_a_heading_only_when_given_one(
    doc: glossator.AnnotatedText,
) -> None:
    plain = glossator.render(doc, "html", standalone=True)
    assert "<h1" not in plain and "<title>glossator</title>" in plain
    titled = glossator.render(doc, "html", standalone=True, title="Labo & PTCE",
                              heading="Le Labo de l’ESS & les <PTCE>")
    assert "<title>Labo &amp; PTCE</title>" in titled
    assert "<main>\n<h1>Le Labo de l’ESS &amp; les &lt;PTCE&gt;</h1>\n<p>" in titled
    assert titled.count("<h1") == 1
    # a scraper reads the heading, then exactly the text format
    assert scrape(titled) == "Le Labo de l’ESS & les <PTCE>\n" + seed_text().rstrip("\n")
    assert page("<p>x</p>", heading="  ") == page("<p>x</p>")  # a blank heading is none
    with pytest.raises(UsageError, match="heading goes with standalone"):
        glossator.render(doc, "html", heading="Titre")


def test_script_is_small_and_csp_friendly() -> None:
    # small enough to read in one sitting: dismiss, toggle, close button, keep inside the
    # window
    assert script().count("\n") < 120
    js = re.sub(r"/\*.*?\*/", "", script(), flags=re.DOTALL)  # the code, not the comments
    for forbidden in ("eval", "innerHTML", "outerHTML", "Function(", "document.write",
                      "setAttribute(\"on", "javascript:"):
        assert forbidden not in js, forbidden
    assert not re.search(r"\.on[a-z]+\s*=", js)  # handlers through addEventListener only
    assert "Escape" in js and "data-glossator-hidden" in js and "data-glossator-open" in js


def test_stylesheet_cooperates_with_the_script() -> None:
    css = stylesheet()
    assert ".glossator:hover > .glossator-tip" in css
    assert ".glossator:focus-within > .glossator-tip" in css
    assert ".glossator[data-glossator-hidden] > .glossator-tip" in css
    assert css.index("[data-glossator-hidden]") > css.index(":focus-within > .glossator-tip")
    assert "min(31em, calc(100vw - 2rem))" in css and "inset-inline-start: 0" in css
    assert "a.cs_glossaire[class]:focus-within > span.gl_dl" in css
    assert "@media print" in css and css.count("{") == css.count("}")
    # anchored tooltips: each on its own term, with fallbacks that keep it in the viewport
    assert "anchor-scope: --glossator-term" in css and "position-try-fallbacks:" in css


# -- command line ----------------------------------------------------------------------

@pytest.fixture
def site(write: WriteFile) -> Path:
    write("g.yaml", SMALL_YAML)
    write("a.txt", "l’ESS et les PTCE\n")
    write("doc.md", "l’ESS\n")
    return write("page.html", CLI_PAGE)


@pytest.mark.parametrize("markup", MARKUPS)
def test_cli_markup_for_text_and_html(cli: RunCli, site: Path, markup: str) -> None:
    text = cli("annotate", "a.txt", "-g", "g.yaml", "--markup", markup)
    assert text.code == 0, text.err
    doc = glossator.Annotator(glossator.load_glossary(site.parent / "g.yaml")).annotate(
        "l’ESS et les PTCE\n")
    assert text.out == glossator.render(doc, "html", markup=markup)
    html = cli("annotate", "page.html", "-g", "g.yaml", "--markup", markup)
    assert html.code == 0, html.err
    assert strip_markup(html.out, markup) == CLI_PAGE
    assert len(annotated_terms(html.out, markup)) == 2


@pytest.mark.parametrize("argv, needle", [
    (["a.txt", "--markup", "spip", "-f", "text"], "--markup"),
    (["a.txt", "--markup", "wiki"], "unknown markup 'wiki' (use one of: glossator, spip, abbr"),
    (["doc.md", "--markup", "spip"], "Markdown"),
    (["a.txt", "--script"], "--standalone"),
    (["a.txt", "--standalone", "--script"], "-o"),
    (["a.txt", "--title", "Titre"], "--standalone"),
])
def test_cli_usage_errors(cli: RunCli, site: Path, argv: list[str], needle: str) -> None:
    result = cli("annotate", *argv, "-g", "g.yaml")
    assert result.code == 2 and needle in result.err and result.out == ""
    assert result.err.count("\n") == 1


def test_cli_title_names_the_page_and_heads_it(cli: RunCli, site: Path) -> None:
    plain = cli("annotate", "a.txt", "-g", "g.yaml", "--standalone")
    assert plain.code == 0 and "<title>a</title>" in plain.out and "<h1" not in plain.out
    titled = cli("annotate", "a.txt", "-g", "g.yaml", "--standalone", "--title",
                 "L’ESS & les PTCE")
    assert titled.code == 0, titled.err
    assert "<title>L’ESS &amp; les PTCE</title>" in titled.out
    assert "<main>\n<h1>L’ESS &amp; les PTCE</h1>\n<p>" in titled.out
    assert scrape(titled.out) == "L’ESS & les PTCE\n" + scrape(plain.out)


def test_cli_title_on_markdown_keeps_its_own_h1(cli: RunCli, site: Path) -> None:
    (site.parent / "h.md").write_text("# Les PTCE\n\nl’ESS\n", encoding="utf-8")
    result = cli("annotate", "h.md", "doc.md", "-g", "g.yaml", "--standalone", "--title",
                 "Lexique", "--output-dir", "site")
    assert result.code == 0, result.err
    with_h1 = (site.parent / "site" / "h.html").read_text(encoding="utf-8")
    without = (site.parent / "site" / "doc.html").read_text(encoding="utf-8")
    assert with_h1.count("<h1") == 1 and "<h1 " not in with_h1.split("<main>")[1][:5]
    assert "<title>Lexique</title>" in with_h1 and "Les PTCE</h1>" in with_h1
    assert "<main>\n<h1>Lexique</h1>" in without


def test_cli_markdown_keeps_the_glossator_markup(cli: RunCli, site: Path) -> None:
    result = cli("annotate", "doc.md", "-g", "g.yaml", "--markup", "glossator")
    assert result.code == 0 and 'class="glossator"' in result.out


def test_cli_js_prints_the_script(cli: RunCli) -> None:
    result = cli("js")
    assert result.code == 0 and result.out == script()


def test_cli_standalone_script_writes_glossator_js(cli: RunCli, site: Path) -> None:
    result = cli("annotate", "a.txt", "-g", "g.yaml", "--standalone", "--script",
                 "--markup", "spip", "-o", "out/page.html")
    assert result.code != 0  # the directory of -o must exist
    (site.parent / "out").mkdir()
    result = cli("annotate", "a.txt", "-g", "g.yaml", "--standalone", "--script",
                 "--markup", "spip", "-o", "out/page.html")
    assert result.code == 0, result.err
    written = (site.parent / "out" / "page.html").read_text(encoding="utf-8")
    assert '<script defer src="glossator.js"></script>' in written
    assert 'class="cs_glossaire"' in written
    assert (site.parent / "out" / "glossator.js").read_text(encoding="utf-8") == script()


def test_cli_output_dir_script_with_markdown(cli: RunCli, site: Path) -> None:
    result = cli("annotate", "doc.md", "a.txt", "-g", "g.yaml", "--standalone", "--script",
                 "--output-dir", "site")
    assert result.code == 0, result.err
    out = site.parent / "site"
    assert sorted(p.name for p in out.iterdir()) == [  # --assets link: the stylesheet too
        "a.html", "doc.html", "glossator.css", "glossator.js"]
    for name in ("a.html", "doc.html"):
        assert '<script defer src="glossator.js">' in (out / name).read_text(encoding="utf-8")


def test_unescaped_abbr_title_round_trips() -> None:
    out = tooltip(one(), "ESS", "x", "abbr")
    title = re.search(r'title="([^"]*)"', out)
    assert title is not None and unescape(title.group(1)) == f"ESS : {ESS_DEF}"
