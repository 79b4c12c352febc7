"""The OpenAPI 3.1 document of API v1, written by hand as data (served at
``GET /v1/openapi.json``; tests/test_serve.py checks that it describes every route)."""

from __future__ import annotations

from typing import Any

from .._version import __version__
from .options import DEFAULTS

__all__ = ["openapi_document"]

_PROBLEM = {"$ref": "#/components/responses/Problem"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _schemas() -> dict[str, Any]:
    string_or_null = {"type": ["string", "null"]}
    options: dict[str, Any] = {
        "text": {"type": "string", "description": "The document: text, HTML or Markdown."},
        "input_format": {"enum": ["text", "html", "markdown"]},
        "format": {"type": "string", "description": "html, text, terminal, json, markdown "
                   "or a format a plug-in registers."},
        "glossary": {"type": "string"},
        "occurrences": {"type": "string", "description": "first, section, all, or a "
                        "policy a plug-in registers."},
        "max_per_entry": {"type": ["integer", "null"], "minimum": 1},
        "accents": {"enum": ["strict", "fold"]},
        "inflect": {"type": "boolean"},
        "markup": {"type": "string", "description": "glossator, spip, abbr, or a preset "
                   "a plug-in registers."},
        "link_to": string_or_null, "standalone": {"type": "boolean"},
        "title": string_or_null, "rich_definitions": {"type": "boolean"},
        "skip": {"type": "array", "items": {"type": "string"}}, "root": string_or_null,
        "refresh": {"type": "boolean", "description": "HTML input: take off glossator's "
                    "earlier annotations first (as --refresh)."},
        "senses": {"enum": ["all", "skip", "first"], "description": "What to do with an "
                   "acronym with several senses that nothing decides."},
        "domain": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                   "description": "Domains that limit the senses (as --domain)."},
        "assets": {"enum": ["none", "inline"], "description": "A whole page: nothing "
                   "added (the caller links glossator.css), or a <style> (--assets)."},
    }
    for name, value in DEFAULTS.items():
        if name != "text":
            options[name]["default"] = value
    match = {"type": "object", "properties": {
        "start": {"type": "integer"}, "end": {"type": "integer"},
        "surface": {"type": "string"}, "entry": {"type": "string"},
        "term": {"type": "string"}, "form": {"type": "string"},
        "variant": {"type": "string"}, "how": {"type": "string"},
        "annotated": {"type": "boolean"}, "reason": {"type": "string"},
        "sense": {"type": "string", "description": "For a form with several senses, the "
                  "one taken and by which step, or that none was."}}}
    glossary = {"type": "object", "properties": {
        "name": {"type": "string"}, "version": {"type": "string"},
        "entries": {"type": "integer"}}}
    entry = {"type": "object", "properties": {
        "id": {"type": "string"}, "anchor": {"type": "string"}, "term": {"type": "string"},
        "title": {"type": "string"}, "definition": {"type": "string"},
        "aliases": {"type": "array", "items": {"type": "string"}},
        "url": string_or_null, "source": string_or_null}}
    return {
        "AnnotateRequest": {"type": "object", "required": ["text"], "properties": options,
                            "additionalProperties": False},
        "AnnotateResponse": {"type": "object", "properties": {
            "output": {"type": "string"}, "matches": {"type": "array", "items": _ref("Match")},
            "glossary": glossary}},
        "Match": match,
        "Glossary": glossary,
        "Entry": entry,
        "Problem": {"type": "object", "properties": {
            "type": {"type": "string", "format": "uri-reference"},
            "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"}}},
    }


def _annotate() -> dict[str, Any]:
    query = [{"name": name, "in": "query", "required": False,
              "description": "raw mode (text/html, text/plain or text/markdown body) only",
              "schema": {"type": "string"}}
             for name in DEFAULTS if name != "text"]
    raw = {"schema": {"type": "string"}}
    return {"post": {
        "summary": "Annotate a document",
        "description": "JSON in, JSON out; or the document itself in (raw mode: text/html, "
                       "text/plain or text/markdown, options in the query string), the "
                       "annotated document out: HTML for HTML and Markdown, and for plain "
                       "text the `format` asked for, else the type `Accept` prefers among "
                       "text/html, text/markdown and text/plain, else plain text.",
        "parameters": query,
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("AnnotateRequest")},
            "text/html": raw, "text/plain": raw, "text/markdown": raw}},
        "responses": {
            "200": {"description": "The annotated document.", "content": {
                "application/json": {"schema": _ref("AnnotateResponse")},
                "text/html": raw, "text/plain": raw, "text/markdown": raw}},
            **{code: _PROBLEM for code in ("400", "401", "404", "408", "413", "415", "503",
                                           "504")},
        }}}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the service."""
    etag = {"ETag": {"schema": {"type": "string"}}}
    if_none_match = {"name": "If-None-Match", "in": "header", "required": False,
                     "schema": {"type": "string"}}
    text = {"text/plain": {"schema": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "glossator", "version": __version__,
                 "description": "Annotate French text with glossary definitions."},
        "paths": {
            "/v1/annotate": _annotate(),
            "/v1/glossaries": {"get": {
                "summary": "The glossaries served", "parameters": [if_none_match],
                "responses": {"200": {**_json({"type": "object", "properties": {
                    "glossaries": {"type": "array", "items": _ref("Glossary")}}},
                    "Names, entry counts, versions."), "headers": etag},
                    "304": {"description": "Not modified."}, "401": _PROBLEM}}},
            "/v1/glossaries/{name}/entries": {"get": {
                "summary": "A glossary's entries (for an A–Z page)",
                "parameters": [{"name": "name", "in": "path", "required": True,
                                "schema": {"type": "string"}}, if_none_match],
                "responses": {"200": {**_json({"type": "object", "properties": {
                    "name": {"type": "string"}, "version": {"type": "string"},
                    "entries": {"type": "array", "items": _ref("Entry")}}}, "The entries."),
                    "headers": etag}, "304": {"description": "Not modified."},
                    "401": _PROBLEM, "404": _PROBLEM}}},
            "/v1/openapi.json": {"get": {"summary": "This document", "responses": {
                "200": _json({"type": "object"}, "OpenAPI 3.1."), "401": _PROBLEM}}},
            "/healthz": {"get": {"summary": "Liveness, and the glossaries loaded",
                                 "responses": {"200": _json({"type": "object"}, "ok")}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {
                "200": {"description": "Text exposition format 0.0.4.", "content": text},
                "401": _PROBLEM}}},
            "/": {"get": {"summary": "The playground", "responses": {"200": {
                "description": "An HTML page.",
                "content": {"text/html": {"schema": {"type": "string"}}}}}}},
            "/static/{file}": {"get": {
                "summary": "The playground's stylesheets and scripts",
                "parameters": [{"name": "file", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "A CSS or JavaScript file."},
                              "404": _PROBLEM}}},
        },
        "components": {
            "schemas": _schemas(),
            "responses": {"Problem": {"description": "RFC 9457 problem details.", "content": {
                "application/problem+json": {"schema": _ref("Problem")}}}},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
