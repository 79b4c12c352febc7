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
    """The public names, the module's dunders and the public subpackages imported so far
    (not what this file imports for itself: ``sys``, ``import_module``…)."""
    here = globals()
    return sorted({
        *__all__, *(n for n in here if n.startswith("__")),
        *(n for n, v in here.items() if isinstance(v, ModuleType) and not n.startswith("_")
          and v.__name__ == f"{__name__}.{n}"),
    })


class _Package(ModuleType):
    """This package's module type: ``glossator.annotate`` and ``glossator.render`` are the
    functions, as documented, even after their submodules of the same name are imported
    (the import system would otherwise put the submodules in their place). Each function
    carries its submodule's public names and subpackages as attributes
    (:class:`_Shadowed`), so that ``glossator.render.write``,
    ``glossator.render.html.register_markup`` and ``import glossator.render.json as j``
    reach them through it."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in ("annotate", "render") and isinstance(value, ModuleType):
            # the submodule: reached through sys.modules and through its function
            function = getattr(value, name)
            for public in getattr(value, "__all__", ()):
                setattr(function, public, getattr(value, public))
            for key, item in vars(value).items():
                if isinstance(item, ModuleType) and item.__name__ == f"{value.__name__}.{key}":
                    setattr(function, key, item)
            value.__class__ = _Shadowed
            return
        super().__setattr__(name, value)


class _Shadowed(ModuleType):
    """The type of a submodule that its function of the same name stands for in
    ``glossator``: a subpackage imported later is set on the function too."""

    def __setattr__(self, name: str, value: object) -> None:
        super().__setattr__(name, value)
        if isinstance(value, ModuleType) and value.__name__ == f"{self.__name__}.{name}":
            setattr(getattr(self, self.__name__.rpartition(".")[2]), name, value)


sys.modules[__name__].__class__ = _Package
