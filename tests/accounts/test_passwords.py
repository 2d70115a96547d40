"""Temporary passwords, the change forced at the next login, disabled accounts and lock-outs."""
from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts import services
from accounts.models import Account
from organizations.models import RoleKind
from tests.accounts.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_reset_password_works_once_and_must_be_changed_at_the_next_login(client, country):
    client.force_login(country.admin)
    response = client.post(reverse("account-password-reset", args=[country.clerk.pk]))
    assert response.status_code == 200
    temporary = response.context["password"]
    assert temporary in response.content.decode(), "shown once to the admin"
    client.logout()

    assert log_in(client, "canbo.q1", PASSWORD).status_code == 200, "the old password no longer works"
    assert log_in(client, "canbo.q1", temporary).status_code == 302
    for url in (reverse("home"), reverse("report-list"), reverse("organization-list")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("password_change"), url
    page = client.get(reverse("password_change"), follow=True).content.decode()
    assert "You are using a temporary password" in page

    # The temporary password cannot simply be confirmed as the new one.
    response = client.post(reverse("password_change"), {"old_password": temporary, "new_password1": temporary,
                                                        "new_password2": temporary})
    assert response.status_code == 200 and "different from the current one" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302

    new = "Hoa-sen-nở-2026"
    response = client.post(reverse("password_change"), {"old_password": temporary, "new_password1": new,
                                                        "new_password2": new})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200, "the pages open again"
    assert not Account.objects.get(user=country.clerk).must_change_password
    client.logout()
    assert log_in(client, "canbo.q1", new).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_session_open_during_the_reset_ends(client, country):
    client.force_login(country.clerk)
    assert client.get(reverse("home")).status_code == 200
    services.account_password_reset(actor=country.admin, user=country.clerk)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_new_account_must_change_its_password_at_the_first_login(client, country):
    user, temporary = services.account_create(actor=country.admin, username="an.nv", full_name="Nguyễn Văn An",
                                              email="an.nv@example.vn", organization=country.q1, kind=RoleKind.STAFF)
    assert log_in(client, "an.nv", temporary).status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_a_disabled_account_cannot_log_in_and_its_session_ends(client, country):
    other = client.__class__()
    other.force_login(country.clerk)
    services.account_set_active(actor=country.admin, user=country.clerk, active=False)
    response = other.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = log_in(client, "canbo.q1", PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    services.account_set_active(actor=country.admin, user=country.clerk, active=True)
    assert log_in(client, "canbo.q1", PASSWORD).status_code == 302


def test_the_disable_and_enable_pages_ask_first_then_act(client, country):
    client.force_login(country.admin)
    url = reverse("account-deactivate", args=[country.clerk.pk])
    page = client.get(url).content.decode()
    assert "will no longer be able to log in" in page
    country.clerk.refresh_from_db()
    assert country.clerk.is_active, "the confirmation page changes nothing"
    response = client.post(url, follow=True)
    assert "The account was disabled." in response.content.decode()
    country.clerk.refresh_from_db()
    assert not country.clerk.is_active
    client.post(reverse("account-reactivate", args=[country.clerk.pk]))
    country.clerk.refresh_from_db()
    assert country.clerk.is_active


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def test_a_reset_lifts_a_login_lock_out(client, country, axes_on):
    for _ in range(4):
        log_in(client, "canbo.q1", "wrong-password")
    assert AccessAttempt.objects.filter(username="canbo.q1").exists()
    assert log_in(client, "canbo.q1", PASSWORD).status_code != 302, "locked out"
    temporary = services.account_password_reset(actor=country.admin, user=country.clerk)
    assert not AccessAttempt.objects.filter(username="canbo.q1").exists()
    assert log_in(client, "canbo.q1", temporary).status_code == 302


def test_enabling_an_account_lifts_a_login_lock_out(client, country, axes_on):
    services.account_set_active(actor=country.admin, user=country.clerk, active=False)
    for _ in range(4):
        log_in(client, "canbo.q1", "wrong-password")
    assert AccessAttempt.objects.filter(username="canbo.q1").exists()
    services.account_set_active(actor=country.admin, user=country.clerk, active=True)
    assert not AccessAttempt.objects.filter(username="canbo.q1").exists()
    assert log_in(client, "canbo.q1", PASSWORD).status_code == 302
