"""``glossator strip``: remove definitions expanded inline, the reverse of ``-f text``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..glossary import Glossary
    from ..model import Entry

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``strip`` parser to the sub-parsers ``sub``."""
    from .common import glossary_options

    p = sub.add_parser(
        "strip",
        help="remove glossary definitions expanded inline (scraped pages), the reverse of "
        "'annotate -f text'",
        description="Remove the definitions that a scraped page carries right after its "
        "terms ('l’ESS ESS Le terme … environnement. publiait'), giving back the page as "
        "written. With --glossary, exactly that glossary's expansions are removed; without "
        "one, they are detected (a repeated term followed by a sentence-like definition). "
        "With no FILE, or FILE '-', read standard input.",
        epilog="Exit codes: 0 ok, 1 bad input, 2 usage error.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="text files to strip ('-': stdin)")
    glossary_options(p)
    for action in p._actions:
        if action.dest == "quiet":
            action.help = "do not print warnings (glossary problems, files where nothing was found)"
    p.add_argument("--glossary-out", metavar="FILE",
                   help="also write the entries found, with their definitions, as a YAML "
                   "glossary (annotate -f text with it expands the text again)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the text to FILE instead of standard output")
    p.add_argument("--occurrences", choices=("first", "section", "all"),
                   help="with --glossary: the policy the text was expanded with; only the "
                   "expansions it would have made are removed (default: every expansion "
                   "that follows its term)")
    p.add_argument("--max-per-entry", type=int, metavar="N",
                   help="with --glossary: the text was expanded with at most N per entry")
    p.add_argument("--accents", choices=("strict", "fold"), default="strict",
                   help="how terms were matched when the text was expanded (default: strict)")
    p.add_argument("--no-inflect", dest="inflect", action="store_false",
                   help="the text was expanded without matching plurals")
    p.add_argument("--encoding", default="utf-8",
                   help="encoding of the input files (default: utf-8)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Strip each input and write the texts (and the glossary found, if asked)."""
    from ..documents.write import check_targets, write_file
    from ..errors import InputError
    from .common import EXIT_OK, load_glossaries, read_inputs, warn, write_stdout

    _check_options(args)
    glossary = (load_glossaries(args.glossary, args.glossary_format, args.strict, args.quiet,
                      args.glossary_encoding, verbose=args.verbose)
                if args.glossary else None)
    docs = read_inputs(args.files, args.encoding)
    check_targets([name for name, _ in docs if name != "<stdin>"],
                  [t for t in (args.output, args.glossary_out) if t],
                  read=[(name, "glossary") for name in args.glossary])
    texts, warnings, entries = _strip_all(docs, glossary, args)
    if args.glossary_out and not entries:
        raise InputError("no expanded definition found, so there is no glossary to write",
                         file=args.glossary_out,
                         hint="check that the input carries definitions after its terms")
    if not args.quiet:
        for message in warnings:
            warn(message)
    if args.glossary_out:
        _write_glossary(args.glossary_out, [n for n, _ in docs], list(entries.values()))
    body = "".join(texts)
    if args.output:
        write_file(args.output, body)
    else:
        write_stdout(body)
    return EXIT_OK


def _check_options(args: argparse.Namespace) -> None:
    """Refuse the options that go only with others."""
    from ..errors import UsageError

    if args.max_per_entry is not None and args.max_per_entry < 1:
        raise UsageError("--max-per-entry must be at least 1")
    if not args.glossary and (args.occurrences or args.max_per_entry is not None):
        raise UsageError("--occurrences and --max-per-entry go with --glossary",
                         hint="without a glossary every expansion found is removed")
    if args.glossary_format and not args.glossary:
        raise UsageError("--glossary-format goes with --glossary")


def _strip_all(docs: list[tuple[str, str]], glossary: Glossary | None,
               args: argparse.Namespace) -> tuple[list[str], list[str], dict[str, Entry]]:
    """Strip each ``(name, text)``: the texts, the warnings to print, and the entries
    found (the first definition of each, from the first file that has it)."""
    from ..documents.write import terminated
    from ..strip import strip_text

    texts: list[str] = []
    warnings: list[str] = []
    entries: dict[str, Entry] = {}
    for name, text in docs:
        result = strip_text(text, glossary, occurrences=args.occurrences,
                            max_per_entry=args.max_per_entry, accents=args.accents,
                            inflect=args.inflect)
        texts.append(terminated(result.text))
        for d in result.diagnostics:
            line = d.location.line if d.location else None
            hint = f" ({d.hint})" if d.hint else ""
            warnings.append(f"{name}:{line}: {d.message}{hint}" if line is not None
                            else f"{name}: {d.message}{hint}")
        if not result.expansions:
            warnings.append(f"{name}: no expanded definition found; the text is unchanged")
        for x in result.expansions:
            known = entries.setdefault(x.entry.id, x.entry)
            if known != x.entry:
                warnings.append(f"{name}:{x.line}: '{x.term}' is defined differently than "
                                "in an earlier file; the glossary keeps the first definition")
    return texts, warnings, entries


def _write_glossary(path: str, names: list[str], entries: list[Entry]) -> None:
    """Write the entries found as a YAML glossary to ``path``, saying which inputs they
    come from."""
    from pathlib import Path

    from ..documents.write import write_file
    from ..strip import glossary_yaml

    sources = ", ".join(Path(n).name if n != "<stdin>" else n for n in names)
    comment = (f"Entries recovered by 'glossator strip' from {sources}.\n"
               "Read the definitions over before publishing them.")
    write_file(path, glossary_yaml(entries, comment=comment))
