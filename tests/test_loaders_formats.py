"""JSON, TOML, CSV and TSV glossaries: the same entries as YAML, errors with file:line."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from glossator import Entry, Glossary, GlossaryError, GlossatorWarning, Location, load_glossary
from glossator.loaders import available_formats, read_glossary
from support.cli import RunCli, WriteFile

YAML = """\
name: Test
entries:
  - term: ESS
    title: Économie sociale et solidaire
    aliases: [E.S.S., ess]
    definition: Mode d'entreprendre reconnu par la loi du 31 juillet 2014.
  - term: économie sociale et solidaire
    definition: Économie des coopératives, mutuelles, associations et fondations.
    tags: [notion]
  - term: Scop
    definition: Société coopérative et participative.
    case_sensitive: false
    max_occurrences: 2
"""

JSON = """\
{
  "name": "Test",
  "entries": [
    {
      "term": "ESS",
      "title": "Économie sociale et solidaire",
      "aliases": ["E.S.S.", "ess"],
      "definition": "Mode d'entreprendre reconnu par la loi du 31 juillet 2014."
    },
    {
      "term": "économie sociale et solidaire",
      "definition": "Économie des coopératives, mutuelles, associations et fondations.",
      "tags": ["notion"]
    },
    {"term": "Scop", "definition": "Société coopérative et participative.",
     "case_sensitive": false, "max_occurrences": 2}
  ]
}
"""

TOML = """\
name = "Test"

[[entries]]
term = "ESS"
title = "Économie sociale et solidaire"
aliases = ["E.S.S.", "ess"]
definition = "Mode d'entreprendre reconnu par la loi du 31 juillet 2014."

[[entries]]
term = "économie sociale et solidaire"
definition = "Économie des coopératives, mutuelles, associations et fondations."
tags = ["notion"]

[[entries]]
term = "Scop"
definition = "Société coopérative et participative."
case_sensitive = false
max_occurrences = 2
"""

CSV = """\
term,title,definition,aliases,tags,case_sensitive,max_occurrences
ESS,Économie sociale et solidaire,Mode d'entreprendre reconnu par la loi du 31 juillet 2014.,E.S.S.|ess,,,
économie sociale et solidaire,,"Économie des coopératives, mutuelles, associations et fondations.",,notion,,
Scop,,Société coopérative et participative.,,,false,2
"""  # noqa: E501

TSV = CSV.replace(
    '"Économie des coopératives, mutuelles, associations et fondations."',
    "Économie des coopératives, mutuelles, associations et fondations.",
).replace(",", "\t").replace("coopératives\t mutuelles\t associations",
                             "coopératives, mutuelles, associations")

SOURCES = {"yaml": YAML, "json": JSON, "toml": TOML, "csv": CSV, "tsv": TSV}


def load_quietly(path: Path, **kwargs: Any) -> Glossary:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return load_glossary(path, **kwargs)


def origin(entry: Entry) -> Location:
    """Where ``entry`` was read (every entry read from a file has an origin)."""
    assert entry.origin is not None, entry.term
    return entry.origin


def skipped_of(path: Path) -> str:
    """The one warning of a glossary whose one entry was skipped, as printed (and
    emitted as a :class:`GlossatorWarning`)."""
    with pytest.warns(GlossatorWarning, match="skipped"):
        (warning,) = load_glossary(path).warnings
    assert warning.code == "skipped-entry"
    return str(warning)


def error_of(path: Path, **kwargs: Any) -> GlossaryError:
    with pytest.raises(GlossaryError) as info:
        load_glossary(path, **kwargs)
    return info.value


# --------------------------------------------------------------------------- same entries


def test_the_new_formats_are_available() -> None:
    assert {"yaml", "json", "toml", "csv", "tsv"} <= set(available_formats())


@pytest.mark.parametrize("fmt", ["json", "toml", "csv", "tsv"])
def test_every_format_gives_the_entries_of_the_yaml_file(write: WriteFile, fmt: str) -> None:
    expected = [e.to_dict() for e in load_quietly(write("g.yaml", YAML))]
    glossary = load_quietly(write(f"g.{fmt}", SOURCES[fmt]))
    assert [e.to_dict() for e in glossary] == expected
    assert expected[0]["aliases"] == ["E.S.S.", "ess"]
    assert expected[0]["title"] == "Économie sociale et solidaire"
    assert expected[2]["case_sensitive"] is False and expected[2]["max_occurrences"] == 2
    if fmt in ("json", "toml"):
        assert glossary.name == "Test" and glossary.metadata == {"name": "Test"}


@pytest.mark.parametrize(
    ("fmt", "lines"),
    [("json", [4, 10, 15]), ("toml", [3, 9, 14]), ("csv", [2, 3, 4]), ("tsv", [2, 3, 4])],
)
def test_entries_know_their_line(write: WriteFile, fmt: str, lines: list[int]) -> None:
    glossary = load_quietly(write(f"g.{fmt}", SOURCES[fmt]))
    assert [origin(e).line for e in glossary] == lines
    assert all(str(origin(e).file).endswith(f"g.{fmt}") for e in glossary)


def test_json_bare_list_and_numbers_kept_as_written(write: WriteFile) -> None:
    glossary = load_quietly(write("g.json", '[{"term": 35, "title": 1.50, "definition": "x"}]'))
    assert (glossary.entries[0].term, glossary.entries[0].title) == ("35", "1.50")
    assert glossary.name is None and glossary.metadata == {}


def test_format_option_reads_a_txt_file_as_json(write: WriteFile) -> None:
    path = write("glossary.txt", JSON)
    with pytest.raises(GlossaryError, match="glossary-format"):
        load_glossary(path)
    assert len(load_quietly(path, format="json")) == 3


# --------------------------------------------------------------------------- JSON errors


def test_invalid_json_names_its_line(write: WriteFile) -> None:
    path = write("bad.json", JSON.replace('"ess"]', '"ess",]'))
    error = error_of(path)
    assert error.line == 7 and error.file == str(path)
    assert str(error).startswith(f"{path}:7: invalid JSON: ")
    assert "trailing comma" in str(error)


def test_json_entry_without_definition_names_entry_and_line(write: WriteFile) -> None:
    path = write("g.json", JSON.replace(
        '"definition": "Économie des coopératives, mutuelles, associations et fondations.",',
        ""))
    warning = skipped_of(path)
    assert "entry 2: 'definition' is missing: the entry is skipped" in warning
    assert warning.startswith(f"{path}:10: ")


def test_json_bad_value_points_at_its_key(write: WriteFile) -> None:
    path = write("g.json", JSON.replace('"tags": ["notion"]', '"tags": "notion"'))
    error = error_of(path)
    assert error.line == 13 and "entry 2: 'tags' must be a list" in str(error)


def test_json_unknown_key_and_duplicate_key_are_warnings_with_lines(write: WriteFile) -> None:
    path = write("g.json", '[\n {"term": "CAE",\n  "defintion": "x",\n  "definition": "y",'
                           '\n  "term": "CAE2"}\n]\n')
    glossary = read_glossary(path)
    messages = [str(d) for d in glossary.diagnostics]
    assert any(":3: warning: unknown key 'defintion'" in m for m in messages)
    assert any(":5: warning: key 'term' appears twice" in m for m in messages)
    assert glossary.entries[0].term == "CAE2"


@pytest.mark.parametrize(
    ("content", "match"),
    [("", "the glossary is empty"), ("  \n", "the glossary is empty"),
     ('{"name": "x"}', "no 'entries'"), ('"ESS"', "a list of entries or a mapping"),
     ('[["ESS", "x"]]', "entry 1 must be a mapping"), ("[" * 100_000, "invalid JSON")],
)
def test_json_shape_errors(write: WriteFile, content: str, match: str) -> None:
    error = error_of(write("g.json", content))
    assert match in str(error)
    assert error.file is not None


# --------------------------------------------------------------------------- TOML errors


def test_toml_syntax_error_names_its_line(write: WriteFile) -> None:
    path = write("bad.toml", TOML.replace('term = "Scop"', 'term = Scop'))
    error = error_of(path)
    assert error.line == 15
    assert str(error).startswith(f"{path}:15: invalid TOML: ")


def test_toml_entry_errors_name_the_entry_and_its_line(write: WriteFile) -> None:
    path = write("g.toml", TOML.replace('tags = ["notion"]', 'tags = "notion"'))
    error = error_of(path)
    assert error.line == 12 and "entry 2: 'tags' must be a list" in str(error)
    path = write("h.toml", TOML.replace('definition = "Société coopérative et participative."',
                                        'definition = ""'))
    assert skipped_of(path).startswith(f"{path}:16: warning: entry 3: 'definition' is empty")


def test_toml_shape_errors(write: WriteFile) -> None:
    assert "empty" in str(error_of(write("a.toml", "")))
    assert "[[entries]]" in str(error_of(write("b.toml", 'name = "x"\n')))
    error = error_of(write("c.toml", 'name = "x"\n\n[entries]\nterm = "ESS"\n'))
    assert error.line == 3 and "two brackets" in str(error)


def test_toml_inline_entries_give_the_line_of_the_array(write: WriteFile) -> None:
    path = write("g.toml", 'name = "x"\nentries = [\n  {term = "ESS", definition = ""},\n'
                 '  {term = "CAE", definition = "ok"},\n]\n')
    assert skipped_of(path).startswith(f"{path}:2: warning: entry 1: 'definition' is empty")


def test_toml_unknown_metadata_key_is_a_warning(write: WriteFile) -> None:
    glossary = read_glossary(write("g.toml", 'nom = "x"\n' + TOML))
    assert [d.message for d in glossary.diagnostics] == ["unknown top-level key 'nom' is ignored"]


# --------------------------------------------------------------------------- CSV


def test_csv_empty_definition_names_its_physical_line(write: WriteFile) -> None:
    content = CSV.replace("Société coopérative et participative.", "  ")
    content = content.replace("\nScop", '\n\nmulti,,"two\nlines",,,,\nScop')
    path = write("g.csv", content)
    # blank line 4 and the two-line record 5-6 come before it: the message names the row
    # by its line, as a user editing the file finds it, never as "entry 4"
    assert skipped_of(path).startswith(f"{path}:7: warning: row 7: 'definition' is empty")


def test_csv_without_a_definition_column(write: WriteFile) -> None:
    path = write("g.csv", "term,meaning\nESS,économie sociale\n")
    error = error_of(path)
    assert error.line == 1
    assert "no 'definition' column" in str(error) and "term, meaning" in str(error)


def test_csv_in_cp1252_mentions_the_encoding(write: WriteFile) -> None:
    path = write("g.csv", CSV.encode("cp1252"))
    error = error_of(path)
    assert error.line == 2
    assert "encoding" in str(error) and "UTF-8" in str(error)
    assert "\n" not in str(error)


def test_excel_csv_with_bom_and_semicolons(write: WriteFile) -> None:
    expected = [e.to_dict() for e in load_quietly(write("g.yaml", YAML))]
    excel = (
        "term;title;definition;aliases;tags;case_sensitive;max_occurrences\r\n"
        "ESS;Économie sociale et solidaire;Mode d'entreprendre reconnu par la loi du 31 "
        "juillet 2014.;E.S.S. | ess;;;\r\n"
        "économie sociale et solidaire;;Économie des coopératives, mutuelles, associations "
        "et fondations.;;notion;;\r\n"
        ";;;;;;\r\n"
        "Scop;;Société coopérative et participative.;;;FAUX;2\r\n"
    )
    glossary = load_quietly(write("excel.csv", b"\xef\xbb\xbf" + excel.encode("utf-8")))
    assert [e.to_dict() for e in glossary] == expected
    assert [origin(e).line for e in glossary] == [2, 3, 5]


def test_unknown_csv_columns_give_one_warning(write: WriteFile) -> None:
    path = write("g.csv", "Term,Definition,Notes,Auteur\nESS,x,a,b\nCAE,y,c,d\n")
    with pytest.warns(GlossatorWarning) as record:
        glossary = load_glossary(path)
    assert len(record) == 1
    assert f"{path}:1: warning: unknown columns 'Notes', 'Auteur' are ignored" in str(
        record[0].message)
    assert [e.term for e in glossary] == ["ESS", "CAE"]
    with pytest.raises(GlossaryError, match="unknown column 'Notes'"):
        load_glossary(write("h.csv", "term,definition,Notes\nESS,x,a\n"), strict=True)


def test_the_url_source_column_of_the_french_acronym_list_is_the_url(
        write: WriteFile) -> None:
    # the header of the public list of French acronyms (sigles.csv): its source's link
    # becomes the entry's url, shown on the tooltip's Source line; the rest it has and
    # glossator has not is ignored with the one warning
    from glossator import render

    header = "id,term,definition,source,url_source,explanation,key\n"
    row = ("1,3D,Trois dimensions (volumes),DGOS,"
           "http://www.metiers.sante.gouv.fr/Lexique.html,,3dtroisdimensions\n")
    with pytest.warns(GlossatorWarning) as record:
        glossary = load_glossary(write("sigles.csv", header + row))
    assert len(record) == 1 and "'explanation', 'key' are ignored" in str(record[0].message)
    (entry,) = glossary
    assert (entry.url, entry.source) == ("http://www.metiers.sante.gouv.fr/Lexique.html",
                                         "DGOS")
    html = render(glossator_annotate(glossary, "Un film en 3D."), "html")
    assert 'Source\xa0: <a href="http://www.metiers.sante.gouv.fr/Lexique.html">DGOS</a>' in html
    both = write("both.csv", "term,definition,url,url_source\nESS,x,https://a.fr,https://b.fr\n")
    with pytest.warns(GlossatorWarning, match="column 'url' appears twice"):
        assert next(iter(load_glossary(both))).url == "https://b.fr"


def glossator_annotate(glossary: Glossary, text: str) -> Any:
    from glossator import Annotator

    return Annotator(glossary).annotate(text)


def test_csv_row_with_an_unquoted_separator_is_an_error(write: WriteFile) -> None:
    error = error_of(write("g.csv", "term,definition\nESS,économie sociale, et solidaire\n"))
    assert error.line == 2 and "double quotes" in str(error)


def test_csv_bad_flag_is_reported_like_yaml(write: WriteFile) -> None:
    error = error_of(write("g.csv", "term,definition,inflect\nESS,x,\nCAE,y,peut-être\n"))
    assert error.line == 3 and "row 3: 'inflect' must be true or false" in str(error)


def test_tsv_reads_quoted_fields_as_excel_writes_them(write: WriteFile) -> None:
    """Excel's tab-separated export quotes a cell holding a quote or a line break, and
    doubles its quotes: read as written (only a quoted field taking in whole rows is an
    error, see tests/hostile/test_glossary_messages.py)."""
    glossary = load_quietly(write("g.tsv", (
        'term\tdefinition\nESS\t"Économie sociale\net solidaire"\n'
        'SCOP\t"la ""coop"" de ses salariés"\nÉcran\tDiagonale de 24"\n')))
    assert [(e.term, e.definition) for e in glossary] == [
        ("ESS", "Économie sociale\net solidaire"), ("SCOP", 'la "coop" de ses salariés'),
        ("Écran", 'Diagonale de 24"')]


def test_csv_header_only_and_no_header_are_both_errors(write: WriteFile) -> None:
    path = write("g.csv", "term,definition\n")
    assert str(error_of(path)) == (f"{path}:1: the glossary has no entries (add one row per "
                                   "entry under the header row)")
    assert "empty" in str(error_of(write("h.csv", "\n\n")))


# --------------------------------------------------------------------------- command line


def test_cli_annotate_with_a_csv_glossary(cli: RunCli, write: WriteFile) -> None:
    write("g.csv", CSV)
    write("doc.txt", "Les Scop font partie de l'ESS.\n")
    result = cli("annotate", "-g", "g.csv", "doc.txt")
    assert result.code == 0, result.err
    assert "Mode d'entreprendre" in result.out or "Mode d&#x27;entreprendre" in result.out
    assert "Société coopérative" in result.out


def test_cli_check_a_toml_glossary(cli: RunCli, write: WriteFile) -> None:
    write("g.toml", TOML)
    result = cli("check", "g.toml")
    assert result.code == 0, result.err
    assert "3 entries" in result.out
    write("bad.toml", TOML.replace('term = "Scop"', "term = Scop"))
    result = cli("check", "bad.toml")
    assert result.code != 0
    assert "bad.toml:15: " in result.err + result.out


def test_cli_glossary_format_json_on_a_txt_file(cli: RunCli, write: WriteFile) -> None:
    write("g.txt", json.dumps([{"term": "CAE", "definition": "Coopérative d'activité."}]))
    write("doc.txt", "Une CAE.\n")
    assert cli("annotate", "-g", "g.txt", "doc.txt").code != 0
    result = cli("annotate", "-g", "g.txt", "--glossary-format", "json", "doc.txt")
    assert result.code == 0, result.err
    assert "Coopérative d" in result.out
    assert cli("check", "--glossary-format", "json", "g.txt").code == 0


def test_csv_unclosed_quote_names_the_line_where_it_opens(write: WriteFile) -> None:
    error = error_of(write("g.csv", 'term,definition\nCAE,ok\nESS,"jamais fermé\nSCOP,x\n'))
    assert error.line == 3 and "invalid CSV" in str(error)


@pytest.mark.parametrize(("name", "text"), [
    ("k.yaml", "name: x\nfoo: 1\nbar: 2\nentries:\n  - term: A\n    definition: d\n"),
    ("k.json", '{"name": "x",\n "foo": 1,\n "bar": 2,\n'
               ' "entries": [{"term": "A", "definition": "d"}]\n}\n'),
    ("k.toml", 'name = "x"\nfoo = 1\nbar = 2\n\n[[entries]]\nterm = "A"\ndefinition = "d"\n'),
])
def test_unknown_top_level_keys_are_named_at_their_own_lines(
        write: WriteFile, name: str, text: str) -> None:
    """Each at its line, not all at the document's first."""
    glossary = read_glossary(write(name, text))
    assert [(d.message, d.location.line if d.location else None) for d in glossary.diagnostics] == [
        ("unknown top-level key 'foo' is ignored", 2),
        ("unknown top-level key 'bar' is ignored", 3)]
