"""The demo as its leaders see it: every demo leader's dashboard has figures, they equal direct
counts of the reports below, and every directive with reports drills down to a report whose
text highlights the directive.

The demo is loaded and its summaries computed as ``make run`` does (``load_demo``, then the
summary jobs' command for 2019); the leaders open the dashboard without choosing a period,
so they see what the app shows them first.
"""
from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from meetings import summaries as S
from meetings.models import ImplementationLink, Report
from organizations.models import Organization
from tests.demo import load_demo

pytestmark = [pytest.mark.django_db]

DEMO_LEADERS = ("lanhdao.hcm", "lanhdao.khoi", "lanhdao.hn")


@pytest.fixture
def demo(db):
    load_demo()
    call_command("compute_summaries", "--period", "2019", stdout=io.StringIO())


def counted_links(directive_id: int, org: Organization, period):
    """The links a summary counts: submitted or accepted reports of the subtree in the period."""
    return ImplementationLink.objects.filter(
        directive_id=directive_id, report__status__in=S.COUNTED,
        report__period_end__range=(period.start, period.end), report__organization__path__startswith=org.path)


def descend_to_reports(client, org: Organization, directive_id: int, query: dict) -> tuple[Organization, str]:
    """Follow the units with reports down from ``org``, as a leader clicks; the last unit and its reports link."""
    unit = org
    for _level in range(10):
        response = client.get(reverse("dashboard-directive", args=[unit.pk, directive_id]), query)
        assert response.status_code == 200
        drill = response.context["drill"]
        assert drill.own is not None and drill.own.summary.reports > 0, unit.code
        below = [r for r in drill.units if r.summary.reports > 0]
        if drill.is_cell or not below:
            return unit, drill.reports_url
        unit = Organization.objects.get(pk=below[0].organization.pk)
    raise AssertionError("the drill-down did not end")


@pytest.mark.parametrize("username", DEMO_LEADERS)
def test_each_demo_leader_sees_right_figures_and_drills_down_to_a_report(client, demo, username):
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    org, period = response.context["organization"], response.context["period"]
    rows = response.context["board"].all_rows
    assert rows, f"{username}: no directive on the dashboard"
    assert sum(r.summary.reports for r in rows) > 0, f"{username}: no report in {period.key}"
    for r in rows:
        links = counted_links(r.directive.pk, org, period)
        s = r.summary
        assert s.reports == links.count(), r.directive.label
        assert s.reporting_units == links.values("report__organization").distinct().count()
        for assessment in ("not_started", "in_progress", "behind", "done"):
            assert getattr(s, f"links_{assessment}") == links.filter(assessment=assessment).count()
        assert s.reported_units + s.units_pending + s.units_overdue == s.expected_units
        assert s.units_on_time + s.units_late == s.reported_units

    query = {"period_kind": period.kind, "period": period.key}
    for r in [r for r in rows if r.summary.reports]:
        unit, reports_url = descend_to_reports(client, org, r.directive.pk, query)
        listing = client.get(reports_url)
        assert listing.status_code == 200
        reports = list(listing.context["reports"])
        assert reports, f"{r.directive.label}: {unit.code} lists no report"
        expected = set(counted_links(r.directive.pk, unit, period).values_list("report_id", flat=True))
        assert {rep.pk for rep in reports} <= set(Report.objects.filter(
            links__directive_id=r.directive.pk, organization__path__startswith=unit.path).values_list("pk", flat=True))
        assert expected & {rep.pk for rep in reports}
        # The report opens with the directive's citation highlighted in its text.
        report = next(rep for rep in reports if rep.pk in expected)
        detail = client.get(reverse("report-detail", args=[report.pk])).content.decode()
        marks = [unescape(t) for t in re.findall(r'<mark title="([^"]*)"', detail)]
        assert any(r.directive.symbol in t or r.directive.label in t for t in marks), (r.directive.label, marks[:3])
