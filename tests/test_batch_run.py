"""A batch on one machine, as a user runs it: the inputs (patterns, --files-from), the
progress bar, the summary and --report, --incremental reruns, --fail-fast, and big text
inputs streamed with the output of the whole (issue 14)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from glossator.batch import MANIFEST_NAME, Progress
from glossator.runner import DocumentResult

TEXT = "Le Labo de l’ESS étudie les PTCE et l'économie sociale et solidaire.\n"


def _glossator(*args: object, stdin: bytes | None = None, cwd: Path | None = None,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "glossator", "annotate", *map(str, args)],
                          capture_output=True, check=False, input=stdin, cwd=cwd,
                          env={**os.environ, **(env or {})})


def _site(root: Path, n: int = 4) -> list[Path]:
    (root / "sub").mkdir(parents=True)
    files = []
    for i in range(n):
        path = root / ("sub" if i % 2 else ".") / f"t{i}.txt"
        path.write_text(TEXT * (i + 1), "utf-8")
        files.append(path)
    return files


def test_summary_and_report_say_what_the_run_did(tmp_path: Path) -> None:
    files = _site(tmp_path / "in")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary")
    report = tmp_path / "report.json"
    run = _glossator(*files, tmp_path / "bad.txt", "--output-dir", tmp_path / "out",
                     "--report", report)
    assert run.returncode == 1  # one input failed: the others are written
    lines = run.stderr.decode().splitlines()
    assert any(line.startswith("glossator: 5 files read, 4 written, 0 unchanged, 1 failed")
               for line in lines), lines
    assert "glossator: 12 annotations of 3 entries; the most frequent:" in lines
    # the terms, not the ids (the report keeps the ids, for programs)
    assert lines[-3:] == ["  économie sociale et solidaire  4",
                          "  ESS                            4",
                          "  PTCE                           4"]
    data = json.loads(report.read_text("utf-8"))
    assert data["version"] == 1
    assert data["files"] == {"read": 5, "written": 4, "unchanged": 0, "failed": 1}
    assert data["annotations"]["total"] == 12
    assert data["annotations"]["entries"] == {"economie-sociale-et-solidaire": 4, "ess": 4,
                                              "ptce": 4}
    assert data["annotations"]["top"] == [["economie-sociale-et-solidaire", 4], ["ess", 4],
                                          ["ptce", 4]]
    assert [d["status"] for d in data["documents"]] == ["written"] * 4 + ["failed"]
    assert "binary" in data["documents"][-1]["error"]
    assert data["bytes"] == sum(p.stat().st_size for p in files) + 8
    assert isinstance(data["seconds"], float)


def test_report_goes_with_files_written_one_per_input(tmp_path: Path) -> None:
    run = _glossator("-", "--report", tmp_path / "r.json", stdin=b"ESS")
    assert run.returncode == 2
    assert b"--report goes with --output-dir or --in-place" in run.stderr


def test_incremental_redoes_only_what_changed(tmp_path: Path) -> None:
    files = _site(tmp_path / "in")
    out = tmp_path / "out"
    first = _glossator(tmp_path / "in", "--output-dir", out, "--incremental")
    assert first.returncode == 0, first.stderr
    assert b"no manifest" in first.stderr
    manifest = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    assert sorted(manifest["files"]) == ["sub/t1.txt", "sub/t3.txt", "t0.txt", "t2.txt"]
    again = _glossator(tmp_path / "in", "--output-dir", out, "--incremental")
    assert b"0 files read, 0 written, 4 unchanged, 0 failed" in again.stderr
    files[1].write_text("Une SCOP et l'ESS.\n", "utf-8")
    (out / "t2.txt").unlink()  # an output gone is written again
    third = _glossator(tmp_path / "in", "--output-dir", out, "--incremental")
    assert b"2 files read, 2 written, 2 unchanged, 0 failed" in third.stderr, third.stderr
    assert "Société coopérative" in (out / "sub" / "t1.txt").read_text("utf-8")
    # other options: everything again, and one line says why
    other = _glossator(tmp_path / "in", "--output-dir", out, "--incremental",
                       "--occurrences", "all")
    assert b"options or glossator changed" in other.stderr
    # (t0 and t1 name each term once: 'all' writes what 'first' did, left as it was)
    assert b"4 files read, 2 written, 2 unchanged" in other.stderr
    # a damaged manifest: everything again, one line
    (out / MANIFEST_NAME).write_text("{not json", "utf-8")
    damaged = _glossator(tmp_path / "in", "--output-dir", out, "--incremental",
                         "--occurrences", "all")
    assert b"is damaged: annotating everything" in damaged.stderr
    assert b"4 files read, 0 written, 4 unchanged" in damaged.stderr
    assert json.loads((out / MANIFEST_NAME).read_text("utf-8"))["version"] == 1


def test_incremental_notices_a_changed_glossary(tmp_path: Path) -> None:
    _site(tmp_path / "in", 2)
    glossary = tmp_path / "g.csv"
    glossary.write_text("term,definition\nESS,Économie sociale.\n", "utf-8")
    args = (tmp_path / "in", "--output-dir", tmp_path / "out", "--incremental", "-g", glossary)
    assert _glossator(*args).returncode == 0
    assert b"0 written, 2 unchanged" in _glossator(*args).stderr
    glossary.write_text("term,definition\nESS,Économie sociale et solidaire.\n", "utf-8")
    changed = _glossator(*args)
    assert b"glossary" in changed.stderr and b"2 written, 0 unchanged" in changed.stderr
    assert "solidaire" in (tmp_path / "out" / "t0.txt").read_text("utf-8")


def test_incremental_says_which_earlier_outputs_it_did_not_write_again(
        tmp_path: Path) -> None:
    """Another format names each output otherwise (``t0.html``, then ``t0.txt``): the
    earlier files stay (nothing is removed that this run did not write), and one warning
    names them, with the same settings as before no warning."""
    _site(tmp_path / "in", 3)
    out = tmp_path / "out"
    as_html = _glossator(tmp_path / "in", "--output-dir", out, "--incremental", "-f", "html")
    assert as_html.returncode == 0, as_html.stderr
    as_text = _glossator(tmp_path / "in", "--output-dir", out, "--incremental")
    assert as_text.returncode == 0
    warnings = [line for line in as_text.stderr.decode().splitlines() if "warning" in line]
    assert warnings == [
        f"glossator: warning: {out / 'sub' / 't1.html'} and 2 more: made by an earlier run "
        "with other settings and not written again; delete them if stale (another format "
        "names its outputs otherwise)"]
    assert sorted(p.name for p in out.rglob("t*")) == [
        "t0.html", "t0.txt", "t1.html", "t1.txt", "t2.html", "t2.txt"]
    again = _glossator(tmp_path / "in", "--output-dir", out, "--incremental")
    assert b"warning" not in again.stderr and b"3 unchanged" in again.stderr
    quiet = _glossator(tmp_path / "in", "--output-dir", out, "--incremental", "-f", "html",
                       "-q")
    assert quiet.stderr == b""


def test_incremental_names_the_outputs_of_inputs_that_are_gone(tmp_path: Path) -> None:
    """A source deleted since the last run leaves its output behind: one warning names
    it (kept: glossator removes nothing it did not just write), once. An input merely
    left out of a run is no orphan: its output stays recorded, without a word."""
    files = _site(tmp_path / "in", 3)
    out = tmp_path / "out"
    assert _glossator(tmp_path / "in", "--output-dir", out, "--incremental").returncode == 0
    files[1].unlink()  # in/sub/t1.txt
    after = _glossator(tmp_path / "in", "--output-dir", out, "--incremental")
    assert after.returncode == 0, after.stderr
    warnings = [line for line in after.stderr.decode().splitlines() if "warning" in line]
    assert warnings == [
        f"glossator: warning: {out / 'sub' / 't1.txt'}: made by an earlier run from an "
        "input that is gone; delete it if the page should go too"]
    assert (out / "sub" / "t1.txt").is_file()
    assert b"0 written, 2 unchanged" in after.stderr
    manifest = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    assert sorted(manifest["files"]) == sorted(manifest["sources"]) == ["t0.txt", "t2.txt"]
    again = _glossator(tmp_path / "in", "--output-dir", out, "--incremental")
    assert b"warning" not in again.stderr
    # one input given alone: the other's output is no orphan, and stays recorded
    alone = _glossator(files[0], "--output-dir", out, "--incremental")
    assert b"warning" not in alone.stderr and b"1 unchanged" in alone.stderr, alone.stderr
    assert sorted(json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"]) == [
        "t0.txt", "t2.txt"]
    # a manifest written before the inputs were recorded is still read
    old = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    del old["sources"]
    (out / MANIFEST_NAME).write_text(json.dumps(old), "utf-8")
    before = _glossator(tmp_path / "in", "--output-dir", out, "--incremental")
    assert b"2 unchanged" in before.stderr and b"warning" not in before.stderr


def test_incremental_in_place_skips_pages_annotated_already(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for i in range(2):
        (site / f"p{i}.html").write_text(f"<p>L'ESS {i}.</p>", "utf-8")
    assert _glossator(site, "--in-place", "--incremental").returncode == 0
    assert (site / MANIFEST_NAME).is_file()
    again = _glossator(site, "--in-place", "--incremental")
    assert b"0 written, 2 unchanged" in again.stderr, again.stderr


def test_fail_fast_stops_at_the_first_bad_input(tmp_path: Path) -> None:
    files = _site(tmp_path / "in")
    bad = tmp_path / "in" / "a-bad.txt"
    bad.write_bytes(b"\x00binary")
    run = _glossator(bad, *files, "--output-dir", tmp_path / "out", "--fail-fast")
    assert run.returncode == 1
    assert b"stopped at the first input that failed (--fail-fast); 4 not annotated" in (
        run.stderr)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.txt"))
    slow = _glossator(bad, *files, "--output-dir", tmp_path / "out2")  # the default: go on
    assert slow.returncode == 1 and len(list((tmp_path / "out2").rglob("*.txt"))) == 4


def test_inputs_come_as_patterns_and_lists(tmp_path: Path) -> None:
    _site(tmp_path / "in")
    pattern = _glossator("in/**/*.txt", "--output-dir", "out", cwd=tmp_path)
    assert pattern.returncode == 0, pattern.stderr
    assert sorted(p.name for p in (tmp_path / "out").rglob("*.txt")) == [
        "t0.txt", "t1.txt", "t2.txt", "t3.txt"]
    none = _glossator("in/*.nothing", "-o", "x", cwd=tmp_path)
    assert none.returncode == 1 and b"in/*.nothing: no file matches this pattern" in none.stderr
    found = subprocess.run(["find", "in", "-name", "*.txt", "-print0"], cwd=tmp_path,
                           capture_output=True, check=True).stdout
    listed = _glossator("--files-from", "-", "-0", "--output-dir", "out0", stdin=found,
                        cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert len(list((tmp_path / "out0").rglob("*.txt"))) == 4
    (tmp_path / "list.txt").write_text("in/t0.txt\n\nin/sub/t1.txt\n", "utf-8")
    from_file = _glossator("--files-from", "list.txt", "-f", "text", cwd=tmp_path)
    assert from_file.returncode == 0, from_file.stderr
    assert from_file.stdout.count("étudie".encode()) == 3  # t0, then t1 (twice the text)
    both = _glossator("-", "--files-from", "-", stdin=b"", cwd=tmp_path)
    assert both.returncode == 2 and b"cannot be an input too" in both.stderr


def test_the_progress_bar_shows_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    results = [DocumentResult(f"f{i}", f"o{i}", size=1_000_000) for i in range(3)]
    shown = Tty()
    bar = Progress([r.size for r in results], stream=shown)
    for r in results:
        bar.advance(r)
    bar.close()
    assert "3/3 files, 0 left" in shown.getvalue()
    quiet, piped = Tty(), io.StringIO()
    for stream, enabled in ((quiet, False), (piped, True)):
        bar = Progress([r.size for r in results], enabled=enabled, stream=stream)
        for r in results:
            bar.advance(r)
        bar.close()
    assert quiet.getvalue() == piped.getvalue() == ""


def test_rich_is_not_imported_by_a_batch_off_a_terminal(tmp_path: Path) -> None:
    _site(tmp_path / "in", 2)
    code = ("import sys; from glossator.cli import main; "
            f"rc = main(['annotate', {str(tmp_path / 'in')!r}, '--output-dir', "
            f"{str(tmp_path / 'out')!r}]); print('rich' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert run.stdout.strip() == b"False", run.stderr


@pytest.mark.parametrize("occurrences", ["first", "section", "all"])
def test_a_big_text_is_streamed_with_the_output_of_the_whole(
    tmp_path: Path, occurrences: str
) -> None:
    paragraph = ("L'économie sociale et solidaire (ESS) et les PTCE.\n\n"
                 "Une SCOP, l’ESS et le tiers-lieu.\n") * 3
    text = "".join(f"{paragraph}{'mot ' * (k % 13)}\n" for k in range(300))
    path = tmp_path / "big.txt"
    path.write_text(text, "utf-8")
    args = (path, "-f", "text", "--occurrences", occurrences)
    whole = _glossator(*args, env={"GLOSSATOR_STREAM_CHUNK": str(10**9)})
    pieces = _glossator(*args, env={"GLOSSATOR_STREAM_CHUNK": "500"})
    piped = _glossator("-", "-f", "text", "--occurrences", occurrences, stdin=text.encode(),
                       env={"GLOSSATOR_STREAM_CHUNK": "300"})
    assert whole.returncode == pieces.returncode == piped.returncode == 0, pieces.stderr
    assert whole.stdout == pieces.stdout == piped.stdout
    assert whole.stdout.count(b"coop\xc3\xa9rative") >= 1
    out = tmp_path / "out"
    to_dir = _glossator(path, "--output-dir", out, "-f", "text", "--occurrences", occurrences,
                        env={"GLOSSATOR_STREAM_CHUNK": "700"})
    assert to_dir.returncode == 0
    assert (out / "big.txt").read_bytes() == whole.stdout


def test_a_streamed_text_that_goes_bad_leaves_no_output(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(TEXT.encode() * 200 + b"\xff\n")
    run = _glossator(path, "-o", tmp_path / "out.txt", env={"GLOSSATOR_STREAM_CHUNK": "100"})
    assert run.returncode == 1
    size = len(TEXT.encode()) * 200
    assert f"big.txt:201: not valid UTF-8: byte 0xff at column 1 (byte offset {size})".encode(
        ) in run.stderr
    assert not (tmp_path / "out.txt").exists()
    assert not list(tmp_path.glob(".out.txt*"))


def test_one_document_is_a_plain_function_of_picklable_values(tmp_path: Path) -> None:
    # what a cluster (Dask) ships: the job, the item, and the result all pickle
    import pickle

    from glossator import Annotator
    from glossator.runner import DocumentJob, convert_document

    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    job = pickle.loads(pickle.dumps(DocumentJob(Annotator(), "text")))
    item = (str(tmp_path / "a.txt"), "text", str(tmp_path / "a.out"))
    result = pickle.loads(pickle.dumps(convert_document(job, item)))
    assert result.error is None and result.counts == {
        "economie-sociale-et-solidaire": 1, "ess": 1, "ptce": 1}
    assert (tmp_path / "a.out").read_text("utf-8").startswith("Le Labo de l’ESS Économie")
    bad = convert_document(job, (str(tmp_path / "none.txt"), "text", str(tmp_path / "b")))
    assert bad.error is not None and "no such file" in bad.error


def test_incremental_goes_with_files_written_one_per_input(tmp_path: Path) -> None:
    run = _glossator("-", "--incremental", stdin=b"ESS")
    assert run.returncode == 2 and b"--incremental goes with --output-dir" in run.stderr
    run = _glossator("-", "-0", stdin=b"ESS")
    assert run.returncode == 2 and b"-0/--null goes with --files-from" in run.stderr


def test_the_summary_names_entries_by_term_and_an_id_the_term_does_not_say() -> None:
    from glossator.batch import Summary

    terms = {"ess": "ESS", "ca-2": "CA", "labo": "Labo de l’ESS"}
    summary = Summary(term_of=terms.get)
    summary.add(DocumentResult("a", "b", counts={"ess": 3, "ca-2": 2, "labo": 1,
                                                 "ca~senses": 1}))
    summary.finish()
    # an id the term does not say (a sense's, an explicit one) is named beside it; an id
    # the glossary has not, as it is (ties in the order of the ids)
    assert summary.lines()[-4:] == [
        '  ESS                   3',
        '  CA (ca-2)             2',
        '  ca~senses             1',
        '  Labo de l’ESS (labo)  1',
    ]


def test_the_summary_shows_terminal_controls_in_entry_ids_as_escapes() -> None:
    from glossator.batch import Summary

    summary = Summary()
    summary.add(DocumentResult("a", "b", counts={"id\x1b]0;pwned\x07\u202e": 2}))
    summary.finish()
    assert summary.lines()[-1] == "  id\\x1b]0;pwned\\x07\\u202e  2"
    assert not any(c in "".join(summary.lines()) for c in "\x1b\x07\u202e")


def test_the_summary_names_an_occurrence_shown_with_every_sense(tmp_path: Path) -> None:
    """Its id (``ca~senses``) is no entry's: the summary gave it bare; and one of each
    is said in the singular."""
    glossary = tmp_path / "g.csv"
    glossary.write_text("term,title,definition\nCA,Conseil d'administration,Instance.\n"
                        "CA,Cour d'appel,Juridiction.\n", "utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "t.txt").write_text("Le CA se réunit.\n", "utf-8")
    (tmp_path / "in" / "u.txt").write_text("Rien ici.\n", "utf-8")
    run = _glossator(tmp_path / "in", "--output-dir", tmp_path / "out", "-g", glossary)
    assert run.returncode == 0, run.stderr
    lines = run.stderr.decode().splitlines()
    assert lines[-2:] == ["glossator: 1 annotation of 1 entry; the most frequent:",
                          "  CA (every sense)  1"]
