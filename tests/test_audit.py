"""The audit trail: who changed what, when, with each field's value before and after.

Changes made in a request carry the request's user; scheduled jobs carry the named system
actor; a job run inside a request (the embedded mode runs tasks eagerly) does not take the
request's actor away from what the request changes afterwards. Passwords never reach it.
"""
from __future__ import annotations

import datetime as dt

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse

from meetings import tasks
from meetings.models import Assessment, ImplementationLink, Report, ReportStatus
from organizations.actors import SYSTEM_USERNAME, acting_as, system_actor
from organizations.models import Organization, RoleKind
from resolutions.models import PeriodClose
from tests.factories import AssignmentFactory, DirectiveFactory, ReportFactory, UserFactory

pytestmark = pytest.mark.django_db


def entries(obj, action=None):
    qs = LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")
    return list(qs.filter(action=action) if action is not None else qs)


def test_a_change_made_in_a_request_names_its_user_and_both_values(client, tree, make_user):
    staff = make_user("staff_a1", tree["A1"], RoleKind.STAFF)
    report = ReportFactory(organization=tree["A1a"], author=staff, title="Báo cáo tháng 3")
    client.force_login(staff)
    response = client.post(reverse("report-submit", args=[report.pk]), {"version": report.version,
                                                                        "expected_version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    update = entries(report, LogEntry.Action.UPDATE)[-1]
    assert update.actor == staff
    assert update.changes["status"] == [ReportStatus.DRAFT, ReportStatus.SUBMITTED]
    assert update.remote_addr == "127.0.0.1"


def test_a_scheduled_job_acts_as_the_system_actor(tree):
    directive = DirectiveFactory()
    AssignmentFactory(directive=directive, organization=tree["ROOT"], start=dt.date(2019, 1, 1))
    report = ReportFactory(organization=tree["A1a"], status=ReportStatus.SUBMITTED,
                           submitted_at=dt.datetime(2019, 4, 2, tzinfo=dt.UTC))
    ImplementationLink.objects.create(report=report, directive=directive, assessment=Assessment.DONE)
    result = tasks.periods_close_due_task.apply(kwargs={"days_after_end": 10, "today": "2019-05-01"})
    assert result.successful(), result.traceback
    close = PeriodClose.objects.get(period_kind="month", period_start=dt.date(2019, 3, 1))
    creator = entries(close, LogEntry.Action.CREATE)[0].actor
    assert creator.username == SYSTEM_USERNAME and creator.get_full_name() == "Hệ thống"
    assert not creator.is_active and not creator.has_usable_password()


def test_a_job_inside_a_request_leaves_the_request_its_actor(tree):
    leader = UserFactory(username="leader")
    with set_actor(leader):
        with acting_as(system_actor()):
            Organization.objects.filter(pk=tree["B1"].pk).first().save()
        org = Organization.objects.get(pk=tree["A2"].pk)
        org.name = "Đảng bộ cơ sở A2 (đổi tên)"
        org.save()
    assert entries(org, LogEntry.Action.UPDATE)[-1].actor == leader


def test_a_password_change_is_recorded_without_the_password(tree):
    user = UserFactory(username="someone")
    operator = UserFactory(username="op", is_superuser=True)
    with set_actor(operator):
        user.set_password("A-new-Secret-2026")
        user.save()
    change = entries(user, LogEntry.Action.UPDATE)[-1]
    assert change.actor == operator
    assert change.changes["password"] == ["********", "********"]
    assert "pbkdf2" not in str(change.changes) and "md5" not in str(change.changes)


def test_the_trail_keeps_the_old_and_new_text_of_a_report_edited_through_the_service(tree, make_user):
    from meetings import services

    staff = make_user("staff_a1", tree["A1"], RoleKind.STAFF)
    report = ReportFactory(organization=tree["A1a"], body="Văn bản cũ.", title="Báo cáo tháng 3")
    services.report_update(actor=staff, report_id=report.pk, expected_version=1, body="Văn bản mới, dài hơn.",
                           title="Báo cáo tháng 3 (sửa)")
    change = entries(report, LogEntry.Action.UPDATE)[-1].changes
    assert change["body"] == ["Văn bản cũ.", "Văn bản mới, dài hơn."]
    assert change["title"] == ["Báo cáo tháng 3", "Báo cáo tháng 3 (sửa)"]
    assert Report.objects.get(pk=report.pk).version == 2


def test_the_trail_records_the_real_address_not_one_the_client_wrote(client, tree, make_user):
    staff = make_user("staff_a1", tree["A1"], RoleKind.STAFF)
    for forged in ("10.1.2.3, 127.0.0.1", "không phải địa chỉ", "evil"):
        report = ReportFactory(organization=tree["A1a"], author=staff)
        client.force_login(staff)
        response = client.post(reverse("report-submit", args=[report.pk]), {"version": 1, "expected_version": 1},
                               HTTP_X_FORWARDED_FOR=forged)
        assert response.status_code == 302
        assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED, forged
        assert entries(report, LogEntry.Action.UPDATE)[-1].remote_addr == "127.0.0.1"
