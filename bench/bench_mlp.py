"""Time one epoch of an MLP 784-100-10 (batch 32, 60k MNIST-shaped float32 rows).

Contenders, run in one process on the same data:

* engine   - ``engine.MLP.partial_fit`` at its defaults: its guard looks at one step in 18 (loss,
  gradient and weight norms, accuracy, live ReLU units) and closes a row of running means ten
  times an epoch
* unwatched - the same with the guard looking at no step (``monitor_every`` past the epoch): the
  layers, the loss and the optimizer alone, what the guard costs is the difference
* numpy    - a plain vectorised NumPy loop, the minimum the same math costs
* torch    - torch CPU (nn.Linear + ReLU + CrossEntropyLoss + SGD), when installed

All use ReLU hidden units, a softmax readout, cross-entropy and SGD (lr 0.1).  Epochs of the
contenders take turns (``--repeats`` each), timed in CPU time (``time.thread_time``: other processes
on a shared machine do not count); prints the median and the best seconds per epoch and the ratios
of the medians.
"""

from __future__ import annotations

import argparse
import statistics
import time

import _threads  # first: sets BLAS threads before NumPy loads
import numpy as np

from engine import MLP, load_mnist

N, BATCH, LR = 60_000, 32, 0.1


def mnist_shaped(n=N):
    """The bundled 5000 digits tiled up to ``n`` rows (float32 in [0, 1])."""
    d = load_mnist()
    X, y = np.resize(d.X, (n, d.X.shape[1])).copy(), np.resize(d.y, n).copy()  # (arrays of their own)
    X.flags.writeable = y.flags.writeable = False  # as the pages hand their data over: checked once
    return X, y


def engine_epoch(X, y, monitor_every="auto"):
    model = MLP(
        [784, 100, 10],
        activation="relu",
        output="softmax",
        init="he",
        optimizer="sgd",
        lr=LR,
        batch_size=BATCH,
        seed=0,
        dtype="float32",
        monitor_every=monitor_every,
    )
    model.partial_fit(X, y, n_batches=1)  # validates X once and records the starting loss
    start = time.thread_time()
    model.partial_fit(X, y, n_batches=N // BATCH, record=False)
    return time.thread_time() - start


def unwatched_epoch(X, y):
    return engine_epoch(X, y, monitor_every=N)


def numpy_epoch(X, y):
    rng = np.random.default_rng(0)
    W1 = (rng.standard_normal((784, 100)) * np.sqrt(2 / 784)).astype(np.float32)
    b1 = np.zeros(100, np.float32)
    W2 = (rng.standard_normal((100, 10)) * np.sqrt(2 / 100)).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    eye = np.eye(10, dtype=np.float32)
    start = time.thread_time()
    order = rng.permutation(len(X))
    for i in range(0, len(X), BATCH):
        idx = order[i : i + BATCH]
        xb, yb = X[idx], eye[y[idx]]
        z1 = xb @ W1 + b1
        h = np.maximum(z1, 0)
        z2 = h @ W2 + b2
        e = np.exp(z2 - z2.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        dz2 = (p - yb) / len(idx)
        dW2, db2 = h.T @ dz2, dz2.sum(axis=0)
        dz1 = (dz2 @ W2.T) * (z1 > 0)
        dW1, db1 = xb.T @ dz1, dz1.sum(axis=0)
        W1 -= LR * dW1
        b1 -= LR * db1
        W2 -= LR * dW2
        b2 -= LR * db2
    return time.thread_time() - start


def torch_epoch(X, y):
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(784, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10))
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    return _threads.torch_epoch_seconds(net, opt, Xt, yt, BATCH, clock=time.thread_time)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=15, help="epochs of each, taking turns")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads for every contender")
    args = parser.parse_args(argv)
    X, y = mnist_shaped()
    contenders = {"engine": engine_epoch, "unwatched": unwatched_epoch, "numpy": numpy_epoch}
    runs = _threads.with_torch(contenders, torch_epoch)
    times = _threads.all_times(runs, args.repeats, X, y)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    print(
        f"MLP 784-100-10, ReLU + softmax, SGD, batch {BATCH}, {N} float32 rows, "
        f"{_threads.THREADS} thread(s), {args.repeats} interleaved epochs each (CPU time)"
    )
    for name, t in med.items():
        print(f"  {name:<9} {t * 1000:8.1f} ms/epoch median  {min(times[name]) * 1000:8.1f} best  {N / t:9.0f} rows/s")
    print(f"  engine / numpy    = {med['engine'] / med['numpy']:.3f}  (goal <= 1.0, issue 21)")
    print(f"  unwatched / numpy = {med['unwatched'] / med['numpy']:.3f}  (the guard's share: the difference)")
    if "torch" in med:
        print(f"  engine / torch    = {med['engine'] / med['torch']:.3f}  (goal <= 0.50)")
    return med


if __name__ == "__main__":
    main()
