"""SKOS glossaries in Turtle and RDF/XML: labels, definitions, ids, urls, safe parsing."""

from __future__ import annotations

import builtins
import os
import warnings
from pathlib import Path
from typing import Any

import pytest

import glossator
from glossator import GlossaryError, GlossatorWarning, load_glossary
from glossator.loaders import read_glossary
from support.cli import RunCli, WriteFile

DATA = Path(__file__).parent / "data"
TTL = DATA / "ess-sample.ttl"
RDF = DATA / "ess-sample.rdf"
TBX = DATA / "ess-sample.tbx"

PREFIXES = ("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
            "@prefix ex: <http://example.org/v#> .\n")


def quietly(path: str | os.PathLike[str], **kwargs: Any) -> glossator.Glossary:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_glossary(path, **kwargs)


@pytest.mark.parametrize("path", [TTL, RDF])
def test_the_sample_gives_one_entry_per_french_concept(path: Path) -> None:
    g = quietly(path)
    assert g.name == "Économie sociale et solidaire"
    assert [(e.id, e.term, e.aliases) for e in g] == [
        ("ess", "économie sociale et solidaire", ("ESS", "E.S.S.")),  # altLabel, hiddenLabel
        ("ptce", "pôle territorial de coopération économique", ("PTCE",)),
        ("scop", "société coopérative et participative", ("SCOP", "Scop")),
    ]
    ess = g["ess"]
    # the French definition, not the English one; its line break kept
    assert ess.definition.startswith("Mode d'entreprendre reconnu par la loi du 31 juillet")
    assert "\nfondé sur" in ess.definition
    assert ess.url == "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296"  # seeAlso
    assert ess.source == "Loi n° 2014-856 du 31 juillet 2014, article 1er"
    # no definition: the scope note; with a definition, the scope note is not used
    assert g["ptce"].definition.startswith("Regroupement, sur un territoire, d’entreprises")
    assert g["scop"].definition.startswith("Société commerciale dont les salariés")
    # an http(s) concept URI is the link when nothing better is given
    assert g["ptce"].url == "https://glossator.invalid/ess/ptce"


def test_turtle_and_rdfxml_samples_agree_and_match_the_tbx_sample() -> None:
    ttl, rdf = quietly(TTL), quietly(RDF)
    assert ttl.entries == rdf.entries
    tbx = quietly(TBX)
    for entry in tbx:
        assert ttl[entry.id].term == entry.term
        assert set(entry.aliases) <= set(ttl[entry.id].aliases)


@pytest.mark.parametrize(("path", "lines"), [(TTL, [12, 23, 30, 37, 42]),
                                             (RDF, [15, 29, 37, 46, 52])])
def test_entries_and_skipped_concepts_are_reported_with_their_line(
    path: Path, lines: list[int]
) -> None:
    g = read_glossary(path)
    assert [e.origin.line for e in g if e.origin] == lines[:3]
    assert [str(d) for d in g.diagnostics] == [
        f"{path}:{lines[3]}: warning: 1 concept without a French skos:prefLabel is skipped: "
        "only-english (give them a skos:prefLabel with @fr)",
        f"{path}:{lines[4]}: warning: 1 concept without a definition is skipped: "
        "'tiers-lieu' (give them a skos:definition (or a skos:scopeNote) in French)",
    ]


def test_annotating_with_a_skos_glossary(cli: RunCli, write: WriteFile) -> None:
    write("doc.txt", "Les pôles territoriaux de coopération économique et l’ESS.\n")
    result = cli("annotate", "-g", str(TTL), "-q", "-f", "json", "doc.txt")
    assert result.code == 0, result.err
    assert '"entry": "ptce"' in result.out and '"entry": "ess"' in result.out


def test_format_skos_tells_turtle_from_rdfxml(tmp_path: Path) -> None:
    for source in (TTL, RDF):
        copy = tmp_path / f"{source.stem}-{source.suffix[1:]}.txt"
        copy.write_bytes(source.read_bytes())
        with pytest.raises(GlossaryError, match="glossary-format"):
            load_glossary(copy)
        assert len(quietly(copy, format="skos")) == 3
    assert len(quietly(TTL, format="skos-ttl")) == 3
    with pytest.raises(GlossaryError, match="invalid Turtle"):
        load_glossary(RDF, format="skos-ttl")


def test_labels_without_language_tag_are_french(write: WriteFile) -> None:
    path = write("v.ttl", PREFIXES + 'ex:cae a skos:Concept ; skos:prefLabel "CAE" ;\n'
                 '  skos:altLabel "C.A.E.", "CAE"@en ; skos:hiddenLabel "cae"@fr-FR ;\n'
                 '  skos:definition "Coopérative d’activité et d’emploi." .\n'
                 'ex:en a skos:Concept ; skos:prefLabel "thing"@en, "chose" ;\n'
                 '  skos:definition "Quelque chose."@fr .\n')
    g = quietly(path)
    # an untagged prefLabel counts only when the concept has no tagged one; alternative
    # labels come before hidden ones
    assert [(e.id, e.term, e.aliases) for e in g] == [("cae", "CAE", ("C.A.E.", "cae"))]
    assert g["cae"].url == "http://example.org/v#cae"


def test_a_definition_in_another_language_is_not_used(write: WriteFile) -> None:
    path = write("v.ttl", PREFIXES + 'ex:a a skos:Concept ; skos:prefLabel "mutuelle"@fr ;\n'
                 '  skos:definition "A mutual society."@en .\n'
                 'ex:b a skos:Concept ; skos:prefLabel "scop"@fr ; skos:definition "x"@fr .\n')
    with pytest.warns(GlossatorWarning, match="without a definition is skipped: 'mutuelle'"):
        g = load_glossary(path)
    assert [e.term for e in g] == ["scop"]


def test_many_skipped_concepts_make_one_warning(write: WriteFile) -> None:
    body = "".join(f'ex:c{i} a skos:Concept ; skos:prefLabel "thing {i}"@en .\n'
                   for i in range(5))
    with pytest.warns(GlossatorWarning) as record:
        load_glossary(write("v.ttl", PREFIXES + body + 'ex:ok a skos:Concept ; skos:prefLabel'
                            ' "ok"@fr ; skos:definition "d"@fr .\n'))
    assert len(record) == 1
    assert "5 concepts without a French skos:prefLabel are skipped: c0, c1, c2 and 2 more" in \
        str(record[0].message)


def test_turtle_syntax_error_names_its_line(write: WriteFile) -> None:
    path = write("bad.ttl", PREFIXES + "\nex:a a skos:Concept ;\n"
                 '  skos:prefLabel "a"@fr\nex:b a skos:Concept .\n')
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert info.value.line == 6
    assert str(info.value).startswith(f"{path}:6: invalid Turtle: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("content", "needle", "line"),
    [
        ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-'
         'ns#">\n<rdf:Description rdf:about="x">\n</rdf:RDF>\n', "invalid XML", 4),
        # a billion-laughs entity bomb is refused before rdflib sees it
        ('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
         '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
         "refused XML", None),
        # so is an external entity: nothing is read from the disk or the network
        ('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
         '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&x;</rdf:RDF>\n',
         "refused XML", None),
        ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
         "no skos:Concept", None),
    ],
)
def test_rdfxml_errors(write: WriteFile, content: str, needle: str, line: int | None) -> None:
    path = write("bad.rdf", content)
    with pytest.raises(GlossaryError, match=needle) as info:
        load_glossary(path)
    assert info.value.file == str(path)
    if line is not None:
        assert info.value.line == line


def test_rdfxml_in_latin1_is_decoded_by_its_declaration(write: WriteFile) -> None:
    text = RDF.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    text = text.replace("’", "'").replace("\u00a0", " ")
    path = write("latin1.rdf", text.encode("latin-1"))
    g = quietly(path)
    assert [e.term for e in g] == [e.term for e in quietly(RDF)]
    assert g["ess"].term == "économie sociale et solidaire"
    assert g["ptce"].definition.startswith("Regroupement, sur un territoire, d'entreprises")


def test_too_large_a_vocabulary_is_refused(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glossator.loaders import skos

    monkeypatch.setattr(skos, "MAX_SKOS_BYTES", 100)
    with pytest.raises(GlossaryError, match="too large for a SKOS glossary"):
        load_glossary(TTL)


def test_without_rdflib_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_rdflib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "rdflib" or name.startswith("rdflib."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rdflib)
    with pytest.raises(GlossaryError) as info:
        load_glossary(TTL)
    assert str(info.value) == (f"{TTL}: reading SKOS needs the rdflib package "
                               "(pip install 'glossator[skos]')")


def test_an_external_dtd_is_never_read(write: WriteFile, tmp_path: Path) -> None:
    dtd = write("broken.dtd", '<!ENTITY % oops "never closed\n')  # would fail if read
    path = write("v.rdf", f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{dtd.as_uri()}">\n'
                 '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
                 '         xmlns:skos="http://www.w3.org/2004/02/skos/core#">\n'
                 '<skos:Concept rdf:about="http://x.fr/a"><skos:prefLabel xml:lang="fr">a'
                 '</skos:prefLabel><skos:definition xml:lang="fr">d</skos:definition>'
                 "</skos:Concept>\n</rdf:RDF>\n")
    g = quietly(path)
    assert [(e.term, e.url, e.origin.line if e.origin else None) for e in g] == [
        ("a", "http://x.fr/a", 5)]


def test_a_literal_that_is_no_value_of_its_type_is_one_warning_not_a_traceback(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """rdflib logs such a literal with a traceback, which reached the terminal of every
    command reading the file; it is now one warning, and the text is still read."""
    path = tmp_path / "typed.ttl"
    path.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<http://ex.org/c1> a skos:Concept ; skos:prefLabel "SCOP"@fr ;\n'
        '  skos:definition "Une coopérative."^^xsd:integer .\n', encoding="utf-8")
    with pytest.warns(GlossatorWarning, match="1 literal typed integer holds text that is "
                      "no such value; the text is read as it is"):
        g = load_glossary(path)
    assert [e.definition for e in g] == ["Une coopérative."]
    assert "Traceback" not in capfd.readouterr().err
