"""Issue 19 in a browser: a lesson link locks and hides what it says, whatever the learner does to the address
or the widgets; its goal is announced when met; reset to defaults; the projector view; the theme switch."""

import re
import time
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.breakage import watch_for_breakage

pytestmark = pytest.mark.e2e

SIDEBAR = '[data-testid="stSidebar"]'
LESSON = {"lesson": "Spiral challenge", "task": "Reach 90% test accuracy with at most 6 neurons.",
          "open": "layers,lr", "fix": urlencode({"data": "spiral", "opt": "sgd"})}
LUMINANCE = """() => {
  const [r, g, b] = getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor
    .match(/[\\d.]+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""


def _open(page, url):
    page.goto(url)
    page.locator('[data-testid="live-view"]').wait_for(timeout=60_000)
    page.locator("[data-panel] canvas").first.wait_for(timeout=30_000)


def _select(page, label: str):
    """The input of the sidebar's select box labelled ``label`` (its value: the option shown)."""
    return page.locator(f'{SIDEBAR} input[aria-label="{label}"]')


def _slider(page, label: str):
    """The range input of the sidebar's slider labelled ``label``."""
    return page.locator(f'{SIDEBAR} input[type="range"][aria-label="{label}"]')


def _address(page) -> str:
    """What the address bar says (Playwright's page.url may miss a history.replaceState)."""
    return page.evaluate("location.href")


def _wait_for(check, seconds=30.0):
    """Whether ``check()`` comes true within ``seconds``; a page reloading meanwhile (the theme switch) is
    asked again once it is back."""
    end = time.time() + seconds
    while time.time() < end:
        try:
            if check():
                return True
        except PlaywrightError:
            pass
        time.sleep(0.3)
    return False


def test_a_lesson_link_locks_what_it_says_and_the_learner_cannot_unlock_it(page, app_url):
    problems = watch_for_breakage(page)
    # the learner edits the address: a plain data=xor and opt=adam; the lesson's are in its fix
    _open(page, f"{app_url}/playground?{urlencode({**LESSON, 'data': 'xor', 'opt': 'adam'})}")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Spiral challenge").wait_for(timeout=30_000)
    assert "at most 6 neurons" in main.inner_text()
    data = _select(page, "data set")
    assert data.input_value() == "spiral" and data.is_disabled()
    assert _select(page, "optimizer").input_value() == "sgd"
    data.click(force=True)  # a locked select box does not open
    page.keyboard.type("xor")
    page.keyboard.press("Enter")
    page.wait_for_timeout(800)
    assert not page.locator('[role="listbox"]').count()
    assert _select(page, "data set").input_value() == "spiral"
    # an open setting still changes
    assert not _slider(page, "hidden layers").is_disabled()
    assert "Make a lesson link" not in main.inner_text()  # a learner makes no links of their own
    assert not problems, problems


def test_a_lesson_can_hide_its_locked_settings(page, app_url):
    _open(page, f"{app_url}/playground?{urlencode({**LESSON, 'hide': '1'})}")
    page.get_by_text("Spiral challenge").wait_for(timeout=30_000)
    sidebar = page.locator(SIDEBAR).inner_text()
    assert "data set" not in sidebar and "optimizer" not in sidebar and "hidden layers" in sidebar


def test_reaching_the_goal_says_so_and_at_which_epoch(page, app_url):
    _open(page, f"{app_url}/playground?{urlencode({'open': 'lr', 'goal': 'test_acc', 'goal_at': '0.6'})}")
    page.get_by_text("Goal: test accuracy at least 60.0%").first.wait_for(timeout=30_000)
    page.locator(".bl-play").click()
    message = page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Goal met")
    message.wait_for(timeout=90_000)
    assert re.search(r"test accuracy \d+\.\d% at epoch \d", message.inner_text())


def test_reset_to_defaults_restores_every_setting_and_the_address(page, app_url):
    query = {"data": "spiral", "lr": "0.1", "layers": "3", "acts": "relu", "opt": "sgd", "feats": "x1,x2,sinx1"}
    _open(page, f"{app_url}/playground?{urlencode(query)}")
    assert _select(page, "data set").input_value() == "spiral"
    page.locator(SIDEBAR).get_by_role("button", name="Reset to defaults").click()
    assert _wait_for(lambda: "?" not in _address(page)), _address(page)
    page.wait_for_timeout(1500)
    assert _select(page, "data set").input_value() == "circle"
    assert _select(page, "optimizer").input_value() == "adam"
    assert _slider(page, "hidden layers").input_value() == "2"
    assert page.locator(f'{SIDEBAR} input[aria-label="layer 1 neurons"]').input_value() == "8"


# Runs in the page: where the live view sits, and the elements in it that reach past the screen's sides
PROJECTOR = """(host) => {
  const box = host.getBoundingClientRect();
  const W = document.documentElement.clientWidth;
  const wide = [...host.querySelectorAll('*')].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width && (r.right > W + 1 || r.left < -1);
  }).map((el) => el.className);
  const value = host.querySelector('.bl-metric-value');
  const px = parseFloat(getComputedStyle(value).fontSize) * Number(getComputedStyle(host).zoom || 1);
  const plane = host.querySelector('[data-panel="plane"] canvas').getBoundingClientRect();
  return { box: [box.left, box.top, box.width, box.height], W, H: window.innerHeight, wide, px,
           scroll: host.scrollWidth - host.clientWidth, plane: [plane.width, plane.bottom] };
}"""


def test_the_projector_view_fills_1920x1080_with_large_type_and_answers_the_keyboard(browser, app_url):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        _open(page, f"{app_url}/playground?projector=1")
        page.locator(".bl-live.bl-projector").wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        seen = page.locator('[data-testid="live-view"]').evaluate(PROJECTOR)
        assert [round(v) for v in seen["box"]] == [0, 0, 1920, 1080], seen
        assert not seen["wide"] and seen["scroll"] <= 0, seen  # nothing wider than the screen
        assert seen["px"] >= 40, seen  # numbers read from the back of a room
        assert seen["plane"][0] >= 600 and seen["plane"][1] <= 1080, seen  # the picture whole, and large
        page.keyboard.press("Space")  # the keys still play and pause
        page.locator('.bl-play[aria-pressed="true"]').wait_for(timeout=5_000)
        page.keyboard.press("k")
        page.locator('.bl-play[aria-pressed="false"]').wait_for(timeout=5_000)
        page.keyboard.press("Escape")  # and leave it
        page.locator(".bl-live:not(.bl-projector)").wait_for(timeout=30_000)
        assert _wait_for(lambda: "projector" not in _address(page)), _address(page)
        page.locator(".bl-projector-toggle").click()  # the button brings it back, and the address says so
        page.locator(".bl-live.bl-projector").wait_for(timeout=30_000)
        assert "projector=1" in _address(page)
    finally:
        context.close()


@pytest.mark.parametrize("scheme,other", [("light", "dark"), ("dark", "light")])
def test_the_theme_switch_changes_the_background_and_stays_in_the_address(browser, app_url, scheme, other):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    try:
        _open(page, f"{app_url}/playground?data=xor")
        assert (page.evaluate(LUMINANCE) > 0.5) == (scheme == "light")
        page.locator(SIDEBAR).get_by_text(other, exact=True).click()
        assert _wait_for(lambda: (page.evaluate(LUMINANCE) > 0.5) == (other == "light"), 60), _address(page)
        assert f"theme={other}" in _address(page) and "data=xor" in _address(page)  # the page's settings came back too
        page.locator('[data-testid="live-view"]').wait_for(timeout=60_000)
        text = page.locator('[data-testid="live-view"]').evaluate("el => getComputedStyle(el).color")
        channels = [float(c) for c in text[text.index("(") + 1:text.index(")")].split(",")[:3]]
        assert (sum(channels) / 765 < 0.5) == (other == "light")  # the live view follows
        page.locator(SIDEBAR).get_by_text("auto", exact=True).click()
        assert _wait_for(lambda: (page.evaluate(LUMINANCE) > 0.5) == (scheme == "light"), 60), _address(page)
    finally:
        context.close()
