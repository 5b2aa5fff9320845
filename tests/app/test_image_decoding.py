"""Images a visitor uploads (odd, bad, hostile, any bytes): each decodes small and clean or is refused plainly."""

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.hostile import assert_plain_message
from tests.hostile.images import image_files, save, tricky_images
from ui.inputs.images import EXTENSIONS, MAX_SIDE, ImageError, load_image, to_planes


def _save(img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _png(size=(40, 30), mode="RGB", color=(200, 10, 10)):
    return _save(Image.new(mode, size, color), "PNG")


def _exif_rotated_jpeg():
    img = Image.new("RGB", (40, 20), (0, 128, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees on display
    return _save(img, "JPEG", exif=exif.tobytes())


def _palette_transparent():
    img = Image.new("P", (16, 16), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.paste(1, (4, 4, 12, 12))
    return _save(img, "PNG", transparency=0)


def _animated_gif():
    frames = [Image.new("L", (20, 20), v) for v in (10, 200, 90)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    return buf.getvalue()


def _bomb():
    return _save(Image.new("1", (6000, 6000)), "PNG")  # 36 million pixels in a few kB


GOOD = {
    "tiny_1x1.png": (_png((1, 1)), (1, 1, 3)),
    "strip_10000x10.png": (_png((10000, 10)), (1, MAX_SIDE, 3)),
    "exif_rotated.jpg": (_exif_rotated_jpeg(), (40, 20, 3)),
    "palette_transparent.png": (_palette_transparent(), (16, 16, 3)),
    "sixteen_bit.png": (
        _save(Image.fromarray(np.arange(64 * 64, dtype=np.uint16).reshape(64, 64) * 16), "PNG"),
        (64, 64, 3),
    ),
    "cmyk.jpg": (_save(Image.new("CMYK", (24, 24), (0, 255, 255, 0)), "JPEG"), (24, 24, 3)),
    "rgba.png": (_png((30, 30), "RGBA", (255, 0, 0, 0)), (30, 30, 3)),
    "animated.gif": (_animated_gif(), (20, 20, 3)),
    "plain.bmp": (_save(Image.new("RGB", (12, 9)), "BMP"), (9, 12, 3)),
    "plain.webp": (_save(Image.new("RGB", (12, 9)), "WEBP"), (9, 12, 3)),
    "float.tiff": (
        _save(Image.fromarray(np.linspace(-5, 5, 100, dtype=np.float32).reshape(10, 10)), "TIFF"),
        (10, 10, 3),
    ),
    "png_named.jpg": (_png((8, 8)), (8, 8, 3)),
    "grey_alpha.png": (_png((8, 8), "LA", (100, 255)), (8, 8, 3)),
}

BAD = {
    "empty.png": (b"", "empty"),
    "text_renamed.png": (b"this is just some text, not a picture", "not an image"),
    "html.gif": (b"<html><script>alert(1)</script></html>", "not an image"),
    "truncated.png": (_png((200, 200), "RGB", (1, 2, 3))[:60], "damaged|not an image"),
    "truncated.jpg": (
        _save(Image.effect_noise((256, 256), 64).convert("RGB"), "JPEG")[:700],
        "damaged|not an image",
    ),
    "bomb.png": (_bomb(), "million pixels"),
    "huge_file.png": (b"\x89PNG" + bytes(11 * 1024 * 1024), "limit is 10 MB"),
    "vector.svg": (b"<svg></svg>", "PNG, JPEG"),
    "program.exe": (b"MZ\x90\x00", "PNG, JPEG"),
    "no_extension": (_png(), "PNG, JPEG"),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_odd_files_give_clean_arrays(name):
    data, shape = GOOD[name]
    arr = load_image(data, name, mode="RGB")
    assert arr.dtype == np.uint8 and arr.shape == shape
    grey = load_image(data, name, mode="L")
    assert grey.shape == shape[:2]
    planes = to_planes(arr)
    assert planes.shape == (3, *shape[:2]) and 0 <= planes.min() and planes.max() <= 1


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_give_plain_errors(name):
    data, pattern = BAD[name]
    with pytest.raises(ImageError, match=pattern) as info:
        load_image(data, name)
    assert "Traceback" not in str(info.value) and len(str(info.value)) < 300


def test_odd_and_bad_corpus_is_big_enough():
    assert len(GOOD) + len(BAD) >= 15


def test_exif_orientation_applied_and_rgba_flattened_on_white():
    arr = load_image(GOOD["exif_rotated.jpg"][0], "x.jpg", "RGB")
    assert arr.shape[0] > arr.shape[1]  # stored 40 wide, shown 40 tall
    assert load_image(GOOD["rgba.png"][0], "x.png", "RGB")[0, 0].tolist() == [255, 255, 255]
    assert load_image(GOOD["animated.gif"][0], "x.gif", "L")[0, 0] == 10  # the first frame


REFUSED = image_files()


TRICKY = tricky_images()


def test_hostile_corpus_is_big_enough():
    assert len(REFUSED) >= 30 and len(TRICKY) >= 12


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_images_are_refused_plainly(name):
    data, pattern = REFUSED[name]
    with pytest.raises(ImageError, match=pattern) as info:
        load_image(data, name)
    assert_plain_message(str(info.value))


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_odd_images_near_the_budget_decode_small(name):
    data, shape = TRICKY[name]
    arr = load_image(data, name, "RGB")
    assert arr.shape == shape and arr.dtype == np.uint8
    assert load_image(data, name, "L", 64).shape[:2] == tuple(
        max(1, round(n * min(1, 64 / max(shape[:2])))) for n in shape[:2]
    )


def test_values_survive_the_early_resize():
    """Grey ramps in 16-bit, float, palette and RGBA keep their order and range after shrinking."""
    from PIL import Image

    ramp = np.tile(np.linspace(0, 1, 3000), (40, 1))
    for img in (
        Image.fromarray((ramp * 65535).astype(np.uint16)),
        Image.fromarray(ramp.astype(np.float32)),
        Image.fromarray((ramp * 255).astype(np.uint8)).convert("P"),
        Image.fromarray((ramp * 255).astype(np.uint8)).convert("RGBA"),
    ):
        arr = load_image(save(img, "TIFF"), "ramp.tiff").astype(int)
        assert arr.shape == (14, 1024)
        assert arr[7, 0] < 10 and arr[7, -1] > 245 and np.all(np.diff(arr[7]) >= -2)


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
