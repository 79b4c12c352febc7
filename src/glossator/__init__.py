"""glossator: find French jargon in text and attach glossary definitions.

>>> import glossator
>>> g = glossator.Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
>>> doc = glossator.annotate("le Labo de l’ESS publiait", g)
>>> glossator.render(doc, "text")
'le Labo de l’ESS ESS Économie sociale. publiait'
"""

from __future__ import annotations

from ._version import __version__
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

TYPE_CHECKING = False
if TYPE_CHECKING:
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


def __getattr__(name: str) -> object:
    """``strip_text`` and ``StripResult``, imported on first use (start-up stays light)."""
    if name in ("strip_text", "StripResult"):
        from . import strip

        return getattr(strip, name)
    raise AttributeError(f"module 'glossator' has no attribute '{name}'")
