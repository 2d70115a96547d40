"""What each problem of a file or a row says, in the reader's language.

Problems are kept as a code and its parameters (in the plan, in a stored dry run) and put in
words only when shown, so a page read after switching language shows them in that language.
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from .cells import COLUMNS, KINDS


def _row_messages() -> dict[str, str]:
    return {
        "required": _("A value is required here."),
        "too_long": _("At most %(limit)s characters (this one has %(length)s)."),
        "bad_kind": _("“%(value)s” is not a kind of unit. Use one of: %(kinds)s."),
        "bad_number": _("“%(value)s” is not a whole number of 0 or more."),
        "bad_date": _("“%(value)s” is not a date. Write it as 2020-01-31."),
        "date_order": _("The unit would end before it starts: valid_to is before valid_from."),
        "duplicate_code": _("The code %(code)s is already on row %(first)s of the file."),
        "unknown_parent": _("No unit has the code %(code)s, neither in the file nor in the tree."),
        "cycle": _("The parents form a cycle: %(chain)s."),
        "outside_scope": _("The unit %(code)s is outside your part of the tree."),
        "parent_outside_scope": _("The parent %(code)s is outside your part of the tree."),
        "root_operators": _("Only operators can create a unit at the top of the tree: give its parent's code."),
        "move_to_root": _("A unit already in the tree cannot be moved to the top of the tree by an import."),
        "own_role": _("Only an administrator above this unit can move it, close it or change its kind."),
        "too_deep": _("The tree would be too deep here."),
    }


def _file_messages() -> dict[str, str]:
    return {
        "bad_type": _("“%(name)s” is neither a CSV nor an XLSX file. Save the sheet as CSV UTF-8 or Excel workbook (.xlsx)."),
        "too_big": _("The file is larger than %(limit_mb)s MB."),
        "empty": _("The file is empty."),
        "not_xlsx": _("The file is named .xlsx but is not an Excel workbook."),
        "csv_is_xlsx": _("The file is named .csv but is an Excel workbook: name it .xlsx, or save it as CSV UTF-8."),
        "not_utf8": _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”."),
        "bad_xlsx": _("The workbook is damaged, protected by a password or too large once unpacked."),
        "bad_csv": _("The CSV file cannot be read at row %(row)s (a quote is not closed)."),
        "unknown_columns": _("Unknown columns: %(columns)s. The columns are: %(expected)s."),
        "blank_column": _("Column %(number)s of the header row has no name."),
        "duplicate_columns": _("Columns named twice in the header row: %(columns)s."),
        "missing_columns": _("Missing columns: %(columns)s. The first row must name the columns: %(expected)s."),
        "cells_outside_columns": _("Row %(row)s has values beyond the last named column."),
        "too_many_rows": _("The file has more than %(limit)s rows. Split it into several files."),
        "no_rows": _("The file has a header row but no units."),
    }


def row_message(code: str, params: dict) -> str:
    params = {**params, "kinds": ", ".join(KINDS)}
    return _row_messages().get(code, code) % params


def file_message(code: str, params: dict) -> str:
    params = dict(params)
    if "limit" in params and code == "too_big":
        params["limit_mb"] = params["limit"] // (1024 * 1024)
    return _file_messages().get(code, code) % params


def column_label(column: str) -> str:
    """Columns are shown by their names in the file's header row (what the reader sees there)."""
    return column if column in COLUMNS else ""
