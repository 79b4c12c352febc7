"""The reference page: the example text and glossary, the seed it must give, the scraper.

``examples/labo-ess.txt`` annotated with ``examples/labo-ess.yaml`` gives back the page
scraped from the web (``tests/data/seed.txt``) exactly, in text and through HTML.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "labo-ess.txt"
EXAMPLE_GLOSSARY = ROOT / "examples" / "labo-ess.yaml"


def seed_text() -> str:
    """The scraped reference page: the committed copy, else the shared corpus's."""
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
        """The text read so far: one line per block, white space collapsed."""
        lines = (" ".join("".join(b).split()) for b in self.blocks)
        return "\n".join(line for line in lines if line)


def scrape(html: str) -> str:
    """The text of ``html`` as a crawler reads it (:class:`Scraper`)."""
    parser = Scraper()
    parser.feed(html)
    parser.close()
    return parser.text()
