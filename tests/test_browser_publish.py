"""Pages that come out ready to publish, in a real browser (headless Chromium).

What a site gets from ``examples/cms_pipeline.py`` and from the site recipe
(``glossator annotate site/ --output-dir out/``): pages that link the stylesheet, so no
definition shows until its term is hovered or focused; the default standalone page
written to disk, where Escape closes a tooltip under a strict Content-Security-Policy;
and the tooltips themselves: link contrast (axe-core), print notes, font size, the Source
link, the open delay, the close button on touch screens. Screenshots go to
``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import mimetypes
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import glossator
from glossator.documents.assets import add_assets, asset_files
from glossator.documents.html import annotate_html
from support.browser import require_axe

REPO_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO_ROOT / "test-artifacts"
ORIGIN = "http://glossator.test"
#: What a strict site sends: no inline script or style, nothing from elsewhere.
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'"
LINK_URL = "https://example.org/ess"
GLOSSARY_YAML = f"""\
- term: ESS
  title: Économie sociale et solidaire
  definition: "Mode d'entreprendre <em>reconnu</em> par la <a href='{LINK_URL}'>loi de 2014</a>."
  url: https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296
  source: Loi n° 2014-856 du 31 juillet 2014
- term: PTCE
  definition: Pôles territoriaux de coopération économique.
  url: "javascript:alert(1)"
"""
PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
</head>
<body>
<main>
<h1>{title}</h1>
<p>Le Labo de l’ESS publie son rapport sur les PTCE, des coopératives et des
associations qui coopèrent sur un territoire. La suite du texte continue ici.</p>
</main>
</body>
</html>
"""


def served(browser: Any, root: Path, **context: Any) -> Any:
    """A page whose context serves ``root`` at :data:`ORIGIN` with the strict :data:`CSP`
    header (a real origin: ``file://`` URLs have no meaningful ``'self'``)."""
    ctx = browser.new_context(viewport=context.pop("viewport", {"width": 900, "height": 500}),
                              locale="fr-FR", **context)

    def fulfil(route: Any) -> None:
        path = root / route.request.url.removeprefix(ORIGIN + "/").split("?")[0]
        if not path.is_file():
            route.fulfill(status=404, body="")
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=path.read_bytes(),
                      headers={"Content-Type": kind, "Content-Security-Policy": CSP})

    ctx.route(f"{ORIGIN}/**", fulfil)
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text
            or "Refused" in m.text else None)
    page.refused = refused
    return page


def glossator_cli(*args: str, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "glossator", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def hover_and_wait(page: Any, term: Any) -> Any:
    """Hover ``term``; its tooltip once open (after the short open delay)."""
    term.hover()
    tip = page.locator(f"[id='{term.get_attribute('aria-describedby')}']")
    tip.wait_for(state="visible")
    return tip


def text_shown(page: Any) -> str:
    """What a reader sees of the page (``innerText`` leaves out what is not rendered)."""
    text: str = page.evaluate("() => document.body.innerText")
    return " ".join(text.split())


def no_definition_shown(page: Any, definitions: list[str]) -> None:
    """No tooltip is rendered and no definition is in the text shown."""
    tips = page.locator(".glossator-tip")
    assert tips.count() > 0
    for i in range(tips.count()):
        assert tips.nth(i).is_hidden(), f"tooltip {i} shows before any hover or focus"
        assert tips.nth(i).bounding_box() is None
    shown = text_shown(page)
    for definition in definitions:
        assert definition not in shown, f"definition shown in the text: {definition!r}"


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    page.screenshot(path=str(target))
    assert target.read_bytes().startswith(b"\x89PNG")


# -- the CMS example and the site recipe --------------------------------------------


def test_the_cms_example_output_hides_definitions_until_hover(
        browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, str(REPO_ROOT / "examples" / "cms_pipeline.py"),
                           str(REPO_ROOT / "examples" / "site"), str(out)],
                          capture_output=True, text=True, check=False, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    bundled = glossator.load_glossary()
    definitions = [" ".join(bundled[i].definition.split())[:60] for i in ("ess", "ptce")]
    page = served(browser, out)
    try:
        page.goto(f"{ORIGIN}/index.html")
        no_definition_shown(page, definitions)
        screenshot(page, "cms-example.png")
        term = page.locator(".glossator-term").first
        tip = hover_and_wait(page, term)
        assert definitions[0] in text_shown(page), "hovering shows no definition"
        box = tip.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 900
        screenshot(page, "cms-example-tooltip.png")
        page.mouse.move(0, 0)
        tip.wait_for(state="hidden")
        term.focus()
        assert tip.is_visible(), "focus shows no tooltip"
        assert page.refused == []
    finally:
        page.context.close()


def test_the_site_recipe_links_the_stylesheet_from_every_page(
        browser: Any, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "guide").mkdir(parents=True)
    (site / "index.html").write_text(PAGE.format(title="Accueil"), "utf-8")
    (site / "guide" / "ess.html").write_text(PAGE.format(title="Guide"), "utf-8")
    glossator_cli("annotate", "site/", "--output-dir", "out/", cwd=tmp_path)
    out = tmp_path / "out"
    assert '<link rel="stylesheet" href="../glossator.css">' in (
        out / "guide" / "ess.html").read_text("utf-8")
    bundled = glossator.load_glossary()
    definition = " ".join(bundled["ess"].definition.split())[:60]
    page = served(browser, out)
    try:
        for url in ("index.html", "guide/ess.html"):
            page.goto(f"{ORIGIN}/{url}")
            no_definition_shown(page, [definition])
            tip = hover_and_wait(page, page.locator(".glossator-term").first)
            assert definition in text_shown(page)
            assert tip.evaluate("t => getComputedStyle(t).zIndex") == "1000"  # styled
            page.mouse.move(0, 0)
        screenshot(page, "site-recipe-subfolder.png")
        hover_and_wait(page, page.locator(".glossator-term").first)
        screenshot(page, "site-recipe-subfolder-tooltip.png")
        assert page.refused == []
    finally:
        page.context.close()


# -- the default standalone page: Escape, under a strict CSP -------------------------


@pytest.mark.parametrize("how", ["hover", "focus"])
def test_escape_closes_the_default_standalone_page_tooltip(
        browser: Any, tmp_path: Path, how: str) -> None:
    """Written to disk, the default standalone page loads glossator.js as a file (never
    inline): Escape dismisses a tooltip (WCAG 2.2 SC 1.4.13) without --script, and a
    CSP without 'unsafe-inline' blocks nothing."""
    glossator_cli("annotate", str(REPO_ROOT / "examples" / "labo-ess.txt"), "-g",
                  str(REPO_ROOT / "examples" / "labo-ess.yaml"), "--standalone",
                  "-o", "page.html", cwd=tmp_path)
    written = (tmp_path / "page.html").read_text("utf-8")
    assert "<style" not in written and "<script>" not in written  # nothing inline
    page = served(browser, tmp_path)
    try:
        page.goto(f"{ORIGIN}/page.html")
        term = page.locator(".glossator-term").first
        if how == "hover":
            tip = hover_and_wait(page, term)
        else:
            page.keyboard.press("Tab")
            tip = page.locator(f"[id='{term.get_attribute('aria-describedby')}']")
            assert tip.is_visible()
        page.keyboard.press("Escape")
        assert tip.is_hidden(), f"Escape does not close the tooltip opened by {how}"
        assert page.refused == [], page.refused
    finally:
        page.context.close()


# -- the tooltips --------------------------------------------------------------------


@pytest.fixture
def rich_page(tmp_path: Path) -> Path:
    """A site page with a rich definition (a link) and a Source link, annotated and
    linked to the stylesheet and script as the command line does."""
    glossary = glossator.Glossary.from_dicts(yaml.safe_load(GLOSSARY_YAML))
    html = annotate_html(PAGE.format(title="Les PTCE"), glossator.Annotator(glossary),
                         rich_definitions=True)
    (tmp_path / "page.html").write_text(add_assets(html, "link"), "utf-8")
    for name, content in asset_files("link").items():
        (tmp_path / name).write_text(content, "utf-8")
    return tmp_path


AXE_CONTRAST = """async () => {
  const r = await axe.run(document, {runOnly: ["color-contrast"]});
  return {violations: r.violations.flatMap(v => v.nodes.map(n => n.target.join(" ") + ": "
                                                            + n.failureSummary)),
          passes: r.passes.flatMap(v => v.nodes.map(n => n.target.join(" ")))};
}"""


def test_links_in_a_tooltip_pass_axe_color_contrast(browser: Any, rich_page: Path) -> None:
    page = served(browser, rich_page)
    try:
        page.goto(f"{ORIGIN}/page.html")
        term = page.locator(".glossator-term").first
        term.focus()
        tip = page.locator(f"[id='{term.get_attribute('aria-describedby')}']")
        assert tip.is_visible()
        links = tip.locator("a")
        assert links.count() == 2  # the definition's link and the Source link
        # axe served from the page's own origin: the CSP refuses an injected inline script
        (rich_page / "axe.min.js").write_bytes(require_axe().read_bytes())
        page.add_script_tag(url=f"{ORIGIN}/axe.min.js")
        found = page.evaluate(AXE_CONTRAST)
        assert found["violations"] == []
        # axe checked the links themselves (they are visible in the open tooltip)
        assert any(target.endswith(" > a") or target.endswith(" a")
                   for target in found["passes"]), found["passes"]
        ratio = page.evaluate(CONTRAST, ".glossator-tip a")
        assert ratio >= 4.5, ratio
        screenshot(page, "tooltip-links.png")
    finally:
        page.context.close()


#: The WCAG contrast ratio of the first element matching a selector against the
#: tooltip's background.
CONTRAST = """(selector) => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const v = c.map(x => { x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const el = document.querySelector(selector);
  const fg = lum(rgb(getComputedStyle(el).color));
  const bg = lum(rgb(getComputedStyle(el.closest(".glossator-tip")).backgroundColor));
  return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
}"""


def test_the_source_link(browser: Any, rich_page: Path) -> None:
    page = served(browser, rich_page)
    try:
        page.goto(f"{ORIGIN}/page.html")
        terms = page.locator(".glossator-term")
        tip = hover_and_wait(page, terms.first)
        source = tip.locator(".glossator-source a")
        assert source.get_attribute("href") == (
            "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296")
        assert tip.locator(".glossator-source").inner_text() == (
            "Source\u00a0: Loi n° 2014-856 du 31 juillet 2014")
        page.mouse.move(0, 0)
        ptce = hover_and_wait(page, terms.nth(1))
        assert ptce.locator(".glossator-source").count() == 0  # javascript: is no source
    finally:
        page.context.close()


def test_print_shows_definitions_as_notes_beside_the_text(
        browser: Any, rich_page: Path) -> None:
    page = served(browser, rich_page)
    try:
        page.goto(f"{ORIGIN}/page.html")
        page.emulate_media(media="print")
        tip = page.locator(".glossator-tip").first
        assert tip.is_visible(), "printed, the definition is missing"
        style = tip.evaluate("t => { const s = getComputedStyle(t);"
                             " return [s.float, s.position, s.display]; }")
        assert style == ["right", "static", "block"], style
        # the note is numbered, and so is its term
        marker = page.evaluate("() => getComputedStyle(document.querySelector("
                               "'.glossator-term'), '::after').content")
        assert marker not in ("none", "normal", '""'), marker
        # the sentence reads on: the words after the term sit on the term's line, left of
        # the note, not after the definition's text
        term_box = page.locator(".glossator-term").first.bounding_box()
        after = page.evaluate("""() => {
          const term = document.querySelector('.glossator');
          const text = term.nextSibling;  // " publie son rapport…"
          const range = document.createRange();
          range.setStart(text, 1); range.setEnd(text, 7);
          return range.getBoundingClientRect().toJSON();
        }""")
        note = tip.bounding_box()
        assert term_box is not None and note is not None
        assert abs(after["y"] - term_box["y"]) < 4, (after, term_box)
        assert after["x"] > term_box["x"] and after["x"] + after["width"] <= note["x"] + 1
        assert note["x"] > 900 * 0.5  # in the margin of the paragraph, on the right
        screenshot(page, "print.png")
    finally:
        page.context.close()


def test_the_tooltip_follows_the_page_font_size(browser: Any, rich_page: Path) -> None:
    """Material for MkDocs sets html at 125 % and its text at 0.8rem (16 px): the tooltip
    was 18 px (0.9rem); it is now 0.9 of the text around the term."""
    page = served(browser, rich_page)
    try:
        page.goto(f"{ORIGIN}/page.html")
        page.evaluate("() => { document.documentElement.style.fontSize = '125%';"
                      " document.body.style.fontSize = '0.8rem'; }")
        term = page.locator(".glossator-term").first
        term.focus()
        sizes = term.evaluate("""t => [getComputedStyle(t.closest('p')).fontSize,
            getComputedStyle(t.parentElement.querySelector('.glossator-tip')).fontSize]""")
        text, tip = (float(s.removesuffix("px")) for s in sizes)
        assert text == 16 and tip == pytest.approx(0.9 * text), sizes
    finally:
        page.context.close()


def test_hover_opens_after_a_short_delay_and_focus_at_once(
        browser: Any, rich_page: Path) -> None:
    page = served(browser, rich_page)
    try:
        page.goto(f"{ORIGIN}/page.html")
        page.evaluate("""() => {
          const wrap = document.querySelector('.glossator');
          const tip = wrap.querySelector('.glossator-tip');
          window.opened = null;
          wrap.addEventListener('mouseover', () => {
            const t0 = performance.now();
            const poll = () => {
              const s = getComputedStyle(tip);
              if (s.display === 'block' && s.visibility === 'visible') {
                window.opened = performance.now() - t0;
              } else { requestAnimationFrame(poll); }
            };
            poll();
          }, {once: true});
        }""")
        term = page.locator(".glossator-term").first
        box = term.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 3, box["y"] + 3)
        page.wait_for_function("() => window.opened !== null")
        opened = page.evaluate("() => window.opened")
        assert 120 <= opened < 2000, f"opened after {opened} ms"
        page.mouse.move(0, 0)
        shown = term.evaluate("""t => { t.focus();
          const s = getComputedStyle(t.parentElement.querySelector('.glossator-tip'));
          return s.display + ' ' + s.visibility; }""")
        assert shown == "block visible"
    finally:
        page.context.close()


def test_a_close_button_on_touch_screens(browser: Any, rich_page: Path) -> None:
    page = served(browser, rich_page, viewport={"width": 390, "height": 700},
                  has_touch=True, is_mobile=True)
    try:
        page.goto(f"{ORIGIN}/page.html")
        term = page.locator(".glossator-term").first
        tip = page.locator(f"[id='{term.get_attribute('aria-describedby')}']")
        term.tap()
        tip.wait_for(state="visible")
        close = tip.get_by_role("button", name="Fermer")
        assert close.count() == 1
        box = close.bounding_box()
        assert box is not None and box["width"] >= 24 and box["height"] >= 24, box
        screenshot(page, "touch-close-button.png")
        close.tap()
        assert tip.is_hidden(), "the close button does not close the tooltip"
        term.tap()  # and it opens again, with one button
        tip.wait_for(state="visible")
        assert tip.get_by_role("button", name="Fermer").count() == 1
    finally:
        page.context.close()
