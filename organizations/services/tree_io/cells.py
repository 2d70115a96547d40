"""The file's columns and how one cell is read and written.

A file carries one unit a row, in the columns of :data:`COLUMNS` (their names as the header
row). Kinds are :class:`~organizations.models.OrgKind` values, dates ISO (``2020-01-31``;
``31/01/2020`` — what Excel set to Vietnamese writes back — and real date cells are read too),
numbers plain integers.

Formula escaping is undone exactly: the CSV writer puts an apostrophe before text a
spreadsheet would run as a formula (``organizations.spreadsheets.csv_safe``); the reader
takes one off again, and text that merely *starts* with an apostrophe gets a second one on
the way out so that the round trip export → import is the identity on every value.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from organizations.models import Organization, OrgKind
from organizations.spreadsheets import csv_formula_risk
from organizations.text import clean_line

#: The columns, in the order files are written.
COLUMNS = ("code", "name", "short_name", "kind", "parent_code", "member_count", "valid_from", "valid_to")
#: Columns a file must have (the others may be left out: blank, 0, open).
REQUIRED_COLUMNS = ("code", "name", "kind", "parent_code")
#: Stored fields a row sets on its unit, compared to find what changes.
FIELDS = ("name", "short_name", "kind", "member_count", "valid_from", "valid_to")
KINDS = tuple(OrgKind.values)
MAX_LENGTH = {name: Organization._meta.get_field(name).max_length for name in ("code", "name", "short_name")}
MAX_LENGTH["parent_code"] = MAX_LENGTH["code"]
MAX_MEMBERS = 2_147_483_647  # PositiveIntegerField's bound on every database Django supports

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class CellError(ValueError):
    """A cell that cannot be read: ``code`` names the problem (see ``plan.MESSAGES``)."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code, self.params = code, params


# -- escaping -----------------------------------------------------------------------------
def _escaped(text: str) -> bool:
    """Whether ``text`` is written behind an apostrophe (a formula, or an apostrophe before one)."""
    return csv_formula_risk(text) or (text.startswith("'") and _escaped(text[1:]))


def escape_csv(text: str) -> str:
    """Text as a CSV cell: never a formula, and read back as exactly ``text`` by :func:`unescape`."""
    return "'" + text if _escaped(text) else text


def escape_xlsx(text: str) -> str:
    """Text for a workbook cell (written as text, never a formula): only an apostrophe that
    :func:`unescape` would take off is doubled, so the workbook reads back exactly."""
    return "'" + text if text.startswith("'") and _escaped(text) else text


def unescape(text: str) -> str:
    """Undo :func:`escape_csv` / :func:`escape_xlsx` (one apostrophe before escaped text)."""
    return text[1:] if text.startswith("'") and _escaped(text[1:]) else text


# -- reading ------------------------------------------------------------------------------
def text_of(value) -> str:
    """A cell as one clean line of text (numbers typed into a text column read as typed)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_line(unescape(str(value)))


def read_text(value, column: str, *, required: bool = False) -> str:
    text = text_of(value)
    if required and not text:
        raise CellError("required")
    limit = MAX_LENGTH.get(column)
    if limit and len(text) > limit:
        raise CellError("too_long", limit=limit, length=len(text))
    return text


def read_kind(value) -> str:
    text = text_of(value).lower().replace(" ", "_")
    if not text:
        raise CellError("required")
    if text not in KINDS:
        raise CellError("bad_kind", value=text_of(value))
    return text


def read_count(value) -> int:
    """A non-negative whole number; blank is 0 (a unit whose members are not counted yet)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        raise CellError("bad_number", value=str(value))
    if isinstance(value, int):
        number = value
    else:
        text = text_of(value).replace(" ", "")
        try:
            parsed = Decimal(text)
        except InvalidOperation:
            raise CellError("bad_number", value=text_of(value)) from None
        if not parsed.is_finite() or parsed != parsed.to_integral_value():
            raise CellError("bad_number", value=text_of(value))
        number = int(parsed)
    if number < 0 or number > MAX_MEMBERS:
        raise CellError("bad_number", value=str(number))
    return number


def read_date(value) -> dt.date | None:
    """ISO ``2020-01-31``, ``31/01/2020`` or a date cell; blank is no date (open)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = text_of(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = _DMY.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise CellError("bad_date", value=text)


# -- writing ------------------------------------------------------------------------------
def row_of(org: Organization, parent_code: str) -> list:
    """A unit as the values of :data:`COLUMNS` (text unescaped; the writers escape)."""
    return [org.code, org.name, org.short_name, org.kind, parent_code, org.member_count,
            org.valid_from.isoformat() if org.valid_from else "",
            org.valid_to.isoformat() if org.valid_to else ""]
