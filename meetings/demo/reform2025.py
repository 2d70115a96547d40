"""The demo's 2025 reorganisation, with reports on both sides of 1 July 2025.

In 2025 the district level ended (30-6-2025) and wards were merged (DOMAIN §1). The demo
does the same to District 1 of Ho Chi Minh City: the wards Bến Nghé and Đa Kao merge into a
new Phường Sài Gòn directly under the city, and the district ends, its remaining ward Bến
Thành going directly under the city too. Their cells report monthly on Chỉ thị 05-CT/TW from
April to September 2025: April–June on the units as they were, July–September on the new
ones — so the Q2 summary shows the district with its wards, the Q3 summary the new wards under
the city. Applied through the real services (as the city's admin), like any admin would.
"""
from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

from organizations.models import Organization, OrgKind, Reorganisation
from organizations.services import NewUnit, plan_dissolve, plan_merge, reorganise
from organizations.text import search_key
from resolutions.models import Assignment, Directive

from ..models import Assessment, Meeting, Report, ReportStatus

EFFECTIVE = dt.date(2025, 7, 1)
WARDS = ("HCM-Q1-PBN", "HCM-Q1-PBT", "HCM-Q1-PDK")
MERGED = ("HCM-Q1-PBN", "HCM-Q1-PDK")
REASON_MERGE = ("Nghị quyết số 1685/NQ-UBTVQH15 ngày 16-6-2025 của Ủy ban Thường vụ Quốc hội về sắp xếp các đơn vị "
                "hành chính cấp xã của Thành phố Hồ Chí Minh: Phường Bến Nghé và Phường Đa Kao hợp thành Phường Sài Gòn.")
REASON_DISTRICT = ("Kết luận số 137-KL/TW ngày 28-3-2025 của Bộ Chính trị: kết thúc hoạt động của đảng bộ cấp huyện "
                   "từ ngày 01-7-2025; các đảng bộ phường trực thuộc Thành ủy.")
CITATION = "Chỉ thị số 05-CT/TW của Bộ Chính trị"
BEFORE, AFTER = (4, 5, 6), (7, 8, 9)


def _month_end(month: int) -> dt.date:
    return dt.date(2025, month, calendar.monthrange(2025, month)[1])


def _cells(ward_codes) -> list[Organization]:
    out = []
    for code in ward_codes:
        ward = Organization.objects.get(code=code)
        out += list(Organization.objects.filter(path__startswith=ward.path, kind=OrgKind.CELL).order_by("path"))
    return out


def _reports(cells: list[Organization], months, directive: Directive, author, result, link) -> None:
    for cell in cells:
        for month in months:
            day = dt.date(2025, month, 10 + cell.pk % 10)
            title = f"Báo cáo sinh hoạt chi bộ định kỳ tháng {month:02d}/2025 — {cell.short_name or cell.name}"
            if Report.objects.filter(organization=cell, title=title).exists():
                continue
            body = (f"Chi bộ tổ chức sinh hoạt định kỳ tháng {month:02d}/2025 với sự tham dự của đa số đảng viên.\n"
                    f"Chi bộ tiếp tục thực hiện {CITATION} về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, "
                    f"phong cách Hồ Chí Minh gắn với nhiệm vụ của khu phố sau sắp xếp.")
            meeting = Meeting(organization=cell, kind="cell_regular", date=day, created_by=author,
                              title=f"Sinh hoạt chi bộ định kỳ tháng {month:02d}/2025",
                              attendance=max(cell.member_count - 1, 1), expected_attendance=max(cell.member_count, 1))
            meeting.full_clean()
            meeting.save()
            end = _month_end(month)
            submitted = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=3), dt.time(9, 0)))
            report = Report(organization=cell, meeting=meeting, kind="periodic", period_kind="month",
                            period_start=dt.date(2025, month, 1), period_end=end, title=title, body=body,
                            author=author, status=ReportStatus.ACCEPTED, submitted_at=submitted,
                            reviewed_at=submitted + dt.timedelta(days=1), search_text=search_key(f"{title} {body}"))
            report.full_clean()
            report.save()
            result.add("meetings")
            result.add("reports")
            start = body.index(CITATION)
            link(report, directive, [(start, start + len(CITATION))], result, Assessment.IN_PROGRESS)


def load_reform_2025(directives: dict[str, Directive], author, admin, result, link) -> None:
    """Idempotent: a second run finds the reorganisation recorded and changes nothing."""
    if Reorganisation.objects.filter(effective=EFFECTIVE, reason=REASON_DISTRICT).exists():
        return
    ct05 = directives["CT05"]
    for code in WARDS:
        _, created = Assignment.objects.get_or_create(
            directive=ct05, organization=Organization.objects.get(code=code), reporter_kind=OrgKind.CELL,
            start=dt.date(2025, 1, 1), defaults={"frequency": "month", "end": dt.date(2025, 12, 31), "due_days": 5})
        result.add("assignments", created)
    _reports(_cells(WARDS), BEFORE, ct05, author, result, link)
    city = Organization.objects.get(code="HCM")
    merge = plan_merge(actor=admin, sources=[Organization.objects.get(code=c) for c in MERGED], effective=EFFECTIVE,
                       reason=REASON_MERGE, new_parent=city,
                       new_unit=NewUnit(code="HCM-PSG", name="Đảng bộ Phường Sài Gòn", short_name="Đảng ủy Phường Sài Gòn",
                                        kind=OrgKind.COMMUNE))
    reorganise(actor=admin, plan=merge)
    district = plan_dissolve(actor=admin, unit=Organization.objects.get(code="HCM-Q1"), successor=city,
                             effective=EFFECTIVE, reason=REASON_DISTRICT)
    reorganise(actor=admin, plan=district)
    result.add("reorganisations", 2)
    _reports(_cells(["HCM-PSG", "HCM-Q1-PBT"]), AFTER, ct05, author, result, link)
