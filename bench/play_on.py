"""What a learner who presses Play and waits sees, in real Chromium against `streamlit run app.py`.

    python bench/play_on.py                 # the default spiral, 3 runs, and the deep sigmoid spiral
    python bench/play_on.py --runs 1

For the playground's spiral at default settings it prints the test accuracy on screen 10, 30 and 60 s
after Play (and the epoch it shows then); for `?layers=8,8,8,8,8,8&acts=sigmoid&data=spiral` the
epoch reached in 60 s and what the status line says (a notice, not a pause: issue 18).  Each run is a
fresh browser context and a fresh run on the server.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.live import FLAGS, start_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def metric(page, label: str) -> str:
    return page.locator(".bl-metric").filter(has_text=label).first.locator(".bl-metric-value").inner_text()


def play(browser, url: str, marks: list[float]) -> list[tuple[float, str, str, str, bool]]:
    """Open ``url``, press Play, and at each of ``marks`` seconds read (epoch, test accuracy, status, playing)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.locator('[data-testid="live-view"] [data-panel] canvas').first.wait_for(timeout=60_000)
    page.locator(".bl-play").click()
    start, seen = time.time(), []
    for mark in marks:
        time.sleep(max(0.0, start + mark - time.time()))
        playing = page.locator(".bl-play").get_attribute("aria-pressed") == "true"
        seen.append((mark, metric(page, "epoch"), metric(page, "test accuracy"),
                     page.locator(".bl-status").inner_text(), playing))
    context.close()
    return seen


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    proc, url = start_app(ROOT)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            print("default spiral (/playground?data=spiral): test accuracy [epoch] at 10 / 30 / 60 s of Play")
            for run in range(args.runs):
                seen = play(browser, url + "/playground?data=spiral", [10, 30, 60])
                print(f"  run {run + 1}: " + "   ".join(f"{acc} [{epoch}]" for _, epoch, acc, _, _ in seen))
            print("deep sigmoid spiral (/playground?layers=8,8,8,8,8,8&acts=sigmoid&data=spiral), 60 s of Play")
            for run in range(args.runs):
                (_, epoch, acc, status, playing), = play(
                    browser, url + "/playground?layers=8,8,8,8,8,8&acts=sigmoid&data=spiral", [60])
                print(f"  run {run + 1}: epoch {epoch}, test accuracy {acc}, still playing: {playing}; "
                      f"status: {status[:90]}")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
