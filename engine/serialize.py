"""Save and load MLP weights as ``.npz`` (never pickled, validated on load)."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np

from .mlp import MLP

MAX_FILE_BYTES = 50_000_000
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


class ModelFileError(ValueError):
    """A weights file that cannot be used; the message is meant for the user."""


def save_weights(model: MLP, file) -> None:
    """Write config and weights to ``file`` (a path or a binary file object)."""
    if not model.is_fitted():
        raise ValueError("The model has no weights yet; train or initialise it first.")
    config = {k: getattr(model, k) for k in _CONFIG_KEYS}
    config["dtype"] = str(np.dtype(model.dtype))
    arrays = {f"W{i}": W for i, W in enumerate(model.weights_)}
    arrays.update({f"b{i}": b for i, b in enumerate(model.biases_)})
    np.savez(file, config=np.array(json.dumps(config)), **arrays)


def weights_bytes(model: MLP) -> bytes:
    """The ``.npz`` file as bytes (for a download button)."""
    buf = io.BytesIO()
    save_weights(model, buf)
    return buf.getvalue()


def load_weights(file) -> MLP:
    """Read a file written by :func:`save_weights` and return a ready model.

    Raises
    ------
    ModelFileError
        With a plain sentence for anything wrong: not an npz, missing or
        mismatched arrays, non-finite values, pickled objects.
    """
    if isinstance(file, (bytes, bytearray)):
        file = io.BytesIO(file)
    try:
        with np.load(file, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError):
        # (NumPy's own message may suggest allow_pickle=True: never do that with an upload)
        raise ModelFileError(
            "This is not a Backprop Lab weights file (.npz archive of plain arrays)."
        ) from None
    try:
        config = json.loads(str(arrays.pop("config")))
        model = MLP(**{k: config[k] for k in _CONFIG_KEYS}).initialize()
    except KeyError as exc:
        raise ModelFileError(f"The weights file lacks its settings ({exc}).") from None
    except (ValueError, TypeError) as exc:
        raise ModelFileError(f"The weights file has invalid settings: {exc}") from None
    for i, (W, b) in enumerate(zip(model.weights_, model.biases_)):
        for name, ref in ((f"W{i}", W), (f"b{i}", b)):
            arr = arrays.pop(name, None)
            if arr is None:
                raise ModelFileError(f"The weights file has no array {name}.")
            if arr.shape != ref.shape or not np.issubdtype(arr.dtype, np.floating):
                raise ModelFileError(
                    f"Array {name} has shape {arr.shape} ({arr.dtype}); expected {ref.shape} floats."
                )
            if not np.all(np.isfinite(arr)):
                raise ModelFileError(f"Array {name} contains NaN or infinite values.")
            ref[...] = arr
    if arrays:
        raise ModelFileError(f"The weights file has unexpected arrays: {', '.join(sorted(arrays))}.")
    return model
