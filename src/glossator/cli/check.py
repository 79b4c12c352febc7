"""``glossator check``: lint glossary files, report each finding with file and line.

The rules live in :mod:`glossator.lint`; this module reads the files, runs them, and
prints the findings as a table (on a terminal), one line each, or JSON.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..glossary import Glossary
    from ..lint import Finding

__all__ = ["register", "run"]

FORMATS = ("table", "text", "json")
#: How many findings of one code the table and the text show before a count (--verbose: all).
SHOWN = 10
_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` parser to the sub-parsers ``sub``."""
    from .common import glossary_encoding_option

    chk = sub.add_parser(
        "check",
        help="lint glossary files and report problems with file:line",
        description="Lint glossaries: loading problems, duplicate and hidden entries, "
        "empty definitions, acronyms that are common words, definitions that mention "
        "other entries; with --corpus, unused entries and undefined acronyms. With no "
        "GLOSSARY, check the bundled one.",
        epilog="Exit codes: 0 no error (warnings and notes allowed), 1 an error (or, with "
        "--strict, a warning), 2 usage error.",
    )
    chk.add_argument("glossaries", nargs="*", metavar="GLOSSARY",
                     help="glossary files, merged as 'annotate -g' merges them")
    chk.add_argument("-g", "--glossary", action="append", metavar="FILE", default=[],
                     dest="glossary_files",
                     help="a glossary file too, as 'annotate -g' names it (repeatable)")
    chk.add_argument("--strict", action="store_true",
                     help="warnings fail too (exit 1)")
    chk.add_argument("--glossary-format", metavar="FORMAT",
                     help="read the glossaries in FORMAT whatever their suffix")
    glossary_encoding_option(chk)
    chk.add_argument("-q", "--quiet", action="store_true",
                     help="print only the findings, without the summary line")
    chk.add_argument("--verbose", action="store_true",
                     help=f"print every finding (by default, of a code with many, the first "
                     f"{SHOWN} and a count; the JSON array always holds them all)")
    chk.add_argument("-f", "--format", choices=FORMATS,
                     help="a table (default on a terminal), one finding per line "
                     "(default otherwise), or a JSON array")
    chk.add_argument("--level", choices=("error", "warning", "info"),
                     help="the lowest level to print (default: warning, or info with "
                     "--select); info adds suggestions such as cross-links")
    chk.add_argument("--select", action="append", metavar="CODE", default=[],
                     help="report only these codes (comma-separated or repeated)")
    chk.add_argument("--ignore", action="append", metavar="CODE", default=[],
                     help="do not report these codes (comma-separated or repeated)")
    chk.add_argument("--corpus", action="append", metavar="PATH", default=[],
                     help="texts the glossary is for (files or folders of .txt, .md, "
                     ".html, read recursively): report unused entries and the most "
                     "frequent undefined acronyms; repeatable")
    chk.add_argument("--top", type=int, default=20, metavar="N",
                     help="with --corpus: how many undefined acronyms to report (default 20)")
    chk.add_argument("--min-words", type=int, default=3, metavar="N",
                     help="a definition of fewer words is reported as short (default 3)")
    chk.set_defaults(run=run)


def _codes(values: list[str], option: str) -> set[str]:
    from ..errors import UsageError
    from ..lint import RULES

    codes = {c.strip() for v in values for c in v.split(",") if c.strip()}
    unknown = sorted(codes - RULES.keys())
    if unknown:
        raise UsageError(f"{option}: unknown code '{unknown[0]}'",
                         hint=f"codes: {', '.join(RULES)}")
    return codes


def run(args: argparse.Namespace) -> int:
    """Check the glossaries; return 1 on errors (or warnings with ``--strict``)."""
    from ..errors import UsageError
    from ..lint import LEVELS, lint, read_corpus
    from .common import EXIT_INPUT, EXIT_OK

    if args.top < 1:
        raise UsageError("--top must be at least 1")
    if args.min_words < 1:
        raise UsageError("--min-words must be at least 1")
    select = _codes(args.select, "--select") or None
    ignore = _codes(args.ignore, "--ignore")
    level = args.level or ("info" if select else "warning")

    glossaries, findings = _read_glossaries(args)
    corpus = read_corpus(args.corpus) if args.corpus else None
    if glossaries:
        merged = glossaries[0].merge(*glossaries[1:]) if len(glossaries) > 1 else glossaries[0]
        findings.extend(lint(merged, corpus=corpus, min_words=args.min_words,
                             top_acronyms=args.top, select=select, ignore=ignore))

    errors = sum(f.level == "error" for f in findings)
    warnings = sum(f.level == "warning" for f in findings)
    failed = errors > 0 or (args.strict and warnings > 0)
    shown = [f for f in findings if LEVELS.index(f.level) <= LEVELS.index(level)]
    fmt = args.format or ("table" if sys.stdout.isatty() else "text")

    if fmt == "json":
        import json

        from .common import write_stdout

        write_stdout(json.dumps([f.to_dict() for f in shown], ensure_ascii=False,
                                 indent=2) + "\n")
        return EXIT_INPUT if failed else EXIT_OK

    summary = None
    if not args.quiet and glossaries:
        summary = _summary(failed, [len(g) for g in glossaries], errors, warnings,
                           sum(f.level == "info" for f in shown))
    shown, counts = _capped(shown, args.verbose)
    if fmt == "table":
        _print_table(shown, [*counts, summary] if summary else counts)
    else:
        from ..text.inert import terminal_safe
        from .common import write_stdout

        lines = [terminal_safe(str(f), newlines=False) for f in shown] + counts + (
            [summary] if summary else [])
        if lines:
            write_stdout("\n".join(lines) + "\n")
    return EXIT_INPUT if failed else EXIT_OK


def _read_glossaries(args: argparse.Namespace) -> tuple[list[Glossary], list[Finding]]:
    """The glossaries that load (the bundled one when none is named), and a
    ``load-error`` finding for each that does not."""
    from ..errors import GlossatorError
    from ..lint import error_finding, finding_from_diagnostic
    from ..loaders import bundled_glossary_path, read_glossary
    from ..model import GlossaryProblems

    files = [*args.glossaries, *args.glossary_files] or [str(bundled_glossary_path())]
    findings: list[Finding] = []
    glossaries = []
    for path in files:
        try:
            glossaries.append(read_glossary(path, format=args.glossary_format,
                                            encoding=args.glossary_encoding))
        except GlossaryProblems as exc:  # every problem of the file, one finding each
            findings.extend(finding_from_diagnostic(d) for d in exc.diagnostics)
        except GlossatorError as exc:
            findings.append(error_finding(exc))
    return glossaries, findings


def _capped(findings: list[Finding], verbose: bool) -> tuple[list[Finding], list[str]]:
    """The findings to print, at most :data:`SHOWN` of each code unless ``verbose``, and a
    line counting each code cut short: ``759 duplicate-form warnings (first 10 shown;
    --verbose for all)``."""
    counts = Counter((f.level, f.code) for f in findings)
    if verbose or max(counts.values(), default=0) <= SHOWN:
        return findings, []
    seen: Counter[tuple[str, str]] = Counter()
    kept = []
    for f in findings:
        seen[f.level, f.code] += 1
        if seen[f.level, f.code] <= SHOWN:
            kept.append(f)
    notes = {"info": "notes"}
    return kept, [f"{n} {code} {notes.get(level, level + 's')} (first {SHOWN} shown; "
                  "--verbose for all)" for (level, code), n in counts.items() if n > SHOWN]


def _summary(failed: bool, sizes: list[int], errors: int, warnings: int, notes: int) -> str:
    """``ok: 2 glossaries, 40 entries, 1 warning`` (errors and notes only when there are
    some); ``sizes`` are the glossaries' numbers of entries."""
    count = sum(sizes)
    return (f"{'failed' if failed else 'ok'}: {len(sizes)} "
            f"glossar{'y' if len(sizes) == 1 else 'ies'}, "
            f"{count} entr{'y' if count == 1 else 'ies'}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}"
            + (f", {errors} error{'s' if errors != 1 else ''}" if errors else "")
            + (f", {notes} note{'s' if notes != 1 else ''}" if notes else ""))


def _print_table(findings: list[Finding], after: list[str]) -> None:
    """The findings as a rich table (level, where, code, message and hint), then the
    lines ``after`` it (the counts, the summary)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..text.inert import terminal_safe

    def safe(text: str) -> str:
        return terminal_safe(text, newlines=False)

    # data is never read as rich markup, and what a terminal acts on is shown escaped
    console = Console(file=sys.stdout, highlight=False, markup=False, emoji=False)
    if findings:
        table = Table()
        table.add_column("level", no_wrap=True)
        table.add_column("where", no_wrap=True)
        table.add_column("code", no_wrap=True)
        table.add_column("message", ratio=1)
        for f in findings:
            message = Text(safe(f.message))
            if f.hint:
                message.append(f" ({safe(f.hint)})", style="dim")
            table.add_row(Text(f.level, style=_STYLES[f.level]), Text(safe(f.where)),
                          Text(safe(f.code)), message)
        console.print(table)
    for line in after:
        style = ("bold red" if line.startswith("failed") else "green"
                 if line.startswith("ok:") else "dim")
        console.print(Text(line, style=style))
