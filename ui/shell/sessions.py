"""The learners of one server process: how many may join, and freeing what closed tabs held.

Past what a process can serve, the pace (``ui.live.pacing``) gives every learner fewer frames; past a
cap, the next learner is told that the server is full instead of slowing everyone further.  Only
sessions whose browser is still connected count: Streamlit's runtime knows which are.

A closed tab stops asking for ticks at once, but Streamlit keeps its session (and the model in it)
for ``server.disconnectedSessionTTL`` seconds in case the browser reconnects, and lets go of it
only when another session disconnects later.  Past that time the session can never come back, so
what it registered with :meth:`Sessions.hold` is released then (a live run drops its task).

``BACKPROP_LAB_MAX_SESSIONS`` sets the cap (0: none).
"""

from __future__ import annotations

import os
import threading
import time
import weakref

import streamlit as st
from streamlit import config
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

# Learners per process that still get ~7 pictures and ~2 epochs a second each on the playground at
# default settings (bench/load.py on the 2-core machine); past it, training all but stops.
DEFAULT_MAX_SESSIONS = 40
MAX_SESSIONS = max(0, int(os.environ.get("BACKPROP_LAB_MAX_SESSIONS", DEFAULT_MAX_SESSIONS)))
FULL_TITLE = "Backprop Lab is full right now"
SWEEP_EVERY = 5.0  # s between looks for sessions gone for good
LINGER_MARGIN = 5.0  # s past Streamlit's own TTL before a gone session's memory is released


class Sessions:
    """Admits up to ``cap`` sessions (0: no cap) for which ``is_live(session)`` holds, and releases
    what a session held once it has not been live for ``linger`` seconds."""

    def __init__(self, cap: int, is_live, linger: float, clock=time.monotonic):
        self.cap, self.is_live, self.linger, self.clock = cap, is_live, linger, clock
        self._lock = threading.Lock()
        self._inside: set[str] = set()
        self._held: dict[str, list[weakref.ref]] = {}
        self._gone: dict[str, float] = {}  # session -> when first seen disconnected
        self._swept = -SWEEP_EVERY

    def admit(self, session: str) -> bool:
        self.sweep()
        with self._lock:
            if session in self._inside:
                return True
            self._inside = {s for s in self._inside if self.is_live(s)}
            if self.cap and len(self._inside) >= self.cap:
                return False
            self._inside.add(session)
            return True

    def count(self) -> int:
        with self._lock:
            self._inside = {s for s in self._inside if self.is_live(s)}
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


def _connected(session: str) -> bool:
    # without a server (AppTest, bare mode) no other session is anywhere: none counts
    return Runtime.exists() and Runtime.instance().is_active_session(session)


SESSIONS = Sessions(MAX_SESSIONS, _connected, config.get_option("server.disconnectedSessionTTL") + LINGER_MARGIN)


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
    """Let this session in, or show that the server is full and stop the page."""
    ctx = get_script_run_ctx()
    if ctx is None or SESSIONS.admit(ctx.session_id):
        return
    st.title(FULL_TITLE)
    st.info(
        f"This server is already serving {SESSIONS.cap} learners, as many as it can keep running smoothly. "
        "Please reload this page in a minute or two. If it keeps happening, tell your teacher: "
        "more server processes can be started (see the README, section *Serving a class*)."
    )
    st.stop()
