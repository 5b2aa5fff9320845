"""MNIST: train an MLP live on handwritten digits, look inside it, draw a digit to test it."""

import os

import streamlit as st

from engine import ModelFileError, load_weights, weights_bytes
from engine.digits import BlankDigitError, preprocess_digit
from engine.idx import MNIST_URL, IDXError, download_mnist
from engine.mlp import MLP
from ui import charts, live
from ui import mnist_setup as ms
from ui.images import EXTENSIONS, ImageError, load_image
from ui.settings_ui import Bound
from ui.widgets import show_code

KEY = "mn"
state = st.session_state


@st.cache_resource(show_spinner="Loading digits…")
def dataset(folder: str | None):
    """Read-only digits shared by all visitors (never a user's model)."""
    arrays = ms.bundled_split() if folder is None else ms.full_split(folder)
    for a in arrays:
        a.setflags(write=False)
    return arrays


st.title("✍️ MNIST: a network that reads handwriting")
st.markdown(
    "A 784-100-10 network sees each 28 x 28 digit as 784 numbers. Press **Play** and watch it learn; "
    "then look inside and draw your own digit."
)

form = Bound(ms.FORM, KEY)
with st.sidebar:
    st.header("Network")
    for key in ("layers", "readout"):
        form.widget(key)
    st.header("Training")
    for key in ("optimizer", "lr", "batch", "l2", "epochs", "seed"):
        form.widget(key)
    st.header("Data")
    folder = state.get(f"{KEY}:folder")
    st.caption("Full MNIST (70 000 digits)" if folder else "Bundled subset: 4000 training + 1000 test digits")
    with st.expander("Use full MNIST"):
        path = st.text_input(
            "folder with the four IDX files", help="train-images-idx3-ubyte(.gz) and friends."
        )
        if st.button("Load from folder") and path:
            try:
                dataset(path)
                state[f"{KEY}:folder"] = path
                st.rerun()
            except (IDXError, OSError) as exc:
                st.error(str(exc))
        if st.button("Download once (about 11 MB)", help=f"Saved in {ms.CACHE_DIR}; checksums are verified."):
            bar = st.progress(0.0, "connecting…")
            try:
                cache = download_mnist(
                    ms.CACHE_DIR,
                    os.environ.get("BACKPROP_LAB_MNIST_URL", MNIST_URL),
                    progress=lambda f, m: bar.progress(f, m),
                )
                dataset(str(cache))
                state[f"{KEY}:folder"] = str(cache)
                st.rerun()
            except (ConnectionError, IDXError) as exc:
                st.error(str(exc))
        if folder and st.button("Back to the bundled subset"):
            state[f"{KEY}:folder"] = None
            st.rerun()
s = form.values
data = dataset(folder)

run = live.run(KEY, lambda: ms.MnistTask(s, data), (ms.FORM.reset_key(s), folder))
task: ms.MnistTask = run.task
task.apply(s)
live.view(KEY, run)
model: MLP = task.model

st.header("Try it: draw a digit")
c1, c2 = st.columns([1, 2])
with c1:
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
            key="digit_canvas",
            return_image_data=True,
        )
        drawn = res.image_data
    except Exception as exc:  # noqa: BLE001 - the canvas is optional; uploads still work
        st.info(f"The drawing canvas is unavailable ({type(exc).__name__}); upload a digit image instead.")
    up = st.file_uploader("…or upload a digit image", type=list(EXTENSIONS), key="digit_upload")
    if up is not None:
        try:
            drawn = load_image(up.getvalue(), up.name, "L", 512)
        except ImageError as exc:
            st.error(str(exc))
with c2:
    if drawn is None:
        st.info("Draw a digit first.")
    else:
        try:
            digit = preprocess_digit(drawn)
        except BlankDigitError as exc:
            st.info(str(exc))
        else:
            p = model.predict_proba(digit.reshape(1, 784))[0]
            a, b = st.columns([1, 3])
            a.image(digit, clamp=True, width=112, caption="what the network sees (28 x 28)")
            a.markdown(f"### prediction: **{int(p.argmax())}**")
            b.plotly_chart(
                charts.bars(range(10), p, title="probabilities", highlight=int(p.argmax())), key="probs"
            )
            hid = model.layer_outputs(digit.reshape(1, 784))[0][0]
            b.plotly_chart(
                charts.bars(range(len(hid)), hid, title="first hidden layer's activations", height=200),
                key="hidden",
            )

st.header("Save and load weights")
c1, c2 = st.columns(2)
c1.download_button(
    "⬇ Download weights (.npz)",
    weights_bytes(model),
    "mnist_weights.npz",
    "application/octet-stream",
    help="The settings and arrays, no pickled code.",
)
with c2:
    up = st.file_uploader("Load weights (.npz)", type=["npz"], key="weights_upload")
    if up is not None and state.get(f"{KEY}:loaded") != up.file_id:
        try:
            loaded = load_weights(up.getvalue())
            if loaded.layer_sizes[0] != 784 or loaded.layer_sizes[-1] != 10:
                raise ModelFileError(
                    f"These weights are for a {loaded.layer_sizes} network, not 784 inputs and 10 digits."
                )
            settings = {
                **s,
                "layers": list(zip(loaded.layer_sizes[1:-1], loaded.activation)),
                "readout": loaded.output,
                "seed": loaded.seed,
            }
            if ms.FORM.clean(settings)["layers"] != settings["layers"] or loaded.output not in ("softmax", "sigmoid"):
                raise ModelFileError(
                    f"This page trains up to 4 hidden layers of 1 to 512 relu, tanh, sigmoid or leaky_relu "
                    f"neurons; the file holds {loaded.layer_sizes} with {', '.join(loaded.activation)}."
                )
        except ModelFileError as exc:
            st.error(f"{exc} Your current model is unchanged.")
        else:
            loaded.eval_max_rows = ms.EVAL_ROWS
            state[f"{KEY}:loaded"] = up.file_id
            settings = ms.FORM.clean(settings)
            form.load(settings)  # the sidebar shows the loaded network
            live.replace(KEY, ms.MnistTask(settings, data, model=loaded), (ms.FORM.reset_key(settings), folder))
            st.toast(f"Loaded a {loaded.layer_sizes} network.")
            st.rerun()

st.header("The math")
st.latex(
    r"p = \mathrm{softmax}\big(\mathrm{relu}(x W_1 + b_1)\, W_2 + b_2\big),\quad"
    r"L = -\frac1N\sum_n \ln p_{n, y_n},\quad \delta_\text{out} = \frac{p - y}{N}"
)
show_code(MLP.gradients, preprocess_digit)
