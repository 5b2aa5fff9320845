import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def haproxy() -> str:
    """Debian's haproxy, for the deployment tests (CI installs it and requires them, see .ci/run)."""
    path = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(path).exists():
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail(f"E2E_REQUIRED is set but haproxy is not installed ({path})")
        pytest.skip("haproxy not installed (apt-get install -y haproxy)")
    return path
