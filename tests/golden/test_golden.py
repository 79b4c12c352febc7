"""Golden files: each output format and markup preset against its fixture file.

Every ``*.txt`` file here is a list of cases (title, input, expected output; see
README.md). A case runs its input through glossator's public entry points only —
``glossator.load_glossary``, ``glossator.Annotator``, ``glossator.render``, and
``glossator.cli.main`` for what only the command line offers (markup presets, HTML pages,
Markdown input) — and compares the output with the expected one, byte for byte.

``GLOSSATOR_REGEN_GOLDEN=1`` (or ``pytest --regen-golden``) rewrites the expected outputs
from the current ones instead; the files that changed are listed at the end of the run.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

import glossator
from glossator.cli import main
from support.golden import Case, read_cases, regen_requested, rewrite_expected, stored_form

HERE = Path(__file__).resolve().parent
GLOSSARY_FILE = HERE / "glossary.yaml"

# what the case's options may be, and their command-line or keyword spelling
ANNOTATOR_OPTIONS = ("occurrences", "max-per-entry", "accents", "inflect")
CLI_OPTIONS = {
    "occurrences": "--occurrences",
    "max-per-entry": "--max-per-entry",
    "accents": "--accents",
    "link-to": "--link-to",
    "root": "--root",
    "skip": "--skip",
}

Runner = Callable[[Case, Path], str]

CHANGED: list[str] = []  # "file: case" rewritten by this run (regeneration only)


def _flag(value: str) -> bool:
    if value not in ("yes", "no"):
        raise ValueError(f"expected yes or no, not {value!r}")
    return value == "yes"


def _glossary() -> glossator.Glossary:
    with warnings.catch_warnings():
        # the R&D entry has markup in its definition, on purpose: it must come out escaped
        warnings.simplefilter("ignore", glossator.GlossatorWarning)
        glossary = glossator.load_glossary(GLOSSARY_FILE)
    assert [d.code for d in glossary.diagnostics] == ["markup-in-definition"]
    return glossary


GLOSSARY = _glossary()


def _annotate(case: Case) -> glossator.AnnotatedText:
    o = case.options
    annotator = glossator.Annotator(
        GLOSSARY,
        occurrences=o.get("occurrences", "first"),
        max_per_entry=int(o["max-per-entry"]) if "max-per-entry" in o else None,
        accents=o.get("accents", "strict"),
        inflect=_flag(o.get("inflect", "yes")),
    )
    return annotator.annotate(case.input)


def run_text(case: Case, tmp_path: Path) -> str:
    return glossator.render(_annotate(case), "text")


def run_html(case: Case, tmp_path: Path) -> str:
    o = case.options
    kw: dict[str, str] = {}
    if "id-prefix" in o:
        kw["id_prefix"] = o["id-prefix"]
    if "link-to" in o:
        kw["link_to"] = o["link-to"]
    return glossator.render(_annotate(case), "html", **kw)


def run_html_standalone(case: Case, tmp_path: Path) -> str:
    o = case.options
    return glossator.render(
        _annotate(case), "html", standalone=True, title=o.get("title", "glossator"),
        heading=o.get("heading"), script=_flag(o.get("script", "no")),
    )


def run_terminal(case: Case, tmp_path: Path) -> str:
    o = case.options
    return glossator.render(
        _annotate(case), "terminal", width=int(o["width"]),
        color=_flag(o.get("color", "no")), style=o.get("style", "notes"),
    )


def run_json(case: Case, tmp_path: Path) -> str:
    indent = case.options.get("indent", "2")
    doc = _annotate(case)
    return glossator.render(doc, "json", indent=None if indent == "none" else int(indent))


def run_markdown(case: Case, tmp_path: Path) -> str:
    link_to = case.options.get("link-to")
    return glossator.render(_annotate(case), "markdown", link_to=link_to)


def _run_cli(case: Case, tmp_path: Path, name: str, *args: str) -> str:
    """``glossator annotate`` on the case's input saved as ``name``; the output file's text."""
    source = tmp_path / name
    source.write_bytes(case.input.encode("utf-8"))
    out = tmp_path / "out"
    argv = ["annotate", str(source), "-g", str(GLOSSARY_FILE), "-q", "-o", str(out), *args]
    for key, value in case.options.items():
        if key in CLI_OPTIONS:
            argv += [CLI_OPTIONS[key], value]
    code = main(argv)
    assert code == 0, f"glossator {' '.join(argv)} exited with {code}"
    return out.read_bytes().decode("utf-8")


def _markup(preset: str) -> tuple[Runner, Runner]:
    def text_in(case: Case, tmp_path: Path) -> str:
        return _run_cli(case, tmp_path, "page.txt", "--markup", preset)

    def page_in(case: Case, tmp_path: Path) -> str:
        return _run_cli(case, tmp_path, "page.html", "--markup", preset)

    return text_in, page_in


def run_markdown_input(case: Case, tmp_path: Path) -> str:
    return _run_cli(case, tmp_path, "page.md", "-f", "html")


# each fixture file: how its cases are run, the options they may use, and how many cases
# it must hold at least (a file emptied or cut short by accident must not pass)
FILES: dict[str, tuple[Runner, tuple[str, ...], int]] = {
    "text": (run_text, ANNOTATOR_OPTIONS, 25),
    "html": (run_html, (*ANNOTATOR_OPTIONS, "id-prefix", "link-to"), 10),
    "html-standalone": (run_html_standalone, (*ANNOTATOR_OPTIONS, "title", "heading", "script"), 3),
    "terminal": (run_terminal, (*ANNOTATOR_OPTIONS, "width", "color", "style"), 10),
    "terminal-view": (run_terminal, (*ANNOTATOR_OPTIONS, "width", "color", "style"), 16),
    "json": (run_json, (*ANNOTATOR_OPTIONS, "indent"), 6),
    "markdown": (run_markdown, (*ANNOTATOR_OPTIONS, "link-to"), 10),
    "markdown-input": (run_markdown_input, ("occurrences", "link-to", "skip"), 9),
}
for _preset in ("glossator", "spip", "abbr"):
    _text_in, _page_in = _markup(_preset)
    FILES[f"markup-{_preset}"] = (_text_in, ("occurrences", "max-per-entry", "link-to"), 7)
    FILES[f"page-{_preset}"] = (_page_in, ("occurrences", "link-to", "root", "skip"), 10)


def _all_cases() -> list[Case]:
    return [case for stem in FILES for case in read_cases(HERE / f"{stem}.txt")]


@pytest.mark.parametrize("case", _all_cases(), ids=lambda case: case.id)
def test_golden(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner, allowed, _ = FILES[case.path.stem]
    unknown = sorted(set(case.options) - set(allowed))
    assert not unknown, f"{case.path.name}:{case.line}: unknown options {unknown}"
    monkeypatch.delenv("NO_COLOR", raising=False)
    actual = runner(case, tmp_path)
    if regen_requested():
        if rewrite_expected(case, actual):
            CHANGED.append(f"{case.path.name}: {case.title}")
        return
    if actual != case.expected:
        diff = difflib.unified_diff(
            stored_form(case.expected).split("\n"), stored_form(actual).split("\n"),
            "expected", "actual", lineterm="",
        )
        pytest.fail(
            f"{case.path.name}:{case.line}: {case.title}: the output differs "
            f"(ESC shown as ␛, a trailing line break as a last empty line)\n"
            + "\n".join(diff)
            + "\nIf the new output is right: GLOSSATOR_REGEN_GOLDEN=1 pytest tests/golden",
            pytrace=False,
        )


def test_every_fixture_file_is_run_and_has_enough_cases() -> None:
    on_disk = sorted(p.stem for p in HERE.glob("*.txt"))
    assert on_disk == sorted(FILES)
    for stem, (_, _, minimum) in FILES.items():
        cases = read_cases(HERE / f"{stem}.txt")
        assert len(cases) >= minimum, f"{stem}.txt holds {len(cases)} cases, fewer than {minimum}"
        titles = [case.title for case in cases]
        assert len(set(titles)) == len(titles), f"{stem}.txt: two cases share a title"
        for case in cases:
            assert case.input, f"{stem}.txt:{case.line}: empty input"
            assert case.expected or regen_requested(), f"{stem}.txt:{case.line}: no expected output"
