"""The HTML output in a real browser: tooltips on hover and focus, Escape, narrow screens,
axe-core's accessibility rules, and a screenshot for people to look at.

Headless Debian Chromium driven by Playwright; both Chromium and axe-core are installed on
first use by :mod:`browser_support` (skipped without them, failed on CI). Pages are
written to ``tmp_path`` and opened as ``file://`` URLs.
"""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

import glossator
from browser_support import CHROMIUM_ARGS, ensure_axe, ensure_chromium
from glossator.documents.html import annotate_html
from glossator.render import html as render_html

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPO_ROOT / "examples"
ARTIFACTS = REPO_ROOT / "test-artifacts"
CORPUS_TEXT = REPO_ROOT.parent / "shared" / "corpus" / "text" / "legal" / "code-civil.txt"
SEED_TEXT = REPO_ROOT / "tests" / "data" / "seed.txt"

TERM = ".glossator-term"
TIP = ".glossator-tip"
DESKTOP = {"width": 1024, "height": 640}


# --- browser and tools ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, installed first if missing."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = ensure_chromium()
    playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def axe_script(browser: Any) -> Path:
    """``axe.min.js`` of axe-core 4, installed with npm into the test cache if missing."""
    return ensure_axe()


def new_page(browser: Any, viewport: dict[str, int] = DESKTOP) -> Any:
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page at a desktop size."""
    page = new_page(browser)
    yield page
    page.context.close()


# --- the pages -----------------------------------------------------------------------------


def seed_doc(**options: Any) -> glossator.AnnotatedText:
    text = (EXAMPLES / "labo-ess.txt").read_text(encoding="utf-8")
    glossary = glossator.load_glossary(EXAMPLES / "labo-ess.yaml")
    return glossator.annotate(text, glossary, **options)


def write_page(folder: Path, name: str, content: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference page, annotated and rendered as a standalone HTML page."""
    content = glossator.render(seed_doc(), "html", standalone=True)
    return write_page(tmp_path_factory.mktemp("seed"), "seed.html", content)


def real_paragraphs() -> list[tuple[str, str]]:
    """A few ``(tag, text)`` blocks of a real French text where the bundled glossary finds
    terms: articles of the Code civil when the shared corpus is there, else the seed."""
    if not CORPUS_TEXT.is_file():
        text = SEED_TEXT.read_text(encoding="utf-8")
        return [("p", block) for block in text.split("\n\n") if block.strip()][:6]
    annotator = glossator.Annotator()
    blocks = [b.strip() for b in CORPUS_TEXT.read_text(encoding="utf-8").split("\n\n")]
    chosen: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        if block.startswith("Article ") or not block:
            continue
        entries = {a.entry.id for a in annotator.annotate(block).annotations}
        if not entries or entries <= seen:
            continue
        seen |= entries
        if i > 0 and blocks[i - 1].startswith("Article "):
            chosen.append(("h2", blocks[i - 1]))
        chosen.append(("p", block))
        if len(seen) >= 3:
            break
    assert chosen, f"no glossary term in {CORPUS_TEXT}"
    return chosen


@pytest.fixture(scope="module")
def real_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small site page (nav, main, headings) annotated in place by ``annotate_html``."""
    body = "\n".join(f"<{tag}>{html.escape(text, quote=False)}</{tag}>"
                     for tag, text in real_paragraphs())
    source = (
        "<!DOCTYPE html>\n"
        '<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Code civil : extraits</title>\n"
        f"<style>\n{render_html.stylesheet()}</style>\n"
        "</head>\n<body>\n"
        '<header><nav aria-label="Navigation principale"><ul>\n'
        '<li><a href="#">Accueil</a></li>\n'
        '<li><a href="#">Codes</a></li>\n'
        '<li><a href="#">Glossaire</a></li>\n'
        "</ul></nav></header>\n"
        f"<main>\n<h1>Code civil : extraits</h1>\n{body}\n</main>\n"
        "<footer><p>Texte de démonstration.</p></footer>\n"
        "</body>\n</html>\n"
    )
    annotated = annotate_html(source, glossator.Annotator())
    assert annotated.count('class="glossator-term"') >= 2, "the real page has too few terms"
    return write_page(tmp_path_factory.mktemp("real"), "real.html", annotated)


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, "the element is not rendered"
    return dict(found)


def tip_of(page: Any, term: Any) -> Any:
    """The tooltip that ``term`` describes (its ``aria-describedby``)."""
    tip_id = term.get_attribute("aria-describedby")
    assert tip_id, "the term has no aria-describedby"
    return page.locator(f"[id='{tip_id}']")


# --- hover and focus -----------------------------------------------------------------------


def test_hover_shows_the_tooltip(page: Any, seed_page: Path) -> None:
    page.goto(seed_page.as_uri())
    term = page.locator(TERM).first
    tip = tip_of(page, term)
    assert tip.is_hidden(), "the tooltip shows before any hover or focus"
    assert tip.bounding_box() is None

    term.hover()
    assert tip.is_visible(), "hovering the term does not show its tooltip"
    shown = box(tip)
    assert shown["width"] > 50 and shown["height"] > 10, shown
    assert "Économie sociale et solidaire" in tip.inner_text()


def test_tab_focuses_the_term_and_shows_the_tooltip(page: Any, seed_page: Path) -> None:
    page.goto(seed_page.as_uri())
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className,"
        " text: document.activeElement.textContent,"
        " outline: getComputedStyle(document.activeElement).outlineStyle,"
        " width: getComputedStyle(document.activeElement).outlineWidth})"
    )
    assert "glossator-term" in focused["cls"].split(), focused
    assert focused["text"] == "ESS", focused
    tip = tip_of(page, page.locator(f"{TERM}:focus"))
    assert tip.is_visible(), "the focused term's tooltip is hidden"
    assert focused["outline"] != "none", f"no visible focus outline: {focused}"
    assert float(focused["width"].removesuffix("px")) >= 1, f"outline too thin: {focused}"


def script_page(folder: Path) -> Path | None:
    """The seed page rendered with ``script=True`` and ``glossator.js`` beside it, or None
    while the renderer or the script is not there."""
    asset = files("glossator").joinpath("assets/glossator.js")
    if not asset.is_file():
        return None
    try:
        content = glossator.render(seed_doc(), "html", standalone=True, script=True)
    except TypeError:
        return None
    if "glossator.js" not in content:
        return None
    path = write_page(folder, "seed-script.html", content)
    script = getattr(render_html, "script", None)
    if callable(script):
        (folder / "glossator.js").write_text(script(), encoding="utf-8")
    else:
        with asset.open("rb") as src, (folder / "glossator.js").open("wb") as dst:
            shutil.copyfileobj(src, dst)
    return path


@pytest.mark.parametrize("how", ["focus", "hover"])
def test_escape_hides_the_tooltip(page: Any, tmp_path: Path, how: str) -> None:
    path = script_page(tmp_path)
    if path is None:
        pytest.xfail("the dismiss script is not there yet")
    page.goto(path.as_uri())
    term = page.locator(TERM).first
    tip = tip_of(page, term)
    if how == "focus":
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.classList.contains('glossator-term')")
    else:
        term.hover()
    assert tip.is_visible(), f"the tooltip does not show on {how}"
    page.keyboard.press("Escape")
    assert tip.is_hidden(), f"Escape does not hide the tooltip shown on {how}"


# --- narrow screens ------------------------------------------------------------------------


WIDE_OVERFLOW = (
    "above the 30rem (480 px) breakpoint a tooltip starts at its term's left edge, up to "
    "min(28rem, 100vw - 2rem) = 472 px wide, and nothing keeps it inside the viewport: at "
    "600 px (measured, Debian Chromium 156) ESS at x=456 gives a tooltip x=456..928, PTCE at "
    "x=393.7 x=393.7..683.5, ESS at x=272.8 x=272.8..744.8, ESS at x=180 x=180..652, PTCE at "
    "x=338.4 x=338.4..628.2 (also at 1024 px: PTCE at x=744.7 ends at 1034.5)"
)


@pytest.mark.parametrize(
    ("width", "script"),
    [
        (320, False),
        (320, True),
        pytest.param(600, False, marks=pytest.mark.xfail(strict=True, reason=WIDE_OVERFLOW)),
        (600, True),
        (1024, True),
    ],
)
def test_tooltips_stay_inside_the_viewport(
    browser: Any, tmp_path: Path, width: int, script: bool
) -> None:
    """Every term (every occurrence, so that some sit at the end of a line) keeps its
    tooltip inside the viewport when hovered. At 320 px (a small phone, WCAG's reflow
    width) the tooltip is a panel fixed along the bottom, so it must fit vertically too.
    Wider, CSS alone cannot know where the window ends: the optional script moves a
    tooltip back in (without it, the 600 px case is a known overflow)."""
    height = 640
    content = glossator.render(seed_doc(occurrences="all"), "html", standalone=True,
                               script=script)
    if script:
        (tmp_path / "glossator.js").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "glossator.js").write_text(render_html.script(), encoding="utf-8")
    page = new_page(browser, {"width": width, "height": height})
    try:
        page.goto(write_page(tmp_path, "all.html", content).as_uri())
        terms = page.locator(TERM)
        count = terms.count()
        assert count >= 4, count
        rightmost = 0.0
        outside: list[str] = []
        for i in range(count):
            term = terms.nth(i)
            term.scroll_into_view_if_needed()
            term_box = box(term)
            rightmost = max(rightmost, term_box["x"] + term_box["width"])
            term.hover()
            tip = tip_of(page, term)
            assert tip.is_visible(), f"term {i} ({term.inner_text()!r}): tooltip not shown"
            if script:
                page.wait_for_timeout(50)  # the script moves the tooltip on the next frame
            b = box(tip)
            inside = b["x"] >= 0 and b["x"] + b["width"] <= width + 1
            if width <= 480:
                inside = inside and b["y"] >= 0 and b["y"] + b["height"] <= height + 1
            if not inside:
                outside.append(
                    f"term {i} {term.inner_text()!r} at x={term_box['x']:.1f}: tooltip "
                    f"x={b['x']:.1f}..{b['x'] + b['width']:.1f} (width {b['width']:.1f}), "
                    f"y={b['y']:.1f}..{b['y'] + b['height']:.1f}"
                )
            page.mouse.move(0, 0)
    finally:
        page.context.close()
    assert rightmost > width * 2 / 3, f"no term near the right edge (rightmost {rightmost})"
    assert not outside, f"tooltips outside the {width}x{height} viewport:\n" + "\n".join(
        outside
    )


# --- axe-core ------------------------------------------------------------------------------

AXE_RUN = """async (disabled) => {
  const rules = Object.fromEntries(disabled.map(id => [id, {enabled: false}]));
  const results = await axe.run(document, {resultTypes: ["violations"], rules});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""

#: Rules switched off, per page, with the reason. The standalone page shows the user's text
#: as it is: it has a heading only if the text has one, and inventing an <h1> would change
#: what a scraper reads (the reference page must scrape to the text format exactly). Every
#: other rule, WCAG and best practice alike, must pass.
DISABLED_RULES: dict[str, tuple[str, ...]] = {"seed": ("page-has-heading-one",), "real": ()}


def axe_violations(page: Any, axe_script: Path, disabled: tuple[str, ...] = ()) -> list[Any]:
    page.add_script_tag(path=str(axe_script))
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, list(disabled))
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'][:5])}"
        for v in violations
    )


@pytest.mark.parametrize("state", ["closed", "tooltip open"])
@pytest.mark.parametrize("which", ["seed", "real"])
def test_axe_finds_no_violation(
    page: Any, axe_script: Path, seed_page: Path, real_page: Path, which: str, state: str
) -> None:
    path = seed_page if which == "seed" else real_page
    page.goto(path.as_uri())
    if state == "tooltip open":
        # axe skips hidden content: open one tooltip so that its colours are checked too
        page.locator(TERM).first.focus()
        assert tip_of(page, page.locator(TERM).first).is_visible()
    violations = axe_violations(page, axe_script, DISABLED_RULES[which])
    assert not violations, f"axe-core on the {which} page ({state}):\n{describe(violations)}"


# --- screenshot ----------------------------------------------------------------------------


def test_screenshot_of_an_open_tooltip(browser: Any, seed_page: Path) -> None:
    page = new_page(browser, {"width": 800, "height": 360})
    try:
        page.goto(seed_page.as_uri())
        term = page.locator(TERM).first
        term.hover()
        assert tip_of(page, term).is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / "seed-tooltip.png"
        page.screenshot(path=str(target))
    finally:
        page.context.close()
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5_000, len(data)
