"""Convolutions: filters, feature-map grids, padding, stride, pooling, on your own photo."""

import numpy as np
import pandas as pd
import streamlit as st

from engine.conv import (
    ConvShapeError,
    conv2d,
    conv2d_naive,
    conv_forward,
    conv_padding,
    conv_pixel,
    output_size,
    resolve_padding,
)
from engine.kernels import as_bank, random_bank
from engine.pooling import global_pool, pool2d, pool_forward, pool_pixel
from ui.charts.conv_arithmetic import grid_markdown, picked, pixel_picker, window_text
from ui.charts.feature_maps import conv_bands, feature_maps
from ui.charts.images import feature_grid, for_display
from ui.inputs.images import EXTENSIONS, FORMATS_HELP, ImageError, load_image_cached, mark_patch, to_planes
from ui.settings.widgets import Bound
from ui.setups import convolutions as cv
from ui.shell.cost import TooCostly
from ui.shell.show_code import show_code
from ui.shell.text import plain

KEY = "cv"
OUTPUT_SIZE = r"n_\text{out} = \left\lfloor \frac{n - f + 2p}{s} \right\rfloor + 1"
state = st.session_state
CHANNELS = {1: ["grey"], 3: ["red", "green", "blue"]}


def pick_pixel() -> None:
    """A click on the zoomed block: that pixel becomes the one explained (the sliders follow)."""
    at = picked(state.get(f"{KEY}:picker"))
    if at is not None:
        state[f"{KEY}:row"], state[f"{KEY}:col"] = at


def pixel_arithmetic(x, bank, conv_out, out, values) -> None:
    """Section 2's output, one pixel at a time: the window, the kernel, their products and sum, the engine's
    value; with pooling, the pooled pixel's window first and which value won."""
    st.subheader("Point at an output pixel: its arithmetic")
    pooled, (n_rows, n_cols) = out is not conv_out, out.shape[1:]
    for axis, n in (("row", n_rows), ("col", n_cols)):  # a smaller output keeps the pick inside it
        state[f"{KEY}:{axis}"] = min(state.get(f"{KEY}:{axis}", n // 2), n - 1)
    c1, c2 = st.columns([2, 3])
    row = c1.slider("output row", 0, n_rows - 1, key=f"{KEY}:row", help="Or click a pixel in the block below.")
    col = c1.slider("output column", 0, n_cols - 1, key=f"{KEY}:col", help="Or click a pixel in the block below.")
    f, s, ps = bank.shape[-1], values["stride"], values["pool_stride"]
    padding, pad_mode = cv.padding(values)
    if pooled:
        where = lambda i, j: f"its window: convolution output rows {i * ps} to {i * ps + values['pool_size'] - 1}"
    else:
        where = lambda i, j: window_text(i, j, f, s, conv_padding(padding, f, f)[0][0])
    c1.plotly_chart(pixel_picker(out[0], row, col, where, "hover a pixel; click to explain it"),
                    key=f"{KEY}:picker", on_select=pick_pixel, selection_mode="points")
    i, j = row, col
    if pooled:
        window, result, winner = pool_pixel(conv_out, row, col, values["pool_size"], ps, values["pool"])
        c2.markdown(f"**{values['pool']} pooling** of output pixel ({row}, {col})'s window on the convolution's "
                    f"output (rows from {row * ps}, columns from {col * ps}):\n\n{grid_markdown(window, winner)}")
        won = f"the value at {winner} won" if winner else "every value counts"
        c2.markdown(f"{values['pool']} = **{result:.4f}** ({won}); the engine's pooled pixel: **{out[0, row, col]:.4f}**")
        (wi, wj), what = winner or (0, 0), "the winning pixel" if winner else "the window's first pixel"
        i, j = row * ps + wi, col * ps + wj
        c2.caption(f"Below: the convolution behind {what}, output pixel ({i}, {j}).")
    window, kernel, products, total = conv_pixel(x, bank, i, j, s, padding, pad_mode)
    for c, channel in enumerate(CHANNELS[len(window)]):  # one under the other: a 5 x 5 table is wide
        for title, grid in zip(("input window", "× kernel", "= products"), (window, kernel, products)):
            c2.markdown(f"**{title}** ({channel})\n\n{grid_markdown(grid[c])}")
    relu = f"; ReLU: max(0, {total:.4f}) = {max(total, 0):.4f}" if values["relu"] else ""
    c2.markdown(f"sum of the {products.size} products = {total:.4f}, plus the bias 0 (this filter has none){relu}. "
                f"The engine computed output pixel ({i}, {j}) = **{conv_out[0, i, j]:.4f}**.")


st.title("🖼️ Convolutions")
st.markdown(
    "A convolution slides a small grid of weights (a **filter**) over an image and, at each position, "
    "multiplies and sums. Different filters pick out different things: edges, texture, blur. "
    "A CNN *learns* its filters; here you pick them and see what they do."
)

form = Bound(cv.FORM, KEY)
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
        name = form.widget("sample")
        raw = (cv.SAMPLES / name).read_bytes()
    form.widget("depth")
    form.widget("side")

mode, side = ("RGB" if form.value("depth") == "rgb" else "L"), form.value("side")
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
    choice = form.widget("filter", c1)
    if choice in cv.CUSTOM:
        size = int(choice[-1])
        # the cells as they were when this size was first shown: the editor keeps its edits on top of them
        start = state.setdefault(f"{KEY}:kernel_start{size}", cv.kernel(cv.FORM.clean({**form.stored, "filter": choice})))
        edited = st.data_editor(
            pd.DataFrame(start, columns=[str(i) for i in range(size)]),
            key=f"{KEY}:kernel{size}",
            hide_index=True,
            width="stretch",
        )
        cells = edited.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(cells)):
            st.error("Every cell of the filter must be a number; empty or text cells count as 0 for now.")
            cells = np.nan_to_num(cells)
        form.set("kernel", tuple(cells.ravel()))
    else:
        st.dataframe(pd.DataFrame(cv.kernel({"filter": choice})), hide_index=True, width="stretch")
    if C == 3 and form.widget("mix", c1) == "colour":
        for channel in ("red", "green", "blue"):
            form.widget(channel, c1)
    form.widget("padding", c1)
    if form.value("padding") == "zero":
        form.widget("p", c1)
    form.widget("stride", c1)
    form.widget("relu", c1)
    if form.widget("pool", c1) != "none":
        form.widget("pool_size", c1)
        form.widget("pool_stride", c1)

values = form.values
kernel, (padding, pad_mode), mix = cv.kernel(values), cv.padding(values), cv.channel_mix(values, C)
f, s, relu, pool_mode = kernel.shape[0], values["stride"], values["relu"], values["pool"]
pool_size, pool_stride = values["pool_size"], values["pool_stride"]
bank, out = as_bank(kernel, C, mix), None
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
        conv_out = out = conv_bands(x, bank, stride=s, padding=padding, pad_mode=pad_mode, relu=relu)
        shape_line = f"input {C} x {H} x {W} → filter {C} x {f} x {f} → output 1 x {ho} x {wo}"
        if pool_mode != "none":
            out = pool2d(conv_out, pool_size, pool_stride, pool_mode)
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
        out = None
        st.error(f"These settings do not fit this image: {exc}")

if out is not None:
    pixel_arithmetic(x, bank, conv_out, out, values)

# ---------------------------------------------------------------- many random filters
st.header("3 · 64 random filters: a feature-map grid")
st.markdown(
    "A convolutional layer applies many filters at once. Here each filter's 3x3 weights are drawn from "
    "{-1, 0, 1}; every map shows where its pattern matches. Hover a tile to see its filter."
)
c1, c2, c3 = st.columns(3)
for key, where in (("filters", c1), ("fseed", c2), ("second", c3)):
    form.widget(key, where)
values = form.values
n_filters, bank_seed, second = values["filters"], values["fseed"], values["second"]
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
show_code(conv_forward, conv2d, conv2d_naive, conv_pixel, pool_forward, pool2d)
