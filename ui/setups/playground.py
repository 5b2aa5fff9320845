"""The playground's settings, data and live task.

Pure Python + NumPy (no streamlit), so tests and the benchmark use exactly what the page uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import numpy as np

from engine import MLP, ModelFileError
from engine.datasets import Dataset
from engine.features import FEATURES, feature_map
from engine.metrics import confusion
from engine.recipe import Data, make_model
from engine.recipe import make_data as recipe_data
from engine.toy import REGRESSION_SETS
from ui.charts import plots
from ui.export.scripts import run_script
from ui.live.frames import to_u8
from ui.live.network_views import (
    MAX_SHOWN,
    SHADES,
    NetworkTask,
    Plane,
    layer_maps,
    neuron_map,
    picture_outputs,
    points,
    shown_weights,
)
from ui.live.protocol import Field, Layout, Matrix, Network
from ui.settings.form import Choice, Form, Number, Subset
from ui.settings.shared import (
    BATCH,
    EPOCHS,
    INIT,
    IRIS_FEATURES,
    LAYERS,
    LR,
    OPTIMIZER,
    READOUT,
    SEED,
    SPEED,
    iris_axes,
    two_features,
)

CLASSIFICATION_SETS = ("circle", "xor", "gaussian", "spiral", "moons", "iris")
DATASETS = (*CLASSIFICATION_SETS, *REGRESSION_SETS, "csv")
DATA_LABELS = {"multi_gaussian": "multi gaussian", "csv": "your CSV file", "iris": "iris flowers"}
MAX_ADDED = 500  # points a learner may add to a run
MAX_WEIGHT = 100.0  # |a typed weight| at most: larger ones only saturate every unit after it


def _rules(values: dict) -> dict:
    """Two different iris features, and a data set of the chosen kind of problem."""
    values = two_features(values)
    regression = values["problem"] == "regression"
    if values["data"] != "csv" and (values["data"] in REGRESSION_SETS) != regression:
        values["data"] = "plane" if regression else "circle"
    return values


FORM = Form(
    Choice("problem", "classification", "problem", "Tell classes apart, or predict a number (regression).",
           options=("classification", "regression"), widget="radio"),
    Choice("data", "circle", "data set", "Toy 2-D sets, iris with two measurements you choose, or your own CSV "
           "file.", options=DATASETS, labels=DATA_LABELS),
    Number("noise", 0.1, "noise", "How much the classes blur into each other.", lo=0.0, hi=1.0, step=0.05),
    Number("n", 400, "points", "How many points to draw (train and test together).", lo=20, hi=2000, step=20),
    Number("test", 0.5, "test share", "Share of points held out for testing.", lo=0.1, hi=0.9, step=0.05),
    Number("dseed", 0, "data seed", "Same seed, same points and split.", lo=0, hi=10_000, widget="number"),
    *iris_axes(2, 3),
    Subset("feats", ["x1", "x2"], "inputs", "What the network is fed: the coordinates, or features made from them.",
           options=tuple(FEATURES), labels={k: v[0] for k, v in FEATURES.items()}),
    LAYERS,
    READOUT,
    INIT,
    OPTIMIZER,
    LR,
    BATCH,
    Choice("reg", "none", "regularisation", "A penalty on large weights.", options=("none", "l1", "l2"), live=True),
    Number("rate", 0.001, "rate λ", "Strength of the penalty added to the loss: λ/(2n)·ΣW² for L2, λ/n·Σ|W| for "
           "L1 (n training points; the biases are free).", lo=0.0, hi=10.0, step=0.001, widget="number",
           fmt="%.4f", live=True),
    SEED,
    EPOCHS,
    SPEED,
    fix=_rules,
)


@dataclass
class PlaygroundData(Data):
    """The recipe's data (points in drawing coordinates ``P_*``, model inputs ``X_*``, targets) and
    what the page shows of it.

    A regression's targets train as ``(y - shift) / scale``; ``shift`` and ``scale`` turn predictions
    back into the target's own units (0 and 1 for the toy sets, whose targets lie in about -1..1)."""

    feats: list = field(default_factory=list)
    class_names: list | None = None  # None: a regression
    axis_names: tuple = ("x₁", "x₂")
    target: str = "target"
    shift: float = 0.0
    scale: float = 1.0

    @property
    def regression(self) -> bool:
        return self.class_names is None

    def inputs(self, P: np.ndarray) -> np.ndarray:
        """Model inputs for points in drawing coordinates (the same pipeline as training)."""
        return self.scaler.transform(feature_map(P, self.feats))

    def targets(self, values: np.ndarray) -> np.ndarray:
        """Training targets or predictions in the target's own units."""
        return np.asarray(values, dtype=np.float64) * self.scale + self.shift


def regularisation(s: dict) -> dict:
    return {"l1": s["rate"] if s["reg"] == "l1" else 0.0, "l2": s["rate"] if s["reg"] == "l2" else 0.0}


def training(s: dict) -> dict:
    """The recipe's training part: what the live settings set on the running network."""
    return {**FORM.training(s), **regularisation(s)}


def recipe(s: dict, csv=None) -> dict:
    """The run the settings describe, for ``engine.recipe`` (page and exported script alike).

    ``csv``: the learner's own data (``ui.inputs.csv_data.CsvData``) for ``data == "csv"``; a recipe
    cannot name it, so :func:`make_data` hands it over as it is."""
    if s["data"] == "csv":
        data, classes = {"set": "csv"}, csv.class_names
    elif s["data"] == "iris":
        data, classes = {"set": "iris", "columns": [s["fx"], s["fy"]]}, range(3)
    else:
        data = {"set": s["data"], "n": s["n"], "noise": s["noise"], "seed": s["dseed"]}
        classes = None if s["data"] in REGRESSION_SETS else range(2)
    regression = classes is None
    return {
        "data": data,
        "split": {"test_size": s["test"], "seed": s["dseed"], "stratify": not regression},
        "features": list(s["feats"]),
        "scale": "standard",
        "network": {
            "sizes": [len(s["feats"]), *(n for n, _ in s["layers"]), 1 if regression else len(classes)],
            "activation": [a for _, a in s["layers"]],
            "output": "linear" if regression else s["readout"],
            "init": s["init"],
            "seed": s["seed"],
        },
        "training": training(s),
    }


def make_data(s: dict, csv=None) -> PlaygroundData:
    """The data of :func:`recipe` (generated or loaded, split, mapped to features, standardised) and
    the names the page gives it."""
    feats = list(s["feats"])
    if s["data"] == "csv":
        y, shift, scale = csv.y, 0.0, 1.0
        if csv.class_names is None:  # a target in its own units: train on it standardised
            shift, scale = float(np.mean(y)), float(np.std(y)) or 1.0
            y = (y - shift) / scale
        d = recipe_data(recipe(s, csv), Dataset(csv.P, y))
        names = None if csv.class_names is None else list(csv.class_names)
        return PlaygroundData(**vars(d), feats=feats, class_names=names, axis_names=csv.axis_names,
                              target=csv.target, shift=shift, scale=scale)
    d = recipe_data(recipe(s))
    if s["data"] == "iris":
        names, axes = d.target_names, (f"{IRIS_FEATURES[s['fx']]} (cm)", f"{IRIS_FEATURES[s['fy']]} (cm)")
    else:
        names, axes = (None if s["data"] in REGRESSION_SETS else ["orange", "blue"]), ("x₁", "x₂")
    return PlaygroundData(**vars(d), feats=feats, class_names=names, axis_names=axes)


def saved_page(s: dict, csv=None, file_name: str = "") -> str:
    """The page settings a saved network carries (a query string); on a CSV, also its columns and file name."""
    query = FORM.to_query(s)
    if s["data"] == "csv" and csv is not None:
        query.update(csv_x1=csv.axis_names[0], csv_x2=csv.axis_names[1], csv_y=csv.target, csv_file=file_name)
    return urlencode(query)


def saved_csv(model: MLP) -> dict | None:
    """A saved network's CSV file: ``name``, ``data``, ``x1``, ``x2``, ``target``, ``kind``; None without one.
    Raises ModelFileError if it trained on one that did not come with it (files saved before they did)."""
    query = dict(parse_qsl(getattr(model, "page_", None) or ""))
    values = FORM.from_query(query)
    if values["data"] != "csv":
        return None
    if not getattr(model, "page_data_", None) or not all(k in query for k in ("csv_x1", "csv_x2", "csv_y")):
        raise ModelFileError("This network was trained on a CSV file that was not saved with it: upload that file "
                             "and train it again.")
    return {"name": query.get("csv_file") or "saved.csv", "data": model.page_data_, "x1": query["csv_x1"],
            "x2": query["csv_x2"], "target": query["csv_y"], "kind": values["problem"]}


def restore(model: MLP, csv=None) -> dict:
    """The page settings a saved network (``engine.load_weights``) was trained with; ``csv``: the data of
    its CSV file (:func:`saved_csv`) if it has one.

    Raises ModelFileError if the file carries none, or settings its network does not fit."""
    if not getattr(model, "page_", None):
        raise ModelFileError("This file holds a network but no playground settings (it was saved on another page).")
    values = FORM.from_query(dict(parse_qsl(model.page_)))
    if values["data"] == "csv" and csv is None:
        raise ModelFileError("This network was trained on a CSV file: upload that file and train it again.")
    net = recipe(values, csv)["network"]
    if model.layer_sizes != net["sizes"] or model.activation != net["activation"] or model.output != net["output"]:
        raise ModelFileError("The network in this file does not fit the page settings saved with it.")
    return values


class PlaygroundTask(NetworkTask):
    """The playground's network on its data: the plane, the network diagram, the curves and, for
    classes, the confusion matrix of the test points."""

    MAP_EVERY = 4  # neuron maps are 20 x 20: every 4th point of the 80 x 80 plane
    stacks = True  # a class at the defaults plays many copies of one small network

    def __init__(self, s: dict, csv=None, model: MLP | None = None):
        """``csv``: the learner's data for ``data == "csv"``; ``model``: a loaded network (see :func:`restore`)."""
        self.d = d = make_data(s, csv)
        self.csv, self.recipe = csv, recipe(s, csv)
        model = model or make_model(self.recipe, epochs=s["epochs"])
        super().__init__(model, d.X_train, d.y_train, d.X_test, d.y_test, s["epochs"])
        self.plane = Plane(np.r_[d.P_train, d.P_test], n=80)
        self.grid_inputs = d.inputs(self.plane.points)
        self._grid32 = self.grid_inputs.astype(np.float32)  # what the pictures evaluate (picture_outputs)
        y_all = d.targets(np.r_[d.y_train, d.y_test]) if d.regression else None
        self.value_range = None if y_all is None else (float(y_all.min()), float(y_all.max()))
        self.n_given = len(d.y_train)  # training points of the data set; those after it the learner added
        self.by_hand: set[str] = set()  # what the learner changed by hand: "weights", "points"
        self.apply(s)

    def apply(self, s: dict) -> None:
        self.settings = s
        self.apply_training(training(s), s["epochs"])

    def rate(self) -> float:
        return self.settings["speed"] * self.step_units()

    def export_problem(self) -> str | None:
        """Why this run cannot be written as a script, or None if it can."""
        if self.csv is not None:
            return "Runs on your own CSV file are not exported as scripts (the script could not read the file)."
        if self.rolled_back:
            return "This run diverged and was rolled back; a script could not replay that. Reset to export."
        if self.by_hand:
            done = " and ".join(sorted({"weights": "weights you typed", "points": "points you added"}[w]
                                       for w in self.by_hand))
            return f"This run trained with {done}; a script could not replay that. Reset to export."
        return None

    # ------------------------------------------------------------ hands on the diagram
    def edit(self, what: str, arg) -> None:
        """A weight typed on an edge, a point added on the plane, or the added points cleared; an
        edit that does not fit this network or data is ignored.  The guard judges the run from here."""
        d = self.d
        if what == "weight":
            weights = self.model.weights_
            if arg.layer >= len(weights) or arg.i >= weights[arg.layer].shape[0] or arg.j >= weights[arg.layer].shape[1]:
                return
            weights[arg.layer][arg.i, arg.j] = np.clip(arg.value, -MAX_WEIGHT, MAX_WEIGHT)
            self.by_hand.add("weights")
        elif what == "point":
            x0, x1, y0, y1 = self.plane.extent
            fits = x0 <= arg.x <= x1 and y0 <= arg.y <= y1 and arg.label < len(d.class_names or [])
            if not fits or len(d.y_train) - self.n_given >= MAX_ADDED:
                return
            P = np.array([[arg.x, arg.y]])
            d.P_train, d.y_train = np.r_[d.P_train, P], np.r_[d.y_train, arg.label]
            d.X_train = np.r_[d.X_train, d.inputs(P)]  # scaled as the data set was: the inputs keep their meaning
            self.by_hand.add("points")
        elif what == "clear":
            n = self.n_given
            d.P_train, d.y_train, d.X_train = d.P_train[:n], d.y_train[:n], d.X_train[:n]
        self.use_data(d.X_train, d.y_train, *self.data[2:])  # the next batches train on them
        self.model.restart_watch(*self.data)  # a loss the learner raised is no divergence
        self.changed()  # Pause can no longer go back to before it

    def added(self):
        """The points the learner added, for the plane."""
        return points(self.d.P_train[self.n_given :], self.d.y_train[self.n_given :])

    def ask(self, what: str, arg) -> dict | None:
        """The +/- buttons: the hidden layers with these sizes (a new layer takes the last one's activation)."""
        acts = [a for _, a in self.settings["layers"]] or [FORM["layers"].default[0][1]]
        return {"layers": [(n, acts[min(k, len(acts) - 1)]) for k, n in enumerate(arg.sizes)]}

    def script(self) -> str:
        return run_script("playground", self.recipe, self.run_phases(), "R²" if self.d.regression else "accuracy")

    # ------------------------------------------------------------------ views
    def _plane_spec(self) -> Field:
        d = self.d
        spec = dict(id="plane", title="What the network predicts", xlabel=d.axis_names[0], ylabel=d.axis_names[1],
                    w=3, min=300)
        n = self.n_given  # the learner's points come with the snapshots
        pts = points(d.P_train[:n], d.y_train[:n] if not d.regression else np.zeros(n, int), d.P_test,
                     d.y_test if not d.regression else np.zeros(len(d.y_test), int))
        if not d.regression:
            return self.plane.spec(len(d.class_names), d.class_names, pts, addable=True,
                                   note="Background: the predicted class; dots: training points, ◇: test points.",
                                   **spec)
        pts.value = d.targets(np.r_[d.y_train, d.y_test]).astype(np.float32)
        return self.plane.spec(2, ["low", "high"], pts, mode="value", range=list(self.value_range), valueLabel=d.target,
                               note=f"Background: the predicted {d.target} (orange low, blue high); points: the "
                               "data's own.", **spec)

    def layout(self) -> Layout:
        d, m, every = self.d, self.model, self.MAP_EVERY
        input_maps = [
            neuron_map(self.plane.image(col)[every // 2 :: every, every // 2 :: every], bounded=False)
            for col in self.grid_inputs.T[:MAX_SHOWN]
        ]
        network = Network(
            id="net", title="The network: each neuron's output over the plane",
            layers=m.layer_sizes, shown=[min(n, MAX_SHOWN) for n in m.layer_sizes],
            acts=[*m.activation, m.output], inputs=[FEATURES[f][0] for f in d.feats],
            outputs=d.class_names or [d.target], map=self.plane.n // every, inputMaps=np.stack(input_maps),
            w=3, h=380, min=300, editable=True, resize=[FORM["layers"].max_layers, FORM["layers"].max_units],
            note="Each square: that neuron's output over the plane. Thicker edges: larger |w|. Hover or tap a "
            "neuron to see its output over the plane, an edge to read its weight; click an edge to type a new one.",
        )
        curves = self.curve_specs()
        if d.regression:
            curves[1].title, curves[1].percent = "R² (1 = a perfect fit, 0 = no better than the mean)", False
        for c in curves:
            c.w, c.min = 2, 260
        ids = [c.id for c in curves]
        panels, rows = [self._plane_spec(), network, *curves], [["plane", ids[:2]], ["net", ids[2:]]]
        if not d.regression:
            panels.append(Matrix(id="confusion", title="Test points: true class (rows) vs predicted (columns)",
                                 labels=d.class_names, recall=True, w=2, min=260, maxh=260))
            rows[1][1] = [*ids[2:], "confusion"]
        score = "R²" if d.regression else "accuracy"
        return Layout(metrics=["epoch", "train loss", "test loss", f"train {score}", f"test {score}"],
                      panels=panels, rows=rows)

    def snapshot(self, detail: bool | str = "all") -> dict:
        d, m = self.d, self.model
        outputs = picture_outputs(m, self._grid32, MAX_SHOWN)  # what the diagram's maps show, in float32
        if d.regression:
            values = self.plane.image(d.targets(outputs[-1][:, 0]))
            grid = to_u8(values, *self.value_range, SHADES)
        else:
            grid = self.plane.classes(outputs[-1])
        panels = {"plane": {"grid": grid}}
        if detail and not d.regression:
            panels["plane"]["added"] = self.added()
        if detail:
            panels["net"] = {
                "weights": shown_weights(m),
                "maps": layer_maps(outputs, [*m.activation, m.output], self.plane, self.MAP_EVERY),
            }
            if not d.regression:
                pred = m.predict(d.X_test)
                panels["confusion"] = {"counts": confusion(d.y_test, pred, len(d.class_names)).astype(np.int32)}
        score, fmt = ("R²", "{:.3f}") if d.regression else ("accuracy", "{:.1%}")
        return {
            "metrics": {
                "epoch": self.epoch_text(1),
                "train loss": f"{self.last('train_loss'):.4f}",
                "test loss": f"{self.last('test_loss'):.4f}",
                f"train {score}": fmt.format(self.last("train_acc")),
                f"test {score}": fmt.format(self.last("test_acc")),
            },
            "panels": panels,
        }

    def figures(self) -> list:
        d, m, plane = self.d, self.model, self.plane
        if d.regression:
            x0, x1, y0, y1 = plane.extent
            xs, ys = np.linspace(x0, x1, plane.n), np.linspace(y0, y1, plane.n)
            values = d.targets(m.predict(self.grid_inputs)).reshape(plane.n, plane.n)
            field = plots.value_map(xs, ys, values, d.P_train, d.targets(d.y_train), d.P_test, d.targets(d.y_test),
                                     title=f"Predicted {d.target} (◇ = test points)", label=d.target)
        else:
            field = plane.figure(m.predict_proba(self.grid_inputs), d.P_train, d.y_train, d.class_names,
                                 "Decision boundary (◇ = test points)", d.P_test, d.y_test)
        field.update_xaxes(title=d.axis_names[0]).update_yaxes(title=d.axis_names[1])
        h = m.history_
        return [
            ("boundary", field),
            ("loss", plots.curves(h["epoch"], {"train": h["train_loss"], "test": h["test_loss"]},
                                   title="Loss", log_y=True)),
            ("network", plots.network_diagram(m.layer_sizes, m.weights_)),
        ]
