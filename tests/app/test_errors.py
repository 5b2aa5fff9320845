"""The page boundary: a short message without traceback or server path; Streamlit's own flow passes."""

import logging

import pytest
from streamlit.testing.v1 import AppTest

from ui.shell.errors import public_message


@pytest.mark.parametrize(
    "exc,shown,hidden",
    [
        (FileNotFoundError(2, "No such file", "/srv/lab/assets/mnist_5k.npz"), "mnist\\_5k\\.npz", "srv"),
        (OSError("cannot read C:\\Users\\bob\\lab\\x.npz now"), "x\\.npz now", "bob"),
        (ValueError("see ./data/raw/train.csv and ~/secret/key.txt"), "train\\.csv and key\\.txt", "secret"),
        (KeyError("/etc/passwd"), "passwd", "etc"),
        (RuntimeError('Traceback (most recent call last):\n  File "/usr/lib/x.py"'), "RuntimeError", "usr"),
        (ValueError("bad [link](http://evil.example/x) <b>"), "\\[link\\]", "evil.example/"),
        (ValueError(""), "ValueError", "/"),
        (ValueError("line one\nline two /home/me/x"), "line one", "home"),
    ],
)
def test_public_message_strips_paths(exc, shown, hidden):
    msg = public_message(exc)
    assert shown in msg and hidden not in msg, msg
    assert "\n" not in msg and len(msg) <= 160


def test_public_message_is_short():
    assert len(public_message(ValueError("x" * 10_000))) == 160


def _page():
    import streamlit as st

    from ui.shell.errors import page_boundary

    with page_boundary("the test page"):
        st.write("before")
        if st.session_state.get("stop"):
            st.stop()
        open("/nonexistent/secret/folder/file.npz")
    st.write("after")


def test_boundary_shows_a_short_error_and_logs_the_traceback(caplog):
    with caplog.at_level(logging.ERROR, logger="backprop_lab"):
        at = AppTest.from_function(_page).run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("Something went wrong on the test page: ")
    assert "file\\.npz" in error.value and "secret" not in error.value and "Traceback" not in error.value
    assert [m.value for m in at.markdown] == ["before", "after"]
    assert any(r.exc_info and "secret" in str(r.exc_info[1]) for r in caplog.records)


def test_boundary_lets_st_stop_through():
    at = AppTest.from_function(_page)
    at.session_state["stop"] = True
    at.run()
    assert not at.exception and not at.error
    assert [m.value for m in at.markdown] == ["before"]
