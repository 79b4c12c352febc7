"""The playground of ``glossator serve`` in headless Chromium, under its own CSP.

A real server on 127.0.0.1 (see :mod:`serve_support`): typing French text shows the
annotations and the table of matches, a tooltip opens on hover and on focus, nothing is
blocked by the page's Content-Security-Policy, and axe-core finds no violation. Chromium
and axe-core are found by :mod:`support.browser` (``bash tools/provision-tests.sh``);
the session's Chromium is the ``browser`` fixture of tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from serve_support import Server, start_server
from support.browser import require_axe

TEXT = "L’ESS réunit les SCOP et les SCIC dans un tiers-lieu."
AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" "))}));
}"""


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = start_server()
    yield s
    s.stop()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    # only the service itself: any other request would be a leak
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(server.base) else route.abort())
    page.blocked = []
    page.on("console", lambda m: page.blocked.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto(server.base + "/")
    yield page
    context.close()


def _type_text(page: Any) -> Any:
    page.locator("#source").fill(TEXT)
    page.locator("#result .glossator-term").first.wait_for(state="visible")
    return page.locator("#result .glossator-term").first


def test_typing_text_shows_annotations_and_the_table_of_matches(page: Any) -> None:
    term = _type_text(page)
    assert term.inner_text() == "ESS"
    rows = page.locator("#matches tbody tr")
    assert rows.count() >= 3
    assert "ESS" in rows.first.inner_text()
    assert "annoté" in page.locator("#status").inner_text()
    assert page.blocked == []


def test_the_tooltip_opens_on_hover_and_on_focus(page: Any) -> None:
    term = _type_text(page)
    tip = page.locator("#" + term.get_attribute("aria-describedby"))
    assert tip.is_hidden()
    term.hover()
    tip.wait_for(state="visible", timeout=5_000)  # after the stylesheet's short open delay
    assert "Économie sociale" in tip.inner_text()
    page.mouse.move(0, 0)
    page.locator("#source").focus()
    assert tip.is_hidden()
    term.focus()
    assert tip.is_visible()
    page.keyboard.press("Escape")  # glossator.js is loaded: Escape dismisses it
    assert tip.is_hidden()


def test_options_change_the_result_and_errors_show_one_line(page: Any) -> None:
    _type_text(page)
    page.locator("#markup").select_option("spip")
    page.locator("#result a.cs_glossaire").first.wait_for(state="attached")
    page.locator("#input_format").select_option("html")
    page.locator("#format").select_option("text")
    status = page.locator("#status.error")
    status.wait_for(state="visible")
    assert "HTML input is written as HTML" in status.inner_text()


def test_the_labels_and_the_focus_order_follow_the_page(page: Any) -> None:
    order = []
    for _ in range(9):
        page.keyboard.press("Tab")
        order.append(page.evaluate("() => document.activeElement.id"))
    assert order == ["glossary", "input_format", "format", "occurrences", "accents",
                     "markup", "token", "source", order[8]]


@pytest.mark.parametrize("state", ["empty", "annotated", "tooltip open"])
def test_axe_finds_no_violation(page: Any, state: str) -> None:
    axe = require_axe()
    if state != "empty":
        term = _type_text(page)
        if state == "tooltip open":
            term.focus()
    page.evaluate(axe.read_text(encoding="utf-8"))  # not a <script>: the CSP forbids it
    violations = page.evaluate(AXE_RUN)
    assert violations == [], violations
    assert page.blocked == []
