"""Your own data on a page: upload a CSV (or take the bundled example), choose its columns.

The file is parsed in a child process under limits (``ui.inputs.sandbox``), once per content while a
session keeps the table (``ui.inputs.content_cache``); this session keeps it until its upload changes
or the session is gone for good.
Every message quotes the file (names, cells): it is shown as plain text, never as Markdown.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from ui.inputs import csv_data
from ui.inputs.content_cache import ContentCache
from ui.inputs.sandbox import Job
from ui.shell import sessions
from ui.shell.text import plain

EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "fruit.csv"
MESSAGE_CHARS = 400
# 2 MB of text as up to 500,000 cells: the csv module's lists and the JSON back stay well inside these
_PARSE = Job("ui.inputs.csv_data:parse_plain", csv_data.CsvError, "CSV file", memory_mb=256, cpu_s=3, result_mb=16)
# an upload's table, parsed in a child and shared by content while some session keeps it
parse_table = ContentCache(lambda data: csv_data.Table(*_PARSE(data)), max_entries=8, weak=True)


def _refuse(where, exc, prefix: str = "") -> None:
    where.error(prefix + plain(str(exc), MESSAGE_CHARS))


def csv_table(key: str, where=None):
    """The uploader (or the example) in ``where``; returns ``(table, digest of the file)`` or
    ``(None, None)`` after showing why."""
    where = where or st.sidebar
    up = where.file_uploader(
        "CSV file",
        type=["csv", "tsv", "txt"],
        key=f"{key}_csv",
        help=f"A text table (.csv, .tsv or .txt): columns of numbers and a column to predict; at most "
        f"{csv_data.MAX_ROWS:,} rows, {csv_data.MAX_COLUMNS} columns and {csv_data.MAX_BYTES // 1_000_000} MB. "
        "Commas, semicolons or tabs; a header row is found by itself.",
    )
    state = st.session_state
    saved = state.get(f"{key}:csv_saved")  # (name, bytes, the upload it came over): a saved network's file
    if saved is not None and (up.file_id if up is not None else None) != saved[2]:
        del state[f"{key}:csv_saved"]  # another file uploaded (or the last one removed) since
        saved = None
    if saved is not None:
        name, data = saved[:2]
    elif up is None:
        state.pop(f"{key}_csv:table", None)
        if not where.toggle("use the example fruit.csv", key=f"{key}_example",
                            help="300 fruits: width and height in cm, the kind of fruit, the weight in g."):
            where.info("Upload a CSV file, or use the example.")
            return None, None
        data, name = EXAMPLE.read_bytes(), EXAMPLE.name
    else:
        data, name = up.getvalue(), up.name
    try:
        table = parse_table(data)
    except csv_data.CsvError as exc:
        _refuse(where, exc, f"{plain(name)}: ")
        return None, None
    digest = hashlib.sha1(data).hexdigest()
    if state.get(f"{key}_csv:table", (None,))[0] != digest:  # the cache shares it while some session keeps it
        state[f"{key}_csv:table"] = (digest, sessions.keep(table))
    where.caption(csv_data.summary(table, name) + (" (the file saved with the network)" if saved else ""))
    return table, digest


def data_file(key: str):
    """The file the page's CSV data comes from, to save with a network: ``(name, a function that reads its
    bytes)``, or None."""
    state = st.session_state
    saved, up = state.get(f"{key}:csv_saved"), state.get(f"{key}_csv")
    if saved is not None:
        return saved[0], lambda: saved[1]
    if up is not None:
        return up.name, up.getvalue
    return (EXAMPLE.name, EXAMPLE.read_bytes) if state.get(f"{key}_example") else None


def saved_data(data: bytes, x1: str, x2: str, target: str, kind: str):
    """A file saved with a network, parsed in a child like an upload, its columns chosen: ``(CsvData, the
    key csv_columns gives for it)``; raises CsvError."""
    chosen = csv_data.choose(parse_table(data), x1, x2, target, kind)
    return chosen, (hashlib.sha1(data).hexdigest(), x1, x2, target, kind)


def keep_saved(key: str, name: str, data: bytes, x1: str, x2: str, target: str) -> None:
    """From the next run on, the page's CSV is this file saved with a network (until another is uploaded),
    with these columns chosen."""
    state, up = st.session_state, st.session_state.get(f"{key}_csv")
    state[f"{key}:csv_saved"] = (name, data, up.file_id if up is not None else None)
    state[f"{key}:csv_columns"] = (x1, x2, target)


def csv_columns(table, digest: str, key: str, kind: str | None = None, where=None):
    """Two feature columns and a target (and its kind unless given) chosen in ``where``; returns the
    ``CsvData`` and a key that changes with the file and the choice, or ``(None, None)`` after
    showing why."""
    where = where or st.sidebar
    try:
        x1, x2, target, guessed = csv_data.guess(table)
    except csv_data.CsvError as exc:
        _refuse(where, exc)
        return None, None
    numeric = table.numeric_columns(share=0.8)  # a column with a typo or two is offered: choose() names them
    restored = st.session_state.pop(f"{key}:csv_columns", None)  # a saved network's: the widgets start there
    if restored:
        for wkey in (f"{key}_x1", f"{key}_x2", f"{key}_y_{kind}"):
            st.session_state.pop(wkey, None)
        x1, x2 = restored[:2]
    c1, c2 = where.columns(2)
    x1 = c1.selectbox("across (x₁)", numeric, numeric.index(x1), key=f"{key}_x1", help="A column of numbers.")
    x2 = c2.selectbox("up (x₂)", numeric, numeric.index(x2), key=f"{key}_x2", help="Another column of numbers.")
    kind = kind or guessed
    if kind != guessed:  # the other kind of problem: a column of numbers to predict, or one of classes
        fits = [c for c in table.columns if (c in numeric) == (kind == "regression") and c not in (x1, x2)]
        target = fits[-1] if fits else target
    target = restored[2] if restored else target
    target = where.selectbox(  # one choice per kind of problem: switching back finds it again
        "to predict", table.columns, table.columns.index(target), key=f"{key}_y_{kind}",
        help="Classes (text or a few whole numbers) or, for a regression, numbers.",
    )
    try:
        data = csv_data.choose(table, x1, x2, target, kind)
    except csv_data.CsvError as exc:
        _refuse(where, exc)
        return None, None
    return data, (digest, x1, x2, target, kind)


def classes_source(form, key: str, classes: int | None = None, iris_keys=("fx", "fy")):
    """The data widgets of a classifier page (``form`` a ``Bound`` with a ``data`` setting): iris
    measurements, or a CSV file and its columns.  ``classes``: how many the page's model tells apart
    (None: any).  Returns ``(csv data or None, reset key)``; without a usable file iris stands in."""
    form.widget("data")
    if form.value("data") != "csv":
        for k in iris_keys:
            form.widget(k)
        if form.value("fx") == form.value("fy"):
            st.sidebar.warning("Pick two different features; the next one is used for the y-axis.")
        return None, None
    table, digest = csv_table(key)
    data, data_key = (None, None) if table is None else csv_columns(table, digest, key, kind="classification")
    if data is not None and classes is not None and len(data.class_names) != classes:
        st.sidebar.error(
            f"This page tells {classes} classes apart; column '{plain(data.target)}' has {len(data.class_names)}. "
            "Choose another column (or, for more classes, the softmax page)."
        )
        data, data_key = None, None
    if data is None:
        st.sidebar.caption("Until then the page uses the iris flowers.")
    return data, data_key


def xy_source(form, key: str, synthetic_keys):
    """The data widgets of the linear-regression page: its synthetic line, or two number columns of a
    CSV.  Returns ``((x, y, x name, y name) or None, reset key)``."""
    form.widget("data")
    if form.value("data") != "csv":
        for k in synthetic_keys:
            form.widget(k)
        return None, None
    table, digest = csv_table(key)
    if table is None:
        st.sidebar.caption("Until then the page draws its own line.")
        return None, None
    numeric = table.numeric_columns(share=0.8)
    if len(numeric) < 2:
        st.sidebar.error("The file needs two columns of numbers: x and the y to predict from it.")
        return None, None
    c1, c2 = st.sidebar.columns(2)
    xname = c1.selectbox("x", numeric, 0, key=f"{key}_x", help="The column to predict from.")
    yname = c2.selectbox("y", numeric, len(numeric) - 1, key=f"{key}_y", help="The column to predict.")
    if xname == yname:
        st.sidebar.error("Choose two different columns.")
        return None, None
    try:
        xy = (csv_data.numbers(table, xname), csv_data.numbers(table, yname), xname, yname)
    except csv_data.CsvError as exc:
        _refuse(st.sidebar, exc)
        return None, None
    return xy, (digest, xname, yname)
