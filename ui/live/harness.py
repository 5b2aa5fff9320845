"""The live harness without Streamlit: a task being trained, and the frames that show it.

A page describes what it trains and draws as a :class:`LiveTask`.  A :class:`LiveRun` holds one
learner's task and answers the browser's commands (play, tick, pause, step, reset, edits by hand)
with frames (``ui.live.frames``): each tick trains a chunk sized by the pace (``ui.live.pacing``),
split into pieces with a snapshot after each, so the browser can play several pictures per tick
(and, on a busy server, with the ticks of the learners waiting behind it: ``ui.live.together``).

The canvas (``static/live/``) knows a few panel types; a task's :meth:`LiveTask.layout` lists its
panels once, its snapshots update them.  What a frame, a layout and each panel type hold is declared
in ``ui.live.protocol``:

* ``field``   - a 2-D plane painted from a uint8 grid, with points, lines or a path on top
* ``curves``  - named series over epochs or steps (new points only; the browser says what it has)
* ``network`` - layers, weights as coloured edges, and a small map of every neuron's output
* ``tiles``   - small grey images (weights seen as images, misclassified digits)
* ``matrix``  - a table of counts (a confusion matrix)
* ``bars``    - one bar per class
"""

from __future__ import annotations

import itertools
import secrets

import numpy as np

from ui.live import frames
from ui.live.pacing import (
    BASE_INTERVAL,
    BEAT,
    COMPUTING,
    GOVERNOR,
    MAX_SNAPSHOTS,
    MIN_TRAIN,
    STEP_SLICES,
    TRAIN_BUDGET,
    Governor,
    Turns,
    work_time,
)
from ui.live.protocol import (
    ASKS,
    EDITS,
    STOPS,
    TRAINS,
    Command,
    CurveUpdate,
    Have,
    Header,
    Layout,
    Snapshot,
    Status,
)
from ui.live.together import WAITING, Tick, ticks_together
from ui.shell import memory

_series_ids = itertools.count(1)
_snapshot_ids = itertools.count(1)  # one count for the process: a canvas's last id never names another run's
# This server process, in every frame: a browser whose frames suddenly come from another process
# (its replica restarted, or died and the load balancer moved it) knows its run is gone.
BOOT = secrets.token_hex(4)
FLAT_OUT = 10**9  # units asked of a task without a rate: its time budget stops it
FIRST_TICK = 0.25  # s of pictures the answer to Play carries (the following ticks carry a whole interval)
KEEP_MARKS = 3 * MAX_SNAPSHOTS  # the pictures Pause can go back to: those of the last three ticks or so


class LiveTask:
    """What a live page trains and shows.  Subclasses fill in the methods the harness calls.

    ``unit`` names what :meth:`advance` counts (a mini-batch, a gradient step).
    """

    unit = "step"
    share = 0.15  # of a core this task may use while its learner is alone

    def apply(self, settings: dict) -> None:
        """The page's settings on this run: the live ones (learning rate, speed, ...) take effect now."""

    def rate(self) -> float | None:
        """Units per second the learner asked for; None trains as fast as the pace allows."""
        return None

    def step_units(self) -> int:
        """Units the Step button trains."""
        return 1

    def left(self) -> int | None:
        """Units left before the budget pauses training; None: no budget (or it was passed)."""
        return None

    def advance(self, units: int, seconds: float | None, final: bool = True) -> int:
        """Train up to ``units`` units, stopping after ``seconds`` of this thread's CPU time (None: no
        time limit; wall time on a busy server mostly measures the others); return the units trained.

        ``final`` is False for all but the last piece of a tick: a task may skip costly bookkeeping
        (a history point on a big test set) until then."""
        raise NotImplementedError

    def stack_key(self):
        """Tasks with equal keys (not None) may :meth:`advance_together` (``ui.live.together``)."""
        return None

    @classmethod
    def advance_together(cls, tasks: list, units: int, seconds: float | None, final: bool, key=None) -> list[int]:
        """:meth:`advance` of each of ``tasks`` (``key``: their :meth:`stack_key`), ``seconds`` each, at once."""
        return [task.advance(units, seconds, final) for task in tasks]

    def status(self) -> tuple[str, str]:
        """``(kind, message)``: kind "ok", "notice" (the run looks stuck: said, and training goes on),
        "info" (budget reached: pause) or "error" (diverged: pause)."""
        return "ok", ""

    def resume(self) -> None:
        """The learner pressed Play or Step after a pause of the task's own (an error, the budget):
        clear it if training can go on."""

    def mark(self):
        """Something to come back to the model as it is now with :meth:`restore` (taken with each
        snapshot), or None where Pause keeps the latest model."""
        return None

    def restore(self, mark) -> bool:
        """Put the model (its training state, curves and counters) back as it was at ``mark``;
        False if that can no longer be done (the model was changed by hand since)."""
        return False

    def edit(self, what: str, arg) -> None:
        """The learner changed the model or its data by hand: ``what`` is one of
        ``ui.live.protocol.EDITS``, ``arg`` its parsed details.  Training goes on from there."""

    def ask(self, what: str, arg) -> dict | None:
        """The settings that a command of ``ui.live.protocol.ASKS`` asks the page for, or None."""
        return None

    def layout(self) -> Layout:
        """The panels and metric labels: sent once per series (and after a page rerun)."""
        raise NotImplementedError

    def snapshot(self, detail: bool | str = "all") -> dict:
        """``{"metrics": {label: text}, "panels": {id: update}}`` (the fields of
        :class:`ui.live.protocol.Snapshot`) for the model as it is now.

        ``detail``: False for all but a tick's last snapshot, where slow-moving panels (the network
        diagram, weight images) may be left out to keep frames small; True for a tick's last;
        "all" when training is not running (page rerun, pause, step, reset): everything."""
        raise NotImplementedError

    def curves(self) -> dict:
        """``{panel id: (x, {series name: y})}``: whole series; the harness sends what the browser lacks."""
        return {}

    def curve_counts(self) -> dict:
        """``{panel id: points}`` of :meth:`curves` (each snapshot notes them; override if cheaper)."""
        return {pid: len(x) for pid, (x, _) in self.curves().items()}

    def figures(self) -> list:
        """``[(name, plotly figure), ...]``: zoomable views drawn on request while paused."""
        return []


class LiveRun:
    """One learner's live task: answers the browser's commands with frames.

    ``make`` builds a fresh task (Reset and first use).  Commands carry an increasing ``id``, kept
    when the canvas sends one again; a command is acted on once, whatever the resends: one whose id
    was acted on, or the same training command as the last one that trained, sent before the canvas
    saw its answer (``seen``), is answered without acting.  Every command waits for the learner's turn
    (``ui.live.pacing.Turns``): the server keeps the pace, whatever the browser asks.
    ``before``: the run this one replaces (the canvas's ids and the learner's turns go on);
    ``turns``: the learner's turns when there is no run before (default: a fresh :class:`Turns`).
    """

    def __init__(self, make, session: str = "", governor: Governor = GOVERNOR, before: LiveRun | None = None,
                 turns: Turns | None = None):
        self.make, self.session, self.governor = make, session, governor
        self.playing = False
        self.acked = before.acked if before else 0  # id of the last command acted on
        self.trained = before.trained if before else (0, "")  # (id, what) of the last command that trained
        self.turns = before.turns if before else turns or Turns()
        self.notice = ""  # said with the frame when the task has nothing to say (a Step cut short)
        self.interval = 0.0  # s until the next tick, when the last command was one
        self.stacks = False  # whether that tick could be trained with others' (then the next one is on the beat)
        self.asked = None  # settings a command asked for, until the page takes them
        # CPU s per snapshot, measured at each tick, and first at the page's run: a 6 x 256 network's
        # pictures take 0.2 s each, and a first Play of 5 at the guessed cost overran 2 s
        self.snapshot_cost = 1e-3
        self.snapshots_measured = False
        # CPU s a tick's training runs past its limit (a history point on 2000 digits, the CNN page's
        # MLP catching up): the next tick's and Step's limits are that much less, so they keep their
        # budgets (None until a tick measured it)
        self.overrun = None
        self.shown = 0  # id of the latest snapshot
        self.marks = {}  # snapshot id -> the task's mark of its model
        self.build()

    def build(self, make=None) -> None:
        """Show a task built by ``make`` (default: the page's maker) as a new series; its memory is reserved
        in this run's name (``ui.shell.memory``: raises NoRoom, leaving the task before in place)."""
        with memory.owner(self.session):
            task = (make or self.make)()
        self.replace(task)

    def replace(self, task: LiveTask) -> None:
        """Show ``task`` from now on, as a new series (the browser starts its curves afresh)."""
        self.task = task
        self.series = next(_series_ids)
        self.playing = False
        self.marks.clear()

    def release(self) -> None:
        """The learner's session has expired and cannot come back: drop the task and its memory (and the
        maker, whose page holds its data: an upload)."""
        self.governor.stop(self.session)
        memory.ROOM.release(self.session)
        with COMPUTING:  # not while another learner's turn trains its tick along (ui.live.together)
            task, self.task, self.make = self.task, None, None
        self.marks.clear()  # checkpoints of its model
        if task is not None:  # the page's last run may still name it: let go of its model and data as well
            vars(task).clear()

    # ------------------------------------------------------------------ commands
    def command(self, value) -> bytes:
        """Act on one command from the browser (or none: a page rerun) and return the frame to send."""
        cmd = Command.parse(value)
        if cmd.do is None and cmd.id is None:  # a page rerun: the learner changed a setting, no waiting
            with COMPUTING:
                snap = self._snap()
                if not self.snapshots_measured:  # the pace sizes Play's first pictures by what one costs
                    c0 = work_time()
                    self.task.snapshot(detail=False)  # as all but a tick's last are (the CNN's: no maps, no mistakes)
                    self.snapshot_cost = work_time() - c0
                return self.frame(cmd.have, [snap])
        # a tick waiting for its turn may be trained along with another learner's (ui.live.together)
        ticket = WAITING.enter(self, cmd, self.turns.ready_at) if cmd.do == "tick" else None
        try:
            self.turns.wait()
            if ticket is not None and ticket.taken:  # (read without the lock: close() tells for sure)
                return self._answered(ticket)
            with COMPUTING:  # (after the wait: a learner resting holds nobody up)
                if ticket is not None and WAITING.close(ticket):
                    return self._answered(ticket)
                cpu0 = work_time()
                self.notice, self.interval = "", 0.0
                frame = self._act(cmd)
                cpu = work_time() - cpu0
                if isinstance(frame, Tick):
                    # those due by the next beat come along: their answers wait for them when they wake
                    along = WAITING.take(frame.key, self.turns.clock() + BEAT) if frame.key is not None else []
                    frame, cpu = ticks_together(self, frame, along)  # (cpu: this learner's part)
                self.turns.done(cpu, self.governor.share(self.task.share), self.interval, self.stacks)
        finally:
            if ticket is not None:
                WAITING.leave(ticket)
        return frame

    def _answered(self, ticket) -> bytes:
        """The frame of a tick another learner's turn trained (``ui.live.together``), once it is ready."""
        ticket.done.wait()
        if ticket.error is not None:
            raise ticket.error
        self.turns.done(ticket.cpu, self.governor.share(self.task.share), self.interval, self.stacks)
        return ticket.frame

    def _act(self, cmd: Command) -> bytes | Tick:
        """The frame that answers ``cmd``, or for a tick that trains what it is to train."""
        what, have = cmd.do, cmd.have
        fresh = cmd.id is not None and cmd.id > self.acked
        if fresh:
            self.acked = cmd.id
        # a Step clicked again before its answer came, or an old canvas's resend under a new id
        last_id, last_what = self.trained
        stale = what == last_what and cmd.seen is not None and cmd.seen < last_id
        if not fresh or what is None or stale:
            return self.frame(have, [self._snap()])
        if what in TRAINS:
            self.trained = (cmd.id, what)
        if what in EDITS or what in ASKS:  # playing or not, it goes on as it was
            if cmd.arg is not None and what in EDITS:
                self.task.edit(what, cmd.arg)
            elif cmd.arg is not None:
                self.asked = self.task.ask(what, cmd.arg)
            return self.frame(have, [self._snap()])
        if what == "reset":
            self.build()
            self.governor.stop(self.session)
            return self.frame(Have(), [self._snap()])
        if what == "pause":
            self.playing = False
            self.governor.stop(self.session)
            self.back_to(cmd.shown)
            return self.frame(have, [self._snap()])
        if what == "step":
            self.playing = False
            self.back_to(cmd.shown)
            self.task.resume()
            return self.frame(have, self._step())
        if what == "play":
            self.task.resume()
        self.playing = True  # play or tick
        if self.task.status()[0] in STOPS:
            self.playing = False
            return self.frame(have, [self._snap()])
        cpu0 = work_time()
        pace = self.governor.pace(self.session, self.task.share, self.snapshot_cost)
        # Play's first tick a fraction of the size (it shows movement at once); the others end on the beat
        key = self.task.stack_key()
        self.stacks = key is not None  # (only ticks that may be trained together keep the beat)
        pace = pace.scaled(FIRST_TICK / pace.interval) if what == "play" else pace.on_beat(self.turns.beat * self.stacks)
        self.interval = pace.interval  # the browser waits this long for the next tick, and so does the server
        rate = self.task.rate()
        # without a rate, the time budget alone decides how far a tick gets
        units = max(1, round(rate * pace.interval * pace.film())) if rate is not None else FLAT_OUT
        return Tick(have, units, pace.budget, pace.snapshots, pace.interval, work_time() - cpu0, key)

    def _step(self) -> list[Snapshot]:
        """Step: one step's units (an epoch), or what its CPU budget trains (``Governor.step_budget``);
        a Step cut short says so.  A task that stops short of its CPU budget (a history point, a
        guard's check) goes on, up to STEP_SLICES times, with the CPU it has left."""
        units, left = self.task.step_units(), self.task.left()
        asked = units if left is None else min(units, left)
        budget = self.governor.step_budget(self.session, self.task.share, self.snapshot_cost)
        budget = max(MIN_TRAIN, budget - (self.overrun or 0.0))
        done, cpu0 = 0, work_time()
        for _ in range(STEP_SLICES):
            spent = work_time() - cpu0
            if done >= asked or spent >= 0.9 * budget or self.task.status()[0] in STOPS:
                break
            done += self.task.advance(asked - done, budget - spent)
        if done < asked and self.task.status()[0] not in STOPS:
            unit = self.task.unit
            busy = "" if budget >= TRAIN_BUDGET - self.snapshot_cost else ", and less while others share the server"
            self.notice = (f"Step trained {done:,} of {asked:,} {unit}{'es' if unit.endswith('h') else 's'}: one "
                           f"command may train for {TRAIN_BUDGET:g} s at most{busy}. Press Step again to go on.")
        return [self._snap()]

    def _snap(self, detail: bool | str = "all") -> Snapshot:
        self.shown = next(_snapshot_ids)
        mark = self.task.mark()
        if mark is not None:
            self.marks[self.shown] = mark
            if len(self.marks) > KEEP_MARKS:
                del self.marks[next(iter(self.marks))]  # the oldest
        return Snapshot(**self.task.snapshot(detail), n=self.task.curve_counts(), id=self.shown)

    def back_to(self, shown: int | None) -> None:
        """Pause and Step: the model of the picture the canvas shows (snapshot ``shown``), not the one
        trained past it while the pictures played; nothing jumps, and Step goes on from what is seen.
        The curves are cut back with it: the browser, holding more points than there are, gets them anew."""
        mark = self.marks.get(shown)
        if shown != self.shown and mark is not None:
            self.task.restore(mark)
        self.marks.clear()  # what is on screen from now on is the answer's picture (MNIST's marks hold megabytes)

    # -------------------------------------------------------------------- frames
    def frame(self, have: Have, snaps: list[Snapshot], interval: float = BASE_INTERVAL,
              ask_in: float | None = None) -> bytes:
        """The frame: state, pace, the curve points the browser lacks, and the snapshots."""
        same = have.series == self.series
        counts = have.curves if same else {}
        curves = {}
        for pid, (x, ys) in self.task.curves().items():
            start = counts.get(pid, 0)
            start = start if isinstance(start, int) and 0 <= start <= len(x) else 0
            curves[pid] = CurveUpdate(
                start=start,
                x=np.asarray(x[start:], dtype=np.float32),
                y={name: np.asarray(y[start:], dtype=np.float32) for name, y in ys.items()},
            )
        kind, message = self.task.status()
        if kind == "ok" and self.notice:
            kind, message = "info", self.notice
        return frames.encode(Header(
            boot=BOOT,
            series=self.series,
            ack=self.acked,
            playing=self.playing,
            status=Status(kind=kind, text=message),
            interval=interval,
            ask_in=ask_in,
            curves=curves,
            snaps=snaps,
            layout=None if same else self.task.layout(),
        ))
