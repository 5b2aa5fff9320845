"""A CNN learns its filters: train a small convolutional network on the digits, live."""

import streamlit as st

from engine.conv import conv_backward, conv_forward
from engine.conv_layers import Conv2D
from engine.sequential import Sequential
from ui.charts import plots
from ui.inputs.digit_input import digit_input
from ui.live import canvas
from ui.settings.widgets import Bound
from ui.setups import cnn as cs
from ui.setups import experiments
from ui.setups import mnist as ms
from ui.shell.show_code import show_code

KEY = "cnn"


# the bundled digits, read-only and shared with the MNIST page (a function defined in this script would
# keep one of its runs, and a learner's model, for good)
server_digits = st.cache_resource(show_spinner="Loading digits…")(ms.server_digits)


st.title("🧩 A CNN learns its filters")
st.markdown(
    "On the convolutions page you chose the filters. Here a small convolutional network **learns** them "
    "from 4000 handwritten digits: press **Play** and watch the first-layer filters take shape, next to "
    "the hand-made filter each comes to resemble, and see what every layer makes of one digit."
)

form = Bound(cs.FORM, KEY, experiments.CNN)
with st.sidebar:
    st.header("Network")
    for key in ("c1", "k1", "c2", "k2", "pool"):
        form.widget(key)
    st.header("Training")
    for key in ("opt", "lr", "batch", "epochs", "speed", "seed"):
        form.widget(key)
    st.header("Look inside")
    form.widget("digit")
s = form.values
data = server_digits()

run = canvas.run(KEY, lambda: cs.CnnTask(s, data), form)
task: cs.CnnTask = run.task
st.caption(
    " → ".join(
        ["1x28x28"]
        + [
            "x".join(map(str, layer.output_shape(layer.input_shape)))
            for layer in task.model.layers_
            if type(layer).__name__ in ("Conv2D", "MaxPool2D", "AvgPool2D", "Dense")
        ]
    )
    + f" · {cs.n_params(task.model):,} parameters, against {cs.n_params(task.mlp):,} in the 784-100-10 MLP."
)
live_slot = st.container()  # the live view goes here; it needs the drawn digit, asked for below

st.header("Try it: draw a digit")
c1, c2 = st.columns([1, 2])
with c1:
    digit, why = digit_input("cnn_digit")
task.probe = None if digit is None else digit.reshape(784)
with live_slot:
    canvas.view(KEY, run)
with c2:
    if digit is None:
        st.info(f"{why} The views above show test digit {s['digit']} until you do.")
    else:
        p = task.model.predict_proba(digit.reshape(1, 784))[0]
        a, b = st.columns([1, 3])
        a.image(digit, clamp=True, width=112, caption="what the network sees (28 x 28)")
        a.markdown(f"### prediction: **{int(p.argmax())}**")
        b.plotly_chart(plots.bars(range(10), p, title="probabilities", highlight=int(p.argmax())), key="probs")
        b.caption("The feature maps above now show your digit, layer by layer.")

st.header("The math")
st.markdown(
    "A convolution layer slides each of its $K$ kernels over the $C$ input maps. Backpropagation needs "
    "two gradients, and both are convolutions too: the kernels' gradient correlates the input with the "
    "output's gradient, and the input's gradient is a *full* convolution of the output's gradient with "
    "the kernels turned by 180°."
)
st.latex(r"y_{k,i,j} = b_k + \sum_{c}\sum_{u,v} w_{k,c,u,v}\; x_{c,\,i+u,\,j+v}")
st.latex(
    r"\frac{\partial L}{\partial w_{k,c,u,v}} = \sum_{i,j} \frac{\partial L}{\partial y_{k,i,j}}\, x_{c,\,i+u,\,j+v}"
)
st.latex(  # a line of its own: side by side they are wider than a phone
    r"\frac{\partial L}{\partial x_{c}} = \sum_k \frac{\partial L}{\partial y_{k}} \ast_\text{full}"
    r" \operatorname{rot}_{180}(w_{k,c})"
)
st.markdown(
    "Max pooling passes the gradient to the one input that was the maximum of its window; average "
    "pooling spreads it evenly over the window."
)
show_code(conv_forward, conv_backward, Conv2D, Sequential.partial_fit, Sequential._train)
