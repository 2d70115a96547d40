"""Issue 14, N2–N6: one figure, one definition, the same on every surface.

Each test failed on ``main`` before the read model of figures (checked when it was written):
N2 a report's "behind schedule" made a directive nobody had to report on "late"; N3 the
summary page showed the period's own target value unlabelled where the dashboard showed the
cumulative one; N4 nothing gave the distinct reports of the period; N5 a monthly assignment
was judged in a quarter on its last month alone, and the missing list called late reports
missing; N6 the pace ran from the directive's issue date.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import summaries as S
from meetings.models import Assessment, ReportStatus, TargetContribution
from organizations.models import OrgKind, RoleKind
from resolutions import periods as P
from resolutions.dashboards import figures_for
from resolutions.models import ProgressSummary
from tests.factories import (
    AssignmentFactory,
    DirectiveFactory,
    LinkFactory,
    ReportFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

SEP, OCT, NOV, DEC = (P.parse_period(k) for k in ("2019-09", "2019-10", "2019-11", "2019-12"))
Q4 = P.parse_period("2019-Q4")
NOW = timezone.make_aware(dt.datetime(2020, 1, 20, 12, 0))  # every Q4 due date has passed


def at(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 9, 0))


def report(org, period, submitted, links):
    """An accepted report of ``org`` for ``period``: links [(directive, assessment, {target: value})]."""
    r = ReportFactory(organization=org, period_kind=period.kind, period_start=period.start, period_end=period.end,
                      status=ReportStatus.ACCEPTED, submitted_at=submitted)
    for directive, assessment, contributions in links:
        link = LinkFactory(report=r, directive=directive, assessment=assessment)
        for target, value in contributions.items():
            TargetContribution.objects.create(link=link, target=target, value=Decimal(value))
    return r


def compute(*periods, fast=False):
    for period in periods:
        S.compute_period(period, now=NOW, fast=fast)


def month(period):
    return {"period_kind": period.kind, "period": period.key}


@pytest.fixture
def leader(tree, client, make_user):
    client.force_login(make_user("leader_root", tree["ROOT"], RoleKind.LEADER))
    return client


def test_n2_a_directive_no_unit_had_to_report_on_is_never_late(tree, leader):
    """A cell's report says the work is behind schedule on a directive nobody was assigned to
    report on: that is the report's assessment, not a late report."""
    t = tree
    d = DirectiveFactory()
    report(t["A1a"], OCT, at(2019, 11, 2), [(d, Assessment.BEHIND, {})])
    compute(OCT)

    [figures] = figures_for(t["ROOT"], OCT)
    assert (figures.expected_units, figures.units_late, figures.links_behind) == (0, 0, 1)
    assert figures.status.key != "late"
    rows = leader.get(reverse("dashboard-org", args=[t["ROOT"].pk]), month(OCT)).context["rows"]
    assert [r.status.key for r in rows] == ["in_progress"]
    matrix = leader.get(reverse("dashboard-matrix", args=[t["ROOT"].pk]), month(OCT)).context["matrix"]
    statuses = {cell.row.status.key for _unit, cells in matrix.units for cell in cells if cell.row}
    assert statuses and "late" not in statuses
    page = leader.get(reverse("summary-overview", args=[t["ROOT"].pk]), {"period": OCT.key}).content.decode()
    assert "No unit has to report" in page and "st-late" not in page


def test_n3_a_target_shows_its_period_value_and_its_cumulative_value_labelled(tree, leader):
    t = tree
    d = DirectiveFactory()
    AssignmentFactory(directive=d, organization=t["ROOT"], reporter_kind=OrgKind.CELL, start=dt.date(2019, 1, 1))
    target = TargetFactory(directive=d, name="Kết nạp đảng viên", value=1500, aggregation="sum")
    report(t["A1a"], SEP, at(2019, 10, 2), [(d, Assessment.IN_PROGRESS, {target: 489})])
    report(t["A1a"], OCT, at(2019, 11, 2), [(d, Assessment.IN_PROGRESS, {target: 95})])
    compute(SEP, OCT)

    [figures] = figures_for(t["ROOT"], OCT)
    [tf] = figures.targets
    assert (tf.period_value, tf.value) == (Decimal(95), Decimal(584))
    summary = leader.get(reverse("summary-overview", args=[t["ROOT"].pk]), {"period": OCT.key}).content.decode()
    assert "in the period 95 · to the end of the period 584 / 1500" in summary
    dashboard = leader.get(reverse("dashboard-org", args=[t["ROOT"].pk]), month(OCT)).content.decode()
    assert "to the end of the period <strong>584</strong>" in dashboard and "in the period 95" in dashboard


def test_n4_reports_in_the_period_count_each_report_once(tree, leader):
    """One report on two directives: two "reports on the directive", one report in the period."""
    t = tree
    d1, d2 = DirectiveFactory(), DirectiveFactory()
    report(t["A1a"], OCT, at(2019, 11, 2), [(d1, Assessment.DONE, {}), (d2, Assessment.IN_PROGRESS, {})])
    compute(OCT)

    assert sum(f.reports for f in figures_for(t["ROOT"], OCT)) == 2
    response = leader.get(reverse("summary-overview", args=[t["ROOT"].pk]), {"period": OCT.key})
    assert response.context["distinct_reports"] == 1
    assert "1 report in the period in the whole subtree" in response.content.decode()


@pytest.fixture
def quarter(tree):
    """Cells report monthly, due 5 days after each month. In Q4 cell A1a sent all three reports,
    November's late; cell A1b sent October's and December's on time and never November's."""
    t = tree
    d = DirectiveFactory()
    AssignmentFactory(directive=d, organization=t["ROOT"], reporter_kind=OrgKind.CELL, start=dt.date(2019, 1, 1),
                      due_days=5)
    report(t["A1a"], OCT, at(2019, 11, 3), [(d, Assessment.IN_PROGRESS, {})])
    report(t["A1a"], NOV, at(2019, 12, 10), [(d, Assessment.IN_PROGRESS, {})])
    report(t["A1a"], DEC, at(2020, 1, 3), [(d, Assessment.DONE, {})])
    report(t["A1b"], OCT, at(2019, 11, 2), [(d, Assessment.IN_PROGRESS, {})])
    report(t["A1b"], DEC, at(2020, 1, 4), [(d, Assessment.DONE, {})])
    return d


def _unit_figures(t, d):
    row = ProgressSummary.objects.get(organization=t["ROOT"], directive=d, period_kind=Q4.kind, period_start=Q4.start)
    return (row.expected_units, row.reported_units, row.units_on_time, row.units_late, row.units_pending,
            row.units_overdue)


@pytest.mark.parametrize("fast", [False, True], ids=["portable", "bulk"])
def test_n5_a_quarter_judges_every_monthly_report_due_in_it(tree, quarter, fast):
    """Both paths of the summaries: A1a late (all came, one late), A1b missing (one never came)."""
    compute(Q4, fast=fast)
    assert _unit_figures(tree, quarter) == (2, 1, 0, 1, 0, 1)


def test_n5_the_bulk_and_portable_paths_agree_on_pending_and_missing(tree, quarter):
    """Before December's due date, A1a's December report not in yet: A1b's November is missing
    already, A1a (November late) still waits for December."""
    from meetings.models import Report

    Report.objects.filter(organization=tree["A1a"], period_end=DEC.end).delete()
    before = timezone.make_aware(dt.datetime(2020, 1, 2, 12, 0))
    rows = []
    for fast in (False, True):
        S.compute_period(Q4, now=before, fast=fast)
        rows.append(_unit_figures(tree, quarter))
    assert rows[0] == rows[1] == (2, 0, 0, 0, 1, 1)


def test_n5_the_missing_list_separates_missing_from_late(tree, quarter, leader):
    compute(Q4)
    response = leader.get(reverse("summary-missing", args=[tree["ROOT"].pk]), {"period": Q4.key})
    found = response.context["found"]
    assert [(i.unit.code, i.period.key) for i in found.missing] == [("A1b", "2019-11")]
    assert [(i.unit.code, i.period.key) for i in found.late] == [("A1a", "2019-11")]
    assert (found.units_missing, found.units_late) == (1, 1)
    page = response.content.decode()
    missing_part, late_part = page.split("Late reports: reported after the due date")
    assert "Chi bộ A1b" in missing_part.split("Missing reports: no report came")[1] and "Chi bộ A1a" not in missing_part
    assert "Chi bộ A1a" in late_part and "Chi bộ A1b" not in late_part
    assert "Missing (no report came, the due date has passed): 1 report, 1 unit(s)." in page
    # The summary page's figures are the list's: one unit late, one missing.
    [figures] = figures_for(tree["ROOT"], Q4)
    assert (figures.units_late, figures.units_missing, figures.units_reported) == (1, 1, 1)


def test_n6_the_pace_runs_from_the_targets_own_start(tree, leader):
    """Directive of 2016, assigned from 2019: by the end of October 2019 the pace needs 41.5 %
    (303 of 730 days), not 75.8 % counted from the issue date; with a start of its own, from there."""
    t = tree
    d = DirectiveFactory(issue_date=dt.date(2016, 3, 1))
    AssignmentFactory(directive=d, organization=t["ROOT"], reporter_kind=OrgKind.CELL, start=dt.date(2019, 1, 1))
    target = TargetFactory(directive=d, value=1000, deadline=dt.date(2020, 12, 31))
    report(t["A1a"], OCT, at(2019, 11, 2), [(d, Assessment.IN_PROGRESS, {target: 450})])
    compute(OCT)

    own = leader.get(reverse("dashboard-directive", args=[t["ROOT"].pk, d.pk]), month(OCT)).context["drill"].own
    [tf] = own.targets
    assert (tf.expected_percent, tf.pace, tf.start) == (41.5, "on_track", dt.date(2019, 1, 1))
    target.start = dt.date(2019, 7, 1)
    target.save()
    [tf] = figures_for(t["ROOT"], OCT)[0].targets
    assert (tf.expected_percent, tf.start) == (22.2, dt.date(2019, 7, 1))


def test_the_glossary_defines_every_figure_and_every_table_links_to_it(tree, leader):
    page = leader.get(reverse("figures-glossary")).content.decode()
    for name in ("Units expected to report", "Late", "Missing", "Reports in the period", "Target: pace needed"):
        assert f">{name}</dt>" in page
    glossary = reverse("figures-glossary")
    for url in (reverse("summary-overview", args=[tree["ROOT"].pk]), reverse("summary-missing", args=[tree["ROOT"].pk]),
                reverse("dashboard-org", args=[tree["ROOT"].pk]), reverse("dashboard-matrix", args=[tree["ROOT"].pk])):
        assert f'href="{glossary}"' in leader.get(url).content.decode(), url
