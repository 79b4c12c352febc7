"""The routes of the service: API v1, ``/healthz``, ``/metrics`` and the playground."""

from __future__ import annotations

import asyncio
import codecs
import json
import time
from dataclasses import asdict
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from ..documents.read import decode_document
from ..errors import UsageError
from .glossaries import Loaded
from .options import AnnotateRequest, from_json, from_query
from .problems import Problem
from .service import PLAYGROUND_CSP, STATIC, Service, json_response, json_with_etag

__all__ = ["MATCH_FIELDS", "RAW_KINDS", "RAW_MEDIA", "STATIC_FILES", "accepted_format",
           "entry_json", "routes"]

#: The members of each match ``POST /v1/annotate`` answers (those of ``explain``).
MATCH_FIELDS = ("start", "end", "surface", "entry", "term", "form", "variant", "how",
                "annotated", "reason", "sense")

#: The playground's files, by the name they are served under ``/static/``.
STATIC_FILES = {
    "playground.css": "text/css; charset=utf-8",
    "playground.js": "text/javascript; charset=utf-8",
    "glossator.css": "text/css; charset=utf-8",
    "glossator.js": "text/javascript; charset=utf-8",
}


async def _body(request: Request, limit: int, seconds: float) -> bytes:
    """The request's body, refused (413) past ``limit`` bytes, declared or sent; 408 when
    it has not all come within ``seconds``; 499 (logged and counted, never seen) when the
    client hangs up before sending it all."""
    try:
        return await asyncio.wait_for(_read_body(request, limit), seconds)
    except asyncio.TimeoutError:
        raise Problem(408, f"the body did not all arrive within {seconds:g} s (the "
                      "service's --timeout)", {"Connection": "close"}) from None
    except ClientDisconnect:
        raise Problem(499, "the client closed the connection before sending the whole "
                      "body") from None


async def _read_body(request: Request, limit: int) -> bytes:
    """:func:`_body`, without its time limit."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Problem(413, f"the body is {int(declared)} bytes; this service takes at most "
                      f"{limit} (--max-bytes)")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, f"the body is over {limit} bytes, the most this service "
                          "takes (--max-bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(request: Request) -> tuple[str, str | None]:
    """The media type of the body, and its ``charset`` parameter."""
    media, *params = request.headers.get("content-type", "").split(";")
    charset = None
    for param in params:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip().strip('"') or None
    return media.strip().lower(), charset


def _checked_media(request: Request) -> tuple[str, str | None]:
    """The media type of the body and its ``charset``, if the service reads them: 415
    for another type or a JSON body not in UTF-8; 400 for a JSON body with a query string
    (options in both places: those of the query string would be ignored)."""
    media, charset = _media_type(request)
    if media != "application/json" and media not in RAW_KINDS:
        raise Problem(415, f"a body of type '{media or 'none'}' cannot be annotated: "
                      "send application/json (text and options), or text/html, "
                      "text/plain or text/markdown (the document itself, options in "
                      "the query string)")
    if media == "application/json" and charset and _codec(charset) != "utf-8":
        raise Problem(415, f"a JSON body is UTF-8, not charset={charset} (send it in "
                      "UTF-8; a document in another encoding can be sent as itself, "
                      "text/plain or text/html with its charset, the options in the "
                      "query string)")
    if media == "application/json" and request.query_params:
        name = next(iter(request.query_params))
        raise Problem(400, f"a JSON body takes its options as its members, not in the "
                      f"query string ('{name}') (move them into the body; the query "
                      "string is for a raw body: text/html, text/plain, text/markdown)")
    return media, charset


def _codec(charset: str) -> str | None:
    """The codec a ``charset`` names (``utf-8`` for ``UTF8``), None for no codec."""
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def _annotate_json(service: Service, body: bytes) -> Response:
    """The JSON mode: output, matches and glossary (runs in the pool)."""
    try:
        data = json.loads(body)
    except UnicodeDecodeError as exc:  # (json reads UTF-8, or UTF-16 or -32 by their NULs)
        raise UsageError(f"the body is not UTF-8: byte 0x{exc.object[exc.start]:02x} at "
                         f"offset {exc.start} is not valid there", hint="JSON is sent in "
                         "UTF-8; a document in another encoding can be sent as itself, "
                         "text/plain or text/html with its charset, the options in the "
                         "query string") from None
    except ValueError as exc:
        raise UsageError(f"the body is not valid JSON: {exc}") from None
    except RecursionError:  # (arrays or objects nested about a thousand deep)
        raise UsageError("the body's JSON is nested too deeply: a request is one object "
                         "of strings, numbers, booleans and lists of strings") from None
    request = from_json(data)
    loaded = service.glossaries.get(request.glossary)
    job, doc = request.job(loaded, service.config.cache_dir)
    output, found = job.render_and_explain(doc)
    if doc.kind != "html":  # as the CLI writes it: a final newline
        output = output if output.endswith("\n") else output + "\n"
    matches = [{k: v for k, v in asdict(e).items() if k in MATCH_FIELDS} for e in found]
    service.metrics.annotated(sum(1 for m in matches if m["annotated"]))
    return json_response({"output": output, "matches": matches,
                          "glossary": {"name": loaded.spec.name, "version": loaded.version}})


#: The media types the raw mode reads, and the kind of document each is.
RAW_KINDS = {"text/html": "html", "text/plain": "text", "text/markdown": "markdown"}

#: The byte order marks an HTML body may start with (UTF-32's start as UTF-16's).
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)

#: The media type of the raw mode's answer, by output format.
RAW_MEDIA = {"html": "text/html", "text": "text/plain", "terminal": "text/plain",
             "markdown": "text/markdown", "json": "application/json"}


def accepted_format(accept: str) -> str | None:
    """The output format a text/plain body is answered in by ``Accept``: the first of
    ``text/html``, ``text/markdown`` and ``text/plain`` it names with the highest ``q``
    (above 0), or None when it names none of them (``*/*`` does not choose)."""
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(accept.split(",")):
        media, *params = item.strip().split(";")
        fmt = {"text/html": "html", "text/markdown": "markdown",
               "text/plain": "text"}.get(media.strip().lower())
        if fmt is None:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and (best is None or (-q, position) < (-best[0], best[1])):
            best = (q, position, fmt)
    return None if best is None else best[2]


def _annotate_raw(service: Service, body: bytes, media: str, charset: str | None,
                  params: dict[str, list[str]], accept: str) -> Response:
    """The raw mode: a document in (HTML, plain text or Markdown, by its media type), the
    annotated document out; for plain text, in the format ``format`` or ``Accept``
    asks for, else plain text."""
    kind = RAW_KINDS[media]
    text = decode_document(body, "the request body", charset or "utf-8",
                           option="charset={} in the Content-Type")
    if "input_format" in params and params["input_format"][-1] != kind:
        raise UsageError(f"'input_format' says {params['input_format'][-1]} but the body is "
                         f"{media}", hint="drop input_format: in the raw mode the "
                         "Content-Type says what the body is")
    params = {**params, "input_format": [kind]}
    if kind == "text" and "format" not in params:
        params["format"] = [accepted_format(accept) or "text"]
    request: AnnotateRequest = from_query(text, params)
    loaded = service.glossaries.get(request.glossary)
    job, doc = request.job(loaded, service.config.cache_dir)
    output = job.render(doc)
    if doc.kind != "html":  # as the CLI writes it: a final newline
        output = output if output.endswith("\n") else output + "\n"
    elif body.startswith(_BOMS):  # a page's BOM is kept, as the CLI keeps it (in UTF-8)
        output = "\ufeff" + output
    marker = "data-glossator-entry="
    service.metrics.annotated(max(0, output.count(marker) - text.count(marker)))
    fmt = str(request.options["format"])
    return Response(output, media_type=f"{RAW_MEDIA.get(fmt, 'text/plain')}; charset=utf-8",
                    headers={"X-Glossator-Glossary":
                             f"{loaded.spec.name}; version={loaded.version}",
                             "Vary": "Accept"})


def routes(service: Service) -> list[Route]:
    """The routes of ``service``."""
    async def annotate(request: Request) -> Response:
        started = time.monotonic()
        media, charset = _checked_media(request)
        body = await _body(request, service.config.max_bytes, service.config.timeout)
        if media == "application/json":
            return await service.run(lambda: _annotate_json(service, body), started)
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        accept = request.headers.get("accept", "")
        return await service.run(
            lambda: _annotate_raw(service, body, media, charset, params, accept), started)

    async def glossaries(request: Request) -> Response:
        current = [service.glossaries.get(n) for n in service.glossaries.names()]
        key = ("glossaries", ",".join(g.version for g in current))
        body, etag = service.cached_json(key, lambda: {"glossaries": [
            {"name": g.spec.name, "entries": len(g.glossary), "version": g.version}
            for g in current]})
        return json_with_etag(request, body, etag)

    async def entries(request: Request) -> Response:
        loaded = service.glossaries.get(request.path_params["name"])
        body, etag = service.cached_json(("entries", f"{loaded.spec.name}@{loaded.version}"),
                                         lambda: _entries(loaded))
        return json_with_etag(request, body, etag)

    async def healthz(_: Request) -> Response:
        names = service.glossaries.names()
        return json_response({"status": "ok", "glossaries": {
            n: {"version": (g := service.glossaries.get(n)).version,
                "entries": len(g.glossary)} for n in names}})

    async def metrics(_: Request) -> Response:
        counts = {n: len(service.glossaries.get(n).glossary)
                  for n in service.glossaries.names()}
        return Response(service.metrics.render(counts),
                        media_type="text/plain; version=0.0.4; charset=utf-8")

    async def openapi(_: Request) -> Response:
        from .openapi import openapi_document

        return json_response(openapi_document())

    return [
        Route("/v1/annotate", annotate, methods=["POST"]),
        Route("/v1/glossaries", glossaries, methods=["GET"]),
        Route("/v1/glossaries/{name}/entries", entries, methods=["GET"]),
        Route("/v1/openapi.json", openapi, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/", playground, methods=["GET"]),
        Route("/static/{file}", static, methods=["GET"]),
    ]


def entry_json(entry: Any) -> dict[str, Any]:
    """One entry as ``GET /v1/glossaries/{name}/entries`` lists it."""
    from ..anchors import entry_anchor

    return {"id": entry.id, "anchor": entry_anchor(entry.id), "term": entry.term,
            "title": entry.display_title,
            "definition": entry.definition, "aliases": list(entry.aliases),
            "url": entry.url, "source": entry.source}


def _entries(loaded: Loaded) -> dict[str, Any]:
    """The body of ``GET /v1/glossaries/{name}/entries``."""
    return {"name": loaded.spec.name, "version": loaded.version,
            "entries": [entry_json(e) for e in loaded.glossary.entries]}


async def playground(_: Request) -> Response:
    """``GET /``: the playground's page."""
    return Response((STATIC / "playground.html").read_bytes(),
                    media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": PLAYGROUND_CSP,
                             "Cache-Control": "no-cache"})


async def static(request: Request) -> Response:
    """``GET /static/{file}``: the playground's stylesheet and script, and glossator's."""
    name = request.path_params["file"]
    media = STATIC_FILES.get(name)
    if media is None:
        raise Problem(404, f"no file '{name}' here")
    if name.startswith("glossator."):
        from ..render.html import script, stylesheet

        body = (stylesheet() if name.endswith(".css") else script()).encode("utf-8")
    else:
        body = (STATIC / name).read_bytes()
    return Response(body, media_type=media, headers={
        "Content-Security-Policy": PLAYGROUND_CSP, "Cache-Control": "no-cache"})
