"""``annotate --refresh`` (``refresh=True``): glossator's own annotations taken off a page
exactly, so that a page annotated earlier shows a changed glossary (issue: a definition
edited in the glossary stayed stale in every page annotated before, since terms annotated
already are left alone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glossator
from glossator.documents.html import annotate_html, unwrap
from support.cli import RunCli
from support.markup import terms
from support.pages import PAGE, html_st

ENTRIES = [
    {"term": "ESS", "definition": "Économie *sociale* & <em>solidaire</em>, dite « ESS ».",
     "title": "Économie sociale et solidaire", "source": "Loi n° 2014-856 <art. 1>",
     "url": "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296"},
    {"term": "PTCE", "definition": 'Pôle <a href="https://x.fr/">territorial</a> "ptce".',
     "url": "https://example.org/ptce"},
    {"term": "coopérative", "definition": "Entreprise détenue par ses membres.",
     "source": "Code"},
    {"term": "économie sociale et solidaire", "id": "ess-long",
     "definition": "Ensemble d’entreprises à but non lucratif & solidaires."},
]
GLOSSARY = glossator.Glossary.from_dicts(ENTRIES)
ALL = glossator.Annotator(GLOSSARY, occurrences="all")
#: every way a preset writes a wrap: markup, rich definitions, a link to the index
STYLES = [{"markup": m, "rich_definitions": r, "link_to": link}
          for m in ("glossator", "spip", "abbr") for r in (False, True)
          for link in (None, "glossaire.html")]


@pytest.mark.parametrize("style", STYLES, ids=lambda s: "-".join(map(str, s.values())))
def test_unwrap_gives_the_page_back_and_refresh_changes_nothing(style: dict[str, object],
                                                                ) -> None:
    out = annotate_html(PAGE, ALL, **style)  # type: ignore[arg-type]
    assert out != PAGE
    back, count = unwrap(out)
    assert back == PAGE
    assert count == out.count("data-glossator-entry=")
    assert annotate_html(out, ALL, refresh=True, **style) == out  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_st, st.sampled_from(STYLES))
def test_generated_pages_unwrap_to_themselves(html: str, style: dict[str, object]) -> None:
    out = annotate_html(html, ALL, **style)  # type: ignore[arg-type]
    assert unwrap(out)[0] == html
    assert annotate_html(out, ALL, refresh=True, **style) == out  # type: ignore[arg-type]


def test_a_changed_definition_a_removed_entry_and_other_options_show() -> None:
    before = annotate_html(PAGE, ALL)
    edited = [dict(e) for e in ENTRIES if e["term"] != "PTCE"]
    edited[0]["definition"] = "Une définition revue."
    after = glossator.Annotator(glossator.Glossary.from_dicts(edited))
    refreshed = annotate_html(before, after, refresh=True)
    assert refreshed == annotate_html(PAGE, after)
    assert "Une définition revue." in refreshed and "PTCE" not in terms(refreshed)
    assert "dite « ESS »" not in refreshed
    # without refresh, the page keeps what it had: the earlier wraps are left alone
    assert annotate_html(before, after) == before
    # another preset: the spip wraps go, glossator's come
    spip = annotate_html(PAGE, ALL, markup="spip")
    assert annotate_html(spip, ALL, refresh=True) == annotate_html(PAGE, ALL)


def test_what_is_not_exactly_a_wrap_stays() -> None:
    out = annotate_html("<p>Le Labo de l’ESS et les PTCE.</p>", ALL)
    # a tooltip edited by hand into other markup: kept, and still not wrapped again
    edited = out.replace('<span class="glossator-definition">',
                         '<span class="glossator-definition"><b>Vu :</b> ', 1)
    back, count = unwrap(edited)
    assert count == 1 and "<b>Vu :</b>" in back
    assert annotate_html(edited, ALL, refresh=True).count("<b>Vu :</b>") == 1
    # another tool's markup, and text that only looks like glossator's
    other = ('<p><a class="cs_glossaire"><span class="gl_mot">ESS</span></a> '
             "&lt;span class=&quot;glossator&quot; data-glossator-entry=&quot;x&quot;&gt;</p>")
    assert unwrap(other) == (other, 0)
    # a wrap written as text where markup is not read: a script's string, a comment, an
    # attribute's value, a textarea
    wrap = out[out.index("<span"):out.index(" et les")]
    for where in (f"<script>var t = '{wrap}';</script>", f"<!-- {wrap} -->",
                  f"<img alt='{wrap}'>", f"<textarea>{wrap}</textarea>"):
        page = f"<p>a</p>{where}<p>b</p>"
        assert unwrap(page) == (page, 0), where
    assert unwrap(f"<p>{wrap}</p>") == ("<p>ESS</p>", 1)


def test_markup_soup_is_kept() -> None:
    for soup in ['<span class="glossator" data-glossator-entry="e">', "<<<>>>",
                 '<span class="glossator" data-glossator-entry="e"><span class="glossator'
                 '-term" tabindex="0" aria-describedby="g">ESS' + "x" * 10_000]:
        assert unwrap(soup) == (soup, 0)


def test_cli_refresh_in_place_brings_pages_up_to_date(tmp_path: Path, cli: RunCli) -> None:
    page = tmp_path / "site" / "p.html"
    page.parent.mkdir()
    page.write_text("<!doctype html><html lang=fr><head><title>t</title></head><body>"
                    "<p>Le Labo de l’ESS.</p></body></html>\n", encoding="utf-8")
    glossary = tmp_path / "g.csv"
    glossary.write_text("term,definition\nESS,Ancienne définition.\n", encoding="utf-8")
    args = ["annotate", str(page.parent), "-g", str(glossary), "--in-place"]
    assert cli(*args).code == 0
    glossary.write_text("term,definition\nESS,Nouvelle définition.\n", encoding="utf-8")
    stale = cli(*args)
    assert stale.code == 0 and "Ancienne" in page.read_text(encoding="utf-8")
    fresh = cli(*args, "--refresh")
    assert fresh.code == 0, fresh.err
    text = page.read_text(encoding="utf-8")
    assert "Nouvelle définition." in text and "Ancienne" not in text
    assert text.count('class="glossator"') == 1 and text.count("glossator.css") == 1
    # nothing changed since: the same bytes, and the file is not written again
    inode = os.stat(page).st_ino
    assert cli(*args, "--refresh").code == 0
    assert page.read_text(encoding="utf-8") == text and os.stat(page).st_ino == inode


def test_cli_refresh_goes_with_html_input(cli: RunCli) -> None:
    done = cli("annotate", "-", "--refresh", stdin="l’ESS".encode())
    assert done.code == 2
    assert "--refresh goes with HTML input" in done.err


def test_recorded_matches_are_where_the_page_given_has_them() -> None:
    """What ``explain --refresh`` and the service's ``matches`` show: each match's span
    in the page as it was sent, not in the page unwrapped."""
    from glossator.documents.html import recording

    page = annotate_html("<p>Le Labo de l’ESS et les PTCE, une coopérative.</p>", ALL,
                         markup="spip", link_to="g.html")
    with recording() as found:
        annotate_html(page, ALL, refresh=True)
    assert [page[m.start:m.end] for m in found] == ["ESS", "PTCE", "coopérative"]
    assert [m.reason for m in found] == ["", "", ""]


# -- what a review found (session 13): each of these changed a page, or left it stale ----

G1 = glossator.Glossary.from_dicts([
    {"term": "ESS", "definition": "Ancienne.", "source": "Loi 2014",
     "url": "https://example.org/ess"},
    {"term": "tiers-lieu", "definition": "Espace partagé."}])
G2 = glossator.Glossary.from_dicts([{"term": "ESS", "definition": "Nouvelle."}])
A1, A2 = glossator.Annotator(G1), glossator.Annotator(G2)


@pytest.mark.parametrize("page", [
    # an apostrophe in an unquoted attribute value is no quote
    "<p><img alt=l'ESS src=a.png> Une ESS, un tiers-lieu.</p><p>Note de l'auteur.</p>",
    # <!--> is a whole (empty) comment
    "<p>Texte <!--> sur l&#39;ESS et le tiers-lieu.</p><p>Une ESS.</p>",
    # a term wrapped with a long inline element around it
    '<p><em title="' + "a" * 5000 + '">tiers-lieu</em> et ESS.</p>',
    # after a CDATA section of SVG holding '>'
    "<svg><desc><![CDATA[ a>b ]]></desc></svg><p>ESS et tiers-lieu.</p>",
])
def test_refreshing_gives_what_annotating_the_page_gives(page: str) -> None:
    before = annotate_html(page, A1)
    assert unwrap(before)[0] == page
    assert annotate_html(before, A2, refresh=True) == annotate_html(page, A2)


def test_refresh_never_joins_text_into_a_tag() -> None:
    """A '<' of the text right before a wrap, and a term that starts like a tag name:
    taking the wrap off would make a live <img onerror>. glossator never writes that, so
    it is left as it is."""
    wrap = annotate_html("<p>ESS</p>", A1)[3:-4]
    for page in (f"<p>Texte <{wrap.replace('>ESS<', '>img<')} src=x onerror=alert(1)> ESS.</p>",
                 f"<p>x {wrap.replace('>ESS<', '>a<<')}img src=x onerror=alert(1)> ESS</p>"):
        assert "<img" not in page
        assert unwrap(page) == (page, 0)
        assert "<img" not in annotate_html(page, A2, refresh=True)


def test_wraps_where_glossator_does_not_annotate_stay() -> None:
    """In a skipped element (a heading, pre, .noglossary), a CDATA section of SVG or
    outside --root, a wrap is none of this run's: it stays, as the annotation leaves it."""
    wrap = annotate_html("<p>ESS</p>", A1)[3:-4]
    for page in (f"<h2>{wrap}</h2><p>Une ESS.</p>", f"<pre>{wrap}</pre>",
                 f'<div class="noglossary">{wrap}</div>',
                 f"<svg><desc><![CDATA[ a>b {wrap} ]]></desc></svg>"):
        assert unwrap(page) == (page, 0), page
    page = f"<main><p>{wrap}</p></main><aside><p>{wrap}</p></aside>"
    assert unwrap(page, root="aside")[1] == 1
    assert unwrap(page, root="aside")[0].startswith(f"<main><p>{wrap}</p></main>")


def test_a_page_written_in_ascii_is_refreshed_too() -> None:
    """A page whose encoding has no U+00A0 has the tooltip's 'Source :' with &#160;."""
    page = "<p>Une ESS.</p>"
    ascii_page = annotate_html(page, A1).replace("\u00a0", "&#160;")
    assert "Source&#160;:" in ascii_page
    assert unwrap(ascii_page)[0] == page
    assert unwrap(ascii_page.replace("&#160;", "&nbsp;"))[0] == page


def test_cli_refresh_takes_the_assets_off_and_adds_them_as_asked(tmp_path: Path,
                                                                 cli: RunCli) -> None:
    page = tmp_path / "p.html"
    page.write_text("<!doctype html>\n<html lang=fr>\n  <head>\n    <title>t</title>\n"
                    "  </head>\n  <body><p>Une ESS.</p></body>\n</html>\n", encoding="utf-8")
    g1, g3 = tmp_path / "g1.csv", tmp_path / "g3.csv"
    g1.write_text("term,definition\nESS,Économie sociale.\n", encoding="utf-8")
    g3.write_text("term,definition\nzzzz,Rien.\n", encoding="utf-8")

    def run(src: Path, out: str, *options: str) -> str:
        assert cli("annotate", str(src), "-o", str(tmp_path / out), "-q", *options).code == 0
        return (tmp_path / out).read_text(encoding="utf-8")

    linked = run(page, "a.html", "-g", str(g1))
    assert '    <link rel="stylesheet" href="glossator.css">\n' in linked
    # nothing annotated any more: no stylesheet nor script left behind
    assert run(tmp_path / "a.html", "b.html", "-g", str(g3), "--refresh") == run(
        page, "c.html", "-g", str(g3))
    # inline before, link now: the <style> goes, the link comes
    inline = run(page, "d.html", "-g", str(g1), "--assets", "inline")
    assert "<style>" in inline
    assert run(tmp_path / "d.html", "e.html", "-g", str(g1), "--refresh") == linked


def test_a_preset_registered_after_a_first_refresh_is_taken_off_too() -> None:
    from glossator.render.html import MARKUP_PRESETS, MarkupPreset, register_markup

    page = "<p>Une ESS.</p>"
    assert unwrap(annotate_html(page, A1)) == (page, 1)  # the shapes learnt once here
    box = MarkupPreset("box-test", lambda t: (
        f'<b class="gl-box" data-glossator-entry="{t.entry_id}" title="{t.title}">', "</b>"),
        "b.gl-box")
    register_markup(box)
    try:
        out = annotate_html(page, A1, markup="box-test")
        assert 'class="gl-box"' in out
        assert unwrap(out) == (page, 1)
    finally:
        MARKUP_PRESETS.pop("box-test", None)
