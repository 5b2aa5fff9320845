"""The live harness without a browser: frames, commands, pacing (ui.live.frames, ui.live.harness, ui.live.pacing)."""

import threading
import time

import numpy as np
import pytest

from ui.live import frames, harness
from ui.live.harness import BOOT, LiveRun
from ui.live.pacing import (
    BASE_INTERVAL,
    BOOST_RANGE,
    BUSY_TARGET,
    MAX_INTERVAL,
    MAX_SNAPSHOTS,
    MIN_PICTURES,
    RERUN_OVERHEAD,
    TRAIN_SHARE,
    WINDOW,
    Governor,
    InTurn,
    Pace,
    Turns,
)
from ui.setups import mnist as ms
from ui.setups import playground as pg
from ui.setups import regression as rs


# --------------------------------------------------------------------------- frames
def test_frame_round_trip_keeps_arrays_and_drops_nan():
    header = {
        "grid": np.arange(100 * 100, dtype=np.uint8).reshape(100, 100),
        "w": np.linspace(-1, 1, 7),  # float64 travels as float32
        "n": np.int64(3),
        "missing": float("nan"),
        "nested": [{"i": np.arange(5, dtype=np.int32)}],
    }
    out = frames.decode(frames.encode(header))
    assert out["grid"].dtype == np.uint8 and np.array_equal(out["grid"], header["grid"])
    assert out["w"].dtype == np.float32 and np.allclose(out["w"], header["w"])
    assert out["n"] == 3 and out["missing"] is None
    assert np.array_equal(out["nested"][0]["i"], np.arange(5))


def test_big_frames_are_deflated_small_ones_are_not():
    small = frames.encode({"a": 1})
    big = frames.encode({"grid": np.zeros((100, 100), np.uint8)})
    assert small[:4] == b"BLF1" and big[:4] == b"BLZ1" and len(big) < 1000
    assert frames.decode(big)["grid"].shape == (100, 100)


def test_to_u8_maps_the_range_and_nan():
    assert frames.to_u8(np.array([-1.0, 0.0, 1.0, 5.0, np.nan]), -1, 1).tolist() == [0, 128, 255, 255, 0]


# ------------------------------------------------------------------------- commands
@pytest.fixture(autouse=True)
def back_to_back(monkeypatch):
    """The commands here come back to back, as no browser sends them: each run keeps its turns
    without waiting for them (the turns have tests of their own, with a clock of their own)."""
    monkeypatch.setattr(harness, "Turns", lambda: Turns(sleep=None))


def have(run: LiveRun, series=None) -> dict:
    """What a browser that got every frame would report."""
    return {"series": run.series if series is None else series,
            "curves": {k: len(x) for k, (x, _) in run.task.curves().items()}}


@pytest.fixture
def playground():
    s = pg.FORM.defaults
    return LiveRun(lambda: pg.PlaygroundTask(s), "test", governor=Governor())


def test_play_trains_a_chunk_with_several_snapshots(playground):
    f = frames.decode(playground.command({"do": "play", "id": 1, "have": {}}))
    assert f["ack"] == 1 and f["playing"] and f["status"]["kind"] == "ok"
    assert f["boot"] == BOOT  # which server process answered: the browser notices a restart by it
    assert 2 <= len(f["snaps"]) <= MAX_SNAPSHOTS and "layout" in f
    snap = f["snaps"][-1]
    grid = snap["panels"]["plane"]["grid"]
    assert grid.shape == (80, 80) and grid.dtype == np.uint8
    net = snap["panels"]["net"]
    assert [w.shape for w in net["weights"]] == [(2, 8), (8, 8), (8, 2)]
    assert net["maps"].shape == (8 + 8 + 2, 20, 20) and net["maps"].dtype == np.uint8
    assert "net" not in f["snaps"][0]["panels"]  # slow-moving panels only in a tick's last snapshot
    assert float(snap["metrics"]["epoch"]) > 0
    # curves arrive whole the first time, then only the new points
    loss = f["curves"]["loss"]
    assert loss["start"] == 0 and len(loss["x"]) == len(playground.task.model.history_["epoch"])
    n = len(loss["x"])
    f2 = frames.decode(playground.command({"do": "tick", "id": 2, "have": have(playground)}))
    assert f2["curves"]["loss"]["start"] == n and "layout" not in f2
    assert 0 < len(f2["curves"]["loss"]["x"]) <= len(f2["snaps"])


class FullPace(Governor):
    """A learner alone on an idle core: every tick trains all its speed asks for (no CPU budget binds),
    so what a tick carries does not depend on how busy the machine running the test is."""

    def pace(self, session, share, snapshot_cost):
        return Pace(BASE_INTERVAL, 60.0, 30, 1)


def test_frames_at_default_settings_stay_small():
    run = LiveRun(lambda: pg.PlaygroundTask(pg.FORM.defaults), "test", governor=FullPace())
    run.command({"do": "play", "id": 1, "have": {}})
    sizes = [len(run.command({"do": "tick", "id": i, "have": have(run)})) for i in range(2, 12)]
    assert max(sizes) < 30_000


def test_learners_commands_compute_one_at_a_time():
    """Many learners' script threads: while one command computes the others wait for it (each NumPy call
    handing the GIL from thread to thread took 3-4x the CPU), and every learner still gets its frames."""
    inside, most = [0], [0]
    count = threading.Lock()

    class Watched(pg.PlaygroundTask):
        def advance(self, *args, **kwargs):
            with count:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            try:
                return super().advance(*args, **kwargs)
            finally:
                with count:
                    inside[0] -= 1

    runs = [LiveRun(lambda: Watched(pg.FORM.defaults), f"learner{i}", governor=Governor()) for i in range(6)]
    got = [[] for _ in runs]

    def learner(i):
        run = runs[i]
        for k in range(1, 5):
            got[i].append(frames.decode(run.command({"do": "play" if k == 1 else "tick", "id": k, "have": have(run)})))

    threads = [threading.Thread(target=learner, args=(i,)) for i in range(len(runs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1
    assert all(len(g) == 4 and all(f["snaps"] for f in g) for g in got)


def test_the_compute_lock_goes_to_the_longest_waiting_first():
    """Learners whose ticks are cheap come back to the lock all the time; a heavy one waiting for it
    still gets it in its turn, not whenever nobody else happens to be asking."""
    lock, order = InTurn(), []
    lock.__enter__()
    waiting = []
    for i in range(5):
        t = threading.Thread(target=lambda i=i: (lock.__enter__(), order.append(i), lock.__exit__(None, None, None)))
        t.start()
        while len(lock._waiting) < i + 1:  # each in the queue before the next comes
            time.sleep(0.001)
        waiting.append(t)
    lock.__exit__(None, None, None)
    for t in waiting:
        t.join()
    assert order == [0, 1, 2, 3, 4]
    with lock:  # free again: taken at once
        pass


def test_a_command_delivered_twice_trains_once(playground):
    playground.command({"do": "play", "id": 1, "have": {}})
    steps = playground.task.model.steps_
    f = frames.decode(playground.command({"do": "tick", "id": 1, "have": have(playground)}))
    assert playground.task.model.steps_ == steps and f["ack"] == 1


def test_a_page_rerun_sends_the_whole_state_without_training(playground):
    playground.command({"do": "play", "id": 1, "have": {}})
    steps = playground.task.model.steps_
    f = frames.decode(playground.command(None))
    assert playground.task.model.steps_ == steps
    assert "layout" in f and f["curves"]["loss"]["start"] == 0


def test_step_trains_exactly_one_epoch_and_pauses(playground):
    playground.command({"do": "play", "id": 1, "have": {}})
    epoch = playground.task.model.epoch_
    f = frames.decode(playground.command({"do": "step", "id": 2, "have": have(playground)}))
    assert playground.task.model.epoch_ == pytest.approx(epoch + 1)
    assert not f["playing"] and len(f["snaps"]) == 1


def test_pause_stops_training_and_reset_starts_a_new_series(playground):
    playground.command({"do": "play", "id": 1, "have": {}})
    f = frames.decode(playground.command({"do": "pause", "id": 2, "have": have(playground)}))
    assert not f["playing"] and not playground.playing
    series = playground.series
    f = frames.decode(playground.command({"do": "reset", "id": 3, "have": have(playground)}))
    assert f["series"] != series and "layout" in f and not f["playing"]
    assert playground.task.model.steps_ == 0 and f["curves"]["loss"]["start"] == 0
    assert len(f["curves"]["loss"]["x"]) == 1  # the starting point only


def test_budget_reached_pauses_with_a_message():
    s = {**pg.FORM.defaults, "epochs": 3}
    run = LiveRun(lambda: pg.PlaygroundTask(s), "test", governor=Governor())
    for i in range(1, 100):  # how far a tick gets depends on the machine: tick until it stops
        f = frames.decode(run.command({"do": "play" if i == 1 else "tick", "id": i, "have": have(run)}))
        if not f["playing"]:
            break
    assert run.task.model.epoch_ == pytest.approx(3)
    assert f["status"]["kind"] == "info" and "epoch budget" in f["status"]["text"] and not f["playing"]


def test_divergence_pauses_with_advice_and_play_resumes_from_healthy_weights():
    s = {**pg.FORM.defaults, "lr": 10.0, "opt": "momentum"}
    run = LiveRun(lambda: pg.PlaygroundTask(s), "test", governor=Governor())
    f = frames.decode(run.command({"do": "play", "id": 1, "have": {}}))
    assert f["status"]["kind"] == "error" and "learning rate" in f["status"]["text"] and not f["playing"]
    assert all(np.all(np.isfinite(w)) for w in run.task.model.weights_)
    f = frames.decode(run.command({"do": "tick", "id": 2, "have": have(run)}))
    assert not f["playing"]  # a tick does not get past the error
    run.task.apply({**s, "lr": 0.01})
    f = frames.decode(run.command({"do": "play", "id": 3, "have": have(run)}))
    assert f["status"]["kind"] == "ok" and f["playing"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: rs.LinearTask(rs.LINEAR_FORM.defaults),
        lambda: rs.LogisticTask(rs.LOGISTIC_FORM.defaults),
        lambda: rs.SoftmaxTask(rs.SOFTMAX_FORM.defaults),
    ],
)
def test_regression_step_is_one_gradient_step(make):
    run = LiveRun(make, "test", governor=Governor())
    f = frames.decode(run.command({"do": "step", "id": 1, "have": {}}))
    assert len(run.task.model.history_["step"]) == 1 and metric_step(f) == "1"
    f = frames.decode(run.command({"do": "play", "id": 2, "have": have(run)}))
    assert len(run.task.model.history_["step"]) > 1 and f["playing"]


def metric_step(f):
    return f["snaps"][-1]["metrics"]["step"]


def test_linear_regression_divergence_names_the_critical_rate():
    s = {**rs.LINEAR_FORM.defaults, "lr": 2.0}
    run = LiveRun(lambda: rs.LinearTask(s), "test", governor=Governor())
    assert 0.5 < run.task.critical_lr < 2.0
    for i in range(1, 40):
        f = frames.decode(run.command({"do": "play" if i == 1 else "tick", "id": i, "have": have(run)}))
        if f["status"]["kind"] == "error":
            break
    assert "diverged" in f["status"]["text"] and f"{run.task.critical_lr:.3g}" in f["status"]["text"]


def test_mnist_task_views():
    data = ms.bundled_split()
    run = LiveRun(lambda: ms.MnistTask(ms.FORM.defaults, data), "test", governor=Governor())
    f = frames.decode(run.command({"do": "step", "id": 1, "have": {}}))
    for i in range(2, 40):  # a Step cut short by its time budget (a busy machine) goes on with the next Step
        if run.task.model.epoch_ >= 1 - 1e-9:
            break
        f = frames.decode(run.command({"do": "step", "id": i, "have": have(run)}))
    p = f["snaps"][-1]["panels"]
    assert p["confusion"]["counts"].shape == (10, 10) and p["confusion"]["counts"].sum() == 1000
    assert p["weights"]["images"].shape == (48, 28, 28)
    assert p["mistakes"]["images"].shape[1:] == (28, 28) and len(p["mistakes"]["captions"]) <= 12
    assert float(f["snaps"][-1]["metrics"]["test accuracy"]) > 0.8  # one epoch of the bundled digits


# --------------------------------------------------------------------------- pacing
class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_one_learner_gets_the_base_pace():
    g = Governor(clock=Clock())
    pace = g.pace("a", share=0.15, snapshot_cost=0.002)
    assert pace.interval == BASE_INTERVAL and pace.snapshots == MAX_SNAPSHOTS and pace.playing == 1
    assert pace.budget > 0


@pytest.mark.parametrize("n", [1, 5, 20, 50, 200])
def test_many_learners_share_the_core_and_none_gets_nothing(n):
    clock = Clock()
    g = Governor(clock=clock)
    for i in range(n):
        g.pace(str(i), share=0.7, snapshot_cost=0.003)
    pace = g.pace("0", share=0.7, snapshot_cost=0.003)
    assert pace.playing == n
    per_tick = RERUN_OVERHEAD + pace.snapshots * 0.003 + pace.budget
    demand = n * per_tick / pace.interval  # share of one core all learners ask for together
    assert demand <= g.utilisation + 1e-9 or pace.interval == MAX_INTERVAL
    assert pace.interval <= MAX_INTERVAL and pace.budget > 0 and pace.snapshots >= 1


def test_learners_that_stop_asking_no_longer_count():
    clock = Clock()
    g = Governor(clock=clock)
    g.pace("a", 0.15, 0.002)
    g.pace("b", 0.15, 0.002)
    clock.t = 10.0
    assert g.pace("a", 0.15, 0.002).playing == 1
    g.stop("a")
    assert g.playing() == 0


def test_after_a_rollback_the_epoch_shown_is_the_restored_weights_one():
    s = {**pg.FORM.defaults, "lr": 10.0, "opt": "momentum"}
    run = LiveRun(lambda: pg.PlaygroundTask(s), "test", governor=Governor())
    f = frames.decode(run.command({"do": "play", "id": 1, "have": {}}))
    back = run.task.model.rolled_back_to_
    assert f["snaps"][-1]["metrics"]["epoch"] == f"{back:.1f} (rolled back)"
    assert f"(epoch {back:.2f})" in f["status"]["text"]  # the message names the same epoch


def test_curve_counts_match_the_curves():
    from ui.setups import cnn as cs

    data = ms.bundled_split()
    tasks = [pg.PlaygroundTask({**pg.FORM.defaults, "layers": [(8, "relu")]}), ms.MnistTask(ms.FORM.defaults, data),
             cs.CnnTask(cs.FORM.defaults, data)]
    for task in tasks:
        task.advance(3, None)
        assert task.curve_counts() == {pid: len(x) for pid, (x, _) in task.curves().items()}, type(task).__name__


@pytest.mark.parametrize("cost", [0.001, 0.004])
@pytest.mark.parametrize("n", [3, 10, 25, 40, 80])
def test_the_interval_grows_and_pictures_thin_before_training_gets_less_than_its_share(n, cost):
    g = Governor(clock=Clock())
    for i in range(n):
        pace = g.pace(str(i), share=0.15, snapshot_cost=cost)
    share = min(0.15, g.utilisation / n)
    fixed = RERUN_OVERHEAD + pace.snapshots * cost
    fewest = round(MIN_PICTURES * MAX_INTERVAL)
    assert fixed <= (1 - TRAIN_SHARE) * share * pace.interval or pace.snapshots == fewest
    if pace.snapshots < MAX_SNAPSHOTS:  # pictures thin only once the interval is at its longest
        assert pace.interval == MAX_INTERVAL and pace.snapshots >= fewest
    assert pace.budget >= share * pace.interval - fixed - 1e-12


def test_a_learner_at_the_longest_interval_still_counts_as_playing():
    clock = Clock()
    g = Governor(clock=clock)
    g.pace("a", 0.15, 0.001)
    clock.t = MAX_INTERVAL + 1.0  # answered late, under load
    assert g.pace("b", 0.15, 0.001).playing == 2


def test_the_rerun_overhead_is_what_the_process_spends_beyond_its_ticks():
    clock, cpu = Clock(), Clock()
    g = Governor(clock=clock, cpu=cpu)
    for _ in range(int(20 * WINDOW / 0.1)):  # ten ticks a second, each 20 ms of its own + 30 ms more
        clock.t += 0.1
        cpu.t += 0.020 + 0.030
        g.spent(0.020)
    assert g.overhead == pytest.approx(0.030, rel=0.05)



def _windows(g, clock, cpu, busy: float, n: int = 40, windows: int = 20):
    """``n`` learners ticking for ``windows`` measurement windows while the process uses ``busy`` of a core."""
    for _ in range(windows):
        for i in range(n):
            g.pace(str(i), share=0.15, snapshot_cost=0.002)
        for _ in range(10):
            clock.t += WINDOW / 10
            cpu.t += busy * WINDOW / 10
            g.spent(0.001)


def test_held_back_learners_get_the_cores_the_process_leaves_idle():
    """Issue 21: past capacity a replica is kept ~90% busy (the plan alone left 35-40% idle), every learner
    getting the same share of the extra, within BOOST_RANGE; once the process is that busy it stops."""
    clock, cpu = Clock(), Clock()
    g = Governor(clock=clock, cpu=cpu)
    for i in range(40):
        before = g.pace(str(i), share=0.15, snapshot_cost=0.002)
    _windows(g, clock, cpu, busy=0.6)
    assert g.boost == pytest.approx(BOOST_RANGE[1])  # the longest the plan may be stretched
    after = g.pace("0", share=0.15, snapshot_cost=0.002)
    assert after.budget / after.interval > 1.5 * before.budget / before.interval  # the extra trains
    assert g.share(0.15) == pytest.approx(g.utilisation * g.boost / 40)  # alike for every learner
    _windows(g, clock, cpu, busy=1.0)
    assert g.boost < BOOST_RANGE[1]
    _windows(g, clock, cpu, busy=BUSY_TARGET, windows=2)  # (a window may straddle the change)
    steady = g.boost
    _windows(g, clock, cpu, busy=BUSY_TARGET)
    assert g.boost == pytest.approx(steady)


def test_a_class_pressing_play_together_gets_the_idle_core_within_a_window():
    """Up, the boost goes the whole way to the target in one window (it went halfway, and a class that
    pressed Play together waited 2-3 s a tick for its first 5-10 s); down, halfway."""
    clock, cpu = Clock(), Clock()
    g = Governor(clock=clock, cpu=cpu)

    def window(busy):
        for i in range(40):
            g.pace(str(i), share=0.15, snapshot_cost=0.002)  # held back: 40 learners ask for 6 cores
        for _ in range(11):  # (a window closes once WINDOW has passed)
            clock.t += WINDOW / 10
            cpu.t += busy * WINDOW / 10
            g.spent(0.001)

    window(busy=0.3)
    assert g.boost == pytest.approx(BUSY_TARGET / 0.3)
    window(busy=BUSY_TARGET * 1.21)
    assert g.boost == pytest.approx(BUSY_TARGET / 0.3 / 1.1, rel=0.02)


def test_one_learner_asking_little_does_not_hide_the_others_held_back():
    """Whether learners are held back is judged over the window, not by whichever paced last."""
    clock, cpu = Clock(), Clock()
    g = Governor(clock=clock, cpu=cpu)
    for _ in range(5):
        for i in range(40):
            g.pace(str(i), share=0.15, snapshot_cost=0.002)
        g.pace("light", share=0.001, snapshot_cost=0.002)  # gets all it asks for
        for _ in range(10):
            clock.t += WINDOW / 10
            cpu.t += 0.6 * WINDOW / 10
            g.spent(0.001)
    assert g.boost > BOOST_RANGE[0]


def test_learners_who_all_get_their_share_are_not_boosted():
    clock, cpu = Clock(), Clock()
    g = Governor(clock=clock, cpu=cpu)
    _windows(g, clock, cpu, busy=0.6)
    _windows(g, clock, cpu, busy=0.2, n=2)  # two learners: each has all it asks for
    assert g.boost == BOOST_RANGE[0]

# ------------------------------------------------------------ issue 18: trains on, Pause keeps what is seen
