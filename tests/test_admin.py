"""The Django admin is an operator's tool: only active superusers reach it, and it writes through
the services (so the tree changes one way only), with reports read-only and the audit trail
untouchable."""
from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from meetings.models import Report, ReportStatus
from organizations.models import Organization, OrgKind, Role, RoleKind
from tests.demo import load_demo
from tests.factories import ReportFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def tree_shape() -> list[tuple[str, str, int]]:
    return sorted(Organization.objects.values_list("code", "path", "depth"))


@pytest.fixture
def operator(db):
    return UserFactory(username="vanhanh.test", is_superuser=True, is_staff=True)


def _admin_urls(request, objs) -> list[str]:
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = objs.get(model)
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    return urls


def test_every_admin_page_renders_for_an_operator(client):
    load_demo()
    vanhanh = get_user_model().objects.get(username="vanhanh")
    client.force_login(vanhanh)
    request = RequestFactory().get("/")
    request.user = vanhanh
    objs = {model: model.objects.order_by("pk").last() for model in admin.site._registry}
    assert objs[LogEntry] is not None, "loading the demo is on the audit trail"
    urls = _admin_urls(request, objs)
    assert len(urls) > 2 * len(admin.site._registry)
    for url in urls:
        assert client.get(url).status_code == 200, url
    # A committee admin of the demo has no way in: the product's own screens are theirs.
    client.force_login(get_user_model().objects.get(username="quantri.hcm"))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.parametrize("role", [RoleKind.ADMIN, RoleKind.LEADER, RoleKind.STAFF, None])
def test_nobody_but_an_operator_reaches_the_admin_or_writes_through_it(client, tree, role):
    user = UserFactory(username="committee", is_staff=True)
    if role:
        grant(user, tree["A"], role)
    report = ReportFactory(organization=tree["A1a"])
    client.force_login(user)
    before = tree_shape()
    tries = [
        ("get", reverse("admin:index"), {}),
        ("get", reverse("admin:organizations_organization_changelist"), {}),
        # The abuses of issue 13, as an admin of A: move A1 (and its reports) into B, add a root...
        ("post", reverse("admin:organizations_organization_changelist") + "move/",
         {"node": tree["A1"].pk, "target": tree["B"].pk, "relation": "child"}),
        ("post", reverse("admin:organizations_organization_add"),
         {"code": "NEWROOT", "name": "Gốc mới", "kind": OrgKind.CENTRAL, "member_count": 0}),
        ("post", reverse("admin:organizations_organization_change", args=[tree["A1"].pk]),
         {"parent_code": "B", "name": "Đảng bộ cơ sở A1", "kind": OrgKind.GRASSROOTS, "member_count": 0}),
        ("post", reverse("admin:meetings_report_change", args=[report.pk]), {"status": ReportStatus.ACCEPTED}),
        ("post", reverse("admin:organizations_role_add"),
         {"user": user.pk, "organization": tree["A"].pk, "kind": RoleKind.LEADER}),
    ]
    for method, url, data in tries:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"], url
    assert tree_shape() == before
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    assert Role.objects.filter(user=user).count() == (1 if role else 0)


def test_an_inactive_superuser_is_not_an_operator(client, operator):
    operator.is_active = False
    operator.save()
    client.force_login(operator)
    assert client.get(reverse("admin:index")).status_code == 302


def test_operator_report_admin_is_read_only_the_workflow_changes_status(client, tree, operator):
    report = ReportFactory(organization=tree["A1a"], status=ReportStatus.DRAFT)
    client.force_login(operator)
    page = client.get(reverse("admin:meetings_report_change", args=[report.pk])).content.decode()
    assert 'name="status"' not in page, "no status field to edit"
    response = client.post(reverse("admin:meetings_report_change", args=[report.pk]),
                           {"status": ReportStatus.ACCEPTED, "version": 99, "title": "x"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.status, report.version, report.reviewed_by) == (ReportStatus.DRAFT, 1, None)
    assert client.post(reverse("admin:meetings_report_delete", args=[report.pk]), {"post": "yes"}).status_code == 403
    assert Report.objects.filter(pk=report.pk).exists()


def test_operator_adds_moves_and_edits_units_through_the_services(client, tree, operator):
    client.force_login(operator)
    add = reverse("admin:organizations_organization_add")
    response = client.post(add, {"parent_code": "A2", "code": "A2x", "name": "Chi bộ\x0b A2x", "kind": OrgKind.CELL,
                                 "member_count": 12})
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Organization.objects.get(code="A2x")
    assert created.path.startswith(tree["A2"].path) and created.name == "Chi bộ A2x"
    entry = LogEntry.objects.get_for_object(created).get()
    assert entry.actor == operator and entry.action == LogEntry.Action.CREATE

    # Without a parent, while the tree has its root: refused with a message, nothing created.
    response = client.post(add, {"code": "R2", "name": "Gốc thứ hai", "kind": OrgKind.CENTRAL, "member_count": 0})
    assert response.status_code == 200 and "already has its root" in response.content.decode()
    assert not Organization.objects.filter(code="R2").exists()

    # Drag-and-drop: into B (fine), then A under its own descendant (refused, nothing moves).
    move = reverse("admin:organizations_organization_changelist") + "move/"
    assert client.post(move, {"node": tree["A1"].pk, "target": tree["B"].pk, "relation": "child"}).status_code == 200
    assert Organization.objects.get(code="A1a").path.startswith(Organization.objects.get(code="B").path)
    before = tree_shape()
    assert client.post(move, {"node": tree["A"].pk, "target": tree["A2"].pk, "relation": "child"}).status_code == 400
    assert client.post(move, {"node": "²", "target": tree["A2"].pk, "relation": "child"}).status_code == 400
    assert tree_shape() == before

    # The change form re-parents through organization_move, and records who did it.
    change = reverse("admin:organizations_organization_change", args=[tree["A2"].pk])
    response = client.post(change, {"parent_code": "B", "name": "Đảng bộ cơ sở A2 (mới)", "short_name": "",
                                    "kind": OrgKind.GRASSROOTS, "member_count": 30, "successors": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    a2 = Organization.objects.get(code="A2")
    assert a2.name == "Đảng bộ cơ sở A2 (mới)" and a2.path.startswith(Organization.objects.get(code="B").path)
    changes = [e.changes for e in LogEntry.objects.get_for_object(a2).filter(action=LogEntry.Action.UPDATE)]
    assert any(c.get("name") == ["Đảng bộ cơ sở A2", "Đảng bộ cơ sở A2 (mới)"] for c in changes)
    assert any("path" in c for c in changes), "the move is on the trail"

    # Giving an open unit an end date dissolves it (the service checks the date against its start).
    b1 = Organization.objects.get(code="B1")
    response = client.post(reverse("admin:organizations_organization_change", args=[b1.pk]),
                           {"parent_code": "B", "name": b1.name, "short_name": "", "kind": b1.kind,
                            "member_count": 0, "valid_to": "2025-07-01", "successors": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert str(Organization.objects.get(code="B1").valid_to) == "2025-07-01"


def test_audit_records_cannot_be_changed_or_deleted(client, tree, operator):
    services_entry = LogEntry.objects.get_for_object(tree["A"]).first()
    assert services_entry is not None
    client.force_login(operator)
    delete = reverse("admin:auditlog_logentry_delete", args=[services_entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:auditlog_logentry_change", args=[services_entry.pk])
    assert client.post(change, {"changes": "{}"}).status_code == 403
    if connection.vendor == "postgresql":
        from django.db import DatabaseError

        with pytest.raises(DatabaseError), transaction.atomic():
            LogEntry.objects.filter(pk=services_entry.pk).delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            LogEntry.objects.filter(pk=services_entry.pk).update(changes={"forged": [1, 2]})
    assert LogEntry.objects.filter(pk=services_entry.pk).exists()


def test_operator_records_a_person_with_a_post_and_a_refusal_is_a_message(client, tree, operator):
    from organizations.models import Person, PositionTitle

    client.force_login(operator)
    response = client.post(reverse("admin:organizations_person_add"), {
        "full_name": "Nguyễn Văn\x0b An", "note": "",
        "positions-TOTAL_FORMS": "1", "positions-INITIAL_FORMS": "0",
        "positions-MIN_NUM_FORMS": "0", "positions-MAX_NUM_FORMS": "1000",
        "positions-0-organization": tree["A1"].pk, "positions-0-title": PositionTitle.SECRETARY,
        "positions-0-label": "", "positions-0-start": "2019-01-01", "positions-0-end": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get()
    assert person.full_name == "Nguyễn Văn An"
    assert list(person.positions.values_list("organization__code", flat=True)) == ["A1"]

    disabled = UserFactory(username="disabled", is_active=False)
    response = client.post(reverse("admin:organizations_role_add"),
                           {"user": disabled.pk, "organization": tree["A"].pk, "kind": RoleKind.STAFF}, follow=True)
    assert response.status_code == 200
    assert "This account is disabled." in response.content.decode()
    assert not Role.objects.filter(user=disabled).exists()
