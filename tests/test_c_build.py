"""The C modules kept honest: the scanner, page mode's tokenizer loop and the renderers'
loop compile without a warning under ``-Wall -Wextra -Werror``, and their property tests
run clean under AddressSanitizer and UndefinedBehaviorSanitizer.

The sanitizer run builds ``_scan.c``, ``_pagescan.c`` and ``_splice.c`` with
``-fsanitize=address,undefined`` into a copy of the package in a temporary folder, and
runs ``tests/test_scanner.py``, ``tests/test_french_cases.py``,
``tests/test_policy_stream.py`` (threads, skipped entries), ``tests/test_page_scan.py``
(the C loop against the Python loop, on real pages and hostile markup),
``tests/test_render_splice.py`` (the C renderers against the Python ones),
``tests/test_render_templates.py`` (the tooltip templates made in C against Python's),
``tests/test_kept.py`` (the policies in C), ``tests/test_columns.py`` (the walk of cache
records, forged ones among them), ``tests/test_segments.py`` and
``tests/test_streaming.py`` (the packed segments and chunks) and the golden files
against it in a child
interpreter, with the ASan runtime preloaded (Python itself is not built with it) and
Python's allocator off, so that every buffer the C code reads is one ASan watches. Any
report makes the child exit non-zero.

Both need a C compiler (``gcc``, with the Python headers: ``python3-dev`` on Debian) and,
for the second, its sanitizer runtimes (``libasan``, ``libubsan``, which come with
Debian's ``gcc``). They skip without them, and fail under ``CI=true``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from support.browser import on_ci

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "glossator" / "matching" / "_scan.c"
#: Page mode's tokenizer loop, held to the same rules.
PAGESCAN = ROOT / "src" / "glossator" / "documents" / "_pagescan.c"
#: The renderers' loop, too.
SPLICE = ROOT / "src" / "glossator" / "render" / "_splice.c"
STRICT = ("-Wall", "-Wextra", "-Werror")


def _unavailable(reason: str) -> None:
    if on_ci():
        pytest.fail(f"the C build tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _compiler() -> list[str]:
    """The compiler that builds Python's extensions (``gcc`` when it names none)."""
    cc = (sysconfig.get_config_var("CC") or "gcc").split()
    if not cc or shutil.which(cc[0]) is None:
        _unavailable(f"no C compiler ({cc[0] if cc else 'gcc'}): install gcc")
    include = sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").is_file():
        _unavailable(f"no Python headers in {include}: install python3-dev")
    return [*cc, f"-I{include}"]


def _run(cmd: list[str], env: dict[str, str] | None = None,
         cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600,
                          env=env, cwd=cwd)


@pytest.mark.parametrize("source", [SOURCE, PAGESCAN, SPLICE],
                         ids=["scanner", "pagescan", "splice"])
def test_the_c_modules_compile_without_a_warning(tmp_path: Path, source: Path) -> None:
    cmd = [*_compiler(), *STRICT, "-O2", "-fPIC", "-c", str(source), "-o",
           str(tmp_path / "module.o")]
    proc = _run(cmd)
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    assert proc.stderr.strip() == ""


def _local_includes(path: Path) -> set[str]:
    """The files ``#include "…"`` names in ``path`` and, in turn, in those."""
    found: set[str] = set()
    todo = [path]
    while todo:
        text = todo.pop().read_text("utf-8")
        for name in re.findall(r'^#include "([^"]+)"', text, flags=re.MULTILINE):
            if name not in found:
                found.add(name)
                todo.append(path.with_name(name))
    return found


def test_the_build_hook_names_every_part_a_c_module_includes() -> None:
    """hatch_build.py hands each module's local headers to the compiler as ``depends``
    (a changed part rebuilds the module): a part added to a module and not named there
    would be left out of that check."""
    spec = importlib.util.spec_from_file_location("_glossator_hatch_build",
                                                  ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    assert len(hook.MODULES) == 3
    for _, source, depends in hook.MODULES:
        assert {Path(d).name for d in depends} == _local_includes(ROOT / source), source
        assert all((ROOT / d).is_file() for d in depends)
    assert len(_local_includes(SPLICE)) == 7  # the renderers' loop, in its parts


def _runtime(cc: list[str], name: str) -> str:
    """The path of sanitizer runtime ``name`` (``libasan.so``), or skipped."""
    proc = _run([cc[0], f"-print-file-name={name}"])
    path = proc.stdout.strip()
    if proc.returncode != 0 or not os.path.isabs(path) or not os.path.exists(path):
        _unavailable(f"the compiler has no {name}: install gcc (Debian's ships it)")
    return path


def test_the_scanner_tests_pass_under_address_and_undefined_sanitizers(
        tmp_path: Path) -> None:
    cc = _compiler()
    asan = _runtime(cc, "libasan.so")
    package = tmp_path / "glossator"
    shutil.copytree(ROOT / "src" / "glossator", package,
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
    shutil.copytree(ROOT / "glossaries", package / "_glossaries")  # as the wheel has them
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    built = package / "matching" / f"_scan{suffix}"
    for source, out in ((package / "matching" / "_scan.c", built),
                        (package / "documents" / "_pagescan.c",
                         package / "documents" / f"_pagescan{suffix}"),
                        (package / "render" / "_splice.c",
                         package / "render" / f"_splice{suffix}")):
        cmd = [*cc, *STRICT, "-O1", "-g", "-fno-omit-frame-pointer", "-fPIC", "-shared",
               "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
               str(source), "-o", str(out)]
        proc = _run(cmd)
        assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    env = {k: v for k, v in os.environ.items() if k != "GLOSSATOR_PURE_PYTHON"}
    env.update(
        PYTHONPATH=os.pathsep.join(p for p in (str(tmp_path), env.get("PYTHONPATH")) if p),
        LD_PRELOAD=asan, PYTHONMALLOC="malloc",
        # CPython keeps objects alive to the end: leaks are not the scanner's
        ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:exitcode=86",
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87",
    )
    where = _run([sys.executable, "-c",
                  "import glossator.matching.scan as s; print(s.ACCELERATOR.__file__); "
                  "import glossator.documents.html as h; print(h._PAGESCAN.__file__); "
                  "from glossator.render.splice import SPLICE; print(SPLICE.__file__)"],
                 env=env, cwd=ROOT)
    assert where.returncode == 0, where.stderr
    loaded = [str(built), str(package / "documents" / f"_pagescan{suffix}"),
              str(package / "render" / f"_splice{suffix}")]
    assert where.stdout.split() == loaded, "the child did not load the sanitized builds"
    tests = [str(ROOT / "tests" / name)
             for name in ("test_scanner.py", "test_french_cases.py",
                          "test_policy_stream.py", "test_page_scan.py",
                          "test_render_splice.py", "test_render_templates.py",
                          "test_kept.py", "test_columns.py", "test_segments.py",
                          "test_streaming.py", "test_page_kept.py", "golden")]
    proc = _run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                 *tests], env=env, cwd=ROOT)
    assert proc.returncode == 0, (
        f"exit {proc.returncode} under the sanitizers:\n{proc.stdout[-4000:]}\n"
        f"{proc.stderr[-8000:]}")
