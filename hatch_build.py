"""Build hook: compile glossator's C scanner (src/glossator/_scan.c) into the wheel.

The scanner makes matching several times faster on large glossaries; glossator works
without it (the pure-Python scanner gives the same matches), so a machine without a C
compiler still gets a working, slower install, with a warning. Set
``GLOSSATOR_REQUIRE_EXTENSION=1`` to make a failed compilation an error instead.

For an editable install (``pip install -e .``) the module is compiled next to its source,
in ``src/glossator/``, where the editable package is imported from.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("src") / "glossator" / "matching" / "_scan.c"
TABLES = SOURCE.with_name("_scan_tables.h")
#: The policies in C, included by _scan.c (a block of its own).
KEEP = SOURCE.with_name("_keep.h")


def _compile(root: Path, out_dir: Path) -> Path:
    """Compile the extension into ``out_dir``; return the built file."""
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    ext = Extension(
        "glossator.matching._scan",
        sources=[str(root / SOURCE)],
        # the tables generated from glossator/text/chars.py (python -m
        # glossator.matching.tables), included by _scan.c and committed next to it
        depends=[str(root / TABLES), str(root / KEEP)],
        # warnings shown, not fatal, for users' compilers; tests/test_c_build.py compiles
        # with -Werror
        extra_compile_args=["-O2", "-Wall", "-Wextra"] if os.name != "nt" else [],
    )
    dist = Distribution({"name": "glossator", "ext_modules": [ext]})
    cmd = build_ext(dist)
    with tempfile.TemporaryDirectory() as tmp:
        cmd.build_temp = tmp
        cmd.build_lib = str(out_dir)
        cmd.ensure_finalized()
        cmd.run()
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    built = out_dir / "glossator" / "matching" / f"_scan{suffix}"
    if not built.is_file():
        raise RuntimeError(f"the compiler did not produce {built}")
    return built


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile ``glossator._scan`` and add it to the wheel (or next to the sources)."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Hatchling calls this before building a target."""
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        self._tmp = tempfile.TemporaryDirectory()
        try:
            built = _compile(root, Path(self._tmp.name))
        except Exception as exc:  # a missing compiler or headers: fall back
            if version == "editable":  # never leave a module built from older sources
                for stale in (root / "src" / "glossator" / "matching").glob("_scan.*"):
                    if stale.suffix in (".so", ".pyd"):
                        stale.unlink()
            if os.environ.get("GLOSSATOR_REQUIRE_EXTENSION", "") not in ("", "0"):
                raise
            print(f"glossator: warning: the C scanner was not compiled ({exc}); "
                  "glossator will use its slower pure-Python scanner", file=sys.stderr)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version == "editable":
            # a new file renamed over the old one: a process that has the old module
            # mapped keeps it, where writing into it in place would crash that process
            target = root / "src" / "glossator" / "matching" / built.name
            partial = target.with_name(f".{built.name}.partial")
            partial.write_bytes(built.read_bytes())
            partial.chmod(0o755)
            os.replace(partial, target)
        else:
            build_data["force_include"][str(built)] = f"glossator/matching/{built.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact: str) -> None:
        """Remove the temporary build folder."""
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()
