"""Progress summaries: hand-checked roll-up, idempotency, incremental refresh, freezing, random trees."""
from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from meetings import summaries as S
from meetings.models import Assessment, ImplementationLink, Report, ReportStatus, TargetContribution
from organizations.actors import system_actor
from organizations.models import Organization, OrgKind
from resolutions import periods as P
from resolutions.models import PeriodClose, ProgressSummary, TargetProgress
from tests.factories import (
    AssignmentFactory,
    DirectiveFactory,
    LinkFactory,
    ReportFactory,
    TargetFactory,
    make_org,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2019, 4, 8, 12, 0))  # after the March due date (5 April)
MARCH = P.parse_period("2019-03")
FEB = P.parse_period("2019-02")
Q1 = P.parse_period("2019-Q1")


def at(y, m, d, h=9):
    return timezone.make_aware(dt.datetime(y, m, d, h, 0))


def report(org, *, period: P.Period, status=ReportStatus.ACCEPTED, submitted=None, links=()):
    """A report of ``org`` for ``period`` with links [(directive, assessment, {target: value})]."""
    r = ReportFactory(organization=org, period_kind=period.kind, period_start=period.start, period_end=period.end,
                      status=status, submitted_at=submitted,
                      review_note="Thiếu số liệu" if status == ReportStatus.RETURNED else "")
    for directive, assessment, contributions in links:
        link = LinkFactory(report=r, directive=directive, assessment=assessment)
        for target, value in contributions.items():
            TargetContribution.objects.create(link=link, target=target, value=Decimal(value))
    return r


@pytest.fixture
def world(tree):
    """The three-level tree of the factories with one directive, three targets, two assignments.

    ROOT ─┬ A ─┬ A1 ─┬ A1a      cells report monthly on D, grassroots quarterly
          │    │     └ A1b
          │    └ A2
          └ B ── B1
    """
    d = DirectiveFactory()
    t_sum = TargetFactory(directive=d, name="sum", aggregation="sum")
    t_max = TargetFactory(directive=d, name="max", aggregation="max")
    t_latest = TargetFactory(directive=d, name="latest", aggregation="latest")
    AssignmentFactory(directive=d, organization=tree["ROOT"], frequency="month", reporter_kind=OrgKind.CELL,
                      start=dt.date(2019, 1, 1), due_days=5)
    AssignmentFactory(directive=d, organization=tree["ROOT"], frequency="quarter", reporter_kind=OrgKind.GRASSROOTS,
                      start=dt.date(2019, 1, 1), due_days=5)
    report(tree["A1a"], period=FEB, submitted=at(2019, 3, 2), links=[(d, Assessment.IN_PROGRESS, {t_sum: 1, t_latest: 4})])
    report(tree["A1a"], period=MARCH, submitted=at(2019, 4, 3),
           links=[(d, Assessment.DONE, {t_sum: 3, t_max: 5, t_latest: 7})])
    report(tree["A1b"], period=MARCH, status=ReportStatus.SUBMITTED, submitted=at(2019, 4, 10),
           links=[(d, Assessment.IN_PROGRESS, {t_sum: 2, t_max: 8, t_latest: 1})])
    report(tree["A1"], period=Q1, submitted=at(2019, 4, 2), links=[(d, Assessment.BEHIND, {})])
    report(tree["B"], period=MARCH, submitted=at(2019, 4, 1), links=[(d, Assessment.NOT_STARTED, {t_sum: 10})])
    draft = report(tree["A2"], period=MARCH, status=ReportStatus.DRAFT, links=[(d, Assessment.DONE, {t_sum: 100})])
    return {"tree": tree, "d": d, "sum": t_sum, "max": t_max, "latest": t_latest, "draft": draft}


def row(org, period, directive) -> ProgressSummary:
    return ProgressSummary.objects.get(organization=org, period_kind=period.kind, period_start=period.start,
                                       directive=directive)


def figures(ps: ProgressSummary) -> dict:
    out = {c: getattr(ps, c) for c in S.SUM_COLUMNS}
    out["last"] = ps.last_report_date
    out.update({tv.target.name: tv.value for tv in ps.target_values.select_related("target")})
    return out


def snapshot() -> list[tuple]:
    rows = []
    for ps in ProgressSummary.objects.order_by("period_kind", "period_start", "organization__path", "directive_id"):
        targets = tuple(sorted((tv.target_id, Decimal(tv.value).normalize(), tv.contributions)
                               for tv in ps.target_values.all()))
        rows.append((ps.period_kind, ps.period_start, ps.organization_id, ps.directive_id, ps.unit_level,
                     *[getattr(ps, c) for c in S.SUM_COLUMNS], ps.last_report_date, ps.is_closed,
                     ps.amended_after_close, targets))
    return rows


@pytest.mark.embedded
def test_roll_up_on_a_hand_built_tree(world):
    t, d = world["tree"], world["d"]
    S.summaries_compute(actor=system_actor(), start=Q1.start, end=Q1.end, kinds=["month", "quarter"], now=NOW)

    # March, root: expected = 2 cells (monthly) + 3 grassroots (quarterly, Q1 ends in March).
    assert figures(row(t["ROOT"], MARCH, d)) == {
        "expected_units": 5, "reported_units": 3, "reporting_units": 4, "reports": 4,
        "links_not_started": 1, "links_in_progress": 1, "links_behind": 1, "links_done": 1,
        "units_on_time": 2, "units_late": 1, "units_pending": 0, "units_overdue": 2,
        "last": dt.date(2019, 3, 31), "sum": Decimal("15"), "max": Decimal("8"), "latest": Decimal("8"),
    }
    # Bloc A: cells A1a (on time), A1b (late), grassroots A1 (on time), A2 (draft only: overdue).
    a = figures(row(t["A"], MARCH, d))
    assert (a["expected_units"], a["reported_units"], a["reporting_units"], a["reports"]) == (4, 3, 3, 3)
    assert (a["units_on_time"], a["units_late"], a["units_overdue"]) == (2, 1, 1)
    assert (a["sum"], a["max"], a["latest"]) == (Decimal("5"), Decimal("8"), Decimal("8"))
    # District B reported itself (not expected); its grassroots B1 is overdue.
    b = figures(row(t["B"], MARCH, d))
    assert (b["expected_units"], b["reported_units"], b["reporting_units"], b["reports"], b["units_overdue"]) == (1, 0, 1, 1, 1)
    assert b["sum"] == Decimal("10") and "max" not in b
    # A cell's own row.
    assert figures(row(t["A1b"], MARCH, d))["units_late"] == 1
    # February: only the monthly cells are expected; A1b never reported February.
    feb = figures(row(t["ROOT"], FEB, d))
    assert (feb["expected_units"], feb["reported_units"], feb["reports"], feb["units_on_time"], feb["units_overdue"]) == (2, 1, 1, 1, 1)
    # Q1: each unit counted once, over every report due from it in the quarter: the cells owed
    # three monthly reports and neither sent January's (A1b neither February's), so both are
    # missing, not on time or late for March alone; grassroots A1 is on time, A2 and B1 missing.
    # A1a's latest contribution is March's 7, not February's 4.
    q = figures(row(t["ROOT"], Q1, d))
    assert (q["expected_units"], q["reported_units"], q["reporting_units"], q["reports"]) == (5, 1, 4, 5)
    assert (q["units_on_time"], q["units_late"], q["units_overdue"]) == (1, 0, 4)
    assert (q["sum"], q["max"], q["latest"]) == (Decimal("16"), Decimal("8"), Decimal("8"))
    # Organisations with nothing below them get no row.
    assert not ProgressSummary.objects.filter(organization=t["A2"], period_kind="month", period_start=FEB.start).exists()


def test_pending_before_the_due_date(world):
    t, d = world["tree"], world["d"]
    S.compute_period(MARCH, now=at(2019, 4, 1, 8))  # before A1b, A1 and A1a submitted
    r = row(t["ROOT"], MARCH, d)
    # Submissions dated after 'now' still count (they are in the database); nothing is overdue yet.
    assert (r.units_pending, r.units_overdue) == (2, 0)


@pytest.mark.embedded
def test_compute_is_idempotent(world):
    S.summaries_compute(actor=system_actor(), start=Q1.start, end=Q1.end, now=NOW)
    first = snapshot()
    ids = set(ProgressSummary.objects.values_list("id", flat=True))
    S.summaries_compute(actor=system_actor(), start=Q1.start, end=Q1.end, now=NOW)
    assert snapshot() == first
    assert first and set(ProgressSummary.objects.values_list("id", flat=True)).isdisjoint(ids)


def test_incremental_refresh_equals_full_recompute(world):
    t, d, draft = world["tree"], world["d"], world["draft"]
    S.summaries_compute(actor=system_actor(), start=Q1.start, end=Q1.end, now=NOW)
    Report.objects.filter(pk=draft.pk).update(status=ReportStatus.SUBMITTED, submitted_at=at(2019, 4, 4))
    S.summaries_refresh_for_report(actor=system_actor(), report_id=draft.pk, now=NOW)
    assert row(t["A"], MARCH, d).units_overdue == 0
    assert row(t["ROOT"], MARCH, d).reports == 5
    incremental = snapshot()
    S.summaries_compute(actor=system_actor(), start=Q1.start, end=Q1.end, now=NOW)
    assert snapshot() == incremental


def test_refresh_of_a_subtree_org_equals_full(world):
    t = world["tree"]
    S.summaries_compute(actor=system_actor(), start=MARCH.start, end=MARCH.end, now=NOW)
    full = snapshot()
    S.summaries_compute(actor=system_actor(), start=MARCH.start, end=MARCH.end, org=t["A1"], now=NOW)
    assert snapshot() == full


def test_closed_period_is_frozen_and_counts_amendments(world):
    t, d, draft = world["tree"], world["d"], world["draft"]
    close_time = timezone.now()
    S.period_close(actor=system_actor(), period=MARCH, now=close_time)
    S.compute_period(Q1, now=NOW)
    frozen = figures(row(t["ROOT"], MARCH, d))
    assert row(t["ROOT"], MARCH, d).is_closed and PeriodClose.objects.count() == 1
    # A report of the closed month is submitted afterwards.
    Report.objects.filter(pk=draft.pk).update(status=ReportStatus.SUBMITTED, submitted_at=at(2019, 4, 4),
                                              updated_at=close_time + dt.timedelta(seconds=5))
    S.summaries_refresh_for_report(actor=system_actor(), report_id=draft.pk, now=NOW)
    S.summaries_compute(actor=system_actor(), start=MARCH.start, end=MARCH.end, kinds=["month"], now=NOW)
    assert figures(row(t["ROOT"], MARCH, d)) == frozen
    assert row(t["ROOT"], MARCH, d).amended_after_close == 1
    assert row(t["A"], MARCH, d).amended_after_close == 1
    assert row(t["B"], MARCH, d).amended_after_close == 0
    # The open quarter took the report in.
    assert row(t["ROOT"], Q1, d).reports == 6
    # Closing again changes nothing.
    assert S.period_close(actor=system_actor(), period=MARCH).closed_at == close_time


def test_periods_close_due_closes_old_periods_only(world):
    closes = S.periods_close_due(actor=system_actor(), days_after_end=10, today=dt.date(2019, 4, 10))
    keys = {(c.period_kind, c.period_start) for c in closes}
    assert ("month", dt.date(2019, 3, 1)) in keys and ("quarter", dt.date(2019, 1, 1)) in keys
    assert ("month", dt.date(2019, 4, 1)) not in keys and ("year", dt.date(2019, 1, 1)) not in keys
    assert ProgressSummary.objects.filter(period_kind="month", period_start=MARCH.start, is_closed=True).exists()


def test_command_prints_periods_and_time(world):
    out = io.StringIO()
    call_command("compute_summaries", "--period", "2019-Q1", stdout=out)
    text = out.getvalue()
    assert "2019-03" in text and "2019-Q1" in text and "2016-2020" in text and "Computed 7 periods" in text
    out = io.StringIO()
    call_command("compute_summaries", "--period", "2019-03", "--org", "A1", "--kind", "month", stdout=out)
    assert "Computed 1 periods" in out.getvalue() and "ancestors" in out.getvalue()


def test_enqueue_refresh_on_commit_runs_the_task(world, django_capture_on_commit_callbacks):
    from config.celery import app

    t, d, draft = world["tree"], world["d"], world["draft"]
    S.summaries_compute(actor=system_actor(), start=MARCH.start, end=MARCH.end, kinds=["month"], now=NOW)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            Report.objects.filter(pk=draft.pk).update(status=ReportStatus.SUBMITTED, submitted_at=at(2019, 4, 4))
            S.enqueue_refresh(draft)
    finally:
        app.conf.task_always_eager = eager
    assert len(callbacks) == 1
    assert row(t["ROOT"], MARCH, d).reports == 5


# --------------------------------------------------------------------------------------
# Property-style: on seeded random trees, the root equals a direct count of reports and links
# --------------------------------------------------------------------------------------
KINDS_BY_DEPTH = [OrgKind.PROVINCE, OrgKind.DISTRICT, OrgKind.GRASSROOTS, OrgKind.SECTION, OrgKind.CELL]


def random_world(seed: int):
    rng = random.Random(seed)
    root = make_org(code=f"R{seed}", kind=OrgKind.PROVINCE)
    nodes = [root]
    frontier = [root]
    for depth in range(1, 5):
        nxt = []
        for parent in frontier:
            for i in range(rng.randint(0, 3)):
                child = make_org(parent, code=f"{parent.code}.{i}", kind=KINDS_BY_DEPTH[depth])
                nxt.append(child)
        nodes += nxt
        frontier = nxt
    directives = [DirectiveFactory() for _ in range(3)]
    targets = {d.pk: [TargetFactory(directive=d, name=f"t{agg}", aggregation=agg) for agg in ("sum", "max", "latest")]
               for d in directives}
    for d in directives:
        AssignmentFactory(directive=d, organization=root, frequency=rng.choice(["month", "quarter"]),
                          reporter_kind=rng.choice([OrgKind.CELL, OrgKind.GRASSROOTS, ""]), start=dt.date(2019, 1, 1))
    for _ in range(60):
        org = rng.choice(nodes)
        month = rng.randint(1, 6)
        period = P.period_of("month", dt.date(2019, month, 1))
        status = rng.choice([ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.RETURNED])
        links = []
        for d in rng.sample(directives, rng.randint(1, 3)):
            contributions = {t: rng.randint(0, 9) for t in targets[d.pk] if rng.random() < 0.5}
            links.append((d, rng.choice(list(Assessment.values)), contributions))
        submitted = at(2019, month, 28) + dt.timedelta(days=rng.randint(0, 15)) if status != ReportStatus.DRAFT else None
        report(org, period=period, status=status, submitted=submitted, links=links)
    return root, directives


@pytest.mark.embedded
@pytest.mark.parametrize("seed", [1, 7, 42])
def test_root_equals_direct_count_on_random_trees(seed):
    root, directives = random_world(seed)
    H1 = P.parse_period("2019-H1")
    S.summaries_compute(actor=system_actor(), start=H1.start, end=H1.end, now=NOW)
    for period in [*P.periods_overlapping("month", H1.start, H1.end), H1, P.parse_period("2019-Q2")]:
        for d in directives:
            links = ImplementationLink.objects.filter(
                directive=d, report__status__in=S.COUNTED, report__period_end__range=(period.start, period.end))
            ps = ProgressSummary.objects.filter(organization=root, directive=d, period_kind=period.kind,
                                                period_start=period.start).first()
            if not links.exists() and ps is None:
                continue
            assert ps.reports == links.count()
            for value in Assessment.values:
                assert getattr(ps, f"links_{value}") == links.filter(assessment=value).count()
            assert ps.reporting_units == links.values("report__organization").distinct().count()
            assert ps.reported_units + ps.units_pending + ps.units_overdue == ps.expected_units
            assert ps.units_on_time + ps.units_late == ps.reported_units
            sums = TargetContribution.objects.filter(link__in=links, target__aggregation="sum")
            total = sum((c.value for c in sums), Decimal(0))
            tp = TargetProgress.objects.filter(summary=ps, target__aggregation="sum").first()
            assert (tp.value if tp else Decimal(0)) == total
            maxes = [c.value for c in TargetContribution.objects.filter(link__in=links, target__aggregation="max")]
            tp = TargetProgress.objects.filter(summary=ps, target__aggregation="max").first()
            assert (tp.value if tp else None) == (max(maxes) if maxes else None)
    # Every organisation's row equals the sum over the rows of the units in its subtree (own figures).
    for org in Organization.objects.filter(path__startswith=root.path):
        for d in directives:
            links = ImplementationLink.objects.filter(directive=d, report__status__in=S.COUNTED,
                                                      report__period_end__range=(H1.start, H1.end),
                                                      report__organization__path__startswith=org.path)
            ps = ProgressSummary.objects.filter(organization=org, directive=d, period_kind="half",
                                                period_start=H1.start).first()
            assert (ps.reports if ps else 0) == links.count()
    # Incremental refresh of any report leaves the same rows as the full computation.
    full = snapshot()
    for r in Report.objects.filter(organization__path__startswith=root.path).order_by("id")[:5]:
        S.summaries_refresh_for_report(actor=system_actor(), report_id=r.pk, now=NOW)
    assert snapshot() == full


@pytest.mark.embedded
def test_beat_schedules_exist_and_name_registered_tasks():
    from django_celery_beat.models import PeriodicTask

    import meetings.tasks  # noqa: F401  (registers the tasks)
    from config.celery import app

    tasks = {p.task: p for p in PeriodicTask.objects.filter(task__startswith="meetings.")}
    assert set(tasks) == {"meetings.summaries_compute_open", "meetings.periods_close_due", "meetings.missing_reports_digest"}
    for name in tasks:
        assert name in app.tasks
    close = tasks["meetings.periods_close_due"]
    assert close.kwargs == '{"days_after_end": 10}' and close.crontab.hour == "2"
    assert str(close.crontab.timezone) == "Asia/Ho_Chi_Minh"
    assert tasks["meetings.summaries_compute_open"].crontab.hour == "1"


@pytest.mark.parametrize("fast", [False, True])
def test_a_failure_mid_period_leaves_the_previous_rows(world, monkeypatch, fast):
    """A worker dying in the middle of a period leaves the previous figures, on either path.

    The bulk path fails after both partitions were swapped, before the commit: the
    transaction takes the swap back.
    """
    from django.db import connection

    from meetings import summaries_bulk
    from resolutions import partitions

    if fast and not partitions.enabled():
        pytest.skip("the bulk path is PostgreSQL-only")
    S.compute_period(MARCH, now=NOW, fast=fast)
    before = snapshot()
    assert before

    def boom(*args, **kwargs):
        raise RuntimeError("worker killed")

    if fast:
        real_swap, calls = partitions.swap, []

        def swap_then_die(*args, **kwargs):
            calls.append(args)
            real_swap(*args, **kwargs)
            boom()

        monkeypatch.setattr(summaries_bulk.partitions, "swap", swap_then_die)
    else:
        monkeypatch.setattr(S, "_rollup_subtree", boom)
    with pytest.raises(RuntimeError):
        S.compute_period(MARCH, now=NOW + dt.timedelta(days=1), fast=fast)
    if fast:
        assert len(calls) == 1
        assert connection.in_atomic_block  # the test's transaction is still usable
    assert snapshot() == before


def test_tasks_retry_on_transient_errors_and_fail_at_once_on_others(monkeypatch):
    """A dropped database or broker connection is retried until the job runs; a bug is not.

    (Run in-process: Celery re-runs a retried task at once instead of after its backoff.)
    """
    from django.db import OperationalError
    from kombu.exceptions import OperationalError as BrokerError

    from meetings import tasks

    task = tasks.summaries_compute_open_task
    monkeypatch.setitem(task.app.conf, "task_eager_propagates", False)

    def run(error, fail_times):
        calls = []

        def job(*, actor, now=None):
            calls.append(actor.username)
            if len(calls) <= fail_times:
                raise error
            return S.ComputeResult()

        monkeypatch.setattr(S, "summaries_compute_open", job)
        return task.apply(), calls

    for transient in (OperationalError("server closed the connection"), BrokerError("broker gone")):
        result, calls = run(transient, fail_times=2)
        assert result.successful(), f"{transient!r} is retried until the job runs"
        assert calls == ["he-thong"] * 3, "twice refused, then run, always as the system actor"
    result, calls = run(ValueError("a bug, not a passing outage"), fail_times=1)
    assert result.failed() and isinstance(result.result, ValueError)
    assert calls == ["he-thong"], "never retried"


def test_only_the_system_or_an_operator_runs_whole_tree_jobs(world, make_user):
    from django.core.exceptions import PermissionDenied

    leader = make_user("leader_root", world["tree"]["ROOT"], "leader")
    before = snapshot()
    for job in (lambda a: S.summaries_compute(actor=a, start=MARCH.start, end=MARCH.end, now=NOW),
                lambda a: S.summaries_compute_open(actor=a, now=NOW),
                lambda a: S.periods_close_due(actor=a, today=dt.date(2019, 12, 31))):
        for actor in (None, leader):
            with pytest.raises(PermissionDenied):
                job(actor)
    assert snapshot() == before and not PeriodClose.objects.exists()


@pytest.mark.parametrize("seed", [3, 11])
def test_fast_path_equals_portable_path(seed):
    """The PostgreSQL one-pass roll-up and the portable level-by-level one write the same rows."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the fast path is PostgreSQL-only")
    random_world(seed)
    H1 = P.parse_period("2019-H1")
    S.summaries_compute(actor=system_actor(), start=H1.start, end=H1.end, now=NOW, fast=False)
    portable = snapshot()
    S.summaries_compute(actor=system_actor(), start=H1.start, end=H1.end, now=NOW, fast=True)
    assert portable and snapshot() == portable
    S.summaries_compute(actor=system_actor(), start=H1.start, end=H1.end, now=NOW, fast=False)
    assert snapshot() == portable


# ----------------------------------------------------------------------------------------
# Rows stored before the period bounds existed (issue 13: one staff user stopped every summary)
# ----------------------------------------------------------------------------------------
@pytest.fixture
def april_2019(monkeypatch):
    """Today is 8 April 2019: the nightly range then ends today (and the bounds in 2020)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2019, 4, 8))


def _stray(world, start: dt.date, end: dt.date) -> Report:
    """A counted report whose period was written straight into the table (as old rows were)."""
    r = report(world["tree"]["A2"], period=MARCH, submitted=at(2019, 4, 2),
               links=[(world["d"], Assessment.DONE, {world["sum"]: 50})])
    Report.objects.filter(pk=r.pk).update(period_start=start, period_end=end)
    return r


def test_a_report_of_year_9999_does_not_stop_the_nightly_recompute(world, april_2019):
    S.summaries_compute_open(actor=system_actor(), now=NOW)
    before = snapshot()
    stray = _stray(world, dt.date(9999, 12, 1), dt.date(9999, 12, 31))
    result = S.summaries_compute_open(actor=system_actor(), now=NOW)  # used to fail for everyone: "year 10000 is out of range"
    assert result.periods and snapshot() == before  # everyone's figures, the stray report in none
    assert S.summaries_refresh_for_report(actor=system_actor(), report_id=stray.pk, now=NOW) == []  # its submit's refresh
    assert [p.period for p in S.summaries_compute(actor=system_actor(), start=dt.date(9999, 1, 1), end=dt.date(9999, 12, 31)).periods] == []


def test_a_report_of_year_0001_does_not_multiply_the_nightly_periods(world, april_2019):
    periods = S.open_periods(start=S.data_range()[0], end=S.data_range()[1])
    _stray(world, dt.date(1, 1, 1), dt.date(1, 1, 31))
    assert S.data_range() == (dt.date(2019, 1, 1), dt.date(2019, 4, 8))
    assert S.open_periods(start=S.data_range()[0], end=S.data_range()[1]) == periods
    assert len(periods) == 9  # 4 months, 2 quarters, a half-year, the year and the term
    # Even asked for explicitly, the range is cut to the bounds (the register starts in 2016).
    assert len(S.open_periods(start=dt.date(1, 1, 1), end=dt.date(2019, 4, 8))) < 200


def test_report_service_refuses_periods_out_of_bounds_or_misaligned(world, make_user):
    from django.core.exceptions import ValidationError

    from meetings import services

    staff = make_user("staff_a2", world["tree"]["A2"], "staff")
    base = {"actor": staff, "organization": world["tree"]["A2"], "kind": "periodic", "title": "Báo cáo",
            "body": "Nội dung."}
    with pytest.raises(ValidationError) as exc:
        services.report_create(**base, period_kind="month", period_start=dt.date(9999, 12, 1),
                               period_end=dt.date(9999, 12, 31))
    assert set(exc.value.message_dict) == {"period_start", "period_end"}
    assert "between 2016 and" in exc.value.message_dict["period_end"][0]
    with pytest.raises(ValidationError) as exc:
        services.report_create(**base, period_kind="month", period_start=dt.date(2019, 3, 1),
                               period_end=dt.date(2019, 3, 30))
    assert "It should end on 31/03/2019." in exc.value.message_dict["period_end"][0]
    ok = services.report_create(**base, period_kind="quarter", period_start=dt.date(2019, 1, 1),
                                period_end=dt.date(2019, 3, 31))
    assert ok.pk
