"""Where the full MNIST may come from: the operator's folder (never a visitor's path) or four uploads.

Uploads are decoded in a child process under limits (``ui.inputs.sandbox``), held once per server
process and content, and freed when the last session keeping them lets go.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from engine.idx import IDXError, load_idx_files
from engine.pixels import Pixels
from ui.inputs.content_cache import ContentCache
from ui.inputs.sandbox import Job

ENV_VAR = "BACKPROP_LAB_MNIST_DIR"
log = logging.getLogger(__name__)


def operator_mnist_dir() -> Path | None:
    """The folder named by ``$BACKPROP_LAB_MNIST_DIR``, or None when unset or not a folder.

    A wrong setting is the operator's to fix: it goes to the server log, and
    visitors simply see no "full MNIST from the server" option.
    """
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return None
    folder = Path(value).expanduser()
    if not folder.is_dir():
        log.warning("%s=%s is not a folder; the full MNIST from the server is off.", ENV_VAR, value)
        return None
    return folder


# ------------------------------------------------------------------------------- four uploads
MNIST_TRAIN, MNIST_TEST = 60_000, 10_000  # the sizes of MNIST's own files: the most an upload may hold
FORMAT_HELP = ("The four files from the MNIST site (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
               "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz; gzipped or not): at most 60,000 training "
               "and 10,000 test digits of 28 x 28 pixels.")


class Digits:
    """An uploaded set as the MNIST page trains on it: ``X_train, X_test, y_train, y_test``, read-only,
    the images as their files' bytes (:class:`~engine.pixels.Pixels`: read as floats a batch at a time).

    One object per content and server process, shared by every session that uploads the same four
    files; the cache holds it weakly, so it lives as long as some session keeps it.
    """

    __slots__ = ("arrays", "__weakref__")

    def __init__(self, arrays):
        X_train, X_test, y_train, y_test = arrays
        for a in arrays:
            a.setflags(write=False)
        self.arrays = (Pixels(X_train), Pixels(X_test), y_train, y_test)

    def __iter__(self):
        return iter(self.arrays)

    def __getitem__(self, i):
        return self.arrays[i]

    def __len__(self) -> int:
        return len(self.arrays)


def decode_uploads(files: dict[str, bytes]) -> tuple:
    """The four IDX files as the page's split makes them (the decoding child's job): X_train, X_test
    ``(N, 784)`` uint8 pixels, y_train, y_test int64.

    No file may declare more than MNIST's own 60,000 digits (47 MB unpacked), so the worst case is
    the full MNIST: 55 MB of pixels, sent back once and shared.
    """
    images, labels, n_train = load_idx_files(files, max_bytes=MNIST_TRAIN * 28 * 28)
    n_test = len(images) - n_train
    if n_train > MNIST_TRAIN or n_test > MNIST_TEST:
        raise IDXError(f"These files hold {n_train:,} training and {n_test:,} test digits; MNIST's own files "
                       f"hold {MNIST_TRAIN:,} and {MNIST_TEST:,}, the most this page takes.")
    X = images.reshape(len(images), -1).astype(np.uint8, copy=False)
    y = labels.astype(np.int64)
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]


# gzip and IDX parsing in a child: the unpacked bytes (55 MB) and the files themselves; a second of
# CPU for the full MNIST
_DECODE = Job("ui.inputs.mnist_source:decode_uploads", IDXError, "set of MNIST files", memory_mb=640, cpu_s=6,
              result_mb=(MNIST_TRAIN + MNIST_TEST) * (28 * 28 + 8) // 1_000_000 + 1)
# {file name: bytes} -> Digits, decoded once per content while some session keeps the result
uploaded_digits = ContentCache(lambda files: Digits(_DECODE(files)), max_entries=4, weak=True)
