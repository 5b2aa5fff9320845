"""Hostile and odd images built here; the content cache; plain(); the operator's MNIST folder."""

import numpy as np
import pytest

from tests.hostile import assert_plain_message
from tests.hostile.images import image_files, save, tricky_images
from ui.inputs import images
from ui.inputs.content_cache import ContentCache
from ui.inputs.images import ImageError, load_image, load_image_cached
from ui.inputs.mnist_source import ENV_VAR, operator_mnist_dir
from ui.shell.text import plain

REFUSED = image_files()
TRICKY = tricky_images()


def test_corpus_is_big_enough():
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


def test_cache_decodes_once_per_content_and_remembers_refusals():
    calls = []

    def decode(data, mode):
        calls.append(mode)
        if data == b"bad":
            raise ImageError("no")
        return np.frombuffer(data, np.uint8).copy()

    cache = ContentCache(decode, max_entries=2)
    a = cache(b"abc", "L")
    assert cache(bytes(b"abc"), "L") is a and calls == ["L"]
    assert not a.flags.writeable  # shared between sessions
    cache(b"abc", "RGB")
    assert calls == ["L", "RGB"]
    for _ in range(2):
        with pytest.raises(ImageError, match="no"):
            cache(b"bad", "L")
    assert len(calls) == 3
    cache(b"abc", "L")  # evicted by the two newer entries: decoded again
    assert len(calls) == 4
    by_files = ContentCache(lambda files, k: object())  # dicts of uploads are keyed by content too
    assert by_files({"x": b"1"}, 1) is by_files({"x": bytearray(b"1")}, 1)
    assert by_files({"x": b"1"}, 1) is not by_files({"x": b"2"}, 1)


def test_load_image_cached_is_the_decoder_with_a_cache():
    data, _ = TRICKY["gif_125_frames.gif"]
    first = load_image_cached(data, "a.gif", "L", 64)
    assert load_image_cached(data, "a.gif", "L", 64) is first
    assert np.array_equal(first, load_image(data, "a.gif", "L", 64))
    with pytest.raises(ImageError, match="empty"):
        load_image_cached(b"", "a.png", "L", 64)
    assert images.load_image_cached.max_entries <= 32


@pytest.mark.parametrize(
    "name",
    [
        "[click me](javascript:alert(1)).png",
        "<img src=x onerror=alert(1)>.png",
        "$\\frac{1}{0}$.png",
        ":red[big] **bold** _it_ `code` # h.png",
        "line\nbreak\rand\ttab.png",
    ],
)
def test_plain_leaves_no_markdown(name):
    out = plain(name)
    assert "\n" not in out and "\r" not in out
    unescaped = [c for i, c in enumerate(out) if c in "[]()<>$*_`#:" and (i == 0 or out[i - 1] != "\\")]
    assert not unescaped, out


def test_plain_cuts_long_names():
    assert len(plain("a" * 500)) == 80 and plain("a" * 500).endswith("…")
    assert plain("photo 1.png") == "photo 1\\.png"


def test_operator_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert operator_mnist_dir() is None
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert operator_mnist_dir() == tmp_path
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing"))
    assert operator_mnist_dir() is None
    monkeypatch.setenv(ENV_VAR, "  ")
    assert operator_mnist_dir() is None
