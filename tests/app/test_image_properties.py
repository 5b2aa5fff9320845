"""Property test: any bytes, including damaged images of every format, decode or raise ImageError."""

import io

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from ui.inputs.images import EXTENSIONS, ImageError, load_image


def _sample(fmt, mode="RGB", **kw):
    buf = io.BytesIO()
    img = Image.effect_noise((24, 16), 50).convert(mode)
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


SAMPLES = [
    _sample("PNG"),
    _sample("PNG", "RGBA"),
    _sample("PNG", "I;16"),
    _sample("JPEG"),
    _sample("JPEG", "CMYK"),
    _sample("GIF", "P"),
    _sample("BMP"),
    _sample("WEBP"),
    _sample("TIFF"),
    _sample("TIFF", "F"),
    _sample("TIFF", "RGB", compression="tiff_lzw"),
]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_bytes_decode_or_are_refused(data):
    if data.draw(st.booleans()):
        raw = data.draw(st.binary(max_size=300))
    else:
        raw = bytearray(data.draw(st.sampled_from(SAMPLES)))
        for _ in range(data.draw(st.integers(1, 8))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        raw = bytes(raw[: data.draw(st.integers(1, len(raw)))])
    name = "upload." + data.draw(st.sampled_from(EXTENSIONS))
    mode = data.draw(st.sampled_from(["L", "RGB"]))
    try:
        arr = load_image(raw, name, mode, 64)
    except ImageError as exc:
        assert str(exc).strip() and "Traceback" not in str(exc)
        return
    assert arr.dtype == np.uint8 and max(arr.shape[:2]) <= 64 and arr.ndim == (2 if mode == "L" else 3)
