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


@pytest.mark.embedded
def test_docx_layout_and_figures(world, media):  # noqa: F811
    from meetings.summaries import compute_period

    t, d = world["tree"], world["d"]
    compute_period(MARCH, now=NOW)
    data = collect(organization=t["ROOT"], period=MARCH, recompute=False)
    paragraphs, tables = docx_text(build_docx(data))
    header = tables[0][0]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header[1] and "ngày" in header[1] and "tháng" in header[1]
    assert "THÀNH ỦY THỬ NGHIỆM" in header[0] and "Số:" in header[0] and "-BC/" in header[0]
    text = "\n".join(paragraphs)
    assert "BÁO CÁO" in paragraphs and "tháng 3/2019" in text
    assert f"1. {d.label}" in text
    figures = dict(tuple(r) for r in tables[1][1:])
    assert figures["Đơn vị phải báo cáo"] == "5" and figures["Đơn vị đã báo cáo"] == "3"
    assert figures["Hoàn thành đúng hạn"] == "2" and figures["Hoàn thành trễ hạn"] == "1"
    assert figures["Quá hạn chưa báo cáo"] == "2" and figures["Số báo cáo"] == "4"
    assert figures["Báo cáo gần nhất (kỳ kết thúc)"] == "31/03/2019"
    assert "Chỉ tiêu “sum”: đạt 15/100" in text and "Chỉ tiêu “latest”: đạt 8/100" in text
    missing = tables[2]
    assert missing[0] == ["Đơn vị", "Văn bản", "Kỳ báo cáo", "Hạn báo cáo"]
    assert sorted(r[0] for r in missing[1:]) == ["Đảng bộ cơ sở A2", "Đảng bộ cơ sở B1"]
    assert "T/M BAN THƯỜNG VỤ" in tables[-1][0][1] and "Nơi nhận:" in tables[-1][0][0]


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
    assert dict(tuple(r) for r in tables[1][1:])["Số báo cáo"] == "4"
    wb = load_workbook(doc.xlsx.path)
    rows = list(wb["Tổng hợp"].iter_rows(values_only=True))
    assert rows[1][0] == "Văn bản" and rows[2][2] == 5 and rows[2][3] == 3
    targets = {r[1]: r[4] for r in wb["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)}
    assert targets == {"sum": 15, "max": 8, "latest": 8}
    assert {r[0] for r in wb["Chưa báo cáo"].iter_rows(min_row=2, values_only=True)} == {"A2", "B1"}
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
    assert sorted(r[0] for r in tables[2][1:]) == ['=HYPERLINK("http://x.example","Bấm vào")', "Đảng bộ cơ sở B1"]
    assert any("=1+1 Về công tác  cán bộ" in p for p in paragraphs)

    content = build_xlsx(data)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        sheets = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)  # not one formula in the workbook
    wb = load_workbook(io.BytesIO(content))
    missing = {r[1] for r in wb["Chưa báo cáo"].iter_rows(min_row=2, values_only=True)}
    assert missing == {'=HYPERLINK("http://x.example","Bấm vào")', "Đảng bộ cơ sở B1"}
    assert wb["Tổng hợp"]["B3"].value == "=1+1 Về công tác  cán bộ" and wb["Tổng hợp"]["B3"].data_type == "s"


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
