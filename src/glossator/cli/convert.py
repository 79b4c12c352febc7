"""``glossator convert IN OUT``: rewrite a glossary in another format.

The input format comes from IN's suffix or ``--from``; the output format from OUT's suffix
or ``--to``. ``-`` reads standard input or writes standard output. What the output format
cannot hold (a title in TBX, metadata in CSV) is named in a warning before it is dropped.
"""

from __future__ import annotations

import argparse
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..glossary import Glossary

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``convert`` command to the sub-parsers ``sub``."""
    from .common import glossary_encoding_option

    p = sub.add_parser(
        "convert",
        help="rewrite a glossary in another format (YAML, JSON, TOML, CSV, TSV, TBX, SKOS)",
        description="Read the glossary IN and write it to OUT in the format of OUT's suffix "
        "(or --to). '-' is standard input or output. Fields the output format cannot hold "
        "are named in a warning. The input file is never overwritten.",
        epilog="Formats: yaml, json, toml, csv, tsv, tbx, skos-ttl (or skos), skos-rdfxml. "
        "Exit codes: 0 ok, 1 bad input, 2 usage error.",
    )
    p.add_argument("input", metavar="IN", help="glossary to read ('-': standard input)")
    p.add_argument("output", metavar="OUT", help="file to write ('-': standard output)")
    p.add_argument("--from", "--glossary-format", dest="glossary_format", metavar="FORMAT",
                   help="format of IN whatever its suffix (needed for standard input)")
    p.add_argument("--to", metavar="FORMAT",
                   help="format of OUT whatever its suffix (needed for standard output)")
    glossary_encoding_option(p)
    p.add_argument("--strict", action="store_true",
                   help="stop on glossary warnings and on fields the output cannot hold")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print warnings")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Convert ``args.input`` to ``args.output``."""
    from ..documents.write import write_file
    from ..errors import GlossaryError, UsageError
    from ..loaders import MAX_GLOSSARY_BYTES, parse_glossary, read_glossary
    from ..model import GlossaryProblems
    from ..writers import dump_glossary, lost_fields, output_format
    from .common import EXIT_OK, print_warnings, warn, write_stdout

    fmt = output_format(args.output, args.to)
    if args.input != "-" and args.output != "-":
        from ..documents.write import check_targets

        try:
            check_targets([], [args.output], read=[(args.input, "glossary")])
        except UsageError:
            raise UsageError(f"the output {args.output} is the input file",
                             hint="write the converted glossary to another file") from None
    if args.input == "-":
        if args.glossary_format is None:
            raise UsageError("reading a glossary from standard input needs --from FORMAT")
        from ..reading import read_at_most

        data = read_at_most(sys.stdin.buffer, MAX_GLOSSARY_BYTES)
        if len(data) > MAX_GLOSSARY_BYTES:
            raise GlossaryError("the glossary on standard input is too large", file="<stdin>")
        glossary = parse_glossary(data, "<stdin>", args.glossary_format,
                                  encoding=args.glossary_encoding)
    else:
        glossary = read_glossary(args.input, format=args.glossary_format,
                                 encoding=args.glossary_encoding)
    GlossaryProblems.check(glossary.diagnostics, strict=args.strict)
    if not args.quiet:
        print_warnings(glossary.diagnostics, verbose=True)
    lost = lost_fields(glossary, fmt)
    if lost:
        shown = "standard output" if args.output == "-" else args.output
        message = f"{fmt} cannot hold {', '.join(lost)}: left out of {shown}"
        if args.strict:
            raise GlossaryError(message, hint="convert to yaml, json or toml to keep every field")
        if not args.quiet:
            warn(message)
    _formulas(args, glossary, fmt)
    text = dump_glossary(glossary, fmt)
    if args.output == "-":
        write_stdout(text)
    else:
        write_file(args.output, text)
    return EXIT_OK


def _formulas(args: argparse.Namespace, glossary: Glossary, fmt: str) -> None:
    """Warn of the cells of a CSV or TSV output that a spreadsheet would run as
    formulas (glossary data that starts with ``=``, ``@``, ``+``…)."""
    if fmt not in ("csv", "tsv") or args.quiet:
        return
    from ..writers.csv import formula_cells
    from .common import warn

    cells = formula_cells(glossary)
    if cells:
        more = f" and {len(cells) - 1} more" if len(cells) > 1 else ""
        warn(f"{cells[0]}{more} start{'' if more else 's'} like a spreadsheet formula "
             "(=, @, +, -): a spreadsheet opening the file may run it; import the file "
             "with its columns as text, or edit the glossary in YAML")
