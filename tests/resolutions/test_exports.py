"""The XLSX and CSV files a leader downloads, read back as a spreadsheet program would."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from resolutions.exports import Heading, Table, to_csv, to_xlsx

pytestmark = pytest.mark.embedded
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def table() -> Table:
    return Table(name="units", title="Units", headers=["Unit", "Reports", "Value", "Last report", "Note"], rows=[
        ["=SUM(A1:A9)", 3, Decimal("12.5"), dt.date(2019, 12, 31), None],
        ["Chi bộ 1 — Phường Bến Nghé", 0, 0.25, None, "+84 28 3829"],
    ])


def test_xlsx_keeps_types_and_never_turns_text_into_a_formula():
    ws = load_workbook(io.BytesIO(to_xlsx(table()))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Unit", "Reports", "Value", "Last report", "Note")
    assert rows[1][0] == "=SUM(A1:A9)" and ws["A2"].data_type == "s"  # text, not a formula
    assert rows[1][1] == 3 and rows[1][2] == 12.5
    assert rows[1][3] == dt.datetime(2019, 12, 31) and ws["D2"].number_format == "dd/mm/yyyy"
    assert rows[1][4] is None and rows[2][3] is None
    assert rows[2][0] == "Chi bộ 1 — Phường Bến Nghé" and rows[2][4] == "+84 28 3829"
    assert ws["A1"].font.bold and ws.freeze_panes == "A2"
    assert ws.title == "units"


def test_csv_has_a_bom_and_the_same_cells():
    text = to_csv(table()).decode("utf-8")
    assert text.startswith("\ufeff")
    assert "Chi bộ 1 — Phường Bến Nghé" in text and "12,5" in text
    assert "'=SUM(A1:A9)" in text  # a spreadsheet opening the CSV shows it as text


def test_csv_is_in_the_dialect_excel_set_to_vietnamese_opens():
    """BOM, ``;`` between cells, decimal commas, dd/mm/yyyy dates, CRLF — read back as bytes."""
    data = to_csv(Table("t", "T", ["Đơn vị", "Tỷ lệ (%)", "Ngày"], [["Xã A", 38.9, dt.date(2019, 12, 31)],
                                                                     ["Xã B", Decimal("0.5"), None]]))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].split(b"\r\n") == ["Đơn vị;Tỷ lệ (%);Ngày".encode(), "Xã A;38,9;31/12/2019".encode(),
                                       "Xã B;0,5;".encode(), b""]
    # Numbers never in an exponent form a spreadsheet would read as text; what a sheet cannot hold is empty.
    row = to_csv(Table("t", "T", ["a", "b", "c", "d"], [[1e-9, 1e21, float("nan"), Decimal("Infinity")]]))
    assert row.decode("utf-8-sig").split("\r\n")[1] == "0,000000001;1000000000000000000000;;"


def test_csv_and_xlsx_carry_title_rows_above_the_table():
    heading = Heading("Đảng bộ tỉnh Thừa Thiên Huế", "Tháng 06/2019", dt.date(2026, 12, 4))
    lines = to_csv(table(), heading).decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Đảng bộ tỉnh Thừa Thiên Huế"
    assert lines[1] == "Units — Tháng 06/2019" and lines[2] == "Generated on 04/12/2026"
    assert "How figures are computed" in lines[3] and lines[4] == ""
    assert lines[5] == "Unit;Reports;Value;Last report;Note" and lines[6].startswith("'=SUM(A1:A9);3;12,5;31/12/2019")
    ws = load_workbook(io.BytesIO(to_xlsx(table(), heading))).active
    rows = list(ws.iter_rows(values_only=True))
    assert [r[0] for r in rows[:4]] == lines[:4] and rows[4] == (None,) * 5
    assert rows[5] == ("Unit", "Reports", "Value", "Last report", "Note") and ws["A6"].font.bold
    assert rows[6][:3] == ("=SUM(A1:A9)", 3, 12.5) and ws["A7"].data_type == "s"
    assert ws.freeze_panes == "A7"


def test_a_title_row_that_looks_like_a_formula_stays_text():
    heading = Heading("=HYPERLINK(\"http://x\")", "-1", dt.date(2026, 1, 1))
    lines = to_csv(table(), heading).decode("utf-8-sig").split("\r\n")
    assert next(csv.reader([lines[0]], delimiter=";")) == ["'=HYPERLINK(\"http://x\")"]
    ws = load_workbook(io.BytesIO(to_xlsx(table(), heading))).active
    assert ws["A1"].value == "=HYPERLINK(\"http://x\")" and ws["A1"].data_type == "s"


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1",
                                  "\r=1+1", "=1+1"])
def test_csv_never_writes_a_formula(cell):
    """Every cell (headers too) that a spreadsheet would run starts with an apostrophe; numbers stay numbers."""
    data = to_csv(Table(name="t", title="T", headers=["Unit", cell], rows=[[cell, -5, Decimal("-1.5"), "-12", "-1,5"]]))
    header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert header == ["Unit", "'" + cell]
    assert row == ["'" + cell, "-5", "-1,5", "-12", "-1,5"]


def read_back(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def as_excel_shows(data: bytes) -> list[str]:
    """The sheet's texts as a spreadsheet program shows them, read from the file's XML.

    Excel and LibreOffice decode the ``_xHHHH_`` escapes of ECMA-376 (ST_Xstring) wherever
    they appear; openpyxl decodes only some, so the shared strings are read here directly.
    """
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml")
    texts = ["".join(t.text or "" for t in si.iter(f"{{{MAIN}}}t")) for si in ElementTree.fromstring(xml)]
    return [re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), t) for t in texts]


def test_xlsx_text_comes_back_as_it_went_in_whatever_it_holds():
    awkward = [
        "a < b && c > d \"quoted\" 'single'",
        "  leading and trailing spaces  ",
        "line one\nline two\ttabbed",
        "bell\x07 and escape\x1b and NUL\x00",  # XML 1.0 cannot carry these as characters
        "_x0041_ looks like Excel's own escape",
        "windows\r\nline ends",
        "Nghị quyết 54/2017/QH14 — Đảng bộ tỉnh Thừa Thiên Huế",
        "=1+1", "+84 28", "-x", "@SUM(A1)",
    ]
    assert as_excel_shows(to_xlsx(Table("t", "T", ["Text"], [[text] for text in awkward]))) == ["Text", *awkward]


def test_xlsx_numbers_dates_and_booleans_keep_their_values():
    when = dt.datetime(2019, 7, 1, 13, 30)
    rows = read_back(to_xlsx(Table("t", "T", ["n", "x", "d", "b", "when", "day"], [
        [0, -1.5, Decimal("99.95"), True, when, dt.date(1900, 3, 1)],
        [10**12, 1e-9, Decimal("0"), False, dt.datetime(2026, 12, 31), dt.date(2100, 1, 1)],
    ])))
    assert rows[1] == (0, -1.5, 99.95, True, when, dt.datetime(1900, 3, 1))
    assert rows[2] == (10**12, 1e-9, 0, False, dt.datetime(2026, 12, 31), dt.datetime(2100, 1, 1))


def test_xlsx_dates_before_march_1900_keep_their_day():
    """Excel counts a 29 February 1900 that never was: the days before it are one serial lower."""
    days = [dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(1900, 3, 2)]
    rows = read_back(to_xlsx(Table("t", "T", ["day"], [[d] for d in days])))
    assert [r[0].date() for r in rows[1:]] == days


def test_xlsx_leaves_empty_what_a_sheet_cannot_store():
    rows = read_back(to_xlsx(Table("t", "T", ["a", "b", "c"], [["", None, Decimal("NaN")],
                                                                 [Decimal("sNaN"), 10**400, None],
                                                                 [float("nan"), float("-inf"), "kept"]])))
    assert rows[1:] == [(None, None, None), (None, None, None), (None, None, "kept")]


def test_xlsx_wide_tables_and_ragged_rows():
    headers = [f"c{i}" for i in range(30)]  # past Z: AA, AB, …
    rows = [list(range(30)), [1, 2]]
    ws = load_workbook(io.BytesIO(to_xlsx(Table("wide", "W", headers, rows)))).active
    assert ws["AD1"].value == "c29" and ws["AD2"].value == 29
    assert ws["A3"].value == 1 and ws["C3"].value is None
    assert ws.max_column == 30 and ws.max_row == 3


def test_xlsx_columns_fit_their_text_and_text_past_the_cell_limit_is_cut():
    long = "x" * 40_000
    ws = load_workbook(io.BytesIO(to_xlsx(Table("t", "T", ["Unit", "Note"], [["Đảng bộ xã " * 3, long]])))).active
    # XlsxWriter stores widths rounded to whole pixels of the default font.
    assert ws.column_dimensions["A"].width == pytest.approx(len("Đảng bộ xã " * 3) + 2, abs=1)
    assert ws.column_dimensions["B"].width == pytest.approx(60, abs=1)  # capped
    assert ws["B2"].value == "x" * 32_767  # Excel's limit per cell
    # Excel counts UTF-16 units: an emoji is two, and a pair is never split.
    emoji = load_workbook(io.BytesIO(to_xlsx(Table("t", "T", ["Note"], [["😀" * 20_000]])))).active["A2"].value
    assert emoji == "😀" * 16_383


def test_xlsx_of_no_rows_is_still_a_workbook_with_its_headers():
    assert read_back(to_xlsx(Table("empty", "E", ["Unit", "Reports"]))) == [("Unit", "Reports")]


def test_a_workbook_served_from_the_cache_changes_with_its_figures(db):
    """Written workbooks are cached by their content: new figures never come back as the old file."""
    import io as _io

    from openpyxl import load_workbook as _load

    from resolutions.exports import Table, to_xlsx

    first = Table("directives", "Văn bản", ["Văn bản", "Đúng hạn"], [["05-CT/TW", 13]])
    again = Table("directives", "Văn bản", ["Văn bản", "Đúng hạn"], [["05-CT/TW", 13]])
    changed = Table("directives", "Văn bản", ["Văn bản", "Đúng hạn"], [["05-CT/TW", 14]])
    assert to_xlsx(first) == to_xlsx(again)
    ws = _load(_io.BytesIO(to_xlsx(changed))).active
    assert [c.value for c in ws[2]] == ["05-CT/TW", 14]
