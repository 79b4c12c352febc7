"""The French rules behind inflection (glossator.french), apart from the matcher."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from glossator.text import french
from glossator.text.french import pluralize_term, pluralize_word
from glossator.text.words import plural_is_another_word


def test_the_examples_in_the_docstrings_hold() -> None:
    result = doctest.testmod(french)
    assert result.attempted >= 5 and result.failed == 0


@pytest.mark.parametrize(("word", "plural"), [
    ("coopérative", "coopératives"), ("territorial", "territoriaux"), ("lieu", "lieux"),
    ("bureau", "bureaux"), ("prix", None), ("travail", "travaux"), ("pneu", "pneus"),
    ("Économie", "Économies"), ("ESS", None), ("PTCE", None), ("a", None), ("et", None),
    ("jusqu'", None), ("qu’", None),  # elided words take no plural
])
def test_one_word_terms(word: str, plural: str | None) -> None:
    assert pluralize_term(word) == plural


LETTERS = "aeiouléèêàçœxszuAÉL"


@settings(max_examples=300, deadline=None)
@given(st.text(LETTERS, min_size=1, max_size=10))
def test_a_one_word_term_takes_the_plural_it_takes_as_the_head_of_a_longer_one(
    word: str,
) -> None:
    # one word goes through a shorter path than a term with a complement; both must agree,
    # except that a one-word plural that is another frequent word is left out (sou, foi),
    # and that a term starting with a preposition has no plural (au de vie)
    plural = pluralize_term(word)
    assert plural != word
    assume(not plural_is_another_word(word, pluralize_word(word)))
    assume(word.lower() not in french.PREPOSITIONS)
    assert pluralize_term(word + " de vie") == (
        None if plural is None else plural + " de vie")


@pytest.mark.parametrize(("term", "plural"), [
    ("de service", None), ("de facto", None), ("en ligne", None), ("d'office", None),
    ("sou", None), ("foi", None), ("cour", None), ("lien", "liens"), ("an", "ans"),
    # the list lacks soin, not soins: a plural all the same (as in soins palliatifs)
    ("soin", "soins"), ("Soin", "Soins"), ("frai", None),
])
def test_no_plural_for_a_complement_or_another_word(term: str, plural: str | None) -> None:
    assert pluralize_term(term) == plural
