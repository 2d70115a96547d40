"""A one-sheet XLSX writer for the dashboards' downloads.

Why not XlsxWriter (which wrote these files before): on the national root the download is
~2,800 cells, and XlsxWriter's per-cell bookkeeping (argument decorators, dimension checks,
a cell tuple, then XML through a writer object) cost ~10 ms of a ~50 ms response — enough to
put the export outside the issue's "3 × a plain page" bound. A dashboard table needs very
little of the format: one sheet, a bold frozen header row, column widths, numbers, dates,
booleans and text. This module writes exactly that, as one string per row, in ~2 ms.

The files are read back with openpyxl in the tests (an independent reader), so every
promise below is checked there:

- text is always written as text (``inlineStr``), never as a formula, so a unit named
  ``=SUM(…)`` stays a name;
- characters XML 1.0 cannot carry or would change (control characters, CR included) are
  written as Excel's ``_xHHHH_`` escapes, and text that looks like such an escape is itself
  escaped, so text comes back as it went in;
- text longer than Excel's 32,767-unit cell limit (UTF-16 units, as Excel counts) is cut
  there: Excel would refuse to open the file otherwise;
- dates are day serials with a ``dd/mm/yyyy`` format (Excel's fictitious 29 February 1900
  accounted for), numbers are numbers; a number Excel cannot store (NaN, ±infinity, an
  integer past a double's range) leaves the cell empty rather than corrupting the file.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape as _xml_escape

MAX_ROWS = 1_048_576
MAX_COLS = 16_384
MAX_TEXT = 32_767
DATE_FORMAT = "dd/mm/yyyy"

# Style indices in styles.xml's cellXfs below.
_BOLD = 1
_DATE = 2
_EPOCH = dt.datetime(1899, 12, 30)  # Excel's day 0 for dates from 1 March 1900 on (see _serial)
_MARCH_1900 = dt.datetime(1900, 3, 1)

# What text cannot carry as it is, in one pattern: the control characters (tab and LF are
# kept; CR too is escaped, or XML parsers would turn CRLF into LF), and every "_" that begins
# something Excel would read as its own ``_xHHHH_`` escape — including one this escaping
# writes right after it, hence one pass and a look-ahead of the "xHHHH" only.
_NEEDS_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4})|[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def _escape_one(match: re.Match) -> str:
    return f"_x{ord(match.group()):04X}_"


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _XML_HEAD
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _XML_HEAD
    + f'<Relationships xmlns="{_PKG_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _XML_HEAD
    + f'<Relationships xmlns="{_PKG_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    _XML_HEAD
    + f'<styleSheet xmlns="{_MAIN_NS}">'
    f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/></numFmts>'
    '<fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_APP = (
    _XML_HEAD
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Resolution Tracker</Application></Properties>"
)


def column_letters(index: int) -> str:
    """``0`` → ``A``, ``25`` → ``Z``, ``26`` → ``AA`` (Excel's bijective base 26)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    """Cell text as XML character data, with Excel's escapes where XML cannot carry it."""
    if len(value) > MAX_TEXT // 2:  # Excel counts UTF-16 units: an emoji is two
        encoded = value.encode("utf-16-le", "surrogatepass")
        if len(encoded) > 2 * MAX_TEXT:
            value = encoded[:2 * MAX_TEXT].decode("utf-16-le", "ignore")  # a split pair is dropped
    if _NEEDS_ESCAPE.search(value):
        value = _NEEDS_ESCAPE.sub(_escape_one, value)
    return _xml_escape(value)


def _serial(value: dt.datetime) -> float:
    """Excel's day number of a moment, in the 1900 date system.

    Excel counts 29 February 1900, which never was: from 1 March 1900 on, day 0 is
    30 December 1899; before it, one day later.
    """
    day = value - (_EPOCH if value >= _MARCH_1900 else _EPOCH + dt.timedelta(days=1))
    return day.days + (day.seconds + day.microseconds / 1e6) / 86400


def _number(value) -> str | None:
    """A number as the cell stores it (a double), or None where a sheet cannot store it."""
    if type(value) is int and -2**53 <= value <= 2**53:
        return str(value)
    try:
        number = float(value)
    except (OverflowError, ValueError):  # an int past a double's range, a signalling NaN
        return None
    return repr(number) if math.isfinite(number) else None


def _cells(row: Sequence[object], refs: Sequence[str], r: int) -> str:
    """One ``<row>``: each value by its type; ``None`` and ``""`` leave the cell out."""
    parts = [f'<row r="{r}">']
    add = parts.append
    for ref, value in zip(refs, row, strict=False):
        if value is None or value == "":
            continue
        kind = type(value)
        if kind is str:
            add(f'<c r="{ref}{r}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>')
        elif kind is bool:
            add(f'<c r="{ref}{r}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int | float | Decimal):
            number = _number(value)
            if number is not None:
                add(f'<c r="{ref}{r}"><v>{number}</v></c>')
        elif isinstance(value, dt.datetime):
            add(f'<c r="{ref}{r}" s="{_DATE}"><v>{_serial(value.replace(tzinfo=None))!r}</v></c>')
        elif isinstance(value, dt.date):
            add(f'<c r="{ref}{r}" s="{_DATE}"><v>{int(_serial(dt.datetime.combine(value, dt.time())))}</v></c>')
        else:
            add(f'<c r="{ref}{r}" t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>')
    add("</row>")
    return "".join(parts)


def _width(values: Sequence[object]) -> float:
    """A column wide enough for its header and first rows, between 10 and 60 characters."""
    longest = max(map(len, map(str, filter(lambda v: v is not None, values))), default=0)
    return min(max(10, longest + 2), 60)


def workbook(sheet_name: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A workbook of one sheet: ``headers`` in bold and frozen, then ``rows``.

    ``sheet_name`` must already be a valid Excel sheet name (≤ 31 characters, none of
    ``[]:*?/\\``); the caller folds its table names to ASCII for file names anyway.
    """
    width = max([len(headers)] + [len(row) for row in rows]) if rows else len(headers)
    if len(rows) + 1 > MAX_ROWS or width > MAX_COLS:
        raise ValueError(f"{len(rows) + 1} rows × {width} columns is more than one sheet holds")
    refs = [column_letters(c) for c in range(width)]
    last = f"{refs[-1]}{len(rows) + 1}" if width else "A1"
    sample = rows[:200]
    widths = [
        _width([headers[c] if c < len(headers) else None] + [row[c] for row in sample if c < len(row)])
        for c in range(width)
    ]
    cols = "".join(f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>' for c, w in enumerate(widths, 1))
    header = "".join(
        f'<c r="{ref}1" t="inlineStr" s="{_BOLD}"><is><t xml:space="preserve">{_text(str(h))}</t></is></c>'
        for ref, h in zip(refs, headers, strict=False)
    )
    sheet = "".join([
        _XML_HEAD,
        f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">',
        f'<dimension ref="A1:{last}"/>',
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/>',
        f"<cols>{cols}</cols>" if cols else "",
        f'<sheetData><row r="1">{header}</row>',
        *(_cells(row, refs, r) for r, row in enumerate(rows, start=2)),
        "</sheetData>",
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>',
        "</worksheet>",
    ])
    book = (
        _XML_HEAD
        + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets><sheet name="{_xml_escape(sheet_name, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    core = (
        _XML_HEAD
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>Resolution Tracker</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        "</cp:coreProperties>"
    )
    out = io.BytesIO()
    # Level 1: the XML is repetitive, so the fastest level already shrinks it ~10 ×.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("docProps/app.xml", _APP),
            ("docProps/core.xml", core),
            ("xl/workbook.xml", book),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES),
            ("xl/worksheets/sheet1.xml", sheet),
        ):
            package.writestr(name, data.encode("utf-8", "replace"))
    return out.getvalue()
