"""A learning-rate hint: the learning-rate range test.

Smith's range test (L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV
2017, section 3.3) trains for a short while as the learning rate grows, and reads off the rates
where the loss falls and where it stops falling.  As in fastai's ``lr_find`` (Howard and Gugger,
"fastai: A Layered API for Deep Learning", 2020), the rate grows exponentially, one step per
mini-batch, the loss is smoothed by a bias-corrected running average, and the test stops once that
is ``stop_factor`` times its best: past there the rate only blows training up.

The suggestion is the rate at the smoothed loss's minimum divided by 10.  At the minimum the rate
is already as large as training tolerates (the running average trails the loss, so the loss is
often rising there), and a tenth of it still learns fast: fastai's rule of thumb.  The steepest
descent of the curve, the other common reading, is noisier on the small data sets of the pages.

All of it runs on a copy of the network, one step at a time of the loop every network trains by
(:meth:`~engine.sequential.Sequential._train`): the learner's weights, optimizer state and place in
the epoch stay as they are.
"""

from __future__ import annotations

import math

import numpy as np

from .optimizers import Optimizer
from .sequential import Sequential
from .validation import check_number, check_seed

LR_CEILING = 1e3  # no rate above this trains a network here (a weights file may not carry one either)


def lr_range_test(model: Sequential, X, y, lr_min=1e-5, lr_max=10.0, steps=100, smoothing=0.98,
                  stop_factor=4.0, seed=0):
    """Train a copy of ``model`` for up to ``steps`` mini-batches as the rate grows from ``lr_min``
    to ``lr_max``, and suggest a rate.

    Parameters
    ----------
    model : a Sequential (or MLP), fitted or not: the copy starts from its current weights (or from
        the fresh ones its seed gives) with a fresh optimizer of the same kind and its batch size
    X, y : the training data, as ``model.partial_fit`` takes it
    lr_min, lr_max : the range swept, on a log scale (``lr_max`` at most LR_CEILING)
    steps : mini-batches at most (the cost: about ``steps`` training steps)
    smoothing : the running average's weight on the past (0 smooths nothing)
    stop_factor : stop once the smoothed loss exceeds this many times its lowest value
    seed : draws the mini-batches

    Returns
    -------
    lrs, losses : arrays of the rates tried and the smoothed loss after each (as long as the test ran)
    suggestion : the rate at the lowest smoothed loss (the first tenth of the steps left out)
        divided by 10, within ``[lr_min, lr_max]``
    """
    lr_min = check_number("lr_min", lr_min, 0, low_open=True)
    lr_max = check_number("lr_max", lr_max, lr_min, LR_CEILING, low_open=True)
    steps = check_number("steps", steps, 2, 100_000, integer=True)
    smoothing = check_number("smoothing", smoothing, 0, 0.999)
    stop_factor = check_number("stop_factor", stop_factor, 1, low_open=True)
    check_seed(seed)
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a Sequential or MLP; got {type(model).__name__}.")
    net = _copy(model, seed)
    lrs, losses, avg, best = [], [], 0.0, math.inf
    if net.partial_fit(X, y, 0).status_ == "diverged":  # (it checks the data and measures the start)
        return np.array(lrs), np.array(losses), lr_min  # the loss before training is not finite
    X, y = net._check_Xy(X, y)
    rates = np.geomspace(lr_min, lr_max, steps)  # (lr_max / lr_min may overflow)
    for i, lr in enumerate(rates):
        net.set_params(lr=float(lr))
        net._train(X, y, 1)  # one step of the loop every network trains by
        if net.status_ == "diverged":
            break  # a loss or gradient that is not finite, or exploding weights: the guard stopped it
        loss = net.loss_  # of the weights before the step, as the rate sees them
        avg = smoothing * avg + (1 - smoothing) * loss
        smooth = avg / (1 - smoothing ** (i + 1))  # bias-corrected: the average starts at 0
        lrs.append(lr)
        losses.append(smooth)
        if smooth > stop_factor * best:
            break
        best = min(best, smooth)
    lrs, losses = np.array(lrs), np.array(losses)
    if not len(lrs):
        return lrs, losses, lr_min  # the very first step diverged: nothing to read
    # the first tenth averages too few batches: one lucky batch there is no minimum (fastai skips it too)
    skip = min(steps // 10, len(lrs) - 1)
    best = skip + int(np.argmin(losses[skip:]))
    return lrs, losses, float(np.clip(lrs[best] / 10, lr_min, lr_max))


def _copy(model: Sequential, seed: int) -> Sequential:
    """A network with ``model``'s settings and current weights (or the fresh ones its seed gives), an
    optimizer of its own, mini-batches drawn from ``seed`` alone, and every step watched.  Its guard
    still stops at a loss that is not finite or at exploding weights; when the loss has risen too
    far is the range test's to say (``divergence_factor`` is put out of its way)."""
    net = model.clone().set_params(monitor_every=1, divergence_factor=1e6)
    if isinstance(model.optimizer, Optimizer):  # an object would be shared: take a fresh one of its kind
        net.optimizer = type(model.optimizer).name
    net.initialize()
    if model.is_fitted():
        for p, q in zip(net.parameters(), model.parameters()):
            p[...] = q
    net._rng = np.random.default_rng(seed)
    return net
