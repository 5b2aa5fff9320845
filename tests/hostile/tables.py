"""Hostile CSV files: learner text that Markdown, HTML or KaTeX would render, denormals, the largest
table the caps allow, and the linear-regression page's long file (issue 22)."""

from __future__ import annotations

import numpy as np

# Learner text that renders if it reaches Markdown unescaped, short enough to survive as a column name
# (40 characters).  Each carries the marker PWN, so a test can find it in a page
# (tests.hostile.rendered_markup); ``{port}``: a local server that counts fetches.
MARKUP = {
    "image": "![PWN](http://127.0.0.1:{port}/PWN.png)",
    "link": "[PWN](http://127.0.0.1:{port}/PWN)",
    "html": "<img src=http://127.0.0.1:{port}/PWN.png>",
    "katex": "$\\href{{http://127.0.0.1:{port}/PWN}}{{x}}$",
    "colour": ":red[PWN] **PWN**",
}


def payloads(port: int = 8619) -> dict[str, str]:
    return {k: v.format(port=port) for k, v in MARKUP.items()}


def markup_header(payload: str, rows: int = 30) -> bytes:
    """The issue's file: a payload as a column name, and one bad cell in that column."""
    lines = [f"w,{payload},label"] + [f"{i},{i % 5},{'ab'[i % 2]}" for i in range(rows)]
    lines[7] = "6,seven,a"
    return "\n".join(lines).encode()


def markup_classes(payload: str, rows: int = 30) -> bytes:
    """Two number columns and a class column whose classes are the payload: a valid file."""
    return "\n".join([f"x,y,{payload}"] + [f"{i},{(i * 7) % 11},{payload if i % 2 else 'plain'}"
                                           for i in range(rows)]).encode()


def one_class(payload: str, rows: int = 30) -> bytes:
    """A class column holding one class only, the payload: the refusal quotes it."""
    return "\n".join(["x,y,label"] + [f"{i},{i % 3},{payload}" for i in range(rows)]).encode()


def denormals(rows: int = 40) -> bytes:
    """Features in the denormal range (1e-310): float32 draws them as 0."""
    return "\n".join(["w,h,label"] + [f"{(i + 1) * 1e-310:.3e},{i % 7},{'ab'[i % 3 == 0]}"
                                      for i in range(rows)]).encode()


def widest(rows: int = 5000, columns: int = 100) -> bytes:
    """The most cells the caps allow (5,000 rows of 100 columns, 1 MB): half a million strings."""
    head = ",".join(f"c{j}" for j in range(columns))
    return "\n".join([head] + [",".join(str((i + j) % 10) for j in range(columns)) for i in range(rows)]).encode()


def regression_rows(rows: int = 4900) -> bytes:
    """The linear-regression page's file of issue 22: x and a noisy line."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=rows)
    return "\n".join(["x,y"] + [f"{a:.4f},{2 * a + 1 + b:.4f}" for a, b in zip(x, rng.normal(size=rows))]).encode()


def csv_files() -> dict[str, tuple[bytes, str | None]]:
    """(bytes, the refusal's message or None when the file parses)."""
    return {
        "markup_header.csv": (markup_header(payloads()["image"]), None),
        "denormals.csv": (denormals(), None),
        "widest.csv": (widest(), None),
        "regression_4900.csv": (regression_rows(), None),
        "binary.csv": (bytes(range(256)) * 100, "not a text file"),
        "too_big.csv": (b"1,2,3\n" * 400_000, "accepted"),
    }
