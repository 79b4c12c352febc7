"""A rogue service on loopback, for the PHP plugins' tests: what a misconfigured URL, a
service replaced by another program or a man in the middle would answer.

It is a real HTTP server (``http.server`` in a thread, on 127.0.0.1, a port the system
picks); each test says how it answers ``POST /v1/annotate`` with a function of the body
it was sent, and how fast: headers at once, or its body trickled a few bytes at a time.
Every wait it makes is bounded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Rogue:
    """How the rogue service answers, and the bodies it was sent."""

    answer: Callable[[str], str]
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    #: seconds between two pieces of the body (0: all at once)
    trickle: float = 0.0
    #: seconds the trickle lasts at most (the test's bound)
    trickle_for: float = 30.0
    received: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def base(self) -> str:
        """The service's URL."""
        return f"http://127.0.0.1:{self.port}"


def _handler(rogue: Rogue) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            sent = self.rfile.read(length).decode("utf-8", "replace")
            rogue.received.append(sent)
            body = rogue.answer(sent).encode("utf-8")
            self.send_response(rogue.status)
            self.send_header("Content-Type", rogue.content_type)
            self.send_header("X-Glossator-Glossary", "default; version=0123456789abcdef")
            self.end_headers()
            if not rogue.trickle:
                self.wfile.write(body)
                return
            deadline = time.monotonic() + rogue.trickle_for
            for i in range(0, len(body), 4):
                try:
                    self.wfile.write(body[i:i + 4])
                    self.wfile.flush()
                except OSError:
                    return  # the client gave up: what the test expects
                if time.monotonic() > deadline:
                    return
                time.sleep(rogue.trickle)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def rogue_service(answer: Callable[[str], str], content_type: str = "text/html; charset=utf-8",
                  trickle: float = 0.0, trickle_for: float = 30.0,
                  status: int = 200) -> Iterator[Rogue]:
    """A :class:`Rogue` listening on loopback while the block runs."""
    rogue = Rogue(answer, content_type, status, trickle, trickle_for)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(rogue))
    server.daemon_threads = True
    rogue.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rogue
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
