"""AppTest for the convolutions page: uploads, filter grids, shapes, the size formula, colour filters."""

import io
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "samples" / "camera.png"


def _shape_line(at):
    return next(m.value for m in at.markdown if m.value.startswith("**Shapes:**"))


def test_convolutions_upload_grid_and_live_shapes(app):
    at = app("convolutions")
    at.sidebar.radio[0].set_value("upload").run()
    assert any("Upload an image" in i.value for i in at.info)
    at.sidebar.file_uploader[0].set_value(("camera.png", SAMPLE.read_bytes(), "image/png")).run()
    assert not at.error and not at.exception
    assert any("64 feature maps" in c.proto.spec for c in at.get("plotly_chart"))
    assert "output 1 x 254 x 254" in _shape_line(at)  # 256 working size, 3x3, valid, stride 1
    stride = next(s for s in at.slider if s.label == "stride s")
    stride.set_value(2).run()
    assert "output 1 x 127 x 127" in _shape_line(at)
    assert any("does not fit" in w.value for w in at.warning)
    padding = next(s for s in at.selectbox if s.label == "padding")
    padding.set_value("same").run()
    assert "output 1 x 128 x 128" in _shape_line(at)
    pool = next(s for s in at.selectbox if s.label == "pooling")
    pool.set_value("max").run()
    assert "1 x 64 x 64" in _shape_line(at)


def test_convolutions_bad_uploads_keep_the_app_usable(app):
    at = app("convolutions")
    at.sidebar.radio[0].set_value("upload").run()
    for name, data in [("empty.png", b""), ("text.png", b"hello"), ("trunc.png", SAMPLE.read_bytes()[:100])]:
        at.sidebar.file_uploader[0].set_value((name, data, "image/png")).run()
        assert any("could not use that file" in e.value for e in at.error), name
        assert not at.exception
    at.sidebar.radio[0].set_value("sample photo").run()
    assert not at.error and _shape_line(at)


def test_convolutions_rgb_tiny_image_and_custom_kernel(app):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1, 1), (10, 20, 30)).save(buf, format="PNG")
    at = app("convolutions")
    at.sidebar.radio[1].set_value("rgb").run()
    assert "input 3 x" in _shape_line(at)
    at.sidebar.radio[0].set_value("upload").run()
    at.sidebar.file_uploader[0].set_value(("dot.png", buf.getvalue(), "image/png")).run()
    assert any("do not fit" in e.value for e in at.error)  # a 1x1 image is smaller than the filter
    assert not at.exception
    at.sidebar.radio[0].set_value("sample photo").run()
    next(s for s in at.selectbox if s.label == "filter").set_value("custom 5x5").run()
    assert "filter 3 x 5 x 5" in _shape_line(at)


def test_convolutions_formulas_floor_the_output_size(app):
    at = app("convolutions")
    sizes = [t.value for t in at.latex if r"\rfloor" in t.value]
    assert len(sizes) == 3  # the rule above the numbers, the numbers (rows and columns), the rule in "The math"
    assert r"\text{rows: }" in sizes[1] and r"\text{columns: }" in sizes[1] and "= 254" in sizes[1]
    assert not [t.value for t in at.latex if "n_\\text{out}" in t.value and r"\lfloor" not in t.value]


def _second_layer_note(at, sample: str, filters: int, seed: int) -> list[str]:
    next(s for s in at.sidebar.selectbox if s.label == "sample").set_value(sample)
    next(s for s in at.select_slider if s.label == "filters").set_value(filters)
    next(n for n in at.number_input if n.label == "filter seed").set_value(seed)
    next(c for c in at.checkbox if c.label == "stack a second layer").check()
    at.run()
    assert not at.exception
    return [c.value for c in at.caption if "blank" in c.value]


def test_convolutions_mention_dead_maps_only_when_there_are_some(app):
    at = app("convolutions")
    assert _second_layer_note(at, "astronaut.jpg", 64, 0) == []  # none dead: nothing to say (was "0 of 16 maps are")
    assert _second_layer_note(at, "chelsea.png", 64, 1)[0].startswith("1 of the 16 maps is blank")
    assert _second_layer_note(at, "chelsea.png", 4, 9)[0].startswith("4 of the 16 maps are blank")


def _output_image(at) -> str:
    """The address of the single filter's output picture (a new picture, a new address)."""
    return next(i.proto.imgs[0].url for i in at.get("image") if "output" in i.proto.imgs[0].caption)


def test_convolutions_rgb_colour_filter(app):
    at = app("convolutions")
    at.sidebar.radio[1].set_value("rgb").run()
    assert any("averaged, so it sees brightness" in c.value for c in at.caption)
    grey = _output_image(at)
    at.radio(key="cv_mix").set_value("colour").run()
    assert "filter 3 x 3 x 3" in _shape_line(at)
    assert any("1 (red), −1 (green) and 0 (blue)" in c.value for c in at.caption)
    assert _output_image(at) != grey  # another filter, another picture
    assert not at.exception


def test_convolutions_settings_come_from_the_url_and_go_back_to_it(app):
    query = {"sample": "camera.png", "depth": "rgb", "side": "128", "filter": "custom 3x3",
             "kernel": "0,1,0,1,-4,1,0,1,0.5", "mix": "colour", "red": "-0.5", "padding": "zero", "p": "2",
             "stride": "2", "relu": "1", "pool": "max", "pool_size": "3", "pool_stride": "3"}
    at = app("convolutions", query)
    assert not at.error
    assert at.sidebar.selectbox(key="cv_sample").value == "camera.png"
    assert at.radio(key="cv_mix").value == "colour" and at.slider(key="cv_red").value == -0.5
    assert at.slider(key="cv_p").value == 2 and at.checkbox(key="cv_relu").value
    # 128 px camera: (128 - 3 + 4) / 2 + 1 = 65, max-pooled 3 every 3: 21
    assert "filter 3 x 3 x 3 → output 1 x 65 x 65 → max pool 3/3 → 1 x 21 x 21" in _shape_line(at)
    assert {k: at.query_params[k] for k in query} == query  # written back as they came


def test_convolutions_url_junk_is_clamped_and_written_back(app):
    at = app("convolutions", {"stride": "99", "pool": "junk", "filter": "custom 5x5", "kernel": "1,2,x",
                              "side": "300", "sample": "../../etc/passwd", "fseed": "-4"})
    assert not at.error and not at.exception
    assert "filter 1 x 5 x 5 → output 1 x" in _shape_line(at)  # the identity 5x5: a kernel of 3 cells is junk
    params = dict(at.query_params)
    assert params == {"stride": "5", "filter": "custom 5x5"}, params  # 300 px: the nearest rung, 256, the default


def test_convolutions_explain_the_picked_output_pixel(app):
    at = app("convolutions", {"side": "64", "stride": "2", "pool": "max"})
    at.slider(key="cv:row").set_value(5).run()
    at.slider(key="cv:col").set_value(7).run()
    said = " ".join(m.value for m in at.markdown)
    assert "max pooling** of output pixel (5, 7)" in said and "The engine computed output pixel" in said
