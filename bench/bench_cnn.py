"""Time one epoch of the default CNN on the 4000 bundled training digits (batch 32): engine vs torch CPU.

The network is ``engine.cnn.default_cnn`` (conv 8@5x5 -> ReLU -> maxpool 2 -> conv 16@3x3 -> ReLU ->
maxpool 2 -> dense 10); torch, when installed, runs the same layers with the same starting weights,
cross-entropy and Adam.  Prints seconds per epoch (best of ``--repeats``) and the ratio.
"""

from __future__ import annotations

import argparse
import time

import _threads  # first: sets BLAS threads before NumPy loads
import numpy as np

from engine import load_mnist, train_test_split
from engine.cnn import default_cnn


def engine_epoch(X, y):
    model = default_cnn()
    model.partial_fit(X, y, n_batches=1)  # builds the layers and records the starting loss
    start = time.perf_counter()
    model.partial_fit(X, y, record=False)
    return time.perf_counter() - start


def torch_epoch(X, y):
    import torch

    model = default_cnn().initialize()  # the same starting weights
    conv1, conv2, dense = (x for x in model.layers_ if x.params)
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 10),
    )
    with torch.no_grad():
        for mine, theirs in zip((conv1, conv2), (net[0], net[3])):
            theirs.weight.copy_(torch.from_numpy(mine.W))
            theirs.bias.copy_(torch.from_numpy(mine.b))
        net[7].weight.copy_(torch.from_numpy(dense.W.T.copy()))
        net[7].bias.copy_(torch.from_numpy(dense.b))
    opt = torch.optim.Adam(net.parameters(), lr=model.lr)
    Xt, yt = torch.from_numpy(X.reshape(-1, 1, 28, 28)), torch.from_numpy(y.astype(np.int64))
    return _threads.torch_epoch_seconds(net, opt, Xt, yt, model.batch_size)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads for both")
    args = parser.parse_args(argv)
    d = load_mnist()
    X, _, y, _ = train_test_split(d.X, d.y, test_size=0.2, seed=0)  # the pages' 4000 training digits
    runs = _threads.with_torch({"engine": engine_epoch}, torch_epoch)
    best = _threads.best_times(runs, args.repeats, X, y)
    print(
        f"default CNN, Adam, batch 32, {len(X)} float32 digits, {_threads.THREADS} thread(s), "
        f"best of {args.repeats}"
    )
    for name, t in best.items():
        print(f"  {name:<7} {t * 1000:8.1f} ms/epoch   {len(X) / t:10.0f} digits/s")
    if "torch" in best:
        print(f"  engine / torch = {best['engine'] / best['torch']:.2f}  (goal <= 1.50)")
    return best


if __name__ == "__main__":
    main()
