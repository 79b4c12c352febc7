"""TBX glossaries (ISO 30042, TermBase eXchange), read safely.

Each concept (``termEntry`` in TBX 2 / TBX-Basic, ``conceptEntry`` in TBX 3) becomes an
entry. In its French language section (``langSet`` / ``langSec`` with ``xml:lang`` "fr" or
"fr-…"), the preferred term (``termNote type="administrativeStatus"`` of
``preferredTerm-admn-sts``, else the first term) becomes the term and the other terms the
aliases; ``descrip type="definition"`` — in the French section, else on the concept
itself (never in another language's section) — becomes the definition. ``xref
type="externalCrossReference"`` (its ``target``) becomes the ``url`` and ``admin
type="source"`` the ``source``, both looked for in the same places. A concept without a
French term is skipped with a warning, as is one without a French or concept-level
definition.

The XML is parsed with defusedxml: no entity expansion, no external entity or DTD is ever
fetched. The encoding is the XML declaration's unless ``--glossary-encoding`` says
otherwise. Lines: the n-th concept start tag in the text is concept n.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..entries import Syntax, entries_from_data
from ..errors import GlossaryError
from ..glossary import Glossary
from ..model import Diagnostic, Location
from ._xml import parse_xml, xml_text

__all__ = ["TBX_SYNTAX", "load"]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CONCEPT_START = re.compile(r"<(?:[\w-]+:)?(?:termEntry|conceptEntry)\b")
_NOT_MARKUP = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)
TBX_SYNTAX = Syntax(
    no_entries="a TBX file has <termEntry> elements",
    single_entry="a TBX file has <termEntry> elements",
    entries_list="a TBX file has <termEntry> elements",
    entry_shape="a TBX file has <termEntry> elements",
    write_list=lambda key, value: f"give each of the '{key}' its own <tig><term>",
    required=lambda key: 'give the concept a <descrip type="definition"> in its French '
    "<langSet>" if key == "definition" else "give the concept a French <term>",
)
_HINT = "a TBX file has <termEntry> (or <conceptEntry>) elements with a French <langSet>"


def _local(tag: Any) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


_XML_SPACE = re.compile(r"[ \t\n\r]+")


def _text(element: Any) -> str:
    """All the text inside ``element``, XML white space collapsed (no-break spaces stay)."""
    return _XML_SPACE.sub(" ", "".join(element.itertext())).strip(" ")


def _children(element: Any, *names: str) -> list[Any]:
    return [c for c in element if _local(c.tag) in names]


def _own(element: Any) -> Iterator[Any]:
    """``element`` and what it holds, but for the language sections inside it: what a
    concept says of itself. A language section's own are all it holds."""
    yield element
    for child in element:
        if _local(child.tag) not in ("langSet", "langSec"):
            yield from _own(child)


def _definition(element: Any) -> str | None:
    for d in _own(element):
        if _local(d.tag) == "descrip" and d.get("type") == "definition":
            text = _text(d)
            if text:
                return text
    return None


def _xref(element: Any) -> str | None:
    for x in _own(element):
        if (_local(x.tag) == "xref" and x.get("type") == "externalCrossReference"
                and (x.get("target") or "").strip()):
            return _XML_SPACE.sub(" ", x.get("target")).strip(" ")
    return None


def _source(element: Any) -> str | None:
    for a in _own(element):
        if _local(a.tag) == "admin" and a.get("type") == "source" and _text(a):
            return _text(a)
    return None


def _french(concept: Any) -> Any:
    for lang in _children(concept, "langSet", "langSec"):
        code = (lang.get(_XML_LANG) or lang.get("lang") or "").lower()
        if code == "fr" or code.startswith("fr-") or code.startswith("fr_"):
            return lang
    return None


def _terms(lang: Any) -> list[tuple[str, bool]]:
    """``(term, preferred)`` for each term of a language section, in order."""
    found: list[tuple[str, bool]] = []
    for holder in lang.iter():
        if _local(holder.tag) not in ("tig", "ntig", "termSec"):
            continue
        term = next((t for t in holder.iter() if _local(t.tag) == "term"), None)
        if term is None or not _text(term):
            continue
        preferred = any(
            _local(n.tag) == "termNote" and n.get("type") == "administrativeStatus"
            and _text(n).startswith("preferredTerm")
            for n in holder.iter()
        )
        found.append((_text(term), preferred))
    return found


def load(data: bytes, name: str, encoding: str | None = None) -> Glossary:
    """Read a TBX file: one entry per concept with a French term and a definition."""
    text = xml_text(data, name, encoding)
    root = parse_xml(text, name, hint="pip install 'glossator[tbx]'")
    concepts = [e for e in root.iter() if _local(e.tag) in ("termEntry", "conceptEntry")]
    if not concepts:
        raise GlossaryError("no <termEntry> or <conceptEntry> in this file", file=name,
                            hint=_HINT)
    # (a concept's start tag written in a comment or a CDATA section is none)
    read = _NOT_MARKUP.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    starts = [read.count("\n", 0, m.start()) + 1 for m in _CONCEPT_START.finditer(read)]
    diagnostics: list[Diagnostic] = []
    items: list[dict[str, Any]] = []
    lines: list[dict[str, int]] = []
    for n, concept in enumerate(concepts):
        line = starts[n] if len(starts) == len(concepts) else None
        lang = _french(concept)
        terms = _terms(lang) if lang is not None else []
        if not terms:
            ident = concept.get("id") or f"{n + 1}"
            diagnostics.append(Diagnostic(
                "warning", f"concept {ident} has no French term and is skipped",
                Location(name, line), "add a <langSet xml:lang=\"fr\"> with a term",
                "skipped-concept"))
            continue
        ordered = sorted(terms, key=lambda t: not t[1])  # the preferred term first
        item: dict[str, Any] = {"term": ordered[0][0]}
        definition = _definition(lang) or _definition(concept)
        if definition:
            item["definition"] = definition
        aliases = [t for t, _ in ordered[1:] if t != ordered[0][0]]
        if aliases:
            item["aliases"] = aliases
        if concept.get("id"):
            item["id"] = concept.get("id")
        for key, find in (("url", _xref), ("source", _source)):
            value = find(lang) or find(concept)
            if value:
                item[key] = value
        items.append(item)
        lines.append({"": line} if line is not None else {})
    entries = entries_from_data(items, name, diagnostics, lines, TBX_SYNTAX)
    title = next((_text(t) for t in root.iter() if _local(t.tag) == "title" and _text(t)),
                 None)
    return Glossary(entries, name=title, diagnostics=diagnostics)
