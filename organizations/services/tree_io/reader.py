"""Reading an uploaded file into rows: CSV or XLSX, bounded, each row with its number.

An upload is hostile input. Before anything is parsed the file must be at most
:data:`MAX_BYTES`; a workbook is a ZIP whose entries are checked from its directory (count,
declared sizes — Python's ``zipfile`` never inflates past a declared size — and compression
ratio) before openpyxl reads it; at most :data:`MAX_ROWS` rows are taken. Row numbers are
the ones a spreadsheet shows (the header is row 1), so an error list can be followed in
Excel.

Workbooks are read by tablib's XLSX format (openpyxl in read-only mode, values not
formulas). CSV goes through the standard ``csv`` module directly: tablib's CSV reader drops
blank lines, which would shift every row number after one.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from .cells import COLUMNS, REQUIRED_COLUMNS, text_of

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_ZIP_ENTRIES = 200
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_RATIO = 100
FORMATS = ("csv", "xlsx")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (type, encoding, size, header): nothing is planned."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def message(self) -> str:
        from .messages import file_message

        return file_message(self.code, self.params)


@dataclass
class Table:
    """The rows of a file: ``rows`` are (row number, {column: raw cell}) without blank rows."""

    format: str
    columns: list[str]
    rows: list[tuple[int, dict]] = field(default_factory=list)


def format_of(filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in FORMATS:
        raise ImportFileError("bad_type", name=filename)
    return ext


def read_table(data: bytes, filename: str) -> Table:
    """The file's header and rows; :class:`ImportFileError` says why a file cannot be read."""
    fmt = format_of(filename)
    if len(data) > MAX_BYTES:
        raise ImportFileError("too_big", size=len(data), limit=MAX_BYTES)
    if not data.strip():
        raise ImportFileError("empty")
    is_zip = data[:4] == b"PK\x03\x04"
    if fmt == "xlsx":
        if not is_zip:
            raise ImportFileError("not_xlsx")
        grid = _xlsx_rows(data)
    else:
        if is_zip:
            raise ImportFileError("csv_is_xlsx")
        grid = _csv_rows(data)
    return _table(fmt, grid)


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("not_utf8") from None
    if "\x00" in text:
        raise ImportFileError("not_utf8")
    first = text.split("\n", 1)[0]
    # The product's dialect is ";" (Excel set to Vietnamese); "," is what most other tools write.
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes):
    import tablib

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise ImportFileError("bad_xlsx")
            total = 0
            for entry in entries:
                if entry.flag_bits & 0x1:  # encrypted
                    raise ImportFileError("bad_xlsx")
                total += entry.file_size
                if entry.file_size > 1_000_000 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                    raise ImportFileError("bad_xlsx")
            if total > MAX_UNZIPPED_BYTES:
                raise ImportFileError("bad_xlsx")
    except zipfile.BadZipFile:
        raise ImportFileError("bad_xlsx") from None
    dataset = tablib.Dataset()
    try:
        dataset.load(io.BytesIO(data), format="xlsx", read_only=True)
    except ImportFileError:
        raise
    except Exception:  # openpyxl and tablib raise many kinds for a damaged workbook
        raise ImportFileError("bad_xlsx") from None
    yield list(dataset.headers or [])
    yield from (list(row) for row in dataset)


def _table(fmt: str, grid) -> Table:
    rows = iter(grid)
    try:
        header_cells = next(rows)
    except StopIteration:
        raise ImportFileError("empty") from None
    except csv.Error:
        raise ImportFileError("bad_csv", row=1) from None
    columns = [text_of(h).lower().replace(" ", "_") for h in header_cells]
    while columns and not columns[-1]:
        columns.pop()
    unknown = [c for c in columns if c and c not in COLUMNS]
    if unknown:
        raise ImportFileError("unknown_columns", columns=", ".join(unknown), expected=", ".join(COLUMNS))
    if "" in columns:
        raise ImportFileError("blank_column", number=columns.index("") + 1)
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise ImportFileError("duplicate_columns", columns=", ".join(duplicated))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError("missing_columns", columns=", ".join(missing), expected=", ".join(COLUMNS))
    table = Table(fmt, columns)
    number = 1
    try:
        for cells in rows:
            number += 1
            if not any(text_of(c) for c in cells):
                continue
            if any(text_of(c) for c in cells[len(columns):]):
                raise ImportFileError("cells_outside_columns", row=number)
            if len(table.rows) >= MAX_ROWS:
                raise ImportFileError("too_many_rows", limit=MAX_ROWS)
            table.rows.append((number, {c: (cells[i] if i < len(cells) else None) for i, c in enumerate(columns)}))
    except csv.Error:
        raise ImportFileError("bad_csv", row=number) from None
    if not table.rows:
        raise ImportFileError("no_rows")
    return table
