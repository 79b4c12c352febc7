"""A text annotated piece by piece (bounded memory) gives the output of the whole text,
byte for byte: terms across pieces, first occurrences, sections, caps, exclusions and
senses spelled out earlier all hold across the cuts (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import Annotator, Glossary, streaming
from glossator.documents.read import decode_document
from glossator.errors import InputError
from glossator.render import render
from glossator.streaming import annotate_pieces, can_stream, read_pieces

ENTRIES: list[dict[str, Any]] = [
    {"term": "économie sociale et solidaire", "definition": "L'ESS, une économie."},
    {"term": "ESS", "definition": "Économie sociale et solidaire."},
    {"term": "coopérative", "definition": "Une société de personnes.",
     "not_in": ["coopérative scolaire"]},
    {"term": "tiers-lieu", "definition": "Un lieu partagé.", "max_occurrences": 2},
    {"term": "sociale", "definition": "Qui concerne la société."},
    {"term": "SA", "definition": "Société anonyme", "source": "Sénat"},
    {"term": "SA", "definition": "Syndrome d'Asperger", "source": "Social"},
    {"term": "CSE", "definition": "Comité social et économique", "source": "Travail"},
    {"term": "CSE", "definition": "Cadre socio-éducatif", "source": "Santé"},
]
GLOSSARY = Glossary.from_dicts(ENTRIES)
WORDS = ["économie", "sociale", "et", "solidaire", "ESS", "l'ESS", "coopérative",
         "scolaire", "tiers-lieu", "tiers", "lieu", "SA", "CSE", "société", "anonyme",
         "Comité", "social", "économique", "(CSE)", "syndrome", "Asperger", "entreprise",
         "le", "la", "de", "\n", "\n\n", "# Titre\n", "AU", "DES", "DROIT", "Une société de "
         "personnes.", "x" * 30, "\u00ad", "\u00a0", "—"]
TEXTS = st.lists(st.sampled_from(WORDS), max_size=500).map(" ".join)


Found = list[tuple[int, int, str, str, str]]


def streamed(annotator: Annotator, text: str, piece: int) -> tuple[str, Found]:
    """The text format's output and the annotations, from the text given in pieces."""
    out: list[str] = []
    found: Found = []
    at = 0
    pieces = (text[i:i + piece] for i in range(0, len(text), piece))
    for part in annotate_pieces(annotator, pieces, chunk=piece):
        out.append(render(part, "text"))
        found += [(a.start + at, a.end + at, a.entry.id, a.how, a.sense_step)
                  for a in part]
        at += len(part.text)
    assert at == len(text)
    return "".join(out), found


#: The same without the forms that have several senses: the policies then run in C
#: (``first`` and ``all``), the matches packed from the scan to them (``_in_c``).
ONE_SENSE = Glossary.from_dicts(ENTRIES[:5])


@settings(max_examples=120, deadline=None)
@given(TEXTS, st.sampled_from([7, 40, 150]), st.sampled_from(["first", "all"]),
       st.sampled_from([None, 1, 2]))
def test_pieces_kept_in_c_give_the_output_of_the_whole_text(
    text: str, piece: int, occurrences: str, cap: int | None
) -> None:
    annotator = Annotator(ONE_SENSE, occurrences=occurrences, max_per_entry=cap)
    assert streaming._in_c(annotator) == (annotator._kept_mode() >= 0)
    _same_as_whole(annotator, text, piece)


def _same_as_whole(annotator: Annotator, text: str, piece: int) -> None:
    """``text`` read ``piece`` characters at a time, with many cuts, gives the output and
    the annotations of the whole."""
    whole = annotator.annotate(text)
    expected = [(a.start, a.end, a.entry.id, a.how, a.sense_step) for a in whole]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(streaming, "MIN_CONTEXT", 60)  # many cuts in a short text
        patch.setattr(streaming, "MIN_WORDS", 50)
        assert streamed(annotator, text, piece) == (render(whole, "text"), expected)


@settings(max_examples=120, deadline=None)
@given(TEXTS, st.sampled_from([7, 40, 150]), st.sampled_from(["first", "section", "all"]),
       st.sampled_from([None, 1, 2]), st.sampled_from(["all", "first", "skip"]))
def test_pieces_give_the_output_of_the_whole_text(
    text: str, piece: int, occurrences: str, cap: int | None, senses: str
) -> None:
    annotator = Annotator(GLOSSARY, occurrences=occurrences, max_per_entry=cap, senses=senses)
    _same_as_whole(annotator, text, piece)


def test_a_long_form_spelled_out_before_a_cut_holds_after_it(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    annotator = Annotator(GLOSSARY, occurrences="all")
    text = ("Le Comité social et économique (CSE) se réunit. " + "Rien ici. " * 400
            + "Le CSE vote.")
    whole = [(a.start, a.entry.definition, a.sense_step) for a in annotator.annotate(text)]
    assert whole[-1] == (len(text) - 9, "Comité social et économique", "spelled-out")
    monkeypatch.setattr(streaming, "MIN_CONTEXT", 60)
    monkeypatch.setattr(streaming, "MIN_WORDS", 50)
    parts = list(annotate_pieces(annotator, [text[i:i + 100] for i in range(0, len(text), 100)],
                                 chunk=100))
    assert len(parts) > 10  # really cut
    last = [a for a in parts[-1]][-1]
    assert (last.entry.definition, last.sense_step) == whole[-1][1:]


def test_a_plugin_policy_is_not_streamed() -> None:
    from glossator.policy import register_policy

    register_policy("streaming-test-every-other",
                    lambda matches, entry_of, text: list(matches)[::2])
    assert can_stream(Annotator(GLOSSARY))
    assert not can_stream(Annotator(GLOSSARY, occurrences="streaming-test-every-other"))


def test_read_pieces_decodes_across_pieces_and_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    text = "é" * 50 + "\nl’ESS\n" * 30
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert "".join(read_pieces(str(path), size=3)) == text  # a character cut in two
    path.write_bytes(("ok\n" * 70_000).encode() + b"\xff\n")
    with pytest.raises(InputError, match=r"t.txt:70001: not valid UTF-8: byte 0xff at column "
                                         r"1 \(byte offset 210000\)"):
        list(read_pieces(str(path), size=1000))
    path.write_bytes(b"abc\x00def")
    with pytest.raises(InputError, match="binary"):
        list(read_pieces(str(path)))


@pytest.mark.parametrize("data", [
    "Le labo de l’ESS.\n".encode("utf-16"), "Le labo de l’ESS.\n".encode("utf-16-le"),
    "L’ESS.\n".encode("utf-32"), b"abc\x00def\x00",
    b"\xef\xbb\xbf" + "é".encode() * 9 + b"\n" + b"ab" * 700 + b"\xe9t\xe9\n",
    b"ok\n" * 3 + "é".encode() * 5 + b"\xff" + b"\n\xff",
    "é".encode() * 3 + b"\xc3",  # a character cut by the end of the file
], ids=["utf-16", "utf-16-le", "utf-32", "binary", "latin-1-after-a-bom", "two-bad-bytes",
        "cut-at-the-end"])
@pytest.mark.parametrize("size", [1, 2, 7, 1000])
def test_a_streamed_read_fails_with_the_whole_read_s_message(
        tmp_path: Path, data: bytes, size: int) -> None:
    """Standard input and large files are decoded a block at a time; a file they cannot
    read is named with the message a whole read gives it (UTF-16 named as such, the bad
    byte's line, column and offset in the file), but for the count of bad bytes further
    on, which a stream has not read yet."""
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as whole:
        decode_document(data, str(path))
    with pytest.raises(InputError) as streamed:
        list(read_pieces(str(path), size=size))
    assert str(streamed.value) == re.sub(r"; \d+ more further on", "", str(whole.value))


def test_sections_that_start_between_pieces_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    annotator = Annotator(GLOSSARY, occurrences="section")
    text = "".join(f"L'ESS {'mot ' * (k % 23)}\n\n" for k in range(60))
    whole = render(annotator.annotate(text), "text")
    assert whole.count("Économie sociale et solidaire.") == 60
    monkeypatch.setattr(streaming, "MIN_CONTEXT", 60)
    monkeypatch.setattr(streaming, "MIN_WORDS", 50)
    for piece in range(5, 300, 7):
        assert streamed(annotator, text, piece)[0] == whole, piece


def test_the_runner_s_floor_is_one_streaming_piece() -> None:
    # the runner leaves a file under one piece to the whole read without importing
    # glossator.streaming (start-up): its floor must be the streaming piece's size
    from glossator import runner, streaming

    assert runner.STREAM_FLOOR == streaming.CHUNK


def test_shift_spans_moves_starts_and_ends_or_nothing() -> None:
    """``_scan.shift_spans`` moves a chunk's matches into its window's offsets (the
    streaming path's int64 triples), and changes nothing when one would overflow."""
    from array import array

    from glossator.matching.native import ACCELERATOR

    shift = getattr(ACCELERATOR, "shift_spans", None)
    if shift is None:
        pytest.skip("the C scanner is not built")
    found = array("q", [0, 3, 10, 4, 9, 1, 2**40, 2**40 + 2, 15])
    shift(found, 11)
    assert list(found) == [11, 14, 10, 15, 20, 1, 2**40 + 11, 2**40 + 13, 15]
    shift(found, -11)
    assert list(found) == [0, 3, 10, 4, 9, 1, 2**40, 2**40 + 2, 15]
    with pytest.raises(OverflowError):
        shift(found, 2**63 - 2**40)
    assert list(found) == [0, 3, 10, 4, 9, 1, 2**40, 2**40 + 2, 15]  # not half moved
    with pytest.raises(ValueError):
        shift(bytearray(23), 1)
    with pytest.raises(TypeError):  # written in place
        shift(bytes(24), 1)
