"""Every change made on the account pages is on the audit trail, with its actor — and no
password (nor its hash) ever is."""
from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import Account
from organizations.models import Role

pytestmark = pytest.mark.django_db


def trail_text() -> str:
    return json.dumps([[e.changes, e.object_repr, e.additional_data] for e in LogEntry.objects.all()],
                      ensure_ascii=False, default=str)


def test_the_trail_names_the_admin_for_every_change_and_never_holds_a_password(client, country):
    client.force_login(country.admin)
    created = client.post(reverse("account-create"), {"username": "an.nv", "full_name": "Nguyễn Văn An",
                                                      "email": "an.nv@example.vn", "organization": country.q1.pk,
                                                      "kind": "staff"})
    assert created.status_code == 200
    first_password = created.context["password"]
    user = created.context["account"]
    client.post(reverse("account-role-grant", args=[user.pk]), {"organization": country.cell.pk, "kind": "leader"})
    reset = client.post(reverse("account-password-reset", args=[user.pk]))
    second_password = reset.context["password"]
    client.post(reverse("account-deactivate", args=[user.pk]))
    client.post(reverse("account-reactivate", args=[user.pk]))
    client.post(reverse("account-edit", args=[user.pk]), {"full_name": "Nguyễn Văn Ân", "email": ""})
    role = Role.objects.get(user=user, kind="leader")
    client.post(reverse("account-role-revoke", args=[user.pk, role.pk]))

    user_type = ContentType.objects.get_for_model(user)
    user_entries = LogEntry.objects.filter(content_type=user_type, object_pk=str(user.pk)).order_by("pk")
    assert [e.actor for e in user_entries] == [country.admin] * user_entries.count()
    assert user_entries.filter(action=LogEntry.Action.CREATE).count() == 1
    changes = [e.changes for e in user_entries]
    assert any(c.get("is_active") in ([True, False], ["True", "False"]) for c in changes)
    assert any(c.get("is_active") in ([False, True], ["False", "True"]) for c in changes)
    assert any(c.get("first_name") == ["Nguyễn Văn An", "Nguyễn Văn Ân"] for c in changes)
    assert any("password" in c and set(c["password"]) <= {"********", ""} for c in changes)
    role_entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Role))
    assert role_entries.filter(action=LogEntry.Action.CREATE, actor=country.admin).count() == 2
    assert role_entries.filter(action=LogEntry.Action.DELETE, actor=country.admin).count() == 1
    flag_entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Account),
                                           object_pk=str(Account.objects.get(user=user).pk))
    assert flag_entries.exists()

    user.refresh_from_db()
    text = trail_text()
    for secret in (first_password, second_password, user.password, user.password.split("$")[-1]):
        assert secret not in text


def test_a_user_clearing_their_temporary_password_is_on_the_trail(client, country):
    from accounts import services

    temporary = services.account_password_reset(actor=country.admin, user=country.clerk)
    country.clerk.refresh_from_db()
    client.force_login(country.clerk)
    new = "Hoa-sen-nở-2026"
    client.post(reverse("password_change"), {"old_password": temporary, "new_password1": new, "new_password2": new})
    entry = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Account),
                                    object_pk=str(Account.objects.get(user=country.clerk).pk)).order_by("pk").last()
    assert entry.actor == country.clerk
    assert entry.changes["must_change_password"] in ([True, False], ["True", "False"])
    assert temporary not in trail_text() and new not in trail_text()
