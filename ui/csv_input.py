"""Your own data on a page: upload a CSV (or take the bundled example), choose its columns.

The file stays in this learner's session; decoding is cached by content (``ui.content_cache``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from ui import csv_data
from ui.content_cache import ContentCache
from ui.text import plain

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "fruit.csv"
_parse = ContentCache(csv_data.parse_csv, max_entries=8)


def csv_table(key: str, where=None):
    """The uploader (or the example) in ``where``; returns ``(table, digest of the file)`` or
    ``(None, None)`` after showing why."""
    where = where or st.sidebar
    up = where.file_uploader(
        "CSV file",
        type=["csv", "tsv", "txt"],
        key=f"{key}_csv",
        help=f"Columns of numbers and a column to predict; at most {csv_data.MAX_ROWS:,} rows and "
        f"{csv_data.MAX_BYTES // 1_000_000} MB. Commas, semicolons or tabs; a header row is found by itself.",
    )
    if up is None:
        if not where.toggle("use the example fruit.csv", key=f"{key}_example",
                            help="300 fruits: width and height in cm, the kind of fruit, the weight in g."):
            where.info("Upload a CSV file, or use the example.")
            return None, None
        data, name = EXAMPLE.read_bytes(), EXAMPLE.name
    else:
        data, name = up.getvalue(), up.name
    try:
        table = _parse(data)
    except csv_data.CsvError as exc:
        where.error(f"{plain(name)}: {exc}")
        return None, None
    where.caption(csv_data.summary(table, name))
    return table, hashlib.sha1(data).hexdigest()


def csv_columns(table, digest: str, key: str, kind: str | None = None, where=None):
    """Two feature columns and a target (and its kind unless given) chosen in ``where``; returns the
    ``CsvData`` and a key that changes with the file and the choice, or ``(None, None)`` after
    showing why."""
    where = where or st.sidebar
    try:
        x1, x2, target, guessed = csv_data.guess(table)
    except csv_data.CsvError as exc:
        where.error(str(exc))
        return None, None
    numeric = table.numeric_columns(share=0.8)  # a column with a typo or two is offered: choose() names them
    c1, c2 = where.columns(2)
    x1 = c1.selectbox("across (x₁)", numeric, numeric.index(x1), key=f"{key}_x1", help="A column of numbers.")
    x2 = c2.selectbox("up (x₂)", numeric, numeric.index(x2), key=f"{key}_x2", help="Another column of numbers.")
    kind = kind or guessed
    if kind != guessed:  # the other kind of problem: a column of numbers to predict, or one of classes
        fits = [c for c in table.columns if (c in numeric) == (kind == "regression") and c not in (x1, x2)]
        target = fits[-1] if fits else target
    target = where.selectbox(  # one choice per kind of problem: switching back finds it again
        "to predict", table.columns, table.columns.index(target), key=f"{key}_y_{kind}",
        help="Classes (text or a few whole numbers) or, for a regression, numbers.",
    )
    try:
        data = csv_data.choose(table, x1, x2, target, kind)
    except csv_data.CsvError as exc:
        where.error(str(exc))
        return None, None
    return data, (digest, x1, x2, target, kind)
