"""The documentation site in docs/: it builds in strict mode, and its examples run.

The site is built with MkDocs and glossator's own MkDocs plugin, on ``docs/glossary.yaml``
(glossator's own terms). The examples of every page, and of the README, are run here by
:func:`run_examples`, with these conventions, so that a page shows what glossator does:

- a ``python`` block is run; the ``# …`` lines right after a line with ``print(`` are what
  it prints, in that order;
- a ``sh`` block with a ``glossator`` command is run with bash (exit code 0); when another
  block follows it directly, that block is what it writes on standard output;
- a ``text`` block whose first line starts with ``$ `` is a terminal session: each
  command is run and must print (standard output and error together) the lines under it;
- a block right after prose ending with ```name`:`` is the file ``name``, written for the
  commands that follow;
- other ``yaml`` blocks load as glossaries, or as the plugin's ``mkdocs.yml`` config, and
  ``json`` blocks parse.

In shown output, white space is compared collapsed, ``[…]`` stands for any text within,
and a line holding only ``…`` for any number of lines.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import warnings
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pytest
import yaml

import glossator

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
README = ROOT / "README.md"
SUBCOMMANDS = ("annotate", "explain", "check", "convert", "index", "suggest", "strip",
               "css", "js")
FORMATS = ("text", "html", "terminal", "json", "markdown")


def cli_subcommands() -> dict[str, Any]:
    """The ``glossator`` subcommands and their argparse parsers (the one private access)."""
    from glossator.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return dict(sub.choices)  # type: ignore[attr-defined]


def option_strings(subparser: Any) -> list[str]:
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


@dataclass
class Block:
    lang: str
    text: str
    before: str  # the text between the previous block and this one
    line: int


def blocks(markdown: str) -> list[Block]:
    """The fenced code blocks of a Markdown text, in order."""
    found: list[Block] = []
    last = 0
    for m in re.finditer(r"^```(\w*)\n(.*?)^```[ \t]*$", markdown, re.S | re.M):
        found.append(Block(m.group(1), m.group(2), markdown[last:m.start()],
                           markdown.count("\n", 0, m.start()) + 1))
        last = m.end()
    return found


def shows(expected: str, actual: str) -> bool:
    """Whether ``actual`` is what ``expected`` shows (see the module documentation)."""
    pieces = []
    for line in expected.strip("\n").split("\n"):
        if line.strip() == "…":
            pieces.append(".*")
        else:
            words = " ".join(line.split())
            pieces.append(".*?".join(re.escape(p) for p in words.split("[…]")))
    pattern = r"\s*".join(pieces)
    return re.fullmatch(pattern, " ".join(actual.split()), re.S) is not None


def expected_prints(code: str) -> list[str]:
    """The ``# …`` lines that follow a ``print(`` line: what the block prints."""
    expected: list[str] = []
    after_print = False
    for line in code.splitlines():
        if after_print and line.startswith("# "):
            expected.append(line[2:])
        else:
            after_print = "print(" in line
    return expected


def is_subsequence(wanted: list[str], lines: list[str]) -> bool:
    rest = iter(lines)
    return all(any(w == line for line in rest) for w in wanted)


def run_shell(command: str, cwd: Path, *, merge: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLOSSATOR_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
               NO_COLOR="1", TERM="dumb")
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command], cwd=cwd, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge else subprocess.PIPE,
        timeout=120, check=False,
    )


def file_name(block: Block) -> str | None:
    m = re.search(r"`([\w./-]+)`:\s*$", block.before)
    return m.group(1) if m else None


def check_yaml(block: Block, where: str, tmp: Path) -> None:
    data = yaml.safe_load(block.text)
    if isinstance(data, dict) and "plugins" in data:
        from glossator.integrations.mkdocs import GlossatorPluginConfig

        keys = {k for p in data["plugins"] if isinstance(p, dict) for k in p.get("glossator", {})}
        assert keys and keys <= set(GlossatorPluginConfig().keys()), where  # type: ignore[no-untyped-call]
    elif (isinstance(data, dict) and "entries" in data) or (
            isinstance(data, list) and all(isinstance(e, dict) and "term" in e for e in data)):
        path = tmp / "block.yaml"
        path.write_text(block.text, encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("error", glossator.GlossatorWarning)
            assert len(glossator.load_glossary(path)) > 0, where


def run_examples(page: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run every example of ``page`` in ``tmp``; return how many were checked."""
    for name in ("examples", "glossaries", "tests", "docs"):
        (tmp / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp)
    found = blocks(page.read_text(encoding="utf-8"))
    output_of: set[int] = set()
    checked = 0
    for i, block in enumerate(found):
        where = f"{page.relative_to(ROOT)}:{block.line}"
        if i in output_of:
            continue
        name = file_name(block)
        if name is not None:
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(block.text, encoding="utf-8")
            checked += 1
        elif block.lang == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(block.text, where, "exec"), {"__name__": "__example__"})
            printed = out.getvalue().splitlines()
            assert is_subsequence(expected_prints(block.text), printed), (where, printed)
            checked += 1
        elif block.lang == "sh" and re.search(r"^glossator ", block.text, re.M):
            result = run_shell(block.text, tmp, merge=False)
            assert result.returncode == 0, (where, result.stderr)
            nxt = found[i + 1] if i + 1 < len(found) else None
            if nxt is not None and not nxt.before.strip() and nxt.lang != "sh":
                output_of.add(i + 1)
                assert shows(nxt.text, result.stdout), (where, result.stdout)
            checked += 1
        elif block.lang == "sh":
            # install and development commands: not run here, but what they name exists
            for path in re.findall(r"(?<![\w/.-])((?:benchmarks|tests)/[\w./-]+)",
                                   block.text):
                if not path.startswith("benchmarks/results/"):
                    assert (ROOT / path).exists(), (where, path)
        elif block.lang == "text" and block.text.startswith("$ "):
            session = re.split(r"^\$ (.*)\n", block.text, flags=re.M)[1:]
            for command, expected in zip(session[::2], session[1::2], strict=True):
                result = run_shell(command, tmp, merge=True)
                assert shows(expected, result.stdout), (where, command, result.stdout)
                checked += 1
        elif block.lang == "yaml":
            check_yaml(block, where, tmp)
            checked += 1
        elif block.lang == "json":
            json.loads(block.text)
            checked += 1
    return checked


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
    commands = cli_subcommands()
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
