"""Build hook: compile glossator's C modules into the wheel: the scanner
(src/glossator/matching/_scan.c) and the renderers' splice loop
(src/glossator/render/_splice.c).

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
SPLICE = Path("src") / "glossator" / "render" / "_splice.c"
#: (module, source, headers it includes) of each extension
MODULES = (("matching/_scan", SOURCE, (TABLES,)), ("render/_splice", SPLICE, ()))


def _compile(root: Path, out_dir: Path) -> list[Path]:
    """Compile the extensions into ``out_dir``; return the built files."""
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    exts = [Extension(
        "glossator." + module.replace("/", "."),
        sources=[str(root / source)],
        # _scan_tables.h: generated from glossator/text/chars.py (python -m
        # glossator.matching.tables), included by _scan.c and committed next to it
        depends=[str(root / header) for header in headers],
        # warnings shown, not fatal, for users' compilers; tests/test_c_build.py compiles
        # with -Werror
        extra_compile_args=["-O2", "-Wall", "-Wextra"] if os.name != "nt" else [],
    ) for module, source, headers in MODULES]
    dist = Distribution({"name": "glossator", "ext_modules": exts})
    cmd = build_ext(dist)
    with tempfile.TemporaryDirectory() as tmp:
        cmd.build_temp = tmp
        cmd.build_lib = str(out_dir)
        cmd.ensure_finalized()
        cmd.run()
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    built = [out_dir / "glossator" / f"{module}{suffix}" for module, _, _ in MODULES]
    for path in built:
        if not path.is_file():
            raise RuntimeError(f"the compiler did not produce {path}")
    return built


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile ``glossator.matching._scan`` and ``glossator.render._splice`` and add them
    to the wheel (or next to the sources)."""

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
                for module, _, _ in MODULES:
                    folder, name = module.split("/")
                    for stale in (root / "src" / "glossator" / folder).glob(f"{name}.*"):
                        if stale.suffix in (".so", ".pyd"):
                            stale.unlink()
            if os.environ.get("GLOSSATOR_REQUIRE_EXTENSION", "") not in ("", "0"):
                raise
            print(f"glossator: warning: the C modules were not compiled ({exc}); "
                  "glossator will use its slower pure-Python scanner and renderers",
                  file=sys.stderr)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        for (module, _, _), path in zip(MODULES, built, strict=True):
            folder = module.split("/")[0]
            if version == "editable":
                # a new file renamed over the old one: a process that has the old module
                # mapped keeps it, where writing into it in place would crash that process
                target = root / "src" / "glossator" / folder / path.name
                partial = target.with_name(f".{path.name}.partial")
                partial.write_bytes(path.read_bytes())
                partial.chmod(0o755)
                os.replace(partial, target)
            else:
                build_data["force_include"][str(path)] = f"glossator/{folder}/{path.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact: str) -> None:
        """Remove the temporary build folder."""
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()
