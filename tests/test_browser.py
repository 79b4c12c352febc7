"""The HTML output in a real browser: tooltips on hover and focus, Escape, narrow screens,
axe-core's accessibility rules, and a screenshot for people to look at.

Headless Debian Chromium driven by Playwright; Chromium and axe-core are installed by
``bash tools/provision-tests.sh`` and found by :mod:`support.browser` (skipped without
them, failed on CI). Pages are written to ``tmp_path`` and opened as ``file://`` URLs.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    FloatRect,
    Locator,
    Page,
    ViewportSize,
)

import glossator
from glossator.documents.html import annotate_html
from glossator.render import html as render_html
from support.browser import require_axe

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPO_ROOT / "examples"
ARTIFACTS = REPO_ROOT / "test-artifacts"
CORPUS_TEXT = REPO_ROOT.parent / "shared" / "corpus" / "text" / "legal" / "code-civil.txt"
SEED_TEXT = REPO_ROOT / "tests" / "data" / "seed.txt"

TERM = ".glossator-term"
TIP = ".glossator-tip"
DESKTOP: ViewportSize = {"width": 1024, "height": 640}


# --- browser and tools ---------------------------------------------------------------------


# ``browser``: the session's headless Chromium, shared with the other browser tests
# (tests/conftest.py: Playwright's sync API runs one instance per thread)


@pytest.fixture(scope="session")
def axe_script(browser: Browser) -> Path:
    """``axe.min.js`` of axe-core 4, as ``tools/provision-tests.sh`` installs it."""
    return require_axe()


def new_page(browser: Browser, viewport: ViewportSize = DESKTOP) -> Page:
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page at a desktop size."""
    page = new_page(browser)
    yield page
    page.context.close()


# --- the pages -----------------------------------------------------------------------------


def seed_doc(occurrences: str = "first") -> glossator.AnnotatedText:
    text = (EXAMPLES / "labo-ess.txt").read_text(encoding="utf-8")
    glossary = glossator.load_glossary(EXAMPLES / "labo-ess.yaml")
    return glossator.annotate(text, glossary, occurrences=occurrences)


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


def box(locator: Locator) -> FloatRect:
    found = locator.bounding_box()
    assert found is not None, "the element is not rendered"
    return found


#: The stylesheet opens a tooltip 0.15 s after the pointer comes (--glossator-open-delay)
OPEN_DELAY_MS = 150


def hover(term: Locator) -> None:
    """Move the pointer onto ``term`` and wait until its tooltip has opened (the short
    open delay on hover)."""
    term.hover()
    term.page.wait_for_timeout(OPEN_DELAY_MS + 100)


def tip_of(page: Page, term: Locator) -> Locator:
    """The tooltip that ``term`` describes (its ``aria-describedby``)."""
    tip_id = term.get_attribute("aria-describedby")
    assert tip_id, "the term has no aria-describedby"
    return page.locator(f"[id='{tip_id}']")


# --- hover and focus -----------------------------------------------------------------------


def test_hover_shows_the_tooltip(page: Page, seed_page: Path) -> None:
    page.goto(seed_page.as_uri())
    term = page.locator(TERM).first
    tip = tip_of(page, term)
    assert tip.is_hidden(), "the tooltip shows before any hover or focus"
    assert tip.bounding_box() is None

    hover(term)
    assert tip.is_visible(), "hovering the term does not show its tooltip"
    shown = box(tip)
    assert shown["width"] > 50 and shown["height"] > 10, shown
    assert "Économie sociale et solidaire" in tip.inner_text()


def test_tab_focuses_the_term_and_shows_the_tooltip(page: Page, seed_page: Path) -> None:
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


def script_page(folder: Path) -> Path:
    """The seed page rendered with ``script=True`` and the shipped ``glossator.js`` (the
    script that makes Escape dismiss a tooltip) written beside it."""
    content = glossator.render(seed_doc(), "html", standalone=True, script=True)
    assert '<script defer src="glossator.js"></script>' in content, "the page loads no script"
    script = render_html.script()
    assert '"Escape"' in script, "glossator.js does not handle Escape"
    write_page(folder, "glossator.js", script)
    return write_page(folder, "seed-script.html", content)


@pytest.mark.parametrize("how", ["focus", "hover"])
def test_escape_hides_the_tooltip(page: Page, tmp_path: Path, how: str) -> None:
    path = script_page(tmp_path)
    page.goto(path.as_uri())
    term = page.locator(TERM).first
    tip = tip_of(page, term)
    if how == "focus":
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.classList.contains('glossator-term')")
    else:
        hover(term)
    assert tip.is_visible(), f"the tooltip does not show on {how}"
    page.keyboard.press("Escape")
    assert tip.is_hidden(), f"Escape does not hide the tooltip shown on {how}"


# --- where the tooltip opens ----------------------------------------------------------------

FILLER = ("Le texte continue avec des mots ordinaires, assez pour remplir plus d’une ligne "
          "à toutes les largeurs essayées. ")

#: A page whose terms sit where tooltips are hard to place: first on a line (left edge),
#: last on a right-aligned line (right edge), alone on a centred line (mid-line), inside
#: flowing text, near the bottom of a scrolled page, and the last line of the page.
PLACES_BODY = f"""<p>ESS en tête de ligne. {FILLER * 2}</p>
<p class="end">{FILLER * 2} Et à la fin de la ligne, les PTCE</p>
<p class="mid">au milieu, l’ESS ici</p>
<p>{FILLER}l’ESS, les PTCE, {FILLER}Encore l’ESS et les PTCE. {FILLER}</p>
<p class="mid">Les PTCE au centre, puis {FILLER}</p>
<div class="spacer"></div>
<p class="end">Loin en bas, à droite, l’ESS</p>
<p class="mid">ESS</p>
<p>PTCE sur la dernière ligne.</p>
"""


def places_page(folder: Path, *, script: bool, anchor_positioning: bool = True,
                markup: str = "glossator") -> Path:
    """:data:`PLACES_BODY` annotated in place (every occurrence, preset ``markup``) and
    written to ``folder``, with the shipped stylesheet. ``anchor_positioning=False`` hides
    the stylesheet's CSS anchor positioning block, as a browser without it sees it."""
    css = render_html.stylesheet()
    if not anchor_positioning:
        assert css.count("@supports (position-area:") == 1
        css = css.replace("@supports (position-area:", "@supports (not-a-property:")
    tag = '<script defer src="glossator.js"></script>\n' if script else ""
    source = (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Places</title>\n<style>\n{css}"
        ".end { text-align: end } .mid { text-align: center } .spacer { height: 150vh }\n"
        f"</style>\n{tag}</head>\n<body>\n<main>\n{PLACES_BODY}</main>\n</body>\n</html>\n"
    )
    annotated = annotate_html(
        source, glossator.Annotator(glossator.load_glossary(EXAMPLES / "labo-ess.yaml"),
                                    occurrences="all"), markup=markup)
    if script:
        write_page(folder, "glossator.js", render_html.script())
    return write_page(folder, "places.html", annotated)


class Shown:
    """One term hovered: its text, its box and its tooltip's box."""

    def __init__(self, index: int, text: str, term: FloatRect, tip: FloatRect) -> None:
        self.index, self.text, self.term, self.tip = index, text, term, tip

    def inside(self, width: int, height: int | None = None) -> bool:
        """Whether the tooltip is within the viewport's width (and ``height``, if given)."""
        x, w = self.tip["x"], self.tip["width"]
        across = x >= 0 and x + w <= width + 0.5
        if height is None:
            return across
        y, h = self.tip["y"], self.tip["height"]
        return across and y >= 0 and y + h <= height + 0.5

    def __str__(self) -> str:
        t, b = self.term, self.tip
        return (f"term {self.index} {self.text!r} at x={t['x']:.1f}..{t['x'] + t['width']:.1f}"
                f", y={t['y']:.1f}: tooltip x={b['x']:.1f}..{b['x'] + b['width']:.1f}, "
                f"y={b['y']:.1f}..{b['y'] + b['height']:.1f}")


def hover_every_term(page: Page, script: bool, term_selector: str = TERM) -> list[Shown]:
    """Hover each term in turn, scrolled into view; where each one's tooltip opened."""
    terms = page.locator(term_selector)
    shown: list[Shown] = []
    for i in range(terms.count()):
        term = terms.nth(i)
        term.scroll_into_view_if_needed()
        term_box = box(term)
        hover(term)
        tip = tip_of(page, term)
        assert tip.is_visible(), f"term {i} ({term.inner_text()!r}): tooltip not shown"
        if script:
            page.wait_for_timeout(50)  # the script moves the tooltip on the next frame
        shown.append(Shown(i, term.inner_text(), term_box, box(tip)))
        page.mouse.move(0, 0)
    return shown


def assert_places_covered(shown: list[Shown], width: int) -> None:
    """The page really has a term at the left edge, one at the right edge, one mid-line."""
    boxes = [s.term for s in shown]
    left = [b for b in boxes if b["x"] < 24]
    right = [b for b in boxes if b["x"] + b["width"] > width - 24]
    middle = [b for b in boxes if abs(b["x"] + b["width"] / 2 - width / 2) < width / 8]
    assert left and right and middle, (
        f"terms at the left edge: {len(left)}, right edge: {len(right)}, "
        f"mid-line: {len(middle)} (at {width} px)")


@pytest.mark.parametrize(("markup", "script"), [
    ("glossator", False), ("glossator", True), ("spip", False)],
    ids=["css-only", "with-script", "spip-css-only"])
@pytest.mark.parametrize("width", [320, 768, 1280])
def test_tooltips_stay_inside_the_viewport(
    browser: Browser, tmp_path: Path, width: int, markup: str, script: bool
) -> None:
    """Every term's tooltip, hovered, is wholly inside the viewport: terms at the left
    edge, at the right edge, mid-line, in running text and at the bottom of the window, with
    or without the optional script. At 320 px (WCAG's reflow width) the tooltip is a panel
    along the bottom; wider, CSS anchor positioning places it below its term, or ending at
    the term's end, or centred under it, or above it, whichever fits."""
    height = 640
    page = new_page(browser, {"width": width, "height": height})
    try:
        page.goto(places_page(tmp_path, script=script, markup=markup).as_uri())
        shown = hover_every_term(page, script, {"spip": ".gl_mot"}.get(markup, TERM))
    finally:
        page.context.close()
    assert len(shown) >= 10, len(shown)
    assert_places_covered(shown, width)
    outside = [str(s) for s in shown if not s.inside(width, height)]
    assert not outside, f"tooltips outside the {width}x{height} viewport:\n" + "\n".join(
        outside)


@pytest.mark.parametrize("width", [320, 768, 1280])
def test_the_seed_page_keeps_every_tooltip_inside(browser: Browser, tmp_path: Path,
                                                  width: int) -> None:
    """The rendered standalone page (every occurrence, no script) too: its terms fall where
    the French text puts them."""
    content = glossator.render(seed_doc(occurrences="all"), "html", standalone=True)
    page = new_page(browser, {"width": width, "height": 640})
    try:
        page.goto(write_page(tmp_path, "all.html", content).as_uri())
        shown = hover_every_term(page, script=False)
    finally:
        page.context.close()
    assert len(shown) >= 4, len(shown)
    outside = [str(s) for s in shown if not s.inside(width, 640)]
    assert not outside, "\n".join(outside)


@pytest.mark.parametrize("width", [768, 1280])
def test_without_anchor_positioning_the_script_keeps_tooltips_in(
    browser: Browser, tmp_path: Path, width: int
) -> None:
    """How a browser without CSS anchor positioning fares: the stylesheet's older rules
    (the tooltip opens below its term, starting at the term) plus the optional script,
    which moves a tooltip that would run off the right edge back in. Only the width is
    promised there: a tooltip at the bottom of the window may need scrolling to."""
    page = new_page(browser, {"width": width, "height": 640})
    try:
        page.goto(places_page(tmp_path, script=True, anchor_positioning=False).as_uri())
        assert page.locator(TIP).first.evaluate("t => getComputedStyle(t).position") == (
            "absolute")
        shown = hover_every_term(page, script=True)
    finally:
        page.context.close()
    assert_places_covered(shown, width)
    outside = [str(s) for s in shown if not s.inside(width)]
    assert not outside, "\n".join(outside)


@pytest.mark.parametrize("width", [768, 1280])
@pytest.mark.parametrize("where", ["left edge", "right edge", "mid-line", "bottom"])
def test_the_pointer_can_move_into_the_tooltip(
    browser: Browser, tmp_path: Path, width: int, where: str
) -> None:
    """WCAG 2.2 SC 1.4.13, hoverable and persistent: the pointer moves from the term onto its
    tooltip, wherever the tooltip opened (below, ending at the term, centred, or above near
    the bottom of the window), and the tooltip stays open there."""
    height = 640
    page = new_page(browser, {"width": width, "height": height})
    try:
        page.goto(places_page(tmp_path, script=False).as_uri())
        terms = page.locator(TERM)
        chosen = None
        for i in range(terms.count()):
            term = terms.nth(i)
            term.scroll_into_view_if_needed()
            b = box(term)
            places = {
                "left edge": b["x"] < 24,
                "right edge": b["x"] + b["width"] > width - 24,
                "mid-line": abs(b["x"] + b["width"] / 2 - width / 2) < width / 8,
                "bottom": b["y"] > height - 80,
            }
            if places[where]:
                chosen = term
                break
        assert chosen is not None, f"no term at the {where}"
        term_box = box(chosen)
        hover(chosen)
        tip = tip_of(page, chosen)
        tip_box = box(tip)
        if where == "bottom":
            assert tip_box["y"] + tip_box["height"] <= term_box["y"] + 1, "not above the term"
        # straight up or down from the term's centre, into the tooltip
        x = term_box["x"] + term_box["width"] / 2
        assert tip_box["x"] <= x <= tip_box["x"] + tip_box["width"], (term_box, tip_box)
        y = tip_box["y"] + tip_box["height"] / 2
        page.mouse.move(x, y, steps=12)
        assert tip.is_visible(), f"the tooltip closed on the way from the {where} term"
        page.wait_for_timeout(300)
        assert tip.is_visible(), "the tooltip did not stay open under the pointer"
        page.mouse.move(0, 0)
        assert tip.is_hidden(), "the tooltip stays open after the pointer left"
    finally:
        page.context.close()


# --- SPIP's markup under a SPIP theme's rules --------------------------------------------

SPIP_THEME = REPO_ROOT / "tests" / "data" / "spip" / "theme-glossaire.css"


def spip_page(folder: Path, *, ours: bool) -> Path:
    """The reference text with ``markup="spip"`` under rules shaped like a SPIP theme's
    Couteau Suisse glossary, then (``ours``) glossator's stylesheet and script."""
    fragment = glossator.render(seed_doc(), "html", markup="spip")
    css = SPIP_THEME.read_text(encoding="utf-8")
    extra = ""
    if ours:
        css += render_html.stylesheet()
        extra = '<script defer src="glossator.js"></script>\n'
        write_page(folder, "glossator.js", render_html.script())
    content = (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>SPIP</title>\n<style>\n{css}</style>\n{extra}</head>\n<body>\n<main>\n"
        f"<h1>Le Labo de l’ESS</h1>\n{fragment}</main>\n</body>\n</html>\n"
    )
    return write_page(folder, "spip.html", content)


SPIP_TERM = "a.cs_glossaire .gl_mot"


def test_spip_markup_is_styled_by_a_spip_theme(page: Page, tmp_path: Path) -> None:
    """The preset's point: a theme's own a.cs_glossaire rules show the definition on
    hover. Those rules know only :hover, so keyboard focus shows nothing: that takes
    glossator's stylesheet (next test)."""
    page.goto(spip_page(tmp_path, ours=False).as_uri())
    term = page.locator(SPIP_TERM).first
    tip = tip_of(page, term)
    assert tip.is_hidden()
    hover(term)
    assert tip.is_visible() and page.locator("a.cs_glossaire .gl_dd").first.is_visible()
    assert "Économie sociale et solidaire" in tip.inner_text()
    page.mouse.move(0, 0)
    term.focus()
    assert tip.is_hidden(), "the theme's rules alone now show the tooltip on focus"


def test_glossator_css_after_a_spip_theme_takes_over(page: Page, axe_script: Path,
                                                     tmp_path: Path) -> None:
    """glossator.css loaded after a SPIP theme: its rules, as specific as the theme's
    :hover rules, give the tooltip glossator's look, placement and behaviour on hover, on
    focus and with Escape, and axe-core (colour contrast included) finds nothing."""
    page.goto(spip_page(tmp_path, ours=True).as_uri())
    term = page.locator(SPIP_TERM).first
    tip = tip_of(page, term)
    bg = page.evaluate("() => getComputedStyle(document.documentElement)"
                       ".getPropertyValue('--glossator-tip-bg').trim()")
    for how in ("hover", "focus"):
        if how == "hover":
            hover(term)
        else:
            page.mouse.move(0, 0)
            term.focus()
        assert tip.is_visible(), f"not shown on {how}"
        look = tip.evaluate("""t => {
            const s = getComputedStyle(t), dt = getComputedStyle(t.querySelector('.gl_dt'));
            return {bg: s.backgroundColor, width: s.width, border: s.borderTopStyle,
                    visibility: s.visibility, dtBg: dt.backgroundColor,
                    dtAlign: dt.textAlign, dtVisibility: dt.visibility};
        }""")
        assert look["visibility"] == look["dtVisibility"] == "visible", (how, look)
        assert look["bg"] != "rgb(255, 255, 255)" and look["border"] == "none", (how, look)
        assert look["dtBg"] == "rgba(0, 0, 0, 0)" and look["dtAlign"] == "start", (how, look)
        assert look["width"] != "200px", (how, look)
        b = box(tip)
        assert b["x"] >= 0 and b["x"] + b["width"] <= DESKTOP["width"], (how, b)
    assert bg.startswith("#")
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)
    page.keyboard.press("Escape")
    assert tip.is_hidden(), "Escape does not hide the tooltip under a SPIP theme"


# --- axe-core ------------------------------------------------------------------------------

AXE_RUN = """async (disabled) => {
  const rules = Object.fromEntries(disabled.map(id => [id, {enabled: false}]));
  const results = await axe.run(document, {resultTypes: ["violations"], rules});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""

#: Rules switched off, per page, with the reason. The standalone page without a heading
#: (no ``heading=``, no ``--title``) shows the user's text as it is: an invented <h1> would
#: change what a scraper reads, and the reference page must scrape to the text format
#: exactly. Given a heading, the page has its <h1> and the rule is on. Every other rule,
#: WCAG and best practice alike, must pass on every page.
DISABLED_RULES: dict[str, tuple[str, ...]] = {
    "seed": ("page-has-heading-one",), "titled": (), "real": ()}


def axe_violations(
    page: Page, axe_script: Path, disabled: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(axe_script))
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, list(disabled))
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'][:5])}"
        for v in violations
    )


@pytest.fixture(scope="module")
def titled_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference page with a title and its visible heading (``--title``)."""
    content = glossator.render(seed_doc(), "html", standalone=True,
                               title="Le Labo de l’ESS", heading="Le Labo de l’ESS")
    return write_page(tmp_path_factory.mktemp("titled"), "titled.html", content)


@pytest.mark.parametrize("state", ["closed", "tooltip open"])
@pytest.mark.parametrize("which", ["seed", "titled", "real"])
def test_axe_finds_no_violation(
    page: Page, axe_script: Path, seed_page: Path, titled_page: Path, real_page: Path,
    which: str, state: str
) -> None:
    path = {"seed": seed_page, "titled": titled_page, "real": real_page}[which]
    page.goto(path.as_uri())
    if state == "tooltip open":
        # axe skips hidden content: open one tooltip so that its colours are checked too
        page.locator(TERM).first.focus()
        assert tip_of(page, page.locator(TERM).first).is_visible()
    violations = axe_violations(page, axe_script, DISABLED_RULES[which])
    assert not violations, f"axe-core on the {which} page ({state}):\n{describe(violations)}"


def test_the_rule_switched_off_is_the_only_one_that_fails(
    page: Page, axe_script: Path, seed_page: Path
) -> None:
    """Without a heading, the standalone page misses exactly ``page-has-heading-one``."""
    page.goto(seed_page.as_uri())
    found = {v["id"] for v in axe_violations(page, axe_script)}
    assert found == set(DISABLED_RULES["seed"]), found


REAL_PAGES = sorted((REPO_ROOT / "tests" / "data" / "pages").glob("*.html.gz"))


@pytest.mark.parametrize("path", REAL_PAGES, ids=lambda p: p.name.removesuffix(".html.gz"))
def test_annotating_a_real_page_adds_no_accessibility_violation(
    browser: Browser, axe_script: Path, tmp_path: Path, path: Path
) -> None:
    """A real saved page (tests/data/pages) before and after annotation, both with
    glossator's stylesheet: whatever axe-core finds on the page as published, annotating
    it adds no rule to the list, with the tooltips closed or one open."""
    import gzip

    source = gzip.decompress(path.read_bytes()).decode("utf-8")
    glossary = glossator.load_glossary(path.parent / "informatique.yaml")
    annotated = annotate_html(source, glossator.Annotator(glossary, occurrences="all"))
    found: dict[str, set[str]] = {}
    for name, content in (("original", source), ("annotated", annotated)):
        page = new_page(browser)
        try:
            page.goto(write_page(tmp_path, f"{name}.html", content).as_uri())
            page.add_style_tag(content=render_html.stylesheet())
            found[name] = {v["id"] for v in axe_violations(page, axe_script)}
            if name == "annotated":
                term = page.locator(TERM).first
                term.scroll_into_view_if_needed()
                term.focus()
                assert tip_of(page, term).is_visible()
                found["open"] = {v["id"] for v in axe_violations(page, axe_script)}
        finally:
            page.context.close()
    assert found["annotated"] <= found["original"], found
    assert found["open"] <= found["original"], found


# --- screenshot ----------------------------------------------------------------------------


def test_screenshot_of_an_open_tooltip(browser: Browser, seed_page: Path) -> None:
    page = new_page(browser, {"width": 800, "height": 360})
    try:
        page.goto(seed_page.as_uri())
        term = page.locator(TERM).first
        hover(term)
        assert tip_of(page, term).is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / "seed-tooltip.png"
        page.screenshot(path=str(target))
    finally:
        page.context.close()
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5_000, len(data)
