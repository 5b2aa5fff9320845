"""Real-browser tests of issue 18's points 1 and 2: a run that looks stuck trains on with a notice, and Pause
freezes the picture on screen (the server keeps that picture's model, so Step goes on from it).
The screenshots stay in the test's temporary folder (pytest's ``tmp_path``).
"""

import time

import pytest

from tests.e2e.breakage import watch_for_breakage
from tests.e2e.test_browser import FIND_DEEP, SHOWN_EPOCH, _metric, _open, _pixels, _pressed
from tests.e2e.test_hands import _until

pytestmark = pytest.mark.e2e

LIVE = '[data-testid="live-view"]'


def _frames(page) -> int:
    return int(page.locator(LIVE).get_attribute("data-frames") or 0)


def _status(page) -> str:
    return page.locator(".bl-status").inner_text()


def test_a_run_on_a_plateau_trains_on_past_epoch_100_with_a_notice(page, app_url, tmp_path):
    # before issue 18 it paused "stalled" at epoch 10, and each Play gave ~10 epochs more
    broken = watch_for_breakage(page)
    _open(page, app_url + "/playground?layers=8,8,8,8,8,8&acts=sigmoid&data=spiral")
    page.locator(".bl-play").click()
    assert _until(lambda: "plateau" in _status(page), 90), _status(page)
    assert _pressed(page)
    seen = float(_metric(page, "epoch"))
    assert _until(lambda: float(_metric(page, "epoch")) > max(100, seen), 180), _metric(page, "epoch")
    assert _pressed(page) and "plateau" in _status(page) and "larger learning rate" in _status(page)
    assert "bl-notice" in page.locator(".bl-status").get_attribute("class")
    page.locator(LIVE).screenshot(path=str(tmp_path / "plateau-notice-1400.png"))
    page.locator(".bl-play").click()
    assert not broken, broken


# Runs in the page: Pause clicked and, before any answer can come, what the plane shows and the id of the
# picture painted last
PAUSE_NOW = "() => {" + FIND_DEEP + """
  const view = find(document, '.bl-live');
  view.querySelector('.bl-play').click();
  return { plane: view.querySelector('[data-panel="plane"] canvas').toDataURL(), shown: view.dataset.shown };
}
"""


def test_pause_freezes_the_picture_on_screen_and_step_goes_on_from_it(page, app_url, tmp_path):
    broken = watch_for_breakage(page)
    _open(page, app_url + "/playground?data=spiral")
    page.locator(".bl-play").click()
    assert _until(lambda: float(_metric(page, "epoch")) > 20, 30)
    frames = _frames(page)
    at_pause = page.evaluate(PAUSE_NOW)
    assert not _pressed(page)
    assert _until(lambda: _frames(page) > frames, 10)  # the answer to Pause has come and been painted
    time.sleep(0.3)
    assert _pixels(page) == at_pause["plane"]  # the server kept the model of that picture: nothing jumped
    first = page.locator(LIVE).screenshot(path=str(tmp_path / "paused-1400.png"))
    time.sleep(1)
    second = page.locator(LIVE).screenshot()
    assert first == second
    epoch = float(_metric(page, "epoch"))
    page.locator(".bl-step").click()
    assert _until(lambda: float(_metric(page, "epoch")) != epoch, 20)
    assert float(_metric(page, "epoch")) == pytest.approx(epoch + 1, abs=SHOWN_EPOCH) and not _pressed(page)
    assert not broken, broken
