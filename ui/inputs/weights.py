"""A learner's weights file (.npz): parsed in a child process under limits, the model built here."""

from __future__ import annotations

from engine.mlp import MLP
from engine.serialize import MAX_FILE_BYTES, ModelFileError, weights_model
from ui.inputs.sandbox import Job

FORMAT_HELP = f"A .npz file saved by this app's download button, up to {MAX_FILE_BYTES // 1_000_000} MB."
# zip and .npy parsing of at most 16 MB holding at most 1.5 million weights (12 MB as float64)
_READ = Job("engine.serialize:read_weights", ModelFileError, "weights file", memory_mb=256, cpu_s=3, result_mb=16)


def load_upload(data: bytes, **caps) -> MLP:
    """``engine.load_weights`` of an upload: the zip and its arrays are read by a child process, which
    sends back only the checked settings and arrays; ``caps``: max_hidden, max_units, max_params."""
    return weights_model(*_READ(bytes(data), **caps), **caps)
