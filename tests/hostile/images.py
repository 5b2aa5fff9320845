"""Hostile and tricky images: declared sizes past every limit, decompression bombs, odd modes."""

from __future__ import annotations

import io
import zlib

import numpy as np
from PIL import Image

from tests.hostile.weights import zip_of


def save(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def png_declaring(width: int, height: int, mode="L") -> bytes:
    """A valid 1x1 PNG whose header (with a correct CRC) claims another size."""
    data = save(Image.new(mode, (1, 1)), "PNG")
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + data[24:29]
    return data[:8] + _png_chunk(b"IHDR", ihdr) + data[33:]


def jpeg_declaring(width: int, height: int) -> bytes:
    data = save(Image.new("RGB", (16, 16)), "JPEG")
    sof = data.index(b"\xff\xc0")
    return data[: sof + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + data[sof + 9 :]


def gif_declaring(width: int, height: int) -> bytes:
    data = save(Image.new("P", (4, 4)), "GIF")
    return data[:6] + width.to_bytes(2, "little") + height.to_bytes(2, "little") + data[10:]


def ztxt_bomb() -> bytes:
    """A tiny PNG with a text chunk that unpacks to 50 MB."""
    data = save(Image.new("L", (8, 8)), "PNG")
    chunk = _png_chunk(b"zTXt", b"comment\x00\x00" + zlib.compress(bytes(50_000_000), 9))
    return data[:33] + chunk + data[33:]


def big_sixteen_bit(side=5000) -> bytes:
    a = np.zeros((side, side), np.uint16)
    a[::50] = 60000
    return save(Image.fromarray(a), "PNG", optimize=True)


def image_files() -> dict[str, tuple[bytes, str]]:
    """Refused images: (bytes, message pattern); the file name's extension is part of the case."""
    flat = Image.new("RGB", (256, 256), (1, 2, 3))
    noise = Image.effect_noise((256, 256), 64).convert("RGB")
    return {
        "sixteen_bit_5000x5000.png": (big_sixteen_bit(), "25 million pixels"),
        "rgba_claims_5000x5000.png": (png_declaring(5000, 5000, "RGBA"), "25 million pixels"),
        "float_4000x4000.tiff": (
            save(Image.new("F", (4000, 4000)), "TIFF", compression="tiff_adobe_deflate"),
            "16 million pixels",
        ),
        "one_bit_6000x6000.png": (save(Image.new("1", (6000, 6000)), "PNG"), "36 million pixels"),
        "webp_2000x2000.webp": (save(Image.new("RGB", (2000, 2000)), "WEBP"), "limit is 3 million for WEBP"),
        "png_claims_100000x100000.png": (png_declaring(100_000, 100_000), "more pixels than"),
        "png_claims_5000x5000.png": (png_declaring(5000, 5000), "25 million pixels"),
        "png_claims_0x10.png": (png_declaring(0, 10), "no pixels|damaged|not an image"),
        "jpeg_claims_65000x65000.jpg": (jpeg_declaring(65000, 65000), "more pixels than"),
        "gif_claims_65535x65535.gif": (gif_declaring(65535, 65535), "more pixels than"),
        "ztxt_bomb.png": (ztxt_bomb(), "damaged"),
        "truncated.png": (save(noise, "PNG")[:2000], "damaged|not an image"),
        "truncated.jpg": (save(noise, "JPEG")[:700], "damaged|not an image"),
        "truncated.gif": (save(noise.convert("P"), "GIF")[:500], "damaged|not an image"),
        "truncated.tiff": (save(noise, "TIFF")[:5000], "damaged|not an image"),
        "truncated.webp": (save(noise, "WEBP")[:300], "damaged|not an image"),
        "truncated.bmp": (save(noise, "BMP")[:3000], "damaged|not an image"),
        "header_only.png": (save(flat, "PNG")[:33], "damaged|not an image"),
        "empty.png": (b"", "empty"),
        "svg_renamed.png": (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
            "not an image",
        ),
        "html_renamed.gif": (b"<html><script>alert(1)</script></html>", "not an image"),
        "pdf_renamed.jpg": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not an image"),
        "zip_renamed.png": (zip_of({"a.txt": b"hi"}), "not an image"),
        "ico_renamed.png": (save(Image.new("RGB", (16, 16)), "ICO"), "not an image"),
        "pcx_renamed.png": (save(Image.new("RGB", (16, 16)), "PCX"), "not an image"),
        "eps_renamed.png": (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "not an image"),
        "image.svg": (b"<svg></svg>", "PNG, JPEG"),
        "program.exe": (b"MZ\x90\x00", "PNG, JPEG"),
        "no_extension": (save(flat, "PNG"), "PNG, JPEG"),
        "photo.png.exe": (save(flat, "PNG"), "PNG, JPEG"),
        "x.[click](http:evil)": (save(flat, "PNG"), r"\\\[click\\\]"),
        "huge_file.png": (b"\x89PNG" + bytes(11 * 1024 * 1024), "limit is 10 MB"),
    }


def tricky_images() -> dict[str, tuple[bytes, tuple[int, ...]]]:
    """Odd but valid images near the pixel budget or in unusual modes: (bytes, RGB shape at max_side 1024)."""
    n = 3400  # 11.6 million pixels: just inside the budget
    frames = [Image.new("L", (64, 64), v) for v in range(0, 250, 2)]
    many_frames = io.BytesIO()
    frames[0].save(many_frames, "GIF", save_all=True, append_images=frames[1:], duration=10)
    pages = io.BytesIO()
    Image.new("RGB", (40, 30)).save(
        pages, "TIFF", save_all=True, append_images=[Image.new("RGB", (300, 300))]
    )
    big16 = np.zeros((n, n), np.uint16)
    big16[::40] = 65535
    exif = Image.Exif()
    exif[0x0112] = 99  # an orientation value that does not exist
    return {
        "sixteen_bit_3400.png": (save(Image.fromarray(big16), "PNG"), (1024, 1024, 3)),
        "rgba_3400.png": (save(Image.new("RGBA", (n, n), (9, 9, 9, 9)), "PNG"), (1024, 1024, 3)),
        "palette_3400.png": (save(Image.new("P", (n, n), 3), "PNG", transparency=3), (1024, 1024, 3)),
        "one_bit_3400.png": (save(Image.new("1", (n, n), 1), "PNG"), (1024, 1024, 3)),
        "float_3400.tiff": (
            save(Image.new("F", (n, n), 1.5), "TIFF", compression="tiff_adobe_deflate"),
            (1024, 1024, 3),
        ),
        "cmyk_3400.tiff": (save(Image.new("CMYK", (n, n)), "TIFF", compression="tiff_lzw"), (1024, 1024, 3)),
        "jpeg_4800x3600.jpg": (save(Image.new("RGB", (4800, 3600), (5, 5, 5)), "JPEG"), (768, 1024, 3)),
        "webp_1700.webp": (save(Image.new("RGBA", (1700, 1700)), "WEBP", lossless=True), (1024, 1024, 3)),
        "gif_125_frames.gif": (many_frames.getvalue(), (64, 64, 3)),
        "tiff_two_pages.tiff": (pages.getvalue(), (30, 40, 3)),
        "bogus_orientation.jpg": (save(Image.new("RGB", (30, 20)), "JPEG", exif=exif.tobytes()), (20, 30, 3)),
        "sixteen_bit_big_endian.tiff": (save(Image.new("I;16B", (50, 40), 300), "TIFF"), (40, 50, 3)),
        "float_with_nan_inf.tiff": (
            save(Image.fromarray(np.array([[np.nan, np.inf], [-np.inf, 1.0]], np.float32)), "TIFF"),
            (2, 2, 3),
        ),
        "strip_1x20000.png": (save(Image.new("L", (1, 20000)), "PNG"), (1024, 1, 3)),
    }
