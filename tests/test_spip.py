"""The SPIP plugin (integrations/spip/glossator) against a real ``glossator serve``.

SPIP itself is not installable here: Debian 12 has no ``spip`` package and SPIP is on none
of the registries this project reaches. So php-cli runs the plugin's own functions
(``glossator_post_propre``, ``glossator_insert_head_css``, ``glossator_insert_head``) with
minimal stand-ins for the few SPIP functions they call (tests/data/spip/stubs.php, named
as such: ``test_espace_prive``, ``include_spip``, ``find_in_path``, ``lire_config``,
``spip_log``), against a real service on loopback. What SPIP does around them (calling
the pipelines, its page cache, the configuration form) is not tested.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from serve_support import Server, start_server
from support.php import LINKS, REPO_ROOT, free_port, require_php, service_takes
from support.rogue import rogue_service

PLUGIN = REPO_ROOT / "integrations" / "spip" / "glossator"
STUBS = REPO_ROOT / "tests" / "data" / "spip" / "stubs.php"
TEXT = "<p>L’ESS et les PTCE, en France.</p>"


@pytest.fixture(scope="module")
def service() -> Iterator[Server]:
    server = start_server()
    yield server
    server.stop()


def run_plugin(cache: Path, texts: list[str], constants: dict[str, Any] | None = None,
               meta: dict[str, Any] | None = None, prive: bool = False, curl: bool = True,
               timeout: float = 60, post: dict[str, str] | None = None,
               memory: str = "128M") -> dict[str, Any]:
    """The plugin's functions run by php-cli (every warning displayed, PHP's memory
    ``memory``, as hosts cap it); their results. ``curl=False``: as on a PHP without its
    curl extension (its functions disabled)."""
    job = {"texts": texts, "constants": constants or {}, "prive": prive,
           "meta": {"glossator": meta} if meta is not None else {},
           **({"post": post} if post is not None else {})}
    done = subprocess.run(
        [require_php(), "-d", "error_reporting=-1", "-d", "display_errors=1",
         "-d", "log_errors=0", "-d", f"memory_limit={memory}",
         *([] if curl else ["-d", "disable_functions=curl_init"]),
         str(STUBS), str(PLUGIN), str(cache)],
        input=json.dumps(job), capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)  # a PHP warning would break the JSON
    return result


@pytest.mark.parametrize("curl", [True, False], ids=["curl", "streams"])
def test_a_text_is_annotated_in_the_spip_markup(service: Server, tmp_path: Path,
                                                curl: bool) -> None:
    out = run_plugin(tmp_path, [TEXT], {"_GLOSSATOR_URL": service.base}, curl=curl)
    annotated = out["texts"][0]
    assert '<a class="cs_glossaire" data-glossator-entry="ess">' in annotated
    assert 'data-glossator-entry="ptce"' in annotated
    # the same text through the raw mode, as any client gets it
    raw = service.request("POST", "/v1/annotate?markup=spip", TEXT,
                          {"Content-Type": "text/html"})
    assert annotated == raw.text
    assert out["log"] == []
    assert out["css"] == ('\n<link rel="stylesheet" href="plugins/glossator/css/glossator.css"'
                          ' type="text/css" />')
    assert out["js"] == '\n<script defer src="plugins/glossator/javascript/glossator.js"></script>'


def test_settings_come_from_constants_then_the_configuration_form(
        service: Server, tmp_path: Path) -> None:
    # the form's meta alone
    out = run_plugin(tmp_path / "a", [TEXT], meta={"url": service.base, "markup": "abbr"})
    assert '<abbr data-glossator-entry="ess"' in out["texts"][0]
    # a constant wins over the meta
    out = run_plugin(tmp_path / "b", [TEXT], {"_GLOSSATOR_URL": service.base,
                                              "_GLOSSATOR_MARKUP": "glossator"},
                     meta={"url": "http://127.0.0.1:9", "markup": "abbr"})
    assert '<span class="glossator" data-glossator-entry="ess">' in out["texts"][0]


def test_the_private_area_and_empty_texts_are_left_alone(
        service: Server, tmp_path: Path) -> None:
    out = run_plugin(tmp_path, [TEXT, "", "  \n"], {"_GLOSSATOR_URL": service.base}, prive=True)
    assert out["texts"] == [TEXT, "", "  \n"]


@pytest.mark.parametrize("curl", [True, False], ids=["curl", "streams"])
def test_a_service_down_leaves_texts_as_they_are_and_logs_one_line(tmp_path: Path,
                                                                   curl: bool) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    out = run_plugin(tmp_path, [TEXT, "<p>Une autre ESS.</p>"], {"_GLOSSATOR_URL": down},
                     curl=curl)
    assert out["texts"] == [TEXT, "<p>Une autre ESS.</p>"]
    # one line: after the failure, the second text does not wait for the service again
    assert len(out["log"]) == 1
    assert out["log"][0].startswith("glossator.3: glossator: the service failed")
    assert "connect" in out["log"][0].lower()  # refused (streams), could not connect (curl)


def test_a_refusal_by_the_service_fails_open_with_its_reason(tmp_path: Path) -> None:
    own = start_server("--token", "s3cret")
    try:
        out = run_plugin(tmp_path / "a", [TEXT], {"_GLOSSATOR_URL": own.base})
        assert out["texts"] == [TEXT]
        assert "HTTP 401" in out["log"][0]
        out = run_plugin(tmp_path / "b", [TEXT], {"_GLOSSATOR_URL": own.base,
                                                  "_GLOSSATOR_TOKEN": "s3cret"})
        assert "cs_glossaire" in out["texts"][0]
    finally:
        own.stop()


def test_annotated_texts_are_kept_by_text_and_glossary_version(tmp_path: Path) -> None:
    own = start_server()
    try:
        first = run_plugin(tmp_path, [TEXT], {"_GLOSSATOR_URL": own.base})["texts"][0]
        assert "cs_glossaire" in first
    finally:
        own.stop()
    # the service stopped: a text already annotated comes from the cache, a new one as is
    out = run_plugin(tmp_path, [TEXT, "<p>Une autre ESS.</p>"], {"_GLOSSATOR_URL": own.base})
    assert out["texts"] == [first, "<p>Une autre ESS.</p>"]
    kept = sorted(p.name for p in (tmp_path / "glossator").iterdir())
    assert any(name.startswith("version-") for name in kept)


def test_the_package_files_are_well_formed_and_valid_php() -> None:
    paquet = ET.parse(PLUGIN / "paquet.xml").getroot()
    assert paquet.tag == "paquet" and paquet.get("prefix") == "glossator"
    pipelines = {p.get("nom"): p.get("inclure") for p in paquet.iter("pipeline")}
    assert pipelines == {"post_propre": "glossator_pipelines.php",
                         "insert_head_css": "glossator_pipelines.php",
                         "insert_head": "glossator_pipelines.php"}
    php = require_php()
    for path in sorted(PLUGIN.rglob("*.php")):
        done = subprocess.run([php, "-l", str(path)], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
    assets = REPO_ROOT / "src" / "glossator" / "assets"
    assert (PLUGIN / "css" / "glossator.css").read_bytes() == (
        assets / "glossator.css").read_bytes()
    assert (PLUGIN / "javascript" / "glossator.js").read_bytes() == (
        assets / "glossator.js").read_bytes()


# -- the check of the service's answer (inc/glossator_reponse.php, shared with WordPress) --

ANSWER_PHP = PLUGIN / "inc" / "glossator_reponse.php"
CHECK = REPO_ROOT / "tests" / "data" / "php" / "check_answer.php"
#: a page with terms in text, in inline formatting, and where none may be annotated
PAGE = ("<p title=\"ESS\">L’ESS et l’<em>économie sociale</em> &amp; solidaire, les PTCE"
        " <a href=\"/ess\">ESS</a>.</p>\n<!-- ESS -->\n<script>var s = '<p>ESS</p>';</script>"
        "\n<textarea>ESS</textarea><p data-x='a>b'>Un PTCE.</p>")


def check_answers(cases: Sequence[tuple[str | bytes, str | bytes, str, str]]) -> list[str]:
    """What the plugins' check says of each (sent, answer, markup, link_to): '' when the
    answer is accepted."""

    def b64(text: str | bytes) -> str:
        return base64.b64encode(text.encode("utf-8") if isinstance(text, str) else text
                                ).decode("ascii")

    done = subprocess.run(
        [require_php(), "-d", "error_reporting=-1", "-d", "display_errors=1", str(CHECK),
         str(ANSWER_PHP)],
        input=json.dumps([{"sent": b64(s), "answer": b64(a), "markup": m, "link_to": link}
                          for s, a, m, link in cases]),
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    said: list[str] = json.loads(done.stdout)
    return said


def annotate_raw(service: Server, text: str, markup: str, link_to: str = "") -> str:
    """``text`` through the service's raw mode."""
    from urllib.parse import urlencode

    query = {"markup": markup, **({"link_to": link_to} if link_to else {})}
    answer = service.request("POST", "/v1/annotate?" + urlencode(query), text,
                             {"Content-Type": "text/html; charset=utf-8"})
    assert answer.status == 200, answer.text
    return answer.text


def test_the_service_s_own_answers_pass_the_check(service: Server) -> None:
    odd = ("<p>ESS < PTCE, a<b et 3 > 2</p><SCRIPT>ESS</SCRIPT>\n<!doctype html><p>ESS"
           "</p></ x><P TITLE=ESS>PTCE</P><svg><title>ESS</title></svg><p>ESS &eacute;"
           " &#233;</p><br/>ESS<img alt='ESS'>PTCE")
    texts = [PAGE, odd, TEXT, "<p>ESS</p>", "Sans balise : l’ESS.", "<p>Rien à annoter.</p>"]
    links = ["", "https://exemple.org/glossaire/?a=1&b=2", "lexique.html",
             "/sigles/{id}.html"]
    cases = [(text, annotate_raw(service, text, markup, link), markup, link)
             for text in texts for markup in ("glossator", "spip", "abbr") for link in links]
    assert all("data-glossator-entry" in answer for _, answer, _, _ in cases[:24])
    assert check_answers(cases) == [""] * len(cases)


def test_an_answer_that_is_not_the_text_with_glossator_s_markup_is_refused(
        service: Server) -> None:
    text = "<p>L’ESS et les PTCE.</p>"
    good = annotate_raw(service, text, "glossator")
    linked = annotate_raw(service, text, "glossator", "https://exemple.org/g")
    spip = annotate_raw(service, text, "spip", "https://exemple.org/g")
    wrap = ('<span class="glossator" data-glossator-entry="x"><span class="glossator-term" '
            'tabindex="0" aria-describedby="gl-1">{}</span><span class="glossator-tip" '
            'role="tooltip" id="gl-1"> <span class="glossator-title">{}</span> '
            '<span class="glossator-definition">d</span> </span></span>')
    in_script = "<script>/* ESS */</script><p>ESS</p>"
    hostile: list[tuple[str | bytes, str | bytes, str, str]] = [
        (text, good + "<script>alert(1)</script>", "glossator", ""),
        (text, good.replace('tabindex="0"', 'tabindex="0" onfocus="alert(1)"', 1),
         "glossator", ""),
        (text, good.replace('<span class="glossator-definition">',
                            '<span class="glossator-definition"><img src=x onerror=alert(1)>',
                            1), "glossator", ""),
        (text, good.replace(" et les ", " et <b>les</b> "), "glossator", ""),
        (text, good.replace("L’", "L'"), "glossator", ""),
        (text, linked.replace('href="https://exemple.org/g#', 'href="javascript:alert(1)//#',
                              1), "glossator", "https://exemple.org/g"),
        (text, linked.replace('href="https://exemple.org/g#', 'href="https://ailleurs.org/g#',
                              1), "glossator", "https://exemple.org/g"),
        (text, spip.replace('href="https://exemple.org/g#',
                            'href="&#106;avascript:alert(1)//https://exemple.org/g#', 1),
         "spip", "https://exemple.org/g"),
        (text, good, "glossator", "https://exemple.org/g"),  # not the markup asked for
        (text, good, "abbr", ""),
        (text, good, "evil", ""),
        # glossator's markup, well formed, where no text is: an attribute, a script, a
        # comment, a raw-text element; the middle of a character
        ('<p title="ESS">x</p>', f'<p title="{wrap.format("ESS", "t")}">x</p>', "glossator", ""),
        (in_script, in_script.replace("ESS", wrap.format("ESS", "*/alert(1)/*"), 1),
         "glossator", ""),
        ("<!-- ESS --><p>x</p>", f'<!-- {wrap.format("ESS", "t")} --><p>x</p>', "glossator", ""),
        ("<title>ESS</title>", f'<title>{wrap.format("ESS", "t")}</title>', "glossator", ""),
        ("<script>a='</scriptx>ESS'</script>",
         f"<script>a='</scriptx>{wrap.format('ESS', 't')}'</script>", "glossator", ""),
        ("<p data-a='x>ESS'>y</p>", f"<p data-a='x>{wrap.format('ESS', 't')}'>y</p>",
         "glossator", ""),
        ("<p>é</p>", f'<p>\xc3{wrap.format("", "t")}\xa9</p>'.encode("latin-1"), "glossator",
         ""),
        (text, good.replace("</span></span>", "</span>", 1), "glossator", ""),
        ("<!-- x <p>ESS</p>", f"<!-- x <p>{wrap.format('ESS', 't')}</p>", "glossator", ""),
        ("<SCRIPT>ESS</SCRIPT >", f"<SCRIPT>{wrap.format('ESS', 't')}</SCRIPT >",
         "glossator", ""),
        ("<p title='ESS", f"<p title='{wrap.format('ESS', 't')}", "glossator", ""),
        ("<svg><p>ESS</p></svg>", f"<svg><p>{wrap.format('ESS', 't')}</p></svg>",
         "glossator", ""),
    ]
    said = check_answers(hostile)
    assert [i for i, problem in enumerate(said) if not problem] == [], said
    assert "not the text sent" in said[0] and "inside a tag" in said[11]


def test_an_annotation_wraps_one_piece_of_text_and_has_the_service_s_tooltip_id(
        service: Server) -> None:
    # each part of the markup right, but an annotation across two paragraphs, one around a
    # link of the page, and a tooltip id chosen to clash with one of the page's
    text = "<p>L’ESS et</p><p>la suite</p>"
    opening = ('<span class="glossator" data-glossator-entry="ess"><span class="glossator-term"'
               ' tabindex="0" aria-describedby="gl-1">')
    closing = ('</span><span class="glossator-tip" role="tooltip" id="gl-1"> <span class='
               '"glossator-title">ESS</span> <span class="glossator-definition">d</span> '
               '</span></span>')
    spanning = text.replace("ESS", opening + "ESS").replace("la ", "la " + closing)
    link = '<p>Voir <a href="/ess">ESS</a>.</p>'
    spip = link.replace(
        '<a href="/ess">ESS</a>', '<a class="cs_glossaire" data-glossator-entry="ess"><span '
        'class="gl_mot" tabindex="0" aria-describedby="gl-1"><a href="/ess">ESS</a></span>'
        '<span class="gl_dl" role="tooltip" id="gl-1"> <span class="gl_dt">ESS</span> '
        '<span class="gl_dd">d</span> </span></a>')
    good = annotate_raw(service, text, "glossator")
    clash = re.sub(r'(id|aria-describedby)="[^"]*"', r'\1="wpadminbar"', good)
    assert clash != good
    said = check_answers([(text, spanning, "glossator", ""), (link, spip, "spip", ""),
                          (text, clash, "glossator", ""), (text, good, "glossator", "")])
    assert ["not closed" in problem for problem in said[:2]] == [True, True], said
    assert said[2] and said[3] == "", said


def test_a_rogue_answer_is_not_served_nor_kept(tmp_path: Path) -> None:
    # a wrong URL, another program or a man in the middle: glossator's look, a script
    def rogue(sent: str) -> str:
        return sent.replace("ESS", '<a class="cs_glossaire" data-glossator-entry="ess">ESS'
                                   "</a><script>alert(1)</script>", 1)

    with rogue_service(rogue) as service:
        out = run_plugin(tmp_path, [TEXT], {"_GLOSSATOR_URL": service.base})
        assert service.received == [TEXT]
    assert out["texts"] == [TEXT]
    assert len(out["log"]) == 1 and "the service's answer was refused" in out["log"][0]
    assert not [p for p in (tmp_path / "glossator").iterdir() if p.suffix == ".html"]


def test_both_plugins_check_answers_with_the_same_file() -> None:
    # one check, two copies (each plugin is installed alone): after changing one,
    # cp integrations/wordpress/glossator/includes/answer.php ANSWER_PHP
    wordpress = REPO_ROOT / "integrations" / "wordpress" / "glossator" / "includes" / "answer.php"
    assert ANSWER_PHP.read_bytes() == wordpress.read_bytes()


@pytest.mark.parametrize("curl", [True, False], ids=["curl", "streams"])
def test_a_service_trickling_its_answer_is_not_waited_for(tmp_path: Path, curl: bool) -> None:
    # headers at once, then 4 bytes every half second for a minute: the 2 s bound the
    # whole request, with PHP's curl or, without it, PHP's own streams
    with rogue_service(lambda sent: sent + " " * 2000, trickle=0.5, trickle_for=60) as service:
        out = run_plugin(tmp_path, [TEXT], {"_GLOSSATOR_URL": service.base}, curl=curl,
                         timeout=30)
        assert service.received == [TEXT]
    assert out["texts"] == [TEXT]
    assert len(out["log"]) == 1 and "timed out" in out["log"][0].lower()


@contextmanager
def slow_headers(seconds: float = 20) -> Iterator[str]:
    """A service on loopback that reads the request, then sends a status line and one
    header line every half second for ``seconds``; its URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(seconds)

    def serve() -> None:
        try:
            conn = listener.accept()[0]
        except OSError:
            return
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                end = time.monotonic() + seconds
                while time.monotonic() < end:
                    time.sleep(0.5)
                    conn.sendall(b"X-Slow: a\r\n")
            except OSError:
                return  # the client gave up: what the test expects

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


@pytest.mark.parametrize("curl", [True, False], ids=["curl", "streams"])
def test_a_service_trickling_its_headers_is_not_waited_for(tmp_path: Path, curl: bool) -> None:
    # the 2 s bound the connection, the request and the headers too, not only the body
    with slow_headers() as url:
        start = time.monotonic()
        out = run_plugin(tmp_path, [TEXT], {"_GLOSSATOR_URL": url}, curl=curl, timeout=30)
        took = time.monotonic() - start
    assert out["texts"] == [TEXT]
    assert len(out["log"]) == 1 and "timed out" in out["log"][0].lower(), out["log"]
    assert took < 6, took


def test_the_configuration_form_refuses_what_the_plugin_cannot_use(tmp_path: Path) -> None:
    good = {"url": "http://127.0.0.1:8765", "glossaire": "sigles", "markup": "spip",
            "occurrences": "first", "lien": "/spip.php?page=glossaire"}
    assert run_plugin(tmp_path, [], post=good)["erreurs"] == []
    assert run_plugin(tmp_path, [], post={**good, "url": "", "lien": ""})["erreurs"] == []
    bad = {"url": "javascript:alert(1)", "glossaire": "../x", "markup": "<b>",
           "occurrences": "toutes", "lien": 'javascript:alert(1)'}
    erreurs = run_plugin(tmp_path, [], post=bad)["erreurs"]
    assert sorted(erreurs) == sorted(bad)
    for url in ("file:///etc/passwd", "http://", "/relative", "gopher://127.0.0.1:70/"):
        assert "url" in run_plugin(tmp_path, [], post={**good, "url": url})["erreurs"], url
    assert "lien" in run_plugin(tmp_path, [], post={**good, "lien": '/g" onclick="x'})["erreurs"]


#: index pages (link_to) the service accepts, and ones it refuses


def test_the_index_page_is_checked_by_the_service_s_own_rules(tmp_path: Path) -> None:
    # what the form lets through, the service must take: else every text fails
    good = {"url": "http://127.0.0.1:8765", "glossaire": "default", "markup": "spip",
            "occurrences": "first"}
    refused = [link for link in LINKS
               if "lien" in run_plugin(tmp_path, [], post={**good, "lien": link})["erreurs"]]
    assert refused == [link for link in LINKS if not service_takes(link)]
    assert "https://site.example/glossaire/#lexique" in refused
    # stricter on one point: no control character, which browsers drop from a URL
    assert "lien" in run_plugin(tmp_path, [], post={**good, "lien": "/g\x01"})["erreurs"]
    erreur = run_plugin(tmp_path, [], post={**good, "lien": "/g#x"})["erreurs"]["lien"]
    assert "#ancre" in erreur and "{id}" in erreur


def test_an_index_page_the_service_refuses_is_not_sent(service: Server, tmp_path: Path) -> None:
    # stored before the form checked it, or set by a constant: texts are annotated, unlinked
    out = run_plugin(tmp_path, [TEXT], {"_GLOSSATOR_URL": service.base},
                     meta={"lien": "https://site.example/glossaire/#lexique"})
    assert 'data-glossator-entry="ess"' in out["texts"][0] and "href=" not in out["texts"][0]
    assert out["log"] == []


def test_a_service_url_that_is_not_http_is_never_opened(tmp_path: Path) -> None:
    # stored before the form checked it, or set by a constant
    secret = tmp_path / "secret.txt"
    secret.write_text("<p>ESS</p>", encoding="utf-8")
    urls = ("javascript:alert(1)", f"file://{secret}#", "data:text/html,<b>x</b>#")
    for i, url in enumerate(urls):
        out = run_plugin(tmp_path / str(i), [TEXT], meta={"url": url})
        assert out["texts"] == [TEXT]
        assert "not an http or https URL" in out["log"][0], out["log"]


@pytest.mark.parametrize("curl", [True, False], ids=["curl", "streams"])
def test_an_endless_answer_is_not_read_whole(tmp_path: Path, curl: bool) -> None:
    # 100 MB where a few kilobytes were due
    with rogue_service(lambda sent: sent + " " * 100_000_000) as service:
        out = run_plugin(tmp_path, [TEXT], {"_GLOSSATOR_URL": service.base}, curl=curl,
                         memory="64M")
        assert service.received == [TEXT]
    assert out["texts"] == [TEXT]
    assert len(out["log"]) == 1 and "more than 1048576 bytes" in out["log"][0]


def test_a_kept_text_that_is_not_the_text_with_glossator_s_markup_is_not_shown(
        service: Server, tmp_path: Path) -> None:
    # what a version of the plugin that did not check answers may have kept
    first = run_plugin(tmp_path, [TEXT], {"_GLOSSATOR_URL": service.base})["texts"][0]
    kept = [p for p in (tmp_path / "glossator").iterdir() if p.suffix == ".html"]
    assert len(kept) == 1
    kept[0].write_text(first + "<script>alert(1)</script>", encoding="utf-8")
    out = run_plugin(tmp_path, [TEXT], {"_GLOSSATOR_URL": service.base})
    assert out["texts"] == [first]  # asked again of the service


def test_texts_kept_for_more_than_a_week_are_swept_once_a_day(
        service: Server, tmp_path: Path) -> None:
    # SPIP's own cleaning of tmp/cache/ does not reach tmp/cache/glossator/
    folder = tmp_path / "glossator"
    folder.mkdir()
    old, recent = folder / ("0" * 32 + ".html"), folder / ("1" * 32 + ".html")
    for path, days in ((old, 8), (recent, 6)):
        path.write_text("<p>x</p>", encoding="utf-8")
        os.utime(path, (time.time() - days * 86400,) * 2)
    run_plugin(tmp_path, [TEXT], {"_GLOSSATOR_URL": service.base})
    assert not old.exists() and recent.exists()
    assert len(list(folder.glob("*.html"))) == 2  # the recent one and TEXT's
    # the next sweep is a day away: an old file written now stays until then
    old.write_text("<p>x</p>", encoding="utf-8")
    os.utime(old, (time.time() - 8 * 86400,) * 2)
    run_plugin(tmp_path, ["<p>Une autre ESS.</p>"], {"_GLOSSATOR_URL": service.base})
    assert old.exists()
