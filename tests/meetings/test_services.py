"""Report entry and review rules: scope, workflow, optimistic locking, NFC, history, uploads."""
from __future__ import annotations

import datetime as dt
import io
import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings import services
from meetings.models import Report, ReportStatus
from organizations.models import RoleKind
from tests.factories import DirectiveFactory, TargetFactory

pytestmark = pytest.mark.django_db

BODY = "Chi bộ tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị."


@pytest.fixture
def people(tree, make_user):
    return {
        "staff_a1": make_user("staff_a1", tree["A1"], RoleKind.STAFF),
        "staff_a": make_user("staff_a", tree["A"], RoleKind.STAFF),
        "staff_b": make_user("staff_b", tree["B"], RoleKind.STAFF),
        "leader_a": make_user("leader_a", tree["A"], RoleKind.LEADER),
        "leader_a1": make_user("leader_a1", tree["A1"], RoleKind.LEADER),
        "leader_b": make_user("leader_b", tree["B"], RoleKind.LEADER),
    }


def draft(actor, org, **kw) -> Report:
    fields = dict(kind="periodic", period_kind="month", period_start=dt.date(2019, 3, 1),
                  period_end=dt.date(2019, 3, 31), title="Báo cáo tháng 3/2019", body=BODY)
    fields.update(kw)
    return services.report_create(actor=actor, organization=org, **fields)


def test_staff_create_only_inside_their_subtree(tree, people):
    report = draft(people["staff_a"], tree["A1a"])
    assert report.status == ReportStatus.DRAFT and report.author == people["staff_a"]
    with pytest.raises(PermissionDenied):
        draft(people["staff_b"], tree["A1a"])
    with pytest.raises(PermissionDenied):  # a role never covers the parent
        draft(people["staff_a1"], tree["A"])
    assert list(Report.objects.values_list("organization__code", flat=True)) == ["A1a"]


def test_text_is_stored_nfc(tree, people):
    nfd = unicodedata.normalize("NFD", "Báo cáo Đảng ủy tháng 3")
    report = draft(people["staff_a1"], tree["A1a"], title=nfd, body=nfd + "\r\nDòng hai")
    assert report.title == unicodedata.normalize("NFC", nfd)
    assert unicodedata.is_normalized("NFC", report.body) and "\r" not in report.body


def test_period_end_before_start_is_refused_with_a_message(tree, people):
    with pytest.raises(ValidationError) as err:
        draft(people["staff_a1"], tree["A1a"], period_start=dt.date(2019, 4, 1), period_end=dt.date(2019, 3, 1))
    assert "period" in str(err.value).lower()
    assert Report.objects.count() == 0


def test_second_save_from_a_stale_version_is_refused(tree, people):
    report = draft(people["staff_a1"], tree["A1a"])
    first = services.report_update(actor=people["staff_a1"], report_id=report.pk, expected_version=1,
                                   title="Bản của người thứ nhất")
    assert first.version == 2
    with pytest.raises(services.ConcurrentEditError) as err:
        services.report_update(actor=people["staff_a"], report_id=report.pk, expected_version=1,
                               title="Bản của người thứ hai")
    assert err.value.current.title == "Bản của người thứ nhất"
    assert Report.objects.get(pk=report.pk).title == "Bản của người thứ nhất"


def test_workflow_submit_accept_by_leader_above(tree, people):
    report = draft(people["staff_a1"], tree["A1a"])
    submitted = services.report_submit(actor=people["staff_a1"], report_id=report.pk, expected_version=report.version)
    assert submitted.status == ReportStatus.SUBMITTED and submitted.submitted_at
    with pytest.raises(ValidationError):
        services.report_update(actor=people["staff_a1"], report_id=report.pk, expected_version=submitted.version,
                               title="sửa sau khi nộp")
    with pytest.raises(PermissionDenied):  # sibling subtree
        services.report_accept(actor=people["leader_b"], report_id=report.pk, expected_version=submitted.version)
    accepted = services.report_accept(actor=people["leader_a1"], report_id=report.pk,  # A1 is above A1a
                                      expected_version=submitted.version)
    assert accepted.status == ReportStatus.ACCEPTED and accepted.reviewed_by == people["leader_a1"]
    actions = list(accepted.events.values_list("action", flat=True))
    assert actions == ["created", "submitted", "accepted"]


def test_a_leader_cannot_accept_their_own_level(tree, people):
    report = draft(people["staff_a"], tree["A"])
    submitted = services.report_submit(actor=people["staff_a"], report_id=report.pk, expected_version=report.version)
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=people["leader_a"], report_id=report.pk, expected_version=submitted.version)


def test_return_needs_a_reason_and_reopens_for_editing(tree, people):
    report = draft(people["staff_a1"], tree["A1a"])
    submitted = services.report_submit(actor=people["staff_a1"], report_id=report.pk, expected_version=report.version)
    with pytest.raises(ValidationError):
        services.report_return(actor=people["leader_a"], report_id=report.pk, reason="   ",
                               expected_version=submitted.version)
    returned = services.report_return(actor=people["leader_a"], report_id=report.pk, reason="Thiếu số liệu tháng 3",
                                      expected_version=submitted.version)
    assert returned.status == ReportStatus.RETURNED and returned.review_note == "Thiếu số liệu tháng 3"
    edited = services.report_update(actor=people["staff_a1"], report_id=report.pk, expected_version=returned.version,
                                    body=BODY + "\nBổ sung số liệu.")
    assert edited.version == returned.version + 1
    history = list(edited.events.order_by("id").values_list("action", "note"))
    assert ("returned", "Thiếu số liệu tháng 3") in history and history[-1][0] == "edited"


def test_links_with_spans_and_contributions(tree, people):
    directive = DirectiveFactory()
    target = TargetFactory(directive=directive)
    report = draft(people["staff_a1"], tree["A1a"])
    start = report.body.index("Chỉ thị")
    end = report.body.index(" của")
    saved = services.report_set_links(actor=people["staff_a1"], report_id=report.pk, expected_version=1, links=[
        services.LinkInput(directive_id=directive.pk, assessment="done", note="Đã quán triệt",
                           spans=[(start, end)], contributions={target.pk: Decimal("12.5")}),
    ])
    assert saved.version == 2, "links are part of the report: saving them is a new version"
    link = saved.links.get()
    assert link.spans.get().text == "Chỉ thị số 05-CT/TW"
    assert str(link.contributions.get().value) == "12.50"
    with pytest.raises(ValidationError) as err:
        services.report_set_links(actor=people["staff_a1"], report_id=report.pk, expected_version=2, links=[
            services.LinkInput(directive_id=directive.pk, contributions={target.pk: "mười"})])
    assert f"link-{directive.pk}-target-{target.pk}" in err.value.message_dict
    assert saved.links.get().note == "Đã quán triệt", "a refused save changes nothing"
    services.report_set_links(actor=people["staff_a1"], report_id=report.pk, expected_version=2, links=[])
    assert report.links.count() == 0
    assert list(report.events.values_list("action", flat=True)) == ["created", "links", "links"]


def _docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _edit_with_file(actor, report: Report, name: str, data: bytes) -> Report:
    """An edit carrying a file and no typed text: the report takes the file's text."""
    return services.report_update(actor=actor, report_id=report.pk, expected_version=report.version, body="",
                                  attachment=services.UploadInput(name, data))


def test_upload_extracts_docx_and_txt(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = draft(people["staff_a1"], tree["A1a"])
    report = _edit_with_file(people["staff_a1"], report, "bao-cao.docx", _docx_bytes("Dòng một\nChỉ thị 05-CT/TW"))
    attachment = report.attachments.get()
    assert "Chỉ thị 05-CT/TW" in report.body and attachment.size > 0
    assert str(tmp_path) in attachment.file.path and "static" not in attachment.file.path
    report = _edit_with_file(people["staff_a1"], report, "a.txt", "Nghị quyết 54".encode())
    assert report.body == "Nghị quyết 54" and report.attachments.count() == 2


@pytest.mark.parametrize(("name", "data", "message"), [
    ("virus.exe", b"MZ....", "Only .docx, .txt and .pdf"),
    ("fake.docx", b"not a zip", "damaged"),
    ("fake.pdf", b"hello", "not a PDF"),
    ("empty.txt", b"", "empty"),
])
def test_upload_rejects_bad_files_with_a_message(tree, people, settings, tmp_path, name, data, message):
    settings.MEDIA_ROOT = tmp_path
    report = draft(people["staff_a1"], tree["A1a"])
    with pytest.raises(ValidationError) as err:
        _edit_with_file(people["staff_a1"], report, name, data)
    assert message in " ".join(err.value.messages)
    assert report.attachments.count() == 0 and Report.objects.get(pk=report.pk).version == 1


def test_upload_size_limit(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 1000
    report = draft(people["staff_a1"], tree["A1a"])
    with pytest.raises(ValidationError) as err:
        _edit_with_file(people["staff_a1"], report, "big.txt", b"a" * 1001)
    assert "limit" in " ".join(err.value.messages)
    assert report.attachments.count() == 0


# --- a refused edit commits nothing, uploads included ------------------------------------------------

def _files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.embedded
def test_a_stale_edit_carrying_an_upload_leaves_no_attachment_no_file_no_event(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = draft(people["staff_a1"], tree["A1a"])
    services.report_update(actor=people["staff_a"], report_id=report.pk, expected_version=1, title="Bản đã lưu")
    events = list(report.events.values_list("action", flat=True))
    with pytest.raises(services.ConcurrentEditError):
        services.report_update(actor=people["staff_a1"], report_id=report.pk, expected_version=1, body="",
                               attachment=services.UploadInput("bao-cao.txt", "Nghị quyết 54".encode()))
    assert report.attachments.count() == 0
    assert _files(tmp_path) == []
    assert list(report.events.values_list("action", flat=True)) == events


def test_an_edit_refused_after_the_file_was_written_removes_the_file(tree, people, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    report = draft(people["staff_a1"], tree["A1a"])

    def broken_event(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.reports, "_event", broken_event)
    with pytest.raises(RuntimeError):
        services.report_update(actor=people["staff_a1"], report_id=report.pk, expected_version=1, body="Mới",
                               attachment=services.UploadInput("a.txt", b"Chi thi 05"))
    assert _files(tmp_path) == [] and report.attachments.count() == 0
    assert Report.objects.get(pk=report.pk).version == 1


def test_an_edit_with_an_upload_keeps_the_file_and_takes_its_text_when_none_was_typed(tree, people, settings,
                                                                                      tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = draft(people["staff_a1"], tree["A1a"])
    saved = services.report_update(actor=people["staff_a1"], report_id=report.pk, expected_version=1, body=" ",
                                   attachment=services.UploadInput("bao-cao.docx", _docx_bytes("Nội dung từ tệp")))
    assert saved.version == 2 and saved.body == "Nội dung từ tệp"
    assert saved.attachments.get().original_name == "bao-cao.docx" and len(_files(tmp_path)) == 1
    assert list(saved.events.values_list("action", flat=True)) == ["created", "attached", "edited"]


def test_a_bad_file_with_an_edit_changes_nothing(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = draft(people["staff_a1"], tree["A1a"])
    with pytest.raises(ValidationError):
        services.report_update(actor=people["staff_a1"], report_id=report.pk, expected_version=1, title="Mới",
                               attachment=services.UploadInput("virus.exe", b"MZ"))
    report.refresh_from_db()
    assert (report.version, report.title, report.attachments.count()) == (1, "Báo cáo tháng 3/2019", 0)


# --- the workflow carries the version; nobody reviews their own report ----------------------------

def test_an_author_who_made_themselves_a_leader_cannot_accept_or_return_their_report(tree, people, make_user):
    from tests.factories import grant

    admin = make_user("admin_a1", tree["A1"], RoleKind.ADMIN)
    grant(admin, tree["A1"], RoleKind.LEADER)  # the self-approval of the issue
    report = draft(admin, tree["A1a"])
    submitted = services.report_submit(actor=admin, report_id=report.pk, expected_version=1)
    assert not services.can_review_report(admin, submitted)
    with pytest.raises(PermissionDenied, match="cannot review it"):
        services.report_accept(actor=admin, report_id=report.pk, expected_version=submitted.version)
    with pytest.raises(PermissionDenied, match="cannot review it"):
        services.report_return(actor=admin, report_id=report.pk, expected_version=submitted.version, reason="Tự trả")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    assert services.can_review_report(people["leader_a1"], submitted)
    services.report_accept(actor=people["leader_a1"], report_id=report.pk, expected_version=submitted.version)


def test_someone_who_edited_the_report_cannot_review_it(tree, people, make_user):
    from tests.factories import grant

    editor = make_user("editor_a1", tree["A1"], RoleKind.STAFF)
    grant(editor, tree["A1"], RoleKind.LEADER)
    report = draft(people["staff_a1"], tree["A1a"])
    services.report_update(actor=editor, report_id=report.pk, expected_version=1, title="Sửa bởi người duyệt")
    submitted = services.report_submit(actor=people["staff_a1"], report_id=report.pk, expected_version=2)
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=editor, report_id=report.pk, expected_version=submitted.version)


def test_a_stale_submit_accept_or_return_is_refused_and_changes_nothing(tree, people):
    report = draft(people["staff_a1"], tree["A1a"])
    services.report_update(actor=people["staff_a"], report_id=report.pk, expected_version=1, body=BODY + " Thêm.")
    with pytest.raises(services.ConcurrentEditError):
        services.report_submit(actor=people["staff_a1"], report_id=report.pk, expected_version=1)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT

    seen = services.report_submit(actor=people["staff_a1"], report_id=report.pk, expected_version=2).version
    # Another leader returns it, the staff change the text and submit again: the version read is stale.
    services.report_return(actor=people["leader_a1"], report_id=report.pk, expected_version=seen, reason="Bổ sung")
    services.report_update(actor=people["staff_a1"], report_id=report.pk, expected_version=seen + 1,
                           body="Một văn bản khác hẳn.")
    services.report_submit(actor=people["staff_a1"], report_id=report.pk, expected_version=seen + 2)
    with pytest.raises(services.ConcurrentEditError):
        services.report_accept(actor=people["leader_a"], report_id=report.pk, expected_version=seen)
    with pytest.raises(services.ConcurrentEditError):
        services.report_return(actor=people["leader_a"], report_id=report.pk, expected_version=seen, reason="Cũ")
    stored = Report.objects.get(pk=report.pk)
    assert stored.status == ReportStatus.SUBMITTED and stored.reviewed_by == people["leader_a1"]


# --- history keeps what changed -------------------------------------------------------------------

def test_an_edit_records_full_values_and_names_not_ids(tree, people):
    report = draft(people["staff_a1"], tree["A1a"])
    services.report_update(actor=people["staff_a"], report_id=report.pk, expected_version=1,
                           body=BODY + "\nBổ sung kết quả.", organization_id=tree["A1b"].pk,
                           period_start=dt.date(2019, 4, 1), period_end=dt.date(2019, 4, 30))
    changes = report.events.get(action="edited").changes
    assert changes["body"] == [BODY, BODY + "\nBổ sung kết quả."]
    assert changes["organization"] == ["Chi bộ A1a", "Chi bộ A1b"]
    assert changes["period_end"] == ["2019-03-31", "2019-04-30"]


def test_a_stored_report_of_an_impossible_period_cannot_be_submitted(tree, people):
    report = draft(people["staff_a1"], tree["A1a"])
    Report.objects.filter(pk=report.pk).update(period_start=dt.date(9999, 12, 1), period_end=dt.date(9999, 12, 31))
    with pytest.raises(ValidationError) as err:
        services.report_submit(actor=people["staff_a1"], report_id=report.pk, expected_version=1)
    assert "period_start" in err.value.message_dict or "period_end" in err.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.version == 1


def test_every_workflow_step_asks_for_the_summaries_to_be_refreshed(tree, people, django_capture_on_commit_callbacks):
    report = draft(people["staff_a1"], tree["A1a"])
    with django_capture_on_commit_callbacks() as submitted:
        services.report_submit(actor=people["staff_a1"], report_id=report.pk, expected_version=1)
    with django_capture_on_commit_callbacks() as returned:
        services.report_return(actor=people["leader_a"], report_id=report.pk, expected_version=2, reason="Bổ sung")
    services.report_submit(actor=people["staff_a1"], report_id=report.pk, expected_version=3)
    with django_capture_on_commit_callbacks() as accepted:
        services.report_accept(actor=people["leader_a"], report_id=report.pk, expected_version=4)
    for callbacks in (submitted, returned, accepted):
        assert len(callbacks) == 1 and "refresh" in callbacks[0].__qualname__ + repr(callbacks[0])


def test_a_report_keeps_its_unit_while_it_counts_towards_that_units_own_goals(tree, people):
    from tests.factories import DirectiveFactory, TargetFactory

    directive = DirectiveFactory()
    own_goal = TargetFactory(directive=directive, organization=tree["A1"], name="Mục tiêu của A1")
    report = draft(people["staff_a"], tree["A1a"])
    services.report_set_links(actor=people["staff_a"], report_id=report.pk, expected_version=1, links=[
        services.LinkInput(directive_id=directive.pk, contributions={own_goal.pk: "5"})])
    with pytest.raises(ValidationError) as err:
        services.report_update(actor=people["staff_a"], report_id=report.pk, expected_version=2,
                               organization_id=tree["A2"].pk)
    assert "organization" in err.value.message_dict
    assert Report.objects.get(pk=report.pk).organization == tree["A1a"]
    services.report_update(actor=people["staff_a"], report_id=report.pk, expected_version=2,
                           organization_id=tree["A1b"].pk)  # A1b shares A1's goal
    assert Report.objects.get(pk=report.pk).organization == tree["A1b"]
