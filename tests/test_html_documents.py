"""Annotating existing HTML in place (glossator.documents.html) and its command line.

The central property: removing glossator's inserted markup from the output gives back the
input byte for byte (:func:`strip_glossator_markup`), on hand-written and generated pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glossator
from glossator.documents.html import DEFAULT_SKIP, annotate_html, parse_selector
from glossator.errors import GlossatorWarning, UsageError
from support.cli import RunCli, WriteFile
from support.markup import strip_glossator_markup, terms
from support.pages import (
    ALL,
    ANNOTATOR,
    CLI_PAGE,
    GLOSSARY,
    PAGE,
    SMALL_YAML,
    html_st,
)
from support.seed import EXAMPLE, EXAMPLE_GLOSSARY, scrape, seed_text

if TYPE_CHECKING:
    from typing_extensions import Unpack


class HtmlOptions(TypedDict, total=False):
    """The keyword options of ``annotate_html`` the tests vary."""

    skip: Sequence[str]
    root: str | None
    id_prefix: str


def annotate(
    html: str, annotator: glossator.Annotator = ANNOTATOR, **options: Unpack[HtmlOptions]
) -> str:
    out = annotate_html(html, annotator, **options)
    assert strip_glossator_markup(out) == html
    return out


# -- the strip property, idempotence ---------------------------------------------------

def test_page_strip_property_and_what_is_annotated() -> None:
    out = annotate(PAGE)
    assert terms(out) == ["ESS", "PTCE", "coopérative", "économie&nbsp;sociale et solidaire"]
    # everything before <main>'s first paragraph is byte for byte the input
    head = PAGE.index("Le Labo de l")
    assert out[:head] == PAGE[:head]
    assert "&#8217;<span class=\"glossator\"" in out
    assert 'data-info="ESS PTCE"' in out and "<!-- ESS dans un commentaire -->" in out
    assert '<script>var s = "ESS </p> <b>PTCE</b>"; if (a < b) {}</script>' in out
    assert "<style>.ESS { color: red } /* </p> PTCE */</style>" in out


def test_idempotent() -> None:
    once = annotate(PAGE)
    assert annotate_html(once, ANNOTATOR) == once
    twice_all = annotate_html(annotate_html(PAGE, ALL), ALL)
    assert twice_all == annotate_html(PAGE, ALL)


def test_annotating_twice_does_not_annotate_the_second_occurrence() -> None:
    page = "<p>l’ESS</p><p>encore l’ESS</p>"
    once = annotate(page)
    assert terms(once) == ["ESS"]
    assert annotate_html(once, ANNOTATOR) == once


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_st, st.sampled_from(["first", "all", "section"]))
def test_generated_html_strip_and_idempotence(html: str, occurrences: str) -> None:
    annotator = {"first": ANNOTATOR, "all": ALL}.get(occurrences) or glossator.Annotator(
        GLOSSARY, occurrences=occurrences)
    out = annotate_html(html, annotator)
    assert strip_glossator_markup(out) == html
    assert annotate_html(out, annotator) == out


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<>/!-&;#ab ESPTC\"'=pscriptx", max_size=60))
def test_arbitrary_markup_soup_never_raises_and_is_kept(html: str) -> None:
    assert strip_glossator_markup(annotate_html(html, ALL)) == html


# -- what is skipped -------------------------------------------------------------------

SKIPPED_TAGS = ["a", "abbr", "dfn", "code", "pre", "kbd", "samp", "script", "style",
                "textarea", "title", "svg", "math", "button", "select", "option", "h1",
                "h2", "h3", "h4", "h5", "h6", "template", "noscript"]


@pytest.mark.parametrize("tag", SKIPPED_TAGS)
def test_skipped_elements(tag: str) -> None:
    out = annotate(f"<div>Avant <{tag}>l’ESS</{tag}> puis les PTCE.</div>", ALL)
    assert terms(out) == ["PTCE"]


@pytest.mark.parametrize("opening,closing", [
    ('<div data-glossator="off"><p>', "</p></div>"),
    ('<p class="intro noglossary">', "</p>"),
    ('<span class="glossator">', "</span>"),
    ('<a class="cs_glossaire" href="#">', "</a>"),
    ('<span class="mw-lingo-term">', "</span>"),
    ('<a class="glossaryLink" href="#">', "</a>"),
    ('<span class="glossary-tooltip">', "</span>"),
])
def test_skipped_by_attribute_or_class(opening: str, closing: str) -> None:
    out = annotate(f"<p>Les PTCE.</p>{opening}l’ESS{closing}<p>Et l’ESS.</p>", ALL)
    assert terms(out) == ["PTCE", "ESS"]  # only the ESS of the last paragraph


@pytest.mark.parametrize("marker", ['<span class="mw-lingo-term">ESS</span>',
                                    '<a class="cs_glossaire" href="#">ESS</a>'])
def test_terms_annotated_by_a_cms_count_as_first_occurrence(marker: str) -> None:
    assert terms(annotate(f"<p>L’{marker}</p><p>Encore l’ESS, les PTCE.</p>")) == ["PTCE"]


def test_other_classes_and_attributes_are_not_skipped() -> None:
    page = ('<p class="glossator-like" data-glossator="on">l’ESS</p>'
            '<span class="glossaryLinkx">PTCE</span>')
    assert terms(annotate(page)) == ["ESS", "PTCE"]


def test_custom_skip_selectors() -> None:
    page = ('<div class="sidebar">ESS</div><aside id="n" data-x="1">PTCE</aside>'
            '<p class="lead">coopérative</p><p>ESS PTCE coopérative</p>')
    assert terms(annotate(page)) == ["ESS", "PTCE", "coopérative"]
    out = annotate(page, skip=(*DEFAULT_SKIP, ".sidebar", "[data-x=1]", "p.lead"))
    assert len(terms(out)) == 3 and out.index("glossator") > page.index("<p>ESS")
    assert terms(annotate(page, skip=("div", "aside#n", 'p[class="lead"]'))) == [
        "ESS", "PTCE", "coopérative"]
    assert out.startswith('<div class="sidebar">ESS</div><aside id="n" data-x="1">PTCE')


def test_skip_replaces_the_defaults_when_given() -> None:
    assert terms(annotate("<code>ESS</code>", skip=())) == ["ESS"]


@pytest.mark.parametrize("bad", ["", "div p", "a > b", "p:first-child", ".", "[x"])
def test_bad_selectors(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_selector(bad)
    with pytest.raises(UsageError):
        annotate_html("<p>ESS</p>", ANNOTATOR, root=bad)


def test_root_selector() -> None:
    page = ("<header><p>l’ESS et les PTCE</p></header><main><p>l’ESS</p>"
            "<article id='content'><p>les PTCE</p></article></main><footer>coopérative</footer>")
    assert terms(annotate(page)) == ["ESS", "PTCE", "coopérative"]
    out = annotate(page, root="main")
    assert terms(out) == ["ESS", "PTCE"]
    assert out.index("glossator") > page.index("<main>")
    assert terms(annotate(page, root="#content")) == ["PTCE"]
    assert terms(annotate(page, root="article")) == ["PTCE"]
    with pytest.warns(GlossatorWarning, match="no element matches the root selector "
                                              "'section': nothing was annotated"):
        assert annotate(page, root="section") == page  # no such element: nothing annotated


def test_root_is_the_first_matching_element_only() -> None:
    page = "<main><p>texte</p></main><main><p>l’ESS</p></main>"
    assert annotate(page, root="main") == page


# -- entities and text runs ------------------------------------------------------------

@pytest.mark.parametrize("source,term", [
    ("Le Labo de l&rsquo;ESS publie.", "ESS"),
    ("Le Labo de l&#8217;ESS publie.", "ESS"),
    ("Le Labo de l&#x2019;ESS publie.", "ESS"),
    ("L&apos;économie&nbsp;sociale et solidaire.", "économie&nbsp;sociale et solidaire"),
    ("l’&eacute;conomie sociale et solidaire", "&eacute;conomie sociale et solidaire"),
    ("l’&eacuteconomie sociale et solidaire", "&eacuteconomie sociale et solidaire"),
    ("R&amp;D d’une coop&#233;rative", "coop&#233;rative"),
    ("une coopérative&nbsp;!", "coopérative"),
])
def test_entities_found_and_kept(source: str, term: str) -> None:
    out = annotate(f"<p>{source}</p>")
    assert terms(out) == [term]
    assert out.startswith("<p>" + source[: source.index(term)])


def test_first_occurrence_counts_across_the_document() -> None:
    out = annotate("<p>l’ESS</p><div><p>Encore l’ESS et <i>ESS</i>.</p></div>")
    assert terms(out) == ["ESS"]
    assert out.index("glossator") < out.index("Encore")


def test_sections_start_at_h1_h2_h3_headings_and_sectioning_elements() -> None:
    section = glossator.Annotator(GLOSSARY, occurrences="section")
    out = annotate("<p>l’ESS et <b>ESS</b></p><p>ESS <i>ESS</i></p>", section)
    assert terms(out) == ["ESS"]  # paragraphs are not sections
    page = ("<h2>Un</h2><p>l’ESS</p><p>ESS</p><h3>Deux</h3><div>ESS</div><h4>sous-titre</h4>"
            "<p>ESS</p><section><p>ESS</p></section><article>ESS</article>")
    out = annotate(page, section)
    assert terms(out) == ["ESS", "ESS", "ESS", "ESS"]
    assert "<h4>sous-titre</h4><p>ESS</p>" in out  # h4 does not start a section


def test_a_term_across_inline_formatting_is_wrapped_whole() -> None:
    out = annotate("<p><b>E</b>SS et l’économie <em>sociale</em> et solidaire</p>", ALL)
    assert terms(out) == ["<b>E</b>SS", "économie <em>sociale</em> et solidaire"]
    assert 'data-glossator-entry="ess-long"' in out


@pytest.mark.parametrize(("html", "wrapped"), [
    # the term starts or ends at the edge of formatting: the tags are taken in
    ("<p><em>économie sociale</em> et solidaire.</p>",
     "<em>économie sociale</em> et solidaire"),
    ("<p>Une économie <strong>sociale et solidaire</strong>.</p>",
     "économie <strong>sociale et solidaire</strong>"),
    ("<p><b><i>économie</i> sociale</b> et solidaire</p>",
     "<b><i>économie</i> sociale</b> et solidaire"),
    ("<p>l’<span lang=fr>ESS</span> et les <em>PTCE</em>.</p>", "ESS"),
    # white space between the pieces, or an entity
    ("<p><em>économie</em> <em>sociale</em>&#32;et solidaire</p>",
     "<em>économie</em> <em>sociale</em>&#32;et solidaire"),
])
def test_terms_across_formatting_nest(html: str, wrapped: str) -> None:
    out = annotate(html, ALL)
    assert wrapped in terms(out)
    assert annotate_html(out, ALL) == out  # annotated terms are recognised: idempotent


@pytest.mark.parametrize("html", [
    "<p><em>L’économie sociale</em> et solidaire</p>",  # starts inside, ends outside
    "<p>économie <em>sociale <b>et</em> solidaire</b></p>",  # crossed tags
    "<p>économie <a href=\"#\">sociale</a> et solidaire</p>",  # a link breaks it
    "<p>économie<br>sociale et solidaire</p>",  # a line break too
    "<p>économie <code>sociale</code> et solidaire</p>",  # code is skipped
    "<p>économie <!-- x --> sociale et solidaire</p>",  # a comment
    "<p>économie</p><p>sociale et solidaire</p>",  # two blocks
])
def test_a_term_that_would_not_nest_is_left_to_each_run(html: str) -> None:
    out = annotate(html, ALL)
    assert "ess-long" not in out
    assert all("<" not in t for t in terms(out))


def test_attribute_values_and_comments_untouched() -> None:
    page = ('<p title="ESS" data-x=\'PTCE\' alt=ESS>x</p><!-- ESS PTCE -->'
            '<?php echo "ESS"; ?><![CDATA[ ESS ]]><!DOCTYPE ESS>')
    assert annotate(page, ALL) == page


def test_script_with_tags_and_terms_in_strings() -> None:
    page = '<p>a</p><script>document.write("<p>ESS</p>"); // </p> ESS</script><p>PTCE</p>'
    out = annotate(page, ALL)
    assert terms(out) == ["PTCE"]
    assert out.startswith('<p>a</p><script>document.write("<p>ESS</p>"); // </p> ESS</script>')


def test_raw_text_end_tag_is_case_insensitive() -> None:
    out = annotate("<SCRIPT>ESS</Script ><P>ESS</P><TEXTAREA>PTCE</textarea>PTCE", ALL)
    assert terms(out) == ["ESS", "PTCE"]


@pytest.mark.parametrize("page,expected", [
    ("<p>l’ESS <b>sans fin <i>les PTCE", ["ESS", "PTCE"]),
    ("</p></div>l’ESS</span> PTCE", ["ESS", "PTCE"]),
    ("<a href=x>un<a href=y>deux</a> l’ESS", ["ESS"]),  # the second <a> closes the first
    ("<p>3 < 4 et l’ESS > 2 <</p>", ["ESS"]),
    ("<p>l’ESS<br>les PTCE<img src=x><hr/>coopérative</p>", ["ESS", "PTCE", "coopérative"]),
    ("<p>l’ESS</p><!-- PTCE <p>PTCE</p>", ["ESS"]),  # unterminated comment: to the end
    ("<p>l’ESS</p><script>PTCE", ["ESS"]),  # unterminated script
    ('<p>l’ESS</p><div class="PTCE', ["ESS"]),  # tag cut by the end
    ("<p>l’ESS<!--> PTCE", ["ESS", "PTCE"]),  # an empty comment
    ("<code>ESS<p>PTCE</p></code> coopérative", ["coopérative"]),
    ("<h1>ESS<h2>PTCE</h2> coopérative", ["coopérative"]),
    ("<select><option>ESS<option>PTCE</select> coopérative", ["coopérative"]),
    ('<svg><title>ESS</title><text>PTCE</text><path d="M0"/></svg> coopérative',
     ["coopérative"]),
    ("<p title='a>b'>l’ESS</p>", ["ESS"]),
    ("", []),
    ("ESS", ["ESS"]),
])
def test_malformed_pages(page: str, expected: list[str]) -> None:
    assert terms(annotate(page, ALL)) == expected


def test_ids_follow_existing_ones() -> None:
    page = '<p id="glossator-7">l’ESS</p><span id="glossator-x">PTCE</span>'
    out = annotate(page)
    assert re.findall(r'aria-describedby="([^"]+)"', out) == ["glossator-8", "glossator-9"]
    assert re.findall(r'role="tooltip" id="([^"]+)"', out) == ["glossator-8", "glossator-9"]
    out = annotate(page, id_prefix="gl-")
    assert re.findall(r'role="tooltip" id="([^"]+)"', out) == ["gl-1", "gl-2"]
    with pytest.raises(UsageError):
        annotate_html(page, ANNOTATOR, id_prefix='x"')


def test_markup_is_render_html_tooltip() -> None:
    from glossator.render.html import tooltip

    out = annotate("<p>l’ESS</p>")
    doc = ANNOTATOR.annotate("l’ESS")
    assert out == "<p>l’" + tooltip(doc.annotations[0], "ESS", "glossator-1") + "</p>"


# -- the reference page ----------------------------------------------------------------

def test_seed_page_scrapes_to_the_seed() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    page = "<main>\n" + "".join(f"<p>{escape(line, quote=False)}</p>\n" for line in lines) \
        + "</main>\n"
    annotator = glossator.Annotator(glossator.load_glossary(EXAMPLE_GLOSSARY))
    out = annotate(page, annotator)
    assert scrape(out) == seed_text().rstrip("\n")


# -- command line ----------------------------------------------------------------------

@pytest.fixture
def site(write: WriteFile) -> Path:
    write("g.yaml", SMALL_YAML)
    return write("page.html", CLI_PAGE)


def test_cli_annotates_an_html_file(cli: RunCli, site: Path) -> None:
    result = cli("annotate", "page.html", "-g", "g.yaml")
    assert result.code == 0, result.err
    assert strip_glossator_markup(result.out) == CLI_PAGE
    assert terms(result.out) == ["ESS", "PTCE"]
    assert result.out.index("glossator") < result.out.index("<main>")  # in the sidebar
    assert cli("annotate", "page.html", "-g", "g.yaml", "-f", "html").out == result.out


def test_cli_keeps_a_page_without_a_final_newline_as_it_is(
    cli: RunCli, site: Path, write: WriteFile
) -> None:
    write("bare.html", "<p>l’ESS</p></html>")
    write("other.html", "<p>les PTCE</p>\r\n")
    for out_dir in (False, True):
        argv = ["--output-dir", "out"] if out_dir else ["-o", "bare-out.html"]
        result = cli("annotate", "bare.html", *(["other.html"] if out_dir else []), "-g",
                     "g.yaml", *argv)
        assert result.code == 0, result.err
        written = (site.parent / ("out/bare.html" if out_dir else "bare-out.html")).read_bytes()
        assert written.endswith(b"</span></span></p></html>")
        if out_dir:
            other = (site.parent / "out/other.html").read_bytes()
            assert other.endswith(b"</p>\r\n")


def test_cli_root_and_skip(cli: RunCli, site: Path) -> None:
    out = cli("annotate", "page.html", "-g", "g.yaml", "--root", "main").out
    assert terms(out) == ["ESS", "PTCE"] and out.index("glossator") > CLI_PAGE.index("<main>")
    assert out[: CLI_PAGE.index("<main>")] == CLI_PAGE[: CLI_PAGE.index("<main>")]
    out = cli("annotate", "page.html", "-g", "g.yaml", "--skip", ".sidebar").out
    assert terms(out) == ["ESS", "PTCE"] and out.index("glossator") > CLI_PAGE.index("<main>")
    out = cli("annotate", "page.html", "-g", "g.yaml", "--skip", ".sidebar", "--skip",
              "main").out
    assert terms(out) == ["PTCE"]
    out = cli("annotate", "page.html", "-g", "g.yaml", "--skip", "p").out
    assert out == CLI_PAGE


def test_cli_root_that_matches_nothing_is_a_warning_naming_the_page(
        cli: RunCli, site: Path) -> None:
    """A mistyped ``--root`` would leave a whole site unannotated without a sign: each page
    it finds nothing in is named in one warning line (the page is still written, as is)."""
    run = cli("annotate", "page.html", "-g", "g.yaml", "--root", "#nope")
    assert run.code == 0 and run.out == CLI_PAGE
    assert run.err == ("glossator: warning: page.html: no element matches the root selector "
                       "'#nope': nothing was annotated (check the selector: main, article, "
                       "#content…)\n")
    assert cli("annotate", "page.html", "-g", "g.yaml", "--root", "main").err == ""


def test_cli_stdin_html_and_text(cli: RunCli, site: Path) -> None:
    stdin = CLI_PAGE.encode()
    html = cli("annotate", "-g", "g.yaml", "--input-format", "html", stdin=stdin)
    assert html.code == 0 and strip_glossator_markup(html.out) == CLI_PAGE
    text = cli("annotate", "-g", "g.yaml", "-f", "text", stdin=stdin)
    assert text.code == 0 and "ESS Économie sociale" in text.out and "<main>" in text.out
    forced = cli("annotate", "page.html", "-g", "g.yaml", "--input-format", "text",
                 "-f", "text")
    assert forced.code == 0 and "<main>" in forced.out


@pytest.mark.parametrize("argv,needle", [
    (["page.html", "-f", "text"], "HTML input is written as HTML"),
    (["page.html", "-f", "json"], "HTML input is written as HTML"),
    (["page.html", "--standalone"], "--standalone"),
    (["page.html", "--root", "div p"], "not a simple selector"),
    (["page.html", "--skip", "a:hover"], "not a simple selector"),
    (["-", "--root", "main"], "--skip and --root go with HTML input"),
])
def test_cli_usage_errors(cli: RunCli, site: Path, argv: list[str], needle: str) -> None:
    result = cli("annotate", *argv, "-g", "g.yaml", stdin=b"x")
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and result.err.startswith("glossator: error: ")
    assert needle in result.err and "Traceback" not in result.err


def test_cli_output_dir_for_html(cli: RunCli, site: Path, tmp_path: Path) -> None:
    assert cli("annotate", "page.html", "-g", "g.yaml", "--output-dir", "out").code == 0
    written = (tmp_path / "out" / "page.html").read_text(encoding="utf-8")
    assert strip_glossator_markup(written) == CLI_PAGE


# ------------------------------------------------------------------------------ encodings


def test_html_page_keeps_its_declared_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from glossator.cli import main

    page = ('<html><head><meta charset="windows-1252"></head><body>'
            "<p>Le Labo de l\u2019ESS et les coop\u00e9ratives.</p></body></html>\n")
    src = tmp_path / "page.html"
    src.write_bytes(page.encode("cp1252"))
    out = tmp_path / "out.html"
    assert main(["annotate", str(src), "-o", str(out)]) == 0
    data = out.read_bytes()
    text = data.decode("cp1252")  # still cp1252: no UTF-8 sequences
    assert b"\xc3" not in data
    assert 'role="tooltip"' in text and "coop\u00e9ratives" in text
    # removing our markup gives the input back, byte for byte
    assert strip_glossator_markup(text).encode("cp1252") == page.encode("cp1252")


def test_html_page_with_a_bom_keeps_it(tmp_path: Path) -> None:
    from glossator.cli import main

    for encoding, bom in (("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe")):
        src = tmp_path / f"page-{encoding}.html"
        src.write_bytes(bom + "<p>L\u2019ESS publie.</p>\n".encode(encoding))
        out = tmp_path / f"out-{encoding}.html"
        assert main(["annotate", str(src), "-o", str(out)]) == 0
        data = out.read_bytes()
        assert data.startswith(bom)
        assert 'role="tooltip"' in data[len(bom):].decode(encoding)


def test_latin1_page_gets_character_references_for_what_it_cannot_hold(tmp_path: Path) -> None:
    from glossator.cli import main

    glossary = tmp_path / "g.yaml"
    glossary.write_text("- term: ESS\n  definition: \u00c9conomie \u2014 sociale \u0152uvre\n",
                        encoding="utf-8")
    src = tmp_path / "page.html"
    src.write_bytes('<meta charset="iso-8859-15"><p>l\'ESS</p>'.encode("iso-8859-15"))
    out = tmp_path / "out.html"
    assert main(["annotate", str(src), "-g", str(glossary), "-o", str(out)]) == 0
    text = out.read_bytes().decode("iso-8859-15")
    assert "\u00c9conomie" in text and "&#8212;" in text  # no em dash in ISO-8859-15


def test_sniff_encoding() -> None:
    from glossator.documents.html import sniff_encoding

    assert sniff_encoding(b'<meta http-equiv="Content-Type" content="text/html; '
                          b'charset=ISO-8859-1">') == ("cp1252", b"")
    assert sniff_encoding(b"<meta charset='utf-8'>") == ("utf-8", b"")
    assert sniff_encoding(b"\xef\xbb\xbf<p>") == ("utf-8", b"\xef\xbb\xbf")
    assert sniff_encoding(b"<p>rien</p>") == (None, b"")
    assert sniff_encoding(b'<meta charset="klingon">') == (None, b"")


def test_output_encoding_can_be_forced(tmp_path: Path) -> None:
    from glossator.cli import main

    src = tmp_path / "page.html"
    src.write_bytes('<meta charset="windows-1252"><p>l\u2019ESS</p>'.encode("cp1252"))
    out = tmp_path / "out.html"
    assert main(["annotate", str(src), "-o", str(out), "--output-encoding", "utf-8"]) == 0
    text = out.read_bytes().decode("utf-8")  # UTF-8 now, as asked
    assert "l\u2019<span" in text and 'role="tooltip"' in text
    assert main(["annotate", str(src), "--output-encoding", "klingon"]) == 2
