"""SKOS glossaries (W3C Simple Knowledge Organization System), read through rdflib.

Each ``skos:Concept`` with a French preferred label becomes an entry:

- ``skos:prefLabel`` in French (``@fr``, ``@fr-FR``…) → ``term``; a concept whose labels
  carry no language tag at all counts as French (a monolingual vocabulary);
- ``skos:altLabel`` and ``skos:hiddenLabel`` in French or without a tag → ``aliases``;
- ``skos:definition`` (French, else untagged), else ``skos:scopeNote`` → ``definition``;
- ``foaf:page`` or ``rdfs:seeAlso`` (http, https or mailto), else the concept's URI when it is
  http(s) → ``url`` (published vocabularies serve a page at their concept URIs);
- the last segment of the concept's URI (after ``#``, ``/`` or ``:``) → ``id``;
- ``dcterms:source`` / ``dc:source`` → ``source``; the title or label of the
  ``skos:ConceptScheme`` names the glossary.

Concepts without a French label, and concepts without a definition (thesauri often have
none), are skipped with one warning each that counts them. Turtle (``.ttl``) and RDF/XML
(``.rdf``) are read; the ``skos`` format tells them apart by their first characters.
RDF/XML goes through defusedxml first (no entity declarations, nothing fetched). Lines are
best effort: an entry's line is the first mention of its concept in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin

from ..entries import Syntax, entries_from_data
from ..errors import GlossaryError
from ..glossary import Glossary
from ..model import Diagnostic, Location
from ._xml import parse_xml, xml_text
from .yaml import decode

__all__ = ["MAX_SKOS_BYTES", "SKOS_SYNTAX", "load", "load_rdfxml", "load_turtle"]

#: SKOS files larger than this are refused: rdflib holds the whole graph in memory, about
#: twenty times the size of the file.
MAX_SKOS_BYTES = 64 * 1024 * 1024

SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
_EXTRA = "pip install 'glossator[skos]'"
_XML_START = re.compile(r"\A(?:\xef\xbb\xbf)?\s*<(?:\?xml|!|[A-Za-z_][\w.-]*:RDF\b|RDF\b)")
_URL = re.compile(r"(?i)https?://")
_LINK = re.compile(r"(?i)(?:https?://|mailto:)")
#: IRIs, prefixed names and rdf:about / rdf:ID values, to find where a concept is mentioned
_MENTION = re.compile(
    r"<([^<>\"{}|^`\\\s]*)>"
    r"|rdf:(about|ID)\s*=\s*[\"']([^\"']*)[\"']"
    r"|(?<![\w:/.#<-])([A-Za-z][\w.-]*)?:([\w%-][\w.%-]*)"
)

SKOS_SYNTAX = Syntax(
    no_entries="describe each concept with 'a skos:Concept' and a skos:prefLabel",
    single_entry="describe each concept with 'a skos:Concept' and a skos:prefLabel",
    entries_list="describe each concept with 'a skos:Concept' and a skos:prefLabel",
    entry_shape="describe each concept with 'a skos:Concept' and a skos:prefLabel",
    write_list=lambda key, value: f"give each of the '{key}' its own label",
    required=lambda key: "give the concept a skos:prefLabel and a skos:definition in French",
)


def _rdflib(name: str) -> Any:
    try:
        import rdflib
    except ImportError:
        raise GlossaryError("reading SKOS needs the rdflib package", file=name,
                            hint=_EXTRA) from None
    return rdflib


def _check_size(data: bytes, name: str) -> None:
    if len(data) > MAX_SKOS_BYTES:
        raise GlossaryError(f"is too large for a SKOS glossary ({len(data)} bytes, at most "
                            f"{MAX_SKOS_BYTES})", file=name, hint="split the vocabulary")


def _base(name: str) -> str:
    from pathlib import Path

    try:
        return Path(name).resolve().as_uri()
    except (ValueError, RuntimeError, OSError):  # RuntimeError: a symlink loop (3.10-3.12)
        return "file:///glossary"


def load(data: bytes, name: str, encoding: str | None = None) -> Glossary:
    """Read a SKOS vocabulary in Turtle or RDF/XML, told apart by the file's first bytes."""
    if _XML_START.match(data[:1024].decode("latin-1")):  # the markup is ASCII either way
        return load_rdfxml(data, name, encoding)
    return load_turtle(data, name, encoding)


def load_turtle(data: bytes, name: str, encoding: str | None = None) -> Glossary:
    """Read a SKOS vocabulary written in Turtle."""
    _check_size(data, name)
    rdflib = _rdflib(name)
    text = decode(data, name, encoding)
    from rdflib.plugins.parsers.notation3 import BadSyntax

    graph = rdflib.Graph()
    try:
        with _typed_literals() as odd:
            graph.parse(data=text, format="turtle", publicID=_base(name))
    except BadSyntax as exc:
        line = getattr(exc, "lines", None)
        why = getattr(exc, "_why", None) or str(exc)
        raise GlossaryError(f"invalid Turtle: {why}", file=name,
                            line=line + 1 if isinstance(line, int) else None,
                            hint="check that line and the end of the statement before it "
                            "(each statement ends with '.')") from None
    except Exception as exc:  # rdflib raises many types (ValueError, ParserError…)
        raise GlossaryError(f"invalid Turtle: {_one_line(exc)}", file=name,
                            hint="check the prefixes and IRIs") from None
    return _glossary(graph, text, name, odd)


def load_rdfxml(data: bytes, name: str, encoding: str | None = None) -> Glossary:
    """Read a SKOS vocabulary written in RDF/XML (screened by defusedxml first)."""
    _check_size(data, name)
    rdflib = _rdflib(name)
    text = xml_text(data, name, encoding)
    parse_xml(text, name, hint=_EXTRA)  # refuses entities; invalid XML gets its line here
    graph = rdflib.Graph()
    try:
        with _typed_literals() as odd:
            graph.parse(data=text.encode("utf-8"), format="xml", publicID=_base(name))
    except Exception as exc:  # rdflib's RDF/XML errors start with "uri:line:column:"
        message = _one_line(exc)
        found = re.match(r".*?:(\d+):(\d+):\s*(.*)", message)
        line = int(found.group(1)) if found else None
        raise GlossaryError(f"invalid RDF/XML: {found.group(3) if found else message}",
                            file=name, line=line,
                            hint="check the rdf: attributes on that line") from None
    return _glossary(graph, text, name, odd)


@contextmanager
def _typed_literals() -> Iterator[list[str]]:
    """The datatypes of the literals whose text is not a value of their type (``"y"`` as
    an ``xsd:integer``), gathered while the block parses: rdflib logs each with a
    traceback, which would reach the user's terminal (their text is still read)."""
    import logging

    found: list[str] = []

    class Gather(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            datatype = re.search(r"Datatype=(\S+?),", record.getMessage())
            found.append(datatype.group(1) if datatype else "?")
            return False

    logger = logging.getLogger("rdflib.term")
    gather = Gather()
    logger.addFilter(gather)
    try:
        yield found
    finally:
        logger.removeFilter(gather)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _french(literals: list[Any], untagged: bool) -> list[str]:
    """The French literals (``@fr``, ``@fr-…``), then, if ``untagged``, the untagged ones."""
    def lang(lit: Any) -> str:
        return (lit.language or "").lower()

    french = sorted(str(lit) for lit in literals
                    if lang(lit) == "fr" or lang(lit).startswith("fr-"))
    plain = sorted(str(lit) for lit in literals if not lit.language)
    return french + plain if untagged else french


def _literals(graph: Any, subject: Any, predicate: Any) -> list[Any]:
    from rdflib import Literal

    return [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def _local_name(uri: str) -> str | None:
    tail = re.split(r"[#/:]", uri.rstrip("/#"))[-1]
    tail = unquote(tail).strip()
    return tail or None


_BASE = re.compile(r"""xml:base\s*=\s*["']([^"']*)["']|@base\s*<([^>]*)>|\bBASE\s*<([^>]*)>""")


def _join(base: str, reference: str) -> str | None:
    """``reference`` resolved against ``base``; ``None`` for one no URL parser reads
    (``http://[::1``): it only places line numbers, the graph itself was parsed."""
    try:
        return urljoin(base, reference)
    except ValueError:
        return None


def _mentions(text: str, graph: Any, base: str) -> dict[str, int]:
    """The line of the first mention of each IRI in the text (relative IRIs are resolved
    against the first base the file declares)."""
    declared = _BASE.search(text)
    if declared is not None:
        base = _join(base, next(g for g in declared.groups() if g is not None)) or base
    prefixes = {str(p): str(ns) for p, ns in graph.namespaces()}
    first: dict[str, int] = {}
    line, last = 1, 0
    for m in _MENTION.finditer(text):
        if m.group(1) is not None:
            iri = _join(base, m.group(1))
        elif m.group(2) == "ID":
            iri = _join(base, "#" + m.group(3))
        elif m.group(2) == "about":
            iri = _join(base, m.group(3))
        else:
            ns = prefixes.get(m.group(4) or "")
            iri = None if ns is None else ns + m.group(5)
        if iri is None:
            continue
        if iri not in first:
            line += text.count("\n", last, m.start())
            last = m.start()
            first[iri] = line
    return first


def _examples(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _glossary(graph: Any, text: str, name: str, odd: Sequence[str] = ()) -> Glossary:
    """The glossary of the concepts of ``graph``, read from ``text`` (for the lines);
    ``odd``: the datatypes of literals that are no value of them (one warning)."""
    from rdflib import RDF, Namespace, URIRef

    skos = Namespace(SKOS_NS)
    concepts = set(graph.subjects(RDF.type, skos.Concept))
    if not concepts:
        raise GlossaryError("no skos:Concept in this file", file=name,
                            hint="each concept needs 'a skos:Concept' and a skos:prefLabel@fr")
    lines = _mentions(text, graph, _base(name))
    ordered = sorted(concepts, key=lambda c: (lines.get(str(c), 1 << 30), str(c)))
    items: list[dict[str, Any]] = []
    where: list[dict[str, int]] = []
    skipped = _Skipped()
    for concept in ordered:
        uri = str(concept) if isinstance(concept, URIRef) else None
        line = lines.get(uri) if uri else None
        pref = _literals(graph, concept, skos.prefLabel)
        labels = _french(pref, all(not lit.language for lit in pref))
        if not labels:
            skipped.no_label.append((_local_name(uri) if uri else "(a blank node)") or "?")
            skipped.lines.append(line or 0)
            continue
        definition = next(iter(_french(_literals(graph, concept, skos.definition), True)
                               or _french(_literals(graph, concept, skos.scopeNote), True)),
                          None)
        if definition is None or not definition.strip():
            skipped.no_definition.append(f"'{labels[0]}'")
            skipped.lines.append(-(line or 0))
            continue
        items.append(_item(graph, concept, uri, labels, definition))
        where.append({"": line} if line is not None else {})
    diagnostics = skipped.diagnostics(name)
    if odd:
        kinds = ", ".join(sorted({t.rsplit("#", 1)[-1] for t in odd}))
        diagnostics.append(Diagnostic(
            "warning", f"{len(odd)} literal{'s' if len(odd) > 1 else ''} typed {kinds} "
            f"hold{'' if len(odd) > 1 else 's'} text that is no such value; the text is "
            "read as it is", Location(name),
            "drop the ^^datatype, or write a language tag (@fr) instead", "glossary-warning"))
    entries = entries_from_data(items, name, diagnostics, where, SKOS_SYNTAX)
    return Glossary(entries, name=_title(graph), diagnostics=diagnostics)


@dataclass
class _Skipped:
    """The concepts left out: names of those without a French label, labels of those
    without a definition, and the line of each (negative for the latter, 0 if unknown)."""

    no_label: list[str] = field(default_factory=list)
    no_definition: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def diagnostics(self, name: str) -> list[Diagnostic]:
        """One warning for each kind of skipped concept, counting them, at the first
        one's line."""
        found: list[Diagnostic] = []
        no_label, no_definition = self.no_label, self.no_definition
        if no_label:
            line = next((n for n in self.lines if n > 0), None)
            found.append(Diagnostic(
                "warning", f"{len(no_label)} concept{'s' if len(no_label) > 1 else ''} "
                f"without a French skos:prefLabel {'are' if len(no_label) > 1 else 'is'} "
                f"skipped: {_examples(no_label)}", Location(name, line),
                "give them a skos:prefLabel with @fr"))
        if no_definition:
            line = next((-n for n in self.lines if n < 0), None)
            found.append(Diagnostic(
                "warning", f"{len(no_definition)} concept"
                f"{'s' if len(no_definition) > 1 else ''} without a definition "
                f"{'are' if len(no_definition) > 1 else 'is'} skipped: "
                f"{_examples(no_definition)}", Location(name, line),
                "give them a skos:definition (or a skos:scopeNote) in French"))
        return found


def _item(graph: Any, concept: Any, uri: str | None, labels: list[str],
          definition: str) -> dict[str, Any]:
    """The raw entry of a concept with French ``labels`` and a ``definition``: aliases,
    id, url and source from the rest of its properties."""
    from rdflib import RDFS, Namespace, URIRef
    from rdflib.namespace import DC, DCTERMS, FOAF

    skos = Namespace(SKOS_NS)
    aliases = labels[1:]
    for predicate in (skos.altLabel, skos.hiddenLabel):
        aliases += _french(_literals(graph, concept, predicate), True)
    item: dict[str, Any] = {"term": labels[0], "definition": definition}
    unique = [a for a in dict.fromkeys(aliases) if a != labels[0]]
    if unique:
        item["aliases"] = unique
    if uri and (local := _local_name(uri)):
        item["id"] = local
    pages = sorted(str(o) for p in (FOAF.page, RDFS.seeAlso)
                   for o in graph.objects(concept, p)
                   if isinstance(o, URIRef) and _LINK.match(str(o)))
    if pages:
        item["url"] = pages[0]
    elif uri and _URL.match(uri):
        item["url"] = uri
    sources = _french(_literals(graph, concept, DCTERMS.source)
                      + _literals(graph, concept, DC.source), True)
    if sources:
        item["source"] = sources[0]
    return item


def _title(graph: Any) -> str | None:
    """The glossary's name: the first French title or label of a concept scheme."""
    from rdflib import RDF, RDFS, Namespace
    from rdflib.namespace import DC, DCTERMS

    skos = Namespace(SKOS_NS)
    title = None
    for scheme in sorted(graph.subjects(RDF.type, skos.ConceptScheme), key=str):
        for predicate in (DCTERMS.title, DC.title, skos.prefLabel, RDFS.label):
            found = _french(_literals(graph, scheme, predicate), True)
            if found:
                title = found[0]
                break
        if title:
            return title
    return title
