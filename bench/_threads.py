"""Fix BLAS threads before NumPy loads (imported first by every bench script).

``--threads N`` on the command line (default 1: these are small matrices, and on a
2-core machine a second BLAS thread mostly adds cache traffic; torch gets the same).
"""

import os
import sys

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


def best_times(runs: dict, repeats: int, *args) -> dict:
    """The best of ``repeats`` calls ``fn(*args)`` (each returning its seconds) for every contender.

    The contenders take turns round by round, so that drift on the machine hits all alike.
    """
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            times[name].append(fn(*args))
    return {name: min(ts) for name, ts in times.items()}
