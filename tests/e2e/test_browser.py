"""Real-browser tests: what a person sees on the live canvas while playing, pausing and hovering."""

import re
import time

import pytest

from tests.e2e.breakage import watch_for_breakage

pytestmark = pytest.mark.e2e

PLANE = '[data-panel="plane"] canvas'


# an epoch is shown to one decimal and the playground's come in steps of 0.05 (x.x5 shows either way),
# so a Step of exactly one epoch reads 0.9 to 1.1 more on screen
SHOWN_EPOCH = 0.1 + 1e-9


def _open(page, url):
    page.goto(url)
    page.locator('[data-testid="live-view"]').wait_for(timeout=60_000)
    page.locator("[data-panel] canvas").first.wait_for(timeout=30_000)


def _pixels(page, selector=PLANE) -> str:
    """What a canvas shows, as a data URL (equal strings: the same picture)."""
    return page.locator(selector).first.evaluate("c => c.toDataURL()")


def _metric(page, label: str) -> str:
    return page.locator(".bl-metric").filter(has_text=label).first.locator(".bl-metric-value").inner_text()


def _changes(page, seconds: float, selector=PLANE) -> int:
    """How many times the canvas picture changed while polling for ``seconds``."""
    seen, last = 0, _pixels(page, selector)
    end = time.time() + seconds
    while time.time() < end:
        time.sleep(0.15)
        now = _pixels(page, selector)
        seen += now != last
        last = now
    return seen


def _pressed(page) -> bool:
    return page.locator(".bl-play").get_attribute("aria-pressed") == "true"


def test_playground_repaints_while_playing_and_stops_on_pause(page, app_url):
    _open(page, app_url + "/playground")  # the fresh server's first request is a deep link
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Network playground" in nav and "\napp\n" not in f"\n{nav}\n"  # the router, not a pages/ folder
    assert _metric(page, "epoch") == "0.0"
    page.locator(".bl-play").click()
    assert _changes(page, 6) >= 5  # the decision boundary moves
    assert float(_metric(page, "epoch")) > 0
    page.locator(".bl-play").click()
    assert not _pressed(page)
    time.sleep(1.5)  # let the answer to Pause land
    still = _pixels(page)
    epoch = _metric(page, "epoch")
    time.sleep(2)
    assert _pixels(page) == still and _metric(page, "epoch") == epoch


def test_keyboard_plays_and_pauses(page, app_url):
    _open(page, app_url + "/playground")
    page.locator(".bl-play").focus()
    page.keyboard.press("Space")  # the focused button's own key
    page.locator('.bl-play[aria-pressed="true"]').wait_for(timeout=5_000)
    deadline = time.time() + 20
    while _metric(page, "epoch") == "0.0" and time.time() < deadline:
        time.sleep(0.2)
    assert _metric(page, "epoch") != "0.0"
    page.keyboard.press("k")  # the shortcut, with focus anywhere in the live view
    page.locator('.bl-play[aria-pressed="false"]').wait_for(timeout=5_000)
    time.sleep(1)
    epoch = float(_metric(page, "epoch"))
    page.keyboard.press("s")  # Step: one epoch, still paused
    deadline = time.time() + 20
    while float(_metric(page, "epoch")) == epoch and time.time() < deadline:
        time.sleep(0.2)
    assert float(_metric(page, "epoch")) == pytest.approx(epoch + 1, abs=SHOWN_EPOCH) and not _pressed(page)


def test_hovering_the_plane_and_a_neuron_shows_values(page, app_url):
    _open(page, app_url + "/playground")
    box = page.locator(PLANE).first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
    tip = page.locator(".bl-tip")
    tip.wait_for(state="visible", timeout=5_000)
    assert re.search(r"P\(blue\) = \d\.\d\d", tip.inner_text())
    net = page.locator('[data-panel="net"] canvas').first
    net.scroll_into_view_if_needed()
    nbox = net.bounding_box()
    before = _pixels(page)
    # the first hidden neuron's map sits in the second of four columns, near the top
    for y in range(40, int(nbox["height"]) - 20, 6):
        page.mouse.move(nbox["x"] + nbox["width"] * 0.375, nbox["y"] + y)
        if "neuron" in (tip.inner_text() if tip.is_visible() else ""):
            break
    assert "layer 1, neuron" in tip.inner_text()
    assert _pixels(page) != before  # the plane shows that neuron's output while hovered


def test_url_settings_are_restored_and_junk_is_clamped(page, app_url):
    _open(page, app_url + "/playground?data=spiral&layers=3,abc,999&acts=relu&lr=1e99&noise=7")
    data_set = page.locator('[data-testid="stSelectbox"]').filter(has_text="data set").locator("input")
    assert data_set.get_attribute("aria-label").endswith("spiral") or data_set.input_value() == "spiral"
    assert page.locator('[data-testid="stException"]').count() == 0
    net = page.locator('[data-panel="net"] canvas').first.get_attribute("aria-label")
    assert "2-3-256-2" in net and "relu, relu" in net  # abc dropped, 999 clamped to 256
    query = page.evaluate("location.search")
    assert "lr=10.0" in query and "noise=1.0" in query  # clamped values written back


def test_mnist_play_and_draw(page, app_url):
    broken = watch_for_breakage(page)
    _open(page, app_url + "/mnist")
    page.locator(".bl-play").click()
    deadline, acc = time.time() + 30, 0.0
    while time.time() < deadline and acc <= 0.5:
        try:
            acc = float(_metric(page, "test accuracy"))
        except ValueError:
            pass
        time.sleep(0.3)
    assert acc > 0.5
    page.locator(".bl-play").click()
    canvas = page.locator("canvas.upper-canvas").first
    canvas.scroll_into_view_if_needed()
    canvas.wait_for(timeout=20_000)
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.15
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(x, y + box["height"] * 0.7 * i / 20)
    page.mouse.up()
    prediction = page.get_by_text(re.compile(r"prediction: \d"))
    prediction.wait_for(timeout=20_000)
    assert re.search(r"prediction: \d", prediction.inner_text())
    assert not broken, broken  # the live mistakes gallery and the drawing leave no missing files


# In the page: the first element matching a selector, in the document or any shadow root within it
FIND_DEEP = """
  const find = (root, sel) => {
    const hit = root.querySelector(sel);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot && find(el.shadowRoot, sel)) return find(el.shadowRoot, sel);
    return null;
  };
"""

# Runs in the page: from now on, at every animation frame, the status line and the epoch on screen
# each time the status line changes (the view may be mounted afresh: it is looked up every time)
WATCH_STATUS = "() => {" + FIND_DEEP + """
  window.statusSeen = [];
  let last = null;
  const look = () => {
    const view = find(document, '.bl-live');
    if (view) {
      const text = view.querySelector('.bl-status').textContent;
      const epoch = [...view.querySelectorAll('.bl-metric')].find((m) => m.firstChild.textContent === 'epoch');
      if (text !== last) window.statusSeen.push([text, epoch.lastChild.textContent]);
      last = text;
    }
    requestAnimationFrame(look);
  };
  look();
}
"""


def test_a_run_that_stops_says_so_beside_the_epoch_it_reached(page, app_url):
    _open(page, app_url + "/mnist?epochs=1")
    page.evaluate(WATCH_STATUS)
    page.locator(".bl-play").click()
    page.locator(".bl-status", has_text="budget").wait_for(timeout=30_000)
    seen = page.evaluate("window.statusSeen")
    said = [epoch for text, epoch in seen if "budget" in text]
    assert said and all(epoch == "1.00" for epoch in said), seen  # not 0.81 while the last pictures play
    assert _metric(page, "epoch") == "1.00"


# Runs in the page: where the drawing canvas's toolbar (in the component's shadow root) and the text of
# the caption above the box are
TOOLBAR_AND_CAPTION = "() => {" + FIND_DEEP + """
  const caption = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .find((c) => c.innerText.includes('Draw one digit'));
  const text = document.createRange();
  text.selectNodeContents(caption);
  const bar = find(document, '.dc-toolbar-card');
  return { toolbar: bar.getBoundingClientRect().top, caption: text.getBoundingClientRect().bottom,
           shown: getComputedStyle(bar.parentElement).opacity };
}
"""


def test_the_drawing_toolbar_shows_above_the_box_without_covering_its_caption(page, app_url):
    _open(page, app_url + "/mnist")
    canvas = page.locator("canvas.upper-canvas").first
    canvas.scroll_into_view_if_needed()
    canvas.wait_for(timeout=20_000)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(600)  # the toolbar fades in
    where = page.evaluate(TOOLBAR_AND_CAPTION)
    assert where["shown"] == "1" and where["toolbar"] < box["y"]  # above the box, as the caption says
    assert where["toolbar"] >= where["caption"], where  # in room of its own

def test_cnn_filters_change_while_it_learns(page, app_url):
    _open(page, app_url + "/cnn")
    filters = '[data-panel="filters"] canvas'
    page.locator(filters).first.wait_for(timeout=30_000)
    before = _pixels(page, filters)
    page.locator(".bl-play").click()
    deadline = time.time() + 30
    while time.time() < deadline and float(_metric(page, "epoch") or 0) < 1:
        time.sleep(0.3)
    assert float(_metric(page, "epoch")) >= 1  # the first epoch is on screen
    assert _pixels(page, filters) != before  # and the filters it learned with it
    page.locator(".bl-play").click()


def test_hostile_files_through_the_browser_get_plain_messages(page, app_url):
    from tests.hostile.images import big_sixteen_bit
    from tests.hostile.weights import with_config

    page.goto(app_url + "/mnist")
    page.locator("[data-panel] canvas").first.wait_for(timeout=60_000)
    weights = page.locator('[data-testid="stFileUploader"]').filter(has_text="Load weights").locator("input[type=file]")
    weights.set_input_files(
        files=[{"name": "huge.npz", "mimeType": "application/octet-stream",
                "buffer": with_config(layer_sizes=[784, 150000, 10])}]
    )
    error = page.locator('[data-testid="stAlertContentError"]').filter(has_text="unchanged")
    error.wait_for(timeout=30_000)
    assert "layer sizes" in error.inner_text() and "Traceback" not in page.content()
    digit = page.locator('[data-testid="stFileUploader"]').filter(has_text="upload a digit").locator("input[type=file]")
    digit.set_input_files(files=[{"name": "big.png", "mimeType": "image/png", "buffer": big_sixteen_bit()}])
    page.get_by_text("25 million pixels").first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_regression_plane_shows_predicted_values_on_hover(page, app_url):
    _open(page, app_url + "/playground?problem=regression&data=multi_gaussian")
    page.locator(".bl-step").click()
    page.wait_for_timeout(1500)
    box = page.locator(PLANE).first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    tip = page.locator(".bl-tip")
    tip.wait_for(state="visible", timeout=5_000)
    assert re.search(r"predicted target ≈ -?\d", tip.inner_text())
    assert "R²" in page.locator(".bl-metrics").inner_text()
