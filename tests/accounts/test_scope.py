"""The limits of a committee admin over accounts: never outside their subtree, never above
their own level, never an account that also belongs to another committee, never an operator's
account, never themselves; the system actor is never listed."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.selectors import account_access, accounts_in_scope
from organizations.actors import SYSTEM_USERNAME, system_actor
from organizations.models import Role, RoleKind

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def roles_of(user) -> set[tuple[str, str]]:
    return set(Role.objects.filter(user=user).values_list("organization__code", "kind"))


# --- granting -------------------------------------------------------------------------
def test_hcm_admin_grants_a_leader_role_in_a_district_of_hcm(country):
    role = services.account_role_grant(actor=country.admin, user=country.clerk, organization=country.q1,
                                       kind=RoleKind.LEADER)
    assert role.pk and roles_of(country.clerk) == {("HCM-Q1", "staff"), ("HCM-Q1", "leader")}


def test_hcm_admin_grants_at_their_own_unit_to_someone_else(country):
    services.account_role_grant(actor=country.admin, user=country.clerk, organization=country.hcm, kind=RoleKind.ADMIN)
    assert ("HCM", "admin") in roles_of(country.clerk)


@pytest.mark.parametrize("unit", ["hn", "hn_d", "nation"])
def test_hcm_admin_cannot_grant_in_another_province_or_at_the_root(country, unit):
    with pytest.raises(PermissionDenied):
        services.account_role_grant(actor=country.admin, user=country.clerk, organization=getattr(country, unit),
                                    kind=RoleKind.STAFF)
    assert roles_of(country.clerk) == {("HCM-Q1", "staff")}


def test_a_district_admin_cannot_grant_at_the_province_above(country):
    with pytest.raises(PermissionDenied):
        services.account_role_grant(actor=country.q1_admin, user=country.clerk, organization=country.hcm,
                                    kind=RoleKind.STAFF)
    assert roles_of(country.clerk) == {("HCM-Q1", "staff")}


def test_an_admin_cannot_grant_themselves_a_role(country):
    with pytest.raises(PermissionDenied):
        services.account_role_grant(actor=country.admin, user=country.admin, organization=country.q1,
                                    kind=RoleKind.LEADER)
    assert roles_of(country.admin) == {("HCM", "admin")}


def test_the_grant_page_refuses_a_unit_of_another_province_as_an_invalid_choice(client, country):
    client.force_login(country.admin)
    response = client.post(reverse("account-role-grant", args=[country.clerk.pk]),
                           {"organization": country.hn_d.pk, "kind": "leader"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert roles_of(country.clerk) == {("HCM-Q1", "staff")}


# --- whose account ----------------------------------------------------------------------
def test_an_account_also_holding_a_role_elsewhere_is_read_only(client, country):
    access = account_access(country.admin, country.shared)
    assert access.visible and not access.manageable
    assert [r.organization.code for r in access.roles] == ["HCM-Q1-CB"] and access.roles_elsewhere == 1
    for call in (lambda: services.account_password_reset(actor=country.admin, user=country.shared),
                 lambda: services.account_set_active(actor=country.admin, user=country.shared, active=False),
                 lambda: services.account_update(actor=country.admin, user=country.shared, full_name="X"),
                 lambda: services.account_role_grant(actor=country.admin, user=country.shared,
                                                     organization=country.q1, kind=RoleKind.LEADER)):
        with pytest.raises(PermissionDenied):
            call()
    country.shared.refresh_from_db()
    assert country.shared.is_active and country.shared.check_password("pw-Test-12345")
    client.force_login(country.admin)
    page = client.get(reverse("account-detail", args=[country.shared.pk])).content.decode()
    assert "also holds roles outside your part of the tree" in page
    assert "Ba Đình" not in page and "HN-BD" not in page, "a role elsewhere is counted, never named"
    assert reverse("account-password-reset", args=[country.shared.pk]) not in page
    assert client.post(reverse("account-deactivate", args=[country.shared.pk])).status_code == 403
    assert client.post(reverse("account-password-reset", args=[country.shared.pk])).status_code == 403


def test_the_admin_may_still_revoke_a_role_of_their_subtree_from_a_shared_account(country):
    role = Role.objects.get(user=country.shared, organization=country.cell)
    services.account_role_revoke(actor=country.admin, role=role)
    assert roles_of(country.shared) == {("HN-BD", "staff")}
    hn_role = Role.objects.get(user=country.shared)
    with pytest.raises(PermissionDenied):
        services.account_role_revoke(actor=country.admin, role=hn_role)


def test_an_account_of_another_province_is_a_404(client, country):
    client.force_login(country.admin)
    for name in ("account-detail", "account-edit", "account-password-reset", "account-deactivate"):
        assert client.get(reverse(name, args=[country.hanoi.pk])).status_code == 404
        assert client.post(reverse(name, args=[country.hanoi.pk])).status_code == (405 if name == "account-detail" else 404)
    with pytest.raises(PermissionDenied):
        services.account_password_reset(actor=country.admin, user=country.hanoi)
    role = Role.objects.get(user=country.hanoi)
    assert client.post(reverse("account-role-revoke", args=[country.hanoi.pk, role.pk])).status_code == 404
    assert Role.objects.filter(pk=role.pk).exists()


@pytest.mark.parametrize("who", ["operator", "staff_flag", "super_in_hcm"])
def test_operators_and_staff_flagged_accounts_are_never_touchable(client, country, who):
    target = getattr(country, who)
    for call in (lambda: services.account_password_reset(actor=country.admin, user=target),
                 lambda: services.account_set_active(actor=country.admin, user=target, active=False),
                 lambda: services.account_update(actor=country.admin, user=target, full_name="X"),
                 lambda: services.account_role_grant(actor=country.admin, user=target, organization=country.q1,
                                                     kind=RoleKind.LEADER)):
        with pytest.raises(PermissionDenied):
            call()
    for role in Role.objects.filter(user=target):
        with pytest.raises(PermissionDenied):
            services.account_role_revoke(actor=country.admin, role=role)
    target.refresh_from_db()
    assert target.is_active and target.check_password("pw-Test-12345")
    client.force_login(country.admin)
    assert client.post(reverse("account-password-reset", args=[target.pk])).status_code in (403, 404)


def test_an_admin_cannot_reset_disable_or_revoke_their_own_account(client, country):
    with pytest.raises(PermissionDenied):
        services.account_set_active(actor=country.admin, user=country.admin, active=False)
    with pytest.raises(PermissionDenied):
        services.account_password_reset(actor=country.admin, user=country.admin)
    with pytest.raises(PermissionDenied):
        services.account_role_revoke(actor=country.admin, role=Role.objects.get(user=country.admin))
    client.force_login(country.admin)
    page = client.get(reverse("account-detail", args=[country.admin.pk])).content.decode()
    assert "This is your own account" in page


def test_the_list_shows_the_subtree_only_and_never_the_system_actor(client, country):
    system_actor()
    client.force_login(country.admin)
    page = client.get(reverse("account-list")).content.decode()
    for username in ("quantri.hcm", "quantri.q1", "canbo.q1", "canbo.chung", "kythuat.hcm", "sieu.hcm"):
        assert username in page
    for username in ("canbo.hn", "vanhanh", SYSTEM_USERNAME):
        assert username not in page
    assert "Ba Đình" not in page
    assert set(accounts_in_scope(country.q1_admin).values_list("username", flat=True)) == {
        "quantri.q1", "canbo.q1", "canbo.chung", "kythuat.hcm", "sieu.hcm"}


def test_the_system_actor_is_a_404_even_for_an_operator(client, country):
    system = system_actor()
    client.force_login(country.operator)
    assert client.get(reverse("account-detail", args=[system.pk])).status_code == 404
    assert SYSTEM_USERNAME not in client.get(reverse("account-list")).content.decode()


def test_staff_and_leaders_do_not_manage_accounts(client, country):
    client.force_login(country.clerk)
    assert client.get(reverse("account-list")).status_code == 403
    assert client.get(reverse("account-create")).status_code == 403
    assert client.get(reverse("account-import")).status_code == 403
    assert client.get(reverse("account-detail", args=[country.clerk.pk])).status_code == 404
    assert "/tai-khoan/quan-ly/" not in client.get(reverse("home")).content.decode()


def test_creating_an_account_outside_the_subtree_is_refused_and_creates_nothing(client, country):
    with pytest.raises(PermissionDenied):
        services.account_create(actor=country.admin, username="moi.hn", full_name="Người mới",
                                organization=country.hn_d, kind=RoleKind.STAFF)
    client.force_login(country.admin)
    response = client.post(reverse("account-create"), {"username": "moi.hn", "full_name": "Người mới",
                                                       "organization": country.hn_d.pk, "kind": "staff"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not get_user_model().objects.filter(username="moi.hn").exists()


def test_the_last_role_is_not_revoked_the_account_is_disabled_instead(client, country):
    role = Role.objects.get(user=country.clerk)
    with pytest.raises(ValidationError):
        services.account_role_revoke(actor=country.admin, role=role)
    client.force_login(country.admin)
    response = client.post(reverse("account-role-revoke", args=[country.clerk.pk, role.pk]), follow=True)
    assert "only role: disable the account instead" in response.content.decode()
    assert Role.objects.filter(pk=role.pk).exists()


def test_the_unit_picker_offers_only_the_subtree_accent_insensitively(client, country):
    client.force_login(country.admin)
    response = client.post(reverse("account-create"), {"username": "an.nv", "full_name": "Nguyễn Văn An",
                                                       "unit_q": "quan 1", "find_unit": "1"})
    page = response.content.decode()
    assert 'value="an.nv"' in page and 'value="Nguyễn Văn An"' in page, "nothing typed is lost"
    assert "Quận ủy Quận 1 (HCM-Q1)" in page
    assert "Thành ủy Hà Nội" not in page and "Ba Đình" not in page
    assert "This field is required" not in page
    response = client.post(reverse("account-create"), {"unit_q": "ba dinh", "find_unit": "1"})
    assert "Ba Đình" not in response.content.decode()
