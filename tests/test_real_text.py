"""The public list of French acronyms (5 550 rows, ``sigles.csv``) on real text: what an
editor would see. It defines terms of one letter (*N*, zone naturelle; *X*, École
polytechnique; *r*, donnée révisée) that a novel or a code of law writes as elided words,
chapter numbers, initials and notations: those are not annotated (docs/matching.md)."""

from __future__ import annotations

import re
import warnings

import pytest

from glossator import Annotator, Glossary, load_glossary
from glossator.model import AnnotatedText
from support.corpus import CORPUS, SIGLES, require


@pytest.fixture(scope="module")
def sigles() -> Glossary:
    """sigles.csv as a user loads it (its warnings, about a few of its rows, left aside)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_glossary(require(SIGLES))


def _annotated(glossary: Glossary, *names: str, size: int = 4_000_000) -> AnnotatedText:
    text = "".join(require(CORPUS / "text" / name).read_text("utf-8")[:size] for name in names)
    return Annotator(glossary, occurrences="all").annotate(text)


def test_a_novel_s_elided_letters_and_chapter_numbers_are_not_acronyms(sigles: Glossary) -> None:
    doc = _annotated(sigles, "novels/FRA01302_Flaubert.txt", "novels/FRA00301_Aimard.txt",
                     "novels/FRA01101_Dombre.txt", size=3_000_000)
    text = doc.text
    letters = [a for a in doc if len(a.surface) == 1]
    # before: N'est-ce pas, N'eurent-ils, Charles X, a line "X -- Le camp retranché"…
    assert not [a for a in letters if re.match(r"['’]\w", text[a.end:a.end + 2])]
    assert not [a for a in letters if re.search(r"(?:Charles|[Cc]hapitre)\s$",
                                                text[max(0, a.start - 10):a.start])]
    assert not [a for a in letters if text[a.start - 1:a.start] in ("\n", "")
                and text[a.end:a.end + 1] in ("\n", " ")
                and text[a.end:].lstrip(" ")[:1] in ("\n", "-")]
    assert len(letters) <= 10, [text[a.start - 20:a.end + 20] for a in letters]


def test_a_code_of_law_s_n_avoir_and_annexe_x_are_not_acronyms(sigles: Glossary) -> None:
    doc = _annotated(sigles, "legal/code-de-commerce.txt", "legal/code-civil.txt",
                     size=3_000_000)
    text = doc.text
    assert not [a for a in doc if a.surface == "N" and text[a.end:a.end + 1] in ("'", "’", "°")]
    assert not [a for a in doc if a.surface == "X" and re.search(
        r"(?:[Aa]nnexe|[Tt]itres?|[Cc]hapitre|[Ll]ivre)\s$", text[max(0, a.start - 10):a.start])]
    # the long acronyms of the list are still found in the codes
    assert sum(1 for a in doc if len(a.surface) >= 3) >= 20
