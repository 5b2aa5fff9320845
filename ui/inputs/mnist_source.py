"""Where the full MNIST may come from: the operator's folder (never a visitor's path) or four uploads."""

from __future__ import annotations

import logging
import os
from pathlib import Path

ENV_VAR = "BACKPROP_LAB_MNIST_DIR"
log = logging.getLogger(__name__)


def operator_mnist_dir() -> Path | None:
    """The folder named by ``$BACKPROP_LAB_MNIST_DIR``, or None when unset or not a folder.

    A wrong setting is the operator's to fix: it goes to the server log, and
    visitors simply see no "full MNIST from the server" option.
    """
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return None
    folder = Path(value).expanduser()
    if not folder.is_dir():
        log.warning("%s=%s is not a folder; the full MNIST from the server is off.", ENV_VAR, value)
        return None
    return folder
