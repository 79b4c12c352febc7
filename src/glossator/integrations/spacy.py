"""The ``"glossator"`` spaCy pipeline component: glossary terms as a span group.

>>> import spacy
>>> nlp = spacy.blank("fr")
>>> _ = nlp.add_pipe("glossator")            # no need to import glossator first
>>> doc = nlp("Le Labo de l’ESS étudie les PTCE.")
>>> [(s.text, s.id_, s._.glossator_how) for s in doc.spans["glossator"]]
[('ESS', 'ess', 'elision'), ('PTCE', 'ptce', 'exact')]

spaCy finds the factory through the ``spacy_factories`` entry point of the glossator
distribution; importing this module registers it with :meth:`spacy.language.Language.factory`.

Each match becomes a :class:`~spacy.tokens.Span` in ``doc.spans[spans_key]`` whose
``id_`` is the glossary entry's id, whose ``label_`` is ``label`` and whose
``span._.glossator_how`` tells how it matched (``exact``, ``case``, ``elision``, ``alias``).
Spans are aligned outwards to spaCy's tokens (``alignment_mode="expand"``): spaCy splits
*l’ESS* into *l’* and *ESS* and glossator matches *ESS*, yet a term that does not fall on
token boundaries still yields the smallest span of whole tokens containing it (a match
whose span would overlap the previous one is dropped); ``"contract"`` keeps the whole
tokens inside the match and ``"strict"`` drops a match that is not token-aligned. Nothing
stored on the ``Doc`` is a ``Span``-valued extension, so docs pickle, go through
``DocBin`` and come back from ``nlp.pipe(..., n_process=N)``.

The glossary file named in the config is read when the first document is processed (or at
``nlp.initialize()``), and its *content* is saved with the pipeline by ``nlp.to_disk`` and
``pickle``: a saved pipeline needs neither the original file nor the same bundled glossary.
spaCy is imported only here; glossator's core never imports it.
"""

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

try:
    from spacy.language import Language
    from spacy.tokens import Doc, Span
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "glossator.integrations.spacy needs spaCy: pip install 'glossator[spacy]'"
    ) from exc

from ..annotate import Annotator
from ..errors import UsageError
from ..glossary import Glossary
from ..loaders import load_glossary
from ..policy import get_policy
from ..senses import MODES

__all__ = ["ALIGNMENT_MODES", "DEFAULT_CONFIG", "FACTORY_NAME", "HOW_EXTENSION",
           "GlossatorComponent", "make_glossator"]

#: The name of the factory: ``nlp.add_pipe("glossator")``.
FACTORY_NAME = "glossator"
#: The ``Span`` extension that holds how each span matched: ``span._.glossator_how``.
HOW_EXTENSION = "glossator_how"
#: The factory's default config.
DEFAULT_CONFIG: dict[str, Any] = {
    "glossary": None,
    "spans_key": "glossator",
    "occurrences": "all",
    "strict": False,
    "label": "GLOSSARY",
    "alignment_mode": "expand",
    "cache_dir": None,
    "senses": "all",
    "domain": [],
}
#: How a match that does not fall on token boundaries becomes a span (``Doc.char_span``).
ALIGNMENT_MODES = ("expand", "contract", "strict")
#: File written in the component's directory by ``to_disk``.
_GLOSSARY_FILE = "glossary.json"
#: Version of the serialized glossary written by ``to_bytes`` and ``to_disk``.
_FORMAT_VERSION = 1

if not Span.has_extension(HOW_EXTENSION):
    Span.set_extension(HOW_EXTENSION, default=None)


class GlossatorComponent:
    """Find glossary terms in each ``Doc`` and store them in ``doc.spans[spans_key]``.

    Create it with ``nlp.add_pipe("glossator", config={...})``; the config keys are the
    keyword arguments here. ``glossary`` is a path, a list of paths merged in order (a
    form defined differently twice has both senses), or ``None`` for the glossary bundled
    with glossator.
    ``cache_dir`` (default: ``$GLOSSATOR_CACHE_DIR``, else none) keeps the checked and
    compiled glossary on disk, as ``glossator annotate --cache-dir`` does: a large
    glossary then loads in a fraction of a second, from its files or from a saved
    pipeline.
    """

    def __init__(
        self,
        name: str = FACTORY_NAME,
        *,
        glossary: str | list[str] | None = None,
        spans_key: str = "glossator",
        occurrences: str = "all",
        strict: bool = False,
        label: str = "GLOSSARY",
        alignment_mode: str = "expand",
        cache_dir: str | None = None,
        senses: str = "all",
        domain: str | list[str] | None = None,
    ) -> None:
        get_policy(occurrences)  # a UsageError for an unknown name
        if alignment_mode not in ALIGNMENT_MODES:
            raise UsageError(
                f"unknown alignment_mode '{alignment_mode}'",
                hint=f"use one of: {', '.join(ALIGNMENT_MODES)}",
            )
        if not spans_key:
            raise UsageError("'spans_key' must not be empty", hint='use e.g. "glossator"')
        if isinstance(glossary, (str, os.PathLike)):
            paths: tuple[str, ...] = (os.fspath(glossary),)
        else:
            paths = tuple(os.fspath(p) for p in glossary or ())
        self.name = name
        self.paths = paths
        self.spans_key = spans_key
        self.occurrences = occurrences
        if senses not in MODES:
            raise UsageError(f"unknown senses '{senses}'", hint=f"use one of: {', '.join(MODES)}")
        self.senses = senses
        self.domain = (domain,) if isinstance(domain, str) else tuple(domain or ())
        self.strict = strict
        self.label = label
        self.alignment_mode = alignment_mode
        self.cache_dir = cache_dir
        self._glossary: Glossary | None = None
        self._annotator: Annotator | None = None

    def __repr__(self) -> str:
        return f"<GlossatorComponent {self.name!r} spans_key={self.spans_key!r}>"

    # -- the glossary, read lazily ---------------------------------------------------------

    @property
    def glossary(self) -> Glossary:
        """The glossary in use: the saved one, else the configured files, read once."""
        if self._glossary is None:
            self._glossary = load_glossary(*self.paths, strict=self.strict,
                                           cache_dir=self._cache_dir())
        return self._glossary

    @glossary.setter
    def glossary(self, glossary: Glossary) -> None:
        self._glossary = glossary
        self._annotator = None

    def _cache_dir(self) -> str | None:
        return self.cache_dir or os.environ.get("GLOSSATOR_CACHE_DIR") or None

    @property
    def annotator(self) -> Annotator:
        """The :class:`~glossator.Annotator` built from :attr:`glossary`, compiled once."""
        if self._annotator is None:
            self._annotator = Annotator(self.glossary, occurrences=self.occurrences,
                                        cache_dir=self._cache_dir(), senses=self.senses,
                                        domain=self.domain)
        return self._annotator

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
    ) -> None:
        """Read and compile the glossary now (``nlp.initialize()``) rather than on first use."""
        self.annotator.matcher  # noqa: B018 - compiles the matcher

    # -- processing -------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc``: its glossary terms become ``doc.spans[spans_key]``."""
        spans: list[Span] = []
        last_end = 0  # token index where the previous span ends: spans never overlap
        for ann in self.annotator.annotate(doc.text):
            span = doc.char_span(
                ann.start, ann.end, label=self.label, alignment_mode=self.alignment_mode,
                span_id=ann.entry.id,
            )
            if span is None or len(span) == 0 or span.start < last_end:
                continue
            span._.set(HOW_EXTENSION, ann.how)  # kept in doc.user_data, by character offsets
            spans.append(span)
            last_end = span.end
        doc.spans[self.spans_key] = spans
        return doc

    # -- serialization ----------------------------------------------------------------------

    def _glossary_bytes(self) -> bytes:
        glossary = self.glossary
        data = {
            "glossator": _FORMAT_VERSION,
            "name": glossary.name,
            "metadata": glossary.metadata,
            "entries": [entry.to_dict() for entry in glossary.entries],
        }
        return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")

    def _load_glossary_bytes(self, data: bytes) -> None:
        cache_dir = self._cache_dir()
        if cache_dir is None:
            self.glossary = _parse_saved(data)
            return
        from ..store.glossaries import glossary_digest, load_cached_glossary, save_cached_glossary

        # no source part: pipelines that share a cache directory do not replace each
        # other's glossary
        digest = glossary_digest(data, "<spaCy pipeline>", "spacy-component", None,
                                 source=False)
        glossary = load_cached_glossary(cache_dir, digest)
        if glossary is None:
            glossary = _parse_saved(data)
            save_cached_glossary(cache_dir, digest, glossary)
            glossary.digest = digest
        self.glossary = glossary

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The component's glossary (its entries, name and metadata) as bytes."""
        if "glossary" in exclude:
            return b""
        return self._glossary_bytes()

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = ()) -> "GlossatorComponent":
        """Restore the glossary saved by :meth:`to_bytes`."""
        if "glossary" not in exclude and bytes_data:
            self._load_glossary_bytes(bytes_data)
        return self

    def to_disk(self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()) -> None:
        """Save the glossary's content in the directory ``path`` (``glossary.json``)."""
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        if "glossary" not in exclude:
            (directory / _GLOSSARY_FILE).write_bytes(self._glossary_bytes())

    def from_disk(
        self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()
    ) -> "GlossatorComponent":
        """Restore the glossary saved by :meth:`to_disk` (the original file is not needed)."""
        file = Path(path) / _GLOSSARY_FILE
        if "glossary" not in exclude and file.is_file():
            self._load_glossary_bytes(file.read_bytes())
        return self

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_glossary"] = self.glossary  # a pickled pipeline carries its glossary
        state["_annotator"] = None  # recompiled on first use
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def _parse_saved(data: bytes) -> Glossary:
    """The glossary :meth:`GlossatorComponent.to_bytes` wrote."""
    content = json.loads(data.decode("utf-8"))
    if not isinstance(content, dict) or content.get("glossator") != _FORMAT_VERSION:
        raise ValueError("not a glossary saved by glossator's spaCy component (version 1)")
    return Glossary.from_dicts(content["entries"], name=content.get("name"),
                               metadata=content.get("metadata") or {})


def make_glossator(
    nlp: Language,
    name: str,
    glossary: str | list[str] | None,
    spans_key: str,
    occurrences: str,
    strict: bool,
    label: str,
    alignment_mode: str,
    cache_dir: str | None,
    senses: str = "all",
    domain: list[str] | None = None,
) -> GlossatorComponent:
    """The factory behind ``nlp.add_pipe("glossator", config={...})``."""
    return GlossatorComponent(
        name,
        glossary=glossary,
        spans_key=spans_key,
        occurrences=occurrences,
        strict=strict,
        label=label,
        alignment_mode=alignment_mode,
        cache_dir=cache_dir,
        senses=senses,
        domain=domain,
    )


Language.factory(
    FACTORY_NAME,
    default_config=DEFAULT_CONFIG,
    assigns=["doc.spans", f"span._.{HOW_EXTENSION}"],
)(make_glossator)
