"""Every page as a person sees it: a wide and a phone-wide screen, light and dark.

Each page is screenshotted (kept under pytest's temporary folder, or under $LAYOUT_SHOTS when set)
with its expanders open, and checked for what a projector or a phone shows at once: nothing wider
than the screen, no formula wider than its box (which would scroll sideways, with no cue) and none
KaTeX could not typeset, no error, and colours that follow the viewer's system setting.

One test per page, screen and scheme, named by the screen's width: ``-k "390 and mnist"`` checks
one page on a phone.
"""

import os
from pathlib import Path

import pytest

from tests.e2e.breakage import watch_for_breakage

pytestmark = pytest.mark.e2e

PAGES = ["", "linear_regression", "logistic_regression", "softmax_regression", "backprop", "playground", "mnist",
         "convolutions", "cnn"]
SCREENS = {"wide": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}

# Runs in the page: the elements (shadow roots included) that reach past the screen's sides.  An
# element inside a box that scrolls sideways (a code block, a wide table) is the box's business, as
# long as the box itself fits; the sidebar slides off-screen on a phone by design.
OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const outside = (r) => r.right > width + 1 || r.left < -1;
  const scrollsInside = (el) => {
    for (let a = el.parentElement || el.getRootNode().host; a; a = a.parentElement || (a.getRootNode() && a.getRootNode().host)) {
      const style = getComputedStyle(a);
      if (/(auto|scroll)/.test(style.overflowX)) return !outside(a.getBoundingClientRect());
    }
    return false;
  };
  const bad = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) visit(el.shadowRoot);
      if (el.closest('[data-testid="stSidebar"]') && width < 600) continue;
      const r = el.getBoundingClientRect();
      // wholly left of the screen: parked there on purpose (plotly's text-measuring svg), never seen
      if (!r.width || !r.height || r.right <= 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (outside(r) && !scrollsInside(el)) {
        bad.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 40)} `
                 + `[${el.getAttribute('data-testid') || ''}] ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
    }
  };
  visit(document);
  return { width, scrollWidth: document.documentElement.scrollWidth, bad: bad.slice(0, 8) };
}
"""

# Runs in the page: the displayed formulas wider than their box.  Streamlit lets such a box scroll
# sideways, so the page itself fits while the formula's end is out of sight with nothing to say so.
# The formula's own width (its typeset parts side by side) is measured, not the box's scrollWidth:
# that counts the 2 px strut KaTeX puts after a trailing subscript, which hides nothing.
FORMULAS = """
() => [...document.querySelectorAll('.katex-display')].flatMap((box) => {
  const parts = [...box.querySelectorAll('.katex-html > .base, .katex-html > .tag')].map((e) => e.getBoundingClientRect());
  if (!parts.length) return [];
  const width = Math.max(...parts.map((r) => r.right)) - Math.min(...parts.map((r) => r.left));
  if (width <= box.clientWidth + 1) return [];
  const tex = (box.querySelector('annotation') || box).textContent.replace(/\\s+/g, ' ').slice(0, 60);
  return [`${Math.round(width)} px in ${box.clientWidth}: ${tex}`];
})
"""

LUMINANCE = """
(selector) => {
  const el = document.querySelector(selector);
  const [r, g, b] = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}
"""


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ["LAYOUT_SHOTS"]) if os.environ.get("LAYOUT_SHOTS") else tmp_path_factory.mktemp("shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _settle(page) -> None:
    """Wait for the script to finish and the page's own content to be drawn."""
    page.locator('[data-testid="stMainBlockContainer"] [data-testid="stHeading"]').first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !/Running/.test(document.querySelector('[data-testid=\"stStatusWidget\"]').innerText)",
        timeout=60_000,
    )
    if page.locator('[data-testid="live-view"]').count():
        page.locator("[data-panel] canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)  # plotly and KaTeX draw after the script's last message


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS), ids=[f"{k}-{v['width']}" for k, v in SCREENS.items()])
@pytest.mark.parametrize("name", PAGES, ids=[name or "home" for name in PAGES])
def test_page_fits_the_screen_typesets_and_follows_the_theme(browser, app_url, shots, name, screen, scheme):
    context = browser.new_context(viewport=SCREENS[screen], color_scheme=scheme)
    page = context.new_page()
    problems = watch_for_breakage(page)
    try:
        page.goto(f"{app_url}/{name}")
        _settle(page)
        page.evaluate("() => document.querySelectorAll('[data-testid=\"stExpander\"] details')"
                      ".forEach((d) => { d.open = true; })")
        page.wait_for_timeout(500)
        where = f"{name or 'home'} ({screen}, {scheme})"
        fit = page.evaluate(OVERFLOW)
        if fit["scrollWidth"] > fit["width"] + 1 or fit["bad"]:
            problems.append(f"{where}: wider than {fit['width']} px: {fit['bad']} scrollWidth {fit['scrollWidth']}")
        problems.extend(f"{where}: a formula scrolls sideways, {wide}" for wide in page.evaluate(FORMULAS))
        if page.locator(".katex-error").count():
            problems.append(f"{where}: KaTeX error {page.locator('.katex-error').first.inner_text()!r}")
        if page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count():
            problems.append(f"{where}: an error is shown")
        light = page.evaluate(LUMINANCE, '[data-testid="stApp"]')
        if (light > 0.5) != (scheme == "light"):
            problems.append(f"{where}: background luminance {light:.2f} in the {scheme} scheme")
        if page.locator('[data-testid="live-view"]').count():
            panel = page.locator('[data-testid="live-view"]').first
            text = panel.evaluate("el => getComputedStyle(el).color")
            channels = [float(c) for c in text[text.index("(") + 1:text.index(")")].split(",")[:3]]
            if (sum(channels) / 765 > 0.5) == (scheme == "light"):
                problems.append(f"{where}: the live view's text {text} does not contrast with the page")
        # the page scrolls inside Streamlit's main box, not the document: a tall window shows all of it
        tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": SCREENS[screen]["width"], "height": min(tall, 9000)})
        page.wait_for_timeout(500)
        page.screenshot(path=str(shots / f"{name or 'home'}-{screen}-{scheme}.png"))
    finally:
        context.close()
    assert not problems, "\n".join(problems)
