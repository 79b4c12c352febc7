"""The service's log on standard error: one line per request, reloads, tracebacks."""

from __future__ import annotations

import json
import logging
import sys
import time

__all__ = ["setup_logging"]


class _JsonLines(logging.Formatter):
    """Each record as one JSON object: a request's line is already one, and is merged."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        data: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname.lower()}
        try:
            parsed = json.loads(message)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            data.update(parsed)
        else:
            data["message"] = message
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class _Text(logging.Formatter):
    """``PREFIX: message``, every character a terminal would act on (from a request's
    path, a file name) shown as a visible escape; a traceback keeps its lines."""

    def format(self, record: logging.LogRecord) -> str:
        from ..text.inert import terminal_safe

        return terminal_safe(super().format(record))


def setup_logging(log_format: str) -> None:
    """Send the ``glossator.serve`` log, and uvicorn's own (its start, its errors), to
    standard error, as text or JSON lines."""
    for name, prefix in (("glossator.serve", "glossator"), ("uvicorn", "uvicorn")):
        handler = logging.StreamHandler(sys.stderr)
        if log_format == "json":
            handler.setFormatter(_JsonLines())
        else:
            handler.setFormatter(_Text(f"{prefix}: %(message)s"))
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False
