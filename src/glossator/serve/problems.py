"""Errors as RFC 9457 problem details: ``application/problem+json`` with ``type``,
``title``, ``status`` and ``detail``, the detail being one line: for an option refused,
the CLI's line in the request's words (:func:`glossator.serve.options.in_api_words`).

:class:`Problem` is raised by a handler and answered by the front of the service
(:mod:`glossator.serve.app`); nothing else ever reaches a client.
"""

from __future__ import annotations

import json

__all__ = ["PROBLEM_TYPES", "Problem", "problem_body"]

#: The problem types by status: what ``type`` a client can switch on.
PROBLEM_TYPES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Missing or wrong bearer token"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    408: ("request-timeout", "The body took too long to arrive"),
    413: ("too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    499: ("client-closed", "The client closed the connection"),
    500: ("internal-error", "Internal server error"),
    503: ("overloaded", "Too many requests at once"),
    504: ("timeout", "The request took too long"),
}


class Problem(Exception):
    """An answer with a problem document: ``status`` and the one-line ``detail``."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


def problem_body(status: int, detail: str) -> bytes:
    """The JSON of the problem document for ``status``."""
    slug, title = PROBLEM_TYPES.get(status, ("error", "Error"))
    return json.dumps({"type": f"urn:glossator:problem:{slug}", "title": title,
                       "status": status, "detail": detail},
                      ensure_ascii=False).encode("utf-8")
