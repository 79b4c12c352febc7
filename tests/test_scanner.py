"""The C scanner (glossator._scan) against the pure-Python one: same matches, always.

The C scanner walks a trie from every space of the folded text; the Python one runs an
Aho–Corasick automaton and searches again after a failed candidate. Both must give the
same matches on every case table of the test suite and on generated French-like texts.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import Glossary, compile_glossary
from glossator._native import load_native
from glossator.documents.html import PAGESCAN_ABI
from glossator.matching import native
from glossator.matching import scan as matcher
from glossator.matching.fold import _APOSTROPHE_LAST
from glossator.matching.scan import Matcher, MatchOptions
from glossator.render.splice import SPLICE_ABI
from glossator.store.matchers import cached_matcher
from glossator.text.chars import ELIDING_WORDS, INVISIBLE, SPACES
from support.scanners import fast_and_pure

DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.skipif(
    matcher.ACCELERATOR is None and bool(os.environ.get("GLOSSATOR_PURE_PYTHON")),
    reason="GLOSSATOR_PURE_PYTHON is set: the C scanner is off on purpose",
)


def test_the_c_scanner_is_built_and_used() -> None:
    # an install without a C compiler falls back to Python (with a warning); the project's
    # own install must have compiled it
    assert matcher.ACCELERATOR is not None, "glossator._scan was not compiled by the install"
    m = compile_glossary(Glossary.from_dicts([{"term": "ESS", "definition": "x"}]))
    assert m._trie is not None and m._ac is None
    assert matcher.ACCELERATOR.ABI == native.SCAN_ABI


@pytest.mark.parametrize("name, abi", [
    ("glossator.matching._scan", native.SCAN_ABI),
    ("glossator.render._splice", SPLICE_ABI),
    ("glossator.documents._pagescan", PAGESCAN_ABI),
])
def test_a_module_built_from_other_sources_is_not_used(
    monkeypatch: Any, name: str, abi: int
) -> None:
    """Each C module is loaded by one function: a stale build (another interface version)
    is refused with a warning, and GLOSSATOR_PURE_PYTHON=1 turns it off."""
    import types

    stale = types.ModuleType(name)
    stale.ABI = abi - 1  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, name, stale)
    monkeypatch.delenv("GLOSSATOR_PURE_PYTHON", raising=False)
    with pytest.warns(RuntimeWarning, match="reinstall glossator"):
        assert load_native(name, abi, "C module") is None
    monkeypatch.setenv("GLOSSATOR_PURE_PYTHON", "1")
    stale.ABI = abi  # type: ignore[attr-defined]
    assert load_native(name, abi, "C module") is None
    monkeypatch.delenv("GLOSSATOR_PURE_PYTHON")
    assert load_native(name, abi, "C module") is stale


def _pure(glossary: Glossary, options: MatchOptions | None, monkeypatch: Any) -> Matcher:
    with monkeypatch.context() as patch:
        patch.setattr(matcher, "ACCELERATOR", None)
        m = Matcher(glossary, options)
    assert m._trie is None
    return m


def _cases() -> list[tuple[str, list[dict[str, Any]], str, dict[str, Any] | None]]:
    out = []
    for name in ("french_cases.yaml", "matching.yaml"):
        data = yaml.safe_load((DATA / name).read_text("utf-8"))
        for i, case in enumerate(data["cases"]):
            entries = case.get("glossary", data["glossary"])
            out.append((f"{name}:{i}", entries, case["text"], case.get("options")))
    return out


@pytest.mark.parametrize(("entries", "text", "options"),
                         [c[1:] for c in _cases()], ids=[c[0] for c in _cases()])
def test_same_matches_on_every_case_table(
    entries: list[dict[str, Any]], text: str, options: dict[str, Any] | None, monkeypatch: Any,
) -> None:
    glossary = Glossary.from_dicts(entries)
    opts = MatchOptions(**options) if options else None
    fast = Matcher(glossary, opts)
    assert fast._trie is not None
    pure = _pure(glossary, opts, monkeypatch)
    assert fast.scan(text) == pure.scan(text)


WORDS = [
    "ESS", "ess", "Ess", "PTCE", "DES", "des", "l'", "d’", "qu'", "aujourd'hui", "économie",
    "Économie", "ECONOMIE", "Etat", "État", "état", "sociale", "solidaire", "solidaires",
    "pôle", "pôles", "territorial", "territoriaux", "coopération", "tiers-lieu", "tiers",
    "lieu", "lieux", "non-lieu", "dit-il", "là", "voilà", "œuvre", "oeuvre", "R&D", "etc.",
    "déjà", "à", "café", "caféier", "«", "»", "\u00a0", "\u202f", "\u00ad", "\u200b", "\n",
    "\n\n", "  ", ",", ";", "?", "(", ")", "-", "’", "1901", "İ", "ß", "e\u0301conomie",
    "À", "à la", "À LA", "A", "a", "où", "Où", "OÙ", "ou", "\t", "aujourd’hui", "qu’", "Ù",
    "des", "DES", "Des", "jusqu'", "lorsqu’", "l\u02bc", "prud'", "×", "÷", "ÿ", "Ÿ", ".",
    "La", "LA", "la", "ETAT", "ETATS", "Etats", "DEJA", "Deja", "deja", "CAFE", "Cafe", "ELEVE",
    "Élève", "eleve", "—", "–", "•", "…", "”", "·", "§", "→", "―", "€", "\u2011", "non\u2011lieu",
    "REP", "REP+", "C++", "etc", "!", "\u00a0!",
]
TERMS = [
    "ESS", "PTCE", "DES", "économie sociale", "économie sociale et solidaire", "État",
    "pôle territorial de coopération économique", "tiers-lieu", "lieu", "œuvre", "R&D",
    "etc.", "café", "déjà", "voilà", "aujourd'hui", "coopération", "sociale", "à la",
    "où", "a", "à", "ÿ", "×", "homme", "A.", "S.A.", "ou", "là", "élève", "États",
    "REP", "REP+", "C", "C++", "etc", "à rejouer\u00a0!", "non-lieu",
]


@settings(max_examples=300, deadline=None)
@given(
    terms=st.lists(st.sampled_from(TERMS), min_size=1, max_size=8, unique=True),
    words=st.lists(st.sampled_from(WORDS), max_size=40),
    seps=st.lists(st.sampled_from([" ", "", " ", "\u00a0", "—", "•"]), min_size=40,
                  max_size=40),
    accents=st.sampled_from(["strict", "fold"]),
)
def test_same_matches_on_generated_texts(
    terms: list[str], words: list[str], seps: list[str], accents: str,
) -> None:
    text = "".join(w + s for w, s in zip(words, seps, strict=False))
    glossary = Glossary.from_dicts([{"term": t, "definition": "d"} for t in terms])
    fast, pure = fast_and_pure(glossary, MatchOptions(accents=accents))
    assert fast.scan(text) == pure.scan(text), text
    assert [s for batch in fast.iter_spans(text) for s in batch] == pure.spans(text)


@settings(max_examples=200, deadline=None)
@given(
    terms=st.lists(st.sampled_from(TERMS), min_size=1, max_size=8, unique=True),
    words=st.lists(st.sampled_from(WORDS), max_size=60),
    batch=st.integers(min_value=1, max_value=6),
    segment=st.sampled_from([60, 8 << 20]),
)
def test_batches_of_any_size_give_the_spans_of_the_whole(
    terms: list[str], words: list[str], batch: int, segment: int,
) -> None:
    # The C scanner's matches become tuples at most _BATCH at a time: the cut tables'
    # cursor (invisible characters, runs of white space), the continuation bytes counted
    # so far and the NFC offsets (e + U+0301 in WORDS) must carry from one piece to the
    # next, and no match may be lost or given twice at a piece's edge.
    text = " ".join(words)
    glossary = Glossary.from_dicts([{"term": t, "definition": "d"} for t in terms])
    fast, pure = fast_and_pure(glossary)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matcher, "_BATCH", batch)
        patch.setattr(matcher, "_SEGMENT", segment)
        spans = list(fast.iter_spans(text))
        scanned = list(fast.iter_scan(text))
    assert all(len(b) <= batch for b in spans + scanned)
    assert [s for b in spans for s in b] == pure.spans(text), text
    assert [m for b in scanned for m in b] == pure.scan(text), text


def test_a_dense_text_comes_in_batches_of_at_most_1024_matches() -> None:
    glossary = Glossary.from_dicts([{"term": t, "definition": "d"} for t in TERMS])
    m = Matcher(glossary)
    # 9 000 matches in one chunk of the walk, with cuts (a soft hyphen, runs of spaces)
    # and accented letters before them, in one segment and in many
    text = "l’ESS  et la coopé\u00adration de l'économie sociale, déjà. " * 2_250
    whole = m.spans(text)
    assert len(whole) == 9_000
    for segment in (8 << 20, 5_000):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(matcher, "_SEGMENT", segment)
            batches = list(m.iter_spans(text))
        if segment > len(text):  # one segment: full batches
            assert max(map(len, batches)) == matcher._BATCH == 1024
        else:  # many: each segment's own, fewer
            assert len(batches) > 9 and max(map(len, batches)) <= 1024
        assert [s for b in batches for s in b] == whole


@settings(max_examples=300, deadline=None)
@given(
    terms=st.lists(st.text("abé -'", min_size=1, max_size=14), min_size=1, max_size=12,
                   unique=True),
    text=st.text("abé -'\u00a0.", max_size=80),
)
def test_same_matches_with_terms_that_share_prefixes(terms: list[str], text: str) -> None:
    # few letters, so that the terms share prefixes, end inside one another's runs and
    # branch at every depth: the path-compressed trie against the Aho–Corasick scanner
    entries = [{"term": t, "definition": "d"} for t in terms if t.strip(" -'")]
    if not entries:
        return
    glossary = Glossary.from_dicts(entries)
    fast, pure = fast_and_pure(glossary)
    assert fast.scan(text) == pure.scan(text), (terms, text)


@pytest.mark.parametrize("fan_out", [1, 2, 7, 8, 9, 26, 40])
def test_same_matches_below_a_node_of_many_children(fan_out: int, monkeypatch: Any) -> None:
    # a step finds a child of up to eight by the labels in its parent's record, of more
    # by the parent's slots: both against the Aho–Corasick scanner, with the children's
    # labels in the text, between them, above and below them, and after a last one
    letters = "abcdefghijklmnopqrstuvwxyzàâçéèêëîïôùûü"[:fan_out]
    terms = [f"pr{c}" for c in letters] + [f"pr{c}x" for c in letters[::3]]
    fast, pure = _c_and_pure(tuple(terms), monkeypatch)
    probes = [f"pr{c}" for c in "0AZ_abcdhijyzàçéüÿ~"] + [f"pr{c}x" for c in letters]
    text = " ".join(probes + terms + ["pr", "p", "prx"]) + " \x00 pr\x00 pr"
    assert fast.scan(text) == pure.scan(text) != []


def test_the_trie_round_trips_through_bytes_and_refuses_garbage() -> None:
    glossary = Glossary.from_dicts(
        [{"term": t, "definition": "d"} for t in ("ESS", "économie sociale", "lieu")]
    )
    m = compile_glossary(glossary)
    state = m._trie.to_bytes()
    from array import array

    fast = array("i", m._fast).tobytes()
    at = array("q", [0] * (len(m._fast) + 1)).tobytes()
    checks = (fast, bytes(len(m._fast)), b"", at, matcher._inside_word)
    again = matcher.ACCELERATOR.Trie.from_bytes(state, *checks)
    assert again.to_bytes() == state and again.nodes == m._trie.nodes
    for bad in (b"", b"GTR1", state[:-1], state[:20] + b"\xff" * (len(state) - 20)):
        with pytest.raises(ValueError):
            matcher.ACCELERATOR.Trie.from_bytes(bad, *checks)


def _tampered(state: bytes, node: int, field: str, value: int) -> bytes:
    """``state`` with one field of one node record changed (see _scan.c: a 16-byte
    header, then records of first (4 bytes), kids (2: the count, and 0x8000 when a pattern
    ends there), label, tlen (1 each) and the tail (8: inline bytes, or an offset), then
    an int32 pattern id per node, then the tails)."""
    import struct

    offset, fmt = {"first": (0, "=I"), "kids": (4, "=H"), "label": (6, "=B"),
                   "tlen": (7, "=B"), "tail": (8, "=Q")}[field]
    at = 16 + 16 * node + offset
    return state[:at] + struct.pack(fmt, value) + state[at + struct.calcsize(fmt):]


def _field(state: bytes, node: int, field: str) -> int:
    """One field of one node record of ``state`` (see :func:`_tampered`)."""
    import struct

    offset, fmt = {"first": (0, "=I"), "kids": (4, "=H"), "label": (6, "=B"),
                   "tlen": (7, "=B"), "tail": (8, "=Q")}[field]
    at = 16 + 16 * node + offset
    return int(struct.unpack(fmt, state[at:at + struct.calcsize(fmt)])[0])


def test_a_tampered_trie_is_refused_before_anything_walks_it() -> None:
    # tails longer than eight bytes live outside the records: "coopérative" and
    # "coopération" share "coopérati", then part; "économie sociale" is one long edge
    terms = ("coopérative", "coopération", "économie sociale", "ESS", "lieu", "lien")
    glossary = Glossary.from_dicts([{"term": t, "definition": "d"} for t in terms])
    m = compile_glossary(glossary)
    state = m._trie.to_bytes()
    from array import array

    fast = array("i", m._fast).tobytes()
    at = array("q", [0] * (len(m._fast) + 1)).tobytes()
    checks = (fast, bytes(len(m._fast)), b"", at, matcher._inside_word)
    Trie = matcher.ACCELERATOR.Trie
    assert Trie.from_bytes(state, *checks).to_bytes() == state
    n_nodes = int.from_bytes(state[4:8], sys.byteorder)
    n_tails = int.from_bytes(state[12:16], sys.byteorder)
    assert n_nodes == m._trie.nodes < sum(len(t) for t in terms)  # the runs are edges
    assert n_tails > 0
    long_edge = next(v for v in range(n_nodes) if _field(state, v, "tlen") > 8)
    ends = next(v for v in range(n_nodes) if _field(state, v, "kids") & 0x8000)
    pids_at = 16 + 16 * n_nodes
    twins = next(v for v in range(n_nodes) if (_field(state, v, "kids") & 0x1FF) >= 2)
    second = _field(state, twins, "first") + 1
    bad = {
        "a child before its parent": _tampered(state, 1, "first", 1),
        "a leaf pointing past the records": _tampered(state, n_nodes - 1, "first", 2**32 - 1),
        "children past the end": _tampered(state, 0, "kids", n_nodes),
        "more children than bytes": _tampered(state, 0, "kids", 257),
        "a stray bit in the child count": _tampered(state, 0, "kids", 0x2000),
        "a tail past the tails": _tampered(state, long_edge, "tail", n_tails),
        "a tail offset that wraps": _tampered(state, long_edge, "tail", 2**64 - 1),
        "a path longer than the longest pattern": _tampered(state, long_edge, "tlen", 255),
        "a tail on the root": _tampered(state, 0, "tlen", 1),
        "labels out of order": _tampered(state, second, "label", 0),
        "a pattern end without a pattern": _tampered(state, ends, "kids",
                                                     _field(state, ends, "kids") & 0x1FF),
        "a pattern without its end": state[:pids_at] + b"\0\0\0\0" + state[pids_at + 4:],
        "a shallower depth": state[:8] + (3).to_bytes(4, sys.byteorder) + state[12:],
        # the scan sizes its buffers by the depth: 2^32 - 1 would ask for 48 GiB each time
        "a deeper depth": state[:8] + (2**32 - 1).to_bytes(4, sys.byteorder) + state[12:],
    }
    for why, tampered in bad.items():
        with pytest.raises(ValueError, match="not a glossator trie"):
            Trie.from_bytes(tampered, *checks)
            pytest.fail(why)


def test_a_term_longer_than_one_edge_can_hold() -> None:
    # an edge holds at most 255 bytes after its label; a longer run is cut into several
    # edges
    long = "a" * 70_000
    glossary = Glossary.from_dicts([{"term": t, "definition": "d"}
                                    for t in (long, "aaaaab", long[:70])])
    text = f"x {long} y aaaaab {long[:70]} {long[:-1]}"
    found = [(s, e) for s, e, _ in compile_glossary(glossary).spans(text)]
    assert found == [(2, 70_002), (70_005, 70_011), (70_012, 70_082)]


def test_the_cache_keeps_the_trie_and_a_second_matcher_loads_it(tmp_path: Path) -> None:
    glossary = Glossary.from_dicts([{"term": "économie sociale", "definition": "d"},
                                    {"term": "ESS", "definition": "d"}])
    first = cached_matcher(glossary, MatchOptions(), tmp_path)
    (cached,) = tmp_path.iterdir()
    second = cached_matcher(glossary, MatchOptions(), tmp_path)
    assert second._trie.to_bytes() == first._trie.to_bytes()
    text = "L'ESS et l’économie sociale."
    assert second.scan(text) == first.scan(text) != []
    # a damaged trie in the cache is rebuilt, not trusted
    from glossator.store.columns import read_sections, write_sections

    sections: list[bytes] | list[memoryview]
    header, sections = read_sections(cached)
    sections = [bytes(s) for s in sections]
    write_sections(cached, header, [*sections[:-1], b"GTR1garbage"])
    third = cached_matcher(glossary, MatchOptions(), tmp_path)
    assert third.scan(text) == first.scan(text)
    assert read_sections(cached)[1][-1] == sections[-1]  # and the cache is mended


def test_a_matcher_with_the_c_scanner_pickles() -> None:
    m = compile_glossary(Glossary.from_dicts([{"term": "ESS", "definition": "d"}]))
    again = pickle.loads(pickle.dumps(m))
    assert again.scan("l'ESS") == m.scan("l'ESS") == [(2, 5, 0, True)]


def test_packed_matches_map_to_code_points_and_bad_ones_are_refused() -> None:
    # the scan hands its matches to mapped() packed as int64 triples (start, end,
    # variant * 2 + elided) in the coordinates of the padded text
    from array import array

    mapped = matcher.ACCELERATOR.mapped
    raw = "l'économie".encode()
    zero = array("q", [0]).tobytes()
    # "économie" is raw[2:11]: s = 2 (the padding space before it), e = 12
    found = array("q", [2, 12, 3 * 2 + 1]).tobytes()  # variant 3, elided
    assert mapped(raw, found, zero, zero, [0, 0, 0, 0], 10) == [(12, 20, 3, True)]
    assert mapped(raw, found, zero, zero, [0, 0, 0, 0], 0, ("a", "b", "c", "d")) == [
        (2, 10, "d")]
    with pytest.raises(ValueError, match="bad matches"):
        mapped(raw, found[:-1], zero, zero, [0, 0, 0, 0], 0)
    with pytest.raises(IndexError):
        mapped(raw, found, zero, zero, [0, 0, 0, 0], 0, ("a",))
    with pytest.raises(ValueError, match="inside raw"):
        mapped(raw, array("q", [1, 40, 0]).tobytes(), zero, zero, [0, 0, 0, 0], 0)


PIECES = ["a", "é", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u202f", "\u3000", "\u00ad",
          "\u200b", "\ufeff", "\u2060", ".", ",", "\r\n", "ESS", "x", "«", "’", "\u2009",
          "\x0b", "\x1c", "à", "\u205f", "\u2028"]
#: Bytes of the wide spaces and invisible characters, to make malformed UTF-8 from.
EDGE_BYTES = [0x20, 0x61, 0x0A, 0x2E, 0xC2, 0xA0, 0xAD, 0xE2, 0x80, 0x81, 0x8B, 0xAF, 0x9F,
              0xA0, 0xE3, 0xEF, 0xBB, 0xBF]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.booleans())
def test_c_edits_cut_what_the_python_edits_cut(pieces: list[str], runs: bool) -> None:
    _same_edits("".join(pieces).encode("utf-8"), runs)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(EDGE_BYTES), max_size=24), st.booleans())
def test_c_edits_agree_on_broken_utf8(raw: list[int], runs: bool) -> None:
    # the C pass stops only at some bytes and looks around them: lead bytes without
    # their continuation, or continuation bytes without a lead, must not fool it
    _same_edits(bytes(raw), runs)


def _same_edits(raw: bytes, runs: bool) -> None:
    cut, edits = matcher._edits(raw, raw.translate(None, bytes(range(128))), runs)
    got = matcher.ACCELERATOR.edits(raw, runs)
    if edits is None:
        assert got is None
        return
    from array import array

    assert got is not None
    assert got[0] == cut
    assert array("q", got[1]).tolist() == edits.news
    assert array("q", got[2]).tolist() == edits.olds


#: Pieces for prepare(): PIECES, separators the fold blanks whole (a dash, a bullet, an
#: ellipsis, a closing quote, an arrow, an emoji, §), what NFC may change (combining
#: marks, Å as U+212B, a Hangul jamo, a compatibility ligature; not ≤, though U+0338
#: after it is), and what fold's old lead-byte test missed: marks of other scripts,
#: singletons (U+2000, U+0387, क़ U+0958, a CJK compatibility ideograph) and an astral
#: mark (U+1D165), beside characters that share their first bytes and are not suspect
#: (’ and U+2002 after E2 80, क after E0 A4).
NFC_MISSED_BEFORE = ["\u2000", "\u0387", "\u0958", "\u05b0", "\u064e", "\u3099",
                     "\uf900", "\U0001d165", "\u20d8", "\u0483"]
PREPARE_PIECES = [*PIECES, "—", "•", "…", "”", "→", "\U0001F600", "§", "°", "×", "\u0301",
                  "e\u0301", "\u0327", "≤", "\u212b", "\u1100\u1161", "\ufb01", "Ä", "ÿ",
                  "\U000e0021", *NFC_MISSED_BEFORE, "’", "\u2002", "\u0915", "\uac00\u11a8"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PREPARE_PIECES), max_size=30), st.booleans())
def test_c_prepare_cuts_and_folds_as_python_does(pieces: list[str], runs: bool) -> None:
    # prepare() is edits(), the padding, fold_text() and the NFC suspects of
    # fold.maybe_not_nfc in one C call: byte for byte the same as the Python steps
    _same_prepare("".join(pieces).encode("utf-8"), runs)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*EDGE_BYTES, 0xCC, 0xCD, 0xE1, 0x84, 0x94, 0xF0, 0x9F,
                                 0x98, 0xC3]), max_size=24), st.booleans())
def test_c_prepare_cuts_broken_utf8_as_edits_does(raw: list[int], runs: bool) -> None:
    # broken UTF-8 must not fool it either (the fold is compared on valid text only)
    data = bytes(raw)
    got = matcher.ACCELERATOR.prepare(data, runs, 64)
    edited = matcher.ACCELERATOR.edits(data, runs)
    assert got[0] == b" " + (data if edited is None else edited[0]) + b" "
    assert len(got[1]) == len(got[0])
    assert (got[2], got[3]) == ((None, None) if edited is None else edited[1:])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "Bc", "  ", " ", "\n\n", *PREPARE_PIECES]),
                min_size=8, max_size=90), st.booleans())
def test_c_prepare_agrees_over_long_stretches_at_every_alignment(pieces: list[str],
                                                                 runs: bool) -> None:
    # prepare() looks sixteen bytes at a time (SSE2) for where to stop and what to fold
    # by compares: texts long enough for many blocks, their pieces at every offset
    _same_prepare("".join(pieces).encode("utf-8"), runs)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*EDGE_BYTES, 0xC2, 0xC3, 0xCB, 0xCC, 0xE2, 0xF0, 0xF3, 0x61,
                                 0x41, 0x20, 0x20, 0x0A]), min_size=17, max_size=80),
       st.booleans())
def test_c_prepare_stops_on_long_broken_utf8_as_edits_does(raw: list[int], runs: bool) -> None:
    data = bytes(raw)
    got = matcher.ACCELERATOR.prepare(data, runs, 64)
    edited = matcher.ACCELERATOR.edits(data, runs)
    assert got[0] == b" " + (data if edited is None else edited[0]) + b" "
    from glossator.matching.fold import fold_text

    # the fold of broken UTF-8 too: byte for byte the table's, separators blanked where
    # their bytes are whole
    assert got[1] == fold_text(got[0], got[0].translate(None, bytes(range(128))))


def test_the_vector_paths_of_prepare_are_on() -> None:
    # the C module checks at import that its SSE2 compares give the fold table and the
    # stop tables it was built with; a change of fold.py's tables that they no longer
    # give turns them off (right, but slower): this says so
    import platform

    if platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("SSE2 is x86-64's")
    assert matcher.ACCELERATOR.FOLD_VECTOR == 1
    assert matcher.ACCELERATOR.STOP_VECTOR == 1


def _same_prepare(raw: bytes, runs: bool) -> None:
    from array import array

    from glossator.matching.fold import fold_text, maybe_not_nfc

    cut, edits = matcher._edits(raw, raw.translate(None, bytes(range(128))), runs)
    raw2, hay, news, olds, suspects = matcher.ACCELERATOR.prepare(raw, runs, 64)
    assert raw2 == b" " + cut + b" "
    assert hay == fold_text(raw2, raw.translate(None, bytes(range(128))))
    if edits is None:
        assert news is None and olds is None
    else:
        assert array("q", news).tolist() == edits.news
        assert array("q", olds).tolist() == edits.olds
    assert suspects == [m.start() for m in maybe_not_nfc().finditer(raw)][:65]
    assert suspects == matcher._suspects(raw)[:65]


def test_c_prepare_keeps_one_suspect_more_than_asked() -> None:
    raw = "\u2126 a ".encode() * 10  # the ohm sign, which NFC makes an omega
    assert matcher.ACCELERATOR.prepare(raw, True, 3)[4] == [0, 6, 12, 18]
    assert matcher.ACCELERATOR.prepare(raw, True, 0)[4] == [0]
    with pytest.raises(ValueError, match="max_suspects"):
        matcher.ACCELERATOR.prepare(raw, True, -1)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "e", " ", "é", "≤", "\u0301", "\u0327", "\u0323",
                                 "\u212b", "\u1100", "\u1161", "\ufb01", "\u2126", "Å",
                                 "ç", "\u0300", "\uac00", "\u11a8", "\u0915", "\u093c",
                                 *NFC_MISSED_BEFORE]), max_size=20))
def test_nfc_is_checked_around_the_suspects_only(pieces: list[str]) -> None:
    # NFC never composes across an ASCII character: the pieces around the places
    # fold.maybe_not_nfc finds tell whether the whole text is in NFC
    import unicodedata

    text = "".join(pieces)
    raw = text.encode()
    suspects = matcher._suspects(raw)
    if len(suspects) <= matcher._SUSPECTS:
        assert matcher._composed(raw, suspects) == unicodedata.is_normalized("NFC", text)


def test_the_nfc_suspects_cover_what_unicodedata_says_nfc_may_change() -> None:
    # fold.NFC_SUSPECT_RANGES is written out (computing it takes a second); it must
    # still cover every character this Python's unicodedata says NFC may change
    from glossator.matching.fold import NFC_SUSPECT_RANGES, nfc_suspects

    covered = {c for first, last in NFC_SUSPECT_RANGES for c in range(first, last + 1)}
    missing = sorted(nfc_suspects() - covered)
    assert not missing, (
        f"{len(missing)} characters NFC may change are not in fold.NFC_SUSPECT_RANGES "
        f"(first U+{missing[0]:04X}): regenerate it from fold.nfc_suspects()")


def test_c_prepare_finds_each_suspect_and_no_other_character_of_the_bmp() -> None:
    # one character at a time, every character of the BMP and each astral suspect: C
    # and the Python pattern flag the same ones, every suspect among them, and no other
    # character of two or three bytes (four-byte ones are flagged by their first two)
    from glossator.matching.fold import NFC_SUSPECT_RANGES, maybe_not_nfc

    suspects = {c for first, last in NFC_SUSPECT_RANGES for c in range(first, last + 1)}
    pattern = maybe_not_nfc()
    chars = [c for c in range(0x80, 0x10000) if not 0xD800 <= c < 0xE000]
    chars += sorted(c for c in suspects if c >= 0x10000)
    for c in chars:
        raw = ("a" + chr(c) + " ").encode()
        flagged = matcher.ACCELERATOR.prepare(raw, True, 4)[4] == [1]
        assert flagged == (pattern.search(raw) is not None), hex(c)
        if c < 0x10000:
            assert flagged == (c in suspects), hex(c)
        else:
            assert flagged, hex(c)


def test_text_with_one_suspect_and_composed_elsewhere_matches(monkeypatch: Any) -> None:
    # an ohm sign (NFC: an omega) far from a decomposed é: the text is composed there,
    # and the match is found
    fast, pure = _c_and_pure(("économie sociale",), monkeypatch)
    for times in (10, 50):  # the pieces around 12 suspects, or the whole text
        text = "a \u2126 b " * times + "l’e\u0301conomie sociale \u2126"
        start = 6 * times + 2
        assert fast.scan(text) == pure.scan(text) == [(start, start + 17, 0, True)]


def test_the_c_tables_header_is_generated_from_the_python_tables() -> None:
    # _scan.c takes its byte classes, eliding words, apostrophes, wide spaces and
    # invisible characters from _scan_tables.h, generated from glossator/text/chars.py:
    # a change there without regenerating would leave the C scanner behind
    from glossator.matching import tables

    assert tables.header().encode("ascii") == tables.HEADER.read_bytes(), (
        f"{tables.HEADER.name} is out of date with glossator/text/chars.py: run "
        f"`{tables.COMMAND}`, commit the header and reinstall (pip install -e .)")
    assert tables.main(["--check"]) == 0


def _c_and_pure(terms: tuple[str, ...], monkeypatch: Any) -> tuple[Matcher, Matcher]:
    glossary = Glossary.from_dicts([{"term": t, "definition": "d"} for t in terms])
    fast = Matcher(glossary)
    assert fast._trie is not None
    return fast, _pure(glossary, None, monkeypatch)


@pytest.mark.parametrize("word", ELIDING_WORDS)
def test_every_eliding_word_reaches_the_c_scanner(word: str, monkeypatch: Any) -> None:
    fast, pure = _c_and_pure(("ESS", "association"), monkeypatch)
    for apostrophe in (seq.decode() for seq in _APOSTROPHE_LAST.values()):
        for term in ("ESS", "association"):
            text = f"voir {word}{apostrophe}{term} ici"
            start = len(f"voir {word}{apostrophe}")
            assert fast.scan(text) == pure.scan(text), text
            assert [(s, e, elided) for s, e, _, elided in fast.scan(text)] == [
                (start, start + len(term), True)], text
            # one more letter and it is not an eliding word: nothing starts there
            other = f"voir {word}x{apostrophe}{term} ici"
            assert fast.scan(other) == pure.scan(other) == [], other


@pytest.mark.parametrize("space", SPACES, ids=lambda c: f"U+{ord(c):04X}")
def test_every_wide_space_reaches_the_c_scanner(space: str, monkeypatch: Any) -> None:
    # a multiword term is found across any of chars.SPACES (edits() makes it one space)
    fast, pure = _c_and_pure(("économie sociale",), monkeypatch)
    for text in (f"l’économie{space}sociale", f"une économie{space} \n sociale."):
        found = fast.scan(text)
        assert found == pure.scan(text), text
        assert [text[s:e] for s, e, _, _ in found] == [text[text.index("é"):].rstrip(".")]
        _same_edits(text.encode(), True)


@pytest.mark.parametrize("invisible", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_every_invisible_character_reaches_the_c_scanner(
    invisible: str, monkeypatch: Any,
) -> None:
    # chars.INVISIBLE inside a word (a soft hyphen, a zero-width space…) is looked through
    fast, pure = _c_and_pure(("association", "économie sociale"), monkeypatch)
    for text in (f"une asso{invisible}ciation", f"l’éco{invisible}nomie sociale",
                 f"une association{invisible}"):
        found = fast.scan(text)
        assert found == pure.scan(text), text
        assert len(found) == 1, text
        _same_edits(text.encode(), True)


@pytest.mark.parametrize("text", ["a", "y a", "voir a", "voir ab", "ab", "b abc, abcdefghij",
                                  "x abcdefghij", "abcdefghij", " z", "é", "l’é", "un é."])
def test_the_walk_starts_wherever_a_pattern_may(text: str, monkeypatch: Any) -> None:
    # the C scan skips the spaces whose next two bytes begin no pattern: one-letter
    # patterns (any byte may follow), long edges (their first byte), the text's end
    fast, pure = _c_and_pure(("a", "y", "ab", "abcdefghij", "é", "z"), monkeypatch)
    assert fast.scan(text) == pure.scan(text), text
    assert fast.scan(text), text
