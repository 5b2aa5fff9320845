"""MNIST page settings, data and live task (no streamlit)."""

from __future__ import annotations

import time

import numpy as np

from engine import MLP, load_mnist
from engine.datasets import Dataset
from engine.metrics import confusion
from engine.pixels import Pixels
from engine.recipe import make_data
from engine.recipe import make_model as recipe_model
from ui.charts import plots
from ui.export.scripts import run_script
from ui.live.digit_views import WEIGHT_TILES, mistakes, mistakes_tiles, weight_images
from ui.live.network_views import NetworkTask
from ui.live.protocol import Layout, Matrix, Tiles
from ui.settings.form import BATCH_LADDER, LR_LADDER, Form, ladder
from ui.settings.shared import BATCH, EPOCHS, L2, LAYERS, LR, OPTIMIZER, READOUT, SEED, SPEED

EVAL_ROWS = 2000  # history points measure at most this many training and test rows: a live tick stays short
WEIGHTS_EVERY = 0.6  # s: the weight images (~37 kB, noisy, hardly compressible) change slowly

FORM = Form(
    LAYERS.with_(default=[(100, "relu")], activations=("relu", "tanh", "sigmoid", "leaky_relu"), max_layers=4,
                 max_units=512, note="A 784-100-10 network reads the bundled digits well."),
    READOUT,
    OPTIMIZER,
    LR.with_(default=0.001, options=ladder(LR_LADDER, 0.0001, 1.0)),
    BATCH.with_(default=32, options=ladder(BATCH_LADDER, 10, 256)),
    L2,
    EPOCHS.with_(default=30, hi=200, note="By 30 the test accuracy has long stopped rising."),
    SPEED.with_(default=2.0, lo=0.2, hi=50.0, step=0.2, note="The bundled digits train at 50 epochs a second on "
                "one core; slower is easier to watch."),
    SEED,
)
# the digits of a recipe: the bundled 5000 split 80/20 (stratified, seed 0), or the four MNIST files
# (in the folder "mnist" beside an exported script) with their own training and test sets
DIGITS = {
    "bundled": {"data": {"set": "mnist"}, "split": {"test_size": 0.2, "seed": 0, "stratify": True}},
    "full": {"data": {"set": "mnist", "folder": "mnist"}, "split": None},
}


def _read_only(d) -> tuple:
    """X_train, X_test, y_train, y_test, read-only: one copy is shared by every session."""
    arrays = d.X_train, d.X_test, d.y_train, d.y_test
    for a in arrays:
        a.setflags(write=False)
    return arrays


def bundled_split():
    """The bundled 5000 digits split 80/20 (stratified): X_train, X_test, y_train, y_test (read-only)."""
    return _read_only(make_data(DIGITS["bundled"]))


def split(d: Dataset):
    """A loaded MNIST ``Dataset`` of pixels (``load_mnist(scale=False)``) as X_train, X_test, y_train,
    y_test: the files' own training and test sets (an unknown boundary: the last 20%), read-only, the
    images kept as bytes (:class:`~engine.pixels.Pixels`: a quarter of their floats, read a batch at a time)."""
    X_tr, X_te, y_tr, y_te = _read_only(make_data(DIGITS["full"], d))
    return Pixels(X_tr), Pixels(X_te), y_tr, y_te


def server_digits(folder: str | None = None):
    """Read-only digits shared by all visitors (never a user's model): the bundled subset, or the full
    MNIST from the operator's folder.  (Pages cache it; defined here, its cache holds no page's names.)"""
    return bundled_split() if folder is None else split(load_mnist(folder, scale=False))


def recipe(s: dict, source: str = "bundled") -> dict:
    """The run the settings describe on the ``source`` digits ("bundled" or "full"), for ``engine.recipe``:
    float32 (fast); He initialisation under ReLU-like units, else Xavier."""
    acts = [a for _, a in s["layers"]]
    return {
        **DIGITS[source],
        "network": {
            "sizes": [784, *(n for n, _ in s["layers"]), 10],
            "activation": acts,
            "output": s["readout"],
            "init": "he" if acts and acts[0] in ("relu", "leaky_relu") else "xavier",
            "seed": s["seed"],
            "dtype": "float32",
        },
        "training": FORM.training(s),
    }


def make_model(s: dict) -> MLP:
    """The network of the page's settings, fresh weights from ``seed``."""
    return recipe_model(recipe(s), epochs=s["epochs"], eval_max_rows=EVAL_ROWS)


_ACT_TEX = {"relu": r"\mathrm{relu}", "tanh": r"\tanh", "sigmoid": r"\sigma", "leaky_relu": r"\mathrm{leaky\,relu}"}


def formula(s: dict) -> str:
    """The network of the settings as KaTeX: a line per layer, the loss and the output's delta, aligned
    (one line is wider than a phone).  The penalty appears when there is one."""
    lines, prev = [], "x"
    for i, (units, act) in enumerate(s["layers"], 1):
        lines.append(rf"a_{i} &= {_ACT_TEX[act]}\big({prev} W_{i} + b_{i}\big) \in \mathbb{{R}}^{{{units}}}")
        prev = f"a_{i}"
    last = len(s["layers"]) + 1
    if s["readout"] == "softmax":
        lines.append(rf"p &= \mathrm{{softmax}}\big({prev} W_{last} + b_{last}\big)")
        lines.append(r"L &= -\frac1N\sum_n \ln p_{n, y_n}")
    else:  # one sigmoid per digit, each its own yes/no question
        lines.append(rf"p &= \sigma\big({prev} W_{last} + b_{last}\big)")
        lines.append(r"L &= -\frac1N\sum_{n,k} \Big[y_{nk} \ln p_{nk}")
        lines.append(r"&\qquad + (1 - y_{nk}) \ln(1 - p_{nk})\Big]")
    if s["l2"]:
        lines.append(r"&\qquad + \frac{\lambda}{2n} \textstyle\sum_l \lVert W_l \rVert^2")
    lines.append(r"\delta_\text{out} &= \frac{p - y}{N}")
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


class MnistTask(NetworkTask):
    """An MLP on the digits, trained as fast as the pace allows."""

    share = 0.7  # fast training is the point here; many learners still share the core fairly
    record_every_piece = False  # a history point measures 5000 digits: once a tick is enough
    fine_curves = True  # ten points an epoch from the batches' running means
    KEPT = (*NetworkTask.KEPT, "train_seconds")

    def __init__(self, s: dict, data, model: MLP | None = None, source: str = "bundled"):
        """``model``: weights loaded from a file instead of fresh ones from the settings; ``source``:
        "bundled" digits or a "full" MNIST (for the exported script)."""
        X_tr, X_te, y_tr, y_te = data
        super().__init__(model or make_model(s), X_tr, y_tr, X_te, y_te, s["epochs"])
        self.recipe, self.loaded = recipe(s, source), model is not None
        self.train_seconds, self.seen_before = 0.0, self.model.n_seen_  # (a loaded network has seen some)
        self.weights_sent = -WEIGHTS_EVERY
        self.apply(s)

    def apply(self, s: dict) -> None:
        self.settings = s
        self.apply_training(FORM.training(s), s["epochs"])

    def export_problem(self) -> str | None:
        """Why this run cannot be written as a script, or None if it can."""
        if self.loaded:
            return "This network started from a weights file; a script could not replay how it was trained."
        if self.rolled_back:
            return "This run diverged and was rolled back; a script could not replay that. Reset to export."
        return None

    def script(self) -> str:
        return run_script("mnist", self.recipe, self.run_phases(), rows=self.model.eval_max_rows)

    def rate(self) -> float:
        return self.settings["speed"] * self.step_units()

    def advance(self, units, seconds, final=True):
        t0 = time.perf_counter()
        done = super().advance(units, seconds, final)
        self.train_seconds += time.perf_counter() - t0
        return done

    def test_predictions(self) -> np.ndarray:
        return self.model.predict_proba(self.data[2])

    def layout(self) -> Layout:
        curves = self.curve_specs()
        for c in curves:
            c.w, c.min = 1, 280
        # the first layer's weights; with no hidden layer those of each digit's output, its template
        n_weights = min(WEIGHT_TILES, self.model.layer_sizes[1])
        hidden = len(self.model.layer_sizes) > 2
        panels = [
            *curves,
            Matrix(id="confusion", title="Test digits: true (rows) vs predicted (columns)",
                   labels=[str(d) for d in range(10)], w=2, min=260, maxh=360),
            mistakes_tiles(cols=6, w=3, min=300),
        ]
        rows = [[c.id for c in curves[:2]], ["confusion", "mistakes"], [c.id for c in curves[2:]]]
        panels.append(Tiles(
            id="weights", diverging=True, tile=[28, 28], cols=12, count=n_weights,
            itemName="hidden neuron" if hidden else "digit",
            title=(f"What the first {n_weights} hidden neurons look for: each one's weights on the pixels" if hidden
                   else "What each digit's output looks for: its weights on the pixels, 0 to 9"),
        ))
        rows.append(["weights"])
        return Layout(metrics=["epoch", "examples seen", "examples / second", "train accuracy", "test accuracy"],
                      progress=True, panels=panels, rows=rows)

    def snapshot(self, detail: bool = True) -> dict:
        m = self.model
        snap = {
            "metrics": {
                "epoch": self.epoch_text(2),
                "examples seen": f"{m.n_seen_:,}",
                "examples / second": (f"{(m.n_seen_ - self.seen_before) / self.train_seconds:,.0f}"
                                      if self.train_seconds else "–"),
                "train accuracy": f"{self.last('train_acc'):.3f}",
                "test accuracy": f"{self.last('test_acc'):.3f}",
            },
            "progress": self.progress(),
            "panels": {},
        }
        if detail:
            X_te, y_te = self.data[2], self.data[3]
            probs = self.test_predictions()
            images, captions = mistakes(probs, X_te, y_te)
            snap["panels"] = {
                "confusion": {"counts": confusion(y_te, probs.argmax(axis=1), 10).astype(np.int32)},
                "mistakes": {"images": images, "captions": captions},
            }
            now = time.monotonic()
            if detail == "all" or now - self.weights_sent >= WEIGHTS_EVERY:
                snap["panels"]["weights"] = {"images": weight_images(m.weights_[0])}
                self.weights_sent = now
        return snap

    def figures(self) -> list:
        h = self.model.history_
        pred = self.test_predictions().argmax(axis=1)
        return [
            ("loss", plots.curves(h["epoch"], {"train": h["train_loss"], "test": h["test_loss"]}, title="Loss",
                                   log_y=True)),
            ("accuracy", plots.curves(h["epoch"], {"train": h["train_acc"], "test": h["test_acc"]},
                                       title="Accuracy")),
            ("confusion", plots.confusion_matrix(confusion(self.data[3], pred, 10), list(range(10)),
                                                  title="Test digits: true (rows) vs predicted (columns)")),
        ]
