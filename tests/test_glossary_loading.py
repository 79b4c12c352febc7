"""Loading glossaries through the Python API: forms, validation, warnings, ids, merging."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import glossator
from glossator import Glossary, GlossaryError, GlossatorWarning, UsageError, load_glossary
from glossator.loaders import read_glossary
from glossator.text.normalize import slugify
from support.cli import WriteFile

REPO_ROOT = Path(__file__).resolve().parents[1]

BUNDLED_ACRONYMS = ["ESS", "PTCE", "SCOP", "SCIC", "CAE", "ESUS", "CRESS", "SIAE", "IAE"]
BUNDLED_TERMS = [
    "économie sociale et solidaire", "coopérative", "mutuelle", "association", "fondation",
    "utilité sociale", "lucrativité limitée", "gouvernance démocratique", "tiers-lieu",
    "commerce équitable", "finance solidaire",
]

TWO_ENTRIES = """\
- term: CAE
  definition: Coopérative d'activité et d'emploi.
- term: économie sociale et solidaire
  definition: Économie des coopératives, mutuelles, associations et fondations.
  aliases: [ESS]
"""

#: ``load_glossary`` itself, or the ``load_quietly`` fixture.
LoadGlossary = Callable[..., Glossary]


@pytest.fixture
def load_quietly() -> LoadGlossary:
    """``load_glossary`` that fails the test on any warning."""

    def _load(*paths: str | os.PathLike[str], **kwargs: Any) -> Glossary:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return load_glossary(*paths, **kwargs)

    return _load


def entry(glossary: Glossary, term: str) -> glossator.Entry:
    return next(e for e in glossary if e.term == term)


# --------------------------------------------------------------------------- forms of a file


def test_bare_list_and_mapping_with_entries_give_the_same_entries(
    write: WriteFile, load_quietly: LoadGlossary
) -> None:
    bare = load_quietly(write("bare.yaml", TWO_ENTRIES))
    indented = "".join("  " + line + "\n" for line in TWO_ENTRIES.splitlines())
    mapping = load_quietly(write("mapping.yaml", "name: Test\nentries:\n" + indented))
    assert bare.entries == mapping.entries
    assert [e.term for e in bare] == ["CAE", "économie sociale et solidaire"]
    assert entry(bare, "économie sociale et solidaire").aliases == ("ESS",)
    assert bare.name is None and bare.metadata == {}
    assert mapping.name == "Test"


def test_metadata_is_kept(write: WriteFile, load_quietly: LoadGlossary) -> None:
    path = write("meta.yaml", "name: Glossaire\nlanguage: fr\nlicense: CC0-1.0\nversion: 2014\n"
                              "description: Un essai.\nentries:\n"
                              "  - term: CAE\n    definition: ok\n")
    glossary = load_quietly(path)
    assert glossary.name == "Glossaire"
    assert glossary.metadata == {"name": "Glossaire", "language": "fr", "license": "CC0-1.0",
                                 "version": "2014", "description": "Un essai."}


def test_title_names_the_glossary_when_there_is_no_name(
    write: WriteFile, load_quietly: LoadGlossary
) -> None:
    glossary = load_quietly(write("t.yaml", "title: Lexique\nentries:\n"
                                            "  - term: CAE\n    definition: ok\n"))
    assert glossary.name == "Lexique"


def test_mapping_without_entries_is_an_error_with_a_hint(write: WriteFile) -> None:
    with pytest.raises(GlossaryError, match="no 'entries'") as info:
        load_glossary(write("g.yaml", "name: x\nitems: []\n"))
    assert "entries:" in str(info.value)
    with pytest.raises(GlossaryError, match="'- term:'"):
        load_glossary(write("h.yaml", "term: CAE\ndefinition: ok\n"))


def test_entries_must_be_a_list(write: WriteFile) -> None:
    path = write("g.yaml", "name: x\nentries: CAE\n")
    with pytest.raises(GlossaryError, match="'entries' must be a list") as info:
        load_glossary(path)
    assert info.value.file == str(path)
    assert info.value.line == 1


def test_values_stay_the_text_the_author_wrote(
    write: WriteFile, load_quietly: LoadGlossary
) -> None:
    glossary = load_quietly(write("g.yaml", """\
- term: NO
  definition: Nord-Ouest.
- term: ON
  title: 2014
  definition: Ontario.
- term: yes
  id: 1.50
  definition: Oui.
  aliases: [off, 007]
- term: 1901
  definition: La loi sur les associations.
"""))
    assert [e.term for e in glossary] == ["NO", "ON", "yes", "1901"]
    assert entry(glossary, "ON").title == "2014"
    assert glossary.entries[2].id == "1.50"
    assert entry(glossary, "yes").aliases == ("off", "007")


@pytest.mark.parametrize("value", ["2014", "1.50", ".nan", "-.inf", "0x1F"])
def test_a_number_is_refused_as_a_definition(write: WriteFile, value: str) -> None:
    path = write("g.yaml", f"- term: A\n  definition: {value}\n"
                           "- term: B\n  definition: '2014'\n")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert str(info.value) == (f"{path}:2: entry 1: the definition must be text, not a "
                               f"number ({value}) (write what the term means)")


def test_no_break_spaces_inside_terms_titles_and_aliases_are_kept(
    write: WriteFile, load_quietly: LoadGlossary
) -> None:
    from glossator import Annotator, render

    glossary = load_quietly(write("g.yaml", """\
- term: "association loi\\u00a01901"
  title: "Association (art.\\u00a01er de la loi)"
  definition: Une association déclarée.
  aliases: ["  loi  \\n 1901 ", "asso\\u202f1901"]
"""))
    (e,) = glossary
    assert e.term == "association loi\u00a01901"  # a lone no-break space stays
    assert e.title == "Association (art.\u00a01er de la loi)"
    assert e.aliases == ("loi 1901", "asso\u202f1901")  # a run of white space is one space
    assert e.id == "association-loi-1901"
    text = "Une association loi 1901, une association loi\u00a01901."
    doc = Annotator(glossary, occurrences="all").annotate(text)
    assert [a.surface for a in doc] == ["association loi 1901", "association loi\u00a01901"]
    assert "Association (art.\u00a01er de la loi)" in render(doc, "text")


def test_fields_are_read(write: WriteFile, load_quietly: LoadGlossary) -> None:
    glossary = load_quietly(write("g.yaml", """\
- term: SCOP
  title: Société coopérative et participative
  definition: "  Une coopérative\\n de salariés.  "
  aliases: [Scop, société coopérative   ouvrière de production]
  id: la-scop
  url: https://www.les-scop.coop/
  source: Loi du 19 juillet 1978
  tags: [sigle, statut]
"""))
    (scop,) = glossary.entries
    assert scop.term == "SCOP"
    assert scop.title == "Société coopérative et participative"
    assert scop.definition == "Une coopérative\n de salariés."  # stripped, not collapsed
    assert scop.aliases == ("Scop", "société coopérative ouvrière de production")
    assert scop.id == "la-scop" and "la-scop" in glossary and glossary["la-scop"] is scop
    assert scop.url == "https://www.les-scop.coop/"
    assert scop.source == "Loi du 19 juillet 1978"
    assert scop.tags == ("sigle", "statut")
    assert scop.origin is not None and scop.origin.line == 1


def test_utf8_bom_is_accepted_and_other_encodings_refused(
    write: WriteFile, load_quietly: LoadGlossary
) -> None:
    good = load_quietly(write("bom.yaml", b"\xef\xbb\xbf" + TWO_ENTRIES.encode("utf-8")))
    assert len(good) == 2
    with pytest.raises(GlossaryError, match="UTF-8") as info:
        load_glossary(write("latin.yaml", TWO_ENTRIES.encode("latin-1")))
    assert info.value.line == 2  # the é of « Coopérative »


def test_format_option_and_suffixes(write: WriteFile, load_quietly: LoadGlossary) -> None:
    assert len(load_quietly(write("g.yml", TWO_ENTRIES))) == 2
    assert len(load_quietly(write("G.YAML", TWO_ENTRIES))) == 2
    odd = write("g.gloss", TWO_ENTRIES)
    with pytest.raises(GlossaryError, match="glossary-format"):
        load_glossary(odd)
    assert len(load_quietly(odd, format="yaml")) == 2
    with pytest.raises(UsageError, match="unknown glossary format 'xml'"):  # (an argument)
        load_glossary(odd, format="xml")


def test_registered_loader_is_used_for_its_suffix(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glossator import loaders

    def load_lines(data: bytes, name: str) -> Glossary:
        items = [{"term": term, "definition": definition}
                 for term, _, definition in (line.partition("=")
                                             for line in data.decode().splitlines())]
        return Glossary.from_dicts(items, name=name)

    monkeypatch.setattr(loaders, "_REGISTERED", dict(loaders._REGISTERED))
    glossator.register_loader("lines", (".LINES",), load_lines)
    assert "lines" in loaders.available_formats()
    glossary = load_glossary(write("g.lines", "CAE=Coopérative d'activité\n"))
    assert [(e.term, e.definition) for e in glossary] == [("CAE", "Coopérative d'activité")]


# --------------------------------------------------------------------------- hard errors


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("", 1, "empty"),
        ("- term: CAE\n  definition: [a, b]\n", 2, "must be text, not a list"),
        ("- term: CAE\n  definition: ok\n  aliases: foo\n", 3, "'aliases' must be a list"),
        ("- term: CAE\n  definition: ok\n  tags: [[a]]\n", 3, "each of 'tags' must be text"),
        ("just words\n", 1, "not a string"),
        ("- CAE\n", 1, "entry 1 must be a mapping"),
        ("- term: CAE\n  definition: ok\n  case_sensitive: maybe\n", 3, "true or false"),
        ("- term: CAE\n  definition: [unclosed\n", 2, "the '[' opened at column 15"),
        ("- term: CAE\n  definition: !!python/object/apply:os.system [touch pwned]\n", 2,
         "unsupported YAML tag '!!python/object/apply:os.system'"),
        ("- term: CAE\n  definition: !custom ok\n", 2, "unsupported YAML tag '!custom'"),
        ("entries: &all\n  - term: CAE\n    definition: ok\n    tags: *all\n", 1, "alias"),
    ],
    ids=["empty", "definition-list",
         "aliases-string", "tags-nested", "file-string", "entry-string", "case-maybe",
         "invalid-yaml", "python-tag", "local-tag", "recursive-alias"],
)
def test_invalid_glossaries_raise_with_file_and_line(
    write: WriteFile, tmp_path: Path, content: str, line: int, message: str
) -> None:
    path = write("bad.yaml", content)
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    error = info.value
    assert error.file == str(path)
    assert error.line == line
    assert message in str(error)
    assert str(error).startswith(f"{path}:{line}: ")
    assert "\n" not in str(error)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("how", ["pickle", "worker-process"])
def test_an_error_keeps_its_fields_across_processes(write: WriteFile, how: str) -> None:
    """A GlossatorError raised in a worker process (multiprocessing, Dask) comes back with
    its file, line and hint, not only its text: pickling goes through the instance's
    fields, which ``__init__`` set."""
    import multiprocessing
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    from glossator.errors import CacheError, GlossatorError, InputError, UsageError

    path = write("bad.yaml", "- term: ESS\n  definition: [a, b]\n")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    errors: list[GlossatorError] = [info.value, CacheError("damaged", file="c", hint="h"),
                                    InputError("binary", file="t.txt", line=7),
                                    UsageError("bad option")]
    if how == "pickle":
        back = [pickle.loads(pickle.dumps(e, protocol))
                for e in errors for protocol in range(pickle.HIGHEST_PROTOCOL + 1)]
        errors = [e for e in errors for _ in range(pickle.HIGHEST_PROTOCOL + 1)]
    else:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            failed = pool.submit(load_glossary, path).exception()
        assert isinstance(failed, GlossaryError)
        back, errors = [failed], errors[:1]

    def fields(e: GlossatorError) -> tuple[Any, ...]:
        return type(e), e.message, e.file, e.line, e.hint, str(e), e.args

    assert [fields(e) for e in back] == [fields(e) for e in errors]
    assert back[0].line == 2 and back[0].file == str(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="no such glossary file") as info:
        load_glossary(tmp_path / "missing.yaml")
    assert info.value.file == str(tmp_path / "missing.yaml")
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(GlossaryError, match="directory"):
        load_glossary(tmp_path / "dir.yaml")
    with pytest.raises(GlossaryError):
        load_glossary(tmp_path / ("n" * 300 + ".yaml"))  # an OSError, not a traceback


def test_binary_glossary_is_refused(write: WriteFile) -> None:
    with pytest.raises(GlossaryError, match="binary"):
        load_glossary(write("bin.yaml", b"- term: \x00\x01\n"))


def test_yaml_alias_bomb_is_cheap(write: WriteFile) -> None:
    """Ten levels of ten aliases stand for 10**10 strings: they must not all be built."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    content = "\n".join(lines) + "\nentries:\n  - term: CAE\n    definition: ok\n"
    path = write("bomb.yaml", content)
    script = (
        "import sys, warnings, glossator\n"
        "warnings.simplefilter('ignore')\n"
        "print([e.term for e in glossator.load_glossary(sys.argv[1])])\n"
    )
    # in a subprocess, so that a regression fails on the timeout instead of hanging the suite
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, timeout=30, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['CAE']"


def test_aliases_to_shared_values_are_allowed(write: WriteFile, load_quietly: LoadGlossary) -> None:
    glossary = load_quietly(write("g.yaml", """\
- term: CAE
  definition: ok
  tags: &tags [sigle, statut]
- term: SCOP
  definition: ok
  tags: *tags
"""))
    assert entry(glossary, "SCOP").tags == ("sigle", "statut")


# --------------------------------------------------------------------------- warnings


def test_unknown_entry_key_warns_with_a_suggestion_and_line(write: WriteFile) -> None:
    path = write("g.yaml", "- term: CAE\n  definition: ok\n  defintion: typo\n")
    with pytest.warns(GlossatorWarning, match=r"did you mean 'definition'\?") as record:
        glossary = load_glossary(path)
    assert len(record) == 1
    assert str(record[0].message).startswith(f"{path}:3: warning: unknown key 'defintion'")
    assert record[0].filename == __file__  # points at the caller, not into glossator
    assert entry(glossary, "CAE").definition == "ok"
    assert len(glossary.warnings) == 1


def test_unknown_top_level_key_warns_with_a_suggestion(write: WriteFile) -> None:
    path = write("g.yaml", "langage: fr\nentries:\n  - term: CAE\n    definition: ok\n")
    with pytest.warns(GlossatorWarning, match="unknown top-level key 'langage'") as record:
        glossary = load_glossary(path)
    assert "did you mean 'language'?" in str(record[0].message)
    assert "langage" in glossary.metadata  # kept, but reported


def test_unrelated_unknown_key_lists_the_known_keys(write: WriteFile) -> None:
    path = write("g.yaml", "zzz: 1\nentries:\n  - term: CAE\n    definition: ok\n")
    with pytest.warns(GlossatorWarning, match="known keys: name, title"):
        load_glossary(path)


def test_duplicate_key_in_one_entry_warns_and_the_last_one_is_used(write: WriteFile) -> None:
    path = write("g.yaml", "- term: CAE\n  definition: first\n  definition: second\n")
    with pytest.warns(GlossatorWarning, match="key 'definition' appears twice") as record:
        glossary = load_glossary(path)
    assert str(record[0].message).startswith(f"{path}:3:")
    assert entry(glossary, "CAE").definition == "second"


def test_definition_with_markup_warns(write: WriteFile) -> None:
    path = write("g.yaml", "- term: CAE\n  definition: Une <b>coopérative</b>.\n")
    with pytest.warns(GlossatorWarning, match="markup"):
        glossary = load_glossary(path)
    assert entry(glossary, "CAE").definition == "Une <b>coopérative</b>."  # kept as text


def test_comparison_signs_are_not_markup(write: WriteFile, load_quietly: LoadGlossary) -> None:
    load_quietly(write("g.yaml", "- term: CAE\n  definition: moins de 10 < 20 salariés.\n"))


def test_non_http_url_warns(write: WriteFile) -> None:
    path = write("g.yaml", "- term: CAE\n  definition: ok\n  url: javascript:alert(1)\n")
    with pytest.warns(GlossatorWarning, match="not http"):
        load_glossary(path)


def test_strict_raises_the_first_warning_with_file_and_line(write: WriteFile) -> None:
    path = write("g.yaml", "- term: CAE\n  definition: ok\n  defintion: typo\n")
    with pytest.raises(GlossaryError, match="defintion") as info:
        load_glossary(path, strict=True)
    assert info.value.file == str(path)
    assert info.value.line == 3
    assert "did you mean 'definition'?" in str(info.value)


def test_strict_accepts_a_clean_glossary(write: WriteFile, load_quietly: LoadGlossary) -> None:
    assert len(load_quietly(write("g.yaml", TWO_ENTRIES), strict=True)) == 2


def test_read_glossary_keeps_diagnostics_without_warning(write: WriteFile) -> None:
    path = write("g.yaml", "- term: CAE\n  definition: ok\n  defintion: typo\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        glossary = read_glossary(path)
    assert [d.level for d in glossary.diagnostics] == ["warning"]
    assert glossary.diagnostics[0].location == glossator.Location(str(path), 3)


# --------------------------------------------------------------------------- ids


def test_id_is_derived_from_the_term(write: WriteFile, load_quietly: LoadGlossary) -> None:
    glossary = load_quietly(write("g.yaml", TWO_ENTRIES))
    assert [e.id for e in glossary] == ["cae", "economie-sociale-et-solidaire"]
    again = load_quietly(write("again.yaml", TWO_ENTRIES))
    assert [e.id for e in again] == [e.id for e in glossary]  # stable


@pytest.mark.parametrize(
    ("term", "slug"),
    [
        ("économie sociale et solidaire", "economie-sociale-et-solidaire"),
        ("Œuvre d'intérêt général", "oeuvre-d-interet-general"),
        ("tiers-lieu", "tiers-lieu"),
        ("R&D", "r-d"),
        ("  fonds solidaire 90/10 ", "fonds-solidaire-90-10"),
        ("Ärger", "arger"),
        ("???", "entry"),
    ],
)
def test_slugify(term: str, slug: str) -> None:
    assert slugify(term) == slug
    assert slugify(term) == slugify(term)


def test_explicit_duplicate_id_is_renamed_with_a_warning(write: WriteFile) -> None:
    path = write("g.yaml", """\
- term: CAE
  definition: one
  id: same
- term: SCOP
  definition: two
  id: same
- term: SCIC
  definition: three
  id: same
""")
    with pytest.warns(GlossatorWarning, match="id 'same' is also used") as record:
        glossary = load_glossary(path)
    assert [e.id for e in glossary] == ["same", "same-2", "same-3"]
    assert glossary["same-2"].term == "SCOP"
    first = next(str(w.message) for w in record if "SCOP" not in str(w.message))
    assert first.startswith(f"{path}:4:") and f"{path}:1" in first


@pytest.mark.parametrize("name", ["g.yaml", "g.csv"])
def test_an_id_given_twice_is_reported_when_it_is_also_the_later_term_s_own(
        write: WriteFile, name: str) -> None:
    """``id: scop`` given to *Scop agricole*, then to *SCOP*, whose term makes that id
    too: the second was renamed ``scop-2`` without a word, taken for a derived id."""
    body = ("- term: Scop agricole\n  id: scop\n  definition: one\n"
            "- term: SCOP\n  id: scop\n  definition: two\n"
            "- term: Scop!\n  definition: three\n") if name.endswith(".yaml") else (
        "term,id,definition\nScop agricole,scop,one\nSCOP,scop,two\nScop!,,three\n")
    glossary = read_glossary(write(name, body))
    assert [e.id for e in glossary] == ["scop", "scop-2", "scop-3"]
    # the id given twice is reported once, at the second; the derived one stays quiet
    [warning] = glossary.warnings
    assert warning.code == "duplicate-id"
    line = 4 if name.endswith(".yaml") else 3
    assert warning.location is not None
    assert (warning.location.line, warning.message) == (
        line, f"id 'scop' is also used by the entry 'Scop agricole' at "
              f"{warning.location.file}:{2 if name.endswith('.csv') else 1}")


def test_merge_keeps_each_files_duplicate_id_with_its_file_and_line(write: WriteFile) -> None:
    ok = read_glossary(write("ok.csv", "id,term,definition\nb,SCOP,Société coopérative.\n"))
    path = write("dup.csv", "id,term,definition\na,ESS,Économie sociale.\n"
                            "a,PTCE,Pôle territorial.\n")
    dup = read_glossary(path)
    [warning] = dup.diagnostics
    assert warning.code == "duplicate-id"
    assert warning.describe().startswith(f"{path}:3: id 'a' is also used by the entry 'ESS'")
    other = read_glossary(write("o2.csv", "id,term,definition\nz,AMAP,Association.\n"))
    for merged in (ok.merge(dup), dup.merge(ok), ok.merge(dup).merge(other),
                   other.merge(ok.merge(dup))):
        assert merged.warnings == (warning,)  # the same one, once: file, line, message, fix
    assert [e.id for e in ok.merge(dup)] == ["b", "a", "a-2"]


def test_an_id_used_again_in_another_file_is_reported_naming_both(write: WriteFile) -> None:
    one = write("one.csv", "id,term,definition\nb,SCOP,Société coopérative.\n")
    two = write("two.csv", "id,term,definition\nz,AMAP,Association.\nb,ESS,Économie.\n")
    merged = read_glossary(one).merge(read_glossary(two))
    [warning] = merged.warnings
    assert warning.code == "duplicate-id"
    assert warning.describe().startswith(f"{two}:3: id 'b' is also used by the entry 'SCOP' "
                                         f"at {one}:2")
    assert [e.id for e in merged] == ["b", "z", "b-2"]


def test_a_merge_renames_ids_renamed_already_quietly_and_in_one_series(
        write: WriteFile) -> None:
    """Two files that each have PTCE twice (senses: ``ptce``, ``ptce-2`` in each):
    the merge reported "id 'ptce-2' is also used", an id nobody wrote, and named the
    second file's ``ptce-2-2``. An explicit id used again is still reported."""
    one = write("one.yaml", "- term: PTCE\n  definition: un.\n- term: PTCE\n  definition: deux.\n")
    two = write("two.yaml", "- term: PTCE\n  definition: trois.\n- term: PTCE\n"
                            "  definition: quatre.\n- term: CAE\n  id: ptce-2\n"
                            "  definition: cinq.\n")
    merged = read_glossary(one).merge(read_glossary(two))
    assert [e.id for e in merged] == ["ptce", "ptce-2", "ptce-3", "ptce-4", "ptce-2-2"]
    [warning] = merged.warnings  # the explicit ptce-2 of CAE, and it alone
    assert warning.code == "duplicate-id" and "'ptce-2'" in warning.message
    assert warning.location is not None and warning.location.line == 5


def test_derived_ids_are_made_unique_quietly(write: WriteFile) -> None:
    # derived ids that collide are renamed without a warning (a 100 000-word list has
    # hundreds, like pêche/péché); an explicit id used twice is warned about
    path = write("g.yaml", "- term: Scop\n  definition: one\n- term: SCOP!\n  definition: two\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        glossary = load_glossary(path)
    assert [e.id for e in glossary] == ["scop", "scop-2"]
    assert len({e.id for e in glossary}) == len(glossary)


# --------------------------------------------------------------------------- case_sensitive


@pytest.mark.parametrize(
    ("raw", "value"),
    [("true", True), ("True", True), ("yes", True), ("on", True), ("1", True),
     ("false", False), ("FALSE", False), ("no", False), ("off", False), ("0", False)],
)
def test_case_sensitive_is_parsed(
    write: WriteFile, load_quietly: LoadGlossary, raw: str, value: bool
) -> None:
    path = write("g.yaml", f"- term: CAE\n  definition: ok\n  case_sensitive: {raw}\n")
    assert entry(load_quietly(path), "CAE").case_sensitive is value


def test_case_sensitive_absent_means_decide_per_form(
    write: WriteFile, load_quietly: LoadGlossary
) -> None:
    glossary = load_quietly(write("g.yaml", TWO_ENTRIES))
    assert entry(glossary, "CAE").case_sensitive is None
    forms = {f.text: f.case_sensitive for f in glossary.forms()}
    assert forms == {"CAE": True, "économie sociale et solidaire": False, "ESS": True}


def test_case_sensitive_false_makes_an_acronym_match_any_case(
    write: WriteFile, load_quietly: LoadGlossary
) -> None:
    path = write("g.yaml", "- term: CAE\n  definition: ok\n  case_sensitive: no\n")
    (form,) = load_quietly(path).forms()
    assert form.case_sensitive is False


def test_case_sensitive_from_python_values() -> None:
    glossary = Glossary.from_dicts([
        {"term": "a", "definition": "x", "case_sensitive": True},
        {"term": "b", "definition": "x", "case_sensitive": "no"},
    ])
    assert [e.case_sensitive for e in glossary] == [True, False]
    with pytest.raises(GlossaryError, match="'case_sensitive' must be true or false, not 'maybe'"):
        Glossary.from_dicts([{"term": "a", "definition": "x", "case_sensitive": "maybe"}])


# --------------------------------------------------------------------------- from_dicts, merge


def test_from_dicts_builds_validated_entries() -> None:
    glossary = Glossary.from_dicts(
        [{"term": "économie sociale et solidaire", "definition": "Une économie.",
          "aliases": ["ESS"]},
         {"term": "CAE", "definition": "Une coopérative.", "colour": "red"}],
        name="mini",
    )
    assert glossary.name == "mini"
    assert [e.id for e in glossary] == ["economie-sociale-et-solidaire", "cae"]
    assert glossary["cae"].definition == "Une coopérative."
    assert [d.message for d in glossary.warnings] == ["unknown key 'colour' in entry 2 is ignored"]
    assert glossary.warnings[0].location is not None
    assert glossary.warnings[0].location.file is None
    skipped = Glossary.from_dicts([{"term": "CAE"}, {"term": "ESS", "definition": "ok"}])
    assert [e.id for e in skipped] == ["ess"]
    assert [d.message for d in skipped.warnings] == [
        "entry 1: 'definition' is missing: the entry is skipped"]
    with pytest.raises(GlossaryError, match="must be a mapping"):
        Glossary.from_dicts(["CAE"])  # type: ignore[list-item]


def test_merge_later_entry_wins_a_form() -> None:
    first = Glossary.from_dicts([{"term": "CAE", "definition": "premier"},
                                 {"term": "SCOP", "definition": "scop"}], name="a")
    second = Glossary.from_dicts([{"term": "coopérative d'activité", "definition": "second",
                                   "aliases": ["CAE"]}], name="b")
    merged = first.merge(second)
    winners = {f.text: f.entry.definition for f in merged.forms()}
    assert winners["CAE"] == "second"
    assert winners["SCOP"] == "scop"
    assert merged.name == "a + b"
    assert len(merged) == 3
    assert any("'CAE' is also claimed" in d.message for d in merged.warnings)
    # merging builds a new glossary: the originals are untouched
    assert {f.text: f.entry.definition for f in first.forms()}["CAE"] == "premier"
    assert first.warnings == () and len(first) == 2
    reverse = {f.text: f.entry.definition for f in second.merge(first).forms()}
    assert reverse["CAE"] == "premier"


def test_later_entry_in_one_file_wins(write: WriteFile) -> None:
    path = write("g.yaml", "- term: CAE\n  definition: first\n- term: cae\n  definition: "
                           "second\n  case_sensitive: true\n- term: CAE\n  definition: First.\n")
    with pytest.warns(GlossatorWarning) as record:
        glossary = load_glossary(path)
    clash = [str(w.message) for w in record if "also claimed" in str(w.message)]
    assert len(clash) == 1
    assert clash[0].startswith(f"{path}:6:") and "entry 'CAE' at line 1 " in clash[0]
    winners = {f.text: f.entry.definition for f in glossary.forms()}
    assert winners == {"CAE": "First.", "cae": "second"}


def test_load_glossary_merges_files_later_wins(write: WriteFile) -> None:
    one = write("one.yaml", "- term: CAE\n  definition: premier\n- term: SCOP\n  definition: s\n")
    two = write("two.yaml", "- term: CAE\n  definition: Premier.\n")
    with pytest.warns(GlossatorWarning) as record:
        glossary = load_glossary(one, two)
    assert {f.text: f.entry.definition for f in glossary.forms()} == {"CAE": "Premier.",
                                                                      "SCOP": "s"}
    clash = [str(w.message) for w in record if "also claimed" in str(w.message)]
    assert len(clash) == 1
    assert clash[0].startswith(f"{two}:1:") and f"{one}:1" in clash[0]


# --------------------------------------------------------------------------- bundled glossary


@pytest.fixture(scope="module")
def bundled() -> Glossary:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return load_glossary()


def test_bundled_glossary_loads_without_any_warning(bundled: Glossary) -> None:
    assert bundled.diagnostics == ()
    assert bundled.name


def test_bundled_glossary_path_is_the_default() -> None:
    path = glossator.bundled_glossary_path()
    assert path.is_file() and path.suffix == ".yaml"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_glossary(path).entries == load_glossary().entries
    with pytest.raises(GlossaryError, match="reinstall"):
        glossator.bundled_glossary_path("no-such-glossary")


def test_bundled_glossary_is_strict_clean() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(load_glossary(strict=True)) >= 40


def test_bundled_glossary_has_the_core_entries(bundled: Glossary) -> None:
    assert len(bundled) >= 40
    terms = {e.term for e in bundled}
    missing = [t for t in BUNDLED_ACRONYMS + BUNDLED_TERMS if t not in terms]
    assert missing == []
    for acronym in BUNDLED_ACRONYMS:
        form = next(f for f in bundled.forms() if f.text == acronym)
        assert form.case_sensitive, acronym


def test_bundled_entries_are_complete(bundled: Glossary) -> None:
    for e in bundled:
        assert e.definition.strip(), e.term
        assert len(e.definition) >= 20, e.term
        if e.url is not None:
            assert e.url.startswith("https://"), (e.term, e.url)
    ids = [e.id for e in bundled]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("- term: CAE\n  definition: ok\n- term: SCOP\n", 3, "'definition' is missing"),
        ("- term: CAE\n  definition: ''\n- term: ESS\n  definition: ok\n", 2,
         "'definition' is empty"),
        ("- definition: ok\n- term: ESS\n  definition: ok\n", 1, "'term' is missing"),
    ],
    ids=["missing-definition", "empty-definition", "missing-term"],
)
def test_an_entry_without_term_or_definition_is_skipped_with_a_warning(
    write: WriteFile, content: str, line: int, message: str
) -> None:
    path = write("messy.yaml", content)
    with pytest.warns(GlossatorWarning, match="skipped"):
        glossary = load_glossary(path)
    (warning,) = glossary.warnings
    assert warning.code == "skipped-entry" and message in warning.message
    assert warning.location is not None and warning.location.line == line
    assert str(warning).startswith(f"{path}:{line}: warning: ")


def test_every_hard_problem_of_a_file_is_reported_at_once(write: WriteFile) -> None:
    path = write("bad.yaml", "- term: A\n  definition: ok\n  case_sensitive: maybe\n"
                             "- term: B\n  definition: ok\n  aliases: foo\n"
                             "- term: C\n")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert str(info.value).splitlines() == [
        f"{path}:3: error: entry 1: 'case_sensitive' must be true or false, not 'maybe'",
        f"{path}:6: error: entry 2: 'aliases' must be a list, not a string "
        "(write aliases: [foo])",
        f"{path}:7: warning: entry 3: 'definition' is missing: the entry is skipped "
        "(every entry needs a non-empty 'definition')",
    ]
    assert info.value.line == 3 and "true or false" in info.value.message


def test_a_glossary_s_repr_counts_its_entries_in_english() -> None:
    one = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
    assert repr(one) == "<Glossary with 1 entry>"
    two = one.merge(Glossary.from_dicts([{"term": "PTCE", "definition": "Pôle."}]))
    assert repr(two) == "<Glossary with 2 entries>"
