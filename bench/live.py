"""What a person sees on the live pages, measured in real Chromium sessions against `streamlit run app.py`.

    python bench/live.py                  # playground with 1, 4 and 8 sessions, then MNIST
    python bench/live.py --sessions 1 --seconds 5

For each number of concurrent sessions (each its own browser context, all playing the playground at
default settings) it prints: visible updates per second per session (changes of the decision-boundary
canvas's pixels, sampled on every animation frame in the page), Play-to-first-frame and
Pause-to-still latency, kB per tick over the websocket, the share of time each page's main thread
was busy (Chrome's TaskDuration), and the server's CPU per playing session.  For the MNIST page:
visible updates per second (changes of the loss chart or the metrics) and seconds from Play to 90%
test accuracy; for the CNN page, seconds from Play to the first epoch on screen.  ``--legacy`` measures the plotly pages of the app before the live canvas (commit
eec7e5d): Play is a switch there and an update is any change of the metrics or the boundary image.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
    # every session is someone's foreground tab: no throttling of timers or painting
    "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
]

# Runs in the page: on every animation frame, fingerprint what is on screen and note when it changes.
PROBE = """
(mode) => {
  const p = window.__probe = { changes: [], mark: 0 };
  const deep = (sel) => {
    for (const e of document.querySelectorAll('*')) {
      const hit = e.shadowRoot && e.shadowRoot.querySelector(sel);
      if (hit) return hit;
    }
    return document.querySelector(sel);
  };
  const fingerprint = () => {
    if (mode === 'legacy') {  // metrics text + the plotly heatmap image
      const img = document.querySelector('.js-plotly-plot image');
      const text = [...document.querySelectorAll('[data-testid="stMetricValue"]')].map((m) => m.textContent).join('|');
      return text + (img ? img.getAttribute('href').length + img.getAttribute('href').slice(-64) : '');
    }
    const canvas = deep(mode === 'mnist' ? '[data-panel="loss"] canvas' : '[data-panel="plane"] canvas');
    if (!canvas || !canvas.width) return '';
    const ctx = canvas.getContext('2d');
    let h = 0;
    for (const [fx, fy] of [[0.3, 0.3], [0.5, 0.5], [0.7, 0.6]]) {  // three 24 x 24 patches
      const d = ctx.getImageData(Math.floor(canvas.width * fx), Math.floor(canvas.height * fy), 24, 24).data;
      for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) | 0;
    }
    const metrics = deep('.bl-metrics');
    return h + (mode === 'mnist' && metrics ? metrics.textContent : '');
  };
  let last = fingerprint();
  const frame = (t) => {
    const now = fingerprint();
    if (now !== last) p.changes.push(t);
    last = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(cwd: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("streamlit did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Session:
    """One learner: a browser context with the page open and the probe running."""

    def __init__(self, browser, url: str, mode: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.mode = mode
        self.bytes = 0
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._count))
        self.page.goto(url)
        if mode == "legacy":
            self.page.get_by_role("radio", name="Play").wait_for(timeout=60_000)
            self.page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
        else:
            self.page.locator("[data-panel] canvas").first.wait_for(timeout=60_000)
        time.sleep(1.0)
        self.page.evaluate(PROBE, mode)
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")

    def _count(self, payload):
        self.bytes += len(payload) if isinstance(payload, (bytes, str)) else 0

    def busy(self) -> float:
        metrics = {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}
        return metrics["TaskDuration"]

    def ticks(self) -> int:
        if self.mode == "legacy":
            return 0
        return int(self.page.evaluate(
            "() => { for (const e of document.querySelectorAll('*')) { const v = e.shadowRoot && "
            "e.shadowRoot.querySelector('[data-testid=\"live-view\"]'); if (v) return v.dataset.frames || 0; } return 0; }"
        ))

    def press(self, what: str) -> None:
        """Click Play or Pause, noting the page's clock at the click."""
        if self.mode == "legacy":
            self.page.evaluate("() => { window.__probe.mark = performance.now(); }")
            # the old page re-renders so often that waiting for the switch to settle can take minutes
            self.page.get_by_role("radio", name=what).click(force=True, timeout=120_000)
            return
        self.page.evaluate(
            "() => { for (const e of document.querySelectorAll('*')) { const b = e.shadowRoot && "
            "e.shadowRoot.querySelector('.bl-play'); if (b) { window.__probe.mark = performance.now(); "
            "b.click(); return; } } }"
        )

    def probe(self) -> dict:
        return self.page.evaluate("() => ({ changes: window.__probe.changes, mark: window.__probe.mark, now: performance.now() })")

    def metric(self, label: str) -> str:
        return self.page.evaluate(
            "(label) => { for (const e of document.querySelectorAll('*')) { const r = e.shadowRoot; if (!r) continue;"
            " for (const m of r.querySelectorAll('.bl-metric')) if (m.firstChild.textContent === label)"
            " return m.lastChild.textContent; } return ''; }",
            label,
        )


def run_sessions(browser, url: str, n: int, seconds: float, pid: int, mode: str) -> dict:
    sessions = [Session(browser, url + "/playground", mode) for _ in range(n)]
    bytes0 = [s.bytes for s in sessions]
    ticks0 = [s.ticks() for s in sessions]
    busy0 = [s.busy() for s in sessions]
    cpu0, t0 = cpu_seconds(pid), time.time()
    for s in sessions:
        s.press("Play")
    time.sleep(seconds)
    probes = [s.probe() for s in sessions]
    cpu1, t1 = cpu_seconds(pid), time.time()
    busy = [(s.busy() - b) / (t1 - t0) for s, b in zip(sessions, busy0)]
    kb = [(s.bytes - b) / 1000 for s, b in zip(sessions, bytes0)]
    ticks = [s.ticks() - t for s, t in zip(sessions, ticks0)]
    rates, first = [], []
    for p in probes:
        after = [c for c in p["changes"] if c > p["mark"]]
        first.append((after[0] - p["mark"]) / 1000 if after else float("nan"))
        window = [c for c in after if c > after[0] + 1000] if after else []  # steady state: from 1 s in
        span = (p["now"] - after[0] - 1000) / 1000 if after else 0
        rates.append(len(window) / span if span > 0 else 0.0)
    for s in sessions:
        s.press("Pause")
    time.sleep(3)
    still = []
    for s in sessions:
        p = s.probe()
        after = [c for c in p["changes"] if c > p["mark"]]
        still.append((after[-1] - p["mark"]) / 1000 if after else 0.0)
    for s in sessions:
        s.context.close()
    return {
        "n": n, "rates": rates, "first": first, "still": still,
        "kb_per_tick": sum(kb) / max(1, sum(ticks)) if mode != "legacy" else sum(kb) / max(1.0, sum(r * seconds for r in rates)),
        "busy": busy, "cpu_per_session": (cpu1 - cpu0) / (t1 - t0) / n,
    }


def run_mnist(browser, url: str, seconds: float) -> dict:
    s = Session(browser, url + "/mnist", "mnist")
    s.press("Play")
    start, reached = time.time(), None
    while time.time() - start < seconds:
        try:
            if float(s.metric("test accuracy") or 0) >= 0.9 and reached is None:
                reached = time.time() - start
        except ValueError:
            pass
        time.sleep(0.1)
    p = s.probe()
    after = [c for c in p["changes"] if c > p["mark"]]
    span = (after[-1] - after[0]) / 1000 if len(after) > 1 else 0  # while it trained (the epoch budget ends it)
    s.press("Pause")
    s.context.close()
    return {"rate": (len(after) - 1) / span if span else 0.0, "to90": reached}


def run_cnn(browser, url: str, seconds: float) -> dict:
    s = Session(browser, url + "/cnn", "mnist")
    s.press("Play")
    start, first = time.time(), None
    while time.time() - start < seconds and first is None:
        try:
            if float(s.metric("epoch") or 0) >= 1:
                first = time.time() - start
        except ValueError:
            pass
        time.sleep(0.1)
    s.press("Pause")
    s.context.close()
    return {"first_epoch": first}


def med(values) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--seconds", type=float, default=10.0, help="playing time per measurement")
    parser.add_argument("--url", help="an app already running (default: start `streamlit run app.py` here)")
    parser.add_argument("--pid", type=int, help="its server's process id, for CPU figures")
    parser.add_argument("--legacy", metavar="CHECKOUT", type=Path,
                        help="measure the plotly pages of an older checkout instead")
    parser.add_argument("--no-mnist", action="store_true")
    args = parser.parse_args(argv)
    mode = "legacy" if args.legacy else "canvas"
    proc = None
    if args.url:
        url, pid = args.url, args.pid
    else:
        proc, url = start_app(args.legacy or ROOT)
        pid = proc.pid
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS, headless=True)
            print(f"{'legacy plotly pages' if args.legacy else 'live canvas'}: playground at default settings, "
                  f"{args.seconds:g} s of Play per row, {os.cpu_count()} cores")
            print(f"{'sessions':>8} {'updates/s each':>16} {'play->frame':>12} {'pause->still':>13} "
                  f"{'kB/tick':>8} {'main thread':>12} {'server CPU/session':>19}")
            for n in args.sessions:
                r = run_sessions(browser, url, n, args.seconds, pid, mode)
                print(f"{n:>8} {min(r['rates']):>7.1f} (med {med(r['rates']):>4.1f}) {med(r['first']):>10.2f} s "
                      f"{med(r['still']):>11.2f} s {r['kb_per_tick']:>8.1f} {med(r['busy']):>11.0%} "
                      f"{r['cpu_per_session'] if pid else float('nan'):>18.0%}")
            if not args.no_mnist and not args.legacy:
                m = run_mnist(browser, url, 20)
                to90 = f"{m['to90']:.1f} s" if m["to90"] is not None else "not within 20 s"
                print(f"MNIST: {m['rate']:.1f} visible updates/s; 90% test accuracy {to90} after Play")
                c = run_cnn(browser, url, 30)
                first = f"{c['first_epoch']:.1f} s" if c["first_epoch"] is not None else "not within 30 s"
                print(f"CNN: first epoch shown {first} after Play")
            browser.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
