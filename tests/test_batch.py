"""Many inputs: --output-dir one at a time, -j/--jobs in several processes, bad inputs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from glossator import Annotator, Glossary
from glossator.documents.read import Document, read_document
from glossator.runner import DocumentJob, each

TEXT = "Le Labo de l’ESS étudie les PTCE et l'économie sociale.\n"
PAGE = ("<!doctype html><html><head><meta charset=windows-1252><title>t</title></head>"
        "<body><p>Les coopératives et l'ESS, à Paris.</p></body></html>")


def _inputs(folder: Path) -> list[Path]:
    """Seven inputs of every kind: text, HTML (one in windows-1252), Markdown."""
    folder.mkdir()
    files = []
    for i in range(3):
        path = folder / f"t{i}.txt"
        path.write_text(TEXT * (i + 1), "utf-8")
        files.append(path)
    page = folder / "page1252.html"
    page.write_bytes(PAGE.encode("cp1252"))
    files.append(page)
    page2 = folder / "page.html"
    page2.write_text(PAGE.replace("windows-1252", "utf-8"), "utf-8")
    files.append(page2)
    for i in range(2):
        path = folder / f"m{i}.md"
        path.write_text(f"# Titre {i}\n\nLes **PTCE** et l’ESS.\n", "utf-8")
        files.append(path)
    return files


def _glossator(*args: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "glossator", "annotate", *map(str, args)],
                          capture_output=True, check=False)


def test_jobs_write_the_same_files_as_one_process(tmp_path: Path) -> None:
    files = _inputs(tmp_path / "in")
    one = _glossator(*files, "--output-dir", tmp_path / "one")
    two = _glossator(*files, "--output-dir", tmp_path / "two", "-j", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    # the summary closes each run: the same but for the time
    assert one.stderr.splitlines()[1:] == two.stderr.splitlines()[1:]
    assert one.stderr.startswith(b"glossator: 7 files read, 7 written, 0 unchanged, 0 failed")
    written = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "two").iterdir())
    assert written == ["glossator.css", "glossator.js",  # the pages link them (--assets)
                       "m0.html", "m1.html", "page.html", "page1252.html",  # pages, Markdown
                       "t0.txt", "t1.txt", "t2.txt"]  # text inputs: as each would be alone
    for name in written:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    # a page is written back in its own encoding
    assert "coopératives".encode("cp1252") in (tmp_path / "two" / "page1252.html").read_bytes()


def test_jobs_give_the_same_stream_in_the_same_order(tmp_path: Path) -> None:
    files = [p for p in _inputs(tmp_path / "in") if p.suffix == ".txt"]
    for fmt in ("text", "json", "html"):
        one = _glossator(*files, "-f", fmt)
        many = _glossator(*files, "-f", fmt, "--jobs", "0")
        assert one.returncode == many.returncode == 0, many.stderr
        assert many.stdout == one.stdout and one.stdout.count(b"ESS") >= 3


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bad_input_is_reported_and_the_others_are_written(tmp_path: Path, jobs: str) -> None:
    good = tmp_path / "a.txt"
    good.write_text(TEXT, "utf-8")
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01\x02PNG\x00" * 20)
    latin = tmp_path / "c.txt"
    latin.write_bytes("économie sociale".encode("latin-1"))
    last = tmp_path / "d.txt"
    last.write_text(TEXT, "utf-8")
    run = _glossator(good, binary, latin, last, "--output-dir", tmp_path / "out", "-j", jobs)
    assert run.returncode == 1
    lines = run.stderr.decode().splitlines()
    assert len(lines) >= 4 and lines[3].startswith(  # the summary closes the run
        "glossator: 4 files read, 2 written, 0 unchanged, 2 failed"), lines
    lines = lines[:3]
    assert lines[0].startswith(f"glossator: error: {binary}:")
    assert lines[1].startswith(f"glossator: error: {latin}:1:")  # the line of the bad byte
    assert lines[2] == f"glossator: 2 of 4 inputs failed; the others were written to " \
        f"{tmp_path / 'out'}"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt", "d.txt"]
    assert "l’ESS Économie sociale et solidaire" in (tmp_path / "out" / "d.txt").read_text("utf-8")


def test_one_output_stream_is_all_or_nothing(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(TEXT, "utf-8")
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00" * 50)
    for jobs in ("1", "2"):
        run = _glossator(good, binary, "-j", jobs)
        assert run.returncode == 1 and run.stdout == b""
        assert run.stderr.decode().startswith(f"glossator: error: {binary}")


def test_jobs_must_not_be_negative(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(TEXT, "utf-8")
    run = _glossator(good, "-j", "-1")
    assert run.returncode == 2 and b"--jobs" in run.stderr


def test_workers_that_cannot_fork_get_a_pickled_renderer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # macOS and Windows start workers with spawn: the renderer (and its annotator) is
    # pickled, and each worker compiles the glossary again

    g = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
    renderer = DocumentJob(Annotator(g), "text")
    paths = []
    for i in range(4):
        path = tmp_path / f"{i}.txt"
        path.write_text(f"{i} l’ESS\n", "utf-8")
        paths.append(path)
    docs = [read_document(str(p)) for p in paths]
    expected = list(each(renderer, "render", docs))
    monkeypatch.setattr("glossator.runner.sys.platform", "darwin")
    assert list(each(renderer, "render", docs, jobs=2)) == expected
    assert expected[3] == (True, "3 l’ESS ESS Économie sociale.\n")


def test_outputs_are_written_whole_and_devices_in_place(tmp_path: Path) -> None:
    from glossator.documents.write import partial_files, write_file

    target = tmp_path / "out.txt"
    target.write_text("old", "utf-8")
    write_file(str(target), "nouveau é", "latin-1")
    assert target.read_bytes() == "nouveau é".encode("latin-1")
    assert partial_files(str(target)) == [] and len(list(tmp_path.iterdir())) == 1
    write_file("/dev/null", "rien")  # not replaced by a regular file
    assert Path("/dev/null").is_char_device()
    # a symbolic link is followed: the page it points to is replaced, the link stays
    real = tmp_path / "real.html"
    real.write_text("old", "utf-8")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    write_file(str(link), "new")
    assert link.is_symlink() and real.read_text("utf-8") == "new"


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGINT")
def test_ctrl_c_stops_every_worker_and_leaves_no_partial_file(tmp_path: Path) -> None:
    import os
    import signal
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    files = []
    for i in range(300):
        path = folder / f"p{i:03d}.txt"
        path.write_text(TEXT * 400, "utf-8")
        files.append(path)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "glossator", "annotate", *map(str, files), "-f", "html",
         "--output-dir", str(out), "-j", "2"],
        stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    def finished() -> int:  # outputs written whole (a hidden partial file is not one)
        return sum(1 for p in out.iterdir() if not p.name.startswith(".")) if out.exists() else 0

    while time.monotonic() < deadline and proc.poll() is None and finished() < 5:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run ended before the signal")
    assert proc.returncode == 130 and err == b""  # no traceback from any worker
    written = list(out.iterdir())
    assert 5 <= len(written) < 300 and not [p for p in written if p.name.startswith(".")]
    whole = _glossator(files[0], "-f", "html").stdout  # the inputs are all the same
    assert all(path.read_bytes() == whole for path in written)  # every output is whole
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # no worker left behind


def test_pages_of_a_run_stopped_half_way_find_their_stylesheet(tmp_path: Path) -> None:
    """The stylesheet and script are written before the pages that link them: they were
    written at the end, which a Ctrl-C never reached."""
    import os
    import signal
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    page = ("<!doctype html><html lang=fr><head><title>t</title></head><body>"
            + f"<p>{TEXT}</p>" * 400 + "</body></html>\n")
    files = []
    for i in range(200):
        files.append(folder / f"p{i:03d}.html")
        files[-1].write_text(page, "utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "glossator", "annotate", str(folder), "--output-dir", str(out),
         "-j", "2"], stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and len(
            list(out.glob("p*.html")) if out.exists() else []) < 3:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)
    proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run ended before the signal")
    written = list(out.glob("p*.html"))
    assert 3 <= len(written) < 200
    assert b'href="glossator.css"' in written[0].read_bytes()
    assert (out / "glossator.css").is_file() and (out / "glossator.js").is_file()


def test_assets_written_for_no_page_are_taken_back(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.html").write_text(
        "<!doctype html><html><head><title>t</title></head><body><p>Rien.</p></body></html>",
        "utf-8")
    run = _glossator(tmp_path / "in", "--output-dir", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["p.html"]


def _numbered_ids(page: bytes, number: int) -> bytes:
    """``page`` (annotated alone) with its tooltip ids as document ``number`` of one
    output has them: ``glossator-1`` and ``gl-1`` become ``glossator-2-1`` and ``gl-2-1``."""
    if number == 1:
        return page
    return re.sub(rb'\b(glossator-|gl-)(?=[0-9]+")',
                  lambda m: m.group(1) + str(number).encode() + b"-", page)


@pytest.mark.parametrize(("options", "suffix"), [
    ((), ".txt"), (("-f", "html"), ".html"), (("--markup", "spip"), ".html"),
    (("--link-to", "glossaire.html", "-f", "html"), ".html")])
def test_a_text_input_among_pages_keeps_its_own_format_unless_html_is_asked(
        tmp_path: Path, options: tuple[str, ...], suffix: str) -> None:
    """With ``--output-dir`` each input is its own file: a text input among pages is
    written as it would be alone, unless ``-f html`` or ``--markup`` asks for HTML
    everywhere (the review found it silently written as a bare HTML fragment); alone,
    ``--link-to`` then asks for ``-f html``, as it does for text input."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").write_text(PAGE.replace("windows-1252", "utf-8"), "utf-8")
    (site / "texte.txt").write_text(TEXT, "utf-8")
    run = _glossator(site, "--output-dir", tmp_path / "out", *options)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        ["glossator.css", "glossator.js", "page.html", f"texte{suffix}"])
    refused = _glossator(site, "--output-dir", tmp_path / "other", "--link-to", "g.html")
    assert refused.returncode == 2 and b"add -f html" in refused.stderr


def test_a_directory_is_annotated_as_a_tree(tmp_path: Path) -> None:
    site = tmp_path / "site"
    pages = {
        "index.html": PAGE.replace("windows-1252", "utf-8"),
        "a/index.html": PAGE.replace("windows-1252", "utf-8").replace("Paris", "Lyon"),
        "a/b/page.htm": PAGE.replace("windows-1252", "utf-8"),
        "notes.md": "Les **PTCE** et l’ESS.\n",
        "texte.txt": TEXT,
        ".cache/x.html": PAGE,  # hidden: left out
        "img/logo.png": "png",  # not a document: left out
    }
    for name, text in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, "utf-8")
    out = tmp_path / "out"
    run = _glossator(site, "--output-dir", out, "-j", "2")
    assert run.returncode == 0, run.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["a/b/page.htm", "a/index.html", "glossator.css", "glossator.js",
                       "index.html", "notes.html", "texte.txt"]
    # a text input among pages is written as it would be alone, not as an HTML fragment
    assert (out / "texte.txt").read_bytes() == _glossator(site / "texte.txt").stdout
    # the stylesheet and script once, at the root, reached from each page of the tree
    for name, prefix in (("index.html", ""), ("a/index.html", "../"),
                         ("a/b/page.htm", "../../")):
        head = (out / name).read_text("utf-8").split("</head>")[0]
        assert head.endswith(f'<link rel="stylesheet" href="{prefix}glossator.css">'
                             f'<script defer src="{prefix}glossator.js"></script>'), name
    # without them, the same pages as annotated alone
    out = tmp_path / "bare"
    run = _glossator(site, "--output-dir", out, "-j", "2", "--assets", "none")
    assert run.returncode == 0, run.stderr
    assert not (out / "glossator.css").exists()
    for name in ("a/index.html", "a/b/page.htm"):  # each as if annotated alone
        alone = _glossator(site / name, "--assets", "none")
        assert (out / name).read_bytes() == alone.stdout
    # the same pages to standard output: in the same (name) order, the second and next
    # with tooltip ids of their own (glossator-2-1, gl-5-1: tests/test_stream_documents.py)
    # (in one stream, the text input shares the pages' format: HTML)
    stream = _glossator(site, "-j", "2", "--assets", "none")
    names = ("a/b/page.htm", "a/index.html", "index.html", "notes.html")
    as_html = _glossator(site / "texte.txt", "-f", "html").stdout
    assert stream.returncode == 0 and stream.stdout == b"".join(
        _numbered_ids((out / name).read_bytes(), number)
        for number, name in enumerate(names, 1)) + _numbered_ids(as_html, 5)


def test_two_files_of_the_same_name_need_their_folder(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "index.html").write_text(PAGE, "utf-8")
    run = _glossator(tmp_path / "a" / "index.html", tmp_path / "b" / "index.html",
                     "--output-dir", tmp_path / "out")
    assert run.returncode == 2
    assert b"give their folder instead" in run.stderr and not (tmp_path / "out").exists()


def test_in_place_rewrites_the_pages_of_a_site_once(tmp_path: Path) -> None:
    site = tmp_path / "public"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(PAGE.replace("windows-1252", "utf-8"), "utf-8")
    (site / "a" / "index.html").write_bytes(PAGE.encode("cp1252"))
    (site / "a" / "index.html").chmod(0o640)
    (site / "style.css").write_text("p { color: red }", "utf-8")
    first = _glossator(site, "--in-place", "-j", "2", "-q")  # -q: no summary
    assert first.returncode == 0 and first.stdout == b"" and first.stderr == b""
    page = (site / "a" / "index.html").read_bytes()
    assert b'role="tooltip"' in page and "coopératives".encode("cp1252") in page
    assert (site / "a" / "index.html").stat().st_mode & 0o777 == 0o640  # mode kept
    assert (site / "style.css").read_text("utf-8") == "p { color: red }"
    before = {p: p.read_bytes() for p in site.rglob("*.html")}
    again = _glossator(site, "--in-place")
    assert again.returncode == 0
    assert {p: p.read_bytes() for p in site.rglob("*.html")} == before  # idempotent
    assert not list(site.rglob(".*"))  # no partial file left


@pytest.mark.parametrize("argv", [["t.txt", "--in-place"],
                                  ["p.html", "--in-place", "-f", "text"],
                                  ["p.html", "--in-place", "--output-dir", "out"],
                                  ["-", "--in-place", "--input-format", "html"]])
def test_in_place_is_for_named_html_pages_only(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "t.txt").write_text(TEXT, "utf-8")
    (tmp_path / "p.html").write_text(PAGE, "utf-8")
    run = subprocess.run([sys.executable, "-m", "glossator", "annotate", *argv],
                         cwd=tmp_path, capture_output=True, input=b"", check=False)
    assert run.returncode == 2, run.stderr
    assert (tmp_path / "t.txt").read_text("utf-8") == TEXT
    assert (tmp_path / "p.html").read_text("utf-8") == PAGE


def test_in_place_takes_only_the_pages_of_a_folder(tmp_path: Path) -> None:
    site = tmp_path / "public"
    site.mkdir()
    (site / "index.html").write_text(PAGE.replace("windows-1252", "utf-8"), "utf-8")
    (site / "robots.txt").write_text("User-agent: *\n", "utf-8")
    (site / "notes.md").write_text("L’ESS.\n", "utf-8")
    run = _glossator(site, "--in-place")
    assert run.returncode == 0, run.stderr
    assert b"glossator-tip" in (site / "index.html").read_bytes()
    assert (site / "robots.txt").read_text("utf-8") == "User-agent: *\n"
    assert (site / "notes.md").read_text("utf-8") == "L’ESS.\n"
    # a page that declares its encoding is written back in it, so no other is accepted
    refused = _glossator(site, "--in-place", "--output-encoding", "utf-8")
    assert refused.returncode == 2 and b"--output-encoding" in refused.stderr


def test_an_output_folder_inside_the_input_folder_is_not_read_back(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(PAGE, "utf-8")
    for _ in range(2):
        run = _glossator(site, "--output-dir", site / "out")
        assert run.returncode == 0, run.stderr
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")) == [
        "a.html", "out/a.html"]


def test_several_folders_keep_their_names_under_the_output_folder(tmp_path: Path) -> None:
    for folder in ("fr", "en"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "index.html").write_text(PAGE, "utf-8")
    run = _glossator(tmp_path / "fr", tmp_path / "en", "--output-dir", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    written = (tmp_path / "out").rglob("*.html")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == [
        "en/index.html", "fr/index.html"]


def test_markdown_input_without_python_markdown_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("L’ESS.\n", "utf-8")
    (tmp_path / "b.md").write_text("L’ESS.\n", "utf-8")
    code = ("import sys; sys.modules['markdown'] = None\n"
            "from glossator.cli import main\n"
            "sys.exit(main(['annotate', 'a.md', 'b.md', '--output-dir', 'out']))")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=False)
    assert run.returncode == 2, run.stderr
    assert run.stderr.splitlines() == [
        "glossator: error: Markdown input needs Python-Markdown: a.md (and 1 more) "
        "(pip install 'glossator[markdown]'; from a clone, pip install '.[markdown]')"]
    assert not (tmp_path / "out").exists()


class _Dying(DocumentJob):
    """Renders documents, but its worker process dies on the one named 'die'."""

    def render(self, doc: Document, prefix: str = "", number: int = 1) -> str:
        import os

        if doc.name.endswith("die.txt"):
            os._exit(9)  # as when the kernel kills a worker that ran out of memory
        return super().render(doc, prefix, number)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers")
def test_a_worker_that_dies_is_an_error_not_a_hang(tmp_path: Path) -> None:
    import signal

    from glossator.errors import InputError

    g = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
    docs = []
    for name in ("a.txt", "die.txt", "b.txt"):
        (tmp_path / name).write_text("l’ESS\n", "utf-8")
        docs.append(read_document(str(tmp_path / name)))
    signal.alarm(60)  # a hang fails the test instead of the whole run
    try:
        with pytest.raises(InputError, match="worker process stopped"):
            list(each(_Dying(Annotator(g), "text"), "render", docs, jobs=2))
    finally:
        signal.alarm(0)
