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

import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from serve_support import Server, start_server
from support.php import REPO_ROOT, free_port, require_php

PLUGIN = REPO_ROOT / "integrations" / "spip" / "glossator"
STUBS = REPO_ROOT / "tests" / "data" / "spip" / "stubs.php"
TEXT = "<p>L’ESS et les PTCE, en France.</p>"


@pytest.fixture(scope="module")
def service() -> Iterator[Server]:
    server = start_server()
    yield server
    server.stop()


def run_plugin(cache: Path, texts: list[str], constants: dict[str, Any] | None = None,
               meta: dict[str, Any] | None = None, prive: bool = False) -> dict[str, Any]:
    """The plugin's functions run by php-cli (every warning displayed); their results."""
    job = {"texts": texts, "constants": constants or {}, "prive": prive,
           "meta": {"glossator": meta} if meta is not None else {}}
    done = subprocess.run(
        [require_php(), "-d", "error_reporting=-1", "-d", "display_errors=1",
         "-d", "log_errors=0", str(STUBS), str(PLUGIN), str(cache)],
        input=json.dumps(job), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)  # a PHP warning would break the JSON
    return result


def test_a_text_is_annotated_in_the_spip_markup(service: Server, tmp_path: Path) -> None:
    out = run_plugin(tmp_path, [TEXT], {"_GLOSSATOR_URL": service.base})
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


def test_a_service_down_leaves_texts_as_they_are_and_logs_one_line(tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    out = run_plugin(tmp_path, [TEXT, "<p>Une autre ESS.</p>"], {"_GLOSSATOR_URL": down})
    assert out["texts"] == [TEXT, "<p>Une autre ESS.</p>"]
    # one line: after the failure, the second text does not wait for the service again
    assert len(out["log"]) == 1
    assert out["log"][0].startswith("glossator.3: glossator: the service failed")
    assert "refused" in out["log"][0].lower()


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
