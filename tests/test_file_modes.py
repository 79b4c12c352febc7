"""The permissions of the files glossator writes: those of any program's new file.

Every command that writes a file goes through ``documents.write.write_file``, which writes
a hidden file first (``tempfile.mkstemp``, mode 0600) and renames it into place. Before,
the 0600 stayed: a web server running as another user answered 403 for every annotated
page. A new file now gets ``0666 & ~umask``; a file replaced keeps its own mode. Each
command runs in a subprocess under a real umask.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

UMASKS = (0o022, 0o027, 0o077)
PAGE = ("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>t</title>\n</head>\n<body>\n<p>Les PTCE et l’ESS.</p>\n</body>\n</html>\n")


def _run(umask: int, cwd: Path, *args: str) -> None:
    """``glossator ARGS`` in ``cwd`` under ``umask`` (set in the child, before exec)."""
    done = subprocess.run([sys.executable, "-m", "glossator", *args], cwd=cwd,
                          capture_output=True, check=False,
                          preexec_fn=lambda: os.umask(umask))
    assert done.returncode == 0, done.stderr.decode()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _site(folder: Path) -> Path:
    (folder / "page").mkdir()
    site = folder / "site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text(PAGE, "utf-8")
    (site / "sub" / "page.html").write_text(PAGE, "utf-8")
    (folder / "text.txt").write_text("Les PTCE et l’ESS.\n", "utf-8")
    return site


@pytest.mark.parametrize("umask", UMASKS, ids=lambda m: f"umask-{m:03o}")
def test_new_files_get_0666_less_the_umask(tmp_path: Path, umask: int) -> None:
    _site(tmp_path)
    _run(umask, tmp_path, "annotate", "text.txt", "-o", "out.txt")
    _run(umask, tmp_path, "annotate", "text.txt", "--standalone", "--script",
         "--assets", "inline", "-o", "page/out.html")
    _run(umask, tmp_path, "annotate", "site", "--output-dir", "out")
    _run(umask, tmp_path, "index", "-o", "index.html")
    _run(umask, tmp_path, "convert", str(Path(__file__).parent / "golden" / "glossary.yaml"),
         "converted.json")
    (tmp_path / "acronyms.txt").write_text("La CRESS, puis la CRESS.\n", "utf-8")
    _run(umask, tmp_path, "suggest", "acronyms.txt", "-o", "draft.yaml")  # (one to draft)
    expected = 0o666 & ~umask
    written = ["out.txt", "page/out.html", "page/glossator.js", "out/index.html",
               "out/sub/page.html", "out/glossator.css", "out/glossator.js", "index.html",
               "converted.json", "draft.yaml"]
    modes = {name: oct(_mode(tmp_path / name)) for name in written}
    assert modes == dict.fromkeys(written, oct(expected))


@pytest.mark.parametrize("umask", UMASKS, ids=lambda m: f"umask-{m:03o}")
def test_a_file_replaced_keeps_its_mode(tmp_path: Path, umask: int) -> None:
    site = _site(tmp_path)
    (site / "index.html").chmod(0o640)
    (site / "sub" / "page.html").chmod(0o604)
    (tmp_path / "out.txt").write_text("old", "utf-8")
    (tmp_path / "out.txt").chmod(0o600)
    _run(umask, tmp_path, "annotate", "site", "--in-place")
    _run(umask, tmp_path, "annotate", "text.txt", "-o", "out.txt")
    assert _mode(site / "index.html") == 0o640
    assert _mode(site / "sub" / "page.html") == 0o604
    assert _mode(tmp_path / "out.txt") == 0o600
    assert _mode(site / "glossator.css") == 0o666 & ~umask  # new: written at the root
    assert "PTCE" in (site / "index.html").read_text("utf-8")
