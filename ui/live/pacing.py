"""How often each playing learner gets a frame and how much training a tick may do.

One Streamlit process runs every session's script on one core (the GIL).  Once the learners together
ask for more reruns than it can run, Streamlit delivers nothing at all (a new fragment run clears the
previous run's queued output).  So the pace is set here, for all sessions of the process together:
each learner's tick gets a share of the core, and the interval between ticks grows with the number of
learners playing, so the total stays under capacity: past it, every learner gets fewer frames, never
none.  The browser asks for the next tick only after the last one arrived, when the frame says it
is due (``Turns.next_turn``), so requests never pile up.

The pace is the server's, not the browser's: each learner's commands take turns (:class:`Turns`).
A command that took ``c`` seconds of CPU at a share ``s`` of the core is followed by a rest of
``c / s``, and a tick by at least its interval; a command that comes earlier waits, asleep, before
it is acted on.  A browser that asks for the next tick as soon as a frame arrives, or sends Step
after Step, gets what a polite one gets and no more CPU.  Step trains at most ``TRAIN_BUDGET``.

Costs are CPU time, not wall time: with many sessions taking turns on the GIL a snapshot's wall
time mostly measures the others.  What Streamlit itself spends on a rerun (the fragment machinery,
the websocket) is measured too, as the process's CPU time that the ticks do not account for; so is
the garbage collector's (:func:`work_time`).

Pure Python (no streamlit): the numbers are tested and benchmarked on their own.
"""

from __future__ import annotations

import collections
import gc
import math
import threading
import time
from dataclasses import dataclass


# A full garbage collection walks every object of the process, in whichever thread's allocation set
# it off: with 50 learners on a replica, 0.05-0.7 s of CPU every 4-5 s.  Counted in the tick
# that it interrupted, it rested that learner 2-3 s and cut its pictures for several ticks after (its
# snapshots seemed to cost several times as much); the governor counts it as the process's overhead,
# which every learner's pace shares.
class _Collecting(threading.local):
    """Each thread's seconds of CPU in full collections (class defaults: a plain attribute read, as
    the engine reads :func:`work_time` at every step of its time budget)."""

    start = None
    spent = 0.0


_collecting = _Collecting()
_thread_time = time.thread_time


def _on_collect(phase: str, info: dict) -> None:
    if info["generation"] != 2:  # (the young generations take microseconds)
        return
    if phase == "start":
        _collecting.start = _thread_time()
    elif _collecting.start is not None:
        _collecting.spent += _thread_time() - _collecting.start


gc.callbacks.append(_on_collect)


def work_time() -> float:
    """This thread's CPU time in seconds, less what it spent in full garbage collections: what the
    learner's command itself cost."""
    return _thread_time() - _collecting.spent


BASE_INTERVAL = 1.5  # s between ticks for a learner alone
MAX_INTERVAL = 3.0  # s: the longest wait; past it more learners slow everyone (ui.sessions caps them)
FRAME_SPACING = 0.05  # s between the snapshots a tick carries: the browser paints ~20 a second
MAX_SNAPSHOTS = 30
MIN_PICTURES = 2.0  # per second: the fewest a learner sees before training gets less than its part
RERUN_OVERHEAD = 0.010  # s of CPU Streamlit spends per fragment rerun: the first guess, then measured
OVERHEAD_RANGE = (0.002, 0.050)  # what the measurement may conclude (page loads land on it too)
UTILISATION = 0.75  # share of the core the live ticks of all learners may take together, as first planned
# Once learners are held back (their shares cut so that all fit), the process's CPU is measured and the
# plan scaled (up to BOOST_RANGE) until the process is this busy: what the plan cannot see (ticks that
# come late, training that stops short of its budget) left 35-40% of each replica idle with 50 learners.
# Up to 4x: training cut alike with the pictures (Pace.film) and trained together (ui.live.together)
# leaves much of each planned share unspent; at 2x, 100 learners left a third of each replica idle
BUSY_TARGET = 0.9
BOOST_RANGE = (1.0, 4.0)
# The interval grows (up to MAX_INTERVAL), then the pictures a tick carries thin out (down to
# MIN_PICTURES a second), until a tick's fixed costs (the rerun, the snapshots) leave at least this
# part of the learner's share to training: with many learners, fewer frames and a network that still
# learns, rather than pictures of one that has stopped
TRAIN_SHARE = 0.5
MIN_TRAIN = 0.004  # s: a tick always trains a little, however many learners play
PLAYING_TTL = MAX_INTERVAL + 5.0  # s after its last tick a learner no longer counts (late answers included)
WINDOW = 2.0  # s of process CPU time per measurement of the rerun overhead
# s of CPU one command may train: a tick's chunk, a Step's epoch (or this, whichever first; with others
# on the core a Step's share of MAX_REST, so that pressing Step again and again gets what playing
# gets).  With its pictures (PICTURES_BUDGET) and history point no command takes 2 s of CPU.
TRAIN_BUDGET = 1.0
STEP_SLICES = 4  # a Step's turns at training while other sessions share the core (each a history point)
PICTURES_BUDGET = 0.6  # s of CPU the pictures of one tick may take, whatever the floor of MIN_PICTURES asks
EARLY = 0.05  # s a command may come early without waiting (a polite browser's timer and network jitter)
LATE = 0.25  # s a command may come after its turn and still count from it (Turns.wait)
MAX_REST = 2 * MAX_INTERVAL  # s: the longest a learner waits for its turn, whatever the last command cost
# s: on a server, ticks come due on this beat of the process's clock.  Learners whose ticks fall due
# together wake together, and the first to the CPU trains the others' small networks with its own
# (ui.live.together).  Each learner's answers come later by up to a beat, but by the same amount
# every tick (live.js asks when the frame says the next is due, on the beat too), so the pictures
# play on without a gap.
BEAT = 0.5


@dataclass(frozen=True)
class Pace:
    """What one tick may do: wait ``interval`` s before the next, train ``budget`` s, carry ``snapshots``."""

    interval: float
    budget: float
    snapshots: int
    playing: int  # learners playing in this process, this one included

    def scaled(self, factor: float) -> "Pace":
        """A shorter (``factor`` < 1) tick at the same pace: training and pictures cut alike."""
        factor = min(1.0, factor)
        return Pace(self.interval * factor, self.budget * factor, max(1, round(self.snapshots * factor)),
                    self.playing)

    def film(self) -> float:
        """The part of the full 20 pictures a second this tick carries: training asked for by speed is
        cut alike, so that each picture still moves the network as far (a busy server plays the same
        film slower, rather than fewer pictures of a network racing ahead)."""
        return min(1.0, self.snapshots * FRAME_SPACING / self.interval)

    def on_beat(self, beat: float) -> "Pace":
        """The pace with an interval of whole beats (:data:`BEAT`; 0: as it is), shorter if need be."""
        beats = math.floor(self.interval / beat + 1e-9) if beat else 0
        return self.scaled(beats * beat / self.interval) if beats else self


class Governor:
    """Shares one process's core among the sessions that are playing (thread-safe)."""

    def __init__(self, utilisation: float = UTILISATION, clock=time.monotonic, cpu=time.process_time):
        self.utilisation = utilisation
        self.clock, self.cpu = clock, cpu
        self.overhead = RERUN_OVERHEAD
        self.boost = BOOST_RANGE[0]  # the planned utilisation scaled to what the process really spends
        self.held_back = False  # a pace in this measurement window cut a learner's share to fit them all
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}  # session -> time of its last tick
        self._window = (clock(), cpu(), 0, 0.0)  # start, process CPU then, ticks since, their CPU

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
        the playground needs little); ``snapshot_cost``: CPU seconds one snapshot took last time.
        """
        with self._lock:
            now = self.clock()
            self._last[session] = now
            n = self._expire(now)
            self.held_back |= share > self.utilisation * self.boost / n
        share = min(share, self.utilisation * self.boost / n)
        interval = BASE_INTERVAL
        while True:
            snaps = max(1, min(MAX_SNAPSHOTS, round(interval / FRAME_SPACING)))  # ~20 paints a second
            fixed = self.overhead + snaps * snapshot_cost
            if fixed + MIN_TRAIN <= (1 - TRAIN_SHARE) * share * interval or interval >= MAX_INTERVAL:
                break
            interval = min(MAX_INTERVAL, interval * 1.1)
        if fixed + MIN_TRAIN > (1 - TRAIN_SHARE) * share * interval and snapshot_cost > 0:
            room = (1 - TRAIN_SHARE) * share * interval - self.overhead - MIN_TRAIN
            snaps = max(round(MIN_PICTURES * interval), min(snaps, int(room / snapshot_cost)))
        if snapshot_cost > 0:  # a network whose picture takes 0.3 s gets two, not the six the floor asked
            snaps = max(1, min(snaps, int(PICTURES_BUDGET / snapshot_cost)))
        fixed = self.overhead + snaps * snapshot_cost
        budget = min(TRAIN_BUDGET, max(MIN_TRAIN, share * interval - fixed))
        return Pace(interval=interval, budget=budget, snapshots=snaps, playing=n)

    def spent(self, cpu_seconds: float) -> None:
        """A tick took ``cpu_seconds`` of its thread's CPU.  Every ``WINDOW`` seconds, what the
        process spent beyond its ticks, per tick, updates the rerun overhead, and while learners are
        held back the share of a core the process used moves :attr:`boost` towards BUSY_TARGET."""
        with self._lock:
            start, cpu0, ticks, tick_cpu = self._window
            ticks, tick_cpu = ticks + 1, tick_cpu + cpu_seconds
            now, cpu = self.clock(), self.cpu()
            if now - start < WINDOW or ticks < 5:
                self._window = (start, cpu0, ticks, tick_cpu)
                return
            lo, hi = OVERHEAD_RANGE
            per_tick = min(hi, max(lo, (cpu - cpu0 - tick_cpu) / ticks))
            self.overhead = 0.7 * self.overhead + 0.3 * per_tick
            busy = (cpu - cpu0) / (now - start)
            # Up, the whole way to the target each window: a class that presses Play together waited
            # 2-3 s a tick for its first 5-10 s, while the boost went up halfway a window.  Down (the
            # process busier than the target), halfway: the shares it sets take a tick or two to show
            step = BUSY_TARGET / max(busy, 0.1) if self.held_back else 0.8
            step = math.sqrt(step) if step < 1 else step
            self.boost = min(BOOST_RANGE[1], max(BOOST_RANGE[0], self.boost * step))
            self._window, self.held_back = (now, cpu, 0, 0.0), False

    def share(self, share: float) -> float:
        """The part of a core one learner's task (alone: ``share``) may use now, with the others playing."""
        return min(share, self.utilisation * self.boost / max(1, self.playing()))

    def step_budget(self, session: str, share: float, snapshot_cost: float) -> float:
        """CPU seconds a Step of ``session`` may train: TRAIN_BUDGET less the picture that follows it,
        or with others on the core its share of MAX_REST (the rest that follows it).  Pressing Step
        counts as playing: a learner who presses it again and again shares the core like the others."""
        with self._lock:
            self._last[session] = self.clock()
        return max(MIN_TRAIN, min(TRAIN_BUDGET - snapshot_cost, self.share(share) * MAX_REST))

    def stop(self, session: str) -> None:
        """``session`` paused or left: it no longer counts."""
        with self._lock:
            self._last.pop(session, None)


class Turns:
    """When one learner's next command may start (not thread-safe: a session runs one script at a time).

    :meth:`wait` before a command sleeps until its turn; :meth:`done` after it sets the next turn:
    ``cpu / share`` seconds after this one began, and for a tick at least its interval (less EARLY).
    Sleeping costs the server nothing, and the browser simply gets its answer later.
    ``sleep`` None keeps the turns without waiting for them (AppTest and benchmarks: no browser).
    ``beat``: the next turn of a tick that keeps the beat waits for the beat of ``clock`` that follows (0: none).
    """

    def __init__(self, clock=time.monotonic, sleep=time.sleep, beat: float = 0.0):
        self.clock, self.sleep, self.beat = clock, sleep, beat
        self.ready_at = -math.inf
        self.due = -math.inf  # when the next turn is due: ready_at without the leeway of EARLY
        self.began = 0.0

    def wait(self) -> float:
        """Sleep until this learner's turn; returns the seconds it was early."""
        now = self.clock()
        early = max(0.0, self.ready_at - now)
        if early and self.sleep is not None:
            self.sleep(early)
            now = self.clock()
        # A turn taken up to LATE after it was due counts from when it was due: on a busy server the
        # requests and the wake-ups come late, and a turn counted from one missed the next beat (with
        # 50 learners, one tick in ten came a beat late: 18 pictures a second, not 20)
        self.began = self.due if self.due <= now <= self.due + LATE else now
        return early

    def done(self, cpu: float, share: float, interval: float = 0.0, on_beat: bool = False) -> None:
        """The command begun at the last :meth:`wait` took ``cpu`` s at ``share`` of a core; a tick
        asked the browser to wait ``interval`` s for the next (``on_beat``: and keeps the beat)."""
        on_beat = bool(interval and on_beat and self.beat)
        self.due = self._due(self.began + self._rest(cpu, share, interval), on_beat)
        self.ready_at = self.due if on_beat else self.due - EARLY

    def next_turn(self, cpu: float, share: float, interval: float, on_beat: bool = False) -> float:
        """When the tick after this one will be due (``clock`` time), as :meth:`done` will set it: the
        frame tells the browser, which asks a little before, so that its request waits at the server
        for its turn rather than come after it, a beat late.  (This tick began at the last
        :meth:`wait`, or, trained along by another learner's turn, is due later: ``due``.)"""
        return self._due(max(self.began, self.due) + self._rest(cpu, share, interval), on_beat)

    @staticmethod
    def _rest(cpu: float, share: float, interval: float) -> float:
        return min(MAX_REST, max(cpu / max(share, 1e-3), interval))

    def _due(self, at: float, on_beat: bool) -> float:
        """A turn due ``at``, or on the beat that follows ``at - EARLY``."""
        return math.ceil((at - EARLY) / self.beat) * self.beat if on_beat and self.beat else at


GOVERNOR = Governor()  # one per process: every session of a Streamlit server shares it


class InTurn:
    """A lock taken first come, first served: the holder hands it straight to the longest waiting
    thread.  (A plain Lock lets a thread that comes along take it before the waiter it woke, so a
    learner whose cheap ticks come back every second could keep taking it from one whose tick is
    heavy.  In the soak it did not bring the heavy CNN learners' frames back, 2-7 in 10 minutes with
    50 learners: their ticks, which allocate most, set off most full garbage collections and were
    rested for them, until :func:`work_time` left those to the process.)"""

    def __init__(self):
        self._lock = threading.Lock()
        self._waiting: collections.deque[threading.Event] = collections.deque()
        self._held = False

    def __enter__(self):
        with self._lock:
            if not self._held:
                self._held = True
                return self
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()  # set by the holder as it leaves: the lock is this thread's now
        return self

    def __exit__(self, *exc):
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._held = False


# One learner's command computes at a time.  Streamlit runs each session's script in its own thread;
# a small network's step makes a dozen NumPy calls that each let go of the GIL, and with many threads
# waiting for it every call became a hand-over between threads: 25 playground learners working at
# once took 3-4x the CPU (and wall time) of the same work done one after the other.  Waiting in
# turn costs no CPU, and the process has one core's worth of GIL to share anyway.
COMPUTING = InTurn()
