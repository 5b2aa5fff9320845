"""MNIST: train an MLP live on handwritten digits, look inside it, draw a digit to test it."""

import streamlit as st

from engine import ModelFileError, weights_bytes
from engine.digits import preprocess_digit
from engine.idx import IDXError
from engine.mlp import MLP
from engine.sequential import Sequential
from ui.charts import plots
from ui.export.downloads import downloads, loaded_note
from ui.export.scripts import history_csv
from ui.inputs import mnist_upload, weights
from ui.inputs.digit_input import digit_input
from ui.inputs.mnist_source import operator_mnist_dir
from ui.live import canvas
from ui.settings.lr_hint import lr_hint
from ui.settings.widgets import Bound
from ui.setups import experiments
from ui.setups import mnist as ms
from ui.shell.show_code import show_code

KEY = "mn"
state = st.session_state


# (a function defined in this script would keep one of its runs, and a learner's data, for good)
server_digits = st.cache_resource(show_spinner="Loading digits…")(ms.server_digits)


SOURCES = {
    "bundled": "bundled subset (4000 training + 1000 test digits)",
    "server": "full MNIST on this server (60 000 + 10 000)",
    "upload": "my own MNIST files (upload the four .gz files)",
}

st.title("✍️ MNIST: a network that reads handwriting")
st.markdown(
    "A 784-100-10 network sees each 28 x 28 digit as 784 numbers. Press **Play** and watch it learn; "
    "then look inside and draw your own digit."
)

form = Bound(ms.FORM, KEY, experiments.MNIST)
with st.sidebar:
    st.header("Network")
    for key in ("layers", "readout"):
        form.widget(key)
    st.header("Training")
    for key in ("opt", "lr", "batch", "l2", "epochs", "speed", "seed"):
        form.widget(key)
    st.header("Data")
    folder = operator_mnist_dir()
    source = st.radio(
        "digits",
        [k for k in SOURCES if k != "server" or folder is not None],
        format_func=SOURCES.get,
        key=f"{KEY}_source",
        help="The bundled subset trains in seconds. The full set is there if the operator set "
        "BACKPROP_LAB_MNIST_DIR, or from the four standard files you upload (gzipped: each fits the "
        "10 MB upload limit).",
    )
    shared, data_key, upload = server_digits(None), "bundled", None
    if source == "server":
        try:
            shared, data_key = server_digits(str(folder)), "server"
        except IDXError as exc:
            st.error(f"{exc} Using the bundled subset.")
    elif source == "upload":
        upload, ids = mnist_upload.uploaded_set(KEY)
        data_key = ids or data_key
    if source != "upload":
        mnist_upload.forget(KEY)


def digits():
    """This session's digits: its upload (through the Kept, which a gone session lets go of) or a shared set."""
    return upload.value if upload is not None and upload.value is not None else shared


s = form.values

source = "bundled" if data_key == "bundled" else "full"
run = canvas.run(KEY, lambda: ms.MnistTask(s, digits(), source=source), form, data_key)
task: ms.MnistTask = run.task
canvas.view(KEY, run)
model: MLP = task.model

st.header("Try it: draw a digit")
c1, c2 = st.columns([1, 2])
with c1:
    digit, why = digit_input("digit")
with c2:
    if digit is None:
        st.info(why)
    else:
        p = model.predict_proba(digit.reshape(1, 784))[0]
        a, b = st.columns([1, 3])
        a.image(digit, clamp=True, width=112, caption="what the network sees (28 x 28)")
        a.markdown(f"### prediction: **{int(p.argmax())}**")
        b.plotly_chart(plots.bars(range(10), p, title="probabilities", highlight=int(p.argmax())), key="probs")
        hid = model.layer_outputs(digit.reshape(1, 784))[0][0]
        b.plotly_chart(
            plots.bars(range(len(hid)), hid, title="first hidden layer's activations", height=200), key="hidden"
        )

lr_hint(KEY, model, task.data[0], task.data[1], ms.FORM["lr"].options)

st.header("Save, export and load")
st.caption(
    "The weights (load them here later), the run as a Python script that rebuilds the same digits, network "
    "and training with the engine, or the loss and accuracy history as CSV."
)
downloads(
    KEY,
    "mnist",
    lambda: weights_bytes(run.task.model),
    lambda: run.task.script(),
    lambda: history_csv(run.task.model.history_, running=run.task.model.running_),  # ten rows an epoch
    task.export_problem(),
)
up = st.file_uploader("Load weights (.npz)", type=["npz"], key="weights_upload", help=weights.FORMAT_HELP)
if up is not None and state.get(f"{KEY}:loaded") != up.file_id:
    try:
        loaded = weights.load_upload(up.getvalue(), max_hidden=4, max_units=784)  # 784 inputs
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
        settings = ms.FORM.clean(settings)
        state[f"{KEY}:loaded"] = up.file_id  # tried once: loading it again takes uploading it again
        note = loaded_note(loaded)  # (of the file: the task adds a history point to the model)
        if canvas.replace(KEY, lambda: ms.MnistTask(settings, digits(), model=loaded, source=source), ms.FORM,
                          settings, data_key):
            state[f"{KEY}:load_note"] = note
            form.load(settings)  # the sidebar shows the loaded network
            st.rerun()
        state.pop(f"{KEY}:load_note", None)
if up is not None and state.get(f"{KEY}:loaded") == up.file_id and f"{KEY}:load_note" in state:
    st.caption(state[f"{KEY}:load_note"])

st.header("The math")
st.latex(ms.formula(s))
st.caption("x: a digit's 784 pixels; N: digits in a batch" + ("; n: training digits" if s["l2"] else "") + ".")
show_code(Sequential.loss_and_grads, preprocess_digit)
