"""A visitor's own data: an uploaded CSV file read into two numeric features and a label or target.

Pure Python + NumPy (no streamlit).  Two steps, so a page can offer the columns in between:

    table = parse_csv(uploaded.getvalue())          # every column, as text
    data = choose(table, "width_cm", "height_cm", "fruit", "classification")

An upload is hostile until proven otherwise: the size and the number of rows and columns are
capped before anything large is built (and pages parse it in a child process, ``ui.inputs.sandbox``), and every refusal is a :class:`CsvError` (a ValueError)
whose message names the row and column at fault and says what to do.  Messages quote the file's
text (a cell, a column name), so show them, and anything else taken from the file (column and
class names), with ``ui.shell.text.plain``; in a plotly figure, escape them with ``html.escape``.
Nothing in a cell is ever evaluated: ``=cmd|...`` is just text (a class name, or not a number).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from ui.shell.text import plain

MAX_BYTES = 2_000_000
MAX_ROWS = 5000  # the playground's own sets stop at 2000 points; training more live is slow
MAX_COLUMNS = 100
MIN_ROWS = 10  # a training and a test part, each with a few rows
MAX_CLASSES = 8  # the live plane paints at most 8 classes (ui.live_views.CONF_LEVELS)
MAX_ABS = 1e12  # squared (the x1² feature) it still leaves room in float64
MIN_ABS = 1e-30  # smaller (but not 0): float32, which draws the points, rounds it to 0 or a denormal
MAX_NAME = 40
DELIMITERS = (",", ";", "\t", "|")
KINDS = ("classification", "regression")
SNIFF_RECORDS = 50

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")  # 5,1 in a file separated by ; or tabs
_MISSING = {"", "na", "n/a", "nan", "null", "none", "?"}
_INFINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


class CsvError(ValueError):
    """A file or column choice that cannot be used; the message is meant for the visitor."""


@dataclass(frozen=True)
class Table:
    """A parsed file: column names (unique, cleaned) and every cell as stripped text.

    ``line_numbers[i]`` is the line of the file where data row ``i`` ends (the first line is 1,
    the header included), as a text editor or spreadsheet numbers it.
    """

    columns: list[str]
    rows: list[list[str]]
    line_numbers: list[int]
    header: bool
    delimiter: str

    def column(self, name: str) -> list[str]:
        j = self._index(name)
        return [row[j] for row in self.rows]

    def numeric_columns(self, share: float = 1.0) -> list[str]:
        """Columns whose non-empty cells are numbers (at least ``share`` of them): the ones that can be
        features.  A lower share also offers columns with a few typos, which :func:`choose` then names."""
        return [c for c in self.columns if _mostly_numbers(self.column(c), self.delimiter, share=share)]

    def _index(self, name) -> int:
        if not isinstance(name, str) or name not in self.columns:
            raise CsvError(f"The file has no column named '{_quote(name)}'.")
        return self.columns.index(name)


@dataclass(frozen=True)
class CsvData:
    """Two features and the target, ready for ``train_test_split``.

    ``P`` (N, 2) float64; ``y`` int labels 0..K-1 (``class_names[k]`` names label k) for
    classification, float64 values for regression (``class_names`` is None).
    """

    P: np.ndarray
    y: np.ndarray
    kind: str
    class_names: list[str] | None
    axis_names: tuple[str, str]
    target: str


# ---------------------------------------------------------------------------- reading
def parse_csv(data, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Table:
    """Read an uploaded file's bytes into a :class:`Table`.

    Finds the delimiter (comma, semicolon, tab or |), whether the first line is a header (it
    is when it holds text above a column of numbers), and checks every row has the same
    number of values.  Raises :class:`CsvError`.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise CsvError("Expected the uploaded file's bytes.")
    if len(data) > max_bytes:
        raise CsvError(f"The file is {_size(len(data))}; files up to {_size(max_bytes)} are accepted.")
    text = _decode(data)
    delimiter = _sniff(text)
    records, lines = _read(text, delimiter, max_rows + 2)  # a header, and one row too many to notice
    if not records:
        raise CsvError("The file holds no values.")
    width = len(records[0])
    if width > MAX_COLUMNS:
        raise CsvError(f"The file has {width} columns; at most {MAX_COLUMNS} are accepted.")
    for rec, line in zip(records, lines):
        if len(rec) != width:
            raise CsvError(
                f"Row {line} has {len(rec)} values but the first row has {width}: every row needs one "
                "value per column (leave a cell empty between two separators if it is unknown)."
            )
    header = _has_header(records, delimiter)
    rows, lines = (records[1:], lines[1:]) if header else (records, lines)
    if len(rows) > max_rows:
        raise CsvError(f"The file has more than {max_rows:,} rows; use at most {max_rows:,}.")
    if not rows:
        raise CsvError("The file has a header but no rows of values.")
    names = records[0] if header else [""] * width
    return Table(_unique_names(names), rows, lines, header, delimiter)


def _decode(data: bytes) -> str:
    if not data.strip():
        raise CsvError("The file is empty.")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # spreadsheets' "Unicode text" is UTF-16
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise CsvError("The file is not readable text (broken UTF-16).") from None
    elif b"\x00" in data:
        raise CsvError("This is not a text file: save the table as CSV (comma-separated values) and upload that.")
    else:
        try:
            text = data.decode("utf-8-sig")  # -sig: a byte-order mark is not part of the first name
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # older spreadsheets save Windows-1252
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\r\n")
    if controls > max(2, len(text) // 100):
        raise CsvError("This is not a text file: save the table as CSV (comma-separated values) and upload that.")
    return text.lstrip("\ufeff")


def _sniff(text: str) -> str:
    """The delimiter that splits the first records into the same number (> 1) of fields most often;
    on a tie, the one that leaves more cells reading as numbers (5,1;3,5 is two numbers, not three)."""
    best, best_score = None, None
    for d in DELIMITERS:
        try:
            records, _ = _read(text, d, SNIFF_RECORDS, strict=False)
        except CsvError:
            continue
        counts = [len(r) for r in records]
        if not counts:
            continue
        width = max(set(counts), key=lambda c: (counts.count(c), c))
        if width < 2:
            continue
        numbers = sum(_number_or_none(cell, d) is not None for r in records for cell in r)
        score = (counts.count(width), numbers)
        if best_score is None or score > best_score:
            best, best_score = d, score
    if best is None:
        raise CsvError(
            "Found only one column: separate the values in each row with commas (or semicolons or tabs), "
            "one row per line."
        )
    return best


def _read(text: str, delimiter: str, limit: int, strict: bool = True):
    """Up to ``limit`` non-blank records (stripped cells) and the line each ends on."""
    records, lines = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    done = 0  # the line the last record ended on: a broken one starts after it
    try:
        for rec in reader:
            done = reader.line_num
            cells = [cell.strip() for cell in rec]
            if not any(cells):
                continue  # blank lines (a trailing newline, a gap)
            records.append(cells)
            lines.append(done)
            if len(records) >= limit:
                break
    except csv.Error as exc:
        if not strict:
            return records, lines
        why = "a value is too long" if "field larger" in str(exc) else "the quoting is broken"
        raise CsvError(f"Row {done + 1} cannot be read: {why} (a quote that is never closed?).") from None
    return records, lines


def parse_plain(data) -> tuple:
    """:func:`parse_csv` as plain data, ``Table(*parse_plain(data))``: what the decoding child sends back."""
    table = parse_csv(data)
    return table.columns, table.rows, table.line_numbers, table.header, table.delimiter


def _has_header(records: list[list[str]], delimiter: str) -> bool:
    """The first record is a header when one of its cells is text above a column of mostly numbers."""
    first, below = records[0], records[1 : 1 + SNIFF_RECORDS]
    if not below:
        return any(_number_or_none(c, delimiter) is None for c in first)
    for j, cell in enumerate(first):
        if cell and _number_or_none(cell, delimiter) is None and _mostly_numbers([r[j] for r in below], delimiter):
            return True
    return False


def _unique_names(raw: list[str]) -> list[str]:
    names, seen = [], set()
    for j, name in enumerate(raw):
        name = _clean(name) or f"column {j + 1}"
        base, k = name, 2
        while name in seen:  # a repeated header: "x", "x (2)"
            name, k = f"{base} ({k})", k + 1
        seen.add(name)
        names.append(name)
    return names


# ----------------------------------------------------------------------------- cells
def _number_or_none(cell: str, delimiter: str):
    """The cell's number (nan and inf included), or None if it is not written as one."""
    if _NUMBER.fullmatch(cell):
        return float(cell)
    if delimiter != "," and _DECIMAL_COMMA.fullmatch(cell):
        return float(cell.replace(",", "."))
    low = cell.lower()
    if low in _INFINITE or low == "nan":
        return float(low.replace("infinity", "inf"))
    return None


def _mostly_numbers(cells: list[str], delimiter: str, share: float = 0.5) -> bool:
    filled = [c for c in cells if c.lower() not in _MISSING]
    if not filled:
        return False
    numbers = sum(_number_or_none(c, delimiter) is not None for c in filled)
    return numbers >= share * len(filled)


def numbers(table: Table, name: str) -> np.ndarray:
    """A column as float64; the first bad cell is named by row and column."""
    out = np.empty(len(table.rows))
    for i, cell in enumerate(table.column(name)):
        where = f"Row {table.line_numbers[i]}, column '{name}'"
        if cell.lower() in _MISSING:
            shown = f" ('{_quote(cell)}')" if cell else ""
            raise CsvError(f"{where} is empty{shown}: every row needs a value (fill it in or delete the row).")
        value = _number_or_none(cell, table.delimiter)
        if value is None:
            raise CsvError(f"{where}: '{_quote(cell)}' is not a number.")
        if not np.isfinite(value):
            raise CsvError(f"{where}: '{_quote(cell)}' is not a finite number.")
        if abs(value) > MAX_ABS:
            raise CsvError(f"{where}: '{_quote(cell)}' is too large (keep numbers within ±{MAX_ABS:.0e}).")
        if 0 < abs(value) < MIN_ABS:
            raise CsvError(f"{where}: '{_quote(cell)}' is too small: numbers other than 0 must be at least "
                           f"{MIN_ABS:.0e} in size (write 0 for nothing).")
        out[i] = value
    return out


def _labels(table: Table, name: str) -> tuple[np.ndarray, list[str]]:
    """A class column as labels 0..K-1 and the class names (numbers in numeric order, else sorted)."""
    cells = table.column(name)
    for i, cell in enumerate(cells):
        if cell.lower() in _MISSING:
            shown = f" ('{_quote(cell)}')" if cell else ""
            raise CsvError(
                f"Row {table.line_numbers[i]}, column '{name}' is empty{shown}: every row needs a class "
                "(fill it in or delete the row)."
            )
    numbers = [_number_or_none(c, table.delimiter) for c in cells]
    if all(v is not None and np.isfinite(v) for v in numbers):
        keys = numbers  # 1, 1.0 and 01 are one class; 2 sorts before 10
        names = {v: f"{v:g}" for v in numbers}
    else:
        keys = cells
        names = {c: _clean(c) or "(blank)" for c in cells}
    classes = sorted(set(keys))
    if len(classes) < 2:
        raise CsvError(
            f"Column '{name}' holds one class only ('{_quote(names[classes[0]])}'): a classifier needs at "
            "least two. Choose another column, or regression for a numeric target."
        )
    if len(classes) > MAX_CLASSES:
        hint = " For a numeric target, choose regression." if keys is numbers else ""
        raise CsvError(
            f"Column '{name}' has {len(classes)} different values; the playground tells apart at most "
            f"{MAX_CLASSES} classes.{hint}"
        )
    index = {k: i for i, k in enumerate(classes)}
    return np.array([index[k] for k in keys], dtype=np.int64), _unique_names([names[k] for k in classes])


def choose(table: Table, x1: str, x2: str, target: str, kind: str) -> CsvData:
    """The points ``P = (x1, x2)`` and the ``target`` column, as classes or values (``kind``).

    Raises :class:`CsvError` naming the first missing or non-numeric cell (by row and column),
    a class column with one class or more than :data:`MAX_CLASSES`, a constant regression
    target, or too few rows.
    """
    if kind not in KINDS:
        raise CsvError(f"kind must be 'classification' or 'regression'; got '{_quote(kind)}'.")
    for name in (x1, x2, target):
        table._index(name)
    if x1 == x2:
        raise CsvError("Choose two different columns for the two features: one column against itself is a line.")
    if target in (x1, x2):
        raise CsvError(f"Column '{target}' cannot be both a feature and the target; choose another.")
    if len(table.rows) < MIN_ROWS:
        raise CsvError(f"The file has {len(table.rows)} rows; at least {MIN_ROWS} are needed to train and test.")
    P = np.column_stack([numbers(table, x1), numbers(table, x2)])
    if kind == "classification":
        y, names = _labels(table, target)
    else:
        y, names = numbers(table, target), None
        if np.ptp(y) == 0:
            raise CsvError(f"Column '{target}' has the same value in every row: there is nothing to predict.")
    return CsvData(P, y, kind, names, (x1, x2), target)


def guess(table: Table) -> tuple[str, str, str, str]:
    """Starting choices ``(x1, x2, target, kind)``: the first two numeric columns, and as the target
    the last column of text (classes) or else the last other column: classes if it holds a few whole
    numbers, values otherwise.

    Raises :class:`CsvError` if fewer than two columns hold numbers only, or none is left over.
    """
    numeric = table.numeric_columns(share=0.8)
    if len(numeric) < 2:
        raise CsvError(
            "The file needs at least two columns of numbers (the two features the network is fed); "
            f"it has {len(numeric)}."
        )
    x1, x2 = numeric[:2]
    rest = [c for c in table.columns if c not in (x1, x2)]
    if not rest:
        raise CsvError("The file needs a third column: the class or value to predict.")
    text = [c for c in rest if c not in numeric]
    target = (text or rest)[-1]
    cells = table.column(target)
    values = [_number_or_none(c, table.delimiter) for c in cells]
    if any(v is None or not np.isfinite(v) for v in values):
        return x1, x2, target, "classification"
    few_whole = all(v == round(v) for v in values) and len(set(values)) <= MAX_CLASSES
    return x1, x2, target, "classification" if few_whole else "regression"


def summary(table: Table, file_name: str) -> str:
    """One line about the file for a caption, safe to render as Markdown (the name is made inert)."""
    sep = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}[table.delimiter]
    head = "a header row" if table.header else "no header row (columns numbered)"
    return plain(
        f"{file_name}: {len(table.rows):,} rows, {len(table.columns)} columns, values separated by {sep}, {head}.",
        max_len=200,
    )


# ------------------------------------------------------------------------------ text
def _clean(text: str, max_len: int = MAX_NAME) -> str:
    """Text from the file as one short line: control characters dropped, cut with an ellipsis."""
    s = "".join(c for c in str(text) if not unicodedata.category(c).startswith("C")).strip()
    return s if len(s) <= max_len else s[: max_len - 1] + "…"


def _quote(text, max_len: int = 24) -> str:
    return _clean(text, max_len)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"
