"""Issue 19 in a browser: reset to defaults."""

import time
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.e2e

SIDEBAR = '[data-testid="stSidebar"]'


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
    end = time.time() + seconds
    while time.time() < end:
        if check():
            return True
        time.sleep(0.3)
    return False


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
