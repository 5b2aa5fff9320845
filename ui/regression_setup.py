"""Settings and live tasks of the three regression pages (linear, logistic, softmax).

Pure Python + NumPy (no streamlit): the pages, tests and benchmarks share these.
"""

from __future__ import annotations

import numpy as np

from engine import LinearRegressionGD, LogisticRegressionGD, MaxScaler, SoftmaxRegressionGD, load_iris
from engine.regression import LinearRegressionOLS, SingularMatrixError, critical_learning_rate, mse_surface
from engine.toy import make_line
from ui import charts
from ui.frames import to_u8
from ui.live_core import LiveTask
from ui.live_views import Plane, points
from ui.settings import IRIS_FEATURES, LR_LADDER, Choice, Flag, Form, Number, iris_axes, ladder, two_features

SPEED_HELP = "Gradient steps per second while playing; Step takes one."



class GDTask(LiveTask):
    """A gradient-descent estimator on fixed data; one unit is one gradient step."""

    objective = "objective"

    def __init__(self, model, X, y, speed):
        self.model, self.X, self.y, self.speed = model, X, y, speed
        model.partial_fit(X, y, 0)

    def rate(self):
        return self.speed

    def advance(self, units, seconds, final=True):
        self.model.partial_fit(self.X, self.y, units)  # a step costs microseconds: no time limit needed

    def status(self):
        if self.model.status_ == "diverged":
            return "error", self.model.message_
        return "ok", ""

    @property
    def steps(self) -> int:
        return len(self.model.history_["step"])

    def curves(self):
        h = self.model.history_
        return {"objective": (h["step"], {self.objective: h["objective"]})}

    def objective_figure(self, title: str, log_y: bool = False):
        h = self.model.history_
        return charts.curves(h["step"], {self.objective: h["objective"]}, title=title, xlabel="step", log_y=log_y)


# ---------------------------------------------------------------- linear regression
LINEAR_FORM = Form(
    Number("n", 100, "points", "How many (x, y) points to draw.", lo=10, hi=500),
    Number("b0", 3.0, "true intercept", "Where the true line crosses x = 0.", lo=-5.0, hi=5.0, step=0.5),
    Number("b1", 1.0, "true slope", "How steeply the true line climbs.", lo=-3.0, hi=3.0, step=0.25),
    Number("noise", 0.5, "noise (std)", "Standard deviation of the vertical scatter.", lo=0.0, hi=2.0, step=0.05),
    Number("seed", 0, "seed", "Same seed, same points.", lo=0, hi=10_000, widget="number"),
    Flag("collinear", False, "add a copy of x as a second feature (2x)",
         "Makes X'X singular: OLS has no unique answer. See what gradient descent does."),
    Choice("lr", 0.3, "learning rate η", "Step size of gradient descent. Changing it keeps the coefficients.",
           options=ladder(LR_LADDER, 0.001, 2.0), widget="slider", live=True),
    Number("speed", 10, "steps per second", SPEED_HELP, lo=1, hi=100, live=True),
)


class LinearTask(GDTask):
    """Least squares by gradient descent beside the closed form: the line, the loss surface, J per step."""

    objective = "J(β) = MSE/2"

    def __init__(self, s: dict):
        self.s = s
        self.x, y = make_line(s["n"], s["b0"], s["b1"], s["noise"], s["seed"])
        X = np.c_[self.x, 2 * self.x] if s["collinear"] else self.x[:, None]
        try:
            ols = LinearRegressionOLS().fit(X, y)
            self.ols, self.singular = (ols.intercept_, float(ols.coef_[0])), None
        except SingularMatrixError as exc:
            self.ols, self.singular = None, str(exc)
        self.critical_lr = critical_learning_rate(X)
        super().__init__(LinearRegressionGD(lr=s["lr"]), X, y, s["speed"])

    def apply(self, s: dict) -> None:
        self.model.lr, self.speed = s["lr"], s["speed"]

    def status(self):
        kind, message = super().status()
        if kind == "error":
            message += f" For these data steps above η = {self.critical_lr:.3g} diverge."
        return kind, message

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

    def layout(self):
        x, y = self.x, self.y
        pad_x, pad_y = 0.05 * (x.max() - x.min() or 1), 0.1 * (y.max() - y.min() or 1)
        fit = {
            "id": "fit", "type": "field", "title": "Data and fitted lines", "xlabel": "x", "ylabel": "y",
            "extent": [float(x.min() - pad_x), float(x.max() + pad_x), float(y.min() - pad_y), float(y.max() + pad_y)],
            "points": {"x": x.astype(np.float32), "y": y.astype(np.float32), "label": np.zeros(len(x), np.uint8)},
            "classes": [{"name": "data", "color": "#7f7f7f"}], "h": 380, "w": 1, "min": 300,
        }
        panels, rows = [fit], [["fit"]]
        if not self.s["collinear"]:
            cx, cy = self.ols if self.ols is not None else (0.0, 0.0)
            b0s, b1s = np.linspace(cx - 4, cx + 4, 60), np.linspace(cy - 4, cy + 4, 60)
            J = np.log10(mse_surface(x, y, b0s, b1s))
            lo, hi = float(J.max()), float(J.min())  # reversed: the valley is the darkest
            panels.append({
                "id": "surface", "type": "field", "title": "Loss surface J(β₀, β₁) and the descent path",
                "xlabel": "intercept β₀", "ylabel": "slope β₁", "mode": "scalar", "scale": "log", "range": [lo, hi],
                "valueLabel": "J", "extent": [cx - 4 - 4 / 59, cx + 4 + 4 / 59, cy - 4 - 4 / 59, cy + 4 + 4 / 59],
                "grid": 60, "values": to_u8(J[::-1], lo, hi), "pathName": "gradient descent",
                "marks": [{"x": cx, "y": cy, "name": "OLS optimum"}] if self.ols is not None else [],
                "aspect": 1, "maxh": 380, "w": 1, "min": 300,
            })
            rows[0].append("surface")
        panels.append({"id": "objective", "type": "curves", "title": "Loss per step", "xlabel": "step",
                       "log": True, "series": [{"name": self.objective}], "h": 220})
        rows.append(["objective"])
        return {"metrics": ["step", "intercept β₀", "slope on x", "OLS intercept", "OLS slope"],
                "panels": panels, "rows": rows}

    def snapshot(self, detail=True):
        b0, b1 = self.line()
        xx = np.array([self.x.min(), self.x.max()], dtype=np.float32)
        lines = []
        if self.ols is not None:
            lines.append({"name": "OLS (closed form)", "x": xx, "y": self.ols[0] + self.ols[1] * xx, "color": "#0877bd"})
        lines.append({"name": f"gradient descent, step {self.steps}", "x": xx, "y": b0 + b1 * xx,
                      "color": "#f59322", "dash": True})
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
        out = [("fit", charts.line_fit(self.x, self.y, lines, title="Data and fitted lines"))]
        if not self.s["collinear"]:
            cx, cy = self.ols if self.ols is not None else (0.0, 0.0)
            b0s, b1s = np.linspace(cx - 4, cx + 4, 60), np.linspace(cy - 4, cy + 4, 60)
            path = np.array(h["beta"] + [self.model.beta_])[:, :2]
            out.append(("surface", charts.loss_surface_path(
                b0s, b1s, mse_surface(self.x, self.y, b0s, b1s), path, optimum=self.ols,
                title="Loss surface J(β₀, β₁) and the descent path",
            )))
        out.append(("loss", self.objective_figure("Loss per step", log_y=True)))
        return out


# ------------------------------------------------------------- logistic regression
PAIRS = ((1, 2), (0, 1), (0, 2))
SPECIES = ("setosa", "versicolor", "virginica")
LOGISTIC_FORM = Form(
    Choice("pair", "1-2", "two species", "Versicolor and virginica overlap, so the best line still makes mistakes.",
           options=tuple(f"{a}-{b}" for a, b in PAIRS),
           labels={f"{a}-{b}": f"{SPECIES[a]} vs {SPECIES[b]}" for a, b in PAIRS}),
    *iris_axes(0, 2),
    Choice("lr", 3.0, "learning rate η", "Step size of gradient ascent on the mean log-likelihood (features are "
           "scaled by their maximum, so large steps are fine; 10 and above zig-zag at first).",
           options=ladder(LR_LADDER, 0.01, 30.0), widget="slider", live=True),
    Number("speed", 50, "steps per second", SPEED_HELP, lo=1, hi=500, live=True),
    fix=two_features,
)


class LogisticTask(GDTask):
    """Two iris species, two measurements: the 50% boundary line and the log-likelihood per step."""

    objective = "mean log-likelihood"

    def __init__(self, s: dict):
        iris = load_iris()
        a, b = (int(v) for v in s["pair"].split("-"))
        keep = np.isin(iris.y, (a, b))
        X = MaxScaler().fit_transform(iris.X[keep][:, [s["fx"], s["fy"]]])
        y = (iris.y[keep] == b).astype(int)
        self.names = [SPECIES[a], SPECIES[b]]
        self.axes = (IRIS_FEATURES[s["fx"]] + " (scaled)", IRIS_FEATURES[s["fy"]] + " (scaled)")
        self.plane = Plane(X, n=80)
        super().__init__(LogisticRegressionGD(lr=s["lr"]), X, y, s["speed"])

    def apply(self, s):
        self.model.lr, self.speed = s["lr"], s["speed"]

    def layout(self):
        return {
            "metrics": ["step", "log-likelihood", "accuracy", "boundary z = 0"],
            "panels": [
                self.plane.spec(2, self.names, points(self.X, self.y), id="plane", title="P(class 1) and the 50% boundary",
                                xlabel=self.axes[0], ylabel=self.axes[1], w=3, min=300),
                {"id": "objective", "type": "curves", "title": "Log-likelihood per step", "xlabel": "step",
                 "series": [{"name": self.objective}], "h": 260, "w": 2, "min": 260},
            ],
            "rows": [["plane", "objective"]],
        }

    def snapshot(self, detail=True):
        m = self.model
        p1 = m.predict_proba(self.plane.points)
        b = m.beta_
        return {
            "metrics": {
                "step": str(self.steps),
                "log-likelihood": f"{m.log_likelihood(self.X, self.y):.3f}",
                "accuracy": f"{np.mean(m.predict(self.X) == self.y):.1%}",
                "boundary z = 0": f"z = {b[0]:.2f} {b[1]:+.2f}·x₁ {b[2]:+.2f}·x₂",
            },
            "panels": {"plane": {"grid": self.plane.classes(np.c_[1 - p1, p1])}},
        }

    def figures(self):
        p1 = self.model.predict_proba(self.plane.points)
        return [("boundary", self.plane.figure(np.c_[1 - p1, p1], self.X, self.y, self.names,
                                               "P(class 1) and the 50% boundary")),
                ("ll", self.objective_figure("Log-likelihood per step"))]


# -------------------------------------------------------------- softmax regression
SOFTMAX_FORM = Form(
    *iris_axes(2, 3),
    Number("l2", 0.0, "L2 penalty λ", "Shrinks the weights (not the intercepts).", lo=0.0, hi=1.0, step=0.01,
           live=True),
    Choice("lr", 3.0, "learning rate η", "Step size of gradient descent on the cross-entropy.",
           options=ladder(LR_LADDER, 0.01, 30.0), widget="slider", live=True),
    Number("speed", 50, "steps per second", SPEED_HELP, lo=1, hi=500, live=True),
    fix=two_features,
)


class SoftmaxTask(GDTask):
    """All three iris species: linear regions and the cross-entropy per step."""

    objective = "cross-entropy"

    def __init__(self, s: dict):
        iris = load_iris()
        X = MaxScaler().fit_transform(iris.X[:, [s["fx"], s["fy"]]])
        self.axes = (IRIS_FEATURES[s["fx"]] + " (scaled)", IRIS_FEATURES[s["fy"]] + " (scaled)")
        self.plane = Plane(X, n=80)
        super().__init__(SoftmaxRegressionGD(lr=s["lr"], l2=s["l2"]), X, iris.y, s["speed"])

    def apply(self, s):
        self.model.lr, self.model.l2, self.speed = s["lr"], s["l2"], s["speed"]

    def layout(self):
        return {
            "metrics": ["step", "cross-entropy", "accuracy"],
            "panels": [
                self.plane.spec(3, SPECIES, points(self.X, self.y), id="plane", title="Predicted species regions",
                                xlabel=self.axes[0], ylabel=self.axes[1], w=3, min=300),
                {"id": "objective", "type": "curves", "title": "Cross-entropy per step", "xlabel": "step",
                 "log": True, "series": [{"name": self.objective}], "h": 260, "w": 2, "min": 260},
            ],
            "rows": [["plane", "objective"]],
        }

    def snapshot(self, detail=True):
        m = self.model
        h = m.history_["objective"]
        return {
            "metrics": {
                "step": str(self.steps),
                "cross-entropy": f"{h[-1]:.4f}" if h else "–",
                "accuracy": f"{np.mean(m.predict(self.X) == self.y):.1%}",
            },
            "panels": {"plane": {"grid": self.plane.classes(m.predict_proba(self.plane.points))}},
        }

    def figures(self):
        probs = self.model.predict_proba(self.plane.points)
        return [("regions", self.plane.figure(probs, self.X, self.y, list(SPECIES), "Predicted species regions")),
                ("ce", self.objective_figure("Cross-entropy per step"))]
