"""The ``glossator`` command line, run in-process through ``glossator.cli.main``.

A few tests run a real ``python -m glossator`` subprocess to check exit codes and that no
traceback ever reaches the user. Fixtures ``cli`` and ``write`` live in ``conftest.py``;
``cli`` runs from ``tmp_path``, so relative file names in messages are predictable.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import glossator
from support.cli import RunCli, WriteFile, subcommands

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPO_ROOT / "examples"
SEED_NAME = "000_bc771b06b1f0c5b8.txt"
SEED_LOCAL = REPO_ROOT / "tests" / "data" / "seed.txt"
SEED_SHARED = REPO_ROOT.parent / "shared" / "seed" / SEED_NAME

CAE_DEF = "Coopérative d’activité et d’emploi."
SCOP_DEF = "Société coopérative et participative."
SMALL_GLOSSARY = f"""\
- term: CAE
  definition: "{CAE_DEF}"
- term: SCOP
  definition: "{SCOP_DEF}"
"""
TEXT_A = "La CAE et la SCOP. Encore la CAE.\n"
TEXT_B = "Une autre CAE ici.\n"

ANSI = "\x1b["


@pytest.fixture
def small(write: WriteFile) -> None:
    """``g.yaml`` (CAE, SCOP), ``a.txt`` and ``b.txt`` in the working directory."""
    write("g.yaml", SMALL_GLOSSARY)
    write("a.txt", TEXT_A)
    write("b.txt", TEXT_B)


def seed_path() -> Path:
    """The reference output: the copy under tests/data, else the shared folder."""
    for candidate in (SEED_LOCAL, SEED_SHARED):
        if candidate.is_file():
            return candidate
    pytest.fail(f"the reference output {SEED_LOCAL} is missing: it is committed with the "
                "tests (git checkout tests/data/seed.txt)", pytrace=False)


def assert_one_line_error(err: str, *needles: str) -> None:
    """``err`` is one line starting with ``glossator: error: `` that contains ``needles``."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("glossator: error: "), err
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in {lines[0]!r}"


# --------------------------------------------------------------------------- the reference


def test_golden_reproduction_of_the_seed_page(cli: RunCli) -> None:
    result = cli(
        "annotate", str(EXAMPLES / "labo-ess.txt"),
        "--glossary", str(EXAMPLES / "labo-ess.yaml"), "--format", "text",
    )
    assert result.code == 0
    assert result.err == ""
    expected = seed_path().read_bytes().decode("utf-8")
    assert result.out.encode("utf-8").rstrip(b"\n") == expected.encode("utf-8").rstrip(b"\n")


def test_local_seed_copy_is_byte_identical_to_the_shared_one() -> None:
    if not SEED_SHARED.is_file():
        pytest.skip(f"the shared corpus is not next to the repository: no {SEED_SHARED} "
                    "to compare tests/data/seed.txt with")
    assert SEED_LOCAL.read_bytes() == SEED_SHARED.read_bytes()


def test_default_format_when_stdout_is_not_a_tty_is_text(cli: RunCli) -> None:
    args = ("annotate", str(EXAMPLES / "labo-ess.txt"), "-g", str(EXAMPLES / "labo-ess.yaml"))
    default = cli(*args)
    as_text = cli(*args, "-f", "text")
    assert default.code == 0
    assert default.out == as_text.out
    assert ANSI not in default.out
    expected = seed_path().read_text(encoding="utf-8")
    assert default.out.rstrip("\n") == expected.rstrip("\n")


def test_default_format_on_a_tty_is_terminal_with_colour(
    cli: RunCli, small: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("annotate", "a.txt", "-g", "g.yaml")
    assert result.code == 0
    assert ANSI in result.out
    assert "[1]" in result.out  # numbered notes, the terminal default


def test_no_color_environment_variable_drops_colour_on_a_tty(
    cli: RunCli, small: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    result = cli("annotate", "a.txt", "-g", "g.yaml")
    assert result.code == 0
    assert ANSI not in result.out
    assert CAE_DEF in result.out


# --------------------------------------------------------------------------- inputs


def test_annotate_uses_the_bundled_glossary_without_g(cli: RunCli, write: WriteFile) -> None:
    write("doc.txt", "Une SCOP appartient à ses salariés.\n")
    scop = next(e for e in glossator.load_glossary() if e.term == "SCOP")
    result = cli("annotate", "doc.txt")
    assert result.code == 0
    assert result.err == ""
    assert " ".join(scop.definition.split()) in result.out


@pytest.mark.parametrize("argv", [("annotate", "-"), ("annotate",)], ids=["dash", "no-file"])
def test_standard_input(cli: RunCli, small: None, argv: tuple[str, ...]) -> None:
    result = cli(*argv, "-g", "g.yaml", stdin=TEXT_B.encode("utf-8"))
    assert result.code == 0
    assert result.out.startswith("Une autre CAE")
    assert result.out.count(CAE_DEF) == 1


def test_standard_input_is_decoded_with_encoding(cli: RunCli, small: None) -> None:
    result = cli("annotate", "-", "-g", "g.yaml", "--encoding", "cp1252",
                 stdin="Une CAE née.\n".encode("cp1252"))
    assert result.code == 0
    assert "née" in result.out
    assert CAE_DEF in result.out


def test_several_files_are_concatenated_and_first_occurrence_counts_per_file(
    cli: RunCli, small: None
) -> None:
    result = cli("annotate", "a.txt", "b.txt", "-g", "g.yaml")
    assert result.code == 0
    first, second = result.out.index("La CAE"), result.out.index("Une autre CAE")
    assert first < second
    # a.txt mentions CAE twice (annotated once), b.txt once (annotated again: a new document)
    assert result.out[:second].count(CAE_DEF) == 1
    assert result.out[second:].count(CAE_DEF) == 1
    alone = cli("annotate", "a.txt", "-g", "g.yaml").out + cli("annotate", "b.txt",
                                                                 "-g", "g.yaml").out
    assert result.out == alone


def test_occurrences_all_annotates_every_occurrence(cli: RunCli, small: None) -> None:
    first = cli("annotate", "a.txt", "-g", "g.yaml", "--occurrences", "first")
    every = cli("annotate", "a.txt", "-g", "g.yaml", "--occurrences", "all")
    assert first.code == every.code == 0
    assert first.out.count(CAE_DEF) == 1
    assert every.out.count(CAE_DEF) == 2
    assert every.out.count(SCOP_DEF) == 1


def test_encoding_cp1252_reads_a_cp1252_file(cli: RunCli, write: WriteFile) -> None:
    write("g.yaml", "- term: coopérative\n  definition: Entreprise détenue par ses membres.\n")
    write("doc.txt", "Une coopérative très locale.\n".encode("cp1252"))
    bad = cli("annotate", "doc.txt", "-g", "g.yaml")
    assert bad.code == 1
    assert_one_line_error(bad.err, "doc.txt:1", "--encoding")
    good = cli("annotate", "doc.txt", "-g", "g.yaml", "--encoding", "cp1252")
    assert good.code == 0
    assert "Une coopérative" in good.out
    assert "très locale" in good.out
    assert "Entreprise détenue par ses membres." in good.out


@pytest.mark.parametrize("encoding", ["utf-16", "utf_16", "UTF-32"])
def test_utf16_and_utf32_files_are_not_taken_for_binary(
    cli: RunCli, small: None, write: WriteFile, encoding: str
) -> None:
    write("wide.txt", TEXT_B.encode(encoding))
    result = cli("annotate", "wide.txt", "-g", "g.yaml", "--encoding", encoding)
    assert result.code == 0, result.err
    assert result.out.startswith("Une autre CAE")


def test_decoding_error_line_is_counted_in_characters(
    cli: RunCli, small: None, write: WriteFile
) -> None:
    # in UTF-16 the byte 0x0a appears inside characters (U+0A00…), and "\n" is 0a 00
    data = "ਊ un\ndeux\n".encode("utf-16-le") + b"\x00\xdc"  # then a lone low surrogate
    write("wide.txt", data)
    result = cli("annotate", "wide.txt", "-g", "g.yaml", "--encoding", "utf-16-le")
    assert result.code == 1
    assert_one_line_error(result.err, "wide.txt:3")


@pytest.mark.parametrize("encoding", ["utf-8", "utf8", "u8"])
def test_utf8_byte_order_mark_is_dropped(
    cli: RunCli, small: None, write: WriteFile, encoding: str
) -> None:
    write("bom.txt", b"\xef\xbb\xbf" + TEXT_B.encode("utf-8"))
    result = cli("annotate", "bom.txt", "-g", "g.yaml", "--encoding", encoding)
    assert result.code == 0
    assert result.out.startswith("Une autre CAE")


# --------------------------------------------------------------------------- glossaries


def test_repeated_glossary_other_definition_is_a_sense(cli: RunCli, small: None,
                                                       write: WriteFile) -> None:
    write("g2.yaml", "- term: CAE\n  definition: Définition de remplacement.\n")
    both = cli("annotate", "a.txt", "-g", "g.yaml", "-g", "g2.yaml")
    assert both.code == 0
    # two definitions of CAE are two senses: nothing here decides, so both are shown
    assert "1. " + CAE_DEF in both.out and "2. Définition de remplacement." in both.out
    assert SCOP_DEF in both.out  # the first file still contributes its other entries
    assert "g2.yaml:1" not in both.err  # not a clash
    first = cli("annotate", "a.txt", "-g", "g2.yaml", "-g", "g.yaml", "--senses", "first")
    assert "Définition de remplacement." in first.out and CAE_DEF not in first.out
    write("g3.yaml", "- term: CAE\n  definition: coopérative d’activité et d’emploi\n")
    same = cli("annotate", "a.txt", "-g", "g.yaml", "-g", "g3.yaml")
    assert "g3.yaml:1" in same.err and "g.yaml:1" in same.err  # a duplicate is reported


def test_glossary_long_option(cli: RunCli, small: None) -> None:
    result = cli("annotate", "b.txt", "--glossary", "g.yaml")
    assert result.code == 0
    assert CAE_DEF in result.out


TYPO_GLOSSARY = """\
- term: CAE
  defintion: typo
  definition: Coopérative d'activité et d'emploi.
"""


def test_glossary_warning_is_printed_and_does_not_stop(
    cli: RunCli, small: None, write: WriteFile
) -> None:
    write("typo.yaml", TYPO_GLOSSARY)
    result = cli("annotate", "b.txt", "-g", "typo.yaml")
    assert result.code == 0
    assert "Coopérative d'activité et d'emploi." in result.out
    assert result.err.startswith("glossator: warning: typo.yaml:2:")
    assert "defintion" in result.err
    assert "did you mean 'definition'?" in result.err


def test_strict_turns_a_glossary_warning_into_exit_1(
    cli: RunCli, small: None, write: WriteFile
) -> None:
    write("typo.yaml", TYPO_GLOSSARY)
    result = cli("annotate", "b.txt", "-g", "typo.yaml", "--strict")
    assert result.code == 1
    assert result.out == ""
    assert_one_line_error(result.err, "typo.yaml:2", "defintion")


def test_quiet_silences_glossary_warnings(cli: RunCli, small: None, write: WriteFile) -> None:
    write("typo.yaml", TYPO_GLOSSARY)
    result = cli("annotate", "b.txt", "-g", "typo.yaml", "-q")
    assert result.code == 0
    assert result.err == ""
    assert "Coopérative d'activité et d'emploi." in result.out
    assert cli("annotate", "b.txt", "-g", "typo.yaml", "--quiet").err == ""


def test_glossary_format_reads_a_file_with_an_odd_suffix(
    cli: RunCli, small: None, write: WriteFile
) -> None:
    write("g.gloss", SMALL_GLOSSARY)
    refused = cli("annotate", "b.txt", "-g", "g.gloss")
    assert refused.code == 1
    assert_one_line_error(refused.err, "g.gloss", "--glossary-format")
    result = cli("annotate", "b.txt", "-g", "g.gloss", "--glossary-format", "yaml")
    assert result.code == 0
    assert CAE_DEF in result.out


def test_unknown_glossary_format_is_an_error(cli: RunCli, small: None) -> None:
    result = cli("annotate", "b.txt", "-g", "g.yaml", "--glossary-format", "toml-ish")
    assert result.code == 2  # (a usage error, as an unknown -f is)
    assert_one_line_error(result.err, "toml-ish", "yaml")


def test_acronyms_no_and_on_stay_strings_and_match(cli: RunCli, write: WriteFile) -> None:
    write("g.yaml", "- term: NO\n  definition: Nord-Ouest.\n"
                    "- term: ON\n  definition: Office national.\n"
                    "- term: yes\n  definition: Oui.\n")
    write("doc.txt", "Le NO et le ON ; mais no, on et yes.\n")
    result = cli("annotate", "doc.txt", "-g", "g.yaml", "-f", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    surfaces = [(a["surface"], a["term"], a["definition"]) for a in doc["annotations"]]
    assert surfaces == [
        ("NO", "NO", "Nord-Ouest."),
        ("ON", "ON", "Office national."),
        ("yes", "yes", "Oui."),
    ]


# --------------------------------------------------------------------------- output formats


@pytest.mark.parametrize("fmt", ["text", "html", "terminal", "json", "markdown"])
def test_every_format_renders_the_definitions(cli: RunCli, small: None, fmt: str) -> None:
    result = cli("annotate", "a.txt", "-g", "g.yaml", "-f", fmt, "--color", "never")
    assert result.code == 0
    assert result.err == ""
    out = result.out
    if fmt == "json":
        doc = json.loads(out)
        assert doc["text"] == TEXT_A
        assert doc["source"] == "a.txt"
        assert [(a["entry"], a["surface"], a["definition"]) for a in doc["annotations"]] == [
            ("cae", "CAE", CAE_DEF), ("scop", "SCOP", SCOP_DEF)]
        return
    assert "Encore la CAE" in out
    assert out.count(CAE_DEF) == 1 and out.count(SCOP_DEF) == 1
    assert ANSI not in out
    if fmt == "html":
        assert 'data-glossator-entry="cae"' in out
        assert "<!DOCTYPE" not in out  # a fragment unless --standalone
    elif fmt == "markdown":
        assert "[^cae]" in out and "[^scop]" in out
    elif fmt == "terminal":
        assert "[1]" in out and "[2]" in out
        assert "<span" not in out
    else:
        assert "<" not in out and "[^" not in out
        assert out.startswith(f"La CAE CAE {CAE_DEF} et la SCOP")


def test_format_long_option(cli: RunCli, small: None) -> None:
    assert cli("annotate", "a.txt", "-g", "g.yaml", "--format", "html").out == cli(
        "annotate", "a.txt", "-g", "g.yaml", "-f", "html").out


def test_json_with_several_files_is_one_json_array(cli: RunCli, small: None) -> None:
    result = cli("annotate", "a.txt", "b.txt", "-g", "g.yaml", "-f", "json")
    assert result.code == 0
    docs = json.loads(result.out)
    assert [d["source"] for d in docs] == ["a.txt", "b.txt"]
    assert [len(d["annotations"]) for d in docs] == [2, 1]


def test_json_from_stdin_has_no_source(cli: RunCli, small: None) -> None:
    result = cli("annotate", "-g", "g.yaml", "-f", "json", stdin=TEXT_B.encode())
    assert json.loads(result.out).get("source") is None


def test_output_file(cli: RunCli, small: None, tmp_path: Path) -> None:
    expected = cli("annotate", "a.txt", "-g", "g.yaml", "-f", "html").out
    for option in ("-o", "--output"):
        target = tmp_path / f"out{option}.html"
        result = cli("annotate", "a.txt", "-g", "g.yaml", "-f", "html", option, str(target))
        assert result.code == 0
        assert result.out == ""
        assert target.read_text(encoding="utf-8") == expected


def test_output_dir_writes_one_file_per_input_with_the_format_suffix(
    cli: RunCli, small: None, tmp_path: Path
) -> None:
    for fmt, suffix in [("text", ".txt"), ("html", ".html"), ("markdown", ".md"),
                        ("json", ".json"), ("terminal", ".txt")]:
        out_dir = tmp_path / "out" / fmt  # created, parents included
        result = cli("annotate", "a.txt", "b.txt", "-g", "g.yaml", "-f", fmt,
                     "--output-dir", str(out_dir), "--color", "never")
        assert result.code == 0, result.err
        assert result.out == ""
        assert sorted(p.name for p in out_dir.iterdir()) == [f"a{suffix}", f"b{suffix}"]
        for name in ("a", "b"):
            alone = cli("annotate", f"{name}.txt", "-g", "g.yaml", "-f", fmt,
                        "--color", "never").out
            assert (out_dir / f"{name}{suffix}").read_text(encoding="utf-8") == alone


def test_output_dir_refuses_to_overwrite_an_input(cli: RunCli, small: None, tmp_path: Path) -> None:
    result = cli("annotate", "a.txt", "-g", "g.yaml", "--output-dir", ".")
    assert result.code == 2
    assert_one_line_error(result.err, "a.txt", "overwrite")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == TEXT_A


def test_output_refuses_to_overwrite_an_input(cli: RunCli, small: None, tmp_path: Path) -> None:
    result = cli("annotate", "a.txt", "-g", "g.yaml", "-o", "./a.txt")
    assert result.code == 2
    assert_one_line_error(result.err, "a.txt", "overwrite")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == TEXT_A


def test_output_dir_refuses_two_inputs_with_the_same_name(
    cli: RunCli, small: None, write: WriteFile, tmp_path: Path
) -> None:
    write("x/doc.txt", TEXT_A)
    write("y/doc.txt", TEXT_B)
    result = cli("annotate", "x/doc.txt", "y/doc.txt", "-g", "g.yaml", "--output-dir", "out")
    assert result.code == 2
    assert_one_line_error(result.err, "doc.txt")
    assert not (tmp_path / "out").exists()


def test_output_dir_needs_named_files(cli: RunCli, small: None) -> None:
    result = cli("annotate", "-g", "g.yaml", "--output-dir", "out", stdin=b"CAE\n")
    assert result.code == 2
    assert_one_line_error(result.err, "--output-dir")


def test_standalone_writes_a_whole_html_page(cli: RunCli, small: None) -> None:
    result = cli("annotate", "a.txt", "-g", "g.yaml", "--standalone")
    assert result.code == 0
    assert result.out.startswith("<!DOCTYPE html>")
    assert "<title>a</title>" in result.out
    assert "<style" in result.out or "stylesheet" in result.out
    assert result.out.rstrip().endswith("</html>")
    assert CAE_DEF in result.out
    explicit = cli("annotate", "a.txt", "-g", "g.yaml", "--standalone", "-f", "html")
    assert explicit.out == result.out


def test_standalone_with_text_format_is_a_usage_error(cli: RunCli, small: None) -> None:
    result = cli("annotate", "a.txt", "-g", "g.yaml", "--standalone", "-f", "text")
    assert result.code == 2
    assert result.out == ""
    assert_one_line_error(result.err, "--standalone")


def test_terminal_style_inline_and_notes(cli: RunCli, small: None) -> None:
    base = ("annotate", "a.txt", "-g", "g.yaml", "-f", "terminal", "--color", "never")
    notes = cli(*base, "--terminal-style", "notes")
    inline = cli(*base, "--terminal-style", "inline")
    default = cli(*base)
    assert notes.code == inline.code == 0
    assert default.out == notes.out
    assert "CAE[1]" in notes.out
    first_line = notes.out.splitlines()[0]
    assert CAE_DEF not in first_line  # notes come after the paragraph
    assert "[1]" not in inline.out
    assert re.search(r"CAE \(CAE : " + re.escape(CAE_DEF) + r"\)", " ".join(inline.out.split()))


def test_width_wraps_terminal_output(cli: RunCli, small: None) -> None:
    base = ("annotate", "a.txt", "-g", "g.yaml", "-f", "terminal", "--color", "never",
            "--terminal-style", "inline")
    narrow = cli(*base, "--width", "30")
    wide = cli(*base, "--width", "200")
    assert narrow.code == wide.code == 0
    assert max(len(line) for line in narrow.out.splitlines()) <= 30
    assert max(len(line) for line in wide.out.splitlines()) > 30
    assert " ".join(narrow.out.split()) == " ".join(wide.out.split())


def test_width_below_20_is_a_usage_error(cli: RunCli, small: None) -> None:
    result = cli("annotate", "a.txt", "-g", "g.yaml", "-f", "terminal", "--width", "5")
    assert result.code == 2
    assert_one_line_error(result.err, "--width")


def test_color_always_and_never(cli: RunCli, small: None) -> None:
    base = ("annotate", "a.txt", "-g", "g.yaml", "-f", "terminal")
    always = cli(*base, "--color", "always")
    never = cli(*base, "--color", "never")
    auto = cli(*base, "--color", "auto")  # not a TTY here: no colour
    assert always.code == never.code == auto.code == 0
    assert ANSI in always.out
    assert ANSI not in never.out
    assert ANSI not in auto.out
    assert re.sub(r"\x1b\[[0-9;]*m", "", always.out).split() == never.out.split()


# --------------------------------------------------------------------------- help, version


def test_version(cli: RunCli) -> None:
    result = cli("--version")
    assert result.code == 0
    assert result.out.strip() == f"glossator {glossator.__version__}"


def _option_strings(command: str) -> list[str]:
    return [s for a in subcommands()[command]._actions for s in a.option_strings]


def test_help_lists_the_commands(cli: RunCli) -> None:
    result = cli("--help")
    assert result.code == 0
    assert "annotate" in result.out and "check" in result.out


@pytest.mark.parametrize("command", ["annotate", "check"])
def test_command_help_mentions_every_option(cli: RunCli, command: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0
    options = _option_strings(command)
    assert "--glossary-format" in options and "--strict" in options
    for option in options:
        assert option in result.out, option


def test_annotate_has_the_documented_options() -> None:
    options = set(_option_strings("annotate"))
    assert {"-g", "--glossary", "-f", "--format", "-o", "--output", "--output-dir",
            "--occurrences", "--standalone", "--terminal-style", "--width", "--color",
            "--encoding", "--strict", "-q", "--quiet", "--glossary-format"} <= options


def test_readme_documents_every_option() -> None:
    # the reference moved to the documentation site: each command's section of
    # docs/cli.md names every one of its options (tests/test_docs.py checks the same)
    page = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = []
    for command in subcommands():
        heading = f"\n## `glossator {command}`\n"
        assert heading in page, command
        section = page.split(heading, 1)[1].split("\n## ")[0]
        missing += [(command, option) for option in _option_strings(command)
                    if option not in ("-h", "--help")
                    and not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", section)]
    assert missing == []


def test_no_command_is_a_usage_error(cli: RunCli) -> None:
    result = cli()
    assert result.code == 2
    assert result.out == ""
    assert "usage:" in result.err


# --------------------------------------------------------------------------- errors

BAD_YAML = "- term: CAE\n  definition: ok\n- term: SCOP\n  definition: a: b\n"
NO_DEFINITION = "- term: CAE\n  definition: ok\n- term: SCOP\n  title: Scop\n"
EMPTY_DEFINITION = '- term: CAE\n  definition: ok\n- term: SCOP\n  definition: "  "\n'
ALIASES_STRING = "- term: CAE\n  definition: ok\n  aliases: foo\n"
ENTRY_STRING = "- term: CAE\n  definition: ok\n- SCOP\n"
PYTHON_TAG = '- term: CAE\n  definition: !!python/object/apply:os.system ["touch pwned"]\n'
PYTHON_TAG_ROOT = '!!python/object/apply:os.system ["touch pwned"]\n'
RECURSIVE_ALIAS = "entries: &all\n  - term: CAE\n    definition: ok\n    tags: *all\n"
BAD_CASE = "- term: CAE\n  definition: ok\n  case_sensitive: maybe\n"

# (id, files to write, argv after 'annotate', exit code, what stderr must contain)
ERROR_CASES = [
    ("missing-input", {}, ["nope.txt"], 1, ["nope.txt", "no such file"]),
    ("directory-without-documents", {"adir/x.png": "x"}, ["adir"], 1,
     ["adir", "no .txt, .md or .html file in this directory"]),
    ("binary-input", {"bin.dat": b"PK\x03\x04\x00\x00\x00binary"}, ["bin.dat"], 1,
     ["bin.dat", "binary"]),
    ("invalid-utf8", {"bad.txt": b"ligne un\nligne \xe9t\xe9\n"}, ["bad.txt"], 1,
     ["bad.txt:2", "--encoding"]),
    ("unknown-encoding", {}, ["a.txt", "--encoding", "klingon-8"], 2, ["klingon-8"]),
    ("not-a-text-encoding", {}, ["a.txt", "--encoding", "rot13"], 2, ["rot13"]),
    ("missing-glossary", {}, ["a.txt", "-g", "missing.yaml"], 1, ["missing.yaml"]),
    ("glossary-directory", {"gdir.yaml/x": "x"}, ["a.txt", "-g", "gdir.yaml"], 1,
     ["gdir.yaml", "directory"]),
    ("glossary-name-too-long", {}, ["a.txt", "-g", "n" * 300 + ".yaml"], 1, ["nnnn"]),
    ("invalid-yaml", {"bad.yaml": BAD_YAML}, ["a.txt", "-g", "bad.yaml"], 1,
     ["bad.yaml:4", "YAML"]),
    ("missing-definition", {"bad.yaml": NO_DEFINITION}, ["a.txt", "-g", "bad.yaml", "--strict"], 1,
     ["bad.yaml:3", "'definition' is missing"]),
    ("empty-definition", {"bad.yaml": EMPTY_DEFINITION}, ["a.txt", "-g", "bad.yaml", "--strict"],
     1,
     ["bad.yaml:4", "'definition' is empty"]),
    ("aliases-string", {"bad.yaml": ALIASES_STRING}, ["a.txt", "-g", "bad.yaml"], 1,
     ["bad.yaml:3", "'aliases' must be a list"]),
    ("whole-file-string", {"bad.yaml": "just some words\n"}, ["a.txt", "-g", "bad.yaml"], 1,
     ["bad.yaml:1", "not a string"]),
    ("entry-string", {"bad.yaml": ENTRY_STRING}, ["a.txt", "-g", "bad.yaml"], 1,
     ["bad.yaml:3", "entry 2"]),
    ("empty-glossary", {"bad.yaml": ""}, ["a.txt", "-g", "bad.yaml"], 1, ["bad.yaml", "empty"]),
    ("comment-only-glossary", {"bad.yaml": "# nothing\n"}, ["a.txt", "-g", "bad.yaml"], 1,
     ["bad.yaml", "empty"]),
    ("python-tag", {"bad.yaml": PYTHON_TAG}, ["a.txt", "-g", "bad.yaml"], 1,
     ["bad.yaml:2", "tag"]),
    ("python-tag-root", {"bad.yaml": PYTHON_TAG_ROOT}, ["a.txt", "-g", "bad.yaml"], 1,
     ["bad.yaml:1", "tag"]),
    ("recursive-alias", {"bad.yaml": RECURSIVE_ALIAS}, ["a.txt", "-g", "bad.yaml"], 1,
     ["bad.yaml:"]),
    ("case-sensitive-maybe", {"bad.yaml": BAD_CASE}, ["a.txt", "-g", "bad.yaml"], 1,
     ["bad.yaml:3", "maybe"]),
    ("unknown-format", {}, ["a.txt", "-f", "pdf"], 2, ["pdf"]),
    ("unknown-occurrences", {}, ["a.txt", "--occurrences", "some"], 2, ["some"]),
    ("width-not-a-number", {}, ["a.txt", "--width", "wide"], 2, ["wide"]),
    ("output-and-output-dir", {}, ["a.txt", "-o", "x.txt", "--output-dir", "d"], 2,
     ["--output", "--output-dir"]),
]


@pytest.mark.parametrize(
    ("files", "argv", "code", "needles"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_errors_are_one_line_with_the_right_exit_code(
    cli: RunCli, small: None, write: WriteFile, tmp_path: Path, files: dict[str, str | bytes],
    argv: list[str], code: int, needles: list[str]
) -> None:
    for name, content in files.items():
        write(name, content)
    if "-g" not in argv:
        argv = [*argv, "-g", "g.yaml"]
    result = cli("annotate", *argv)
    assert result.code == code
    assert result.out == ""
    assert_one_line_error(result.err, *needles)
    assert not (tmp_path / "pwned").exists()


def test_unknown_subcommand_is_a_usage_error(cli: RunCli) -> None:
    result = cli("annotated", "x.txt")
    assert result.code == 2
    assert_one_line_error(result.err, "annotated")


def test_unknown_option_is_a_usage_error(cli: RunCli, small: None) -> None:
    result = cli("annotate", "a.txt", "--colour", "never")
    assert result.code == 2
    assert_one_line_error(result.err, "--colour")


# --------------------------------------------------------------------------- check

DUPLICATE_CAE = """\
- term: CAE
  definition: Coopérative d'activité et d'emploi.
- term: SCOP
  definition: Société coopérative et participative.
- term: CAE
  definition: coopérative d'activité et d'emploi
"""


def test_check_the_bundled_glossary(cli: RunCli) -> None:
    result = cli("check")
    assert result.code == 0
    assert result.out.startswith("ok:")
    count = len(glossator.load_glossary())
    assert f"{count} entries, 0 warnings" in result.out
    assert result.err == ""


def test_check_a_clean_glossary(cli: RunCli, small: None) -> None:
    result = cli("check", "g.yaml")
    assert result.code == 0
    assert result.out.strip() == "ok: 1 glossary, 2 entries, 0 warnings"


def test_check_says_entry_in_the_singular(cli: RunCli, write: WriteFile) -> None:
    write("one.yaml", "- term: CAE\n  definition: ok\n")
    assert cli("check", "one.yaml").out.strip() == "ok: 1 glossary, 1 entry, 0 warnings"


def test_check_several_glossaries(cli: RunCli, small: None, write: WriteFile) -> None:
    write("g2.yaml", "- term: ESUS\n  definition: Entreprise solidaire d'utilité sociale.\n")
    result = cli("check", "g.yaml", "g2.yaml")
    assert result.code == 0
    assert result.out.strip() == "ok: 2 glossaries, 3 entries, 0 warnings"


def test_check_duplicate_term_is_a_warning_naming_both_lines(cli: RunCli, write: WriteFile) -> None:
    write("dup.yaml", DUPLICATE_CAE)
    result = cli("check", "dup.yaml")
    assert result.code == 0
    clash = [line for line in result.out.splitlines() if "'CAE'" in line]
    assert len(clash) == 1
    assert clash[0].startswith("dup.yaml:5: warning:")
    assert "at line 1 " in clash[0]  # the same file: its line is enough
    assert result.out.splitlines()[-1].startswith("ok:")


def test_check_strict_fails_on_a_warning(cli: RunCli, write: WriteFile) -> None:
    write("dup.yaml", DUPLICATE_CAE)
    result = cli("check", "--strict", "dup.yaml")
    assert result.code == 1
    assert "dup.yaml:5" in result.out
    assert result.out.splitlines()[-1].startswith("failed:")


DUPLICATE_ID_CSV = "id,term,definition\na,ESS,Économie sociale.\na,PTCE,Pôle territorial.\n"
OK_CSV = "id,term,definition\nb,SCOP,Société coopérative.\nc,CAE,Coopérative d’activité.\n"
DUPLICATE_ID_LINE = ("dupid.csv:3: warning: id 'a' is also used by the entry 'ESS' at "
                     "dupid.csv:2 (give each entry its own 'id'; this one was renamed) "
                     "[duplicate-id]")


@pytest.mark.parametrize("files", [("dupid.csv",), ("ok.csv", "dupid.csv"),
                                   ("dupid.csv", "ok.csv")])
def test_check_strict_fails_on_a_files_duplicate_id_alone_or_merged(
    cli: RunCli, write: WriteFile, files: tuple[str, ...],
) -> None:
    write("ok.csv", OK_CSV)
    write("dupid.csv", DUPLICATE_ID_CSV)
    result = cli("check", "--format", "text", *files)
    assert result.code == 0
    assert result.out.splitlines()[0] == DUPLICATE_ID_LINE
    strict = cli("check", "--format", "text", "--strict", *files)
    assert strict.code == 1
    n = len(files)
    assert strict.out.splitlines() == [
        DUPLICATE_ID_LINE, f"failed: {n} glossar{'ies' if n > 1 else 'y'}, "
        f"{2 * n} entries, 1 warning"]


def test_check_reports_an_id_used_in_two_files_naming_both(
    cli: RunCli, write: WriteFile,
) -> None:
    write("ok.csv", OK_CSV)
    write("again.csv", "id,term,definition\nb,AMAP,Association pour le maintien.\n")
    result = cli("check", "--format", "text", "--strict", "ok.csv", "again.csv")
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "again.csv:2: warning: id 'b' is also used by the entry 'SCOP' at ok.csv:2 (give "
        "each entry its own 'id'; this one was renamed) [duplicate-id]")


def test_annotate_strict_fails_on_a_duplicate_id_of_one_of_its_glossaries(
    cli: RunCli, write: WriteFile, tmp_path: Path,
) -> None:
    write("ok.csv", OK_CSV)
    write("dupid.csv", DUPLICATE_ID_CSV)
    write("x.txt", "L’ESS et la SCOP.\n")
    cache = str(tmp_path / "cache")
    for _ in range(2):  # the second run reads the merged glossary from the cache
        result = cli("annotate", "-g", "ok.csv", "-g", "dupid.csv", "--strict",
                     "--cache-dir", cache, "x.txt", "-o", "out.txt")
        assert result.code == 1
        assert result.err == ("glossator: error: " + DUPLICATE_ID_LINE.replace(
            " warning:", "").removesuffix(" [duplicate-id]") + "\n")
        assert not (tmp_path / "out.txt").exists()
    loose = cli("annotate", "-g", "ok.csv", "-g", "dupid.csv", "--cache-dir", cache, "x.txt")
    assert loose.code == 0
    assert loose.err == "glossator: warning: " + DUPLICATE_ID_LINE.replace(
        " warning:", "").removesuffix(" [duplicate-id]") + "\n"


def test_check_quiet_prints_only_problems(cli: RunCli, small: None, write: WriteFile) -> None:
    assert cli("check", "-q", "g.yaml").out == ""
    write("dup.yaml", DUPLICATE_CAE)
    quiet = cli("check", "--quiet", "dup.yaml")
    assert quiet.code == 0
    assert "dup.yaml:5" in quiet.out
    assert "ok:" not in quiet.out


@pytest.mark.parametrize(
    ("content", "where"),
    [(BAD_YAML, "bad.yaml:4"), (ALIASES_STRING, "bad.yaml:3"), (PYTHON_TAG, "bad.yaml:2")],
    ids=["invalid-yaml", "aliases-string", "python-tag"],
)
def test_check_a_broken_glossary(
    cli: RunCli, small: None, write: WriteFile, content: str, where: str
) -> None:
    write("bad.yaml", content)
    result = cli("check", "g.yaml", "bad.yaml")
    assert result.code == 1
    report = result.out + result.err
    assert "Traceback" not in report
    problem = [line for line in report.splitlines() if "bad.yaml" in line]
    assert len(problem) == 1 and problem[0].startswith(f"{where}: error:")


def test_check_missing_file(cli: RunCli) -> None:
    result = cli("check", "missing.yaml")
    assert result.code == 1
    assert "missing.yaml" in result.out + result.err


def test_check_glossary_format(cli: RunCli, write: WriteFile) -> None:
    write("g.gloss", SMALL_GLOSSARY)
    assert cli("check", "g.gloss").code == 1
    result = cli("check", "--glossary-format", "yaml", "g.gloss")
    assert result.code == 0
    assert result.out.startswith("ok: 1 glossary, 2 entries")


ACCENTED = "La CAE d’Évry et la SCOP 😀.\n"


def test_output_encoding_writes_json_escapes_that_read_back_the_same(
        cli: RunCli, small: None, write: WriteFile) -> None:
    """A character the output encoding lacks is a ``\\uXXXX`` escape in JSON (a pair
    above U+FFFF), not an HTML reference: the text and its offsets read back the same."""
    write("acc.txt", ACCENTED)
    utf8 = json.loads(cli("annotate", "-g", "g.yaml", "-f", "json", "acc.txt").out)
    ascii_run = cli("annotate", "-g", "g.yaml", "-f", "json", "--output-encoding", "ascii",
                    "acc.txt")
    assert ascii_run.code == 0, ascii_run.err
    assert ascii_run.out.isascii() and "&#" not in ascii_run.out
    assert "\\u2019" in ascii_run.out and "\\ud83d\\ude00" in ascii_run.out
    assert json.loads(ascii_run.out) == utf8


def test_output_encoding_that_lacks_a_character_of_text_output_is_an_error(
        cli: RunCli, small: None, write: WriteFile, tmp_path: Path) -> None:
    """Text output has no way to write a character its encoding lacks: one error line
    naming it, and no file; the terminal view shows it as ``?``."""
    write("acc.txt", "Bonjour.\n" + ACCENTED)
    run = cli("annotate", "-g", "g.yaml", "-f", "text", "--output-encoding", "ascii",
              "acc.txt", "-o", str(tmp_path / "out.txt"))
    assert run.code == 1
    assert run.err == ("glossator: error: the output cannot be written in ascii: it has "
                       "'é' (U+00E9) on line 2, which text output has no other way to "
                       "write (use --output-encoding utf-8, or -f html, markdown or json, "
                       "which write it as a reference)\n")
    assert not (tmp_path / "out.txt").exists()
    write("plain.txt", "La SCOP d'Évry.\n")  # (all of it in Latin-1, its definition too)
    assert cli("annotate", "-g", "g.yaml", "-f", "text", "--output-encoding", "latin-1",
               "plain.txt", "-o", str(tmp_path / "out.txt")).code == 0
    assert "d'Évry" in (tmp_path / "out.txt").read_text("latin-1")
    shown = cli("annotate", "-g", "g.yaml", "-f", "terminal", "--output-encoding", "ascii",
                "acc.txt")
    assert shown.code == 0 and shown.out.isascii() and "d??vry" in shown.out


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_output_encoding_writes_references_in_html_and_markdown(
        cli: RunCli, small: None, write: WriteFile, fmt: str) -> None:
    write("acc.txt", ACCENTED)
    run = cli("annotate", "-g", "g.yaml", "-f", fmt, "--output-encoding", "ascii", "acc.txt")
    assert run.code == 0 and run.out.isascii()
    assert "d&#8217;&#201;vry" in run.out and "&#128512;" in run.out


# --------------------------------------------------------------------------- subprocess


def _run(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "glossator", *args],
        cwd=cwd, input=stdin, capture_output=True, env=env, timeout=120, check=False,
    )


def test_subprocess_golden_reproduction(tmp_path: Path) -> None:
    proc = _run("annotate", str(EXAMPLES / "labo-ess.txt"), "-g",
                str(EXAMPLES / "labo-ess.yaml"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    assert proc.stdout.rstrip(b"\n") == seed_path().read_bytes().rstrip(b"\n")


def test_importing_glossator_main_runs_nothing(tmp_path: Path) -> None:
    """``glossator.__main__`` runs the command line only as ``python -m glossator``: a
    tool that imports it (pydoc, a test collector, multiprocessing's spawn) is not
    answered with a usage error and an exit."""
    proc = subprocess.run(
        [sys.executable, "-c", "import glossator.__main__ as m; print(m.__name__)"],
        cwd=tmp_path, capture_output=True, timeout=120, check=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"glossator.__main__\n", b"")
    version = _run("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith(b"glossator "), version


def test_subprocess_input_error_exit_1_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(PYTHON_TAG, encoding="utf-8")
    (tmp_path / "a.txt").write_text(TEXT_A, encoding="utf-8")
    proc = _run("annotate", "a.txt", "-g", "bad.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert_one_line_error(proc.stderr.decode("utf-8"), "bad.yaml:2")
    assert not (tmp_path / "pwned").exists()
    missing = _run("annotate", "nope.txt", cwd=tmp_path)
    assert missing.returncode == 1
    assert_one_line_error(missing.stderr.decode("utf-8"), "nope.txt")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("args", [
    ("annotate", "a.txt"), ("annotate", "-f", "json", "a.txt"), ("explain", "a.txt"),
    ("check",), ("css",), ("index",), ("--help",), ("--version",), ("annotate", "--help"),
    ("serve", "--help")], ids=lambda a: "-".join(a))
def test_a_failing_standard_output_is_one_error_line(tmp_path: Path,
                                                     args: tuple[str, ...]) -> None:
    """Writing standard output can fail otherwise than by a closed pipe (a full disk,
    here ``/dev/full``): one line naming it and the reason, exit 1, no traceback, and no
    second error when the interpreter flushes what is left at exit."""
    (tmp_path / "a.txt").write_text(TEXT_A, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "glossator", *args], cwd=tmp_path,
                              stdout=full, stderr=subprocess.PIPE, env=env, timeout=120,
                              check=False)
    assert proc.returncode == 1
    assert proc.stderr.decode("utf-8") == (
        "glossator: error: standard output: No space left on device\n")


@pytest.mark.parametrize("args", [("--help",), ("annotate", "--help")])
def test_help_into_a_closed_pipe_stops_quietly(args: tuple[str, ...]) -> None:
    """``glossator --help | head -1`` with the reader gone before the help is written:
    exit 0 and nothing on standard error, as an annotation into a closed pipe."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "glossator", *args], stdout=write,
                              stderr=subprocess.PIPE, timeout=120, check=False)
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (0, b"")


def test_subprocess_usage_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    for args in (("annotate", "-f", "pdf"), ("annotate", "--encoding", "klingon-8"), ()):
        proc = _run(*args, cwd=tmp_path, stdin=b"la CAE\n")
        assert proc.returncode == 2, args
        assert b"Traceback" not in proc.stderr
        assert proc.stdout == b""


def test_check_skips_an_entry_without_definition_and_fails_it_under_strict(
    cli: RunCli, small: None, write: WriteFile
) -> None:
    write("bad.yaml", NO_DEFINITION)
    result = cli("check", "g.yaml", "bad.yaml")
    assert result.code == 0
    assert "bad.yaml:3: warning: entry 2: 'definition' is missing: the entry is skipped" in (
        result.out)
    assert cli("check", "--strict", "g.yaml", "bad.yaml").code == 1


def test_a_long_run_of_one_warning_ends_with_a_count(cli: RunCli, write: WriteFile) -> None:
    rows = "".join(f"T{i},Première.\nT{i},Première.\n" for i in range(14))  # duplicates
    write("dup.csv", "term,definition\n" + rows)
    write("a.txt", "T1 et T2.\n")
    result = cli("annotate", "-g", "dup.csv", "a.txt")
    assert result.code == 0, result.err
    lines = result.err.splitlines()
    assert len(lines) == 11
    assert lines[-1].endswith("14 duplicate-form warnings in all (first 10 shown; --verbose "
                              "for all)")
    assert len(cli("annotate", "-g", "dup.csv", "--verbose", "a.txt").err.splitlines()) == 14


def test_markdown_front_matter_is_neither_annotated_nor_rendered(
    cli: RunCli, write: WriteFile
) -> None:
    write("page.md", "---\ntitle: L'ESS en région\ntags: [ESS, SCOP]\n---\n\n"
                     "Une SCOP.\n\n---\n\nESS\n")
    result = cli("annotate", "page.md")
    assert result.code == 0, result.err
    assert "en région" not in result.out and "tags:" not in result.out
    assert result.out.count('data-glossator-entry="scop"') == 1
    assert "<hr />" in result.out  # a rule further down is a rule
    assert result.out.count('data-glossator-entry="ess"') == 1


# --------------------------------------------------------------------------- outputs that cannot be


def _files(root: Path) -> list[str]:
    """Every file and folder under ``root``, hidden ones too, relative and sorted."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("argv, target", [
    (("annotate", "a.txt", "-g", "g.yaml", "-o"), "annotate"),
    (("index", "g.yaml", "-o"), "index"),
    (("convert", "g.yaml"), "convert"),
])
def test_an_output_in_a_missing_folder_names_the_folder_and_the_fix(
    cli: RunCli, small: None, tmp_path: Path, argv: tuple[str, ...], target: str,
) -> None:
    before = _files(tmp_path)
    result = cli(*argv, "nope/dir/out.yaml")
    assert result.code == 1
    fix = "create it first: mkdir -p nope/dir"
    if target == "annotate":
        fix += "; or write into it with --output-dir nope/dir, which makes it"
    assert result.err == ("glossator: error: nope/dir/out.yaml: cannot be written: the "
                          f"folder nope/dir does not exist ({fix})\n")
    assert _files(tmp_path) == before


@pytest.mark.parametrize("argv, fix", [
    (("annotate", "a.txt", "-g", "g.yaml"), "to write one file per input into it, use "
     "--output-dir out"),
    (("index", "g.yaml"), "name a file to write"),
])
def test_an_output_that_is_a_folder_says_so(
    cli: RunCli, small: None, tmp_path: Path, argv: tuple[str, ...], fix: str,
) -> None:
    (tmp_path / "out").mkdir()
    before = _files(tmp_path)
    result = cli(*argv, "-o", "out")
    assert result.code == 1
    assert result.err == f"glossator: error: out: is a folder, not a file ({fix})\n"
    assert _files(tmp_path) == before


def test_an_output_under_a_file_names_that_file(cli: RunCli, small: None,
                                                tmp_path: Path) -> None:
    before = _files(tmp_path)
    for argv in (("annotate", "a.txt", "-g", "g.yaml"), ("index", "g.yaml")):
        result = cli(*argv, "-o", "b.txt/out.html")
        assert result.code == 1
        assert result.err == ("glossator: error: b.txt/out.html: cannot be written: b.txt "
                              "is a file, not a folder (name a file in a folder)\n")
    assert _files(tmp_path) == before


@pytest.mark.parametrize("folder, what", [
    ("b.txt", "is a file, not a folder"),
    ("b.txt/sub", "cannot be made: b.txt is a file, not a folder"),
])
def test_an_output_dir_that_is_a_file_says_so(
    cli: RunCli, small: None, tmp_path: Path, folder: str, what: str,
) -> None:
    before = _files(tmp_path)
    result = cli("annotate", "a.txt", "-g", "g.yaml", "--output-dir", folder)
    assert result.code == 1
    assert result.err == (f"glossator: error: {folder}: {what} (--output-dir names the "
                          "folder to write into: give a new one or an existing one)\n")
    assert _files(tmp_path) == before


def test_a_report_that_cannot_be_written_is_refused_before_any_work(
    cli: RunCli, small: None, tmp_path: Path,
) -> None:
    (tmp_path / "r.json").mkdir()
    before = _files(tmp_path)
    for report, what, fix in (
        ("nope/r.json", "cannot be written: the folder nope does not exist",
         "create it first: mkdir -p nope"),
        ("r.json", "is a folder, not a file", "name a file to write"),
        ("a.txt/r.json", "cannot be written: a.txt is a file, not a folder",
         "name a file in a folder"),
    ):
        result = cli("annotate", "a.txt", "-g", "g.yaml", "--output-dir", "out",
                     "--report", report)
        assert result.code == 1
        assert result.err == f"glossator: error: {report}: {what} ({fix})\n"
        assert _files(tmp_path) == before  # not even the --output-dir folder


def test_a_missing_files_from_list_is_named_as_the_list(cli: RunCli, small: None,
                                                       tmp_path: Path) -> None:
    before = _files(tmp_path)
    result = cli("annotate", "-g", "g.yaml", "--files-from", "nope.lst",
                 "--output-dir", "out")
    assert result.code == 1
    assert result.err == (
        "glossator: error: nope.lst: no such file: the list of files given to --files-from "
        "(check its name; --files-from - reads the list on standard input)\n")
    (tmp_path / "pages").mkdir()
    folder = cli("annotate", "-g", "g.yaml", "--files-from", "pages")
    assert folder.code == 1
    assert folder.err == (
        "glossator: error: pages: is a folder, not the list of files given to --files-from "
        "(name a file with one path a line, or give the folder itself as an input)\n")
    assert _files(tmp_path) == sorted([*before, "pages"])  # no "out" folder made
