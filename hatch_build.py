"""Build hook: compile glossator's C modules into the wheel: the scanner
(src/glossator/matching/_scan.c), page mode's tokenizer loop
(src/glossator/documents/_pagescan.c) and the renderers' loop
(src/glossator/render/_splice.c).

The scanner makes matching several times faster on large glossaries, the tokenizer loop
reading HTML pages, the splice loop writing text, HTML and JSON; glossator works without
them (the pure-Python code gives the same results), so a machine without a C compiler
still gets a working, slower install, with a warning. Set
``GLOSSATOR_REQUIRE_EXTENSION=1`` to make a failed compilation an error instead.

For an editable install (``pip install -e .``) the modules are compiled next to their
sources, in ``src/glossator/``, where the editable package is imported from.
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
#: Page mode's tokenizer loop (glossator.documents._pagescan); without it the Python loop
#: of documents/html.py reads the same runs.
PAGESCAN = Path("src") / "glossator" / "documents" / "_pagescan.c"
#: The renderers' loop (glossator.render._splice); without it render/*.py write the same.
SPLICE = Path("src") / "glossator" / "render" / "_splice.c"
#: Its parts, included by _splice.c in this order (one compilation unit).
SPLICE_PARTS = tuple(SPLICE.with_name(f"_splice_{part}.h") for part in (
    "out", "text", "html", "json", "arrays", "pieces", "json_pieces"))
#: The C modules: (dotted name, source, headers it includes).
MODULES = (
    # the tables generated from glossator/text/chars.py (python -m
    # glossator.matching.tables), included by _scan.c and committed next to it
    ("glossator.matching._scan", SOURCE, (TABLES, KEEP)),
    ("glossator.documents._pagescan", PAGESCAN, ()),
    ("glossator.render._splice", SPLICE, SPLICE_PARTS),
)


def _compile(root: Path, out_dir: Path) -> list[Path]:
    """Compile the extensions into ``out_dir``; return the built files."""
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    exts = [Extension(
        name, sources=[str(root / source)], depends=[str(root / d) for d in depends],
        # warnings shown, not fatal, for users' compilers; tests/test_c_build.py compiles
        # with -Werror
        extra_compile_args=["-O2", "-Wall", "-Wextra"] if os.name != "nt" else [],
    ) for name, source, depends in MODULES]
    dist = Distribution({"name": "glossator", "ext_modules": exts})
    cmd = build_ext(dist)
    with tempfile.TemporaryDirectory() as tmp:
        cmd.build_temp = tmp
        cmd.build_lib = str(out_dir)
        cmd.ensure_finalized()
        cmd.run()
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    built = [out_dir.joinpath(*name.split(".")).with_name(name.rsplit(".", 1)[1] + suffix)
             for name, _, _ in MODULES]
    for path in built:
        if not path.is_file():
            raise RuntimeError(f"the compiler did not produce {path}")
    return built


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile the C modules and add them to the wheel (or next to the sources)."""

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
                for _, source, _ in MODULES:
                    for stale in (root / source.parent).glob(source.stem + ".*"):
                        if stale.suffix in (".so", ".pyd"):
                            stale.unlink()
            if os.environ.get("GLOSSATOR_REQUIRE_EXTENSION", "") not in ("", "0"):
                raise
            print(f"glossator: warning: the C modules were not compiled ({exc}); "
                  "glossator will use its slower pure-Python code", file=sys.stderr)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        for path, (name, _, _) in zip(built, MODULES, strict=True):
            inside = "/".join(name.split(".")[:-1]) + "/" + path.name  # glossator/matching/…
            if version == "editable":
                # a new file renamed over the old one: a process that has the old module
                # mapped keeps it, where writing into it in place would crash that process
                target = root / "src" / inside
                partial = target.with_name(f".{path.name}.partial")
                partial.write_bytes(path.read_bytes())
                partial.chmod(0o755)
                os.replace(partial, target)
            else:
                build_data["force_include"][str(path)] = inside

    def finalize(self, version: str, build_data: dict[str, Any], artifact: str) -> None:
        """Remove the temporary build folder."""
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()
