"""What the routes share: the settings, the glossaries, the metrics, the pool that
annotates, and the shapes of the answers (JSON, ETags, problem documents)."""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .config import ServeConfig
from .glossaries import Glossaries
from .metrics import Metrics
from .problems import Problem, problem_body

__all__ = ["API_CSP", "PLAYGROUND_CSP", "STATIC", "Service", "json_response",
           "json_with_etag", "problem_response"]

_T = TypeVar("_T")

STATIC = Path(__file__).with_name("static")

#: What every answer carries; the playground's pages get :data:`PLAYGROUND_CSP` instead.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
PLAYGROUND_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
                  "connect-src 'self'; img-src 'self'; form-action 'none'; "
                  "base-uri 'none'; frame-ancestors 'none'")


def problem_response(status: int, detail: str,
                     headers: dict[str, str] | None = None) -> Response:
    """The ``application/problem+json`` answer of a problem."""
    return Response(problem_body(status, detail), status_code=status, headers=headers,
                    media_type="application/problem+json")


class Service:
    """What the routes share: the settings, the glossaries, the metrics, the slots."""

    def __init__(self, config: ServeConfig, glossaries: Glossaries) -> None:
        self.config = config
        self.glossaries = glossaries
        self.metrics = Metrics(config.metrics_dir)
        self.pool = ThreadPoolExecutor(config.max_concurrency,
                                       thread_name_prefix="glossator-annotate")
        self._slots: asyncio.Semaphore | None = None
        self._cached: dict[tuple[str, str], tuple[bytes, str]] = {}

    async def run(self, work: Callable[[], _T], started: float | None = None) -> _T:
        """``work()`` in the pool within the time limit, counted from ``started`` (a
        ``time.monotonic()``; reading the body counts) or from now: 503 when no slot
        frees up in time, 504 when the work itself runs over (its thread finishes on its
        own and only then frees its slot)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.config.max_concurrency)
        slots = self._slots
        deadline = (time.monotonic() if started is None else started) + self.config.timeout
        try:
            await asyncio.wait_for(slots.acquire(), max(0.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            raise Problem(503, f"{self.config.max_concurrency} requests are being annotated "
                          f"and none finished within {self.config.timeout:g} s; try again",
                          {"Retry-After": "1"}) from None
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()

        def task() -> _T:
            try:
                return context.run(work)
            finally:
                loop.call_soon_threadsafe(slots.release)

        future = loop.run_in_executor(self.pool, task)
        try:
            return await asyncio.wait_for(future, max(0.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            raise Problem(504, f"annotating took more than {self.config.timeout:g} s "
                          "(the service's --timeout)") from None

    def cached_json(self, key: tuple[str, str], build: Callable[[], Any]) -> tuple[bytes, str]:
        """The JSON of ``build()`` and its ETag, built once per ``key``."""
        found = self._cached.get(key)
        if found is None:
            body = json.dumps(build(), ensure_ascii=False).encode("utf-8")
            found = body, f'"{hashlib.sha256(body).hexdigest()[:24]}"'
            if len(self._cached) > 64:
                self._cached.clear()
            self._cached[key] = found
        return found


def json_with_etag(request: Request, body: bytes, etag: str) -> Response:
    """``body`` with its ETag, or 304 when the client's ``If-None-Match`` has it."""
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    wanted = request.headers.get("if-none-match")
    if wanted is not None:
        tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
        if etag in tags or "*" in tags:
            return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type="application/json")



def json_response(data: Any, status: int = 200) -> Response:
    """``data`` as a JSON answer (UTF-8, not ASCII-escaped)."""
    return JSONResponse(data, status_code=status)
