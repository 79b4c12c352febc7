"""Renderers: an :class:`~glossator.model.AnnotatedText` in, a string out, one module each.

Renderers are found by name in a registry; third-party packages add formats through the
``glossator.renderers`` entry-point group (name = format, value = ``module:function``).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from ..errors import UsageError
from ..model import AnnotatedText

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .splice import Sink

__all__ = ["Renderer", "available_renderers", "register_renderer", "render", "write"]

Renderer = Callable[..., str]

_BUILTIN = {
    "text": "glossator.render.text:render",
    "html": "glossator.render.html:render",
    "terminal": "glossator.render.terminal:render",
    "json": "glossator.render.json:render",
    "markdown": "glossator.render.markdown:render",
}
#: The built-in formats whose C loop writes to a sink as it goes (:func:`write`).
_WRITERS = {"text": "glossator.render.text:write", "html": "glossator.render.html:write",
            "json": "glossator.render.json:write"}
_REGISTERED: dict[str, Renderer] = {}
_ENTRY_POINTS_LOADED = False


def register_renderer(name: str, renderer: Renderer) -> None:
    """Make ``renderer`` available as ``render(doc, name)`` and ``--format name``."""
    _REGISTERED[name] = renderer


def _entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if not _ENTRY_POINTS_LOADED:
        _ENTRY_POINTS_LOADED = True
        from importlib.metadata import entry_points

        for ep in entry_points(group="glossator.renderers"):
            _REGISTERED.setdefault(ep.name, ep.load())


def available_renderers() -> list[str]:
    """Names of every output format."""
    _entry_points()
    return sorted({*_BUILTIN, *_REGISTERED})


def get_renderer(name: str) -> Renderer:
    """The renderer registered as ``name``."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name in _BUILTIN:
        module, _, func = _BUILTIN[name].partition(":")
        fn: Renderer = getattr(import_module(module), func)
        return fn
    _entry_points()
    if name in _REGISTERED:
        return _REGISTERED[name]
    raise UsageError(
        f"unknown output format '{name}'", hint=f"use one of: {', '.join(available_renderers())}"
    )


def render(doc: AnnotatedText, format: str = "text", **options: Any) -> str:
    """Render ``doc`` as ``format`` (``text``, ``html``, ``terminal``, ``json``, ``markdown``).

    Options are passed to the renderer: ``standalone=True`` for a whole HTML page,
    ``width=80``/``color=False``/``style="inline"`` for the terminal, ``indent`` for JSON.
    """
    if not isinstance(doc, AnnotatedText):
        raise TypeError("render() takes an annotated text (what Annotator.annotate or "
                        f"glossator.annotate returns), not {type(doc).__name__}")
    return get_renderer(format)(doc, **options)


def write(doc: AnnotatedText, sink: Sink, format: str = "text", **options: Any) -> None:
    """:func:`render` in UTF-8 (a lone surrogate as a character reference), handed to
    ``sink`` (a callable of bytes: ``file.write``) a bounded piece at a time where the
    format's C loop writes as it goes (``text``, ``html``, ``json``: the whole output is
    never held), else at once."""
    if format in _WRITERS and format not in _REGISTERED:
        module, _, func = _WRITERS[format].partition(":")
        getattr(import_module(module), func)(doc, sink, **options)
        return
    sink(render(doc, format, **options).encode("utf-8", errors="xmlcharrefreplace"))
