"""MNIST: train an MLP live on handwritten digits, look inside it, draw a digit to test it."""

import os
import time

import numpy as np
import streamlit as st

from engine import ModelFileError, load_weights, weights_bytes
from engine.digits import BlankDigitError, preprocess_digit
from engine.idx import MNIST_URL, IDXError, download_mnist
from engine.mlp import MLP
from ui import charts
from ui import mnist_setup as ms
from ui.image_charts import feature_grid
from ui.images import EXTENSIONS, ImageError, load_image
from ui.widgets import TICK_BUDGET, TICK_SECONDS, pause, run_controls, show_code, take_step

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

with st.sidebar:
    st.header("Network")
    hidden_text = st.text_input("hidden layers", "100", help="Neurons per hidden layer, e.g. 100 or 128, 64.")
    activation = st.selectbox("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
    readout = st.selectbox("readout", ["softmax", "sigmoid"])
    optimizer = st.selectbox(
        "optimizer", ["adam", "sgd", "momentum", "rmsprop"], help="Changing it keeps the weights."
    )
    lr = st.select_slider(
        "learning rate", ms.LR_CHOICES, ms.DEFAULTS["lr"], help="Changing it keeps the weights."
    )
    batch = st.select_slider("batch size", ms.BATCH_CHOICES, ms.DEFAULTS["batch"])
    l2 = st.number_input("L2 penalty λ", 0.0, 100.0, 0.0, 0.1)
    epochs = st.number_input("epochs", 1, 200, ms.DEFAULTS["epochs"], help="Training pauses after this many.")
    seed = st.number_input("seed", 0, 10_000, 0, help="Same seed, same starting weights and order.")
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

try:
    hidden = ms.parse_hidden(hidden_text)
except ValueError as exc:
    st.sidebar.error(str(exc))
    hidden = ms.DEFAULTS["hidden"]
s = dict(
    hidden=hidden,
    activation=activation,
    readout=readout,
    optimizer=optimizer,
    lr=lr,
    batch=batch,
    l2=l2,
    epochs=int(epochs),
    seed=int(seed),
)
X_tr, X_te, y_tr, y_te = dataset(folder)

playing, reset = run_controls(KEY)
arch = (tuple(hidden), activation, readout, int(seed), folder)
if reset or state.get(f"{KEY}:arch") != arch:
    state[f"{KEY}:model"] = ms.make_model(s)
    state[f"{KEY}:arch"] = arch
model: MLP = state[f"{KEY}:model"]
if model.optimizer != optimizer:
    model.set_optimizer(optimizer)
model.set_lr(lr)
model.batch_size, model.l2, model.epochs = batch, l2, int(epochs)


@st.fragment(run_every=TICK_SECONDS if playing else None)
def live():
    if not model.history_["step"]:
        model.partial_fit(X_tr, y_tr, 0, X_te, y_te)
    speed = state.get(f"{KEY}:speed", 0.0)
    if (playing or take_step(KEY)) and model.epoch_ < model.epochs and model.status_ != "diverged":
        left = model.batches_to(model.epochs, len(X_tr))
        seen, t0 = model.n_seen_, time.perf_counter()
        model.partial_fit(X_tr, y_tr, max(left, 1), X_te, y_te, time_budget=TICK_BUDGET)
        speed = state[f"{KEY}:speed"] = (model.n_seen_ - seen) / max(time.perf_counter() - t0, 1e-9)
    h = model.history_
    c = st.columns(5)
    c[0].metric("epoch", f"{model.epoch_:.2f}")
    c[1].metric("examples seen", f"{model.n_seen_:,}")
    c[2].metric("examples / second", f"{speed:,.0f}")
    c[3].metric("train accuracy", f"{h['train_acc'][-1]:.3f}")
    c[4].metric("test accuracy", f"{h['test_acc'][-1]:.3f}")
    st.progress(min(model.epoch_ / model.epochs, 1.0), f"{model.epoch_:.2f} of {model.epochs} epochs")
    if model.status_ == "diverged":
        st.error(model.message_)
        pause(KEY)
    elif model.epoch_ >= model.epochs - 1e-9:
        st.success(f"Done: {model.epochs} epochs. Raise *epochs* to keep training, or Reset.")
        pause(KEY)
    t1, t2, t3, t4 = st.tabs(["📉 Curves", "🔢 Confusion matrix", "🧩 First-layer weights", "❌ Mistakes"])
    with t1:
        a, b = st.columns(2)
        a.plotly_chart(
            charts.curves(
                h["epoch"], {"train": h["train_loss"], "test": h["test_loss"]}, title="Loss", log_y=True
            ),
            key="loss",
        )
        b.plotly_chart(
            charts.curves(h["epoch"], {"train": h["train_acc"], "test": h["test_acc"]}, title="Accuracy"),
            key="acc",
        )
    # the views inside the network are rebuilt every 3rd tick while playing: the browser keeps up
    ticks = state[f"{KEY}:ticks"] = state.get(f"{KEY}:ticks", 0) + 1
    if not playing or ticks % 3 == 1 or f"{KEY}:views" not in state:
        state[f"{KEY}:views"] = inside_views(model, X_te, y_te)
    views = state[f"{KEY}:views"]
    probs, pred = views["probs"], views["pred"]
    with t2:
        st.plotly_chart(views["cm"], key="cm")
    with t3:
        st.plotly_chart(views["weights"], key="weights")
    with t4:
        wrong = np.flatnonzero(pred != y_te)[:12]
        st.caption(f"{np.sum(pred != y_te)} of {len(y_te)} test digits are misclassified; the first 12:")
        cols = st.columns(6)
        for i, j in enumerate(wrong):
            idx, val = ms.top_k(probs[j])
            top3 = ", ".join(f"{d}: {v:.2f}" for d, v in zip(idx, val))
            cols[i % 6].image(
                X_te[j].reshape(28, 28),
                clamp=True,
                width=84,
                caption=f"predicted {pred[j]}, true {y_te[j]} · top-3 {top3}",
            )


def inside_views(model: MLP, X_te, y_te) -> dict:
    """Test predictions, the confusion matrix and the first layer's weights as images."""
    probs = model.predict_proba(X_te)
    pred = probs.argmax(axis=1)
    W0 = model.weights_[0].T.reshape(-1, 28, 28)[:100]
    return {
        "probs": probs,
        "pred": pred,
        "cm": charts.confusion_matrix(
            ms.confusion(y_te, pred), list(range(10)), title="Test digits: true (rows) vs predicted (columns)"
        ),
        "weights": feature_grid(
            W0,
            None,
            tile_px=28,
            height=520,
            title=f"What the first {len(W0)} hidden neurons look for (bright = positive weight)",
        ),
    }


live()

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
        except ModelFileError as exc:
            st.error(f"{exc} Your current model is unchanged.")
        else:
            loaded.eval_max_rows = ms.EVAL_ROWS
            state[f"{KEY}:model"] = loaded
            state[f"{KEY}:loaded"] = up.file_id
            st.success(f"Loaded a {loaded.layer_sizes} network.")
            st.rerun()

st.header("The math")
st.latex(
    r"p = \mathrm{softmax}\big(\mathrm{relu}(x W_1 + b_1)\, W_2 + b_2\big),\quad"
    r"L = -\frac1N\sum_n \ln p_{n, y_n},\quad \delta_\text{out} = \frac{p - y}{N}"
)
show_code(MLP.gradients, preprocess_digit)
