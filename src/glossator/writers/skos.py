"""SKOS glossaries, in Turtle or RDF/XML, written without rdflib (entries keep their order).

One ``skos:ConceptScheme`` named after the glossary, and one ``skos:Concept`` per entry:
the term is the ``skos:prefLabel``, each alias a ``skos:altLabel``, the definition a
``skos:definition`` (all ``@fr``), the url an ``rdfs:seeAlso`` and the source a
``dcterms:source``. A concept's URI is ``BASE`` followed by the entry's id, percent-encoded
(default base ``urn:glossator:``), so that reading the file back gives the same ids; the
scheme's URI is the base without its last ``:``, ``/`` or ``#``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from ..glossary import Glossary
from .tbx import escape_xml

__all__ = ["DEFAULT_BASE", "write_rdfxml", "write_turtle"]

#: Where the concepts' URIs start; not http(s), so that they are never taken for a link.
DEFAULT_BASE = "urn:glossator:"

_TURTLE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                   "\b": "\\b", "\f": "\\f"}
_TURTLE_SPECIAL = re.compile(r'["\\\x00-\x1f\x7f]')


def _literal(text: str) -> str:
    """A Turtle string literal in French."""
    body = _TURTLE_SPECIAL.sub(
        lambda m: _TURTLE_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), text)
    return f'"{body}"@fr'


def _iri_text(text: str) -> str:
    """``text`` as an IRI: the characters IRIs cannot hold percent-encoded."""
    return re.sub(r'[\x00-\x20<>"{}|^`\\]', lambda m: quote(m.group(), safe=""), text)


def _iri(text: str) -> str:
    """A Turtle IRI reference (:func:`_iri_text` in angle brackets)."""
    return f"<{_iri_text(text)}>"


def _concept_uri(base: str, entry_id: str) -> str:
    return base + quote(entry_id, safe="")


def write_turtle(glossary: Glossary, base: str = DEFAULT_BASE) -> str:
    """The glossary as a SKOS vocabulary in Turtle."""
    scheme = _iri(base.rstrip(":/#") or base)
    out = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
        f"{scheme} a skos:ConceptScheme"
        + (f" ;\n    dcterms:title {_literal(glossary.name)}" if glossary.name else "") + " .",
    ]
    for entry in glossary:
        lines = [f"{_iri(_concept_uri(base, entry.id))} a skos:Concept",
                 f"skos:inScheme {scheme}",
                 f"skos:prefLabel {_literal(entry.term)}"]
        lines += [f"skos:altLabel {_literal(alias)}" for alias in entry.aliases]
        lines.append(f"skos:definition {_literal(entry.definition)}")
        if entry.url:
            lines.append(f"rdfs:seeAlso {_iri(entry.url)}")
        if entry.source:
            lines.append(f"dcterms:source {_literal(entry.source)}")
        out += ["", " ;\n    ".join(lines) + " ."]
    return "\n".join(out) + "\n"


def write_rdfxml(glossary: Glossary, base: str = DEFAULT_BASE) -> str:
    """The glossary as a SKOS vocabulary in RDF/XML."""
    def x(text: str) -> str:
        return escape_xml(text, "a value")

    def label(tag: str, text: str) -> str:
        return f'    <{tag} xml:lang="fr">{x(text)}</{tag}>'

    scheme = x(_iri_text(base.rstrip(":/#") or base))
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"',
        '         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"',
        '         xmlns:skos="http://www.w3.org/2004/02/skos/core#"',
        '         xmlns:dcterms="http://purl.org/dc/terms/">',
        f'  <skos:ConceptScheme rdf:about="{scheme}">',
        *([label("dcterms:title", glossary.name)] if glossary.name else []),
        "  </skos:ConceptScheme>",
    ]
    for entry in glossary:
        out.append(f'  <skos:Concept rdf:about="{x(_iri_text(_concept_uri(base, entry.id)))}">')
        out.append(f'    <skos:inScheme rdf:resource="{scheme}"/>')
        out.append(label("skos:prefLabel", entry.term))
        out += [label("skos:altLabel", alias) for alias in entry.aliases]
        out.append(label("skos:definition", entry.definition))
        if entry.url:
            out.append(f'    <rdfs:seeAlso rdf:resource="{x(_iri_text(entry.url))}"/>')
        if entry.source:
            out.append(label("dcterms:source", entry.source))
        out.append("  </skos:Concept>")
    out.append("</rdf:RDF>")
    return "\n".join(out) + "\n"
