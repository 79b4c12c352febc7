"""A document read from UTF-8 keeps the bytes it was decoded from, and the command hands
them to the scanner and the JSON writer rather than encoding the text again
(glossator.text.utf8): the same output, the bytes used only for that very text."""

from __future__ import annotations

import codecs
import pickle
import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator import Annotator, Glossary
from glossator.documents.read import Document, decode_input
from glossator.matching import scan as scan_module
from glossator.render.splice import SPLICE
from glossator.runner import DocumentJob
from glossator.text.utf8 import known_utf8, utf8_of

GLOSSARY = Glossary.from_dicts([
    {"term": "ESS", "definition": "Économie sociale et solidaire"},
    {"term": "économie sociale", "definition": "Défini <b> & \"x\" \\ y"},
    {"term": "SCOP", "definition": "Coopérative"}])

#: Characters JSON escapes, characters of 2, 3 and 4 UTF-8 bytes, line breaks.
TEXTS = st.text(alphabet=st.sampled_from(
    [*"ESCOP économie sociale l’ESS \"\\\t\n\r\x01\x1f\x7f", "\u2028", "😀", "é"]),
    max_size=200)


def test_a_document_read_from_utf8_keeps_its_bytes() -> None:
    data = "L’ESS et la SCOP.\n".encode()
    assert decode_input("a.txt", data).utf8 == data
    assert decode_input("a.txt", codecs.BOM_UTF8 + data).utf8 == data
    assert decode_input("a.txt", data, encoding="UTF_8").utf8 == data
    # a second BOM is dropped from the text too: the bytes are then not its UTF-8
    assert decode_input("a.txt", codecs.BOM_UTF8 * 2 + data).utf8 is None
    assert decode_input("a.txt", "L'ESS".encode("cp1252"), encoding="cp1252").utf8 is None
    assert decode_input("a.txt", "L’ESS".encode("utf-16"), encoding="utf-16").utf8 is None
    page = b'<meta charset="utf-8"><p>L\xe2\x80\x99ESS</p>'
    assert decode_input("a.html", page, "html").utf8 == page


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, bom=st.booleans())
def test_the_bytes_kept_are_the_texts_utf8(text: str, bom: bool) -> None:
    """Whatever is kept is exactly ``text.encode()``, never other bytes."""
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode()
    doc = decode_input("a.txt", data)
    assert doc.utf8 is None or doc.utf8 == doc.text.encode()


def test_the_bytes_are_not_part_of_the_documents_value() -> None:
    """Not compared, not shown, not pickled (a Dask task's document carries its text)."""
    data = "L’ESS".encode()
    read = decode_input("a.txt", data)
    plain = Document("a.txt", "text", "L’ESS")
    assert read == plain and hash(read) == hash(plain)
    assert "utf8" not in repr(read)
    again = pickle.loads(pickle.dumps(read))
    assert again == read and again.utf8 is None


def test_utf8_of_answers_for_that_very_text_in_that_context_only() -> None:
    text = "".join(["L’", "ESS"])
    twin = "".join(["L’", "ESS"])
    data = text.encode()
    assert utf8_of(text) is None
    with known_utf8(text, data):
        assert utf8_of(text) is data
        assert utf8_of(twin) is None  # equal, but another object: not looked at
        seen: list[bytes | None] = []
        worker = threading.Thread(target=lambda: seen.append(utf8_of(text)))
        worker.start()
        worker.join()
        assert seen == [None]  # another thread has its own context
        with known_utf8(twin, data):
            assert utf8_of(twin) is data and utf8_of(text) is None
        assert utf8_of(text) is data
    assert utf8_of(text) is None
    with known_utf8(text, None):
        assert utf8_of(text) is None


@pytest.mark.parametrize("fmt", ["json", "text", "html"])
@settings(max_examples=60, deadline=None)
@given(text=TEXTS)
def test_the_command_writes_the_same_with_the_bytes(fmt: str, text: str) -> None:
    """A document read from UTF-8 (its bytes used to scan it and to write it as JSON)
    gives the bytes the same document given as a str gives."""
    job = DocumentJob(Annotator(GLOSSARY, occurrences="all"), fmt)
    read = decode_input("a.txt", text.encode())
    assert read.utf8 is not None
    outputs = []
    for doc in (read, Document("a.txt", "text", read.text)):
        got: list[bytes] = []
        job.render_into(doc, got.append)
        outputs.append(b"".join(got))
    assert outputs[0] == outputs[1]


def test_the_command_hands_the_bytes_to_the_scanner(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scanner takes the bytes the document was read from (no second encoding)."""
    given_back: list[bytes | None] = []

    def spy(text: str) -> bytes | None:
        found = utf8_of(text)
        given_back.append(found)
        return found

    from glossator.render import json as json_module

    monkeypatch.setattr(scan_module, "utf8_of", spy)
    data = "L’ESS et la SCOP, économie sociale.".encode()
    read = decode_input("a.txt", data)
    for fmt in ("json", "text"):
        given_back.clear()
        DocumentJob(Annotator(GLOSSARY, occurrences="all"), fmt).render_into(read, _ignore)
        assert given_back and all(found is read.utf8 for found in given_back)
    # and the JSON writer, for the text it writes again
    monkeypatch.setattr(json_module, "utf8_of", spy)
    given_back.clear()
    DocumentJob(Annotator(GLOSSARY, occurrences="all"), "json").render_into(read, _ignore)
    assert len(given_back) == 2 and all(found is read.utf8 for found in given_back)
    given_back.clear()
    Annotator(GLOSSARY).annotate(read.text)  # the library: nothing known, encoded
    assert given_back == [None]


def _ignore(data: bytes) -> None:
    """A sink that keeps nothing."""


def _render_json(text: str, **more: Any) -> Any:
    from array import array

    empty = array("q")
    return SPLICE.render_json(text, empty, empty, empty, [], ",", "\n", "{", "}", "]",
                              sink=list().append, **more)


@pytest.mark.skipif(SPLICE is None, reason="the C renderer is not built")
def test_the_json_writer_refuses_bytes_that_are_not_the_text() -> None:
    text = "L’ESS"
    assert _render_json(text, text_utf8=text.encode()) == _render_json(text)
    with pytest.raises(TypeError, match="text_utf8"):
        _render_json(text, text_utf8=bytearray(text.encode()))
    with pytest.raises(ValueError, match="not the text's UTF-8"):
        _render_json(text, text_utf8=text.encode("cp1252", errors="replace"))
    with pytest.raises(ValueError, match="not the text's UTF-8"):
        _render_json(text, text_utf8=text.encode() + b"x")
