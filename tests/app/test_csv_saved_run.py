"""A playground run on a learner's CSV travels in its saved file: the file carries the CSV's bytes, and
loading it (decoded in a child like an upload) brings back the data, the columns, the network and the page."""

import io
import zipfile

import numpy as np
import pytest

from engine import MLP, ModelFileError, load_weights, weights_bytes
from engine.serialize import MAX_PAGE_DATA
from tests.app.conftest import command
from ui.inputs.csv_input import EXAMPLE
from ui.setups import playground as pg


def _trained_on_the_example(app, query=None):
    at = app("playground", {"data": "csv", **(query or {})})
    at.sidebar.toggle(key="pg_example").set_value(True).run()
    command(at, "pg", "step")
    return at, at.session_state["pg:run"].task


def test_a_csv_run_saved_and_loaded_comes_back_with_its_data(app):
    at, task = _trained_on_the_example(app, {"problem": "regression"})
    s = at.session_state["pg:settings"]
    page = pg.saved_page(s, task.csv, "fruit.csv")
    assert "csv_y=weight_g" in page and "csv_file=fruit.csv" in page
    saved = weights_bytes(task.model, page=page, data=EXAMPLE.read_bytes())
    other = app("playground")  # another learner, who never saw the file
    other.file_uploader(key="pg:load").set_value(("net.npz", saved, "application/octet-stream")).run()
    other.run()
    assert not other.exception and not other.error
    loaded = other.session_state["pg:run"].task
    assert other.session_state["pg_data"] == "csv" and loaded.d.regression and loaded.d.target == "weight_g"
    assert np.array_equal(loaded.d.X_train, task.d.X_train) and loaded.model.epoch_ == task.model.epoch_ > 0
    assert all(np.array_equal(a, b) for a, b in zip(loaded.model.weights_, task.model.weights_))
    assert any("the file saved with the network" in c.value for c in other.sidebar.caption)
    other.run()  # the next run finds the same data and columns: the loaded network stays
    assert other.session_state["pg:run"].task is loaded


def test_a_csv_run_saved_without_its_file_is_refused(app):
    at, task = _trained_on_the_example(app)
    page = pg.saved_page(at.session_state["pg:settings"], task.csv, "fruit.csv")
    other = app("playground")
    before = other.session_state["pg:run"].task
    old = weights_bytes(task.model, page=page)  # as files were saved before they carried the data
    other.file_uploader(key="pg:load").set_value(("old.npz", old, "application/octet-stream")).run()
    assert any("not saved with it" in e.value and "unchanged" in e.value for e in other.error)
    assert other.session_state["pg:run"].task is before


def test_the_data_a_file_carries_is_bounded_and_plain_bytes():
    model = MLP([2, 3, 2]).initialize()
    assert load_weights(weights_bytes(model, page="data=csv", data=b"a,b\n1,2\n")).page_data_ == b"a,b\n1,2\n"
    assert load_weights(weights_bytes(model)).page_data_ is None
    with pytest.raises(ValueError, match="at most"):
        weights_bytes(model, data=b"x" * (MAX_PAGE_DATA + 1))
    forged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(weights_bytes(model, data=b"abc"))) as src, zipfile.ZipFile(forged, "w") as out:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "page_data.npy":
                buf = io.BytesIO()
                np.save(buf, np.zeros(3, np.float64))  # not bytes
                body = buf.getvalue()
            out.writestr(item.filename, body)
    with pytest.raises(ModelFileError, match="data must be"):
        load_weights(forged.getvalue())
