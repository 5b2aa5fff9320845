from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "home",
    "linear_regression",
    "logistic_regression",
    "softmax_regression",
    "playground",
    "mnist",
    "convolutions",
]


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
