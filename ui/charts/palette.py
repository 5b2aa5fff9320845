"""The colours of every view, once, one meaning per family (each explained by a legend where it is drawn):

* classes: TensorFlow Playground's orange and blue for the first two (and a regression's low and high),
  then the class colours after them;
* sign: purple for negative and teal for positive weights and neuron outputs;
* right and wrong: grey for the counts a model got right, red for its mistakes;
* series: the curves' colours, named in each chart's legend;
* the backprop walk: indigo for what flows forward (inputs, z, a, weights), deep orange for what flows
  back (dL/da, f'(z), deltas, gradients).

The plotly figures and the live canvas's specs take their colours from here; the canvas's own
drawing (``static/live/panels/palette.js``, ``live.css``) uses the same, held equal by
``tests/app/test_protocol.py``.
"""

ORANGE, BLUE = "#f59322", "#0877bd"
GREEN, RED, GREY = "#2ca02c", "#d62728", "#7f7f7f"
NEGATIVE, POSITIVE = "#8e24aa", "#00897b"
RIGHT, WRONG = GREY, RED
FORWARD, BACKWARD = "#5c6bc0", "#e8590c"
# no red (it means a mistake), no purple or teal beside the first classes (they mean a sign)
CLASS_COLORS = (ORANGE, BLUE, GREEN, "#8c564b", "#e377c2", "#bcbd22", "#17becf", GREY, "#9467bd")
SERIES_COLORS = (BLUE, GREEN, ORANGE, RED, "#9467bd", "#8c564b")  # curves: blue for the first, as loss curves
