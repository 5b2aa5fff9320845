"""Hostile MNIST IDX files: lying headers, bombs, wrong shapes and labels."""

from __future__ import annotations

import gzip
import zlib

import numpy as np


def idx_bytes(array, gz=False) -> bytes:
    array = np.ascontiguousarray(array, dtype=np.uint8)
    raw = bytes([0, 0, 8, array.ndim]) + np.array(array.shape, ">u4").tobytes() + array.tobytes()
    return gzip.compress(raw, mtime=0) if gz else raw


def idx_header(*dims, type_byte=8) -> bytes:
    return bytes([0, 0, type_byte, len(dims)]) + np.array(dims, ">u4").tobytes()


def mnist_files(n_train=20, n_test=10, shape=(28, 28), gz=True, labels=None) -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    ext = ".gz" if gz else ""
    train_labels = rng.integers(0, 10, n_train) if labels is None else labels
    return {
        "train-images-idx3-ubyte" + ext: idx_bytes(rng.integers(0, 256, (n_train, *shape)), gz),
        "train-labels-idx1-ubyte" + ext: idx_bytes(train_labels, gz),
        "t10k-images-idx3-ubyte" + ext: idx_bytes(rng.integers(0, 256, (n_test, *shape)), gz),
        "t10k-labels-idx1-ubyte" + ext: idx_bytes(rng.integers(0, 10, n_test), gz),
    }


def _gzip_bomb(declared_rows=100, extra=300_000_000) -> bytes:
    """A plausible header and data, then 300 MB of zeros that compress to 300 kB."""
    return gzip_zeros(idx_header(declared_rows, 28, 28), declared_rows * 784 + extra)


def gzip_zeros(head: bytes, n: int) -> bytes:
    """A gzip file of ``head`` then ``n`` zero bytes, made in milliseconds: after a full flush the
    compressor forgets its history, so each further 4 MB block of zeros compresses to the same bytes."""
    block = 1 << 22
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head + bytes(min(n, block))) + c.flush(zlib.Z_FULL_FLUSH)
    full, rest = divmod(max(0, n - block), block)
    unit = c.compress(bytes(block)) + c.flush(zlib.Z_FULL_FLUSH) if full else b""
    body = first + unit * full + c.compress(bytes(rest)) + c.flush()
    crc = zlib.crc32(head)
    for start in range(0, n, block):
        crc = zlib.crc32(bytes(min(block, n - start)), crc)
    size = (len(head) + n) & 0xFFFFFFFF
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + body + crc.to_bytes(4, "little") + size.to_bytes(4, "little")


def zero_sets(n: int, n_test: int | None = None) -> dict[str, bytes]:
    """Four files of ``n`` (and ``n_test``) blank digits, labelled 0: 62 kB gzipped for 81,632 digits."""
    n_test = n if n_test is None else n_test
    return {
        "train-images-idx3-ubyte.gz": gzip_zeros(idx_header(n, 28, 28), n * 784),
        "train-labels-idx1-ubyte.gz": gzip_zeros(idx_header(n), n),
        "t10k-images-idx3-ubyte.gz": gzip_zeros(idx_header(n_test, 28, 28), n_test * 784),
        "t10k-labels-idx1-ubyte.gz": gzip_zeros(idx_header(n_test), n_test),
    }


def idx_cases() -> dict[str, tuple[dict[str, bytes], str]]:
    """Sets of four files: each case replaces or changes some of a good set."""
    good = mnist_files()
    images_gz = good["train-images-idx3-ubyte.gz"]
    raw_images = gzip.decompress(images_gz)

    def replace(content, name="train-images-idx3-ubyte.gz"):
        return {**good, name: content}

    corrupt = bytearray(images_gz)
    corrupt[len(corrupt) // 2 : len(corrupt) // 2 + 8] = b"\xff" * 8
    return {
        "empty_file": (replace(b""), "empty"),
        "wrong_magic": (replace(b"\x00\x01\x08\x03" + raw_images[4:]), "wrong magic"),
        "int32_type": (replace(b"\x00\x00\x0c\x03" + raw_images[4:]), "wrong magic"),
        "text_file": (replace(b"hello, these are not digits"), "wrong magic"),
        "zero_dims": (replace(b"\x00\x00\x08\x00"), "incomplete header"),
        "cut_header": (replace(raw_images[:9]), "incomplete header"),
        "absurd_dims": (replace(idx_header(4_000_000_000, 65535, 65535)), "implausible"),
        "declares_700MB": (replace(idx_header(900_000, 28, 28)), "implausible"),
        "huge_rows": (replace(idx_header(10, 5000, 5000)), "implausible"),
        "truncated_data": (replace(raw_images[:-100]), "truncated"),
        "trailing_data": (replace(raw_images + b"\x00" * 50), "beyond its declared shape"),
        "corrupt_gzip": (replace(bytes(corrupt)), "damaged"),
        "truncated_gzip": (replace(images_gz[: len(images_gz) // 2]), "damaged"),
        "gzip_header_only": (replace(b"\x1f\x8b\x08\x00" + bytes(20)), "damaged"),
        "gzip_bomb": (replace(_gzip_bomb()), "beyond its declared shape"),
        "mixed_image_sizes": (
            {**good, "t10k-images-idx3-ubyte.gz": idx_bytes(np.zeros((10, 32, 32)), True)},
            "28 x 28 images but .* 32 x 32",
        ),
        "not_28x28": (
            {**mnist_files(shape=(32, 32))},
            "MNIST digits are 28 x 28",
        ),
        "label_10": (mnist_files(labels=np.full(20, 10)), "label 10"),
        "label_255": (mnist_files(labels=np.r_[np.zeros(19), 255]), "label 255"),
        "count_mismatch": (mnist_files(labels=np.zeros(15)), "15 labels for 20 images"),
        "labels_as_images": (
            replace(good["train-labels-idx1-ubyte.gz"]),
            "does not hold images",
        ),
        "images_as_labels": (
            replace(images_gz, "train-labels-idx1-ubyte.gz"),
            "does not hold labels",
        ),
        "no_images": (replace(idx_bytes(np.zeros((0, 28, 28)), True)), "does not hold images"),
        "missing_file": (
            {k: v for k, v in good.items() if not k.startswith("t10k-labels")},
            "Missing t10k-labels",
        ),
        "unknown_file": ({**good, "notes.txt": b"hi"}, "notes.txt is not one of the four"),
        "two_train_images": ({**good, "train-images.idx3-ubyte": images_gz}, "are both train-images"),
        "markdown_name": (
            {**good, "[x](http://evil.example)<b>.gz": b""},
            r"^evil.example__b_.gz is not one",  # the base name, markdown characters replaced
        ),
        "dims_255": (replace(idx_header(*[1] * 255) + b"\x00"), "declares 255 dimensions"),
        "path_name": (
            {
                **{k: v for k, v in good.items() if not k.startswith("train-images")},
                "/srv/secret/train-images-idx3-ubyte.gz": b"oops",
            },
            r"^train-images-idx3-ubyte.gz is not an IDX",
        ),
    }


def page_idx_cases() -> dict[str, tuple[dict[str, bytes], str]]:
    """Sets the parser takes (64 MB unpacked a file) but the MNIST page refuses: more than MNIST's own
    60,000 digits.  The issue's row: 2 x 81,632 blank digits in four files of 62 kB."""
    return {"zero_images_2x81632": (zero_sets(81_632), r"implausible shape \(81632, 28, 28\)")}
