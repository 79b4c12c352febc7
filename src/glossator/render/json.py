"""JSON spans for pipelines (schema version 1, described in the README).

The output is exactly that of ``json.dumps(doc.to_dict(), ensure_ascii=False,
indent=indent)``, written faster: Python's ``json`` falls back to its pure-Python encoder
whenever ``indent`` is set, which takes seconds for a few hundred thousand annotations.
Here every string goes through the C string encoder of :mod:`json`, and the part of an
annotation that comes from its entry (id, term, title, definition) is encoded once per
entry.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable

from ..kept import KeptText, _Entries
from ..model import JSON_SCHEMA_VERSION, AnnotatedText, Annotation
from .splice import SPLICE, encoded, int64s, rows_and_forms, spans_of
from .splice import out as out_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .splice import Sink

__all__ = ["dumps", "render", "write"]

_encode_str: Callable[[str], str] = getattr(json.encoder, "c_encode_basestring", None) or (
    json.encoder.py_encode_basestring)


def render(doc: AnnotatedText, *, indent: int | None = 2, source: str | None = None) -> str:
    """``{"version", "text", "annotations": [{start, end, surface, entry, …}]}`` as JSON."""
    return _render(doc, indent, source, None)


def write(doc: AnnotatedText, sink: Sink, *, indent: int | None = 2,
          source: str | None = None) -> None:
    """:func:`render` in UTF-8, handed to ``sink`` a bounded piece at a time as the C
    loop writes it (the whole output is never held), or at once where Python writes it."""
    whole = _render(doc, indent, source, sink)
    if whole:
        sink(encoded(whole))


def _render(doc: AnnotatedText, indent: int | None, source: str | None,
            sink: Sink | None) -> str:
    """:func:`render`; with a ``sink``, ``""`` once the C loop has written it there, or
    the output Python wrote, to be written."""
    if indent is None or isinstance(indent, bool) or not isinstance(indent, int) or indent < 0:
        data = doc.to_dict()
        if source is not None:
            data = {"version": data.pop("version"), "source": source, **data}
        return json.dumps(data, ensure_ascii=False, indent=indent)
    pad = " " * indent
    head: dict[str, Any] = {"version": JSON_SCHEMA_VERSION}
    if source is not None:
        head["source"] = source
    out = ["{"]
    for key, value in head.items():
        out.append(f"\n{pad}{_encode_str(key)}: {dumps(value, indent, 1)},")
    out.append(f"\n{pad}\"text\": ")
    middle = f",\n{pad}\"annotations\": "
    if isinstance(doc, KeptText) and doc._built is None and len(doc) and SPLICE is not None:
        # from the arrays, by the C loop, without building the annotation objects
        return _kept_spliced(doc, pad, "".join(out), middle + "[", "\n" + pad + "]\n}", sink)
    if isinstance(doc, KeptText) and doc._built is None and not doc.choices:
        # from the arrays, without building the annotation objects
        out.append(_encode_str(doc.text))
        out.append(middle)
        _kept_annotations(doc, pad, out)
        out.append("\n}")
        return "".join(out)
    annotations = doc.annotations
    if annotations and SPLICE is not None:
        whole = _spliced(doc, pad, "".join(out), middle + "[", "\n" + pad + "]\n}", sink)
        if whole is not None:
            return whole
    out.append(_encode_str(doc.text))
    out.append(middle)
    if not annotations:
        out.append("[]")
    else:
        out.append("[")
        out.append(_items(annotations, pad))
        out.append("\n" + pad + "]")
    out.append("\n}")
    return "".join(out)


def _items(annotations: tuple[Annotation, ...], pad: str) -> str:
    """The annotations' objects, each on a new line at depth 2, comma-separated."""
    out: list[str] = []
    by_entry: dict[int, str] = {}
    sep = "\n" + pad * 2
    for i, a in enumerate(annotations):
        out.append(sep if i == 0 else "," + sep)
        out.append(_annotation(a, pad, by_entry))
    return "".join(out)


def _spliced(doc: AnnotatedText, pad: str, head: str, middle: str, tail: str,
             sink: Sink | None = None) -> str | None:
    """``head``, the text as a JSON string, ``middle``, :func:`_items` and ``tail``
    written by the C loop
    (:mod:`glossator.render.splice`): what follows the surface is rendered once per
    entry, form, variant, ``how`` and elision (annotations grouped so by
    ``_splice.group``); ``None`` where an annotation's surface is
    not its text (built by hand), or offsets are outside the text: the Python loop then
    writes it as it is."""
    text = doc.text
    spans = spans_of(doc.annotations)
    try:
        grouped = SPLICE.group(text, spans.annotations, spans.starts, spans.ends,
                               spans.entries, _SHAPE)
    except ValueError:  # offsets outside the text
        return None
    if grouped is None:  # a surface that is not its text
        return None
    keys = int64s(grouped[0])
    anns = spans.annotations
    by_entry: dict[int, str] = {}
    pieces = [_after_surface(anns[i], pad, by_entry) if not anns[i].senses else ""
              for i in grouped[1]]
    if any(anns[i].senses for i in grouped[1]):  # rare: each written whole
        for n, a in enumerate(anns):
            if a.senses:
                pieces.append(dumps(a.to_dict(), len(pad), 2))
                keys[n] = -len(pieces)
    try:
        return out_of(SPLICE.render_json, text, spans.starts, spans.ends, keys, pieces,
                      "\n" + pad * 2, "\n" + pad * 3, head, middle, tail, sink=sink)
    except ValueError:
        return None


#: What an annotation's object holds after its surface, besides its entry's fields.
_SHAPE = ("form", "variant", "how", "elided", "senses")


def _annotation(a: Annotation, pad: str, by_entry: dict[int, str]) -> str:
    """One annotation's object, at depth 2 (its closing brace at depth 2 too)."""
    if a.senses:  # rare: the general encoder
        return dumps(a.to_dict(), len(pad), 2)
    field = "\n" + pad * 3
    return (f"{{{field}\"start\": {a.start!r},{field}\"end\": {a.end!r},"
            f"{field}\"surface\": {_encode_str(a.surface)},"
            f"{_after_surface(a, pad, by_entry)}")


def _after_surface(a: Annotation, pad: str, by_entry: dict[int, str]) -> str:
    """An annotation's object after ``"surface": …,``: its entry's fields (encoded once
    per entry, in ``by_entry``), form, variant, how, elided, and the closing brace."""
    field = "\n" + pad * 3
    entry = a.entry
    middle = by_entry.get(id(entry))
    if middle is None:
        middle = by_entry[id(entry)] = (
            f"{field}\"entry\": {_encode_str(entry.id)},"
            f"{field}\"term\": {_encode_str(entry.term)},"
            f"{field}\"title\": {_encode_str(entry.display_title)},"
            f"{field}\"definition\": {_encode_str(entry.definition)},")
    form = _encode_str(a.form)
    return (f"{middle}"
            f"{field}\"form\": {form},"
            f"{field}\"variant\": {_encode_str(a.variant) if a.variant else form},"
            f"{field}\"how\": {_encode_str(a.how)},"
            f"{field}\"elided\": {'true' if a.elided else 'false'}\n{pad * 2}}}")


def _kept_annotations(doc: KeptText, pad: str, out: list[str]) -> None:
    """The list of annotations of ``doc``, from its arrays, added to ``out``: the same
    text as :func:`_annotation` gives for each, without building the objects (nor a
    string of the whole list: ``out`` is joined once). What depends only on the variant
    (and so the entry) of a match is written once per variant, and ``out`` holds that
    one string for all its matches: only the start, end and surface are new strings."""
    if not len(doc):
        out.append("[]")
        return
    field = "\n" + pad * 3
    text = doc.text
    by_entry: dict[int, str] = {}
    by_code: dict[int, tuple[str, str, str | None, str, str]] = {}
    how_is = f"{field}\"how\": "
    sep = ",\n" + pad * 2
    out.append("[")
    first = len(out)
    append = out.append
    for k, (start, end, code) in enumerate(zip(doc.starts, doc.ends, doc.codes, strict=True)):
        known = by_code.get(code)
        if known is None:
            known = by_code[code] = _per_code(doc, k, by_entry, field, pad)
        surface = text[start:end]
        append(f"{sep}{{{field}\"start\": {start},{field}\"end\": {end},"
               f"{field}\"surface\": {_encode_str(surface)},")
        append(known[0])
        if known[1]:
            append(known[1])
        elif surface == known[2]:
            append(known[3])
        else:
            append(f"{how_is}{_encode_str(doc.how(k))},{known[4]}")
    out[first] = out[first][1:]  # no comma before the first
    out.append("\n" + pad + "]")


def _kept_spliced(doc: KeptText, pad: str, head: str, middle: str, tail: str,
                  sink: Sink | None = None) -> str:
    """:func:`render` of a :class:`~glossator.kept.KeptText` by the C loop, from its
    arrays: its matches numbered by code (variant and elision, ``_splice.number``), what
    follows the surface rendered once per code (:func:`_per_code`), and each match's
    piece picked in C (``_splice.pick``), by the variant alone or by comparing the
    surface with the form; only the matches whose ``how`` needs a closer look at their
    surface (:meth:`~glossator.matching.scan.Matcher.how`), and those of a form with
    several senses (``choices``), are looked at in Python."""
    text = doc.text
    field = "\n" + pad * 3
    raw_groups, raw_firsts = SPLICE.number(doc.codes)
    # each match's group, then its key, in one buffer (8 bytes a match, not a copy)
    keys = memoryview(raw_groups).cast("q")
    firsts = int64s(raw_firsts)
    # for a sink, the pieces are made in UTF-8 (bytes), which the loop writes as they are
    pieces, checks, kept = _code_pieces(doc, firsts, field, pad, sink is not None)
    _, raw_misses, raw_cases = SPLICE.pick(text, doc.starts, doc.ends, keys,
                                           array("q", range(len(pieces))), checks,
                                           out=keys, cases=len(pieces))
    if raw_cases:
        _case_pieces(doc, int64s(raw_cases), kept, pieces, field, pad)
    # (each piece below joins its code's, in the same kind: str, or UTF-8 bytes)
    if raw_misses:
        _resolve_misses(doc, keys, int64s(raw_misses), kept, pieces, field, pad)
    if doc.choices:
        _choices(doc, keys, pieces, pad)
    return out_of(SPLICE.render_json, text, doc.starts, doc.ends, keys, pieces, "\n" + pad * 2,
                  field, head, middle, tail, sink=sink)


def _code_pieces(doc: KeptText, firsts: array[int], field: str, pad: str,
                 utf8: bool = False,
                 ) -> tuple[list[str | bytes], list[str | bool | None], _Kept]:
    """For the code of each match ``firsts[g]``: the JSON after its surface when ``how``
    is that of its form written as it is, or of its variant alone; the check
    ``_splice.pick`` makes (``None``: the variant says ``how``; the form's text: equal
    to the surface; ``False``: ``how`` reads the surface); and what is kept of each
    code with the entries' fields, for the few groups whose ``how`` reads the surface
    (:func:`_resolve_misses`). Each code's are made once per matcher and indent
    (:func:`_memo`), so a process that annotates many documents with one glossary makes
    them once. With ``utf8`` (a sink's output), the C maker makes them in UTF-8, as
    bytes the write loop copies as they are."""
    utf8 = utf8 and SPLICE is not None and isinstance(doc.entry_table, _Entries)
    by_code, by_entry = _memo(doc, pad, utf8)
    entries, codes = doc.entries, doc.codes
    variants, table = doc._matcher.variants, doc.entry_table
    if SPLICE is not None and isinstance(table, _Entries):  # the same, in C
        # (from a cache: the rows and forms of the new codes read in one go)
        rows, forms = rows_and_forms(variants, lambda: [
            codes[k] >> 1 for k in firsts if codes[k] not in by_code])
        made_c = SPLICE.json_pieces(
            firsts, codes, entries, by_code, by_entry, _MEMO_LIMIT,
            *table.lookup(variants.rows, variants.forms), rows, forms, field,
            *_after_how(field, pad), doc._matcher.options.accents == "fold", utf8)
        return made_c[0], made_c[1], (made_c[2], by_entry)
    pieces: list[str | bytes] = []
    checks: list[str | bool | None] = []
    hits: list[_Pieces] = []
    get = by_code.get
    made = None
    for k in firsts:
        code = codes[k]
        e = entries[k]
        hit = get(code)
        if hit is None or hit[0] != e:  # new, or the entry chosen for a sense
            if made is None:
                made = _Maker(doc, field, pad, by_entry)
            hit = made.pieces(code, e)
            if len(by_code) < _MEMO_LIMIT:
                by_code[code] = hit
        hits.append(hit)
        pieces.append(_joined(by_entry[e], hit[1], hit[2]))
        checks.append(hit[3])
    return pieces, checks, (hits, by_entry)


#: The most codes (variant and elision) whose pieces are kept per matcher and indent
#: (about 500 bytes each with their entry's fields: 131 072 of them were 65 MB, a
#: whole-corpus `--occurrences all` document with 100 000 entries then peaking at 1.51×
#: the streaming scan; 32 768 hold the codes a document of a few MB meets), and the
#: most indents kept per matcher (the others are made for each document).
_MEMO_LIMIT = 1 << 15
_MEMO_INDENTS = 4
#: The most ``how`` kept per matcher by code and surface (document text: emptied when
#: full).
_HOWS_LIMIT = 1 << 16

#: What is kept of a code: the index of its entry, the JSON of its form (after the
#: entry's fields, before ``how``), the rest (one string shared by many codes), the check.
_Pieces = tuple[int, "str | bytes", str, "str | bool | None"]
#: What is kept of each group's code, and the entries' fields by entry index.
_Kept = tuple[list[_Pieces], dict[int, "str | bytes"]]


def _memo(doc: KeptText, pad: str, utf8: bool = False,
          ) -> tuple[dict[int, _Pieces], dict[int, str | bytes]]:
    """The pieces per code and the entries' fields per entry index already made for the
    matcher of ``doc`` at this indent, as str or (``utf8``) as UTF-8 bytes (kept on its
    variants, ``Matcher.variants.memo``: they live as long as the matcher, and hold
    strings only). Threads may fill them at once: what each writes for a key is the
    same."""
    memo = doc._matcher.variants.memo
    per_indent: dict[int, tuple[dict[int, _Pieces], dict[int, str | bytes]]] = (
        memo.setdefault("json utf8" if utf8 else "json", {}))
    found = per_indent.get(len(pad))
    if found is None:
        if len(per_indent) >= _MEMO_INDENTS:
            return {}, {}
        found = per_indent.setdefault(len(pad), ({}, {}))
    return found


class _Maker:
    """Makes what :func:`_code_pieces` keeps of a code, from the variants' raw rows
    (without a variant object), with what every code of a document shares at hand."""

    __slots__ = ("by_entry", "ends", "field", "fixed", "fold", "forms", "how_is", "plain",
                 "rows", "table")

    def __init__(self, doc: KeptText, field: str, pad: str, by_entry: dict[int, str | bytes],
                 ) -> None:
        variants = doc._matcher.variants
        self.rows, self.forms, self.table = variants.rows, variants.forms, doc.entry_table
        self.fold = doc._matcher.options.accents == "fold"
        self.field, self.by_entry = field, by_entry
        self.how_is, self.ends, self.plain = _after_how(field, pad)
        self.fixed: dict[tuple[str, int], str] = {}  # the ends after a fixed ``how``

    def pieces(self, code: int, e: int) -> _Pieces:
        """What is kept of ``code`` (:data:`_Pieces`) for a match of the entry of index
        ``e`` in ``entry_table``, whose fields are made once, in ``by_entry``."""
        enc, field = _encode_str, self.field
        row = self.rows[code >> 1]
        form = self.forms[row[0]]
        if e not in self.by_entry:
            entry = self.table[e]
            self.by_entry[e] = (
                f"{field}\"entry\": {enc(entry.id)},{field}\"term\": {enc(entry.term)},"
                f"{field}\"title\": {enc(entry.display_title)},"
                f"{field}\"definition\": {enc(entry.definition)},")
        text, tag, form_text = row[1], row[2], form.text
        form_json = enc(form_text)
        middle = (f"{field}\"form\": {form_json},"
                  f"{field}\"variant\": {enc(text) if text else form_json},")
        fixed = _fixed_how(tag, form.is_alias, self.fold)
        if fixed:
            end = self.fixed.get((fixed, code & 1))
            if end is None:
                end = self.fixed[(fixed, code & 1)] = (
                    f"{self.how_is}{fixed},{self.ends[code & 1]}")
            return e, middle, end, None
        return e, middle, self.plain[code & 1], False if tag else form_text


def _after_how(field: str, pad: str,
               ) -> tuple[str, tuple[str, str], tuple[str, str]]:
    """What an annotation's object is made of from ``how`` on: the key ``how`` on its
    line, the ends after ``how`` (not elided, elided: :func:`_elided`), and the whole
    rest for a plain match (``exact``, ``elision``)."""
    how_is, ends = f"{field}\"how\": ", _elided(field, pad)
    return how_is, ends, (f'{how_is}"exact",{ends[0]}', f'{how_is}"elision",{ends[1]}')


def _elided(field: str, pad: str) -> tuple[str, str]:
    """The end of an annotation's object after ``how``: not elided, elided."""
    close = f"\n{pad * 2}}}"
    return f"{field}\"elided\": false{close}", f"{field}\"elided\": true{close}"


def _fixed_how(tag: str, is_alias: bool, fold: bool) -> str:
    """``how`` of a match of a variant tagged ``tag`` of a form (an alias or not) as JSON
    when the variant alone says it (:meth:`~glossator.matching.scan.Matcher.how`), else
    ``""``."""
    if tag == "inflected":
        return '"inflected"'
    if is_alias:
        return '"alias"'
    return _encode_str(tag) if tag and not fold else ""


def _resolve_misses(doc: KeptText, keys: memoryview, misses: array[int], kept: _Kept,
                    pieces: list[str | bytes], field: str, pad: str) -> None:
    """The keys of the matches whose ``how`` reads their surface (``keys[i]`` their
    group until then, ``kept`` what is kept of each group's code): a piece
    per group and surface, added to ``pieces`` (the matches numbered by group and
    surface in C, ``_splice.distinct``: Python sees each pair once, not each match);
    ``how`` of each code and surface kept for the matcher's next documents (at most
    :data:`_HOWS_LIMIT`)."""
    text, starts, ends, codes = doc.text, doc.starts, doc.ends, doc.codes
    hows: dict[tuple[int, str], str] = doc._matcher.variants.memo.setdefault("json how", {})
    how_is, elided = f"{field}\"how\": ", _elided(field, pad)
    # each group and surface numbered in C, keys[i] set to its piece: one piece for each
    # (its first match and group, in order of first occurrence, as pieces are added)
    firsts = int64s(SPLICE.distinct(text, starts, ends, keys, misses, len(pieces)))
    for n in range(0, len(firsts), 2):
        i, g = firsts[n], firsts[n + 1]
        surface = text[starts[i]:ends[i]]
        code = codes[i]
        how = hows.get((code, surface))
        if how is None:
            how = _encode_str(doc.how(i))
            if len(hows) >= _HOWS_LIMIT:
                hows.clear()
            hows[(code, surface)] = how
        hit = kept[0][g]
        pieces.append(_joined(kept[1][hit[0]], hit[1], f"{how_is}{how},{elided[code & 1]}"))


def _case_pieces(doc: KeptText, firsts: array[int], kept: _Kept, pieces: list[str | bytes],
                 field: str, pad: str) -> None:
    """The pieces of the groups with matches whose surface is their form's text but for
    its capitals (``how`` is ``case``, found in C by ``_splice.pick``: the commonest
    miss, a word that starts a sentence): one per group, each group's first such match
    and the group in ``firsts``, added to ``pieces`` in order."""
    how_is, elided = f"{field}\"how\": \"case\",", _elided(field, pad)
    hits, by_entry = kept
    codes = doc.codes
    for n in range(0, len(firsts), 2):
        hit = hits[firsts[n + 1]]
        pieces.append(_joined(by_entry[hit[0]], hit[1], how_is + elided[codes[firsts[n]] & 1]))


def _joined(fields: str | bytes, middle: str | bytes, rest: str) -> str | bytes:
    """A piece: an entry's ``fields``, a code's ``middle`` and the ``rest``, in the kind
    the first two are (str, or UTF-8 bytes made for a sink: the rest is then encoded as
    the sink would, ASCII here)."""
    if isinstance(fields, bytes) and isinstance(middle, bytes):
        return b"".join((fields, middle, rest.encode()))
    if isinstance(fields, str) and isinstance(middle, str):
        return f"{fields}{middle}{rest}"
    raise TypeError("an entry's fields and a code's middle of two kinds")


def _choices(doc: KeptText, keys: memoryview, pieces: list[str | bytes], pad: str) -> None:
    """The keys of the matches of a form with several senses: each built alone
    (:meth:`~glossator.kept.KeptText.annotation`) and written as the object path writes
    it (the whole object where it has ``senses``)."""
    by_entry: dict[int, str] = {}
    for k in doc.choices:
        a = doc.annotation(k)
        if a.senses:
            pieces.append(dumps(a.to_dict(), len(pad), 2))
            keys[k] = -len(pieces)
        else:
            pieces.append(_after_surface(a, pad, by_entry))
            keys[k] = len(pieces) - 1



def _per_code(doc: KeptText, k: int, by_entry: dict[int, str], field: str,
              pad: str) -> tuple[str, str, str | None, str, str]:
    """What the JSON of match ``k`` shares with every match of its variant (and elision):
    the fields from ``entry`` to ``variant``; the rest (``how``, ``elided``, the closing
    brace) when the variant alone says how (else ``""``); the surface that makes it
    ``exact`` (or ``elision``) and the rest then; the ``elided`` field and the brace."""
    e = doc.entries[k]
    entry_part = by_entry.get(e)
    if entry_part is None:
        entry = doc.entry_table[e]
        entry_part = by_entry[e] = (
            f"{field}\"entry\": {_encode_str(entry.id)},"
            f"{field}\"term\": {_encode_str(entry.term)},"
            f"{field}\"title\": {_encode_str(entry.display_title)},"
            f"{field}\"definition\": {_encode_str(entry.definition)},")
    v = doc.variant(k)
    elided = bool(doc.codes[k] & 1)
    form = _encode_str(v.form.text)
    middle = (f"{entry_part}{field}\"form\": {form},"
              f"{field}\"variant\": {_encode_str(v.text) if v.text else form},")
    fixed = _fixed_how(v.tag, v.form.is_alias, doc._matcher.options.accents == "fold")
    quick = v.form.text if not v.tag else None
    tail = f"{field}\"elided\": {'true' if elided else 'false'}\n{pad * 2}}}"
    plain = '"elision"' if elided else '"exact"'
    how_is = f"{field}\"how\": "
    return (middle, f"{how_is}{fixed},{tail}" if fixed else "", quick,
            f"{how_is}{plain},{tail}", tail)


def dumps(value: Any, indent: int, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=indent)`` as it is written at
    nesting ``level`` (its inner lines indented one more step)."""
    if isinstance(value, str):
        return _encode_str(value)
    if isinstance(value, dict) and value:
        pad = "\n" + " " * (indent * (level + 1))
        items = ",".join(f"{pad}{_encode_str(str(k))}: {dumps(v, indent, level + 1)}"
                         for k, v in value.items())
        return "{" + items + "\n" + " " * (indent * level) + "}"
    if isinstance(value, (list, tuple)) and value:
        pad = "\n" + " " * (indent * (level + 1))
        items = ",".join(pad + dumps(v, indent, level + 1) for v in value)
        return "[" + items + "\n" + " " * (indent * level) + "]"
    return json.dumps(value, ensure_ascii=False)
