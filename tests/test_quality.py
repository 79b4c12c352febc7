"""The tree stays clean: ruff and mypy (strict, on the package and the tests) pass, every
public name has a docstring."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import glossator

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return [str(exe)]
    found = shutil.which(name)
    assert found is not None, f"{name} is not installed: pip install -e '.[test]'"
    return [found]


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [*_tool("ruff"), "check", "src", "tests", "benchmarks", "examples"], cwd=ROOT,
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean_on_the_package_and_the_tests() -> None:
    """``mypy`` with no arguments, as a developer runs it, checks every module of
    src/glossator and of tests/ (pyproject.toml's ``files``) and finds nothing."""
    result = subprocess.run(
        [*_tool("mypy")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sources = [path for top in ("src/glossator", "tests") for path in (ROOT / top).rglob("*")
               if path.suffix in (".py", ".pyi")]
    assert any(p.is_relative_to(ROOT / "tests") for p in sources)
    assert f"no issues found in {len(sources)} source files" in result.stdout, (
        f"mypy did not check the {len(sources)} modules of src/glossator and tests/: "
        f"see [tool.mypy] in pyproject.toml\n{result.stdout}")


def test_every_public_name_has_a_docstring() -> None:
    missing = []
    for info in pkgutil.walk_packages(glossator.__path__, "glossator."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        if not module.__doc__:
            missing.append(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and not obj.__doc__:
                missing.append(f"{info.name}.{name}")
    assert missing == []


def test_spacy_is_not_imported_by_the_cli_path() -> None:
    code = (
        "import sys, glossator, glossator.cli, glossator.render.text, glossator.render.html;"
        "print('spacy' in sys.modules, 'rich' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_annotate_imports_no_other_command_s_library() -> None:
    """The parser registers every command, but a run of ``annotate`` loads only its own
    code: the linter, the harvester, strip, the index, the writers and rdflib stay out,
    and so do the HTML document reader and multiprocessing for a text input."""
    code = (
        "import sys, io, contextlib; from glossator.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['annotate', '-', '-f', 'text'])\n"
        "heavy = ['glossator.lint', 'glossator.suggest', 'glossator.strip', "
        "'glossator.text.collation', 'glossator.writers', 'rdflib', 'spacy', "
        "'glossator.documents.html', 'multiprocessing', 'glossator.serve', 'starlette', "
        "'uvicorn', 'anyio']\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], input="L'ESS.\n", capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
