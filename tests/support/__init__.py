"""Helpers shared by the test modules: they import them from here, never from each other.

A test module that needs another one's helper or data finds it in a submodule of this
package; fixtures stay in ``conftest.py``. ``tests/`` is on ``sys.path`` (pytest's
default ``prepend`` import mode puts the folder of ``tests/conftest.py`` there), so the
tests write ``from support.seed import scrape``; mypy finds the package through
``mypy_path`` in pyproject.toml.

``support.cli``
    the types of the ``cli`` and ``write`` fixtures of ``conftest.py``.
``support.corpus``
    where the shared corpus of real French text and the public glossary of acronyms are.
``support.seed``
    the reference page: ``examples/labo-ess.*``, the scraped seed text, the scraper.
``support.pages``
    a small glossary, pages and generated HTML that several modules annotate.
``support.markup``
    what glossator inserted in an output, per markup preset: strip it, list the terms.
``support.doc_examples``
    runs the examples of a documentation page (the conventions of ``docs/``).
``support.mkdocs_site``
    writes and builds a small MkDocs site with the glossator plugin.
``support.browser``
    finds Chromium, axe-core and Playwright for the browser tests.
``support.golden``
    reads and rewrites the fixture files of ``tests/golden``.

Each submodule imports only what it needs (MkDocs, Hypothesis…), so importing one does not
load the others.
"""
