"""How ``glossator annotate``'s options fit together, for every caller that runs it.

The command line and the service (``POST /v1/annotate``) both hold their options in an
``argparse.Namespace`` shaped like ``glossator annotate``'s, and plan a job with these
checks, in this order: :func:`check_options` (options alone), :func:`input_kinds` and
:func:`check_markup_options` (with the inputs), :func:`output_format`, then
:func:`render_options` and :func:`assets_mode` for the
:class:`~glossator.runner.DocumentJob`. A mistake is a :class:`~glossator.errors.UsageError`
carrying the one-line message both print.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from .errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

__all__ = ["assets_mode", "check_markup_options", "check_options", "input_kinds",
           "output_encoding", "output_format", "render_options", "to_regular_files"]


def check_options(args: argparse.Namespace) -> None:
    """The checks that need no input: options that do not go together."""
    if sum(map(bool, (args.output, args.output_dir, args.in_place))) > 1:
        raise UsageError("--output, --output-dir and --in-place cannot be used together")
    if args.standalone and args.format not in (None, "html"):
        raise UsageError("--standalone goes with --format html")
    if args.title is not None and not args.standalone:
        raise UsageError("--title goes with --standalone", hint="add --standalone")
    if args.width is not None and args.width < 20:
        raise UsageError("--width must be at least 20")
    if args.in_place and args.output_encoding:
        raise UsageError("--in-place writes each page back in the encoding it declares",
                         hint="drop --output-encoding")
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per CPU) or more")
    if getattr(args, "dask", None):
        _check_dask(args)
    if args.format is not None:
        from .render import get_renderer

        get_renderer(args.format)
    if args.markup is not None:
        from .render.html import check_markup

        check_markup(args.markup)


def _check_dask(args: argparse.Namespace) -> None:
    """``--dask`` writes files, with the cluster's workers instead of ``--jobs``."""
    if not (args.output_dir or args.in_place) or getattr(args, "explain", False):
        raise UsageError("--dask goes with --output-dir or --in-place",
                         hint="annotate to standard output without --dask")
    if args.jobs != 1:
        raise UsageError("--jobs and --dask do not go together: the cluster's workers do "
                         "the work", hint="drop -j/--jobs")


def input_kinds(args: argparse.Namespace, names: Sequence[str]) -> list[str]:
    """For each input, ``"text"``, ``"html"`` or ``"markdown"``; checks the options that go
    with it."""
    from .documents.read import kind_of

    if args.input_format is not None:
        kinds = [args.input_format] * len(names)
    else:
        kinds = [kind_of(n) for n in names]
    explaining = args.command == "explain" or getattr(args, "explain", False)
    for kind, label in (("html", "HTML"), ("markdown", "Markdown")):
        if kind not in kinds:
            continue
        if not explaining and args.format not in (None, "html"):
            raise UsageError(f"{label} input is written as HTML, not {args.format}",
                             hint="drop -f/--format, or use --input-format text")
        if getattr(args, "standalone", False) and kind == "html":
            raise UsageError("--standalone goes with text or Markdown input; an HTML page is "
                             "kept whole")
    if (args.skip or args.root) and kinds.count("text") == len(kinds):
        raise UsageError("--skip and --root go with HTML input",
                         hint="give a .html file or --input-format html (--skip also goes "
                         "with Markdown input)")
    if getattr(args, "refresh", False) and "html" not in kinds:
        raise UsageError("--refresh goes with HTML input: it takes glossator's annotations "
                         "off pages annotated earlier",
                         hint="give a .html file or --input-format html")
    if args.root and "html" not in kinds:
        raise UsageError("--root goes with HTML input, not Markdown",
                         hint="give a .html file or --input-format html")
    if "markdown" in kinds:
        try:
            import markdown  # noqa: F401
        except ImportError:
            first = names[kinds.index("markdown")]
            more = kinds.count("markdown") - 1
            which = f"{first} (and {more} more)" if more else first
            raise UsageError(f"Markdown input needs Python-Markdown: {which}",
                             hint="pip install 'glossator[markdown]'; from a clone, pip "
                                  "install '.[markdown]'") from None
    selectors = [*args.skip, *([args.root] if args.root else [])]
    if selectors:  # the HTML module is imported only when it is needed (start-up)
        from .documents.html import parse_selector

        for selector in selectors:
            parse_selector(selector)
    return kinds


def check_markup_options(args: argparse.Namespace, kinds: Sequence[str]) -> None:
    """``--markup`` goes with HTML output of text or HTML input; ``--script`` with
    ``--standalone`` written to a file."""
    if args.markup is not None:
        if args.format not in (None, "html") or args.explain:
            raise UsageError("--markup goes with HTML output", hint="add -f html")
        if args.markup != "glossator" and "markdown" in kinds:
            raise UsageError("--markup spip/abbr does not go with Markdown input yet",
                             hint="convert the Markdown to HTML first, then annotate it")
    if args.link_to is not None and args.explain:
        raise UsageError("--link-to goes with HTML or Markdown output, not --explain")
    if args.rich_definitions and (args.format not in (None, "html") or "markdown" in kinds):
        raise UsageError("--rich-definitions goes with HTML output of text or HTML input")
    if args.script:
        if not args.standalone:
            raise UsageError("--script goes with --standalone",
                             hint="a page of your own loads glossator.js itself "
                             "('glossator js' prints it)")
        if not (args.output or args.output_dir):
            raise UsageError("--script writes glossator.js next to the page: give -o FILE "
                             "or --output-dir DIR")


def output_format(args: argparse.Namespace, kinds: list[str], is_tty: bool) -> str:
    """The output format of text inputs: ``-f``, else HTML where pages or Markdown share
    the one output with them, else by the output (pages and Markdown are always written
    as HTML: with ``--output-dir``, each input its own file, a text input among them is
    written as it would be alone)."""
    if args.in_place and (kinds.count("html") < len(kinds) or args.format not in (None, "html")):
        raise UsageError("--in-place rewrites HTML pages, which stay HTML pages",
                         hint="give only .html files or folders of them (or --input-format "
                         "html); write other inputs with --output-dir")
    shared = not args.output_dir or "text" not in kinds  # (--in-place: pages only)
    html_out = (args.standalone or args.markup
                or (shared and kinds.count("text") < len(kinds)))
    fmt: str = args.format or ("html" if html_out else ("terminal" if is_tty else "text"))
    if getattr(args, "width", None) is not None and fmt != "terminal":
        raise UsageError(f"--width sets the terminal format's line width; the {fmt} format "
                         "has none", hint="drop --width, or add -f terminal")
    if args.link_to is not None:
        if fmt not in ("html", "markdown"):
            raise UsageError("--link-to goes with HTML or Markdown output",
                             hint="add -f html or -f markdown")
        from .anchors import check_link_to

        check_link_to(args.link_to, "--link-to")
    return fmt


def output_encoding(name: str | None) -> str | None:
    """The canonical name of ``--output-encoding``, if given."""
    if not name:
        return None
    import codecs

    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UsageError(f"unknown encoding '{name}'",
                         hint="use a Python codec name such as utf-8 or cp1252") from None


def render_options(args: argparse.Namespace, fmt: str, is_tty: bool) -> dict[str, Any]:
    """The options of :func:`glossator.render.render` for ``fmt``."""
    if fmt == "html":
        return dict(standalone=args.standalone, script=args.script,
                    markup=args.markup or "glossator",
                    rich_definitions=args.rich_definitions, link_to=args.link_to)
    if fmt == "markdown":
        return dict(link_to=args.link_to)
    if fmt != "terminal":
        return {}
    color = {"always": True, "never": False}.get(args.color)
    if color is None:
        color = is_tty and "NO_COLOR" not in os.environ
    width = args.width
    if width is None and is_tty:
        import shutil

        width = shutil.get_terminal_size((80, 24)).columns
    return dict(color=color, width=width, style=args.terminal_style)


def to_regular_files(args: argparse.Namespace) -> bool:
    """Whether the outputs are files in a folder (not standard output, nor ``-o`` to a
    device or a pipe such as ``/dev/stdout``)."""
    if args.output_dir or args.in_place:
        return True
    if not args.output:
        return False
    from pathlib import Path  # -o only: not at start-up

    target = Path(os.path.realpath(args.output))
    return target.is_file() or not target.exists()


def assets_mode(args: argparse.Namespace) -> str:
    """``--assets``: by default ``link`` when writing files, ``inline`` on standard
    output or a device (there is no folder to put the files in)."""
    to_file = to_regular_files(args)
    if args.assets is None:
        return "link" if to_file else "inline"
    if args.assets == "link" and not to_file:
        raise UsageError("--assets link writes glossator.css beside the pages: give -o, "
                         "--output-dir or --in-place", hint="or use --assets inline")
    return str(args.assets)
