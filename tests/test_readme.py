"""The README's examples run and say what they print."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    assert "glossator annotate examples/" in blocks[0]
    assert "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1].strip() in ci


@pytest.mark.parametrize("index", range(len(re.findall(r"```python\n", README))))
def test_python_examples_run_and_print_what_they_say(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = re.findall(r"```python\n(.*?)```", README, re.S)[index]
    expected = [line[2:] for line in code.splitlines() if re.match(r"# \d", line)]
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"README python block {index}", "exec"), {})
    printed = out.getvalue().splitlines()
    for line in expected:
        assert line in printed


def test_every_format_is_documented() -> None:
    import glossator

    for name in ("text", "html", "terminal", "json", "markdown"):
        assert name in glossator.available_renderers()
        assert f"### `{name}`" in README


def test_bundled_glossary_size_in_readme_is_true() -> None:
    import glossator

    n = len(glossator.load_glossary())
    assert f"holds {n} entries" in README
    assert os.path.exists(glossator.bundled_glossary_path())
