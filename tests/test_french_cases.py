"""French matching cases from real sentences: the table in tests/data/french_cases.yaml.

Each case names the rule it shows and explains it; the expected annotations are every
annotation of the text, in order. A case marked ``xfail`` is a strict expected failure: a
known matcher bug, or a glossary key the loader does not accept yet. It turns into a
failure as soon as it passes, so that the mark is removed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from glossator import Annotator, Glossary, compile_glossary
from glossator.matching.scan import MatchOptions

DATA_FILE = Path(__file__).parent / "data" / "french_cases.yaml"
DATA: dict[str, Any] = yaml.safe_load(DATA_FILE.read_text("utf-8"))
CASES: list[dict[str, Any]] = DATA["cases"]
SHARED = Glossary.from_dicts(DATA["glossary"])

RULES = (
    "inflection", "case", "accents", "typography", "elision", "boundaries", "longest",
    "aliases", "acronyms",
)
HOWS = (
    "exact", "case", "elision", "alias", "inflected", "hyphen-variant",
    "unaccented-capital", "accent-folded",
)
CASE_KEYS = {"rule", "explanation", "text", "expect", "glossary", "options", "xfail"}
EXPECT_KEYS = {"surface", "entry", "how"}
MIN_CASES = 120
MIN_PER_RULE = 8


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['rule']}: {case['explanation']}"


def _glossary(case: dict[str, Any]) -> Glossary:
    if "glossary" in case:
        return Glossary.from_dicts(case["glossary"])
    return SHARED


def _found(case: dict[str, Any]) -> list[dict[str, Any]]:
    """Every annotation of the case's text: ``start``, ``end``, ``surface``, ``entry``, ``how``."""
    glossary = _glossary(case)
    text = case["text"]
    options = case.get("options")
    if options:
        matches = compile_glossary(glossary, MatchOptions(**options)).find(text)
        return [
            {"start": m.start, "end": m.end, "surface": m.surface, "entry": m.entry.id,
             "how": m.how}
            for m in matches
        ]
    doc = Annotator(glossary, occurrences="all").annotate(text)
    return [
        {"start": a.start, "end": a.end, "surface": a.surface, "entry": a.entry.id, "how": a.how}
        for a in doc
    ]


def _params() -> list[object]:
    params: list[object] = []
    for case in CASES:
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(reason=str(case["xfail"]), strict=True))
        params.append(pytest.param(case, id=_case_id(case), marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_case(case: dict[str, Any]) -> None:
    text = case["text"]
    found = _found(case)
    for m in found:  # offsets always point into the caller's string
        assert text[m["start"] : m["end"]] == m["surface"], m
    want: list[dict[str, Any]] = case["expect"]
    # compare surfaces and entries always, `how` where the case says it
    got = [
        {k: m[k] for k in ("surface", "entry", "how")
         if k != "how" or (i < len(want) and "how" in want[i])}
        for i, m in enumerate(found)
    ]
    assert got == want, case["explanation"]


def test_table_size_and_rule_coverage() -> None:
    assert len(CASES) >= MIN_CASES
    counts = Counter(case["rule"] for case in CASES)
    thin = {rule: counts[rule] for rule in RULES if counts[rule] < MIN_PER_RULE}
    assert not thin, f"rules with fewer than {MIN_PER_RULE} cases: {thin}"


def test_table_is_well_formed() -> None:
    ids = [_case_id(case) for case in CASES]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for case in CASES:
        where = _case_id(case)
        assert set(case) <= CASE_KEYS, (where, set(case) - CASE_KEYS)
        assert case["rule"] in RULES, where
        assert isinstance(case["explanation"], str) and case["explanation"].strip(), where
        assert isinstance(case["text"], str) and case["text"], where
        assert isinstance(case["expect"], list), where
        if "options" in case:
            MatchOptions(**case["options"])  # valid fields and values
        if "xfail" in case:
            assert isinstance(case["xfail"], str) and case["xfail"].strip(), where
        glossary = _glossary(case)
        # a typo in the table (or a comma in a flow mapping) must not silently drop a key
        unknown = [str(d) for d in glossary.diagnostics if "unknown key" in d.message]
        assert not unknown, (where, unknown)
        for item in case["expect"]:
            assert set(item) <= EXPECT_KEYS and {"surface", "entry"} <= set(item), (where, item)
            assert item["entry"] in glossary, (where, item["entry"])
            assert item.get("how", "exact") in HOWS, (where, item)
            assert item["surface"] in case["text"], (where, item["surface"])


def test_negative_cases_are_about_a_third() -> None:
    negatives = sum(1 for case in CASES if not case["expect"])
    assert negatives * 10 >= len(CASES) * 3, f"{negatives} of {len(CASES)} cases expect nothing"
