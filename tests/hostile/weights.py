"""Hostile weight files (.npz): zip tricks, lying headers, wrong settings."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np

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


HISTORY_KEYS = ("step", "epoch", "train_loss", "train_acc", "test_loss", "test_acc")


def with_history(points: int = 3, **columns) -> bytes:
    """A good file carrying a training history of ``points`` points; ``columns`` replace (an array's
    .npy bytes) or, given None, drop a column."""
    members = good_members({"steps_": 20, "n_seen_": 200, "epoch_": 2.0})
    history = {k: npy(np.linspace(0, 1, points)) for k in HISTORY_KEYS}
    for key, data in columns.items():
        history.pop(key) if data is None else history.update({key: data})
    return zip_of({**members, **{f"history_{k}.npy": v for k, v in history.items()}})

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
        # the training so far: counters and history columns
        "steps_negative": (with_config(steps_=-1), "'steps_'"),
        "epoch_text": (with_config(epoch_="ten"), "'epoch_'"),
        "history_lacks_a_column": (with_history(test_acc=None), "lacks 1 of its columns"),
        "history_lone_column": (with_member("history_step.npy", npy(np.arange(3.0))), "lacks 5 of its columns"),
        "history_2d": (with_history(epoch=npy(np.zeros((3, 2)))), "columns of 1 to"),
        "history_ints": (with_history(step=npy(np.arange(3))), "columns of 1 to"),
        "history_too_long": (with_history(points=20_001), "columns of 1 to 20000"),
        "history_ragged": (with_history(train_loss=npy(np.zeros(4))), "differ in length"),
        "history_steps_fall": (with_history(step=npy(np.array([0.0, 5.0, 2.0]))), "'step' must be"),
        "history_epoch_nan": (with_history(epoch=npy(np.array([0.0, np.nan, 1.0]))), "'epoch' must be"),
    }
