"""IDX files (the MNIST format): read, write, and an optional verified download.

IDX layout: two zero bytes, a type byte (0x08 = uint8), the number of
dimensions, one big-endian uint32 per dimension, then the data.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

import numpy as np

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
# MD5 of the original gzip files
MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
MAX_ITEMS = 1_000_000


class IDXError(ValueError):
    """A file that is not a usable IDX file; the message is meant for the user."""


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed) of unsigned bytes."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            head = f.read(4)
            if len(head) < 4 or head[:2] != b"\x00\x00" or head[2] != 0x08:
                raise IDXError(f"{path.name} is not an IDX file of unsigned bytes.")
            ndim = head[3]
            dims = np.frombuffer(f.read(4 * ndim), dtype=">u4")
            if len(dims) != ndim or ndim == 0 or dims[0] > MAX_ITEMS or np.prod(dims[1:]) > 4096:
                raise IDXError(f"{path.name} has an implausible shape {tuple(dims)}.")
            count = int(np.prod(dims))
            data = np.frombuffer(f.read(count), dtype=np.uint8)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise IDXError(f"Could not read {path.name}: {exc}") from None
    if data.size != count:
        raise IDXError(f"{path.name} is truncated ({data.size} of {count} bytes).")
    return data.reshape(tuple(int(d) for d in dims))


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write a uint8 array as IDX (gzip-compressed when the name ends in .gz)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())


def _find(folder: Path, name: str) -> Path:
    for candidate in (name, name[:-3]):
        if (folder / candidate).exists():
            return folder / candidate
    raise IDXError(f"{folder} has no {name} (or its unzipped form).")


def load_idx_folder(folder: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Images ``(N, 28, 28)`` and labels ``(N,)``, train then test, from a folder of IDX files."""
    folder = Path(folder)
    if not folder.is_dir():
        raise IDXError(f"{folder} is not a folder.")
    parts = {key: read_idx(_find(folder, name)) for key, name in MNIST_FILES.items()}
    for split in ("train", "test"):
        imgs, labels = parts[f"{split}_images"], parts[f"{split}_labels"]
        if imgs.ndim != 3 or labels.ndim != 1 or len(imgs) != len(labels):
            raise IDXError(f"The {split} images and labels do not match: {imgs.shape} vs {labels.shape}.")
    images = np.concatenate([parts["train_images"], parts["test_images"]])
    labels = np.concatenate([parts["train_labels"], parts["test_labels"]])
    return images, labels


def md5sum(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download_mnist(
    cache_dir: str | Path,
    base_url: str = MNIST_URL,
    checksums: dict[str, str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    timeout: float = 20.0,
) -> Path:
    """Download the four MNIST files once into ``cache_dir`` and verify their MD5.

    Files already present with the right checksum are not fetched again.
    ``progress(fraction, message)`` is called as bytes arrive.

    Raises
    ------
    ConnectionError
        With a plain sentence when the server cannot be reached (e.g. offline).
    IDXError
        When a downloaded file does not match its checksum (it is deleted).
    """
    checksums = MNIST_MD5 if checksums is None else checksums
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    names = list(MNIST_FILES.values())
    for i, name in enumerate(names):
        target = cache / name
        if target.exists() and md5sum(target) == checksums[name]:
            if progress:
                progress((i + 1) / len(names), f"{name} already downloaded")
            continue
        part = target.with_suffix(".part")
        try:
            with urllib.request.urlopen(base_url + name, timeout=timeout) as resp, open(part, "wb") as out:
                total = int(resp.headers.get("Content-Length") or 0)
                done = 0
                while block := resp.read(1 << 16):
                    out.write(block)
                    done += len(block)
                    if progress:
                        frac = (i + (done / total if total else 0.5)) / len(names)
                        progress(min(frac, 1.0), f"downloading {name}: {done / 1e6:.1f} MB")
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            part.unlink(missing_ok=True)
            raise ConnectionError(
                f"Could not download {name} from {base_url} ({exc}). "
                "Are you offline? The bundled 5000-digit subset still works."
            ) from None
        if md5sum(part) != checksums[name]:
            part.unlink()
            raise IDXError(f"{name} failed its checksum check; the download was discarded.")
        shutil.move(part, target)
    return cache
