"""Write assets/fruit.csv: the bundled example for "your own data" (needs only NumPy).

    python scripts/make_example_csv.py

Made-up measurements of 300 fruit, 100 of each kind: width and height in cm (two features to
plot), the kind (a class column) and the weight in grams (a numeric target).  Each kind is a
cloud of sizes; the weight follows the volume of an ellipsoid of that width and height times a
density per kind, with 6% scatter, so a network can learn both from the two sizes.  Seeded: the
file comes out the same every time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "assets" / "fruit.csv"
KINDS = {  # mean width, mean height (cm), their spread, density (g/cm³)
    "mandarin": (6.2, 5.0, 0.5, 0.85),
    "lemon": (6.0, 7.4, 0.55, 0.9),
    "apple": (7.2, 6.6, 0.6, 0.8),
}
PER_KIND = 100


def main() -> None:
    rng = np.random.default_rng(2024)
    rows = []
    for kind, (w, h, spread, density) in KINDS.items():
        width = rng.normal(w, spread, PER_KIND)
        height = rng.normal(h, spread, PER_KIND)
        volume = np.pi / 6 * width * width * height  # an ellipsoid: width across, height up
        weight = density * volume * rng.normal(1.0, 0.06, PER_KIND)
        rows += [(f"{a:.1f}", f"{b:.1f}", kind, f"{c:.0f}") for a, b, c in zip(width, height, weight)]
    order = rng.permutation(len(rows))
    lines = ["width_cm,height_cm,fruit,weight_g"] + [",".join(rows[i]) for i in order]
    OUT.write_text("\n".join(lines) + "\n")
    print("wrote", OUT, len(rows), "rows")


if __name__ == "__main__":
    main()
