"""The senses step reads words only around the occurrences that need them: the same
choices as reading the whole text, at a cost that follows the occurrences, not the
length of the document (docs/senses.md, "What it costs")."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from glossator import Annotator, Glossary
from glossator.senses import BLOCK, SenseStream
from support.corpus import CORPUS, SIGLES, require

DATA = Path(__file__).resolve().parent / "data"
GOLD = DATA / "senses-gold.yaml"
CHOICES = DATA / "senses-gold-choices.tsv"

Row = tuple[int, int, str, str]


@pytest.fixture(scope="module")
def sigles() -> Glossary:
    """sigles.csv as benchmarks/senses.py reads it (term, definition, source)."""
    require(SIGLES)
    with SIGLES.open(encoding="utf-8", newline="") as f:
        rows = [{"term": r["term"], "definition": r["definition"], "source": r["source"]}
                for r in csv.DictReader(f) if r["term"].strip() and r["definition"].strip()]
    return Glossary.from_dicts(rows, name=SIGLES.name)


def choices(annotator: Annotator, text: str, block: int | None = BLOCK) -> list[Row]:
    """(start, end, sense id or "-", step or "-") of each occurrence with several senses."""
    annotator.chooser.block = block
    variants = annotator.matcher.variants
    found = annotator.chooser.choose(text, annotator.matcher.scan(text),
                                     lambda m: variants[m[2]].form.key)
    return [(m[0], m[1], c.entry.id if c.entry else "-", c.step or "-")
            for m, c in found.items()]


def gold_rows(annotator: Annotator) -> list[str]:
    items = yaml.safe_load(GOLD.read_text("utf-8"))["items"]
    return ["\t".join(map(str, (item["id"], *row)))
            for item in items for row in choices(annotator, item["text"])]


def test_the_gold_set_gets_the_senses_it_got_on_both_halves(sigles: Glossary) -> None:
    rows = gold_rows(Annotator(sigles, occurrences="all"))
    recorded = CHOICES.read_text("utf-8").splitlines()
    header = [line for line in recorded if line.startswith("#")]
    if os.environ.get("GLOSSATOR_REGEN_GOLDEN"):
        CHOICES.write_text("\n".join(header + rows) + "\n", "utf-8")
    expected = [line for line in recorded if not line.startswith("#")]
    assert len(rows) == len(expected)
    assert [r for r, e in zip(rows, expected, strict=True) if r != e] == []
    decided = {r.split("\t")[4] for r in rows}
    assert {"spelled-out", "spelled-out-other", "context"} <= decided  # it covers each step


def test_spacy_lemmas_give_the_gold_set_the_same_senses(sigles: Glossary) -> None:
    # spaCy reads the windows with margins; on a slice of the gold set (every 9th item,
    # both halves) its choices are the recorded ones, which are the rules' here
    items = yaml.safe_load(GOLD.read_text("utf-8"))["items"][::9]
    annotator = Annotator(sigles, occurrences="all", lemmas="spacy")
    rows = {"\t".join(map(str, (item["id"], *row)))
            for item in items for row in choices(annotator, item["text"])}
    ids = {str(item["id"]) for item in items}
    expected = {line for line in CHOICES.read_text("utf-8").splitlines()
                if line.split("\t")[0] in ids}
    assert rows == expected


def corpus_sample(name: str, size: int, step: int) -> list[str]:
    """Pieces of ``size`` characters of a corpus text, every ``step``, cut at a line."""
    path = CORPUS / "text" / name
    text = path.read_text("utf-8")
    pieces = []
    for at in range(0, len(text), step):
        start = text.find("\n", at) + 1
        end = text.find("\n", start + size)
        pieces.append(text[start:end if end > 0 else len(text)])
    return pieces


@pytest.mark.parametrize("name", ["legal/code-de-commerce.txt", "tech/debian-reference-fr.txt",
                                  "legal/code-de-l-action-sociale-et-des-familles.txt"])
def test_the_windows_choose_as_the_whole_text_on_real_text(sigles: Glossary,
                                                           name: str) -> None:
    annotator = Annotator(sigles, occurrences="all")
    total = 0
    for text in corpus_sample(name, 150_000, 600_000):
        windowed = choices(annotator, text)
        assert windowed == choices(annotator, text, block=None)
        total += len(windowed)
    assert total > 30  # the sample holds ambiguous acronyms, decided and not


def test_spacy_windows_choose_as_spacy_on_the_whole_text(sigles: Glossary) -> None:
    annotator = Annotator(sigles, occurrences="all", lemmas="spacy")
    text = corpus_sample("tech/debian-reference-fr.txt", 60_000, 10**9)[0]
    windowed = choices(annotator, text)
    assert len(windowed) > 10
    assert windowed == choices(annotator, text, block=None)


# --------------------------------------------------------------------------- the cost

SENSES = [
    {"term": "CSE", "definition": "Comité social et économique",
     "source": "Ministère du travail"},
    {"term": "CSE", "definition": "Cadre socio-éducatif", "source": "Santé"},
]
FILLER = ("Les salariés de l'entreprise sont informés des décisions prises par "
          "l'employeur au cours de l'année, dans les conditions fixées par un accord. ")


def stream_of(text: str, lemmas: str = "rules",
              block: int | None = BLOCK) -> tuple[SenseStream, Callable[[], list[str]]]:
    """A stream over ``text`` and a function that runs it on every match."""
    annotator = Annotator(Glossary.from_dicts(SENSES), occurrences="all", lemmas=lemmas)
    variants = annotator.matcher.variants
    annotator.chooser.block = block
    stream = annotator.chooser.stream(text, lambda m: variants[m[2]].form.key)

    def run() -> list[str]:
        found = stream.choose(annotator.matcher.scan(text))
        return [c.step for c in found.values()]

    return stream, run


def long_document(fillers: int) -> str:
    """``fillers`` sentences, one ambiguous acronym in the middle, spelled out there."""
    half = FILLER * (fillers // 2)
    return f"{half}Le comité social et économique (CSE) est consulté. {half}"


@pytest.mark.parametrize("fillers", [2_000, 8_000])
def test_a_long_documents_cost_is_that_of_its_windows(fillers: int) -> None:
    text = long_document(fillers)
    stream, run = stream_of(text)
    assert run() == ["spelled-out"]
    words = len(text.split())
    # the blocks around the one occurrence: a few hundred words, whatever the length
    assert stream.cost["words"] <= 600 < words // 10
    assert stream.cost["lemmas"] <= 60  # each distinct word once
    assert stream.cost["spacy_chars"] == 0
    whole, run_whole = stream_of(text, block=None)
    assert run_whole() == ["spelled-out"]
    assert whole.cost["words"] >= words  # what the step read before


def test_spacy_reads_only_the_windows_the_context_step_reads() -> None:
    half = FILLER * 2_000
    text = f"{half}Les élus du CSE sont consultés sur la marche de l'entreprise. {half}"
    stream, run = stream_of(text, lemmas="spacy")
    assert run() == [""]  # the context step read the words, and could not decide
    assert 0 < stream.cost["spacy_chars"] <= 1_500 < len(text) // 100
    spelled, run_spelled = stream_of(long_document(4_000), lemmas="spacy")
    assert run_spelled() == ["spelled-out"]
    assert spelled.cost["spacy_chars"] == 0  # decided before the context step: no spaCy


def test_each_block_is_read_once_however_many_occurrences() -> None:
    text = " ".join(f"Le CSE {FILLER}" for _ in range(400))
    stream, run = stream_of(text)
    assert len(run()) == 400
    whole, run_whole = stream_of(text, block=None)
    assert run_whole() == run()
    assert stream.cost["words"] == whole.cost["words"]  # every word once, as the whole
    assert stream.cost["lemmas"] == whole.cost["lemmas"] < 40  # text: no more
