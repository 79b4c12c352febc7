"""The pieces rendered once per entry: a tooltip's template made in C
(``_splice.template``) is byte for byte the one the presets' Python ``wrap`` makes, and a
text expansion made in C (``_splice.expansion``) the Python one, over hostile glossary
data; the templates are kept with the matcher (``Matcher.variants.memo``), bounded, by
style, and go away with it.

The reference for a template is :func:`glossator.render.html.tooltip_parts` (the preset's
``wrap`` on a ``TermMarkup``, every field escaped in Python), with the tooltip's id put
in; the C template, the Python template (``SPLICE`` turned off) and that reference must
agree for every built-in preset, plain or rich, with or without ``link_to``.
"""

from __future__ import annotations

import gc
import sys
import weakref
from array import array
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossator import Annotator, Glossary
from glossator.kept import KeptText
from glossator.model import Annotation, Entry
from glossator.render import html as render_html
from glossator.render import text as render_text
from glossator.render.splice import SPLICE
from support.browser import on_ci

if SPLICE is None:
    if on_ci():
        pytest.fail("glossator.render._splice is not built on CI", pytrace=False)
    pytest.skip("the C renderer is not built (pip install -e . with a C compiler), or "
                "GLOSSATOR_PURE_PYTHON is set", allow_module_level=True)

#: What each field may hold: what HTML escapes or forbids, the placeholder's private-use
#: characters, white space to fold (runs, no-break spaces, line breaks, at the ends),
#: lone surrogates, and the characters a case-insensitive scheme may match.
SPECIAL = ("&<>\"'\\ \t\n\r\x0b\x0c\x1c\x85\u2028\u2029\x00\x01\x1b\x7f\x9b"
           "\u00a0\u202f\u2007\u3000\u200b\u00ad\u202e\ufdd0\ufffe\uffff\ue000\ue001"
           "\ud800\udfff\U0001f600\U0001fffe\U0010ffff éÉ’:/ſıİK")
CHARS = st.one_of(st.sampled_from(SPECIAL), st.characters(), st.sampled_from("ab c"))
HOSTILE = st.one_of(
    st.text(CHARS, max_size=14),
    st.sampled_from(['<script>alert("x")</script>', "<b onmouseover='x'>", "a&amp;b",
                     "\ue000glossator-tip\ue001", "x\u2028y", "\x1b[2J", "&#x3C;",
                     "a\u00a0: b", "a\u00a0\u00a0b", " a  b ", "\u00a0a", "<em>x</em> &",
                     '<a href="http://x.org">l</a>', "<a href='javascript:x'>l</a>"]),
)
URLS = st.one_of(
    st.none(), HOSTILE,
    st.sampled_from(["https://ex.org/?a=1&b=<2>", "javascript:x", "  HTTPS://x.org  ",
                     "mailto:a@b.fr", "http://", "http:// x", "hTTp://x\"y", "httpſ://x",
                     "Mailto:x", "ſ", "https://\u00a0x", "\u3000http://x\u3000", ""]),
    st.builds(lambda a, b: a + b, st.sampled_from(["http://", "https://", "mailto:"]),
              HOSTILE),
)
LINKS = st.sampled_from([None, "index.html", "../lexique/{id}.html", "/g.html?x=1&y=2"])


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    """An entry whose every field shown may be hostile."""
    term = draw(HOSTILE.filter(lambda t: t.strip() != ""))
    return Entry(
        term=term, definition=draw(HOSTILE),
        # (an id comes from a file read as UTF-8: no lone surrogate, which its anchor's
        # digest could not encode)
        id=draw(st.one_of(st.sampled_from(["e", "x&y", 'a"b', "é\ue000", "s--1"]),
                          st.text(CHARS.filter(lambda c: not "\ud800" <= c <= "\udfff"),
                                  min_size=1, max_size=6))),
        title=draw(st.one_of(st.none(), HOSTILE)), url=draw(URLS),
        source=draw(st.one_of(st.none(), HOSTILE)),
    )


def _reference(entry: Entry, surface: str, tip: str, markup: str, rich: bool,
               link_to: str | None) -> tuple[str, str]:
    """The markup as the preset's Python ``wrap`` writes it."""
    ann = Annotation(0, len(surface), surface, entry, surface, "", False, surface)
    return render_html.tooltip_parts(ann, tip, markup, rich, link_to)


def _joined(made: Any, tip: str) -> tuple[str, str]:
    return tip.join(made[0]), tip.join(made[1])


@pytest.fixture(scope="module")
def nh3_installed() -> None:
    pytest.importorskip("nh3", reason="rich definitions need nh3: pip install -e '.[test]'")


@pytest.mark.parametrize("definition", ["\ufeff", "\ufeffUne définition.",
                                        "Une\ufeff définition.", "Fin.\ufeff"])
@pytest.mark.parametrize("rich", [True, False])
def test_a_byte_order_mark_in_a_definition_is_written_as_python_writes_it(
        nh3_installed: None, definition: str, rich: bool) -> None:
    """The sanitizer's parser drops a U+FEFF at the start of a rich definition: the C
    template asks Python for such a definition rather than write it as it is (found by
    the property test below, under the sanitizer build)."""
    entry = Entry(term="ESS", definition=definition, id="e")
    preset = render_html.get_markup("glossator")
    made = render_html._template_of(entry, "ESS", preset, rich, None)
    assert _joined(made, "gl-1") == _reference(entry, "ESS", "gl-1", "glossator", rich, None)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry=entries(), surface=HOSTILE.filter(bool), markup=st.sampled_from(
    render_html.MARKUPS), rich=st.booleans(), link_to=LINKS)
def test_c_template_is_the_python_markup(nh3_installed: None, entry: Entry, surface: str,
                                         markup: str, rich: bool,
                                         link_to: str | None) -> None:
    preset = render_html.get_markup(markup)
    made = render_html._template_of(entry, surface, preset, rich, link_to)
    assert made[0] is not None  # the C template is cut at its id whatever the fields hold
    for tip in ("gl-1", "glossator-tip-123456789"):
        assert _joined(made, tip) == _reference(entry, surface, tip, markup, rich, link_to)
    # the Python template, where it can be cut, is the same pieces
    python = render_html._template(entry, surface, preset, rich, link_to)
    if python[0] is not None:
        assert python == made


@settings(max_examples=200, deadline=None)
@given(entry=entries(), surface=HOSTILE.filter(bool), markup=st.sampled_from(
    render_html.MARKUPS), link_to=LINKS)
def test_template_without_the_c_module_is_the_python_markup(
        entry: Entry, surface: str, markup: str, link_to: str | None) -> None:
    preset = render_html.get_markup(markup)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(render_html, "SPLICE", None)
        made = render_html._template_of(entry, surface, preset, False, link_to)
        parts = render_html.tooltip_parts_reused(
            Annotation(0, len(surface), surface, entry, surface, "", False, surface), "gl-9",
            markup, False, link_to)
    reference = _reference(entry, surface, "gl-9", markup, False, link_to)
    assert parts == reference
    if made[0] is not None:
        assert _joined(made, "gl-9") == reference


@settings(max_examples=300, deadline=None)
@given(entry=entries())
def test_c_expansion_is_the_python_one(entry: Entry) -> None:
    made = render_text.entry_expansion(entry)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(render_text, "SPLICE", None)
        assert render_text.entry_expansion(entry) == made


def test_template_arguments_are_checked() -> None:
    with pytest.raises(TypeError):
        SPLICE.template(0, "e", "t", 3, None, None, None, None, False)
    with pytest.raises(TypeError):
        SPLICE.template(0, "e", "t", ("only one",), None, None, None, None, False)
    with pytest.raises(TypeError):
        SPLICE.template(1, "e", "t", "d", None, "h", None, None, False)  # no surface
    with pytest.raises(TypeError):
        SPLICE.template(0, "e", "t", "d", None, 5, None, None, False)
    with pytest.raises(ValueError, match="layout"):
        SPLICE.template(7, "e", "t", "d", None, None, None, None, False)
    with pytest.raises(TypeError):
        SPLICE.template(0, "e", "t", "d")
    assert SPLICE.template(0, "e", "t  t", "d", None, None, None, None, False) is None
    assert SPLICE.expansion("a\u00a0b", "c") == " a\u00a0b c"
    assert SPLICE.expansion(" a", "c") is None


# ---------------------------------------------------------------------------------------
# The templates kept with the matcher
# ---------------------------------------------------------------------------------------


class WeakEntry(Entry):
    """An entry a weak reference can follow (a plain :class:`Entry` has no slot for it)."""

    __slots__ = ("__weakref__",)


TEXT = "L'ESS et la SCOP. Une coopérative, l'ESS, la SCOP et une autre coopérative."
ROWS = [("ess", "ESS", "Économie sociale et solidaire."),
        ("scop", "SCOP", "Société coopérative \u00a0 et participative."),
        ("coop", "coopérative", "Entreprise <em>gérée</em> par ses membres & co.")]


def _annotator(entry_class: type[Entry] = Entry) -> Annotator:
    return Annotator(Glossary([entry_class(term=t, definition=d, id=i, url="https://x.org",
                                           source="Loi\u00a0n° 1") for i, t, d in ROWS]),
                     occurrences="all")


def _kept(annotator: Annotator, text: str = TEXT) -> KeptText:
    doc = annotator.annotate(text)
    if not isinstance(doc, KeptText):
        pytest.skip("the C scanner is not built: no kept text, no matcher memo")
    return doc


def _html(doc: Any, **options: Any) -> str:
    return render_html.render(doc, **options)


STYLES: list[dict[str, Any]] = [
    {"markup": m, "rich_definitions": r, "link_to": link}
    for m in render_html.MARKUPS for r in (False, True) for link in (None, "index.html")]


def test_templates_are_kept_with_the_matcher_and_go_away_with_it(
        nh3_installed: None) -> None:
    # compile_glossary keeps a glossary's matchers on the glossary, and each matcher holds
    # its glossary: a cycle that goes with both (a process-wide registry once kept them)
    annotator = _annotator(WeakEntry)
    doc = _kept(annotator)
    first = _html(doc)
    memo = annotator.matcher.variants.memo["html"]
    (kept,) = memo.values()
    assert len(kept) == 3
    assert all(isinstance(k, int) for k in kept)  # entry indexes: no entry held
    assert all(isinstance(s, str) for t in kept.values() for part in t for s in part)
    assert _html(_kept(annotator)) == first  # the next document, from the memo
    assert not hasattr(render_html, "_TEMPLATES")  # nothing kept for the process
    refs = [weakref.ref(e) for e in annotator.glossary]
    glossary = weakref.ref(annotator.glossary)
    del annotator, doc, memo, kept
    gc.collect()
    assert all(r() is None for r in refs) and glossary() is None


def test_a_style_never_gets_another_styles_templates(nh3_installed: None) -> None:
    warm = _annotator()
    for style in STYLES + STYLES[::-1]:  # each style after every other, twice
        cold = _html(_kept(_annotator()), **style)
        assert _html(_kept(warm), **style) == cold
    styles = warm.matcher.variants.memo["html"]
    assert len(styles) <= render_html._MEMO_STYLES


def test_a_preset_with_the_same_markup_but_no_links_has_its_own_templates(
        nh3_installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    glossator = render_html.MARKUP_PRESETS["glossator"]
    monkeypatch.setitem(render_html.MARKUP_PRESETS, "nolinks", render_html.MarkupPreset(
        "nolinks", glossator.wrap, glossator.marker, glossator.tip, links=False))
    annotator = Annotator(Glossary([Entry(term="ESS", id="ess", definition=(
        'Voir <a href="https://ess.fr">le site</a>.'))]))
    linked = _html(_kept(annotator), rich_definitions=True)
    unlinked = _html(_kept(annotator), rich_definitions=True, markup="nolinks")
    assert 'href="https://ess.fr"' in linked and 'href="https://ess.fr"' not in unlinked
    assert _html(_kept(_annotator()), rich_definitions=True, markup="nolinks") == \
        _html(_kept(_annotator()), rich_definitions=True, markup="nolinks")


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_html, "_MEMO_LIMIT", 2)
    monkeypatch.setattr(render_html, "_MEMO_STYLES", 2)
    annotator = _annotator()
    reference = [_html(_kept(_annotator()), **style) for style in STYLES[:4]]
    for _ in range(2):
        assert [_html(_kept(annotator), **style) for style in STYLES[:4]] == reference
    styles = annotator.matcher.variants.memo["html"]
    assert len(styles) == 2
    assert all(len(kept) == 2 for kept in styles.values())


def test_spip_with_a_link_keeps_a_template_per_entry_and_surface() -> None:
    annotator = _annotator()
    text = "Une coopérative, la Coopérative et la coopérative."
    first = _html(_kept(annotator, text), markup="spip", link_to="index.html")
    assert first.count('aria-label="Coopérative"') == 1
    assert first.count('aria-label="coopérative"') == 2
    (kept,) = annotator.matcher.variants.memo["html"].values()
    assert sorted(surface for _, surface in kept) == ["Coopérative", "coopérative"]
    assert len({index for index, _ in kept}) == 1
    assert _html(_kept(annotator, text), markup="spip", link_to="index.html") == first


def test_the_pure_python_loop_matches_the_c_loop(nh3_installed: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    spliced = [_html(_kept(_annotator()), **style) for style in STYLES]
    monkeypatch.setattr(render_html, "SPLICE", None)
    assert [_html(_kept(_annotator()), **style) for style in STYLES] == spliced


# ---------------------------------------------------------------------------------------
# Templates in UTF-8, for a sink
# ---------------------------------------------------------------------------------------


def _utf8_pieces(made: bytes) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    """A UTF-8 template (``_splice.template(..., utf8=True)``) read back: its opening's
    and its closing's pieces, as its header cuts them."""
    opening, closing = made[0], made[1]
    assert made[2:4] == b"\0\0"
    lengths = [int.from_bytes(made[4 + 4 * i:8 + 4 * i], sys.byteorder)
               for i in range(opening + closing)]
    at, pieces = 4 + 4 * len(lengths), []
    for n in lengths:
        pieces.append(made[at:at + n])
        at += n
    assert at == len(made)
    return tuple(pieces[:opening]), tuple(pieces[opening:])


def _encoded(parts: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(p.encode("utf-8", errors="xmlcharrefreplace") for p in parts)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry=entries(), surface=HOSTILE.filter(bool), layout=st.sampled_from([0, 1, 2]),
       rich=st.booleans(), href=st.sampled_from([None, "index.html#g-é&x"]))
def test_a_utf8_template_is_the_template_encoded(nh3_installed: None, entry: Entry,
                                                 surface: str, layout: int, rich: bool,
                                                 href: str | None) -> None:
    """The bytes of a UTF-8 template are the pieces of the str template, encoded as the
    sink encodes them, whatever the fields hold; it is made or refused as the str one."""
    definitions: list[object] = [entry.definition]
    if rich:  # (a pair made by the sanitizer: written as it is)
        definitions.append(render_html._rich_definition(entry.definition, layout != 1))
    for definition in definitions:
        for judged in (False, True):
            args = (layout, entry.id, entry.display_title, definition, surface, href,
                    entry.url, entry.source, rich, judged)
            made = SPLICE.template(*args)
            utf8 = SPLICE.template(*args, True)
            if made is None:
                assert utf8 is None
                continue
            assert isinstance(utf8, bytes)
            assert _utf8_pieces(utf8) == (_encoded(made[0]), _encoded(made[1]))


#: The fields of a glossary's entries, hostile, their terms plain (so that they match).
FIELDS = st.lists(st.tuples(HOSTILE, st.one_of(st.none(), HOSTILE), URLS,
                            st.one_of(st.none(), HOSTILE)), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=FIELDS, markup=st.sampled_from(render_html.MARKUPS))
def test_a_kept_text_written_to_a_sink_is_its_html_encoded(
        fields: list[tuple[str, str | None, str | None, str | None]], markup: str) -> None:
    """``write`` of a kept text (the templates made in UTF-8 by ``_splice.templates``,
    kept with the matcher in a style of their own) gives ``render``'s str encoded, for
    a first document and for the next one, from the memo."""
    entries_ = [Entry(term=f"mot{i}", definition=d, id=f"e{i}", title=t, url=u, source=s)
                for i, (d, t, u, s) in enumerate(fields)]
    annotator = Annotator(Glossary(entries_), occurrences="all")
    text = " ".join(f"mot{i} et\nmot{i}" for i in range(len(entries_)))
    expected = render_html.render(_kept(annotator, text), markup=markup).encode(
        "utf-8", errors="xmlcharrefreplace")
    for _ in range(2):
        got: list[bytes] = []
        render_html.write(_kept(annotator, text), got.append, markup=markup)
        assert b"".join(got) == expected
    utf8 = [kept for style, kept in annotator.matcher.variants.memo["html"].items()
            if style[-1]]
    assert len(utf8) == 1 and all(
        isinstance(made, bytes) or made[0] is not None for made in utf8[0].values())


def test_utf8_templates_are_checked() -> None:
    """render_html takes a UTF-8 template only for a sink, and only a well-made one; a
    list may mix them with templates of str."""
    text, q = "ab cd", array("q")
    starts, ends, keys = array("q", [0, 3]), array("q", [2, 5]), array("q", [0, 1])
    made = SPLICE.template(0, "e", "T", "Déf", None, None, None, None, False)
    utf8 = SPLICE.template(0, "e", "T", "Déf", None, None, None, None, False, False, True)
    tuples = SPLICE.render_html(text, starts, ends, keys, [made[0]] * 2, [made[1]] * 2, "g")
    for openings, closings in (([utf8, utf8], [None, None]),
                               ([made[0], utf8], [made[1], ()])):
        got: list[bytes] = []
        SPLICE.render_html(text, starts, ends, keys, openings, closings, "g",
                           sink=got.append)
        assert b"".join(got) == tuples.encode()
        with pytest.raises(TypeError, match="sink only"):
            SPLICE.render_html(text, starts, ends, keys, openings, closings, "g")
    # a bad template of str among UTF-8 ones is named where it is in the caller's lists
    with pytest.raises(TypeError, match=r"closings\[2\]"):
        SPLICE.render_html(text, starts, ends, keys, [utf8, made[0], made[0]],
                           [None, made[1], ()], "g", sink=list().append)
    head = utf8[:4 + 16]
    blank = b"\x01\x01\0\0" + (2).to_bytes(4, sys.byteorder) + bytes(4) + b" \t"
    for wrong in (b"", b"\x01", b"\0\x01\0\0", b"\x01\x01\0\0", b"\x01\x01\x01\0" + bytes(8),
                  bytes([40, 40, 0, 0]) + bytes(320), head, utf8 + b"x", blank):
        with pytest.raises(ValueError, match="UTF-8 template"):
            SPLICE.render_html(text, q, q, q, [wrong], [None], "g", sink=list().append)


@pytest.mark.parametrize("chunk", [0, 1, 7, 300])
def test_utf8_templates_across_line_breaks_and_chunks(chunk: int) -> None:
    """Terms across line breaks (which the scanner never makes, but render_html takes),
    at the ends of lines, next to each other, in texts of every kind, whatever the
    chunk: the UTF-8 templates write the str templates' bytes."""
    import random

    rnd = random.Random(chunk)
    made = [SPLICE.template(0, f"e{i}", "T<é>", "Déf & \U0001f600", None, None, None, None,
                            False) for i in range(3)]
    utf8 = [SPLICE.template(0, f"e{i}", "T<é>", "Déf & \U0001f600", None, None, None, None,
                            False, False, True) for i in range(3)]
    for pool in ("ab \n", "aé’\r\n\u2028&", "a\U0001f600\x85<"):
        text = "".join(rnd.choice(pool) for _ in range(2000))
        cuts = sorted(rnd.sample(range(len(text) + 1), 200))
        cuts += [cuts[-1]] * (len(cuts) % 2)
        starts, ends = array("q", cuts[::2]), array("q", cuts[1::2])
        keys = array("q", [rnd.randrange(3) for _ in starts])
        expected = SPLICE.render_html(text, starts, ends, keys, [m[0] for m in made],
                                      [m[1] for m in made], "gl-")
        got: list[bytes] = []
        SPLICE.render_html(text, starts, ends, keys, utf8, [None] * 3, "gl-",
                           sink=got.append, chunk=chunk)
        assert b"".join(got) == expected.encode("utf-8", errors="xmlcharrefreplace")
