"""Settings and live tasks of the three regression pages (linear, logistic, softmax).

Pure Python + NumPy (no streamlit): the pages, tests and benchmarks share these.
"""

from __future__ import annotations

import numpy as np

from engine import (
    LinearRegressionGD,
    LogisticRegressionGD,
    MaxScaler,
    SoftmaxRegressionGD,
    load_iris,
    train_test_split,
)
from engine.metrics import confusion
from engine.regression import LinearRegressionOLS, SingularMatrixError, critical_learning_rate, mse_surface
from engine.toy import make_line
from ui.charts import plots
from ui.charts.palette import BLUE, GREY, ORANGE
from ui.live.frames import to_u8
from ui.live.harness import LiveTask
from ui.live.network_views import Plane, points
from ui.live.protocol import ClassStyle, Curves, Field, Layout, Line, Mark, Matrix, Points, Series
from ui.settings.form import LR_LADDER, Choice, Flag, Form, Number, ladder
from ui.settings.shared import IRIS_FEATURES, L2, LR, iris_axes, two_features

SPEED_HELP = "Gradient steps per second while playing; Step takes one."


def one_unit(readout: str, objective: str, units: str = "one unit") -> str:
    """What each regression page says about its gradient descent: the smallest network."""
    return (f"Gradient descent here is the smallest network: one Dense layer ({units}, $z = xW + b$, "
            f"$\\beta$ is $b$ then $W$) with {readout} readout, trained by the same loop as the networks "
            f"of the other pages with all points in one batch, so one step is one epoch. It {objective}.")

class GDTask(LiveTask):
    """A gradient-descent estimator on fixed data; one unit is one gradient step."""

    objective = "objective"

    def __init__(self, model, X, y, speed):
        self.model, self.X, self.y, self.speed = model, X, y, speed
        model.partial_fit(X, y, 0)

    def rate(self):
        return self.speed

    def advance(self, units, seconds, final=True):
        steps = self.steps
        self.model.partial_fit(self.X, self.y, units)  # a step costs well under a millisecond: no time limit
        return self.steps - steps

    def status(self):
        if self.model.status_ == "diverged":
            return "error", self.model.message_
        return "ok", ""

    def mark(self):
        return self.model.checkpoint()  # one Dense layer: small

    def restore(self, mark) -> bool:
        self.model.restore(mark)
        return True

    @property
    def steps(self) -> int:
        return len(self.model.history_["step"])

    def curves(self):
        h = self.model.history_
        return {"objective": (h["step"], {self.objective: h["objective"]})}

    def objective_figure(self, title: str, log_y: bool = False):
        h = self.model.history_
        return plots.curves(h["step"], {self.objective: h["objective"]}, title=title, xlabel="step", log_y=log_y)


# ---------------------------------------------------------------- linear regression
LINEAR_FORM = Form(
    Choice("data", "line", "data", "Points scattered around a line you choose, or two columns of your own CSV file.",
           options=("line", "csv"), labels={"line": "a line with noise", "csv": "your CSV file"}),
    Number("n", 100, "points", "How many (x, y) points to draw.", lo=10, hi=500),
    Number("b0", 3.0, "true intercept", "Where the true line crosses x = 0.", lo=-5.0, hi=5.0, step=0.5),
    Number("b1", 1.0, "true slope", "How steeply the true line climbs.", lo=-3.0, hi=3.0, step=0.25),
    Number("noise", 0.5, "noise (std)", "Standard deviation of the vertical scatter.", lo=0.0, hi=2.0, step=0.05),
    Number("seed", 0, "seed", "Same seed, same points.", lo=0, hi=10_000, widget="number"),
    Flag("collinear", False, "add a copy of x as a second feature (2x)",
         "Makes X'X singular: OLS has no unique answer. See what gradient descent does."),
    LR.with_(default=0.3, options=ladder(LR_LADDER, 0.001, 2.0)),
    Number("speed", 10, "steps per second", SPEED_HELP, lo=1, hi=100, live=True),
)


class LinearTask(GDTask):
    """Least squares by gradient descent beside the closed form: the line, the loss surface, J per step."""

    objective = "J(β) = MSE/2"

    def __init__(self, s: dict, xy=None):
        """``xy``: ``(x, y, x name, y name)`` from the learner's CSV, standardised here (the loss surface
        is drawn around the optimum in units of one standard deviation)."""
        self.s = s
        if xy is None:
            self.x, y = make_line(s["n"], s["b0"], s["b1"], s["noise"], s["seed"])
            self.names = ("x", "y")
        else:
            x, y, *names = xy
            self.x, y = (x - x.mean()) / (x.std() or 1.0), (y - y.mean()) / (y.std() or 1.0)
            self.names = tuple(f"{n} (standardised)" for n in names)
        X = np.c_[self.x, 2 * self.x] if s["collinear"] else self.x[:, None]
        try:
            ols = LinearRegressionOLS().fit(X, y)
            self.ols, self.singular = (ols.intercept_, float(ols.coef_[0])), None
        except SingularMatrixError as exc:
            self.ols, self.singular = None, str(exc)
        self.critical_lr = critical_learning_rate(X)
        self._surface = None
        super().__init__(LinearRegressionGD(lr=s["lr"]), X, y, s["speed"])

    def apply(self, s: dict) -> None:
        self.model.lr, self.speed = s["lr"], s["speed"]

    def status(self):
        kind, message = super().status()
        if kind == "error":
            message += f" For these data steps above η = {self.critical_lr:.3g} diverge."
        return kind, message

    def surface(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The loss surface around the optimum, ``(b0s, b1s, J)`` on a 60 x 60 grid: computed once a task
        (the canvas's layout and the zoomable chart share it), a row of the grid at a time."""
        if self._surface is None:
            cx, cy = self.ols if self.ols is not None else (0.0, 0.0)
            b0s, b1s = np.linspace(cx - 4, cx + 4, 60), np.linspace(cy - 4, cy + 4, 60)
            self._surface = b0s, b1s, mse_surface(self.x, self.y, b0s, b1s)
        return self._surface

    def line(self) -> tuple[float, float]:
        """Intercept and slope of the gradient-descent line (x counts twice with the 2x copy)."""
        b = self.model.beta_
        return float(b[0]), float(b[1] if not self.s["collinear"] else b[1:] @ [1, 2])

    def curves(self):
        out = super().curves()
        h = self.model.history_
        if not self.s["collinear"] and h["beta"]:
            path = np.array(h["beta"] + [self.model.beta_])[:, :2]
            out["surface"] = (path[:, 0], {"slope": path[:, 1]})
        return out

    def layout(self) -> Layout:
        x, y = self.x, self.y
        pad_x, pad_y = 0.05 * (x.max() - x.min() or 1), 0.1 * (y.max() - y.min() or 1)
        fit = Field(
            id="fit", title="Data and fitted lines", xlabel=self.names[0], ylabel=self.names[1],
            extent=[float(x.min() - pad_x), float(x.max() + pad_x), float(y.min() - pad_y), float(y.max() + pad_y)],
            points=Points(x=x.astype(np.float32), y=y.astype(np.float32), label=np.zeros(len(x), np.uint8)),
            classes=[ClassStyle(name="data", color=GREY)], h=380, w=1, min=300,
        )
        panels, rows = [fit], [["fit"]]
        if not self.s["collinear"]:
            cx, cy = self.ols if self.ols is not None else (0.0, 0.0)
            J = np.log10(self.surface()[2])
            lo, hi = float(J.max()), float(J.min())  # reversed: the valley is the darkest
            panels.append(Field(
                id="surface", title="Loss surface J(β₀, β₁) and the descent path",
                xlabel="intercept β₀", ylabel="slope β₁", mode="scalar", scale="log", range=[lo, hi],
                valueLabel="J", extent=[cx - 4 - 4 / 59, cx + 4 + 4 / 59, cy - 4 - 4 / 59, cy + 4 + 4 / 59],
                grid=60, values=to_u8(J[::-1], lo, hi), pathName="gradient descent",  # the path: curves()["surface"]
                marks=[Mark(x=cx, y=cy)] if self.ols is not None else [],  # the OLS optimum
                aspect=1, maxh=380, w=1, min=300,
            ))
            rows[0].append("surface")
        panels.append(Curves(id="objective", title="Loss per step", xlabel="step", log=True,
                             series=[Series(name=self.objective)], h=220))
        rows.append(["objective"])
        return Layout(metrics=["step", "intercept β₀", "slope on x", "OLS intercept", "OLS slope"],
                      panels=panels, rows=rows)

    def snapshot(self, detail=True):
        b0, b1 = self.line()
        xx = np.array([self.x.min(), self.x.max()], dtype=np.float32)
        lines = []
        if self.ols is not None:
            lines.append(Line(name="OLS (closed form)", x=xx, y=self.ols[0] + self.ols[1] * xx, color=BLUE))
        lines.append(Line(name=f"gradient descent, step {self.steps}", x=xx, y=b0 + b1 * xx, color=ORANGE, dash=True))
        ols = self.ols or (float("nan"), float("nan"))
        return {
            "metrics": {
                "step": str(self.steps), "intercept β₀": f"{b0:.4f}", "slope on x": f"{b1:.4f}",
                "OLS intercept": f"{ols[0]:.4f}" if self.ols else "none", "OLS slope": f"{ols[1]:.4f}" if self.ols else "none",
            },
            "panels": {"fit": {"lines": lines}},
        }

    def figures(self):
        lines = {"OLS (closed form)": self.ols} if self.ols is not None else {}
        lines[f"gradient descent, step {self.steps}"] = self.line()
        h = self.model.history_
        out = [("fit", plots.line_fit(self.x, self.y, lines, title="Data and fitted lines"))]
        if not self.s["collinear"]:
            path = np.array(h["beta"] + [self.model.beta_])[:, :2]
            out.append(("surface", plots.loss_surface_path(
                *self.surface(), path, optimum=self.ols,
                title="Loss surface J(β₀, β₁) and the descent path",
            )))
        out.append(("loss", self.objective_figure("Loss per step", log_y=True)))
        return out


# ------------------------------------------------- logistic and softmax regression
PAIRS = ((1, 2), (0, 1), (0, 2))
SPECIES = ("setosa", "versicolor", "virginica")
TEST_SHARE = 0.3  # held out (stratified, seed 0): the test accuracy says whether the line generalises
CLASS_DATA = Choice("data", "iris", "data", "Fisher's iris flowers, or your own CSV file (two columns of numbers "
                    "and a class column).", options=("iris", "csv"), labels={"csv": "your CSV file"})


class ClassifierTask(GDTask):
    """A linear classifier on two features: its regions, the objective per step, train and test accuracy
    and the test points' confusion matrix.  Features are scaled by the training set's largest values."""

    def __init__(self, model, P, y, names, axes, speed):
        P_tr, P_te, y_tr, y_te = train_test_split(P, y, test_size=TEST_SHARE, seed=0)
        scaler = MaxScaler().fit(P_tr)
        self.X_test, self.y_test = scaler.transform(P_te), y_te
        self.names, self.axes = list(names), tuple(f"{a} (scaled)" for a in axes)
        X = scaler.transform(P_tr)
        self.plane = Plane(np.r_[X, self.X_test], n=80)
        super().__init__(model, X, y_tr, speed)

    def probs(self, X) -> np.ndarray:
        """Class probabilities ``(N, K)``."""
        return self.model.predict_proba(X)

    def layout(self) -> Layout:
        k = len(self.names)
        return Layout(
            metrics=self.metric_names,
            panels=[
                self.plane.spec(k, self.names, points(self.X, self.y, self.X_test, self.y_test), id="plane",
                                title=self.region_title, xlabel=self.axes[0], ylabel=self.axes[1], w=3, min=300,
                                note="Dots: training points, ◇: test points (30%, never trained on)."),
                Curves(id="objective", title=f"{self.objective.capitalize()} per step", xlabel="step",
                       log=self.log_objective, series=[Series(name=self.objective)], h=220, w=2, min=260),
                Matrix(id="confusion", title="Test points: true (rows) vs predicted (columns)", labels=self.names,
                       recall=True, maxh=220),
            ],
            rows=[["plane", ["objective", "confusion"]]],
        )

    def snapshot(self, detail=True):
        acc = np.mean(self.probs(self.X).argmax(axis=1) == self.y)
        pred = self.probs(self.X_test).argmax(axis=1)
        return {
            "metrics": {
                "step": str(self.steps),
                **self.extra_metrics(),
                "train accuracy": f"{acc:.1%}",
                "test accuracy": f"{np.mean(pred == self.y_test):.1%}",
            },
            "panels": {
                "plane": {"grid": self.plane.classes(self.probs(self.plane.points))},
                "confusion": {"counts": confusion(self.y_test, pred, len(self.names)).astype(np.int32)},
            },
        }

    def figures(self):
        return [("regions", self.plane.figure(self.probs(self.plane.points), self.X, self.y, self.names,
                                              self.region_title, self.X_test, self.y_test)),
                ("objective", self.objective_figure(f"{self.objective.capitalize()} per step", self.log_objective))]


def class_data(s: dict, csv, iris_classes):
    """``(P, y, names, axes)``: the chosen iris species and measurements, or the learner's CSV."""
    if s["data"] == "csv" and csv is not None:
        return csv.P, csv.y, csv.class_names, csv.axis_names
    iris = load_iris()
    keep = np.isin(iris.y, iris_classes)
    y = np.searchsorted(iris_classes, iris.y[keep])
    axes = (IRIS_FEATURES[s["fx"]], IRIS_FEATURES[s["fy"]])  # (scaled below: the cm are gone)
    return iris.X[keep][:, [s["fx"], s["fy"]]], y, [SPECIES[c] for c in iris_classes], axes


LOGISTIC_FORM = Form(
    CLASS_DATA,
    Choice("pair", "1-2", "two species", "Versicolor and virginica overlap, so the best line still makes mistakes.",
           options=tuple(f"{a}-{b}" for a, b in PAIRS),
           labels={f"{a}-{b}": f"{SPECIES[a]} vs {SPECIES[b]}" for a, b in PAIRS}),
    *iris_axes(0, 2),
    LR.with_(default=3.0, options=ladder(LR_LADDER, 0.01, 30.0), note="Features are scaled by their maximum, so "
             "large steps are fine; 10 and above zig-zag at first."),
    Number("speed", 50, "steps per second", SPEED_HELP, lo=1, hi=500, live=True),
    fix=two_features,
)


class LogisticTask(ClassifierTask):
    """Two classes, two measurements: the 50% boundary line and the log-likelihood per step."""

    objective, log_objective = "mean log-likelihood", False
    region_title = "P(class 1) and the 50% boundary"
    metric_names = ["step", "log-likelihood", "train accuracy", "test accuracy", "boundary z = 0"]

    def __init__(self, s: dict, csv=None):
        P, y, names, axes = class_data(s, csv, tuple(int(v) for v in s["pair"].split("-")))
        if len(names) != 2:
            raise ValueError(f"Logistic regression tells two classes apart; this column has {len(names)}. "
                             "Choose a column with two classes, or use the softmax page.")
        super().__init__(LogisticRegressionGD(lr=s["lr"]), P, y, names, axes, s["speed"])

    def apply(self, s):
        self.model.lr, self.speed = s["lr"], s["speed"]

    def probs(self, X):
        p1 = self.model.predict_proba(X)
        return np.c_[1 - p1, p1]

    def extra_metrics(self) -> dict:
        b = self.model.beta_
        return {
            "log-likelihood": f"{self.model.log_likelihood(self.X, self.y):.3f}",
            "boundary z = 0": f"z = {b[0]:.2f} {b[1]:+.2f}·x₁ {b[2]:+.2f}·x₂",
        }


SOFTMAX_FORM = Form(
    CLASS_DATA,
    *iris_axes(2, 3),
    L2.with_(step=0.5, widget="slider"),  # the networks' λ/(2N): up to 100 on about 100 training flowers
    LR.with_(default=3.0, options=ladder(LR_LADDER, 0.01, 30.0)),
    Number("speed", 50, "steps per second", SPEED_HELP, lo=1, hi=500, live=True),
    fix=two_features,
)


class SoftmaxTask(ClassifierTask):
    """All classes at once: linear regions and the cross-entropy per step."""

    objective, log_objective = "loss", True  # the cross-entropy, plus the penalty when λ > 0
    region_title = "Predicted regions"
    metric_names = ["step", "loss", "train accuracy", "test accuracy"]

    def __init__(self, s: dict, csv=None):
        P, y, names, axes = class_data(s, csv, (0, 1, 2))
        super().__init__(SoftmaxRegressionGD(lr=s["lr"], l2=s["l2"]), P, y, names, axes, s["speed"])

    def apply(self, s):
        self.model.lr, self.model.l2, self.speed = s["lr"], s["l2"], s["speed"]

    def extra_metrics(self) -> dict:
        h = self.model.history_["objective"]
        return {"loss": f"{h[-1]:.4f}" if h else "–"}
