"""The C renderer loop (``glossator.render._splice``) writes exactly what the Python
renderers write, for the ``text``, ``html`` and ``json`` formats, on random texts and
annotations: astral characters, ``&<>"'``, line and paragraph separators, controls, lone
surrogates, glossary data holding markup or script.

Each case renders the same document twice, once with the C module and once with it
turned off in that renderer (its ``SPLICE`` set to ``None``), and compares the strings.
"""

from __future__ import annotations

from array import array

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossator.model import AnnotatedText, Annotation, Entry
from glossator.render import html as render_html
from glossator.render import json as render_json
from glossator.render import text as render_text
from glossator.render.splice import SPLICE, spans_of
from support.browser import on_ci

if SPLICE is None:
    if on_ci():
        pytest.fail("glossator.render._splice is not built on CI", pytrace=False)
    pytest.skip("the C renderer is not built (pip install -e . with a C compiler), or "
                "GLOSSATOR_PURE_PYTHON is set", allow_module_level=True)

#: Characters that each format escapes or treats apart, and some that it must not.
SPECIAL = ("&<>\"'\\ \t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x00\x01\x1b\x7f\x9b"
           "\u00a0\u202e\ufdd0\ufffe\uffff\ue000\ue001\ud800\udfff\U0001f600\U0001fffe"
           "\U0010ffff éÉ’")
CHARS = st.one_of(st.sampled_from(SPECIAL), st.characters(), st.sampled_from("ab c"))
TEXTS = st.text(CHARS, max_size=60)

HOSTILE = st.one_of(
    st.text(CHARS, min_size=1, max_size=12),
    st.sampled_from(['<script>alert("x")</script>', "<b onmouseover='x'>", "a&amp;b",
                     "\ue000glossator-tip\ue001", "x\u2028y", "\x1b[2J", "&#x3C;"]),
)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    """An entry whose every field shown may be hostile."""
    term = draw(HOSTILE)
    return Entry(
        term=term, definition=draw(HOSTILE), id=draw(st.sampled_from(["e", "x&y", "a\"b"])),
        title=draw(st.one_of(st.none(), HOSTILE)),
        url=draw(st.sampled_from([None, "https://ex.org/?a=1&b=<2>", "javascript:x"])),
        source=draw(st.one_of(st.none(), HOSTILE)),
    )


@st.composite
def documents(draw: st.DrawFn, senses: bool = False) -> AnnotatedText:
    """A random text with sorted, non-overlapping, non-empty annotations on it."""
    text = draw(TEXTS)
    table = draw(st.lists(entries(), min_size=1, max_size=4))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=12)))
    annotations = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        entry = draw(st.sampled_from(table))
        several = tuple(table[:2]) if senses and len(table) > 1 and draw(st.booleans()) \
            else ()
        annotations.append(Annotation(
            start, end, text[start:end], entry, draw(st.sampled_from([entry.term, "f<"])),
            draw(st.sampled_from(["exact", "case", "alias"])), draw(st.booleans()),
            draw(st.sampled_from(["", "v\u2028", "w\"\\"])), senses=several,
            sense_step="first" if several else ""))
    return AnnotatedText(text, tuple(annotations))


def _both(monkeypatch: pytest.MonkeyPatch, fmt: str, doc: AnnotatedText,
          **options: object) -> tuple[str, str]:
    """``doc`` rendered as ``fmt`` with the C loop, then without."""
    module = {"text": render_text, "html": render_html, "json": render_json}[fmt]
    fast = module.render(doc, **options)
    with monkeypatch.context() as m:
        m.setattr(module, "SPLICE", None)
        slow = module.render(doc, **options)
    return fast, slow


SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(doc=documents())
def test_text_is_the_python_renderers(monkeypatch: pytest.MonkeyPatch,
                                      doc: AnnotatedText) -> None:
    fast, slow = _both(monkeypatch, "text", doc)
    assert fast == slow


@SETTINGS
@given(doc=documents(senses=True), indent=st.sampled_from([2, 0, 4]),
       source=st.sampled_from([None, "a\"b.txt"]))
def test_json_is_the_python_renderers(monkeypatch: pytest.MonkeyPatch, doc: AnnotatedText,
                                      indent: int, source: str | None) -> None:
    fast, slow = _both(monkeypatch, "json", doc, indent=indent, source=source)
    assert fast == slow


@SETTINGS
@given(doc=documents(), markup=st.sampled_from(["glossator", "spip", "abbr"]),
       link_to=st.sampled_from([None, "index.html"]), rich=st.booleans(),
       id_prefix=st.sampled_from(["gl-", "x_:.9-"]))
def test_html_is_the_python_renderers(monkeypatch: pytest.MonkeyPatch, doc: AnnotatedText,
                                      markup: str, link_to: str | None, rich: bool,
                                      id_prefix: str) -> None:
    if rich:
        pytest.importorskip("nh3", reason="rich definitions need nh3: pip install -e "
                            "'.[test]'")
    fast, slow = _both(monkeypatch, "html", doc, markup=markup, link_to=link_to,
                       rich_definitions=rich, id_prefix=id_prefix)
    assert fast == slow


def _doc(text: str, *spans: tuple[int, int]) -> AnnotatedText:
    entry = Entry(term="ESS", definition="<script>alert(1)</script> & \x1b[2J", id="ess",
                  title="E\u2028S")
    return AnnotatedText(text, tuple(Annotation(s, e, text[s:e], entry, "ESS", "exact")
                                     for s, e in spans))


def test_definitions_stay_inert_in_html() -> None:
    out = render_html.render(_doc("l'ESS\u2028et\x00 <ESS>", (2, 5), (13, 16)))
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\x1b[2J" in out
    assert "\\x00" in out and "\x00" not in out
    assert out.count('id="gl-1"') == 1 and out.count('id="gl-2"') == 1


def test_offsets_outside_the_text_fall_back_to_python(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _doc("ESS", (0, 3))
    broken = AnnotatedText("ES", doc.annotations)  # built by hand, past the end
    for fmt in ("text", "html", "json"):
        fast, slow = _both(monkeypatch, fmt, broken)
        assert fast == slow


def test_a_surface_that_is_not_the_text_is_written_as_given(
        monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _doc("ESS", (0, 3))
    (a,) = doc.annotations
    odd = AnnotatedText("ESS", (Annotation(0, 3, "autre", a.entry, "ESS", "exact"),))
    fast, slow = _both(monkeypatch, "json", odd)
    assert fast == slow and '"surface": "autre"' in fast


def test_the_spans_number_entries_in_order_of_first_occurrence() -> None:
    one = Entry(term="a", definition="d", id="a")
    two = Entry(term="b", definition="d", id="b")
    anns = tuple(Annotation(i, i + 1, "x", e, e.term, "exact")
                 for i, e in enumerate([two, one, two, two, one]))
    spans = spans_of(anns)
    assert spans.table == [two, one]
    assert list(spans.entries) == [0, 1, 0, 0, 1]
    assert (list(spans.starts), list(spans.ends)) == ([0, 1, 2, 3, 4], [1, 2, 3, 4, 5])
    assert list(spans.firsts) == [0, 1]


def test_the_c_loop_refuses_what_it_cannot_write() -> None:
    starts, ends, keys = array("q", [0]), array("q", [1]), array("q", [1])
    with pytest.raises(IndexError):
        SPLICE.render_text("ab", starts, ends, keys, [" x"])
    with pytest.raises(TypeError):
        SPLICE.render_text("ab", array("i", [0]), ends, array("q", [0]), [" x"])
    with pytest.raises(ValueError):
        SPLICE.render_text("ab", starts, array("q", [3]), array("q", [0]), [" x"])
    with pytest.raises(TypeError):
        SPLICE.render_html("ab", starts, ends, array("q", [0]), [()], [("",)], "gl-")
    with pytest.raises(ValueError):  # a tooltip that could be taken for a blank line
        SPLICE.render_html("ab", starts, ends, array("q", [0]), [(" \t", "")], [("",)], "")
    with pytest.raises(AttributeError):
        SPLICE.spans([object()])
    with pytest.raises(TypeError):
        SPLICE.spans([Annotation("0", 1, "x", Entry("a", "d", "a"), "a", "exact")])  # type: ignore[arg-type]


def test_annotations_are_grouped_by_entry_and_shape() -> None:
    one = Entry(term="a", definition="d", id="a")
    text = "aa\U0001f600a"
    anns = (Annotation(0, 1, "a", one, "a", "exact"), Annotation(1, 2, "a", one, "a", "case"),
            Annotation(3, 4, "a", one, "a", "exact"))
    spans = spans_of(anns)
    got = SPLICE.group(text, anns, spans.starts, spans.ends, spans.entries, ("how",))
    assert got is not None
    keys = array("q")
    keys.frombytes(got[0])
    assert (list(keys), got[1]) == ([0, 1, 0], [0, 1])
    odd = (Annotation(0, 1, "b", one, "a", "exact"),)
    spans = spans_of(odd)
    assert SPLICE.group(text, odd, spans.starts, spans.ends, spans.entries, ()) is None


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(st.sampled_from("aAé\U0001f600\u2028 "), min_size=1, max_size=30),
       data=st.data())
def test_the_misses_are_numbered_by_key_and_surface(text: str, data: st.DataObject) -> None:
    """``_splice.distinct`` numbers the matches it is given by their key and surface, in
    order of first occurrence, sets each one's key to ``base`` plus its number and
    leaves the others alone: what render/json.py's loop over the misses did in Python."""
    n = data.draw(st.integers(1, 12))
    starts, ends, keys = array("q"), array("q"), array("q")
    for _ in range(n):
        a = data.draw(st.integers(0, len(text)))
        starts.append(a)
        ends.append(data.draw(st.integers(a, len(text))))
        keys.append(data.draw(st.integers(0, 2)))
    which = array("q", sorted(data.draw(st.sets(st.integers(0, n - 1)))))
    expected_keys, firsts = list(keys), []
    numbers: dict[tuple[int, str], int] = {}
    for i in which:
        pair = (keys[i], text[starts[i]:ends[i]])
        if pair not in numbers:
            numbers[pair] = len(numbers)
            firsts += [i, keys[i]]
        expected_keys[i] = 100 + numbers[pair]
    got = array("q")
    got.frombytes(SPLICE.distinct(text, starts, ends, keys, which, 100))
    assert (list(got), list(keys)) == (firsts, expected_keys)


def test_distinct_refuses_what_it_cannot_read() -> None:
    starts, ends, keys = array("q", [0]), array("q", [1]), array("q", [0])
    with pytest.raises(ValueError):  # a match that is not one
        SPLICE.distinct("ab", starts, ends, keys, array("q", [1]), 0)
    with pytest.raises(ValueError):  # outside the text
        SPLICE.distinct("ab", starts, array("q", [3]), keys, array("q", [0]), 0)
    with pytest.raises(ValueError):  # keys of another length
        SPLICE.distinct("ab", starts, ends, array("q", [0, 0]), array("q", [0]), 0)
    with pytest.raises(TypeError):  # keys it cannot write
        SPLICE.distinct("ab", starts, ends, b"\0" * 8, array("q", [0]), 0)
