"""``glossator css`` and ``glossator js``: the tooltip stylesheet and script, to serve."""

from __future__ import annotations

import argparse

from .common import EXIT_OK, write_stdout

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``glossator css`` and ``glossator js`` to the sub-parsers."""
    css = sub.add_parser(
        "css",
        help="print the tooltip stylesheet, to link from a site's theme",
        description="Print glossator's tooltip stylesheet (hover and keyboard focus show "
        "the definition; no JavaScript). Annotated HTML pages need it.",
    )
    css.set_defaults(run=_css)
    js = sub.add_parser(
        "js",
        help="print the optional tooltip script, to serve next to the stylesheet",
        description="Print glossator.js: Escape closes a tooltip, a tap or click toggles "
        "it (with a close button on touch screens). Optional (tooltips work without it); "
        "load it with <script defer src>. 'glossator annotate' writes it beside the pages "
        "it writes (--assets link).",
    )
    js.set_defaults(run=_js)


def _css(args: argparse.Namespace) -> int:
    from ..render.html import stylesheet

    write_stdout(stylesheet())
    return EXIT_OK


def _js(args: argparse.Namespace) -> int:
    from ..render.html import script

    write_stdout(script())
    return EXIT_OK
