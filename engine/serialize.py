"""Save and load MLP weights as ``.npz`` (never pickled, validated on load).

An upload is hostile until proven otherwise, so :func:`load_weights` bounds its
cost before it allocates: the zip directory is checked (member count, declared
unpacked sizes), the settings are validated field by field and the layer sizes
capped, and each array's ``.npy`` header (shape, dtype) is checked before its
data is read.  Only then is a model built, through ``MLP``'s constructor.

A file may also carry the training so far (counters and history; older files do not): the model
loaded from it has them, or starts at step 0 with an empty history.  And a page may store the data file
it trained on (a learner's CSV, as bytes): the model loaded has it as ``page_data_``, for the page to
decode as it would an upload.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .activations import ACTIVATIONS
from .init import SCHEMES
from .losses import LOSSES, READOUT_LOSS
from .mlp import MLP
from .npz import ModelFileError, read_capped, read_npy
from .optimizers import OPTIMIZERS

# Caps that fit the pages: MNIST 784-(<= 4 x 512)-10, playground <= 6 hidden layers of <= 256.
MAX_FILE_BYTES = 16_000_000
MAX_HIDDEN = 6
MAX_UNITS = 1024
MAX_PARAMS = 1_500_000
MAX_CONFIG_CHARS = 4096
_ZIP_DIRECTORY_BYTES = 64 * 1024  # zipfile builds one object per entry: bound them first
MAX_WEIGHT = 1e6  # no network trained here holds a weight past this; 1e300 is a forged or broken file
MAX_PAGE_CHARS = 2000  # the page settings a file may carry (a URL query string)
MAX_PAGE_DATA = 2_000_000  # the data file a page may store with its network (a learner's CSV is at most 2 MB)
# The training so far a file may carry, so a loaded network goes on where it was saved: its counters
# (config keys named as the model's attributes) and its history, one float array a column, thinned
# evenly (last point kept) to at most MAX_HISTORY points.
PROGRESS_KEYS = ("steps_", "n_seen_", "epoch_")
HISTORY_KEYS = ("step", "epoch", "train_loss", "train_acc", "test_loss", "test_acc")
MAX_HISTORY = 20_000
_CONFIG_KEYS = (
    "layer_sizes",
    "activation",
    "output",
    "loss",
    "init",
    "optimizer",
    "lr",
    "batch_size",
    "epochs",
    "l1",
    "l2",
    "seed",
    "dtype",
)
_NOT_NPZ = "This is not a Backprop Lab weights file (.npz archive of plain arrays)."




def save_weights(model: MLP, file, page: str | None = None, data: bytes | None = None) -> None:
    """Write config and weights to ``file`` (a path or a binary file object).

    ``page``: the settings of the page the network was trained on, as a URL query string (at most
    MAX_PAGE_CHARS); loading gives it back as ``model.page_`` so the page can be restored.  ``data``: the
    file of data it was trained on (at most MAX_PAGE_DATA bytes), given back as ``model.page_data_``."""
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP; got {type(model).__name__}.")
    if not (isinstance(file, (str, Path)) or hasattr(file, "write")):
        raise TypeError(f"file must be a path or a binary file object with write(); got {type(file).__name__}.")
    if not model.is_fitted():
        raise ValueError("The model has no weights yet; train or initialise it first.")
    config = {k: getattr(model, k) for k in _CONFIG_KEYS}
    config["dtype"] = str(np.dtype(model.dtype))
    if page is not None:
        if not isinstance(page, str) or len(page) > MAX_PAGE_CHARS:
            raise ValueError(f"page must be a query string of at most {MAX_PAGE_CHARS} characters.")
        config["page"] = page
    if data is not None and (not isinstance(data, bytes) or len(data) > MAX_PAGE_DATA):
        raise ValueError(f"data must be bytes, at most {MAX_PAGE_DATA:,} of them.")
    arrays = {f"W{i}": W for i, W in enumerate(model.weights_)}
    if data is not None:
        arrays["page_data"] = np.frombuffer(data, np.uint8)
    arrays.update({f"b{i}": b for i, b in enumerate(model.biases_)})
    history = getattr(model, "history_", None) or {}
    points = len(history.get("step", ()))
    if points:
        config.update({k: getattr(model, k) for k in PROGRESS_KEYS})
        keep = np.unique(np.linspace(0, points - 1, min(points, MAX_HISTORY)).round().astype(int))
        arrays.update({f"history_{k}": np.asarray(history[k], np.float64)[keep] for k in HISTORY_KEYS})
    np.savez(file, config=np.array(json.dumps(config)), **arrays)


def weights_bytes(model: MLP, page: str | None = None, data: bytes | None = None) -> bytes:
    """The ``.npz`` file as bytes (for a download button)."""
    buf = io.BytesIO()
    save_weights(model, buf, page, data)
    return buf.getvalue()


def load_weights(file, *, max_bytes: int = MAX_FILE_BYTES, max_hidden: int = MAX_HIDDEN,
                 max_units: int = MAX_UNITS, max_params: int = MAX_PARAMS) -> MLP:
    """Read a file written by :func:`save_weights` (bytes, a path or a binary file object) and return a
    ready model.  ``max_bytes``: the largest file accepted; ``max_hidden``, ``max_units``, ``max_params``:
    the largest network (hidden layers, units in any layer including inputs and outputs, weights plus
    biases).  Raises ModelFileError with a plain sentence for anything wrong; nothing large is allocated
    first."""
    caps = dict(max_hidden=max_hidden, max_units=max_units, max_params=max_params)
    return weights_model(*read_weights(file, max_bytes=max_bytes, **caps), **caps)


def read_weights(file, *, max_bytes: int = MAX_FILE_BYTES, max_hidden: int = MAX_HIDDEN,
                 max_units: int = MAX_UNITS, max_params: int = MAX_PARAMS) -> tuple[dict, dict, dict, object]:
    """A weights file's checked settings, arrays, history (none in older files) and page data (a uint8
    array, or None): the parsing half of :func:`load_weights`, which a server runs in a child process;
    :func:`weights_model` is the other."""
    data = read_capped(file, max_bytes)
    try:
        with _open_zip(data, max_hidden) as zf:
            members = {info.filename: info for info in zf.infolist()}
            if "config.npy" not in members:
                raise ModelFileError("The weights file lacks its settings (no config array).")
            config = _parse_config(read_npy(zf, members.pop("config.npy"), _config_header_ok))
            shapes = _shapes(_check_config(config, max_hidden, max_units, max_params))
            history = _history_shapes(members)
            data = members.pop("page_data.npy", None)
            missing = sorted(name for name in shapes.keys() - {m[:-4] for m in members})
            extra = sorted(name for name in members.keys() - {f"{n}.npy" for n in shapes} - history.keys())
            if missing:
                raise ModelFileError(f"The weights file has no array {', '.join(missing)}.")
            if extra:
                raise ModelFileError(f"The weights file has {len(extra)} unexpected arrays.")
            arrays = {
                name: read_npy(zf, members[f"{name}.npy"], _weights_header_ok(name, shape))
                for name, shape in shapes.items()
            }
            history = {name[8:-4]: read_npy(zf, members[name], ok) for name, ok in history.items()}
            data = None if data is None else read_npy(zf, data, _page_data_ok)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        if isinstance(exc, ModelFileError):
            raise
        # (NumPy's own message may suggest allow_pickle=True: never do that with an upload)
        raise ModelFileError(_NOT_NPZ) from None
    return config, arrays, history, data


def weights_model(config: dict, arrays: dict, history: dict | None = None, data=None, *,
                  max_hidden: int = MAX_HIDDEN, max_units: int = MAX_UNITS, max_params: int = MAX_PARAMS) -> MLP:
    """The model of :func:`read_weights`' parts, checked again (another process may have read them)."""
    history = history or {}
    shapes = _shapes(_check_config(config, max_hidden, max_units, max_params))
    columns = _history_shapes({f"history_{k}.npy": None for k in history})
    if set(arrays) != set(shapes) or {name[8:-4] for name in columns} != set(history):
        raise ModelFileError("The weights file's arrays do not fit its settings.")
    checks = [(_weights_header_ok(name, shape), arrays[name]) for name, shape in shapes.items()]
    if data is not None:
        checks.append((_page_data_ok, np.asarray(data)))
    for ok, arr in checks + [(ok, history[name[8:-4]]) for name, ok in columns.items()]:
        ok(arr.shape, arr.dtype)
    model = _build(config, arrays, history)
    model.page_data_ = None if data is None else np.asarray(data).tobytes()
    return model


def _shapes(sizes: list[int]) -> dict[str, tuple]:
    """Each array's name and shape for layer sizes ``sizes``: W0, b0, W1, ..."""
    shapes = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        shapes[f"W{i}"], shapes[f"b{i}"] = (n_in, n_out), (n_out,)
    return shapes


def _open_zip(data: bytes, max_hidden: int) -> zipfile.ZipFile:
    """Check the end-of-directory record before zipfile reads the directory it points to."""
    max_members = 2 * (max_hidden + 1) + 2 + len(HISTORY_KEYS)  # config, weights and biases, history, data
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or len(data) < end + 22 or data[max(0, end - 20) : end].startswith(b"PK\x06\x07"):
        raise ModelFileError(_NOT_NPZ)  # no end record, a cut one, or zip64 (never needed here)
    entries = int.from_bytes(data[end + 10 : end + 12], "little")
    directory = int.from_bytes(data[end + 12 : end + 16], "little")
    if entries > max_members or directory > _ZIP_DIRECTORY_BYTES:
        raise ModelFileError(
            f"The weights file holds {entries} entries; a network of at most {max_hidden} hidden layers "
            f"has at most {max_members}."
        )
    return zipfile.ZipFile(io.BytesIO(data))


def _config_header_ok(shape, dtype) -> None:
    if shape != () or dtype.kind != "U" or dtype.itemsize > 4 * MAX_CONFIG_CHARS:
        raise ModelFileError(
            f"This is not a Backprop Lab weights file: its settings are not a text of at most "
            f"{MAX_CONFIG_CHARS} characters."
        )


def _page_data_ok(shape, dtype) -> None:
    if len(shape) != 1 or shape[0] > MAX_PAGE_DATA or dtype != np.uint8:
        raise ModelFileError(f"The weights file's data must be at most {MAX_PAGE_DATA:,} bytes.")


def _weights_header_ok(name: str, expected: tuple):
    def ok(shape, dtype):
        if shape != expected or dtype.kind != "f" or dtype.itemsize not in (4, 8):
            raise ModelFileError(
                f"Array {name} has shape {shape} ({dtype.str}); expected {expected} float32 or float64."
            )

    return ok


def _json_depth(text: str) -> int:
    """Deepest bracket nesting outside strings (json.loads recurses once a level)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (ch == "\\", ch != '"')
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _parse_config(arr: np.ndarray) -> dict:
    text = str(arr[()])
    if _json_depth(text) > 2:  # an object of scalars and flat lists
        raise ModelFileError("The weights file's settings are nested too deeply.")
    try:
        config = json.loads(text)
    except ValueError:
        raise ModelFileError("The weights file's settings are not valid JSON.") from None
    if not isinstance(config, dict):
        raise ModelFileError("The weights file's settings are not a JSON object.")
    return config


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _in_range(v, lo: float, hi: float, whole: bool = False) -> bool:
    """``lo <= v <= hi`` for a JSON number (bools, NaN and huge integers fail rather than raise)."""
    number = _is_int(v) or (isinstance(v, float) and not whole)
    return number and lo <= v <= hi


def _check_config(config: dict, max_hidden: int, max_units: int, max_params: int) -> list[int]:
    """Every field has the right type and range; returns the layer sizes."""
    missing = [k for k in _CONFIG_KEYS if k not in config]
    if missing:
        raise ModelFileError(f"The weights file lacks its settings ({', '.join(missing)}).")
    if set(config) - {*_CONFIG_KEYS, *PROGRESS_KEYS, "page"}:
        raise ModelFileError("The weights file has settings this app does not know.")
    page = config.get("page")
    if page is not None and (not isinstance(page, str) or len(page) > MAX_PAGE_CHARS):
        raise ModelFileError(f"The weights file's page settings must be text of at most {MAX_PAGE_CHARS} characters.")
    sizes = config["layer_sizes"]
    if (
        not isinstance(sizes, list)
        or not 2 <= len(sizes) <= max_hidden + 2
        or not all(_is_int(n) and 1 <= n <= max_units for n in sizes)
    ):
        raise ModelFileError(
            f"The weights file's layer sizes must be 2 to {max_hidden + 2} whole numbers from 1 to {max_units} "
            f"(at most {max_hidden} hidden layers)."
        )
    n_params = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    if n_params > max_params:
        raise ModelFileError(
            f"The network has {n_params:,} parameters; this app loads at most {max_params:,}."
        )
    acts = config["activation"]
    acts = [acts] if isinstance(acts, str) else acts
    choices = {
        "output": tuple(READOUT_LOSS),
        "loss": (None, *LOSSES),
        "init": SCHEMES,
        "optimizer": tuple(OPTIMIZERS),
        "dtype": ("float32", "float64"),
    }
    checks = {
        "activation": isinstance(acts, list) and all(isinstance(a, str) and a in ACTIVATIONS for a in acts),
        **{key: config[key] in allowed for key, allowed in choices.items()},
        "lr": _in_range(config["lr"], 0, 1000) and config["lr"] > 0,
        "batch_size": _in_range(config["batch_size"], 1, 1_000_000, whole=True),
        "epochs": _in_range(config["epochs"], 0, 1_000_000, whole=True),
        "l1": _in_range(config["l1"], 0, 1e6),
        "l2": _in_range(config["l2"], 0, 1e6),
        "seed": _in_range(config["seed"], 0, 2**32 - 1, whole=True),
        "steps_": _in_range(config.get("steps_", 0), 0, 2**53, whole=True),
        "n_seen_": _in_range(config.get("n_seen_", 0), 0, 2**53, whole=True),
        "epoch_": _in_range(config.get("epoch_", 0), 0, 2**53),
    }
    expected = {
        "activation": f"one of {', '.join(ACTIVATIONS)} (or a list of them)",
        "lr": "a number above 0 and at most 1000",
        "batch_size": "a whole number from 1 to 1000000",
        "epochs": "a whole number from 0 to 1000000",
        "l1": "a number from 0 to 1000000",
        "l2": "a number from 0 to 1000000",
        "seed": "a whole number from 0 to 4294967295",
        "steps_": "a whole number from 0 to 2**53",
        "n_seen_": "a whole number from 0 to 2**53",
        "epoch_": "a number from 0 to 2**53",
        **{key: "one of " + ", ".join(map(str, allowed)) for key, allowed in choices.items()},
    }
    bad = [key for key, ok in checks.items() if not ok]
    if bad:
        # (the values themselves are not echoed: the message is shown as markdown)
        raise ModelFileError(f"The weights file's setting '{bad[0]}' must be {expected[bad[0]]}.")
    return sizes


def _history_shapes(members: dict) -> dict:
    """The history members of a file (all of them or none) and, for each, the check of its header:
    one float column of at most MAX_HISTORY points, as long as the others."""
    names = {f"history_{k}.npy" for k in HISTORY_KEYS}
    present = names & members.keys()
    if not present:
        return {}
    if present != names:
        raise ModelFileError(f"The weights file's history lacks {len(names - present)} of its columns.")
    lengths = set()

    def ok(shape, dtype):
        if len(shape) != 1 or not 1 <= shape[0] <= MAX_HISTORY or dtype.kind != "f" or dtype.itemsize not in (4, 8):
            raise ModelFileError(f"The weights file's history must be columns of 1 to {MAX_HISTORY} numbers.")
        lengths.add(shape[0])
        if len(lengths) > 1:
            raise ModelFileError("The weights file's history columns differ in length.")

    return {name: ok for name in sorted(names)}


def _history(columns: dict[str, np.ndarray]) -> dict[str, list]:
    """The history columns as a model keeps them; steps and epochs must be counts that never fall (the
    losses and accuracies are only drawn: NaN marks a missing test set)."""
    for key in ("step", "epoch"):
        values = columns[key]
        if not np.all(np.isfinite(values)) or values[0] < 0 or np.any(np.diff(values) < 0):
            raise ModelFileError(f"The weights file's history of '{key}' must be numbers from 0 that never fall.")
    history = {k: columns[k].astype(float).tolist() for k in HISTORY_KEYS}
    history["step"] = [int(v) for v in history["step"]]
    return history


def _build(config: dict, arrays: dict[str, np.ndarray], history: dict[str, np.ndarray]) -> MLP:
    """The model of ``config`` holding ``arrays`` (and the training so far, if the file has it); a file
    that fails half-way leaves nothing behind."""
    history = _history(history) if history else None
    for name, arr in arrays.items():
        if not np.all(np.isfinite(arr)):
            raise ModelFileError(f"Array {name} contains NaN or infinite values.")
        if arr.size and np.abs(arr).max() > MAX_WEIGHT:
            raise ModelFileError(
                f"Array {name} holds values beyond ±{MAX_WEIGHT:g}: no trained network has weights that large."
            )
    try:
        model = MLP(**{k: config[k] for k in _CONFIG_KEYS}).initialize()
        model.weights_ = [arrays[f"W{i}"].astype(model.dtype) for i in range(len(model.weights_))]
        model.biases_ = [arrays[f"b{i}"].astype(model.dtype) for i in range(len(model.biases_))]
        model.predict(np.zeros((1, config["layer_sizes"][0]), model.dtype))  # proves it runs
    except (ValueError, TypeError) as exc:
        raise ModelFileError(f"The weights file has invalid settings: {exc}") from None
    model.page_ = config.get("page")  # the page's settings as a query string, or None
    if history:
        model.history_ = history
        model.steps_, model.n_seen_ = config.get("steps_", 0), config.get("n_seen_", 0)
        model.epoch_ = float(config.get("epoch_", 0))
    return model
