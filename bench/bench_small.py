"""Time one epoch of the playground's small network, 2-8-8-1 (batch 10, 500 points): engine vs plain NumPy.

* engine - ``engine.MLP.partial_fit`` (its guard included), tanh hidden units, one sigmoid output
* numpy  - a hand-written NumPy loop doing the same math: shuffled mini-batches, forward, the
  fused sigmoid + cross-entropy delta, backward, the optimizer's update of each array
* together - ``--together`` K such networks (other seeds, the same data) trained as one stacked
  computation (``engine.together.partial_fit_together``: what a class's server does with the
  learners' ticks), per network

Epochs of the two take turns (``--repeats`` each), timed in CPU time (``time.thread_time``: other
processes on a shared machine do not count), and the medians are compared.  ``--optimizer adam``
compares Adam's update instead of plain SGD.
"""

from __future__ import annotations

import argparse
import statistics
import time

import _threads  # first: sets BLAS threads before NumPy loads
import numpy as np

from engine import MLP
from engine.together import partial_fit_together

N, BATCH, LR, SIZES = 500, 10, 0.1, (2, 8, 8, 1)


def points(n=N, seed=0):
    """Two interleaved spirals of ``n`` points, labels 0 and 1 (the data only sets the sizes)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.5, 3 * np.pi, n)
    y = rng.integers(0, 2, n)
    X = np.c_[t * np.cos(t + np.pi * y), t * np.sin(t + np.pi * y)] / 5 + rng.normal(0, 0.1, (n, 2))
    return X, y


def engine_run(X, y, optimizer):
    model = MLP(list(SIZES), activation="tanh", output="sigmoid", optimizer=optimizer, lr=LR if optimizer == "sgd"
                else 0.01, batch_size=BATCH, seed=0)
    model.partial_fit(X, y, n_batches=1)  # validates X once and records the starting loss

    def epoch():
        t0 = time.thread_time()
        model.partial_fit(X, y, n_batches=N // BATCH, record=False)
        return time.thread_time() - t0

    return epoch


def together_run(X, y, optimizer, k):
    models = [MLP(list(SIZES), activation="tanh", output="sigmoid", optimizer=optimizer,
                  lr=LR if optimizer == "sgd" else 0.01, batch_size=BATCH, seed=seed) for seed in range(k)]
    data = [(X, y, None, None)] * k
    partial_fit_together(models, data, 1)

    def epoch():
        t0 = time.thread_time()
        partial_fit_together(models, data, N // BATCH, record=False)
        return (time.thread_time() - t0) / k

    return epoch


def numpy_run(X, y, optimizer):
    rng = np.random.default_rng(0)
    params = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        r = np.sqrt(6 / (n_in + n_out))
        params += [rng.uniform(-r, r, (n_in, n_out)), np.zeros(n_out)]
    W1, b1, W2, b2, W3, b3 = params
    Y = y.astype(np.float64).reshape(-1, 1)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    t = [0]

    def sgd(grads):
        for p, g in zip(params, grads):
            p -= LR * g

    def adam(grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
        t[0] += 1
        for p, g, mi, vi in zip(params, grads, m, v):
            mi *= b1
            mi += (1 - b1) * g
            vi *= b2
            vi += (1 - b2) * g * g
            p -= lr * (mi / (1 - b1 ** t[0])) / (np.sqrt(vi / (1 - b2 ** t[0])) + eps)

    update = sgd if optimizer == "sgd" else adam

    def epoch():
        t0 = time.thread_time()
        order = rng.permutation(len(X))
        for i in range(0, len(X), BATCH):
            idx = order[i : i + BATCH]
            xb, yb = X[idx], Y[idx]
            h1 = np.tanh(xb @ W1 + b1)
            h2 = np.tanh(h1 @ W2 + b2)
            p = 1 / (1 + np.exp(-(h2 @ W3 + b3)))
            dz3 = (p - yb) / len(idx)
            dz2 = (dz3 @ W3.T) * (1 - h2 * h2)
            dz1 = (dz2 @ W2.T) * (1 - h1 * h1)
            update([xb.T @ dz1, dz1.sum(axis=0), h1.T @ dz2, dz2.sum(axis=0), h2.T @ dz3, dz3.sum(axis=0)])
        return time.thread_time() - t0

    return epoch


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=300, help="epochs of each, taking turns")
    parser.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument("--together", type=int, default=25, help="networks trained together (0: none)")
    args = parser.parse_args(argv)
    X, y = points()
    runs = {"engine": engine_run(X, y, args.optimizer), "numpy": numpy_run(X, y, args.optimizer)}
    if args.together:
        runs["together"] = together_run(X, y, args.optimizer, args.together)
    times = {name: [] for name in runs}
    for _ in range(args.repeats):
        for name, epoch in runs.items():
            times[name].append(epoch())
    med = {name: statistics.median(ts) for name, ts in times.items()}
    print(f"MLP {'-'.join(map(str, SIZES))}, tanh + sigmoid, {args.optimizer}, batch {BATCH}, {N} float64 points, "
          f"{_threads.THREADS} thread(s), median of {args.repeats} interleaved epochs (CPU time)")
    for name, t in med.items():
        print(f"  {name:<8} {t * 1000:8.3f} ms/epoch   {t / (N // BATCH) * 1e6:7.1f} us/step")
    print(f"  engine / numpy = {med['engine'] / med['numpy']:.2f}  (goal <= 1.15)")
    if args.together:
        print(f"  together / numpy = {med['together'] / med['numpy']:.2f}  (per network, {args.together} trained together)")
    return med


if __name__ == "__main__":
    main()
