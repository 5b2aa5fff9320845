"""What the live canvas shows of a network: the plane it paints, its neurons, its curves.

Pure NumPy (no streamlit): the network pages' tasks (``ui.setups.playground``, ``mnist`` and ``cnn``) build their
frames from these, and tests check them without a browser.
"""

from __future__ import annotations

import numpy as np

from engine.activations import get_activation
from engine.evaluation import OUTPUT_ROWS
from engine.layers import Activation, Dense, layer_names
from engine.mlp import MLP
from engine.network_checks import training_bytes
from engine.preprocess import mesh_grid
from engine.recipe import set_training
from engine.together import partial_fit_together, stack_key
from ui.charts import plots
from ui.charts.palette import CLASS_COLORS
from ui.export.scripts import history_table
from ui.live.frames import to_u8
from ui.live.harness import KEEP_MARKS, LiveTask
from ui.live.pacing import work_time
from ui.live.protocol import ClassStyle, Curves, Field, Points, Series
from ui.shell import memory

MAX_SHOWN = 12  # neurons drawn per layer in the network diagram
SHADES = 32  # shades per colour scale, as TensorFlow Playground: smooth once blended, half the bytes
CONF_LEVELS = 32  # a class-region pixel is class * 32 + confidence level: up to 8 classes in a byte
# float32 numbers a picture's slice of the grid may hold across its layers (1 MB), and at least OUTPUT_ROWS
# rows: a small network's whole grid is one slice, where 1024-row slices made a picture cost twice as much
PICTURE_FLOATS = 2**18


class Plane:
    """A square grid over 2-D points: where a model's output is painted."""

    def __init__(self, points: np.ndarray, n: int = 100):
        xs, ys, pts = mesh_grid(points, n)
        self.n, self.points = n, pts
        dx, dy = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2
        self.extent = [float(xs[0] - dx), float(xs[-1] + dx), float(ys[0] - dy), float(ys[-1] + dy)]

    def image(self, values: np.ndarray) -> np.ndarray:
        """Per-point values ``(n*n,)`` as an image ``(n, n)`` with the top row first."""
        return values.reshape(self.n, self.n)[::-1]

    def classes(self, probs: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n*n, K)`` as the uint8 grid the canvas paints.

        Two classes: P(second class) as 0..255 on the orange-blue scale.  More: the winning class
        and how sure the model is, ``class * 32 + confidence`` (confidence from 1/K to 1 in 32 steps).
        """
        k = probs.shape[1]
        if k <= 2:
            return to_u8(self.image(probs[:, -1]), 0.0, 1.0, SHADES)
        cls = probs.argmax(axis=1)
        conf = probs.max(axis=1)
        level = to_u8((conf - 1 / k) / (1 - 1 / k), 0, 1) // (256 // CONF_LEVELS)
        return self.image(cls.astype(np.uint8) * CONF_LEVELS + level.astype(np.uint8))

    def figure(self, probs: np.ndarray, P, y, names, title: str, P_test=None, y_test=None):
        """The zoomable plotly version: class probabilities ``(n*n, K)`` under the points."""
        n = self.n
        x0, x1, y0, y1 = self.extent
        dx, dy = (x1 - x0) / n / 2, (y1 - y0) / n / 2  # the extent is padded by half a cell
        xs, ys = np.linspace(x0 + dx, x1 - dx, n), np.linspace(y0 + dy, y1 - dy, n)
        return plots.decision_boundary(xs, ys, probs.reshape(n, n, -1), P, y, P_test, y_test, names=names,
                                        title=title)

    def spec(self, probs_k: int, names, points: Points | None = None, **kw) -> Field:
        """A ``field`` panel for class regions over this plane; ``kw`` adds or overrides its fields."""
        spec = dict(
            extent=self.extent,
            grid=self.n,
            mode="binary" if probs_k <= 2 else "classes",
            classes=[ClassStyle(name=str(n), color=CLASS_COLORS[i % len(CLASS_COLORS)]) for i, n in enumerate(names)],
            confLo=1 / max(probs_k, 1),
            valueLabel=f"P({names[-1]})",
            aspect=1,
            maxh=480,
            points=points,
        )
        return Field(**{**spec, **kw})


def points(P_train, y_train, P_test=None, y_test=None) -> Points:
    """Training (and test) points for a ``field`` panel."""
    P = P_train if P_test is None else np.r_[P_train, P_test]
    y = y_train if y_test is None else np.r_[y_train, y_test]
    test = np.r_[np.zeros(len(P_train)), np.ones(0 if P_test is None else len(P_test))]
    return Points(
        x=P[:, 0].astype(np.float32),
        y=P[:, 1].astype(np.float32),
        label=np.asarray(y, dtype=np.uint8),
        test=test.astype(np.uint8),
    )


def neuron_map(values: np.ndarray, bounded: bool) -> np.ndarray:
    """One neuron's outputs as 0..255 on the canvas's sign scale (negative, 0, positive): -1..1 for bounded units
    (tanh, and sigmoid or probabilities stretched from 0..1), its own largest |value| otherwise."""
    if bounded:
        return to_u8(values, -1.0, 1.0, SHADES)
    top = float(np.max(np.abs(values))) or 1.0
    return to_u8(values, -top, top, SHADES)


def layer_maps(outputs: list[np.ndarray], acts: list[str], plane: Plane, every: int) -> np.ndarray:
    """Small maps ``(neurons, m, m)`` of what each shown neuron (hidden layers and output) outputs
    over the plane, ``m = n / every``."""
    maps = []
    for out, act in zip(outputs, acts):
        cols = out[:, :MAX_SHOWN]
        if act in ("sigmoid", "softmax"):
            cols = 2 * cols - 1
        for j in range(cols.shape[1]):
            img = plane.image(cols[:, j])[every // 2 :: every, every // 2 :: every]
            maps.append(neuron_map(img, act in ("tanh", "sigmoid", "softmax")))
    m = plane.n // every
    return np.stack(maps) if maps else np.zeros((0, m, m), np.uint8)


def picture_outputs(model: MLP, X: np.ndarray, columns: int) -> list[np.ndarray]:
    """``model.layer_outputs(X, columns)`` (each hidden layer's first ``columns`` activations, then the
    readout) in float32, for pictures: float32 copies of the weights (tanh and exp take a fifth of their
    float64 time, and a picture of 32 shades needs no more), a neuron per row rather than per column
    (adding a bias or a softmax's row maximum across a few columns runs numpy's inner loop a few
    elements at a time, 5-20x slower than along 6 400 points), OUTPUT_ROWS points at a time or more, up
    to PICTURE_FLOATS numbers (a wide network's layers are never held whole).  The arrays returned are
    ``(points, neurons)`` views of those rows."""
    weights = [[p.astype(np.float32) for p in layer.params] for layer in model.layers_]
    per_point = sum(2 * params[0].shape[1] for params in weights if params)  # a Dense's output and its activation
    rows = max(OUTPUT_ROWS, PICTURE_FLOATS // per_point)
    parts = []
    for i in range(0, len(X), rows):
        x, outs = np.asarray(X[i : i + rows], dtype=np.float32).T, []
        for layer, params in zip(model.layers_, weights):
            if isinstance(layer, Dense):
                W, b = params
                x = W.T.dot(x)
                x += b[:, None]
            else:
                x = layer.fn.value(x)
                outs.append(x[:columns].copy())  # a copy: a view keeps the whole layer
        parts.append([*outs, get_activation(model.output).value(x.T).T])  # (a softmax runs along a point's row)
    whole = parts[0] if len(parts) == 1 else [np.concatenate(p, axis=1) for p in zip(*parts)]
    return [a.T for a in whole]


def shown_weights(model: MLP) -> list[np.ndarray]:
    """The weights between the neurons the diagram shows (at most MAX_SHOWN a layer)."""
    return [W[:MAX_SHOWN, :MAX_SHOWN].astype(np.float32) for W in model.weights_]


class NetworkTask(LiveTask):
    """A network (any engine ``Sequential``) trained live on fixed data, with an optional epoch budget:
    the base of the playground, MNIST and CNN pages.

    Curves: loss and accuracy per history point (train and test; with ``fine_curves`` the training
    ones are the running means of the batches, ten points an epoch, and the test ones come where
    measured), and per row of running means the gradient norm of each weight layer and the dead share
    of each ReLU layer.

    Pause comes back to the picture the learner paused on (:meth:`mark`, :meth:`restore`): each mark
    holds a checkpoint of the model, or, where a checkpoint is large (MNIST's first layer), the last
    one and the pieces trained since, replayed on the way back (training is deterministic).
    """

    unit = "batch"
    fine_curves = False
    MARK_BYTES = 8 << 20  # what the marks of a run may hold: a larger model is checkpointed every few pieces
    KEPT = ("rolled_back",)  # the task's own state a mark brings back with the model

    def __init__(self, model, X_train, y_train, X_test, y_test, epochs: int, also=()):
        """``also``: networks the task trains beside ``model`` (the CNN page's MLP): their memory is
        reserved with its (``ui.shell.memory``) before any is built."""
        self.reserve_memory([model, *also])
        self.model, self.epochs = model, epochs
        self.past_budget = False  # Play (or Step) after the budget was reached: training goes on
        self.use_data(X_train, y_train, X_test, y_test)
        self.phases: list[tuple[int, dict]] = []  # (steps done when these live settings began, settings)
        self.rolled_back = False  # a run that diverged cannot be replayed by a script
        self._generation, self._base, self._pieces, self._base_every = 0, None, [], 1
        model.partial_fit(X_train, y_train, 0, X_test, y_test)  # the point before any training
        self.weight_names, self.relu = self._layer_names()

    def use_data(self, *arrays) -> None:
        """Train from now on with ``(X_train, y_train, X_test, y_test)``, made read-only: nothing here
        writes them, and the engine then checks arrays it has found finite only once (every piece of
        every tick hands it the same ones)."""
        for a in arrays:
            if isinstance(a, np.ndarray):
                a.flags.writeable = False
        self.data = arrays

    @classmethod
    def reserve_memory(cls, models) -> None:
        """Reserve what training ``models`` holds, Pause's marks included (:meth:`mark`: checkpoints of
        the parameters with Adam's state, up to MARK_BYTES, or two where one is larger), or raise
        :class:`ui.shell.memory.NoRoom` before anything is built."""
        sizes = [training_bytes(model) for model in models]
        checkpoint = sum(3 * params for params, _ in sizes)
        marks = min(KEEP_MARKS * checkpoint, max(cls.MARK_BYTES, 2 * checkpoint))
        memory.ROOM.reserve(sum(training for _, training in sizes) + marks)

    def _layer_names(self) -> tuple[list[str], list[str]]:
        """The names (:func:`engine.layers.layer_names`) of the layers with weights, and of the ReLU layers."""
        names = list(zip(layer_names(self.model.layers_), self.model.layers_))
        relu = [name for name, x in names if isinstance(x, Activation) and x.fn.name == "relu"]
        return [name for name, x in names if x.params], relu  # (running_'s dead shares come in this order)

    def apply_training(self, training: dict, epochs: int) -> None:
        """What a page's ``apply`` hands over: a recipe's ``training`` part (``engine.recipe``) and the
        epoch budget (0: none).  Weights (and optimizer state, if it stays) are kept."""
        set_training(self.model, training)
        if epochs != self.epochs:
            self.epochs, self.past_budget = epochs, False
        self.record_phase(training)

    def record_phase(self, live: dict) -> None:
        """Note the training settings in force from now on (a script replays the run phase by phase)."""
        if not self.phases or self.phases[-1][1] != live:
            if self.phases and self.phases[-1][0] == self.model.steps_:
                self.phases.pop()  # changed again before any training: the last one is what counts
            self.phases.append((self.model.steps_, dict(live)))
            self.changed()

    def run_phases(self) -> list[tuple[int, dict]]:
        """``[(mini-batches trained, live settings), ...]`` of the run so far."""
        ends = [start for start, _ in self.phases[1:]] + [self.model.steps_]
        return [(end - start, live) for (start, live), end in zip(self.phases, ends)]

    def step_units(self) -> int:
        return max(1, -(-len(self.data[0]) // self.model.batch_size))  # one epoch

    def left(self) -> int | None:
        if not self.epochs or self.past_budget:
            return None
        return self.model.batches_to(self.epochs, len(self.data[0]))

    record_every_piece = True  # a history point after every piece of a tick (cheap on small data)
    stacks = False  # whether learners' networks of one shape train together (small ones: ui.live.together)

    def advance(self, units, seconds, final=True):
        steps = self.model.steps_
        self.train_piece(units, seconds, final)
        return self._trained(steps, final)

    def _trained(self, steps: int, final: bool) -> int:
        """Note the piece :meth:`advance` trained (the model had ``steps`` before it) for Pause's replay."""
        self.rolled_back |= self.model.status_ == "diverged"
        done = self.model.steps_ - steps
        self._pieces.append((done, final))
        if self.model.status_ == "diverged":
            self._base = None  # a replay of this piece would not stop where the guard stopped it
        return done

    def train_piece(self, units, seconds, final) -> None:
        """What :meth:`advance` trains, and what a mark's replay trains again."""
        X, y, X_test, y_test = self.data
        self.model.partial_fit(X, y, units, X_test, y_test, time_budget=seconds,  # the pace's CPU seconds
                               record=final or self.record_every_piece, clock=work_time)

    def stack_key(self):
        key = stack_key(self.model) if self.stacks else None
        return None if key is None else (type(self), key, len(self.data[0]), self.rate())

    @classmethod
    def advance_together(cls, tasks, units, seconds, final, key=None):
        steps = [task.model.steps_ for task in tasks]
        partial_fit_together([task.model for task in tasks], [task.data for task in tasks], units, seconds,
                             record=final or cls.record_every_piece, clock=work_time,
                             keys=None if key is None else [key[1]] * len(tasks))
        return [task._trained(before, final) for task, before in zip(tasks, steps)]

    # ------------------------------------------------------------ Pause keeps what is seen
    def changed(self) -> None:
        """The model or its data changed outside training: no mark from before can be replayed."""
        self._generation += 1
        self._base = None

    def checkpoint(self) -> dict:
        return {"model": self.model.checkpoint()}

    def restore_checkpoint(self, cp: dict) -> None:
        self.model.restore(cp["model"])

    def mark(self):
        if self._base is None or len(self._pieces) >= self._base_every:
            self._base, self._pieces = self.checkpoint(), []
            self._base_every = max(1, -(-self._base["model"].nbytes * KEEP_MARKS // self.MARK_BYTES))
        return (self._generation, self._base, tuple(self._pieces), {k: getattr(self, k) for k in self.KEPT})

    def restore(self, mark) -> bool:
        generation, base, pieces, kept = mark
        if generation != self._generation:
            return False
        self.restore_checkpoint(base)
        for units, final in pieces:
            self.train_piece(units, None, final)
        vars(self).update(kept)
        self._base, self._pieces = base, list(pieces)  # the marks from here replay from the same checkpoint
        return True

    # ------------------------------------------------------------------ status
    def status(self):
        m = self.model
        if m.status_ == "diverged":  # the engine's message says what to try
            return "error", m.message_
        if self.left() == 0:
            chance = m.chance_notice()  # a run that learned nothing ends with a word on it, not as any other
            return "info", f"Reached the epoch budget ({self.epochs}). {chance or 'Press Play to train on, or Reset.'}"
        if m.notice_:
            return "notice", m.notice_
        return "ok", ""

    def progress(self) -> float:
        """How far training is on its way to the budget (0 without one)."""
        return min(self.model.epoch_ / self.epochs, 1.0) if self.epochs else 0.0

    def resume(self) -> None:
        if self.model.status_ == "diverged":  # (rolled back) play on from here
            self.model.status_, self.model.message_ = "ready", ""
        if self.left() == 0:
            self.past_budget = True

    # ------------------------------------------------------------------ curves
    def curves(self) -> dict:
        m = self.model
        t = m.history_
        train = {"loss": t["train_loss"], "acc": t["train_acc"]}
        if self.fine_curves:
            t = history_table(m.history_, m.running_)
            # the batches' means, and before they begin the points measured (the start, a loaded history)
            before = t["step"] < (m.running_["step"] or [np.inf])[0]
            train = {k: np.where(before, t[f"train_{k}"], t[f"batch_{k}"]) for k in train}
        out = {
            "loss": (t["epoch"], {"train": train["loss"], "test": t["test_loss"]}),
            "acc": (t["epoch"], {"train": train["acc"], "test": t["test_acc"]}),
        }
        r, rows = m.running_, len(m.running_["step"])
        g = np.asarray(r["grad_norms"], dtype=float).reshape(rows, len(self.weight_names))
        out["grads"] = (r["step"], {name: g[:, i] for i, name in enumerate(self.weight_names)})
        if self.relu:
            d = np.asarray(r["dead_fraction"], dtype=float).reshape(rows, len(self.relu))
            out["dead"] = (r["step"], {name: d[:, i] for i, name in enumerate(self.relu)})
        return out

    def curve_counts(self) -> dict:
        m = self.model
        n, rows = len(m.history_["step"]), len(m.running_["step"])
        out = {"loss": n + rows, "acc": n + rows} if self.fine_curves else {"loss": n, "acc": n}
        out["grads"] = rows
        if self.relu:
            out["dead"] = rows
        return out

    def curve_specs(self) -> list[Curves]:
        """The curve panels (loss and accuracy; gradient norms; dead ReLUs if any)."""
        sparse = self.fine_curves or None  # the test points come between the training ones

        def both():
            return [Series(name="train", sparse=sparse), Series(name="test", dash=True, sparse=sparse)]

        note = ("train: the mean over the batches of each tenth of an epoch; test: measured on the test set "
                "once a tick." if self.fine_curves else None)
        specs = [
            Curves(id="loss", title="Loss", xlabel="epoch", log=True, series=both(), h=200, note=note),
            Curves(id="acc", title="Accuracy", xlabel="epoch", ylim=[0, 1], percent=True, series=both(), h=200),
            Curves(id="grads", title="Gradient norm ‖∂L/∂W‖ per layer", xlabel="step", log=True,
                   series=[Series(name=name) for name in self.weight_names], h=200,
                   note="Shrinking toward the input layer: vanishing gradients."),
        ]
        if self.relu:
            specs.append(
                Curves(id="dead", title="Dead ReLU units (silent for every example of a tenth of an epoch)",
                       xlabel="step", ylim=[0, 1], percent=True, series=[Series(name=name) for name in self.relu],
                       h=200)
            )
        return specs

    def epoch_text(self, digits: int = 1) -> str:
        """The epoch counter; after a rollback, the epoch the restored weights come from (the message
        names both)."""
        m = self.model
        back = getattr(m, "rolled_back_to_", None)
        return f"{m.epoch_:.{digits}f}" if back is None else f"{back:.{digits}f} (rolled back)"

    def last(self, key: str) -> float:
        values = self.model.history_[key]
        return values[-1] if values else float("nan")
