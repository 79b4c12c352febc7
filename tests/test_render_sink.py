"""The renderers writing as they go: ``glossator.render.write`` and the C loop's sink mode.

``annotate`` hands the ``text``, ``json`` and ``html`` output of text input to a sink
(the output file's ``write``) a bounded piece at a time, in UTF-8, instead of holding it
whole as one ``str``. Those bytes must be exactly ``render()``'s str encoded as the
writer encodes it, on hostile text and whatever the piece size (``splice.CHUNK``, set to a
few bytes here so that every boundary is crossed), and a failure in the middle of the
writing must leave the target file as it was.
"""

from __future__ import annotations

import json
import random
import sys
from array import array
from importlib import import_module
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glossator import Annotator, Glossary
from glossator.documents.read import Document
from glossator.documents.write import partial_files
from glossator.errors import InputError
from glossator.model import AnnotatedText
from glossator.render import html as render_html
from glossator.render import render, splice, write
from glossator.render.splice import SPLICE
from glossator.runner import DocumentJob, render_all, write_all
from support.browser import on_ci
from support.cli import RunCli
from test_render_splice import SETTINGS, SPECIAL, _both, documents

if SPLICE is None:
    if on_ci():
        pytest.fail("glossator.render._splice is not built on CI", pytrace=False)
    pytest.skip("the C renderer is not built (pip install -e . with a C compiler), or "
                "GLOSSATOR_PURE_PYTHON is set", allow_module_level=True)

CHUNKS = st.sampled_from([0, 1, 3, 4, 7, 16, 64])


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", errors="xmlcharrefreplace")


def _written(monkeypatch: pytest.MonkeyPatch, chunk: int, doc: AnnotatedText, fmt: str,
             **options: object) -> tuple[bytes, list[bytes]]:
    """``doc`` written as ``fmt`` to a list, ``chunk`` bytes at a time: the bytes, and the
    pieces as the sink got them."""
    got: list[bytes] = []
    with monkeypatch.context() as m:
        m.setattr(splice, "CHUNK", chunk)
        write(doc, got.append, fmt, **options)
    return b"".join(got), got


@SETTINGS
@given(doc=documents(), chunk=CHUNKS)
def test_text_written_is_the_str_encoded(monkeypatch: pytest.MonkeyPatch, doc: AnnotatedText,
                                         chunk: int) -> None:
    data, _ = _written(monkeypatch, chunk, doc, "text")
    assert data == _encoded(render(doc, "text"))


@SETTINGS
@given(doc=documents(senses=True), chunk=CHUNKS, indent=st.sampled_from([2, 0, None]),
       source=st.sampled_from([None, "a\"b.txt"]))
def test_json_written_is_the_str_encoded(monkeypatch: pytest.MonkeyPatch, doc: AnnotatedText,
                                         chunk: int, indent: int | None,
                                         source: str | None) -> None:
    data, _ = _written(monkeypatch, chunk, doc, "json", indent=indent, source=source)
    assert data == _encoded(render(doc, "json", indent=indent, source=source))


@SETTINGS
@given(doc=documents(), chunk=CHUNKS, markup=st.sampled_from(["glossator", "spip", "abbr"]),
       standalone=st.booleans(), heading=st.sampled_from([None, "Le <titre>"]))
def test_html_written_is_the_str_encoded(monkeypatch: pytest.MonkeyPatch, doc: AnnotatedText,
                                         chunk: int, markup: str, standalone: bool,
                                         heading: str | None) -> None:
    options: dict[str, object] = {"markup": markup, "standalone": standalone,
                                  "assets": "none"}
    if standalone:
        options["heading"] = heading
    data, _ = _written(monkeypatch, chunk, doc, "html", **options)
    assert data == _encoded(render(doc, "html", **options))


#: Long texts: the C loop looks at 8 or 16 characters at a time, and the default piece
#: is 256 KiB; each pool makes a str of another kind (1, 2 and 4 bytes a character).
POOLS = ("abcdefgh ijk\n", "abcdé ’\n&", "ab\u00e9\u00e0<>\"\\\t\r\x85\x7f", SPECIAL,
         "ab c\U0001f600\n")


@pytest.mark.parametrize("pool", POOLS)
@pytest.mark.parametrize("chunk", [0, 5, 4096])
def test_long_hostile_texts_in_every_format(monkeypatch: pytest.MonkeyPatch, pool: str,
                                            chunk: int) -> None:
    rnd = random.Random(len(pool) * 1000 + chunk)
    text = "".join(rnd.choice(pool) for _ in range(3000 if chunk else 300_000))
    cuts = sorted(rnd.sample(range(len(text) + 1), 40))
    starts, ends = array("q", cuts[::2]), array("q", cuts[1::2])
    keys = array("q", [rnd.randrange(3) for _ in starts])
    pieces = ["", " Économie & <b>", " x\U0001f600\x00"]
    calls = {
        "text": (SPLICE.render_text, (text, starts, ends, keys, pieces)),
        "json": (SPLICE.render_json, (text, starts, ends, keys, pieces, "\n  ", "\n    ",
                                      '{"text": ', ', "annotations": [', "\n]}")),
        "html": (SPLICE.render_html, (text, starts, ends, keys,
                                      [("<a id=", ">"), ("<b>",), ("<i id=", "-", ">")],
                                      [("</a>",), ("</b>",), ("</i>",)], "gl-")),
    }
    for fmt, (function, args) in calls.items():
        got: list[bytes] = []
        n = function(*args, sink=got.append, chunk=chunk)
        whole = b"".join(got)
        assert whole == _encoded(function(*args)), fmt
        assert n == len(whole)
        if chunk:
            assert max(map(len, got)) <= chunk + 64  # bounded: a chunk, and a little slack
    # the same tooltips as templates in UTF-8 (the kept texts' way to a sink), alone and
    # mixed with the tuples: the same bytes, the annotations across line breaks too
    openings = [("<a id=", ">"), ("<b>",), ("<i id=", "-", ">")]
    closings = [("</a>",), ("</b>",), ("</i>",)]
    utf8 = [_utf8_template(o, c) for o, c in zip(openings, closings, strict=True)]
    for mixed in (utf8, [utf8[0], openings[1], utf8[2]]):
        got = []
        SPLICE.render_html(text, starts, ends, keys, mixed, [None, closings[1], None],
                           "gl-", sink=got.append, chunk=chunk)
        assert b"".join(got) == _encoded(SPLICE.render_html(
            text, starts, ends, keys, openings, closings, "gl-")), mixed


def _utf8_template(opening: tuple[str, ...], closing: tuple[str, ...]) -> bytes:
    """The template in UTF-8 that ``_splice.render_html`` takes for a sink (its method's
    doc): the pieces' counts, two zero bytes, each piece's length, the pieces."""
    pieces = [_encoded(p) for p in opening + closing]
    head = bytes([len(opening), len(closing), 0, 0])
    return head + b"".join(len(p).to_bytes(4, sys.byteorder) for p in pieces) + b"".join(
        pieces)


@pytest.mark.parametrize("pool", POOLS)
def test_long_hostile_texts_are_the_python_renderers(monkeypatch: pytest.MonkeyPatch,
                                                     pool: str) -> None:
    """The C loop's scans, 8 or 16 characters at a time, on texts long enough for them
    (the property tests' texts are short), against the Python renderers."""
    rnd = random.Random(len(pool))
    pool = pool.replace("\ud800", "").replace("\udfff", "")  # the scanner refuses them
    text = "".join(rnd.choice(pool) for _ in range(5000))
    glossary = Glossary.from_dicts([{"term": "abc", "definition": "Défini <b> & \"x\""},
                                    {"term": "ab", "definition": "court"}])
    annotated = Annotator(glossary, occurrences="all").annotate(text)
    for fmt in ("text", "json", "html"):
        fast, slow = _both(monkeypatch, fmt, annotated)
        assert fast == slow, fmt
        data, _ = _written(monkeypatch, 7, annotated, fmt)
        assert data == _encoded(fast), fmt


@pytest.mark.parametrize("indent", [7, 12, 40])
def test_json_with_a_wide_indent_is_what_the_json_module_writes(indent: int) -> None:
    """An indent whose item parts pass the C loop's fixed-size copies (32 bytes) takes
    their longer copy: the same bytes as :mod:`json`."""
    glossary = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale"}])
    doc = Annotator(glossary, occurrences="all").annotate("L’ESS, l’ESS et l’ESS. " * 50)
    got: list[bytes] = []
    write(doc, got.append, "json", indent=indent)
    assert b"".join(got) == json.dumps(doc.to_dict(), ensure_ascii=False,
                                       indent=indent).encode()


def _job(fmt: str, **options: object) -> DocumentJob:
    glossary = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale"},
                                    {"term": "SCOP", "definition": "Coopérative <b>"}])
    return DocumentJob(Annotator(glossary, occurrences="all"), fmt, **options)  # type: ignore[arg-type]


TEXT = "L’ESS et la SCOP.\nUne SCOP <&> de l’ESS\r\n\n\u2028ESS " * 40


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_a_document_job_writes_what_it_renders(monkeypatch: pytest.MonkeyPatch,
                                               fmt: str) -> None:
    monkeypatch.setattr(splice, "CHUNK", 13)
    job = _job(fmt, standalone=fmt == "html", assets="none")
    doc = Document("a.txt", "text", TEXT)
    got: list[bytes] = []
    job.render_into(doc, got.append)
    body = job.render(doc)
    assert b"".join(got) == _encoded(body if body.endswith("\n") else body + "\n")


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_one_stream_of_several_documents(tmp_path: Path, fmt: str, jobs: int) -> None:
    """Several inputs into one output: the bytes of ``render_all``, written as they come
    (several JSON documents make one JSON array)."""
    names = []
    for i, text in enumerate([TEXT, "", "Rien ici.", "ESS"]):
        path = tmp_path / f"{i}.txt"
        path.write_text(text, encoding="utf-8")
        names.append(str(path))
    kinds = ["text"] * len(names)
    job = _job(fmt)
    got: list[bytes] = []
    write_all(job, names, kinds, jobs, got.append)
    body, encoding, bom = render_all(job, names, kinds, 1)
    assert b"".join(got) == bom + body.encode(encoding)
    if fmt == "json":
        assert len(json.loads(b"".join(got))) == len(names)


class _Failing:
    """The C module, but its writers stop with an error after a few pieces written."""

    def __init__(self, after: int) -> None:
        self.after = after

    def __getattr__(self, name: str) -> object:
        real = getattr(SPLICE, name)
        if not name.startswith("render_"):
            return real

        def failing(*args: object, sink: object = None, chunk: int = 0) -> object:
            if sink is None:
                return real(*args)
            calls = 0

            def counted(data: bytes) -> None:
                nonlocal calls
                calls += 1
                if calls > self.after:
                    raise MemoryError("out of memory, halfway")
                sink(data)  # type: ignore[operator]

            return real(*args, sink=counted, chunk=chunk)

        return failing


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_a_failure_halfway_leaves_no_half_written_file(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "out" / "a.out"
    target.parent.mkdir()
    target.write_text("the old output\n", encoding="utf-8")
    source = tmp_path / "a.txt"
    source.write_text(TEXT, encoding="utf-8")
    monkeypatch.setattr(splice, "CHUNK", 64)
    monkeypatch.setattr(import_module(f"glossator.render.{fmt}"), "SPLICE", _Failing(after=3))
    job = _job(fmt)
    with pytest.raises(MemoryError):
        job.convert((str(source), "text", str(target)))
    assert target.read_text(encoding="utf-8") == "the old output\n"
    assert partial_files(str(target)) == []
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.out"]


def test_a_sink_that_refuses_is_an_error_not_a_second_output(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``ValueError`` from the sink (a closed file) once bytes are written is not taken
    for arguments the C loop refused (whose fallback would write the output again)."""
    annotated = Annotator(_job("text").annotator.glossary).annotate(TEXT)
    monkeypatch.setattr(splice, "CHUNK", 64)
    got: list[bytes] = []

    def sink(data: bytes) -> None:
        if got:
            raise ValueError("I/O operation on closed file")
        got.append(data)

    with pytest.raises(OSError, match="closed file"):
        render_html.write(annotated, sink)
    assert len(got) == 1


def test_the_cli_writes_the_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      cli: RunCli) -> None:
    """``annotate -o`` of two inputs, JSON: one array, written whole; to standard
    output, as it is written."""
    run = cli
    (tmp_path / "a.txt").write_text("Les PTCE et l’ESS.\n" * 50, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Une SCOP.", encoding="utf-8")
    monkeypatch.setattr(splice, "CHUNK", 16)
    result = run("annotate", "-f", "json", "a.txt", "b.txt", "-o", "out.json")
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [d["source"] for d in data] == ["a.txt", "b.txt"]
    assert data[0]["annotations"]
    result = run("annotate", "-f", "html", "a.txt")
    assert result.code == 0
    assert result.out.count("<p>") == 50


def test_an_input_error_fails_before_anything_is_written(tmp_path: Path) -> None:
    job = _job("text")
    got: list[bytes] = []
    (tmp_path / "a.txt").write_text("ESS", encoding="utf-8")
    with pytest.raises(InputError):
        write_all(job, [str(tmp_path / "a.txt"), str(tmp_path / "missing.txt")],
                  ["text", "text"], 1, got.append)
    assert got == []


def test_html_options_are_refused_before_anything_is_written() -> None:
    from glossator.errors import UsageError

    annotated = _job("html").annotator.annotate(TEXT)
    got: list[bytes] = []
    for options in ({"script": True}, {"heading": "T"}, {"markup": "nope"},
                    {"standalone": True, "assets": "nope"}):
        with pytest.raises(UsageError):
            write(annotated, got.append, "html", **options)
    assert got == []
