"""Spreadsheet downloads that never carry a formula: one-sheet workbooks (XlsxWriter) and the
escaping of CSV cells.

It sits in ``organizations``, the bottom of the dependency order, so that every app's downloads
can use it: the dashboards' tables (``resolutions.exports``) and the organisation tree's export
(``organizations.services.tree_io``) alike.

A well-kept library rather than a writer of our own: the format's corners (shared strings,
Excel's ``_xHHHH_`` escapes, the fictitious 29 February 1900, UTF-16 cell limits) are its
maintainers' job. What this module adds is what a download promises, each checked by reading
the file back with openpyxl (``tests/resolutions/test_exports.py``):

- text is always text: the workbook is opened with ``strings_to_formulas``,
  ``strings_to_urls`` and ``strings_to_numbers`` off and every ``str`` goes through
  ``write_string``, so a unit named ``=SUM(…)`` stays a name and "+84 28" stays as typed;
- characters XML 1.0 cannot carry (control characters, CR) are written as Excel's escapes
  by XlsxWriter, and text longer than Excel's 32,767 UTF-16 units is cut there;
- dates are dates with a ``dd/mm/yyyy`` format, numbers are numbers, booleans booleans; a
  number a sheet cannot store (NaN, ±infinity, past a double's range) leaves the cell empty
  rather than writing an error value;
- title rows (organisation, period, date, where figures are explained) sit above a bold
  header row, and the panes are frozen below it so the header stays in view.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from decimal import Decimal

import xlsxwriter

MAX_ROWS = 1_048_576
MAX_COLS = 16_384
DATE_FORMAT = "dd/mm/yyyy"
OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


#: What makes Excel or LibreOffice read a CSV cell as a formula (OWASP's list): a cell
#: starting with one of these is written with a leading apostrophe, which both show as
#: text (and Excel hides). A plain number ("-12", "3,5") is left as it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?[0-9]+([.,][0-9]+)?")


def csv_formula_risk(text: str) -> bool:
    """Whether a spreadsheet would run this CSV cell as a formula."""
    return text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text)


def csv_safe(text: str) -> str:
    """The text as a CSV cell no spreadsheet runs: a leading apostrophe where it would."""
    return "'" + text if csv_formula_risk(text) else text


def _width(values: Sequence[object]) -> float:
    """A column wide enough for its header and first rows, between 10 and 60 characters."""
    longest = max(map(len, map(str, filter(lambda v: v is not None, values))), default=0)
    return min(max(10, longest + 2), 60)


def _finite(value) -> float | None:
    """The value as a double, or None where a sheet cannot store it (NaN, ±inf, too large)."""
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    return number if math.isfinite(number) else None


def workbook(sheet_name: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
             title_rows: Sequence[str] = ()) -> bytes:
    """The sheet: ``title_rows`` (one text each), a blank row, the bold header row, then ``rows``."""
    width = max([len(headers)] + [len(row) for row in rows]) if rows else len(headers)
    top = len(title_rows) + 1 if title_rows else 0  # the header's row index
    if top + len(rows) + 1 > MAX_ROWS or width > MAX_COLS:
        raise ValueError(f"{len(rows) + 1} rows × {width} columns is more than one sheet holds")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, OPTIONS)
    sheet = book.add_worksheet(sheet_name)
    bold = book.add_format({"bold": True})
    heading = book.add_format({"bold": True, "font_size": 13})
    date = book.add_format({"num_format": DATE_FORMAT})
    for r, text in enumerate(title_rows):
        sheet.write_string(r, 0, str(text), heading if r == 0 else None)
    for c, header in enumerate(headers):
        sheet.write_string(top, c, str(header), bold)
    write_string, write_number, write_boolean = sheet.write_string, sheet.write_number, sheet.write_boolean
    for r, row in enumerate(rows, top + 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                if value:
                    write_string(r, c, value)
            elif isinstance(value, bool):
                write_boolean(r, c, value)
            elif isinstance(value, int | float | Decimal):
                number = _finite(value)
                if number is not None:
                    write_number(r, c, number)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, date)
            else:
                write_string(r, c, str(value))
    sample = rows[:200]
    for c in range(width):
        sheet.set_column(c, c, _width([headers[c] if c < len(headers) else None]
                                      + [row[c] for row in sample if c < len(row)]))
    sheet.freeze_panes(top + 1, 0)
    book.close()
    return buffer.getvalue()
