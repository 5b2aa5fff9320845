"""Issue 22, point 3: the server keeps the pace, not the browser (ui.live.pacing.Turns), a command is
acted on once whatever the resends, and Step trains at most TRAIN_BUDGET and says when it was cut."""

import gc
import re
import time
from pathlib import Path

import pytest

from ui.live import frames
from ui.live.harness import LiveRun, LiveTask
from ui.live.pacing import EARLY, MAX_REST, STEP_SLICES, TRAIN_BUDGET, UTILISATION, Governor, Turns, work_time
from ui.live.protocol import Layout
from ui.setups import playground as pg

LIVE_JS = Path(__file__).resolve().parents[2] / "static" / "live" / "live.js"


class Clock:
    """A clock that only sleeping moves (and a little CPU per command, as the test says)."""

    def __init__(self):
        self.now = 100.0
        self.slept = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Slow(LiveTask):
    """A task whose units take ``unit_cpu`` s of CPU each (by default an epoch of 1000 takes 10 s), and
    which stops, as the engine does, once ``seconds`` of wall time have passed; of those this thread
    gets ``share`` as CPU (1: an idle server)."""

    unit = "batch"
    share = 1.0

    def __init__(self, epoch: int = 1000, unit_cpu: float = 0.01):
        self.epoch, self.unit_cpu = epoch, unit_cpu
        self.done, self.asked = 0, []

    def step_units(self):
        return self.epoch

    def advance(self, units, seconds, final=True):
        self.asked.append(seconds)
        n = units if seconds is None else min(units, int(seconds * self.share / self.unit_cpu + 1e-9))
        c0 = time.thread_time()
        while time.thread_time() - c0 < n * self.unit_cpu:
            pass
        self.done += n
        return n

    def layout(self):
        return Layout(panels=[], metrics=["done"])

    def snapshot(self, detail="all"):
        return {"metrics": {"done": str(self.done)}}


def send(run: LiveRun, do: str, id_: int, seen: int | None = None) -> dict:
    return frames.decode(run.command({"do": do, "id": id_, "seen": seen, "have": {"series": run.series}}))


# ----------------------------------------------------------------------------- turns
def test_a_tick_asked_for_early_waits_for_its_interval():
    clock = Clock()
    turns = Turns(clock=clock, sleep=clock.sleep)
    assert turns.wait() == 0  # the first command never waits
    turns.done(cpu=0.1, share=0.5, interval=1.5)
    assert turns.wait() == pytest.approx(1.5 - EARLY)  # asked at once: waits
    turns.done(cpu=0.1, share=0.5, interval=1.5)
    clock.now += 1.5  # a polite browser asks `interval` later: no wait
    assert turns.wait() == 0 and clock.slept == [pytest.approx(1.5 - EARLY)]


def test_a_costly_command_is_followed_by_a_rest_in_proportion():
    clock = Clock()
    turns = Turns(clock=clock, sleep=clock.sleep)
    turns.wait()
    turns.done(cpu=1.0, share=0.25)  # a Step that took 1 s of CPU, at a quarter of a core
    assert turns.wait() == pytest.approx(4.0 - EARLY)
    turns.done(cpu=100.0, share=0.25)
    assert turns.wait() == pytest.approx(MAX_REST - EARLY)  # never a longer wait than that


def test_turns_without_sleep_keep_count_but_never_wait():
    turns = Turns(sleep=None)
    turns.wait()
    turns.done(cpu=1.0, share=0.1)
    assert turns.wait() > 0  # it says how early the command came, and goes on


def test_a_flooding_client_gets_the_ticks_a_polite_one_gets():
    """Over the same time, the flooder (next tick as soon as a frame arrives) and the polite learner
    (``interval`` after the last request) get the same number of ticks: the server's."""
    s = pg.FORM.defaults
    ticks = {}
    for who in ("polite", "flooder"):
        clock = Clock()
        run = LiveRun(lambda: pg.PlaygroundTask(s), who, governor=Governor(clock=clock),
                      turns=Turns(clock=clock, sleep=clock.sleep))
        f, end, n = send(run, "play", 1), clock.now + 9.0, 0
        while clock.now < end and n < 50:  # (a server that never waits would answer a flooder forever)
            if who == "polite":
                clock.now += f["interval"]  # live.js: the next tick `interval` after the last went out
            f = send(run, "tick", n + 2, seen=f["ack"])
            n += 1
        ticks[who] = n
    assert ticks["polite"] >= 4 and ticks["flooder"] <= ticks["polite"] + 1, ticks


@pytest.fixture
def garbage():
    """A million lists that hold themselves: garbage only a full collection frees (0.07 s of CPU here),
    and no collection but the test's own meanwhile."""
    gc.disable()
    junk = [[] for _ in range(1_000_000)]
    for a in junk:
        a.append(a)
    del junk
    yield
    gc.enable()


def test_a_full_garbage_collection_is_not_counted_as_the_learners_work(garbage):
    t0, w0 = time.thread_time(), work_time()
    gc.collect()
    assert work_time() - w0 < (time.thread_time() - t0) / 2


def test_a_tick_that_set_off_a_full_collection_rests_no_longer(garbage):
    """With 50 learners a replica, a full collection took 0.05-0.7 s of CPU in whichever tick set it
    off; charged to that learner at its share of the core, its next tick waited 2-3 s, not its interval."""

    class Collecting(Slow):
        def advance(self, units, seconds, final=True):
            gc.collect()
            return super().advance(units, seconds, final)

    clock = Clock()
    governor = Governor(clock=clock)
    for i in range(30):
        governor.pace(f"player{i}", 0.7, 1e-3)  # a 0.07 s collection is 3 s of this learner's share
    run = LiveRun(lambda: Collecting(unit_cpu=1e-5), "t", governor=governor,
                  turns=Turns(clock=clock, sleep=clock.sleep))
    f = send(run, "play", 1)  # (its advance collects the garbage)
    assert run.turns.ready_at - clock.now == pytest.approx(f["interval"] - EARLY)


# ------------------------------------------------------------------- acted on once
def quick():
    return Slow(epoch=10, unit_cpu=0.001)


def test_a_command_sent_again_is_answered_without_acting_again():
    run = LiveRun(quick, "t", governor=Governor(), turns=Turns(sleep=None))
    send(run, "step", 1, seen=0)
    done = run.task.done
    f = send(run, "step", 1, seen=0)  # live.js sends an unanswered command again with its id
    assert run.task.done == done and f["ack"] == 1


def test_a_training_command_sent_again_before_its_answer_came_is_not_started():
    """An old canvas resent an unanswered Step under a new id, and a Step clicked twice goes out
    before the first answer: neither trains again.  Another command sent meanwhile is acted on."""
    run = LiveRun(quick, "t", governor=Governor(), turns=Turns(sleep=None))
    send(run, "step", 5, seen=4)
    done = run.task.done
    f = send(run, "step", 6, seen=4)
    assert run.task.done == done and f["ack"] == 6
    send(run, "step", 7, seen=6)  # after the answer: a new Step
    assert run.task.done == 2 * done
    send(run, "play", 8, seen=6)  # Play, then Step before Play's answer came: both are the learner's
    send(run, "step", 9, seen=6)
    assert run.trained == (9, "step") and run.task.done > 2 * done


def test_the_next_run_knows_what_was_acted_on_and_keeps_the_turns():
    first = LiveRun(quick, "t", governor=Governor(), turns=Turns(sleep=None))
    send(first, "step", 3, seen=2)
    second = LiveRun(quick, "t", governor=Governor(), before=first)
    assert (second.acked, second.trained, second.turns) == (3, (3, "step"), first.turns)
    send(second, "step", 4, seen=2)
    assert second.task.done == 0


# ------------------------------------------------------------------------ Step's budget
def test_step_trains_at_most_its_budget_and_says_so():
    run = LiveRun(Slow, "t", governor=Governor(), turns=Turns(sleep=None))
    f = send(run, "step", 1)
    assert run.task.asked == [pytest.approx(TRAIN_BUDGET, abs=0.01)] and run.task.done in (99, 100)
    assert f["status"]["kind"] == "info" and not f["playing"]
    assert re.fullmatch(rf"Step trained {run.task.done} of 1,000 batches: one command may train for 1 s at most\. "
                        r"Press Step again to go on\.", f["status"]["text"])
    f = send(run, "pause", 2)
    assert f["status"] == {"kind": "ok", "text": ""}  # said once, with the Step it speaks of


def test_with_many_learners_a_step_trains_its_share():
    governor = Governor()
    for i in range(30):
        governor.pace(f"player{i}", 0.7, 1e-3)
    run = LiveRun(Slow, "stepper", governor=governor, turns=Turns(sleep=None))
    f = send(run, "step", 1)
    share = UTILISATION / 31  # pressing Step counts the stepper among those sharing the core
    assert run.task.asked == [pytest.approx(share * MAX_REST, abs=0.01)] and governor.playing() == 31
    assert "and less while others share the server" in f["status"]["text"]


def test_on_a_busy_server_a_step_goes_on_with_the_cpu_it_has_left():
    """The engine stops on wall time; a thread that got half of it has trained half its budget."""

    class Shared(Slow):
        share = 0.5  # each wall second gives this thread half a second of CPU

    run = LiveRun(Shared, "t", governor=Governor(), turns=Turns(sleep=None))
    f = send(run, "step", 1)
    assert len(run.task.asked) == STEP_SLICES and 85 <= run.task.done <= 100  # 50 + 25 + 12 + 6 batches
    assert "Step trained" in f["status"]["text"]


def test_a_step_within_the_budget_says_nothing():
    run = LiveRun(lambda: pg.PlaygroundTask(pg.FORM.defaults), "t", governor=Governor(), turns=Turns(sleep=None))
    f = send(run, "step", 1)
    assert f["status"]["kind"] == "ok" and run.task.model.epoch_ == pytest.approx(1)


def test_the_canvas_sends_a_command_again_with_its_id():
    js = LIVE_JS.read_text()
    retry = re.search(r"this\.retry = setTimeout\(\(\) => \{(.*?)\}, RETRY_MS\);", js, re.S).group(1)
    assert "this.command(again, arg, id)" in retry
    assert "this.seen = Math.max(this.seen, frame.ack" in js


def test_a_run_that_reaches_its_budget_at_chance_level_says_so():
    """Issue 22, point 7: a notice with the budget's message (not a pause of its own)."""
    s = {**pg.FORM.defaults, "opt": "sgd", "lr": 0.0001, "epochs": 2}
    run = LiveRun(lambda: pg.PlaygroundTask(s), "t", governor=Governor(), turns=Turns(sleep=None))
    send(run, "step", 1)
    f = send(run, "step", 2)
    assert f["status"]["kind"] == "info" and "Reached the epoch budget (2). Training ended near chance level" in \
        f["status"]["text"]


def test_play_first_pictures_are_sized_by_a_plain_picture():
    """The page's own picture is a detailed one (the CNN's: maps and mistakes over the test digits);
    all but a tick's last are plain, and the first Play's are sized by what a plain one costs."""

    class Detailed(Slow):
        def snapshot(self, detail="all"):
            self.asked.append(("snapshot", detail))
            return super().snapshot(detail)

    run = LiveRun(lambda: Detailed(epoch=10, unit_cpu=0.001), "t", governor=Governor(), turns=Turns(sleep=None))
    run.command(None)  # the page's run
    assert run.task.asked == [("snapshot", "all"), ("snapshot", False)]
