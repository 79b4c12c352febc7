"""An output whose bytes would not change is not rewritten.

A site annotated again (``--in-place`` on pages glossator already annotated, a
``--output-dir`` or ``-o`` run over the same sources) used to replace every file with the
same bytes: each page got a new modification time and inode, so a static site's build,
``rsync`` or ``make`` saw the whole site as changed. ``documents.write.write_with`` now
compares the finished hidden file with the target and keeps the target when they are
equal, byte for byte.
"""

from __future__ import annotations

import os
from pathlib import Path

from glossator.documents.write import partial_files, write_file
from support.cli import RunCli

PAGE = ("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>t</title>\n</head>\n<body>\n<p>Les PTCE et l’ESS.</p>\n</body>\n</html>\n")
PAST = 1_000_000_000  # 2001: any later write shows


def _aged(path: Path) -> tuple[int, int]:
    """Set ``path``'s times in the past; its (inode, mtime) then."""
    os.utime(path, (PAST, PAST))
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def _now(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def test_the_same_bytes_leave_the_file_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_file(str(target), "L’ESS (économie sociale et solidaire).\n", fmt="text")
    before = _aged(target)
    write_file(str(target), "L’ESS (économie sociale et solidaire).\n", fmt="text")
    assert _now(target) == before
    assert partial_files(str(target)) == []  # the hidden file written is gone


def test_other_bytes_of_the_same_length_replace_it(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_file(str(target), "abcdef\n", fmt="text")
    before = _aged(target)
    write_file(str(target), "abcdeg\n", fmt="text")
    assert target.read_text("utf-8") == "abcdeg\n"
    assert _now(target) != before


def test_a_longer_output_replaces_it(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_file(str(target), "abc\n", fmt="text")
    before = _aged(target)
    write_file(str(target), "abc\nd\n", fmt="text")
    assert target.read_text("utf-8") == "abc\nd\n" and _now(target) != before


def test_a_site_annotated_again_in_place_is_left_alone(cli: RunCli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    page = site / "index.html"
    page.write_text(PAGE, "utf-8")
    first = cli("annotate", "site", "--in-place", "--quiet")
    assert first.code == 0, first.err
    annotated = page.read_bytes()
    assert b"glossator" in annotated and annotated != PAGE.encode()
    before = _aged(page)
    again = cli("annotate", "site", "--in-place", "--quiet")
    assert again.code == 0, again.err
    assert page.read_bytes() == annotated
    assert _now(page) == before


def test_an_output_folder_written_again_is_left_alone(cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE, "utf-8")
    (tmp_path / "b.txt").write_text("Les PTCE.\n", "utf-8")
    assert cli("annotate", "a.html", "b.txt", "--output-dir", "out", "--quiet").code == 0
    outs = sorted((tmp_path / "out").iterdir())
    before = [_aged(p) for p in outs]
    (tmp_path / "b.txt").write_text("Les PTCE et l’ESS.\n", "utf-8")  # one source edited
    assert cli("annotate", "a.html", "b.txt", "--output-dir", "out", "--quiet").code == 0
    after = dict(zip(outs, (_now(p) for p in outs), strict=True))
    assert after[tmp_path / "out" / "a.html"] == before[0]  # the same page: kept
    assert after[tmp_path / "out" / "b.txt"] != before[1]  # the edited one: written
    assert "l’ESS" in (tmp_path / "out" / "b.txt").read_text("utf-8")


def test_a_shorter_output_replaces_it(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_file(str(target), "abc\nd\n", fmt="text")
    before = _aged(target)
    assert write_file(str(target), "abc\n", fmt="text")
    assert target.read_text("utf-8") == "abc\n" and _now(target) != before


def test_nothing_is_made_in_the_folder_and_the_summary_says_unchanged(
        cli: RunCli, tmp_path: Path) -> None:
    """The same bytes are found as they come, before any hidden file is made: the
    folder's time stays (it changed with each run, a hidden file made and removed), and
    the summary counts the page as unchanged, not written."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(PAGE, "utf-8")
    assert cli("annotate", "site", "--in-place", "-q").code == 0
    os.utime(site, (PAST, PAST))
    folder = site.stat().st_mtime_ns
    again = cli("annotate", "site", "--in-place")
    assert again.code == 0, again.err
    assert site.stat().st_mtime_ns == folder
    assert "glossator: 1 file read, 0 written, 1 unchanged, 0 failed" in again.err
    target = tmp_path / "out.txt"
    assert write_file(str(target), "abc\n", fmt="text") is True
    assert write_file(str(target), "abc\n", fmt="text") is False
