"""``glossator suggest PATH…``: harvest a draft glossary (acronyms and their long forms).

Files and directories (searched recursively for ``.txt``, ``.md``/``.markdown`` and
``.html``/``.htm``/``.xhtml`` files) or standard input (``-``) are read; HTML is reduced to
its text, Markdown loses its code. The library does the work
(:func:`glossator.suggest.suggest`); this module reads and writes.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["register", "run"]

def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``glossator suggest`` to the sub-parsers."""
    from .common import glossary_options

    p = sub.add_parser(
        "suggest",
        help="harvest a draft glossary from a corpus: acronyms with the long forms the "
        "text gives, and frequent acronyms it never spells out",
        description="Read French texts (files, directories searched for .txt, .md and "
        ".html files, or '-' for standard input) and write a draft glossary: each acronym "
        "whose long form the text writes out ('pôles territoriaux de coopération économique "
        "(PTCE)', 'PTCE (…)', 'PTCE, c'est-à-dire …', 'PTCE : …'), then the acronyms used "
        "at least --min-count times but never spelled out. Definitions are placeholders "
        "('À définir.') for a person to write.",
        epilog="Exit codes: 0 ok, 1 bad input, 2 usage error.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="text, Markdown or HTML files, or directories ('-': stdin)")
    glossary_options(p)
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the draft to FILE instead of standard output")
    p.add_argument("-f", "--format", choices=("yaml", "json"), default="yaml",
                   help="a draft glossary in YAML (default) or the suggestions in JSON")
    p.add_argument("--min-count", type=int, default=2, metavar="N",
                   help="list an acronym the text never spells out only if it occurs at "
                   "least N times (default: 2)")
    p.add_argument("--contexts", type=int, default=3, metavar="N",
                   help="example contexts per suggestion (default: 3)")
    p.add_argument("--encoding", default="utf-8",
                   help="encoding of the input files (default: utf-8; an HTML page's own "
                   "declaration wins)")
    p.set_defaults(run=run)


def _collect(paths: list[str]) -> list[tuple[str, str]]:
    """(name, kind) for each input: files as given, directories searched recursively."""
    from ..documents.read import expand_inputs, kind_of
    from .common import note_stdin

    inputs = [(i.name, kind_of(i.name)) for i in expand_inputs(paths or ["-"])]
    note_stdin([name for name, _ in inputs])
    return inputs



def run(args: argparse.Namespace) -> int:
    """Read the inputs, harvest, write the draft."""
    from ..documents.prose import prose
    from ..documents.read import read_document
    from ..documents.write import check_targets, write_file
    from ..errors import UsageError
    from ..suggest import render_json, render_yaml, suggest
    from .common import EXIT_OK, load_glossaries, say, write_stdout

    if args.min_count < 1:
        raise UsageError("--min-count must be at least 1")
    if args.contexts < 0:
        raise UsageError("--contexts must be 0 or more")
    glossary = (load_glossaries(args.glossary, args.glossary_format, args.strict, args.quiet,
                      args.glossary_encoding, verbose=args.verbose)
                if args.glossary else None)
    inputs = _collect(list(args.paths))
    if args.output:
        check_targets([n for n, _ in inputs if n != "-"], [args.output],
                      read=[(name, "glossary") for name in args.glossary])
    texts: dict[str, str] = {}
    for name, kind in inputs:
        doc = read_document(name, kind, args.encoding)
        texts[doc.name] = prose(doc)
    found = suggest(texts, glossary, min_count=args.min_count, max_contexts=args.contexts)
    if not found:  # (a draft of no entry is a glossary that check and annotate refuse)
        documents = f"{len(texts)} document{'s' if len(texts) != 1 else ''}"
        say("warning", f"no acronym found in {documents}"
            f"{' that the glossary does not define' if glossary is not None else ''}: "
            "nothing written (--min-count 1 counts an acronym met once)")
        return EXIT_OK
    render = render_json if args.format == "json" else render_yaml
    body = render(found, documents=len(texts))
    if args.output:
        write_file(args.output, body)
    else:
        write_stdout(body)
    if not args.quiet:
        pairs = sum(1 for s in found if s.kind == "pair")
        print(f"glossator: {pairs} acronym{'s' if pairs != 1 else ''} with a long form, "
              f"{len(found) - pairs} without, from {len(texts)} "
              f"document{'s' if len(texts) != 1 else ''}", file=sys.stderr)
    return EXIT_OK
