"""The MkDocs plugin (glossator.integrations.mkdocs), tested with real MkDocs builds.

The main site is built with ``python -m mkdocs build`` in a subprocess (as a user would),
once per module; the variants of the config are built in-process, which is faster.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from glossator.integrations.mkdocs import SCRIPT_PATH, STYLESHEET_PATH, GlossatorPlugin
from glossator.render.html import script, stylesheet
from support.markup import strip_glossator_markup, terms
from support.mkdocs_site import ESS_DEF, INDEX, LEXIQUE, inprocess_build, make_site

LINK = re.compile(r'\s*<link href="(?:\.\./)*assets/glossator\.css" rel="stylesheet">')
SCRIPT = re.compile(r'\s*<script src="(?:\.\./)*assets/glossator\.js" defer></script>')


def cli_build(cfg: Path, site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(cfg), "-d", str(site), *args],
        capture_output=True, text=True, timeout=60, cwd=cfg.parent,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},  # the same build date
    )


def main_content(page: str) -> str:
    """The page body the theme puts in ``<div role="main">`` (the ``mkdocs`` theme)."""
    start = page.index('role="main">')
    return page[start:page.index("<footer", start)]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    result = cli_build(make_site(root), root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plain")
    result = cli_build(make_site(root, False), root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site"


# -- the entry point -------------------------------------------------------------------

def test_entry_point() -> None:
    (ep,) = entry_points(group="mkdocs.plugins", name="glossator")
    assert ep.load() is GlossatorPlugin


# -- the real build --------------------------------------------------------------------

def test_first_occurrence_per_page(site: Path) -> None:
    index = read(site / "index.html")
    content = main_content(index)
    assert terms(index) == ["ESS"]
    assert content.count('role="tooltip"') == 1
    assert ESS_DEF in content
    assert "<p>Le Labo de l’<span class=\"glossator\"" in content  # the first one
    assert 'id="glossator-1"' in content
    other = read(site / "other" / "index.html")
    assert terms(other) == ["ESS"]
    assert "sur l’<span class=\"glossator\"" in main_content(other)


def test_code_and_headings_are_left_alone(site: Path) -> None:
    content = main_content(read(site / "index.html"))
    assert "<pre><code>ESS dans du code\n</code></pre>" in content
    assert "<code>ESS</code>" in content
    assert re.search(r'<h2 id="less">L’ESS</h2>', content)
    assert "<h1 id=\"accueil\">Accueil</h1>" in content


def test_only_the_markup_and_the_link_are_added(site: Path, plain_site: Path) -> None:
    for page in ("index.html", "other/index.html", "optout/index.html"):
        annotated = LINK.sub("", strip_glossator_markup(read(site / page)), count=1)
        annotated = SCRIPT.sub("", annotated, count=1)
        assert annotated == read(plain_site / page), page


def test_front_matter_opt_out(site: Path) -> None:
    page = read(site / "optout" / "index.html")
    assert "Ici l’ESS reste nue." in page
    assert 'class="glossator"' not in page


def test_stylesheet_written_and_linked(site: Path) -> None:
    assert read(site / STYLESHEET_PATH) == stylesheet()
    assert '<link href="assets/glossator.css" rel="stylesheet">' in read(site / "index.html")
    for page in ("other/index.html", "optout/index.html"):
        assert '<link href="../assets/glossator.css" rel="stylesheet">' in read(site / page)


def test_script_written_and_loaded(site: Path) -> None:
    """Escape closes a tooltip (WCAG 2.2 SC 1.4.13) on every page: glossator.js, deferred."""
    assert read(site / SCRIPT_PATH) == script()
    assert '<script src="assets/glossator.js" defer></script>' in read(site / "index.html")
    assert '<script src="../assets/glossator.js" defer></script>' in read(
        site / "other" / "index.html")


def test_script_false_and_your_own_script(tmp_path: Path) -> None:
    cfg = make_site(tmp_path / "a", {"glossary": "lexique.yaml", "script": False},
                    pages={"index.md": INDEX})
    site = inprocess_build(cfg)
    assert "glossator.js" not in read(site / "index.html")
    assert not (site / SCRIPT_PATH).exists()
    own = "/* mine */\n"
    cfg = make_site(tmp_path / "b", pages={"index.md": INDEX, SCRIPT_PATH: own})
    site = inprocess_build(cfg)
    assert read(site / SCRIPT_PATH) == own
    assert read(site / "index.html").count("assets/glossator.js") == 1


# -- errors ----------------------------------------------------------------------------

def test_an_entry_without_definition_fails_a_strict_build_with_its_line(tmp_path: Path) -> None:
    cfg = make_site(tmp_path, glossary="- term: ESS\n  definitio: oubli\n"
                    "- term: CAE\n  definition: Coopérative d'activité et d'emploi.\n")
    result = subprocess.run(  # not quiet: -q hides the warnings --strict counts
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(cfg), "-d",
         str(tmp_path / "site")], capture_output=True, text=True, timeout=60, cwd=cfg.parent)
    assert result.returncode == 1
    assert re.search(r"WARNING +- +glossator: \S*lexique\.yaml:1: warning: entry 1: "
                     r"'definition' is missing: the entry is skipped", result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def build_error(cfg: Path, caplog: pytest.LogCaptureFixture) -> str:
    """The one error MkDocs logs when the in-process build of ``cfg`` aborts."""
    with caplog.at_level(logging.ERROR), pytest.raises(Abort, match="BuildError"):
        inprocess_build(cfg)
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    return record.getMessage()


def test_missing_glossary(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = make_site(tmp_path, {"glossary": ["lexique.yaml", "absent.yaml"]})
    assert re.fullmatch(r"glossator: \S*absent\.yaml: no such glossary file",
                        build_error(cfg, caplog))


def test_bad_skip_selector(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = make_site(tmp_path, {"glossary": "lexique.yaml", "skip": ["div > p"]})
    assert build_error(cfg, caplog).startswith("glossator: 'div > p' is not a simple selector")


def test_option_of_the_wrong_type(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = make_site(tmp_path, {"glossary": "lexique.yaml", "skip": ["main", 3]})
    assert build_error(cfg, caplog) == (
        "glossator: the 'skip' option must be a string or a list of strings")


def test_plugin_error_class(tmp_path: Path) -> None:
    plugin = GlossatorPlugin()
    errors, _ = plugin.load_config({"glossary": "absent.yaml"})
    assert not errors
    config = load_config(str(make_site(tmp_path, False)))
    with pytest.raises(PluginError, match=r"^glossator: \S*absent\.yaml: no such glossary"):
        plugin.on_config(config)


def test_bad_option_is_a_config_error(tmp_path: Path) -> None:
    cfg = make_site(tmp_path, {"occurrences": "sometimes"})
    with pytest.raises(Abort):
        inprocess_build(cfg)


def test_glossary_warnings_are_mkdocs_warnings(tmp_path: Path) -> None:
    duplicate = LEXIQUE + f'- term: ESS\n  definition: "{ESS_DEF}"\n'  # the same, twice
    cfg = make_site(tmp_path, glossary=duplicate)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(cfg),
         "-d", str(tmp_path / "site")],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert result.returncode == 1
    assert re.search(r"WARNING +- +glossator: .*lexique\.yaml:5: warning: 'ESS'", result.stderr)
    assert "GlossatorWarning" not in result.stderr


# -- the options -----------------------------------------------------------------------

def test_bundled_glossary_by_default(tmp_path: Path) -> None:
    site = inprocess_build(make_site(tmp_path, {}, pages={"index.md": INDEX}))
    page = read(site / "index.html")
    assert 'data-glossator-entry="ess"' in page
    assert ESS_DEF not in page


def test_glossary_paths_relative_to_the_config_file(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "more.yaml").write_text(
        '- term: ESS\n  definition: "La définition du second fichier."\n', encoding="utf-8")
    cfg = make_site(tmp_path, {"glossary": ["lexique.yaml", "more.yaml"]},
                    pages={"index.md": INDEX})
    monkeypatch.chdir(tmp_path / "docs")
    page = read(inprocess_build(cfg) / "index.html")
    # both files are read: the second definition is a second sense of ESS
    assert f"1. {ESS_DEF} 2. La définition du second fichier." in page


def test_occurrences_all_and_skip(tmp_path: Path) -> None:
    pages = {"index.md": INDEX + '\n<div class="aparte">L’ESS à part.</div>\n'}
    cfg = make_site(tmp_path, {"glossary": "lexique.yaml", "occurrences": "all",
                               "skip": ".aparte"}, pages=pages)
    page = read(inprocess_build(cfg) / "index.html")
    assert terms(page) == ["ESS", "ESS", "ESS"]  # not in code, the heading or .aparte
    assert '<div class="aparte">L’ESS à part.</div>' in page


def test_accents_fold(tmp_path: Path) -> None:
    glossary = '- term: économie\n  definition: "Science des richesses."\n'
    pages = {"index.md": "Une economie locale.\n"}
    strict = read(inprocess_build(make_site(tmp_path / "s", pages=pages, glossary=glossary))
                  / "index.html")
    assert terms(strict) == []
    fold = make_site(tmp_path / "f", {"glossary": "lexique.yaml", "accents": "fold"},
                     pages=pages, glossary=glossary)
    assert terms(read(inprocess_build(fold) / "index.html")) == ["economie"]


def test_stylesheet_false(tmp_path: Path) -> None:
    cfg = make_site(tmp_path, {"glossary": "lexique.yaml", "stylesheet": False},
                    pages={"index.md": INDEX})
    site = inprocess_build(cfg)
    page = read(site / "index.html")
    assert 'class="glossator"' in page
    assert "glossator.css" not in page
    assert not (site / STYLESHEET_PATH).exists()


def test_own_stylesheet_in_docs_wins(tmp_path: Path) -> None:
    own = ".glossator-tip { color: red; }\n"
    cfg = make_site(tmp_path, pages={"index.md": INDEX, STYLESHEET_PATH: own})
    site = inprocess_build(cfg)
    assert read(site / STYLESHEET_PATH) == own
    assert read(site / "index.html").count("assets/glossator.css") == 1


def test_definitions_stay_out_of_the_search_index(site: Path, plain_site: Path) -> None:
    index = read(site / "search" / "search_index.json")
    assert ESS_DEF not in index  # the page was indexed before it was annotated
    assert index == read(plain_site / "search" / "search_index.json")


def test_cache_dir_is_relative_to_mkdocs_yml(tmp_path: Path) -> None:
    cfg = make_site(tmp_path, {"glossary": "lexique.yaml", "cache_dir": ".cache/glossator"})
    for _ in range(2):
        site = inprocess_build(cfg)
    assert {p.name.split("-")[0] for p in (tmp_path / ".cache" / "glossator").iterdir()} == {
        "glossary", "matcher"}
    assert "glossator-tip" in read(site / "index.html")


def test_the_index_page_is_not_annotated(tmp_path: Path) -> None:
    """The A–Z page of ``glossator index -f markdown`` stays as written: before, each
    headword linked to itself with a tooltip repeating the definition printed under it.
    The other pages still link to it."""
    cfg = make_site(tmp_path, {"glossary": "lexique.yaml", "link_to": "glossaire/"})
    made = subprocess.run(
        [sys.executable, "-m", "glossator", "index", "-f", "markdown", "--title", "Glossaire",
         "-o", str(tmp_path / "docs" / "glossaire.md"), str(tmp_path / "lexique.yaml")],
        capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    result = cli_build(cfg, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = read(tmp_path / "site" / "glossaire" / "index.html")
    content = main_content(page)
    assert 'id="glossaire-ess"' in content and ESS_DEF in content
    assert content.count(ESS_DEF) == 1, "the definition is printed twice"
    assert 'class="glossator"' not in page and 'role="tooltip"' not in page
    assert "<!-- glossator: A-Z index, not annotated -->" in content  # invisible
    home = read(tmp_path / "site" / "index.html")
    assert 'href="glossaire/#glossaire-ess"' in home  # the pages around still link to it
