"""Convolutions page settings (no streamlit): the image, the one filter and what follows it, the random bank.

Declared once like the training pages' settings, so the page's address carries them: a link opens the
same photo, filter (a custom one cell by cell), padding, stride, pooling and channel mode; junk in a
link is clamped or replaced by the default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.kernels import PRESETS, preset
from engine.pooling import REDUCERS
from ui.settings.form import Choice, Flag, Form, Number, Setting

SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "samples"
CUSTOM = ("custom 3x3", "custom 5x5")
MAX_WEIGHT = 1000.0  # a hand-typed filter cell; past this every output is saturated anyway
PADDINGS = {"valid": "valid (none)", "zero": "zero", "same": "same (zero)", "replicate": "replicate border"}


@dataclass(frozen=True)
class Kernel(Setting):
    """A custom square filter, its cells row by row (``1,0,0,0,1,0,0,0,1`` in the URL).  The value is a
    tuple of f x f numbers, clamped to +-MAX_WEIGHT; () stands for the identity filter."""

    sizes: tuple = (3, 5)

    def parse(self, text):
        cells = str(text).split(",") if str(text).strip() else []
        if not cells:
            return ()
        if len(cells) not in {f * f for f in self.sizes} or not all(_finite(c) for c in cells):
            return None
        return tuple(min(max(float(c), -MAX_WEIGHT), MAX_WEIGHT) for c in cells)

    def encode(self, value):
        return ",".join(f"{float(v):.6g}" for v in value)


def _finite(text) -> bool:
    try:
        return math.isfinite(float(text))
    except (TypeError, ValueError, OverflowError):
        return False


def _custom_size(values: dict) -> dict:
    """A Form rule: a custom kernel has the size its filter names (another size: the identity), and the
    identity is written as nothing (the address stays short until a cell changes)."""
    size = int(values["filter"][-1]) if values["filter"] in CUSTOM else 0
    if len(values["kernel"]) != size * size or values["kernel"] == _identity(size):
        values["kernel"] = ()
    return values


def _identity(size: int) -> tuple:
    return tuple(float(i == size * size // 2) for i in range(size * size))


FORM = Form(
    Choice("sample", "astronaut.jpg", "sample", "CC0 / public-domain photos bundled with the app (see "
           "assets/NOTICE).", options=tuple(sorted(p.name for p in SAMPLES.iterdir()))),
    Choice("depth", "grey", "colour depth", "With RGB each filter has depth 3: one 3x3 slice per colour channel.",
           options=("grey", "rgb"), labels={"grey": "greyscale (1 channel)", "rgb": "RGB (3 channels)"},
           widget="radio"),
    Choice("side", 256, "working size (longest side)", "The image is shrunk to this size first; smaller is "
           "faster.", options=(64, 128, 256, 512), widget="slider"),
    Choice("filter", "emboss", "filter", "Emboss and sharpen are the seed article's examples.",
           options=(*PRESETS, *CUSTOM)),
    Kernel("kernel", (), "custom filter", "Type a number in each cell: the weights the window is multiplied by."),
    Choice("mix", "grey", "colour", "A filter on an RGB image has a slice per colour channel. The same slice on "
           "each, averaged, sees brightness; weighing the channels differently makes a filter that sees colour.",
           options=("grey", "colour"), widget="radio",
           labels={"grey": "grey: the channels averaged", "colour": "colour: a weight per channel"}),
    *(Number(channel, start, f"{channel} weight", f"What the filter's {channel} slice is multiplied by.", lo=-1.0,
             hi=1.0, step=0.5) for channel, start in (("red", 1.0), ("green", -1.0), ("blue", 0.0))),
    Choice("padding", "valid", "padding", "Padding adds a border so the filter can sit on the edge pixels. 'same' "
           "pads f - 1 pixels per axis, half on each side (an even filter puts the odd one after), so that at "
           "stride 1 the output keeps the input's size; the CNN page's layers use the same rule.",
           options=tuple(PADDINGS), labels=PADDINGS),
    Number("p", 1, "padding p (pixels)", "Zero pixels added on each side (with 'zero' padding).", lo=0, hi=5),
    Number("stride", 1, "stride s", "Move the filter this many pixels at a time.", lo=1, hi=5),
    Flag("relu", False, "ReLU (keep positives only)", "Negative outputs become 0, as after a CNN's convolution."),
    Choice("pool", "none", "pooling", "Summarise each window of the output.", options=("none", *REDUCERS)),
    Number("pool_size", 2, "pool window", "The pooling window's side in pixels.", lo=2, hi=4),
    Number("pool_stride", 2, "pool stride", "Move the pooling window this many pixels at a time.", lo=1, hi=4),
    Choice("filters", 64, "filters", "How many random filters the grid shows.",
           options=(4, 9, 16, 25, 36, 49, 64, 81, 100), widget="slider"),
    Number("fseed", 0, "filter seed", "Same seed, same filters.", lo=0, hi=10_000, widget="number"),
    Flag("second", False, "stack a second layer", "Apply 16 random filters of depth N to the ReLU'd maps."),
    fix=_custom_size,
)


def kernel(s: dict) -> np.ndarray:
    """The 2-D filter the settings choose: a preset, or the custom cells (none: the identity)."""
    if s["filter"] not in CUSTOM:
        return preset(s["filter"])
    size = int(s["filter"][-1])
    return np.array(s["kernel"] or _identity(size), dtype=np.float64).reshape(size, size)


def padding(s: dict):
    """``(padding, pad mode)`` for ``engine.conv.conv2d``."""
    return {"valid": 0, "zero": s["p"], "same": "same", "replicate": "same"}[s["padding"]], (
        "replicate" if s["padding"] == "replicate" else "zero")


def channel_mix(s: dict, channels: int):
    """The weight of each colour channel in the filter: None (averaged, it sees brightness) or three."""
    return [s["red"], s["green"], s["blue"]] if channels == 3 and s["mix"] == "colour" else None
