"""Convolutions: filters, feature-map grids, padding, stride, pooling, on your own photo."""

from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from engine.conv import ConvShapeError, conv2d, conv2d_naive, conv_forward, output_size, resolve_padding
from engine.kernels import PRESETS, as_bank, preset, random_bank
from engine.pooling import REDUCERS, global_pool, pool2d, pool_forward
from ui.charts.feature_maps import conv_bands, feature_maps
from ui.charts.images import feature_grid, for_display
from ui.inputs.images import EXTENSIONS, FORMATS_HELP, ImageError, load_image_cached, mark_patch, to_planes
from ui.shell.cost import TooCostly
from ui.shell.show_code import show_code
from ui.shell.text import plain

SAMPLES = Path(__file__).resolve().parent.parent / "assets" / "samples"
OUTPUT_SIZE = r"n_\text{out} = \left\lfloor \frac{n - f + 2p}{s} \right\rfloor + 1"
CHANNEL_WEIGHTS = (-1.0, -0.5, 0.0, 0.5, 1.0)
state = st.session_state


st.title("🖼️ Convolutions")
st.markdown(
    "A convolution slides a small grid of weights (a **filter**) over an image and, at each position, "
    "multiplies and sums. Different filters pick out different things: edges, texture, blur. "
    "A CNN *learns* its filters; here you pick them and see what they do."
)

with st.sidebar:
    st.header("Image")
    source = st.radio("source", ["sample photo", "upload"], horizontal=True)
    if source == "upload":
        up = st.file_uploader(
            "your image",
            type=list(EXTENSIONS),
            help=f"{FORMATS_HELP}. Large images are shrunk.",
        )
        raw, name = (up.getvalue(), up.name) if up is not None else (None, None)
    else:
        name = st.selectbox(
            "sample",
            sorted(p.name for p in SAMPLES.iterdir()),
            help="CC0 / public-domain photos bundled with the app (see assets/NOTICE).",
        )
        raw = (SAMPLES / name).read_bytes()
    colour = st.radio(
        "colour depth",
        ["greyscale (1 channel)", "RGB (3 channels)"],
        help="With RGB each filter has depth 3: one 3x3 slice per colour channel.",
    )
    side = st.select_slider(
        "working size (longest side)",
        [64, 128, 256, 512],
        256,
        help="The image is shrunk to this size first; smaller is faster.",
    )

mode = "RGB" if colour.startswith("RGB") else "L"
if raw is None:
    st.info("Upload an image in the sidebar, or switch back to a sample photo.")
    st.stop()
try:
    img = load_image_cached(raw, name, mode, side)  # decoded once per content, not on every rerun
except ImageError as exc:
    st.error(f"**We could not use that file.** {exc}")
    st.stop()
x = to_planes(img)  # (C, H, W) in [0, 1]
C, H, W = x.shape

# ---------------------------------------------------------------- pixels are numbers
st.header("1 · An image is a grid of numbers")
c1, c2 = st.columns([2, 3])
with c2:
    # (a slider needs a range: images of 8 pixels or fewer are shown whole)
    r0 = st.slider("crop row", 0, H - 8, min(H // 2, H - 8), help="Top edge of the 8 x 8 patch.") if H > 8 else 0
    q0 = st.slider("crop column", 0, W - 8, min(W // 2, W - 8), help="Left edge of the 8 x 8 patch.") if W > 8 else 0
    crop = img[r0 : r0 + 8, q0 : q0 + 8]
    crop2d = crop if crop.ndim == 2 else crop[..., 0]
    label = "" if crop.ndim == 2 else " (red channel)"
    t1, t2 = st.tabs([f"0-255{label}", f"scaled 0-1{label}"])
    t1.dataframe(pd.DataFrame(crop2d), width="stretch")
    t2.dataframe(pd.DataFrame(np.round(crop2d / 255, 3)), width="stretch")
c1.image(
    mark_patch(img, r0, q0, 8),
    caption=f"{plain(name)}: {H} x {W} pixels, {C} channel(s); the red square is the patch on the right",
    width="stretch",
)

# ---------------------------------------------------------------- one filter
st.header("2 · One filter, padding, stride and pooling")
c1, c2 = st.columns([1, 2])
with c1:
    choice = st.selectbox(
        "filter",
        [*PRESETS, "custom 3x3", "custom 5x5"],
        index=list(PRESETS).index("emboss"),
        help="Emboss and sharpen are the seed article's examples.",
    )
    if choice.startswith("custom"):
        size = int(choice[-1])
        start = np.zeros((size, size))
        start[size // 2, size // 2] = 1
        edited = st.data_editor(
            pd.DataFrame(start, columns=[str(i) for i in range(size)]),
            key=f"kernel{size}",
            hide_index=True,
            width="stretch",
        )
        kernel = edited.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(kernel)):
            st.error("Every cell of the filter must be a number; empty or text cells count as 0 for now.")
            kernel = np.nan_to_num(kernel)
    else:
        kernel = preset(choice)
        st.dataframe(pd.DataFrame(kernel), hide_index=True, width="stretch")
    mix = None  # greyscale, or RGB averaged: the filter sees brightness
    if C == 3 and st.radio(
        "colour",
        ["grey: the channels averaged", "colour: a weight per channel"],
        key="colour_filter",
        help="A filter on an RGB image has a slice per colour channel. The same slice on each, averaged, sees "
        "brightness; weighing the channels differently makes a filter that sees colour.",
    ).startswith("colour"):
        mix = [
            st.select_slider(f"{channel} weight", CHANNEL_WEIGHTS, start, key=f"mix_{channel}")
            for channel, start in (("red", 1.0), ("green", -1.0), ("blue", 0.0))
        ]
    pad_choice = st.selectbox(
        "padding",
        ["valid (none)", "zero", "same (zero)", "replicate border"],
        help="Padding adds a border so the filter can sit on the edge pixels. 'same' pads f - 1 pixels per "
        "axis, half on each side (an even filter puts the odd one after), so that at stride 1 the output "
        "keeps the input's size; the CNN page's layers use the same rule.",
    )
    f = kernel.shape[0]
    p = st.slider("padding p (pixels)", 0, 5, 1, disabled=pad_choice != "zero")
    s = st.slider("stride s", 1, 5, 1, help="Move the filter this many pixels at a time.")
    relu = st.checkbox("ReLU (keep positives only)")
    pool_mode = st.selectbox("pooling", ["none", *REDUCERS], help="Summarise each window of the output.")
    pool_size = st.slider("pool window", 2, 4, 2, disabled=pool_mode == "none")
    pool_stride = st.slider("pool stride", 1, 4, 2, disabled=pool_mode == "none")

padding = {"valid (none)": 0, "zero": p, "same (zero)": "same", "replicate border": "same"}[pad_choice]
pad_mode = "replicate" if pad_choice.startswith("replicate") else "zero"
with c2:
    try:
        p_px = resolve_padding(padding, f)
        ho, wo = output_size(H, f, p_px, s, strict=False), output_size(W, f, p_px, s, strict=False)
        st.latex(OUTPUT_SIZE)
        st.latex(  # one line per axis, aligned: the two together do not fit a narrow column
            r"\begin{aligned}"
            + r" \\ ".join(
                rf"\text{{{axis}: }} & \left\lfloor \frac{{{n_} - {f} + 2 \cdot {p_px}}}{{{s}}} \right\rfloor + 1 = {m}"
                for axis, n_, m in (("rows", H, ho), ("columns", W, wo))
            )
            + r"\end{aligned}"
        )
        for n_, axis in ((H, "rows"), (W, "columns")):
            try:
                output_size(n_, f, p_px, s, strict=True)
            except ConvShapeError as exc:
                st.warning(
                    f"{axis}: {exc} Here the last {(n_ - f + 2 * p_px) % s} pixel(s) are simply skipped."
                )
        # conv2d, a band of rows at a time: a 5 x 5 filter over a 512 px RGB image is 157 MB of columns at once
        out = conv_bands(x, as_bank(kernel, C, mix), stride=s, padding=padding, pad_mode=pad_mode, relu=relu)
        shape_line = f"input {C} x {H} x {W} → filter {C} x {f} x {f} → output 1 x {ho} x {wo}"
        if pool_mode != "none":
            out = pool2d(out, pool_size, pool_stride, pool_mode)
            shape_line += (
                f" → {pool_mode} pool {pool_size}/{pool_stride} → 1 x {out.shape[1]} x {out.shape[2]}"
            )
        st.markdown(f"**Shapes:** {shape_line}")
        if C == 3 and mix is None:
            st.caption(
                "In RGB the filter has depth 3: this 2-D filter is applied to each colour channel and the three "
                "responses are averaged, so it sees brightness, not colour."
            )
        elif C == 3:
            r, g, b = (f"{w:g}".replace("-", "−") for w in mix)
            st.caption(
                f"In RGB the filter has depth 3: its slices are this 2-D filter times {r} (red), {g} (green) "
                f"and {b} (blue), and the three responses are added, so it answers to colour: with red 1, "
                "green −1 and the identity filter it lights up where red outshines green."
            )
        st.caption(f"output shape {tuple(out.shape)}", help="Channels x height x width")
        a, b = st.columns(2)
        a.image(for_display(x), caption="input", width="stretch")
        b.image(for_display(out), caption=f"{choice} output (rescaled to 0-1 for display)", width="stretch")
        st.caption(f"global average pooling of this map: {global_pool(out)[0]:.4f} (one number per channel)")
    except (ConvShapeError, TooCostly) as exc:
        st.error(f"These settings do not fit this image: {exc}")

# ---------------------------------------------------------------- many random filters
st.header("3 · 64 random filters: a feature-map grid")
st.markdown(
    "A convolutional layer applies many filters at once. Here each filter's 3x3 weights are drawn from "
    "{-1, 0, 1}; every map shows where its pattern matches. Hover a tile to see its filter."
)
c1, c2, c3 = st.columns(3)
n_filters = c1.select_slider("filters", [4, 9, 16, 25, 36, 49, 64, 81, 100], 64)
bank_seed = c2.number_input("filter seed", 0, 10_000, 0, help="Same seed, same filters.")
second = c3.checkbox("stack a second layer", help="Apply 16 random filters of depth N to the ReLU'd maps.")
bank = random_bank(n_filters, 3, C, int(bank_seed))
bank2 = random_bank(16, 3, n_filters, int(bank_seed) + 1) if second else None
try:
    # the maps as the grid shows them (a band of rows at a time: 100 maps of 512 px and a second layer
    # over them would hold 2 GB at once)
    maps, maps2, peaks = feature_maps(x, bank, bank2)
    st.plotly_chart(feature_grid(maps, bank, title=f"{n_filters} feature maps, {H} x {W}"), key="grid")
    if second:
        st.plotly_chart(feature_grid(maps2, None, title=f"layer 2: 16 maps from {n_filters}-deep filters"),
                        key="grid2")
        dead = int(np.sum(peaks <= 0))
        if dead:
            st.caption(
                f"{dead} of the 16 maps {'is' if dead == 1 else 'are'} blank: **dead**. A random "
                f"{n_filters}-deep filter can sum to a negative number at every position, and ReLU turns all "
                "of it into 0. Training moves such filters until they fire somewhere; random ones stay dead."
            )
except (ConvShapeError, TooCostly) as exc:
    st.error(f"These settings do not fit this image: {exc}")

st.header("The math")
st.latex(  # over two lines, aligned: in one it is wider than a phone
    r"\begin{aligned}\text{out}[k, i, j] &= b_k + \sum_{c}\sum_{u=0}^{f-1}\sum_{v=0}^{f-1} w[k, c, u, v] \\"
    r"&\qquad \cdot x_\text{pad}[c,\; i s + u,\; j s + v]\end{aligned}"
)
st.latex(OUTPUT_SIZE)
show_code(conv_forward, conv2d, conv2d_naive, pool_forward, pool2d)
