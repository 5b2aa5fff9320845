"""Images held as bytes and read as floats, a batch at a time.

MNIST's 60,000 training digits are 47 MB as the uint8 pixels of their files and 188 MB as float32.
A server shares one copy of an uploaded set among every learner who trains on it, so the bytes are
what it keeps; the training loop and the evaluation take rows by index or by slice, and each batch
they take is scaled to floats in [0, 1] as it is taken (as ``load_mnist(scale=True)`` would).
"""

from __future__ import annotations

import math

import numpy as np


class Pixels:
    """Rows of 0-255 pixels ``(N, ...)`` that read as ``pixels / 255`` in ``dtype``.

    ``X[idx]``, ``X.take(idx)`` and ``X[a:b]`` give float arrays; ``len``, ``shape`` and ``dtype`` are those of the
    floats.  The bytes are never copied, so many learners can share them read-only.
    """

    __slots__ = ("bytes", "dtype")

    def __init__(self, pixels: np.ndarray, dtype=np.float32):
        pixels = np.asarray(pixels)
        if pixels.dtype != np.uint8 or pixels.ndim < 2 or len(pixels) == 0:
            raise TypeError(f"Pixels holds a non-empty uint8 array of rows; got {pixels.dtype} of shape {pixels.shape}.")
        self.bytes, self.dtype = pixels, np.dtype(dtype)

    def __len__(self) -> int:
        return len(self.bytes)

    @property
    def shape(self) -> tuple:
        return self.bytes.shape

    @property
    def ndim(self) -> int:
        return self.bytes.ndim

    def __getitem__(self, rows) -> np.ndarray:
        return np.divide(self.bytes[rows], self.dtype.type(255), dtype=self.dtype)  # as load_mnist scales

    def take(self, indices, axis=0) -> np.ndarray:
        """Rows by index, as ``X[indices]``: the training loop takes its batches so (``ndarray.take``
        is several times faster than indexing on a small batch)."""
        if axis != 0:
            raise ValueError("Pixels takes whole rows (axis 0).")
        return np.divide(self.bytes.take(indices, axis=0), self.dtype.type(255), dtype=self.dtype)

    def as_rows(self, shape: tuple, dtype) -> "Pixels":
        """The same bytes as rows of ``shape`` read in ``dtype`` (a view: nothing is copied)."""
        if self.bytes.shape[1:] == shape:
            pixels = self.bytes
        elif math.prod(self.bytes.shape[1:]) == math.prod(shape):
            pixels = self.bytes.reshape(len(self.bytes), *shape)
        else:
            return None
        return Pixels(pixels, dtype)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """Every row as floats at once (what a small set's plotting may ask for; training never does)."""
        out = self[:]
        return out if dtype is None else out.astype(dtype, copy=False)
