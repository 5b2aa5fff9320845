"""Hands on the playground's diagram (issue 18): a weight typed on an edge, points added on the plane
and cleared, the +/- buttons that change the hidden layers; each command acted on once per id."""

import numpy as np
import pytest

from tests.app.conftest import command, frame
from ui.live import frames
from ui.live.harness import LiveRun
from ui.live.pacing import Governor
from ui.live.protocol import Point
from ui.setups import playground as pg


@pytest.fixture
def run():
    return LiveRun(lambda: pg.PlaygroundTask(pg.FORM.defaults), "test", governor=Governor())


def send(run: LiveRun, do: str, arg=None, id_=None) -> dict:
    return frames.decode(run.command({"do": do, "id": run.acked + 1 if id_ is None else id_, "arg": arg}))


def plane(f: dict):
    return f["snaps"][-1]["panels"]["plane"]


def test_a_typed_weight_is_in_the_running_model_and_the_next_frames_field(run):
    before = plane(send(run, "step"))["grid"]
    f = send(run, "weight", {"layer": 2, "i": 0, "j": 1, "value": 40.0})  # the first neuron of layer 2 -> blue
    assert run.task.model.weights_[2][0, 1] == 40.0 and f["ack"] == run.acked
    assert not np.array_equal(plane(f)["grid"], before)  # the field the learner sees now
    assert f["snaps"][-1]["panels"]["net"]["weights"][2][0, 1] == 40.0  # the edge drawn with it
    send(run, "weight", {"layer": 0, "i": 0, "j": 0, "value": 1e9})
    assert run.task.model.weights_[0][0, 0] == pg.MAX_WEIGHT
    epoch = run.task.model.epoch_
    send(run, "step")  # training goes on from the typed weights
    assert run.task.model.epoch_ == pytest.approx(epoch + 1)
    assert "weights you typed" in run.task.export_problem()


def test_an_edit_is_acted_on_once_per_id(run):
    point = {"x": 0.0, "y": 0.0, "label": 1}
    send(run, "point", point, id_=5)
    f = send(run, "point", point, id_=5)  # Streamlit delivered the trigger twice
    assert len(run.task.d.y_train) == run.task.n_given + 1 and len(plane(f)["added"]["x"]) == 1


def test_edits_that_do_not_fit_are_ignored(run):
    t = run.task
    W = [w.copy() for w in t.model.weights_]
    x0, x1, y0, y1 = t.plane.extent
    for do, arg in [("weight", {"layer": 3, "i": 0, "j": 0, "value": 1}), ("weight", {"layer": 0, "i": 2, "j": 0,
                    "value": 1}), ("point", {"x": x1 + 1, "y": 0, "label": 0}), ("point", {"x": 0, "y": 0, "label": 2}),
                    ("point", {"x": 0, "y": 0}), ("weight", "w=1")]:
        f = send(run, do, arg)
        assert f["ack"] == run.acked  # answered, with nothing done
    assert all(np.array_equal(a, b) for a, b in zip(W, t.model.weights_)) and len(t.d.y_train) == t.n_given
    regression = pg.PlaygroundTask({**pg.FORM.defaults, "problem": "regression", "data": "plane"})
    regression.edit("point", Point(x=0.0, y=0.0, label=0))
    assert len(regression.d.y_train) == regression.n_given and "added" not in regression.snapshot()["panels"]["plane"]


def test_added_points_show_and_the_next_ticks_train_on_them():
    s = pg.FORM.defaults
    runs = [LiveRun(lambda: pg.PlaygroundTask(s), "test", governor=Governor()) for _ in range(2)]
    corner = np.array([[runs[0].task.plane.extent[1] - 0.3, runs[0].task.plane.extent[3] - 0.3]])
    for k in range(12):  # a dozen blue points in the orange ring's corner, on one of the two runs
        f = send(runs[1], "point", {"x": float(corner[0, 0]), "y": float(corner[0, 1] - 0.05 * k), "label": 1})
    added = plane(f)["added"]
    assert len(added["x"]) == 12 and set(added["label"].tolist()) == {1} and not added["test"].any()
    for r in runs:
        for _ in range(3):
            send(r, "step")  # three epochs each
    t0, t1 = (r.task for r in runs)
    assert t1.model.n_train_ == t0.model.n_train_ + 12 and t1.model.epoch_ == pytest.approx(3)
    p_blue = [t.model.predict_proba(t.d.inputs(corner))[0, 1] for t in (t0, t1)]
    assert p_blue[1] > p_blue[0] + 0.1  # it learned them
    f = send(runs[1], "clear")
    assert len(plane(f)["added"]["x"]) == 0 and len(t1.d.y_train) == t1.n_given
    send(runs[1], "step")
    assert t1.model.n_train_ == t0.model.n_train_ and t1.model.epoch_ == pytest.approx(4)
    assert "points you added" in t1.export_problem()


def test_plus_minus_ask_the_page_for_hidden_layers_with_their_activations(run):
    run.task.settings = {**run.task.settings, "layers": [(8, "relu"), (8, "tanh")]}
    send(run, "layers", {"sizes": [8, 8, 3]})
    assert run.asked == {"layers": [(8, "relu"), (8, "tanh"), (3, "tanh")]}
    run.asked = None
    send(run, "layers", {"sizes": [8, 8, 3]}, id_=run.acked)  # again: not acted on
    assert run.asked is None


def test_plus_and_minus_change_the_network_and_the_url(app):
    at = app("playground")
    first = at.session_state["pg:run"]
    command(at, "pg", "layers", arg={"sizes": [8, 8, 3]})
    f = frame(at, "pg")
    net = next(p for p in f["layout"]["panels"] if p["id"] == "net")
    assert net["layers"] == [2, 8, 8, 3, 2] and net["resize"] == [6, 256] and net["editable"]
    assert at.query_params["layers"] == "8,8,3" and at.query_params["acts"] == "tanh,tanh,tanh"
    assert at.session_state["pg_layers_n"] == 3 and at.session_state["pg_layers_units_2"] == 3
    run = at.session_state["pg:run"]
    assert run is not first and f["ack"] == run.acked == first.acked  # the new run knows the command was done
    command(at, "pg", "layers", arg={"sizes": [4]})
    assert at.query_params["layers"] == "4" and at.query_params["acts"] == "tanh"
    assert next(p for p in frame(at, "pg")["layout"]["panels"] if p["id"] == "net")["layers"] == [2, 4, 2]
