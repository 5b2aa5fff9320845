"""Argument checks shared by the whole engine.

Each check either returns the value in the form the engine uses (a float, an int,
a float array) or raises ValueError / TypeError with a sentence that names the
argument and the form expected, before NumPy can fail with an IndexError or a
broadcast error, so that a page can show it as it is.

One rule for whole numbers, as scikit-learn's ``check_scalar``: an int or a NumPy
integer; a float is refused even when whole (a stride of 2.5 is a mistake, and
so is a batch of 32.0: it says the caller computed a size with ``/``).
"""

from __future__ import annotations

import weakref

import numpy as np

_INTEGER = (int, np.integer)
_REAL = (int, float, np.integer, np.floating)
SEED_MAX = 2**32 - 1  # what a weights file may carry, and more draws than any page makes


def check_number(name: str, value, low=None, high=None, *, integer=False, low_open=False):
    """``value`` as a finite float (an int with ``integer``) within ``[low, high]``.

    ``low_open`` makes the lower bound strict (``lr > 0``).
    """
    kind = "a whole number" if integer else "a number"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, _INTEGER if integer else _REAL):
        raise TypeError(f"{name} must be {kind}; got {value!r} ({type(value).__name__}).")
    try:
        value = int(value) if integer else float(value)
    except OverflowError:  # an int past float's range (2**1024)
        raise ValueError(f"{name} must be a finite number; got an integer of {int(value).bit_length()} bits.") from None
    if not integer and not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}.")
    too_low = low is not None and (value <= low if low_open else value < low)
    if too_low or (high is not None and value > high):
        lo = "" if low is None else f"{'>' if low_open else '>='} {low}"
        hi = "" if high is None else f"<= {high}"
        raise ValueError(f"{name} must be {' and '.join(filter(None, (lo, hi)))}; got {value}.")
    return value


def check_pair(name: str, value, low=None) -> tuple[int, int]:
    """A whole number for both axes, or a pair ``(height, width)`` of them, each >= ``low``."""
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2:
        raise ValueError(f"{name} must be a whole number or a pair (height, width); got {value!r}.")
    return tuple(check_number(name, v, low, integer=True) for v in pair)


def check_seed(value, name: str = "seed") -> int | None:
    """A random seed: None or a whole number from 0 to SEED_MAX."""
    return None if value is None else check_number(name, value, 0, SEED_MAX, integer=True)


def check_flag(name: str, value) -> bool:
    """``value`` if it is True or False (a string such as 'yes' or 'False' is a mistake, not a flag)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r} ({type(value).__name__}).")
    return bool(value)


def check_choice(name: str, value, choices):
    """``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")
    return value


def from_registry(kind: str, registry: dict, name, base: type):
    """The class ``registry[name]`` (any case) for a name, or ``name`` itself when it is a ``base`` already."""
    if isinstance(name, base):
        return name
    if not isinstance(name, str):
        raise TypeError(f"{kind} must be a name or a {base.__name__}; got {type(name).__name__}.")
    try:
        return registry[name.lower()]
    except KeyError:
        raise ValueError(f"Unknown {kind} {name!r}; choose one of {', '.join(registry)}.") from None


def check_array(name: str, x, ndim: int | tuple[int, ...], form: str, finite: bool = True) -> np.ndarray:
    """``x`` as a non-empty array of real numbers with ``ndim`` dimensions (``form`` describes them)."""
    a = real_array(x, name)
    if a.ndim not in (ndim if isinstance(ndim, tuple) else (ndim,)):
        raise ValueError(f"{name} must have the form {form}; got shape {a.shape}.")
    if a.size == 0:
        raise ValueError(f"{name} is empty (shape {a.shape}).")
    if finite and a.dtype.kind == "f":
        check_finite(a, name)
    return a


def as_float_array(X, name: str = "X", dtype=np.float64) -> np.ndarray:
    """A non-empty, rectangular, finite float array (integers and booleans are cast)."""
    arr = real_array(X, name)
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one row of numbers.")
    arr = arr.astype(dtype, copy=False)
    check_finite(arr, name)
    return arr


def real_array(x, name: str) -> np.ndarray:
    """``x`` as an array of booleans, integers or floats (no copy when it is one): never strings,
    dates, durations or objects, which NumPy would carry along until some arithmetic fails."""
    try:
        a = np.asarray(x)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers; its rows differ in length.") from None
    if a.dtype.kind not in "biuf":
        what = "complex values" if a.dtype.kind == "c" else f"an array of {a.dtype}"
        raise TypeError(f"{name} must hold real numbers; got {what}.")
    return a


# Arrays that cannot change (read-only, over read-only memory) found finite once, by id: a network
# trained a piece at a time on the same data checks it at every call, and 60 000 digits take 2.5% of
# an epoch to check.  (An array is taken at its word: read-only, it is not written.)
_FINITE: dict[int, weakref.ref] = {}


def unchangeable(arr: np.ndarray) -> bool:
    """``arr`` and every array it is a view of are read-only (or it views bytes)."""
    while isinstance(arr, np.ndarray):
        if arr.flags.writeable:
            return False
        arr = arr.base
    return arr is None or isinstance(arr, bytes)


def check_finite(arr: np.ndarray, name: str = "X") -> None:
    """Raise ValueError if ``arr`` holds NaN or inf.

    One BLAS dot product over the data is the cheapest full pass: it is finite
    whenever every entry is, and only an overflow (huge but finite entries)
    sends it to the exact, slower test.  An array that cannot change is checked once.
    """
    known = _FINITE.get(id(arr))
    if known is not None and known() is arr:
        return
    flat = arr.reshape(-1)
    with np.errstate(over="ignore", invalid="ignore"):
        finite = np.isfinite(np.dot(flat, flat))
    if finite:
        if unchangeable(arr):
            key = id(arr)
            _FINITE[key] = weakref.ref(arr, lambda _, key=key: _FINITE.pop(key, None))
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
