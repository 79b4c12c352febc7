"""The A–Z index (glossator index): French collation, anchors, HTML and Markdown output,
and annotate --link-to, which links annotated terms to the index."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import unicodedata
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

import glossator
from glossator.anchors import ANCHOR_PREFIX, check_link_to, entry_anchor, entry_href
from glossator.documents.html import annotate_html
from glossator.errors import UsageError
from glossator.render.index import (
    index_entries,
    render_html,
    render_index,
    render_markdown,
    sections,
)
from glossator.text.collation import initial, primary, sort_key
from support.cli import RunCli, WriteFile
from support.seed import EXAMPLE, EXAMPLE_GLOSSARY, scrape, seed_text

# -- collation -------------------------------------------------------------------------

#: The expected French order (CLDR ``fr``: accents compared from the start of the word).
TRICKY = [
    "1901", "35 heures",
    "ça", "cab", "caecum", "cæcum", "caïd", "ça va",
    "cote", "coté", "côte", "côté",
    "ecole", "École", "Économie", "élan", "ESS", "essai", "ESS France",
    "etat", "Etat", "ETAT", "État",
    "l’ESS",
    "oeil", "Oeil", "œil", "Œuvre",
    "tiers lieu", "tiers-lieu", "tierslieu",
    "zèbre",
]


def test_french_order_whatever_the_input_order() -> None:
    rng = random.Random(1901)
    for _ in range(20):
        words = TRICKY[:]
        rng.shuffle(words)
        assert sorted(words, key=sort_key) == TRICKY


@pytest.mark.parametrize(("a", "b"), [
    ("École", "ecole"), ("Œuvre", "oeuvre"), ("æ", "ae"), ("ça", "ca"), ("ÉTAT", "etat"),
    ("tiers-lieu", "tiers lieu"), ("tiers-lieu", "tierslieu"), ("l’ESS", "l'ess"),
    ("aujourd’hui", "aujourdhui"), ("Straße", "strasse"), ("ﬁn", "fin"),
    ("e\u0301cole", "école"),  # decomposed accent
])
def test_same_letters_at_the_primary_level(a: str, b: str) -> None:
    assert primary(a) == primary(b)
    if unicodedata.normalize("NFC", a) == b:
        assert sort_key(a) == sort_key(b)  # the same text, however it is encoded
    else:
        assert sort_key(a) != sort_key(b)  # yet never equal: the later levels decide


def test_accents_in_the_order_of_the_unicode_table() -> None:
    words = ["ë", "ê", "è", "é", "e"]
    assert sorted(words, key=sort_key) == ["e", "é", "è", "ê", "ë"]


def test_accents_then_case_then_punctuation() -> None:
    # an accent difference beats a case difference, which beats a punctuation difference
    assert sort_key("Etat") < sort_key("état")
    assert sort_key("etat") < sort_key("Etat")
    assert sort_key("tiers lieu") < sort_key("tiers-lieu") < sort_key("Tiers lieu")


def test_digits_before_letters_compared_digit_by_digit() -> None:
    assert sorted(["ACI", "1901", "10", "9", "zèbre"], key=sort_key) == [
        "10", "1901", "9", "ACI", "zèbre"]


def test_backwards_accents_are_the_traditional_order() -> None:
    words = ["côté", "cote", "coté", "côte"]
    assert sorted(words, key=sort_key) == ["cote", "coté", "côte", "côté"]
    backwards = sorted(words, key=lambda w: sort_key(w, backwards_accents=True))
    assert backwards == ["cote", "côte", "coté", "côté"]


@pytest.mark.parametrize(("word", "letter"), [
    ("École", "E"), ("état", "E"), ("Œuvre", "O"), ("œil", "O"), ("æther", "A"),
    ("ça", "C"), ("1901", "0–9"), ("« ESS »", "E"), ("l’ESS", "L"), ("αβ", ""), ("&", ""),
])
def test_initial(word: str, letter: str) -> None:
    assert initial(word) == letter


@given(st.lists(st.text(max_size=8), max_size=12, unique=True))
def test_order_is_total_and_independent_of_the_input(words: list[str]) -> None:
    words = list(dict.fromkeys(unicodedata.normalize("NFC", w) for w in words))
    once = sorted(words, key=sort_key)
    assert sorted(reversed(words), key=sort_key) == once
    assert len({sort_key(w) for w in words}) == len(words)


# -- the index: entries, sections, anchors -----------------------------------------------

def glossary_of(terms: list[str], **extra: dict[str, object]) -> glossator.Glossary:
    return glossator.Glossary.from_dicts(
        [{"term": t, "definition": f"Définition de {t}.", **extra.get(t, {})} for t in terms])


TERMS = ["Œuvre", "oeil", "Économie", "ecole", "ESS", "État", "etat", "tiers-lieu",
         "zèbre", "1901", "ça", "élan", "PTCE", "association"]


def test_sections_file_accented_words_and_ligatures_under_their_letter() -> None:
    parts = sections(glossary_of(TERMS))
    assert [(p.heading, p.anchor) for p in parts] == [
        ("0–9", "lettre-0-9"), ("A", "lettre-a"), ("C", "lettre-c"), ("E", "lettre-e"),
        ("O", "lettre-o"), ("P", "lettre-p"), ("T", "lettre-t"), ("Z", "lettre-z")]
    by_letter = {p.heading: [e.term for e in p.entries] for p in parts}
    assert by_letter["E"] == ["ecole", "Économie", "élan", "ESS", "etat", "État"]
    assert by_letter["O"] == ["oeil", "Œuvre"]


def test_other_scripts_and_symbols_go_last() -> None:
    parts = sections(glossary_of(["αβγ", "zèbre", "& Cie", "1901"]))
    assert [p.heading for p in parts] == ["0–9", "C", "Z", "Autres"]
    assert [e.term for e in parts[-1].entries] == ["αβγ"]
    assert [e.term for e in parts[1].entries] == ["& Cie"]


def test_entries_in_the_same_order_whatever_the_glossary_order() -> None:
    shuffled = TERMS[:]
    random.Random(7).shuffle(shuffled)
    assert [e.term for e in index_entries(glossary_of(TERMS))] == [
        e.term for e in index_entries(glossary_of(shuffled))]


def test_anchors_are_the_ids_with_a_prefix_unique_and_stable() -> None:
    glossary = glossary_of([*TERMS, "ÉTAT"])  # État, etat, ÉTAT: etat, etat-2, etat-3
    anchors = [entry_anchor(e.id) for e in glossary]
    assert len(set(anchors)) == len(anchors)
    assert entry_anchor("economie") == "glossaire-economie" == ANCHOR_PREFIX + "economie"
    # an id the Python API may build with a lone surrogate (the loaders refuse one) has
    # an anchor too, where it raised UnicodeEncodeError
    assert re.fullmatch(r"glossaire-a-b-[0-9a-f]{6}", entry_anchor("a\ud800b"))
    assert {"glossaire-etat", "glossaire-etat-2", "glossaire-etat-3"} <= set(anchors)
    html = render_html(glossary)
    assert sorted(re.findall(r'<dt id="([^"]+)"', html)) == sorted(anchors)
    assert render_html(glossary) == html
    # other entries added, definitions edited, order changed: the same anchors
    distinct = [t for t in TERMS if t != "etat"]
    edited = glossator.Glossary.from_dicts(
        [{"term": "coopérative", "definition": "Nouvelle."}]
        + [{"term": t, "definition": "Autre définition."} for t in reversed(distinct)])
    kept = {e.term: entry_anchor(e.id) for e in edited}
    for entry in glossary_of(distinct):
        assert kept[entry.term] == entry_anchor(entry.id)


def test_terms_with_the_same_slug_are_numbered_in_glossary_order() -> None:
    # the documented limit: État and etat share the slug 'etat', so the later one is
    # 'etat-2' — swap them and their anchors swap; an explicit id settles it
    first = {e.term: e.id for e in glossary_of(["État", "etat"])}
    swapped = {e.term: e.id for e in glossary_of(["etat", "État"])}
    assert first == {"État": "etat", "etat": "etat-2"}
    assert swapped == {"etat": "etat", "État": "etat-2"}


def test_explicit_ids_keep_their_anchor_through_a_renamed_term() -> None:
    before = glossator.Glossary.from_dicts([{"term": "ESS", "id": "ess", "definition": "a"}])
    after = glossator.Glossary.from_dicts(
        [{"term": "E.S.S.", "id": "ess", "definition": "b"}])
    assert 'id="glossaire-ess"' in render_html(before)
    assert 'id="glossaire-ess"' in render_html(after)


@pytest.mark.parametrize("ident", ["Loi 1901", "é", "a/b", 'x" onclick="y', "ESS#1"])
def test_unusual_ids_become_safe_distinct_anchors(ident: str) -> None:
    anchor = entry_anchor(ident)
    assert re.fullmatch(r"glossaire-[a-z0-9-]+-[0-9a-f]{6}", anchor)
    assert anchor == entry_anchor(ident)
    assert anchor != entry_anchor(ident + " ")
    assert entry_anchor(ident.lower()) != anchor or ident == ident.lower()


def test_an_entry_superseded_by_a_later_one_is_left_out() -> None:
    glossary = glossator.Glossary.from_dicts([
        {"term": "ESS", "definition": "Ancienne."},
        {"term": "CAE", "aliases": ["coopérative d'activité"], "definition": "garde son alias"},
        {"term": "ESS", "definition": "ancienne"},  # the same definition: a duplicate
        {"term": "CAE", "definition": "nouvelle CAE"},  # another definition: a sense
    ])
    kept = [(e.term, e.definition) for e in index_entries(glossary)]
    assert ("ESS", "Ancienne.") not in kept and ("ESS", "ancienne") in kept
    assert ("CAE", "garde son alias") in kept and ("CAE", "nouvelle CAE") in kept


# -- HTML --------------------------------------------------------------------------------

_VOID = {"meta", "link", "br", "img", "hr", "input"}


class Checker(HTMLParser):
    """A strict reading of glossator's output: every element closed in order, ids unique,
    no link inside a link, no ``dt``/``dd`` outside a ``dl``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"] or "")
        if tag == "a":
            assert "a" not in self.stack, "a link inside a link"
            if a.get("href") is not None:
                self.hrefs.append(a["href"] or "")
        if tag in ("dt", "dd"):
            assert self.stack[-1:] == ["dl"], f"{tag} outside a dl"
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check(html: str) -> Checker:
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.stack == []
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    for href in checker.hrefs:
        if href.startswith("#"):
            assert href[1:] in checker.ids, f"{href} leads nowhere"
    return checker


def test_bundled_glossary_as_a_standalone_page() -> None:
    glossary = glossator.load_glossary()
    page = render_html(glossary, standalone=True)
    checker = check(page)
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"fr\">")
    headings = [t for t, _ in checker.tags if re.fullmatch(r"h[1-6]", t)]
    assert headings[0] == "h1" and headings.count("h1") == 1
    assert set(headings[1:]) == {"h2"}
    assert "<title>Glossaire — Économie sociale et solidaire</title>" in page
    assert [a.get("aria-label") for t, a in checker.tags if t == "nav"] == [
        "Index alphabétique"]
    assert sum(1 for t, _ in checker.tags if t == "dt") == len(glossary)
    # every entry can be reached by its anchor, every letter of the jump bar leads somewhere
    for entry in glossary:
        assert entry_anchor(entry.id) in checker.ids
    assert len([h for h in checker.hrefs if h.startswith("#lettre-")]) == len(
        sections(glossary))
    assert "glossator-index-letter" in page and ".glossator-index-nav" in page  # the CSS


def test_jump_bar_shows_the_alphabet_and_links_only_letters_present() -> None:
    html = render_html(glossary_of(["ESS", "zèbre", "1901"]))
    nav = html[html.index("<nav"):html.index("</nav>")]
    assert re.findall(r'<a href="#([^"]+)">', nav) == ["lettre-0-9", "lettre-e", "lettre-z"]
    assert '<li class="glossator-index-empty" aria-hidden="true">B</li>' in nav
    assert nav.count("<li") == 1 + 26


def test_entry_markup() -> None:
    glossary = glossator.Glossary.from_dicts([{
        "term": "ESS", "title": "Économie sociale et solidaire", "aliases": ["E.S.S."],
        "definition": "Mode d'entreprendre.", "source": "Loi n° 2014-856",
        "url": "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296",
        "tags": ["sigle", "loi"]}])
    html = render_html(glossary)
    assert (
        '<dt id="glossaire-ess"><dfn>ESS</dfn></dt>\n<dd>\n'
        '<p class="glossator-index-title">Économie sociale et solidaire</p>\n'
        '<p class="glossator-index-aliases">Aussi\u00a0: E.S.S.</p>\n'
        '<p class="glossator-index-definition">Mode d&#x27;entreprendre.</p>\n'
        '<p class="glossator-index-source">Source\u00a0: <a href="https://www.legifrance.'
        'gouv.fr/loda/id/JORFTEXT000029313296">Loi n° 2014-856</a></p>\n'
        '<p class="glossator-index-tags">Étiquettes\u00a0: sigle, loi</p>\n</dd>') in html
    assert html.startswith('<div class="glossator-index" lang="fr" data-glossator="off">')


HOSTILE = glossator.Glossary.from_dicts([{
    "term": "<b>ESS</b>", "title": '"><script>alert(1)</script>',
    "aliases": ["<img src=x onerror=alert(2)>"],
    "definition": '</dd></dl><script>alert(3)</script> & "guillemets" <a href="javascript:x">',
    "source": "<i>source</i>", "url": "javascript:alert(4)", "tags": ["<u>tag</u>"],
}, {
    "term": "ok", "definition": "d", "url": 'https://example.org/?a=1&b="2"',
}])


def test_hostile_glossary_text_is_escaped_in_html() -> None:
    html = render_html(HOSTILE, standalone=True, title="<script>t</script>")
    checker = check(html)
    assert {t for t, _ in checker.tags} <= {
        "html", "head", "meta", "title", "style", "body", "main", "h1", "div", "nav", "ul",
        "li", "a", "section", "h2", "dl", "dt", "dfn", "dd", "p"}
    assert not [a for t, a in checker.tags if any(k.startswith("on") for k in a)]
    assert "javascript:" not in "".join(checker.hrefs)
    assert 'href="https://example.org/?a=1&amp;b=&quot;2&quot;"' in html
    text = "".join(checker.text)
    assert "<script>alert(3)</script>" in text and "<b>ESS</b>" in text
    assert "Source\u00a0: <i>source</i>" in text  # the javascript: url is not linked
    unlinked = glossator.Glossary.from_dicts(
        [{"term": "ESS", "definition": "d", "url": "javascript:alert(4)"}])
    assert "Source\u00a0: javascript:alert(4)</p>" in render_html(unlinked)


def test_rich_definitions_reuse_the_tooltip_sanitizer() -> None:
    glossary = glossator.Glossary.from_dicts([{
        "term": "ESS", "definition": 'Voir <em>la loi</em> <a href="https://x.fr/">ici</a>'
        '<script>alert(1)</script><a href="javascript:y">piège</a>'}])
    html = render_html(glossary, rich_definitions=True)
    check(html)
    assert "<em>la loi</em>" in html and '<a href="https://x.fr/"' in html
    assert "script" not in html and "javascript" not in html
    assert "&lt;em&gt;" in render_html(glossary)


def test_titles_and_options() -> None:
    glossary = glossary_of(["ESS"])
    assert "<h1>Lexique</h1>" in render_html(glossary, standalone=True, title="Lexique")
    assert "<title>Glossaire</title>" in render_html(glossary, standalone=True)
    assert '<h3 id="lettre-e">' in render_html(glossary, heading_level=3)
    with pytest.raises(UsageError):
        render_html(glossary, title="Lexique")  # a fragment has no title
    with pytest.raises(UsageError):
        render_html(glossary, heading_level=7)
    with pytest.raises(UsageError):
        render_index(glossary, "pdf")
    assert render_index(glossary, "markdown") == render_markdown(glossary)


# -- Markdown ----------------------------------------------------------------------------

def test_markdown_output() -> None:
    glossary = glossator.Glossary.from_dicts([
        {"term": "ESS", "title": "Économie sociale et solidaire", "aliases": ["E.S.S."],
         "definition": "Mode d'entreprendre *reconnu* [par la loi].",
         "url": "https://example.org/a b(c)", "source": "Loi [2014]", "tags": ["sigle"]},
        {"term": "Œuvre", "definition": "# pas un titre"},
    ])
    md = render_markdown(glossary, title="Lexique")
    assert md == (
        "<!-- glossator: A-Z index, not annotated -->\n\n"  # for the MkDocs plugin
        "# Lexique\n\n"
        "[E](#lettre-e) · [O](#lettre-o)\n\n"
        '## <a id="lettre-e"></a>E\n\n'
        '<a id="glossaire-ess"></a>**ESS** — Économie sociale et solidaire '
        "(aussi\u00a0: E.S.S.)\n\n"
        "Mode d'entreprendre \\*reconnu\\* \\[par la loi\\].\n\n"
        "Source\u00a0: [Loi \\[2014\\]](https://example.org/a%20b%28c%29) · "
        "Étiquettes\u00a0: sigle\n\n"
        '## <a id="lettre-o"></a>O\n\n'
        '<a id="glossaire-oeuvre"></a>**Œuvre**\n\n'
        "\\# pas un titre\n")


def test_markdown_renders_with_python_markdown_and_its_anchors_work() -> None:
    glossary = glossator.load_glossary()
    html = markdown.markdown(render_markdown(HOSTILE) + render_markdown(glossary))
    checker = Checker()
    checker.feed(html)
    assert not [t for t, _ in checker.tags if t in ("script", "img", "b", "u", "i")]
    for entry in glossary:
        assert f'<a id="{entry_anchor(entry.id)}"></a><strong>' in html
    for href in set(re.findall(r'href="#([^"]+)"', html)):
        assert f'id="{href}"' in html


@pytest.mark.parametrize("url", ['https://ex.org/?a=1&b="2"', "https://ex.org/l'ess (2)",
                                 "https://ex.org/a\\b<c>"])
def test_a_source_url_with_quotes_stays_whole_through_markdown(url: str) -> None:
    """``[…](https://ex.org/?a=1&b="2")``: Python-Markdown read ``"2"`` as the link's
    title and cut the href before it. Quotes are percent-encoded with the rest."""
    from markdown_it import MarkdownIt

    glossary = glossator.Glossary.from_dicts([{"term": "ESS", "definition": "Économie.",
                                               "url": url}])
    text = render_markdown(glossary)
    for html in (markdown.markdown(text), MarkdownIt().render(text)):
        hrefs = [unescape(h) for h in re.findall(r'href="([^"#][^"]*)"', html)]
        assert len(hrefs) == 1 and "title=" not in html, html
        assert re.sub("%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), hrefs[0]) == url


# -- annotate --link-to -------------------------------------------------------------------

LABO = glossator.load_glossary(EXAMPLE_GLOSSARY)


@pytest.fixture(scope="module")
def labo_doc() -> glossator.AnnotatedText:
    return glossator.annotate(EXAMPLE.read_text(encoding="utf-8"), LABO)


def test_link_to_makes_the_term_the_link(labo_doc: glossator.AnnotatedText) -> None:
    html = glossator.render(labo_doc, "html", link_to="index.html")
    assert ('<span class="glossator" data-glossator-entry="ess"><a class="glossator-term" '
            'href="index.html#glossaire-ess" aria-describedby="gl-1">ESS</a>'
            '<span class="glossator-tip" role="tooltip" id="gl-1"> ') in html
    assert "tabindex" not in html
    check(html)
    assert scrape(html) == seed_text().rstrip("\n")  # the link adds no text
    page = glossator.render(labo_doc, "html", link_to="index.html", standalone=True)
    assert scrape(page) == seed_text().rstrip("\n")


def test_every_link_lands_on_an_entry_of_the_index(labo_doc: glossator.AnnotatedText) -> None:
    index_ids = set(check(render_html(LABO)).ids)
    links = check(glossator.render(labo_doc, "html", link_to="glossaire.html")).hrefs
    assert len(links) == 2
    for href in links:
        page, _, fragment = href.partition("#")
        assert page == "glossaire.html" and fragment in index_ids


@pytest.mark.parametrize("markup", ["glossator", "spip", "abbr"])
def test_link_to_with_each_preset_is_valid_and_idempotent(markup: str) -> None:
    annotator = glossator.Annotator(LABO)
    source = ('<p>Le Labo de l’ESS et les PTCE ; <a href="/ess">l’ESS</a>. '
              "Encore l’ESS et les PTCE.</p>")
    once = annotate_html(source, annotator, markup=markup, link_to="index.html")
    checker = check(once)
    assert [h for h in checker.hrefs if h != "/ess"] == [
        "index.html#glossaire-ess", "index.html#glossaire-ptce"]
    assert annotate_html(once, annotator, markup=markup, link_to="index.html") == once
    assert "".join(checker.text).startswith("Le Labo de l’ESS")


def test_spip_link_is_named_by_its_term() -> None:
    annotator = glossator.Annotator(LABO)
    html = glossator.render(annotator.annotate("l’ESS"), "html", markup="spip",
                            link_to="index.html")
    assert html.startswith(
        '<p>l’<a class="cs_glossaire" data-glossator-entry="ess" '
        'href="index.html#glossaire-ess" aria-label="ESS" aria-describedby="gl-1">'
        '<span class="gl_mot">ESS</span><span class="gl_dl" role="tooltip" id="gl-1"> ')
    assert scrape(html) == glossator.render(annotator.annotate("l’ESS"), "text")


def test_spip_rich_definitions_never_nest_links() -> None:
    glossary = glossator.Glossary.from_dicts([{
        "term": "ESS", "definition": 'Voir <a href="https://x.fr/">la <em>loi</em></a>.'}])
    doc = glossator.annotate("l’ESS", glossary)
    for link_to in (None, "index.html"):
        html = glossator.render(doc, "html", markup="spip", rich_definitions=True,
                                link_to=link_to)
        check(html)
        assert "la <em>loi</em>" in html
    assert '<a href="https://x.fr/"' in glossator.render(doc, "html", rich_definitions=True)


def test_link_to_templates_and_refusals() -> None:
    assert entry_href("index.html", "ess") == "index.html#glossaire-ess"
    assert entry_href("/lexique/{id}.html", "ess") == "/lexique/ess.html"
    assert entry_href("g.html#mot-{id}", "Loi 1901") == "g.html#mot-Loi%201901"
    assert check_link_to("https://example.org/glossaire/") == "https://example.org/glossaire/"
    for bad in ("javascript:alert(1)", "data:text/html,x", "index.html#top", "", "a b",
                'x"y', "vbscript:x"):
        with pytest.raises(UsageError):
            check_link_to(bad)
    doc = glossator.annotate("l’ESS", LABO)
    with pytest.raises(UsageError):
        glossator.render(doc, "html", link_to="javascript:x")


def test_link_to_refusal_names_the_callers_option(tmp_path: Path) -> None:
    """The Python API names its parameter, the command line its option: a message naming
    ``--link-to`` sent a library user looking for a flag they never gave."""
    doc = glossator.annotate("l’ESS", LABO)
    for fmt in ("html", "markdown"):
        with pytest.raises(UsageError) as caught:
            glossator.render(doc, fmt, link_to="index.html#top")
        assert str(caught.value).startswith("link_to 'index.html#top' already has")
    page = tmp_path / "p.txt"
    page.write_text("l’ESS\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "glossator", "annotate", str(page),
                           "-f", "html", "--link-to", "javascript:x"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "--link-to 'javascript:x': only http, https" in done.stderr


def test_markdown_output_links_the_term(labo_doc: glossator.AnnotatedText) -> None:
    md = glossator.render(labo_doc, "markdown", link_to="index.html")
    assert "l’[ESS](index.html#glossaire-ess)[^ess]" in md
    assert "[PTCE](index.html#glossaire-ptce)[^ptce]" in md
    assert glossator.render(labo_doc, "markdown").count("](") == 0


def test_markdown_extension_link_to() -> None:
    html = markdown.markdown(
        "Le Labo de l’ESS et [l’ESS](https://ess.fr).",
        extensions=["glossator"],
        extension_configs={"glossator": {"glossary": str(EXAMPLE_GLOSSARY),
                                         "link_to": "../glossaire/"}})
    assert 'href="../glossaire/#glossaire-ess"' in html
    check(html)
    with pytest.raises(UsageError):
        markdown.markdown("x", extensions=["glossator"],
                          extension_configs={"glossator": {"link_to": "javascript:x"}})


def test_mkdocs_link_to_is_relative_to_the_site_root(tmp_path: Path) -> None:
    from support.mkdocs_site import inprocess_build, make_site

    glossary_md = render_markdown(LABO)
    cfg = make_site(tmp_path, {"glossary": "lexique.yaml", "link_to": "glossaire/"}, pages={
        "index.md": "# Accueil\n\nLe Labo de l’ESS.\n",
        "a/page.md": "# Page\n\nLes PTCE.\n",
        "glossaire.md": "---\nglossator: false\n---\n\n# Glossaire\n\n" + glossary_md,
    }, glossary=EXAMPLE_GLOSSARY.read_text(encoding="utf-8"))
    site = inprocess_build(cfg)
    assert 'href="glossaire/#glossaire-ess"' in (site / "index.html").read_text("utf-8")
    assert 'href="../../glossaire/#glossaire-ptce"' in (
        site / "a" / "page" / "index.html").read_text("utf-8")
    assert '<a id="glossaire-ptce"></a>' in (site / "glossaire" / "index.html").read_text(
        "utf-8")


# -- the command line --------------------------------------------------------------------

def test_cli_index_html_fragment_and_page(cli: RunCli, tmp_path: Path) -> None:
    result = cli("index")
    assert result.code == 0 and result.err == ""
    assert result.out == render_html(glossator.load_glossary())
    result = cli("index", str(EXAMPLE_GLOSSARY), "--standalone", "--title", "Lexique",
                 "-o", "lexique.html")
    assert result.code == 0 and result.out == ""
    page = (tmp_path / "lexique.html").read_text(encoding="utf-8")
    assert "<h1>Lexique</h1>" in page and 'id="glossaire-ptce"' in page
    check(page)


def test_cli_index_markdown(cli: RunCli, tmp_path: Path) -> None:
    assert cli("index", "-g", str(EXAMPLE_GLOSSARY), "-o", "lexique.md").code == 0
    assert (tmp_path / "lexique.md").read_text(encoding="utf-8") == render_markdown(LABO)
    result = cli("index", str(EXAMPLE_GLOSSARY), "-f", "markdown", "--title", "Lexique")
    assert result.out.startswith("<!-- glossator: A-Z index, not annotated -->\n\n"
                                 "# Lexique\n\n[E](#lettre-e) · [P](#lettre-p)\n")


def test_cli_index_backwards_accents(cli: RunCli, write: WriteFile) -> None:
    write("g.yaml", "".join(f"- term: {t}\n  definition: d\n" for t in
                            ["côté", "cote", "coté", "côte"]))
    forward = cli("index", "g.yaml", "-f", "markdown").out
    backwards = cli("index", "g.yaml", "-f", "markdown", "--backwards-accents").out

    def order(md: str) -> list[str]:
        return re.findall(r"\*\*(\w+)\*\*", md)

    assert order(forward) == ["cote", "coté", "côte", "côté"]
    assert order(backwards) == ["cote", "côte", "coté", "côté"]


@pytest.mark.parametrize(("argv", "code", "needle"), [
    (["index", "missing.yaml"], 1, "missing.yaml"),
    (["index", "bad.yaml"], 1, "bad.yaml:2"),
    (["index", "--title", "x"], 2, "--standalone"),
    (["index", "-f", "markdown", "--standalone"], 2, "--standalone goes with --format html"),
    (["index", "-f", "markdown", "--rich-definitions"], 2, "--rich-definitions"),
    (["index", "a.yaml", "-g", "a.yaml"], 2, "not both"),
    (["index", "--heading-level", "0"], 2, "--heading-level"),
    (["index", "-f", "pdf"], 2, "invalid choice"),
    (["index", "a.yaml", "-o", "a.yaml"], 2, "overwrite"),
    (["annotate", "t.txt", "--link-to", "index.html", "-f", "text"], 2, "--link-to"),
    (["annotate", "t.txt", "--link-to", "index.html"], 2, "-f html"),
    (["annotate", "t.txt", "--link-to", "javascript:alert(1)", "-f", "html"], 2, "http"),
    (["annotate", "t.txt", "--link-to", "index.html#top", "-f", "html"], 2, "{id}"),
    (["annotate", "t.txt", "--link-to", "index.html", "--explain"], 2, "--explain"),
])
def test_cli_errors(cli: RunCli, write: WriteFile, argv: list[str], code: int, needle: str) -> None:
    write("a.yaml", "- term: ESS\n  definition: d\n")
    write("bad.yaml", "- term: ESS\n  definition: a: b\n")
    write("t.txt", "l’ESS\n")
    result = cli(*argv)
    assert result.code == code, result.err
    assert needle in result.err and result.err.count("\n") == 1
    assert "Traceback" not in result.err


def test_cli_annotate_link_to(cli: RunCli, write: WriteFile) -> None:
    write("t.txt", "Le Labo de l’ESS.\n")
    write("p.html", "<p>Le Labo de l’ESS.</p>\n")
    write("d.md", "Le Labo de l’ESS.\n")
    glossary = ["-g", str(EXAMPLE_GLOSSARY)]
    html = cli("annotate", "t.txt", *glossary, "-f", "html", "--link-to", "index.html").out
    assert 'href="index.html#glossaire-ess"' in html
    spip = cli("annotate", "p.html", *glossary, "--markup", "spip", "--link-to", "/g/").out
    assert '<a class="cs_glossaire" data-glossator-entry="ess" href="/g/#glossaire-ess"' in spip
    md = cli("annotate", "t.txt", *glossary, "-f", "markdown", "--link-to", "index.html").out
    assert "l’[ESS](index.html#glossaire-ess)[^ess]" in md
    from_md = cli("annotate", "d.md", *glossary, "--link-to", "index.html").out
    assert 'href="index.html#glossaire-ess"' in from_md
    assert unescape(scrape(html)) == cli("annotate", "t.txt", *glossary, "-f", "text").out.strip()
