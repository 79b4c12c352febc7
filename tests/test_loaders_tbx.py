"""TBX glossaries: concepts, French terms, preferred term, definitions, safe XML."""

from __future__ import annotations

from pathlib import Path

import pytest

import glossator
from glossator import GlossaryError, GlossaryProblems, GlossatorWarning, load_glossary
from glossator.cli import main
from glossator.loaders import read_glossary

SAMPLE = Path(__file__).parent / "data" / "ess-sample.tbx"


def test_tbx_basic_sample() -> None:
    with pytest.warns(GlossatorWarning, match="concept only-english has no French term"):
        g = load_glossary(SAMPLE)
    assert g.name == "Économie sociale et solidaire"
    assert [(e.id, e.term, e.aliases) for e in g] == [
        ("ess", "économie sociale et solidaire", ("ESS",)),
        ("ptce", "pôle territorial de coopération économique", ("PTCE",)),
    ]
    assert g["ess"].definition.startswith("Mode d'entreprendre reconnu par la loi")
    assert "  " not in g["ess"].definition  # white space collapsed
    assert g["ptce"].definition.startswith("Regroupement")  # from the concept level
    assert g["ess"].origin is not None and g["ess"].origin.line == 12


def test_tbx3_concept_entries(tmp_path: Path) -> None:
    path = tmp_path / "v3.tbx"
    path.write_text(
        '<tbx type="TBX-Core" style="dca" xml:lang="fr" xmlns="urn:iso:std:iso:30042:ed-2">'
        "<text><body><conceptEntry id=\"c1\"><langSec xml:lang=\"fr\">"
        '<descrip type="definition">Société coopérative et participative.</descrip>'
        "<termSec><term>SCOP</term></termSec></langSec></conceptEntry></body></text></tbx>",
        encoding="utf-8",
    )
    g = load_glossary(path)
    assert [(e.id, e.term) for e in g] == [("c1", "SCOP")]
    doc = glossator.annotate("La SCOP et les SCOP.", g)
    assert [a.surface for a in doc] == ["SCOP"]


@pytest.mark.parametrize(
    ("content", "needle", "line"),
    [
        ("<martif>\n<text><body>\n<termEntry></body></text></martif>", "invalid XML", 3),
        ("<martif><text><body/></text></martif>", "no <termEntry>", None),
        ('<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
         "<martif><text><body><termEntry><langSet xml:lang='fr'><tig><term>&b;</term></tig>"
         "</langSet></termEntry></body></text></martif>",
         "refused XML: the file declares the entity 'a', which glossator does not expand", 2),
    ],
)
def test_tbx_errors(tmp_path: Path, content: str, needle: str, line: int | None) -> None:
    path = tmp_path / "bad.tbx"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GlossaryError, match=needle) as info:
        load_glossary(path)
    assert info.value.file == str(path)
    if line is not None:
        assert info.value.line == line


def test_cli_annotates_with_a_tbx_glossary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "t.txt"
    text.write_text("Les pôles territoriaux de coopération économique et l’ESS.\n",
                    encoding="utf-8")
    assert main(["annotate", str(text), "-g", str(SAMPLE), "-q", "-f", "json"]) == 0
    out = capsys.readouterr().out
    assert '"entry": "ptce"' in out and '"how": "inflected"' in out
    assert '"entry": "ess"' in out and '"how": "alias"' in out


def test_a_tbx_concept_without_definition_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "messy.tbx"
    path.write_text("<martif><text><body><termEntry>\n<langSet xml:lang='fr'>\n<tig><term>X"
                    "</term></tig></langSet></termEntry>\n</body></text></martif>", "utf-8")
    with pytest.raises(GlossaryProblems) as info:  # and nothing is left: an error too
        read_glossary(path)
    warning, error = info.value.diagnostics
    assert warning.code == "skipped-entry" and "'definition' is missing" in warning.message
    assert error.message == "the glossary has no entries: each of its entries is skipped " \
        "(1 warning)"


def test_another_languages_definition_url_and_source_are_never_taken(tmp_path: Path) -> None:
    """The definition, url and source come from the French section or the concept itself:
    an English definition in a French tooltip was shown without a word before."""
    path = tmp_path / "en.tbx"
    path.write_text("""<martif type="TBX"><text><body>
<!-- <termEntry> in a comment is no concept -->
<termEntry id="scop">
  <langSet xml:lang="fr"><tig><term>SCOP</term></tig></langSet>
  <langSet xml:lang="en"><descrip type="definition">A company owned by its workers.</descrip>
    <tig><term>worker cooperative</term></tig></langSet>
</termEntry>
<termEntry id="cae">
  <descrip type="definition">Coopérative d'activité et d'emploi.</descrip>
  <langSet xml:lang="en"><descrip type="definition">Business cooperative.</descrip>
    <xref type="externalCrossReference" target="https://en.example/coop"/>
    <admin type="source">English source</admin></langSet>
  <langSet xml:lang="fr"><tig><term>CAE</term></tig></langSet>
</termEntry>
</body></text></martif>""", encoding="utf-8")
    with pytest.warns(GlossatorWarning) as caught:
        g = load_glossary(path)
    assert [(e.term, e.definition, e.url, e.source) for e in g] == [
        ("CAE", "Coopérative d'activité et d'emploi.", None, None)]
    # the concept's own line, the commented start tag before it not counted
    assert [str(w.message) for w in caught] == [
        f"{path}:3: warning: entry 1: 'definition' is missing: the entry is skipped (give "
        'the concept a <descrip type="definition"> in its French <langSet>)']
