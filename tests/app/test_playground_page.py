"""The playground's regression problems, own data, learning-rate hint and save/export/load."""

import subprocess
import sys
from pathlib import Path

import numpy as np

from engine import load_weights, weights_bytes
from tests.app.conftest import command, frame, metric, shown
from ui.setups import playground as pg

ROOT = Path(__file__).resolve().parents[2]


def test_a_regression_problem_paints_values_and_reports_r2(app):
    at = app("playground", {"problem": "regression", "data": "plane"})
    f = frame(at, "pg")
    plane = next(p for p in f["layout"]["panels"] if p["id"] == "plane")
    assert plane["mode"] == "value" and "value" in plane["points"]
    assert "test R²" in f["layout"]["metrics"]
    assert not any(p["id"] == "confusion" for p in f["layout"]["panels"])  # no classes, no confusion matrix
    model = at.session_state["pg:run"].task.model
    assert model.output == "linear" and model.layer_sizes[-1] == 1
    for _ in range(3):
        f = command(at, "pg", "step")
    assert float(metric(f, "test R²")) > 0.5


def test_switching_the_problem_offers_its_own_data_sets(app):
    at = app("playground")
    assert "plane" not in at.sidebar.selectbox(key="pg_data").options
    at.sidebar.radio(key="pg_problem").set_value("regression").run()
    assert at.session_state["pg_data"] == "plane"
    assert "circle" not in at.sidebar.selectbox(key="pg_data").options
    assert at.query_params["problem"] in ("regression", ["regression"])


def test_classes_get_a_confusion_matrix_with_per_class_accuracy(app):
    at = app("playground", {"data": "iris"})
    f = command(at, "pg", "step")
    spec = next(p for p in f["layout"]["panels"] if p["id"] == "confusion")
    assert spec["recall"] and spec["labels"] == ["setosa", "versicolor", "virginica"]
    counts = f["snaps"][-1]["panels"]["confusion"]["counts"]
    assert counts.shape == (3, 3) and counts.sum() == len(at.session_state["pg:run"].task.d.y_test)


def test_own_csv_data_classes_and_values(app):
    at = app("playground", {"data": "csv"})
    assert any("Upload a CSV" in i.value for i in at.sidebar.info)
    at.sidebar.toggle(key="pg_example").set_value(True).run()
    task = at.session_state["pg:run"].task
    assert task.csv is not None and task.d.class_names == ["apple", "lemon", "mandarin"]
    assert task.d.axis_names == ("width_cm", "height_cm")
    command(at, "pg", "step")
    at.sidebar.radio(key="pg_problem").set_value("regression").run()
    at.sidebar.selectbox(key="pg_data").set_value("csv").run()
    task = at.session_state["pg:run"].task
    assert task.d.regression and task.d.target == "weight_g"
    assert task.value_range[0] > 40 and task.value_range[1] < 300  # the plane speaks grams
    assert task.export_problem() and "CSV" in task.export_problem()


def test_bad_csv_is_named_by_row_and_column(app):
    at = app("playground", {"data": "csv"})
    rows = ["a,b,c"] + [f"{i},{i % 3},{'x' if i % 2 else 'y'}" for i in range(30)]
    rows[17] = "1,abc,x"
    at.sidebar.file_uploader(key="pg_csv").set_value(("bad.csv", "\n".join(rows).encode(), "text/csv")).run()
    # (the message quotes the file, so its body is escaped: what the learner reads is shown())
    assert any("Row 18, column 'b'" in shown(e.value) for e in at.sidebar.error)
    assert not at.exception and at.session_state["pg:run"].task.csv is None


def test_learning_rate_hint_suggests_a_rung_that_trains(app):
    at = app("playground", {"data": "spiral", "layers": "256,256,256,256,256,256", "acts": "relu"})
    next(b for b in at.button if b.label == "Run the test").click().run()
    assert not at.exception
    use = next(b for b in at.button if b.label.startswith("Use "))
    rate = float(use.label.split()[1])
    use.click().run()
    assert at.session_state["pg_lr"] == rate and at.session_state["pg:run"].task.model.lr == rate


def test_saved_network_restores_its_page(app):
    at = app("playground", {"data": "spiral", "layers": "6,5", "feats": "x1,x2,x1x2", "lr": "0.1"})
    for _ in range(2):
        command(at, "pg", "step")
    task = at.session_state["pg:run"].task
    page = "data=spiral&feats=x1%2Cx2%2Cx1x2&layers=6%2C5&acts=tanh%2Ctanh&lr=0.1"
    saved = weights_bytes(task.model, page=page)
    other = app("playground")  # a fresh visit, default page
    other.expander[-1]  # the save/load section exists
    other.file_uploader(key="pg:load").set_value(("net.npz", saved, "application/octet-stream")).run()
    other.run()
    loaded = other.session_state["pg:run"].task
    assert other.session_state["pg_data"] == "spiral" and other.session_state["pg_layers_units_1"] == 5
    assert all(np.array_equal(a, b) for a, b in zip(loaded.model.weights_, task.model.weights_))
    assert not other.exception
    # the training so far comes with it: the epoch counter and the curves go on from there
    assert loaded.model.epoch_ == task.model.epoch_ > 0
    assert loaded.model.history_["step"][: len(task.model.history_["step"])] == task.model.history_["step"]
    assert metric(frame(other, "pg"), "epoch") == f"{task.model.epoch_:.1f}"
    assert any("go on from there" in c.value for c in other.caption)
    older = load_weights(saved)
    older.history_ = {key: [] for key in older.history_}
    old = weights_bytes(older, page=page)  # as files were saved before they carried a history
    other.file_uploader(key="pg:load").set_value(("old.npz", old, "application/octet-stream")).run()
    other.run()
    assert other.session_state["pg:run"].task.model.steps_ == 0
    assert any("start afresh" in c.value for c in other.caption), [c.value for c in other.caption]


def test_a_file_from_another_page_is_refused(app):
    at = app("playground")
    before = at.session_state["pg:run"].task
    from engine import MLP

    data = weights_bytes(MLP([2, 8, 8, 2], activation="tanh").initialize())  # no page settings
    at.file_uploader(key="pg:load").set_value(("net.npz", data, "application/octet-stream")).run()
    assert any("no playground settings" in e.value and "unchanged" in e.value for e in at.error)
    assert at.session_state["pg:run"].task is before


def test_exported_script_reproduces_the_page(app, tmp_path):
    at = app("playground", {"data": "moons"})
    command(at, "pg", "step")
    at.sidebar.select_slider(key="pg_lr").set_value(0.1).run()  # a live change midway
    command(at, "pg", "step")
    task = at.session_state["pg:run"].task
    script = tmp_path / "run.py"
    script.write_text(task.script())
    out = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert f"test accuracy:  {task.model.score(task.d.X_test, task.d.y_test):.4f}" in out


def test_restore_checks_the_network_against_its_settings():
    s = {**pg.FORM.defaults, "data": "xor"}
    task = pg.PlaygroundTask(s)
    good = load_weights(weights_bytes(task.model, page="data=xor"))
    assert pg.restore(good)["data"] == "xor"
    bad = load_weights(weights_bytes(task.model, page="data=iris"))  # 3 classes, not 2
    try:
        pg.restore(bad)
    except ValueError as exc:
        assert "does not fit" in str(exc)
    else:
        raise AssertionError("a mismatched file was accepted")
