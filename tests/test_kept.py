"""The matches kept in C (``glossator.kept``, ``matching/_keep.h``) are those the Python
policies keep, and the renderers that read their arrays write what they write from the
annotation objects."""

from __future__ import annotations

import functools
from array import array
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from glossator import AnnotatedText, Annotator, Glossary
from glossator.documents.tally import count, count_text, counting
from glossator.kept import EntryIndex, KeptText
from glossator.matching import scan as scan_module
from glossator.matching.native import ACCELERATOR
from glossator.model import Annotation
from glossator.render import render

pytestmark = pytest.mark.skipif(
    ACCELERATOR is None or getattr(ACCELERATOR, "keep", None) is None,
    reason="the C scanner is not built (pip install -e . builds it)")

ENTRIES: list[dict[str, Any]] = [
    {"term": "ESS", "definition": "Économie sociale et solidaire."},
    {"term": "économie sociale et solidaire", "definition": "Une économie sociale, et solidaire.",
     "aliases": ["économie sociale"]},
    {"term": "SCOP", "definition": "Société coopérative et participative.",
     "max_occurrences": 2},
    {"term": "coopérative", "definition": "Entreprise des associés.",
     "not_in": ["coopérative d'habitants"]},
    {"term": "CAE", "definition": "Coopérative d'activité et d'emploi."},
    {"term": "DES", "definition": "Diplôme d'études spécialisées."},
    {"term": "tiers-lieu", "definition": "Un lieu."},
]
WORDS = ["ESS", "l’ESS", "d'ESS", "économie sociale", "économie sociale et solidaire",
         "SCOP", "Scop", "SCOPs", "coopérative", "coopératives", "coopérative d'habitants",
         "CAE", "DES", "des", "Coopérative d'activité et d'emploi (CAE)",
         "Société coopérative et participative", "Une économie sociale, et solidaire.",
         "emploi", "tiers lieu", "le", "et", "\n\n", "\n", "## Titre\n", "DROIT DES",
         "COOPÉRATIVES", ",", "essai", "\u00a0", "Cafe\u0301", "e\u0301conomie sociale"]
texts = st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join)
GLOSSARY = Glossary.from_dicts(ENTRIES)


def _reference(annotator: Annotator, text: str) -> tuple[Annotation, ...]:
    """The annotations of the Python policies (``select`` with ``dropped`` takes the path
    that holds every match, entry by entry)."""
    return tuple(annotator.annotation(m, text[m[0]:m[1]])
                 for m in annotator.select(text, dropped={}))


@settings(max_examples=150, deadline=None)
@given(text=texts, occurrences=st.sampled_from(["first", "section", "all"]),
       cap=st.sampled_from([None, 1, 3]))
def test_the_c_policies_keep_what_the_python_ones_keep(
        text: str, occurrences: str, cap: int | None) -> None:
    annotator = Annotator(GLOSSARY, occurrences=occurrences, max_per_entry=cap)
    doc = annotator.annotate(text)
    assert isinstance(doc, KeptText)
    assert len(doc) == len(_reference(annotator, text))
    assert doc.annotations == _reference(annotator, text)
    assert doc == AnnotatedText(text, _reference(annotator, text))
    assert list(doc.starts) == [a.start for a in doc.annotations]
    assert [doc.entry_table[e].id for e in doc.entries] == [
        a.entry.id for a in doc.annotations]


@settings(max_examples=60, deadline=None)
@given(text=texts, occurrences=st.sampled_from(["first", "all"]),
       fmt=st.sampled_from(["text", "json"]))
def test_the_renderers_write_the_same_from_the_arrays(
        text: str, occurrences: str, fmt: str) -> None:
    doc = Annotator(GLOSSARY, occurrences=occurrences).annotate(text)
    assert isinstance(doc, KeptText)
    from_arrays = render(doc, fmt)
    assert doc._built is None  # the renderer never built the objects
    assert from_arrays == render(AnnotatedText(text, doc.annotations), fmt)


def test_annotations_are_built_only_when_read() -> None:
    doc = Annotator(GLOSSARY, occurrences="all").annotate("L’ESS et la SCOP, l’ESS.")
    assert isinstance(doc, KeptText)
    assert len(doc) == 3 and doc._built is None
    assert [doc.text[s:e] for s, e in zip(doc.starts, doc.ends, strict=True)] == [
        "ESS", "SCOP", "ESS"]
    assert [a.how for a in doc] == ["elision", "exact", "elision"]
    assert doc.annotations is doc.annotations  # built once
    assert doc.how(0) == "elision" and doc.variant(1).form.text == "SCOP"


def test_the_tally_counts_from_the_arrays() -> None:
    doc = Annotator(GLOSSARY, occurrences="all").annotate("ESS, SCOP, ESS et l'ESS.")
    assert isinstance(doc, KeptText)
    with counting() as from_arrays:
        count_text(doc)
    assert doc._built is None
    with counting() as from_objects:
        count(doc.annotations)
    assert from_arrays == from_objects == {"ess": 3, "scop": 1}


def test_a_long_text_in_segments_keeps_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    text = " ".join(["L’ESS et la SCOP des coopératives, économie sociale."] * 40)
    annotator = Annotator(GLOSSARY, occurrences="all")
    whole = annotator.annotate(text)
    monkeypatch.setattr(scan_module, "_SEGMENT", 200)  # many segments: the tuple path
    assert annotator.annotate(text) == whole
    assert whole.annotations == _reference(annotator, text)


SENSES = Glossary.from_dicts([
    *ENTRIES,
    {"term": "CAE", "definition": "Contrat d'accompagnement dans l'emploi.", "id": "cae-2",
     "tags": ["emploi"], "not_in": ["la CAE du coin"]},
    {"term": "ESS", "definition": "Économie sociale et solidaire.", "id": "ess-bis"},
    {"term": "DES", "definition": "Dépôt électronique sécurisé.", "id": "des-2"},
])
SENSE_WORDS = [*WORDS, "Contrat d'accompagnement dans l'emploi (CAE)", "contrat emploi",
               "la CAE du coin", "Comité d'aide à l'emploi (CAE)", "activité coopérative"]


@settings(max_examples=150, deadline=None)
@given(text=st.lists(st.sampled_from(SENSE_WORDS), max_size=60).map(" ".join),
       occurrences=st.sampled_from(["first", "section", "all"]),
       cap=st.sampled_from([None, 1]), senses=st.sampled_from(["all", "skip", "first"]))
def test_senses_are_chosen_in_python_only_for_the_forms_that_have_several(
        text: str, occurrences: str, cap: int | None, senses: str) -> None:
    annotator = Annotator(SENSES, occurrences=occurrences, max_per_entry=cap, senses=senses)
    doc = annotator.annotate(text)
    assert isinstance(doc, KeptText)
    chosen: dict[Any, Any] = {}
    python = annotator.select(text, senses=chosen, dropped={})
    assert doc.annotations == tuple(
        annotator.annotation(m, text[m[0]:m[1]], chosen.get(m)) for m in python)
    for fmt in ("text", "json"):
        assert render(doc, fmt) == render(AnnotatedText(text, doc.annotations), fmt)


def test_plugin_policies_keep_the_python_path() -> None:
    from glossator.policy import register_policy

    register_policy("every-other", lambda ms, entry_of, text: list(ms)[::2])
    doc = Annotator(GLOSSARY, occurrences="every-other").annotate("ESS, SCOP et ESS.")
    assert not isinstance(doc, KeptText)
    assert [a.surface for a in doc] == ["ESS", "ESS"]


def test_a_pickled_kept_text_is_a_plain_annotated_text() -> None:
    import pickle

    doc = Annotator(GLOSSARY, occurrences="all").annotate("L’ESS et la SCOP.")
    back = pickle.loads(pickle.dumps(doc))
    assert type(back) is AnnotatedText and back == doc
    import copy
    import dataclasses

    for other in (copy.copy(doc), dataclasses.replace(doc, text=doc.text)):
        assert type(other) is AnnotatedText and other == doc


def test_keep_refuses_tables_that_do_not_agree() -> None:
    annotator = Annotator(GLOSSARY, occurrences="all")
    index = EntryIndex.of(annotator.matcher)
    n = index.entries.size
    zeros = array("q", bytes(8 * n))
    found = array("q", [0, 3, 0])
    out = (bytearray(), bytearray(), bytearray(), bytearray())

    def ctx(**change: Any) -> tuple[Any, ...]:
        parts: dict[str, Any] = dict(
            variant_entry=index.variant_entry, flags=index.flags, caps=index.caps,
            ways=index.ways, heads=index.heads, learn=index.learn, check=lambda *a: False,
            text="ESS",
            mode=0, cap=-1, seen=zeros, counts=array("q", bytes(8 * n)),
            sections=array("q", [0]), at=array("q", [0]), skip=None,
            by_entry_at=index.by_entry_at, by_entry=index.by_entry)
        parts.update(change)
        return tuple(parts.values())

    ACCELERATOR.keep(found, ctx(), out)
    assert len(out[0]) == 8
    with pytest.raises(ValueError):
        ACCELERATOR.keep(found, ctx(seen=array("q", [0])), out)
    with pytest.raises(ValueError):  # two heads per entry, or they would be read past
        ACCELERATOR.keep(found, ctx(heads=array("q", bytes(8 * n))), out)
    with pytest.raises(ValueError):
        ACCELERATOR.keep(found, ctx(variant_entry=array("i", [n] * len(index.variant_entry))),
                         out)
    with pytest.raises(IndexError):
        ACCELERATOR.keep(array("q", [0, 3, 2 * len(index.variant_entry)]), ctx(), out)
    with pytest.raises(ValueError):
        ACCELERATOR.keep(b"\0" * 20, ctx(), out)
    for outside in ([2, 5, 0], [-1, 1, 0], [1 << 40, (1 << 40) + 1, 0], [2, 2, 0]):
        with pytest.raises(ValueError, match="outside the text"):  # read around: never
            ACCELERATOR.keep(array("q", outside), ctx(), out)
    with pytest.raises(TypeError):
        ACCELERATOR.keep(found, ctx(mode=7), out)
    for at in (-(1 << 40), -1, 5):  # the current section (writable): checked, not trusted
        with pytest.raises(ValueError, match="section"):
            ACCELERATOR.keep(array("q", [0, 3, 0, 0, 3, 0]),
                             ctx(mode=2, sections=array("q", [0, 1]), at=array("q", [at])),
                             out)
    with pytest.raises(ZeroDivisionError):  # a failing check is raised, not swallowed
        flags = bytearray(index.flags)
        flags[0] = 1 | 2
        ACCELERATOR.keep(found, ctx(flags=flags, check=lambda *a: 1 // 0), out)


@pytest.mark.parametrize("chunk", [1, 2, 3, 1000])
def test_the_text_renderer_writes_the_same_in_chunks(
        chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from glossator.render import text as text_renderer

    monkeypatch.setattr(text_renderer, "_CHUNK", chunk)
    for text in ("L’ESS et la SCOP, l’ESS. Les coopératives", "ESS", "ESS ", "x ESS.ESS"):
        doc = Annotator(GLOSSARY, occurrences="all").annotate(text)
        assert isinstance(doc, KeptText)
        assert render(doc, "text") == render(AnnotatedText(text, doc.annotations), "text")


@pytest.mark.parametrize("occurrences", ["first", "all"])
@pytest.mark.parametrize("cap", [None, 1])
def test_a_text_streamed_piece_by_piece_is_kept_in_c_as_it_is_whole(
        occurrences: str, cap: int | None) -> None:
    from glossator.streaming import annotate_pieces

    text = " ".join(["L’ESS et la SCOP des coopératives, économie sociale.", "DROIT DES",
                     "Une économie sociale, et solidaire.", "coopérative d'habitants"] * 500)
    annotator = Annotator(GLOSSARY, occurrences=occurrences, max_per_entry=cap)
    pieces = [text[i:i + 997] for i in range(0, len(text), 997)]
    parts = list(annotate_pieces(annotator, pieces, chunk=3000))
    assert len(parts) > 3 and all(isinstance(p, KeptText) for p in parts)
    assert "".join(render(p, "text") for p in parts) == render(annotator.annotate(text), "text")
    assert sum(len(p) for p in parts) == len(_reference(annotator, text))


def test_a_document_with_more_senses_than_room_is_kept_in_python(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from glossator import kept

    def no_room(self: object, entry: object) -> int:
        raise kept._NoRoom

    text = "Contrat d'accompagnement dans l'emploi (CAE). La CAE et DES."
    annotator = Annotator(SENSES, occurrences="all")
    expected = annotator.annotate(text)
    monkeypatch.setattr(kept._Entries, "register", no_room)
    doc = annotator.annotate(text)
    assert not isinstance(doc, KeptText) and doc == expected


ODD_WORDS = [*WORDS, "écONOMIE SOCIALE", "economie sociale", "Economie sociale et solidaire",
             "cooperative", "COOPERATIVES", "tiers-lieux", "TIERS-LIEU", "l’E.S.S.", "&<b>",
             "\u2028", "\x0b", "x\U0001f600", "\"\\", "Coopérative d’activité"]


@settings(max_examples=80, deadline=None)
@given(text=st.lists(st.sampled_from(ODD_WORDS), max_size=50).map(" ".join),
       occurrences=st.sampled_from(["first", "section", "all"]),
       accents=st.sampled_from(["strict", "fold"]), indent=st.sampled_from([2, 0, 3]),
       source=st.sampled_from([None, "a\"b.txt"]))
def test_json_from_the_arrays_is_json_from_the_objects(
        text: str, occurrences: str, accents: str, indent: int, source: str | None) -> None:
    """Every ``how`` (exact, elision, case, accent-folded, inflected, alias), whether
    the variant alone says it or the surface must be looked at."""
    doc = Annotator(GLOSSARY, occurrences=occurrences, accents=accents).annotate(text)
    assert isinstance(doc, KeptText)
    from_arrays = render(doc, "json", indent=indent, source=source)
    assert doc._built is None  # the renderer never built the objects
    assert from_arrays == render(AnnotatedText(text, doc.annotations), "json", indent=indent,
                                 source=source)


@settings(max_examples=80, deadline=None)
@given(text=st.lists(st.sampled_from(ODD_WORDS), max_size=50).map(" ".join),
       occurrences=st.sampled_from(["first", "all"]),
       markup=st.sampled_from(["glossator", "spip", "abbr"]),
       link_to=st.sampled_from([None, "index.html"]), standalone=st.booleans(),
       id_prefix=st.sampled_from(["gl-", "x_:.9-"]))
def test_html_from_the_arrays_is_html_from_the_objects(
        text: str, occurrences: str, markup: str, link_to: str | None, standalone: bool,
        id_prefix: str) -> None:
    doc = Annotator(GLOSSARY, occurrences=occurrences).annotate(text)
    assert isinstance(doc, KeptText)
    options: dict[str, Any] = dict(markup=markup, link_to=link_to, standalone=standalone,
                                   id_prefix=id_prefix)
    from_arrays = render(doc, "html", **options)
    assert doc._built is None
    assert from_arrays == render(AnnotatedText(text, doc.annotations), "html", **options)


def test_each_form_with_several_senses_keeps_its_own_tooltip_document_after_document(
) -> None:
    # every sense numbered is a new entry each time it is asked for: keyed by id(), the
    # second one took the first's freed id, and DES showed CAE's senses from the second
    # document on
    annotator = Annotator(SENSES, occurrences="first", senses="all")
    for _ in range(3):
        doc = annotator.annotate("CAE DES")
        assert isinstance(doc, KeptText)
        html = render(doc, "html", markup="glossator")
        assert html == render(AnnotatedText(doc.text, doc.annotations), "html",
                              markup="glossator")
        assert html.count('data-glossator-entry="des~senses"') == 1


@settings(max_examples=80, deadline=None)
@given(text=st.lists(st.sampled_from(SENSE_WORDS), max_size=50).map(" ".join),
       occurrences=st.sampled_from(["first", "all"]),
       senses=st.sampled_from(["all", "skip", "first"]),
       markup=st.sampled_from(["glossator", "spip"]),
       link_to=st.sampled_from([None, "index.html"]))
def test_senses_are_written_from_the_arrays_as_from_the_objects(
        text: str, occurrences: str, senses: str, markup: str, link_to: str | None) -> None:
    """The matches of a form with several senses: their own entry and fields."""
    doc = Annotator(SENSES, occurrences=occurrences, senses=senses).annotate(text)
    assert isinstance(doc, KeptText)
    html = render(doc, "html", markup=markup, link_to=link_to)
    json = render(doc, "json")
    assert doc._built is None
    plain = AnnotatedText(text, doc.annotations)
    assert html == render(plain, "html", markup=markup, link_to=link_to)
    assert json == render(plain, "json")


def test_json_looks_at_the_surface_only_where_how_needs_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``how`` is asked of Python once per variant and surface for a matcher (not again
    for its next documents), and only where the variant alone does not say it (a
    surface that is not the form, written as it is), nor the C renderer (a plain word
    in other capitals: ``case``)."""
    from glossator.render.splice import SPLICE

    if SPLICE is None:
        pytest.skip("the C renderer is not built")
    asked: list[str] = []
    how = KeptText.how

    def counted(self: KeptText, k: int, v: Any = None) -> str:
        asked.append(self.text[self.starts[k]:self.ends[k]])
        return how(self, k, v)

    monkeypatch.setattr(KeptText, "how", counted)
    text = ("ESS, l’ESS, SCOP, Coopérative, coopérative, Coopérative, coopératives, "
            "économie sociale, Tiers\u2011lieu, Tiers\u2011lieu.")
    annotator = Annotator(Glossary.from_dicts(ENTRIES), occurrences="all")  # a new matcher
    doc = annotator.annotate(text)
    assert isinstance(doc, KeptText)
    out = render(doc, "json")
    # (a non-breaking hyphen: not a plain word, Python looks; Coopérative: C knows)
    assert asked == ["Tiers\u2011lieu"]
    again = annotator.annotate(text)
    assert isinstance(again, KeptText)
    assert render(again, "json") == out
    assert asked == ["Tiers\u2011lieu"]  # kept with the matcher's pieces
    assert out == render(AnnotatedText(text, doc.annotations), "json")
    assert [a.how for a in doc.annotations] == [
        "exact", "elision", "exact", "case", "exact", "case", "inflected", "alias", "case",
        "case"]


def test_the_c_numbering_and_picking_of_the_kept_arrays() -> None:
    from glossator.render.splice import SPLICE

    if SPLICE is None:
        pytest.skip("the C renderer is not built")
    values = array("q", [5, 3, 5, 1 << 40, 3, -2, 5, *range(1000)])
    raw_keys, raw_firsts = SPLICE.number(values)
    keys, firsts = array("q"), array("q")
    keys.frombytes(raw_keys)
    firsts.frombytes(raw_firsts)
    numbers: dict[int, int] = {}
    for v in values:
        numbers.setdefault(v, len(numbers))
    assert list(keys) == [numbers[v] for v in values]
    assert [values[i] for i in firsts] == list(numbers)
    assert SPLICE.number(array("q")) == (b"", b"")
    text = "abXab\U0001f600"
    got = SPLICE.pick(text, array("q", [0, 3, 0, 5]), array("q", [2, 5, 1, 6]),
                      array("q", [0, 0, 1, 2]), array("q", [7, 8, 9]), ["ab", None, False])
    picked, misses = array("q"), array("q")
    picked.frombytes(got[0])
    misses.frombytes(got[1])
    assert (list(picked), list(misses)) == ([7, 7, 8, 0], [3])
    with pytest.raises(IndexError):  # a group with no check
        SPLICE.pick(text, array("q", [0]), array("q", [1]), array("q", [3]),
                    array("q", [7, 8, 9]), ["ab", None, False])
    with pytest.raises(ValueError):
        SPLICE.pick(text, array("q", [0]), array("q", [1]), array("q", [0]),
                    array("q", [7]), ["ab", None])
    with pytest.raises(TypeError):
        SPLICE.number(array("i", [1]))


#: Characters around the edges of "plain" words (matching/scan.py _PLAIN_WORDS): letters
#: whose case maps in and out of Latin-1, ligatures, typographic apostrophes and spaces,
#: a soft hyphen, a combining accent.
_CASE_ALPHABET = "aAeEéÉæÆœŒßÿŸµ×÷ -'’\u00a0\u00ad\u0301xX1"


def _how_the_long_way(surface: str, form: str) -> str:
    """What Matcher.how says of a plain variant of ``form`` matched as ``surface``,
    without its fast paths."""
    from glossator.matching.fold import _flat, _unligatured
    from glossator.text.normalize import canonical

    flat, canon = _flat(surface.encode()), canonical(form)
    return "case" if flat != canon and _unligatured(flat) != _unligatured(canon) else "exact"


@settings(max_examples=400, deadline=None)
@given(st.text(_CASE_ALPHABET, min_size=1, max_size=6), st.lists(st.booleans(), min_size=6,
                                                                 max_size=6))
@example("Les", [False] * 6)
@example("ab cd", [True] * 6)
@example("a  b", [True] * 6)
def test_case_only_agrees_with_how_in_python_and_in_c(form: str, upper: list[bool]) -> None:
    """A surface that is its form but for capitals is "case" by the fast paths (Python's
    ``_case_only`` and the C ``pick`` of the JSON renderer) only where ``how`` the long
    way says so too; both fast paths agree on every pair."""
    from glossator.render.splice import SPLICE

    surface = "".join(c.upper() if u and len(c.upper()) == 1 else c
                      for c, u in zip(form, upper, strict=False))
    fast = scan_module._case_only(surface, form)
    if fast:
        assert _how_the_long_way(surface, form) == "case"
    if SPLICE is None:
        return
    got = SPLICE.pick(surface, array("q", [0]), array("q", [len(surface)]), array("q", [0]),
                      array("q", [7]), [form], cases=100)
    keys = array("q")
    keys.frombytes(got[0])
    assert (keys[0] == 100) == fast or surface == form


def test_pick_gives_the_case_matches_a_key_per_group() -> None:
    """With ``cases``, the matches whose text is their group's check but for capitals get
    one key per group, numbered from ``cases`` in order of first match, with that match
    and group listed; other mismatches stay misses."""
    from glossator.render.splice import SPLICE

    if SPLICE is None:
        pytest.skip("the C renderer is not built")
    text = "Les les LES Lès Ab AB a-b"
    at = [(0, 3), (4, 7), (8, 11), (12, 15), (16, 18), (19, 21), (22, 25)]
    groups = array("q", [0, 0, 0, 0, 1, 1, 2])
    got = SPLICE.pick(text, array("q", [s for s, _ in at]), array("q", [e for _, e in at]),
                      groups, array("q", [7, 8, 9]), ["les", "ab", "A-B"], cases=3)
    keys, misses, firsts = array("q"), array("q"), array("q")
    keys.frombytes(got[0])
    misses.frombytes(got[1])
    firsts.frombytes(got[2])
    # "Lès" is not "les" but for capitals: a miss, as "les"'s own key is 7
    assert list(keys) == [3, 7, 3, 0, 4, 4, 5]
    assert list(misses) == [3]
    assert list(firsts) == [0, 0, 4, 1, 6, 2]
    assert len(SPLICE.pick(text, array("q", [0]), array("q", [3]), array("q", [0]),
                           array("q", [7]), ["les"])) == 2  # (not asked: as before)


def test_json_pieces_are_kept_per_matcher_and_bounded() -> None:
    """The JSON of each code is made once per matcher and indent (for the next documents
    of a service), for a few indents only, and the output is the same whether made or
    kept; the pieces live with the matcher, not beyond it."""
    from glossator.render import json as json_module

    text = "ESS, l’ESS, SCOP, Coopérative, coopératives, économie sociale. " * 3
    annotator = Annotator(Glossary.from_dicts(ENTRIES), occurrences="all")
    for indent in range(8):
        for _ in range(2):
            doc = annotator.annotate(text)
            assert isinstance(doc, KeptText)
            got = render(doc, "json", indent=indent)  # from the arrays: first
            assert got == render(AnnotatedText(text, doc.annotations), "json", indent=indent)
    variants = annotator.matcher.variants
    assert len(variants.memo["json"]) == json_module._MEMO_INDENTS
    assert all(len(by_code) <= 2 * len(variants) for by_code, _ in
               variants.memo["json"].values())
    # each code's pieces (an entry index and strs) out of the collector's sight, as it
    # would put them the first time it walked them: a service's collections skip them
    import gc

    kept_codes = [hit for by_code, _ in variants.memo["json"].values()
                  for hit in by_code.values()]
    assert kept_codes and not any(map(gc.is_tracked, kept_codes))


#: What a JSON string escapes, and what it must write as it is.
JSON_SPECIAL = ("\"\\/\x00\x01\x08\x09\x0a\x0c\x0d\x1b\x1f\x7f\x85\u2028\u2029\u00a0é’"
                "\U0001f600\uffff ab")
json_fields = st.text(st.sampled_from(JSON_SPECIAL), max_size=12)


@settings(max_examples=80, deadline=None)
@given(definitions=st.lists(json_fields.map(lambda s: "Déf " + s), min_size=3, max_size=3),
       titles=st.lists(st.one_of(st.none(), json_fields), min_size=3, max_size=3),
       ids=st.lists(st.sampled_from(["a\"b", "x\\y", "e\x01", "é’"]), min_size=3,
                    max_size=3, unique=True),
       text=st.lists(st.sampled_from(["ESS", "l'ESS", "SCOPs", "Scop", "économie sociale",
                                      "economie sociale", "de", "\n"]),
                     min_size=1, max_size=30).map(lambda words: "ESS " + " ".join(words)),
       accents=st.sampled_from(["strict", "fold"]), indent=st.sampled_from([2, 0, 5]))
def test_json_from_the_arrays_is_what_the_json_module_writes(
        definitions: list[str], titles: list[str | None], ids: list[str], text: str,
        accents: str, indent: int) -> None:
    """The pieces made once per code in C (``_splice.json_pieces``: each field escaped,
    the title else the term, every ``how``) are what :mod:`json` writes for the same
    annotations, with fields that hold every character JSON escapes; and, made in UTF-8
    for a sink, its bytes as the writer encodes them."""
    import json

    from glossator.render import write

    glossary = Glossary.from_dicts([
        {"term": "ESS", "definition": definitions[0], "title": titles[0], "id": ids[0]},
        {"term": "SCOP", "definition": definitions[1], "title": titles[1], "id": ids[1]},
        {"term": "économie sociale", "definition": definitions[2], "title": titles[2],
         "id": ids[2]}])
    doc = Annotator(glossary, occurrences="all", accents=accents).annotate(text)
    assert isinstance(doc, KeptText)
    got = render(doc, "json", indent=indent)
    chunks: list[bytes] = []
    write(doc, chunks.append, "json", indent=indent)
    assert doc._built is None  # (both from the arrays)
    assert b"".join(chunks) == got.encode("utf-8", errors="xmlcharrefreplace")
    assert got == json.dumps(doc.to_dict(), ensure_ascii=False, indent=indent)


def _pieces_both_ways(docs: list[KeptText], monkeypatch: pytest.MonkeyPatch,
                      ) -> tuple[Any, Any]:
    """What ``render.json._code_pieces`` makes of each document's groups in turn (the
    memo they share filled by the ones before), in C, then in Python."""
    from glossator.render import json as json_module
    from glossator.render.splice import SPLICE, int64s

    if SPLICE is None:
        pytest.skip("the C renderer is not built")
    made: list[list[Any]] = []
    for splice in (SPLICE, None):
        docs[0]._matcher.variants.memo.clear()
        made.append([])
        for doc in docs:
            with monkeypatch.context() as m:
                m.setattr(json_module, "SPLICE", splice)
                pieces, checks, (hits, by_entry) = json_module._code_pieces(
                    doc, int64s(SPLICE.number(doc.codes)[1]), "\n   ", " ")
            made[-1].append((pieces, checks, hits, dict(by_entry)))
    return made[0], made[1]


def test_json_pieces_in_c_are_the_python_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Piece, check and what is kept of each code, from an empty memo, and from one that
    holds a code for the entry of another sense than the one a document chose."""
    text = ("ESS, l’ESS, SCOP, Scops, Coopérative, coopératives, économie sociale, CAE, "
            "tiers lieu. ") * 2
    for accents in ("strict", "fold"):
        doc = Annotator(Glossary.from_dicts(ENTRIES), occurrences="all",
                        accents=accents).annotate(text)
        assert isinstance(doc, KeptText)
        (in_c,), (in_python,) = _pieces_both_ways([doc], monkeypatch)
        assert in_c == in_python and len(in_c[0]) >= 6
        # each kind of check: the variant says how, the form's text, the surface read
        assert any(c is None for c in in_c[1]) and any(isinstance(c, str) for c in in_c[1])
        assert any(c is False for c in in_c[1]) == (accents == "fold")
    annotator = Annotator(SENSES, occurrences="all")
    made = [annotator.annotate(t) for t in (
        "Coopérative d'activité et d'emploi (CAE). La CAE.",
        "Contrat d'accompagnement dans l'emploi (CAE). La CAE.")]
    docs = [d for d in made if isinstance(d, KeptText)]
    assert len(docs) == 2
    # the same code, another entry: the second is not the first's kept pieces
    assert docs[0].codes[-1] == docs[1].codes[-1]
    assert docs[0].entries[-1] != docs[1].entries[-1]
    in_c_all, in_python_all = _pieces_both_ways(docs, monkeypatch)
    assert in_c_all == in_python_all
    assert "accompagnement" in in_c_all[1][0][-1] and "accompagnement" not in in_c_all[0][0][-1]


class _Entry:
    """An entry as ``json_pieces`` reads it (its slots read in place)."""

    __slots__ = ("definition", "id", "term", "title")

    def __init__(self, n: int) -> None:
        self.id, self.term, self.title, self.definition = f"e{n}", f"T{n}", None, "déf"


class _Form:
    """A form as ``json_pieces`` reads it."""

    __slots__ = ("entry", "is_alias", "text")

    def __init__(self, text: str, entry: _Entry, is_alias: bool) -> None:
        self.text, self.entry, self.is_alias = text, entry, is_alias


class _Tag(str):
    """A tag whose hash runs Python code (a collection) each time it is asked."""

    def __hash__(self) -> int:
        import gc

        gc.collect()
        return str.__hash__(self)


@pytest.mark.parametrize("fold", [False, True])
@pytest.mark.parametrize("kind", [str, _Tag])
def test_json_pieces_read_how_from_any_number_of_tags(fold: bool, kind: type[str]) -> None:
    """Each code's end after ``how`` is the one its tag says (render/json.py
    ``_fixed_how``), for more tags than the C maker keeps the ends of, equal tags that
    are distinct objects, aliases or not, elided or not, tags whose hash runs Python."""
    from glossator.render.json import _after_how, _fixed_how
    from glossator.render.splice import SPLICE

    if SPLICE is None:
        pytest.skip("the C renderer is not built")
    tags = [kind("".join(["t", str(i % 23)])) for i in range(60)] + ["inflected", "", "é\\"]
    entries = [_Entry(n) for n in range(5)]
    forms = tuple(_Form(f"f{v}", entries[v % 5], v % 3 == 0) for v in range(len(tags)))
    rows = tuple((v, "", tag) for v, tag in enumerate(tags))
    codes = array("q", [v * 2 + (v % 2) for v in range(len(tags))])
    entry_of = array("q", [v % 5 for v in range(len(tags))])
    field = "\n  "
    how_is, ends, plain = _after_how(field, " ")
    _, _, hits = SPLICE.json_pieces(
        array("q", range(len(tags))), codes, entry_of, {}, {}, 1 << 15,
        dict(enumerate(entries)), {}, [e.id for e in entries], rows, forms, field,
        how_is, ends, plain, fold, False)
    for v, (e, _, end, check) in enumerate(hits):
        fixed = _fixed_how(tags[v], v % 3 == 0, fold)
        assert e == v % 5
        if fixed:
            assert (end, check) == (f"{how_is}{fixed},{ends[v % 2]}", None)
        else:
            assert end == plain[v % 2]
            assert check == (False if tags[v] else forms[v].text)


def _from_the_cache(tmp_path: Any, yaml: str, text: str, fmt: str,
                    ) -> tuple[Annotator, str]:
    """An annotator over ``yaml`` read back from a cache (its rows not a tuple), and
    ``text`` rendered as ``fmt`` by a freshly parsed one."""
    from glossator import compile_glossary
    from glossator.loaders import read_glossary

    path = tmp_path / "g.yaml"
    path.write_text(yaml, encoding="utf-8")
    cache = tmp_path / "cache"
    fresh = render(Annotator(read_glossary(path), occurrences="all").annotate(text), fmt)
    compile_glossary(read_glossary(path, cache_dir=cache), cache_dir=str(cache))
    annotator = Annotator(read_glossary(path, cache_dir=cache), occurrences="all",
                          cache_dir=str(cache))
    assert type(annotator.matcher.variants.rows) is not tuple  # read from the cache
    return annotator, fresh


def test_json_pieces_in_c_read_a_cached_matcher(tmp_path: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A matcher read back from the cache (its rows decoded on first use, not a tuple)
    gives the same pieces in C as in Python, and the same JSON as a fresh one."""
    text = "L’ESS et les coopératives, la coop."
    annotator, fresh = _from_the_cache(
        tmp_path, "entries:\n  - term: ESS\n    definition: Économie \"sociale\".\n"
        "  - term: coopérative\n    definition: Entreprise.\n    aliases: [coop]\n",
        text, "json")
    doc = annotator.annotate(text)
    assert isinstance(doc, KeptText)
    (in_c,), (in_python,) = _pieces_both_ways([doc], monkeypatch)
    assert in_c == in_python and len(in_c[0]) == 3
    doc._matcher.variants.memo.clear()
    assert render(doc, "json") == fresh


#: Fields a tooltip must escape, fold onto one line, clean, or judge (a url).
HTML_FIELDS = st.text(st.sampled_from("&<>\"' \n\t\u00a0\u2028\x01\x7féa’"), max_size=10)


@settings(max_examples=80, deadline=None)
@given(definitions=st.lists(HTML_FIELDS.map(lambda s: "Déf " + s), min_size=3, max_size=3),
       titles=st.lists(st.one_of(st.none(), HTML_FIELDS), min_size=3, max_size=3),
       urls=st.lists(st.sampled_from([None, "https://ex.org/?a=1&b=<2>", "javascript:x",
                                      " https://ex.org/ ", "mailto:a@b.fr"]),
                     min_size=3, max_size=3),
       sources=st.lists(st.one_of(st.none(), HTML_FIELDS), min_size=3, max_size=3),
       text=st.lists(st.sampled_from(["ESS", "l'ESS", "SCOPs", "économie sociale", "de"]),
                     max_size=20).map(lambda words: "ESS " + " ".join(words)),
       markup=st.sampled_from(["glossator", "spip", "abbr"]), rich=st.booleans())
def test_tooltips_from_the_arrays_hold_any_field(
        definitions: list[str], titles: list[str | None], urls: list[str | None],
        sources: list[str | None], text: str, markup: str, rich: bool) -> None:
    """The templates made in one C call per document (``_splice.templates``) are those
    the annotation objects give, whatever the fields hold; those it leaves to Python
    (a field to fold or clean, a url to judge) too."""
    glossary = Glossary.from_dicts([
        {"term": t, "definition": d, "title": ti, "url": u, "source": so}
        for t, d, ti, u, so in zip(["ESS", "SCOP", "économie sociale"], definitions, titles,
                                   urls, sources, strict=True)])
    doc = Annotator(glossary, occurrences="all").annotate(text)
    assert isinstance(doc, KeptText)
    got = render(doc, "html", markup=markup, rich_definitions=rich)
    assert doc._built is None
    assert got == render(AnnotatedText(text, doc.annotations), "html", markup=markup,
                         rich_definitions=rich)


def test_tooltips_from_a_cached_matcher_and_from_the_memo(tmp_path: Any) -> None:
    """A matcher read back from the cache (its rows not a tuple) writes the tooltips a
    fresh one writes, the first document and the next (from the memo), and a
    definition the C call leaves to Python (white space to fold) is written too."""
    text = "L’ESS et les coopératives, la coop."
    annotator, fresh = _from_the_cache(
        tmp_path, "entries:\n  - term: ESS\n"
        "    definition: \"Économie  sociale\\net <b>solidaire</b>.\"\n"
        "  - term: coopérative\n    definition: Entreprise & associés.\n"
        "    aliases: [coop]\n    url: https://ex.org/coop\n", text, "html")
    for _ in range(2):
        doc = annotator.annotate(text)
        assert isinstance(doc, KeptText)
        assert render(doc, "html") == fresh
    assert "Économie sociale et" in fresh and "&amp; associés" in fresh


@settings(max_examples=60, deadline=None)
@given(definitions=st.lists(HTML_FIELDS.map(lambda s: "Déf " + s), min_size=3, max_size=3),
       titles=st.lists(st.one_of(st.none(), HTML_FIELDS), min_size=3, max_size=3),
       text=st.lists(st.sampled_from(["ESS", "l'ESS", "SCOPs", "économie sociale", "de"]),
                     max_size=20).map(lambda words: "ESS " + " ".join(words)))
def test_expansions_from_the_arrays_hold_any_field(
        definitions: list[str], titles: list[str | None], text: str) -> None:
    """The text expansions made in one C call per document (``_splice.expansions``),
    and those it leaves to Python (white space to fold), are those of the objects."""
    glossary = Glossary.from_dicts([
        {"term": t, "definition": d, "title": ti}
        for t, d, ti in zip(["ESS", "SCOP", "économie sociale"], definitions, titles,
                            strict=True)])
    doc = Annotator(glossary, occurrences="all").annotate(text)
    assert isinstance(doc, KeptText)
    got = render(doc, "text")
    assert doc._built is None
    assert got == render(AnnotatedText(text, doc.annotations), "text")


#: Calls of the batch makers with hostile arguments: a form class holding another
#: class's slot descriptors (a read past the object), an entry whose ``id`` empties the
#: table's keys while it is read, a kept code whose ``__eq__`` empties the memo it is in.
HOSTILE_CALLS = r'''
import functools
from array import array
from glossator.render import _splice as S
q = lambda *v: array("q", v)
class Big:
    __slots__ = tuple(f"s{i}" for i in range(4000)) + ("text", "entry")
class Borrowed:
    __slots__ = ()
Borrowed.text = Big.__dict__["text"]
Borrowed.entry = Big.__dict__["entry"]
keys = ["".join(["ke", "y0"])]
class Clearing:
    term, title, definition, url, source = "t", None, "d", None, None
    @property
    def id(self):
        keys.clear()
        return "other"
class Form:
    text, is_alias, entry = "x", False, Clearing()
by_code = {}
class Eq:
    def __eq__(self, other):
        by_code.clear()
        return True
    __hash__ = object.__hash__
by_code[0] = (Eq(), "m", "end", None)
by_code_utf8 = {}
class EqUtf8:
    def __eq__(self, other):
        by_code_utf8.clear()
        return True
    __hash__ = object.__hash__
by_code_utf8[0] = (EqUtf8(), b"m", "end", None)
rows = ((0, "x", ""),)
calls = [
    lambda: S.json_pieces(q(0), q(0), q(0), {}, {}, 10, {}, {}, ["a"], rows, (Borrowed(),),
                          "\n", "h", ("a", "b"), ("c", "d"), False, False),
    lambda: S.templates(0, False, q(0), q(0), q(0), {}, {}, ["a"], rows, (Borrowed(),), {}, 9),
    lambda: S.expansions(q(0), q(0), q(0), {}, {}, ["a"], rows, (Borrowed(),)),
    lambda: S.json_pieces(q(0), q(0), q(0), {}, {}, 10, {}, {0: Clearing()}, keys, rows,
                          (Form(),), "\n", "h", ("a", "b"), ("c", "d"), False, False),
    lambda: S.templates(0, False, q(0), q(0), q(0), {}, {0: Clearing()}, keys, rows,
                        (Form(),), {}, 9),
    lambda: S.expansions(q(0), q(0), q(0), {}, {0: Clearing()}, keys, rows, (Form(),)),
    lambda: S.json_pieces(q(0), q(0), q(0), by_code, {0: "f"}, 10, {}, {}, ["a"], rows, (),
                          "\n", "h", ("a", "b"), ("c", "d"), False, False),
    # the same in UTF-8 (the pieces made as bytes for a sink)
    lambda: S.json_pieces(q(0), q(0), q(0), {}, {}, 10, {}, {}, ["a"], rows, (Borrowed(),),
                          "\n", "h", ("a", "b"), ("c", "d"), False, True),
    lambda: S.json_pieces(q(0), q(0), q(0), {}, {}, 10, {}, {0: Clearing()}, keys, rows,
                          (Form(),), "\n", "h", ("a", "b"), ("c", "d"), False, True),
    lambda: S.json_pieces(q(0), q(0), q(0), by_code_utf8, {0: b"f"}, 10, {}, {}, ["a"], rows,
                          (), "\n", "h", ("a", "b"), ("c", "d"), False, True),
]
for call in calls:
    try:
        call()
    except Exception as exc:
        print(type(exc).__name__)
    else:
        print("made")
'''


def test_the_batch_makers_survive_hostile_arguments() -> None:
    """Called directly with odd objects, the C batch makers raise or make something,
    never read past an object or a freed one (the interpreter would crash)."""
    import subprocess
    import sys

    from glossator.render.splice import SPLICE

    if SPLICE is None:
        pytest.skip("the C renderer is not built")
    done = subprocess.run([sys.executable, "-c", HOSTILE_CALLS], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == (["KeyError"] * 3 + ["made"] * 3 + ["KeyError"]
                                   + ["KeyError", "made", "KeyError"])


def test_an_entry_read_through_its_form_only_when_it_is_the_tables() -> None:
    """The batch makers read a match's entry where its form holds it only when its id is
    the table's key for the match's entry index; else the table's entry is written."""
    from glossator.model import Entry
    from glossator.render.splice import SPLICE

    if SPLICE is None:
        pytest.skip("the C renderer is not built")

    class Form:
        text, is_alias = "ESS", False
        entry = Entry("ESS", "Du formulaire.", "ess")

    table_entry = Entry("ESS", "De la table.", "ess-2")
    q = array("q", [0])
    rows, forms = ((0, "ESS", ""),), (Form(),)
    for keys, shown in ((["ess-2"], "De la table."), (["ess"], "Du formulaire.")):
        got = SPLICE.expansions(q, q, q, {0: table_entry}, {}, keys, rows, forms)
        assert got == [f" ESS {shown}"]
        made = SPLICE.templates(0, False, q, q, q, {0: table_entry}, {}, keys, rows, forms,
                                {}, 9)
        assert shown in "".join(made[1][0])
        pieces = SPLICE.json_pieces(q, q, q, {}, {}, 9, {0: table_entry}, {}, keys, rows,
                                    forms, "\n", "h", ("a", "b"), ("c", "d"), False, False)
        assert shown in pieces[0][0]
        in_utf8 = SPLICE.json_pieces(q, q, q, {}, {}, 9, {0: table_entry}, {}, keys, rows,
                                     forms, "\n", "h", ("a", "b"), ("c", "d"), False, True)
        assert in_utf8[0][0] == pieces[0][0].encode()


def test_an_empty_title_falls_back_to_the_term_in_every_batch_maker() -> None:
    """An entry made in Python may keep ``title=""`` (a loader turns it into None): the
    term is shown, as :attr:`~glossator.model.Entry.display_title` says."""
    from glossator.model import Entry

    glossary = Glossary([Entry(term="ESS", definition="Économie.", id="ess", title="")])
    doc = Annotator(glossary, occurrences="all").annotate("ESS et ESS.")
    assert isinstance(doc, KeptText)
    assert render(doc, "text") == "ESS ESS Économie. et ESS ESS Économie. ."
    assert '"title": "ESS"' in render(doc, "json")
    html = render(doc, "html")
    assert html == render(AnnotatedText(doc.text, doc.annotations), "html")
    assert '<span class="glossator-title">ESS</span>' in html


@functools.cache
def _cache_of_entries() -> tuple[str, str]:
    """:data:`ENTRIES` as a glossary file with its caches written (kept for the module's
    tests; removed at exit): the file and the cache directory."""
    import atexit
    import shutil
    import tempfile

    import yaml

    from glossator import compile_glossary
    from glossator.loaders import read_glossary

    where = tempfile.mkdtemp(prefix="glossator-kept-")
    atexit.register(shutil.rmtree, where, True)
    path = f"{where}/g.yaml"
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump({"entries": ENTRIES}, f, allow_unicode=True)
    cache = f"{where}/cache"
    compile_glossary(read_glossary(path, cache_dir=cache), cache_dir=cache)
    return path, cache


def _annotator_from_the_cache(occurrences: str, cap: int | None = None) -> Annotator:
    """An annotator over :data:`ENTRIES` as a new process has it with ``--cache-dir``: the
    glossary read from its cache (the policies' traits of every entry with it), nothing
    learnt yet."""
    from glossator.loaders import read_glossary

    path, cache = _cache_of_entries()
    glossary = read_glossary(path, cache_dir=cache)
    assert glossary.entry_traits() is not None
    return Annotator(glossary, occurrences=occurrences, max_per_entry=cap, cache_dir=cache)


@settings(max_examples=120, deadline=None)
@given(text=texts, occurrences=st.sampled_from(["first", "section", "all"]),
       cap=st.sampled_from([None, 1, 3]))
@example(text="SCOP, SCOP et SCOP.", occurrences="all", cap=None)  # its own cap: 2
@example(text="Une économie sociale, et solidaire. ESS", occurrences="first", cap=None)
@example(text="DROIT DES COOPÉRATIVES, des coopérative d'habitants", occurrences="all",
         cap=None)
def test_the_traits_read_from_the_glossary_cache_keep_what_learning_keeps(
        text: str, occurrences: str, cap: int | None) -> None:
    """The flags, caps and heads the glossary cache holds (the ways read only when C
    first searches them) keep the matches the entries learnt one by one keep: the
    own-definition rule (Une économie sociale, et solidaire.), the caps (SCOP), not_in,
    capitals (DROIT DES)."""
    fresh = Annotator(GLOSSARY, occurrences=occurrences, max_per_entry=cap)
    cached = _annotator_from_the_cache(occurrences, cap)
    doc = cached.annotate(text)
    assert isinstance(doc, KeptText)
    assert doc.annotations == fresh.annotate(text).annotations


def test_a_run_from_the_cache_works_out_no_entry_and_reads_only_the_ways_it_needs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from glossator import kept
    from glossator.policy import entry_traits

    worked_out: list[str] = []

    def counted(entry: Any) -> tuple[int, int, int, int]:
        worked_out.append(entry.id)
        return entry_traits(entry)

    monkeypatch.setattr(kept, "entry_traits", counted)
    annotator = _annotator_from_the_cache("all")
    store: Any = annotator.glossary._table
    built: list[list[int]] = []
    real_build = type(store).build

    def build(self: Any, indices: Any) -> Any:
        built.append(list(indices))
        return real_build(self, indices)

    monkeypatch.setattr(type(store), "build", build)
    text = "Une économie sociale, et solidaire. L'ESS, la SCOP et la CAE."
    doc = annotator.annotate(text)
    # the entries met, read in one go after the policies (those the own-definition rule
    # read for its ways may be built already), in the order first met
    assert built == [[1, 0, 2, 4]]
    assert all(store._entries[i] is not None for i in (0, 1, 2, 4))
    assert [a.entry.id for a in doc] == ["ess", "scop", "cae"]  # not inside its definition
    assert worked_out == []
    index = EntryIndex.of(annotator.matcher)
    ways = {index.entries.keys()[e]: w for e, w in enumerate(index.ways) if w is not None}
    # only where a way's first two characters were around a match: ESS's ("Éc"…) and
    # the other's ("Un"), whose match lies inside it
    assert sorted(ways) == ["economie-sociale-et-solidaire"]
    assert Annotator(GLOSSARY, occurrences="all").annotate(text).annotations == doc.annotations


def test_learn_must_read_an_entry_the_cache_knew() -> None:
    """``keep`` calls ``learn`` for an entry known from the cache whose row was not read;
    a ``learn`` that leaves it so is an error, not a loop or a silent pass."""
    annotator = _annotator_from_the_cache("all")
    index = EntryIndex.of(annotator.matcher)
    n = index.entries.size
    assert all(f & 16 for f in index.flags[:len(index.entries)])
    found = array("q", [0, 3, 0])
    out = (bytearray(), bytearray(), bytearray(), bytearray())
    ctx = (index.variant_entry, index.flags, index.caps, index.ways, index.heads,
           lambda e: None, lambda *a: False, "ESS", 0, -1, array("q", [0]) * n,
           array("q", [0]) * n, array("q", [0]), array("q", [0]), None, index.by_entry_at,
           index.by_entry)
    with pytest.raises(RuntimeError, match="did not learn"):
        ACCELERATOR.keep(found, ctx, out)


@pytest.mark.parametrize("in_c", [True, False])
def test_gather_and_group(in_c: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from glossator.matching import native

    if not in_c:  # the Python fallbacks (no scanner module)
        monkeypatch.setattr(native, "ACCELERATOR", None)
    values = array("i", [5, 7, 9, 11])
    index = array("i", [3, 0, 0, 2, 1, 3])
    assert list(native.gather(values, index)) == [11, 5, 5, 9, 7, 11]
    assert list(native.gather(memoryview(values), memoryview(index))) == [11, 5, 5, 9, 7, 11]
    at, order = native.group(index, 5)
    assert list(at) == [0, 2, 3, 4, 6, 6]
    assert list(order) == [1, 2, 4, 3, 0, 5]  # positions rising within each key
    assert list(native.group(array("i"), 2)[0]) == [0, 0, 0]


def test_gather_and_group_refuse_what_does_not_fit() -> None:
    values = array("i", [5, 7, 9, 11])
    index = array("i", [3, 0, 0, 2, 1, 3])
    out = array("i", [0]) * len(index)
    with pytest.raises(IndexError):
        ACCELERATOR.gather(out, values, array("i", [0, 1, 2, 3, 4, 0]))
    with pytest.raises(IndexError):
        ACCELERATOR.gather(out, values, array("i", [0, 1, 2, -1, 0, 0]))
    with pytest.raises(ValueError):  # out as long as index
        ACCELERATOR.gather(array("i", [0]), values, index)
    with pytest.raises(ValueError):
        ACCELERATOR.gather(out, b"\0" * 5, index)
    with pytest.raises(BufferError):  # written into: not read-only
        ACCELERATOR.gather(bytes(24), values, index)
    with pytest.raises(IndexError):
        ACCELERATOR.group(index, array("q", [0]) * 4, array("i", [0]) * 6)  # key 3 >= n
    # the keys sharing memory with what is written: read (and checked) before it is
    shared = array("i", [1, 1, 0, 0])
    ACCELERATOR.group(shared, array("q", [0]) * 3, shared)
    assert list(shared) == [2, 3, 0, 1]
    big = bytearray(512)
    keys = memoryview(big)[:32].cast("i")
    ACCELERATOR.group(keys, memoryview(big).cast("q"), array("i", [0]) * 8)
    assert list(memoryview(big).cast("q")[:3]) == [0, 8, 8]
    with pytest.raises(ValueError):
        ACCELERATOR.group(index, array("q", [0]) * 6, array("i", [0]) * 5)


def test_json_reads_the_rows_it_needs_from_the_caches_in_one_go(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The variants' and forms' cache rows a document's new JSON pieces need are read
    in one call each (``render.splice.rows_and_forms``), not one call a row, and the C
    makers read them without a Python call a row or form (``Taken``); the JSON is the
    one a glossary in memory gives."""
    from glossator.store.columns import Rows
    from glossator.store.glossaries import _Winners

    annotator = _annotator_from_the_cache("all")
    one_by_one: list[int] = []
    many: list[list[int]] = []
    asked: list[int] = []
    real_load, real_many = Rows.load, Rows.load_many
    real_row, real_form = Rows.__getitem__, _Winners.__getitem__

    def row(self: Rows, index: Any) -> Any:
        asked.append(index)
        return real_row(self, index)

    def form(self: _Winners, index: Any) -> Any:
        asked.append(index)
        return real_form(self, index)

    def load(self: Rows, index: int) -> Any:
        one_by_one.append(index)
        return real_load(self, index)

    def load_many(self: Rows, indices: Any) -> list[Any]:
        many.append(list(indices))
        return real_many(self, indices)

    monkeypatch.setattr(Rows, "load", load)
    monkeypatch.setattr(Rows, "load_many", load_many)
    monkeypatch.setattr(Rows, "__getitem__", row)
    monkeypatch.setattr(_Winners, "__getitem__", form)
    text = "L'ESS, la SCOP et la CAE, l'économie sociale et l'ESS."
    doc = annotator.annotate(text)
    assert isinstance(doc, KeptText)
    asked.clear()
    got = render(doc, "json")
    assert one_by_one == [] and asked == []
    assert len(many) == 3  # the entries met, then the variants' rows and their forms'
    fresh = Annotator(GLOSSARY, occurrences="all").annotate(text)
    assert got == render(fresh, "json")
    for fmt in ("text", "html"):
        assert render(doc, fmt) == render(fresh, fmt)
    # read from the caches, the batch makers never read an entry through its form: the
    # entries' ids (split out of the cache) are not made for them
    assert EntryIndex.of(annotator.matcher).entries._keys is None
    assert isinstance(fresh, KeptText)
    table: Any = fresh.entry_table
    assert table._keys is not None  # in memory, they are (read through the forms)


def test_the_flags_python_gives_are_those_c_reads() -> None:
    """``policy.TRAIT_*`` (what the glossary cache keeps) and ``ENTRY_*`` in
    ``matching/_keep.h`` (what C reads) are the same bits, and the cached-row bit is
    neither."""
    import re
    from pathlib import Path

    from glossator import kept, policy
    from glossator.matching import scan

    header = (Path(scan.__file__).parent / "_keep.h").read_text("utf-8")
    c = {name: int(value) for name, value in re.findall(r"ENTRY_(\w+) = (\d+)", header)}
    assert c == {"KNOWN": policy.TRAIT_KNOWN, "ASK": policy.TRAIT_ASK,
                 "WAYS": policy.TRAIT_WAYS, "LETTER": policy.TRAIT_LETTER,
                 "CACHED": kept._CACHED_ROW}
    assert len(set(c.values())) == len(c) and all(v & (v - 1) == 0 for v in c.values())


def test_restore_takes_only_a_class_s_own_slots() -> None:
    """``_scan.restore`` fills object slots by offset: a descriptor another class's
    instances own, set on a class, is refused (it would write past the object)."""
    from glossator.model import Entry

    class Small:
        __slots__ = ("a",)

    small: Any = Small
    small.a = Entry.__dict__["origin"]  # a slot of a larger class
    with pytest.raises(TypeError, match="object slots"):
        ACCELERATOR.restore(Small, [(1,)])

    class Fine:
        __slots__ = ("a", "b")

    assert [(x.a, x.b) for x in ACCELERATOR.restore(Fine, [(1, 2), (3, 4)])] == [(1, 2), (3, 4)]


@pytest.mark.parametrize("tail", ["", " ’", " \U0001f600"])  # one, two and four bytes a char
def test_an_own_definition_is_found_at_every_place_of_the_vector_search(tail: str) -> None:
    # keep()'s search for the first two characters of a definition written out compares
    # 8 or 16 places at a time: the definition starts at each lane, the last place of the
    # range included (and the text is of each width)
    annotator = Annotator(GLOSSARY, occurrences="all")
    for pad in range(0, 40):
        for words, kept in (("Une économie sociale, et solidaire.", 0),  # its own: dropped
                            ("une économie sociale, et solidaire.", 1),
                            ("Société coopérative et participative", 1)):
            text = "x " * pad + words + tail
            doc = annotator.annotate(text)
            assert isinstance(doc, KeptText)
            assert len(doc) == kept, (pad, words)
            assert doc.annotations == _reference(annotator, text), (pad, words)
