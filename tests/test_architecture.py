"""The shape of the code (docs/design.md): layers that import downwards, no import cycle,
no function too long or too tangled to read.

Every import counts, at module level or inside a function, because an import inside a
function is still a dependency: it only hides the cycle from the interpreter.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "glossator"

#: The layers of docs/design.md, lowest first: a module may import its own layer and
#: the ones below. A module not listed takes the layer of its package.
LAYERS: list[tuple[str, ...]] = [
    ("glossator._version", "glossator._gc", "glossator._values", "glossator._typing",
     "glossator._lazy", "glossator._native", "glossator.errors", "glossator.text"),
    ("glossator.model", "glossator.anchors", "glossator.reading"),
    ("glossator.entries", "glossator.glossary", "glossator.policy", "glossator.senses"),
    ("glossator.matching",),
    ("glossator.store", "glossator.render", "glossator.writers", "glossator.kept"),
    ("glossator.annotate", "glossator.loaders"),
    ("glossator.documents", "glossator.explain", "glossator.lint", "glossator.suggest",
     "glossator.strip", "glossator.streaming"),
    ("glossator.runner", "glossator.plan", "glossator.integrations", "glossator.batch"),
    ("glossator.cluster",),
    ("glossator.cli", "glossator.serve", "glossator", "glossator.__main__"),
]
#: How many imports may run up a layer (each one is a debt, written down here).
MAX_UPWARD = 0
#: The longest a function may be, in lines.
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """The glossator modules ``name`` imports, with the line, wherever the import is."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("glossator"):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if not target.startswith("glossator"):
                continue
            for alias in node.names:  # "from . import x" imports the module x
                sub = f"{target}.{alias.name}"
                yield (sub if sub in known else target), node.lineno


def _graph() -> dict[str, set[tuple[str, int]]]:
    modules = _modules()
    known = set(modules)
    return {name: set(_imports(name, path, known)) for name, path in modules.items()}


def _layer(name: str) -> int:
    best, best_len = None, -1
    for i, names in enumerate(LAYERS):
        for prefix in names:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = i, len(prefix)
    assert best is not None, f"{name} is in no layer: add it to LAYERS and docs/design.md"
    return best


def test_every_module_has_a_layer() -> None:
    for name in _modules():
        _layer(name)


def test_imports_run_down_the_layers() -> None:
    upward = [
        f"{name}:{line} imports {target} ({_layer(name)} -> {_layer(target)})"
        for name, targets in _graph().items() for target, line in sorted(targets)
        if _layer(target) > _layer(name)
    ]
    assert len(upward) <= MAX_UPWARD, "\n".join(upward)


def test_no_import_cycle() -> None:
    graph = {name: {t for t, _ in targets if t != name} for name, targets in _graph().items()}
    # a package imports its own modules to re-export them; a module importing its
    # package's __init__ (a sibling) back would close a cycle, and is counted
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == [], "\n".join(" -> ".join(c) for c in cycles)


def _functions() -> Iterator[tuple[str, int, str, int]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                length = node.end_lineno - node.lineno + 1
                yield str(path.relative_to(SRC)), node.lineno, node.name, length


def test_no_function_is_too_long() -> None:
    long = [f"{file}:{line} {name}: {n} lines" for file, line, name, n in _functions()
            if n > MAX_FUNCTION_LINES]
    assert long == []


@pytest.mark.parametrize("bad", [
    "import glossator.cli\n",
    "from ..cli import main\n",
])
def test_an_upward_import_is_seen(tmp_path: Path, bad: str) -> None:
    # the check itself can fail: a low module that imports the command line is caught
    path = PACKAGE / "text" / "normalize.py"
    names = {n for n, _ in _imports("glossator.text.normalize", _fake(tmp_path, path, bad),
                                     set(_modules()))}
    assert "glossator.cli" in names


def _fake(tmp_path: Path, path: Path, extra: str) -> Path:
    fake = tmp_path / path.name
    fake.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return fake
