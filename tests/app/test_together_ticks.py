"""Learners' ticks trained together (ui.live.together): the learner whose turn it is takes the
waiting ticks of the same small network along, and each learner gets its own frame."""

import math
import threading

import numpy as np
import pytest

from engine.together import partial_fit_together
from ui.live import frames
from ui.live.harness import LiveRun
from ui.live.pacing import BEAT, Governor, Pace, Turns
from ui.live.protocol import Command
from ui.live.together import WAITING
from ui.setups import mnist as ms
from ui.setups import playground as pg


def have(run: LiveRun) -> dict:
    return {"series": run.series, "curves": run.task.curve_counts()}


def playing(name: str, s=None) -> LiveRun:
    run = LiveRun(lambda: pg.PlaygroundTask(s or pg.FORM.defaults), name, governor=Governor(), turns=Turns(sleep=None))
    run.command({"do": "play", "id": 1, "have": {}})
    return run


def tick(run: LiveRun, id_: int) -> dict:
    return {"do": "tick", "id": id_, "have": have(run), "seen": run.acked}


def test_a_waiting_tick_is_trained_along_and_answered():
    lead, other = playing("lead"), playing("other", {**pg.FORM.defaults, "seed": 1, "data": "xor"})
    before = other.task.model.steps_
    ticket = WAITING.enter(other, Command.parse(tick(other, 2)), ready_at=-math.inf)  # asleep, or waiting for the CPU
    try:
        mine = frames.decode(lead.command(tick(lead, 2)))
        assert ticket.taken and ticket.done.is_set() and ticket.error is None
        assert WAITING.close(ticket)  # its own thread finds it answered
    finally:
        WAITING.leave(ticket)
    theirs = frames.decode(other._answered(ticket))
    assert theirs["ack"] == 2 and theirs["series"] == other.series and len(theirs["snaps"]) == len(mine["snaps"]) > 1
    assert other.task.model.steps_ > before and other.acked == 2
    # its pictures are of its own network (another seed, another field)
    assert not np.array_equal(theirs["snaps"][-1]["panels"]["plane"]["grid"], mine["snaps"][-1]["panels"]["plane"]["grid"])


def test_ticks_of_other_networks_or_settings_are_left_to_their_own_turn():
    lead = playing("lead")
    deeper = playing("deeper", {**pg.FORM.defaults, "layers": [(8, "tanh")] * 3})
    slower = playing("slower", {**pg.FORM.defaults, "speed": 1})
    tickets = [WAITING.enter(r, Command.parse(tick(r, 2)), ready_at=-math.inf) for r in (deeper, slower)]
    try:
        lead.command(tick(lead, 2))
        assert not any(t.taken for t in tickets)
    finally:
        for t in tickets:
            WAITING.leave(t)


def test_a_tick_due_later_than_the_next_beat_waits_for_its_turn():
    lead, other = playing("lead"), playing("other")
    ticket = WAITING.enter(other, Command.parse(tick(other, 2)), ready_at=lead.turns.clock() + 3 * BEAT)
    try:
        lead.command(tick(lead, 2))
        assert not ticket.taken
    finally:
        WAITING.leave(ticket)


def test_learners_in_threads_all_get_their_frames():
    """Six learners on beats, waking together: whoever computes takes the others along, and every
    learner gets each of its frames, with pictures, from its own run."""
    runs = [LiveRun(lambda: pg.PlaygroundTask(pg.FORM.defaults), f"l{i}", governor=Governor(),
                    turns=Turns(beat=0.05)) for i in range(6)]
    got = [[] for _ in runs]

    def learner(i):
        run = runs[i]
        for k in range(1, 5):
            f = frames.decode(run.command({"do": "play" if k == 1 else "tick", "id": k, "have": have(run)}))
            got[i].append((f["ack"], f["series"] == run.series, len(f["snaps"])))

    threads = [threading.Thread(target=learner, args=(i,)) for i in range(len(runs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all([ack for ack, _, _ in g] == [1, 2, 3, 4] and all(own and n for _, own, n in g) for g in got)


def test_playground_networks_at_the_defaults_stack_and_mnist_ones_do_not():
    a, b = pg.PlaygroundTask(pg.FORM.defaults), pg.PlaygroundTask({**pg.FORM.defaults, "lr": 0.01})
    assert a.stack_key() is not None and a.stack_key() == b.stack_key()  # a rate of its own is fine
    assert ms.MnistTask.stacks is False


def test_advance_together_is_advance_of_each():
    tasks = [pg.PlaygroundTask(pg.FORM.defaults) for _ in range(3)]
    alone = [pg.PlaygroundTask(pg.FORM.defaults) for _ in range(3)]
    type(tasks[0]).advance_together(tasks, 40, None, True)
    for task in alone:
        task.advance(40, None, True)
    for t, a in zip(tasks, alone):
        assert t._pieces == a._pieces == [(40, True)]
        for p, q in zip(t.model.parameters(), a.model.parameters()):
            np.testing.assert_allclose(p, q, rtol=0, atol=1e-12)
    assert partial_fit_together([], [], 5) == []


# ----------------------------------------------------------------------------- beats
def test_ticks_end_on_the_beat():
    class Clock:
        now = 100.3

        def __call__(self):
            return self.now

    clock = Clock()
    turns = Turns(clock=clock, sleep=None, beat=0.5)
    turns.wait()
    turns.done(cpu=0.01, share=0.5, interval=1.5, on_beat=True)
    assert turns.ready_at == pytest.approx(102.0)  # 101.8 - EARLY, up to the beat
    turns.done(cpu=0.01, share=0.5, interval=1.5)  # a tick of a network trained alone (MNIST's): no beat
    assert turns.ready_at == pytest.approx(101.75)
    turns.done(cpu=0.01, share=0.5, on_beat=True)  # not a tick (a Step): no beat
    assert turns.ready_at % 0.5 != 0


def test_a_tick_that_wakes_late_keeps_its_beat():
    """On a busy server a sleeping tick wakes late, and a request comes late: its turn still began
    on the beat it was due, so the next is due a whole interval later, not a beat after that."""

    class Clock:
        now = 100.3

        def __call__(self):
            return self.now

        def sleep(self, seconds):
            self.now += seconds + 0.2  # the thread gets the GIL back 0.2 s late

    clock = Clock()
    turns = Turns(clock=clock, sleep=clock.sleep, beat=0.5)
    turns.wait()
    turns.done(cpu=0.01, share=0.5, interval=1.5, on_beat=True)
    assert turns.ready_at == pytest.approx(102.0)
    clock.now = 101.0  # the browser asks early: its tick sleeps, and wakes at 102.2
    turns.wait()
    assert clock.now == pytest.approx(102.2) and turns.began == pytest.approx(102.0)
    turns.done(cpu=0.01, share=0.5, interval=1.5, on_beat=True)
    assert turns.ready_at == pytest.approx(103.5)  # not 104.0: the beat it would have missed
    clock.now = 103.7  # a request that comes a little after its turn counts from it too
    turns.wait()
    turns.done(cpu=0.01, share=0.5, interval=1.5, on_beat=True)
    assert turns.ready_at == pytest.approx(105.0)
    clock.now = 105.5  # one that comes long after (the browser was away) begins when it comes
    turns.wait()
    turns.done(cpu=0.01, share=0.5, interval=1.5, on_beat=True)
    assert turns.ready_at == pytest.approx(107.0)  # 105.5 + 1.5 - EARLY, up to the beat


def test_the_frame_says_when_the_next_tick_is_due():
    class Clock:
        now = 100.3

        def __call__(self):
            return self.now

    turns = Turns(clock=Clock(), sleep=None, beat=0.5)
    turns.wait()
    assert turns.next_turn(0.01, 0.5, 1.5, on_beat=True) == pytest.approx(102.0)  # as done() will make it
    assert turns.next_turn(1.0, 0.5, 1.5, on_beat=True) == pytest.approx(102.5)  # a costly tick rests longer
    turns.done(cpu=0.01, share=0.5, interval=1.5, on_beat=True)
    # a tick trained along by another learner's turn before its own thread woke: from when it is due
    assert turns.next_turn(0.01, 0.5, 1.5, on_beat=True) == pytest.approx(103.5)
    assert turns.next_turn(0.01, 0.5, 1.5) == pytest.approx(103.5)  # no beat (MNIST's ticks): interval after
    run = LiveRun(lambda: pg.PlaygroundTask(pg.FORM.defaults), "asks", governor=Governor(), turns=Turns(sleep=None))
    play = frames.decode(run.command({"do": "play", "id": 1, "have": {}}))
    again = frames.decode(run.command(tick(run, 2)))
    pause = frames.decode(run.command({"do": "pause", "id": 3, "have": have(run)}))
    assert 0 < play["ask_in"] <= play["interval"]
    # (asked at once, not slept for: this tick was due the Play's pictures later, the next is due after it)
    assert again["interval"] < again["ask_in"] <= play["interval"] + again["interval"]
    assert pause.get("ask_in") is None  # nothing to ask for


def test_a_pace_on_the_beat_keeps_its_rate():
    pace = Pace(interval=2.2, budget=0.11, snapshots=22, playing=10)
    on = pace.on_beat(0.5)
    assert on.interval == pytest.approx(2.0) and on.snapshots == 20 and on.budget == pytest.approx(0.1)
    assert pace.on_beat(0) == pace and Pace(0.25, 0.01, 5, 1).on_beat(0.5).interval == 0.25
