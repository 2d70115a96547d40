"""The XLSX and CSV files a leader downloads, read back as a spreadsheet program would."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from resolutions.exports import Table, to_csv, to_xlsx

pytestmark = pytest.mark.embedded


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
    assert "Chi bộ 1 — Phường Bến Nghé" in text and "12.5" in text
    assert "'=SUM(A1:A9)" in text  # a spreadsheet opening the CSV shows it as text
