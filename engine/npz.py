"""Reading an untrusted file of arrays (a weights file's .npz members): bounded before anything is read.

NumPy's own ``np.load`` trusts the header's shape and the archive's sizes; here each member's header is
vetted by the caller before any data is read, and never more data than its shape needs is read.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import numpy as np

_NPY_HEADER_BYTES = 4096  # magic + header dict: what a member may hold beyond its data


class ModelFileError(ValueError):
    """A weights file that cannot be used; the message is meant for the user."""


def read_capped(file, max_bytes: int) -> bytes:
    """The bytes of ``file`` (bytes, a path or a binary file object), refused past ``max_bytes``."""
    if isinstance(file, (bytes, bytearray, memoryview)):
        data = bytes(file)
    elif isinstance(file, (str, Path)):
        try:
            with open(file, "rb") as f:
                data = f.read(max_bytes + 1)
        except FileNotFoundError:  # (the message does not repeat the path: pages show it)
            raise ModelFileError("There is no weights file at the path given.") from None
        except IsADirectoryError:
            raise ModelFileError("The path given is a folder, not a weights file.") from None
    elif hasattr(file, "read"):
        data = file.read(max_bytes + 1)
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("file must be opened in binary mode ('rb'): its read() gave text.")
    else:
        raise TypeError(f"file must be bytes, a path or a binary file object; got {type(file).__name__}.")
    if len(data) > max_bytes:
        raise ModelFileError(f"The weights file is larger than {max_bytes / 1e6:.0f} MB.")
    return data


def read_npy(zf: zipfile.ZipFile, info: zipfile.ZipInfo, header_ok) -> np.ndarray:
    """One member as an array; ``header_ok(shape, dtype)`` vets it before any data is read.

    zipfile never unpacks more than the directory's declared size, so checking
    that size against the expected shape bounds the work.
    """
    name = info.filename[:-4]
    # flag bits: 0x1 encrypted, 0x20 patched data, 0x40 strong encryption
    if info.flag_bits & 0x61 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ModelFileError(f"Array {name} is encrypted or compressed in a way this app does not read.")
    with zf.open(info) as fp:
        version = np.lib.format.read_magic(fp)
        if version not in ((1, 0), (2, 0)):
            raise ModelFileError(f"Array {name} is stored in an unknown .npy version.")
        read_header = (
            np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        )
        try:
            shape, fortran, dtype = read_header(fp)
        except Exception:  # noqa: BLE001 - NumPy parses headers with ast and tokenize, whose errors vary
            raise ModelFileError(f"Array {name} has a damaged header.") from None
        header_ok(shape, dtype)
        nbytes = math.prod(shape) * dtype.itemsize
        if info.file_size > nbytes + _NPY_HEADER_BYTES:
            raise ModelFileError(f"Array {name} holds more data than its shape {shape} needs.")
        raw = fp.read(nbytes)
        if len(raw) != nbytes or fp.read(1):  # reading to the end also checks the CRC
            raise ModelFileError(f"Array {name} is truncated or has trailing data.")
    return np.frombuffer(raw, dtype).reshape(shape, order="F" if fortran else "C")
