"""The colours of every view, once: TensorFlow Playground's orange and blue (negative and positive,
the first two classes), then the class and series colours after them.

The plotly figures and the live canvas's specs take their colours from here; the canvas's own
drawing (``static/live/panels/palette.js``, ``live.css``) uses the same, held equal by
``tests/app/test_protocol.py``.
"""

ORANGE, BLUE = "#f59322", "#0877bd"
GREEN, RED, GREY = "#2ca02c", "#d62728", "#7f7f7f"
CLASS_COLORS = (ORANGE, BLUE, GREEN, RED, "#9467bd", "#8c564b", "#e377c2", GREY, "#bcbd22", "#17becf")
SERIES_COLORS = (BLUE, GREEN, ORANGE, RED, "#9467bd", "#8c564b")  # curves: blue for the first, as loss curves
