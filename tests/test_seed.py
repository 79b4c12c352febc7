"""The reference page: the clean text plus two entries gives back the scraped seed exactly."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import glossator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "labo-ess.txt"
EXAMPLE_GLOSSARY = ROOT / "examples" / "labo-ess.yaml"


def seed_text() -> str:
    local = ROOT / "tests" / "data" / "seed.txt"
    if not local.exists():  # pragma: no cover - the copy is committed
        local = ROOT.parent / "shared" / "seed" / "000_bc771b06b1f0c5b8.txt"
    return local.read_text(encoding="utf-8")


class Scraper(HTMLParser):
    """Reads a page as a crawler does: text nodes in order, one line per block element."""

    BLOCKS = frozenset({"p", "div", "main", "body", "li", "h1", "h2", "h3", "section"})
    SKIP = frozenset({"style", "script", "title", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.blocks.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.blocks.append([])

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.blocks[-1].append(data)

    def text(self) -> str:
        lines = (" ".join("".join(b).split()) for b in self.blocks)
        return "\n".join(line for line in lines if line)


def scrape(html: str) -> str:
    parser = Scraper()
    parser.feed(html)
    parser.close()
    return parser.text()


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
