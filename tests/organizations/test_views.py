"""Organisation pages: search and detail, scoped to the user's subtree."""
from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name, args", [("organization-list", []), ("organization-detail", [1])])
def test_anonymous_users_are_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_detail_shows_breadcrumbs_children_and_counts(client, tree, make_user):
    client.force_login(make_user("staff.a", tree["A"]))
    page = client.get(reverse("organization-detail", args=[tree["A1"].pk])).content.decode()
    assert "Đảng bộ cơ sở A1" in page
    assert "Chi bộ A1a" in page and "Chi bộ A1b" in page
    # The breadcrumb links up to the user's own unit, never above it.
    assert reverse("organization-detail", args=[tree["A"].pk]) in page
    assert reverse("organization-detail", args=[tree["ROOT"].pk]) not in page
    assert "Party cell" in page  # kind counts by label


def test_detail_outside_scope_is_404(client, tree, make_user):
    client.force_login(make_user("staff.a", tree["A"]))
    assert client.get(reverse("organization-detail", args=[tree["B"].pk])).status_code == 404
    assert client.get(reverse("organization-detail", args=[tree["ROOT"].pk])).status_code == 404
    assert client.get(reverse("organization-detail", args=[999999])).status_code == 404


def test_search_is_accent_insensitive_and_scoped(client, tree, make_user):
    client.force_login(make_user("staff.a", tree["A"]))
    page = client.get(reverse("organization-list"), {"q": "chi bo a1"}).content.decode()
    assert "Chi bộ A1a" in page and "Chi bộ A1b" in page
    page = client.get(reverse("organization-list"), {"q": "quan uy"}).content.decode()
    assert "Quận ủy B" not in page
    assert "No organisation in your scope matches" in page
