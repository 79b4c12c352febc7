"""Long texts scanned in segments, and texts read piece by piece (streaming): a match is
never lost, split or changed at a cut, whatever the cut falls on (issue 16)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import Glossary, compile_glossary
from glossator.matching import scan as scan_module
from glossator.matching.scan import Matcher

GLOSSARY = Glossary.from_dicts([
    {"term": "économie sociale et solidaire", "definition": "L'ESS."},
    {"term": "ESS", "definition": "Économie sociale et solidaire."},
    {"term": "sociale", "definition": "Du social."},
    {"term": "et solidaire", "definition": "Avec les autres."},
    {"term": "S.A.", "definition": "Société anonyme."},
    {"term": "tiers-lieu", "definition": "Un lieu."},
])
WORDS = ["économie", "sociale", "et", "solidaire", "ESS", "l'ESS", "l’économie", "le", " ",
         "\n", "\n\n", "\u00ad", "x" * 40, "S.A.", "S.A.R.L.", "tiers", "lieu", "tiers-lieu",
         "Économie\u0301", "aujourd'hui", "—", "\u00a0", "  \n  "]
TEXTS = st.lists(st.sampled_from(WORDS), max_size=300).map(" ".join)


def _matchers(monkeypatch: pytest.MonkeyPatch) -> list[Matcher]:
    """The C scanner's matcher and the pure-Python one (when the C one is built)."""
    found = [compile_glossary(GLOSSARY)]
    if scan_module.ACCELERATOR is not None:
        with monkeypatch.context() as patch:
            patch.setattr(scan_module, "ACCELERATOR", None)
            found.append(Matcher(GLOSSARY))
    return found


def streamed(matcher: Matcher, text: str, piece: int) -> list[tuple[int, int, int, bool]]:
    """The matches of ``text`` read ``piece`` characters at a time through
    :meth:`Matcher.scan_until`, as a streaming reader does."""
    found: list[tuple[int, int, int, bool]] = []
    start, end = 0, min(len(text), piece)
    while True:
        final = end >= len(text)
        matches, cut = matcher.scan_until(text[start:end], final)
        found.extend((s + start, e + start, v, el) for s, e, v, el in matches)
        if final:
            return found
        if cut == 0:  # too short to tell: read more
            end = min(len(text), end + piece)
            continue
        assert all(e <= cut for _, e, _, _ in matches)
        start += cut
        end = max(end, min(len(text), start + piece))


@settings(max_examples=150, deadline=None)
@given(TEXTS, st.sampled_from([1, 9, 60, 200, 700]))
def test_segments_of_any_size_give_the_matches_of_the_whole(text: str, size: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        for matcher in _matchers(patch):
            whole = matcher.scan(text)
            patch.setattr(scan_module, "_SEGMENT", size)
            assert matcher.scan(text) == whole
            assert [s for b in matcher.iter_scan(text) for s in b] == whole
            assert [s for b in matcher.iter_spans(text) for s in b] == [
                (s, e, matcher._ids()[v]) for s, e, v, _ in whole]
            assert b"".join(map(bytes, matcher.iter_packed(text))) == _packed(whole)
            patch.setattr(scan_module, "_SEGMENT", 8 << 20)


def _packed(matches: list[tuple[int, int, int, bool]]) -> bytes:
    """``matches`` as the int64 triples :meth:`Matcher.iter_packed` gives."""
    return scan_module._packed(matches).tobytes()


def streamed_packed(matcher: Matcher, text: str, piece: int) -> bytes:
    """:func:`streamed` through :meth:`Matcher.scan_until_packed` (the streaming path's
    when the policies run in C), its triples moved back to the text's offsets."""
    from array import array

    found = array("q")
    start, end = 0, min(len(text), piece)
    while True:
        final = end >= len(text)
        matches, cut = matcher.scan_until_packed(text[start:end], final)
        got = array("q", bytes(matches))
        for i in range(0, len(got), 3):
            got[i] += start
            got[i + 1] += start
        found.extend(got)
        if final:
            return found.tobytes()
        if cut == 0:
            assert matches == b""
            end = min(len(text), end + piece)
            continue
        assert all(got[i + 1] - start <= cut for i in range(0, len(got), 3))
        start += cut
        end = max(end, min(len(text), start + piece))


@settings(max_examples=150, deadline=None)
@given(TEXTS, st.sampled_from([1, 9, 60, 200, 700]))
def test_text_read_piece_by_piece_gives_the_matches_of_the_whole(text: str, piece: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        for matcher in _matchers(patch):
            whole = matcher.scan(text)
            assert streamed(matcher, text, piece) == whole
            assert streamed_packed(matcher, text, piece) == _packed(whole)


@pytest.mark.parametrize("joint", [" ", "\n", "  \n\t ", "\u00a0"])
def test_a_term_across_the_segment_cut_is_found(monkeypatch: pytest.MonkeyPatch,
                                                 joint: str) -> None:
    # the segment's end falls inside the term, at the white space (or line break) that
    # splits it: the old cut at a space or a line break lost it
    matcher = compile_glossary(GLOSSARY)
    term = f"économie{joint}sociale et solidaire"
    for filler in range(150, 260, 7):
        text = "mot " * filler + term + " fin"
        whole = matcher.scan(text)
        assert any(text[s:e] == term for s, e, _, _ in whole)
        monkeypatch.setattr(scan_module, "_SEGMENT", len(text) - len(term) // 2)
        assert matcher.scan(text) == whole
        monkeypatch.setattr(scan_module, "_SEGMENT", 8 << 20)


def test_the_reach_counts_the_folded_pattern_and_the_punctuation() -> None:
    matcher = compile_glossary(GLOSSARY)
    # " économie sociale et solidaire": 30 characters, 32 bytes folded (é is two)
    assert matcher.reach() >= len(" économie sociale et solidaire".encode())
    # white space and invisible characters do not count: a match may hold any number
    text = "économie" + "\u00ad" * 50 + " sociale"
    assert scan_module._heavy_back(text, len(text), 10, 0) == len("écono")


def test_a_text_with_no_place_to_stop_is_scanned_whole(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    matcher = compile_glossary(GLOSSARY)
    text = "x" * 5000 + " ESS " + "y" * 5000 + " ESS"
    whole = matcher.scan(text)
    monkeypatch.setattr(scan_module, "_SEGMENT", 300)
    assert matcher.scan(text) == whole and len(whole) == 2
    assert matcher.scan_until("x" * 1000 + " ESS " + "y" * 1000) == ([], 0)
    assert matcher.scan_until_packed("x" * 1000 + " ESS " + "y" * 1000) == (bytearray(), 0)


def test_a_long_text_is_cut_in_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    # the segments are really used (not one scan of the whole): count the scans
    matcher = compile_glossary(GLOSSARY)
    calls: list[int] = []
    real = Matcher._iter_segment

    def counted(self: Matcher, text: str, base: int, ids: Any = None,
                skip: Any = None, packed: bool = False, utf8: bytes | None = None) -> Any:
        calls.append(len(text))
        return real(self, text, base, ids, skip, packed, utf8)

    monkeypatch.setattr(Matcher, "_iter_segment", counted)
    monkeypatch.setattr(scan_module, "_SEGMENT", 1000)
    text = "L'économie sociale et solidaire, l'ESS.\n" * 500
    assert len(matcher.scan(text)) == 1000
    assert len(calls) > 15 and max(calls) <= 1000
    calls.clear()  # packed too (a text over a segment no longer goes through tuples)
    assert len(b"".join(map(bytes, matcher.iter_packed(text)))) == 1000 * 24
    assert len(calls) > 15 and max(calls) <= 1000
    assert os.environ.get("GLOSSATOR_PURE_PYTHON") or matcher._trie is not None
