"""What a server process sets up once, before any page runs."""

from __future__ import annotations

import os

from threadpoolctl import threadpool_limits

# One BLAS thread per process: Streamlit serves every session from one process, the live pages do many
# small matrix products, and on a small machine a second BLAS thread mostly spins against the other
# sessions (measured: an MLP batch 5x slower with a busy second core).  Scale out with replicas instead.
BLAS_THREADS = max(1, int(os.environ.get("BACKPROP_LAB_BLAS_THREADS", "1")))
_configured = False


def configure() -> None:
    """Pin BLAS threads (once per process; later calls do nothing)."""
    global _configured
    if not _configured:
        threadpool_limits(BLAS_THREADS)
        _configured = True
