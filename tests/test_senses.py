"""Senses: a form that several entries claim with different definitions keeps them all,
and each occurrence gets one (or none) for a stated reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glossator import Annotator, Glossary, GlossatorWarning, load_glossary
from glossator.explain import explain, render_explanations
from glossator.lint import lint
from glossator.senses import SenseChoice
from support.cli import RunCli

# the acronyms of issue 12, with senses written here (as sigles.csv has them: the
# expansion as the definition, the list each row comes from as the source)
SIGLES = [
    {"term": "PSE", "definition": "Placement sous surveillance électronique",
     "source": "Ministère de la Justice"},
    {"term": "PSE", "definition": "Premiers secours en équipe", "source": "Secours"},
    {"term": "CSP", "definition": "Catégories socioprofessionnelles", "source": "Social"},
    {"term": "CSP", "definition": "Conseil supérieur de la pêche", "source": "Environnement"},
    {"term": "CSE", "definition": "Chef de service éducatif", "source": "Social"},
    {"term": "CSE", "definition": "Comité social et économique",
     "source": "Ministère du travail"},
    {"term": "CSE", "definition": "Cadre socio-éducatif", "source": "Santé"},
    {"term": "SA", "definition": "Société anonyme", "source": "Sénat"},
    {"term": "SA", "definition": "Syndrome d'Asperger", "source": "Social"},
]


@pytest.fixture(scope="module")
def sigles() -> Glossary:
    return Glossary.from_dicts(SIGLES)


def anns(annotator: Annotator, text: str) -> list[tuple[str, str, str]]:
    return [(a.surface, a.entry.definition, a.sense_step) for a in annotator.annotate(text)]


def test_every_meaning_is_kept_and_identical_rows_merge() -> None:
    g = Glossary.from_dicts([*SIGLES, {"term": "SA", "definition": "société anonyme."}])
    forms = {f.key: f for f in g.forms()}
    senses = g.senses(forms[(True, "SA")].key)
    # the later of two with the same definition applies, as the warning and the docs
    # say (the earlier was shown when the form had other senses, the later when not)
    assert [e.definition for e in senses] == ["société anonyme.", "Syndrome d'Asperger"]
    assert [d.code for d in g.warnings] == ["duplicate-form"]  # the identical one only
    assert len(g.senses(forms[(True, "CSE")].key)) == 3


def test_a_long_form_the_text_gives_picks_that_sense_from_there_on(sigles: Glossary) -> None:
    a = Annotator(sigles, occurrences="all")
    text = ("Le CSE est réuni. Le comité social et économique (CSE) est consulté. "
            "Ensuite le CSE rend son avis.")
    found = anns(a, text)
    assert found[0][2] != "spelled-out"  # before the long form is written
    assert found[1:] == [("CSE", "Comité social et économique", "spelled-out")] * 2


def test_the_long_form_may_follow_or_be_inflected(sigles: Glossary) -> None:
    a = Annotator(sigles)
    assert anns(a, "Les CSE (comités sociaux et économiques) sont élus.") == [
        ("CSE", "Comité social et économique", "spelled-out")]
    assert anns(a, "Un conseil supérieur de la pêche (ci-après « CSP ») existe.") == [
        ("CSP", "Conseil supérieur de la pêche", "spelled-out")]


def test_a_long_form_the_glossary_lacks_leaves_the_acronym_alone(sigles: Glossary) -> None:
    # the two examples of issue 12 that no sense of the list fits
    a = Annotator(sigles)
    assert anns(a, "Le plan de sauvegarde de l'emploi (PSE) prévoit des reclassements.") == []
    assert anns(a, "Le contrat de sécurisation professionnelle (CSP) est proposé.") == []
    found = explain("Le plan de sauvegarde de l'emploi (PSE) est signé.", a)
    assert "meaning the glossary does not have" in found[0].reason


def test_a_domain_limits_the_senses(sigles: Glossary) -> None:
    a = Annotator(sigles, domain="travail")
    assert anns(a, "Le CSE, instance unique, est consulté.") == [
        ("CSE", "Comité social et économique", "domain")]
    # the document's own domain
    b = Annotator(sigles)
    choices: dict[tuple[int, int, int, bool], SenseChoice] = {}
    b.select("Le CSE.", senses=choices, domains=["justice"])
    assert not any(c.entry for c in choices.values())
    b.select("La PSE.", senses=choices, domains=["justice"])
    assert [c.step for c in choices.values() if c.entry] == ["domain"]


def test_context_words_choose_when_the_lead_is_clear(sigles: Glossary) -> None:
    a = Annotator(sigles)
    text = ("La pêche en rivière et les poissons migrateurs relèvent d'un conseil "
            "supérieur : le CSP contrôle la pêche et protège la faune des rivières.")
    assert anns(a, text) == [("CSP", "Conseil supérieur de la pêche", "context")]


SMALL = Glossary.from_dicts([
    {"term": "CA", "title": "Cour d'appel",
     "definition": "Juridiction du second degré qui rejuge une affaire déjà tranchée en "
                   "première instance."},
    {"term": "CA", "title": "Conseil d'administration",
     "definition": "Organe collégial qui administre une association ou une société."},
    {"term": "ESS", "definition": "Économie sociale et solidaire."},
    {"term": "SCOP", "definition": "Société coopérative et participative."},
    {"term": "CAE", "definition": "Coopérative d'activité et d'emploi."},
])


@pytest.mark.parametrize(("text", "title"), [
    ("La CA de Paris a confirmé le jugement rendu en première instance.", "Cour d'appel"),
    ("Le CA administre l’association.", "Conseil d'administration"),
])
def test_a_small_glossary_decides_by_context_too(text: str, title: str) -> None:
    """Two words of one sense's definition decide in a five-entry glossary as in a large
    one: each weighs log(6) there, 3.58 for two, which the fixed bar of 4 never let
    through (the occurrence stayed undecided, every sense shown)."""
    (a,) = Annotator(SMALL).annotate(text)
    assert (a.entry.title, a.sense_step) == (title, "context")
    # one word in common is still chance, however small the glossary
    (alone,) = Annotator(SMALL).annotate("La CA siège en instance.")
    assert alone.sense_step == "" and len(alone.senses) == 2


def test_without_evidence_all_skip_or_first(sigles: Glossary) -> None:
    text = "Une SA."
    (everything,) = Annotator(sigles).annotate(text)
    assert everything.entry.definition == "1. Société anonyme\n2. Syndrome d'Asperger"
    assert everything.sense_step == "" and len(everything.senses) == 2
    assert anns(Annotator(sigles, senses="skip"), text) == []
    assert anns(Annotator(sigles, senses="first"), text) == [("SA", "Société anonyme", "first")]


def test_the_first_occurrence_rule_counts_per_sense(sigles: Glossary) -> None:
    a = Annotator(sigles)  # occurrences="first"
    text = ("Le CSE (chef de service éducatif) arrive. Le comité social et économique (CSE) "
            "se réunit. Le CSE vote.")
    found = [a.entry.definition for a in a.annotate(text)]
    assert found == ["Chef de service éducatif", "Comité social et économique"]


def test_json_says_which_sense_and_which_step(sigles: Glossary) -> None:
    a = Annotator(sigles)
    (ann,) = a.annotate("Le comité social et économique (CSE).")
    data = ann.to_dict()
    assert (data["sense"], data["sense_step"]) == ("cse-2", "spelled-out")
    assert data["senses"] == ["cse", "cse-2", "cse-3"]
    (none,) = a.annotate("Une SA.")
    assert none.to_dict()["sense"] is None and none.to_dict()["sense_step"] is None


def test_explain_names_the_sense(sigles: Glossary) -> None:
    rows = explain("Le comité social et économique (CSE). Une SA.", Annotator(sigles))
    assert [r.sense for r in rows] == ["cse-2 by spelled-out", "none of 2"]


def test_the_explain_table_breaks_a_sense_s_note_between_words(sigles: Glossary) -> None:
    """The entry column is as wide as the longest id or word of a sense's note (up to a
    fifth of the table): ``(by spelled-out)`` wraps at its space, never inside a word."""
    rows = explain("Le comité social et économique (CSE). Une SA.", Annotator(sigles))
    table = render_explanations(rows, width=120)
    cells = [line.split("│")[3].strip() for line in table.splitlines() if "│" in line]
    assert "spelled-out)" in cells and "cse-2 (by" in cells
    assert not any(cell in ("spelled-o", "ut)") for cell in cells)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html", "terminal"])
def test_every_format_numbers_the_senses(fmt: str, tmp_path: Path, cli: RunCli) -> None:
    glossary = tmp_path / "sigles.json"
    glossary.write_text(json.dumps(SIGLES, ensure_ascii=False), "utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text("Une SA et le comité social et économique (CSE).\n", "utf-8")
    out = cli("annotate", "-q", "-g", str(glossary), "-f", fmt, str(doc)).out
    if fmt == "json":
        first = json.loads(out)["annotations"][0]
        assert first["definition"].startswith("1. Société anonyme")
    else:
        assert "Société anonyme" in out and "2. Syndrome d" in out
        assert "Comité social et économique" in out


def test_cli_options(tmp_path: Path, cli: RunCli) -> None:
    glossary = tmp_path / "sigles.json"
    glossary.write_text(json.dumps(SIGLES, ensure_ascii=False), "utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text("Le CSE et la SA.\n", "utf-8")
    out = cli("annotate", "-q", "-g", str(glossary), "-f", "json", "--senses", "skip",
              "--domain", "travail", str(doc)).out
    assert [a["surface"] for a in json.loads(out)["annotations"]] == ["CSE"]


def test_check_reports_senses_nothing_tells_apart() -> None:
    g = Glossary.from_dicts([
        {"term": "AG", "definition": "Réunion annuelle des membres d'une association, où "
         "ils approuvent les comptes. Elle élit le conseil."},
        {"term": "AG", "definition": "Argent, le métal précieux. Son symbole chimique."},
    ])
    assert [f.code for f in lint(g, select=["indistinct-senses"])] == ["indistinct-senses"]


def test_the_markdown_extension_and_spacy_carry_the_choice(tmp_path: Path) -> None:
    import markdown
    import spacy

    from glossator.integrations.markdown import GlossatorExtension

    path = tmp_path / "sigles.json"
    path.write_text(json.dumps(SIGLES, ensure_ascii=False), "utf-8")
    md = markdown.Markdown(extensions=[GlossatorExtension(glossary=str(path), senses="skip",
                                                          domain="travail")])
    html = md.convert("Le CSE et la SA.")
    assert "Comité social et économique" in html and "Société anonyme" not in html
    nlp = spacy.blank("fr")
    nlp.add_pipe("glossator", config={"glossary": str(path), "senses": "first"})
    doc = nlp("Une SA.")
    assert [s.id_ for s in doc.spans["glossator"]] == ["sa"]


@pytest.mark.parametrize("suffix", ["yaml", "json", "toml", "csv", "tbx", "ttl"])
def test_convert_writes_every_sense_back(suffix: str, tmp_path: Path, cli: RunCli) -> None:
    source = tmp_path / "sigles.json"
    source.write_text(json.dumps(SIGLES, ensure_ascii=False), "utf-8")
    out = tmp_path / f"out.{suffix}"
    assert cli("convert", "-q", str(source), str(out)).code == 0
    from glossator import load_glossary

    again = load_glossary(out)
    (sa,) = Annotator(again).annotate("Une SA.")
    assert [e.definition for e in sa.senses] == ["Société anonyme", "Syndrome d'Asperger"]


def test_the_index_numbers_the_senses_under_one_headword(sigles: Glossary) -> None:
    from glossator.render.index import render_index

    md = render_index(sigles, "markdown")
    assert "**SA** 1\\." in md and "**SA** 2" not in md and " 2\\.\n\nSyndrome" in md
    html = render_index(sigles, "html")
    assert 'SA <span class="glossator-index-sense">2</span>' in html


def test_a_page_names_its_domain(sigles: Glossary) -> None:
    from glossator.documents.html import annotate_html, page_domains

    head = '<head><meta name="glossator-domain" content="travail, santé"></head>'
    assert page_domains(head + '<p data-glossator-domain="justice">x</p>') == (
        "travail", "santé")
    a = Annotator(sigles, senses="skip")
    page = annotate_html(head + "<p>Le CSE et la PSE.</p>", a)
    assert "Comité social et économique" not in page  # travail and santé: two senses left
    page = annotate_html('<p data-glossator-domain="justice">La PSE.</p>', a)
    assert "Placement sous surveillance électronique" in page
    assert "Placement" in annotate_html("<p>La PSE.</p>", a, domains=["justice"])


def test_spacy_lemmas_let_the_context_step_read_irregular_forms() -> None:
    # "travaux" is "travail" only to a dictionary: the rules key it "traval", so by rule
    # the code of labour shares one word (salariés) with the text, and with spaCy's
    # lemmas two, which decides
    fillers = [{"term": f"T{i}", "definition": f"Mot numéro {i} du remplissage {i}."}
               for i in range(30)]
    g = Glossary.from_dicts([
        {"term": "CT", "title": "Code du travail",
         "definition": "Recueil des règles du travail des salariés."},
        {"term": "CT", "title": "Contrôle technique",
         "definition": "Visite obligatoire d'un véhicule dans un centre agréé."},
        *fillers,
    ])
    text = "Le CT protège les salariés et encadre leurs travaux."
    assert anns(Annotator(g, senses="skip"), text) == []
    assert anns(Annotator(g, senses="skip", lemmas="spacy"), text) == [
        ("CT", "Recueil des règles du travail des salariés.", "context")]


def test_a_domain_given_by_the_entry_or_by_its_glossary(tmp_path: Path, cli: RunCli) -> None:
    from glossator.loaders import load_glossary

    (tmp_path / "travail.yaml").write_text(
        "domain: travail\nentries:\n"
        "  - {term: CSE, definition: Comité social et économique.}\n"
        "  - {term: CDD, definition: Contrat à durée déterminée., domain: [emploi]}\n",
        "utf-8")
    (tmp_path / "sante.csv").write_text(
        "term,definition,domain\nCSE,Cadre socio-éducatif.,santé|social\n", "utf-8")
    paths = [str(tmp_path / "travail.yaml"), str(tmp_path / "sante.csv")]
    g = load_glossary(*paths)
    assert [(e.term, e.domains) for e in g.entries] == [
        ("CSE", ("travail",)), ("CDD", ("emploi",)), ("CSE", ("santé", "social"))]
    text = "Le CSE se réunit."
    assert anns(Annotator(g, domain="travail"), text) == [
        ("CSE", "Comité social et économique.", "domain")]
    assert anns(Annotator(g, domain="sante"), text) == [
        ("CSE", "Cadre socio-éducatif.", "domain")]
    # the CLI, through the cache, and convert writes the domains back
    cache = str(tmp_path / "cache")
    for _ in range(2):
        out = cli("annotate", "-", "-g", paths[0], "-g", paths[1], "--domain", "santé",
                  "-f", "json", "--cache-dir", cache, stdin=text.encode())
        assert out.code == 0, out.err
        assert json.loads(out.out)["annotations"][0]["sense_step"] == "domain"
    for suffix in (".yaml", ".csv", ".json"):
        target = tmp_path / f"back{suffix}"
        assert cli("convert", paths[0], str(target)).code == 0
        assert [e.domains for e in load_glossary(target).entries] == [
            ("travail",), ("emploi",)]


def test_markdown_front_matter_names_the_domain(sigles: Glossary, tmp_path: Path,
                                                cli: RunCli) -> None:
    import markdown

    from glossator.integrations.markdown import GlossatorExtension

    page = "---\ntitle: Le CSE\nglossator-domain: travail, emploi\n---\n\nLe CSE siège.\n"
    md = markdown.Markdown(extensions=[GlossatorExtension(
        annotator=Annotator(sigles, senses="skip"))])
    html = md.convert(page)
    assert "title:" not in html and "Comité social et économique" in html
    # the next document has no front matter: no domain, no guess
    assert "Comité" not in md.reset().convert("Le CSE siège.")
    assert md.reset().convert("---\nglossator: false\n---\nLe CSE.") == "<p>Le CSE.</p>"
    # with the meta extension, which reads the block itself, md.Meta is read
    with_meta = markdown.Markdown(extensions=["meta", GlossatorExtension(
        annotator=Annotator(sigles, senses="skip"))])
    assert "Comité social et économique" in with_meta.convert(page)
    assert with_meta.Meta["title"] == ["Le CSE"]  # type: ignore[attr-defined]
    # the command line reads Markdown files through the extension
    glossary = tmp_path / "sigles.json"
    glossary.write_text(json.dumps(SIGLES), "utf-8")
    (tmp_path / "page.md").write_text(page, "utf-8")
    out = cli("annotate", "page.md", "-g", str(glossary), "--senses", "skip")
    assert out.code == 0, out.err
    assert "Comité social et économique" in out.out and "glossator-domain" not in out.out


@pytest.mark.parametrize("kind", ["html", "markdown"])
def test_explain_names_the_sense_in_pages_and_markdown(sigles: Glossary, kind: str) -> None:
    from glossator.documents.read import Document
    from glossator.runner import DocumentJob

    text = "Le comité social et économique (CSE) siège. Une SA."
    source = f"<p>{text}</p>" if kind == "html" else text
    job = DocumentJob(Annotator(sigles), "html", {})
    rows = job.explain(Document("page", kind, source))
    assert [(r.surface, r.entry, r.sense) for r in rows] == [
        ("CSE", "cse-2", "cse-2 by spelled-out"), ("SA", "sa~senses", "none of 2")]


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_an_undecided_acronym_links_to_its_headword_in_the_index(
        fmt: str, tmp_path: Path, cli: RunCli) -> None:
    glossary = tmp_path / "sigles.json"
    glossary.write_text(json.dumps(SIGLES), "utf-8")
    index = cli("index", "-g", str(glossary), "-f", "html").out
    out = cli("annotate", "-", "-g", str(glossary), "-f", fmt, "--link-to", "index.html",
              stdin=b"Une SA.").out
    assert "index.html#glossaire-sa)" in out or 'href="index.html#glossaire-sa"' in out
    assert 'id="glossaire-sa"' in index and "#glossaire-sa-senses" not in out
    templated = cli("annotate", "-", "-g", str(glossary), "-f", fmt, "--link-to",
                    "lexique/{id}.html", stdin=b"Une SA.").out
    assert "lexique/sa.html" in templated



def test_an_element_names_the_domain_of_its_own_content(sigles: Glossary) -> None:
    from glossator.documents.html import annotate_html, domain_scopes

    a = Annotator(sigles, senses="skip", occurrences="all")
    page = ('<section data-glossator-domain="justice"><p>La PSE.</p>'
            '<div data-glossator-domain="secours"><p>La PSE.</p><br></div>'
            '<p>Encore la PSE.</p></section><p>Hors section : la PSE.</p>')
    out = annotate_html(page, a)
    assert out.count("Placement sous surveillance électronique") == 2
    assert out.count("Premiers secours en équipe") == 1
    assert out.count("glossator-tip") == 3  # the last one has no domain: left alone
    # an unclosed element holds to the end; comments and scripts are not elements
    page = '<div data-glossator-domain="a, b"><!-- <p> --><script>"</div>"</script>x'
    assert domain_scopes(page) == [(0, len(page), ("a", "b"))]


def test_check_names_the_duplicate_that_applies_among_senses(tmp_path: Path) -> None:
    """AMP twice with one definition and once with another: check said the first row
    hid the second, claimed by the third (another sense); the second hides the first."""
    path = tmp_path / "dup.csv"
    path.write_text("id,term,definition\na1,AMP,Aide médico psychologique\n"
                    "a2,AMP,Aide Medico Psychologique\na3,AMP,Accord sur les marchés publics\n",
                    encoding="utf-8")
    with pytest.warns(GlossatorWarning, match="the later entry applies"):
        g = load_glossary(path)
    assert [e.id for e in g.senses(next(iter(g.forms())).key)] == ["a2", "a3"]
    hidden = [f for f in lint(g) if f.code == "hidden-entry"]
    assert [f.message.split(":")[0] for f in hidden] == ["entry 'a1' can never be annotated"]
    assert "entry 'a2'" in hidden[0].message
