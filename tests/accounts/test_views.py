"""The account pages as an HCM admin uses them."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from organizations.models import Role
from tests.factories import grant

pytestmark = pytest.mark.django_db


def test_create_an_account_then_grant_it_a_leader_role(client, country):
    client.force_login(country.admin)
    page = client.get(reverse("account-create")).content.decode()
    assert "Quận ủy Quận 1 (HCM-Q1)" in page and "Ba Đình" not in page
    response = client.post(reverse("account-create"), {
        "username": "an.nv", "full_name": "  Nguyễn Văn An ", "email": "An.NV@Example.vn",
        "organization": country.q1.pk, "kind": "staff", "create": "1"})
    assert response.status_code == 200
    user = get_user_model().objects.get(username="an.nv")
    assert (user.get_full_name(), user.email, user.is_staff, user.is_superuser) == (
        "Nguyễn Văn An", "an.nv@example.vn", False, False)
    assert response.context["password"] in response.content.decode()
    response = client.post(reverse("account-role-grant", args=[user.pk]),
                           {"organization": country.cell.pk, "kind": "leader"}, follow=True)
    assert "Role granted: Leader at Chi bộ Khu phố 1." in response.content.decode()
    assert set(Role.objects.filter(user=user).values_list("organization__code", "kind")) == {
        ("HCM-Q1", "staff"), ("HCM-Q1-CB", "leader")}


def test_a_bad_create_form_keeps_what_was_typed_and_says_why(client, country):
    client.force_login(country.admin)
    response = client.post(reverse("account-create"), {
        "username": "canbo.q1", "full_name": "Người Trùng", "email": "sai-dia-chi", "kind": "staff"})
    page = response.content.decode()
    assert response.status_code == 200 and "The account was not created" in page
    assert 'value="Người Trùng"' in page and 'value="sai-dia-chi"' in page
    assert "Enter a valid email address." in page and "This field is required." in page
    response = client.post(reverse("account-create"), {
        "username": "CANBO.Q1", "full_name": "Người Trùng", "organization": country.q1.pk, "kind": "staff"})
    assert "This user name is already taken." in response.content.decode()
    assert get_user_model().objects.filter(username__iexact="canbo.q1").count() == 1


def test_granting_the_same_role_twice_says_so(client, country):
    client.force_login(country.admin)
    response = client.post(reverse("account-role-grant", args=[country.clerk.pk]),
                           {"organization": country.q1.pk, "kind": "staff"})
    assert response.status_code == 200 and "already has this role here" in response.content.decode()


def test_the_list_finds_accounts_without_accents_filters_by_unit_and_pages(client, country):
    client.force_login(country.admin)
    page = client.get(reverse("account-list"), {"q": "nguyen van an"}).content.decode()
    assert "canbo.q1" in page and "canbo.chung" not in page
    page = client.get(reverse("account-list"), {"unit": country.cell.pk}).content.decode()
    assert "canbo.chung" in page and "canbo.q1" not in page
    page = client.get(reverse("account-list"), {"unit": country.hn_d.pk}).content.decode()
    assert "Select a valid choice" in page and "canbo.hn" not in page
    for i in range(30):
        grant(get_user_model().objects.create_user(f"cb{i:02d}", first_name=f"Cán bộ {i}"), country.cell, "staff")
    first = client.get(reverse("account-list"), {"q": "can bo"}).content.decode()
    second = client.get(reverse("account-list"), {"q": "can bo", "page": 2}).content.decode()
    assert "cb00" in first and "cb29" not in first and "cb29" in second
    assert "Page 1 of 2" in first


def test_the_revoke_button_asks_for_confirmation(client, country):
    client.force_login(country.admin)
    grant(country.clerk, country.cell, "leader")
    role = Role.objects.get(user=country.clerk, kind="leader")
    page = client.get(reverse("account-detail", args=[country.clerk.pk])).content.decode()
    revoke_url = reverse("account-role-revoke", args=[country.clerk.pk, role.pk])
    assert revoke_url in page
    assert "will no longer act as Leader at Chi bộ Khu phố 1" in client.get(revoke_url).content.decode()
    assert Role.objects.filter(pk=role.pk).exists()
    response = client.post(revoke_url, follow=True)
    assert "Role revoked: Leader at Chi bộ Khu phố 1." in response.content.decode()
    assert not Role.objects.filter(pk=role.pk).exists()


def test_edit_name_and_email(client, country):
    client.force_login(country.admin)
    url = reverse("account-edit", args=[country.clerk.pk])
    response = client.post(url, {"full_name": "", "email": "x"})
    assert "Nothing was saved" in response.content.decode()
    client.post(url, {"full_name": "Nguyễn Văn Ân", "email": "an@example.vn"})
    country.clerk.refresh_from_db()
    assert (country.clerk.first_name, country.clerk.email) == ("Nguyễn Văn Ân", "an@example.vn")
    page = client.get(reverse("account-list"), {"q": "van an"}).content.decode()
    assert "canbo.q1" in page, "the search key follows the new name"


def test_an_operator_manages_any_committee_account_but_not_an_operator(client, country):
    client.force_login(country.operator)
    assert client.post(reverse("account-deactivate", args=[country.hanoi.pk])).status_code == 302
    country.hanoi.refresh_from_db()
    assert not country.hanoi.is_active
    assert client.post(reverse("account-deactivate", args=[country.super_in_hcm.pk])).status_code == 403


@pytest.mark.vietnamese
def test_the_pages_speak_vietnamese(client, country):
    client.force_login(country.admin)
    page = client.get(reverse("account-detail", args=[country.clerk.pk])).content.decode()
    for words in ("Tài khoản", "Cấp lại mật khẩu", "Khóa tài khoản", "Cán bộ", "Vai trò"):
        assert words in page, words
