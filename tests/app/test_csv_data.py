"""Your own data (ui.inputs.csv_data): well-formed files in their usual dialects, and hostile ones refused plainly."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ui.inputs.csv_data import MAX_CLASSES, CsvError, choose, guess, parse_csv, summary

ROOT = Path(__file__).resolve().parents[2]
FRUIT = ROOT / "assets" / "fruit.csv"


def _table(n=20, sep=",", header="a,b,label,value", decimal="."):
    rng = np.random.default_rng(0)
    lines = [header.replace(",", sep)] if header else []
    for i in range(n):
        x1, x2 = (f"{v:.2f}".replace(".", decimal) for v in rng.normal(size=2))
        lines.append(sep.join([x1, x2, "cat" if i % 2 else "dog", f"{i * 0.5}".replace(".", decimal)]))
    return "\n".join(lines) + "\n"


def _refusal(data, *choice, **caps):
    with pytest.raises(CsvError) as info:
        table = parse_csv(data, **caps)
        choose(table, *choice) if choice else None
    message = str(info.value)
    assert "Traceback" not in message and len(message) < 300 and "\n" not in message
    return message


def test_the_bundled_example_reads_both_ways():
    table = parse_csv(FRUIT.read_bytes())
    assert table.columns == ["width_cm", "height_cm", "fruit", "weight_g"] and len(table.rows) == 300
    assert guess(table) == ("width_cm", "height_cm", "fruit", "classification")
    data = choose(table, "width_cm", "height_cm", "fruit", "classification")
    assert data.P.shape == (300, 2) and data.P.dtype == np.float64
    assert data.class_names == ["apple", "lemon", "mandarin"] and np.bincount(data.y).tolist() == [100, 100, 100]
    values = choose(table, "width_cm", "height_cm", "weight_g", "regression")
    assert values.y.dtype == np.float64 and values.class_names is None and 40 < values.y.min() < values.y.max() < 300
    assert values.axis_names == ("width_cm", "height_cm") and values.target == "weight_g"


def test_the_bundled_example_is_what_its_script_makes(tmp_path):
    before = FRUIT.read_bytes()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_example_csv.py")], check=True, capture_output=True)
    assert FRUIT.read_bytes() == before  # seeded: the same file every time


@pytest.mark.parametrize("sep,decimal", [(",", "."), (";", "."), (";", ","), ("\t", "."), ("\t", ","), ("|", ".")])
def test_delimiters_and_decimal_commas(sep, decimal):
    table = parse_csv(_table(sep=sep, decimal=decimal).encode())
    assert table.delimiter == sep and table.header and table.columns == ["a", "b", "label", "value"]
    data = choose(table, "a", "b", "value", "regression")
    assert data.y[3] == 1.5 and np.isfinite(data.P).all()
    reference = choose(parse_csv(_table().encode()), "a", "b", "value", "regression")
    assert np.array_equal(data.P, reference.P)


def test_no_header_gets_numbered_columns():
    table = parse_csv(_table(header="").encode())
    assert not table.header and table.columns == ["column 1", "column 2", "column 3", "column 4"]
    assert len(table.rows) == 20 and table.line_numbers[0] == 1


def test_bom_crlf_utf16_and_latin1_files():
    text = _table(header="größe,b,label,value")
    for data in (b"\xef\xbb\xbf" + text.encode(), text.replace("\n", "\r\n").encode(), text.encode("utf-16"),
                 text.encode("cp1252")):
        table = parse_csv(data)
        assert table.columns == ["größe", "b", "label", "value"] and len(table.rows) == 20


def test_duplicate_empty_and_hostile_column_names():
    text = "x,x,,<b>x</b> =cmd|' /C calc'!A0 and a very long name that goes on,label\n" + "\n".join(
        f"{i},{i * 2},{i % 3},{i},{'ab'[i % 2]}" for i in range(12))
    table = parse_csv(text.encode())
    assert table.columns[:3] == ["x", "x (2)", "column 3"]
    assert len(table.columns[3]) == 40 and table.columns[3].endswith("…")
    data = choose(table, "x", "x (2)", "label", "classification")
    assert data.class_names == ["a", "b"]


def test_formula_injection_stays_plain_text():
    rows = [f"{i},{i + 1},{'=cmd|' + chr(39) + ' /C calc' + chr(39) + '!A0' if i % 2 else '@SUM(A1)'}"
            for i in range(12)]
    table = parse_csv(("x,y,label\n" + "\n".join(rows)).encode())
    data = choose(table, "x", "y", "label", "classification")
    assert data.class_names == ["=cmd|' /C calc'!A0", "@SUM(A1)"]  # names, never evaluated
    bad = "x,y,label\n" + "\n".join(f"{'=1+1' if i == 5 else i},{i},a{i % 2}" for i in range(12))
    assert _refusal(bad.encode(), "x", "y", "label", "classification") == "Row 7, column 'x': '=1+1' is not a number."


@pytest.mark.parametrize("cell,says", [
    ("abc", "Row 18, column 'b': 'abc' is not a number."),
    ("", "Row 18, column 'b' is empty: every row needs a value"),
    ("NA", "Row 18, column 'b' is empty ('NA')"),
    ("nan", "Row 18, column 'b' is empty ('nan')"),
    ("inf", "Row 18, column 'b': 'inf' is not a finite number."),
    ("-Infinity", "Row 18, column 'b': '-Infinity' is not a finite number."),
    ("1e999", "Row 18, column 'b': '1e999' is not a finite number."),
    ("1e300", "Row 18, column 'b': '1e300' is too large"),
    ("1e-310", "Row 18, column 'b': '1e-310' is too small"),  # a denormal: float32 draws it as 0
    ("-2e-31", "Row 18, column 'b': '-2e-31' is too small"),
    ("1_000", "Row 18, column 'b': '1_000' is not a number."),
    ("0x1F", "Row 18, column 'b': '0x1F' is not a number."),
])
def test_bad_cells_are_named_by_row_and_column(cell, says):
    lines = _table().splitlines()
    parts = lines[17].split(",")
    parts[1] = cell
    lines[17] = ",".join(parts)
    message = _refusal("\n".join(lines).encode(), "a", "b", "label", "classification")
    assert message.startswith(says)


def test_missing_class_and_target_cells():
    lines = _table().splitlines()
    lines[4] = lines[4].replace(",dog,", ",,").replace(",cat,", ",,")
    text = "\n".join(lines).encode()
    assert _refusal(text, "a", "b", "label", "classification").startswith("Row 5, column 'label' is empty")
    assert choose(parse_csv(text), "a", "b", "value", "regression").y.shape == (20,)


def test_row_numbers_count_lines_as_an_editor_does():
    text = 'x,y,label\n\n1,2,"a\nb"\n' + "\n".join(f"{i},{i},c{i % 2}" for i in range(10)) + "\nzz,1,c0\n"
    message = _refusal(text.encode(), "x", "y", "label", "classification")
    assert message.startswith("Row 15, column 'x': 'zz'")


def test_ragged_rows_are_refused():
    lines = _table().splitlines()
    lines[9] += ",extra"
    assert _refusal("\n".join(lines).encode()).startswith("Row 10 has 5 values but the first row has 4")


@pytest.mark.parametrize("labels,pattern", [
    (["same"] * 12, "holds one class only \\('same'\\)"),
    ([str(i) for i in range(12)], f"has 12 different values; the playground tells apart at most {MAX_CLASSES}"
                                   " classes. For a numeric target, choose regression."),
    ([f"k{i}" for i in range(12)], "has 12 different values"),
])
def test_class_columns_need_two_to_eight_classes(labels, pattern):
    text = "x,y,label\n" + "\n".join(f"{i},{i * i},{c}" for i, c in enumerate(labels))
    with pytest.raises(CsvError, match=pattern):
        choose(parse_csv(text.encode()), "x", "y", "label", "classification")


def test_numeric_classes_sort_as_numbers_and_merge_spellings():
    labels = ["10", "2", "2.0", "10", "02", "3"] * 2
    text = "x,y,label\n" + "\n".join(f"{i},{i},{c}" for i, c in enumerate(labels))
    data = choose(parse_csv(text.encode()), "x", "y", "label", "classification")
    assert data.class_names == ["2", "3", "10"] and data.y[:6].tolist() == [2, 0, 0, 2, 0, 1]


def test_choice_mistakes_are_named():
    table = parse_csv(_table().encode())
    assert "no column named 'nope'" in _choice(table, "nope", "b", "label", "classification")
    assert "two different columns" in _choice(table, "a", "a", "label", "classification")
    assert "both a feature and the target" in _choice(table, "a", "b", "b", "regression")
    assert "kind must be" in _choice(table, "a", "b", "label", "clustering")
    assert "is not a number" in _choice(table, "a", "label", "value", "regression")
    flat = parse_csv(("x,y,t\n" + "\n".join(f"{i},{i},5" for i in range(12))).encode())
    assert "same value in every row" in _choice(flat, "x", "y", "t", "regression")
    short = parse_csv(_table(n=5).encode())
    assert "at least 10 are needed" in _choice(short, "a", "b", "label", "classification")


def _choice(table, *args):
    with pytest.raises(CsvError) as info:
        choose(table, *args)
    return str(info.value)


def test_caps_are_checked_before_work():
    big = _table(n=30).encode()
    assert "files up to" in _refusal(big, max_bytes=100)
    assert _refusal(_table(n=30).encode(), max_rows=29) == "The file has more than 29 rows; use at most 29."
    assert len(parse_csv(_table(n=29).encode(), max_rows=29).rows) == 29
    huge = b"1,2,3\n" * 500_000
    assert "files up to 2.0 MB" in _refusal(huge)
    wide = (",".join(str(i) for i in range(500)) + "\n") * 12
    assert "500 columns" in _refusal(wide.encode())


@pytest.mark.parametrize("data,pattern", [
    (b"", "empty"),
    (b"\n\n  \n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "not a text file"),
    (bytes(np.random.default_rng(0).integers(1, 256, 5000, dtype=np.uint8)), "not a text file"),
    (b"just one column\n1\n2\n3\n", "only one column"),
    (b"x,y\n", "no rows"),
    (b'x,y,z\n1,2,"unterminated\n' + b"a" * 200_000, "Row 2 cannot be read"),
], ids=["empty", "blank", "png", "random", "one-column", "header-only", "huge-field"])
def test_hostile_files_get_one_plain_sentence(data, pattern):
    assert pattern in _refusal(data)


def test_not_bytes():
    with pytest.raises(CsvError, match="bytes"):
        parse_csv("a,b\n1,2")


def test_guess_needs_two_numeric_columns_and_a_target():
    with pytest.raises(CsvError, match="two columns of numbers"):
        guess(parse_csv(b"a,b,c\nx,1,y\nz,2,w\n"))
    with pytest.raises(CsvError, match="third column"):
        guess(parse_csv(b"a,b\n1,2\n3,4\n"))
    many = parse_csv(("a,b,t\n" + "\n".join(f"{i},{i},{i * 0.37}" for i in range(20))).encode())
    assert guess(many) == ("a", "b", "t", "regression")
    few = parse_csv(("a,b,t\n" + "\n".join(f"{i},{i},{i % 3}" for i in range(20))).encode())
    assert guess(few) == ("a", "b", "t", "classification")


def test_summary_makes_the_file_name_inert():
    line = summary(parse_csv(FRUIT.read_bytes()), "[click](javascript:alert(1)) <b>x</b>.csv")
    assert "\\[click\\]\\(javascript\\:alert\\(1\\)\\)" in line and "\\<b\\>" in line
    assert "300 rows, 4 columns, values separated by commas, a header row" in line.replace("\\", "")
