"""Draw or upload a digit (the MNIST and CNN pages): returns it as the network sees it, 28 x 28 in [0, 1]."""

from __future__ import annotations

import numpy as np
import streamlit as st

from engine.digits import BlankDigitError, preprocess_digit
from ui.inputs.images import EXTENSIONS, FORMATS_HELP, ImageError, load_image_cached

CAPTION = (
    "Draw one digit, large, with the mouse or a finger; the bin icon in the toolbar above the box (shown "
    "while you point at it) clears it."
)
# The canvas's toolbar floats 2.65rem above the box while the pointer is on it: room of its own, so it
# covers nothing (it hid this caption).  With the gaps Streamlit leaves around an element, 12 px is enough.
TOOLBAR_ROOM = 12


def digit_input(key: str) -> tuple[np.ndarray | None, str]:
    """A drawing canvas and an upload box in the current container.

    Returns ``(digit, "")`` with the preprocessed digit ``(28, 28)``, or ``(None, why)`` when there is
    nothing to read yet (blank canvas, refused file: the reason is shown to the learner by the caller).
    """
    st.caption(CAPTION)
    st.space(TOOLBAR_ROOM)
    drawn = None
    try:
        from streamlit_drawable_canvas import st_canvas

        res = st_canvas(
            stroke_width=18,
            stroke_color="#000000",
            background_color="#ffffff",
            height=280,
            width=280,
            drawing_mode="freedraw",
            key=f"{key}_canvas",
            return_image_data=True,
        )
        drawn = res.image_data
    except Exception as exc:  # noqa: BLE001 - the canvas is optional; uploads still work
        st.info(f"The drawing canvas is unavailable ({type(exc).__name__}); upload a digit image instead.")
    up = st.file_uploader("…or upload a digit image", type=list(EXTENSIONS), key=f"{key}_upload", help=FORMATS_HELP)
    if up is not None:
        try:
            drawn = load_image_cached(up.getvalue(), up.name, "L", 512)
        except ImageError as exc:
            return None, str(exc)
    if drawn is None:
        return None, "Draw a digit first."
    try:
        return preprocess_digit(drawn), ""
    except BlankDigitError as exc:
        return None, str(exc)
