"""Hostile file systems: what glossator is given to read or asked to write is not an
ordinary file, or is a file it must not touch (docs/robustness.md).

Every case holds the invariants of :mod:`support.hostile`: a refusal is one line and a
non-zero exit, never a traceback; nothing it must not write is written; reads are
bounded whatever the file claims to be.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from support.cli import RunCli
from support.hostile import fails_cleanly, nothing_lost, run_bounded, succeeds_cleanly

GLOSSARY = "term,definition\nESS,Économie sociale et solidaire.\nPTCE,Pôle territorial.\n"
TEXT = "L'ESS et les PTCE.\n"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "g.csv").write_text(GLOSSARY, "utf-8")
    (tmp_path / "t.txt").write_text(TEXT, "utf-8")
    (tmp_path / "p.html").write_text(f"<p>{TEXT}</p>\n", "utf-8")
    return tmp_path


# --- inputs that are not regular files -------------------------------------------------

def _loop(d: Path) -> str:
    (d / "a.txt").symlink_to(d / "b.txt")
    (d / "b.txt").symlink_to(d / "a.txt")
    return "a.txt"


def _self_loop(d: Path) -> str:
    (d / "self.txt").symlink_to(d / "self.txt")
    return "self.txt"


def _dangling(d: Path) -> str:
    (d / "gone.txt").symlink_to(d / "nowhere.txt")
    return "gone.txt"


def _fifo(d: Path) -> str:
    os.mkfifo(d / "pipe.txt")
    return "pipe.txt"


def _socket(d: Path) -> str:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(d / "sock.txt"))
    s.close()
    return "sock.txt"


def _link_to(target: str) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        (d / "dev.txt").symlink_to(target)
        return "dev.txt"
    return make


def _directory_named_txt(d: Path) -> str:
    (d / "dir.txt").mkdir()
    return "dir.txt/"


def _long_name(d: Path) -> str:
    return "x" * 300 + ".txt"


def _nul_in_name(d: Path) -> str:
    return "t.txt\x00evil"


def _in_a_file(d: Path) -> str:
    return "t.txt/inside.txt"


ODD_INPUTS: dict[str, tuple[Callable[[Path], str], str]] = {
    "symlink-loop": (_loop, "symbolic links"),
    "symlink-to-itself": (_self_loop, "symbolic links"),
    "dangling-symlink": (_dangling, "no such file"),
    "fifo": (_fifo, "FIFO"),
    "unix-socket": (_socket, "socket"),
    "dev-zero": (lambda d: "/dev/zero", "character device"),
    "dev-urandom": (lambda d: "/dev/urandom", "character device"),
    "dev-null": (lambda d: "/dev/null", "character device"),
    "symlink-to-dev-zero": (_link_to("/dev/zero"), "character device"),
    "symlink-to-dev-urandom": (_link_to("/dev/urandom"), "character device"),
    "proc-self-fd-0": (lambda d: "/dev/stdin", "not a regular file"),
    "directory-with-txt-suffix": (_directory_named_txt, "no .txt"),
    "name-too-long": (_long_name, "too long"),
    "nul-in-name": (_nul_in_name, ""),
    "path-through-a-file": (_in_a_file, "Not a directory"),
}


@pytest.mark.parametrize("case", list(ODD_INPUTS), ids=list(ODD_INPUTS))
def test_an_input_that_is_no_regular_file_is_one_line(files: Path, case: str) -> None:
    make, words = ODD_INPUTS[case]
    name = make(files)
    if "\x00" in name:  # no child process takes a NUL in its arguments: in-process
        code, err = _in_process(["annotate", name, "-g", "g.csv"], files)
    else:
        out = run_bounded("annotate", name, "-g", "g.csv", cwd=files)
        code, err = out.code, out.err
    fails_cleanly(code, err, mentions=(words,) if words else ())


def _in_process(argv: list[str], cwd: Path) -> tuple[int, str]:
    """``glossator ARGV`` in this process, from ``cwd``: its code and standard error."""
    import contextlib
    import io

    from glossator.cli import main

    err = io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
    finally:
        os.chdir(here)
    return code, err.getvalue()


@pytest.mark.parametrize("case", ["symlink-loop", "fifo", "symlink-to-dev-zero",
                                  "symlink-to-dev-urandom", "dev-zero", "unix-socket"])
def test_a_glossary_that_is_no_regular_file_is_one_line(files: Path, case: str) -> None:
    make, words = ODD_INPUTS[case]
    name = make(files)
    # the glossary needs a .csv name: a link to the odd file (or the odd file, renamed)
    source = Path(name) if name.startswith("/") else files / name
    if source.is_symlink() and case == "symlink-loop":
        (files / "odd.csv").symlink_to(files / "odd.csv")
    elif source.is_symlink() or not name.startswith("/"):
        os.rename(source, files / "odd.csv")
    else:
        (files / "odd.csv").symlink_to(source)
    out = run_bounded("annotate", "t.txt", "-g", "odd.csv", cwd=files)
    fails_cleanly(out.code, out.err, expected=1, mentions=(words,))


def test_a_fifo_in_an_input_directory_does_not_block(files: Path) -> None:
    site = files / "site"
    site.mkdir()
    (site / "a.txt").write_text(TEXT, "utf-8")
    os.mkfifo(site / "b.txt")
    out = run_bounded("annotate", "site", "-g", "g.csv", "--output-dir", "out", cwd=files)
    # the FIFO is no file of the folder: the page is annotated, the FIFO left alone
    succeeds_cleanly(out.code, out.err)
    assert (files / "out" / "a.txt").is_file()


def test_a_symlink_loop_inside_an_input_directory_is_passed_over(files: Path) -> None:
    site = files / "site"
    site.mkdir()
    _loop(site)
    (site / "c.txt").write_text(TEXT, "utf-8")
    out = run_bounded("annotate", "site", "-g", "g.csv", "--output-dir", "out", cwd=files)
    succeeds_cleanly(out.code, out.err)
    assert sorted(p.name for p in (files / "out").iterdir()) == ["c.txt"]


@pytest.mark.parametrize("source", ["/dev/zero", "/dev/urandom"])
def test_standard_input_from_a_device_is_refused_after_one_block(
    files: Path, source: str
) -> None:
    out = run_bounded("annotate", "-", "-g", "g.csv", cwd=files, stdin=Path(source))
    fails_cleanly(out.code, out.err, expected=1)


def test_a_sparse_file_beyond_the_limit_is_refused_unread(files: Path) -> None:
    from glossator.documents.read import MAX_DOCUMENT_BYTES

    with open(files / "huge.txt", "wb") as f:
        f.truncate(MAX_DOCUMENT_BYTES + 1)
    # read whole (JSON output): refused by its size, unread
    out = run_bounded("annotate", "huge.txt", "-g", "g.csv", "-f", "json", cwd=files)
    fails_cleanly(out.code, out.err, expected=1, mentions=("too large",))
    # text written as text streams a file of any size, piece by piece: these NUL bytes are
    # refused at the first piece, in bounded memory
    out = run_bounded("annotate", "huge.txt", "-g", "g.csv", "-f", "text", cwd=files)
    fails_cleanly(out.code, out.err, expected=1, mentions=("binary",))


def test_a_sparse_glossary_beyond_the_limit_is_refused_unread(files: Path) -> None:
    from glossator.loaders import MAX_GLOSSARY_BYTES

    with open(files / "huge.csv", "wb") as f:
        f.truncate(MAX_GLOSSARY_BYTES + 1)
    out = run_bounded("annotate", "t.txt", "-g", "huge.csv", cwd=files)
    fails_cleanly(out.code, out.err, expected=1, mentions=("too large",))


def test_a_file_larger_than_it_says_is_read_only_to_the_limit(files: Path) -> None:
    from io import BytesIO

    from glossator.reading import read_at_most

    assert read_at_most(BytesIO(b"x" * 100), 10, expected=3) == b"x" * 11
    assert read_at_most(BytesIO(b"x" * 5), 10, expected=0) == b"x" * 5


# --- outputs onto files the run reads ---------------------------------------------------

def _same(d: Path) -> str:
    return "g.csv"


def _dotted(d: Path) -> str:
    return "./g.csv"


def _through_parent(d: Path) -> str:
    (d / "sub").mkdir()
    return "sub/../g.csv"


def _absolute(d: Path) -> str:
    return str(d / "g.csv")


def _symlink(d: Path) -> str:
    (d / "alias.csv").symlink_to(d / "g.csv")
    return "alias.csv"


def _hard_link(d: Path) -> str:
    os.link(d / "g.csv", d / "hard.csv")
    return "hard.csv"


def _symlinked_folder(d: Path) -> str:
    (d / "linked").symlink_to(d)
    return "linked/g.csv"


SPELLINGS: dict[str, Callable[[Path], str]] = {
    "same-name": _same, "dot-slash": _dotted, "through-parent": _through_parent,
    "absolute": _absolute, "symlink": _symlink, "hard-link": _hard_link,
    "symlinked-folder": _symlinked_folder,
}
COMMANDS: dict[str, list[str]] = {
    "annotate": ["annotate", "t.txt", "-g", "g.csv", "-o"],
    "annotate-html": ["annotate", "p.html", "-g", "g.csv", "-o"],
    "suggest": ["suggest", "t.txt", "-g", "g.csv", "-o"],
    "strip": ["strip", "t.txt", "-g", "g.csv", "-o"],
    "strip-glossary-out": ["strip", "t.txt", "-g", "g.csv", "--glossary-out"],
    "index": ["index", "g.csv", "-o"],
    "index-g": ["index", "-g", "g.csv", "-o"],
}


#: Every command with the glossary's own name; every other spelling with two of them.
OVERWRITES = [(command, "same-name") for command in COMMANDS] + [
    (command, spelling) for command in ("annotate", "index") for spelling in SPELLINGS
    if spelling != "same-name"]


@pytest.mark.parametrize(("command", "spelling"), OVERWRITES,
                         ids=[f"{c}-{s}" for c, s in OVERWRITES])
def test_no_command_writes_over_the_glossary_it_reads(
    files: Path, cli: RunCli, command: str, spelling: str
) -> None:
    target = SPELLINGS[spelling](files)
    result = cli(*COMMANDS[command], target)
    fails_cleanly(result.code, result.err, expected=2, mentions=("overwrite",))
    assert (files / "g.csv").read_text("utf-8") == GLOSSARY


@pytest.mark.parametrize("spelling", ["dot-slash", "symlink", "hard-link"])
def test_convert_refuses_its_own_input_however_spelled(
    files: Path, cli: RunCli, spelling: str
) -> None:
    target = SPELLINGS[spelling](files)
    result = cli("convert", "g.csv", target)
    fails_cleanly(result.code, result.err, expected=2, mentions=("is the input",))
    assert (files / "g.csv").read_text("utf-8") == GLOSSARY


def test_an_output_onto_an_input_through_a_hard_link_is_refused(
    files: Path, cli: RunCli
) -> None:
    os.link(files / "t.txt", files / "same.txt")
    result = cli("annotate", "t.txt", "-g", "g.csv", "-o", "same.txt")
    fails_cleanly(result.code, result.err, expected=2, mentions=("input file",))
    assert (files / "t.txt").read_text("utf-8") == TEXT


def test_the_assets_never_overwrite_a_glossary(files: Path, cli: RunCli) -> None:
    (files / "glossator.css").write_text(GLOSSARY, "utf-8")
    result = cli("annotate", "p.html", "-g", "glossator.css", "--glossary-format", "csv",
                 "--output-dir", ".", "--assets", "link")
    fails_cleanly(result.code, result.err, expected=2)
    assert (files / "glossator.css").read_text("utf-8") == GLOSSARY


# --- runs killed while they write ------------------------------------------------------

def _site(root: Path, pages: int = 6, size: int = 40000) -> Path:
    site = root / "site"
    site.mkdir()
    para = "<p>L'ESS et les PTCE. " + "texte " * 20 + "</p>\n"
    for i in range(pages):
        (site / f"p{i}.html").write_text("<html><body>" + para * size + "</body></html>",
                                         "utf-8")
    return site


def _wait_stopped(pid: int) -> None:
    """Wait until process ``pid`` stands still (a signal is delivered, not at once)."""
    for _ in range(1000):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return
        if state in ("T", "t", "Z", "X"):
            return
        time.sleep(0.001)


def _kill_while_writing(cmd: list[str], site: Path, cwd: Path) -> list[str]:
    """Run ``cmd`` and SIGKILL it while a partial file is in ``site``; the partial files
    it left. The run is stopped (SIGSTOP) every few milliseconds and the folder looked
    at while it stands still, so that a kill lands mid-write however busy the machine;
    up to a dozen runs are tried, the window being a few milliseconds a page (one run in
    five was seen to slip through on a loaded machine)."""
    for _ in range(12):
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
            try:
                os.kill(proc.pid, signal.SIGSTOP)
            except ProcessLookupError:
                break
            _wait_stopped(proc.pid)
            found = [e.name for e in os.scandir(site) if e.name.endswith(".glossator-partial")]
            if found:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                return found
            os.kill(proc.pid, signal.SIGCONT)
        proc.kill()
        proc.wait()
    pytest.fail("no run could be caught writing")


def test_a_run_killed_mid_write_leaves_a_partial_file_the_next_run_removes(
    tmp_path: Path,
) -> None:
    (tmp_path / "g.csv").write_text(GLOSSARY, "utf-8")
    site = _site(tmp_path)
    before = {p.name: p.read_bytes() for p in site.iterdir()}
    cmd = [sys.executable, "-m", "glossator", "annotate", "--in-place", "--jobs", "1",
           "-q", "-g", "g.csv", "site"]
    left = _kill_while_writing(cmd, site, tmp_path)
    assert left and all((site / n).exists() for n in left)
    # every page is whole: the one being written is its old self or its new one
    for name, data in before.items():
        now = (site / name).read_bytes()
        assert now == data or now.startswith(b"<html><body><p>L'<span"), name
    out = run_bounded("annotate", "--in-place", "-q", "-g", "g.csv", "site", cwd=tmp_path)
    succeeds_cleanly(out.code, out.err)
    assert not [p for p in site.iterdir() if p.name.endswith(".glossator-partial")]


def _partial(site: Path, target: str, writer: str) -> Path:
    path = site / f".{target}.{writer}.abcdefgh.glossator-partial"
    path.write_bytes(b"half")
    return path


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_partial_files_of_runs_still_alive_or_elsewhere_are_kept(files: Path) -> None:
    from glossator.documents.write import _host, remove_stale_partials

    site = files / "site"
    site.mkdir()
    (site / "a.html").write_text("<p>x</p>", "utf-8")
    here = _host()
    alive = _partial(site, "a.html", f"{here}-{os.getppid()}")  # our parent runs
    other_host = _partial(site, "a.html", f"{'0' if here[0] != '0' else '1'}{here[1:]}-1")
    other_target = _partial(site, "b.html", f"{here}-{_dead_pid()}")
    dead = _partial(site, "a.html", f"{here}-{_dead_pid()}")
    link = site / f".a.html.{here}-{_dead_pid()}.zzzzzzzz.glossator-partial"
    link.symlink_to(site / "a.html")
    assert remove_stale_partials([str(site / "a.html")]) == 1
    assert not dead.exists()
    assert alive.exists() and other_host.exists() and other_target.exists()
    assert link.is_symlink() and (site / "a.html").exists()


def test_a_partial_file_older_than_a_day_is_stale_whoever_wrote_it(files: Path) -> None:
    from glossator.documents.write import STALE_AFTER, remove_stale_partials

    site = files / "site"
    site.mkdir()
    old = _partial(site, "a.html", f"abcdef-{os.getppid()}")
    past = time.time() - STALE_AFTER - 60
    os.utime(old, (past, past))
    assert remove_stale_partials([str(site / "a.html")]) == 1


def test_utf16_on_standard_input_longer_than_the_first_block_is_read_whole(
    files: Path,
) -> None:
    # 😀 is a surrogate pair in UTF-16: some fall across the first 64 KiB block
    text = "😀ESS " * 20000 + "\n"
    out = run_bounded("annotate", "-", "--encoding", "utf-16", "-g", "g.csv", "-f", "json",
                      cwd=files, stdin=text.encode("utf-16"))
    succeeds_cleanly(out.code, out.err)
    nothing_lost(text, out.out.decode("utf-8"), "json")
