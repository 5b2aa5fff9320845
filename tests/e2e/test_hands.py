"""Real-browser tests of issue 18's hands on the playground: the keyboard from page load, a tap at phone
width, a weight typed on an edge, points added on the plane, +/- neurons and layers.

Screenshots of what a person sees go under pytest's temporary folder, or $HANDS_SHOTS when set.
"""

import os
import re
import time
from pathlib import Path

import pytest

from tests.e2e.breakage import watch_for_breakage
from tests.e2e.test_browser import SHOWN_EPOCH, _metric, _open, _pixels, _pressed

pytestmark = pytest.mark.e2e

PLANE = '[data-panel="plane"] canvas[role="img"]'  # the axes and points, over the painted field (_pixels')
NET = '[data-panel="net"] canvas'
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ["HANDS_SHOTS"]) if os.environ.get("HANDS_SHOTS") else tmp_path_factory.mktemp("hands")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _until(check, seconds=20.0, every=0.2):
    end = time.time() + seconds
    while time.time() < end:
        if check():
            return True
        time.sleep(every)
    return check()


def _settled_epoch(page) -> float:
    """The epoch shown once it has stopped changing for a second and a half."""
    last, since = None, time.time()
    while time.time() - since < 1.5:
        now = _metric(page, "epoch")
        if now != last:
            last, since = now, time.time()
        time.sleep(0.1)
    return float(last)


def _tip(page) -> str:
    tip = page.locator(".bl-tip")
    return tip.inner_text() if tip.is_visible() else ""


def _hover_until(page, selector, points, pattern):
    """Move the mouse over ``points`` (fractions of the canvas) until the tooltip matches; the point."""
    box = page.locator(selector).first.bounding_box()
    for fx, fy in points:
        x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
        page.mouse.move(x, y)
        if re.search(pattern, _tip(page)):
            return x, y
    raise AssertionError(f"no tooltip like {pattern!r} over {selector}")


def test_a_key_pressed_right_after_load_plays(page, app_url):
    broken = watch_for_breakage(page)
    _open(page, app_url + "/playground")
    page.keyboard.press("Space")  # nothing focused: the body has it
    page.locator('.bl-play[aria-pressed="true"]').wait_for(timeout=5_000)
    assert _until(lambda: float(_metric(page, "epoch")) > 0)
    page.keyboard.press("k")
    page.locator('.bl-play[aria-pressed="false"]').wait_for(timeout=5_000)
    epoch = _settled_epoch(page)  # the answer to Pause shows the server's model
    page.locator(PLANE).click()  # a click on a plot leaves the keys working
    page.keyboard.press("ArrowRight")
    assert _until(lambda: float(_metric(page, "epoch")) == pytest.approx(epoch + 1, abs=SHOWN_EPOCH)), (epoch, _metric(page, "epoch"))
    assert not _pressed(page)
    # typing in Streamlit's own fields is typing, not a shortcut
    seed = page.locator('[data-testid="stNumberInput"]').filter(has_text="weight seed").locator("input")
    seed.click()
    page.keyboard.press("s")
    page.keyboard.press("Space")
    time.sleep(1.5)
    assert not _pressed(page) and float(_metric(page, "epoch")) == pytest.approx(epoch + 1, abs=SHOWN_EPOCH)
    page.locator(PLANE).click()
    page.keyboard.press("r")  # Reset: fresh weights, the epoch back to 0
    assert _until(lambda: _metric(page, "epoch") == "0.0")
    assert not broken, broken


def test_a_tap_shows_a_value_at_phone_width(browser, app_url, shots):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    _open(page, app_url + "/playground")
    plane = page.locator(PLANE).first
    plane.scroll_into_view_if_needed()
    box = plane.bounding_box()
    plane.tap(position={"x": box["width"] * 0.6, "y": box["height"] * 0.4})
    assert _until(lambda: re.search(r"P\(blue\) = \d\.\d\d", _tip(page)), 5)
    page.screenshot(path=str(shots / "tap-plane-390.png"))
    net = page.locator(NET).first
    net.scroll_into_view_if_needed()
    nbox = net.bounding_box()
    found = False
    for y in range(60, int(nbox["height"]) - 20, 8):  # the first hidden layer: the second of four columns
        net.tap(position={"x": nbox["width"] * 0.375, "y": y})
        if "layer 1, neuron" in _tip(page):
            found = True
            break
    assert found, _tip(page)
    inset = page.locator('[data-panel="net"] .bl-inset')
    assert inset.is_visible() and "below" in _tip(page)  # the plane is out of sight: its picture is here
    ibox, nbox = inset.bounding_box(), net.bounding_box()
    assert 0 <= ibox["y"] - (nbox["y"] + nbox["height"]) < 40
    page.screenshot(path=str(shots / "tap-neuron-390.png"))
    page.locator(".bl-metrics").tap()  # a tap elsewhere puts it away
    assert _until(lambda: not inset.is_visible() and not _tip(page), 5)
    context.close()


def test_typing_a_weight_changes_the_next_frames_field(page, app_url, shots):
    broken = watch_for_breakage(page)
    _open(page, app_url + "/playground")
    page.locator(NET).first.scroll_into_view_if_needed()
    # an edge from the first hidden layer to the second: between the second and third columns
    points = [(0.5, fy / 100) for fy in range(15, 95, 2)]
    x, y = _hover_until(page, NET, points, r"^weight ")
    assert "click to type a new one" in _tip(page)
    page.mouse.move(x, y)
    before = _pixels(page)
    page.mouse.click(x, y)
    box = page.locator('[data-panel="net"] .bl-edit input')
    box.wait_for(timeout=5_000)
    page.screenshot(path=str(shots / "edit-weight-1400.png"))
    box.fill("25")
    box.press("Enter")
    assert _until(lambda: _pixels(page) != before, 10)  # the field painted with the new weight
    assert not box.count()
    page.mouse.move(x + 1, y)
    page.mouse.move(x, y)
    assert _until(lambda: _tip(page).startswith("weight 25"), 5), _tip(page)
    assert not broken, broken


def test_added_points_show_and_the_next_ticks_train_on_them(page, app_url, shots):
    broken = watch_for_breakage(page)
    _open(page, app_url + "/playground")
    plane = page.locator(PLANE).first
    page.locator('[data-panel="plane"] .bl-tools button').filter(has_text="blue").click()
    box = plane.bounding_box()
    # the top right corner is the orange ring's (the circle data): a dozen blue points there
    spots = [(0.9 - 0.02 * (k % 3), 0.06 + 0.02 * (k // 3)) for k in range(12)]
    for fx, fy in spots:
        plane.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
    clear = page.locator('[data-panel="plane"] .bl-tools button').filter(has_text="added")
    assert _until(lambda: clear.is_visible() and "12" in clear.inner_text(), 10)
    page.locator('[data-panel="plane"] .bl-tools button').filter(has_text="blue").click()  # back to looking
    cx, cy = box["x"] + box["width"] * 0.88, box["y"] + box["height"] * 0.08
    page.mouse.move(cx, cy)
    assert _until(lambda: "added point: blue" in _tip(page), 5), _tip(page)
    p_before = float(re.search(r"P\(blue\) = (\d\.\d\d)", _tip(page)).group(1))
    page.locator(".bl-play").click()
    time.sleep(6)
    page.locator(".bl-play").click()
    time.sleep(1)
    page.mouse.move(cx + 1, cy)
    page.mouse.move(cx, cy)
    p_after = float(re.search(r"P\(blue\) = (\d\.\d\d)", _tip(page)).group(1))
    page.screenshot(path=str(shots / "added-points-1400.png"))
    assert p_after > p_before + 0.2, (p_before, p_after)  # it trained on them
    clear.click()
    assert _until(lambda: not clear.is_visible(), 10)
    assert not broken, broken


def test_plus_and_minus_change_the_network_and_the_url(page, app_url, shots):
    broken = watch_for_breakage(page)
    _open(page, app_url + "/playground")
    net = page.locator(NET).first
    assert "2-8-8-2" in net.get_attribute("aria-label")
    page.locator('[data-panel="net"] button[aria-label="one neuron more in layer 1"]').click()
    assert _until(lambda: "2-9-8-2" in page.locator(NET).first.get_attribute("aria-label"), 20)
    assert _until(lambda: "layers=9%2C8" in page.url or "layers=9,8" in page.url, 10), page.url
    page.locator('[data-panel="net"] button[aria-label="add a hidden layer"]').click()
    assert _until(lambda: "2-9-8-8-2" in page.locator(NET).first.get_attribute("aria-label"), 20)
    assert _until(lambda: re.search(r"layers=9(%2C|,)8(%2C|,)8", page.url), 10), page.url
    page.locator('[data-panel="net"]').scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "resized-1400.png"))
    neurons = page.locator('[data-testid="stNumberInput"]').filter(has_text="layer 3 neurons").locator("input")
    assert neurons.input_value() == "8"  # the sidebar follows
    assert not broken, broken
