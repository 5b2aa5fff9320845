"""The training guard: names a run that blows up or stops learning, and says what to try.

One small object watches two streams of numbers from a training loop:

* :meth:`Watch.batch` - each monitored step: its (noisy) batch loss, gradient norm and
  weight norm.  A loss or gradient that is not finite, weights whose norm grew
  ``weight_factor`` times, or a running average of batch losses above ``factor`` times
  the starting loss: the run has **diverged**.
* :meth:`Watch.point` - a loss measured on the training rows (a history point, or each
  step of full-batch gradient descent).  A loss above that same limit, or one that keeps
  rising (50% above where it was a window earlier, at every point for a window) has
  **diverged**; a loss that stays near chance level (what always guessing the class
  frequencies gives) without falling, or a layer of ReLU units that is dead for every
  example, for a window has **stalled**.

A *window* is ``patience`` on the caller's clock (epochs for a network, steps for gradient
descent) and at least ``min_steps`` steps, so that a few epochs of a tiny data set do not
count as sustained.  A spike that recovers is not a rise: after the jump the loss falls.

:class:`Guard` is the network's side: it feeds the watch from
:class:`~engine.sequential.Sequential`'s loop and history points, keeps the weights of
the last healthy point, and puts them back after a divergence.
"""

from __future__ import annotations

import math

import numpy as np

from .layers import Activation, layer_names
from .optimizers import get_optimizer

LOWER_LR = "Try a smaller learning rate."
# a run whose training accuracy ends within this share of the way from guessing to perfect has
# learned next to nothing (MNIST: 0.28 or less; two balanced classes: 0.60 or less)
NEAR_CHANCE = 0.2
STALL_HINT = (
    "Try a smaller learning rate or another initialisation (he for ReLU), then Reset; "
    "if the loss has hardly moved since the start, the learning rate may be too small instead."
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
        self._points = []  # (clock, step, loss, data loss) of the last two windows or so
        self._since = {}  # condition -> (clock, step) when it began

    @property
    def limit(self) -> float:
        """A loss above this counts as divergence: ``factor`` times the loss at the start."""
        return self.factor * max(self.start_loss, 1e-3)

    def batch(self, loss: float, grad_norm: float = 0.0, weight_norm: float | None = None) -> str | None:
        """One monitored step; returns why training diverged, or None."""
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
        # moves it by a tenth of its excess, a run of exploding batches moves it fast
        prev = self.start_loss if self.ema is None else self.ema
        self.ema = 0.9 * prev + 0.1 * loss
        if self.ema > self.limit:
            return f"the loss climbed to {self.ema:.4g} (it started at {self.start_loss:.4g})"
        return None

    def _window_ago(self, clock: float, step: int):
        """The latest point at least a window before (clock, step), or None."""
        old = [p for p in self._points if clock - p[0] >= self.patience and step - p[1] >= self.min_steps]
        if old:
            del self._points[: len(old) - 1]  # older points are never needed again
            return old[-1]
        return None

    def point(self, loss: float, clock: float, step: int, dead=None, data_loss=None) -> tuple[str, str] | None:
        """A loss on the training data at time ``clock``; returns ``(status, why)`` or None.

        ``dead``: ``{layer name: share of its ReLU units that output 0 for every example}``;
        ``data_loss``: the loss without the weight penalty (compared with chance level).
        """
        if not loss <= self.limit:  # also catches NaN
            return "diverged", f"the training loss reached {loss:.4g} (it started at {self.start_loss:.4g})"
        data_loss = loss if data_loss is None else data_loss
        ago = self._window_ago(clock, step)
        self._points.append((clock, step, loss, data_loss))
        margin = 0.05 * (self.start_loss if self.chance is None else self.chance)
        dead_layers = [name for name, share in (dead or {}).items() if share == 1.0]
        on = {
            "rising": ago is not None and loss > 1.5 * ago[2] + margin,
            "dead": bool(dead_layers),
            # near chance, and not 2% lower than a window ago (a slow but steady start is learning)
            "chance": self.chance is not None
            and data_loss >= 0.9 * self.chance
            and (ago is None or data_loss > 0.98 * ago[3]),
        }
        for name, active in on.items():
            if not active:
                self._since.pop(name, None)
                continue
            clock0, step0 = self._since.setdefault(name, (clock, step))
            if clock - clock0 >= self.patience and step - step0 >= self.min_steps:
                self._since[name] = (clock, step)  # warn again only after another full window
                return self._verdict(name, loss, clock0, dead_layers)
        return None

    @property
    def healthy(self) -> bool:
        """False while the loss is rising: weights from then are no state to roll back to."""
        return "rising" not in self._since

    def _verdict(self, name, loss, since, dead_layers) -> tuple[str, str]:
        when = f"since {self.unit[:-1]} {since:.4g}"
        if name == "rising":
            return "diverged", f"the training loss has kept rising {when}, to {loss:.4g}"
        dead = (
            f"every ReLU unit of {' and '.join(dead_layers)} is dead: it outputs 0 for every example, "
            "so no gradient passes through it and it cannot recover"
        )
        if name == "dead":
            return "stalled", f"{dead} ({when}). {STALL_HINT}"
        why = (
            f"the loss has stayed near chance level {when} without falling ({self.chance:.4g} is what "
            "always guessing the class frequencies gives)"
        )
        return "stalled", f"{why}{'; ' + dead if dead_layers else ''}. {STALL_HINT}"


class Guard:
    """Mixed into :class:`~engine.sequential.Sequential`: its watch sees every monitored step and
    every history point, and a divergence puts the weights back to the last healthy point."""

    def _monitor(self, loss: float, params: list[np.ndarray], grads: list[np.ndarray]) -> bool:
        """Record one step's diagnostics; return False (and roll back) if training diverged."""
        norms = [math.sqrt(np.vdot(grads[i], grads[i])) for i in self._weight_slots]
        why = self.watch_.batch(loss, math.sqrt(sum(g * g for g in norms)), _norm(params))
        if why:
            self._diverge(why)
            return False
        s = self.stats_
        s["step"].append(self.steps_)
        s["batch_loss"].append(loss)
        s["grad_norms"].append(norms)
        s["dead_fraction"].append([x.dead_fraction() for x in self.layers_ if isinstance(x, Activation)])
        return True

    def _diverge(self, why: str) -> None:
        self.status_ = "diverged"
        if self._snapshot is not None:
            for p, saved in zip(self.parameters(), self._snapshot[0]):
                p[...] = saved  # in place: every list of these arrays stays valid
        self.optimizer_ = get_optimizer(self.optimizer, float(self.lr))  # its state is poisoned too
        self.watch_.ema = None
        self.rolled_back_to_ = None if self._snapshot is None else self._snapshot[1]
        kept = (
            f"The weights were rolled back to the last healthy state (epoch {self._snapshot[1]:.2f})."
            if self._snapshot is not None
            else "There was no healthy state to go back to: check the inputs and the initialisation."
        )
        self.reason_ = why
        self.message_ = f"Training diverged at step {self.steps_} (epoch {self.epoch_:.2f}): {why}. {kept} {LOWER_LR}"

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
        is common and no stall (falling or not, the R² curve shows it)."""
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
        """Add a history point; the watch judges it (divergence rolls back, a stall sets the status)."""
        if self.eval_max_rows is not None:
            k = int(self.eval_max_rows)
            X, y = X[:k], y[:k]
            X_test, y_test = (None, None) if X_test is None else (X_test[:k], y_test[:k])

        def measure():
            test = (np.nan, np.nan)
            if X_test is not None:
                t_loss, _, t_acc, _ = self._measure(X_test, y_test)
                test = (t_loss, t_acc)
            return (*self._measure(X, y), *test)

        loss, data, acc, dead, t_loss, t_acc = measure()
        watch = self.watch_
        watch.factor = float(self.divergence_factor)
        if watch.start_loss is None and math.isfinite(loss):
            watch.start(loss, _norm(self.parameters()), self._chance_loss(y))
            self._guess_acc = None if self._class_targets is None else float(np.bincount(y).max() / len(y))
        if watch.start_loss is None:
            verdict = ("diverged", f"the loss before training is {loss}")
        else:
            verdict = watch.point(loss, self.epoch_, self.steps_, dict(zip(self._dead_names(), dead)), data)
        if verdict and verdict[0] == "diverged":
            self._diverge(verdict[1])
            loss, data, acc, dead, t_loss, t_acc = measure()  # of the rolled-back weights
        elif verdict:
            self.status_, self.message_ = "stalled", f"Training stalled at epoch {self.epoch_:.2f}: {verdict[1]}"
            self.reason_ = verdict[1]
        elif watch.healthy:
            self._snapshot = ([p.copy() for p in self.parameters()], self.epoch_)
        for key, val in zip(self.history_, (self.steps_, self.epoch_, loss, acc, t_loss, t_acc)):
            self.history_[key].append(val)


def _norm(arrays) -> float:
    return math.sqrt(sum(float(np.vdot(p, p)) for p in arrays))
