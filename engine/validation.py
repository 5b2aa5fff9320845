"""Argument checks shared by the estimators and layers.

Each check either returns the value in the form the engine uses (a float, an int,
a float array) or raises ValueError / TypeError with a sentence that names the
argument and the form expected, so that a page can show it as it is.
"""

from __future__ import annotations

import numpy as np

_REAL = (int, float, np.integer, np.floating)


def check_number(name: str, value, low=None, high=None, *, integer=False, low_open=False):
    """``value`` as a float (or an int with ``integer``) within ``[low, high]``.

    ``low_open`` makes the lower bound strict (``lr > 0``).  Whole floats such as
    ``2.0`` pass as integers; ``2.5`` does not.
    """
    if isinstance(value, bool) or not isinstance(value, _REAL):
        kind = "a whole number" if integer else "a number"
        raise TypeError(f"{name} must be {kind}; got {value!r} ({type(value).__name__}).")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}.")
    if integer:
        if value != int(value):
            raise ValueError(f"{name} must be a whole number; got {value}.")
        value = int(value)
    else:
        value = float(value)
    too_low = low is not None and (value <= low if low_open else value < low)
    if too_low or (high is not None and value > high):
        lo = "" if low is None else f"{'>' if low_open else '>='} {low}"
        hi = "" if high is None else f"<= {high}"
        raise ValueError(f"{name} must be {' and '.join(filter(None, (lo, hi)))}; got {value}.")
    return value


def check_choice(name: str, value, choices):
    """``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")
    return value


def as_float_array(X, name: str = "X", dtype=np.float64) -> np.ndarray:
    """A non-empty, rectangular, finite float array (integers and booleans are cast)."""
    try:
        arr = np.asarray(X)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers; its rows differ in length.") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold numbers; got an array of {arr.dtype}.")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers; got complex values.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one row of numbers.")
    arr = arr.astype(dtype, copy=False)
    check_finite(arr, name)
    return arr


def check_finite(arr: np.ndarray, name: str = "X") -> None:
    """Raise ValueError if ``arr`` holds NaN or inf.

    One BLAS dot product over the data is the cheapest full pass: it is finite
    whenever every entry is, and only an overflow (huge but finite entries)
    sends it to the exact, slower test.
    """
    flat = arr.reshape(-1)
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.dot(flat, flat)):
            return
    bad = ~np.isfinite(arr)
    if bad.any():
        where = np.unravel_index(np.argmax(bad), arr.shape)
        raise ValueError(
            f"{name} contains NaN or infinite values (first at index {tuple(map(int, where))}); "
            "remove or replace them."
        )


def check_labels(y, n: int | None = None, k: int | None = None, name: str = "y") -> np.ndarray:
    """Integer class labels ``(n,)`` in ``0..k-1`` (whole floats and booleans are cast)."""
    try:
        y = np.asarray(y)
    except ValueError:
        raise ValueError(f"{name} must be a flat array of class labels.") from None
    if y.ndim != 1:
        raise ValueError(f"{name} must be a flat array of class labels, shape (N,); got shape {y.shape}.")
    if n is not None and len(y) != n:
        raise ValueError(f"{name} must hold {n} class labels, one per row of X; got {len(y)}.")
    if y.dtype == bool:
        y = y.astype(np.int64)
    if not np.issubdtype(y.dtype, np.integer):
        if not np.issubdtype(y.dtype, np.floating):
            raise TypeError(f"{name} must hold whole-number class labels; got an array of {y.dtype}.")
        if not (np.all(np.isfinite(y)) and np.all(y == np.round(y))):
            raise ValueError(f"{name} must hold whole-number class labels (0, 1, 2, ...); got fractions or NaN.")
        y = y.astype(np.int64)
    if len(y) and (y.min() < 0 or (k is not None and y.max() >= k)):
        bad = y.min() if y.min() < 0 else y.max()
        expect = "0, 1, 2, ..." if k is None else f"0..{k - 1}"
        raise ValueError(f"{name} must hold class labels {expect}; got the label {bad}.")
    return y

