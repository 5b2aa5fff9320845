"""What a server process sets up once, before any page runs."""

from __future__ import annotations

import os
import sys

# One BLAS thread per process: Streamlit serves every session from one process, the live pages do many
# small matrix products, and on a small machine a second BLAS thread mostly spins against the other
# sessions (measured: the server's CPU for one playing learner 44% -> 16%).  Scale out with replicas.
BLAS_THREADS = max(1, int(os.environ.get("BACKPROP_LAB_BLAS_THREADS", "1")))
_configured = False


def configure() -> None:
    """Pin BLAS threads (once per process; later calls do nothing)."""
    global _configured
    if _configured:
        return
    if "numpy" not in sys.modules:  # not loaded yet (Streamlit loads it lazily): start it pinned
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, str(BLAS_THREADS))
    import numpy  # noqa: F401 - loads BLAS, so the limit below finds it
    from threadpoolctl import threadpool_limits

    threadpool_limits(BLAS_THREADS)  # numpy was loaded before us: limit the pool it started
    _configured = True
