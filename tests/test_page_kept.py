"""Page mode chooses its matches in C as arrays (``glossator.kept.keep_columns``) and
splices the tooltips from them: the pages it writes are byte for byte those of the Python
path (``Annotator.select``), which ``documents.html.recording()`` (what ``explain`` reads)
still takes."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import Annotator, Glossary, kept, load_glossary
from glossator.documents import html as html_module
from glossator.documents.html import annotate_html, recording
from glossator.documents.tally import counting
from glossator.matching.native import ACCELERATOR

pytestmark = pytest.mark.skipif(
    ACCELERATOR is None or getattr(ACCELERATOR, "keep", None) is None,
    reason="the C scanner is not built (pip install -e . builds it)")

PAGES_DIR = Path(__file__).resolve().parent / "data" / "pages"
PAGES = sorted(PAGES_DIR.glob("*.html.gz"))
INFORMATIQUE = load_glossary(PAGES_DIR / "informatique.yaml")

ENTRIES: list[dict[str, Any]] = [
    {"term": "ESS", "definition": "Économie sociale et solidaire."},
    {"term": "économie sociale et solidaire", "definition": "Une économie <b>sociale</b>.",
     "aliases": ["économie sociale"]},
    {"term": "SCOP", "definition": "Société coopérative et participative.",
     "max_occurrences": 2},
    {"term": "coopérative", "definition": "Entreprise des associés.",
     "not_in": ["coopérative d'habitants"]},
    {"term": "CAE", "definition": "Coopérative d'activité et d'emploi."},
    {"term": "CAE", "definition": "Contrat d'accompagnement dans l'emploi.", "id": "cae-2",
     "tags": ["emploi"], "not_in": ["la CAE du coin"]},
    {"term": "DES", "definition": "Diplôme d'études spécialisées.", "tags": ["santé"]},
    {"term": "DES", "definition": "Dépôt électronique sécurisé.", "id": "des-2",
     "tags": ["numérique"]},
    {"term": "tiers-lieu", "definition": "Un lieu.", "url": "https://example.org/t"},
    # the characters a template is cut with, in the glossary's text
    {"term": "PUA", "definition": "Avant \ue000glossator-page-tip-1\ue001 après \ue000.",
     "title": "\ue000glossator-page-tip-2\ue001"},
]
GLOSSARY = Glossary.from_dicts(ENTRIES)
PLAIN = Glossary.from_dicts([e for e in ENTRIES if "id" not in e])

# pieces of pages: terms, terms cut by inline formatting, character references, links,
# code, headings, existing tooltips, elements that name their domain
PIECES = [
    "ESS", "l’ESS", "d'ESS", "économie sociale", "économie <em>sociale</em> et solidaire",
    "<b>économie sociale</b> et solidaire", "SCOP", "Scop", "SCOPs", "coopérative",
    "coopérative d'habitants", "CAE", "la CAE du coin", "Contrat d'accompagnement dans "
    "l'emploi (CAE)", "DES", "des", "D<i>ES</i>", "tiers-lieu", "tiers&#8209;lieu",
    "&Eacute;conomie sociale", "&eacute;conomie sociale", "SC&amp;OP", "le", "et", ",",
    "<p>", "</p>", "<em>", "</em>", "<br>", "\n\n", "<h2>ESS</h2>", "<a href='x'>ESS</a>",
    "<code>SCOP</code>", '<span class="glossator-term">CAE</span>',
    '<div data-glossator-domain="numérique">DES</div>',
    '<section data-glossator-domain="santé">', "</section>", "<!-- ESS -->", "PUA",
]
pages = st.lists(st.sampled_from(PIECES), max_size=50).map(" ".join)


def _python_path(page: str, annotator: Annotator, **options: Any) -> str:
    """The page as the Python path writes it (a recording forces that path), each
    tooltip rendered by ``tooltip_parts_reused`` (no preset is taken for a built-in one,
    so page mode keeps no template of its own)."""
    with recording(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(html_module, "_BUILT_IN_WRAPS", frozenset())
        return annotate_html(page, annotator, **options)


@settings(max_examples=200, deadline=None)
@given(page=pages, occurrences=st.sampled_from(["first", "section", "all"]),
       cap=st.sampled_from([None, 1, 2]), senses=st.sampled_from(["all", "skip", "first"]),
       markup=st.sampled_from(["glossator", "spip", "abbr"]),
       domains=st.sampled_from([(), ("emploi",), ("santé",)]))
def test_pages_kept_in_c_are_those_of_the_python_path(
        page: str, occurrences: str, cap: int | None, senses: str, markup: str,
        domains: tuple[str, ...]) -> None:
    a = Annotator(GLOSSARY, occurrences=occurrences, max_per_entry=cap, senses=senses)
    head = '<head><meta name="glossator-domain" content="emploi"></head>' if cap == 2 else ""
    assert annotate_html(head + page, a, markup=markup, domains=domains) == _python_path(
        head + page, a, markup=markup, domains=domains)


@settings(max_examples=60, deadline=None)
@given(page=pages, occurrences=st.sampled_from(["first", "all"]))
def test_the_tally_counts_the_same_tooltips(page: str, occurrences: str) -> None:
    a = Annotator(PLAIN, occurrences=occurrences)
    with counting() as fast:
        annotate_html(page, a)
    with counting() as slow:
        _python_path(page, a)
    assert fast == slow


def test_page_mode_takes_the_c_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = kept.keep_columns

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(kept, "keep_columns", spy)
    a = Annotator(GLOSSARY)
    page = "<p>L’ESS et la <em>SCOP</em>, la DES.</p>"
    assert annotate_html(page, a) == _python_path(page, a)
    assert calls == [1]  # once for annotate_html, never under recording()
    assert annotate_html(page, a).count('class="glossator-term"') == 3


@pytest.mark.parametrize(("occurrences", "cap"), [("first", None), ("all", None),
                                                  ("section", 2)])
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name.removesuffix(".html.gz"))
def test_real_pages_are_written_the_same(path: Path, occurrences: str,
                                         cap: int | None) -> None:
    page = gzip.decompress(path.read_bytes()).decode("utf-8")
    a = Annotator(INFORMATIQUE,
                  occurrences=occurrences, max_per_entry=cap)
    out = annotate_html(page, a, link_to="index.html")
    assert out == _python_path(page, a, link_to="index.html")
    assert out != page


@settings(max_examples=150, deadline=None)
@given(text=st.lists(st.sampled_from([*PIECES[:20], "la", "x"]), max_size=40).map(" ".join),
       cuts=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 30)), max_size=6))
def test_terms_across_formatting_replace_the_matches_they_overlap(
        text: str, cuts: list[tuple[int, int]]) -> None:
    """``_with_across`` gives the policies what the tuples of ``_placed`` give them."""
    a = Annotator(PLAIN)
    across: dict[tuple[int, int], tuple[int, bool, int, int, str]] = {}
    end = -1
    for start, length in sorted(cuts):  # disjoint spans, anywhere in the text
        if start > end and start + length <= len(text):
            across[(start, start + length)] = (start % 3, bool(length % 2), 0, 0, "")
            end = start + length
    spans = sorted(across)
    want = sorted([m for m in a.matcher.scan(text) if not html_module._overlaps(m, spans)]
                  + [(s, e, v, el) for (s, e), (v, el, _, _, _) in across.items()])
    got = html_module._with_across(a, text, across)
    assert list(got) == [x for s, e, v, el in want for x in (s, e, v * 2 + el)]


@pytest.mark.parametrize("existing", ["", '<p id="glossator-8">ESS</p>',
                                      '<p id="glossator-98">x</p>',
                                      '<p id="glossator-999999999">x</p>'])
def test_tooltip_numbers_written_in_c_count_on_from_the_page(existing: str) -> None:
    """The C splice numbers the tooltips after the highest id the page has, its digits
    growing as they go (9 → 10, 99 → 100): the numbers of the Python path."""
    page = existing + "".join(f"<p>{w}.</p>" for w in ["ESS", "SCOP", "CAE", "DES",
                                                       "tiers-lieu", "ESS"] * 3)
    a = Annotator(GLOSSARY, occurrences="all")
    out = annotate_html(page, a)
    assert out == _python_path(page, a)
    assert out.count('role="tooltip"') == 17 + existing.count("ESS")  # SCOP: twice


def test_tooltip_numbers_beyond_int64_are_written_by_python() -> None:
    page = '<p id="glossator-99999999999999999999">x</p><p>ESS et la SCOP.</p>'
    a = Annotator(GLOSSARY)
    out = annotate_html(page, a)
    assert out == _python_path(page, a)
    assert 'id="glossator-100000000000000000000"' in out


@settings(max_examples=80, deadline=None)
@given(page=pages)
def test_the_c_splice_writes_what_the_python_loop_writes(page: str) -> None:
    """``_splice_native`` against ``_wraps`` and ``_splice`` on the same kept columns."""
    a = Annotator(GLOSSARY, occurrences="all")
    scanner = html_module._Scanner(page, [html_module._selector(s)
                                          for s in html_module.DEFAULT_SKIP],
                                   None, "glossator-")
    scanner.scan()
    found = html_module._kept_columns(a, scanner, ())
    assert found is not None
    (starts, ends, entries), across, text, table = found
    style = ("glossator", False, None)
    native = html_module._splice_native(page, scanner, text, (starts, ends, entries),
                                        across, style, table)
    wraps = html_module._wraps(starts, ends, entries, across, scanner.runs, text)
    if native is None:  # a template rendered for each tooltip: left to the Python loop
        assert "PUA" in page
        return
    assert native == html_module._splice(page, wraps, scanner.max_id, scanner.id_prefix,
                                         style, table)


def test_page_templates_are_kept_with_the_matcher_s_entries_and_go_with_them() -> None:
    # they were kept for the process (16 entry tables, each holding its glossary's
    # entries): now with the entry table of the matcher's policy index, by style
    import gc
    import weakref

    glossary = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
    annotator = Annotator(glossary)
    first = annotate_html("<p>L'ESS et l’ESS.</p>", annotator, markup="spip")
    memo = kept.EntryIndex.of(annotator.matcher).entries.memo
    assert [key[0] for key in memo] == ["page templates"]
    assert annotate_html("<p>L'ESS et l’ESS.</p>", annotator, markup="spip") == first
    assert not hasattr(html_module, "_PAGE_TEMPLATES")
    gone = weakref.ref(glossary)
    del glossary, annotator, memo
    gc.collect()
    assert gone() is None


def test_an_entry_table_keeps_the_templates_of_eight_styles_at_most() -> None:
    # a service may give a link_to per request: each style beyond is made for its page
    annotator = Annotator(Glossary.from_dicts([{"term": "ESS", "definition": "É."}]))
    pages = [annotate_html("<p>L'ESS.</p>", annotator, link_to=f"i{n}.html")
             for n in range(12)]
    memo = kept.EntryIndex.of(annotator.matcher).entries.memo
    assert sum(1 for key in memo if key[0] == "page templates") == 8
    assert pages[11] == annotate_html("<p>L'ESS.</p>", annotator, link_to="i11.html")
    assert 'href="i11.html#glossaire-ess"' in pages[11]
