"""The training guard: pauses a run that has diverged, and puts up a notice while a run is stuck.

One small object, :class:`Watch`, reads three streams of numbers from the training loop:

* :meth:`Watch.batch` - each monitored step: its batch loss, gradient norm and weight norm.  A loss or
  gradient that is not finite, weights whose norm grew ``weight_factor`` times, or a running average of
  batch losses above ``factor`` times the starting loss: the run has **diverged**.  Training stops there
  and the weights go back to the last healthy history point.
* :meth:`Watch.row` - each row of running means (``running_``: the batches of a tenth of an epoch, at
  least ``ROW_EXAMPLES`` examples).  A loss near chance level (what always guessing the class
  frequencies gives) that has not fallen 2% in a window (a **plateau**), a loss that rose by half in a
  window (**rising**), or a layer of ReLU units silent for every example of each row of a window
  (**dead**) puts up a *notice* with advice that fits.  Training goes on; the notice goes away by itself
  once the loss falls 5% below where it stood when the notice went up (or the layer wakes).
* :meth:`Watch.point` - a loss measured on the training rows (a history point): not finite, diverged.

A *window* is ``patience`` on the caller's clock (epochs for a network, steps for gradient descent) and
at least ``min_steps`` steps, so that a few epochs of a tiny data set do not count as sustained.  Rows
come at fixed steps, so every verdict is a function of the steps taken, never of how they were split
into calls: the same settings and seed give the same verdicts at any pace.

:class:`Guard` is the network's side: it feeds the watch from
:class:`~engine.sequential.Sequential`'s loop, keeps the rows of running means and the weights of the
last healthy point, and puts those back after a divergence.
"""

from __future__ import annotations

import math

import numpy as np

from .layers import Activation, layer_names
from .network_checks import check_settings
from .optimizers import get_optimizer
from .regularization import penalty

LOWER_LR = "Try a smaller learning rate."
# a run whose training accuracy ends within this share of the way from guessing to perfect has
# learned next to nothing (MNIST: 0.28 or less; two balanced classes: 0.60 or less)
NEAR_CHANCE = 0.2
ROW_EXAMPLES = 256  # a row of running means averages at least this many examples (tiny data sets: fewer rows)
# with monitor_every "auto" a step is monitored every MONITOR_EXAMPLES examples, or every MONITOR_GAP
# steps if that comes first (small batches: a divergence is caught within a few steps)
MONITOR_EXAMPLES, MONITOR_GAP = 50, 5
LEVEL_ROWS = 5  # rows averaged into the level the notices compare: one row's mean is noisy
MAX_ROWS = 5000  # rows a log (history_, running_) keeps: past it every other one goes, so a run can go on for hours
PLATEAU_HINT = (
    "Networks often sit on a plateau for a while before the loss falls: keep watching, or try a larger "
    "learning rate or another initialisation (xavier for tanh and sigmoid, he for ReLU)."
)
FELL_BACK_HINT = "It was lower before: the steps may overshoot. Try a smaller learning rate."
DEAD_HINT = (
    "A unit that outputs 0 for every example passes no gradient, so it cannot recover: Reset with a smaller "
    "learning rate, he initialisation or leaky ReLU."
)


class Watch:
    def __init__(self, factor=4.0, patience=2.0, min_steps=200, weight_factor=1e3, unit="epochs"):
        self.factor = factor
        self.patience = patience
        self.min_steps = min_steps
        self.weight_factor = weight_factor
        self.unit = unit
        self.start_loss = None

    def start(self, loss: float, weight_norm: float | None = None, chance: float | None = None) -> None:
        """The loss (and weight norm) before training; ``chance`` is the loss of guessing the class
        frequencies (None where that does not apply)."""
        self.start_loss = loss
        self.start_weight = weight_norm
        self.chance = chance
        self.ema = None
        self.clear()

    def clear(self) -> None:
        """Forget the rows seen and the notice (after a rollback the run goes on from older weights)."""
        self._levels = []  # (clock, step, level) of the last window or so of rows
        self._recent = []  # the last LEVEL_ROWS row losses
        self._best = math.inf  # the lowest level so far
        self._dead_since = None  # (clock, step) since when a ReLU layer has been silent
        self._up = {}  # notice -> (clock it speaks from, level when it went up, its text)
        self._down = {}  # notice -> (clock, step) when it went away: it stays away for a window
        self.notice = ""

    @property
    def limit(self) -> float:
        """A loss above this counts as divergence: ``factor`` times the loss at the start."""
        return self.factor * max(self.start_loss, 1e-3)

    def batch(self, loss: float, grad_norm: float = 0.0, weight_norm: float | None = None, steps: int = 1) -> str | None:
        """One monitored step, standing for ``steps`` steps (one is monitored in that many); returns why
        training diverged, or None."""
        if not math.isfinite(loss):
            return f"the loss became {loss}"
        if not math.isfinite(grad_norm):
            return "the gradient became infinite"
        if weight_norm is not None and self.start_weight is not None:
            if not weight_norm < self.weight_factor * max(self.start_weight, 1.0):
                return (
                    f"the weights exploded: their norm reached {weight_norm:.3g} "
                    f"(it started at {self.start_weight:.3g})"
                )
        # a running average that starts at the loss before training: one bad batch (batch size 1!)
        # moves it by a tenth of its excess, a run of exploding batches moves it fast; a batch that
        # stands for several steps moves it as that many batches with its loss would
        prev = self.start_loss if self.ema is None else self.ema
        keep = 0.9**steps
        self.ema = keep * prev + (1 - keep) * loss if steps > 1 else 0.9 * prev + 0.1 * loss
        if self.ema > self.limit:
            return f"the loss climbed to {self.ema:.4g} (it started at {self.start_loss:.4g})"
        return None

    def point(self, loss: float) -> str | None:
        """A loss measured on the training rows; returns why training diverged, or None.  (A loss far
        above the start is the batches' to judge: they come at fixed steps, history points do not.)"""
        return None if math.isfinite(loss) else f"the training loss became {loss}"

    def _window_ago(self, clock: float, step: int):
        """The latest level at least a window before (clock, step), or None."""
        old = [p for p in self._levels if clock - p[0] >= self.patience and step - p[1] >= self.min_steps]
        if old:
            del self._levels[: len(old) - 1]  # older levels are never needed again
            return old[-1]
        return None

    def row(self, loss: float, clock: float, step: int, dead=()) -> str:
        """A row of running means at ``clock`` (and ``step``): ``loss`` the mean loss of its batches
        without the penalty, ``dead`` the names of the ReLU layers silent for every example of it.
        Returns the notice up now ('' for none)."""
        self._recent = [*self._recent[1 - LEVEL_ROWS :], loss]
        level = sum(self._recent) / len(self._recent)
        ago = self._window_ago(clock, step)
        self._levels.append((clock, step, level))
        self._best = min(self._best, level)
        if not dead:
            self._dead_since = None
        elif self._dead_since is None:
            self._dead_since = (clock, step)
        since = self._dead_since
        margin = 0.05 * (self.start_loss if self.chance is None else self.chance)
        goes_up = {
            "dead": since is not None and self._quiet(since, clock, step),
            "rising": ago is not None and level > 1.5 * ago[2] + margin,
            "plateau": self.chance is not None and level >= 0.9 * self.chance and ago is not None
            and level > 0.98 * ago[2],
        }
        for name, up in goes_up.items():
            if name in self._up:
                fell = level < 0.95 * self._up[name][1]
                if (name == "dead" and not dead) or (name != "dead" and fell):
                    del self._up[name]  # the loss fell again (or the layer woke): the notice goes
                    self._down[name] = (clock, step)
            elif up and self._quiet(self._down.get(name), clock, step):
                start = since[0] if name == "dead" else ago[0]
                self._up[name] = (start, level, self._text(name, start, level, ago, dead))
        self.notice = next((self._up[name][2] for name in goes_up if name in self._up), "")
        return self.notice

    def _quiet(self, since, clock, step) -> bool:
        """Whether a window has passed ``since`` (clock, step), or there is none."""
        return since is None or (clock - since[0] >= self.patience and step - since[1] >= self.min_steps)

    @property
    def healthy(self) -> bool:
        """False while the loss is rising: weights from then are no state to roll back to."""
        return "rising" not in self._up

    def _text(self, name, since, level, ago, dead) -> str:
        when = f"since {self.unit[:-1]} {since:.4g}"
        if name == "dead":
            return f"Every ReLU unit of {' and '.join(dead)} has output 0 for every example {when}. {DEAD_HINT}"
        if name == "rising":
            return f"The training loss has been rising {when}: from {ago[2]:.4g} to {level:.4g}. {LOWER_LR}"
        hint = FELL_BACK_HINT if self._best < 0.9 * level else PLATEAU_HINT
        return (
            f"A plateau: the loss has stayed near chance level {when} ({level:.3g}, where always guessing the "
            f"class frequencies gives {self.chance:.3g}). {hint}"
        )


def _append(log: dict, row) -> bool:
    """Add a row to a log of lists; past MAX_ROWS every other row goes (the first and the last stay).
    Returns whether it was thinned."""
    for column, value in zip(log.values(), row):
        column.append(value)
    if len(log["step"]) < MAX_ROWS:
        return False
    for column in log.values():
        column[:] = [*column[:-1:2], column[-1]]
    return True


class Guard:
    """Mixed into :class:`~engine.sequential.Sequential`: its watch sees every monitored step, every
    row of running means and every history point, and a divergence puts the weights back to the last
    healthy point."""

    def _start_guard(self) -> None:
        """A fresh watch, no rows, no notice, nothing to roll back to (part of ``initialize``)."""
        self.watch_ = Watch(float(self.divergence_factor))
        self.running_ = {k: [] for k in ("step", "epoch", "loss", "acc", "grad_norms", "dead_fraction")}
        self.notice_, self.loss_ = "", float("nan")
        self.rolled_back_to_ = None  # after a divergence: the epoch the restored weights come from
        self._snapshot = None  # (weights, epoch) of the last healthy history point
        self._guess_acc = None  # accuracy of always guessing the commonest training class
        self._thinned = 0  # how often history_ and running_ were thinned (a checkpoint's rows count from it)
        self._relu = self._relu_layers()  # (looked up once: each monitored step reads them)
        self._new_row()

    def _monitor_every(self, n: int, batch_size: int) -> int:
        """Steps from one monitored step to the next: ``monitor_every``, or for "auto" one step every
        MONITOR_EXAMPLES examples or MONITOR_GAP steps, whichever comes first (a small network's
        step costs less than its monitoring; a row of running means still averages five batches or
        more), and ~100 an epoch at most."""
        if self.monitor_every != "auto":
            return int(self.monitor_every)
        return max(1, -(-n // batch_size) // 100, min(MONITOR_GAP, MONITOR_EXAMPLES // batch_size))

    def _rows_every(self, n: int, batch_size: int) -> int:
        """Steps a row of running means spans: a tenth of an epoch, at least ROW_EXAMPLES examples."""
        return max(-(-n // batch_size) // 10, -(-ROW_EXAMPLES // batch_size), 1)

    def _new_row(self) -> None:
        self._row = {"steps": 0, "batches": 0, "loss": 0.0, "right": 0, "seen": 0, "grads": [], "alive": None}

    def _monitor(self, loss: float, y: np.ndarray, every: int = 1) -> bool:
        """Check one step's loss, gradients and weights (``y``: the batch's targets; one step is
        monitored in ``every``) and add them to the row; return False (and roll back) if training diverged."""
        norms = self._flat.weight_grad_norms()
        why = self.watch_.batch(loss, math.hypot(*norms), self._flat.norm(), every)
        if why:
            self._diverge(why)
            return False
        self.loss_ = loss
        row = self._row
        row["grads"] = [s + g for s, g in zip(row["grads"], norms)] if row["batches"] else norms  # sums
        row["batches"] += 1
        row["loss"] += loss
        row["seen"] += len(y)
        if self._class_targets is not None:  # (picks, not labels: no copy to integers on every monitored step)
            row["right"] += np.count_nonzero(self._picks(self._z, cut=0.0) == y)
        relu = self._relu
        if relu:
            alive = [x.alive_units() for x in relu]
            row["alive"] = alive if row["alive"] is None else [a | b for a, b in zip(row["alive"], alive)]
        return True

    def _close_row(self, l1: float, l2: float) -> None:
        """The row's steps are taken (the loop counts them in ``_row["steps"]``, ``_rows_every`` a row):
        its monitored ones become a row of ``running_``, which the watch judges (a plateau, a rising
        loss, dead units: ``notice_``); ``l1``, ``l2``: the penalties (checked), which the watch leaves
        out of the loss."""
        row = self._row
        self._new_row()
        if not row["batches"]:
            return
        loss = row["loss"] / row["batches"]
        acc = row["right"] / row["seen"] if self._class_targets is not None else float("nan")
        dead = [1.0 - float(np.mean(a)) for a in row["alive"] or ()]
        grads = tuple(g / row["batches"] for g in row["grads"])
        self._thinned += _append(self.running_, (self.steps_, self.epoch_, loss, acc, grads, tuple(dead)))
        data = loss - penalty(self._weights(), l1, l2, self.n_train_) if l1 or l2 else loss
        names = [name for name, share in zip(self._dead_names(), dead) if share == 1.0] if 1.0 in dead else []
        self.notice_ = self.watch_.row(data, self.epoch_, self.steps_, names)

    def _diverge(self, why: str) -> None:
        self.status_ = "diverged"
        if self._snapshot is not None:
            for p, saved in zip(self.parameters(), self._snapshot[0]):
                p[...] = saved  # in place: every list of these arrays stays valid
        self.optimizer_ = get_optimizer(self.optimizer, float(self.lr))  # its state is poisoned too
        self.watch_.ema = None
        self.watch_.clear()
        self.notice_ = ""
        self._new_row()  # its batches saw the weights that diverged
        self.rolled_back_to_ = None if self._snapshot is None else self._snapshot[1]
        kept = (
            f"The weights were rolled back to the last healthy state (epoch {self._snapshot[1]:.2f})."
            if self._snapshot is not None
            else "There was no healthy state to go back to: check the inputs and the initialisation."
        )
        self.reason_ = why
        self.message_ = f"Training diverged at step {self.steps_} (epoch {self.epoch_:.2f}): {why}. {kept} {LOWER_LR}"

    def _relu_layers(self) -> list[Activation]:
        return [x for x in self.layers_ if isinstance(x, Activation) and x.fn.name == "relu"]

    def _dead_names(self) -> list[str]:
        relu = self._relu_layers()
        return [name for name, x in zip(layer_names(self.layers_), self.layers_) if x in relu]

    def chance_notice(self) -> str:
        """A sentence when the last history point's training accuracy is near what always guessing
        the commonest class gives (a run that ended having learned next to nothing), else ''.  Not a
        stall: the run went where it was asked to go, and the learner should hear how it ended."""
        guess = self._guess_acc
        acc = self.history_["train_acc"][-1] if self.history_["train_acc"] else None
        if guess is None or acc is None or not self.steps_ or acc > guess + NEAR_CHANCE * (1 - guess):
            return ""
        return (
            f"Training ended near chance level: training accuracy {acc:.2f}, where always guessing the "
            f"commonest class gives {guess:.2f}. The network learned next to nothing: check the inputs' "
            "scale, then try another learning rate or initialisation."
        )

    def _chance_loss(self, y) -> float | None:
        """The loss of always predicting the class frequencies of ``y``: what a network that learned
        nothing from the inputs reaches.  None for regression: there a slow start near the mean's loss
        is common and no plateau (falling or not, the R² curve shows it)."""
        if self._class_targets is None:
            return None
        targets = self._class_targets
        prior = (np.bincount(y, minlength=len(targets)) / len(y)).astype(self._dtype) @ targets
        return self._loss.value(np.broadcast_to(prior, (len(y), len(prior))), targets[y])

    @np.errstate(over="ignore", invalid="ignore")
    def restart_watch(self, X, y, X_test=None, y_test=None):
        """The parameters or the training rows were changed by hand: a history point for the run as it
        is now, from which the guard judges it (a loss far above this start is a divergence, and a
        rollback goes back no further)."""
        X, y = self._check_Xy(X, y)
        if X_test is not None or y_test is not None:
            X_test, y_test = self._check_Xy(X_test, y_test, ("X_test", "y_test"))
        self.watch_.start_loss = None  # _record starts it afresh from this point's loss
        self._record(X, y, X_test, y_test)
        return self

    def _record(self, X, y, X_test, y_test) -> None:
        """Add a history point; a loss there that is not finite is a divergence (rolled back)."""
        if self.eval_max_rows is not None:
            k = int(self.eval_max_rows)
            X, y = X[:k], y[:k]
            X_test, y_test = (None, None) if X_test is None else (X_test[:k], y_test[:k])

        _, l1, l2 = check_settings(self)

        def measure():
            test = (np.nan, np.nan) if X_test is None else self._measure(X_test, y_test, l1, l2)
            return (*self._measure(X, y, l1, l2), *test)

        loss, acc, t_loss, t_acc = measure()
        watch = self.watch_
        watch.factor = float(self.divergence_factor)
        if watch.start_loss is None and math.isfinite(loss):
            watch.start(loss, _norm(self.parameters()), self._chance_loss(y))
            self.notice_ = ""
            self._guess_acc = None if self._class_targets is None else float(np.bincount(y).max() / len(y))
        why = f"the loss before training is {loss}" if watch.start_loss is None else watch.point(loss)
        if why:
            self._diverge(why)
            loss, acc, t_loss, t_acc = measure()  # of the rolled-back weights
        elif watch.healthy and loss <= watch.limit:  # (a loss above the limit: the batches will say diverged)
            self._snapshot = ([p.copy() for p in self.parameters()], self.epoch_)
        self._thinned += _append(self.history_, (self.steps_, self.epoch_, loss, acc, t_loss, t_acc))


def _norm(arrays) -> float:
    return math.sqrt(sum(float(np.vdot(p, p)) for p in arrays))
