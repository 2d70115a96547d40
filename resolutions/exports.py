"""Tables as downloads: every dashboard table as CSV or XLSX.

A table is described once (:class:`Table`: a title, column headers and rows of plain values)
and rendered either way, so the download always carries the same figures as the page. Both
start with title rows (:class:`Heading`: the organisation, the period in words, the date the
file was made, where the figures are explained), then the headers in the user's language.

XLSX is written by XlsxWriter (:mod:`organizations.spreadsheets`) with numbers as numbers and dates as
dates. CSV is written for Excel set to Vietnamese (the README names the dialect): UTF-8 with
a BOM (Excel reads Vietnamese letters right only then), ``;`` between cells (the list
separator of a Vietnamese Windows, where ``,`` is the decimal comma), decimal commas
("38,9"), dates as dd/mm/yyyy and CRLF line ends.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations import spreadsheets as xlsx
from organizations.spreadsheets import csv_safe

from .dashboards import period_label

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_DELIMITER = ";"
DECIMAL_COMMA = ","

Cell = str | int | float | Decimal | dt.date | None


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class Heading:
    """What a download says above its table: whose figures, of which period, made when."""

    organization: str
    period: str  # in words ("Tháng 06/2019"), never a key such as 2019-06
    generated: dt.date = field(default_factory=timezone.localdate)

    @classmethod
    def of(cls, organization, period) -> Heading:
        return cls(str(organization), period_label(period))

    def lines(self, table: Table) -> list[str]:
        """The title rows of ``table``, in the active language."""
        return [
            self.organization,
            f"{table.title} — {self.period}",
            _("Generated on %(date)s") % {"date": self.generated.strftime("%d/%m/%Y")},
            _("How each figure is computed: see the page “How figures are computed” in the app."),
        ]


def safe_filename(text: str) -> str:
    """ASCII file names (Vietnamese letters folded): some mail gateways mangle the others."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text).strip("-") or "table"


def _decimal_text(value: float | Decimal) -> str:
    """A number with a decimal comma and no exponent ("38,9", "0,000000001"); empty if not finite."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        value = Decimal(repr(value))
    if not value.is_finite():
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", DECIMAL_COMMA)


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return _decimal_text(value)
    # Never let a spreadsheet run a cell as a formula (CSV injection): "=HYPERLINK(…)" in a
    # unit's name would be a live link in the leader's spreadsheet.
    return csv_safe(str(value))


def to_csv(table: Table, heading: Heading | None = None) -> bytes:
    """The table as CSV for Excel set to Vietnamese: BOM, ``;``, decimal commas, dd/mm/yyyy, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    if heading:
        for line in heading.lines(table):
            writer.writerow([_csv_cell(line)])
        writer.writerow([])
    writer.writerow([_csv_cell(h) for h in table.headers])  # headers name directives too
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


#: How long a written workbook is kept (its key changes with its content, long before).
XLSX_CACHE_SECONDS = 60 * 60


def to_xlsx(table: Table, heading: Heading | None = None) -> bytes:
    """The table as a workbook: title rows, bold frozen header row; numbers as numbers, dates as dates.

    Every value is written by its type — text always as text, so a unit name starting with
    "=" never becomes a formula (see :mod:`organizations.spreadsheets`).
    """
    sheet = safe_filename(table.name)[:31] or "Sheet1"
    headers = [str(h) for h in table.headers]
    titles = heading.lines(table) if heading else ()
    # Keyed on the content itself: the same figures, words and date give the same file, and any
    # change (a recompute, another language, the next day) gives another key — a stale file is
    # never served. Writing a workbook costs more than reading the figures it holds.
    key = "xlsx:" + hashlib.sha256(repr((sheet, headers, table.rows, list(titles))).encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        data = xlsx.workbook(sheet, headers, table.rows, titles)
        cache.set(key, data, XLSX_CACHE_SECONDS)
    return data


def table_response(table: Table, fmt: str, filename: str, heading: Heading | None = None) -> HttpResponse:
    """The table as an attachment in ``fmt``; unknown formats are a 404."""
    if fmt not in FORMATS:
        raise Http404
    name = f"{safe_filename(filename)}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(to_csv(table, heading), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(to_xlsx(table, heading), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def pick(tables: Sequence[Table], name: str) -> Table:
    for t in tables:
        if t.name == name:
            return t
    raise Http404


# --------------------------------------------------------------------------------------
# The dashboards' tables (the same figures as on the pages)
# --------------------------------------------------------------------------------------
def _figure_cells(row) -> list[Cell]:
    s = row.summary
    return [str(row.status.label), s.expected_units, s.reported_units, row.coverage, s.units_on_time,
            s.units_late, s.units_pending, s.units_overdue, s.reports, s.last_report_date]


def _figure_headers() -> list[str]:
    # The glossary's names ("Cách tính"): one name a figure, on the pages and in the downloads.
    return [_("Status"), _("Units expected to report"), _("Reported"), _("Coverage (%)"), _("On time"),
            _("Late"), _("Not yet due"), _("Missing"), _("Reports on the directive"),
            _("Last report")]


def dashboard_tables(board, *, for_page: bool = False) -> list[Table]:
    """Directives, targets and trend of a dashboard (``resolutions.dashboards.Dashboard``).

    ``for_page``: the page only names the first two (download links) and shows the trend of its
    own rows, so only that is filled; a download fills all three with every row.
    """
    directives = Table("directives", _("Directives"), [_("Directive"), _("Title"), _("Issuer")] + _figure_headers())
    targets = Table("targets", _("Targets"), [_("Directive"), _("Target"), _("Unit"), _("Value"), _("Goal"),
                                               _("Reached (%)"), _("Deadline"), _("Pace"), _("Computed as")])
    periods = board.trend_periods
    trend = Table("trend", _("Coverage over recent periods (%)"), [_("Directive")] + [period_label(p) for p in periods])
    if for_page:
        trend.rows = [[r.directive.label] + [p.coverage for p in r.trend] for r in board.rows]
        return [directives, targets, trend]
    for r in board.all_rows:
        d = r.directive
        directives.rows.append([d.label, d.title, str(d.issuer)] + _figure_cells(r))
        for t in r.targets:
            targets.rows.append([d.label, t.target.name, t.target.unit, t.value, t.target.value, t.percent,
                                 t.target.deadline, str(t.pace_label),
                                 t.target.get_aggregation_display()])
        trend.rows.append([d.label] + [p.coverage for p in r.trend])
    return [directives, targets, trend]


def drill_tables(drill, *, for_page: bool = False) -> list[Table]:
    """Units and history of a directive drill-down (``resolutions.dashboards.DirectiveDrill``).

    ``for_page``: the page draws the units in its own table and only links their download,
    so the units table is left empty there (100 rows of cells made for nothing).
    """
    target_headers = [f"{t.name} ({t.unit})" for t in drill.targets]
    units = Table("units", _("Units"), [_("Unit"), _("Code")] + _figure_headers() + target_headers)
    for r in [] if for_page else drill.units:
        units.rows.append([str(r.organization), r.organization.code] + _figure_cells(r) + [t.value for t in r.targets])
    history = Table("history", _("Progress over time"), [_("Period"), _("Units expected to report"), _("Reported"),
                                                         _("Coverage (%)"), _("Late"), _("Missing")])
    for p in drill.history:
        history.rows.append([p.label, p.expected, p.reported, p.coverage, p.late, p.overdue])
    return [units, history]


def matrix_tables(m) -> list[Table]:
    """The unit × directive matrix: coverage (%) per cell, empty where nothing is assigned."""
    table = Table("matrix", _("Units × directives"), [_("Unit"), _("Code")] + [d.label for d in m.directives])
    for unit, cells in m.units:
        table.rows.append([str(unit), unit.code] + [None if c.empty else c.row.coverage for c in cells])
    return [table]
