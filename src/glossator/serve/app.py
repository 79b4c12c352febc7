"""The ASGI application of ``glossator serve``: API v1, health, metrics, the playground.

Layers, from the outside in: :class:`Front` (one log line per request, the metrics, a
problem document for anything unforeseen, with its traceback in the log only), then
Starlette's CORS middleware when origins are allowed, then the bearer token check, then
the routes. Annotating runs in a thread pool, at most ``max_concurrency`` documents at
once, each within ``timeout`` seconds (waiting for a free slot included).
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import GlossatorError
from .config import ServeConfig
from .glossaries import Glossaries, UnknownGlossary
from .logs import one_line
from .problems import Problem
from .service import API_CSP, Service, problem_response

__all__ = ["CONFIG_VARIABLE", "EXPOSED_HEADERS", "BearerAuth", "Front", "app_from_environment",
           "create_app"]


#: The environment variable that hands the settings to uvicorn's worker processes.
CONFIG_VARIABLE = "GLOSSATOR_SERVE_CONFIG"

#: The answer's headers a browser page allowed by ``--cors-origin`` may read (beyond
#: those CORS always lets through): what the API documents for clients to act on.
EXPOSED_HEADERS = ("ETag", "X-Glossator-Glossary", "Retry-After")

#: The log of the service: one line per request, reloads, and tracebacks.
log = logging.getLogger("glossator.serve")


def _route_of(routes: list[Any], scope: Scope) -> str:
    """The route template a request went to (``/v1/glossaries/{name}/entries``), for the
    metrics; ``other`` for a path no route has."""
    for route in routes:
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            return str(route.path)
    return "other"


class Front:
    """The outermost layer: times and logs each request, counts it, and turns anything
    unforeseen into a generic 500 problem (the traceback goes to the log only)."""

    def __init__(self, app: ASGIApp, service: Service, routes: list[Any]) -> None:
        self.app = app
        self.service = service
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request (or pass a lifespan event through)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = {"status": 500, "bytes": 0, "started": False}
        metrics = self.service.metrics
        metrics.started()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers.append((b"x-content-type-options", b"nosniff"))
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", API_CSP.encode()))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                state["bytes"] = int(state["bytes"]) + len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("%s %s: unexpected error", one_line(scope["method"]),
                          one_line(scope["path"]))
            if not state["started"]:
                response = problem_response(500, "the service met an unexpected error; "
                                            "it is in the service's log")
                await response(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            metrics.finished(_route_of(self.routes, scope), scope["method"],
                             int(state["status"]), seconds)
            self._log(scope, int(state["status"]), seconds, int(state["bytes"]))

    def _log(self, scope: Scope, status: int, seconds: float, size: int) -> None:
        """The request's one line."""
        ms = round(seconds * 1000, 2)
        if self.service.config.log_format == "json":
            log.info(json.dumps({"method": scope["method"], "path": scope["path"],
                                 "status": status, "ms": ms, "bytes": size}))
        else:
            log.info("%s %s %d %.2f ms %d bytes", one_line(scope["method"]),
                     one_line(scope["path"]), status, ms, size)


class BearerAuth:
    """With a token set, the API and the metrics want ``Authorization: Bearer TOKEN``
    (compared in constant time); the playground's page, its files and ``/healthz`` do
    not."""

    OPEN = ("/healthz", "/static/")

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the request through, or answer 401."""
        path = scope.get("path", "")
        if scope["type"] != "http" or path == "/" or path.startswith(self.OPEN):
            await self.app(scope, receive, send)
            return
        given = b""
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, credentials = value.partition(b" ")
                if scheme.lower() == b"bearer":
                    given = credentials.strip()
        if not hmac.compare_digest(given, self.token):
            detail = ("this service wants a bearer token: send 'Authorization: Bearer TOKEN'"
                      if not given else "the bearer token is not the service's")
            response = problem_response(401, detail, {"WWW-Authenticate": "Bearer"})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _handlers() -> dict[Any, Callable[[Request, Exception], Awaitable[Response]]]:
    """Exceptions to problem documents: ours, Starlette's (404, 405), and the rest (500)."""
    async def problem(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return problem_response(exc.status, exc.detail, exc.headers)

    async def glossator(_: Request, exc: Exception) -> Response:
        return problem_response(404 if isinstance(exc, UnknownGlossary) else 400, str(exc))

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = (f"no route {request.method} {request.url.path}" if exc.status_code in (404, 405)
                  else str(exc.detail))
        return problem_response(exc.status_code, detail, dict(exc.headers or {}))

    async def unexpected(_: Request, exc: Exception) -> Response:
        return problem_response(500, "the service met an unexpected error; it is in the "
                                "service's log")

    return {Problem: problem, GlossatorError: glossator, HTTPException: http,
            Exception: unexpected}


def create_app(config: ServeConfig, glossaries: Glossaries | None = None) -> ASGIApp:
    """The application serving ``config``; ``glossaries`` already loaded, or loaded at
    start-up. The glossary files are polled for changes while it runs."""
    from .routes import routes

    config.check()
    if glossaries is None:
        glossaries = Glossaries(config.glossaries, cache_dir=config.cache_dir,
                                strict=config.strict)
    service = Service(config, glossaries)
    glossaries.log = lambda line: log.warning("%s", line)
    glossaries.on_reload = service.metrics.reloaded

    @asynccontextmanager
    async def lifespan(_: Starlette) -> Any:
        if not glossaries._current:
            glossaries.load_all()
        glossaries.start_polling(config.reload_interval)
        service.metrics.start_flushing()
        try:
            yield
        finally:
            glossaries.stop_polling()
            service.metrics.stop_flushing()
            service.pool.shutdown(wait=False, cancel_futures=True)

    middleware = []
    if config.cors_origins:
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type",
                                                          "If-None-Match"],
            expose_headers=list(EXPOSED_HEADERS), max_age=600))
    if config.token:
        middleware.append(Middleware(BearerAuth, token=config.token))
    table: list[Route] = routes(service)
    app = Starlette(routes=table, middleware=middleware, exception_handlers=_handlers(),
                    lifespan=lifespan)
    app.state.service = service
    return Front(app, service, table)


def app_from_environment() -> ASGIApp:
    """The application of a uvicorn worker process: its settings from
    :data:`CONFIG_VARIABLE` (set by ``glossator serve --workers N``)."""
    from .logs import setup_logging

    config = ServeConfig.from_json(os.environ[CONFIG_VARIABLE])
    setup_logging(config.log_format)
    return create_app(config)
