"""AppTest for the MNIST page: steps, weights files, uploads of digits and of the four MNIST files, exports, its formula."""

import io
from pathlib import Path

from engine import MLP, weights_bytes
from tests.app.conftest import command, frame, metric, shown


def test_mnist_step_views_and_bad_weights(app):
    at = app("mnist")
    assert metric(frame(at, "mn"), "epoch") == "0.00"
    f = command(at, "mn", "step")
    model = at.session_state["mn:run"].task.model
    assert model.epoch_ == 1 and len(model.history_["step"]) >= 2
    panels = f["snaps"][-1]["panels"]
    assert panels["confusion"]["counts"].sum() == 1000  # the confusion matrix of the test digits
    assert panels["weights"]["images"].shape == (48, 28, 28)  # first-layer weights as images
    assert any("Draw a digit first" in i.value for i in at.info)  # blank canvas: no prediction
    at.file_uploader(key="weights_upload").set_value(
        ("bad.npz", b"not a zip", "application/octet-stream")
    ).run()
    assert any("not a Backprop Lab weights file" in e.value and "unchanged" in e.value for e in at.error)
    assert at.session_state["mn:run"].task.model is model


def test_mnist_loads_good_weights_and_rejects_wrong_shape(app):
    at = app("mnist")
    other = MLP([4, 5, 3]).initialize()
    at.file_uploader(key="weights_upload").set_value(
        ("iris.npz", weights_bytes(other), "application/octet-stream")
    )
    at.run()
    assert any("not 784 inputs" in e.value for e in at.error)
    good = MLP([784, 32, 10], activation="tanh", dtype="float32").initialize()
    at.file_uploader(key="weights_upload").set_value(
        ("m.npz", weights_bytes(good), "application/octet-stream")
    )
    at.run()
    task = at.session_state["mn:run"].task
    assert task.model.layer_sizes == [784, 32, 10]
    assert at.session_state["mn_layers_units_0"] == 32 and at.session_state["mn_layers_act_0"] == "tanh"
    at.run()  # the sidebar now shows the loaded network: the next run keeps it
    assert at.session_state["mn:run"].task is task
    assert not at.exception
    assert any("no training history" in c.value and "start afresh" in c.value for c in at.caption)


def test_mnist_weights_bring_their_epoch_and_curves(app):
    at = app("mnist", {"layers": "16"})
    command(at, "mn", "step")
    trained = at.session_state["mn:run"].task.model
    other = app("mnist")
    other.file_uploader(key="weights_upload").set_value(("m.npz", weights_bytes(trained), "application/npz")).run()
    model = other.session_state["mn:run"].task.model
    assert model.layer_sizes == [784, 16, 10] and model.epoch_ == trained.epoch_ == 1
    assert model.history_["step"][: len(trained.history_["step"])] == trained.history_["step"]
    f = frame(other, "mn")
    assert metric(f, "epoch") == "1.00" and f["curves"]["loss"]["x"][0] == 0  # the curves from the start
    assert any("trained for 1.00 epochs" in c.value for c in other.caption)
    assert not other.exception


def test_mnist_digit_upload_predicts(app):
    from PIL import Image, ImageDraw

    img = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(img).line([(100, 20), (100, 180)], fill=0, width=14)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    at = app("mnist")
    at.file_uploader(key="digit_upload").set_value(("one.png", buf.getvalue(), "image/png")).run()
    assert any("prediction" in m.value for m in at.markdown)
    assert not at.exception


def _idx_set(folder=None, n_train=40, n_test=10):
    from tests.hostile.idx import mnist_files

    files = mnist_files(n_train=n_train, n_test=n_test)
    if folder is not None:
        for name, data in files.items():
            (folder / name).write_bytes(data)
    return files


def test_mnist_full_data_only_from_the_operators_folder(app, tmp_path, monkeypatch):
    at = app("mnist")
    assert "server" not in at.sidebar.radio(key="mn_source").options  # no folder configured: no option
    assert not at.sidebar.text_input  # and no box where a visitor could type a server path
    _idx_set(tmp_path)
    monkeypatch.setenv("BACKPROP_LAB_MNIST_DIR", str(tmp_path))
    at = app("mnist")
    at.sidebar.radio(key="mn_source").set_value("server").run()
    command(at, "mn", "step")
    assert at.session_state["mn:run"].task.model.n_train_ == 40


def test_mnist_from_four_uploaded_files_and_a_bad_set(app):
    files = _idx_set(n_train=30, n_test=12)
    at = app("mnist")
    at.sidebar.radio(key="mn_source").set_value("upload").run()
    uploader = at.sidebar.file_uploader(key="mn_idx")
    uploader.set_value([(name, data, "application/gzip") for name, data in list(files.items())[:3]]).run()
    assert any("3 of 4 files" in i.value for i in at.sidebar.info)
    uploader = at.sidebar.file_uploader(key="mn_idx")
    uploader.set_value([(name, data, "application/gzip") for name, data in files.items()]).run()
    command(at, "mn", "step")
    task = at.session_state["mn:run"].task
    assert task.model.n_train_ == 30 and len(task.data[2]) == 12  # the files' own train/test split
    bad = dict(files, **{"t10k-labels-idx1-ubyte.gz": b"\x1f\x8b garbage"})
    uploader = at.sidebar.file_uploader(key="mn_idx")
    uploader.set_value([(name, data, "application/gzip") for name, data in bad.items()]).run()
    # (the message names the files, so its body is escaped: what the learner reads is shown())
    assert any("t10k-labels" in shown(e.value) and "bundled subset" in e.value for e in at.sidebar.error)
    assert not at.exception


def test_mnist_run_exports_as_a_script_that_reproduces_it(app, tmp_path):
    import subprocess
    import sys

    at = app("mnist", {"epochs": "1"})
    command(at, "mn", "step")
    task = at.session_state["mn:run"].task
    assert task.export_problem() is None and not at.exception
    script = tmp_path / "mnist_run.py"
    script.write_text(task.script())
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, str(script)], cwd=root, capture_output=True, text=True, check=True).stdout
    acc = task.model.score(task.data[2], task.data[3])
    assert f"{acc:.4f}" in out.splitlines()[-1]


def test_mnist_formula_follows_the_network(app):
    from ui.setups import mnist as ms

    default = ms.formula(dict(ms.FORM.defaults))
    assert r"\mathrm{relu}" in default and r"\mathbb{R}^{100}" in default and "softmax" in default
    s = {**ms.FORM.defaults, "layers": [(64, "tanh"), (32, "sigmoid")], "readout": "sigmoid", "l2": 0.5}
    tex = ms.formula(s)
    assert r"a_1 &= \tanh\big(x W_1" in tex and r"a_2 &= \sigma\big(a_1 W_2" in tex and "W_3" in tex
    assert "relu" not in tex and "softmax" not in tex and r"\ln(1 - p_{nk})" in tex and r"\lambda" in tex
    at = app("mnist", {"layers": "64,32", "acts": "tanh,sigmoid"})
    shown = next(t.value for t in at.latex if "delta_" in t.value)
    assert r"\tanh\big(x W_1" in shown and r"\mathbb{R}^{32}" in shown and "relu" not in shown


def test_the_drawing_caption_says_where_the_bin_icon_is(app):
    at = app("cnn")
    caption = next(c.value for c in at.caption if c.value.startswith("Draw one digit"))
    assert "toolbar above the box" in caption and "below" not in caption  # the toolbar floats above the box
