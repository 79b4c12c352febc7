"""The ``glossator`` MkDocs plugin: glossary tooltips in every page of a site.

With ``pip install 'glossator[mkdocs]'``, MkDocs finds the plugin through the
``mkdocs.plugins`` entry point of the glossator distribution::

    # mkdocs.yml
    plugins:
      - search
      - glossator:
          glossary: lexique.yaml      # or a list; relative to mkdocs.yml; default: bundled
          occurrences: first          # first (per page), section, all
          accents: strict             # strict, fold
          skip: [".admonition"]       # more simple selectors to leave alone
          stylesheet: true            # write assets/glossator.css and link it
          script: true                # write assets/glossator.js and load it (Escape)
          link_to: /glossaire/        # link each term to its entry in the A–Z index
          cache_dir: .cache/glossator # keep the compiled glossary (relative to mkdocs.yml)

Each page is one document: ``on_page_content`` runs
:func:`~glossator.documents.html.annotate_html` on the page's HTML body (what the Markdown
produced, before the theme wraps it), so the first occurrence is counted per page, and
code, links, headings… are skipped as in "HTML documents". Heading ids and the table of
contents are those of a build without glossator (headings are never annotated). The
glossary is read and compiled once per build, in ``on_config``; ``mkdocs serve`` also
watches the glossary files and rebuilds when they change.

``link_to`` is the URL of the A–Z index (``glossator index -f markdown -o
docs/glossaire.md`` makes one, served at ``glossaire/`` with MkDocs' directory URLs). A
relative URL is relative to the site's root and rewritten for each page (``glossaire/``
becomes ``../glossaire/`` in ``a/page/``), as MkDocs does for its own links; an absolute
path or a full ``https://`` URL is used as it is.

A page opts out with ``glossator: false`` in its front matter. The A–Z index that
``glossator index -f markdown`` writes is left alone too: its first line is the comment
:data:`glossator.render.index.MARKDOWN_MARK`, and a page whose Markdown holds it is not
annotated (its headwords would link to themselves, each with a tooltip repeating the
definition printed under it). A glossary that cannot be
used stops the build with glossator's one-line message (a
:class:`~mkdocs.exceptions.PluginError`); glossary warnings (an unknown key, a duplicate
term) are logged as MkDocs warnings, so ``mkdocs build --strict`` fails on them.

With ``stylesheet: true`` (the default) the plugin writes :func:`~glossator.render.html.
stylesheet` to ``assets/glossator.css`` in the built site and adds that path to
``extra_css``, so every theme that honours ``extra_css`` links it. A file
``assets/glossator.css`` in ``docs_dir`` wins over the shipped one (it is copied as usual
and not overwritten); with ``stylesheet: false`` style the tooltips yourself. With
``script: true`` (the default) the same goes for :func:`~glossator.render.html.script`:
``assets/glossator.js``, in ``extra_javascript`` with ``defer``, so that Escape closes a
tooltip (WCAG 2.2 SC 1.4.13) and a tap opens one with a close button.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

try:
    from mkdocs.config import config_options as c
    from mkdocs.config.base import Config
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.exceptions import PluginError
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page
    from mkdocs.utils import get_relative_url
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "glossator.integrations.mkdocs needs MkDocs: pip install 'glossator[mkdocs]'"
    ) from exc

from ..annotate import Annotator
from ..documents.html import DEFAULT_SKIP, annotate_html
from ..errors import GlossatorError, GlossatorWarning
from ..loaders import load_glossary
from ..render.html import script, stylesheet
from ..render.index import MARKDOWN_MARK

__all__ = ["ID_PREFIX", "SCRIPT_PATH", "STYLESHEET_PATH", "GlossatorPlugin",
           "GlossatorPluginConfig"]

#: Where the stylesheet goes in the built site (and in ``extra_css``).
STYLESHEET_PATH = "assets/glossator.css"
#: Where the script goes in the built site (and in ``extra_javascript``).
SCRIPT_PATH = "assets/glossator.js"
#: Prefix of the tooltip ids in each page.
ID_PREFIX = "glossator-"

log = get_plugin_logger(__name__)


class GlossatorPluginConfig(Config):  # type: ignore[no-untyped-call]
    """The ``glossator`` entry of ``plugins`` in ``mkdocs.yml``."""

    glossary = c.Optional(c.Type((str, list)))
    occurrences = c.Choice(("first", "section", "all"), default="first")
    accents = c.Choice(("strict", "fold"), default="strict")
    senses = c.Choice(("all", "skip", "first"), default="all")
    domain = c.Type((str, list), default=[])
    skip = c.Type((str, list), default=[])
    stylesheet = c.Type(bool, default=True)
    script = c.Type(bool, default=True)
    link_to = c.Optional(c.Type(str))
    cache_dir = c.Optional(c.Type(str))


class GlossatorPlugin(BasePlugin[GlossatorPluginConfig]):  # type: ignore[no-untyped-call]
    """Annotate the glossary terms of every page (see the module documentation)."""

    def __init__(self) -> None:
        self.annotator: Annotator | None = None
        self.skip: tuple[str, ...] = DEFAULT_SKIP
        self.glossary_paths: list[str] = []
        self._own_stylesheet = False
        self._own_script = False

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Read and compile the glossary once; check ``skip``; register the stylesheet."""
        cfg_file = config.config_file_path
        base = Path(cfg_file).resolve().parent if cfg_file else Path.cwd()
        self.glossary_paths = [str(base / p) for p in _strings(self.config.glossary,
                                                               "glossary")]
        self.skip = (*DEFAULT_SKIP, *_strings(self.config.skip, "skip"))
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", GlossatorWarning)
                cache_dir = (str(base / self.config.cache_dir) if self.config.cache_dir
                             else os.environ.get("GLOSSATOR_CACHE_DIR") or None)
                glossary = (load_glossary(*self.glossary_paths, cache_dir=cache_dir)
                            if self.glossary_paths else None)
                self.annotator = Annotator(glossary, occurrences=self.config.occurrences,
                                           accents=self.config.accents, cache_dir=cache_dir,
                                           senses=self.config.senses,
                                           domain=_strings(self.config.domain, "domain"))
            annotate_html("", self.annotator, skip=self.skip, id_prefix=ID_PREFIX,
                          link_to=self.config.link_to)
        except GlossatorError as exc:
            raise PluginError(f"glossator: {exc}") from None
        for w in caught:
            if issubclass(w.category, GlossatorWarning):
                log.warning(str(w.message))
            else:  # pragma: no cover - someone else's warning, passed on
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        if self.config.stylesheet and STYLESHEET_PATH not in config.extra_css:
            config.extra_css.append(STYLESHEET_PATH)
        if self.config.script and SCRIPT_PATH not in map(str, config.extra_javascript):
            from mkdocs.config.config_options import ExtraScriptValue

            loaded = ExtraScriptValue(SCRIPT_PATH)
            loaded.defer = True
            config.extra_javascript.append(loaded)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Note whether ``docs_dir`` has its own ``assets/glossator.css`` or
        ``assets/glossator.js`` (it wins)."""
        self._own_stylesheet = files.get_file_from_path(STYLESHEET_PATH) is not None
        self._own_script = files.get_file_from_path(SCRIPT_PATH) is not None
        return files

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Callable[..., Any]) -> LiveReloadServer:
        """``mkdocs serve``: rebuild when a glossary file changes."""
        for path in self.glossary_paths:
            server.watch(path)
        return server

    @event_priority(-100)  # after the search plugin has indexed the page
    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig,
                        nav: Any) -> Any:
        """Annotate the page's HTML body (unless ``glossator: false``).

        This runs last, after the search plugin has read the page, so that definitions
        stay out of the search index: searching *solidaire* finds the pages about it, not
        every page that mentions ESS.
        """
        if self.annotator is None or page.meta.get("glossator", True) is False:
            return context
        if page.markdown is not None and MARKDOWN_MARK in page.markdown:
            return context  # the A-Z index of `glossator index -f markdown`
        if page.content:
            page.content = annotate_html(
                page.content, self.annotator, skip=self.skip, id_prefix=ID_PREFIX,
                link_to=self._link_to(page),
                domains=_strings(page.meta.get("glossator-domain"), "glossator-domain"))
        return context

    def _link_to(self, page: Page) -> str | None:
        """``link_to`` as seen from ``page``: a site-relative URL made relative to it."""
        link_to = self.config.link_to
        if link_to is None or link_to.startswith("/") or urlsplit(link_to).scheme:
            return link_to
        return get_relative_url(link_to, page.url)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write ``assets/glossator.css`` and ``assets/glossator.js`` into the site (unless
        ``docs_dir`` has its own)."""
        for wanted, own, path, content in (
                (self.config.stylesheet, self._own_stylesheet, STYLESHEET_PATH, stylesheet),
                (self.config.script, self._own_script, SCRIPT_PATH, script)):
            if wanted and not own:
                target = Path(config.site_dir) / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content(), encoding="utf-8")


def _strings(value: object, key: str) -> list[str]:
    """A string or a list of strings, as a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise PluginError(f"glossator: the '{key}' option must be a string or a list of strings")
