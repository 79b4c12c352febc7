"""The ``"glossator"`` Python-Markdown extension: glossary tooltips in the rendered HTML.

>>> import markdown
>>> html = markdown.markdown("Le Labo de l’ESS publie.", extensions=["glossator"])
>>> 'role="tooltip"' in html and html.startswith("<p>Le Labo de l’<span class=\\"glossator\\"")
True

Python-Markdown finds the extension through the ``markdown.extensions`` entry point of the
glossator distribution (``extensions=["glossator"]``, no ``import glossator`` needed); the
dotted name ``"glossator.integrations.markdown"`` works too (:func:`makeExtension`), and so
does an instance, ``GlossatorExtension(glossary="lexique.yaml")``.

Config (``extension_configs={"glossator": {...}}``):

* ``glossary`` — a path, a list of paths merged in order (a form defined differently
  twice has both senses), a :class:`~glossator.Glossary`, or ``None`` (the default) for
  the bundled glossary;
* ``occurrences`` — ``"first"`` (default: the first occurrence of each entry per document),
  ``"section"`` or ``"all"``;
* ``accents`` — ``"strict"`` (default) or ``"fold"``;
* ``skip`` — simple selectors of elements to leave alone, added to
  :data:`~glossator.documents.html.DEFAULT_SKIP`;
* ``id_prefix`` — prefix of the tooltip ids (``"glossator-"``): give each document of a
  page its own when several converted documents end up on one page;
* ``link_to`` — the URL of the A–Z index written by ``glossator index`` (``"index.html"``,
  ``"/glossaire/"``): each term then links to its entry there (default ``None``: no link);
* ``annotator`` — a ready :class:`~glossator.Annotator`, used instead of ``glossary``,
  ``occurrences`` and ``accents`` (to share one between extensions, or to set
  ``max_per_entry``, ``inflect``…).

How it works: a postprocessor (priority 35) runs
:func:`~glossator.documents.html.annotate_html` on the HTML of each
:meth:`~markdown.Markdown.convert` just before the raw HTML blocks are put back
(``raw_html``, 30): raw HTML blocks a writer typed are never annotated. Inline raw tags and
character references are put back first, so that a raw ``<a>`` is skipped like any link
and ``économie&nbsp;solidaire`` is found. Every ``convert`` is one document for the
occurrence policies, and what ``annotate_html`` skips is never annotated: code spans and
blocks (``code``, ``pre``), links and autolinks (``a``), headings, abbreviations of the
``abbr`` extension (``abbr``), footnote back-links. Image alt text is an attribute and
never touched. An element marked ``class="noglossary"`` or ``data-glossator="off"`` opts
out, also a Markdown block with ``attr_list`` (``Paragraphe. {: .noglossary }``).

A YAML front matter block at the top of a document (``---`` lines around it) is metadata:
it is taken off, never rendered nor annotated. In it, ``glossator-domain: travail`` limits
the senses of acronyms with several for that document, and ``glossator: false`` leaves the
document unannotated. With the ``meta`` extension, which reads such a block itself, the
same keys are read from ``md.Meta``.

Python-Markdown's ``toc`` extension runs every postprocessor on each heading's inner HTML
(to build the heading ids, ``md.toc`` and ``md.toc_tokens``): annotating there would put the
definitions into the slugs. The postprocessor therefore annotates only the final document —
a treeprocessor that runs last (priority -1000) arms it, and it disarms itself — so heading
ids, ``md.toc`` and ``md.toc_tokens`` are exactly those of a conversion without glossator.

The glossary is read and compiled once per extension instance (the first time a
``Markdown`` uses it) and reused for every ``convert``; ``markdown.markdown()`` builds a new
``Markdown`` each call, so reuse one ``Markdown`` instance for many documents.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any
from xml.etree.ElementTree import Element

try:
    from markdown import Markdown
    from markdown.extensions import Extension
    from markdown.postprocessors import Postprocessor
    from markdown.preprocessors import Preprocessor
    from markdown.treeprocessors import Treeprocessor
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "glossator.integrations.markdown needs Python-Markdown: "
        "pip install 'glossator[markdown]'"
    ) from exc

from ..annotate import Annotator
from ..documents.html import DEFAULT_SKIP, annotate_html
from ..documents.read import front_matter, front_matter_domains
from ..errors import UsageError
from ..glossary import Glossary
from ..loaders import load_glossary
from ..render.markdown import kept_blank_line
from ..text.chars import ASCII_WHITESPACE

__all__ = ["POSTPROCESSOR_PRIORITY", "GlossatorExtension", "makeExtension"]

#: Priority of the annotating postprocessor: just before ``raw_html`` (30), while raw HTML
#: blocks are still placeholders, so that their text is never annotated. Inline tags and
#: character references are put back first (see :meth:`GlossatorPostprocessor.run`).
POSTPROCESSOR_PRIORITY = 35
#: Priority of the treeprocessor that arms the postprocessor: after every other
#: treeprocessor (``toc`` is 5, ``unescape`` 0), which may run the postprocessors on pieces.
_ARM_PRIORITY = -1000
_DISARM_PRIORITY = 1000
#: Priority of the preprocessor that keeps lines of no-break spaces: after ``fenced_code``
#: (25) and ``html_block`` (20) have set their blocks aside.
_SPACES_PRIORITY = 15


class _Armed:
    """Whether the next postprocessor run is the final document of a ``convert``, and
    what the document's front matter says: its domains, or ``glossator: false``."""

    __slots__ = ("domains", "off", "value")

    def __init__(self) -> None:
        self.value = False
        self.domains: tuple[str, ...] = ()
        self.off = False


class _Disarm(Preprocessor):
    """First step of each ``convert``: nothing is the final document yet. A YAML front
    matter block at the top is taken off (it is metadata, never prose) and its
    ``glossator-domain`` and ``glossator`` keys kept for the document; with the ``meta``
    extension, which reads such a block itself, the block is left to it and ``md.Meta``
    read at the end instead."""

    def __init__(self, md: Markdown, armed: _Armed) -> None:
        super().__init__(md)
        self.armed = armed

    def run(self, lines: list[str]) -> list[str]:
        self.armed.value = False
        self.armed.domains, self.armed.off = (), False
        if "meta" in self.md.preprocessors or not lines or not lines[0].startswith("---"):
            return lines
        meta, rest = front_matter("\n".join(lines))
        self.armed.domains = front_matter_domains(meta)
        self.armed.off = meta.get("glossator", True) is False
        return rest.split("\n")


class _KeepSpaceLines(Preprocessor):
    """Keep the lines made only of no-break spaces (U+00A0, U+202F…), which
    Python-Markdown takes for blank lines and drops when they stand as a block of their
    own: they are written as character references
    (:func:`~glossator.render.markdown.kept_blank_line`). Runs after fenced code and raw
    HTML are set aside; such a line inside a block of text is part of it, and left as is.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        starts_block = True  # after a blank line, or the first line
        for line in lines:
            kept = kept_blank_line(line)
            if kept is not line and starts_block:
                line = kept
            else:
                starts_block = not line.strip(ASCII_WHITESPACE)
            out.append(line)
        return out


class _Arm(Treeprocessor):
    """Last treeprocessor: the next postprocessor run is on the serialized document."""

    def __init__(self, md: Markdown, armed: _Armed) -> None:
        super().__init__(md)
        self.armed = armed

    def run(self, root: Element) -> None:
        self.armed.value = True


class GlossatorPostprocessor(Postprocessor):
    """Annotate the final HTML of a ``convert`` with :func:`annotate_html`."""

    def __init__(self, md: Markdown, annotator: Annotator, skip: Sequence[str],
                 id_prefix: str, armed: _Armed, link_to: str | None = None) -> None:
        super().__init__(md)
        self.annotator = annotator
        self.skip = tuple(skip)
        self.id_prefix = id_prefix
        self.armed = armed
        self.link_to = link_to

    def run(self, text: str) -> str:
        """The document with its terms annotated; a piece (a ``toc`` heading) as it is.

        Raw HTML blocks a writer typed are still placeholders here and stay unannotated.
        Inline raw tags (``<span>``, a raw ``<a>``) and character references (``&nbsp;``)
        are stashed too: they are put back first, so that skip rules see the tags and
        terms are found across the references; ``raw_html`` then restores the blocks.
        """
        if not self.armed.value:
            return text
        self.armed.value = False
        meta = getattr(self.md, "Meta", None)  # the meta extension's, lists of lines
        if isinstance(meta, dict) and meta:
            domains = front_matter_domains({"glossator-domain": meta.get("glossator-domain")})
            off = [v.lower() for v in meta.get("glossator", [])] in (["false"], ["off"])
        else:
            domains, off = self.armed.domains, self.armed.off
        if off:
            return text
        stash = self.md.htmlStash
        try:
            raw_html: Any = self.md.postprocessors["raw_html"]
        except KeyError:  # an extension removed it: every stashed piece is put back
            raw_html = None
        for i in range(stash.html_counter):
            html = str(stash.rawHtmlBlocks[i])
            if raw_html is not None and raw_html.isblocklevel(html):
                continue
            text = text.replace(stash.get_placeholder(i), html)
        return annotate_html(text, self.annotator, skip=self.skip, id_prefix=self.id_prefix,
                             link_to=self.link_to, domains=domains)


class GlossatorExtension(Extension):
    """Annotate glossary terms in the HTML that Python-Markdown produces.

    Keyword arguments are the config keys (see the module documentation): ``glossary``,
    ``occurrences``, ``accents``, ``skip``, ``id_prefix``, ``link_to``, ``cache_dir``,
    ``annotator``.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "glossary": [None, "glossary file, list of files, or None for the bundled one"],
            "occurrences": ["first", "annotate the first occurrence of each entry per "
                            "document ('first'), per section ('section'), or all ('all')"],
            "accents": ["strict", "'strict' or 'fold' (economie finds économie)"],
            "senses": ["all", "an acronym with several senses nothing decides: 'all' "
                       "(every sense, numbered), 'skip' or 'first'"],
            "domain": [[], "domains that limit the senses (tags or source naming one)"],
            "skip": [[], "simple selectors of elements to leave alone, besides the defaults"],
            "id_prefix": ["glossator-", "prefix of the tooltip ids"],
            "link_to": [None, "URL of the A-Z index (glossator index): each term links "
                        "to its entry there; None for no link"],
            "cache_dir": [None, "directory keeping the checked and compiled glossary "
                          "(default: $GLOSSATOR_CACHE_DIR, else none)"],
            "annotator": [None, "a ready glossator.Annotator (overrides glossary, "
                          "occurrences, accents and cache_dir)"],
        }
        self._annotator: Annotator | None = None
        super().__init__(**kwargs)

    def setConfig(self, key: str, value: Any) -> None:
        """Set a config key, keeping the value as given (no boolean parsing of ``None``)."""
        if key not in self.config:
            raise KeyError(f"glossator: unknown config key '{key}' "
                           f"(known: {', '.join(self.config)})")
        self.config[key][0] = value
        self._annotator = None

    @property
    def annotator(self) -> Annotator:
        """The :class:`~glossator.Annotator` of this config, read and compiled once."""
        if self._annotator is None:
            given = self.getConfig("annotator")
            if given is not None:
                if not isinstance(given, Annotator):
                    raise UsageError("the 'annotator' config must be a glossator.Annotator")
                self._annotator = given
            else:
                cache_dir = self.getConfig("cache_dir") or os.environ.get(
                    "GLOSSATOR_CACHE_DIR") or None
                self._annotator = Annotator(
                    _glossary(self.getConfig("glossary"), cache_dir),
                    occurrences=self.getConfig("occurrences"),
                    accents=self.getConfig("accents"),
                    cache_dir=cache_dir,
                    senses=self.getConfig("senses"),
                    domain=_domains(self.getConfig("domain")),
                )
        return self._annotator

    def skip_selectors(self) -> tuple[str, ...]:
        """:data:`~glossator.documents.html.DEFAULT_SKIP` and the ``skip`` config."""
        extra = self.getConfig("skip") or ()
        if isinstance(extra, str):
            extra = (extra,)
        return (*DEFAULT_SKIP, *extra)

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the postprocessor (and the two steps that tell it the final document)."""
        annotator = self.annotator
        skip = self.skip_selectors()
        id_prefix = self.getConfig("id_prefix")
        link_to = self.getConfig("link_to")
        if link_to is not None and not isinstance(link_to, str):
            raise UsageError("the 'link_to' config must be a URL (a string) or None")
        # checks the selectors, the prefix and the URL now
        annotate_html("", annotator, skip=skip, id_prefix=id_prefix, link_to=link_to)
        armed = _Armed()
        md.preprocessors.register(_Disarm(md, armed), "glossator-disarm", _DISARM_PRIORITY)
        md.preprocessors.register(_KeepSpaceLines(md), "glossator-spaces", _SPACES_PRIORITY)
        md.treeprocessors.register(_Arm(md, armed), "glossator-arm", _ARM_PRIORITY)
        md.postprocessors.register(
            GlossatorPostprocessor(md, annotator, skip, id_prefix, armed, link_to),
            "glossator", POSTPROCESSOR_PRIORITY,
        )


def _glossary(value: object, cache_dir: str | None = None) -> Glossary | None:
    if value is None or isinstance(value, Glossary):
        return value  # None: the Annotator loads the bundled glossary
    if isinstance(value, (str, os.PathLike)):
        return load_glossary(value, cache_dir=cache_dir)
    if isinstance(value, (list, tuple)):
        return load_glossary(*value, cache_dir=cache_dir) if value else None
    raise UsageError("the 'glossary' config must be a path, a list of paths, a Glossary "
                     "or None", hint="None uses the bundled glossary")


def makeExtension(**kwargs: Any) -> GlossatorExtension:
    """The extension, for ``extensions=["glossator.integrations.markdown"]``."""
    return GlossatorExtension(**kwargs)


def _domains(value: Any) -> tuple[str, ...]:
    """The ``domain`` config: one domain or a list of them."""
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)
