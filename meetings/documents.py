"""The periodic summary document: a DOCX laid out like a Party administrative report, and an XLSX.

``summary_document_request`` (service, leaders only) records a ``SummaryDocument`` and enqueues
its generation on commit; ``summary_document_build`` (called by the Celery task) computes
fresh figures when the period is open, writes both files and tracks ``progress``.
It is idempotent: a finished document is left alone, a failed or interrupted one is rebuilt.

The DOCX follows the layout of Party documents (Quy định 66-QĐ/TW / Hướng dẫn 36-HD/VPTW):
the issuing committee (with its superior above it) and "Số …-BC/…" at the top left,
"ĐẢNG CỘNG SẢN VIỆT NAM" and the place-and-date line at the top right, the title, one section
per directive with its figures and targets, the units that did not report, then "Nơi nhận"
and the signature block.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.actors import require_job_actor
from organizations.models import Organization, OrgKind, RoleKind
from organizations.selectors import can_access
from resolutions.models import DocumentStatus, ProgressSummary, SummaryDocument
from resolutions.periods import Period

from .missing import MissingItem, missing_reports
from .summaries import closed_period, compute_period, summary_rows

logger = logging.getLogger(__name__)

FIGURES = [
    ("expected_units", "Đơn vị phải báo cáo"),
    ("reported_units", "Đơn vị đã báo cáo"),
    ("units_on_time", "Hoàn thành đúng hạn"),
    ("units_late", "Hoàn thành trễ hạn"),
    ("units_pending", "Chưa hoàn thành, còn trong hạn"),
    ("units_overdue", "Quá hạn chưa báo cáo"),
    ("reporting_units", "Đơn vị có báo cáo"),
    ("reports", "Số báo cáo"),
    ("links_done", "Đánh giá: hoàn thành"),
    ("links_in_progress", "Đánh giá: đang thực hiện"),
    ("links_behind", "Đánh giá: chậm tiến độ"),
    ("links_not_started", "Đánh giá: chưa triển khai"),
]


@dataclass
class DocumentData:
    organization: Organization
    parent: Organization | None
    period: Period
    rows: list[ProgressSummary]
    missing: list[MissingItem]
    closed_at: dt.datetime | None
    generated: dt.date


def _t(value: object) -> str:
    """Text as a document may hold it: no character XML 1.0 cannot carry.

    A unit named with a vertical tab (pasted from Word) may already be stored; python-docx
    and openpyxl refuse such a character, and one name then failed every summary document
    of its unit. Vertical tabs and form feeds become spaces, other control characters and
    the non-characters U+FFFE/U+FFFF are dropped; spacing is kept (the "Số:        -BC/"
    line leaves room for the number written by hand).
    """
    return "" if value is None else str(value).translate(_NOT_XML)


#: What XML 1.0 cannot carry (tab, newline and carriage return aside), and what it becomes.
_NOT_XML: dict[int, str | None] = {
    **{c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)},
    0x0B: " ", 0x0C: " ", 0xFFFE: None, 0xFFFF: None,
}


def _upper(text: str) -> str:
    return _t(text).upper()


def _place(org: Organization) -> str:
    """The province or city of the organisation, for the date line ("Thành phố Hồ Chí Minh, ngày …")."""
    chain = [*Organization.objects.get_ancestors(org), org]
    province = next((o for o in chain if o.kind == OrgKind.PROVINCE), None)
    if province is None:
        return "Hà Nội"
    return province.name.replace("Đảng bộ ", "").strip()


def _pct(value, goal) -> str:
    try:
        return f"{float(value) / float(goal) * 100:.1f}%".replace(".", ",")
    except (TypeError, ZeroDivisionError, ValueError):
        return "—"


def _num(value) -> str:
    """Vietnamese number formatting: '.' separates thousands, ',' decimals."""
    if value is None:
        return "—"
    f = float(value)
    if f.is_integer():
        return f"{int(f):,}".replace(",", ".")
    return f"{f:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def collect(*, organization: Organization, period: Period, recompute: bool = True) -> DocumentData:
    closed = closed_period(period)
    if recompute and closed is None:
        compute_period(period, org=organization)
    return DocumentData(
        organization=organization, parent=Organization.objects.get_parent(organization), period=period,
        rows=list(summary_rows(organization=organization, period=period)),
        missing=missing_reports(organization=organization, period=period, include_late=False),
        closed_at=closed.closed_at if closed else None, generated=timezone.localdate(),
    )


# --------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------
def build_docx(data: DocumentData) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)

    def para(cell_or_doc, text="", *, bold=False, italic=False, size=None, align=None, underline=False):
        p = cell_or_doc.add_paragraph()
        if align is not None:
            p.alignment = align
        run = p.add_run(_t(text))
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        return p

    org, period = data.organization, data.period
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.paragraphs[0].text = ""
    center = WD_ALIGN_PARAGRAPH.CENTER
    if data.parent is not None:
        left.paragraphs[0].alignment = center
        left.paragraphs[0].add_run(_upper(data.parent.name)).font.size = Pt(13)
        para(left, _upper(org.short_name or org.name), bold=True, size=13, align=center)
    else:
        left.paragraphs[0].alignment = center
        r = left.paragraphs[0].add_run(_upper(org.short_name or org.name))
        r.bold, r.font.size = True, Pt(13)
    para(left, "*", align=center, size=13)
    para(left, "Số:        -BC/" + (org.code or ""), size=13, align=center)
    right.paragraphs[0].alignment = center
    r = right.paragraphs[0].add_run("ĐẢNG CỘNG SẢN VIỆT NAM")
    r.bold, r.underline, r.font.size = True, True, Pt(14)
    g = data.generated
    para(right, f"{_place(org)}, ngày {g.day:02d} tháng {g.month:02d} năm {g.year}", italic=True, size=13, align=center)

    para(doc, "")
    para(doc, "BÁO CÁO", bold=True, size=15, align=center)
    para(doc, f"Tổng hợp tình hình thực hiện các nghị quyết, chỉ thị {period.label_vi}", bold=True, size=14, align=center)
    para(doc, "-----", align=center)

    total_expected = sum(r.expected_units for r in data.rows)
    total_reported = sum(r.reported_units for r in data.rows)
    total_reports = sum(r.reports for r in data.rows)
    intro = (f"Thực hiện chế độ báo cáo định kỳ, {org.short_name or org.name} tổng hợp tình hình thực hiện "
             f"{len(data.rows)} văn bản chỉ đạo trong toàn Đảng bộ {period.label_vi} "
             f"(từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}) như sau: "
             f"có {_num(total_reports)} báo cáo; {_num(total_reported)}/{_num(total_expected)} lượt đơn vị "
             f"phải báo cáo đã báo cáo.")
    para(doc, intro, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if data.closed_at is not None:
        amended = max((r.amended_after_close for r in data.rows), default=0)
        note = f"Số liệu đã được chốt ngày {timezone.localtime(data.closed_at):%d/%m/%Y}"
        if amended:
            note += f"; có {amended} báo cáo được cập nhật sau khi chốt số liệu (không tính vào số liệu dưới đây)"
        para(doc, note + ".", italic=True)

    para(doc, "I. TÌNH HÌNH THỰC HIỆN THEO TỪNG VĂN BẢN", bold=True)
    if not data.rows:
        para(doc, "Trong kỳ chưa có số liệu.")
    for i, row in enumerate(data.rows, start=1):
        directive = row.directive
        para(doc, f"{i}. {directive.label}: {directive.title}", bold=True)
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text = "Nội dung"
        table.rows[0].cells[1].text = "Số liệu"
        for name, label in FIGURES:
            cells = table.add_row().cells
            cells[0].text = label
            cells[1].text = _num(getattr(row, name))
        cells = table.add_row().cells
        cells[0].text = "Báo cáo gần nhất (kỳ kết thúc)"
        cells[1].text = f"{row.last_report_date:%d/%m/%Y}" if row.last_report_date else "—"
        targets = list(row.target_values.all())
        for tv in targets:
            target = tv.target
            para(doc, f"- Chỉ tiêu “{target.name}”: đạt {_num(tv.value)}/{_num(target.value)} {target.unit} "
                      f"({_pct(tv.value, target.value)}; {tv.contributions} lượt báo cáo số liệu; "
                      f"cách tính: {target.get_aggregation_display()}).")

    para(doc, "II. CÁC ĐƠN VỊ CHƯA BÁO CÁO", bold=True)
    if not data.missing:
        para(doc, "Tất cả các đơn vị phải báo cáo đã gửi báo cáo đúng hạn.")
    else:
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("Đơn vị", "Văn bản", "Kỳ báo cáo", "Hạn báo cáo"), strict=True):
            cell.text = text
        for item in data.missing:
            cells = table.add_row().cells
            cells[0].text = _t(item.unit.name)
            cells[1].text = _t(item.directive.label)
            cells[2].text = item.period.label_vi
            cells[3].text = f"{item.due:%d/%m/%Y}"

    para(doc, "")
    footer = doc.add_table(rows=1, cols=2)
    left, right = footer.rows[0].cells
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    para(left, "- " + (f"{data.parent.short_name or data.parent.name} (để báo cáo)," if data.parent else "Như trên,"), size=12)
    para(left, "- Các đơn vị trực thuộc,", size=12)
    para(left, "- Lưu Văn phòng.", size=12)
    right.paragraphs[0].alignment = center
    right.paragraphs[0].add_run("T/M BAN THƯỜNG VỤ").bold = True
    para(right, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=12, align=center)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------
def _append(ws, values: list) -> None:
    """Append a row, every text as text: never a formula, never a character XML cannot carry.

    openpyxl stores any string starting with "=" as a formula, so a unit named
    ``=HYPERLINK(…)`` would become a live link (or a computation) in the leader's
    spreadsheet; the cell's type is set back to a string (written inline, as
    ``resolutions/xlsx.py`` writes every text). Why openpyxl here and not that writer: this
    workbook has three sheets and a title row, which the dashboards' one-sheet writer does not do.
    """
    ws.append([_t(v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def build_xlsx(data: DocumentData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    _append(ws, [f"Tổng hợp tình hình thực hiện {data.period.label_vi} — {data.organization.name}"])
    ws["A1"].font = Font(bold=True)
    header = ["Văn bản", "Trích yếu", *[label for _n, label in FIGURES], "Báo cáo gần nhất", "Cập nhật sau khi chốt"]
    _append(ws, header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in data.rows:
        _append(ws, [row.directive.label, row.directive.title, *[getattr(row, n) for n, _l in FIGURES],
                     row.last_report_date, row.amended_after_close])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 50

    wt = wb.create_sheet("Chỉ tiêu")
    _append(wt, ["Văn bản", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu", "Đạt được", "Tỷ lệ (%)", "Lượt báo cáo", "Cách tính"])
    for row in data.rows:
        for tv in row.target_values.all():
            goal = float(tv.target.value)
            _append(wt, [row.directive.label, tv.target.name, tv.target.unit, goal, float(tv.value),
                         round(float(tv.value) / goal * 100, 1) if goal else None, tv.contributions,
                         tv.target.aggregation])

    wm = wb.create_sheet("Chưa báo cáo")
    _append(wm, ["Mã đơn vị", "Đơn vị", "Văn bản", "Kỳ báo cáo", "Hạn báo cáo"])
    for item in data.missing:
        _append(wm, [item.unit.code, item.unit.name, item.directive.label, item.period.key, item.due])

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------
def can_request(user, organization: Organization) -> bool:
    return can_access(user, organization, kinds=[RoleKind.LEADER])


def summary_document_request(*, actor, organization: Organization, period: Period) -> SummaryDocument:
    """A leader asks for the periodic summary; it is generated by a Celery task after the commit."""
    if not can_request(actor, organization):
        raise PermissionDenied(_("Only leaders of this organisation can request its summary."))
    from .tasks import summary_document_build_task

    with transaction.atomic():
        doc = SummaryDocument.objects.create(organization=organization, period_kind=period.kind,
                                             period_start=period.start, period_end=period.end,
                                             requested_by=actor if getattr(actor, "pk", None) else None)
        transaction.on_commit(lambda: summary_document_build_task.delay(doc.pk))
    return doc


def _filename(doc: SummaryDocument, period: Period, ext: str) -> str:
    return f"bao-cao-tong-hop-{doc.organization.code}-{period.key}-{doc.pk}.{ext}".replace("/", "-")


def summary_document_build(*, actor, document_id: int) -> SummaryDocument | None:
    require_job_actor(actor)
    doc = SummaryDocument.objects.select_related("organization").filter(pk=document_id).first()
    if doc is None:
        return None
    if doc.status == DocumentStatus.DONE and doc.docx and doc.xlsx:
        return doc
    period = Period(doc.period_start, doc.period_end, doc.period_kind)

    def progress(value: int, status: str = DocumentStatus.RUNNING) -> None:
        SummaryDocument.objects.filter(pk=doc.pk).update(progress=value, status=status)

    progress(5)
    try:
        data = collect(organization=doc.organization, period=period)
        progress(50)
        docx_bytes = build_docx(data)
        progress(75)
        xlsx_bytes = build_xlsx(data)
        progress(90)
        for field in (doc.docx, doc.xlsx):
            if field:
                field.delete(save=False)
        doc.docx.save(_filename(doc, period, "docx"), ContentFile(docx_bytes), save=False)
        doc.xlsx.save(_filename(doc, period, "xlsx"), ContentFile(xlsx_bytes), save=False)
        doc.status, doc.progress, doc.finished_at, doc.error = DocumentStatus.DONE, 100, timezone.now(), ""
        doc.save(update_fields=["docx", "xlsx", "status", "progress", "finished_at", "error"])
    except Exception as exc:  # recorded for the user; transient errors are re-raised for the retry
        from .tasks import TRANSIENT

        logger.exception("summary document %s failed", document_id)
        SummaryDocument.objects.filter(pk=doc.pk).update(status=DocumentStatus.FAILED, error=str(exc)[:2000])
        if isinstance(exc, TRANSIENT):
            raise
        doc.refresh_from_db()
    return doc
