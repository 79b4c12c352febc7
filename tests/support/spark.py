"""PySpark in local mode for the tests: pyspark and a Java runtime, found here, never
installed.

pyspark is in the ``test`` extra; Java 17 or newer (Spark 4 needs it) is installed by the
explicit step of the README's test command, ``bash tools/provision-tests.sh``. When either
is missing, the Spark test is skipped on a developer's machine, naming what to run, and
fails on CI (``CI=true``), where a green run must not hide it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess

from .browser import PROVISION, unavailable


def java() -> tuple[str | None, int]:
    """The ``java`` Spark starts (``$JAVA_HOME/bin/java``, else the one on ``PATH``) and
    its major version (0 when there is none, or it does not say)."""
    home = os.environ.get("JAVA_HOME")
    path = os.path.join(home, "bin", "java") if home else None
    if path is None or not os.access(path, os.X_OK):
        path = shutil.which("java")
    if path is None:
        return None, 0
    result = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=60,
                            check=False)
    found = re.search(r'version "(\d+)', result.stderr + result.stdout)
    return path, int(found.group(1)) if found else 0


def require_spark() -> None:
    """Skip (fail on CI) unless pyspark is installed and Java 17+ is there to run it."""
    if importlib.util.find_spec("pyspark") is None:
        unavailable("pyspark is not installed: pip install -e '.[test]'")
    path, major = java()
    if major < 17:
        found = f"{path} is version {major}" if path else "there is no java"
        unavailable(f"Spark needs Java 17 or newer and {found}: run `{PROVISION}`")
