"""Press Play in a real browser and watch the numbers move; draw a digit with the mouse."""

import re
import time

import pytest

pytestmark = pytest.mark.e2e


def _metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def _press(page, name: str) -> None:
    """Choose Play or Pause on the switch and wait until the page shows it chosen."""
    option = page.get_by_role("radio", name=name)
    option.click()
    page.wait_for_function(
        "name => [...document.querySelectorAll('[role=radio]')].some("
        "r => r.textContent.includes(name) && r.getAttribute('aria-checked') === 'true')",
        arg=name,
        timeout=15_000,
    )


def _settled(page, label: str, quiet: float = 3.0, timeout: float = 20.0) -> str:
    """Wait until a metric stops changing for ``quiet`` seconds; return its value."""
    end = time.time() + timeout
    value, since = _metric(page, label), time.time()
    while time.time() < end:
        time.sleep(0.5)
        now = _metric(page, label)
        if now != value:
            value, since = now, time.time()
        elif time.time() - since >= quiet:
            return value
    raise AssertionError(f"{label} kept changing after Pause")


def _watch(page, labels, seconds):
    """Distinct values each metric showed while polling for ``seconds``."""
    seen = {label: [] for label in labels}
    end = time.time() + seconds
    while time.time() < end:
        for label in labels:
            try:
                value = _metric(page, label)
            except Exception:  # noqa: BLE001 - the element is being redrawn
                continue
            if not seen[label] or seen[label][-1] != value:
                seen[label].append(value)
        time.sleep(0.1)
    return seen


def test_playground_play_and_pause(page, app_url):
    page.goto(app_url + "/playground")  # the fresh server's first request is a deep link
    page.get_by_role("radio", name="Play").wait_for(timeout=30_000)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Network playground" in nav and "\napp\n" not in f"\n{nav}\n"  # the router, not a pages/ folder
    page.locator('[data-testid="stMetric"]').filter(has_text="train loss").first.wait_for(timeout=30_000)
    _press(page, "Play")
    seen = _watch(page, ["epoch", "train loss"], 10)
    assert len(seen["epoch"]) >= 6, seen  # the start plus at least 5 changes
    assert len(seen["train loss"]) >= 6, seen
    _press(page, "Pause")
    stopped = _settled(page, "epoch")
    time.sleep(3)
    assert _metric(page, "epoch") == stopped


def test_mnist_play_and_draw(page, app_url):
    page.goto(app_url + "/mnist")
    page.get_by_role("radio", name="Play").wait_for(timeout=30_000)
    _press(page, "Play")
    deadline, acc = time.time() + 30, 0.0
    while time.time() < deadline and acc <= 0.5:
        try:
            acc = float(_metric(page, "test accuracy"))
        except Exception:  # noqa: BLE001
            pass
        time.sleep(0.3)
    assert acc > 0.5
    _press(page, "Pause")
    _settled(page, "epoch")
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
