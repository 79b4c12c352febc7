"""Matching rules, each in a named test, plus the data-driven table in tests/data/matching.yaml."""

from __future__ import annotations

import pickle
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import Annotator, Glossary, annotate, compile_glossary
from glossator.errors import GlossaryError

DATA = yaml.safe_load((Path(__file__).parent / "data" / "matching.yaml").read_text("utf-8"))
GLOSSARY = Glossary.from_dicts(DATA["glossary"])
ALL = Annotator(GLOSSARY, occurrences="all")


def surfaces(text: str, annotator: Annotator = ALL) -> list[str]:
    return [a.surface for a in annotator.annotate(text)]


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["explanation"] for c in DATA["cases"]])
def test_table(case: dict[str, Any]) -> None:
    doc = ALL.annotate(case["text"])
    assert [a.surface for a in doc] == case["expect"], case["explanation"]
    for a in doc:  # offsets always point into the caller's text
        assert case["text"][a.start : a.end] == a.surface


def test_word_boundaries_unicode() -> None:
    assert surfaces("essai ESSEC CRESS ESSé éESS") == []
    assert surfaces("ESS.") == ["ESS"]


def test_elision_is_not_part_of_the_match() -> None:
    doc = ALL.annotate("l’ESS")
    (a,) = doc.annotations
    assert (a.start, a.end, a.surface, a.how, a.elided) == (2, 5, "ESS", "elision", True)


@pytest.mark.parametrize("article", ["l'", "L'", "d’", "D’", "qu'", "jusqu’", "lorsqu'", "n’"])
def test_every_eliding_word(article: str) -> None:
    assert surfaces(f"voir {article}ESS") == ["ESS"]


def test_acronym_case_sensitive_by_default() -> None:
    assert surfaces("des DES Des") == ["DES"]


def test_case_sensitivity_override() -> None:
    g = Glossary.from_dicts(
        [
            {"term": "ESS", "definition": "x", "case_sensitive": False},
            {"term": "Labo", "definition": "y", "case_sensitive": True},
        ]
    )
    ann = Annotator(g, occurrences="all")
    assert surfaces("ess Ess ESS labo Labo", ann) == ["ess", "Ess", "ESS", "Labo"]


def test_how_reports_case_and_alias() -> None:
    doc = ALL.annotate("Coopérative, entreprise ESUS, coopérative")
    assert [a.how for a in doc] == ["case", "alias", "exact"]


def test_leftmost_longest_never_overlaps() -> None:
    doc = ALL.annotate("économie sociale et solidaire")
    assert [(a.start, a.end) for a in doc] == [(0, 29)]
    doc = ALL.annotate("économie sociale économie sociale et solidaire")
    spans = [(a.start, a.end) for a in doc]
    assert spans == [(0, 16), (17, 46)]


def test_no_break_spaces_count_as_spaces_offsets_point_into_original() -> None:
    for gaps in [("\u00a0", " ", " "), (" ", "\u00a0", " "), ("\u00a0",) * 3,
                 ("\u202f",) * 3, (" ", " \n", " "), (" ", " ", "\r\n"), ("  ", " ", " ")]:
        term = "économie{}sociale{}et{}solidaire".format(*gaps)
        text = f"Vive l’{term}\u00a0!"
        (a,) = ALL.annotate(text).annotations
        assert text[a.start : a.end] == term, gaps


def test_offsets_after_characters_whose_case_fold_differs() -> None:
    text = "İstanbul, Straße, ﬁn : l'ESS et la coopérative"
    doc = ALL.annotate(text)
    assert [text[a.start : a.end] for a in doc] == ["ESS", "coopérative"]


def test_soft_hyphen_and_zero_width_inside_a_word() -> None:
    text = "une coopé\u00adrative et une coo\u200bpérative"
    assert surfaces(text) == ["coopé\u00adrative", "coo\u200bpérative"]


def test_first_occurrence_policy_is_the_default() -> None:
    doc = annotate("ESS, l'ESS et encore ESS. PTCE et PTCE.", GLOSSARY)
    assert [(a.surface, a.start) for a in doc] == [("ESS", 0), ("PTCE", 26)]


def test_first_occurrence_counts_entries_not_forms() -> None:
    doc = annotate("entreprise ESUS puis entreprise solidaire d'utilité sociale", GLOSSARY)
    assert [a.surface for a in doc] == ["entreprise ESUS"]


def test_annotator_is_picklable_and_thread_safe() -> None:
    clone = pickle.loads(pickle.dumps(ALL))
    text = "l'ESS et les PTCE, la coopérative " * 50
    expected = ALL.annotate(text)
    assert clone.annotate(text) == expected
    results: list[bool] = []

    def work() -> None:
        for _ in range(20):
            results.append(ALL.annotate(text) == expected)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results and all(results)


def test_empty_text_and_empty_glossary() -> None:
    assert surfaces("") == []
    assert list(Annotator(Glossary([])).annotate("ESS")) == []


def test_large_text_offsets_stay_exact() -> None:
    block = "Éléments : l’ESS, «\u00a0coopérative\u00a0», R&D.\n"
    text = block * 2000
    doc = ALL.annotate(text)
    assert len(doc) == 6000
    assert all(text[a.start : a.end] == a.surface for a in doc)


def test_a_paragraph_break_is_never_crossed() -> None:
    assert surfaces("l'économie sociale\n\net solidaire") == ["économie sociale"]
    assert surfaces("l'économie sociale \n \n et solidaire") == ["économie sociale"]
    assert surfaces("l'économie sociale\r\n\r\net solidaire") == ["économie sociale"]


@pytest.mark.parametrize(
    "text, term",
    [
        ("Aussi jugea-t-elle utile de partir.", "jugea"),
        ("« Pourquoi l'accompagnerait-elle ? »", "accompagnerait"),
        ("Ce bilan-là est clair.", "bilan"),
        ("Dit-il vrai ?", "dit"),
        ("Donne-moi le rapport.", "donne"),
    ],
)
def test_inversion_and_clitic_hyphens_are_boundaries(text: str, term: str) -> None:
    g = Glossary.from_dicts([{"term": term, "definition": "x"}])
    (a,) = Annotator(g).annotate(text).annotations
    assert a.surface.lower() == term


def test_hyphenated_compounds_still_hide_their_parts() -> None:
    g = Glossary.from_dicts([{"term": "lieu", "definition": "x"},
                             {"term": "avant", "definition": "y"}])
    assert list(Annotator(g).annotate("un non-lieu, l'avant-dernière, le lieu-dit")) == []


def test_a_prefix_term_keeps_its_edge_hyphen() -> None:
    # a hyphen between two letters may be a space (non-lucratif, non lucratif); one at
    # the edge of a term (the prefix anti-) may not: the variant "anti " ended in a space,
    # matched "anti " and, at the end of a text, ran past it
    g = Glossary.from_dicts([{"term": "anti-", "definition": "un préfixe"},
                             {"term": "non-lucratif", "definition": "x"}])
    spans = compile_glossary(g).spans
    assert spans("anti") == [] and spans("un anti puis") == []
    assert spans("le préfixe anti- est courant") == [(11, 16, "anti")]
    assert spans("but non lucratif") == [(4, 16, "non-lucratif")]
    assert [v.text for v in compile_glossary(g).variants if v.form.text == "anti-"] == ["anti-"]


def test_an_apostrophe_at_the_edge_of_a_form_is_any_apostrophe() -> None:
    # inside a form, ' ’ and ʼ are one letter; at its edge (an elided word as an entry)
    # they were compared byte for byte, and the form, written with ’, was never found
    g = Glossary.from_dicts([{"term": "jusqu’", "definition": "Préposition élidée."}])
    spans = compile_glossary(g).spans
    for text in ("jusqu’à demain", "jusqu'à demain"):
        assert [text[s:e] for s, e, _ in spans(text)] == [text[:-8]], text
    assert [v.text for v in compile_glossary(g).variants] == ["jusqu'"]  # not pluralized


@pytest.mark.parametrize(("term", "found_in", "not_in"), [
    ("@glossator", "Suivez @glossator pour les nouvelles.", "écrire à contact@glossator"),
    ("-ment", "Le suffixe -ment forme des adverbes.", "Il parle lentement."),
    ("&co", "Dupont &co, négociants.", "Dupont&co, négociants."),
])
def test_a_joiner_at_the_edge_of_a_form_is_part_of_it(term: str, found_in: str,
                                                      not_in: str) -> None:
    # the fold keeps - & @ _ (they join words), so a form that starts or ends with one
    # keeps it in its pattern: it was split off like a period, and the form was never found
    g = Glossary.from_dicts([{"term": term, "definition": "x"}])
    spans = compile_glossary(g).spans
    assert [found_in[s:e] for s, e, _ in spans(found_in)] == [term]
    assert spans(not_in) == []
    assert [v.text for v in compile_glossary(g).variants] == [term]  # an affix takes no plural


def test_punctuation_at_the_edge_of_a_form_may_touch_a_digit_or_be_kept_by_the_fold(
) -> None:
    # n° is followed by its number, often without a space; ° is not a space to the fold,
    # so °C keeps it in its pattern (it was split off, and °C was never found)
    g = Glossary.from_dicts([{"term": "n°", "definition": "Numéro."},
                             {"term": "°C", "definition": "Degré Celsius."}])
    spans = compile_glossary(g).spans
    text = "Le décret n°2014-856 fixe 20 °C, et le n° 12 aussi."
    assert [text[s:e] for s, e, _ in spans(text)] == ["n°", "°C", "n°"]


def test_colliding_derived_ids_are_renamed_without_warning() -> None:
    g = Glossary.from_dicts([{"term": "pêche", "definition": "x"},
                             {"term": "péché", "definition": "y"}])
    assert [e.id for e in g.entries] == ["peche", "peche-2"]
    assert g.diagnostics == ()


@settings(max_examples=300, deadline=None)
@given(
    terms=st.lists(st.text("abéÉAB -.&\u00a0", min_size=1, max_size=8), min_size=1,
                   max_size=8, unique=True),
    text=st.text("abéÉAB -'’.,;&\u00a0\u202f\u00ad\n«»lL", max_size=60),
)
def test_no_match_starts_or_ends_inside_a_word(terms: list[str], text: str) -> None:
    # whatever the terms' punctuation, hyphens and spaces: a match lies inside the text,
    # in order, trimmed, and never has a letter or digit glued to either side
    try:
        glossary = Glossary.from_dicts([{"term": t, "definition": "d"} for t in terms])
    except GlossaryError:
        return  # a term with no letter, or two terms that collide
    last = 0
    for s, e, _, _ in compile_glossary(glossary).scan(text):
        surface = text[s:e]
        assert 0 <= last <= s < e <= len(text), (s, e)
        assert surface == surface.strip() == surface.strip("\u00ad")
        assert s == 0 or not text[s - 1].isalnum(), (surface, text)
        assert e == len(text) or not text[e].isalnum(), (surface, text)
        last = e
