"""The CNN page: a convolutional network learning its filters, live, beside the MLP."""

import io

import numpy as np

from engine.kernels import PRESETS
from tests.app.conftest import command, frame, metric
from ui.setups import cnn as cs


def test_each_filter_beside_the_closest_preset_by_cosine_similarity():
    sobel = np.zeros((5, 5))
    sobel[1:4, 1:4] = PRESETS["sobel x"]
    kernels = np.stack([3 * sobel, -sobel])[:, None]
    tiles, captions = cs.filter_pairs(kernels)
    assert [c.split("\n")[0] for c in captions] == ["sobel x 1.00", "−sobel x 1.00"]
    assert tiles.shape == (2, 5, 11)  # the learned filter, a white column, the hand-made one
    assert np.array_equal(tiles[0, :, :5], tiles[0, :, 6:]) and (tiles[:, :, 5] == 128).all()
    assert np.array_equal(tiles[1, :, 6:], tiles[1, :, :5])  # the match with its sign flipped, as the filter


def test_layers_follow_the_settings():
    s = {**cs.FORM.defaults, "c2": 0, "k1": 3, "pool": "avg"}
    model = cs.make_model(s)
    kinds = [type(x).__name__ for x in model.layers_]
    assert kinds == ["Conv2D", "Activation", "AvgPool2D", "Flatten", "Dense"]
    assert model.layers_[-1].input_shape == (8 * 13 * 13,)


def test_cnn_page_step_shows_filters_maps_and_the_mlp(app):
    at = app("cnn")
    assert metric(frame(at, "cnn"), "epoch") == "0.00"
    f = first = command(at, "cnn", "step")  # the layout comes with a series' first frame
    task = at.session_state["cnn:run"].task
    for _ in range(10):  # a Step trains at most its CPU budget (an epoch of the CNN is about that): the next goes on
        if task.model.epoch_ >= 1 - 1e-9:
            break
        f = command(at, "cnn", "step", have={"series": at.session_state["cnn:run"].series})
    assert task.model.epoch_ >= 1 - 1e-9 and task.mlp.epoch_ == task.model.epoch_  # the MLP keeps pace
    p = f["snaps"][-1]["panels"]
    # each learned 5 x 5 filter beside the hand-made one it resembles (it was the filter alone, with a name)
    assert p["filters"]["images"].shape == (8, 5, 11) and len(p["filters"]["captions"]) == 8
    assert [p[k]["images"].shape for k in ("maps-1", "maps1", "maps2", "maps4", "maps5")] == [
        (1, 28, 28), (8, 24, 24), (8, 12, 12), (16, 10, 10), (16, 5, 5)
    ]
    assert abs(float(p["scores"]["values"].sum()) - 1) < 1e-5
    assert float(metric(f, "CNN test accuracy")) > 0.85  # one epoch of the bundled digits
    assert "CNN 5,386" in metric(f, "parameters")
    acc = f["curves"]["acc"]["y"]
    assert set(acc) == {"train", "test", "MLP test"}
    rows = first["layout"]["rows"]  # the second convolution's maps in a row of their own: larger tiles
    assert ["maps-1", "maps1", "maps2"] in rows and ["maps4", "maps5"] in rows
    # the charts and the guard name the layers alike (the guard used to say "layer 2" and "layer 5")
    assert task.weight_names == ["conv 1", "conv 2", "dense 1"] and task.relu == ["conv 1", "conv 2"]
    assert task.model._dead_names() == ["conv 1", "conv 2"]


def test_cnn_page_architecture_change_and_a_drawn_digit(app):
    from PIL import Image, ImageDraw

    at = app("cnn")
    at.sidebar.slider(key="cnn_c2").set_value(0).run()
    task = at.session_state["cnn:run"].task
    assert len([x for x in task.model.layers_ if type(x).__name__ == "Conv2D"]) == 1
    img = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(img).line([(100, 20), (100, 180)], fill=0, width=14)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    at.file_uploader(key="cnn_digit_upload").set_value(("one.png", buf.getvalue(), "image/png")).run()
    assert any("prediction" in m.value for m in at.markdown)
    shown = frame(at, "cnn")["snaps"][-1]["panels"]["maps-1"]["images"][0]
    assert shown[:, 14].max() > 200 and shown[:, 2].max() < 30  # the drawn vertical stroke, not a test digit
