"""The reference page: the clean text plus two entries gives back the scraped seed exactly."""

from __future__ import annotations

import re

import pytest

import glossator
from support.seed import EXAMPLE, EXAMPLE_GLOSSARY, scrape, seed_text


@pytest.fixture(scope="module")
def doc() -> glossator.AnnotatedText:
    glossary = glossator.load_glossary(EXAMPLE_GLOSSARY)
    return glossator.annotate(EXAMPLE.read_text(encoding="utf-8"), glossary)


def test_example_is_the_seed_without_its_expansions() -> None:
    seed = seed_text()
    clean = EXAMPLE.read_text(encoding="utf-8")
    assert "l’ESS publiait" in clean and "des PTCE. Une" in clean
    assert len(clean) < len(seed)
    assert clean.count("\n") == seed.count("\n")


def test_text_format_reproduces_the_seed_byte_for_byte(doc: glossator.AnnotatedText) -> None:
    assert glossator.render(doc, "text") == seed_text().rstrip("\n")


def test_only_first_occurrences_are_annotated(doc: glossator.AnnotatedText) -> None:
    assert [a.surface for a in doc] == ["ESS", "PTCE"]
    text = doc.text
    assert text.count("ESS") > 1 and text.count("PTCE") > 1


def test_html_scrapes_to_the_seed(doc: glossator.AnnotatedText) -> None:
    html = glossator.render(doc, "html")
    assert scrape(html) == seed_text().rstrip("\n")


def test_standalone_page_scrapes_to_the_seed(doc: glossator.AnnotatedText) -> None:
    page = glossator.render(doc, "html", standalone=True)
    assert page.startswith("<!DOCTYPE html>")
    assert scrape(page) == seed_text().rstrip("\n")


def test_html_markup_is_accessible(doc: glossator.AnnotatedText) -> None:
    html = glossator.render(doc, "html")
    term_re = r'<span class="glossator-term" tabindex="0" aria-describedby="([^"]+)">'
    terms = re.findall(term_re, html)
    tips = re.findall(r'<span class="glossator-tip" role="tooltip" id="([^"]+)">', html)
    assert terms == tips == ["gl-1", "gl-2"]
    assert html.count("<p>") == doc.text.count("\n") + 1
