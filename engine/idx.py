"""IDX files (the MNIST format): read, write, and an optional verified download.

IDX layout: two zero bytes, a type byte (0x08 = uint8), the number of
dimensions, one big-endian uint32 per dimension, then the data.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import math
import shutil
import urllib.error
import urllib.request
import zlib
from pathlib import Path
from typing import Callable, Mapping

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
MNIST_SHAPE = (28, 28)
MAX_ITEMS = 1_000_000
MAX_DIMS = 3  # labels (N,), images (N, rows, columns)
MAX_FILE_BYTES = 64_000_000  # per file, unpacked; MNIST's largest (train images) is 47 MB
# which file is which, from the start of its name (also matches unzipped and "train-images.idx3-ubyte")
_ROLE_PREFIXES = {
    "train_images": "train-images",
    "train_labels": "train-labels",
    "test_images": "t10k-images",
    "test_labels": "t10k-labels",
}


class IDXError(ValueError):
    """A file that is not a usable IDX file; the message is meant for the user."""


def parse_idx(data: bytes, name: str = "file", max_bytes: int = MAX_FILE_BYTES) -> np.ndarray:
    """An IDX file's bytes (gzip-compressed or not) as a uint8 array.

    The declared shape is checked before the data is read, and a gzip stream is
    never unpacked beyond the declared size (plus one byte to detect extra data).
    ``name`` labels the messages; only its base name is shown.

    Raises
    ------
    IDXError
        Not IDX, wrong type, implausible shape, truncated, trailing data, damaged gzip.
    """
    name = _label(name)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name}: an IDX file's content must be bytes; got {type(data).__name__}.")
    if not data:
        raise IDXError(f"{name} is empty.")
    stream = gzip.GzipFile(fileobj=io.BytesIO(data)) if data[:2] == b"\x1f\x8b" else io.BytesIO(data)
    try:
        head = stream.read(4)
        if len(head) < 4 or head[:2] != b"\x00\x00" or head[2] != 0x08:
            raise IDXError(f"{name} is not an IDX file of unsigned bytes (wrong magic number).")
        ndim = head[3]
        raw_dims = stream.read(4 * ndim)
        if ndim == 0 or len(raw_dims) < 4 * ndim:
            raise IDXError(f"{name} has an incomplete header (no shape).")
        if ndim > MAX_DIMS:
            raise IDXError(f"{name} declares {ndim} dimensions; MNIST files have 1 (labels) or 3 (images).")
        dims = tuple(int(d) for d in np.frombuffer(raw_dims, dtype=">u4"))
        count = math.prod(dims)
        if dims[0] > MAX_ITEMS or math.prod(dims[1:]) > 4096 or count > max_bytes:
            raise IDXError(f"{name} declares an implausible shape {dims}.")
        body = stream.read(count)
        if len(body) < count:
            raise IDXError(f"{name} is truncated ({len(body)} of {count} data bytes).")
        if stream.read(1):  # also makes gzip check its CRC and length
            raise IDXError(f"{name} has data beyond its declared shape {dims}.")
    except (OSError, EOFError, zlib.error):
        raise IDXError(f"{name} is a damaged or incomplete gzip file.") from None
    return np.frombuffer(body, dtype=np.uint8).reshape(dims)


def read_idx(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed) of unsigned bytes."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError:
        raise IDXError(f"Could not read {path.name}.") from None
    if len(data) > max_bytes:
        raise IDXError(f"{path.name} is larger than {max_bytes / 1e6:.0f} MB.")
    return parse_idx(data, path.name, max_bytes)


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write a uint8 array as IDX (gzip-compressed when the name ends in .gz)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())


def _mnist_arrays(parts: dict[str, np.ndarray], names: dict[str, str]) -> tuple[np.ndarray, np.ndarray, int]:
    """Check the four arrays fit together as MNIST; images and labels, train then test, and the
    number of training rows."""
    for split in ("train", "test"):
        imgs, labels = parts[f"{split}_images"], parts[f"{split}_labels"]
        img_name, label_name = names[f"{split}_images"], names[f"{split}_labels"]
        if imgs.ndim != 3 or len(imgs) == 0:
            raise IDXError(f"{img_name} does not hold images (its shape is {imgs.shape}).")
        if labels.ndim != 1:
            raise IDXError(f"{label_name} does not hold labels (its shape is {labels.shape}).")
        if len(imgs) != len(labels):
            raise IDXError(f"{label_name} has {len(labels)} labels for {len(imgs)} images in {img_name}.")
        if labels.max() > 9:
            raise IDXError(f"{label_name} has a label {labels.max()}; digit labels are 0 to 9.")
    train, test = parts["train_images"].shape[1:], parts["test_images"].shape[1:]
    if train != test:
        raise IDXError(
            f"{names['train_images']} holds {train[0]} x {train[1]} images but "
            f"{names['test_images']} holds {test[0]} x {test[1]}."
        )
    if train != MNIST_SHAPE:
        raise IDXError(f"The images are {train[0]} x {train[1]} pixels; MNIST digits are 28 x 28.")
    images = np.concatenate([parts["train_images"], parts["test_images"]])
    labels = np.concatenate([parts["train_labels"], parts["test_labels"]])
    return images, labels, len(parts["train_labels"])


def load_idx_folder(folder: str | Path) -> tuple[np.ndarray, np.ndarray, int]:
    """Images ``(N, 28, 28)`` and labels ``(N,)``, train then test, and the number of training rows,
    from a folder of IDX files.

    Messages name the files, never the folder (it is the server's, not the visitor's).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise IDXError("The MNIST path is not a folder (or does not exist).")
    paths = {}
    for key, name in MNIST_FILES.items():
        found = [folder / n for n in (name, name[:-3]) if (folder / n).is_file()]
        if not found:
            raise IDXError(f"The MNIST folder has no {name} (or its unzipped form).")
        paths[key] = found[0]
    parts = {key: read_idx(path) for key, path in paths.items()}
    return _mnist_arrays(parts, {key: path.name for key, path in paths.items()})


def _label(name) -> str:
    """A file's base name as messages show it: letters, digits, '.', '-' and '_' only (pages render markdown)."""
    base = Path(str(name)).name
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in base)[:80] or "file"


def _role(name: str) -> str | None:
    flat = name.lower().replace(".", "-").replace("_", "-")
    return next((role for role, prefix in _ROLE_PREFIXES.items() if flat.startswith(prefix)), None)


def load_idx_files(
    files: Mapping[str, bytes], max_bytes: int = MAX_FILE_BYTES
) -> tuple[np.ndarray, np.ndarray, int]:
    """Images ``(N, 28, 28)`` and labels ``(N,)``, train then test, and the number of training rows,
    from the four IDX files as bytes.

    ``files`` maps each file's name (e.g. an upload's) to its content, in any order;
    the names say which file is which (``train-images-idx3-ubyte.gz``,
    ``t10k-labels.idx1-ubyte``, ...), gzip-compressed or not.
    """
    if not isinstance(files, Mapping):
        raise TypeError(f"files must map each file's name to its bytes; got {type(files).__name__}.")
    data, names = {}, {}
    for name, content in files.items():
        base = _label(name)
        role = _role(base)
        if role is None:
            raise IDXError(
                f"{base} is not one of the four MNIST files "
                "(train-images, train-labels, t10k-images, t10k-labels)."
            )
        if role in data:
            raise IDXError(f"{names[role]} and {base} are both {_ROLE_PREFIXES[role]} files.")
        data[role], names[role] = content, base
    missing = [MNIST_FILES[role] for role in MNIST_FILES if role not in data]
    if missing:
        raise IDXError(f"Missing {', '.join(missing)} (or the unzipped form).")
    parts = {role: parse_idx(data[role], names[role], max_bytes) for role in MNIST_FILES}
    return _mnist_arrays(parts, names)


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
