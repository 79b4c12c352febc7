"""The documentation site in docs/: it builds in strict mode, and its examples run.

The site is built with MkDocs and glossator's own MkDocs plugin, on ``docs/glossary.yaml``
(glossator's own terms). The examples of every page are run by :mod:`support.doc_examples`,
whose documentation gives their conventions, so that a page shows what glossator does;
tests/test_readme.py runs the README's examples the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
import yaml

import glossator
from support.cli import subcommands
from support.doc_examples import expected_prints, is_subsequence, run_examples, run_shell, shows

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
README = ROOT / "README.md"
SUBCOMMANDS = ("annotate", "explain", "check", "convert", "index", "suggest", "strip",
               "css", "js")
FORMATS = ("text", "html", "terminal", "json", "markdown")


def option_strings(subparser: argparse.ArgumentParser) -> list[str]:
    return [s for a in subparser._actions for s in a.option_strings
            if s not in ("-h", "--help")]


def section(text: str, heading: str) -> str:
    """The text under ``heading`` (a whole line), up to the next heading of its level."""
    level = heading.split(" ")[0]
    assert f"\n{heading}\n" in f"\n{text}", f"no section {heading!r}"
    body = f"\n{text}".split(f"\n{heading}\n", 1)[1]
    return re.split(rf"\n{level} ", body)[0]


def mentions(text: str, option: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_examples_of_each_page_run_and_show_their_output(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_examples(page, tmp_path, monkeypatch)


def test_the_example_conventions_hold() -> None:
    assert shows("…\nb [–] c\n…", "a\nb [–] c\nd")
    assert shows("a [to be cut] d", "a b\n c d") is False
    assert shows("a […] d", "a b\n c d")
    assert shows("a\n…\nb", "a b")
    assert not shows("a\nb", "a b c")
    assert expected_prints("print(1)\n# 1\n# 2\n\n# a comment\nx = 1\n") == ["1", "2"]
    assert is_subsequence(["1", "3"], ["1", "2", "3"])
    assert not is_subsequence(["3", "1"], ["1", "2", "3"])


def test_the_pages_do_run_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the conventions above must keep matching the pages: a page with commands runs them
    least = {"cli.md": 3, "glossary-tools.md": 8, "output-formats.md": 2, "index.md": 1,
             "markdown.md": 1, "spacy.md": 1, "python.md": 1}
    for name, n in least.items():
        (tmp_path / name).mkdir()
        assert run_examples(DOCS / name, tmp_path / name, monkeypatch) >= n, name


# --------------------------------------------------------------------------- the build


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLOSSATOR_")}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env, check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


def docs_glossary() -> glossator.Glossary:
    return glossator.load_glossary(DOCS / "glossary.yaml", strict=True)


def test_mkdocs_builds_the_site_in_strict_mode_with_every_page(site: Path) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["strict"] is True and config["docs_dir"] == "docs"
    assert any(isinstance(p, dict) and "glossator" in p for p in config["plugins"])
    in_nav = {next(iter(item.values())) for item in config["nav"]}
    assert in_nav == {p.name for p in PAGES}
    for page in PAGES:
        url = "index.html" if page.stem == "index" else f"{page.stem}/index.html"
        assert (site / url).is_file(), url
    assert (site / "seed-tooltip.png").is_file()


def test_the_site_shows_tooltips_for_the_docs_glossary(site: Path) -> None:
    glossary = docs_glossary()
    assert len(glossary) >= 10
    html = {p: p.read_text(encoding="utf-8") for p in site.rglob("index.html")}
    home = html[site / "index.html"]
    assert 'role="tooltip"' in home and "assets/glossator.css" in home
    assert (site / "assets" / "glossator.css").is_file()
    index_page = html[site / "glossary" / "index.html"]
    for entry in glossary:
        pages = [p for p, text in html.items()
                 if f'data-glossator-entry="{entry.id}"' in text and p.parent.name != "glossary"]
        assert pages, f"no page shows a tooltip for {entry.term!r}"
        assert f'id="glossaire-{entry.id}"' in index_page, entry.id
    # each annotated term links to its entry in the glossary page
    assert 'href="../glossary/#glossaire-' in html[site / "cli" / "index.html"]
    # definitions are in the tooltips, but not in the search index of the pages
    definition = glossary["tooltip"].definition
    assert any(escape(definition) in text for p, text in html.items()
               if p.parent.name != "glossary")
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = [d["text"] for d in search["docs"] if not d["location"].startswith("glossary/")]
    assert texts and not any(definition[:40] in text for text in texts)


def test_the_docs_glossary_is_clean_and_its_index_page_current() -> None:
    from glossator.lint import lint

    findings = lint(docs_glossary())
    assert [f for f in findings if f.level != "info"] == []
    result = run_shell("glossator index docs/glossary.yaml -f markdown --title Glossary",
                       ROOT, merge=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (DOCS / "glossary.md").read_text(encoding="utf-8"), (
        "docs/glossary.md is stale: glossator index docs/glossary.yaml -f markdown "
        "--title Glossary -o docs/glossary.md")


# --------------------------------------------------------------------------- contents


def test_the_command_line_page_documents_every_option_of_every_command() -> None:
    cli = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = subcommands()
    assert set(SUBCOMMANDS) <= set(commands)
    missing = {name: [o for o in option_strings(sub)
                      if not mentions(section(cli, f"## `glossator {name}`"), o)]
               for name, sub in commands.items()}
    assert {name: opts for name, opts in missing.items() if opts} == {}


def test_every_format_is_documented() -> None:
    page = (DOCS / "output-formats.md").read_text(encoding="utf-8")
    for name in FORMATS:
        assert name in glossator.available_renderers()
        assert f"### `{name}`" in page


def test_bundled_glossary_size_is_stated_truly() -> None:
    n = len(glossator.load_glossary())
    for path in (README, DOCS / "glossaries.md"):
        assert f"holds {n} entries" in path.read_text(encoding="utf-8"), path.name


def test_no_page_names_a_file_the_repository_lacks() -> None:
    for path in (README, *PAGES):
        text = path.read_text(encoding="utf-8")
        assert "ARCHITECTURE.md" not in text and "MATCHING.md" not in text, path.name
        for target in re.findall(r"\]\((docs/[^)#\s]+)", text):
            assert (ROOT / target).exists(), (path.name, target)
