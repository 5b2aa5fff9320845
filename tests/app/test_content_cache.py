"""The content cache: an upload is decoded once per content, refusals remembered."""

import numpy as np
import pytest

from tests.hostile.images import tricky_images
from ui.inputs import images
from ui.inputs.content_cache import ContentCache
from ui.inputs.images import ImageError, load_image, load_image_cached


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
    data, _ = tricky_images()["gif_125_frames.gif"]
    first = load_image_cached(data, "a.gif", "L", 64)
    assert load_image_cached(data, "a.gif", "L", 64) is first
    assert np.array_equal(first, load_image(data, "a.gif", "L", 64))
    with pytest.raises(ImageError, match="empty"):
        load_image_cached(b"", "a.png", "L", 64)
    assert images.load_image_cached.max_entries <= 32
