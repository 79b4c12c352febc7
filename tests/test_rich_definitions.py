"""Opt-in inline HTML in definitions: a safe subset, cleaned by nh3; plain text otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from glossator import Annotator, Glossary, annotate, render
from glossator.cli import main
from glossator.documents.html import annotate_html

HOSTILE = (
    'Voir <em>la loi</em> de <strong>2014</strong>, <a href="https://www.legifrance.gouv.fr/x">'
    'Légifrance</a> ou <a href="mailto:contact@ess.fr">écrire</a>. '
    '<script>alert(1)</script><img src=x onerror=alert(2)>'
    '<a href="javascript:alert(3)" onclick="alert(4)">piège</a> <b>gras</b> <i>it</i>'
)
GLOSSARY = Glossary.from_dicts([{"term": "ESS", "definition": HOSTILE}])


def tags_and_attributes(html: str) -> tuple[set[str], set[str]]:
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html))
    attributes = set(re.findall(r"\s([a-zA-Z-]+)=", " ".join(re.findall(r"<[^>]+>", html))))
    return tags, attributes


def test_plain_text_by_default() -> None:
    html = render(annotate("l’ESS", GLOSSARY), "html")
    assert "&lt;em&gt;la loi&lt;/em&gt;" in html
    assert "<em>" not in html and "<script" not in html


def test_rich_definitions_keep_only_the_safe_subset() -> None:
    html = render(annotate("l’ESS", GLOSSARY), "html", rich_definitions=True)
    assert "<em>la loi</em>" in html and "<strong>2014</strong>" in html
    assert 'href="https://www.legifrance.gouv.fr/x"' in html
    assert 'href="mailto:contact@ess.fr"' in html
    tags, attributes = tags_and_attributes(html)
    assert tags <= {"p", "span", "em", "strong", "a"}
    assert attributes <= {"class", "data-glossator-entry", "tabindex", "aria-describedby",
                          "role", "id", "href", "rel"}
    assert "javascript:" not in html and "alert(1)" not in html and "onerror" not in html
    assert ">piège</a>" in html and "gras" in html  # text of removed tags is kept


def test_abbr_preset_keeps_text_only() -> None:
    html = render(annotate("ESS", GLOSSARY), "html", markup="abbr", rich_definitions=True)
    title = re.search(r'title="([^"]*)"', html)
    assert title is not None and "<" not in title.group(1) and "la loi" in title.group(1)


def test_html_documents_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = annotate_html("<p>l’ESS</p>", Annotator(GLOSSARY), rich_definitions=True)
    assert "<em>la loi</em>" in page and "<script" not in page
    glossary = tmp_path / "g.yaml"
    glossary.write_text("- term: ESS\n  definition: 'La <em>loi</em> <script>x</script>'\n",
                        encoding="utf-8")
    text = tmp_path / "t.txt"
    text.write_text("l’ESS\n", encoding="utf-8")
    assert main(["annotate", str(text), "-g", str(glossary), "-q", "-f", "html",
                 "--rich-definitions"]) == 0
    out = capsys.readouterr().out
    assert "La <em>loi</em>" in out and "<script" not in out
    assert main(["annotate", str(text), "-g", str(glossary), "-q", "-f", "text",
                 "--rich-definitions"]) == 2
