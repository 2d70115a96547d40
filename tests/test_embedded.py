"""The embedded configuration (SQLite, tasks in-process) runs every feature.

`make test` runs the tests marked `embedded` a second time with DATABASE_URL and REDIS_URL
unset; this module checks the product end to end on the demo data there: pages, search,
scoping, report entry with citation suggestions.
"""
from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.demo import load_demo

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def demo(db):
    load_demo()


def test_reports_which_database_it_runs_on():
    engine = settings.DATABASES["default"]["ENGINE"]
    assert engine.endswith("sqlite3") == settings.EMBEDDED
    if settings.EMBEDDED:
        assert settings.CELERY_TASK_ALWAYS_EAGER


def test_demo_pages_search_and_scope(client, demo):
    from meetings.models import Report

    client.force_login(get_user_model().objects.get(username="canbo.khoi"))
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Đảng ủy Khối Dân - Chính - Đảng" in home.content.decode()
    found = client.get(reverse("directive-list"), {"q": "chi thi 05"})
    assert "05-CT/TW" in found.content.decode()
    hanoi = Report.objects.filter(organization__code__startswith="HN").first()
    assert client.get(reverse("report-detail", args=[hanoi.pk])).status_code == 404
    own = Report.objects.filter(organization__code__startswith="HCM-KDCD").first()
    assert client.get(reverse("report-detail", args=[own.pk])).status_code == 200


def test_report_entry_suggests_links_from_the_text(client, demo):
    from meetings.models import Report

    client.force_login(get_user_model().objects.get(username="canbo.khoi"))
    org = get_user_model().objects.get(username="canbo.khoi").roles.get().organization
    response = client.post(reverse("report-create"), {
        "organization": org.pk, "kind": "periodic", "period_kind": "month", "period_start": "01/03/2019",
        "period_end": "31/03/2019", "title": "Báo cáo tháng 3", "body": "Tiếp tục thực hiện chi thi 05-CT/TW cua Bo Chinh tri.",
    })
    assert response.status_code == 302
    report = Report.objects.get(title="Báo cáo tháng 3")
    links_page = client.get(reverse("report-links", args=[report.pk])).content.decode()
    assert "05-CT/TW" in links_page and 'class="cite"' in links_page
