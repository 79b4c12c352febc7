"""annotate's fast paths give what the plain ones give: the policies as a stream over
the scan's batches (with the scanner told which entries are done), the JSON written
without Python's indenting encoder, the scan run from several threads at once."""

from __future__ import annotations

import json
import threading
from array import array
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import AnnotatedText, Annotator, Glossary, compile_glossary, load_glossary
from glossator.matching import scan as scan_module
from glossator.matching.scan import Matcher
from glossator.policy import Match, PolicyStream, apply_policies
from glossator.render.json import render as render_json

ENTRIES: list[dict[str, Any]] = [
    {"term": "ESS", "definition": "Économie sociale et solidaire."},
    {"term": "économie sociale et solidaire", "definition": "Économie sociale et solidaire.",
     "aliases": ["économie sociale"]},
    {"term": "SCOP", "definition": "Société coopérative et participative.",
     "max_occurrences": 2},
    {"term": "coopérative", "definition": "Entreprise des associés.",
     "not_in": ["coopérative d'habitants"]},
    {"term": "CAE", "definition": "Coopérative d'activité et d'emploi.",
     "tags": ["ess"]},
    {"term": "CAE", "definition": "Contrat d'accompagnement dans l'emploi.", "id": "cae-2",
     "tags": ["emploi"]},
    {"term": "DES", "definition": "Diplôme d'études spécialisées."},
]
WORDS = ["ESS", "l’ESS", "d'ESS", "économie sociale", "économie sociale et solidaire",
         "SCOP", "Scop", "coopérative", "coopérative d'habitants", "CAE", "DES", "des",
         "Coopérative d'activité et d'emploi (CAE)", "emploi", "contrat", "le", "et",
         "\n\n", "\n", "## Titre\n", "DROIT DES", "COOPÉRATIVES", ",", "essai", "\u00a0"]

texts = st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join)


GLOSSARY = Glossary.from_dicts(ENTRIES)  # compiled once, for every example


def _glossary() -> Glossary:
    return GLOSSARY


@settings(max_examples=120, deadline=None)
@given(text=texts, occurrences=st.sampled_from(["first", "section", "all"]),
       cap=st.sampled_from([None, 1, 3]), senses=st.sampled_from(["all", "skip", "first"]))
def test_the_stream_keeps_what_the_whole_list_keeps(
        text: str, occurrences: str, cap: int | None, senses: str) -> None:
    annotator = Annotator(_glossary(), occurrences=occurrences, max_per_entry=cap,
                          senses=senses)
    # with `dropped`, select takes the path that holds every match at once
    assert annotator.select(text) == annotator.select(text, dropped={})
    chosen: dict[Match, Any] = {}
    whole: dict[Match, Any] = {}
    annotator.select(text, senses=chosen)
    annotator.select(text, senses=whole, dropped={})
    assert chosen == whole


@settings(max_examples=100, deadline=None)
@given(text=texts, occurrences=st.sampled_from(["first", "section", "all"]))
def test_the_stream_fed_match_by_match_keeps_the_same(text: str, occurrences: str) -> None:
    annotator = Annotator(_glossary(), occurrences=occurrences)
    matches = annotator.matcher.scan(text)
    variants = annotator.matcher.variants

    def entry_of(m: Match) -> Any:
        return variants[m[2]].form.entry

    stream = PolicyStream(entry_of, text, occurrences=occurrences)
    for m in matches:
        stream.feed([m])
    assert stream.result() == apply_policies(matches, entry_of, text,
                                             occurrences=occurrences, dropped={})


def test_a_registered_policy_still_sees_every_survivor() -> None:
    from glossator.policy import OCCURRENCE_POLICIES, register_policy

    seen: list[int] = []

    def last_only(matches: Any, entry_of: Any, text: str) -> list[Match]:
        seen.append(len(matches))
        return list(matches[-1:])

    register_policy("test-last", last_only)
    try:
        text = "l’ESS, la SCOP et l’ESS. " * 3
        kept = Annotator(_glossary(), occurrences="test-last").select(text)
        assert seen == [9] and kept == Annotator(_glossary(), occurrences="all").select(text)[-1:]
    finally:
        del OCCURRENCE_POLICIES["test-last"]


def test_the_scanner_leaves_out_the_entries_it_is_told_are_done() -> None:
    matcher = compile_glossary(_glossary())
    if matcher._trie is None:
        pytest.skip("the C scanner is not built")
    text = "l’ESS et la SCOP. " * 70_000  # many batches (1 024 matches each)
    every = [m for batch in matcher.iter_scan(text) for m in batch]
    skip = bytearray(len(matcher.variants))
    got: list[Match] = []
    ess = {matcher._ids()[m[2]] for m in every if text[m[0]:m[1]] == "ESS"}
    for batch in matcher.iter_scan(text, skip=skip):
        got.extend(batch)
        for key in ess:
            matcher.skip_entry(skip, key)
    # the first batch has every match; after it, only the SCOP ones
    kept = set(got)
    missing = [m for m in every if m not in kept]
    assert missing and all(text[m[0]:m[1]] == "ESS" for m in missing)
    assert kept <= set(every)
    with pytest.raises(ValueError, match="one byte per variant"):
        list(matcher.iter_scan(text, skip=bytearray(1)))


def test_mapped_with_skip_leaves_the_offsets_right() -> None:
    native = scan_module.ACCELERATOR
    if native is None:
        pytest.skip("the C scanner is not built")
    raw = "é ab é cd".encode()
    # (start, end, variant * 2 + elided) in hay coordinates: hay = " " + raw + " "
    found = array("q", [3, 6, 0, 9, 12, 2]).tobytes()  # "ab", "cd"
    zero = array("q", [0]).tobytes()
    assert native.mapped(raw, found, zero, zero, [0, 0, 0, 0], 0) == [
        (2, 4, 0, False), (7, 9, 1, False)]
    assert native.mapped(raw, found, zero, zero, [0, 0, 0, 0], 0, None,
                         bytes([1, 0])) == [(7, 9, 1, False)]
    assert native.mapped(raw, found, zero, zero, [0, 0, 0, 0], 0, None,
                         bytes([1, 1])) == []
    with pytest.raises(TypeError):
        native.mapped(raw, found, zero, zero, [0, 0, 0, 0], 0, ["not", "a tuple"])


@pytest.mark.parametrize("state", [[0, 0, -1, 0], [0, 0, 99, 0], [1, 0, 0, 0], [-1, 0, 0, 0]])
def test_mapped_and_packed_spans_refuse_a_state_that_does_not_fit(state: list[int]) -> None:
    """Both walk the matches with one cursor: a byte count before the text or past its end
    (it would count continuation bytes outside ``raw``) or a cut that is not there is an
    error, never a read out of bounds."""
    native = scan_module.ACCELERATOR
    if native is None or getattr(native, "packed_spans", None) is None:
        pytest.skip("the C scanner is not built")
    raw = "é ab é cd".encode()
    found = array("q", [3, 6, 0, 9, 12, 2]).tobytes()
    zero = array("q", [0]).tobytes()
    with pytest.raises(ValueError, match="bad state"):
        native.mapped(raw, found, zero, zero, list(state), 0)
    with pytest.raises(ValueError, match="bad state"):
        native.packed_spans(raw, found, zero, zero, list(state), 0, None, bytearray())
    out = bytearray()
    native.packed_spans(raw, found, zero, zero, [0, 0, 0, 0], 0, None, out)
    assert list(array("q", bytes(out))) == [2, 4, 0, 7, 9, 2]


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=80) | texts, indent=st.sampled_from([2, 0, 4, None]),
       source=st.none() | st.text(max_size=10), occurrences=st.sampled_from(["first", "all"]))
def test_the_json_is_the_same_bytes_as_json_dumps(
        text: str, indent: int | None, source: str | None, occurrences: str) -> None:
    doc = Annotator(_glossary(), occurrences=occurrences).annotate(text)
    data = doc.to_dict()
    if source is not None:
        data = {"version": data.pop("version"), "source": source, **data}
    assert render_json(doc, indent=indent, source=source) == json.dumps(
        data, ensure_ascii=False, indent=indent)


def test_the_json_of_an_empty_text() -> None:
    doc = AnnotatedText("", ())
    assert render_json(doc) == json.dumps(doc.to_dict(), ensure_ascii=False, indent=2)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    "aé E-—–•…»«›’'§→×·\u00a0\u2009\u2011\u2012\u2015\u2022\u2026\u00b6\u00a7"
    "\u2190\u21d2\u00bb\u00ab"), max_size=40))
def test_the_separators_are_blanked_as_one_regex_pass_did(text: str) -> None:
    import re

    from glossator.matching import fold

    raw = text.encode("utf-8")
    rare = raw.translate(None, fold._ASCII)
    present = [lead + t for lead, width, tails in fold._SEPARATOR_TAILS if lead in rare
               for t in tails if lead + t in rare]
    expected = raw
    if present:
        expected = re.sub(b"|".join(map(re.escape, sorted(present))),
                          lambda m: b" " * (m.end() - m.start()), raw)
    assert fold.fold_text(raw, rare) == expected.translate(fold._TABLE)


def test_the_separators_checked_when_met_are_the_ones_listed_at_once() -> None:
    # fold_text checks each sequence it meets (_is_separator_tail) instead of listing
    # every separator at import (_separator_tails): the same sequences, every code point
    from glossator.matching import fold

    listed = {lead + t for lead, _, tails in fold._SEPARATOR_TAILS for t in tails}
    leads = dict(fold._TAIL_LEADS)
    met = set()
    for code in range(0x80, 0x110000):
        if not 0xD800 <= code < 0xE000:
            seq = chr(code).encode("utf-8")
            if seq[:1] in leads and fold._is_separator_tail(seq):
                assert len(seq) == 1 + leads[seq[:1]]
                met.add(seq)
    assert met == listed
    # the lead bytes looked for are exactly those of the listed separators: no other
    # (C3, the lead of é, would cost every French text a split)
    assert [(lead, width) for lead, width, _ in fold._SEPARATOR_TAILS] == list(fold._TAIL_LEADS)
    assert not fold._is_separator_tail(b"\xe2\x80")  # cut short at the end of the text


def test_scans_in_several_threads_find_what_one_finds() -> None:
    glossary = load_glossary()
    matcher: Matcher = compile_glossary(glossary)
    text = ("Le Labo de l’ESS étudie les PTCE et les SCIC\u00a0; aujourd’hui l’économie "
            "sociale et solidaire emploie. " * 8000)  # long enough to scan without the GIL
    expected = matcher.scan(text)
    results: list[list[Any]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for _ in range(3):
                results.append(matcher.scan(text))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 12 and all(r == expected for r in results)
