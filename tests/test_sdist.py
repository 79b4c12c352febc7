"""The source distribution carries every file the repository tracks, so that someone who
unpacks it can run the test command (``.ci/run``): the docs its examples come from, the
WordPress and SPIP plug-ins the integration tests install, and the provisioning scripts.

Builds the sdist with hatchling (in the ``[test]`` extra) in about a second; needs the git
checkout to know what is tracked.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from support.browser import on_ci

ROOT = Path(__file__).resolve().parents[1]


def _tracked() -> set[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        if on_ci():
            pytest.fail("the sdist test needs the git checkout on CI", pytrace=False)
        pytest.skip("not a git checkout: the tracked files are unknown")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                         check=True).stdout.decode()
    return {name for name in out.split("\0") if name}


def test_the_sdist_holds_every_tracked_file(tmp_path: Path) -> None:
    tracked = _tracked()
    built = subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "sdist",
                            "-d", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                           check=False, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    (archive,) = tmp_path.glob("glossator-*.tar.gz")
    with tarfile.open(archive) as tar:
        members = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    missing = sorted(tracked - members)
    assert not missing, f"the sdist leaves out {len(missing)} tracked files: {missing[:10]}"
    assert ".ci/run" in members
    assert any(m.startswith("integrations/wordpress/") for m in members)
