"""Binary frames for the live canvas: one JSON header plus raw arrays, in one ``bytes`` payload.

Streamlit hands raw bytes to a component as a ``Uint8Array``, so arrays travel as their bytes
(a 100 x 100 uint8 grid is 10 kB) instead of JSON lists of floats (~150 kB).

Layout: ``b"BLF1"``, the header length (uint32, little endian), the header (UTF-8 JSON, padded to
8 bytes), then the arrays, each starting on an 8-byte boundary.  In the header an array is
``{"$": [offset, length, dtype, shape]}`` with the offset counted from the end of the header.
Frames over ``PACK_ABOVE`` bytes are sent as ``b"BLZ1"`` + that frame deflated (zlib).
``static/live/frame.js`` reads both back.
"""

from __future__ import annotations

import json
import math
import struct
import zlib

import numpy as np

from ui.live.protocol import Message

MAGIC, PACKED = b"BLF1", b"BLZ1"
PACK_ABOVE = 2048  # bytes: larger frames travel deflated (smooth grids shrink several times)
# what each NumPy dtype travels as: the canvas needs no more than float32
_WIRE = {"u": {1: "u1", 2: "u2", 4: "u4"}, "i": {1: "i1", 2: "i2", 4: "i4"}, "b": {1: "u1"}, "f": {}}
_JS_NAME = {"u1": "u8", "u2": "u16", "u4": "u32", "i1": "i8", "i2": "i16", "i4": "i32", "f4": "f32"}


def _wire_dtype(a: np.ndarray) -> str:
    code = _WIRE.get(a.dtype.kind, {}).get(a.dtype.itemsize)
    return code or "f4"


def encode(header) -> bytes:
    """The frame for ``header`` (a dict or a ``ui.live.protocol`` message); NumPy arrays anywhere in
    it travel as raw bytes."""
    blobs: list[bytes] = []
    offset = 0

    def walk(value):
        nonlocal offset
        if isinstance(value, np.ndarray):
            code = _wire_dtype(value)
            raw = np.ascontiguousarray(value, dtype="<" + code).tobytes()
            ref = {"$": [offset, len(raw), _JS_NAME[code], list(value.shape)]}
            pad = -len(raw) % 8
            blobs.append(raw + b"\0" * pad)
            offset += len(raw) + pad
            return ref
        if isinstance(value, dict):
            return {str(k): walk(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        if isinstance(value, (float, np.floating)):
            v = float(value)
            return v if math.isfinite(v) else None  # JSON has no NaN: the canvas shows a gap
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, Message):
            return walk(value.wire())
        return value

    text = json.dumps(walk(header), separators=(",", ":"), allow_nan=False).encode()
    text += b" " * (-len(text) % 8)
    frame = MAGIC + struct.pack("<I", len(text)) + text + b"".join(blobs)
    return PACKED + zlib.compress(frame, 1) if len(frame) > PACK_ABOVE else frame


def decode(frame: bytes) -> dict:
    """The header with arrays restored (float32 stays float32): for tests and tools."""
    if frame[:4] == PACKED:
        frame = zlib.decompress(frame[4:])
    if frame[:4] != MAGIC:
        raise ValueError("Not a live frame.")
    (n,) = struct.unpack("<I", frame[4:8])
    header = json.loads(frame[8 : 8 + n])
    base = 8 + n
    dtypes = {v: k for k, v in _JS_NAME.items()}

    def walk(value):
        if isinstance(value, dict):
            if set(value) == {"$"}:
                off, length, name, shape = value["$"]
                return np.frombuffer(frame, "<" + dtypes[name], length // np.dtype(dtypes[name]).itemsize, base + off).reshape(shape)
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(header)


def to_u8(values: np.ndarray, lo: float, hi: float, levels: int = 256) -> np.ndarray:
    """Values in ``[lo, hi]`` as 0..255 (NaN -> 0): the colour index a heatmap is painted with.

    ``levels`` < 256 rounds to that many evenly spaced shades (still spanning 0..255): a smooth
    field in 32 shades deflates to half the bytes and looks the same once the canvas blends it."""
    steps = levels - 1
    scaled = (np.asarray(values, dtype=np.float64) - lo) * (steps / (hi - lo))
    scaled = np.clip(np.where(np.isnan(scaled), 0, scaled), 0, steps)
    return (np.rint(scaled) * (255 / steps) + 0.5).astype(np.uint8)
