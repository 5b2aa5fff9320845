"""Process-wide server settings."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_configure_leaves_every_blas_library_one_thread():
    # in a fresh process, as the server starts: numpy is not loaded yet when the app configures
    code = (
        "from ui.shell.server import configure; configure(); "
        "import json; from threadpoolctl import threadpool_info; "
        "print(json.dumps([i['num_threads'] for i in threadpool_info()]))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    threads = json.loads(out.stdout.strip().splitlines()[-1])
    assert threads and all(n == 1 for n in threads)
