"""The live harness without a browser: frames, commands, pacing (ui.live.frames, ui.live.harness, ui.live.pacing)."""

import csv
import io

import numpy as np
import pytest

from ui.export.scripts import history_csv
from ui.live import frames, harness
from ui.live.harness import BOOT, LiveRun
from ui.live.pacing import (
    BASE_INTERVAL,
    MAX_INTERVAL,
    MAX_SNAPSHOTS,
    MIN_PICTURES,
    RERUN_OVERHEAD,
    TRAIN_SHARE,
    WINDOW,
    Governor,
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


# ------------------------------------------------------------ issue 18: trains on, Pause keeps what is seen
def play(run: LiveRun, ticks: int, first_id: int = 1) -> dict:
    f = frames.decode(run.command({"do": "play", "id": first_id, "have": have(run)}))
    for i in range(first_id + 1, first_id + ticks):
        f = frames.decode(run.command({"do": "tick", "id": i, "have": have(run)}))
    return f


def test_a_plateau_is_a_notice_and_playing_goes_on():
    # issue 18's deep sigmoid spiral: paused as "stalled" at epoch 10 before, now it plays on with a notice
    s = pg.FORM.from_query({"layers": "8,8,8,8,8,8", "acts": "sigmoid", "data": "spiral"})
    run = LiveRun(lambda: pg.PlaygroundTask(s), "test", governor=Governor())
    f = play(run, 1)
    for i in range(2, 200):
        f = frames.decode(run.command({"do": "tick", "id": i, "have": have(run)}))
        if f["status"]["kind"] == "notice":
            break
    assert f["playing"] and "plateau" in f["status"]["text"] and "larger learning rate" in f["status"]["text"]
    epoch = run.task.model.epoch_
    f = frames.decode(run.command({"do": "tick", "id": i + 1, "have": have(run)}))
    assert f["playing"] and run.task.model.epoch_ > epoch and f["status"]["kind"] == "notice"


def test_play_after_the_budget_trains_on():
    s = {**pg.FORM.defaults, "epochs": 3}
    run = LiveRun(lambda: pg.PlaygroundTask(s), "test", governor=Governor())
    for i in range(1, 100):
        f = frames.decode(run.command({"do": "play" if i == 1 else "tick", "id": i, "have": have(run)}))
        if not f["playing"]:
            break
    assert f["status"]["kind"] == "info" and "Press Play to train on" in f["status"]["text"]
    f = frames.decode(run.command({"do": "play", "id": 100, "have": have(run)}))
    assert f["playing"] and f["status"]["kind"] == "ok" and run.task.model.epoch_ > 3
    run.task.apply({**s, "epochs": 50})  # a new budget counts again
    assert run.task.left() > 0


def _pause_at_a_middle_picture(run: LiveRun, ticks: int = 2):
    f = play(run, ticks)
    assert f["playing"] and len(f["snaps"]) >= 3
    shown = f["snaps"][len(f["snaps"]) // 2]
    ahead = run.task.steps if isinstance(run.task, rs.GDTask) else run.task.model.steps_
    answer = frames.decode(run.command({"do": "pause", "id": 50, "have": have(run), "shown": shown["id"]}))
    return shown, answer, ahead


def test_pause_keeps_the_model_of_the_picture_shown_and_step_goes_on_from_it(playground):
    shown, answer, ahead = _pause_at_a_middle_picture(playground)
    snap = answer["snaps"][-1]
    assert not answer["playing"] and playground.task.model.steps_ < ahead
    assert snap["metrics"] == shown["metrics"]  # the epoch, the losses and accuracies seen
    assert np.array_equal(snap["panels"]["plane"]["grid"], shown["panels"]["plane"]["grid"])
    loss = answer["curves"]["loss"]  # the curves cut back to that picture's, sent anew
    assert loss["start"] == 0 and len(loss["x"]) == shown["n"]["loss"] == snap["n"]["loss"]
    epoch = playground.task.model.epoch_
    again = frames.decode(playground.command({"do": "pause", "id": 51, "have": have(playground), "shown": snap["id"]}))
    assert again["snaps"][-1]["metrics"] == shown["metrics"]  # the same picture again: nothing moves
    f = frames.decode(playground.command({"do": "step", "id": 52, "have": have(playground), "shown": snap["id"]}))
    assert playground.task.model.epoch_ == pytest.approx(epoch + 1)
    assert float(f["snaps"][-1]["metrics"]["epoch"]) == pytest.approx(float(shown["metrics"]["epoch"]) + 1, abs=0.06)


def test_pause_on_mnist_replays_to_the_picture_shown():
    # MNIST's checkpoints are large (Adam on 784 x 100 weights): a mark replays the pieces since the last one
    data = ms.bundled_split()
    run = LiveRun(lambda: ms.MnistTask(ms.FORM.defaults, data), "test", governor=Governor())
    shown, answer, ahead = _pause_at_a_middle_picture(run)
    m = run.task.model
    assert m.steps_ < ahead and answer["snaps"][-1]["metrics"] == shown["metrics"]
    fresh = ms.make_model(ms.FORM.defaults).partial_fit(data[0], data[2], m.steps_)  # the same steps in one go
    assert all(np.array_equal(p, q) for p, q in zip(m.parameters(), fresh.parameters()))
    assert m.running_ == fresh.running_


def test_pause_on_a_regression_page_keeps_the_step_shown():
    s = {**rs.LINEAR_FORM.defaults, "speed": 40}
    run = LiveRun(lambda: rs.LinearTask(s), "test", governor=Governor())
    shown, answer, ahead = _pause_at_a_middle_picture(run)
    assert run.task.steps < ahead and answer["snaps"][-1]["metrics"] == shown["metrics"]
    assert _same(answer["snaps"][-1]["panels"], shown["panels"])  # the fitted line where it was


def _same(a, b) -> bool:
    """Equal decoded frame parts (arrays compared by value)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b


def test_mnist_and_cnn_curves_have_ten_points_an_epoch_and_so_has_the_history_csv():
    from ui.setups import cnn as cs

    data = ms.bundled_split()
    for task in (ms.MnistTask(ms.FORM.defaults, data), cs.CnnTask(cs.FORM.defaults, data)):
        task.advance(task.step_units(), None)  # one epoch, one history point at its end (as one tick)
        x, ys = task.curves()["loss"]
        assert np.sum(np.isfinite(ys["train"]) & (np.asarray(x) > 0)) >= 10, type(task).__name__
        assert np.sum(np.isfinite(ys["test"])) == 2  # the start and the end: the test set is measured a tick
        m = task.model
        rows = list(csv.DictReader(io.StringIO(history_csv(m.history_, running=m.running_))))
        assert sum(bool(r["batch_loss"]) for r in rows) >= 10 and float(rows[-1]["epoch"]) == pytest.approx(1)


def test_a_weight_typed_after_a_picture_is_not_undone_by_pausing_on_it(playground):
    f = play(playground, 2)
    old = f["snaps"][0]["id"]
    playground.command({"do": "weight", "id": 20, "have": have(playground),
                        "arg": {"layer": 0, "i": 0, "j": 0, "value": 7.5}})
    playground.command({"do": "pause", "id": 21, "have": have(playground), "shown": old})
    assert playground.task.model.weights_[0][0, 0] == 7.5
