"""The summary document: DOCX read back with python-docx, XLSX with openpyxl; leader-only pages."""
from __future__ import annotations

import io

import pytest
from django.urls import include, path, reverse

import config.urls
from meetings.documents import build_docx, collect, summary_document_build, summary_document_request
from organizations.actors import system_actor
from organizations.models import RoleKind
from resolutions.models import DocumentStatus, SummaryDocument

from .test_summaries import MARCH, NOW, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

# The pages are tested through this URLconf until config/urls.py includes meetings.urls_summaries.
urlpatterns = [path("tong-hop/", include("meetings.urls_summaries")), *config.urls.urlpatterns]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def docx_text(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    from docx import Document

    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return paragraphs, tables


def body_text(data: bytes) -> str:
    return "\n".join(docx_text(data)[0])


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end)]


@pytest.mark.embedded
def test_docx_layout_and_figures(world, media):  # noqa: F811
    """The header, number line, title, assessment, Nơi nhận and signature of a committee's report."""
    import datetime as dt

    from meetings.documents.text import percent
    from meetings.models import ImplementationLink
    from meetings.summaries import compute_period
    from organizations.models import Person, Position, PositionTitle
    from resolutions.dashboards.figures import figures_for

    t, d = world["tree"], world["d"]
    former = Person.objects.create(full_name="Lê Văn Cũ")
    Position.objects.create(person=former, organization=t["ROOT"], title=PositionTitle.SECRETARY,
                            start=dt.date(2010, 1, 1), end=dt.date(2015, 12, 31))
    secretary = Person.objects.create(full_name="Nguyễn Thị Bí Thư")
    Position.objects.create(person=secretary, organization=t["ROOT"], title=PositionTitle.SECRETARY,
                            start=dt.date(2016, 1, 1))
    deputy = Person.objects.create(full_name="Trần Văn Phó")
    Position.objects.create(person=deputy, organization=t["ROOT"], title=PositionTitle.DEPUTY)
    type(world["sum"]).objects.filter(pk=world["sum"].pk).update(deadline=dt.date(2019, 12, 31))
    ImplementationLink.objects.filter(report__organization=t["A1b"], directive=d).update(
        note="Chi bộ đã tổ chức cho 100% đảng viên đăng ký làm theo.\x0b Còn 2 đảng viên chưa hoàn thành bản cam kết. "
             "Chi bộ sẽ đôn đốc trong tháng tới và báo cáo kết quả cụ thể về Đảng ủy cấp trên.")
    compute_period(MARCH, now=NOW)
    data = collect(organization=t["ROOT"], period=MARCH, recompute=False)
    pace = next(tf for f in figures_for(t["ROOT"], MARCH) for tf in f.targets if tf.target.name == "sum")
    paragraphs, tables = docx_text(build_docx(data))
    left, right = tables[0][0]
    # Header: the đảng bộ over its committee, "*", the number with the committee's symbol code (never the unit's code).
    assert left.split("\n")[:4] == ["ĐẢNG BỘ THỬ NGHIỆM", "THÀNH ỦY", "*", "Số:        -BC/TU"]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in right and ", ngày " in right and " tháng " in right and " năm " in right
    text = "\n".join(paragraphs)
    assert "BÁO CÁO" in paragraphs and "Tình hình thực hiện các nghị quyết, chỉ thị tháng 3/2019" in paragraphs
    # I. Results: the figures in sentences, the same as the summary row.
    results = section(text, "I. KẾT QUẢ THỰC HIỆN", "II. HẠN CHẾ, TỒN TẠI")
    assert f"1. {d.label}" in results
    assert ("Có 3/5 đơn vị phải báo cáo đã báo cáo (60%), trong đó 2 đúng hạn, 1 trễ hạn; 2 đơn vị chưa báo cáo"
            " (đã quá hạn): Đảng bộ cơ sở A2 và Đảng bộ cơ sở B1.") in results
    assert "Trong kỳ có 4 báo cáo đề cập việc thực hiện văn bản." in results
    assert "Chỉ tiêu “sum”: trong kỳ đạt 15 " in results and "lũy kế đến hết kỳ đạt 15/100 " in results
    assert pace.pace == "behind" and pace.expected_percent > 15
    assert "Chỉ tiêu “max”: trong kỳ đạt 8 " in results and "kết quả cao nhất được báo cáo đến hết kỳ đạt 8/100" in results
    assert f"(15%), tiến độ cần đạt {percent(pace.expected_percent)}: chậm so với tiến độ." in results
    # The reports' own words, with the unit's name, trimmed to their first sentences.
    assert "Chi bộ A1b: “Chi bộ đã tổ chức cho 100% đảng viên đăng ký làm theo. Còn 2 đảng viên" in results
    # The total counts each report once: 4 reports (one of them a quarterly report) from 4 units.
    assert "Trong kỳ, có 4 báo cáo của 4 đơn vị trong Đảng bộ" in text
    # II. Late and missing by name; the late cell is never listed as missing.
    shortcomings = section(text, "II. HẠN CHẾ, TỒN TẠI", "III. NHIỆM VỤ THỜI GIAN TỚI")
    assert "2 đơn vị chưa báo cáo (Đảng bộ cơ sở A2 và Đảng bộ cơ sở B1)" in shortcomings
    assert "1 đơn vị báo cáo trễ hạn (Chi bộ A1b)" in shortcomings
    assert "Chỉ tiêu “sum” (Chỉ thị" in shortcomings and "thấp hơn tiến độ cần đạt" in shortcomings
    missing_clause = results.split("chưa báo cáo (đã quá hạn): ")[1].split(".")[0]
    assert "Chi bộ A1b" not in missing_clause and "Đảng bộ cơ sở A2" in missing_clause
    tasks = text[text.index("III. NHIỆM VỤ THỜI GIAN TỚI"):]
    assert "(Văn phòng bổ sung" in tasks and "Đôn đốc các đơn vị chưa báo cáo gửi báo cáo: Đảng bộ cơ sở A2" in tasks
    assert "Nhắc nhở các đơn vị báo cáo trễ hạn bảo đảm thời hạn báo cáo kỳ tới: Chi bộ A1b." in tasks
    assert "cách tính" not in text.lower() and "cộng dồn" not in text.lower() and "ROOT" not in text
    # Nơi nhận and the signature: the secretary in post signs, not the former one nor the deputy.
    recipients, signature = tables[1][0]
    assert recipients.startswith("Nơi nhận:") and "Lưu Văn phòng." in recipients
    lines = [line for line in signature.split("\n") if line]
    assert lines == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Thị Bí Thư"]
    # Appendix: one row per directive, the same figures.
    appendix = tables[2]
    assert appendix[0][:3] == ["STT", "Văn bản", "Phải báo cáo"]
    assert appendix[1][2:] == ["5", "3 (60%)", "2", "1", "2", "4"]


@pytest.mark.embedded
def test_number_line_uses_the_organs_symbol_code_and_nobody_in_post_leaves_the_name_blank(world, media):  # noqa: F811
    from meetings.summaries import compute_period
    from organizations.models import OrganKind
    from tests.factories import OrganFactory

    t = world["tree"]
    OrganFactory(key="a-btv", name="Ban Thường vụ Đảng ủy Khối A", kind=OrganKind.STANDING_COMMITTEE,
                 organization=t["A"], symbol_code="ĐUK")
    compute_period(MARCH, now=NOW)
    paragraphs, tables = docx_text(build_docx(collect(organization=t["A"], period=MARCH, recompute=False)))
    left = tables[0][0][0].split("\n")
    assert left[:2] == ["ĐẢNG BỘ THỬ NGHIỆM", "ĐẢNG ỦY KHỐI A"] and "Số:        -BC/ĐUK" in left
    signature = [line for line in tables[1][0][1].split("\n")]
    assert signature[:2] == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"] and signature[-1] == ""
    assert "Ban Thường vụ Thành ủy Thử nghiệm (để báo cáo)" in tables[1][0][0]
    # A district without an organ: the code of its kind of committee, never the unit's code "B".
    left = docx_text(build_docx(collect(organization=t["B"], period=MARCH, recompute=False)))[1][0][0][0]
    assert "Số:        -BC/QU" in left
    # A đảng ủy cơ sở signs for itself: it has no Standing Committee.
    footer = docx_text(build_docx(collect(organization=t["A1"], period=MARCH, recompute=False)))[1][1][0]
    assert footer[1].startswith("T/M ĐẢNG ỦY\nBÍ THƯ") and "Số:" not in footer[1]


@pytest.mark.embedded
def test_a_directive_nobody_reports_on_is_one_sentence_not_a_table_of_zeros(world, media):  # noqa: F811
    from meetings.documents.data import DirectiveLine
    from meetings.summaries import compute_period
    from tests.factories import DirectiveFactory

    t = world["tree"]
    quiet = DirectiveFactory(number="99", title="Về một việc chưa ai báo cáo")
    compute_period(MARCH, now=NOW)
    data = collect(organization=t["ROOT"], period=MARCH, recompute=False)
    data.lines.append(DirectiveLine(directive=quiet))  # as the read model lists a directive assigned but not due
    paragraphs, tables = docx_text(build_docx(data))
    text = "\n".join(paragraphs)
    assert [p for p in paragraphs if quiet.label in p] == [
        f"Trong kỳ không có đơn vị phải báo cáo và chưa có báo cáo về các văn bản: {quiet.label}."]
    appendix = tables[2]
    assert len(appendix) == 2 and not any(quiet.label in cell for row in appendix for cell in row)
    assert "0/0" not in text and len(tables) == 3


@pytest.mark.embedded
def test_workbook_has_title_rows_and_words_not_codes(world, media):  # noqa: F811
    from openpyxl import load_workbook

    from meetings.documents import build_xlsx
    from meetings.summaries import compute_period

    t = world["tree"]
    compute_period(MARCH, now=NOW)
    wb = load_workbook(io.BytesIO(build_xlsx(collect(organization=t["ROOT"], period=MARCH, recompute=False))))
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][0] == "Thành ủy Thử nghiệm"
        assert "tháng 3/2019" in rows[1][0] and rows[2][0].startswith("Ngày lập: ")
        assert "Cách tính" in rows[3][0] and reverse("figures-glossary") in rows[3][0]
    rows = list(wb["Tổng hợp"].iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "Văn bản"))
    assert rows[header + 1][2:7] == (5, 3, 2, 1, 2) and rows[header + 1][8] == 4
    assert rows[5][0].startswith("Trong kỳ có 4 báo cáo của 4 đơn vị")
    targets = list(wb["Chỉ tiêu"].iter_rows(min_row=7, values_only=True))
    by_name = {r[1]: r for r in targets}
    assert by_name["sum"][4] == 15 and by_name["sum"][9] == "Cộng các kết quả báo cáo"
    assert not any(r[9] in ("sum", "max", "latest") for r in targets)
    units = {(r[1], r[2]) for r in wb["Chưa báo cáo, trễ hạn"].iter_rows(min_row=7, values_only=True)}
    assert units == {("Đảng bộ cơ sở A2", "Chưa báo cáo"), ("Đảng bộ cơ sở B1", "Chưa báo cáo"),
                     ("Chi bộ A1b", "Báo cáo trễ hạn")}


def test_distinct_reports_and_the_read_models_figures_on_the_demo(db, media):
    """N4: the document's total is the number of distinct reports of the month, not a sum over directives;
    and HCM's October and Q4 2019 documents print the read model's figures (as the dashboard and /tong-hop/ do)."""
    from openpyxl import load_workbook

    from meetings.documents import build_xlsx
    from meetings.documents.assessment import directive_name
    from meetings.models import Report, ReportStatus
    from organizations.models import Organization
    from resolutions.dashboards.figures import figures_for
    from resolutions.periods import parse_period
    from tests.demo import load_demo

    load_demo()
    hcm = Organization.objects.get(code="HCM")
    for key in ("2019-10", "2019-Q4"):
        period = parse_period(key)
        data = collect(organization=hcm, period=period, recompute=False)
        direct = (Report.objects.filter(organization__path__startswith=hcm.path,
                                        status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
                                        period_end__gte=period.start, period_end__lte=period.end)
                  .values("pk").distinct().count())
        assert data.distinct_reports == direct
        assert direct < sum(line.reports for line in data.lines)  # the sum counts a report once per directive
        text = body_text(build_docx(data))
        assert f"Trong kỳ, có {direct} báo cáo của " in text
        paragraphs, tables = docx_text(build_docx(data))
        assert "Số:        -BC/TU" in tables[0][0][0]
        # Every figure is the read model's, row by row: in the sentences, the appendix and the workbook.
        figures = {f.directive.pk: f for f in figures_for(hcm, period)}
        appendix = {row[1]: row[2:] for row in tables[2][1:]}
        sheet = list(load_workbook(io.BytesIO(build_xlsx(data)))["Tổng hợp"].iter_rows(min_row=9, values_only=True))
        assert [r[0] for r in sheet] == [f.directive.label for f in figures.values()]
        for line, row in zip(data.lines, sheet, strict=True):
            f = figures[line.directive.pk]
            if f.expected_units and f.units_reported:
                assert f"Có {f.units_reported}/{f.expected_units} " in text
            if not line.quiet:
                assert [appendix[directive_name(line.directive)][i] for i in (0, 2, 3, 4, 5)] == [
                    str(f.expected_units), str(f.units_on_time), str(f.units_late), str(f.units_missing), str(f.reports)]
            assert row[2:9] == (f.expected_units, f.units_reported, f.units_on_time, f.units_late, f.units_missing,
                                f.units_pending, f.reports)
            # The units named late and missing are those the figures count (one definition, N5).
            assert (len(line.late_names), len(line.missing_names)) == (f.units_late, f.units_missing)
            assert not set(line.late_names) & set(line.missing_names)


@pytest.mark.embedded
def test_request_builds_and_stores_both_files(world, media, make_user, django_capture_on_commit_callbacks):  # noqa: F811
    from openpyxl import load_workbook

    t = world["tree"]
    leader = make_user("leader_root", t["ROOT"], RoleKind.LEADER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        doc = summary_document_request(actor=leader, organization=t["ROOT"], period=MARCH)
    assert len(callbacks) == 1 and doc.status == DocumentStatus.PENDING
    doc = summary_document_build(actor=system_actor(), document_id=doc.pk)
    assert doc.status == DocumentStatus.DONE and doc.progress == 100 and doc.finished_at
    paragraphs, tables = docx_text(doc.docx.read())
    assert tables[2][1][-1] == "4"  # the appendix's reports column
    wb = load_workbook(doc.xlsx.path)
    rows = list(wb["Tổng hợp"].iter_rows(values_only=True))
    assert rows[7][0] == "Văn bản" and rows[8][2] == 5 and rows[8][3] == 3
    targets = {r[1]: r[4] for r in wb["Chỉ tiêu"].iter_rows(min_row=7, values_only=True)}
    assert targets == {"sum": 15, "max": 8, "latest": 8}
    # Building again leaves the finished document alone.
    name = doc.docx.name
    assert summary_document_build(actor=system_actor(), document_id=doc.pk).docx.name == name


@pytest.mark.urls(__name__)
def test_pages_are_for_leaders_in_scope(world, media, client, make_user, django_capture_on_commit_callbacks):  # noqa: F811
    from meetings.summaries import compute_period

    t = world["tree"]
    compute_period(MARCH, now=NOW)
    leader_a = make_user("leader_a", t["A"], RoleKind.LEADER)
    staff_root = make_user("staff_root", t["ROOT"], RoleKind.STAFF)
    client.force_login(leader_a)
    assert client.get(reverse("summary-overview", args=[t["A"].pk]), {"period": "2019-03"}).status_code == 200
    response = client.get(reverse("summary-missing", args=[t["A"].pk]), {"period": "2019-03"})
    assert response.status_code == 200 and "Đảng bộ cơ sở A2" in response.content.decode()
    assert client.get(reverse("summary-overview", args=[t["B"].pk])).status_code == 404
    assert client.get(reverse("summary-overview", args=[t["ROOT"].pk])).status_code == 404
    bad = client.get(reverse("summary-overview", args=[t["A"].pk]), {"period": "2019-13"})
    assert bad.status_code == 200 and "is not a period" in bad.content.decode()
    # Requesting the document (the task runs eagerly here) then downloading it.
    from config.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("summary-document-request", args=[t["A"].pk]), {"period": "2019-03"})
    finally:
        app.conf.task_always_eager = eager
    doc = SummaryDocument.objects.get()
    assert response.status_code == 302 and response.url == reverse("summary-document", args=[doc.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and "Download DOCX" in page.content.decode()
    partial = client.get(response.url, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "document-status" in partial.content.decode()
    download = client.get(reverse("summary-document-download", args=[doc.pk, "docx"]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    docx_text(b"".join(download.streaming_content))
    assert client.get(reverse("summary-document-download", args=[doc.pk, "pdf"])).status_code == 404
    # Staff, even at the root, and leaders of other subtrees see nothing.
    client.force_login(staff_root)
    assert client.get(reverse("summary-document", args=[doc.pk])).status_code == 404
    assert client.get(reverse("summary-overview", args=[t["ROOT"].pk])).status_code == 404
    assert client.post(reverse("summary-document-request", args=[t["ROOT"].pk]), {"period": "2019-03"}).status_code == 404


def test_names_never_become_formulas_and_control_characters_never_break_a_document(world, media):  # noqa: F811
    """A unit named "=HYPERLINK(…)", another with a vertical tab pasted from Word, stored before the forms cleaned
    names: both documents are still written, the formula stays text and the tab becomes a space."""
    import zipfile

    from openpyxl import load_workbook

    from meetings.documents import build_xlsx
    from meetings.summaries import compute_period
    from organizations.models import Organization

    t, d = world["tree"], world["d"]
    Organization.objects.filter(pk=t["A2"].pk).update(name='=HYPERLINK("http://x.example","Bấm vào")')
    Organization.objects.filter(pk=t["B1"].pk).update(name="Đảng bộ\x0bcơ sở B1\x1b")
    type(d).objects.filter(pk=d.pk).update(title="=1+1 Về công tác\x0c cán bộ")
    compute_period(MARCH, now=NOW)
    data = collect(organization=t["ROOT"], period=MARCH, recompute=False)
    paragraphs, tables = docx_text(build_docx(data))
    text = "\n".join(paragraphs)
    assert 'chưa báo cáo (đã quá hạn): =HYPERLINK("http://x.example","Bấm vào") và Đảng bộ cơ sở B1.' in text
    assert "=1+1 Về công tác  cán bộ" in text

    content = build_xlsx(data)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        sheets = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)  # not one formula in the workbook
    wb = load_workbook(io.BytesIO(content))
    missing = {r[1] for r in wb["Chưa báo cáo, trễ hạn"].iter_rows(min_row=7, values_only=True) if r[2] == "Chưa báo cáo"}
    assert missing == {'=HYPERLINK("http://x.example","Bấm vào")', "Đảng bộ cơ sở B1"}
    assert wb["Tổng hợp"]["B9"].value == "=1+1 Về công tác  cán bộ" and wb["Tổng hợp"]["B9"].data_type == "s"


@pytest.mark.vietnamese
def test_summary_pages_refuse_year_9999_in_vietnamese_and_show_the_latest_month(world, client, make_user):  # noqa: F811
    """The refused period and the one shown instead are both said, in Vietnamese; the page shows
    the latest month with figures. (Periods are chosen from lists now, as on the dashboards: a
    refused value comes from an edited address, not from a typed field, so it is not echoed.)"""
    from meetings.summaries import compute_period

    t = world["tree"]
    compute_period(MARCH, now=NOW)
    client.force_login(make_user("leader_root", t["ROOT"], RoleKind.LEADER))
    for name in ("summary-overview", "summary-missing"):
        response = client.get(reverse(name, args=[t["ROOT"].pk]), {"period": "9999-12"})
        assert response.status_code == 200 and response.context["period"] == MARCH
        page = response.content.decode()
        assert "Các kỳ chỉ tính từ năm 2016 đến năm" in page and "đang hiển thị Tháng 03/2019" in page
    response = client.get(reverse("summary-overview", args=[t["ROOT"].pk]), {"period": "tháng 13"})
    assert "Đây không phải là một kỳ" in response.content.decode()
    # A document for such a period is not requested: back to the page, with the reason.
    response = client.post(reverse("summary-document-request", args=[t["ROOT"].pk]), {"period": "9999-12"}, follow=True)
    assert not SummaryDocument.objects.exists() and "Các kỳ chỉ tính từ năm 2016" in response.content.decode()


@pytest.mark.django_db
def test_a_unit_late_once_whose_next_report_is_not_yet_due_is_not_named_late():
    """Late last month, this month not yet due: the unit is "not yet due" in the counts and in the names."""
    import datetime as dt

    from django.utils import timezone

    from meetings import summaries as S
    from meetings.models import ReportStatus
    from organizations.models import OrgKind
    from resolutions import periods as P
    from tests.factories import (
        AssignmentFactory,
        DirectiveFactory,
        LinkFactory,
        ReportFactory,
        make_org,
    )

    today = timezone.localdate()
    this_month = P.period_of(P.MONTH, today)
    last_month = this_month.previous()
    term = P.period_of(P.TERM, today)
    root = make_org(code="LP", kind=OrgKind.GRASSROOTS, name="Đảng bộ Thử")
    waiting = make_org(root, code="LP-A", kind=OrgKind.CELL, name="Chi bộ Chờ hạn")
    done = make_org(root, code="LP-B", kind=OrgKind.CELL, name="Chi bộ Đủ kỳ")
    d = DirectiveFactory(issue_date=dt.date(term.start.year, 1, 2), term=None)
    AssignmentFactory(directive=d, organization=root, frequency="month", reporter_kind=OrgKind.CELL,
                      start=last_month.start, end=this_month.end, due_days=0)
    # Due on the last day of the month: last month's is past whatever the day, this month's is not.
    late = timezone.make_aware(dt.datetime.combine(this_month.start, dt.time(0, 1)))
    for unit in (waiting, done):
        r = ReportFactory(organization=unit, period_kind="month", period_start=last_month.start,
                          period_end=last_month.end, status=ReportStatus.SUBMITTED, submitted_at=late)
        LinkFactory(report=r, directive=d)
    r = ReportFactory(organization=done, period_kind="month", period_start=this_month.start,
                      period_end=this_month.end, status=ReportStatus.SUBMITTED,
                      submitted_at=timezone.make_aware(dt.datetime.combine(today, dt.time(0, 1))))
    LinkFactory(report=r, directive=d)
    S.summaries_compute(actor=system_actor(), period_kind=term.kind, start=term.start, end=term.end)
    data = collect(organization=root, period=term, recompute=False)
    line = next(x for x in data.lines if x.directive.pk == d.pk)
    assert (line.units_late, line.units_pending, line.units_missing) == (1, 1, 0)
    assert line.late_names == ["Chi bộ Đủ kỳ"]
    assert line.missing_names == []
