"""``glossator index``: the A–Z index of a glossary, as an HTML page or fragment, or Markdown.

The library side is :mod:`glossator.render.index`; the anchors it writes
(``glossaire-<id>``, :mod:`glossator.anchors`) are what ``glossator annotate --link-to``
points at.
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register", "run"]



def register(sub: Any) -> None:
    """Add the ``index`` sub-command to the ``argparse`` sub-parsers ``sub``."""
    from .common import glossary_options

    p: argparse.ArgumentParser = sub.add_parser(
        "index",
        help="write the A–Z index of a glossary (HTML or Markdown)",
        description="Write the glossary's entries in French alphabetical order under "
        "letter headings, with a jump bar and a stable anchor per entry "
        "(#glossaire-<id>, what 'annotate --link-to' links to). With no GLOSSARY, index "
        "the bundled glossary.",
        epilog="Exit codes: 0 ok, 1 bad glossary, 2 usage error.",
    )
    p.add_argument("glossaries", nargs="*", metavar="GLOSSARY",
                   help="glossary files, merged in order (a form defined differently "
                   "twice has both senses)")
    glossary_options(p)
    p.add_argument("-f", "--format", choices=("html", "markdown"),
                   help="html (default) or markdown; default markdown when -o ends in .md")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE instead of standard output")
    p.add_argument("--standalone", action="store_true",
                   help="html: a whole page (with its stylesheet) instead of a fragment")
    p.add_argument("--title", metavar="TEXT",
                   help="the page's title and h1 (html with --standalone; default: the "
                   "glossary's title or name), or a '#' heading on top (markdown)")
    p.add_argument("--heading-level", type=int, default=2, metavar="N",
                   help="level of the letter headings (default 2)")
    p.add_argument("--rich-definitions", action="store_true",
                   help="html: keep em, strong and links (http, https, mailto) in "
                   "definitions, cleaned by the nh3 sanitizer")
    p.add_argument("--backwards-accents", action="store_true",
                   help="compare accents from the end of the word, as traditional French "
                   "dictionaries and Canadian French do (cote, côte, coté, côté)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load the glossaries, render the index, write it."""
    from ..documents.read import kind_of
    from ..documents.write import check_targets, write_file
    from ..errors import UsageError
    from ..loaders import bundled_glossary_path
    from ..render.index import render_html, render_markdown
    from .common import EXIT_OK, load_glossaries, write_stdout

    if args.glossaries and args.glossary:
        raise UsageError("give the glossaries either as arguments or with -g, not both",
                         hint="e.g. 'glossator index a.yaml b.yaml'")
    if not 1 <= args.heading_level <= 6:
        raise UsageError("--heading-level must be between 1 and 6")
    paths = list(args.glossaries or args.glossary)
    fmt = args.format or ("markdown" if args.output and
                          kind_of(args.output) == "markdown" else "html")
    if fmt == "markdown":
        for flag, given in (("--standalone", args.standalone),
                            ("--rich-definitions", args.rich_definitions)):
            if given:
                raise UsageError(f"{flag} goes with --format html")
    elif args.title is not None and not args.standalone:
        raise UsageError("--title goes with --standalone (or --format markdown)",
                         hint="a fragment goes under a heading of your page")
    if args.output:
        sources = paths or [str(bundled_glossary_path())]
        check_targets([], [args.output], read=[(name, "glossary") for name in sources])
    glossary = load_glossaries(paths, args.glossary_format, args.strict, args.quiet,
                     args.glossary_encoding, verbose=args.verbose)
    if fmt == "html":
        body = render_html(glossary, standalone=args.standalone, title=args.title,
                           heading_level=args.heading_level,
                           rich_definitions=args.rich_definitions,
                           backwards_accents=args.backwards_accents)
    else:
        body = render_markdown(glossary, title=args.title, heading_level=args.heading_level,
                               backwards_accents=args.backwards_accents)
    if args.output:
        write_file(args.output, body)
    else:
        write_stdout(body)
    return EXIT_OK
