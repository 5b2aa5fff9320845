"""Turning an uploaded file into a safe, small NumPy image (Pillow here, never in engine/).

Every failure raises :class:`ImageError` whose message is a plain sentence for
the user, safe to show as Markdown.  The cost of a file is bounded before it is
decoded: at most ``MAX_PIXELS`` are decoded (JPEGs first drafted down to the
working size, but a progressive JPEG keeps every coefficient of its full size,
so its declared size counts), and the image is resized to the working
size in its decoded mode, before any conversion, so conversions never touch a
full-size image.  Pages decode an upload with :func:`decode_image`, which runs
Pillow in a child process under hard limits (``ui.inputs.sandbox``): what the
checks above miss (a lying TIFF tile, thousands of JPEG scans, a million EXIF
values) costs that child, never the server.
"""

from __future__ import annotations

import io
import math
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ui.inputs.content_cache import ContentCache
from ui.inputs.sandbox import Job
from ui.shell.text import plain

EXTENSIONS = ("png", "jpg", "jpeg", "gif", "bmp", "webp", "tiff", "tif")
PIL_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF")
FORMATS_HELP = "PNG, JPEG, GIF, BMP, WebP or TIFF, up to 10 MB (only the first frame of an animation is read)"
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 12_000_000  # decoded: 48 MB at Pillow's widest common layout (4 bytes a pixel)
MAX_SIDE = 1024
_ENORMOUS = (
    f"The image claims to have more pixels than this app decodes ({MAX_PIXELS / 1e6:.0f} million at most)."
)


class ImageError(ValueError):
    """An upload we cannot use; the message says why in plain words."""


def _reduce(img: Image.Image, k: int, rows: int = 256) -> Image.Image:
    """Average k x k boxes, a strip at a time: Pillow premultiplies RGBA and LA into a full-size copy."""
    w, h = img.size
    out = Image.new(img.mode, (-(-w // k), -(-h // k)))
    step = k * max(1, rows // k)
    for top in range(0, h, step):
        out.paste(img.crop((0, top, w, min(h, top + step))).reduce(k), (0, top // k))
    return out


def _shrink(img: Image.Image, side: int) -> Image.Image:
    """Resize to at most ``side`` pixels a side in the decoded mode, before any mode conversion."""
    w, h = img.size
    scale = side / max(w, h)
    if scale >= 1:
        return img
    if img.mode == "1":  # Pillow resizes 1-bit (and palette) images by picking pixels, not averaging
        img = img.convert("L")
    k = int(1 / scale)
    if k >= 2 and img.mode != "P" and not img.mode.startswith("I;16"):  # (modes reduce() cannot do)
        img = _reduce(img, k)
    return img.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS)


def _to_8bit(img: Image.Image) -> Image.Image:
    """Bring any Pillow mode to L or RGB (alpha flattened on white, 16-bit and float rescaled)."""
    if img.mode.startswith("I") or img.mode == "F":
        arr = np.asarray(img, dtype=np.float32)
        finite = arr[np.isfinite(arr)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        scaled = np.zeros_like(arr) if hi <= lo else (np.clip(arr, lo, hi) - lo) / (hi - lo) * 255
        return Image.fromarray(np.nan_to_num(scaled).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if img.mode in ("L", "RGB"):
        return img
    return img.convert("RGB")  # 1, CMYK, YCbCr, LAB, HSV, ...


def load_image(data: bytes, name: str = "image.png", mode: str = "L", max_side: int = MAX_SIDE) -> np.ndarray:
    """Decode ``data`` into ``(H, W)`` (mode "L") or ``(H, W, 3)`` (mode "RGB") uint8, longest side <= max_side.

    Only the first frame of an animation is read; EXIF orientation is applied.

    Raises
    ------
    ImageError
        Wrong extension, empty, too large, not an image, damaged, or too many pixels.
    """
    _check_file(data, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(bytes(data)), formats=PIL_FORMATS)
            w, h = img.size
            if w < 1 or h < 1:
                raise ImageError("The image has no pixels.")
            # a progressive JPEG keeps every coefficient of its full size, however small it is drawn
            kept = (w, h) if "progressive" in img.info else None
            if img.format == "JPEG":
                img.draft(img.mode, (max_side, max_side))  # the JPEG decoder scales by 1/2, 1/4 or 1/8
            # libwebp decodes into buffers of its own: about four times Pillow's cost a pixel
            limit = MAX_PIXELS // 4 if img.format == "WEBP" else MAX_PIXELS
            if math.prod(kept or img.size) > limit:
                raise ImageError(
                    f"The image has {w} x {h} = {w * h / 1e6:.0f} million pixels; "
                    f"the limit is {limit / 1e6:.0f} million for {img.format}. Please shrink it first."
                )
            img.load()
            img = _shrink(img, max_side)  # keeps info, so EXIF orientation survives
            try:
                img = ImageOps.exif_transpose(img)
            except Exception:  # noqa: BLE001 - broken EXIF: keep the pixels as stored
                pass
            img = _to_8bit(img).convert(mode)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(_ENORMOUS) from None
    except UnidentifiedImageError:
        raise ImageError("This file is not an image we can read.") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageError("The image file is damaged or incomplete.") from None
    return np.asarray(img, dtype=np.uint8)


def _check_file(data, name) -> None:
    """The refusals that need no decoding: the name's extension, an empty or too large file."""
    ext = Path(str(name)).suffix.lower().lstrip(".")
    if ext not in EXTENSIONS:
        ending = f"ends in '.{plain(ext, 12)}'" if ext else "has no extension"
        raise ImageError(f"Please upload a PNG, JPEG, GIF, BMP, WebP or TIFF image (this file {ending}).")
    if not data:
        raise ImageError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImageError(f"The file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB.")


# Pillow in a child: at most 12 million pixels of 4 bytes are decoded, shrunk in strips; 384 MB leaves
# room for the file and a decoder's own buffers, and a real photo decodes in well under a second
_DECODE = Job("ui.inputs.images:load_image", ImageError, "image", memory_mb=384, cpu_s=3,
              result_mb=MAX_SIDE * MAX_SIDE * 3 // 1_000_000 + 1)


def decode_image(data, name: str = "image.png", mode: str = "L", max_side: int = MAX_SIDE) -> np.ndarray:
    """:func:`load_image` of an upload, run in a child process under hard limits (read-only result)."""
    _check_file(data, name)  # no child for what the name and size refuse
    return _DECODE(bytes(data), str(name), mode, max_side)


# the same upload on every rerun: decode it once (results are read-only arrays, 3 MB at most)
load_image_cached = ContentCache(decode_image, max_entries=16)


def to_planes(img: np.ndarray) -> np.ndarray:
    """uint8 ``(H, W)`` or ``(H, W, 3)`` -> float ``(C, H, W)`` in [0, 1], the layout engine.conv expects."""
    arr = np.asarray(img, dtype=np.float32) / 255.0
    return arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)


def mark_patch(img: np.ndarray, row: int, col: int, size: int) -> np.ndarray:
    """A copy of ``img`` (H, W) or (H, W, 3) uint8 with a red outline around the ``size`` patch at (row, col)."""
    rgb = np.repeat(img[..., None], 3, axis=2) if img.ndim == 2 else img.copy()
    t = max(1, max(img.shape[:2]) // 200)  # the outline stays visible on big images
    r0, r1 = max(0, row - t), min(rgb.shape[0], row + size + t)
    c0, c1 = max(0, col - t), min(rgb.shape[1], col + size + t)
    red = np.array([230, 30, 30], dtype=np.uint8)
    rgb[r0 : r0 + t, c0:c1] = rgb[r1 - t : r1, c0:c1] = red
    rgb[r0:r1, c0 : c0 + t] = rgb[r0:r1, c1 - t : c1] = red
    return rgb
