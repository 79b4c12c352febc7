"""Runs the examples of a documentation page (``docs/*.md``, the README), so that a page
shows what glossator does.

The conventions, shared by every page:

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
from pathlib import Path

import pytest
import yaml

import glossator

ROOT = Path(__file__).resolve().parents[2]


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
        assert keys and keys <= set(GlossatorPluginConfig().keys()), where
    elif (isinstance(data, dict) and "entries" in data) or (
            isinstance(data, list) and all(isinstance(e, dict) and "term" in e for e in data)):
        path = tmp / "block.yaml"
        path.write_text(block.text, encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("error", glossator.GlossatorWarning)
            assert len(glossator.load_glossary(path)) > 0, where


def run_examples(page: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run every example of ``page`` in ``tmp``; return how many were checked."""
    for folder in ("examples", "glossaries", "tests", "docs"):
        (tmp / folder).symlink_to(ROOT / folder)
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
