"""The live harness's training that goes on (issue 18): a plateau is a notice, Play after a budget trains
on, Pause keeps the model of the picture on screen, ten curve points an epoch."""

import csv
import io

import numpy as np
import pytest

from tests.app import test_live_harness
from tests.app.test_live_harness import have
from ui.export.scripts import history_csv
from ui.live import frames
from ui.live.harness import LiveRun
from ui.live.pacing import Governor, Pace
from ui.setups import mnist as ms
from ui.setups import playground as pg
from ui.setups import regression as rs

back_to_back = test_live_harness.back_to_back  # the fixtures of the harness's tests (commands back to back)
playground = test_live_harness.playground


def play(run: LiveRun, ticks: int, first_id: int = 1) -> dict:
    f = frames.decode(run.command({"do": "play", "id": first_id, "have": have(run)}))
    for i in range(first_id + 1, first_id + ticks):
        f = frames.decode(run.command({"do": "tick", "id": i, "have": have(run)}))
    return f


class ShortTicks(Governor):
    """Ticks of a fixed size (5 epochs at the playground's speed), whatever the machine's CPU: with the
    pace's CPU budget a tick's length, and so whether the plateau outlasted it, hung on the machine."""

    def pace(self, session, share, snapshot_cost):
        return Pace(interval=0.2, budget=60.0, snapshots=4, playing=1)


def test_a_plateau_is_a_notice_and_playing_goes_on():
    # issue 18's deep sigmoid spiral: paused as "stalled" at epoch 10 before, now it plays on with a notice
    s = pg.FORM.from_query({"layers": "8,8,8,8,8,8", "acts": "sigmoid", "data": "spiral"})
    run = LiveRun(lambda: pg.PlaygroundTask(s), "test", governor=ShortTicks())
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
