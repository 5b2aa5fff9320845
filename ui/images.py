"""Turning an uploaded file into a safe, small NumPy image (Pillow here, never in engine/).

Every failure raises :class:`ImageError` whose message is a plain sentence for the user.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

EXTENSIONS = ("png", "jpg", "jpeg", "gif", "bmp", "webp", "tiff", "tif")
PIL_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF")
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 25_000_000
MAX_SIDE = 1024


class ImageError(ValueError):
    """An upload we cannot use; the message says why in plain words."""


def _to_8bit(img: Image.Image) -> Image.Image:
    """Bring any Pillow mode to L or RGB (alpha flattened on white, 16-bit and float rescaled)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
        scaled = np.zeros_like(arr) if hi <= lo else (arr - lo) / (hi - lo) * 255
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

    Raises
    ------
    ImageError
        Wrong extension, empty, too large, not an image, damaged, or too many pixels.
    """
    ext = Path(name).suffix.lower().lstrip(".")
    if ext not in EXTENSIONS:
        raise ImageError(
            f"Please upload a PNG, JPEG, GIF, BMP, WebP or TIFF image (this file ends in '.{ext}')."
        )
    if not data:
        raise ImageError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImageError(f"The file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=PIL_FORMATS)
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise ImageError(
                    f"The image has {w} x {h} = {w * h / 1e6:.0f} million pixels; "
                    f"the limit is {MAX_PIXELS / 1e6:.0f} million."
                )
            if w < 1 or h < 1:
                raise ImageError("The image has no pixels.")
            img.seek(0)  # first frame of an animation
            if img.format == "JPEG":
                img.draft(img.mode, (max_side, max_side))  # decode JPEGs at reduced size: less memory
            img.load()
            try:
                img = ImageOps.exif_transpose(img)
            except Exception:  # noqa: BLE001 - broken EXIF: keep the pixels as stored
                pass
            img = _to_8bit(img)
            img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            img = img.convert(mode)
    except ImageError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("This file is not an image we can read (or it claims to be enormous).") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(f"The image file is damaged or incomplete ({exc}).") from None
    return np.asarray(img, dtype=np.uint8)


def to_planes(img: np.ndarray) -> np.ndarray:
    """uint8 ``(H, W)`` or ``(H, W, 3)`` -> float ``(C, H, W)`` in [0, 1], the layout engine.conv expects."""
    arr = np.asarray(img, dtype=np.float32) / 255.0
    return arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)
