"""The service's log on standard error: one line per request, reloads, tracebacks."""

from __future__ import annotations

import json
import logging
import sys
import time

__all__ = ["LINE_BREAKS", "one_line", "setup_logging"]

#: What a reader of the log may take for the end of a line, beyond the C0 and C1
#: controls (line feed, carriage return, NEL U+0085 and the rest): the Unicode line and
#: paragraph separators.
LINE_BREAKS = "\u2028\u2029"


def one_line(value: str) -> str:
    """``value`` (a request's path or method) with every control character and line
    break shown as a visible escape (``\\x0a``, ``\\u2028``): a client cannot forge
    a line of the log, nor act on the terminal that shows it."""
    from ..text.inert import terminal_safe, visible_escape

    value = terminal_safe(value, newlines=False)
    return "".join(visible_escape(c) if c in LINE_BREAKS else c for c in value)


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
        line = json.dumps(data, ensure_ascii=False)  # (only strings hold these: \u escapes)
        for char in "\x85" + LINE_BREAKS:
            line = line.replace(char, f"\\u{ord(char):04x}")
        return line


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
