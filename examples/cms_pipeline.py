"""A CMS or static-site step: annotate every HTML page of a folder in place of a copy.

    python examples/cms_pipeline.py examples/site out/

Each page is annotated with the bundled glossary (first occurrence per page); every byte
outside the inserted tooltips is kept, and the stylesheet is written next to the pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import glossator
from glossator.documents.html import annotate_html, sniff_encoding
from glossator.render.html import stylesheet


def main(source: str, target: str) -> None:
    """Annotate ``source/**/*.html`` into ``target``, keeping each page's encoding."""
    annotator = glossator.Annotator()  # compiled once, reused for every page
    out_root = Path(target)
    for page in sorted(Path(source).rglob("*.html")):
        data = page.read_bytes()
        encoding, bom = sniff_encoding(data)
        encoding = encoding or "utf-8"
        html = data[len(bom):].decode(encoding)
        annotated = annotate_html(html, annotator)
        out = out_root / page.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(bom + annotated.encode(encoding, errors="xmlcharrefreplace"))
        terms = annotated.count('role="tooltip"')
        print(f"{page} -> {out}: {terms} terms")
    (out_root / "glossator.css").write_text(stylesheet(), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
