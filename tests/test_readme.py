"""The README: a short front door whose two commands come first and whose examples run.

The reference is the documentation site in docs/ (tests/test_docs.py); the README's
examples follow the same conventions and are run by the same code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.doc_examples import run_examples

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
    "bash tools/provision-tests.sh && .venv/bin/python -m pytest"
)


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```(\w*)\n(.*?)```", README, re.S)
    assert [lang for lang, _ in blocks[:2]] == ["sh", "sh"]
    install, test = (text.strip() for _, text in blocks[:2])
    assert "glossator annotate examples/" in install and "--glossary" not in install
    assert test == TEST_COMMAND
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND in ci.splitlines()


def test_readme_is_a_front_door() -> None:
    assert len(README.splitlines()) <= 250
    for page in ("docs/cli.md", "docs/python.md", "docs/design.md", "docs/mkdocs.md",
                 "docs/spacy.md", "docs/markdown.md", "docs/html-documents.md"):
        assert f"]({page})" in README, page


def test_readme_examples_run_and_show_their_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_examples(ROOT / "README.md", tmp_path, monkeypatch) >= 3
