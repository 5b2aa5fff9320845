"""Networks of one shape trained together: the steps of K networks as one stacked computation.

A class playing the playground at its defaults trains many copies of one small network.  A step of
a 2-8-8-1 network at batch 10 makes some thirty NumPy calls on a few dozen numbers each, and their
overhead, not the arithmetic, is what the step costs.  Stacked along a first axis (the weights of K
networks as ``(K, D_in, D_out)``, their batches as ``(K, B, D)``), K networks take those thirty calls
together.

Each network still trains as its own :meth:`~engine.sequential.Sequential.partial_fit` would: its own
shuffle, learning rate and optimizer state, its own guard (monitored steps, rows of running means, a
rollback that stops it alone) and history points.  tests/engine/test_together.py holds the parameters
to those of ``partial_fit`` network by network (float64, 1e-12).  What can be stacked is what
:func:`stack_key` says: Dense and elementwise activation layers, a readout trained with its own loss
(whose delta is ``(a - y) / B``), one optimizer rule with the same settings but the rate, the same
batch size and penalty; and training sets of one size that batches divide.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np

from .flat import FlatParameters
from .layers import Activation, Dense
from .losses import READOUT_LOSS
from .network_checks import check_settings
from .optimizers import SGD, Adam, Momentum, RMSprop
from .regularization import penalty, penalty_grad

# parameters: a larger network's step is arithmetic rather than calls, and stacking gains nothing
MAX_PARAMS = 20_000
ELEMENTWISE = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
SLOTS = {SGD: (), Momentum: ("v",), RMSprop: ("s",), Adam: ("m", "v")}  # each rule's state, per array


def stack_key(model) -> tuple | None:
    """What networks must share to be trained together (equal keys), or None for one that cannot be."""
    if not model.is_fitted() or model._flat.params.size > MAX_PARAMS:
        return None
    shape = []
    for layer in model.layers_:
        if type(layer) is Dense:
            shape.append(layer.params[0].shape)
        elif type(layer) is Activation and layer.fn.name in ELEMENTWISE:
            shape.append(repr(layer.fn))
        else:
            return None
    opt, size = model.optimizer_, model._flat.params.size
    if type(opt) not in SLOTS or model._loss.name != READOUT_LOSS[model.output]:
        return None
    for name in SLOTS[type(opt)]:  # state kept for the one flat array the loop steps, or none yet
        state = getattr(opt, name)
        if set(state) - {0} or any(v.shape != (size,) for v in state.values()):
            return None
    rule = tuple((k, v) for k, v in sorted(vars(opt).items()) if k not in ("lr", "t", *SLOTS[type(opt)]))
    return (tuple(shape), model.output, model._dtype.str, check_settings(model), type(opt).__name__, rule,
            str(model.monitor_every))


def partial_fit_together(models, data, n_batches=None, time_budget=None, record=True, clock=time.perf_counter,
                         keys=None):
    """``model.partial_fit(X, y, n_batches, X_test, y_test, time_budget, record, clock)`` of each of
    ``models``, ``data`` holding their ``(X, y, X_test, y_test)``: networks with the same
    :func:`stack_key` and training-set size train together, each for ``time_budget`` seconds' share
    of their time; the others one after another.  ``keys``: their stack keys, if the caller knows
    them already (a server asks for them once a tick, not at each piece).  Returns ``models``."""
    groups = defaultdict(list)
    for i, (model, (X, y, X_test, y_test)) in enumerate(zip(models, data)):
        checked = model._fit_begins(X, y, n_batches, X_test, y_test, time_budget)
        if checked is not None:
            key = stack_key(model) if keys is None else keys[i]
            batch = key[3][0] if key else 1
            # full batches only: the data in whole batches, and each network at a batch's start
            together = key is not None and len(checked[0]) % batch == 0 and model._pos % batch == 0
            groups[(key, len(checked[0])) if together else id(model)].append((model, checked, model.steps_))
    for group in groups.values():
        if len(group) > 1:
            budget = None if time_budget is None else time_budget * len(group)
            _train([m for m, _, _ in group], [c[:2] for _, c, _ in group], group[0][1][2], budget, clock)
        else:
            model, (X, y, n, _, _), _ = group[0]
            model._train(X, y, n, time_budget, clock)
    for group in groups.values():
        for model, (X, y, _, X_test, y_test), before in group:
            model._fit_ends(X, y, X_test, y_test, record and model.steps_ > before)
    return models


def _train(models, data, n_batches, time_budget, clock) -> None:
    """:meth:`Sequential._train` of each of ``models`` (stackable, on checked ``(X, y)`` of one size):
    stacked until one diverges, then the others go on without it."""
    start, left = clock(), n_batches
    while models and left > 0:
        stack = _Stack(models, data)
        done, diverged = _steps(stack, left, time_budget, start, clock)
        stack.release(done, diverged)
        left -= done
        if not diverged:
            return
        keep = [k for k in range(len(models)) if k not in diverged]
        models, data = [models[k] for k in keep], [data[k] for k in keep]


def _steps(stack, n_batches, time_budget, start, clock) -> tuple[int, list[int]]:
    """Up to ``n_batches`` steps of every network of ``stack``, until the time is up or some diverge:
    ``(steps done, the networks that diverged)``."""
    m0 = stack.models[0]
    B, l1, l2 = check_settings(m0)
    n, readout, watch_from = stack.n, m0._readout, m0._loss.watch_from
    every, rows = m0._monitor_every(n, B), m0._rows_every(n, B)
    targets = m0._class_targets
    with np.errstate(over="ignore", invalid="ignore"):  # the watch judges what overflows
        for s in range(n_batches):
            xb, yb = stack.batches(s)
            Y = yb if targets is None else targets.take(yb, axis=0)
            ins, outs = [], []  # each layer's input and output, (K, B, D)
            a = xb
            for layer, W, b in stack.layers:
                ins.append(a)
                if W is not None:
                    a = np.matmul(a, W)
                    a += b
                else:
                    a = layer.fn.value(a)
                outs.append(a)
            K, C = a.shape[0], a.shape[2]
            z, p = a, readout.value(a.reshape(K * B, C)).reshape(K, B, C)
            watched = stack.watched(s, every)
            losses = [_loss(stack.models[k], z[k], p[k], Y[k], watch_from, l1, l2, n) for k in watched]
            d = (p - Y) / B  # the fused delta of each readout with its own loss
            for i in range(len(stack.layers) - 1, -1, -1):
                layer, W, b = stack.layers[i]
                if W is not None:
                    gW, gb = stack.grad_views[i]
                    np.matmul(ins[i].transpose(0, 2, 1), d, out=gW)
                    np.add.reduce(d, axis=1, out=gb)
                    if l1 or l2:
                        gW += penalty_grad(W, l1, l2, n)
                    if i:
                        d = np.matmul(d, W.transpose(0, 2, 1))
                elif i:
                    d = layer.fn.backward(d, ins[i], outs[i])
            diverged = [k for k, loss in zip(watched, losses) if not stack.monitor(k, s, loss, yb, z, outs, every)]
            stack.step(diverged)
            for k in stack.row_ends(s, rows):
                if k not in diverged:
                    stack.count(k, s + 1)
                    stack.models[k]._close_row(l1, l2)
            if diverged:
                return s + 1, diverged
            if time_budget is not None and clock() - start >= time_budget:
                return s + 1, []
    return n_batches, []


def _loss(model, z, p, Y, watch_from, l1, l2, n) -> float:
    """A monitored step's loss, as :meth:`Sequential._loss_and_grads` reads it (before the step)."""
    loss = model._loss.value_from_logits(z, p, Y, model._readout) if watch_from == "logits" else model._loss.value(p, Y)
    return loss + penalty(model._weights(), l1, l2, n) if l1 or l2 else loss


class _Stack:
    """The parameters, gradients, optimizer state, data and shuffles of K networks as rows of shared
    arrays, for one call: each network's layers hold views of its row meanwhile, so its guard reads
    and rolls back its own numbers."""

    def __init__(self, models, data):
        self.models = models
        m0 = models[0]
        K, P, dtype = len(models), m0._flat.params.size, m0._dtype
        self.B, self.n = check_settings(m0)[0], len(data[0][0])
        self.params, self.grads = np.empty((K, P), dtype), np.zeros((K, P), dtype)
        self.own = [m._flat.attached(m._param_layers) for m in models]  # each network's arrays, given back at the end
        for k, m in enumerate(models):
            m._flat = FlatParameters(m._param_layers, dtype, into=(self.params[k], self.grads[k]))
        # each layer's weights and biases (and gradients) as (K, ...) views of the rows, where the flat
        # arrays keep them
        self.layers, self.grad_views, i = [], [], 0
        starts = m0._flat.starts
        for layer in m0.layers_:
            if layer.params:
                W, b = layer.params
                (w, b_at), dout = starts[i : i + 2], b.size
                Ws, gW = (a[:, w : w + W.size].reshape(K, *W.shape) for a in (self.params, self.grads))
                bs, gb = (a[:, b_at : b_at + dout] for a in (self.params, self.grads))
                self.layers.append((layer, Ws, bs.reshape(K, 1, dout)))
                self.grad_views.append((gW, gb))
                i += 2
            else:
                self.layers.append((layer, None, None))
                self.grad_views.append(None)
        self.relu = [i for i, (layer, _, _) in enumerate(self.layers) if layer in m0._relu]
        for m in models:
            if isinstance(m.optimizer, str):  # a learning rate set as a plain attribute counts too
                m.optimizer_.lr = float(m.lr)
        # the optimizers' one rule (equal keys: the same settings) with a row per network of its rate,
        # step count and state: Optimizer.step on the stacked arrays is each network's step
        opt = m0.optimizer_
        self.rule = object.__new__(type(opt))
        vars(self.rule).update(vars(opt))
        self.rule.lr = np.array([[m.optimizer_.lr] for m in models], dtype=dtype)
        self.rule.t = np.array([[m.optimizer_.t] for m in models])
        for name in SLOTS[type(opt)]:
            setattr(self.rule, name, {0: np.stack([getattr(m.optimizer_, name).get(0, np.zeros(P, dtype)) for m in models])})
        self.X = np.concatenate([X for X, _ in data])
        self.y = np.concatenate([y for _, y in data])
        n, B = self.n, self.B
        self.start = [(m.steps_, m.n_seen_, m._row["steps"]) for m in models]
        self.rows_from = [steps for _, _, steps in self.start]  # a row's steps = this + steps done
        # each network's shuffle, its indices offset into the stacked data; where each one is in it
        self.orders = [m._order for m in models]
        self.flat_orders = np.zeros(K * n, dtype=np.intp)
        self.at = np.array([k * n + (m._pos if m._order is not None else n) for k, m in enumerate(models)])
        for k, order in enumerate(self.orders):
            if order is not None:
                self.flat_orders[k * n : (k + 1) * n] = order + k * n
        # the steps at which each network reshuffles: when its epoch runs out, then every epoch's steps
        self.first_shuffle = [(n - int(self.at[k] - k * n)) // B for k in range(K)]
        self.reshuffles = defaultdict(list)
        for k, first in enumerate(self.first_shuffle):
            self.reshuffles[first % (n // B)].append(k)
        self.offsets = np.arange(B)

    # ---------------------------------------------------------------- batches
    def batches(self, s: int):
        """Step ``s``'s batch of each network, ``(K, B, D)`` inputs and their targets."""
        n, B = self.n, self.B
        for k in self.reshuffles.get(s % (n // B), ()):
            if s >= self.first_shuffle[k]:
                order = self.models[k]._rng.permutation(n)  # as Sequential._batch draws it
                self.orders[k] = order
                self.flat_orders[k * n : (k + 1) * n] = order + k * n
                self.at[k] = k * n
        idx = self.flat_orders.take(self.at[:, None] + self.offsets)
        self.at += B
        return self.X.take(idx, axis=0), self.y.take(idx, axis=0)

    # ---------------------------------------------------------------- the guard
    def watched(self, s: int, every: int) -> list[int]:
        """The networks whose step ``s`` their guard looks at (every ``every``-th step of each)."""
        return [k for k, (steps, _, _) in enumerate(self.start) if (steps + s) % every == 0]

    def count(self, k: int, done: int) -> None:
        """Network ``k``'s counters after ``done`` steps of this call."""
        m, (steps, seen, _) = self.models[k], self.start[k]
        m.steps_, m.n_seen_ = steps + done, seen + done * self.B
        epoch_at, seen_at = m._epoch_from
        m.epoch_ = epoch_at + (m.n_seen_ - seen_at) / self.n

    def monitor(self, k, s, loss, yb, z, outs, every) -> bool:
        """Network ``k``'s guard looks at step ``s`` (Guard._monitor); False if it diverged (rolled back)."""
        m = self.models[k]
        self.count(k, s)
        m._z = z[k]
        for i in self.relu:  # what alive_units reads
            layer = m.layers_[i]
            layer.cache = (None, outs[i][k], layer.fn)
        return m._monitor(loss, yb[k], every)

    def row_ends(self, s: int, rows: int) -> list[int]:
        """The networks whose row of running means step ``s`` completes."""
        ends = [k for k, start in enumerate(self.rows_from) if start + s + 1 >= rows]
        for k in ends:
            self.rows_from[k] = -(s + 1)
        return ends

    # ---------------------------------------------------------------- the optimizer
    def step(self, diverged: list[int]) -> None:
        """Each network's optimizer step on its row (the diverged rows, rolled back, stay as they are)."""
        kept = self.params[diverged].copy() if diverged else None
        self.rule.step([self.params], [self.grads])
        if diverged:
            self.params[diverged] = kept

    # ---------------------------------------------------------------- the end
    def release(self, done: int, diverged=()) -> None:
        """Give each network back its own arrays, shuffle, counters and optimizer state after ``done``
        steps (a diverged one: the step that diverged is not counted, its optimizer was renewed)."""
        n = self.n
        for k, m in enumerate(self.models):
            m._order, m._pos = self.orders[k], int(self.at[k] - k * n)
            own = self.own[k]
            own.params[...], own.grads[...] = self.params[k], self.grads[k]
            m._flat = own.attach()
            for layer in m._param_layers:
                layer.grads = list(layer.grad_buffers)
            if k in diverged:
                self.count(k, done - 1)
                continue
            self.count(k, done)
            m._row["steps"] = self.rows_from[k] + done
            m.optimizer_.t = int(self.rule.t[k, 0])
            for name in SLOTS[type(self.rule)]:
                state, slots = getattr(self.rule, name)[0][k], getattr(m.optimizer_, name)
                if 0 in slots:
                    slots[0][...] = state
                else:
                    slots[0] = state.copy()
