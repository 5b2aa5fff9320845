"""Learners' ticks trained together: the learner whose turn it is at the CPU takes along the ticks
of the learners waiting behind it whose networks can be stacked (``engine.together``).

With a class on one server, learners wait in turn for the CPU (``ui.live.pacing.COMPUTING``), and
many of them play the same small network at the same settings.  Each of their ticks trains a few
hundred steps of a network whose step costs NumPy's call overhead, not arithmetic.  So a tick that
comes to the CPU takes the waiting ticks of the same shape with it: their pieces are trained as one
stacked computation, round by round, and each learner gets its own pictures and frame, which its
thread finds ready when its turn comes.  A learner alone, or one whose network cannot be stacked,
trains as before; waiting learners get their frames sooner, never later.

Pure Python (no streamlit).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass

from ui.live.pacing import MIN_TRAIN, work_time
from ui.live.protocol import STOPS

MAX_TOGETHER = 64  # ticks one turn takes along: a longer turn keeps other learners waiting


@dataclass(frozen=True)
class Tick:
    """What a tick is to train (``LiveRun._act``), before it does: ``units`` within ``budget`` s of
    CPU, in ``pieces`` with a snapshot after each; ``have``: what the browser has; ``cpu``: s its
    pace took to work out; ``key``: the task's ``stack_key`` (None: it trains alone)."""

    have: object
    units: int
    budget: float | None
    pieces: int
    interval: float
    cpu: float
    key: object = None


class Ticket:
    """A learner's tick waiting for its turn (asleep until ``ready_at``, or for the CPU): answered by
    the learner that takes it along, or by its own thread once it is ``closed``."""

    def __init__(self, run, cmd, ready_at: float):
        self.run, self.cmd, self.ready_at = run, cmd, ready_at
        self.taken = self.closed = False
        self.done = threading.Event()  # set once taken along and answered
        self.frame, self.cpu, self.error = None, 0.0, None

    def answer(self, frame: bytes | None, cpu: float = 0.0, error: Exception | None = None) -> None:
        self.frame, self.cpu, self.error = frame, cpu, error
        self.done.set()


class Waiting:
    """The ticks waiting for their turn (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tickets: dict[int, Ticket] = {}  # in the order they came

    def enter(self, run, cmd, ready_at: float) -> Ticket:
        ticket = Ticket(run, cmd, ready_at)
        with self._lock:
            self._tickets[id(ticket)] = ticket
        return ticket

    def close(self, ticket: Ticket) -> bool:
        """Its own thread is to answer ``ticket`` now: True if it was taken along already."""
        with self._lock:
            self._tickets.pop(id(ticket), None)
            ticket.closed = True
            return ticket.taken

    def leave(self, ticket: Ticket) -> None:
        with self._lock:
            self._tickets.pop(id(ticket), None)

    def take(self, key, horizon: float) -> list[Ticket]:
        """The tickets due by ``horizon``, neither taken nor closed, whose tasks stack with ``key``.
        (The caller holds the CPU: their threads are asleep or waiting for it, their tasks stand still.)"""
        with self._lock:
            due = [t for t in self._tickets.values() if t.ready_at <= horizon]
            taken = []
            for t in due:
                task = t.run.task
                if task is not None and task.stack_key() == key and len(taken) < MAX_TOGETHER:
                    t.taken = True
                    taken.append(t)
            for t in taken:
                del self._tickets[id(t)]
        return taken


WAITING = Waiting()  # one per process, like the CPU the learners wait for


def ticks_together(lead, tick, tickets: list[Ticket]) -> tuple[bytes, float]:
    """``lead``'s tick (``tick``: what ``LiveRun._act`` planned) and those of ``tickets``, trained
    together; each taken ticket gets its answer (or the error its command raised) and its part of
    the CPU, ``lead`` its frame and its part."""
    jobs = [(lead, tick, None)]
    for t in tickets:
        run, c0 = t.run, work_time()
        try:
            run.notice, run.interval = "", 0.0
            out = run._act(t.cmd)
        except Exception as e:  # its learner's own thread raises it, as it would have
            t.answer(None, error=e)
            continue
        if isinstance(out, bytes):  # nothing to train after all (a stale tick, a run paused by its budget)
            t.answer(out, work_time() - c0)
        else:
            jobs.append((run, out, t))
    try:  # (the lead's units and pieces for all: equal keys ask for the same, less the pace's noise)
        snaps, cpu = train_runs([(run, tick.units, tk.budget, tick.pieces, tk.key) for run, tk, _ in jobs])
    except Exception as e:  # (a mistake of ours) each learner's page says so, not the lead's alone
        for _, _, t in jobs[1:]:
            t.answer(None, error=e)
        raise
    lead = None
    for (run, tk, t), s, c in zip(jobs, snaps, cpu):
        c0, c = work_time(), c + tk.cpu
        # (a costly tick rests longer than its interval: asked for after the interval, its next
        # tick would wait at the server, past live.js's retry)
        due = run.turns.next_turn(c, run.governor.share(run.task.share), tk.interval, run.stacks)
        frame = run.frame(tk.have, s, tk.interval, max(0.0, due - run.turns.clock()))
        c += work_time() - c0
        run.governor.spent(c)
        if t is None:
            lead = frame, c
        else:
            t.answer(frame, c)
    return lead


class _Job:
    """One run's part of :func:`train_runs`."""

    def __init__(self, run, units, budget, pieces, key):
        left = run.task.left()
        if left is not None:
            units = min(units, left)
        self.run, self.units, self.pieces = run, units, max(1, min(pieces, units))
        # what ran past the last tick's limit comes out of this one's
        self.budget = None if budget is None else max(MIN_TRAIN, budget - (run.overrun or 0.0))
        self.key = key
        self.snaps, self.t_train, self.t_snap, self.on = [], 0.0, 0.0, True


def train_runs(jobs) -> tuple[list, list[float]]:
    """Train each ``(run, units, budget, pieces, key)``: ``units`` (within ``budget`` s of CPU) in up
    to ``pieces`` parts with a snapshot after each, round by round: in round k each run trains its
    k-th piece, those whose tasks stack (equal ``key``, not None) with the same piece together
    (``LiveTask.advance_together``), then each takes its snapshot.  Returns each run's snapshots and
    the CPU seconds its training and pictures took (training together: an equal part each)."""
    jobs = [_Job(*job) for job in jobs]
    for k in range(max(job.pieces for job in jobs)):
        due = [job for job in jobs if job.on and k < job.pieces]
        groups = defaultdict(list)
        for job in due:
            part = job.units * (k + 1) // job.pieces - job.units * k // job.pieces
            job.final = k == job.pieces - 1
            if part and (job.budget is None or job.t_train < job.budget):
                # each piece may spend what is left of the budget, shared with the pieces after it
                seconds = None if job.budget is None else (job.budget - job.t_train) / (job.pieces - k)
                key = (job.key, part, job.final) if job.key is not None else id(job)
                groups[key].append((job, part, seconds))
        for group in groups.values():
            # CPU time, not wall time: while other sessions take their turns on the GIL this tick
            # costs nothing, so a piece that got little CPU leaves more to the pieces after it
            c0 = work_time()
            job, part, seconds = group[0]
            if len(group) == 1:
                job.run.task.advance(part, seconds, job.final)
            else:
                limits = [s for _, _, s in group]
                seconds = None if None in limits else sum(limits) / len(limits)
                tasks = [j.run.task for j, _, _ in group]
                type(tasks[0]).advance_together(tasks, part, seconds, job.final, job.key)
            spent = (work_time() - c0) / len(group)
            for j, _, _ in group:
                j.t_train += spent
        for job in due:
            c1 = work_time()
            job.snaps.append(job.run._snap(detail=job.final))
            job.t_snap += work_time() - c1
            if job.run.task.status()[0] in STOPS:
                job.run.playing = job.on = False
    for job in jobs:
        run = job.run
        run.snapshot_cost = 0.7 * run.snapshot_cost + 0.3 * job.t_snap / len(job.snaps)
        run.snapshots_measured = True
        if job.budget is not None:
            over = max(0.0, job.t_train - job.budget)
            run.overrun = over if run.overrun is None else 0.7 * run.overrun + 0.3 * over

    return [job.snaps for job in jobs], [job.t_train + job.t_snap for job in jobs]
