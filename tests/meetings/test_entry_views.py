"""Report entry through the browser forms (Django test client): uploads, conflicts, links, scope."""
from __future__ import annotations

import io
import re

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


def test_a_stale_edit_carrying_an_upload_commits_nothing(client, tree, staff, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = make_user("other_a", tree["A"], RoleKind.STAFF)
    client.force_login(staff)
    client.post(reverse("report-create"), form_data(tree["A1"]))
    report = Report.objects.get()
    client.force_login(other)
    assert client.post(reverse("report-edit", args=[report.pk]),
                       form_data(tree["A1"], version=1, title="Bản đã lưu")).status_code == 302
    events = report.events.count()
    client.force_login(staff)
    upload = SimpleUploadedFile("bao-cao.docx", _docx("Bản trong tệp của tôi."))
    response = client.post(reverse("report-edit", args=[report.pk]),
                           {**form_data(tree["A1"], version=1, body=""), "upload": upload})
    assert response.status_code == 409
    assert "The file you chose was not attached: choose it again before you save." in response.content.decode()
    assert report.attachments.count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert report.events.count() == events


def _submitted_by(client, tree, author) -> Report:
    client.force_login(author)
    client.post(reverse("report-create"), form_data(tree["A1"]))
    report = Report.objects.get()
    client.post(reverse("report-submit", args=[report.pk]), {"version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    return report


def test_the_report_page_never_offers_review_to_its_author(client, tree, make_user):
    from tests.factories import grant

    admin = make_user("admin_a", tree["A"], RoleKind.ADMIN)
    grant(admin, tree["A"], RoleKind.LEADER)
    report = _submitted_by(client, tree, admin)
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert reverse("report-accept", args=[report.pk]) not in page
    assert reverse("report-return", args=[report.pk]) not in page
    response = client.post(reverse("report-accept", args=[report.pk]), {"version": report.version}, follow=True)
    assert "you cannot review it" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    client.force_login(make_user("leader_a", tree["A"], RoleKind.LEADER))
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert f'<input type="hidden" name="version" value="{report.version}">' in page
    assert f"{reverse('report-return', args=[report.pk])}?version={report.version}" in page


def test_accept_and_return_refuse_a_version_the_leader_did_not_see(client, tree, staff, make_user):
    report = _submitted_by(client, tree, staff)
    client.force_login(make_user("leader_a", tree["A"], RoleKind.LEADER))
    for data in ({"version": report.version - 1}, {}, {"version": "²"}):
        response = client.post(reverse("report-accept", args=[report.pk]), data, follow=True)
        assert "Read it again" in response.content.decode() or "out of date" in response.content.decode()
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED
    assert client.get(reverse("report-return", args=[report.pk])).status_code == 302, "the page's link carries it"
    response = client.post(reverse("report-return", args=[report.pk]),
                           {"reason": "Thiếu số liệu", "version": report.version - 1}, follow=True)
    assert "changed the report since you opened it" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.review_note == ""
    response = client.post(reverse("report-accept", args=[report.pk]), {"version": report.version}, follow=True)
    assert "Report accepted." in response.content.decode()


def test_history_shows_what_changed_with_a_word_diff_of_the_text(client, tree, staff):
    client.force_login(staff)
    body = "Chi bộ thực hiện Chỉ thị 05-CT/TW. " + "Nội dung không đổi. " * 40 + "Kết quả: 12 đảng viên mới."
    client.post(reverse("report-create"), form_data(tree["A1"], body=body))
    report = Report.objects.get()
    new_body = body.replace("12 đảng viên", "15 đảng viên") + " <script>alert(1)</script>"
    client.post(reverse("report-edit", args=[report.pk]),
                form_data(tree["A2"], version=1, body=new_body, title="Báo cáo tháng 3/2019 (sửa)",
                          period_start="01/04/2019", period_end="30/04/2019"))
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    history = page[page.index('data-testid="history"'):]
    assert "chars" not in history
    assert re.search(r"<del><span class=\"visually-hidden\">\[deleted: </span>\s*12<span", history)
    assert re.search(r"<ins><span class=\"visually-hidden\">\[added: </span>\s*15<span", history)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in history and "<script>alert(1)" not in page
    assert "…" in history, "the long unchanged run is cut short"
    assert history.count("Nội dung không đổi.") < 20
    for expected in ("Đảng bộ cơ sở A1", "Đảng bộ cơ sở A2", "31/03/2019", "30/04/2019",
                     "Báo cáo tháng 3/2019 (sửa)", "Period end", "Organisation"):
        assert expected in history, expected


def test_history_shows_link_changes(client, tree, staff):
    directive = DirectiveFactory(number="05", kind="CT")
    client.force_login(staff)
    client.post(reverse("report-create"), form_data(tree["A1"]))
    report = Report.objects.get()
    link = {"directive": [str(directive.pk)], f"link-{directive.pk}-keep": "on", "version": "1",
            f"link-{directive.pk}-assessment": "in_progress", f"link-{directive.pk}-note": "Bắt đầu"}
    client.post(reverse("report-links", args=[report.pk]), link)
    link.update({"version": "2", f"link-{directive.pk}-assessment": "done", f"link-{directive.pk}-note": "Xong"})
    client.post(reverse("report-links", args=[report.pk]), link)
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    history = page[page.index('data-testid="history"'):]
    assert "Chỉ thị 05-CT/TW</strong>: linked" in history and "Chỉ thị 05-CT/TW</strong>: changed" in history
    assert re.search(r"In progress</del> <span aria-hidden=\"true\">→</span> <ins>.*?Completed</ins>", history)
