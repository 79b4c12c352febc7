"""``glossator annotate``: annotate documents into one output, a folder, or in place.

The work is the runner's (:mod:`glossator.runner`): this module checks that the options
fit together, plans where each document goes, and reports.
"""

from __future__ import annotations

import contextlib
import os
import sys

from ..errors import UsageError
from ..plan import (
    assets_mode,
    check_markup_options,
    check_options,
    input_kinds,
    output_encoding,
    output_format,
    render_options,
    to_regular_files,
)
from .common import (
    EXIT_INPUT,
    EXIT_OK,
    annotator_for,
    cache_dir_for,
    display_options,
    glossary_options,
    html_input_options,
    load_glossaries,
    matching_options,
    note_stdin,
    say,
    write_stdout,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import Any

__all__ = ["plain_args", "register", "run"]

#: The built-in output formats (``glossator.render`` may have more: ``-f`` takes those too).
FORMATS = ("text", "html", "terminal", "json", "markdown")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``glossator annotate`` to the sub-parsers."""
    ann = sub.add_parser(
        "annotate",
        help="annotate text files with a glossary",
        description="Annotate French text with glossary definitions. With no FILE, or "
        "FILE '-', read standard input. With no --glossary, use the bundled glossary "
        "of the French social and solidarity economy.",
        epilog="Default format: 'terminal' when writing to a terminal, 'text' otherwise. "
        "Exit codes: 0 ok, 1 bad input, 2 usage error.",
    )
    ann.add_argument("files", nargs="*", metavar="FILE",
                     help="text, Markdown or HTML files to annotate, or directories searched "
                     "for them ('-': stdin)")
    glossary_options(ann)
    ann.add_argument("-f", "--format", metavar="FORMAT",
                     help=f"output format: {', '.join(FORMATS)}, or one a plug-in registers "
                     "(default: terminal on a TTY, text otherwise)")
    _output_options(ann)
    matching_options(ann)
    ann.add_argument("--explain", action="store_true",
                     help="instead of the annotated text, show each match and why it was made "
                     "(same as 'glossator explain')")
    _html_options(ann)
    ann.add_argument("--terminal-style", choices=("notes", "inline"), default="notes",
                     help="terminal: numbered notes after each paragraph (default) or "
                     "definitions inline")
    display_options(ann, "terminal only: line width, at least 20 (default: the terminal's, "
                    "else 80)")
    ann.add_argument("--output-encoding", metavar="ENC",
                     help="encoding of the output (default: an HTML page keeps its own, "
                     "everything else is UTF-8); characters it lacks become HTML character "
                     "references in HTML and Markdown output, \\uXXXX escapes in JSON, '?' "
                     "in the terminal view, and an error in text output")
    html_input_options(ann)
    ann.set_defaults(run=run)


#: What the parser of ``glossator annotate`` gives each option when none is given, in its
#: order (tests/test_cli_plain.py holds the two equal: an option added to the parser is
#: added here); ``cache_dir`` comes from $GLOSSATOR_CACHE_DIR, as there.
_DEFAULTS: dict[str, object] = {
    "glossary": [], "glossary_format": None, "glossary_encoding": None, "strict": False,
    "quiet": False, "verbose": False, "format": None, "output": None, "output_dir": None,
    "in_place": False, "jobs": 1, "dask": None, "files_from": None, "null": False,
    "incremental": False, "fail_fast": False, "report": None, "occurrences": "first",
    "max_per_entry": None, "senses": "all", "domain": [], "accents": "strict",
    "inflect": True, "lemmas": "rules", "cache_dir": None, "explain": False,
    "standalone": False, "title": None, "markup": None, "rich_definitions": False,
    "link_to": None, "assets": None, "script": False, "terminal_style": "notes",
    "width": None, "color": "auto", "encoding": "utf-8", "output_encoding": None,
    "input_format": None, "skip": [], "root": None, "refresh": False,
}


def plain_args(files: list[str], fmt: str | None = None) -> argparse.Namespace:
    """What the parser of ``glossator annotate`` makes of ``annotate FILE...`` (with
    ``-f fmt`` if given) and no other option, made without it (argparse and building the
    parser are a large share of a small run): the files, the format, every other
    option's default, and :func:`run`."""
    from types import SimpleNamespace

    options = {k: list(v) if isinstance(v, list) else v for k, v in _DEFAULTS.items()}
    options["cache_dir"] = os.environ.get("GLOSSATOR_CACHE_DIR")
    options["format"] = fmt
    return SimpleNamespace(  # type: ignore[return-value]
        command="annotate", files=files, **options, run=run)


def _output_options(ann: argparse.ArgumentParser) -> None:
    ann.add_argument("-o", "--output", metavar="FILE",
                     help="write to FILE instead of standard output (its folder must "
                     "exist; never over an input or a glossary the run reads)")
    ann.add_argument("--output-dir", metavar="DIR",
                     help="write one output file per input into DIR (made if missing; "
                     "same name, new suffix), each as soon as it is done; an input that "
                     "fails is reported and the others are written")
    ann.add_argument("--in-place", action="store_true",
                     help="rewrite each HTML page with its annotations (a built site, say); "
                     "each page is replaced whole or not at all, and annotating twice "
                     "changes nothing")
    ann.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                     help="annotate the inputs in N processes (0: one per CPU; default 1); "
                     "the output is the same, in the same order")
    ann.add_argument("--dask", metavar="ADDRESS",
                     help="with --output-dir or --in-place: annotate on a Dask cluster, the "
                     "scheduler at ADDRESS (tcp://host:8786), or 'local' for one worker "
                     "process per CPU here; the files written are the same, written by "
                     "this process as the workers finish them (pip install "
                     "'glossator[dask]'; see docs/dask.md)")
    _batch_options(ann)


def _batch_options(ann: argparse.ArgumentParser) -> None:
    ann.add_argument("--files-from", metavar="LIST",
                     help="also annotate the files listed in LIST, one a line ('-': "
                     "standard input: find site -name '*.html' | glossator annotate "
                     "--files-from - --in-place)")
    ann.add_argument("-0", "--null", action="store_true",
                     help="with --files-from: the paths are separated by NUL characters "
                     "(find -print0)")
    ann.add_argument("--incremental", action="store_true",
                     help="with --output-dir or --in-place: redo only the inputs that "
                     "changed since the last run, as a manifest in the output folder "
                     "records them (.glossator-manifest.json); another glossary or other "
                     "options redo everything")
    ann.add_argument("--fail-fast", action="store_true",
                     help="stop at the first input that fails (by default the others are "
                     "written, and the exit code is 1)")
    ann.add_argument("--report", metavar="FILE",
                     help="with --output-dir or --in-place: write what the run did as JSON "
                     "to FILE (files written, unchanged, failed; annotations per entry)")


def _html_options(ann: argparse.ArgumentParser) -> None:
    ann.add_argument("--standalone", action="store_true",
                     help="html: write a whole page with its stylesheet, one per input (with "
                     "several inputs: --output-dir)")
    ann.add_argument("--title", metavar="TEXT",
                     help="with --standalone: the page's title, shown as its <h1> heading "
                     "too (default: the file's name as <title>, and no heading)")
    ann.add_argument("--markup", metavar="PRESET",
                     help="html: markup of the tooltips: glossator's (default), SPIP's "
                     "glossary (spip: a.cs_glossaire), <abbr title> (abbr), or a preset a "
                     "plug-in registers; text and HTML input")
    ann.add_argument("--rich-definitions", action="store_true",
                     help="html: keep em, strong and links (http, https, mailto) in "
                     "definitions, cleaned by the nh3 sanitizer (default: definitions are "
                     "plain text)")
    ann.add_argument("--link-to", metavar="URL",
                     help="html and markdown: each term links to its entry in the A-Z index "
                     "at URL (written by 'glossator index'): index.html gives "
                     "index.html#glossaire-ess; {id} in URL stands for the entry's id")
    ann.add_argument("--assets", choices=("link", "inline", "none"),
                     help="how whole HTML pages (HTML input with a <head>, --standalone) get "
                     "the tooltip stylesheet and script: link writes glossator.css and "
                     "glossator.js once at the root of the output and links them from each "
                     "page; inline puts the stylesheet in a <style>; none adds nothing "
                     "(default: link when writing files, inline on standard output)")
    ann.add_argument("--script", action="store_true",
                     help="with --standalone and -o/--output-dir: the page loads "
                     "glossator.js (Escape closes a tooltip, a tap toggles it), written "
                     "next to it (--assets link, the default for files, loads it already)")


def _assets_root(args: argparse.Namespace, inputs: list[Any]) -> str | None:
    """Where ``glossator.css`` and ``glossator.js`` go: the root of ``--output-dir``, the
    folder of ``-o``, or for ``--in-place`` the folder that holds every page (the folder
    given, for a site)."""
    if args.output_dir:
        return str(args.output_dir)
    if not to_regular_files(args):
        return None
    from pathlib import Path  # files written: not at start-up (nor below)

    if args.output:
        return str(Path(args.output).parent)
    folders = []
    for i in inputs:
        path = Path(os.path.abspath(i.name))
        depth = len(Path(i.relative).parts) if i.relative is not None else 1
        folders.append(str(path.parents[depth - 1]))
    return os.path.relpath(os.path.commonpath(folders))


def _targets(args: argparse.Namespace, inputs: list[Any], kinds: list[str],
             fmt: str) -> tuple[list[str], str | None]:
    """Where each input is written (none: standard output), and the folder of the
    assets (``--assets``, ``--script``)."""
    from ..documents.write import check_targets
    from ..runner import output_path

    names = [i.name for i in inputs]
    if (args.output_dir or args.in_place) and "-" in names:
        raise UsageError(f"{'--output-dir' if args.output_dir else '--in-place'} needs "
                         "named input files, not standard input")
    if args.output_dir:
        targets = [output_path(args.output_dir, i, kind, fmt)
                   for i, kind in zip(inputs, kinds, strict=True)]
    elif args.in_place:
        targets = list(names)
    else:
        targets = [args.output] if args.output else []
    root = _assets_root(args, inputs)
    files: list[str] = []
    if root is not None:
        from pathlib import Path

        files = [str(Path(root) / name) for name in ("glossator.css", "glossator.js")]
    check_targets([name for name in names if name != "-" and not args.in_place],
                  [*targets, *files], "give each page once" if args.in_place else None,
                  read=[(name, "glossary") for name in args.glossary])
    return targets, root


def _output_dir_is_not_an_input(args: argparse.Namespace) -> None:
    """Refuse ``--output-dir`` naming a folder given as an input: its files would be
    replaced by their annotated text (and, left out of the search as an output folder,
    it would look empty)."""
    if not args.output_dir:
        return
    from pathlib import Path

    out = Path(args.output_dir).resolve()
    for name in args.files:
        if name != "-" and Path(name).is_dir() and Path(name).resolve() == out:
            raise UsageError(
                f"--output-dir {args.output_dir} is the input folder {name}: the annotated "
                "files would replace the originals",
                hint="write them to another folder, e.g. --output-dir "
                f"{out.name or 'out'}-annotated, or annotate HTML pages with --in-place")


def _check_batch_options(args: argparse.Namespace) -> None:
    """The options of batches go with files written one per input."""
    batch = args.output_dir or args.in_place
    for flag, given in (("--incremental", args.incremental), ("--report", args.report)):
        if given and not batch:
            raise UsageError(f"{flag} goes with --output-dir or --in-place")
    if args.null and args.files_from is None:
        raise UsageError("-0/--null goes with --files-from")


def _one_page_per_output(args: argparse.Namespace, count: int) -> None:
    """Refuse ``--standalone`` with several inputs written to one output: each input is a
    whole page (``<!DOCTYPE html>`` to ``</html>``), and one file of several pages is no
    valid page."""
    if not args.standalone or count < 2 or args.output_dir or args.in_place:
        return
    where = f"-o {args.output}" if args.output else "standard output"
    raise UsageError(
        f"--standalone writes a whole page per input: {count} inputs to {where} would make "
        f"{count} pages in one file",
        hint="use --output-dir DIR for one page per input, or drop --standalone")


#: The characters that make an input name a glob pattern (``site/**/*.html``).
_PATTERN = frozenset("*?[")


def run(args: argparse.Namespace) -> int:
    """Annotate the inputs as the options say; the exit code."""
    from ..documents.read import DOCUMENT_SUFFIXES, HTML_SUFFIXES, expand_inputs

    check_options(args)
    _output_dir_is_not_an_input(args)
    _check_batch_options(args)
    if args.files_from is not None or any(_PATTERN & set(n) for n in args.files):
        from ..batch import input_paths  # a batch's module: only for patterns and lists

        args.files = input_paths(args.files, args.files_from, args.null)
    # --in-place takes the pages of a folder (a site's robots.txt is not one); an output
    # folder inside an input one is not read back
    inputs = expand_inputs(list(args.files) or ["-"],
                           HTML_SUFFIXES if args.in_place else DOCUMENT_SUFFIXES,
                           [args.output_dir] if args.output_dir else [])
    names = [i.name for i in inputs]
    kinds = input_kinds(args, names)
    note_stdin(names)
    check_markup_options(args, kinds)
    if args.explain:
        if args.output or args.output_dir or args.in_place or args.standalone:
            raise UsageError("--explain writes to standard output; drop -o/--output-dir")
        from .explain import run as explain

        args.explain_format = "json" if args.format == "json" else "table"
        return explain(args)
    _one_page_per_output(args, len(names))
    to_file = bool(args.output or args.output_dir or args.in_place)
    is_tty = not to_file and sys.stdout.isatty()
    fmt = output_format(args, kinds, is_tty)
    encoding = output_encoding(args.output_encoding)
    targets, assets_root = _targets(args, inputs, kinds, fmt)
    args.cache_dir = cache_dir_for(args)  # (a small run's start is mostly the glossary)
    glossary = load_glossaries(args.glossary, args.glossary_format, args.strict, args.quiet,
                               args.glossary_encoding, args.cache_dir, verbose=args.verbose,
                               rich_definitions=args.rich_definitions and fmt == "html")
    _check_output(args)  # before any work: a folder that cannot be made, or is missing
    from ..runner import DocumentJob, worker_count

    job = DocumentJob(
        annotator_for(args, glossary), fmt, render_options(args, fmt, is_tty),
        encoding=args.encoding, output_encoding=encoding, standalone=args.standalone,
        title=args.title, script=args.script, markup=args.markup,
        rich_definitions=args.rich_definitions, link_to=args.link_to, skip=tuple(args.skip),
        root=args.root, refresh=args.refresh, assets=assets_mode(args),
        assets_root=assets_root,
    )
    jobs = min(worker_count(args.jobs), len(names))
    if args.output_dir or args.in_place:
        return _to_files(args, job, names, kinds, targets, jobs)
    return _to_stream(args, job, names, kinds, jobs)


def _write_assets(job: Any, script: bool) -> list[str]:
    """The stylesheet and script that the pages may load, written in
    ``job.assets_root`` before any page is (a run stopped half-way leaves no page
    linking a file not there yet); the paths of those that were not there before
    (:func:`_drop_unloaded` removes them if no page loads them)."""
    if job.assets_root is None:
        return []
    from pathlib import Path

    from ..documents.assets import asset_files, write_assets

    files = asset_files(job.assets, script_too=True if script else None)
    new = [str(Path(job.assets_root) / name) for name in files
           if not (Path(job.assets_root) / name).exists()]
    for path in write_assets(job.assets_root, files):
        say("note", f"{path} was not written by glossator and is kept")
    return new


def _drop_unloaded(created: list[str], loaded: bool) -> None:
    """Remove the assets this run ``created`` when no page it wrote loads them."""
    for path in [] if loaded else created:
        with contextlib.suppress(OSError):
            os.remove(path)


def _to_files(args: argparse.Namespace, job: Any, names: list[str], kinds: list[str],
              targets: list[str], jobs: int) -> int:
    """``--output-dir`` and ``--in-place``: each document to its own file; a progress
    bar on a terminal, a summary at the end, the manifest of ``--incremental``."""
    from ..batch import Progress, Summary
    from ..runner import DocumentResult, input_size, write_each

    summary = Summary(term_of=_term_of(job.annotator.glossary))
    manifest, digests = _manifest(args, job, names, targets)
    todo = [i for i in range(len(names))
            if manifest is None or not manifest.unchanged(targets[i], digests[i])]
    for i in sorted(set(range(len(names))) - set(todo)):
        summary.add(DocumentResult(names[i], targets[i], input_size(names[i]), unchanged=True))
    progress = Progress([input_size(names[i]) for i in todo], enabled=not args.quiet)
    where = {targets[i]: i for i in todo}

    def done(result: DocumentResult) -> None:
        summary.add(result)
        progress.advance(result)
        if manifest is not None and result.target in where:
            ok = result.error is None
            digest = digests[where[result.target]] if not args.in_place else (
                _digest(result.target))
            manifest.record(result.target, digest if ok else None)

    loaded: list[bool] = []
    batch = ([names[i] for i in todo], [kinds[i] for i in todo], [targets[i] for i in todo])
    pages = bool(todo) and (job.standalone or any(kinds[i] == "html" for i in todo))
    created = _write_assets(job, args.script) if pages else []
    try:
        if args.dask:  # the same results, from the cluster's workers
            from ..cluster import connect
            from ..cluster import write_each as on_cluster

            with connect(args.dask) as client:
                failed = on_cluster(job, *batch, client,
                                         lambda error: say("error", error), loaded,
                                         on_result=done, fail_fast=args.fail_fast)
        else:
            failed = write_each(job, *batch, min(jobs, max(1, len(todo))),
                                lambda error: say("error", error),
                                loaded, on_result=done, fail_fast=args.fail_fast)
    finally:
        progress.close()
        _drop_unloaded(created, any(loaded))
        if manifest is not None:
            orphans = manifest.orphans(targets)
            manifest.save()
            _left_behind(args, manifest, orphans)
    summary.finish()
    _close(args, summary, failed, len(names))
    return EXIT_INPUT if failed else EXIT_OK


def _digest(name: str) -> str:
    from ..batch import file_digest

    return file_digest(name)


def _manifest(args: argparse.Namespace, job: Any, names: list[str], targets: list[str],
              ) -> tuple[Any, list[str]]:
    """The manifest of ``--incremental`` (``None`` without it), told which input each
    output is made from, and each input's digest."""
    if not args.incremental:
        return None, []
    from ..batch import Manifest, settings_digest

    skip = {"files", "files_from", "null", "jobs", "quiet", "verbose", "incremental",
            "report", "fail_fast", "run", "output_dir", "cache_dir", "func"}
    options = {k: v for k, v in sorted(vars(args).items())
               if k not in skip and isinstance(v, (str, int, float, bool, list, tuple,
                                                   type(None)))}
    root = args.output_dir or job.assets_root or "."
    manifest = Manifest(root, settings_digest(options, args.glossary))
    if manifest.reason is not None and not args.quiet:
        say("note", manifest.reason)
    for name, target in zip(names, targets, strict=True):
        manifest.made_from(target, name)
    return manifest, [_digest(name) for name in names]


def _term_of(glossary: Any) -> Callable[[str], str | None]:
    """The term of an entry id of ``glossary`` (``None`` for an id it has not: a sense's
    numbered entry), for the batch summary."""
    def term_of(entry_id: str) -> str | None:
        return glossary[entry_id].term if entry_id in glossary else None

    return term_of


def _left_behind(args: argparse.Namespace, manifest: Any, orphans: list[str]) -> None:
    """Say which outputs of an earlier ``--incremental`` run this run did not write
    again: those made with other settings, and those whose input file is gone
    (``orphans``). They are kept (glossator removes nothing it did not just write), and
    may be stale."""
    if args.quiet:
        return
    for stale, why, hint in (
            (manifest.left_behind(), "made by an earlier run with other settings and not "
             "written again", "if stale (another format names its outputs otherwise)"),
            (orphans, "made by an earlier run from an input that is gone",
             "if the page should go too")):
        if stale:
            more = f" and {len(stale) - 1} more" if len(stale) > 1 else ""
            say("warning", f"{stale[0]}{more}: {why}; delete "
                           f"{'them' if more else 'it'} {hint}")


def _close(args: argparse.Namespace, summary: Any, failed: int, total: int) -> None:
    """The closing lines of a batch, and its ``--report``."""
    counts = summary.counts()
    if args.fail_fast and failed:
        left = total - len(summary.results)
        say("", f"stopped at the first input that failed (--fail-fast); {left} not "
            "annotated")
    elif failed == total > 1:
        say("", f"all {total} inputs failed")
    elif failed and total > 1:
        where = f"written to {args.output_dir}" if args.output_dir else "annotated"
        say("", f"{failed} of {total} inputs failed; the others were {where}")
    if not args.quiet and (total > 1 or counts["unchanged"]):
        for line in summary.lines():
            print(line, file=sys.stderr)
    if args.report:
        summary.write_report(args.report)


def _check_output(args: argparse.Namespace) -> None:
    """Make the ``--output-dir`` folder; refuse a ``-o`` or ``--report`` file that is a
    folder or whose folder does not exist (each in one line with its fix)."""
    from ..documents.write import check_output_file

    if args.report:  # first: the --output-dir folder is not made for nothing
        check_output_file(args.report)
    if args.output_dir:
        from pathlib import Path

        try:
            Path(args.output_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from ..documents.write import folder_error

            raise folder_error(exc, args.output_dir, "--output-dir") from None
    elif args.output and args.output != "-":
        check_output_file(args.output, "to write one file per input into it, use "
                          "--output-dir {path}",
                          "write into it with --output-dir {folder}, which makes it")


def _stream_one(args: argparse.Namespace, job: Any, name: str) -> None:
    """One text input written as text, annotated piece by piece as it is read."""
    if args.output:
        from ..documents.write import write_parts

        write_parts(args.output, job.stream(name))
        return
    buffer = getattr(sys.stdout, "buffer", None)
    for data in job.stream(name):
        if buffer is not None:
            buffer.write(data)
        else:  # a text stream (Python code that captures the output)
            sys.stdout.write(data.decode(job.output_encoding or "utf-8"))
    sys.stdout.flush()


def _to_stream(args: argparse.Namespace, job: Any, names: list[str], kinds: list[str],
               jobs: int) -> int:
    """One output: standard output, or ``-o FILE``, written as it is made
    (:func:`glossator.runner.write_all`): a file whole or not at all."""
    if len(names) == 1 and job.streams(names[0], kinds[0]):  # any size, bounded memory
        _stream_one(args, job, names[0])
        return EXIT_OK
    from ..runner import write_all

    if args.output:
        from ..documents.write import write_with

        loads: list[bool] = []
        write_with(args.output,
                   lambda write: loads.append(write_all(job, names, kinds, jobs, write)))
        if loads[0]:
            _write_assets(job, args.script)
        return EXIT_OK
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text stream (Python code that captures the output)
        from ..runner import render_all

        body, encoding, bom = render_all(job, names, kinds, jobs)
        write_stdout(body, encoding=encoding, bom=bom)
        return EXIT_OK
    write_all(job, names, kinds, jobs, buffer.write)
    buffer.flush()
    return EXIT_OK
