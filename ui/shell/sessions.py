"""The learners of one server process: how many may join, and freeing what closed tabs held.

Past what a process can serve, the pace (``ui.live.pacing``) gives every learner fewer frames; past a
cap, the next learner is told that the server is full instead of slowing everyone further.  Only
sessions whose browser is still connected count: Streamlit's runtime knows which are.

A closed tab stops asking for ticks at once, but Streamlit keeps its session (and the model in it)
for ``server.disconnectedSessionTTL`` seconds in case the browser reconnects, and lets go of it
only when another session disconnects later.  Past that time the session can never come back, so
what it registered with :meth:`Sessions.hold` is released then (a live run drops its task).

Three rules turn the next learner away, each with a page that says which (the learners inside go on):

* ``BACKPROP_LAB_MAX_SESSIONS`` (default 50, 0: none): connected sessions per process;
* ``BACKPROP_LAB_MAX_RSS_MB`` (default 800, 0: none): the process's resident memory, so that those
  inside still have room to grow (a pod is limited to 1 GiB, ``deploy/k8s/deployment.yaml``);
* ``BACKPROP_LAB_MAX_TABS`` (default 4, 0: none): sessions of one browser, known by Streamlit's XSRF
  cookie (sent with every page; a client that sends none is held by the other two rules only), so
  that one learner opening 40 tabs cannot fill a replica alone.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import os
import threading
import time
import weakref

import streamlit as st
from streamlit import config
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

# Learners per process that still get 14-20 pictures and 17-25 epochs a second and a frame every
# 1.5-2 s each on the playground at default settings (bench/load.py on the 2-core machine, learners'
# small networks trained together); past it, frames grow sparse.
DEFAULT_MAX_SESSIONS = 50
MAX_SESSIONS = max(0, int(os.environ.get("BACKPROP_LAB_MAX_SESSIONS", DEFAULT_MAX_SESSIONS)))
# A replica is ~130 MB plus 1-12 MB a learner, plus 220 MB for an uploaded MNIST (README); a pod may
# use 1 GiB: past 800 MB the next learner is turned away, and those inside keep the rest to grow into
DEFAULT_MAX_RSS_MB = 800
MAX_RSS_MB = max(0, int(os.environ.get("BACKPROP_LAB_MAX_RSS_MB", DEFAULT_MAX_RSS_MB)))
DEFAULT_MAX_TABS = 4
MAX_TABS = max(0, int(os.environ.get("BACKPROP_LAB_MAX_TABS", DEFAULT_MAX_TABS)))
XSRF_COOKIE = "_streamlit_xsrf"
FULL_TITLE = "Backprop Lab is full right now"
TABS_TITLE = "Backprop Lab is open in too many tabs of this browser"
SWEEP_EVERY = 5.0  # s between looks for sessions gone for good
LINGER_MARGIN = 5.0  # s past Streamlit's own TTL before a gone session's memory is released


class Sessions:
    """Admits up to ``cap`` sessions (0: no cap) for which ``is_live(session)`` holds, while ``rss()``
    (MB, or None where unknown) is under ``max_rss_mb``, and up to ``per_browser`` of one browser
    (0: no limit); releases what a session held once it has not been live for ``linger`` seconds."""

    def __init__(self, cap: int, is_live, linger: float, clock=time.monotonic, rss=lambda: None,
                 max_rss_mb: float = 0, per_browser: int = 0):
        self.cap, self.is_live, self.linger, self.clock = cap, is_live, linger, clock
        self.rss, self.max_rss_mb, self.per_browser = rss, max_rss_mb, per_browser
        self._lock = threading.Lock()
        self._inside: dict[str, str] = {}  # session -> its browser ("" when unknown)
        self._held: dict[str, list[weakref.ref]] = {}
        self._gone: dict[str, float] = {}  # session -> when first seen disconnected
        self._swept = -SWEEP_EVERY

    def refusal(self, session: str, browser: str = "") -> str | None:
        """Let ``session`` (of ``browser``) in and return None, or say why not: "full" (the cap),
        "memory" (the RSS watermark) or "tabs" (this browser's sessions).  One already in stays in."""
        self.sweep()
        with self._lock:
            if session in self._inside:
                return None
            self._inside = {s: b for s, b in self._inside.items() if self.is_live(s)}
            if self.cap and len(self._inside) >= self.cap:
                return "full"
            if browser and self.per_browser and sum(b == browser for b in self._inside.values()) >= self.per_browser:
                return "tabs"
            rss = self.rss() if self.max_rss_mb else None
            if rss is not None and rss >= self.max_rss_mb:
                return "memory"
            self._inside[session] = browser
            return None

    def admit(self, session: str, browser: str = "") -> bool:
        return self.refusal(session, browser) is None

    def count(self) -> int:
        with self._lock:
            self._inside = {s: b for s, b in self._inside.items() if self.is_live(s)}
            return len(self._inside)

    def hold(self, session: str, obj) -> None:
        """``obj.release()`` is called once ``session`` is gone for good (the object may die first)."""
        with self._lock:
            self._held.setdefault(session, []).append(weakref.ref(obj))

    def sweep(self) -> None:
        """Release what sessions gone for longer than ``linger`` held (at most every SWEEP_EVERY s)."""
        now = self.clock()
        with self._lock:
            if now - self._swept < SWEEP_EVERY:
                return
            self._swept = now
            gone = []
            for s in list(self._held):
                if self.is_live(s):
                    self._gone.pop(s, None)
                elif now - self._gone.setdefault(s, now) > self.linger:
                    gone += self._held.pop(s)
                    del self._gone[s]
        for ref in gone:  # outside the lock: a release may take a moment
            obj = ref()
            if obj is not None:
                obj.release()
        if gone:
            give_back_memory()


def give_back_memory() -> None:
    """Hand what released sessions freed back to the system.  glibc keeps memory a thread freed for
    that thread's next allocation, so without this the replica's RSS (what admission reads) stayed
    tens of MB above its base after learners left."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)  # glibc's; elsewhere the allocator decides
    except (OSError, AttributeError):
        pass


def _connected(session: str) -> bool:
    # without a server (AppTest, bare mode) no other session is anywhere: none counts
    return Runtime.exists() and Runtime.instance().is_active_session(session)


def rss_mb() -> float | None:
    """This process's resident memory in MB (None where /proc is not there to say)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


def browser_of(cookie: str | None) -> str:
    """The browser a Streamlit XSRF cookie comes from ("" for none), as a digest of the cookie's
    token: each answer sends the cookie again with a fresh mask ("2|mask|masked token|time"), so its
    text changes while its token stays.  (The digest, not the token: that is the browser's secret.)"""
    if not isinstance(cookie, str) or not cookie:
        return ""
    text = cookie.strip("\"'")
    parts = text.split("|")
    if len(parts) == 4 and parts[0] == "2":
        try:
            mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
        except ValueError:
            mask = b""
        if mask:
            text = bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked)).hex()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


SESSIONS = Sessions(MAX_SESSIONS, _connected, config.get_option("server.disconnectedSessionTTL") + LINGER_MARGIN,
                    rss=rss_mb, max_rss_mb=MAX_RSS_MB, per_browser=MAX_TABS)


def hold(obj) -> None:
    """``obj.release()`` once this session is gone for good (served by a real server only: AppTest
    sessions are never connected, and must keep what they hold)."""
    ctx = get_script_run_ctx()
    if ctx is not None and Runtime.exists():
        SESSIONS.hold(ctx.session_id, obj)


class Kept:
    """A value a session keeps in its state (an upload's decoded content) until it is gone for good:
    Streamlit may hold a closed session's state much longer."""

    def __init__(self, value):
        self.value = value

    def release(self) -> None:
        self.value = None


def keep(value) -> Kept:
    """``value`` in a :class:`Kept` that this session lets go of once it is gone for good."""
    kept = Kept(value)
    hold(kept)
    return kept


def admit_or_stop() -> None:
    """Let this session in, or show why not (the server is full, or this browser has enough tabs) and
    stop the page."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    why = SESSIONS.refusal(ctx.session_id, browser_of(st.context.cookies.get(XSRF_COOKIE)))
    if why is None:
        return
    later = ("Please reload this page in a minute or two. If it keeps happening, tell your teacher: more "
             "server processes can be started (see the README, section *Serving a class*).")
    if why == "tabs":
        st.title(TABS_TITLE)
        st.info(f"This browser already has {SESSIONS.per_browser} Backprop Lab pages open on this server, the "
                "most one browser may have, so that every learner of a class finds room. Close a tab you no "
                "longer need, then reload this page.")
    elif why == "memory":
        st.title(FULL_TITLE)
        st.info(f"This server's memory is nearly taken ({SESSIONS.max_rss_mb} MB is as much as it lets its "
                f"learners use), and the learners already here need the rest. {later}")
    else:
        st.title(FULL_TITLE)
        st.info(f"This server is already serving {SESSIONS.cap} learners, as many as it can keep running "
                f"smoothly. {later}")
    st.stop()
