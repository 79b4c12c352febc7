"""A real ``glossator serve`` for the tests: a uvicorn server in a subprocess on
127.0.0.1, on a port the system picks, with its log collected line by line.

No mock: requests go over loopback with :mod:`urllib`, and nowhere else. Every wait is
bounded in time.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

REPO_ROOT = Path(__file__).resolve().parents[1]

#: The documents and glossaries the service tests send (one copy for every test file).
TEXT = "L’ESS réunit les SCOP et les SCIC. Une SCOP est une coopérative ; l’ESS aussi.\n"
MARKDOWN = "# Titre\n\nL’ESS réunit les **SCOP**, et `ESS` reste du code.\n"
GLOSSARY_V1 = """\
- term: coopérative d'activité et d'emploi
  aliases: [CAE]
  definition: Une coopérative qui héberge des entrepreneurs salariés.
"""
GLOSSARY_V2 = GLOSSARY_V1 + """\
- term: tiers-lieu
  definition: Un lieu partagé, ni domicile ni travail.
"""
_LISTENING = re.compile(r"running on http://127\.0\.0\.1:(\d+)")


@dataclass
class Answer:
    """One HTTP answer: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Server:
    """A running ``glossator serve``: its port, its process, and its log so far."""

    process: subprocess.Popen[str]
    port: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: dict[str, str] | None = None, timeout: float = 30) -> Answer:
        data = body.encode("utf-8") if isinstance(body, str) else body
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return Answer(r.status, {k.lower(): v for k, v in r.headers.items()},
                              r.read())
        except urllib.error.HTTPError as e:
            return Answer(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())

    def annotate(self, payload: dict[str, Any], headers: dict[str, str] | None = None,
                 **kw: Any) -> Answer:
        return self.request("POST", "/v1/annotate", json.dumps(payload),
                            {"Content-Type": "application/json", **(headers or {})}, **kw)

    def log_lines(self, needle: str) -> list[str]:
        return [line for line in list(self.log) if needle in line]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_server(*args: str, env: dict[str, str] | None = None,
                 cwd: Path | None = None, wait: float = 60) -> Server:
    """``glossator serve --port 0 ARGS…`` started and listening (or failed)."""
    command = [sys.executable, "-m", "glossator", "serve", "--port", "0", *args]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})}, cwd=cwd or REPO_ROOT)
    server = Server(process)
    listening = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            server.log.append(line.rstrip("\n"))
            found = _LISTENING.search(line)
            if found:
                server.port = int(found.group(1))
                listening.set()
        listening.set()

    threading.Thread(target=read, daemon=True).start()
    if not listening.wait(wait) or not server.port:
        server.stop()
        raise AssertionError("glossator serve did not start:\n" + "\n".join(server.log))
    return server


def wait_until(predicate: Any, seconds: float = 15, step: float = 0.1) -> bool:
    """Whether ``predicate()`` became true within ``seconds`` (checked every ``step``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``glossator ARGS…`` in a subprocess, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "glossator", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=REPO_ROOT,
                          env={**os.environ, "NO_COLOR": "1"})
