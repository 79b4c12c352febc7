"""glossator: find French jargon in text and attach glossary definitions.

>>> import glossator
>>> g = glossator.Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
>>> doc = glossator.annotate("le Labo de l’ESS publiait", g)
>>> glossator.render(doc, "text")
'le Labo de l’ESS ESS Économie sociale. publiait'

The public names are imported on first use (a module ``__getattr__``), so that
``import glossator`` — and the command line, which imports this package first — stays
light: ``glossator annotate`` on a small file loads only what that run needs.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType

from ._version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .annotate import Annotator, annotate, compile_glossary
    from .errors import (
        CacheError,
        GlossaryError,
        GlossatorError,
        GlossatorWarning,
        InputError,
        UsageError,
    )
    from .glossary import Glossary
    from .loaders import bundled_glossary_path, load_glossary, register_loader
    from .matching.scan import Matcher
    from .model import AnnotatedText, Annotation, Diagnostic, Entry, GlossaryProblems, Location
    from .render import available_renderers, register_renderer, render
    from .strip import StripResult, strip_text


__all__ = [
    "AnnotatedText",
    "Annotation",
    "Annotator",
    "CacheError",
    "Diagnostic",
    "Entry",
    "Glossary",
    "GlossaryError",
    "GlossaryProblems",
    "GlossatorError",
    "GlossatorWarning",
    "InputError",
    "Location",
    "Matcher",
    "StripResult",
    "UsageError",
    "__version__",
    "annotate",
    "available_renderers",
    "bundled_glossary_path",
    "compile_glossary",
    "load_glossary",
    "register_loader",
    "register_renderer",
    "render",
    "strip_text",
]

#: Where each public name lives (imported by :func:`__getattr__` on first use).
_WHERE: dict[str, str] = {
    "Annotator": "annotate", "annotate": "annotate", "compile_glossary": "annotate",
    "CacheError": "errors", "GlossaryError": "errors", "GlossatorError": "errors",
    "GlossatorWarning": "errors", "InputError": "errors", "UsageError": "errors",
    "Glossary": "glossary",
    "bundled_glossary_path": "loaders", "load_glossary": "loaders",
    "register_loader": "loaders",
    "Matcher": "matching.scan",
    "AnnotatedText": "model", "Annotation": "model", "Diagnostic": "model", "Entry": "model",
    "GlossaryProblems": "model", "Location": "model",
    "available_renderers": "render", "register_renderer": "render", "render": "render",
    "StripResult": "strip", "strip_text": "strip",
}


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use and kept."""
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'glossator' has no attribute '{name}'")
    value = getattr(import_module(f"{__name__}.{where}"), name)
    setattr(sys.modules[__name__], name, value)
    return value


def __dir__() -> list[str]:
    """The public names and the module's own."""
    return sorted({*globals(), *__all__})


class _Package(ModuleType):
    """This package's module type: ``glossator.annotate`` and ``glossator.render`` are the
    functions, as documented, even after their submodules of the same name are imported
    (the import system would otherwise put the submodules in their place)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in ("annotate", "render") and isinstance(value, ModuleType):
            return  # the submodule: reached through sys.modules, not as an attribute
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
