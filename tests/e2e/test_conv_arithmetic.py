"""Real-browser tests of the convolutions page: pointing at an output pixel shows its arithmetic, the same
numbers the engine computes; the page's settings round-trip through its address."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from engine.conv import conv2d
from engine.kernels import as_bank, preset
from engine.pooling import pool2d
from ui.inputs.images import load_image, to_planes

pytestmark = pytest.mark.e2e

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "samples" / "astronaut.jpg"
PICKER = ".js-plotly-plot"
SETTINGS = "side=64&filter=sobel+x&stride=2"


def _engine_output(pool: str | None = None) -> np.ndarray:
    """What the engine computes for SETTINGS, here in the test: the 64 px greyscale sample, sobel x, stride 2."""
    x = to_planes(load_image(SAMPLE.read_bytes(), SAMPLE.name, "L", 64))
    out = conv2d(x, as_bank(preset("sobel x"), 1), stride=2)
    return out if pool is None else pool2d(out, 2, 2, pool)


def _open(page, url):
    page.goto(url)
    page.get_by_text("Point at an output pixel").wait_for(timeout=90_000)
    picker = page.locator(PICKER).filter(has_text="click to explain it")
    picker.locator(".scatterlayer .point").first.wait_for(timeout=60_000)
    return picker


def _point(picker, index: int):
    """The index-th pixel marker of the picker and the (row, column) it stands for."""
    point = picker.locator(".scatterlayer .point").nth(index)
    x, y = point.evaluate("p => [p.__data__.x, p.__data__.y]")
    return point, int(y), int(x)


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+\.\d+", text)]


def _explained(page, row: int, col: int) -> dict:
    """The arithmetic the page shows for output pixel (row, col): its tables and the sentence under them."""
    sentence = page.locator('[data-testid="stMarkdownContainer"]').filter(
        has_text=f"The engine computed output pixel ({row}, {col})")
    sentence.wait_for(timeout=60_000)
    tables = {}
    for title in ("input window", "× kernel", "= products"):
        box = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text=title).last
        tables[title] = np.array([_numbers(r.inner_text()) for r in box.locator("tbody tr").all()])
    text = sentence.inner_text()
    total = float(re.search(r"products = (-?\d+\.\d+)", text).group(1))
    engine = float(re.search(r"= (-?\d+\.\d+)\.?$", text.strip()).group(1))
    return {**tables, "sum": total, "engine": engine}


def test_hovering_and_clicking_an_output_pixel_shows_its_window_times_the_kernel(page, app_url):
    picker = _open(page, f"{app_url}/convolutions?{SETTINGS}")
    out = _engine_output()[0]
    point, row, col = _point(picker, 40)
    point.hover(force=True)
    hover = page.locator(".hoverlayer").filter(has_text="output pixel")
    hover.wait_for(timeout=10_000)
    assert f"output pixel ({row}, {col}) = {out[row, col]:.4f}" in hover.text_content()
    point.click(force=True)
    shown = _explained(page, row, col)
    window, kernel, products = shown["input window"], shown["× kernel"], shown["= products"]
    assert window.shape == kernel.shape == products.shape == (3, 3)
    assert np.allclose(kernel, preset("sobel x"))
    assert np.allclose(window * kernel, products, atol=2e-4)  # each product of the numbers shown
    assert abs(products.sum() - shown["sum"]) < 9 * 6e-5  # the products add up to the sum (4 decimals each)
    assert abs(shown["sum"] - out[row, col]) < 1e-4 and abs(shown["engine"] - out[row, col]) < 1e-4
    x = to_planes(load_image(SAMPLE.read_bytes(), SAMPLE.name, "L", 64))[0]
    assert np.allclose(window, x[2 * row : 2 * row + 3, 2 * col : 2 * col + 3], atol=6e-5)  # stride 2, no padding


def test_a_pooled_pixel_shows_which_value_won(page, app_url):
    picker = _open(page, f"{app_url}/convolutions?{SETTINGS}&pool=max")
    point, row, col = _point(picker, 7)
    point.click(force=True)
    page.locator('[data-testid="stMarkdownContainer"]').filter(
        has_text=f"max pooling of output pixel ({row}, {col})").wait_for(timeout=60_000)  # the click's rerun
    said = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="max = ")
    pooled, conv = _engine_output("max")[0], _engine_output()[0]
    assert f"max = {pooled[row, col]:.4f}" in said.inner_text() and "won" in said.inner_text()
    window = conv[2 * row : 2 * row + 2, 2 * col : 2 * col + 2]
    wi, wj = np.unravel_index(np.argmax(window), window.shape)
    shown = _explained(page, 2 * row + wi, 2 * col + wj)  # the winner's own arithmetic follows
    assert abs(shown["engine"] - pooled[row, col]) < 1e-4


def test_the_convolutions_address_round_trips(page, app_url):
    _open(page, f"{app_url}/convolutions?{SETTINGS}&filter=custom+3x3&kernel=0,1,0,1,-4,1,0,1,0&pool=average")
    query = parse_qs(urlparse(page.url).query)
    assert query["kernel"] == ["0,1,0,1,-4,1,0,1,0"] and query["pool"] == ["average"]
    page.get_by_role("slider", name="stride s").focus()
    page.keyboard.press("ArrowRight")  # stride 3
    page.wait_for_function("() => location.search.includes('stride=3')", timeout=30_000)
    url = page.url
    page.goto("about:blank")
    _open(page, url)  # a learner opening the shared link
    shapes = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="Shapes:").inner_text()
    assert "filter 1 x 3 x 3 → output 1 x 21 x 21 → average pool 2/2 → 1 x 10 x 10" in shapes  # (64-3)/3+1
    assert parse_qs(urlparse(page.url).query) == parse_qs(urlparse(url).query)


def _tip_numbers(line: str) -> list[float]:
    return [float(v) for v in re.findall(r"[−-]?\d+\.\d+", line.replace("−", "-"))]


def test_hovering_a_cnn_feature_map_pixel_shows_its_window_times_the_kernel(page, app_url):
    from ui.setups import cnn as cs
    from ui.setups import mnist as ms

    page.goto(f"{app_url}/cnn")
    maps = page.locator('[data-panel="maps1"] canvas')
    maps.wait_for(timeout=90_000)
    page.wait_for_timeout(1500)  # the first frame painted
    maps.scroll_into_view_if_needed()
    box = maps.bounding_box()
    tile = (box["width"] - 3 * 4) / 4  # four tiles a row, 4 px apart
    page.mouse.move(box["x"] + tile * 0.52, box["y"] + tile * 0.45)  # map 1, near the digit's middle
    tip = page.locator(".bl-tip")
    tip.wait_for(state="visible", timeout=10_000)
    text = tip.inner_text()
    lines = text.split("\n")
    k, r, c = (int(v) for v in re.match(r"map (\d+), row (\d+), column (\d+):", lines[0]).groups())
    products = np.array([_tip_numbers(line) for line in lines[lines.index("= products:") + 1 :][:5]])
    assert products.shape == (5, 5)
    total = _tip_numbers(next(line for line in lines if line.startswith("sum of the 25 products")))[-1]
    bias, z = _tip_numbers(next(line for line in lines if line.startswith("+ bias")))
    computed = _tip_numbers(lines[-1])[0]
    assert abs(products.sum() - total) < 25 * 6e-4  # the products shown add up to the sum shown
    assert abs(total + bias - z) < 2e-3 and abs(max(z, 0) - computed) < 2e-3
    # and that is what the engine computes: the page's untrained network (seed 0) on test digit 0
    model = cs.make_model(cs.FORM.defaults)
    digit = ms.bundled_split()[1][0]
    engine = model.layer_outputs(digit[None])[1][0][k - 1, r, c]
    assert abs(computed - engine) < 6e-4
