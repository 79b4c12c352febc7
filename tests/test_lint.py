"""glossator.lint and `glossator check`: one glossary per rule, what must and must not fire."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import Glossary, compile_glossary
from glossator.lint import (
    LEVELS,
    RULES,
    CorpusDocument,
    Finding,
    common_words,
    lint,
    read_corpus,
)
from glossator.loaders import read_glossary
from support.cli import RunCli, WriteFile

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT / "tests" / "data" / "lint-corpus"


class Check(Protocol):
    """The ``check`` fixture: ``check(content, **options)`` lints ``content`` (YAML) with
    the keyword options of ``lint``."""

    def __call__(self, content: str, **options: Any) -> list[Finding]: ...


@pytest.fixture
def check(write: WriteFile) -> Check:
    """Lint a YAML glossary written to g.yaml; return its findings."""

    def _check(content: str, **options: Any) -> list[Finding]:
        path = write("g.yaml", content)
        return lint(read_glossary(path), **options)

    return _check


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


# --------------------------------------------------------------------------- findings


def test_a_finding_is_one_line_with_its_code_and_a_stable_json_shape() -> None:
    f = Finding("warning", "hidden-form", "the alias 'x' is hidden", "g.yaml", 4, "remove it",
                "x")
    assert str(f) == "g.yaml:4: warning: the alias 'x' is hidden (remove it) [hidden-form]"
    assert f.to_dict() == {"level": "warning", "code": "hidden-form",
                           "message": "the alias 'x' is hidden", "file": "g.yaml", "line": 4,
                           "hint": "remove it", "entry": "x"}
    assert str(Finding("info", "short-definition", "m")) == "info: m [short-definition]"


def test_every_rule_has_a_known_level() -> None:
    assert all(level in LEVELS for level, _ in RULES.values())


def test_unknown_codes_are_refused(check: Check) -> None:
    with pytest.raises(ValueError, match="no-such-rule"):
        check("- term: CAE\n  definition: Coopérative d'activité et d'emploi.\n",
              select={"no-such-rule"})


# --------------------------------------------------------------------------- hidden entries

LIGATURE_TWICE = """\
- term: mise en œuvre
  definition: Réalisation concrète d'un projet ou d'une politique publique.
- term: mise en oeuvre
  definition: La même notion, écrite une seconde fois sans la ligature.
"""


def test_an_entry_whose_every_spelling_belongs_to_another_is_hidden(check: Check) -> None:
    # "oeuvre" and "œuvre" are the same letters for the matcher but not the same key for
    # the loader, so no duplicate warning: only the lint sees that the second never fires
    findings = check(LIGATURE_TWICE)
    hidden = only(findings, "hidden-entry")
    assert len(hidden) == 1
    assert (hidden[0].line, hidden[0].entry, hidden[0].level) == (3, "mise-en-oeuvre-2",
                                                                   "warning")
    assert "entry 'mise-en-oeuvre' (line 1)" in hidden[0].message
    assert "duplicate-form" not in codes(findings)


def test_an_entry_whose_forms_are_all_claimed_later_is_hidden(check: Check) -> None:
    findings = check("- term: CAE\n  definition: Coopérative d'activité et d'emploi.\n"
                     "- term: CAE\n  definition: Coopérative d’activité et d’emploi\n")
    assert codes(findings) == ["hidden-entry", "duplicate-form"]
    assert findings[0].line == 1 and "claimed by a later entry" in findings[0].message
    assert findings[1].line == 3


def test_an_entry_with_one_form_of_its_own_left_is_not_hidden(check: Check) -> None:
    findings = check("- term: CAE\n  aliases: [coopérative d'activité et d'emploi]\n"
                     "  definition: Coopérative d'activité et d'emploi.\n"
                     "- term: CAE\n  definition: coopérative d'activité et d'emploi\n")
    assert "hidden-entry" not in codes(findings)
    assert "duplicate-form" in codes(findings)


def test_a_hidden_alias_is_reported_on_its_own_line(check: Check) -> None:
    findings = check("- term: mise en œuvre\n"
                     "  definition: Réalisation concrète d'un projet ou d'une politique.\n"
                     "- term: MEO\n"
                     "  aliases:\n"
                     "    - M.E.O.\n"
                     "    - mise en oeuvre\n"
                     "  definition: Sigle de la même notion, employé dans les rapports.\n")
    hidden = only(findings, "hidden-form")
    assert len(hidden) == 1
    assert hidden[0].line == 6 and hidden[0].entry == "meo"
    assert "the alias 'mise en oeuvre'" in hidden[0].message
    assert "hidden-entry" not in codes(findings)


def test_a_plural_taken_by_another_entry_is_a_hidden_variant(check: Check) -> None:
    findings = check("- term: coopérative\n"
                     "  definition: Entreprise détenue et gérée par ses membres.\n"
                     "- term: coopératives\n"
                     "  definition: Le réseau des entreprises coopératives d'un territoire.\n")
    variants = [f for f in only(findings, "hidden-variant") if f.entry == "cooperative"]
    assert len(variants) == 1 and variants[0].level == "info"
    assert "'coopératives' (plural)" in variants[0].message
    assert "entry 'cooperatives'" in variants[0].message
    assert not only(findings, "hidden-entry") and not only(findings, "hidden-form")


def test_capitals_taken_by_an_acronym_are_a_hidden_variant_of_a_lower_case_alias(
    check: Check
) -> None:
    findings = check("- term: ESS\n  definition: Économie sociale et solidaire, loi de 2014.\n"
                     "- term: économie sociale et solidaire\n  aliases: [ess]\n"
                     "  definition: Mode d'entreprendre reconnu par la loi de 2014.\n")
    variants = only(findings, "hidden-variant")
    assert len(variants) == 1 and "'ESS' (capitals)" in variants[0].message
    assert variants[0].line == 4


@pytest.mark.parametrize(
    "content",
    [
        # an acronym and its expansion never compete: different texts
        "- term: ESS\n  definition: Sigle de l'économie sociale et solidaire.\n"
        "- term: économie sociale et solidaire\n  definition: Mode d'entreprendre reconnu.\n",
        # a longer entry only wins where it occurs: the shorter one still fires alone
        "- term: économie sociale\n  definition: Les associations, coopératives et mutuelles.\n"
        "- term: économie sociale et solidaire\n  definition: Mode d'entreprendre reconnu.\n",
        "- term: CAE\n  definition: Coopérative d'activité et d'emploi.\n"
        "- term: CAE Clara\n  definition: Une coopérative d'activité du spectacle.\n",
    ],
    ids=["acronym-expansion", "prefix", "acronym-prefix"],
)
def test_overlapping_entries_are_not_hidden(check: Check, content: str) -> None:
    findings = check(content)
    assert not [f for f in findings if f.code.startswith("hidden")], findings


def test_an_acronym_and_a_word_of_the_same_letters_share_only_the_capitals(check: Check) -> None:
    findings = check("- term: PACTE\n"
                     "  definition: Plan d'action pour la croissance des entreprises.\n"
                     "- term: pacte\n  definition: Accord passé entre plusieurs parties.\n")
    # "pacte", "Pacte" are the word; only "PACTE" in capitals goes to the acronym
    assert codes(findings) == ["hidden-variant"]
    assert findings[0].entry == "pacte-2" and "'PACTE' (capitals)" in findings[0].message


def test_a_form_without_letters_can_never_be_found(check: Check) -> None:
    findings = check("- term: Scop\n  aliases: ['—']\n"
                     "  definition: Société coopérative et participative.\n")
    assert codes(findings) == ["unmatchable-form"]
    assert findings[0].line == 2 and "'—'" in findings[0].message


def test_a_form_never_found_even_alone_is_reported(
    check: Check, monkeypatch: pytest.MonkeyPatch
) -> None:
    # check says so instead of staying silent. No such form is known now, so the scan of
    # the spellings is made to find nothing.
    import glossator.lint

    monkeypatch.setattr(glossator.lint, "_find_each", lambda matcher, texts: [[] for _ in texts])
    findings = check("- term: Scop\n  aliases: [SCIC]\n"
                     "  definition: Société coopérative et participative.\n")
    assert codes(findings) == ["unmatchable-form", "unmatchable-form"]
    assert [f.line for f in findings] == [1, 2]
    assert "not even in a text that holds only it" in findings[1].message


def test_forms_with_an_odd_edge_are_found(check: Check) -> None:
    # @handles, suffixes, prefixes, °C, a letter with a combining mark and no precomposed
    # form: each is found in a text that holds only it
    findings = check("- term: '@glossator'\n  definition: Le compte du projet glossator.\n"
                     "- term: -ment\n  definition: Suffixe qui forme des adverbes.\n"
                     "- term: anti-\n  definition: Préfixe qui marque l'opposition.\n"
                     "- term: °C\n  definition: Le degré Celsius, unité de température.\n"
                     "- term: \"B\\u0301\"\n  definition: Une lettre avec un accent aigu.\n")
    assert codes(findings) == []


# --------------------------------------------------------------------------- definitions


@pytest.mark.parametrize(
    ("definition", "says"),
    [
        ("TODO", "placeholder"),
        ("« À définir… »", "placeholder"),
        ("...", "no words"),
        ("Tiers-lieu", "repeats its term"),
        ("Coopérative d'activité et d'emploi", "repeats its term"),  # the title
        ("Espace partagé de travail. TODO: compléter avec la loi.", "unfinished"),
    ],
)
def test_empty_definitions_are_warnings(check: Check, definition: str, says: str) -> None:
    findings = check("- term: tiers-lieu\n  title: Coopérative d'activité et d'emploi\n"
                     f"  definition: {json.dumps(definition, ensure_ascii=False)}\n")
    assert codes(findings) == ["empty-definition"]
    assert findings[0].level == "warning" and findings[0].line == 3
    assert says in findings[0].message


def test_short_definitions_are_notes_and_the_minimum_is_an_option(check: Check) -> None:
    content = "- term: lieu\n  definition: Un endroit.\n"
    findings = check(content)
    assert codes(findings) == ["short-definition"] and findings[0].level == "info"
    assert "2 words" in findings[0].message
    assert check(content, min_words=2) == []


def test_a_real_definition_passes(check: Check) -> None:
    assert check("- term: tiers-lieu\n"
                 "  definition: Espace partagé ouvert à des usages divers.\n") == []


# --------------------------------------------------------------------------- aliases


def test_an_alias_that_is_another_entrys_term_is_reported_once_with_its_code(check: Check) -> None:
    findings = check("- term: ESUS\n  definition: Entreprise solidaire d'utilité sociale.\n"
                     "- term: agrément ESUS\n  aliases: [ESUS]\n"
                     "  definition: Agrément délivré par le préfet aux entreprises.\n")
    assert only(findings, "alias-is-term") == [f for f in findings if "ESUS" in f.message]
    assert len(only(findings, "alias-is-term")) == 1
    assert "duplicate-form" not in codes(findings)


def test_an_alias_that_is_another_entrys_term_in_another_case(check: Check) -> None:
    findings = check("- term: ESS\n  definition: Économie sociale et solidaire, loi de 2014.\n"
                     "- term: économie sociale et solidaire\n  aliases: [ess]\n"
                     "  definition: Mode d'entreprendre reconnu par la loi de 2014.\n")
    clash = only(findings, "alias-is-term")
    assert len(clash) == 1 and clash[0].line == 4 and "another case" in clash[0].message


def test_an_alias_of_ones_own_term_is_not_an_alias_is_term(check: Check) -> None:
    findings = check("- term: Scop\n  aliases: [SCOP]\n"
                     "  definition: Société coopérative et participative.\n")
    assert "alias-is-term" not in codes(findings)


# --------------------------------------------------------------------------- acronyms


def test_common_words_ship_with_the_package() -> None:
    words = common_words()
    assert {"des", "les", "une", "par", "sur", "cas"} <= words
    assert "ess" not in words and "ptce" not in words
    assert 500 <= len(words) <= 5000


def test_an_acronym_that_is_a_common_word_is_a_note_while_matched_in_capitals(check: Check) -> None:
    findings = check("- term: PAR\n  definition: Plan d'action régional de la collectivité.\n")
    assert codes(findings) == ["acronym-common-word"]
    assert findings[0].level == "info" and "case_sensitive: false" in findings[0].message


def test_a_form_of_one_letter_is_a_note_on_what_is_left_out_and_what_is_not(
        check: Check) -> None:
    findings = check("- term: X\n  definition: L'École polytechnique, à Palaiseau.\n"
                     "- term: ESS\n  definition: Économie sociale et solidaire.\n"
                     "  aliases: [E]\n")
    assert codes(findings) == ["one-letter-form", "one-letter-form"]
    assert findings[0].level == "info" and "chapitre X" in findings[0].message
    assert findings[1].line == 5 and "'E' is one letter" in findings[1].message


def test_an_acronym_that_is_a_common_word_matched_in_any_case_is_a_warning(check: Check) -> None:
    findings = check("- term: DES\n  case_sensitive: false\n"
                     "  definition: Diplôme d'études spécialisées en médecine.\n")
    assert codes(findings) == ["acronym-common-word"]
    assert findings[0].level == "warning" and findings[0].line == 2
    assert "every 'des'" in findings[0].message


def test_an_acronym_that_is_no_word_passes(check: Check) -> None:
    assert check("- term: PTCE\n"
                 "  definition: Pôle territorial de coopération économique.\n") == []


# --------------------------------------------------------------------------- mentions

MENTIONS = """\
- term: ESS
  definition: Économie sociale et solidaire, au sens de la loi de 2014.
- term: coopérative
  definition: >-
    Entreprise détenue par ses membres ; les coopératives sont une famille de l’ESS et
    d'autres coopératives encore.
- term: SCOP
  definition: Société coopérative et participative, détenue par ses salariés.
"""


def test_definitions_mentioning_other_entries_are_found_by_the_matcher(check: Check) -> None:
    mentions = only(check(MENTIONS, select={"mentions-entry"}), "mentions-entry")
    assert [(f.entry, f.line) for f in mentions] == [("cooperative", 4), ("scop", 8)]
    assert "'coopérative': entry 'cooperative' (line 3)" in mentions[1].message
    message = mentions[0].message
    # the plural and the elided form count, each spelling once; the entry's own term
    # ("Entreprise détenue…" is not it) is never a mention of itself
    assert "'ESS'" in message and "entry 'ess' (line 1)" in message
    assert "coopératives" not in message  # its own plural
    assert mentions[0].level == "info"


def test_mentions_use_plurals(check: Check) -> None:
    content = MENTIONS + ("- term: fédération\n  definition: Union de plusieurs SCOP et "
                          "coopératives d'un même secteur.\n")
    mentions = only(check(content, select={"mentions-entry"}), "mentions-entry")
    about = {f.message.split(": ", 1)[1] for f in mentions if f.entry == "federation"}
    assert about == {"entry 'scop' (line 7)", "entry 'cooperative' (line 3)"}
    assert any("'coopératives'" in f.message for f in mentions if f.entry == "federation")


# --------------------------------------------------------------------------- corpus

CORPUS_GLOSSARY = """\
- term: ESS
  definition: Économie sociale et solidaire, au sens de la loi de 2014.
- term: PTCE
  definition: Pôle territorial de coopération économique.
- term: CAE
  definition: Coopérative d'activité et d'emploi.
- term: SCIC
  definition: Société coopérative d'intérêt collectif.
- term: SCOP
  definition: Société coopérative et participative.
- term: CRESS
  definition: Chambre régionale de l'économie sociale et solidaire.
"""


def test_read_corpus_recurses_skips_hidden_folders_and_other_suffixes() -> None:
    docs = read_corpus([CORPUS])
    names = sorted(Path(d.name).relative_to(CORPUS).as_posix() for d in docs)
    assert names == ["notes.md", "page.txt", "site/index.html"]
    by_name = {Path(d.name).name: d for d in docs}
    html = by_name["index.html"].text
    assert "CRESS" in html and "ONU" in html
    assert "var terms" not in html and "CAE" not in html  # script and title
    md = by_name["notes.md"].text
    assert "SCIC" not in md and "CAE" not in md and "SCOP" in md  # code is blanked
    assert md.count("\n") == (CORPUS / "notes.md").read_text().count("\n")


def test_read_corpus_names_a_missing_path() -> None:
    from glossator.errors import InputError

    with pytest.raises(InputError, match="nowhere"):
        read_corpus([CORPUS / "nowhere"])


def test_a_corpus_document_maps_offsets_to_lines_of_its_file() -> None:
    doc = CorpusDocument("x.html", "abc\ndef ghi", ((0, 5), (4, 9)))
    assert (doc.line_at(0), doc.line_at(4), doc.line_at(9)) == (5, 9, 9)
    assert CorpusDocument("x.txt", "a\nb\nc").line_at(4) == 3


def test_unused_entries_and_undefined_acronyms(check: Check) -> None:
    findings = check(CORPUS_GLOSSARY, corpus=read_corpus([CORPUS]))
    unused = only(findings, "unused-entry")
    # CAE is only in a script, a title and inline code; SCIC only in a code block
    assert sorted(f.entry or "" for f in unused) == ["cae", "scic"]
    assert all(f.level == "warning" and "3 documents" in f.message for f in unused)
    undefined = {f.message.split("'")[1]: f for f in only(findings, "undefined-acronym")}
    # not: XIV (a Roman numeral), LES (a word), the heading in capitals, HUGO (a name
    # written Hugo more often), SIRET (once)
    assert sorted(undefined) == ["ONU", "TGI"]
    tgi, onu = undefined["TGI"], undefined["ONU"]
    assert tgi.file is not None and onu.file is not None
    assert (Path(tgi.file).name, tgi.line) == ("page.txt", 3)
    assert "3 times" in tgi.message
    assert (Path(onu.file).name, onu.line) == ("index.html", 8)  # l’ONU counts
    assert "2 times" in onu.message


def test_undefined_acronyms_are_capped(check: Check) -> None:
    findings = check(CORPUS_GLOSSARY, corpus=read_corpus([CORPUS]), top_acronyms=1)
    assert [f.message.split("'")[1] for f in only(findings, "undefined-acronym")] == ["TGI"]


def test_corpus_rules_need_a_corpus(check: Check) -> None:
    findings = check(CORPUS_GLOSSARY)
    assert not only(findings, "unused-entry") and not only(findings, "undefined-acronym")


# --------------------------------------------------------------------------- the bundled glossary


def test_the_bundled_glossary_has_no_error_and_no_warning() -> None:
    from glossator.loaders import bundled_glossary_path

    findings = lint(read_glossary(bundled_glossary_path()))
    assert [f for f in findings if f.level != "info"] == []
    assert {f.code for f in findings} <= {"mentions-entry", "acronym-common-word"}


def test_common_words_are_packaged_in_the_wheel() -> None:
    from hatchling.builders.wheel import WheelBuilder

    builder = WheelBuilder(str(REPO_ROOT))
    shipped = {f.distribution_path for f in builder.recurse_included_files()}
    assert "glossator/data/common-words-fr.txt" in shipped
    assert "glossator/cli/check.py" in shipped


# --------------------------------------------------------------------------- the command

HIDDEN = LIGATURE_TWICE
BROKEN = "- term: CAE\n  definition: ok\n- term: SCOP\n  definition: ok\n  aliases: x\n"


def test_check_exit_codes(cli: RunCli, write: WriteFile) -> None:
    write("hidden.yaml", HIDDEN)
    write("short.yaml", "- term: lieu\n  definition: Un endroit.\n")
    write("broken.yaml", BROKEN)
    assert cli("check", "hidden.yaml").code == 0  # a warning
    assert cli("check", "--strict", "hidden.yaml").code == 1
    assert cli("check", "--strict", "short.yaml").code == 0  # notes never fail
    assert cli("check", "short.yaml", "broken.yaml").code == 1
    assert cli("check", "--strict", "--ignore", "hidden-entry", "hidden.yaml").code == 0


def test_check_plain_lines_keep_the_diagnostic_format_and_add_the_code(
    cli: RunCli, write: WriteFile
) -> None:
    write("hidden.yaml", HIDDEN)
    result = cli("check", "hidden.yaml")
    first = result.out.splitlines()[0]
    assert first.startswith("hidden.yaml:3: warning: entry 'mise-en-oeuvre-2' can never")
    assert first.endswith("[hidden-entry]")
    assert result.out.splitlines()[-1] == "ok: 1 glossary, 2 entries, 1 warning"


def test_check_shows_notes_only_when_asked(cli: RunCli, write: WriteFile) -> None:
    write("short.yaml", "- term: lieu\n  definition: Un endroit.\n")
    assert cli("check", "short.yaml").out == "ok: 1 glossary, 1 entry, 0 warnings\n"
    result = cli("check", "--level", "info", "short.yaml")
    assert result.out.splitlines() == [
        "short.yaml:2: info: the definition of 'lieu' has 2 words (fewer than 3) "
        "(a definition a reader can use is usually a sentence) [short-definition]",
        "ok: 1 glossary, 1 entry, 0 warnings, 1 note",
    ]
    # --select shows the codes it names, whatever their level
    assert "[short-definition]" in cli("check", "--select", "short-definition",
                                       "short.yaml").out
    assert cli("check", "--min-words", "2", "--level", "info", "short.yaml").out.startswith(
        "ok:")


def test_check_json_is_an_array_of_findings(cli: RunCli, write: WriteFile) -> None:
    write("g.yaml", HIDDEN + "- term: DES\n  case_sensitive: false\n"
          "  definition: Diplôme d'études spécialisées en médecine.\n")
    result = cli("check", "-f", "json", "--level", "info", "g.yaml")
    assert result.code == 0
    data = json.loads(result.out)
    assert isinstance(data, list) and data
    for item in data:
        assert list(item) == ["level", "code", "message", "file", "line", "hint", "entry"]
        assert item["code"] in RULES and item["level"] in LEVELS
    assert {(d["code"], d["line"], d["entry"]) for d in data} >= {
        ("hidden-entry", 3, "mise-en-oeuvre-2"), ("acronym-common-word", 6, "des")}


def test_check_json_reports_load_errors(cli: RunCli, write: WriteFile) -> None:
    write("broken.yaml", BROKEN)
    result = cli("check", "-f", "json", "broken.yaml")
    assert result.code == 1
    [error] = json.loads(result.out)
    assert (error["level"], error["code"], error["file"], error["line"]) == (
        "error", "load-error", "broken.yaml", 5)


def test_check_quiet_prints_only_findings(cli: RunCli, write: WriteFile) -> None:
    write("hidden.yaml", HIDDEN)
    result = cli("check", "-q", "hidden.yaml")
    assert len(result.out.splitlines()) == 1 and "[hidden-entry]" in result.out


def test_check_table(cli: RunCli, write: WriteFile) -> None:
    write("hidden.yaml", HIDDEN)
    result = cli("check", "-f", "table", "hidden.yaml")
    assert result.code == 0
    assert "hidden-entry" in result.out and "hidden.yaml:3" in result.out
    assert result.out.rstrip().splitlines()[-1] == "ok: 1 glossary, 2 entries, 1 warning"


@pytest.mark.parametrize(
    "args",
    [("--select", "nope"), ("--ignore", "hidden-entry,nope"), ("--top", "0"),
     ("--min-words", "0"), ("--level", "loud")],
)
def test_check_usage_errors(cli: RunCli, write: WriteFile, args: tuple[str, str]) -> None:
    write("g.yaml", "- term: CAE\n  definition: Coopérative d'activité et d'emploi.\n")
    result = cli("check", *args, "g.yaml")
    assert result.code == 2
    assert result.out == "" and len(result.err.strip().splitlines()) == 1


def test_check_with_a_corpus(cli: RunCli, write: WriteFile) -> None:
    write("g.yaml", CORPUS_GLOSSARY)
    result = cli("check", "g.yaml", "--corpus", str(CORPUS / "page.txt"), "--corpus",
                 str(CORPUS / "site"), "--corpus", str(CORPUS / "notes.md"))
    assert result.code == 0
    assert "entry 'cae' ('CAE') is never used in the corpus (3 documents)" in result.out
    assert "'TGI' appears 3 times" in result.out
    assert cli("check", "--strict", "g.yaml", "--corpus", str(CORPUS)).code == 1
    assert cli("check", "--strict", "g.yaml", "--corpus", str(CORPUS), "--ignore",
               "unused-entry,undefined-acronym").code == 0


def test_check_with_a_missing_corpus_is_one_line_error(cli: RunCli, write: WriteFile) -> None:
    write("g.yaml", CORPUS_GLOSSARY)
    result = cli("check", "g.yaml", "--corpus", "nowhere")
    assert result.code == 1
    assert result.err.startswith("glossator: error: nowhere: no such file or folder")
    assert "Traceback" not in result.err


def test_the_bundled_glossary_passes_check_strict(cli: RunCli) -> None:
    result = cli("check", "--strict")
    assert result.code == 0 and result.out.startswith("ok:")


def test_an_entry_used_only_inside_its_not_in_phrases_is_unused(check: Check) -> None:
    content = ("- term: ESS\n  not_in: [\"Labo de l'ESS\"]\n"
               "  definition: Économie sociale et solidaire, au sens de la loi de 2014.\n"
               "- term: PTCE\n  definition: Pôle territorial de coopération économique.\n")
    corpus = [CorpusDocument("a.txt", "Le Labo de l’ESS étudie les PTCE.")]
    unused = only(check(content, corpus=corpus), "unused-entry")
    assert [f.entry for f in unused] == ["ess"]
    corpus.append(CorpusDocument("b.txt", "L'ESS emploie."))
    assert not only(check(content, corpus=corpus), "unused-entry")


def test_a_corpus_file_named_explicitly_is_read_whatever_its_suffix(write: WriteFile) -> None:
    path = write("notes.log", "La CAE du quartier.\n")
    [doc] = read_corpus([path])
    assert doc.text == "La CAE du quartier.\n"


def test_a_form_claimed_in_two_files_is_a_duplicate_naming_both(
    cli: RunCli, write: WriteFile
) -> None:
    write("a.yaml", "- term: CAE\n  definition: Coopérative d'activité et d'emploi.\n"
          "- term: SCOP\n  definition: Société coopérative et participative.\n")
    write("b.yaml", "- term: Scop\n  aliases: [SCOP]\n"
          "  definition: Société coopérative et participative, autre rédaction.\n")
    result = cli("check", "-f", "json", "a.yaml", "b.yaml")
    found = {(d["code"], d["file"], d["line"]) for d in json.loads(result.out)}
    # the alias SCOP of b.yaml is the term of a.yaml's entry: with another definition, the
    # two are senses of SCOP (chosen per occurrence), so neither is hidden
    assert found == {("alias-is-term", "b.yaml", 1)}
    clash = next(d for d in json.loads(result.out) if d["code"] == "alias-is-term")
    assert "a.yaml:3" in clash["message"]
    write("c.yaml", "- term: CAE\n  definition: Coopérative d'activité et d'emploi\n")
    result = cli("check", "-f", "json", "a.yaml", "c.yaml")
    found = {(d["code"], d["file"], d["line"]) for d in json.loads(result.out)}
    assert found == {("duplicate-form", "c.yaml", 1), ("hidden-entry", "a.yaml", 1)}


PIECES = ["mise en œuvre", "mises en oeuvre", "MISE EN ŒUVRE", "l'ESS", "l’ESS", "ESS",
          "Ess", "coopérative", "coopératives", "Coopératives", "tiers-lieu", "tiers lieux",
          "état", "ETAT", "Etat", "etc.", "des", "DES", " ", "\u00a0", "x", "é", "-",
          "aujourd'hui"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=5).map("".join), max_size=12))
def test_one_scan_of_many_probes_finds_what_each_probe_alone_finds(texts: list[str]) -> None:
    from glossator.lint import _find_each

    g = Glossary.from_dicts([
        {"term": "mise en œuvre", "definition": "d"}, {"term": "ESS", "definition": "d"},
        {"term": "coopérative", "definition": "d"}, {"term": "tiers-lieu", "definition": "d"},
        {"term": "État", "definition": "d"}, {"term": "etc.", "definition": "d"},
        {"term": "DES", "definition": "d"}, {"term": "Ess", "definition": "d",
                                             "case_sensitive": True},
    ])
    m = compile_glossary(g)
    texts = [t for t in texts if "\n" not in t]
    assert _find_each(m, texts) == [
        [(r.start, r.end, r.entry) for r in m.find(t)] for t in texts]


def test_a_capitalised_form_that_is_a_common_word_is_a_warning(check: Check) -> None:
    findings = check("- term: Foi\n  definition: Revue trimestrielle du diocèse de Lyon.\n")
    assert codes(findings) == ["capitalised-common-word"]
    assert findings[0].level == "warning" and "every 'foi'" in findings[0].message


def test_a_mixed_case_acronym_is_case_sensitive_and_only_a_note(check: Check) -> None:
    findings = check("- term: NOTRe\n  definition: Loi portant nouvelle organisation "
                     "territoriale de la République.\n")
    assert codes(findings) == ["acronym-common-word"]
    assert findings[0].level == "info"
