"""What the C scanner decides alone (compile._c_mode), against the pure-Python scanner.

Every candidate the C scanner keeps without asking Python must be the one that
``Matcher._verify`` would keep; what it cannot prove goes to Python. These tests pin the
two modes that spare most returns to Python at 100 000 entries: ``_LOOSE_ASK`` (a form
with an apostrophe and a letter folded to a space, or the first of several such
variants) and ``_PLAIN_UNLESS`` (an unaccented variant, then a plain one: *actes* for
*actés* and *acte*).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import Glossary
from glossator.matching import compile as compile_mod
from glossator.matching import scan as matcher
from glossator.matching.compile import MatchOptions
from glossator.matching.scan import Matcher
from support.scanners import fast_and_pure

pytestmark = pytest.mark.skipif(matcher.ACCELERATOR is None, reason="no C scanner built")


def _both(terms: tuple[str, ...], accents: str = "strict") -> tuple[Matcher, Matcher]:
    glossary = Glossary.from_dicts([{"term": t, "definition": "d"} for t in terms])
    fast, pure = fast_and_pure(glossary, MatchOptions(accents=accents))
    assert fast._trie is not None
    return fast, pure


def _mode(m: Matcher, pattern: bytes) -> int:
    return m.tables.modes[list(m.tables.patterns).index(pattern)]


class _Counting:
    """The trie, counting the scans that stop to ask Python."""

    def __init__(self, trie: Any) -> None:
        self.trie = trie
        self.asked = 0

    def scan(self, *args: Any) -> Any:
        found = self.trie.scan(*args)
        self.asked += found[2] is not None
        return found


def _asked(m: Matcher, text: str) -> int:
    counting = _Counting(m._trie)
    real = m._trie
    m._trie = counting
    try:
        m.scan(text)
    finally:
        m._trie = real
    return counting.asked


ALINEA = "mentionné à l'alinéa"


def test_a_form_with_an_apostrophe_and_an_a_grave_is_decided_in_c() -> None:
    fast, pure = _both((ALINEA,))
    # à folds to C3 and a space; the apostrophe to a space
    assert _mode(fast, b" mentionn\xc3\xa9 \xc3  l alin\xc3\xa9a") == compile_mod._LOOSE_ASK
    text = f"au {ALINEA} premier"
    assert fast.scan(text) == pure.scan(text) != []
    assert _asked(fast, text) == 0  # kept by the C scanner: no return to Python


@pytest.mark.parametrize("text", [
    f"le {ALINEA}.", "le MENTIONNÉ À L'ALINÉA.", "le Mentionné À l'Alinéa.",
    "le mentionné à l’alinéa.", "le mentionné à l\u02bcalinéa.", "le mentionné\nà l'alinéa.",
    "le mentionné\u00a0à l'alinéa.", "le mentionné à  l'alinéa.", "le mentionné à l'Alinéa",
    "le mentionne a l'alinea.", "le MENTIONNE A L'ALINEA.", "le mentionné a l'alinéa.",
    "d'un mentionné à l'alinéa", "aujourd'mentionné à l'alinéa", "le mentionnés à l'alinéa",
    "le mentionné à l'alinéas", "le mentionné à l`alinéa.", "le mentionné, à l'alinéa",
])
def test_the_apostrophe_forms_the_c_scanner_keeps_are_the_ones_python_keeps(text: str) -> None:
    # the plain, typographic (3 bytes) and modifier (2 bytes) apostrophes, capitals,
    # white space of every kind between the words, accents lost, elisions before
    fast, pure = _both((ALINEA, "alinéa"))
    assert fast.scan(text) == pure.scan(text), text
    assert [s for batch in fast.iter_spans(text) for s in batch] == pure.spans(text)


def test_the_first_of_two_loose_variants_is_kept_in_c_and_the_rest_asks_python() -> None:
    # attribués à chaque: the form itself, then the plural of attribué à chaque
    fast, pure = _both(("attribué à chaque", "attribués à chaque"))
    assert _mode(fast, b" attribu\xc3\xa9s \xc3  chaque") == compile_mod._LOOSE_ASK
    for text in ("les attribués à chaque fois", "les ATTRIBUÉS À CHAQUE fois",
                 "les attribués\u00a0à chaque", "les attribues à chaque", "les attribués a chaque"):
        assert fast.scan(text) == pure.scan(text), text
    assert _asked(fast, "les attribués à chaque fois") == 0


def test_an_unaccented_plural_then_a_plain_one_is_decided_in_c() -> None:
    # acté before acte: the pattern " actes" has the unaccented plural of acté first
    # (kept only where its letters that lost an accent are capitals), then acte's
    fast, pure = _both(("acté", "acte"))
    assert _mode(fast, b" actes") == compile_mod._PLAIN_UNLESS
    for text in ("des actes ici", "des Actes ici", "l'actes", "d’actes."):
        found = fast.scan(text)
        assert found == pure.scan(text), text
        assert [fast.variants[v].form.text for _, _, v, _ in found] == ["acte"], text
        assert _asked(fast, text) == 0, text
    for text in ("des ACTES ici", "des actEs ici", "des ACTEs", "des aCtes"):
        # a capital where the accent was lost: Python decides (the first may fit)
        assert fast.scan(text) == pure.scan(text), text
    assert [fast.variants[v].form.text for _, _, v, _ in fast.scan("des ACTES")] == ["acté"]


def test_a_mode_the_scanner_does_not_know_is_refused() -> None:
    fast, _ = _both(("acté", "acte"))
    t = fast.tables
    modes = bytes(t.modes)
    bad = bytes([8 if m == compile_mod._PLAIN_UNLESS else m for m in modes])
    Trie = matcher.ACCELERATOR.Trie
    with pytest.raises(ValueError, match="inconsistent pattern modes"):
        Trie(list(t.patterns), t.keep, bad, t.exact, t.exact_at, matcher._inside_word)
    # the new modes need their bytes, as the others do
    at = list(t.patterns).index(b" actes")
    keep = bytearray(t.keep)
    keep[4 * at: 4 * at + 4] = (-1).to_bytes(4, "little", signed=True)
    with pytest.raises(ValueError, match="inconsistent pattern modes"):
        Trie(list(t.patterns), bytes(keep), modes, t.exact, t.exact_at, matcher._inside_word)


WORDS = ["mentionné", "MENTIONNÉ", "mentionne", "à", "À", "a", "l'", "l’", "L'", "l",
         "alinéa", "ALINÉA", "alinea", "acte", "actes", "ACTES", "Actes", "actEs", "actés",
         "d'", "qu’", "la", "LA", "là", "coût", "COUT", "voilà", "\n", ",", ".",
         ALINEA, "mentionné à l’alinéa", "MENTIONNÉ À L'ALINÉA", "Mentionné à l\u02bcAlinéa",
         "attribués à chaque", "ATTRIBUÉS À CHAQUE", "attribues a chaque", "qu'à la"]
TERMS = [ALINEA, "alinéa", "acté", "acte", "à la", "À LA", "voilà", "coût", "l'acte",
         "qu'à la", "d'acte", "attribué à chaque", "attribués à chaque"]


@settings(max_examples=300, deadline=None)
@given(
    terms=st.lists(st.sampled_from(TERMS), min_size=1, max_size=6, unique=True),
    words=st.lists(st.sampled_from(WORDS), max_size=30),
    seps=st.lists(st.sampled_from([" ", "", " ", "\u00a0", "\n", "’"]), min_size=30,
                  max_size=30),
    accents=st.sampled_from(["strict", "fold"]),
)
def test_same_matches_as_python_around_the_decided_modes(
    terms: list[str], words: list[str], seps: list[str], accents: str,
) -> None:
    text = "".join(w + s for w, s in zip(words, seps, strict=False))
    fast, pure = _both(tuple(terms), accents)
    assert fast.scan(text) == pure.scan(text), (terms, text)


def test_one_letter_forms_are_decided_in_c() -> None:
    # a form of one ASCII letter is matched as written (glossary.Form.of), which the C
    # scanner compares itself; à stays a word in any case (À), decided in C as before.
    # Made case-sensitive, à went to Python at each of its 15 000 occurrences in 4 MB
    terms = ("l", "N", "à", "d", "X")
    fast, pure = _both(terms)
    text = "L'N à l'X, À d'N : N, l, D, x, à. " * 50
    assert _asked(fast, text) == 0
    assert fast.scan(text) == pure.scan(text)
    assert {text[m[0]:m[1]] for m in fast.scan(text)} == {"l", "N", "à", "À", "d", "X"}
