"""Real saved HTML pages, annotated in place: removing glossator's markup gives back the
input byte for byte, with every preset, and from the command line.

The pages (``tests/data/pages/``, see the README there) are French documentation as its
projects publish it: a Sphinx page with scripts, a sidebar and a search form; a DocBook
chapter of 320 KiB with navigation tables, no-break spaces and typographic apostrophes; a
LibreOffice help page with a dozen scripts, menus, a ``<base>``, a ``<noscript>`` in the
head, inline handlers and bookmarks. They are stored gzipped, so that no editor or git
setting can change a byte of them.
"""

from __future__ import annotations

import gzip
import hashlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

import glossator
from glossator.documents.html import annotate_html
from glossator.render.html import MARKUPS
from support.cli import RunCli
from support.markup import annotated_terms, strip_markup

PAGES_DIR = Path(__file__).resolve().parent / "data" / "pages"
PAGES = sorted(PAGES_DIR.glob("*.html.gz"))
GLOSSARY = glossator.load_glossary(PAGES_DIR / "informatique.yaml")
ANNOTATORS = {
    ("informatique", "first"): glossator.Annotator(GLOSSARY),
    ("informatique", "all"): glossator.Annotator(GLOSSARY, occurrences="all"),
    ("bundled", "all"): glossator.Annotator(occurrences="all"),
}


def page_bytes(path: Path) -> bytes:
    """The page exactly as published."""
    return gzip.decompress(path.read_bytes())


def page_id(path: Path) -> str:
    return path.name.removesuffix(".html.gz")


def test_the_pages_are_the_published_ones() -> None:
    """Three pages, each listed in the folder's README with the SHA-256 of its bytes."""
    readme = (PAGES_DIR / "README.md").read_text(encoding="utf-8")
    assert len(PAGES) == 3
    for path in PAGES:
        data = page_bytes(path)
        assert path.name in readme
        assert hashlib.sha256(data).hexdigest() in readme, path.name
        assert len(data) > 100_000


@pytest.mark.parametrize("markup", MARKUPS)
@pytest.mark.parametrize(("glossary", "occurrences"), list(ANNOTATORS))
@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_real_pages_strip_back_to_the_input(
    path: Path, glossary: str, occurrences: str, markup: str
) -> None:
    html = page_bytes(path).decode("utf-8")
    annotator = ANNOTATORS[glossary, occurrences]
    out = annotate_html(html, annotator, markup=markup)
    found = annotated_terms(out, markup)
    if glossary == "informatique":  # the property is not vacuous
        assert len(found) >= (3 if occurrences == "first" else 150), len(found)
    assert strip_markup(out, markup) == html
    assert annotate_html(out, annotator, markup=markup) == out


#: Where a real page must get no markup: the default skips that these pages use.
NEVER_INSIDE = frozenset({"a", "script", "style", "title", "pre", "code", "h1", "h2", "h3",
                          "h4", "h5", "h6", "button", "noscript", "head", "textarea"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                  "meta", "source", "track", "wbr"})


class _Placement(HTMLParser):
    """Where each inserted term starts: the names of its open ancestors."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.placed: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if ("class", "glossator") in attrs:
            self.placed.append(tuple(self.stack))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_nothing_is_annotated_in_links_scripts_code_or_headings(path: Path) -> None:
    html = page_bytes(path).decode("utf-8")
    out = annotate_html(html, ANNOTATORS["informatique", "all"])
    parser = _Placement()
    parser.feed(out)
    parser.close()
    assert len(parser.placed) >= 150
    wrong = [p for p in parser.placed if NEVER_INSIDE & set(p)]
    assert not wrong, wrong[:5]
    # the menus of these pages are links: their words ("paquets", "Debian"…) stay as they are
    assert all("body" in p for p in parser.placed)


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_the_command_line_writes_the_page_back_byte_for_byte(cli: RunCli, path: Path) -> None:
    data = page_bytes(path)
    (Path.cwd() / "page.html").write_bytes(data)
    result = cli("annotate", "page.html", "-g", str(PAGES_DIR / "informatique.yaml"),
                 "--occurrences", "all", "-o", "out.html")
    assert result.code == 0, result.err
    written = (Path.cwd() / "out.html").read_bytes()
    assert written != data
    assert strip_markup(written.decode("utf-8"), "glossator").encode("utf-8") == data
