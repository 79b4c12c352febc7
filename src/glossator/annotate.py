"""The Annotator: a compiled glossary plus policies, reused across documents and threads."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from .errors import UsageError
from .glossary import Glossary
from .matcher import Matcher, RawMatch
from .model import AnnotatedText, Annotation
from .policy import OCCURRENCE_POLICIES

__all__ = ["Annotator", "annotate"]


def _entry_id(m: RawMatch) -> str:
    return m.form.entry.id


class Annotator:
    """Annotate many texts with one glossary, compiled once.

    Immutable after construction and safe to share between threads; picklable, so it can
    be sent to worker processes (it recompiles there).

    >>> from glossator import Annotator, Glossary
    >>> g = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale et solidaire."}])
    >>> [a.surface for a in Annotator(g).annotate("Le Labo de l’ESS et l’ESS.")]
    ['ESS']
    """

    __slots__ = ("glossary", "matcher", "occurrences")

    def __init__(self, glossary: Glossary | None = None, *, occurrences: str = "first") -> None:
        if glossary is None:
            from .loaders import load_glossary

            glossary = load_glossary()
        if occurrences not in OCCURRENCE_POLICIES:
            raise UsageError(
                f"unknown occurrences policy '{occurrences}'",
                hint=f"use one of: {', '.join(OCCURRENCE_POLICIES)}",
            )
        self.glossary = glossary
        self.occurrences = occurrences
        self.matcher: Matcher = glossary.compiled()

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.glossary, self.occurrences))

    def find(self, text: str) -> list[RawMatch]:
        """Every match in ``text`` before the occurrence policy."""
        return self.matcher.find(text)

    def annotate(self, text: str) -> AnnotatedText:
        """Find the glossary's terms in ``text`` and apply the occurrence policy."""
        matches = OCCURRENCE_POLICIES[self.occurrences](self.matcher.find(text), _entry_id)
        annotations = tuple(
            Annotation(m.start, m.end, m.surface, m.form.entry, m.form.text, m.how, m.elided)
            for m in matches
            if isinstance(m, RawMatch)
        )
        return AnnotatedText(text, annotations)

    def annotate_many(self, texts: Iterable[str]) -> Iterator[AnnotatedText]:
        """Annotate each text as its own document (first occurrences counted per text)."""
        for text in texts:
            yield self.annotate(text)


def _rebuild(glossary: Glossary, occurrences: str) -> Annotator:
    return Annotator(glossary, occurrences=occurrences)


def annotate(
    text: str,
    glossary: Glossary | str | os.PathLike[str] | None = None,
    *,
    occurrences: str = "first",
) -> AnnotatedText:
    """Annotate ``text`` with ``glossary`` (a :class:`Glossary`, a path, or the bundled one).

    The compiled matcher is cached on the glossary, so calling this in a loop with the same
    :class:`Glossary` compiles once.
    """
    if glossary is None or isinstance(glossary, (str, os.PathLike)):
        from .loaders import load_glossary

        glossary = load_glossary(glossary) if glossary is not None else load_glossary()
    return Annotator(glossary, occurrences=occurrences).annotate(text)
