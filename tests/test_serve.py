"""``glossator serve`` over loopback: a real uvicorn server in a subprocess, no mocks.

Every endpoint; the output and matches against the CLI's on the same input, byte for
byte; authentication, CORS, limits (413, 415, 503, 504), problem documents, ETags,
metrics, logs, configuration files, workers, and reloading a glossary atomically.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from glossator.documents.html import unwrap
from serve_support import (
    GLOSSARY_V1,
    GLOSSARY_V2,
    MARKDOWN,
    TEXT,
    Answer,
    Server,
    run_cli,
    start_server,
    wait_until,
)

HTML = ("<!DOCTYPE html><html lang=\"fr\"><head><title>t</title></head><body>"
        "<h1>L’ESS</h1><p>L’ESS réunit les <em>SCOP</em> et les SCIC.</p>"
        "<pre>ESS</pre></body></html>")
#: a page annotated earlier, its definition since changed in the glossary (``refresh``)
STALE = ("<p>L’<span class=\"glossator\" data-glossator-entry=\"ess\"><span "
         "class=\"glossator-term\" tabindex=\"0\" aria-describedby=\"glossator-1\">ESS"
         "</span><span class=\"glossator-tip\" role=\"tooltip\" id=\"glossator-1\"> <span "
         "class=\"glossator-title\">ESS</span> <span class=\"glossator-definition\">Une "
         "définition périmée.</span> </span></span> réunit les SCOP.</p>")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = start_server()
    yield s
    s.stop()


def _problem(answer: Answer, status: int) -> dict[str, Any]:
    assert answer.status == status, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = answer.json()
    assert set(problem) == {"type", "title", "status", "detail"}
    assert problem["status"] == status and "\n" not in problem["detail"]
    assert "Traceback" not in answer.text
    return problem


# --- the same as the CLI -------------------------------------------------------------------


CASES = [
    ("text", "html", TEXT, {}),
    ("text", "text", TEXT, {}),
    ("text", "json", TEXT, {}),
    ("text", "markdown", TEXT, {"link_to": "glossaire.html"}),
    ("text", "terminal", TEXT, {}),
    ("text", "html", TEXT, {"standalone": True, "occurrences": "all", "markup": "spip"}),
    ("text", "html", TEXT.upper().replace("’", "'"), {"accents": "fold",
                                                      "max_per_entry": 1}),
    ("html", "html", HTML, {"markup": "abbr"}),
    ("html", "html", HTML, {"assets": "inline"}),
    ("html", "html", STALE, {"refresh": True}),
    ("markdown", "html", MARKDOWN, {}),
]


def _cli_args(input_format: str, fmt: str, options: dict[str, Any]) -> list[str]:
    args = ["--input-format", input_format, "-f", fmt]
    if "assets" not in options:  # the service's default; the CLI's on stdout is inline
        args += ["--assets", "none"]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            args.append(flag)
        else:
            args += [flag, str(value)]
    return args


@pytest.mark.parametrize(("input_format", "fmt", "text", "options"), CASES)
def test_output_and_matches_are_the_cli_s_byte_for_byte(
    server: Server, input_format: str, fmt: str, text: str, options: dict[str, Any]
) -> None:
    answer = server.annotate({"text": text, "input_format": input_format, "format": fmt,
                              **options})
    assert answer.status == 200, answer.body
    data = answer.json()
    cli = run_cli("annotate", "-", *_cli_args(input_format, fmt, options), stdin=text)
    assert cli.returncode == 0, cli.stderr
    assert data["output"] == cli.stdout
    matching = [a for a in ("--occurrences", "--accents", "--max-per-entry")
                if a.lstrip("-").replace("-", "_") in options]
    explain_args = ["--input-format", input_format]
    for flag in matching:
        explain_args += [flag, str(options[flag.lstrip("-").replace("-", "_")])]
    if options.get("refresh"):
        explain_args.append("--refresh")
        assert "périmée" not in data["output"] and "ESS" in [m["surface"] for m in
                                                              data["matches"]]
    explained = run_cli("explain", "-", "-f", "json", *explain_args, stdin=text)
    assert explained.returncode == 0, explained.stderr
    rows = [json.loads(line) for line in explained.stdout.splitlines()]
    fields = ("start", "end", "surface", "entry", "term", "form", "variant", "how",
              "annotated", "reason", "sense")
    assert data["matches"] == [{k: r[k] for k in fields} for r in rows]
    assert data["glossary"]["name"] == "default" and len(data["glossary"]["version"]) == 16


def test_raw_html_mode_answers_the_annotated_html_only(server: Server) -> None:
    answer = server.request("POST", "/v1/annotate?markup=spip&occurrences=all", HTML,
                            {"Content-Type": "text/html; charset=utf-8"})
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    cli = run_cli("annotate", "-", "--input-format", "html", "--markup", "spip",
                  "--occurrences", "all", "--assets", "none", stdin=HTML)
    assert answer.text == cli.stdout
    assert 'class="cs_glossaire"' in answer.text
    assert answer.headers["x-glossator-glossary"].startswith("default; version=")


def test_raw_mode_keeps_a_page_byte_for_byte_outside_the_markup(server: Server) -> None:
    """A whole page gets no stylesheet unless asked (``assets=inline``: the CLI's
    ``--assets inline``); ``link`` is refused (the service writes no file); a BOM sent is
    a BOM returned. What the WordPress and SPIP plugins check an answer for."""
    def raw(query: str, body: str) -> Answer:
        return server.request("POST", "/v1/annotate" + query, body.encode("utf-8"),
                              {"Content-Type": "text/html; charset=utf-8"})

    plain = raw("", HTML)
    assert plain.status == 200 and "<style" not in plain.text
    assert unwrap(plain.text)[0] == HTML  # glossator's markup taken off: the page sent
    inline = raw("?assets=inline", HTML)
    assert inline.text == run_cli("annotate", "-", "--input-format", "html", "--assets",
                                  "inline", stdin=HTML).stdout
    assert "<style>" in inline.text
    assert "'assets'" in _problem(raw("?assets=link", HTML), 400)["detail"]
    json_inline = server.annotate({"text": HTML, "input_format": "html", "assets": "inline"})
    assert json_inline.json()["output"] == inline.text
    for body in ("\ufeff" + HTML, "\ufeff<p>L’ESS réunit les SCOP.</p>"):
        answer = raw("", body)
        assert answer.status == 200 and answer.body.startswith(b"\xef\xbb\xbf<")
        assert answer.text == run_cli("annotate", "-", "--input-format", "html", "--assets",
                                      "none", stdin=body).stdout


def test_raw_mode_reads_the_charset_it_is_told(server: Server) -> None:
    page = "<p>L’ESS à Besançon.</p>".replace("’", "'")
    answer = server.request("POST", "/v1/annotate", page.encode("cp1252"),
                            {"Content-Type": "text/html; charset=windows-1252"})
    assert answer.status == 200 and "Besançon" in answer.text
    assert 'data-glossator-entry="ess"' in answer.text


def test_a_body_in_another_charset_says_how_to_name_it(server: Server) -> None:
    latin1 = server.request("POST", "/v1/annotate", "L'ESS à Besançon.".encode("latin-1"),
                            {"Content-Type": "text/plain"})
    assert _problem(latin1, 400)["detail"] == (
        "the request body:1: not valid UTF-8: byte 0xe0 at column 7 (byte offset 6; 1 more "
        "further on) (convert the file to UTF-8 or give its encoding, e.g. charset=cp1252 "
        "in the Content-Type)")
    utf16 = server.request("POST", "/v1/annotate", "L'ESS.".encode("utf-16"),
                           {"Content-Type": "text/plain"})
    assert _problem(utf16, 400)["detail"].endswith(
        "(read it with charset=utf-16 in the Content-Type, or save it as UTF-8)")


#: Every check of ``glossator annotate`` a JSON body can set off: the members, the CLI's
#: options that set it off there too, and the message in the service's words.
REFUSED: list[tuple[dict[str, Any], list[str], str]] = [
    ({"input_format": "html", "format": "text"}, ["--input-format", "html", "-f", "text"],
     "HTML input is written as HTML, not text (drop 'format', or send the text with "
     "'input_format': \"text\")"),
    ({"input_format": "markdown", "format": "json"},
     ["--input-format", "markdown", "-f", "json"],
     "Markdown input is written as HTML, not json (drop 'format', or send the text with "
     "'input_format': \"text\")"),
    ({"standalone": True, "format": "text"}, ["--standalone", "-f", "text"],
     "'standalone' goes with 'format': \"html\""),
    ({"title": "x"}, ["--title", "x"], "'title' goes with 'standalone' (add 'standalone': "
     "true)"),
    ({"input_format": "html", "standalone": True}, ["--input-format", "html", "--standalone"],
     "'standalone' goes with text or Markdown input; an HTML page is kept whole"),
    ({"skip": ["p"]}, ["--skip", "p"], "'skip' and 'root' go with HTML input (send it with "
     "'input_format': \"html\" ('skip' also goes with Markdown input))"),
    ({"root": "p", "input_format": "markdown"}, ["--root", "p", "--input-format", "markdown"],
     "'root' goes with HTML input, not Markdown (send it with 'input_format': \"html\")"),
    ({"refresh": True}, ["--refresh"], "'refresh' goes with HTML input: it takes "
     "glossator's annotations off pages annotated earlier (send it with 'input_format': "
     "\"html\")"),
    ({"markup": "spip", "format": "text"}, ["--markup", "spip", "-f", "text"],
     "'markup' goes with HTML output (add 'format': \"html\")"),
    ({"markup": "abbr", "input_format": "markdown"},
     ["--markup", "abbr", "--input-format", "markdown"], "'markup' spip/abbr does not go "
     "with Markdown input yet (convert the Markdown to HTML first, then annotate it)"),
    ({"rich_definitions": True, "format": "text"}, ["--rich-definitions", "-f", "text"],
     "'rich_definitions' goes with HTML output of text or HTML input"),
    ({"link_to": "a.html", "format": "text"}, ["--link-to", "a.html", "-f", "text"],
     "'link_to' goes with HTML or Markdown output (add 'format': \"html\" or "
     "\"markdown\")"),
    ({"link_to": "javascript:x"}, ["--link-to", "javascript:x"], "'link_to' 'javascript:x': "
     "only http, https and relative URLs are allowed (e.g. index.html or "
     "https://example.org/glossaire/)"),
    ({"max_per_entry": 0}, ["--max-per-entry", "0"], "'max_per_entry' must be at least 1"),
    ({"format": "pdf"}, ["-f", "pdf"],
     "unknown output format 'pdf' (use one of: html, json, markdown, terminal, text)"),
    ({"markup": "nope"}, ["--markup", "nope"],
     "unknown markup 'nope' (use one of: glossator, spip, abbr)"),
    ({"occurrences": "often"}, ["--occurrences", "often"],
     "unknown occurrences policy 'often' (use one of: first, section, all)"),
    ({"skip": ["p:::"], "input_format": "html"}, ["--skip", "p:::", "--input-format", "html"],
     "'p:::' is not a simple selector (use a tag, .class, #id, [attr] or [attr=value], "
     "e.g. 'main' or 'div.sidebar')"),
]

#: A command line's vocabulary: an option (``-f``, ``--max-per-entry``), a file to give.
CLI_WORDS = re.compile(r"(?<![\w-])(-[a-z]|--[a-z])|<stdin>|\.html file")


@pytest.mark.parametrize(("members", "cli_args", "detail"), REFUSED)
def test_the_cli_s_checks_come_back_in_the_api_s_words(
    server: Server, members: dict[str, Any], cli_args: list[str], detail: str
) -> None:
    """What the CLI refuses a request is refused too, by the same checks, and the
    problem names the members a request sets, not the CLI's options."""
    answer = server.annotate({"text": "x", **members})
    assert _problem(answer, 400)["detail"] == detail
    assert not CLI_WORDS.search(detail)
    assert run_cli("annotate", "-", *cli_args, stdin="x").returncode == 2


@pytest.mark.parametrize(("media", "query", "detail"), [
    ("text/html", "?format=text", "HTML input is written as HTML, not text (drop 'format', "
     "or send the body as text/plain)"),
    ("text/markdown", "?format=markdown", "Markdown input is written as HTML, not markdown "
     "(drop 'format', or send the body as text/plain)"),
    ("text/plain", "?skip=p", "'skip' and 'root' go with HTML input (send the body as "
     "text/html ('skip' also goes with Markdown input))"),
    ("text/markdown", "?root=p", "'root' goes with HTML input, not Markdown (send the body "
     "as text/html)"),
    ("text/plain", "?title=x", "'title' goes with 'standalone' (add standalone=true)"),
    ("text/plain", "?standalone=true&format=text", "'standalone' goes with format=html"),
    ("text/plain", "?markup=spip&format=text",
     "'markup' goes with HTML output (add format=html)"),
    ("text/plain", "?link_to=a.html&format=text",
     "'link_to' goes with HTML or Markdown output (add format=html or format=markdown)"),
    ("text/html", "?max_per_entry=0", "'max_per_entry' must be at least 1"),
])
def test_the_raw_mode_s_problems_speak_its_query_string(server: Server, media: str,
                                                        query: str, detail: str) -> None:
    answer = server.request("POST", "/v1/annotate" + query, "x", {"Content-Type": media})
    assert _problem(answer, 400)["detail"] == detail
    assert not CLI_WORDS.search(detail)


def test_every_option_the_cli_s_checks_name_is_a_member_or_out_of_reach() -> None:
    """The one table (``OPTION_MEMBERS``) names every option a message of ``glossator
    annotate``'s checks can name; the others are the CLI's alone, fixed in the namespace
    a request makes (its output, jobs, terminal)."""
    import ast
    import inspect

    from glossator import plan
    from glossator.serve.options import OPTION_MEMBERS

    cli_only = {"--output", "--output-dir", "--in-place", "--width", "--output-encoding",
                "--jobs", "-j", "--dask", "--script", "--explain", "-o"}
    named: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(plan))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "UsageError":
            for part in ast.walk(node):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    named |= {m.group() for m in re.finditer(
                        r"(?<![\w-])(-[a-z]|--[a-z][a-z-]*)(?![\w-])", part.value)}
    assert named > {"--standalone", "--markup", "-f"}
    assert named <= set(OPTION_MEMBERS) | cli_only, named - set(OPTION_MEMBERS) - cli_only


def test_a_json_body_is_utf_8(server: Server) -> None:
    latin1 = server.request("POST", "/v1/annotate", '{"text": "Besançon"}'.encode("latin-1"),
                            {"Content-Type": "application/json"})
    detail = _problem(latin1, 400)["detail"]
    assert detail.startswith("the body is not UTF-8: byte 0xe7 at offset 15 ")
    assert "JSON is sent in UTF-8" in detail and "codec" not in detail
    for charset in ("iso-8859-1", "utf-16", "nope"):
        named = server.request("POST", "/v1/annotate", '{"text": "x"}',
                               {"Content-Type": f"application/json; charset={charset}"})
        assert f"not charset={charset}" in _problem(named, 415)["detail"]
    for charset in ("utf-8", "UTF8", '"utf-8"'):
        assert server.request("POST", "/v1/annotate", '{"text": "L’ESS"}', {
            "Content-Type": f"application/json; charset={charset}"}).status == 200


def test_bad_bodies_types_and_routes_are_problems(server: Server) -> None:
    bad_json = server.request("POST", "/v1/annotate", "{nope",
                              {"Content-Type": "application/json"})
    assert "not valid JSON" in _problem(bad_json, 400)["detail"]
    deep = '{"text": "x", "skip": ' + "[" * 5000 + "]" * 5000 + "}"  # (json's recursion)
    nested = server.request("POST", "/v1/annotate", deep, {"Content-Type": "application/json"})
    assert "nested too deeply" in _problem(nested, 400)["detail"]
    _problem(server.request("POST", "/v1/annotate", "x", {"Content-Type": "text/csv"}), 415)
    _problem(server.request("POST", "/v1/annotate", b"\xff\xfe\x00",
                            {"Content-Type": "text/html"}), 400)
    surrogate = server.request("POST", "/v1/annotate", '{"text": "L\\u2019ESS \\ud800"}',
                               {"Content-Type": "application/json"})
    assert "lone surrogate" in _problem(surrogate, 400)["detail"]
    unknown = server.annotate({"text": "x", "glossary": "nope"})
    assert "unknown glossary 'nope'" in _problem(unknown, 404)["detail"]
    _problem(server.request("GET", "/v1/glossaries/nope/entries"), 404)
    _problem(server.request("GET", "/nowhere"), 404)
    _problem(server.request("GET", "/v1/annotate"), 405)
    _problem(server.request("GET", "/static/../app.py"), 404)


def test_a_json_body_refuses_options_in_the_query_string(server: Server) -> None:
    """In the JSON mode the options are the body's members: one in the query string (a
    typo, or a raw-mode habit) is refused, never silently ignored."""
    for query in ("?glossary=ess&bogus=1", "?format=text", "?bogus"):
        answer = server.request("POST", "/v1/annotate" + query, '{"text": "La SCOP."}',
                                {"Content-Type": "application/json"})
        detail = _problem(answer, 400)["detail"]
        assert "query string" in detail and f"'{query[1:].split('=')[0]}'" in detail
    assert server.annotate({"text": "La SCOP."}).status == 200


# --- the glossaries, health, OpenAPI, metrics ----------------------------------------------


def test_glossaries_and_entries_have_etags_and_answer_304(server: Server) -> None:
    listing = server.request("GET", "/v1/glossaries")
    assert listing.status == 200
    [g] = listing.json()["glossaries"]
    assert g["name"] == "default" and g["entries"] > 50 and len(g["version"]) == 16
    etag = listing.headers["etag"]
    again = server.request("GET", "/v1/glossaries", headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    entries = server.request("GET", "/v1/glossaries/default/entries")
    assert entries.status == 200
    data = entries.json()
    assert data["version"] == g["version"] and len(data["entries"]) == g["entries"]
    ess = next(e for e in data["entries"] if e["id"] == "ess")
    assert set(ess) == {"id", "anchor", "term", "title", "definition", "aliases", "url",
                        "source"}
    assert ess["anchor"] == "glossaire-ess"  # the id of its element in `glossator index`
    assert ess["term"] == "ESS" and ess["definition"]
    not_modified = server.request("GET", "/v1/glossaries/default/entries",
                                  headers={"If-None-Match": f'"x", {entries.headers["etag"]}'})
    assert not_modified.status == 304
    assert server.request("GET", "/v1/glossaries/default/entries",
                          headers={"If-None-Match": '"other"'}).status == 200


def test_healthz_names_the_glossaries_loaded(server: Server) -> None:
    answer = server.request("GET", "/healthz")
    assert answer.status == 200
    data = answer.json()
    assert data["status"] == "ok" and data["glossaries"]["default"]["entries"] > 50


def test_the_openapi_document_describes_every_route(server: Server) -> None:
    from glossator.serve import GlossarySpec, ServeConfig
    from glossator.serve.app import create_app

    doc = server.request("GET", "/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    app: Any = create_app(ServeConfig((GlossarySpec("default", ("x.yaml",)),)))
    for route in app.routes:
        assert route.path in doc["paths"], route.path
        for method in route.methods - {"HEAD"}:
            assert method.lower() in doc["paths"][route.path], (route.path, method)
    assert set(doc["paths"]) == {route.path for route in app.routes}
    fields = doc["components"]["schemas"]["AnnotateRequest"]["properties"]
    from glossator.serve.options import DEFAULTS

    assert set(fields) == set(DEFAULTS)


def test_metrics_count_requests_latency_and_annotations(server: Server) -> None:
    server.annotate({"text": TEXT})
    text = server.request("GET", "/metrics")
    assert text.status == 200 and text.headers["content-type"].startswith("text/plain")
    body = text.text
    assert "# TYPE glossator_requests_total counter" in body
    assert 'glossator_requests_total{route="/v1/annotate",method="POST",status="200"}' in body
    assert 'glossator_request_duration_seconds_bucket{route="/v1/annotate",le="+Inf"}' in body
    assert 'glossator_glossary_entries{glossary="default"}' in body
    annotations = [line for line in body.splitlines()
                   if line.startswith("glossator_annotations_total ")]
    assert annotations and int(annotations[0].split()[1]) >= 3
    for line in body.splitlines():  # every sample line: name{labels} value
        assert line.startswith("#") or len(line.rsplit(" ", 1)) == 2, line


def test_the_log_has_one_line_per_request(server: Server) -> None:
    server.request("GET", "/healthz?probe=1")
    assert wait_until(lambda: server.log_lines("GET /healthz 200"), 5)
    line = server.log_lines("GET /healthz 200")[-1]
    assert "ms" in line and "bytes" in line and "probe" not in line


def test_the_playground_and_its_files_are_served_with_a_strict_csp(server: Server) -> None:
    page = server.request("GET", "/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in page.text and "style=" not in page.text
    assert "http://" not in page.text and "https://" not in page.text
    for name in ("playground.js", "playground.css", "glossator.css", "glossator.js"):
        answer = server.request("GET", f"/static/{name}")
        assert answer.status == 200 and answer.body, name
    assert server.request("GET", "/static/glossator.css").text.startswith(
        run_cli("css").stdout[:40])


def test_glossary_data_is_never_active_markup(tmp_path: Path) -> None:
    glossary = tmp_path / "evil.yaml"
    glossary.write_text('- term: SCOP\n  definition: "<script>alert(1)</script> <img src=x '
                        'onerror=alert(2)>"\n  title: "<b>bold</b>"\n', encoding="utf-8")
    s = start_server("-g", str(glossary))
    try:
        out = s.annotate({"text": "Une SCOP."}).json()["output"]
        assert "<script>" not in out and "<img" not in out and "<b>" not in out
        assert "&lt;script&gt;" in out
        raw = s.request("POST", "/v1/annotate", "<p>Une SCOP.</p>",
                        {"Content-Type": "text/html"}).text
        assert "<script>" not in raw and "&lt;img" in raw
    finally:
        s.stop()


def test_senses_and_domain_as_the_cli_takes_them(tmp_path: Path) -> None:
    glossary = tmp_path / "sigles.csv"
    glossary.write_text("term,definition,source\nCSE,Comité social et économique,travail\n"
                        "CSE,Cadre socio-éducatif,santé\n", encoding="utf-8")
    s = start_server("-g", str(glossary))
    try:
        text = "Le CSE siège."
        cases: list[dict[str, Any]] = [{}, {"senses": "skip"}, {"domain": "travail"},
                                       {"domain": ["santé"], "senses": "first"}]
        for options in cases:
            answer = s.annotate({"text": text, "format": "text", **options})
            assert answer.status == 200, answer.body
            args = ["-g", str(glossary), "-f", "text"]
            for key, value in options.items():
                for v in value if isinstance(value, list) else [value]:
                    args += [f"--{key}", str(v)]
            assert answer.json()["output"] == run_cli("annotate", "-", *args, stdin=text).stdout
        chosen = s.annotate({"text": text, "domain": "travail"}).json()["matches"]
        assert chosen[0]["sense"] == "cse by domain"
        raw = s.request("POST", "/v1/annotate?domain=sant%C3%A9&senses=skip",
                        f"<p>{text}</p>", {"Content-Type": "text/html"}).text
        assert "Cadre socio-éducatif" in raw and "Comité" not in raw
        assert s.annotate({"text": text, "senses": "guess"}).status == 400
        assert s.annotate({"text": text, "domain": 3}).status == 400
    finally:
        s.stop()


# --- security and limits -------------------------------------------------------------------


def test_a_token_is_asked_for_on_the_api_and_the_metrics(tmp_path: Path) -> None:
    s = start_server(env={"GLOSSATOR_TOKEN": "s3cret-token"})
    try:
        missing = _problem(s.annotate({"text": TEXT}), 401)
        assert "bearer token" in missing["detail"]
        assert s.annotate({"text": TEXT}).headers["www-authenticate"] == "Bearer"
        _problem(s.annotate({"text": TEXT}, {"Authorization": "Bearer wrong"}), 401)
        _problem(s.annotate({"text": TEXT}, {"Authorization": "Basic czNjcmV0LXRva2Vu"}), 401)
        _problem(s.request("GET", "/metrics"), 401)
        _problem(s.request("GET", "/v1/glossaries"), 401)
        ok = s.annotate({"text": TEXT}, {"Authorization": "Bearer s3cret-token"})
        assert ok.status == 200
        assert s.request("GET", "/healthz").status == 200
        assert s.request("GET", "/").status == 200
        assert s.request("GET", "/static/playground.js").status == 200
        assert not any("s3cret-token" in line for line in s.log)
    finally:
        s.stop()


def test_no_client_can_add_series_to_the_metrics() -> None:
    """Invented methods and paths, even refused for want of a token, are counted under
    one ``other`` value each: the metrics' series stay bounded."""
    s = start_server("--token", "t0k")
    try:
        for i in range(3):
            assert s.request(f"QQ{i}", "/v1/annotate").status == 401
            assert s.request("GET", f"/made-up-{i}").status == 401
        metrics = s.request("GET", "/metrics", headers={"Authorization": "Bearer t0k"}).text
        assert "QQ" not in metrics and "made-up" not in metrics
        assert 'route="/v1/annotate",method="other",status="401"} 3' in metrics
        assert 'route="other",method="GET",status="401"} 3' in metrics
    finally:
        s.stop()


def test_cors_is_off_by_default_and_follows_the_allow_list(server: Server) -> None:
    plain = server.request("GET", "/v1/glossaries", headers={"Origin": "https://a.example"})
    assert "access-control-allow-origin" not in plain.headers
    s = start_server("--cors-origin", "https://a.example", "--token", "t0k")
    try:
        preflight = s.request("OPTIONS", "/v1/annotate", headers={
            "Origin": "https://a.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"})
        assert preflight.status == 200
        assert preflight.headers["access-control-allow-origin"] == "https://a.example"
        other = s.request("OPTIONS", "/v1/annotate", headers={
            "Origin": "https://b.example", "Access-Control-Request-Method": "POST"})
        assert other.headers.get("access-control-allow-origin") != "https://b.example"
        denied = s.annotate({"text": TEXT}, {"Origin": "https://a.example"})
        assert denied.status == 401
        assert denied.headers["access-control-allow-origin"] == "https://a.example"
        listing = s.request("GET", "/v1/glossaries", headers={
            "Origin": "https://a.example", "Authorization": "Bearer t0k"})
        assert listing.headers["access-control-allow-origin"] == "https://a.example"
        assert "etag" in listing.headers["access-control-expose-headers"].lower()
        raw = s.request("POST", "/v1/annotate", "<p>L’ESS.</p>", {
            "Origin": "https://a.example", "Authorization": "Bearer t0k",
            "Content-Type": "text/html"})
        assert raw.status == 200 and raw.headers["x-glossator-glossary"]
        exposed = {h.strip().lower()
                   for h in raw.headers["access-control-expose-headers"].split(",")}
        assert {"etag", "x-glossator-glossary", "retry-after"} <= exposed
    finally:
        s.stop()


def test_bodies_over_the_limit_are_refused_with_413() -> None:
    s = start_server("--max-bytes", "1000")
    try:
        big = s.annotate({"text": "L’ESS. " * 400})
        assert "--max-bytes" in _problem(big, 413)["detail"]
        assert s.annotate({"text": "L’ESS."}).status == 200
        raw = s.request("POST", "/v1/annotate", "<p>x</p>" * 200, {"Content-Type": "text/html"})
        _problem(raw, 413)
    finally:
        s.stop()


def test_slow_requests_time_out_with_504_and_a_full_service_says_503() -> None:
    s = start_server("--timeout", "0.3", "--max-concurrency", "1")
    try:
        slow = {"text": TEXT * 8000, "occurrences": "all", "format": "json"}
        answers: list[Answer] = []
        first = threading.Thread(target=lambda: answers.append(s.annotate(slow, timeout=60)))
        first.start()
        time.sleep(0.1)
        second = s.annotate({"text": "L’ESS."}, timeout=60)
        first.join(timeout=60)
        assert "--timeout" in _problem(answers[0], 504)["detail"]
        assert "try again" in _problem(second, 503)["detail"]
        assert second.headers["retry-after"] == "1"
        # once the slow work is over, its slot is free again
        # (bounded generously: the slow thread runs on; the machine may be busy)
        assert wait_until(lambda: s.annotate({"text": "L’ESS."}).status == 200, 120, 0.5)
        assert s.request("GET", "/healthz").status == 200
    finally:
        s.stop()


def _half_a_body(s: Server, close: bool) -> tuple[bytes, float]:
    """Declare 100 bytes of body, send 3; hang up (``close``) or wait for the answer:
    what came back, and after how many seconds."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", s.port), timeout=30) as sock:
        sock.sendall(b"POST /v1/annotate HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain"
                     b"\r\nContent-Length: 100\r\n\r\nL'E")
        if close:
            return b"", time.monotonic() - started
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer, time.monotonic() - started


def test_a_body_cut_short_is_a_client_s_hang_up_and_a_slow_one_a_408() -> None:
    """A client that hangs up mid-body is no error of the service: no traceback, logged
    and counted as 499; one that sends part of the body and waits gets a 408 within
    --timeout, not a connection held open."""
    s = start_server("--timeout", "1")
    try:
        _half_a_body(s, close=True)
        assert wait_until(lambda: s.log_lines("POST /v1/annotate 499"), 10), s.log
        assert not s.log_lines("Traceback") and not s.log_lines("unexpected error")
        answer, seconds = _half_a_body(s, close=False)
        assert answer.startswith(b"HTTP/1.1 408 "), answer
        assert b"application/problem+json" in answer and b"--timeout" in answer
        assert seconds < 10
        assert wait_until(lambda: s.log_lines("POST /v1/annotate 408"), 10)
        metrics = s.request("GET", "/metrics").text
        assert 'method="POST",status="499"} 1' in metrics
        assert 'method="POST",status="408"} 1' in metrics
        assert 'status="500"' not in metrics
        assert not s.log_lines("Traceback")
    finally:
        s.stop()


# --- configuration, workers, logs ----------------------------------------------------------


FORGED = "glossator: POST /v1/annotate 200 6.01 ms 1142 bytes"


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_request_cannot_forge_a_line_of_the_log(log_format: str) -> None:
    """Line feed, carriage return, NEL, U+2028 and U+2029 in a path are shown as visible
    escapes (or JSON's): each request stays one line of the log, whatever splits it."""
    s = start_server("--log-format", log_format)
    try:
        forged = FORGED.replace(" ", "%20")
        for brk in ("%0A", "%0D", "%C2%85", "%E2%80%A8", "%E2%80%A9", "%0D%0A"):
            assert s.request("GET", f"/x{brk}{forged}").status == 404
        assert wait_until(lambda: len(s.log_lines("6.01 ms")) == 6, 10), s.log
        for line in s.log_lines("6.01 ms"):
            assert len(line.splitlines()) == 1 and not line.startswith("glossator: POST")
            if log_format == "json":
                assert json.loads(line)["path"].startswith("/x") and line.isascii()
            else:
                assert line.startswith("glossator: GET /x\\") and line.endswith(" bytes")
        assert not [line for line in s.log if line.startswith(FORGED[:30])]
    finally:
        s.stop()


def test_a_toml_file_names_several_glossaries(tmp_path: Path) -> None:
    (tmp_path / "cae.yaml").write_text(GLOSSARY_V1, encoding="utf-8")
    bundled = Path(__file__).parents[1] / "glossaries" / "ess-fr.yaml"
    (tmp_path / "serve.toml").write_text(
        '[glossaries.default]\nfiles = ["cae.yaml"]\n'
        f'[glossaries.ess]\nfiles = ["{bundled}"]\n', encoding="utf-8")
    s = start_server("--config", str(tmp_path / "serve.toml"), "--log-format", "json",
                     "--cache-dir", str(tmp_path / "cache"))
    try:
        names = [g["name"] for g in s.request("GET", "/v1/glossaries").json()["glossaries"]]
        assert names == ["default", "ess"]
        text = "Une CAE dans l’ESS."
        assert [m["entry"] for m in s.annotate({"text": text}).json()["matches"]] == [
            "cooperative-d-activite-et-d-emploi"]
        assert [m["entry"] for m in s.annotate({"text": text, "glossary": "ess"}).json()[
            "matches"]] == ["cae", "ess"]
        assert wait_until(lambda: any('"path": "/v1/annotate"' in line for line in s.log), 5)
        record = json.loads(next(line for line in s.log if '"path": "/v1/annotate"' in line))
        assert {"method", "path", "status", "ms", "bytes"} <= set(record)
        assert any((tmp_path / "cache").iterdir())
    finally:
        s.stop()


def test_a_missing_glossary_is_named_as_annotate_names_it(tmp_path: Path) -> None:
    (tmp_path / "conf.toml").write_text('[glossaries.default]\nfiles = ["nope.csv"]\n',
                                        encoding="utf-8")
    missing = str(tmp_path / "nope.csv")
    for args in (["--config", str(tmp_path / "conf.toml")], ["-g", missing]):
        result = run_cli("serve", "--port", "0", *args)
        assert result.returncode == 1, result.stderr
        assert result.stderr == f"glossator: error: {missing}: no such glossary file\n"
    annotate = run_cli("annotate", "-g", missing, stdin="Une CAE.\n")
    assert annotate.returncode == 1
    assert annotate.stderr == result.stderr  # the same words


def test_a_config_that_is_missing_or_a_folder_is_named_as_the_config(tmp_path: Path) -> None:
    for name, what, fix in (
        ("nope.toml", "no such file: the configuration given to --config", "check its name"),
        ("", "is a folder, not the configuration file given to --config",
         "name a TOML file with [glossaries.NAME] tables"),
    ):
        path = str(tmp_path / name) if name else str(tmp_path)
        result = run_cli("serve", "--port", "0", "--config", path)
        assert result.returncode == 2, result.stderr  # a usage error, as before
        assert result.stderr == f"glossator: error: {path}: {what} ({fix})\n"


def test_bad_settings_stop_the_command_with_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("- term: [\n", encoding="utf-8")
    result = run_cli("serve", "--port", "0", "-g", str(broken))
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("glossator: error: ") and "Traceback" not in result.stderr
    (tmp_path / "a.toml").write_text("[glossaries]\n", encoding="utf-8")
    for args in (["--config", str(tmp_path / "a.toml")],
                 ["--config", str(tmp_path / "missing.toml")],
                 ["-g", str(broken), "--config", str(tmp_path / "a.toml")],
                 ["--workers", "0"], ["--log-format", "xml"]):
        result = run_cli("serve", "--port", "0", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1, result.stderr


def test_an_address_that_cannot_be_listened_on_is_one_line(tmp_path: Path) -> None:
    """A port another program holds, or a host that is not this machine's, stops the
    command with one line naming the address and the fix (exit 1), not uvicorn's log of
    its start and stop."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        busy = run_cli("serve", "--host", "127.0.0.1", "--port", str(port))
    assert busy.returncode == 1
    assert busy.stderr == (f"glossator: error: cannot listen on 127.0.0.1:{port}: Address "
                           "already in use (choose another --port, or stop the program that "
                           "holds it)\n")
    unknown = run_cli("serve", "--host", "256.1.1.1", "--port", "0")
    assert unknown.returncode == 1 and unknown.stderr.count("\n") == 1, unknown.stderr
    assert unknown.stderr.startswith("glossator: error: cannot listen on 256.1.1.1:0: "
                                     "unknown host")


def test_two_workers_serve_the_same_answers(tmp_path: Path, server: Server) -> None:
    s = start_server("--workers", "2", "--cache-dir", str(tmp_path / "cache"))
    try:
        assert wait_until(lambda: len(s.log_lines("Application startup complete")) == 2, 60)
        for _ in range(6):
            assert s.annotate({"text": TEXT}).json() == server.annotate({"text": TEXT}).json()
    finally:
        s.stop()


# --- reloading -----------------------------------------------------------------------------


def _entries(s: Server) -> list[str]:
    return [e["id"] for e in s.request("GET", "/v1/glossaries/default/entries").json()[
        "entries"]]


def test_a_changed_glossary_is_reloaded_and_a_broken_one_keeps_the_old(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(GLOSSARY_V1, encoding="utf-8")
    s = start_server("-g", str(path), "--reload-interval", "0.2",
                     "--cache-dir", str(tmp_path / "cache"))
    try:
        text = "La CAE est un tiers-lieu."
        assert [m["surface"] for m in s.annotate({"text": text}).json()["matches"]] == ["CAE"]
        version = s.request("GET", "/v1/glossaries").json()["glossaries"][0]["version"]
        path.write_text(GLOSSARY_V2, encoding="utf-8")
        assert wait_until(lambda: "tiers-lieu" in _entries(s), 15)
        assert [m["surface"] for m in s.annotate({"text": text}).json()["matches"]] == [
            "CAE", "tiers-lieu"]
        new_version = s.request("GET", "/v1/glossaries").json()["glossaries"][0]["version"]
        assert new_version != version
        # a broken file: the old glossary goes on serving, and one line says why
        path.write_text(GLOSSARY_V2 + "- term: [\n", encoding="utf-8")
        assert wait_until(lambda: s.log_lines("not reloaded"), 15)
        time.sleep(1.0)  # five more polls of the same broken file: no more lines
        assert len(s.log_lines("not reloaded")) == 1
        assert new_version in s.log_lines("not reloaded")[0]
        assert [m["surface"] for m in s.annotate({"text": text}).json()["matches"]] == [
            "CAE", "tiers-lieu"]
        metrics = s.request("GET", "/metrics").text
        assert 'glossator_glossary_reloads_total{glossary="default",result="ok"} 1' in metrics
        assert ('glossator_glossary_reloads_total{glossary="default",result="failed"} 1'
                in metrics)
        # fixed again: reloaded
        path.write_text(GLOSSARY_V1, encoding="utf-8")
        assert wait_until(lambda: "tiers-lieu" not in _entries(s), 15)
    finally:
        s.stop()


def test_requests_during_a_reload_see_one_version_or_the_other(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(GLOSSARY_V1, encoding="utf-8")
    s = start_server("-g", str(path), "--reload-interval", "0.05")
    try:
        text = "La CAE est un tiers-lieu."
        seen: set[tuple[str, ...]] = set()
        deadline = time.monotonic() + 20
        for i in range(200):
            if i % 10 == 0:  # replaced whole, as a deployment does (a half-written file
                # is a broken one, which test_a_changed_glossary_… covers)
                fresh = tmp_path / "fresh.yaml"
                fresh.write_text(GLOSSARY_V2 if (i // 10) % 2 == 0 else GLOSSARY_V1,
                                 encoding="utf-8")
                os.replace(fresh, path)
            answer = s.annotate({"text": text})
            assert answer.status == 200
            seen.add(tuple(m["surface"] for m in answer.json()["matches"]))
            if time.monotonic() > deadline:
                break
        assert seen <= {("CAE",), ("CAE", "tiers-lieu")}
        assert not s.log_lines("not reloaded")
    finally:
        s.stop()
