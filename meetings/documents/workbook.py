"""The summary workbook: the DOCX's figures as sheets, each under title rows.

Every sheet opens with the organisation, the period in words, the date it was generated and
where the figures are defined, then Vietnamese column headers; aggregation is written in
words, never as the code stored in the register. Never a formula: see ``_append``.
"""
from __future__ import annotations

import io

from resolutions.models import Aggregation

from .assessment import PACE_WORDS
from .data import DocumentData
from .text import clean

#: How a target's contributions add up, as the sheet says it.
AGGREGATION_WORDS = {
    Aggregation.SUM: "Cộng các kết quả báo cáo",
    Aggregation.MAX: "Lấy kết quả cao nhất được báo cáo",
    Aggregation.LATEST: "Lấy kết quả báo cáo gần nhất của mỗi đơn vị",
}

def glossary_pointer() -> str:
    """Where a reader finds each figure's definition: the "Cách tính" page of the app."""
    from django.urls import NoReverseMatch, reverse

    try:
        return f"Định nghĩa các số liệu: trang “Cách tính” trong ứng dụng ({reverse('figures-glossary')})."
    except NoReverseMatch:
        return "Định nghĩa các số liệu: trang “Cách tính” trong ứng dụng."

SUMMARY_HEADER = [
    "Văn bản", "Trích yếu", "Đơn vị phải báo cáo", "Đơn vị đã báo cáo", "Đúng hạn", "Trễ hạn",
    "Chưa báo cáo (đã quá hạn)", "Chưa báo cáo, còn trong hạn", "Số báo cáo đề cập văn bản", "Đơn vị có báo cáo",
    "Tự đánh giá: hoàn thành", "Tự đánh giá: đang thực hiện", "Tự đánh giá: chậm tiến độ",
    "Tự đánh giá: chưa triển khai", "Kỳ báo cáo gần nhất kết thúc ngày",
]
TARGET_HEADER = ["Văn bản", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu", "Đạt trong kỳ", "Lũy kế đến hết kỳ",
                 "Tỷ lệ lũy kế (%)", "Tiến độ cần đạt (%)", "Đánh giá tiến độ", "Cách cộng dồn", "Thời hạn"]
UNITS_HEADER = ["Văn bản", "Đơn vị", "Tình trạng"]


def _append(ws, values: list) -> None:
    """Append a row, every text as text: never a formula, never a character XML cannot carry.

    openpyxl stores any string starting with "=" as a formula, so a unit named
    ``=HYPERLINK(…)`` would become a live link (or a computation) in the leader's
    spreadsheet; the cell's type is set back to a string (written inline, as
    ``resolutions/xlsx.py`` writes every text). Why openpyxl here and not that writer: this
    workbook has three sheets and title rows, which the dashboards' one-sheet writer does not do.
    """
    ws.append([clean(v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _titles(ws, data: DocumentData, subject: str) -> None:
    from openpyxl.styles import Font

    _append(ws, [clean(data.organization.name)])
    _append(ws, [f"{subject} {data.period.label_vi} (từ ngày {data.period.start:%d/%m/%Y} "
                 f"đến ngày {data.period.end:%d/%m/%Y})"])
    _append(ws, [f"Ngày lập: {data.generated:%d/%m/%Y}"])
    _append(ws, [glossary_pointer()])
    _append(ws, [])
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"].font = Font(bold=True)


def _header(ws, header: list[str]) -> None:
    from openpyxl.styles import Alignment, Font

    _append(ws, header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def build_xlsx(data: DocumentData) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    _titles(ws, data, "Tổng hợp tình hình thực hiện các nghị quyết, chỉ thị")
    _append(ws, [f"Trong kỳ có {data.distinct_reports} báo cáo của {data.reporting_units} đơn vị "
                 "(mỗi báo cáo tính một lần dù đề cập nhiều văn bản)."])
    _append(ws, [])
    _header(ws, SUMMARY_HEADER)
    for line in data.lines:
        _append(ws, [line.directive.label, line.directive.title, line.expected_units, line.units_reported,
                     line.units_on_time, line.units_late, line.units_missing, line.units_pending, line.reports,
                     line.reporting_units, line.links_done, line.links_in_progress, line.links_behind,
                     line.links_not_started, line.last_report_date])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 50

    wt = wb.create_sheet("Chỉ tiêu")
    _titles(wt, data, "Các chỉ tiêu")
    _header(wt, TARGET_HEADER)
    for line in data.lines:
        for t in line.targets:
            _append(wt, [line.directive.label, t.name, t.unit, float(t.goal),
                         float(t.period_value) if t.period_value is not None else 0.0,
                         float(t.cumulative or 0), t.percent, t.expected_percent, PACE_WORDS.get(t.pace, ""),
                         AGGREGATION_WORDS.get(t.aggregation, ""), t.deadline])
    wt.column_dimensions["B"].width = 50

    wm = wb.create_sheet("Chưa báo cáo, trễ hạn")
    _titles(wm, data, "Các đơn vị chưa báo cáo, báo cáo trễ hạn")
    _header(wm, UNITS_HEADER)
    for line in data.lines:
        for name in line.missing_names:
            _append(wm, [line.directive.label, name, "Chưa báo cáo"])
        for name in line.late_names:
            _append(wm, [line.directive.label, name, "Báo cáo trễ hạn"])
    wm.column_dimensions["B"].width = 50

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
