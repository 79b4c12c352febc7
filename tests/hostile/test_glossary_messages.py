"""Hostile glossaries (and a few documents): every problem reported in one run, each as one
line ``glossator: LEVEL: FILE[:LINE]: problem (fix)`` at the place to fix, with the right
exit code and never a traceback (issue 16, "Clear, complete messages").

Each case is a bad input and the problems it must produce, all of them and nothing else:
a case with two bad rows expects two lines. Self-contained: it needs only the ``cli`` and
``write`` fixtures of ``tests/conftest.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support.cli import RunCli, WriteFile

ZWSP, SHY, BOM, NBSP = "\u200b", "\u00ad", "\ufeff", "\u00a0"
GOOD_YAML = "- term: ESS\n  definition: Économie sociale et solidaire.\n"
TBX_HEAD = '<?xml version="1.0"?>\n<martif type="TBX"><text><body>\n'
TBX_TAIL = "</body></text></martif>\n"


def tbx_concept(term: str, lang: str = "fr", definition: str | None = "Une définition.") -> str:
    """One ``termEntry`` on one line."""
    text = (f'<descrip type="definition">{definition}</descrip>'
            if definition is not None else "")
    return (f'<termEntry><langSet xml:lang="{lang}">{text}<tig><term>{term}</term></tig>'
            "</langSet></termEntry>\n")


@dataclass(frozen=True)
class Case:
    """A glossary file ``name`` holding ``content``, and what ``annotate -g`` must say.

    ``problems`` are ``(level, line, words)``: one line each, in this order, naming
    ``name`` and ``line`` (``None``: a problem of the whole file) and holding ``words``.
    """

    name: str
    content: str | bytes
    problems: list[tuple[str, int | None, str]]
    code: int = 1
    args: tuple[str, ...] = ()
    more: dict[str, str | bytes] = field(default_factory=dict)


CASES: dict[str, Case] = {
    # ------------------------------------------------------------------ YAML
    "yaml-two-bad-entries": Case("g.yaml", (
        "- term: A\n  definition: ok\n  case_sensitive: maybe\n"
        "- term: B\n  definition: ok\n  aliases: foo\n"), [
        ("error", 3, "entry 1: 'case_sensitive' must be true or false, not 'maybe'"),
        ("error", 6, "entry 2: 'aliases' must be a list, not a string (write aliases: [foo])"),
    ]),
    "yaml-errors-and-warnings-together": Case("g.yaml", (
        "- term: A\n  definition: ok\n  colour: red\n"
        "- term: B\n  definition: [a, b]\n"
        "- term: C\n"), [
        ("warning", 3, "unknown key 'colour' in entry 1 is ignored"),
        ("error", 5, "entry 2: 'definition' must be text, not a list"),
        ("warning", 6, "entry 3: 'definition' is missing: the entry is skipped"),
    ]),
    "yaml-unclosed-double-quote": Case("g.yaml", (
        GOOD_YAML + '- term: CAE\n  definition: "Coopérative\n- term: SCOP\n'
        "  definition: Société.\n"), [
        ("error", 4, "invalid YAML: the quote opened at column 15 is never closed"),
    ]),
    "yaml-unclosed-single-quote": Case("g.yaml", (
        "- term: 'CAE\n  definition: ok\n" + GOOD_YAML), [
        ("error", 1, "the quote opened at column 9 is never closed (the parser reached "
         "the end of the file) (close it; inside single quotes a quote is doubled"),
    ]),
    # a raw control character: libyaml gives a byte offset (ô is two bytes before it)
    "yaml-raw-bell-after-an-accent": Case("g.yaml", (
        GOOD_YAML + '- term: PTCE\n  definition: "Pôles\x07 territoriaux."\n'), [
        ("error", 4, "invalid YAML: U+0007, a control character, at column 21, which YAML "
         "does not take in its text (delete it; to keep it, write it as an escape in a "
         'double-quoted value ("\\x07"))'),
    ]),
    "yaml-raw-c1-csi": Case("g.yaml", "- term: ESS\n  definition: ok \x9b ok.\n", [
        ("error", 2, "U+009B, a control character, at column 18"),
    ]),
    "yaml-lone-surrogate-escape": Case("g.yaml", (
        GOOD_YAML + '- term: "A\\ud800"\n  definition: ok\n'), [
        ("error", 3, "invalid Unicode character escape code in the quoted value at column 9"),
    ]),
    "json-lone-surrogate-in-a-term": Case("g.json", (
        '[{"term": "A\\ud800B", "definition": "ok"}]'), [
        ("error", 1, "entry 1: 'term' holds a lone surrogate (U+D800), which is no character"),
    ]),
    "json-lone-surrogate-in-an-alias": Case("g.json", (
        '[{"term": "ESS", "aliases": ["\\udfff"], "definition": "ok"}]'), [
        ("error", 1, "'aliases' holds a lone surrogate (U+DFFF)"),
    ]),
    "yaml-unclosed-bracket": Case("g.yaml", (
        "- term: CAE\n  aliases: [Cae, cae\n  definition: ok\n"), [
        ("error", 2, "invalid YAML: the '[' opened at column 12 is never closed"),
    ]),
    "yaml-tab-indentation": Case("g.yaml", "- term: CAE\n\tdefinition: ok\n", [
        ("error", 2, "tab character"),
    ]),
    "yaml-french-colon-unquoted": Case("g.yaml", (
        "- term: ablatif, -ive\n  definition: Domaine : chimie. Définition : qui enlève.\n"), [
        ("error", 2, "invalid YAML: a ': ' inside a value that is not quoted (column 23) "
         '(put the whole value in double quotes'),
    ]),
    "yaml-quote-closed-too-early": Case("g.yaml", "- term: 'l'ESS'\n  definition: ok\n", [
        ("error", 1, "invalid YAML: the value goes on after its closing quote (column 12)"),
    ]),
    "yaml-key-out-of-its-entry": Case("g.yaml", "- term: ESS\ndefinition: ok\n", [
        ("error", 2, "invalid YAML: this line is not indented like the lines of its entry"),
    ]),
    "yaml-two-refused-tags": Case("g.yaml", (
        "- term: A\n  definition: !!python/object/apply:os.system [touch pwned]\n"
        "- term: B\n  definition: !custom ok\n"), [
        ("error", 2, "unsupported YAML tag '!!python/object/apply:os.system'"),
        ("error", 4, "unsupported YAML tag '!custom'"),
    ]),
    "yaml-numbers-as-definitions": Case("g.yaml", (
        "- term: A\n  definition: 12\n- term: B\n  definition: .inf\n"
        "- term: 1901\n  definition: La loi sur les associations.\n"), [
        ("error", 2, "entry 1: the definition must be text, not a number (12) "
         "(write what the term means)"),
        ("error", 4, "entry 2: the definition must be text, not a number (.inf)"),
    ]),
    "yaml-empty-list": Case("g.yaml", "[]\n", [
        ("error", 1, "the glossary has no entries (add entries, each '- term: …'"),
    ]),
    "yaml-empty-entries": Case("g.yaml", "name: Lexique\nentries: []\n", [
        ("error", 1, "the glossary has no entries"),
    ]),
    "yaml-empty-file": Case("g.yaml", "", [("error", 1, "the glossary is empty")]),
    "yaml-only-comments": Case("g.yaml", "# à remplir\n", [
        ("error", 1, "the glossary is empty"),
    ]),
    "yaml-every-entry-skipped": Case("g.yaml", (
        "- term: A\n- term: B\n  definition: ''\n"), [
        ("warning", 1, "entry 1: 'definition' is missing: the entry is skipped"),
        ("warning", 3, "entry 2: 'definition' is empty: the entry is skipped"),
        ("error", None, "the glossary has no entries: each of its entries is skipped "
         "(2 warnings)"),
    ]),
    "yaml-invisible-terms": Case("g.yaml", (
        f'- term: "{ZWSP}"\n  definition: a\n- term: "{SHY} {BOM}"\n  definition: b\n'
        f'- term: "{NBSP}"\n  definition: c\n' + GOOD_YAML), [
        ("warning", 1, "entry 1: 'term' holds only invisible characters (U+200B): the "
         "entry is skipped"),
        ("warning", 3, "entry 2: 'term' holds only invisible characters (U+00AD, U+0020, "
         "U+FEFF)"),
        ("warning", 5, "entry 3: 'term' is empty: the entry is skipped"),
    ], code=0),
    "yaml-blank-aliases": Case("g.yaml", (
        "- term: ESS\n  definition: ok\n  aliases:\n    - ''\n    - ' '\n"
        f"    - \"{ZWSP}\"\n    - Éco sociale\n"), [
        ("warning", 4, "entry 1: value 1 of 'aliases' is empty: it is ignored"),
        ("warning", 5, "entry 1: value 2 of 'aliases' is empty: it is ignored"),
        ("warning", 6, "entry 1: value 3 of 'aliases' is only invisible characters "
         "(U+200B)"),
    ], code=0),
    "yaml-blank-aliases-strict": Case("g.yaml", (
        "- term: ESS\n  definition: ok\n  aliases: ['', ' ']\n"), [
        ("error", 3, "entry 1: value 1 of 'aliases' is empty"),
        ("error", 3, "entry 1: value 2 of 'aliases' is empty"),
    ], args=("--strict",)),
    "yaml-strict-lists-every-warning": Case("g.yaml", (
        "- term: A\n  definition: ok\n  colour: red\n- term: B\n- term: C\n"
        "  definition: ok\n  url: ftp://x\n"), [
        ("error", 3, "unknown key 'colour'"),
        ("error", 4, "entry 2: 'definition' is missing"),
        ("error", 7, "url 'ftp://x' is not http(s) or mailto"),
    ], args=("--strict",)),
    "yaml-invalid-utf8": Case("g.yaml", b"- term: A\n  definition: caf\xe9 cr\xe8me\n", [
        ("error", 2, "not valid UTF-8: byte 0xe9 at column 18 (byte offset 27; 1 more "
         "further on)"),
    ]),
    "yaml-utf16-with-bom": Case("g.yaml", GOOD_YAML.encode("utf-16"), [
        ("error", None, "this file is in UTF-16, not UTF-8 (read it with "
         "--glossary-encoding utf-16, or save it as UTF-8)"),
    ]),
    "yaml-utf16-be-without-bom": Case("g.yaml", GOOD_YAML.encode("utf-16-be"), [
        ("error", None, "this file is in UTF-16 (BE, without BOM), not UTF-8 (read it "
         "with --glossary-encoding utf-16-be"),
    ]),
    "yaml-utf32-with-bom": Case("g.yaml", GOOD_YAML.encode("utf-32"), [
        ("error", None, "this file is in UTF-32, not UTF-8 (read it with "
         "--glossary-encoding utf-32"),
    ]),
    "yaml-utf32-le-without-bom": Case("g.yaml", GOOD_YAML.encode("utf-32-le"), [
        ("error", None, "UTF-32 (LE, without BOM)"),
    ]),
    "yaml-binary": Case("g.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", [
        ("error", None, "this is a binary file, not a text glossary"),
    ]),
    # ------------------------------------------------------------------ JSON
    "json-nan-and-infinity": Case("g.json", (
        '[{"term": "A", "definition": NaN},\n {"term": "B", "definition": "ok"},\n'
        ' {"term": "C", "definition": "x", "max_occurrences": -Infinity}]\n'), [
        ("error", 1, "invalid JSON: NaN is not a JSON value (column 30)"),
        ("error", 3, "invalid JSON: -Infinity is not a JSON value"),
    ]),
    "json-number-definition": Case("g.json", (
        '[{"term": "A", "definition": 3.5},\n {"term": 35, "definition": "Ille-et-Vilaine"}]'
    ), [("error", 1, "entry 1: the definition must be text, not a number (3.5)")]),
    "json-bool-term-and-object-definition": Case("g.json", (
        '[\n{"term": true, "definition": "x"},\n{"term": "B", "definition": {"fr": "y"}}\n]'
    ), [
        ("error", 2, "entry 1: 'term' must be text, not a boolean"),
        ("error", 3, "entry 2: 'definition' must be text, not a mapping"),
    ]),
    "json-empty-array": Case("g.json", "[]", [
        ("error", 1, 'the glossary has no entries (add entries to the array: {"term"'),
    ]),
    "json-empty-entries": Case("g.json", '{"name": "x", "entries": []}', [
        ("error", 1, "the glossary has no entries"),
    ]),
    "json-blank-aliases": Case("g.json", (
        '[{"term": "ESS", "definition": "ok",\n  "aliases": ["", " ", "Éco"]}]'), [
        ("warning", 2, "entry 1: value 1 of 'aliases' is empty"),
        ("warning", 2, "entry 1: value 2 of 'aliases' is empty"),
    ], code=0),
    "json-trailing-comma": Case("g.json", '[\n{"term": "A", "definition": "x"},\n]', [
        ("error", 3, "invalid JSON"),
    ]),
    # ------------------------------------------------------------------ TOML
    "toml-numbers-as-definitions": Case("g.toml", (
        '[[entries]]\nterm = "A"\ndefinition = 12\n\n[[entries]]\nterm = "B"\n'
        "definition = nan\n"), [
        ("error", 3, "entry 1: the definition must be text, not a number (12)"),
        ("error", 7, "entry 2: the definition must be text, not a number (nan)"),
    ]),
    "toml-two-bad-entries": Case("g.toml", (
        '[[entries]]\nterm = "A"\ndefinition = "ok"\ntags = "notion"\n\n'
        '[[entries]]\nterm = "B"\ndefinition = "ok"\nmax_occurrences = 0\n'), [
        ("error", 4, "entry 1: 'tags' must be a list, not a string "
         '(write tags = ["notion"])'),
        ("error", 9, "entry 2: 'max_occurrences' must be a whole number of at least 1"),
    ]),
    "toml-empty-entries": Case("g.toml", 'name = "x"\nentries = []\n', [
        ("error", 1, "the glossary has no entries"),
    ]),
    # ------------------------------------------------------------------ CSV, TSV
    "csv-ragged-rows-after-a-multiline-field": Case("g.csv", (
        'term,definition\nA,ok,extra\nB,"two\nlines"\nC,ok\nD,ok,x,y\n'
        'E,"three\nlines\nhere",z\n'), [
        ("error", 2, "this row has 3 fields but the header has 2 (put the fields that "
         "contain ',' in double quotes)"),
        ("error", 6, "this row has 4 fields but the header has 2"),
        ("error", 7, "this row (lines 7-9) has 3 fields but the header has 2"),
    ]),
    "csv-ragged-row-then-unclosed-quote": Case("g.csv", (
        'term,definition\nA,ok,x\nB,ok\nC,"open\nD,ok\n'), [
        ("error", 2, "this row has 3 fields but the header has 2"),
        ("error", 4, "invalid CSV: a double quote opened on this row is never closed"),
    ]),
    "csv-quote-inside-a-field": Case("g.csv", 'term,definition\nA,"le" tiers-lieu\n', [
        ("error", 2, "invalid CSV: a quoted field goes on after its closing double quote"),
    ]),
    "csv-french-column-names": Case("g.csv", "Terme;Définition;Domaine\nESS;Éco;x\n", [
        ("error", 1, "the header row has no 'term' and no 'definition' column (it has: "
         "Terme, Définition, Domaine) (the column names are English: rename 'Terme' to "
         "'term' and 'Définition' to 'definition')"),
    ]),
    "csv-no-header": Case("g.csv", "ESS,Économie sociale\n", [
        ("error", 1, "the header row has no 'term' and no 'definition' column (it has: "
         "ESS, Économie sociale) (the first row must name the columns"),
    ]),
    "csv-header-only": Case("g.csv", "term,definition\n", [
        ("error", 1, "the glossary has no entries (add one row per entry under the header "
         "row)"),
    ]),
    "csv-windows-1252": Case("g.csv", "term,definition\nA,Café\nB,Crème\n".encode("cp1252"), [
        ("error", 2, "not valid UTF-8: byte 0xe9 at column 6 (byte offset 21; 1 more "
         "further on) (the file is in another encoding, probably Windows-1252"),
    ]),
    "csv-blank-alias-parts": Case("g.csv", "term,definition,aliases\nA,ok,x||y\nB,ok,z|\n", [
        ("warning", 2, "row 2: value 2 of 'aliases' is empty"),
        ("warning", 3, "row 3: value 2 of 'aliases' is empty"),
    ], code=0),
    "tsv-stray-quote-takes-in-rows": Case("g.tsv", (
        'term\tdefinition\nESS\t"Économie sociale\nPTCE\tPôle territorial\n'
        'Écran\tDiagonale de 24"\nSCOP\tCoopérative\n'), [
        ("warning", 2, "a double quote opens a field on this row that only closes on line "
         "4: lines 3-4 are read as part of it, not as rows (a field that starts with a "
         "double quote is quoted, as in CSV: if that quote is a stray one, remove it"),
    ], code=0),
    "tsv-excel-unicode-text": Case("g.tsv", "term\tdefinition\nA\tok\n".encode("utf-16"), [
        ("error", None, "this file is in UTF-16, not UTF-8 (read it with "
         "--glossary-encoding utf-16"),
    ]),
    "tsv-two-bad-rows": Case("g.tsv", (
        "term\tdefinition\tcase_sensitive\tmax_occurrences\nA\tok\tpeut-être\t\n"
        "B\tok\t\tzéro\n"), [
        ("error", 2, "row 2: 'case_sensitive' must be true or false, not 'peut-être'"),
        ("error", 3, "row 3: 'max_occurrences' must be a whole number of at least 1, "
         "not 'zéro'"),
    ]),
    # ------------------------------------------------------------------ TBX, SKOS
    "tbx-no-concept": Case("g.tbx", TBX_HEAD + TBX_TAIL, [
        ("error", None, "no <termEntry> or <conceptEntry> in this file"),
    ]),
    "tbx-every-concept-skipped": Case("g.tbx", (
        TBX_HEAD + tbx_concept("x", lang="en") + tbx_concept("y", definition=None)
        + TBX_TAIL), [
        ("warning", 3, "concept 1 has no French term and is skipped"),
        ("warning", 4, "entry 1: 'definition' is missing: the entry is skipped"),
        ("error", None, "the glossary has no entries: each of its entries is skipped"),
    ]),
    "tbx-two-concepts-without-definition": Case("g.tbx", (
        TBX_HEAD + tbx_concept("CAE", definition=None) + tbx_concept("ESS")
        + tbx_concept("SCOP", definition=None) + TBX_TAIL), [
        ("warning", 3, "entry 1: 'definition' is missing"),
        ("warning", 5, "entry 3: 'definition' is missing"),
    ], code=0),
    "tbx-invalid-xml": Case("g.tbx", TBX_HEAD + "<termEntry>\n<langSet>\n" + TBX_TAIL, [
        ("error", 5, "invalid XML"),
    ]),
    "tbx-utf16-without-bom": Case("g.tbx", (
        TBX_HEAD + tbx_concept("ESS") + TBX_TAIL).encode("utf-16-le"), [
        ("error", None, "this file is in UTF-16 (LE, without BOM), not UTF-8 (read it with "
         "--glossary-encoding utf-16-le"),
    ]),
    "skos-turtle-syntax": Case("g.ttl", (
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<#a> a skos:Concept ;\n  skos:prefLabel \"ESS\"@fr\n<#b> a skos:Concept .\n"), [
        ("error", 4, "invalid Turtle"),
    ]),
    # ------------------------------------------------------------------ several files
    "two-bad-files-in-one-run": Case("g.yaml", "- term: A\n  definition: 12\n", [
        ("error", 2, "the definition must be text, not a number"),
        ("error", 3, "this row has 3 fields"),
    ], args=("-g", "h.csv"), more={"h.csv": "term,definition\nA,ok\nB,ok,x\n"}),
}


def problem_lines(err: str) -> list[str]:
    """The lines of standard error that report a problem (not the counts)."""
    return [line for line in err.splitlines() if not re.search(r" in all \(first", line)]


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_every_problem_is_one_line_at_its_place(
    cli: RunCli, write: WriteFile, tmp_path: Path, case: Case
) -> None:
    write(case.name, case.content)
    for name, content in case.more.items():
        write(name, content)
    write("doc.txt", "L'ESS et les CAE.\n")
    result = cli("annotate", "-g", case.name, *case.args, "doc.txt")
    assert "Traceback" not in result.err
    assert result.code == case.code, result.err
    lines = problem_lines(result.err)
    files = [case.name, *case.more]
    assert len(lines) == len(case.problems), result.err
    for line, (level, number, words) in zip(lines, case.problems, strict=True):
        where = "|".join(re.escape(f) for f in files)
        place = rf"(?:{where}):{number}: " if number is not None else rf"(?:{where}): "
        assert re.match(rf"glossator: {level}: {place}", line), (line, level, number)
        assert words in line, (line, words)
    if case.code:  # nothing written, nothing annotated
        assert result.out == ""
    assert not (tmp_path / "pwned").exists()


def test_check_reports_every_problem_of_a_file_that_does_not_load(
    cli: RunCli, write: WriteFile
) -> None:
    write("g.yaml", CASES["yaml-errors-and-warnings-together"].content)
    result = cli("check", "-f", "text", "g.yaml")
    assert result.code == 1
    unknown, *others = result.out.splitlines()
    assert unknown.startswith("g.yaml:3: warning: unknown key 'colour' in entry 1 is "
                              "ignored (known keys: term, definition")
    assert unknown.endswith("[unknown-key]")
    assert others == [
        "g.yaml:5: error: entry 2: 'definition' must be text, not a list [load-error]",
        "g.yaml:6: warning: entry 3: 'definition' is missing: the entry is skipped (every "
        "entry needs a non-empty 'definition') [skipped-entry]",
    ]


def test_check_ends_a_long_run_of_one_code_with_a_count(cli: RunCli, write: WriteFile) -> None:
    rows = "".join(f"X{i},Sens {i}.\nX{i},Sens {i}.\n" for i in range(25))
    write("g.csv", "term,definition\n" + rows)
    result = cli("check", "-f", "text", "--select", "duplicate-form", "g.csv")
    lines = result.out.splitlines()
    assert sum("[duplicate-form]" in line for line in lines) == 10
    assert "25 duplicate-form warnings (first 10 shown; --verbose for all)" in lines
    everything = cli("check", "-f", "text", "--select", "duplicate-form", "--verbose", "g.csv")
    assert sum("[duplicate-form]" in line for line in everything.out.splitlines()) == 25


def test_the_warnings_of_annotate_end_a_long_run_with_a_count(
    cli: RunCli, write: WriteFile
) -> None:
    rows = "".join(f"X{i},\n" for i in range(15))
    write("g.csv", "term,definition\nA,ok\n" + rows)
    result = cli("annotate", "-g", "g.csv", "-f", "text", "-", stdin=b"A\n")
    lines = result.err.splitlines()
    assert result.code == 0 and len(lines) == 11
    assert lines[-1] == ("glossator: warning: 15 skipped-entry warnings in all (first 10 "
                         "shown; --verbose for all)")


@pytest.mark.parametrize(("data", "words"), [
    ("L'ESS.\n".encode("utf-16"), "this file is in UTF-16, not UTF-8 (read it with "
     "--encoding utf-16, or save it as UTF-8)"),
    ("L'ESS.\n".encode("utf-16-le"), "UTF-16 (LE, without BOM), not UTF-8 (read it with "
     "--encoding utf-16-le"),
    ("L'ESS.\n".encode("utf-32"), "UTF-32, not UTF-8 (read it with --encoding utf-32"),
    ("L'ESS.\nÉconomie\n".encode("cp1252"), "doc.txt:2: not valid UTF-8: byte 0xc9 at "
     "column 1 (byte offset 7)"),
], ids=["utf16-bom", "utf16-le", "utf32", "cp1252"])
def test_a_document_in_another_encoding_names_it_and_the_option(
    cli: RunCli, write: WriteFile, data: bytes, words: str
) -> None:
    write("doc.txt", data)
    result = cli("annotate", "doc.txt")
    assert result.code == 1 and "Traceback" not in result.err
    (line,) = result.err.splitlines()
    assert line.startswith("glossator: error: doc.txt") and words in line, line


def test_a_utf16_document_reads_with_the_option_it_is_told(
    cli: RunCli, write: WriteFile
) -> None:
    write("doc.txt", "L'ESS.\n".encode("utf-16-le"))
    result = cli("annotate", "-f", "text", "--encoding", "utf-16-le", "doc.txt")
    assert result.code == 0 and result.out.startswith("L'ESS"), result.err


@pytest.mark.parametrize("output", ["site", "site/", "./site/../site"])
def test_output_dir_equal_to_the_input_folder_says_so(
    cli: RunCli, write: WriteFile, tmp_path: Path, output: str
) -> None:
    write("site/a.html", "<p>L'ESS.</p>\n")
    result = cli("annotate", "site", "--output-dir", output)
    assert result.code == 2
    assert result.err == (f"glossator: error: --output-dir {output} is the input folder "
                          "site: the annotated files would replace the originals (write "
                          "them to another folder, e.g. --output-dir site-annotated, or "
                          "annotate HTML pages with --in-place)\n")
    assert (tmp_path / "site" / "a.html").read_text() == "<p>L'ESS.</p>\n"


def test_every_problem_survives_a_trip_to_another_process(write: WriteFile) -> None:
    import pickle

    from glossator import GlossaryProblems, load_glossary

    path = write("g.yaml", CASES["yaml-two-bad-entries"].content)
    with pytest.raises(GlossaryProblems) as info:
        load_glossary(path)
    copy = pickle.loads(pickle.dumps(info.value))
    assert copy.diagnostics == info.value.diagnostics and str(copy) == str(info.value)
    assert (copy.file, copy.line) == (str(path), 3)


def test_an_xml_glossary_in_utf16_with_its_bom_reads_as_it_is(write: WriteFile) -> None:
    from glossator import load_glossary

    text = TBX_HEAD.replace('"1.0"', '"1.0" encoding="UTF-16"') + tbx_concept("ESS") + TBX_TAIL
    glossary = load_glossary(write("g.tbx", text.encode("utf-16")))
    assert [(e.term, e.definition) for e in glossary] == [("ESS", "Une définition.")]


def test_a_text_with_a_lone_surrogate_is_refused_in_one_line() -> None:
    # no file holds one (decoding is strict), but a Python string or a JSON request may
    import glossator

    g = glossator.Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
    with pytest.raises(glossator.InputError) as info:
        glossator.annotate("L’ESS \ud800 et l’ESS.", g)
    assert "lone surrogate (U+D800) at character 6" in str(info.value)
