"""Hostile upload files, built at test time: weights (.npz), IDX files and images.

Each corpus maps a case name to ``(content, pattern)``: what a visitor could
upload, and a regex the refusal's message must match.  The memory test loads
every file in a child process, so builders return plain bytes (or, for the IDX
sets, a dict of file name -> bytes).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zipfile
import zlib

import numpy as np
from PIL import Image

_ABSOLUTE_PATH = re.compile(r"(^|[\s'\"(])(/[\w.-]+){2,}|[A-Za-z]:\\")


def assert_plain_message(msg: str) -> None:
    """A refusal a visitor can read: one short sentence, no traceback, no server path."""
    assert msg and len(msg) < 300, msg
    assert "Traceback" not in msg and 'File "' not in msg, msg
    assert not _ABSOLUTE_PATH.search(msg), msg


GOOD_CONFIG = dict(
    layer_sizes=[4, 5, 3],
    activation=["relu"],
    output="softmax",
    loss="cce",
    init="xavier",
    optimizer="sgd",
    lr=0.1,
    batch_size=10,
    epochs=3,
    l1=0.0,
    l2=0.0,
    seed=0,
    dtype="float64",
)


# ------------------------------------------------------------------ weights
def npy(arr) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=True)
    return buf.getvalue()


def npy_raw(header: dict, body: bytes, version=(1, 0)) -> bytes:
    """A .npy member with any header, written by hand (NumPy refuses to write nonsense)."""
    text = repr(header).encode("latin1")
    text += b" " * (-(len(text) + 11) % 64) + b"\n"
    size = len(text).to_bytes(2 if version == (1, 0) else 4, "little")
    return b"\x93NUMPY" + bytes(version) + size + text + body


def zip_of(members: dict[str, bytes], method=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def good_members(config=None, sizes=None, dtype=np.float64) -> dict[str, bytes]:
    config = dict(GOOD_CONFIG, **(config or {}))
    sizes = sizes or GOOD_CONFIG["layer_sizes"]  # (arrays stay small whatever the settings claim)
    rng = np.random.default_rng(0)
    members = {"config.npy": npy(np.array(json.dumps(config)))}
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        members[f"W{i}.npy"] = npy(rng.normal(size=(a, b)).astype(dtype))
        members[f"b{i}.npy"] = npy(np.zeros(b, dtype))
    return members


def with_config(**changes) -> bytes:
    return zip_of(good_members(changes))


def with_config_text(text: str) -> bytes:
    return zip_of({**good_members(), "config.npy": npy(np.array(text))})


def with_member(name: str, data: bytes | None) -> bytes:
    members = good_members()
    if data is None:
        del members[name]
    else:
        members[name] = data
    return zip_of(members)


def _patch_directory(data: bytes, member: str, offset: int, value: bytes) -> bytes:
    """Overwrite a field of ``member``'s central-directory entry (what zipfile trusts)."""
    at = data.index(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(member)] != member.encode():
        at = data.index(b"PK\x01\x02", at + 4)
    return data[: at + offset] + value + data[at + offset + len(value) :]


def bomb_member(padding: int = 300_000_000) -> bytes:
    """W0's header and data are right, then hundreds of MB of zeros follow (deflated to a few hundred kB)."""
    buf = io.BytesIO()
    members = good_members()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            if name != "W0.npy":
                z.writestr(name, data)
        with z.open("W0.npy", "w", force_zip64=True) as f:
            f.write(members["W0.npy"])
            block = bytes(1 << 22)
            for _ in range(padding // len(block)):
                f.write(block)
    return buf.getvalue()


def lying_directory() -> bytes:
    """The directory says W0 unpacks to its true size, but the stream holds 50 MB more."""
    members = good_members()
    true_size = len(members["W0.npy"])
    members["W0.npy"] += bytes(50_000_000)
    data = zip_of(members, zipfile.ZIP_DEFLATED)
    return _patch_directory(data, "W0.npy", 24, true_size.to_bytes(4, "little"))


def many_members(n=5000) -> bytes:
    return zip_of({**good_members(), **{f"x{i}.npy": b"" for i in range(n)}})


def fake_entry_count(n=5000) -> bytes:
    """Thousands of entries, but the end record claims 7 (zipfile reads the directory by its size)."""
    data = many_members(n)
    end = data.rindex(b"PK\x05\x06")
    return data[: end + 8] + (7).to_bytes(2, "little") * 2 + data[end + 12 :]


def zip64_archive() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in good_members().items():
            with z.open(name, "w", force_zip64=True) as f:
                f.write(data)
    data = buf.getvalue()
    end = data.rindex(b"PK\x05\x06")
    # a zip64 end record and locator are only written when needed: add a locator by hand
    return data[:end] + b"PK\x06\x07" + bytes(16) + data[end:]


def encrypted_member() -> bytes:
    data = zip_of(good_members())
    return _patch_directory(data, "W0.npy", 8, b"\x01\x00")


def bzip2_member() -> bytes:
    return zip_of(good_members(), zipfile.ZIP_BZIP2)


def weight_files() -> dict[str, tuple[bytes, str]]:
    nested = '{"layer_sizes": ' + "[" * 2000 + "]" * 2000 + "}"  # valid JSON, 4017 characters
    header = {"descr": "<f8", "fortran_order": False, "shape": (4, 5)}
    good = good_members()
    return {
        # sizes and shapes declared before anything is built
        "declares_784_150000_10": (with_config(layer_sizes=[784, 150000, 10]), "layer sizes"),
        "declares_2.9M_params": (with_config(layer_sizes=[784, 1024, 1024, 1024, 10]), "parameters"),
        "eight_hidden_layers": (with_config(layer_sizes=[4] + [8] * 8 + [3]), "layer sizes"),
        "zero_units": (with_config(layer_sizes=[4, 0, 3]), "layer sizes"),
        "negative_units": (with_config(layer_sizes=[4, -5, 3]), "layer sizes"),
        "fractional_units": (with_config(layer_sizes=[4, 5.5, 3]), "layer sizes"),
        "boolean_units": (with_config(layer_sizes=[4, True, 3]), "layer sizes"),
        "sizes_not_a_list": (with_config(layer_sizes="4,5,3"), "layer sizes"),
        "one_layer": (with_config(layer_sizes=[4]), "layer sizes"),
        # zip tricks
        "zip_bomb_member": (bomb_member(), "more data than its shape"),
        "zip_directory_lies": (lying_directory(), "not a Backprop Lab|trailing"),
        "5000_members": (many_members(), "entries"),
        "end_record_lies": (fake_entry_count(), "entries"),
        "zip64": (zip64_archive(), "not a Backprop Lab"),
        "encrypted_member": (encrypted_member(), "encrypted"),
        "bzip2_member": (bzip2_member(), "compressed in a way"),
        "truncated_zip": (zip_of(good)[:-40], "not a Backprop Lab"),
        "cut_in_half": (zip_of(good)[: len(zip_of(good)) // 2], "not a Backprop Lab"),
        "empty": (b"", "not a Backprop Lab"),
        "text": (b"layer_sizes = [4, 5, 3]\n", "not a Backprop Lab"),
        "png_renamed": (b"\x89PNG\r\n\x1a\n" + bytes(100), "not a Backprop Lab"),
        "too_large": (b"PK" + bytes(17_000_000), "larger than"),
        # array dtypes and shapes
        "int_weights": (with_member("W0.npy", npy(np.ones((4, 5), np.int64))), "float32 or float64"),
        "object_weights": (with_member("W0.npy", npy(np.empty((4, 5), object))), "float32 or float64"),
        "float16_weights": (with_member("W0.npy", npy(np.ones((4, 5), np.float16))), "float32 or float64"),
        "complex_weights": (with_member("W0.npy", npy(np.ones((4, 5), complex))), "float32 or float64"),
        "structured_weights": (
            with_member("W0.npy", npy(np.zeros((4, 5), [("a", "<f8")]))),
            "float32 or float64",
        ),
        "wrong_shape": (with_member("W0.npy", npy(np.ones((5, 6)))), "shape"),
        "negative_shape_header": (
            with_member("W0.npy", npy_raw({**header, "shape": (-4, -5)}, bytes(160))),
            "shape",
        ),
        "garbage_header": (with_member("W0.npy", b"\x93NUMPY\x01\x00\x10\x00{'descr': 5,    }\n"), "header"),
        "npy_version_3": (with_member("W0.npy", npy_raw(header, bytes(160), (3, 0))), "version"),
        "short_data": (with_member("W0.npy", npy_raw(header, bytes(100))), "truncated"),
        "trailing_data": (with_member("W0.npy", npy_raw(header, bytes(200))), "trailing"),
        "nan_weights": (with_member("b1.npy", npy(np.full(3, np.nan))), "NaN"),
        "inf_weights": (with_member("W1.npy", npy(np.full((5, 3), np.inf))), "infinite"),
        "missing_bias": (with_member("b1.npy", None), "no array b1"),
        "extra_array": (with_member("extra.npy", npy(np.ones(2))), "unexpected"),
        # the settings, field by field
        "bogus_init": (with_config(init="zeros"), "'init'"),
        "bogus_optimizer": (with_config(optimizer="lbfgs"), "'optimizer'"),
        "bogus_seed_text": (with_config(seed="abc"), "'seed'"),
        "bogus_seed_negative": (with_config(seed=-1), "'seed'"),
        "bogus_seed_huge": (with_config(seed=10**400), "'seed'"),
        "bogus_seed_float": (with_config(seed=1.5), "'seed'"),
        "bogus_activation": (with_config(activation=["swish"]), "'activation'"),
        "activation_number": (with_config(activation=[1]), "'activation'"),
        "activation_count": (with_config(activation=["relu", "relu"]), "invalid settings"),
        "markdown_activation": (with_config(activation="[click](http://evil.example)"), "'activation'"),
        "bogus_output": (with_config(output="relu"), "'output'"),
        "bogus_loss": (with_config(loss="hinge"), "'loss'"),
        "lr_nan": (with_config_text(json.dumps(dict(GOOD_CONFIG, lr=float("nan")))), "'lr'"),
        "lr_infinite": (
            with_config_text(json.dumps(GOOD_CONFIG).replace('"lr": 0.1', '"lr": 1e999')),
            "'lr'",
        ),
        "lr_huge_int": (with_config(lr=10**400), "'lr'"),
        "lr_negative": (with_config(lr=-1), "'lr'"),
        "epochs_negative": (with_config(epochs=-3), "'epochs'"),
        "batch_zero": (with_config(batch_size=0), "'batch_size'"),
        "l2_negative": (with_config(l2=-100), "'l2'"),
        "dtype_int": (with_config(dtype="int64"), "'dtype'"),
        "dtype_object": (with_config(dtype="object"), "'dtype'"),
        "missing_setting": (
            with_config_text(json.dumps({k: v for k, v in GOOD_CONFIG.items() if k != "seed"})),
            "lacks its settings",
        ),
        "unknown_setting": (with_config(hook="os.system"), "does not know"),
        "nested_json": (with_config_text(nested), "nested"),
        "json_list": (with_config_text("[1, 2, 3]"), "not a JSON object"),
        "not_json": (with_config_text("layer_sizes: [4, 5, 3]"), "not valid JSON"),
        "config_too_long": (with_config_text(" " * 5000 + json.dumps(GOOD_CONFIG)), "not a text"),
        "config_int_array": (with_member("config.npy", npy(np.arange(3))), "not a text"),
        "config_object_array": (
            with_member("config.npy", npy(np.array([GOOD_CONFIG], object))),
            "not a text",
        ),
        "no_config": (with_member("config.npy", None), "lacks its settings"),
    }


# ------------------------------------------------------------------ IDX
def idx_bytes(array, gz=False) -> bytes:
    array = np.ascontiguousarray(array, dtype=np.uint8)
    raw = bytes([0, 0, 8, array.ndim]) + np.array(array.shape, ">u4").tobytes() + array.tobytes()
    return gzip.compress(raw, mtime=0) if gz else raw


def idx_header(*dims, type_byte=8) -> bytes:
    return bytes([0, 0, type_byte, len(dims)]) + np.array(dims, ">u4").tobytes()


def mnist_files(n_train=20, n_test=10, shape=(28, 28), gz=True, labels=None) -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    ext = ".gz" if gz else ""
    train_labels = rng.integers(0, 10, n_train) if labels is None else labels
    return {
        "train-images-idx3-ubyte" + ext: idx_bytes(rng.integers(0, 256, (n_train, *shape)), gz),
        "train-labels-idx1-ubyte" + ext: idx_bytes(train_labels, gz),
        "t10k-images-idx3-ubyte" + ext: idx_bytes(rng.integers(0, 256, (n_test, *shape)), gz),
        "t10k-labels-idx1-ubyte" + ext: idx_bytes(rng.integers(0, 10, n_test), gz),
    }


def _gzip_bomb(declared_rows=100, extra=300_000_000) -> bytes:
    """A plausible header and data, then 300 MB of zeros that compress to 300 kB."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip wrapper
    parts = [z.compress(idx_header(declared_rows, 28, 28) + bytes(declared_rows * 784))]
    block = bytes(1 << 22)
    parts += [z.compress(block) for _ in range(extra // len(block))]
    return b"".join(parts) + z.flush()


def idx_cases() -> dict[str, tuple[dict[str, bytes], str]]:
    """Sets of four files: each case replaces or changes some of a good set."""
    good = mnist_files()
    images_gz = good["train-images-idx3-ubyte.gz"]
    raw_images = gzip.decompress(images_gz)

    def replace(content, name="train-images-idx3-ubyte.gz"):
        return {**good, name: content}

    corrupt = bytearray(images_gz)
    corrupt[len(corrupt) // 2 : len(corrupt) // 2 + 8] = b"\xff" * 8
    return {
        "empty_file": (replace(b""), "empty"),
        "wrong_magic": (replace(b"\x00\x01\x08\x03" + raw_images[4:]), "wrong magic"),
        "int32_type": (replace(b"\x00\x00\x0c\x03" + raw_images[4:]), "wrong magic"),
        "text_file": (replace(b"hello, these are not digits"), "wrong magic"),
        "zero_dims": (replace(b"\x00\x00\x08\x00"), "incomplete header"),
        "cut_header": (replace(raw_images[:9]), "incomplete header"),
        "absurd_dims": (replace(idx_header(4_000_000_000, 65535, 65535)), "implausible"),
        "declares_700MB": (replace(idx_header(900_000, 28, 28)), "implausible"),
        "huge_rows": (replace(idx_header(10, 5000, 5000)), "implausible"),
        "truncated_data": (replace(raw_images[:-100]), "truncated"),
        "trailing_data": (replace(raw_images + b"\x00" * 50), "beyond its declared shape"),
        "corrupt_gzip": (replace(bytes(corrupt)), "damaged"),
        "truncated_gzip": (replace(images_gz[: len(images_gz) // 2]), "damaged"),
        "gzip_header_only": (replace(b"\x1f\x8b\x08\x00" + bytes(20)), "damaged"),
        "gzip_bomb": (replace(_gzip_bomb()), "beyond its declared shape"),
        "mixed_image_sizes": (
            {**good, "t10k-images-idx3-ubyte.gz": idx_bytes(np.zeros((10, 32, 32)), True)},
            "28 x 28 images but .* 32 x 32",
        ),
        "not_28x28": (
            {**mnist_files(shape=(32, 32))},
            "MNIST digits are 28 x 28",
        ),
        "label_10": (mnist_files(labels=np.full(20, 10)), "label 10"),
        "label_255": (mnist_files(labels=np.r_[np.zeros(19), 255]), "label 255"),
        "count_mismatch": (mnist_files(labels=np.zeros(15)), "15 labels for 20 images"),
        "labels_as_images": (
            replace(good["train-labels-idx1-ubyte.gz"]),
            "does not hold images",
        ),
        "images_as_labels": (
            replace(images_gz, "train-labels-idx1-ubyte.gz"),
            "does not hold labels",
        ),
        "no_images": (replace(idx_bytes(np.zeros((0, 28, 28)), True)), "does not hold images"),
        "missing_file": (
            {k: v for k, v in good.items() if not k.startswith("t10k-labels")},
            "Missing t10k-labels",
        ),
        "unknown_file": ({**good, "notes.txt": b"hi"}, "notes.txt is not one of the four"),
        "two_train_images": ({**good, "train-images.idx3-ubyte": images_gz}, "are both train-images"),
        "markdown_name": (
            {**good, "[x](http://evil.example)<b>.gz": b""},
            r"^evil.example__b_.gz is not one",  # the base name, markdown characters replaced
        ),
        "path_name": (
            {
                **{k: v for k, v in good.items() if not k.startswith("train-images")},
                "/srv/secret/train-images-idx3-ubyte.gz": b"oops",
            },
            r"^train-images-idx3-ubyte.gz is not an IDX",
        ),
    }


# ------------------------------------------------------------------ images
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
