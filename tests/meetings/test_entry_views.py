"""Report entry through the browser forms (Django test client): uploads, conflicts, links, scope."""
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Report, ReportStatus
from organizations.models import RoleKind
from tests.factories import DirectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tree, make_user):
    return make_user("staff_a", tree["A"], RoleKind.STAFF)


def form_data(org, **extra) -> dict:
    data = {"organization": org.pk, "kind": "periodic", "period_kind": "month", "period_start": "01/03/2019",
            "period_end": "31/03/2019", "title": "Báo cáo tháng 3/2019", "body": "Chi bộ thực hiện Chỉ thị 05-CT/TW."}
    data.update(extra)
    return data


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_create_from_a_docx_keeps_it_as_attachment(client, tree, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    upload = SimpleUploadedFile("bao-cao.docx", _docx("Nghị quyết Trung ương 4 (khóa XII) được quán triệt."))
    response = client.post(reverse("report-create"), {**form_data(tree["A1"], body=""), "upload": upload})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.body == "Nghị quyết Trung ương 4 (khóa XII) được quán triệt."
    attachment = report.attachments.get()
    download = client.get(reverse("attachment-download", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_bad_upload_returns_the_form_with_everything_typed(client, tree, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00")
    response = client.post(reverse("report-create"), {**form_data(tree["A1"], title="Tiêu đề đã gõ"), "upload": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Only .docx, .txt and .pdf files can be attached." in page
    assert 'value="Tiêu đề đã gõ"' in page and "Chi bộ thực hiện Chỉ thị 05-CT/TW." in page
    assert Report.objects.count() == 0


def test_attachment_is_404_outside_scope(client, tree, staff, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    upload = SimpleUploadedFile("a.txt", "Chỉ thị 05".encode())
    client.post(reverse("report-create"), {**form_data(tree["A1"]), "upload": upload})
    attachment = Report.objects.get().attachments.get()
    client.force_login(make_user("staff_b", tree["B"], RoleKind.STAFF))
    assert client.get(reverse("attachment-download", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("report-edit", args=[attachment.report_id])).status_code == 404
    assert client.get(reverse("report-links", args=[attachment.report_id])).status_code == 404


def test_creating_for_an_organisation_outside_scope_is_refused(client, tree, staff):
    client.force_login(staff)
    response = client.post(reverse("report-create"), form_data(tree["B1"]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Report.objects.count() == 0


def test_stale_save_is_refused_and_both_versions_shown(client, tree, staff, make_user):
    other = make_user("other_a", tree["A"], RoleKind.STAFF)
    client.force_login(staff)
    client.post(reverse("report-create"), form_data(tree["A1"]))
    report = Report.objects.get()
    client.force_login(other)
    first = client.post(reverse("report-edit", args=[report.pk]),
                        form_data(tree["A1"], version=1, body="Bản đã lưu của đồng chí khác."))
    assert first.status_code == 302
    client.force_login(staff)
    second = client.post(reverse("report-edit", args=[report.pk]),
                         form_data(tree["A1"], version=1, body="Bản tôi đang soạn."))
    page = second.content.decode()
    assert second.status_code == 409
    assert "Bản tôi đang soạn." in page, "what the user typed is still in the form"
    assert "Bản đã lưu của đồng chí khác." in page, "the saved version is shown beside it"
    assert Report.objects.get().body == "Bản đã lưu của đồng chí khác."


def test_links_step_saves_confirmed_links_and_submits(client, tree, staff):
    directive = DirectiveFactory(number="05", kind="CT")
    client.force_login(staff)
    client.post(reverse("report-create"), form_data(tree["A1"]))
    report = Report.objects.get()
    response = client.post(reverse("report-links", args=[report.pk]), {
        "directive": [str(directive.pk)], f"link-{directive.pk}-keep": "on",
        f"link-{directive.pk}-assessment": "done", f"link-{directive.pk}-note": "Đã hoàn thành",
        f"link-{directive.pk}-spans": "17:33", "submit": "1", "version": str(report.version),
    })
    assert response.status_code == 302
    report.refresh_from_db()
    link = report.links.get()
    assert (link.directive, link.assessment, link.note) == (directive, "done", "Đã hoàn thành")
    assert link.spans.get().text == "Chỉ thị 05-CT/TW"
    assert report.status == ReportStatus.SUBMITTED
    detail = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "Submitted" in detail


def test_directive_search_is_accent_insensitive(client, tree, staff):
    DirectiveFactory(number="05", kind="CT", title="Về đẩy mạnh học tập và làm theo tư tưởng Hồ Chí Minh")
    client.force_login(staff)
    page = client.get(reverse("directive-search"), {"q": "hoc tap va lam theo"}).content.decode()
    assert "05-CT/TW" in page
    assert "No directive" in client.get(reverse("directive-search"), {"q": "khong co gi"}).content.decode()
