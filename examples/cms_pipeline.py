"""A CMS or static-site step: annotate every HTML page of a folder in place of a copy.

    python examples/cms_pipeline.py examples/site out/

Each page is annotated with the bundled glossary (first occurrence per page); every byte
outside the inserted tooltips is kept, except the two lines that link the stylesheet and
the script from the page's ``<head>``. Both files are written once, at the root of the
output, and each page reaches them by a relative path (``../glossator.css`` from a
subfolder).
"""

from __future__ import annotations

import sys
from pathlib import Path

import glossator
from glossator.documents.assets import add_assets, asset_files, asset_prefix
from glossator.documents.html import annotate_html, sniff_encoding


def main(source: str, target: str) -> None:
    """Annotate ``source/**/*.html`` into ``target``, keeping each page's encoding."""
    annotator = glossator.Annotator()  # compiled once, reused for every page
    out_root = Path(target)
    for page in sorted(Path(source).rglob("*.html")):
        data = page.read_bytes()
        encoding, bom = sniff_encoding(data)
        encoding = encoding or "utf-8"
        html = data[len(bom):].decode(encoding)
        out = out_root / page.relative_to(source)
        # the tooltips, then <link rel="stylesheet"> and <script defer src> in the head
        annotated = add_assets(annotate_html(html, annotator), "link",
                               asset_prefix(str(out_root), str(out)))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(bom + annotated.encode(encoding, errors="xmlcharrefreplace"))
        terms = annotated.count('role="tooltip"')
        print(f"{page} -> {out}: {terms} terms")
    for name, content in asset_files("link").items():  # glossator.css, glossator.js
        (out_root / name).write_text(content, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 3 or not Path(sys.argv[1]).is_dir():
        sys.exit(f"usage: python {sys.argv[0]} SOURCE_FOLDER TARGET_FOLDER (SOURCE_FOLDER: "
                 "a folder of .html pages, such as examples/site)")
    main(sys.argv[1], sys.argv[2])
