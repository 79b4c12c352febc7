"""The terminal view as people read it, against hostile layouts, and the papercuts a new
user met (issue 16). The expected views themselves are golden files
(``tests/golden/terminal-view.txt``: widths 20, 40, 80 and 120, both styles, with and
without colour); here, invariants over many widths and inputs:

* no character lost: what a reader sees, spaces and line breaks aside, is the text, each
  mark and each note, whole (a long word or URL is folded, never cut with "…");
* no line wider than the width, none ending with spaces;
* no line starts with closing punctuation (``»`` ``)`` ``,`` ``.`` ``;`` ``:``…);
* a no-break space never breaks;
* in colour, a definition is dim and never bold.

The papercuts: each is one line on standard error and the exit code documented.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import glossator
from glossator.render.terminal import CLOSING, cell_width
from support.cli import RunCli

SGR = re.compile(r"\x1b\[[0-9;]*m")
REPO = Path(__file__).resolve().parents[2]


def _render(entries: list[dict[str, str]], text: str, width: int, style: str = "notes",
            color: bool = False) -> tuple[glossator.AnnotatedText, str]:
    annotator = glossator.Annotator(glossator.Glossary.from_dicts(entries),
                                    occurrences="all")
    doc = annotator.annotate(text)
    return doc, glossator.render(doc, "terminal", width=width, color=color, style=style)


def _expected_chars(doc: glossator.AnnotatedText, style: str) -> str:
    """What a reader must see of a one-line text, spaces aside: the text, each mark, and
    each title and definition (after the term, or in the notes)."""
    body: list[str] = []
    notes: list[str] = []
    for piece, ann in doc.segments():
        body.append(piece)
        if ann is None:
            continue
        title, definition = ann.entry.display_title, ann.entry.definition
        if style == "inline":
            body.append(f"({title}:{definition})")
        else:
            body.append(f"[{len(notes) + 1}]")
            notes.append(f"[{len(notes) + 1}]{title}—{definition}")
    return "".join("".join(body + notes).split())


def _check_layout(out: str, width: int, punctuation: bool = True) -> None:
    for line in SGR.sub("", out).split("\n"):
        assert cell_width(line) <= width, (width, line)
        assert line == line.rstrip(" "), repr(line)
        body = line.lstrip(" ")
        body = re.sub(r"^\[\d+\] ", "", body)  # a note's mark
        if punctuation:
            assert not body or body[0] not in CLOSING, (width, line)


LONG_WORD = "anticonstitutionnellement" * 3
URL = "https://www.economie.gouv.fr/entreprises/financement-participatif-crowdfunding?x=1"
HOSTILE_DEFINITIONS = {
    "long-word": f"Un mot {LONG_WORD} très long.",
    "url": f"Voir {URL} (fiche).",
    "url-only": URL,
    "closing-punctuation": "Le « principe », la (règle), l'avis ; la loi : oui ! non ? fin…",
    "quotes-everywhere": "« a » « bb » « ccc » « dddd » « eeeee » « ffffff » « ggggggg »",
    "no-break-spaces": "Montant\u00a0: 1\u202f000\u00a0€ ; article\u00a0L.\u00a0123-4 « oui ».",
    "wide-characters": "協同組合 社会的連帯経済 " * 4,
    "combining-marks": "e\u0301conomie cafe\u0301 " * 6 + "Z\u0351\u0352\u0353alg\u0310o",
    "emoji": "Coopérative 👩‍👩‍👧‍👦 🇫🇷 de l’ESS " * 3,
    "one-long-line-of-punctuation": "»" * 70,
    "spaces-runs": "a    b\u00a0\u00a0\u00a0c     d " * 5,
    "tabs": "col1\tcol2\tcol3",
}


@pytest.mark.parametrize("definition", HOSTILE_DEFINITIONS.values(),
                         ids=list(HOSTILE_DEFINITIONS))
@pytest.mark.parametrize("style", ["notes", "inline"])
def test_notes_lose_nothing_and_fit(definition: str, style: str) -> None:
    entries = [{"term": "ESS", "title": "Économie sociale", "definition": definition}]
    text = f"Le Labo de l’ESS, « {LONG_WORD} » ({URL}), et l’ESS encore."
    for width in (20, 23, 31, 40, 57, 80, 120):
        doc, out = _render(entries, text, width, style)
        # a word made only of closing punctuation can but be folded
        _check_layout(out, width, punctuation=not definition.startswith("»»"))
        seen = "".join(SGR.sub("", out).split())
        assert seen == _expected_chars(doc, style), (width, out)
        assert out.count("…") == definition.count("…") * len(doc.annotations)


@pytest.mark.parametrize("text", [
    "Un mot » et encore » et encore » et encore » et encore » fin.",
    "Liste : a , b , c , d , e , f , g , h , i , j , k , l .",
    "(ESS) (ESS) (ESS) ( ESS ) [ ESS ] { ESS } « ESS » “ ESS ” fin ! fin ? fin ; fin :",
    "1\u00a0000 2\u00a0000 3\u00a0000 4\u00a0000 5\u00a0000 6\u00a0000 7\u00a0000",
    "\u3000全角スペース\u3000と ESS の文章です。" * 3,
    " " * 30 + "indentation plus large que la largeur",
    " " * 40 + "l'ESS en retrait plus large que la ligne",
    "   l'ESS\tet\tl'ESS\t en colonnes",
    "x" * 300,
])
def test_text_lines_lose_nothing_and_fit(text: str) -> None:
    entries = [{"term": "ESS", "definition": "Économie sociale et solidaire."}]
    for width in (20, 33, 80):
        doc, out = _render(entries, text, width, "inline")
        _check_layout(out, width)
        assert "".join(SGR.sub("", out).split()) == _expected_chars(doc, "inline")


def test_a_no_break_space_never_breaks() -> None:
    entries = [{"term": "ESS", "definition": "Montant 1\u202f000\u00a0€, art.\u00a0L.\u00a0123."}]
    for width in range(20, 60):
        _, out = _render(entries, "L’ESS.", width)
        assert "1\u202f000\u00a0€," in out and "art.\u00a0L.\u00a0123." in out, width


def test_no_note_line_starts_with_closing_punctuation() -> None:
    definition = ("Selon le principe « une personne, une voix », chaque membre (associé) "
                  "vote ; la règle « une action, une voix » ne vaut pas ici.")
    entries = [{"term": "SCOP", "definition": definition}]
    for width in range(20, 90):
        for style in ("notes", "inline"):
            _, out = _render(entries, "Une SCOP.", width, style)
            for line in out.split("\n"):
                body = re.sub(r"^\s*(\[\d+\] )?", "", line)
                assert not body or body[0] not in CLOSING, (width, style, line)


def test_definition_in_notes_is_dim_never_bold() -> None:
    entries = [{"term": "ESS", "title": "Économie sociale et solidaire",
                "definition": "Ensemble des associations, coopératives, mutuelles et "
                "fondations qui poursuivent un but autre que le partage des bénéfices."}]
    for width in (20, 40, 80, 120):
        _, out = _render(entries, "L’ESS.", width, color=True)
        assert "\x1b[1;2m" not in out and "\x1b[2;1m" not in out
        for word in ("associations,", "fondations", "bénéfices."):
            at = out.index(word)
            opened = out.rfind("\x1b[", 0, at)
            assert out[opened:out.index("m", opened) + 1] == "\x1b[2m", (width, word)


def test_each_line_closes_its_style() -> None:
    entries = [{"term": "ESS", "definition": "Une définition assez longue " * 5}]
    _, out = _render(entries, "L’ESS.", 30, "inline", color=True)
    for line in out.split("\n"):
        codes = SGR.findall(line)
        if codes:
            assert codes[-1] == "\x1b[0m", repr(line)


# --- papercuts --------------------------------------------------------------------------

def _one_line_error(err: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err, err


def test_glossary_that_is_a_folder(cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "dossier").mkdir()
    (tmp_path / "t.txt").write_text("L'ESS.\n", "utf-8")
    for name in ("dossier", "dossier/"):
        result = cli("annotate", "t.txt", "-g", name)
        assert result.code == 1
        _one_line_error(result.err)
        assert "is a directory" in result.err and "suffix" not in result.err


def test_missing_glossary_without_suffix(cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("L'ESS.\n", "utf-8")
    result = cli("annotate", "t.txt", "-g", "absent")
    assert result.code == 1
    _one_line_error(result.err)
    assert "no such glossary file" in result.err


@pytest.mark.parametrize("fmt", ["html", "text", "json", "markdown"])
def test_width_is_refused_outside_the_terminal(cli: RunCli, tmp_path: Path,
                                               fmt: str) -> None:
    (tmp_path / "t.txt").write_text("L'ESS.\n", "utf-8")
    result = cli("annotate", "t.txt", "-f", fmt, "--width", "50")
    assert result.code == 2
    _one_line_error(result.err)
    assert "--width" in result.err
    assert cli("annotate", "t.txt", "-f", "terminal", "--width", "50").code == 0


def test_rich_definitions_do_not_warn_about_markup(cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "g.yaml").write_text(
        "- term: ESS\n  definition: Une <em>économie</em> sociale.\n", "utf-8")
    (tmp_path / "t.txt").write_text("L'ESS.\n", "utf-8")
    plain = cli("annotate", "t.txt", "-g", "g.yaml", "-f", "html")
    assert "markup" in plain.err
    rich = cli("annotate", "t.txt", "-g", "g.yaml", "-f", "html", "--rich-definitions",
               "--strict")
    assert rich.code == 0 and rich.err == "", rich.err
    assert "<em>économie</em>" in rich.out


def test_explain_breaks_ids_only_after_a_hyphen(cli: RunCli, tmp_path: Path) -> None:
    entry_id = "economie-sociale-et-solidaire-selon-la-loi-de-2014"
    (tmp_path / "g.yaml").write_text(
        f"- term: ESS\n  id: {entry_id}\n  definition: d\n", "utf-8")
    (tmp_path / "t.txt").write_text("L'ESS et l'ESS.\n", "utf-8")
    for width in (60, 80, 100, 160):
        out = cli("explain", "t.txt", "-g", "g.yaml", "--width", str(width),
                  "--color", "never").out
        rows = [line.split("│") for line in out.split("\n") if line.startswith("│")]
        pieces = [row[3].strip() for row in rows if row[3].strip()]
        assert "".join(pieces) == entry_id * 2, (width, out)
        for piece in pieces:
            assert piece.endswith(("-", "2014")), (width, piece)


def test_annotate_says_it_reads_a_terminal_on_stdin(tmp_path: Path) -> None:
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "glossator", "annotate", "-f", "text"],
            stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
        os.close(follower)
        os.write(leader, b"L'ESS.\n\x04")
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(leader)
    assert proc.returncode == 0, err
    assert b"reading the text from standard input" in err
    assert err.count(b"\n") == 1
    assert b"conomie sociale" in out


def test_no_note_when_stdin_is_a_pipe(cli: RunCli) -> None:
    result = cli("annotate", "-f", "text", stdin=b"L'ESS.\n")
    assert result.code == 0 and result.err == ""


@pytest.mark.parametrize("script", [
    "benchmarks/startup.py", "benchmarks/many_pages.py", "benchmarks/cost.py",
    "benchmarks/scaling.py", "benchmarks/peers.py", "benchmarks/disagreements.py",
])
def test_benchmarks_without_the_corpus_say_what_they_need(script: str) -> None:
    env = {**os.environ, "GLOSSATOR_CORPUS": "/nonexistent/corpus"}
    proc = subprocess.run([sys.executable, str(REPO / script), "--runs", "1"]
                          if script == "benchmarks/startup.py"
                          else [sys.executable, str(REPO / script)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode != 0
    _one_line_error(proc.stderr)
    assert "needs the shared corpus" in proc.stderr and "/nonexistent/corpus" in proc.stderr


@pytest.mark.parametrize("argv", [
    ["tools/common_words.py", "/nonexistent/corpus", "-o", "out.txt"],
    ["benchmarks/senses_gold_build.py"],
])
def test_tools_without_the_corpus_say_what_they_need(argv: list[str], tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(REPO / argv[0]), *argv[1:]],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode != 0
    _one_line_error(proc.stderr)
    assert "needs" in proc.stderr and "corpus" in proc.stderr
    assert not (tmp_path / "out.txt").exists()
