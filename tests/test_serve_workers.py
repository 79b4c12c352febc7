"""``glossator serve``: the raw mode's other media types, and several workers — metrics that
add up every worker, and a changed glossary reloaded in each of them.

A real uvicorn server in a subprocess on loopback, as in tests/test_serve.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from serve_support import (
    GLOSSARY_V1,
    GLOSSARY_V2,
    MARKDOWN,
    TEXT,
    Server,
    run_cli,
    start_server,
    wait_until,
)

pytest.importorskip("starlette")

from glossator.serve.routes import accepted_format


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = start_server()
    yield s
    s.stop()


def _raw(server: Server, body: str, media: str, query: str = "",
         accept: str | None = None) -> tuple[int, str, str]:
    headers = {"Content-Type": f"{media}; charset=utf-8"}
    if accept is not None:
        headers["Accept"] = accept
    answer = server.request("POST", "/v1/annotate" + query, body, headers)
    return answer.status, answer.headers.get("content-type", ""), answer.text


# --- the raw mode: text/plain and text/markdown --------------------------------------------


def test_plain_text_is_answered_in_plain_text_as_the_cli_writes_it(server: Server) -> None:
    status, media, body = _raw(server, TEXT, "text/plain", accept="*/*")
    assert status == 200 and media == "text/plain; charset=utf-8"
    assert body == run_cli("annotate", "-", "--input-format", "text", "-f", "text",
                           stdin=TEXT).stdout


@pytest.mark.parametrize(("query", "accept", "fmt", "media"), [
    ("", "text/html", "html", "text/html"),
    ("", "text/markdown;q=0.5, text/html;q=0.9", "html", "text/html"),
    ("", "text/markdown", "markdown", "text/markdown"),
    ("?format=html", "text/plain", "html", "text/html"),  # format wins over Accept
    ("?format=json", None, "json", "application/json"),
])
def test_plain_text_is_answered_in_the_format_asked_for(
        server: Server, query: str, accept: str | None, fmt: str, media: str) -> None:
    status, answered, body = _raw(server, TEXT, "text/plain", query, accept)
    assert status == 200, body
    assert answered == f"{media}; charset=utf-8"
    cli = run_cli("annotate", "-", "--input-format", "text", "-f", fmt, stdin=TEXT).stdout
    assert body == cli


def test_markdown_is_answered_in_html_as_the_cli_writes_it(server: Server) -> None:
    status, media, body = _raw(server, MARKDOWN, "text/markdown", accept="text/plain")
    assert status == 200 and media == "text/html; charset=utf-8"
    assert body == run_cli("annotate", "-", "--input-format", "markdown",
                           stdin=MARKDOWN).stdout
    assert 'data-glossator-entry="ess"' in body and "<code>ESS</code>" in body


def test_the_content_type_says_what_the_body_is(server: Server) -> None:
    answer = server.request("POST", "/v1/annotate?input_format=html", TEXT,
                            {"Content-Type": "text/plain"})
    assert answer.status == 400
    assert "Content-Type says what the body is" in answer.json()["detail"]
    answer = server.request("POST", "/v1/annotate?format=text", MARKDOWN,
                            {"Content-Type": "text/markdown"})
    assert answer.status == 400
    assert answer.json()["detail"].startswith("Markdown input is written as HTML")


def test_accept_chooses_by_quality_then_order() -> None:
    assert accepted_format("text/html") == "html"
    assert accepted_format("*/*") is None
    assert accepted_format("application/json, text/plain") == "text"
    assert accepted_format("text/plain;q=0.2, text/markdown;q=0.8") == "markdown"
    assert accepted_format("text/html;q=0, text/plain") == "text"
    assert accepted_format("text/html, text/plain") == "html"
    assert accepted_format("text/html;q=oops") is None


# --- several workers -----------------------------------------------------------------------


def _metric(s: Server, name: str) -> int | None:
    """One sample of ``/metrics`` (a fresh connection, so any worker may answer)."""
    found = re.search("^" + re.escape(name) + r" (\d+)$", s.request("GET", "/metrics").text,
                      re.M)
    return int(found.group(1)) if found else None


def test_metrics_add_up_every_worker(tmp_path: Path) -> None:
    s = start_server("--workers", "2", "--cache-dir", str(tmp_path / "cache"))
    try:
        assert wait_until(lambda: len(s.log_lines("Application startup complete")) == 2, 60)
        assert wait_until(lambda: _metric(s, "glossator_workers") == 2, 15)
        for _ in range(40):  # one connection each: the kernel spreads them over the workers
            assert s.request("GET", "/healthz").status == 200
        healthz = 'glossator_requests_total{route="/healthz",method="GET",status="200"}'
        assert wait_until(lambda: _metric(s, healthz) == 40, 15)
        # every scrape, whichever worker answers it, tells the same total
        assert {_metric(s, healthz) for _ in range(8)} == {40}
        for _ in range(6):
            s.request("POST", "/v1/annotate", TEXT, {"Content-Type": "text/plain"})
        assert wait_until(lambda: _metric(s, "glossator_documents_total") == 6, 15)
        # the scrape itself, once the other worker's snapshot (at most 1 s old) has caught up
        assert wait_until(lambda: _metric(s, "glossator_requests_in_flight") == 1, 15)
    finally:
        s.stop()


def test_a_changed_glossary_is_reloaded_in_every_worker(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(GLOSSARY_V1, encoding="utf-8")
    s = start_server("-g", str(path), "--workers", "2", "--reload-interval", "0.2",
                     "--cache-dir", str(tmp_path / "cache"))
    ok = 'glossator_glossary_reloads_total{glossary="default",result="ok"}'
    failed = 'glossator_glossary_reloads_total{glossary="default",result="failed"}'
    text = "La CAE est un tiers-lieu."

    def surfaces() -> set[tuple[str, ...]]:  # what ten requests, spread over both, see
        return {tuple(m["surface"] for m in s.annotate({"text": text}).json()["matches"])
                for _ in range(10)}

    try:
        assert wait_until(lambda: len(s.log_lines("Application startup complete")) == 2, 60)
        assert wait_until(lambda: _metric(s, "glossator_workers") == 2, 15)
        assert surfaces() == {("CAE",)}
        path.write_text(GLOSSARY_V2, encoding="utf-8")
        assert wait_until(lambda: _metric(s, ok) == 2, 20)  # once in each worker
        assert surfaces() == {("CAE", "tiers-lieu")}
        # broken: each worker keeps the new version and says so once
        path.write_text(GLOSSARY_V2 + "- term: [\n", encoding="utf-8")
        assert wait_until(lambda: _metric(s, failed) == 2, 20)
        assert wait_until(lambda: len(s.log_lines("not reloaded")) == 2, 10)
        assert surfaces() == {("CAE", "tiers-lieu")}
        assert _metric(s, ok) == 2 and _metric(s, failed) == 2
    finally:
        s.stop()
