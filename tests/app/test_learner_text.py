"""No learner text renders as markup (issue 22): Markdown, HTML and KaTeX go through every upload (file
names, column names, cells, classes) and every URL setting, and every element body that renders Markdown
shows them as plain text.  (tests/e2e/test_learner_text.py checks that a browser fetches nothing.)"""

import json
import shutil
import subprocess

import pytest
from PIL import Image

from tests.app.conftest import ROOT, shown
from tests.hostile import rendered_markup
from tests.hostile.idx import mnist_files
from tests.hostile.images import save
from tests.hostile.tables import denormals, markup_classes, markup_header, one_class, payloads
from ui.settings.form import Layers
from ui.setups import cnn, mnist, playground, regression

PAYLOADS = payloads()
PLAIN_FIELDS = {"options", "raw_value", "default", "value", "id", "form_id", "data"}  # shown as text by the widgets
CSV_PAGES = {"playground": "pg", "logistic_regression": "logit", "softmax_regression": "softmax",
             "linear_regression": "lin"}
FORMS = {"playground": playground.FORM, "mnist": mnist.FORM, "cnn": cnn.FORM, "linear_regression":
         regression.LINEAR_FORM, "logistic_regression": regression.LOGISTIC_FORM,
         "softmax_regression": regression.SOFTMAX_FORM}


def _strings(msg, path=""):
    for field, value in msg.ListFields():
        for v in value if type(value).__name__.startswith("Repeated") else [value]:
            if isinstance(v, str):
                yield field.name, v
            elif hasattr(v, "ListFields"):
                yield from _strings(v, f"{path}{field.name}.")


def rendered(at) -> list[str]:
    """Every construct that would render around learner text, anywhere on the page."""
    found = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields") or node.type == "bidi_component":
            continue
        for field, text in _strings(proto):
            if field not in PLAIN_FIELDS and (node.type, field) not in (("selectbox", "options"),):
                found += [f"{node.type}.{field}: {m}" for m in rendered_markup(text)]
    return found


@pytest.mark.parametrize("page", sorted(CSV_PAGES))
def test_csv_names_cells_and_classes_are_plain_text(app, page):
    key = CSV_PAGES[page]
    at = app(page, {"data": "csv"})
    for kind, payload in PAYLOADS.items():
        for build in (markup_header, markup_classes, one_class):
            at.sidebar.file_uploader(key=f"{key}_csv").set_value((f"{payload}.csv", build(payload), "text/csv")).run()
            assert not at.exception, (kind, build.__name__)
            assert not rendered(at), (kind, build.__name__, rendered(at))


def test_image_and_idx_file_names_are_plain_text(app):
    png = save(Image.new("L", (40, 40), 255), "PNG")
    at = app("convolutions")
    at.sidebar.radio[0].set_value("upload").run()
    for payload in PAYLOADS.values():
        for data in (png, b"not an image"):
            at.sidebar.file_uploader[0].set_value((f"{payload}.png", data, "image/png")).run()
            assert not at.exception and not rendered(at), (payload, rendered(at))
    at = app("mnist")
    at.sidebar.radio(key="mn_source").set_value("upload").run()
    for payload in PAYLOADS.values():
        files = {**mnist_files(), f"{payload}.gz": b"\x1f\x8b"}
        at.sidebar.file_uploader(key="mn_idx").set_value([(n, d, "application/gzip") for n, d in files.items()]).run()
        at.file_uploader(key="digit_upload").set_value((f"{payload}.png", png, "image/png")).run()
        at.file_uploader(key="weights_upload").set_value((f"{payload}.npz", b"PK junk", "application/zip")).run()
        assert not at.exception and not rendered(at), rendered(at)


@pytest.mark.parametrize("page", sorted(FORMS))
def test_url_settings_are_plain_text(app, page):
    for payload in PAYLOADS.values():
        query = {"data": payload, "unknown": payload}
        for setting in FORMS[page]:
            for key in (setting.key, *setting.aliases, *(setting.url_keys if isinstance(setting, Layers) else ())):
                query[key] = payload
        at = app(page, query)
        assert not at.exception and not rendered(at), (payload, rendered(at))


def test_denormal_values_are_refused_by_cell_on_the_playground(app):
    at = app("playground", {"data": "csv"})
    at.sidebar.file_uploader(key="pg_csv").set_value(("tiny.csv", denormals(), "text/csv")).run()
    assert not at.exception
    assert any("Row 2, column 'w': '1.000e-310' is too small" in shown(e.value) for e in at.sidebar.error)
    assert at.session_state["pg:run"].task.csv is None  # the playground's own data stands in


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the canvas's JavaScript")
def test_axis_ticks_survive_spans_no_decimal_notation_can_write():
    """The canvas's tick labels (static/live/panels/draw.js) for spans of 1e-310 and below: toFixed()
    takes at most 100 digits, and a step that underflows to 0 would never reach the end."""
    script = ("import {ticks} from './static/live/panels/draw.js';"
              "console.log(JSON.stringify([ticks(1e-310, 4e-309), ticks(0, 5e-324), ticks(-1e-320, 1e-320),"
              "ticks(0, 1)]));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True,
                         timeout=30, check=True)
    denormal, smallest, around_zero, unit = json.loads(out.stdout)
    assert [label for _, label in denormal] == ["1e-309", "2e-309", "3e-309", "4e-309"]
    assert len(smallest) == 2 and ["0", "0"] not in smallest
    assert "0" in [label for _, label in around_zero]
    assert [label for _, label in unit] == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]  # as before
