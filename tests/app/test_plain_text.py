"""plain(): a visitor's text shown as text, never as Markdown."""

import pytest

from ui.shell.text import plain


@pytest.mark.parametrize(
    "name",
    [
        "[click me](javascript:alert(1)).png",
        "<img src=x onerror=alert(1)>.png",
        "$\\frac{1}{0}$.png",
        ":red[big] **bold** _it_ `code` # h.png",
        "line\nbreak\rand\ttab.png",
    ],
)
def test_plain_leaves_no_markdown(name):
    out = plain(name)
    assert "\n" not in out and "\r" not in out
    unescaped = [c for i, c in enumerate(out) if c in "[]()<>$*_`#:" and (i == 0 or out[i - 1] != "\\")]
    assert not unescaped, out


def test_plain_cuts_long_names():
    assert len(plain("a" * 500)) == 80 and plain("a" * 500).endswith("…")
    assert plain("photo 1.png") == "photo 1\\.png"
