"""How often each playing learner gets a frame and how much training a tick may do.

One Streamlit process runs every session's script on one core (the GIL).  Once the learners together
ask for more reruns than it can run, Streamlit delivers nothing at all (a new fragment run clears the
previous run's queued output).  So the pace is set here, for all sessions of the process together:
each learner's tick gets a share of the core, and the interval between ticks grows with the number of
learners playing, so the total stays under capacity: past it, every learner gets fewer frames, never
none.  The browser asks for the next tick only after the last one arrived and waits ``interval``,
so requests never pile up.

Pure Python (no streamlit): the numbers are tested and benchmarked on their own.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

BASE_INTERVAL = 1.0  # s between ticks for a learner alone
MAX_INTERVAL = 3.0  # s: past this many learners, the process is full (see Governor.full)
FRAME_SPACING = 0.05  # s between the snapshots a tick carries: the browser paints ~20 a second
MAX_SNAPSHOTS = 20
RERUN_OVERHEAD = 0.010  # s of Streamlit's own work per fragment rerun (measured: 6-9 ms)
UTILISATION = 0.75  # share of the core the live ticks of all learners may take together
MIN_TRAIN = 0.004  # s: a tick always trains a little, however many learners play
PLAYING_TTL = 3.0  # s after its last tick a learner no longer counts as playing


@dataclass(frozen=True)
class Pace:
    """What one tick may do: wait ``interval`` s before the next, train ``budget`` s, carry ``snapshots``."""

    interval: float
    budget: float
    snapshots: int
    playing: int  # learners playing in this process, this one included


class Governor:
    """Shares one process's core among the sessions that are playing (thread-safe)."""

    def __init__(self, utilisation: float = UTILISATION, clock=time.monotonic):
        self.utilisation = utilisation
        self.clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}  # session -> time of its last tick

    def playing(self) -> int:
        """Sessions that ticked within the last PLAYING_TTL seconds."""
        with self._lock:
            return self._expire(self.clock())

    def _expire(self, now: float) -> int:
        for sid in [s for s, t in self._last.items() if now - t > PLAYING_TTL]:
            del self._last[sid]
        return len(self._last)

    def pace(self, session: str, share: float, snapshot_cost: float) -> Pace:
        """Register a tick of ``session`` and return its pace.

        ``share``: the part of a core this learner's task may use when alone (MNIST trains flat out,
        the playground needs little); ``snapshot_cost``: seconds one snapshot took last time.
        """
        with self._lock:
            now = self.clock()
            self._last[session] = now
            n = self._expire(now)
        share = min(share, self.utilisation / n)
        # the fewest snapshots that keep ~20 paints a second, within the share
        interval = BASE_INTERVAL
        while True:
            snaps = max(1, min(MAX_SNAPSHOTS, round(interval / FRAME_SPACING)))
            fixed = RERUN_OVERHEAD + snaps * snapshot_cost
            if (fixed + MIN_TRAIN) / interval <= share or interval >= MAX_INTERVAL:
                break
            interval = min(MAX_INTERVAL, interval * 1.25)
        budget = max(MIN_TRAIN, share * interval - fixed)
        return Pace(interval=interval, budget=budget, snapshots=snaps, playing=n)

    def stop(self, session: str) -> None:
        """``session`` paused or left: it no longer counts."""
        with self._lock:
            self._last.pop(session, None)


GOVERNOR = Governor()  # one per process: every session of a Streamlit server shares it
