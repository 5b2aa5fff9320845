"""Hostile and tricky images: declared sizes past every limit, decompression bombs, odd modes."""

from __future__ import annotations

import io
import struct
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


# ------------------------------------------------------------------ issue 22's rows: cheap to build, costly to decode
def deflate_zeros(n: int) -> bytes:
    """A zlib stream of ``n`` zero bytes (about n / 1000 bytes long), built from one flushed unit repeated."""
    block = 1 << 22
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(bytes(block)) + c.flush(zlib.Z_FULL_FLUSH)
    unit = c.compress(bytes(block)) + c.flush(zlib.Z_FULL_FLUSH)  # the same bytes for every further block
    full, rest = divmod(n - block, block)
    body = head + unit * (full - 1) + c.compress(bytes(block + rest)) + c.flush()
    return b"\x78\xda" + body + struct.pack(">I", ((n % 65521) << 16) | 1)  # adler32 of n zeros


SHORT, LONG, RATIONAL = 3, 4, 5


def tiff(tags: dict, blobs: dict[str, bytes]) -> bytes:
    """A little-endian TIFF written by hand: ``tags`` maps a tag to ``(type, values)``; a value that is
    a name from ``blobs`` stands for that blob's offset, and ``(type, (name, count))`` makes the blob the
    tag's ``count`` values (blobs follow the directory)."""
    extra_at = 8 + 2 + 12 * len(tags) + 4
    extra, blob_at = bytearray(), {}
    for name, blob in blobs.items():
        blob_at[name] = extra_at + len(extra)
        extra += blob + b"\0" * (len(blob) % 2)
    entries = b""
    for tag in sorted(tags):
        typ, values = tags[tag]
        if isinstance(values, tuple):  # the values are a blob
            name, count = values
            entries += struct.pack("<HHII", tag, typ, count, blob_at[name])
            continue
        values = [blob_at[values]] if isinstance(values, str) else [values] if isinstance(values, int) else values
        raw = struct.pack("<" + {SHORT: "H", LONG: "I", RATIONAL: "I"}[typ] * len(values), *values)
        count = len(values) // 2 if typ == RATIONAL else len(values)
        if len(raw) > 4:
            raw, extra = struct.pack("<I", extra_at + len(extra)), extra + raw
        entries += struct.pack("<HHI", tag, typ, count) + raw.ljust(4, b"\0")
    return b"II*\0" + struct.pack("<IH", 8, len(tags)) + entries + bytes(4) + bytes(extra)


def tiff_tile_bomb(side: int = 26752, shown: int = 64) -> bytes:
    """A 64 x 64 RGB TIFF whose one deflated tile is declared ``side`` x ``side``: 2.1 MB that Pillow
    unpacks into a 2 GB tile buffer."""
    data = deflate_zeros(side * side * 3)
    return tiff({256: (LONG, shown), 257: (LONG, shown), 258: (SHORT, [8, 8, 8]), 259: (SHORT, 8),
                 262: (SHORT, 2), 277: (SHORT, 3), 284: (SHORT, 1), 322: (LONG, side), 323: (LONG, side),
                 324: (LONG, "tile"), 325: (LONG, len(data))}, {"tile": data})


def tiff_strip_per_row(rows: int = 4_900_000) -> bytes:
    """A 1 x ``rows`` grey TIFF with one strip per row: its strip offsets and sizes (one shared array
    of 9.8 MB) become millions of Python ints."""
    return tiff({256: (LONG, 1), 257: (LONG, rows), 258: (SHORT, 8), 259: (SHORT, 1), 262: (SHORT, 1),
                 273: (SHORT, ("strips", rows)), 277: (SHORT, 1), 278: (LONG, 1), 279: (SHORT, ("strips", rows))},
                {"strips": struct.pack("<H", 8) * rows})


def tiff_rational_tag(n: int = 1_200_000) -> bytes:
    """A 1 x 1 TIFF whose resolution tag holds ``n`` rationals."""
    return tiff({256: (LONG, 1), 257: (LONG, 1), 258: (SHORT, 8), 259: (SHORT, 1), 262: (SHORT, 1),
                 273: (LONG, 8), 277: (SHORT, 1), 278: (LONG, 1), 279: (LONG, 1),
                 282: (RATIONAL, [1, 1] * n)}, {})


def png_exif_rationals(n: int = 1_200_000) -> bytes:
    """A tiny PNG, turned by its EXIF, whose eXIf chunk holds a resolution tag of ``n`` rationals."""
    data = save(Image.new("L", (8, 8)), "PNG")
    exif = tiff({274: (SHORT, 6), 282: (RATIONAL, [1, 1] * n)}, {})  # turned: Pillow rewrites the EXIF
    return data[:33] + _png_chunk(b"eXIf", exif) + data[33:]


def png_text_chunks(n: int = 550_000) -> bytes:
    """A tiny PNG with ``n`` text chunks of distinct four-letter keys."""
    data = save(Image.new("L", (8, 8)), "PNG")
    letters = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

    def key(i):
        return bytes(letters[(i // 62**k) % 62] for k in range(4))

    chunks = b"".join(_png_chunk(b"tEXt", key(i) + b"\0") for i in range(n))
    return data[:33] + chunks + data[33:]


def progressive_jpeg_declaring(side: int = 9400, mode: str = "CMYK") -> bytes:
    """A small progressive JPEG whose frame header claims ``side`` x ``side``: libjpeg sets up (and
    zeroes) coefficient buffers for the whole declared image before the scans run out."""
    data = save(Image.new(mode, (64, 64)), "JPEG", progressive=True, quality=50)
    sof = data.index(b"\xff\xc2")
    return data[: sof + 5] + side.to_bytes(2, "big") + side.to_bytes(2, "big") + data[sof + 9 :]


def jpeg_repeated_scan(side: int = 3400, repeats: int = 22_000) -> bytes:
    """A flat progressive JPEG whose last scan (28 bytes) is repeated: each repeat is another pass over
    every block, about 15 ms at 3400 x 3400 (660 kB: minutes of CPU)."""
    data = save(Image.new("L", (side, side), 128), "JPEG", progressive=True, quality=90)
    last = data.rindex(b"\xff\xda")
    return data[:last] + data[last:-2] * repeats + data[-2:]


def issue_images() -> dict[str, tuple[bytes, str]]:
    """The image rows of issue 22: each passes the file-size and pixel caps, but cost the server gigabytes
    or minutes in Pillow; (bytes, the refusal's message).  The last three may decode on a fast machine
    (the decoding child's limits stop them here): their pattern allows that."""
    return {
        "tile_26752.tiff": (tiff_tile_bomb(), "needs more than .* MB of memory"),
        "strip_per_row_1x4900000.tiff": (tiff_strip_per_row(), "memory|seconds of computing"),
        "progressive_cmyk_9400.jpg": (progressive_jpeg_declaring(), "9400 x 9400 = 88 million pixels"),
        "repeated_scan.jpg": (jpeg_repeated_scan(), "took more than .* seconds of computing"),
        "exif_rationals.png": (png_exif_rationals(), "memory|seconds of computing|loaded"),
        "text_chunks.png": (png_text_chunks(), "memory|seconds of computing|loaded"),
        "rational_tag.tiff": (tiff_rational_tag(), "memory|seconds of computing|loaded"),
    }
