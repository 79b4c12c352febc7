"""``glossator convert``, ``--glossary-encoding``, and fix hints worded in each format."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

from glossator import Glossary, GlossaryError, load_glossary
from glossator.loaders import read_glossary
from support.cli import RunCli, WriteFile, subcommands

REPO_ROOT = Path(__file__).resolve().parents[1]

YAML = """\
name: Essai
license: CC0-1.0
entries:
  - term: économie sociale et solidaire
    title: Économie sociale et solidaire
    aliases: [ESS, l’ESS]
    definition: "Mode d'entreprendre « à part »\u00a0: loi n°\u202f2014-856."
    tags: [notion]
  - term: Scop
    definition: |-
      Société coopérative et participative.
      Les salariés y sont associés majoritaires.
    case_sensitive: false
"""

CSV_CP1252 = ("term,definition,aliases\n"
              "CAE,Coopérative d’activité et d’emploi,C.A.E.\n"
              "Scop,Société coopérative et participative — œuvre commune,\n")


def quietly(path: str | os.PathLike[str], **kwargs: Any) -> Glossary:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_glossary(path, **kwargs)


# --------------------------------------------------------------------------- convert


def test_convert_yaml_to_tbx_and_back(cli: RunCli, write: WriteFile, tmp_path: Path) -> None:
    write("g.yaml", YAML)
    result = cli("convert", "g.yaml", "g.tbx")
    assert result.code == 0, result.err
    # what TBX cannot hold is named, once, on standard error
    assert result.err == ("glossator: warning: tbx cannot hold 'title' (1 entry), 'tags' "
                          "(1 entry), 'case_sensitive' (1 entry), the metadata 'license': "
                          "left out of g.tbx\n")
    back = quietly(tmp_path / "g.tbx")
    original = quietly(tmp_path / "g.yaml")
    assert back.name == "Essai"
    assert [(e.term, e.aliases, e.id) for e in back] == [
        (e.term, e.aliases, e.id) for e in original]
    assert back.entries[0].definition == original.entries[0].definition  # NBSP kept
    assert back.entries[1].definition == " ".join(original.entries[1].definition.split())


def test_yaml_output_is_for_people(cli: RunCli, write: WriteFile) -> None:
    write("g.json", '{"name": "Essai", "entries": [{"definition": "Loi n°\u202f2014 :\\n'
          'l’ESS.", "aliases": ["E.S.S."], "title": "Éco", "term": "ESS", "tags": ["x"],'
          ' "id": "NO"}]}')
    result = cli("convert", "g.json", "-", "--to", "yaml")
    assert result.code == 0, result.err
    assert result.out == (
        "name: Essai\n"
        "entries:\n"
        "  - term: ESS\n"
        "    title: Éco\n"
        "    aliases:\n"
        "      - E.S.S.\n"
        "    definition: |-\n"
        "      Loi n°\u202f2014 :\n"
        "      l’ESS.\n"
        "    id: 'NO'\n"
        "    tags:\n"
        "      - x\n"
    )
    assert yaml.safe_load(result.out)["entries"][0]["id"] == "NO"


def test_convert_from_stdin_to_stdout(cli: RunCli) -> None:
    result = cli("convert", "--from", "yaml", "-", "-", "--to", "csv",
                 stdin=YAML.encode("utf-8"))
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "term,title,aliases,definition,tags,case_sensitive"
    assert "ESS|l’ESS" in result.out
    assert "metadata 'name', 'license'" in result.err and "standard output" in result.err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["g.yaml", "-"], "cannot tell the output format from standard output"),
        (["g.yaml", "out.txt"], "cannot tell the output format from the suffix '.txt'"),
        (["g.yaml", "out.x", "--to", "docx"], "cannot write glossaries in 'docx'"),
        (["-", "out.json"], "needs --from FORMAT"),
        (["g.yaml", "g.yaml", "--to", "json"], "is the input file"),
        (["g.yaml", "./sub/../g.yaml", "--to", "json"], "is the input file"),
        (["g.yaml", "out.json", "--glossary-encoding", "klingon"], "unknown encoding"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    cli: RunCli, write: WriteFile, tmp_path: Path, argv: list[str], needle: str
) -> None:
    write("g.yaml", YAML)
    (tmp_path / "sub").mkdir()
    result = cli("convert", *argv, stdin=b"")
    assert result.code == 2
    assert needle in result.err
    assert result.err.count("\n") == 1 and result.out == ""
    assert (tmp_path / "g.yaml").read_text(encoding="utf-8") == YAML


def test_a_bar_in_an_alias_cannot_go_to_csv(cli: RunCli, write: WriteFile, tmp_path: Path) -> None:
    write("g.yaml", "- term: pour|contre\n  aliases: [oui|non]\n  definition: x\n")
    result = cli("convert", "g.yaml", "g.csv")
    assert result.code == 1
    assert result.err == (
        "glossator: error: g.yaml:1: entry 'pour|contre': the aliases value 'oui|non' contains "
        "'|', which separates values in a CSV cell (write the glossary as YAML, JSON or TOML, "
        "or remove the '|')\n")
    assert not (tmp_path / "g.csv").exists()
    # a bar in the term is fine: only list cells are split
    write("h.yaml", "- term: pour|contre\n  definition: x\n")
    assert cli("convert", "h.yaml", "h.csv").code == 0
    assert quietly(tmp_path / "h.csv").entries[0].term == "pour|contre"


def test_strict_refuses_to_drop_fields(cli: RunCli, write: WriteFile, tmp_path: Path) -> None:
    write("g.yaml", YAML)
    result = cli("convert", "--strict", "g.yaml", "g.ttl")
    assert result.code == 1 and "skos-ttl cannot hold 'title'" in result.err
    assert not (tmp_path / "g.ttl").exists()
    assert cli("convert", "-q", "g.yaml", "g.ttl").code == 0
    assert cli("convert", "--strict", "g.yaml", "g.json").code == 0


def test_bad_input_is_exit_1_with_file_and_line(cli: RunCli, write: WriteFile) -> None:
    write("bad.json", '[{"term": "ESS", "definition": "x",}]')
    result = cli("convert", "bad.json", "out.yaml")
    assert result.code == 1
    assert result.err.startswith("glossator: error: bad.json:1: invalid JSON")


def test_convert_the_bundled_glossary_to_every_format_and_back(
    cli: RunCli, tmp_path: Path
) -> None:
    bundled = str(REPO_ROOT / "glossaries" / "ess-fr.yaml")
    original = quietly(bundled)
    for suffix in ("json", "toml", "csv", "tsv"):
        assert cli("convert", "-q", bundled, f"out.{suffix}").code == 0
        assert quietly(tmp_path / f"out.{suffix}").entries == original.entries, suffix
    for suffix in ("tbx", "ttl", "rdf"):
        assert cli("convert", "-q", bundled, f"out.{suffix}").code == 0
        back = quietly(tmp_path / f"out.{suffix}")
        assert [(e.term, e.definition, e.url) for e in back] == [
            (e.term, " ".join(e.definition.split()) if suffix == "tbx" else e.definition,
             e.url) for e in original]


def test_readme_documents_the_convert_options() -> None:
    page = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = page.split("\n## `glossator convert`\n")[1].split("\n## ")[0]
    convert = subcommands()["convert"]
    options = [s for a in convert._actions for s in a.option_strings if s not in ("-h", "--help")]
    assert options and [o for o in options if o not in section] == []


# --------------------------------------------------------------------------- encodings


def test_cp1252_csv_is_refused_with_the_option_to_use(write: WriteFile) -> None:
    path = write("excel.csv", CSV_CP1252.encode("cp1252"))
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert info.value.line == 2
    assert "--glossary-encoding cp1252" in str(info.value)
    g = quietly(path, encoding="cp1252")
    assert [e.definition for e in g] == ["Coopérative d’activité et d’emploi",
                                         "Société coopérative et participative — œuvre commune"]


def test_cli_reads_a_cp1252_glossary_with_glossary_encoding(cli: RunCli, write: WriteFile) -> None:
    write("excel.csv", CSV_CP1252.encode("cp1252"))
    write("doc.txt", "Une CAE et une Scop.\n")
    failed = cli("annotate", "-g", "excel.csv", "doc.txt")
    assert failed.code == 1 and "--glossary-encoding cp1252" in failed.err
    result = cli("annotate", "-g", "excel.csv", "--glossary-encoding", "cp1252", "-f", "json",
                 "doc.txt")
    assert result.code == 0, result.err
    assert "Coopérative d’activité et d’emploi" in result.out
    assert "œuvre commune" in result.out
    assert cli("explain", "-g", "excel.csv", "--glossary-encoding", "cp1252",
               "doc.txt").code == 0
    converted = cli("convert", "excel.csv", "-", "--to", "yaml", "--glossary-encoding",
                    "cp1252")
    assert converted.code == 0 and "œuvre commune" in converted.out


@pytest.mark.parametrize(("fmt", "content"), [
    ("yaml", "- term: CAE\n  definition: Coopérative d’activité\n"),
    ("json", '[{"term": "CAE", "definition": "Coopérative d’activité"}]'),
    ("toml", '[[entries]]\nterm = "CAE"\ndefinition = "Coopérative d’activité"\n'),
    ("tbx", "<martif><text><body><termEntry><langSet xml:lang='fr'><descrip type='definition'>"
            "Coopérative d’activité</descrip><tig><term>CAE</term></tig></langSet></termEntry>"
            "</body></text></martif>"),
])
def test_glossary_encoding_for_every_text_format(write: WriteFile, fmt: str, content: str) -> None:
    path = write(f"g.{fmt}", content.encode("cp1252"))
    with pytest.raises(GlossaryError, match="not valid UTF-8"):
        load_glossary(path)
    assert quietly(path, encoding="cp1252").entries[0].definition == "Coopérative d’activité"


def test_a_wrong_glossary_encoding_names_the_line(write: WriteFile) -> None:
    path = write("g.yaml", "- term: CAE\n  definition: x\n- term: \u20ac\n  definition: y\n")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path, encoding="ascii")
    assert info.value.line == 3 and "not valid ascii" in str(info.value)


def test_glossary_encoding_is_not_the_document_encoding(cli: RunCli, write: WriteFile) -> None:
    write("g.yaml", "- term: CAE\n  definition: Coopérative\n")
    write("doc.txt", "Une CAE à Paris.\n".encode("cp1252"))
    result = cli("annotate", "-g", "g.yaml", "--encoding", "cp1252", "-f", "json", "doc.txt")
    assert result.code == 0, result.err
    assert "à Paris" in result.out


# --------------------------------------------------------------------------- hints per format


@pytest.mark.parametrize(("name", "content", "hint"), [
    ("g.yaml", "- term: CAE\n  definition: x\n  tags: notion\n", "(write tags: [notion])"),
    ("g.json", '[{"term": "CAE", "definition": "x", "tags": "notion"}]',
     '(write "tags": ["notion"])'),
    ("g.toml", '[[entries]]\nterm = "CAE"\ndefinition = "x"\ntags = "notion"\n',
     '(write tags = ["notion"])'),
    ("g.csv", "term,definition\nCAE,\n", "(fill the 'definition' column of that row)"),
    ("g.json", '{"name": "x"}', '(put the entries in an array under "entries")'),
    ("g.json", '{"term": "CAE", "definition": "x"}',
     '(put the entry in an array: [{"term": …, "definition": …}])'),
    ("g.json", '["CAE"]', '(write it as an object: {"term": "…", "definition": "…"})'),
    ("g.toml", '[[entries]]\nterm = "CAE"\n', '(every entry needs a non-empty definition = "…")'),
    ("g.tbx", "<martif><text><body><termEntry><langSet xml:lang='fr'><tig><term>CAE</term>"
              "</tig></langSet></termEntry></body></text></martif>",
     "(give the concept a <descrip type=\"definition\"> in its French <langSet>)"),
])
def test_hints_are_written_in_the_format_of_the_file(
    write: WriteFile, name: str, content: str, hint: str
) -> None:
    try:  # an entry without a definition is skipped with a warning, with the same hint
        text = str(read_glossary(write(name, content)).diagnostics[0])
    except GlossaryError as error:
        text = str(error)
    assert text.splitlines()[0].endswith(hint)
    if not name.endswith(".yaml"):
        assert not re.search(r"'- term:'|tags: \[", text)


def test_csv_cells_a_spreadsheet_would_run_are_named(cli: RunCli, write: WriteFile,
                                                     tmp_path: Path) -> None:
    """The docs send CSV users to spreadsheets, which run a cell starting with '=' as a
    formula: such cells are written as they are (they read back the same) but named."""
    src = write("f.yaml", 'entries:\n  - term: HYPER\n    definition: =HYPERLINK("http://x","x")\n'
                "  - term: PLUS\n    definition: + de 50 salariés.\n"
                "  - term: ARO\n    definition: ok\n    aliases: ['@aro']\n")
    done = cli("convert", str(src), str(tmp_path / "f.csv"))
    assert done.code == 0
    assert done.err == ("glossator: warning: 'HYPER' definition and 1 more start like a "
                        "spreadsheet formula (=, @, +, -): a spreadsheet opening the file may "
                        "run it; import the file with its columns as text, or edit the "
                        "glossary in YAML\n")
    back = read_glossary(tmp_path / "f.csv")
    assert next(iter(back)).definition == '=HYPERLINK("http://x","x")'
    assert cli("convert", str(src), str(tmp_path / "f.json")).err == ""
    assert cli("convert", str(src), str(tmp_path / "g.csv"), "-q").err == ""
