"""Hostile input on the account pages people type into: never a server error, never the
payload echoed as markup, a refused form keeps what was typed, a stored name is clean."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import given

from organizations.text import clean_line
from tests.test_hostile_input import HYPOTHESIS, XSS, hostile

pytestmark = pytest.mark.django_db


def no_markup(page: str) -> None:
    for payload in XSS:
        assert payload not in page


def test_the_create_form_survives_hostile_values(client, country):
    client.force_login(country.admin)

    @HYPOTHESIS
    @given(username=hostile, full_name=hostile, email=hostile, unit_q=hostile)
    def run(username, full_name, email, unit_q):
        data = {"username": username, "full_name": full_name, "email": email, "unit_q": unit_q,
                "organization": country.q1.pk, "kind": "staff"}
        response = client.post(reverse("account-create"), data)
        assert response.status_code == 200
        page = response.content.decode()
        no_markup(page)
        user = get_user_model().objects.filter(username=clean_line(username)).first()
        if "temporary-password" in page:
            assert user is not None and user.first_name == clean_line(full_name)[:150]
            user.delete()
        found = client.post(reverse("account-create"), dict(data, find_unit="1"))
        assert found.status_code == 200
        no_markup(found.content.decode())

    run()


def test_the_list_filters_survive_hostile_values(client, country):
    client.force_login(country.admin)

    @HYPOTHESIS
    @given(q=hostile, unit=hostile, status=hostile, page=hostile)
    def run(q, unit, status, page):
        response = client.get(reverse("account-list"), {"q": q, "unit": unit, "status": status, "page": page})
        assert response.status_code == 200
        no_markup(response.content.decode())

    run()
