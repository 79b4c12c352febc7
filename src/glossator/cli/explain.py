"""``glossator explain``: each match, which entry and form, how, and its fate.

The fates are those ``annotate`` acts on: the same reader, the same path through the
document, and the reasons the policies and the page recorded
(:meth:`glossator.runner.DocumentJob.explain`).
"""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import UsageError
from ..plan import input_kinds
from .common import (
    EXIT_OK,
    annotator_for,
    cache_dir_for,
    display_options,
    glossary_options,
    html_input_options,
    load_glossaries,
    matching_options,
    note_stdin,
    write_stdout,
)

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``glossator explain`` to the sub-parsers."""
    exp = sub.add_parser(
        "explain",
        help="show each match, which entry and form it matched, how, and what the "
        "policies made of it",
        description="Show a person each match: where, which entry, which written form "
        "(a plural, an unaccented capital…), how it matched, and whether it is annotated.",
    )
    exp.add_argument("files", nargs="*", metavar="FILE",
                     help="text, Markdown or HTML files, or directories searched for them "
                     "('-': stdin); each is read as annotate reads it")
    glossary_options(exp)
    matching_options(exp)
    exp.add_argument("-f", "--format", choices=("table", "json"), default="table",
                     help="a table (default) or JSON lines")
    display_options(exp, "table width (default: 100)")
    html_input_options(exp)
    exp.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Explain the matches of each input (also ``annotate --explain``)."""
    from ..documents.read import DOCUMENT_SUFFIXES, expand_inputs
    from ..explain import render_explanations
    from ..runner import DocumentJob

    if args.width is not None and args.width < 40:
        raise UsageError("--width must be at least 40")
    names = [i.name for i in expand_inputs(list(args.files) or ["-"], DOCUMENT_SUFFIXES)]
    kinds = input_kinds(args, names)
    note_stdin(names)
    args.cache_dir = cache_dir_for(args)
    glossary = load_glossaries(args.glossary, args.glossary_format, args.strict, args.quiet,
                               args.glossary_encoding, args.cache_dir, verbose=args.verbose)
    job = DocumentJob(annotator_for(args, glossary), "html", encoding=args.encoding,
                      markup=getattr(args, "markup", None), skip=tuple(args.skip),
                      root=args.root, refresh=args.refresh,
                      link_to=getattr(args, "link_to", None))
    docs = [job.read(name, kind) for name, kind in zip(names, kinds, strict=True)]
    color = {"always": True, "never": False}.get(args.color)
    if color is None:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    fmt = getattr(args, "explain_format", None) or args.format
    if fmt not in ("table", "json"):
        fmt = "table"
    write_stdout("".join(render_explanations(job.explain(doc), source=doc.name, fmt=fmt,
                                             color=color, width=args.width)
                         for doc in docs))
    return EXIT_OK
