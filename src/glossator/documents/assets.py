"""The tooltip stylesheet and script of a whole page: linked from its ``<head>``, or
inlined, once.

``glossator annotate`` gives every whole page it writes what its tooltips need
(``--assets``, :func:`add_assets`): with ``link``, a ``<link rel="stylesheet">`` to
``glossator.css`` and a ``<script defer src>`` loading ``glossator.js`` (Escape closes a
tooltip, a tap opens one, a close button on touch screens), both files written once at the
root of the output and reached from each page by a relative path (``../glossator.css`` from
a subfolder); with ``inline``, the stylesheet in a ``<style>`` (a script is never inlined:
a Content-Security-Policy without ``'unsafe-inline'`` would block it); with ``none``,
nothing. The elements are spliced into the page's source before ``</head>``, every other
byte kept; a fragment (no ``<head>``) and a page without annotated terms get nothing, and a
page that loads or holds them already (annotated twice, or linked by its theme) is left
alone.
"""

from __future__ import annotations

import os
import re
from functools import cache
from html import escape
from pathlib import Path

from ..errors import UsageError
from ..render.html import script, stylesheet
from .html import page_head

__all__ = ["ASSETS", "SCRIPT_NAME", "STYLESHEET_NAME", "add_assets", "asset_files", "asset_prefix",
           "check_assets", "has_annotations", "remove_assets", "write_assets"]

#: The values of ``--assets``.
ASSETS: tuple[str, ...] = ("link", "inline", "none")
STYLESHEET_NAME = "glossator.css"
SCRIPT_NAME = "glossator.js"
#: In every markup preset's output (``data-glossator-entry``): a page with annotated terms.
_ANNOTATED = "data-glossator-entry="


def check_assets(assets: str) -> str:
    """``assets`` if it is one of :data:`ASSETS`; else a :class:`UsageError`."""
    if assets not in ASSETS:
        raise UsageError(f"unknown assets mode '{assets}'", hint="use link, inline or none")
    return assets


def has_annotations(html: str) -> bool:
    """Whether ``html`` holds terms annotated by glossator (any markup preset)."""
    return _ANNOTATED in html


def asset_prefix(root: str, page: str) -> str:
    """The relative URL prefix from the page written at ``page`` to the folder ``root``
    where the assets are: ``""`` beside it, ``"../"`` from a subfolder."""
    rel = os.path.relpath(os.path.abspath(root), os.path.abspath(os.path.dirname(page) or "."))
    return "" if rel == "." else Path(rel).as_posix() + "/"


def add_assets(html: str, assets: str = "link", prefix: str = "", *,
               script_too: bool | None = None) -> str:
    """``html`` with glossator's stylesheet (and with ``link``, its script) in its head.

    ``assets``: ``"link"`` (``<link rel="stylesheet" href="{prefix}glossator.css">`` and
    ``<script defer src="{prefix}glossator.js"></script>``), ``"inline"`` (a ``<style>``)
    or ``"none"``. ``script_too`` overrides whether the script is loaded (default: with
    ``link`` only). Unchanged: a fragment, a page without annotated terms, and what the
    page has already (see the module).
    """
    check_assets(assets)
    with_script = assets == "link" if script_too is None else script_too
    if (assets == "none" and not with_script) or not has_annotations(html):
        return html
    head = page_head(html)
    if head is None:
        return html
    elements: list[str] = []
    styled = STYLESHEET_NAME in head.names or any(".glossator-tip" in s for s in head.styles)
    if not styled and assets == "link":
        elements.append(f'<link rel="stylesheet" href="{escape(prefix)}{STYLESHEET_NAME}">')
    elif not styled and assets == "inline":
        elements.append(f"<style>\n{stylesheet()}</style>")
    if with_script and SCRIPT_NAME not in head.names:
        elements.append(f'<script defer src="{escape(prefix)}{SCRIPT_NAME}"></script>')
    if not elements:
        return html
    if head.indent is None:
        inserted = "".join(elements)
    else:
        inserted = "".join(f"{head.indent}{e}\n" for e in elements)
    return html[: head.insert_at] + inserted + html[head.insert_at :]


def remove_assets(html: str) -> str:
    """``html`` without the stylesheet and script elements :func:`add_assets` put in its
    head, as it writes them (a link by a relative path, the stylesheet of this version
    inlined), each with the indent and line end it was given: what ``--refresh`` takes
    off before :func:`add_assets` adds them again as ``--assets`` says now (a refreshed
    page that no longer has annotated terms then loads nothing)."""
    head = page_head(html)
    if head is None:
        return html
    top = html[: head.insert_at]
    cleaned = _own_assets().sub("", top)
    return html if cleaned == top else cleaned + html[head.insert_at :]


@cache
def _own_assets() -> re.Pattern[str]:
    """The elements :func:`add_assets` writes, each alone on its line (with its indent
    and line end) or not."""
    own = (fr'<link rel="stylesheet" href="(?:\.\./)*{re.escape(STYLESHEET_NAME)}">'
           fr'|<script defer src="(?:\.\./)*{re.escape(SCRIPT_NAME)}"></script>'
           fr"|<style>\n{re.escape(stylesheet())}</style>")
    return re.compile(fr"(?m:^[ \t]*(?:{own})\n)|(?:{own})")


def asset_files(assets: str, script_too: bool | None = None) -> dict[str, str]:
    """The files ``assets`` needs beside the pages, by name."""
    files: dict[str, str] = {}
    if assets == "link":
        files[STYLESHEET_NAME] = stylesheet()
    if (assets == "link") if script_too is None else script_too:
        files[SCRIPT_NAME] = script()
    return files


def _written_by_glossator(path: Path, content: str) -> bool:
    """Whether the file at ``path`` starts as glossator's ``content`` does (``/*
    glossator``, its header comment): glossator wrote it, and may replace it."""
    header = content[: len("/* glossator")].encode("utf-8")
    try:
        with path.open("rb") as existing:
            return existing.read(len(header)) == header
    except OSError:
        return False


def write_assets(root: str, files: dict[str, str]) -> list[str]:
    """Write ``files`` (:func:`asset_files`) into the folder ``root``; a file there of
    the same name that glossator did not write (a stylesheet of your own) is kept. The
    paths of the files kept are returned."""
    from .write import write_file

    kept = []
    for name, content in files.items():
        path = Path(root) / name
        if path.exists() and not _written_by_glossator(path, content):
            kept.append(str(path))
            continue
        write_file(str(path), content)
    return kept
