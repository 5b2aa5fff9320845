"""Argument checks shared by the engine's functions: a bad argument gets a ValueError or TypeError
that names it and the expected form, before NumPy can fail with an IndexError or a broadcast error.
"""

from __future__ import annotations

import math

import numpy as np


def whole(name: str, value, lo: int | None = None, hi: int | None = None) -> int:
    """``value`` as an int in [lo, hi]; floats are refused (a stride of 2.5 is a mistake, not 2)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number; got {type(value).__name__}.")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name} must be {_range(lo, hi)}; got {value}.")
    return int(value)


def real(name: str, value, lo: float | None = None, hi: float | None = None) -> float:
    """``value`` as a finite float in [lo, hi]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}.")
    value = float(value)
    if not math.isfinite(value) or (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name} must be a finite number {_range(lo, hi)}; got {value}.")
    return value


def random_seed(value) -> int | None:
    """A random seed: None or a whole number >= 0."""
    return None if value is None else whole("seed", value, 0)


def array(name: str, x, ndim: int | tuple[int, ...], form: str, finite: bool = True) -> np.ndarray:
    """``x`` as a non-empty array of real numbers with ``ndim`` dimensions (``form`` describes them)."""
    a = np.asarray(x)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got {a.dtype} values.")
    if a.ndim not in (ndim if isinstance(ndim, tuple) else (ndim,)):
        raise ValueError(f"{name} must have the form {form}; got shape {a.shape}.")
    if a.size == 0:
        raise ValueError(f"{name} is empty (shape {a.shape}).")
    if finite and a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError(f"{name} contains NaN or infinite values.")
    return a


def _range(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"from {lo} to {hi}"
    return f"at least {lo}" if lo is not None else f"at most {hi}"
