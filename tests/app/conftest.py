import json
import re
from pathlib import Path

import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from ui.live import frames

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "home",
    "linear_regression",
    "logistic_regression",
    "softmax_regression",
    "backprop",
    "playground",
    "mnist",
    "convolutions",
    "cnn",
]


@pytest.fixture(autouse=True)
def room(monkeypatch):
    """A fresh room for networks (ui.shell.memory) per test: AppTest sessions never disconnect, so
    what one test's networks reserved would stay taken for the tests after it."""
    from ui.shell import memory

    fresh = memory.Room(memory.MODELS_MB * memory.MB)
    monkeypatch.setattr(memory, "ROOM", fresh)
    return fresh


@pytest.fixture
def app():
    """The whole app (router included), opened on one page: ``app("playground")``."""

    def open_page(name: str, query: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        if query:
            at.query_params.update(query)
        at.run()
        if name != "home":
            at.switch_page(f"app_pages/{name}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_page


def canvas(at: AppTest, key: str):
    """The live canvas element of page ``key`` (AppTest sees it as an unknown ``bidi_component``)."""
    return next(e for e in at.get("bidi_component") if e.proto.id.endswith(f"{key}:canvas"))


def frame(at: AppTest, key: str) -> dict:
    """The frame the page sent its canvas on the last run, decoded."""
    return frames.decode(canvas(at, key).proto.bytes)


def command(at: AppTest, key: str, do: str, have: dict | None = None, arg: dict | None = None) -> dict:
    """Send the canvas command ``do`` (play, tick, pause, step, reset, or an edit with its ``arg``) as
    the browser does, run the page once, and return the frame that answered it."""
    run = at.session_state[f"{key}:run"]
    payload = {"do": do, "id": run.acked + 1, "have": have or {}, "arg": arg}
    trigger = WidgetState(
        id=_make_trigger_id(canvas(at, key).proto.id, "events"),
        json_trigger_value=json.dumps([{"event": "cmd", "value": payload}]),
    )
    states = at._tree.get_widget_states()
    states.widgets.append(trigger)
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return frame(at, key)


def metric(f: dict, label: str) -> str:
    """A metric's text in a frame's last snapshot."""
    return f["snaps"][-1]["metrics"][label]


def shown(body: str) -> str:
    """The text Markdown shows of an element's body: learner text arrives backslash-escaped
    (``ui.shell.text.plain``), and each escape shows as the mark itself."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", body)
