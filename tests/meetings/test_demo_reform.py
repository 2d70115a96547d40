"""The demo's 2025 reorganisation as a leader reads it: Q2 as the tree was, Q3 as it is.

District 1 ended on 30-6-2025, its wards Bến Nghé and Đa Kao merged into Phường Sài Gòn
directly under the city, Bến Thành went directly under the city; every cell of the three wards
reported monthly on Chỉ thị 05-CT/TW from April to September 2025.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from meetings.summaries import summaries_compute
from organizations.actors import system_actor
from organizations.models import Organization, Reorganisation
from resolutions import periods as P
from resolutions.dashboards import figures_for
from tests.demo import load_demo

pytestmark = [pytest.mark.django_db]

Q2, Q3 = P.parse_period("2025-Q2"), P.parse_period("2025-Q3")


@pytest.fixture
def demo(db):
    load_demo()
    summaries_compute(actor=system_actor(), start=dt.date(2025, 4, 1), end=dt.date(2025, 9, 30))


def ct05(code: str, period) -> tuple[int, int, int]:
    rows = [f for f in figures_for(Organization.objects.get(code=code), period) if f.directive.symbol == "05-CT/TW"]
    return (rows[0].expected_units, rows[0].units_reported, rows[0].reports) if rows else (0, 0, 0)


def test_q2_is_summarised_as_the_tree_was_and_q3_as_it_is(demo):
    district_q2 = ct05("HCM-Q1", Q2)
    cells = district_q2[0]
    assert cells >= 6 and district_q2 == (cells, cells, 3 * cells)
    assert ct05("HCM-Q1", Q3) == (0, 0, 0)
    saigon = ct05("HCM-PSG", Q3)
    assert ct05("HCM-PSG", Q2) == (0, 0, 0) and 0 < saigon[0] < cells
    ben_thanh = ct05("HCM-Q1-PBT", Q3)
    assert saigon[0] + ben_thanh[0] == cells and saigon[2] + ben_thanh[2] == 3 * cells
    # The city counts the same cells on both sides of the date.
    assert ct05("HCM", Q2)[0] == ct05("HCM", Q3)[0]


def test_the_new_ward_shows_its_lineage(demo, client):
    client.force_login(get_user_model().objects.get(username="lanhdao.hcm"))
    saigon = Organization.objects.get(code="HCM-PSG")
    page = client.get(reverse("organization-detail", args=[saigon.pk])).content.decode()
    assert "Đảng bộ Phường Bến Nghé" in page and "Đảng bộ Phường Đa Kao" in page and "01/07/2025" in page
    district = Organization.objects.get(code="HCM-Q1")
    page = client.get(reverse("organization-detail", args=[district.pk])).content.decode()
    assert "30/06/2025" in page
    assert Reorganisation.objects.count() == 2
