"""A document read from UTF-8 keeps the bytes it was decoded from, and the command hands
them to the scanner rather than encoding the text again (glossator.text.utf8): the same
output, the bytes used only for that very text, once, and let go of after the scan."""

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
from glossator.runner import DocumentJob
from glossator.text.utf8 import known_utf8, take_utf8

GLOSSARY = Glossary.from_dicts([
    {"term": "ESS", "definition": "Économie sociale et solidaire"},
    {"term": "économie sociale", "definition": "Défini <b> & \"x\" \\ y"},
    {"term": "SCOP", "definition": "Coopérative"}])

#: Characters JSON escapes, characters of 2, 3 and 4 UTF-8 bytes, line breaks.
TEXTS = st.text(alphabet=st.sampled_from(
    [*"ESCOP économie sociale l’ESS \"\\\t\n\r\x01\x1f\x7f", "\u2028", "😀", "é"]),
    max_size=200)


def test_a_text_read_from_utf8_keeps_its_bytes_when_asked() -> None:
    data = "L’ESS et la SCOP.\n".encode()
    assert decode_input("a.txt", data, keep_utf8=True).utf8 == data
    assert decode_input("a.txt", codecs.BOM_UTF8 + data, keep_utf8=True).utf8 == data
    assert decode_input("a.txt", data, encoding="UTF_8", keep_utf8=True).utf8 == data
    # a second BOM is dropped from the text too: the bytes are then not its UTF-8
    assert decode_input("a.txt", codecs.BOM_UTF8 * 2 + data, keep_utf8=True).utf8 is None
    cp1252 = "L'ESS".encode("cp1252")
    assert decode_input("a.txt", cp1252, encoding="cp1252", keep_utf8=True).utf8 is None
    wide = "L’ESS".encode("utf-16")
    assert decode_input("a.txt", wide, encoding="utf-16", keep_utf8=True).utf8 is None
    # not asked (documents read up front), or not a text (a page is not scanned whole)
    assert decode_input("a.txt", data).utf8 is None
    page = b'<meta charset="utf-8"><p>L\xe2\x80\x99ESS</p>'
    assert decode_input("a.html", page, "html", keep_utf8=True).utf8 is None
    assert decode_input("a.md", data, "markdown", keep_utf8=True).utf8 is None


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, bom=st.booleans())
def test_the_bytes_kept_are_the_texts_utf8(text: str, bom: bool) -> None:
    """Whatever is kept is exactly ``text.encode()``, never other bytes."""
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode()
    doc = decode_input("a.txt", data, keep_utf8=True)
    assert doc.utf8 is None or doc.utf8 == doc.text.encode()


def test_the_bytes_are_not_part_of_the_documents_value() -> None:
    """Not compared, not shown, not pickled (a Dask task's document carries its text);
    handed over once."""
    data = "L’ESS".encode()
    read = decode_input("a.txt", data, keep_utf8=True)
    plain = Document("a.txt", "text", "L’ESS")
    assert read == plain and hash(read) == hash(plain)
    assert "utf8" not in repr(read)
    again = pickle.loads(pickle.dumps(read))
    assert again == read and again.utf8 is None
    assert read.take_utf8() == data
    assert read.take_utf8() is None and read.utf8 is None and read == plain


def test_the_bytes_are_taken_for_that_very_text_once_in_that_context_only() -> None:
    text = "".join(["L’", "ESS"])
    twin = "".join(["L’", "ESS"])
    data = text.encode()
    assert take_utf8(text) is None
    with known_utf8(text, data):
        assert take_utf8(twin) is None  # equal, but another object: not looked at
        seen: list[bytes | None] = []
        worker = threading.Thread(target=lambda: seen.append(take_utf8(text)))
        worker.start()
        worker.join()
        assert seen == [None]  # another thread has its own context
        with known_utf8(twin, data):
            assert take_utf8(text) is None
            assert take_utf8(twin) is data
            assert take_utf8(twin) is None  # once
        assert take_utf8(text) is data
        assert take_utf8(text) is None
    with known_utf8(text, data):
        pass
    assert take_utf8(text) is None  # (not left behind by a block that took nothing)
    with known_utf8(text, None):
        assert take_utf8(text) is None


@pytest.mark.parametrize("fmt", ["json", "text", "html"])
@settings(max_examples=60, deadline=None)
@given(text=TEXTS)
def test_the_command_writes_the_same_with_the_bytes(fmt: str, text: str) -> None:
    """A document read from UTF-8 (its bytes used to scan it and to write it as JSON)
    gives the bytes the same document given as a str gives."""
    job = DocumentJob(Annotator(GLOSSARY, occurrences="all"), fmt)
    read = decode_input("a.txt", text.encode(), keep_utf8=True)
    assert read.utf8 is not None
    outputs = []
    for doc in (read, Document("a.txt", "text", read.text)):
        got: list[bytes] = []
        job.render_into(doc, got.append)
        outputs.append(b"".join(got))
    assert outputs[0] == outputs[1]


def _spy_on_the_scanner(monkeypatch: pytest.MonkeyPatch) -> list[bytes | None]:
    """What the scanner's ``take_utf8`` gives back, call after call (recorded in the list
    returned)."""
    given_back: list[bytes | None] = []

    def spy(text: str) -> bytes | None:
        found = take_utf8(text)
        given_back.append(found)
        return found

    monkeypatch.setattr(scan_module, "take_utf8", spy)
    return given_back


def test_the_command_hands_the_bytes_to_the_scanner(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scanner takes the bytes the document was read from (no second encoding), and
    the document no longer holds them; a text of several segments lets them go."""
    given_back = _spy_on_the_scanner(monkeypatch)
    data = "L’ESS et la SCOP, économie sociale.".encode()
    for fmt in ("json", "text", "html"):
        read = decode_input("a.txt", data, keep_utf8=True)
        given_back.clear()
        DocumentJob(Annotator(GLOSSARY, occurrences="all"), fmt).render_into(read, _ignore)
        assert given_back == [data] and read.utf8 is None
    given_back.clear()
    Annotator(GLOSSARY).annotate(read.text)  # the library: nothing known, encoded
    assert given_back == [None]
    monkeypatch.setattr(scan_module, "_SEGMENT", 8)  # (several segments: encoded each)
    read = decode_input("a.txt", data, keep_utf8=True)
    got: list[bytes] = []
    DocumentJob(Annotator(GLOSSARY, occurrences="all"), "json").render_into(read, got.append)
    assert given_back == [None, data] and read.utf8 is None
    plain: list[bytes] = []
    DocumentJob(Annotator(GLOSSARY, occurrences="all"), "json").render_into(
        Document("a.txt", "text", read.text), plain.append)
    assert got == plain


def test_only_a_document_annotated_next_keeps_its_bytes(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's one file (convert, or write_all of one input) hands its bytes to the
    scanner; several inputs, read before any is rendered, keep none."""
    from glossator.runner import write_all

    given_back = _spy_on_the_scanner(monkeypatch)
    names = []
    for i in range(2):
        path = tmp_path / f"{i}.txt"
        path.write_text(f"L’ESS et la SCOP, {i}.", encoding="utf-8")
        names.append(str(path))
    job = DocumentJob(Annotator(GLOSSARY, occurrences="all"), "json")
    job.convert((names[0], "text", str(tmp_path / "out.json")))
    assert given_back == [(tmp_path / "0.txt").read_bytes()]
    given_back.clear()
    write_all(job, names[:1], ["text"], 1, _ignore)
    assert given_back == [(tmp_path / "0.txt").read_bytes()]
    given_back.clear()
    write_all(job, names, ["text", "text"], 1, _ignore)
    assert given_back == [None, None]


def _ignore(data: bytes) -> None:
    """A sink that keeps nothing."""
