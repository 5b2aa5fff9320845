"""Fix BLAS threads before NumPy loads (imported first by every bench script), and what the
benchmarks share: torch when installed, its training epoch, and the contenders' best times.

``--threads N`` on the command line (default 1: these are small matrices, and on a
2-core machine a second BLAS thread mostly adds cache traffic; torch gets the same).
"""

import os
import sys
import time

THREADS = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def torch_or_none():
    """torch with THREADS threads, or None when it is not installed (it is optional)."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(THREADS)
    return torch


def all_times(runs: dict, repeats: int, *args) -> dict:
    """The seconds of ``repeats`` calls ``fn(*args)`` (each returning its seconds) of every contender.

    The contenders take turns round by round, so that drift on the machine hits all alike.
    """
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            times[name].append(fn(*args))
    return times


def best_times(runs: dict, repeats: int, *args) -> dict:
    """The best of :func:`all_times` for every contender."""
    return {name: min(ts) for name, ts in all_times(runs, repeats, *args).items()}


def torch_epoch_seconds(net, opt, X, y, batch: int, clock=time.perf_counter) -> float:
    """One shuffled epoch of ``net`` with optimiser ``opt`` and cross-entropy over torch tensors,
    in seconds by ``clock``."""
    import torch

    loss_fn = torch.nn.CrossEntropyLoss()
    start = clock()
    order = torch.randperm(len(X))
    for i in range(0, len(X), batch):
        idx = order[i : i + batch]
        opt.zero_grad()
        loss_fn(net(X[idx]), y[idx]).backward()
        opt.step()
    return clock() - start


def with_torch(runs: dict, torch_run) -> dict:
    """``runs`` with ``torch_run`` added as "torch" when torch is installed (it is optional)."""
    if torch_or_none() is None:
        print("torch not installed: skipping the torch CPU comparison")
        return runs
    return {**runs, "torch": torch_run}
