"""What a server process sets up once, before any page runs."""

from __future__ import annotations

import ctypes
import os
import sys

# One BLAS thread per process: Streamlit serves every session from one process, the live pages do many
# small matrix products, and on a small machine a second BLAS thread mostly spins against the other
# sessions (measured: the server's CPU for one playing learner 44% -> 16%).  Scale out with replicas.
BLAS_THREADS = max(1, int(os.environ.get("BACKPROP_LAB_BLAS_THREADS", "1")))
_configured = False
# glibc's malloc, tuned for a process whose learners come and go with arrays of megabytes (mallopt's
# parameter numbers): each array over 4 MB (a wide network's parameters, optimizer state, checkpoints)
# gets its own mapping, handed back to the system when freed; by default the threshold rises to the
# largest array freed so far (up to 32 MB), after which those land in heaps that never shrink.  Not
# lower: at 128 kB every CNN step's im2col buffers were fresh mappings, and training ran 2-3x slower.
# Two arenas rather than eight a core: the GIL lets one thread allocate at a time anyway.
M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8
MALLOC = [(M_MMAP_THRESHOLD, 4 * 2**20, "MALLOC_MMAP_THRESHOLD_"), (M_ARENA_MAX, 2, "MALLOC_ARENA_MAX")]


def configure() -> None:
    """Pin BLAS threads and tune malloc (once per process; later calls do nothing)."""
    global _configured
    if _configured:
        return
    _tune_malloc()
    if "numpy" not in sys.modules:  # not loaded yet (Streamlit loads it lazily): start it pinned
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, str(BLAS_THREADS))
    import numpy  # noqa: F401 - loads BLAS, so the limit below finds it
    from threadpoolctl import threadpool_limits

    threadpool_limits(BLAS_THREADS)  # numpy was loaded before us: limit the pool it started
    _configured = True


def _tune_malloc() -> None:
    """:data:`MALLOC` ``(parameter, value, glibc's variable for it)``, where the C library is glibc
    (elsewhere its allocator decides); an operator's MALLOC_* environment variables win."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    for param, value, variable in MALLOC:
        if variable not in os.environ:
            mallopt(param, value)
