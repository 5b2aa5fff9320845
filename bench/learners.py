"""Browser-less learners: Streamlit's own websocket protocol, playing a live page as a browser does.

A :class:`Learner` opens a page the way Streamlit's frontend does (an HTTP GET that picks up
HAProxy's affinity cookie, then the websocket ``/_stcore/stream`` with subprotocol ``streamlit``
and a ``rerun_script`` BackMsg), presses Play through the live canvas's trigger and answers each
frame with the next tick when the frame says it is due (``ask_in``, ``LEAD`` sooner), exactly as
``static/live/live.js`` does; an unanswered command goes again, with its id, after ``RETRY`` seconds.
When its websocket drops it reconnects like the frontend (same cookie, a fresh page run).  When a
frame comes from another server process than the last (``boot``), the page shows "the server
restarted"; the learner then presses Play again after ``REPLAY_AFTER`` seconds, like a person.

Used by ``bench/load.py`` and ``tests/deploy``: one implementation of the protocol.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import urllib.parse
from dataclasses import dataclass, field

import websockets
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from ui.live import frames
from ui.live.protocol import STOPS
from ui.shell.sessions import FULL_TITLE, TABS_TITLE

COMPONENT = "backprop_lab.live"
RETRY = 4.0  # s: live.js RETRY_MS
LEAD = 0.2  # s: live.js LEAD_MS
RECONNECT = 1.0  # s between reconnection attempts (Streamlit's frontend starts near 1 s)
REPLAY_AFTER = 1.0  # s a learner takes to read "the server restarted" and press Play
PATIENCE = 30.0  # s a learner waits for the page or its connection (a browser waits minutes; a busy
# replica, its event loop sharing the GIL with sixty training scripts, may take more than 10 s to answer)


@dataclass
class Tally:
    """What one learner saw."""

    ticks: list[tuple[float, int, float]] = field(default_factory=list)  # (time, pictures, epoch) per answered tick
    errors: list[str] = field(default_factory=list)
    replicas: list[str] = field(default_factory=list)  # X-Backprop-Replica of each connection
    boots: list[str] = field(default_factory=list)  # server processes that answered, in order
    restarts: int = 0  # "the server restarted" states shown
    refused: str = ""  # the title of the page that turned this learner away, and the start of its why
    stopped: str = ""  # why the server stopped training (budget, divergence), if it did

    def between(self, t0: float, t1: float) -> tuple[int, int, float]:
        """Frames, pictures and epochs trained between ``t0`` and ``t1``."""
        inside = [t for t in self.ticks if t0 <= t[0] <= t1]
        before = [t for t in self.ticks if t[0] < t0]
        if not inside:
            return 0, 0, 0.0
        start = before[-1][2] if before else inside[0][2]
        return len(inside), sum(t[1] for t in inside), max(0.0, inside[-1][2] - start)

    def rates(self, t0: float, t1: float) -> tuple[float, float, float]:
        """Frames, pictures and epochs a second between ``t0`` and ``t1``, from the first frame in it
        to the last: counted in the window, a frame a beat either side of its edges moves a learner
        by a frame's worth (at 30 pictures a frame every 1.5 s, 2 pictures a second in 15 s), a tick
        that came late only by what it lost.  Fewer than two frames: counts over the window."""
        inside = [t for t in self.ticks if t0 <= t[0] <= t1]
        if len(inside) < 2:
            frames, pictures, epochs = self.between(t0, t1)
            return frames / (t1 - t0), pictures / (t1 - t0), epochs / (t1 - t0)
        took = inside[-1][0] - inside[0][0]
        pictures = sum(t[1] for t in inside[1:])  # what came after the first frame
        return (len(inside) - 1) / took, pictures / took, max(0.0, inside[-1][2] - inside[0][2]) / took


def epoch_of(snap: dict) -> float:
    """The epoch a snapshot shows ("3.20", or "3.20 (rolled back)"), NaN where it shows none."""
    try:
        return float(str(snap["metrics"].get("epoch", "nan")).split()[0])
    except (ValueError, IndexError):
        return float("nan")


class Learner:
    """One learner on ``url`` (the app's address, e.g. through HAProxy) playing page ``page`` with
    the settings of the URL query ``query`` (e.g. ``"layers=512,512&batch=10"``).

    What it does with each answer is :meth:`_answered` (and its first command ``first``): a
    subclass may press Step instead, or ask for ticks faster than the canvas would.

    What the page keeps (command ids, Play pressed, the pending command and its retry) lives on
    the learner and survives reconnects; what a connection knows (the page's hash, the canvas's
    fragment) is learnt again on each."""

    first = "play"  # what the learner presses once the page is up

    def __init__(self, url: str, page: str = "playground", key: str = "pg", query: str = ""):
        self.url, self.page, self.key, self.query = url.rstrip("/"), page, key, query
        self.tally = Tally()
        self.cookies: dict[str, str] = {}
        self.boot = None
        self.last_id = self.pending = self.seen = 0  # seen: the ack of the last frame
        self.playing = self.pressed = False
        self.sent_at = 0.0
        self.next_at: float | None = None  # when to send ``next_what``
        self.next_what = self.sent_what = "tick"
        self.retry_at: float | None = None
        self.series, self.curves = None, {}  # what the canvas holds: the frame series, points per curve
        self.ws = self.canvas = None
        self.turned_away = ""  # the title of a page that turns this learner away, until it says why
        self.page_hash = self.fragment = ""

    # ------------------------------------------------------------------ the page
    def _get_page(self) -> None:
        """GET the page as a browser does first: HAProxy's affinity cookie comes with it."""
        parts = urllib.parse.urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=PATIENCE)
        try:
            conn.request("GET", f"/{self.page}" + (f"?{self.query}" if self.query else ""), headers=self._cookie_header())
            resp = conn.getresponse()
            resp.read()
            self._take_cookies(resp.headers.get_all("Set-Cookie") or [])
            if resp.status != 200:
                raise OSError(f"GET /{self.page}: HTTP {resp.status}")
        finally:
            conn.close()

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _take_cookies(self, headers) -> None:
        for h in headers:
            name, _, value = h.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    # ------------------------------------------------------------------ the run
    async def run(self, until: float) -> Tally:
        """Play until ``until`` (time.monotonic; the attribute may be moved while playing);
        reconnect when the connection drops."""
        self.until = until
        while time.monotonic() < self.until and not self.tally.refused:
            try:
                await asyncio.to_thread(self._get_page)
                await self._connection()
            except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as exc:
                if time.monotonic() < self.until and not self.tally.refused:
                    self.tally.errors.append(f"connection: {type(exc).__name__}: {exc}"[:200])
            if time.monotonic() < self.until and not self.tally.refused:
                await asyncio.sleep(RECONNECT)
        return self.tally

    async def _connection(self) -> None:
        ws_url = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        async with websockets.connect(
            ws_url, subprotocols=["streamlit"], additional_headers=self._cookie_header(),
            max_size=None, open_timeout=PATIENCE, ping_interval=None,
        ) as ws:  # fmt: skip
            self._take_cookies(ws.response.headers.get_all("Set-Cookie"))
            self.tally.replicas.append(ws.response.headers.get("X-Backprop-Replica", "?"))
            self.ws, self.canvas, self.fragment = ws, None, ""
            msg = BackMsg()
            msg.rerun_script.page_name = self.page
            msg.rerun_script.page_script_hash = self.page_hash
            msg.rerun_script.query_string = self.query
            await ws.send(msg.SerializeToString())
            while (now := time.monotonic()) < self.until and not self.tally.refused:
                # commands wait for the page (its canvas) to be up on this connection
                timers = (self.next_at, self.retry_at) if self.canvas else ()
                due = min([t for t in timers if t is not None] + [self.until])
                try:  # wake at least once a second: ``until`` may have moved
                    raw = await asyncio.wait_for(ws.recv(), min(1.0, max(0.0, due - now)))
                except asyncio.TimeoutError:
                    await self._timers(time.monotonic())
                    continue
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg)

    async def _command(self, what: str, again: int = 0) -> None:
        """Send ``what``; ``again``: the id of the unanswered command this sends again (it keeps it)."""
        if not again:
            self.last_id += 1
        self.pending, self.sent_at, self.sent_what = again or self.last_id, time.monotonic(), what
        self.retry_at = self.sent_at + RETRY
        msg = BackMsg()
        state = msg.rerun_script
        state.page_script_hash = self.page_hash
        state.fragment_id = self.fragment
        trigger = state.widget_states.widgets.add()
        trigger.id = _make_trigger_id(self.canvas, "events")
        value = {"do": what, "id": self.pending, "seen": self.seen,
                 "have": {"series": self.series, "curves": self.curves}}
        trigger.json_trigger_value = json.dumps([{"event": "cmd", "value": value}])
        await self.ws.send(msg.SerializeToString())

    async def _timers(self, now: float) -> None:
        if self.canvas is None:
            return
        if self.next_at is not None and now >= self.next_at:
            self.next_at = None
            if self.playing or self.next_what != "tick":
                await self._command(self.next_what)
        elif self.retry_at is not None and now >= self.retry_at:  # as live.js sends it again
            what = "tick" if self.playing else "pause" if self.sent_what == "tick" else self.sent_what
            await self._command(what, again=self.pending)

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            what = el.WhichOneof("type")
            if what == "bidi_component" and el.bidi_component.component_name == COMPONENT:
                if el.bidi_component.id.endswith(f"{self.key}:canvas"):
                    self.canvas, self.fragment = el.bidi_component.id, msg.delta.fragment_id
                    self._frame(frames.decode(el.bidi_component.bytes))
            elif what == "exception":
                self.tally.errors.append(f"exception: {el.exception.message}"[:200])
            elif what == "alert" and el.alert.format == Alert.ERROR:
                self.tally.errors.append(f"error shown: {el.alert.body}"[:200])
            elif what == "alert" and self.turned_away:  # the page says why: the learner leaves
                self.tally.refused = f"{self.turned_away} ({el.alert.body.split(',')[0].split('(')[0].strip()})"
            elif what == "heading" and el.heading.body.startswith((FULL_TITLE, TABS_TITLE)):
                self.turned_away = el.heading.body  # a person would come back later: this learner leaves

    def _frame(self, f: dict) -> None:
        t, now = self.tally, time.monotonic()
        if f.get("boot") != self.boot:
            if self.boot is not None:
                # another server process: the page says "the server restarted" and stops playing
                t.restarts += 1
                self.playing, self.pending, self.retry_at = False, 0, None
                self.next_at, self.next_what = now + REPLAY_AFTER, "play"
            self.boot, self.series = f.get("boot"), None
            t.boots.append(self.boot)
        if f["series"] != self.series:
            self.series, self.curves = f["series"], {}
        for pid, update in f["curves"].items():
            self.curves[pid] = update["start"] + len(update["x"])
        self.seen = max(self.seen, f["ack"])
        if not self.pressed:
            self.pressed = True
            self.next_at, self.next_what = now, self.first  # the page is up: press Play
            return
        if not self.pending or f["ack"] < self.pending:
            return
        self.pending, self.retry_at = 0, None
        t.ticks.append((now, len(f["snaps"]), epoch_of(f["snaps"][-1]) if f["snaps"] else float("nan")))
        self._answered(f, now)

    def _answered(self, f: dict, now: float) -> None:
        """The frame ``f`` answered the last command: play on as live.js does, the next tick
        ``LEAD`` before the frame says it is due (a frame that says nothing: ``interval`` after the last went out)."""
        self.playing = f["playing"] and f["status"]["kind"] not in STOPS  # a notice is said while training goes on
        if not self.playing:
            self.tally.stopped = f["status"]["text"] or "paused by the server"
            return
        ask_in = f.get("ask_in")
        self.next_at = now + max(0.0, ask_in - LEAD) if ask_in is not None else max(now, self.sent_at + f["interval"])
        self.next_what = "tick"


async def crowd(learners: list[Learner], until: float, ramp: float = 0.05) -> None:
    """Run ``learners``, starting ``ramp`` s apart, until ``until`` (time.monotonic)."""

    async def one(i: int, learner: Learner) -> None:
        await asyncio.sleep(i * ramp)
        await learner.run(until)

    await asyncio.gather(*(one(i, x) for i, x in enumerate(learners)))

