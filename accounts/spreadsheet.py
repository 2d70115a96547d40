"""Reading and checking a spreadsheet of new accounts (XLSX or CSV). Reads only: creating the
accounts is ``services.account_import``, which checks every row again inside its transaction.

An upload is hostile input: at most ``MAX_UPLOAD_BYTES``, at most ``MAX_ROWS`` rows, every
cell cut at ``MAX_CELL`` characters before it is looked at, a workbook checked as a ZIP before
anything is inflated (entries, declared sizes, encryption). Every problem is reported with the
row number the user sees in their spreadsheet (the header is row 1) and the column's name, so
that the whole file can be corrected in one pass.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import asdict, dataclass

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import Organization, RoleKind
from organizations.selectors import can_access
from organizations.text import clean_line, search_key

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_ROWS = 500
MAX_CELL = 300
#: What a workbook may unpack to, and how many parts it may have (a sheet of 500 rows is ~100 KB).
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 200

#: The columns, in the order of the template, with their names as the user sees them.
COLUMNS = ("username", "full_name", "email", "unit_code", "role")
COLUMN_LABELS = {
    "username": gettext_lazy("user name"),
    "full_name": gettext_lazy("full name"),
    "email": gettext_lazy("e-mail"),
    "unit_code": gettext_lazy("unit code"),
    "role": gettext_lazy("role"),
}
#: Header spellings accepted for each column (compared folded: accents, case and spaces optional).
HEADERS = {
    "username": ("username", "user name", "ten dang nhap", "tai khoan"),
    "full_name": ("full_name", "full name", "name", "ho va ten", "ho ten"),
    "email": ("email", "e-mail", "thu dien tu"),
    "unit_code": ("unit_code", "unit code", "unit", "ma don vi", "don vi"),
    "role": ("role", "vai tro"),
}
#: Role spellings accepted (folded): the English value or the Vietnamese word.
ROLES = {
    "staff": RoleKind.STAFF, "can bo": RoleKind.STAFF,
    "leader": RoleKind.LEADER, "lanh dao": RoleKind.LEADER,
    "admin": RoleKind.ADMIN, "administrator": RoleKind.ADMIN, "quan tri": RoleKind.ADMIN,
}


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (its message is for the user)."""


@dataclass(frozen=True)
class ImportRow:
    row: int  # as numbered in the spreadsheet (the header is row 1)
    username: str
    full_name: str
    email: str
    unit_code: str
    role: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # a key of COLUMNS, or "" for the whole row
    message: str

    @property
    def column_label(self) -> str:
        return str(COLUMN_LABELS.get(self.column, ""))


def _fold_header(value: str) -> str:
    return search_key(value.replace("_", " "))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number comes back as 123.0
    return clean_line(str(value)[:MAX_CELL])


def read_upload(upload) -> list[ImportRow]:
    """The rows of an uploaded .xlsx or .csv (blank rows skipped); ``SpreadsheetError`` if the
    file cannot be read, lacks a column or has too many rows."""
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(_("The file is larger than %(max)d KB.") % {"max": MAX_UPLOAD_BYTES // 1024})
    name = (getattr(upload, "name", "") or "").lower()
    if data[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        lines = _xlsx_lines(data)
    else:
        lines = _csv_lines(data)
    return _rows(lines)


def _xlsx_lines(data: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SpreadsheetError(_("This file is not an Excel workbook (.xlsx), or it is damaged.")) from None
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(_("This workbook is too large once unpacked: keep only the accounts' sheet."))
    if any(i.flag_bits & 0x1 for i in infos):
        raise SpreadsheetError(_("This workbook is password-protected: save it without a password."))
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in values[:len(COLUMNS) + 20]]
    except SpreadsheetError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise SpreadsheetError(_("This file is not an Excel workbook (.xlsx), or it is damaged.")) from None


def _csv_lines(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(_("This CSV file is not in UTF-8: in Excel, save it as “CSV UTF-8”.")) from None
    if "\x00" in text:
        raise SpreadsheetError(_("This file is not a CSV file."))
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    for values in csv.reader(io.StringIO(text), delimiter=delimiter):
        yield [_cell(v) for v in values[:len(COLUMNS) + 20]]


def _rows(lines) -> list[ImportRow]:
    rows: list[ImportRow] = []
    header: dict[str, int] | None = None
    for number, values in enumerate(lines, start=1):
        if not any(values):
            continue
        if header is None:
            header = _header(values)
            continue
        if len(rows) >= MAX_ROWS:
            raise SpreadsheetError(_("The file has more than %(max)d accounts: split it into several files.")
                                   % {"max": MAX_ROWS})
        get = {col: (values[i] if i < len(values) else "") for col, i in header.items()}
        rows.append(ImportRow(row=number, **get))
    if header is None:
        raise SpreadsheetError(_("The file is empty."))
    if not rows:
        raise SpreadsheetError(_("The file has a header row but no account."))
    return rows


def _header(values: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        key = _fold_header(value)
        for column, spellings in HEADERS.items():
            if key in spellings and column not in found:
                found[column] = index
    missing = [c for c in COLUMNS if c not in found and c != "email"]
    if missing:
        raise SpreadsheetError(_("The first row must name the columns; missing: %(columns)s.")
                               % {"columns": ", ".join(c for c in missing)})
    found.setdefault("email", len(values) + 100)  # an absent e-mail column reads as empty
    return found


def check_rows(actor, rows: list[ImportRow]) -> tuple[list[RowError], dict[int, tuple[Organization, str]]]:
    """Every problem of every row, and for the good rows their unit and role.

    A unit code that does not exist and one outside the actor's admin subtree get the same
    message: the check must not reveal what other committees have.
    """
    from .selectors import username_taken

    errors: list[RowError] = []
    resolved: dict[int, tuple[Organization, str]] = {}
    codes = {r.unit_code for r in rows if r.unit_code}
    units = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    seen: dict[str, int] = {}
    validate_username = UnicodeUsernameValidator()
    for r in rows:
        found = []

        def error(column: str, message: str, r=r, found=found) -> None:
            found.append(RowError(r.row, column, message))

        if not r.username:
            error("username", _("The user name is missing."))
        elif len(r.username) > 150:
            error("username", _("At most 150 characters."))
        else:
            try:
                validate_username(r.username)
            except ValidationError:
                error("username", _("Only letters, digits and @ . + - _ are allowed."))
            else:
                key = r.username.lower()
                if key in seen:
                    error("username", _("Same user name as row %(row)d.") % {"row": seen[key]})
                elif username_taken(r.username):
                    error("username", _("This user name is already taken."))
                seen.setdefault(key, r.row)
        if not r.full_name:
            error("full_name", _("The full name is missing."))
        elif len(r.full_name) > 150:
            error("full_name", _("At most 150 characters."))
        if r.email:
            try:
                validate_email(r.email)
                if len(r.email) > 254:
                    raise ValidationError("too long")
            except ValidationError:
                error("email", _("Not a valid e-mail address."))
        unit = units.get(r.unit_code)
        if not r.unit_code:
            error("unit_code", _("The unit code is missing."))
        elif unit is None or not can_access(actor, unit, kinds=[RoleKind.ADMIN]):
            error("unit_code", _("No unit with this code in your part of the tree."))
        elif not unit.is_active:
            error("unit_code", _("This unit has been dissolved."))
        kind = ROLES.get(search_key(r.role))
        if not r.role:
            error("role", _("The role is missing."))
        elif kind is None:
            error("role", _("Use staff, leader or admin (cán bộ, lãnh đạo or quản trị)."))
        if found:
            errors.extend(found)
        else:
            resolved[r.row] = (unit, kind)
    return errors, resolved


def rows_from_dicts(items: list[dict]) -> list[ImportRow]:
    """Rows sent back by the confirmation form (signed, but checked again all the same)."""
    rows = []
    for item in items[:MAX_ROWS]:
        rows.append(ImportRow(row=int(item["row"]), **{c: _cell(item.get(c, "")) for c in COLUMNS}))
    return rows


def template_workbook() -> bytes:
    """The header row and one example row, for the download link (the project's formula-safe
    writer: the header is the first row, so the file reads back as it is)."""
    from organizations.spreadsheets import workbook

    return workbook("accounts", list(COLUMNS),
                    [["nguyenvanan", "Nguyễn Văn An", "an.nv@example.vn", "HCM-Q1", "staff"]])
