"""Summary partitions on PostgreSQL: the default partition, swaps, closed periods, concurrency.

What an operator relies on: no summary row is ever lost when a period gets its partition,
a recompute leaves exactly one partition per period and nothing behind (no stage tables,
no temp tables), the bulk whole-tree path writes the same rows as the portable one, closed
periods are left alone, an empty database is not an error, and two recomputes running at
the same time both finish. PostgreSQL-only tests skip on SQLite (``partitions.enabled()``).
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from meetings import summaries as S
from meetings.models import Assessment, Report, ReportStatus
from organizations.actors import system_actor
from organizations.models import Organization, OrgKind
from resolutions import partitions
from resolutions import periods as P
from resolutions.models import Directive, PeriodClose, ProgressSummary, Target, TargetProgress
from tests.factories import AssignmentFactory, DirectiveFactory, TargetFactory, make_org, make_tree
from tests.meetings.test_summaries import random_world, report, snapshot

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2019, 4, 8, 12, 0))
JAN, FEB, MARCH = P.parse_period("2019-01"), P.parse_period("2019-02"), P.parse_period("2019-03")
MAY, JUNE = P.parse_period("2019-05"), P.parse_period("2019-06")
Q1, H1 = P.parse_period("2019-Q1"), P.parse_period("2019-H1")
PS, TP = partitions.tables()


def at(y, m, d, h=9):
    return timezone.make_aware(dt.datetime(y, m, d, h, 0))


def postgres_only():
    if not partitions.enabled():
        pytest.skip("the summary tables are partitioned on PostgreSQL only")


# --------------------------------------------------------------------------------------
# Catalog helpers
# --------------------------------------------------------------------------------------
def where_rows_live(table: str, period: P.Period) -> dict[str, int]:
    """Which physical table holds the period's rows, with how many."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT tableoid::regclass::text, COUNT(*) FROM {connection.ops.quote_name(table)} "
                    "WHERE period_kind = %s AND period_start = %s GROUP BY 1", [period.kind, period.start])
        return dict(cur.fetchall())


def partitions_for(table: str, period: P.Period) -> list[tuple[str, int]]:
    """(name, oid) of every partition of ``table`` whose bounds are ``period``'s."""
    with connection.cursor() as cur:
        cur.execute("""SELECT c.relname, c.oid, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i
                       JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s)""", [table])
        rows = cur.fetchall()
    bound = f"FROM ('{period.kind}', '{period.start.isoformat()}')"
    return [(name, oid) for name, oid, expr in rows if bound in expr]


def stray_tables() -> list[str]:
    """Summary-shaped tables that are neither a parent nor an attached partition (left-over stages)."""
    with connection.cursor() as cur:
        cur.execute(r"""SELECT relname FROM pg_class
                        WHERE relkind IN ('r', 'p') AND NOT relispartition
                          AND (relname LIKE 'resolutions\_progresssummary\_%%'
                               OR relname LIKE 'resolutions\_targetprogress\_%%')
                        ORDER BY 1""")
        return [r[0] for r in cur.fetchall()]


def temp_tables() -> list[str]:
    with connection.cursor() as cur:
        cur.execute(r"SELECT relname FROM pg_class WHERE relpersistence = 't' AND relname LIKE 'sb\_%%'")
        return [r[0] for r in cur.fetchall()]


def period_rows(period: P.Period) -> list[tuple]:
    """The period's figures and target values (ids and timestamps aside), in a stable order."""
    return [r for r in snapshot() if (r[0], r[1]) == (period.kind, period.start)]


def row(org, period, directive) -> ProgressSummary:
    return ProgressSummary.objects.get(organization=org, period_kind=period.kind, period_start=period.start,
                                       directive=directive)


def direct_summary(org, directive, period: P.Period, target=None, **figures) -> ProgressSummary:
    """A summary row (and a target value) written directly, as the admin or a data fix would."""
    ps = ProgressSummary.objects.create(organization=org, directive=directive, period_kind=period.kind,
                                        period_start=period.start, period_end=period.end,
                                        computed_at=at(2019, 7, 1), **figures)
    if target is not None:
        TargetProgress.objects.create(summary=ps, target=target, organization=org, period_kind=period.kind,
                                      period_start=period.start, value=Decimal("12.50"), contributions=2)
    return ps


@pytest.fixture
def world(tree):
    """The factories' tree, one directive with a sum and a latest target, monthly cells and quarterly grassroots."""
    d = DirectiveFactory()
    t_sum = TargetFactory(directive=d, name="sum", aggregation="sum")
    t_latest = TargetFactory(directive=d, name="latest", aggregation="latest")
    AssignmentFactory(directive=d, organization=tree["ROOT"], frequency="month", reporter_kind=OrgKind.CELL,
                      start=dt.date(2019, 1, 1), due_days=5)
    AssignmentFactory(directive=d, organization=tree["ROOT"], frequency="quarter", reporter_kind=OrgKind.GRASSROOTS,
                      start=dt.date(2019, 1, 1), due_days=5)
    report(tree["A1a"], period=FEB, submitted=at(2019, 3, 2), links=[(d, Assessment.IN_PROGRESS, {t_sum: 1, t_latest: 4})])
    report(tree["A1a"], period=MARCH, submitted=at(2019, 4, 3), links=[(d, Assessment.DONE, {t_sum: 3, t_latest: 7})])
    report(tree["A1b"], period=MARCH, status=ReportStatus.SUBMITTED, submitted=at(2019, 4, 10),
           links=[(d, Assessment.IN_PROGRESS, {t_sum: 2, t_latest: 1})])
    report(tree["B"], period=MARCH, submitted=at(2019, 4, 1), links=[(d, Assessment.NOT_STARTED, {t_sum: 10})])
    draft = report(tree["A2"], period=MARCH, status=ReportStatus.DRAFT, links=[(d, Assessment.DONE, {t_sum: 100})])
    return {"tree": tree, "d": d, "sum": t_sum, "latest": t_latest, "draft": draft}


# --------------------------------------------------------------------------------------
# The default partition
# --------------------------------------------------------------------------------------
def test_rows_written_directly_land_in_the_default_partition_and_move_out_intact(world):
    """A row written for a period without a partition is kept, figures and target value, when the period gets one."""
    postgres_only()
    t, d = world["tree"], world["d"]
    assert not partitions_for(PS, MAY) and not partitions_for(TP, MAY)
    kept = direct_summary(t["A1"], d, MAY, target=world["sum"], reports=3, reporting_units=1, links_done=3)
    assert where_rows_live(PS, MAY) == {f"{PS}_default": 1}
    assert where_rows_live(TP, MAY) == {f"{TP}_default": 1}

    # An incremental refresh of another subtree gives May its partitions: A1's row must survive.
    S.compute_period(MAY, org=t["B"], now=NOW)

    assert where_rows_live(PS, MAY) == {partitions.partition_name(PS, MAY): 1}
    assert where_rows_live(TP, MAY) == {partitions.partition_name(TP, MAY): 1}
    moved = ProgressSummary.objects.get(pk=kept.pk)
    assert (moved.organization_id, moved.reports, moved.links_done) == (t["A1"].pk, 3, 3)
    assert [(tv.value, tv.contributions) for tv in moved.target_values.all()] == [(Decimal("12.50"), 2)]
    assert [n for n, _ in partitions_for(PS, MAY)] == [partitions.partition_name(PS, MAY)]
    assert stray_tables() == []


@pytest.mark.parametrize("fast", [False, True])
def test_a_period_with_rows_in_the_default_partition_recomputes_like_a_fresh_one(world, fast):
    """Stale rows in the default partition are replaced by the computation, on both paths, and none is left behind."""
    postgres_only()
    t = world["tree"]
    S.compute_period(MARCH, now=NOW, fast=False)
    expected = period_rows(MARCH)
    # Simulate a database migrated with March's rows still in the default partition.
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as if committed: no foreign-key check pending
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in (TP, PS):
            cur.execute(f"ALTER TABLE {table} DETACH PARTITION {partitions.partition_name(table, MARCH)}")
            cur.execute(f"INSERT INTO {table}_default SELECT * FROM {partitions.partition_name(table, MARCH)}")
            cur.execute(f"DROP TABLE {partitions.partition_name(table, MARCH)}")
    # ... plus a stale row of a directive nobody reports on any more.
    direct_summary(t["B1"], DirectiveFactory(), MARCH, reports=9)
    assert sum(where_rows_live(PS, MARCH).values()) == len(expected) + 1

    S.compute_period(MARCH, now=NOW, fast=fast)

    assert period_rows(MARCH) == expected
    assert set(where_rows_live(PS, MARCH)) == {partitions.partition_name(PS, MARCH)}
    assert set(where_rows_live(TP, MARCH)) == {partitions.partition_name(TP, MARCH)}
    assert len(partitions_for(PS, MARCH)) == 1 and len(partitions_for(TP, MARCH)) == 1
    assert stray_tables() == []


def test_a_full_recompute_leaves_no_rows_in_the_default_partition(world):
    """After a full recompute every period's rows are in the period's own partition, closed periods too.

    Rows left in the default partition are scanned, under an ACCESS EXCLUSIVE lock on it, by
    every later ATTACH (each whole-tree swap, each new period): a database migrated by 0003
    keeps all its history there, and closed periods are never given a partition.
    """
    postgres_only()
    t, d = world["tree"], world["d"]
    june_row = direct_summary(t["A"], d, JUNE, reports=2, reporting_units=1)
    PeriodClose.objects.create(period_kind=JUNE.kind, period_start=JUNE.start, period_end=JUNE.end,
                               closed_at=at(2019, 7, 10))
    ProgressSummary.objects.filter(pk=june_row.pk).update(is_closed=True)

    S.summaries_compute(actor=system_actor(), start=MARCH.start, end=JUNE.end, kinds=["month"], now=NOW)

    assert ProgressSummary.objects.get(pk=june_row.pk).reports == 2  # frozen figures kept
    with connection.cursor() as cur:
        cur.execute(f"SELECT period_kind, period_start, COUNT(*) FROM {PS}_default GROUP BY 1, 2")
        left = cur.fetchall()
    assert left == []


# --------------------------------------------------------------------------------------
# The bulk path: swaps, repeatability, atomicity
# --------------------------------------------------------------------------------------
def test_bulk_recompute_twice_gives_the_same_rows_and_one_partition(world):
    postgres_only()
    S.compute_period(MARCH, now=NOW, fast=True)
    first = period_rows(MARCH)
    first_ids = set(ProgressSummary.objects.filter(period_kind="month", period_start=MARCH.start)
                    .values_list("id", flat=True))
    (name, oid), = partitions_for(PS, MARCH)

    S.compute_period(MARCH, now=NOW, fast=True)

    assert first and period_rows(MARCH) == first
    (name2, oid2), = partitions_for(PS, MARCH)
    assert name2 == name == partitions.partition_name(PS, MARCH) and oid2 != oid  # a fresh table, same name
    assert [n for n, _ in partitions_for(TP, MARCH)] == [partitions.partition_name(TP, MARCH)]
    second_ids = set(ProgressSummary.objects.filter(period_kind="month", period_start=MARCH.start)
                     .values_list("id", flat=True))
    assert second_ids.isdisjoint(first_ids)
    assert stray_tables() == [] and temp_tables() == []


def test_ids_stay_unique_and_target_values_point_at_their_summary_across_paths(world):
    """Bulk, portable, incremental and moved-out rows share one id space; every target value finds its summary."""
    postgres_only()
    t, d, draft = world["tree"], world["d"], world["draft"]
    direct_summary(t["A1"], d, MAY, target=world["sum"], reports=1)
    S.summaries_compute(actor=system_actor(), start=Q1.start, end=MAY.end, now=NOW, fast=True)
    S.summaries_compute(actor=system_actor(), start=FEB.start, end=FEB.end, kinds=["month"], now=NOW, fast=False)
    Report.objects.filter(pk=draft.pk).update(status=ReportStatus.SUBMITTED, submitted_at=at(2019, 4, 4))
    S.summaries_refresh_for_report(actor=system_actor(), report_id=draft.pk, now=NOW)
    S.compute_period(MAY, org=t["B"], now=NOW)

    with connection.cursor() as cur:
        for table in (PS, TP):
            cur.execute(f"SELECT id FROM {table} GROUP BY id HAVING COUNT(*) > 1")
            assert cur.fetchall() == [], table
        cur.execute(f"""SELECT COUNT(*) FROM {TP} tp LEFT JOIN {PS} ps ON ps.id = tp.summary_id
                        WHERE ps.id IS NULL OR ps.organization_id <> tp.organization_id
                           OR ps.period_kind <> tp.period_kind OR ps.period_start <> tp.period_start""")
        assert cur.fetchone()[0] == 0
    assert TargetProgress.objects.count() > 0


def test_a_failed_bulk_build_leaves_the_previous_partition_and_no_stage(world, monkeypatch):
    postgres_only()
    S.compute_period(MARCH, now=NOW, fast=True)
    before = period_rows(MARCH)
    live = {table: partitions_for(table, MARCH) for table in (PS, TP)}
    real_finish = partitions.finish_stage

    def finish_then_die(cur, table, stage):
        real_finish(cur, table, stage)
        if table == TP:
            raise RuntimeError("worker killed while indexing")

    monkeypatch.setattr(partitions, "finish_stage", finish_then_die)
    with pytest.raises(RuntimeError):
        S.compute_period(MARCH, now=NOW + dt.timedelta(days=1), fast=True)

    assert period_rows(MARCH) == before
    assert {table: partitions_for(table, MARCH) for table in (PS, TP)} == live
    assert stray_tables() == [] and temp_tables() == []


def test_partition_and_stage_names_fit_postgresql_identifiers(world):
    """The longest kind (quarter) keeps the exact names: PostgreSQL would silently cut names over 63 bytes."""
    postgres_only()
    S.compute_period(Q1, now=NOW, fast=True)
    for table in (PS, TP):
        assert [n for n, _ in partitions_for(table, Q1)] == [partitions.partition_name(table, Q1)]
        with connection.cursor() as cur:
            cur.execute("""SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(%s)
                           UNION ALL SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                           WHERE i.indrelid = to_regclass(%s)""", [partitions.partition_name(table, Q1)] * 2)
            names = [r[0] for r in cur.fetchall()]
        assert names and all(len(n.encode()) < 63 for n in names)


# --------------------------------------------------------------------------------------
# Bulk = portable on the shapes the random trees do not produce
# --------------------------------------------------------------------------------------
def test_bulk_equals_portable_with_two_roots_and_units_out_of_their_validity():
    postgres_only()
    root1, _ = random_world(5)
    root2, _ = random_world(8)
    d = DirectiveFactory()
    t_sum = TargetFactory(directive=d, name="sum", aggregation="sum")
    t_max = TargetFactory(directive=d, name="max", aggregation="max")
    t_latest = TargetFactory(directive=d, name="latest", aggregation="latest")
    dissolved = make_org(root1, code="GONE", kind=OrgKind.CELL, valid_to=dt.date(2018, 12, 31))
    merged = make_org(root2, code="MERGED", kind=OrgKind.CELL, valid_to=dt.date(2019, 2, 15))
    founded = make_org(root2, code="NEWCELL", kind=OrgKind.CELL, valid_from=dt.date(2019, 4, 1))
    active = make_org(root1, code="ACTIVE", kind=OrgKind.CELL)
    for root in (root1, root2):
        AssignmentFactory(directive=d, organization=root, frequency="month", reporter_kind=OrgKind.CELL,
                          start=dt.date(2019, 1, 1), due_days=5)
    AssignmentFactory(directive=d, organization=dissolved, frequency="quarter", reporter_kind="",
                      start=dt.date(2019, 1, 1))
    report(dissolved, period=MARCH, submitted=at(2019, 4, 2), links=[(d, Assessment.DONE, {t_latest: 3, t_sum: 1})])
    report(merged, period=FEB, submitted=at(2019, 3, 20), links=[(d, Assessment.BEHIND, {t_max: 6, t_latest: 2})])
    report(merged, period=MARCH, submitted=at(2019, 4, 1), links=[(d, Assessment.DONE, {t_max: 4, t_latest: 9})])
    report(founded, period=MAY, submitted=at(2019, 6, 3), links=[(d, Assessment.IN_PROGRESS, {t_sum: 5})])
    report(active, period=MARCH, submitted=at(2019, 4, 4), links=[(d, Assessment.IN_PROGRESS, {t_latest: 1})])

    S.summaries_compute(actor=system_actor(), start=H1.start, end=H1.end, now=NOW, fast=False)
    portable = snapshot()
    S.summaries_compute(actor=system_actor(), start=H1.start, end=H1.end, now=NOW, fast=True)
    assert portable and snapshot() == portable

    # What the figures mean: a dissolved unit's report counts, but it is never expected (nor overdue).
    gone = row(dissolved, MARCH, d)
    assert (gone.expected_units, gone.reporting_units, gone.reports, gone.units_overdue) == (0, 1, 1, 0)
    # A unit founded in April is expected from April on, one merged in mid-February until February.
    assert not ProgressSummary.objects.filter(organization=founded, period_kind="month",
                                              period_start__lt=dt.date(2019, 4, 1)).exists()
    assert row(founded, P.parse_period("2019-04"), d).expected_units == 1
    assert row(merged, FEB, d).expected_units == 1
    assert row(merged, MARCH, d).expected_units == 0
    # Each root rolls up its own tree only; the latest value of the quarter is each unit's latest, summed.
    r2 = row(root2, Q1, d)
    assert r2.reports == 2 and r2.target_values.get(target=t_latest).value == Decimal("9")
    assert r2.target_values.get(target=t_max).value == Decimal("6")
    r1 = row(root1, Q1, d)
    assert r1.reports == 2 and r1.target_values.get(target=t_latest).value == Decimal("4")


def test_bulk_equals_portable_with_assignments_but_no_reports(tree):
    postgres_only()
    d = DirectiveFactory()
    AssignmentFactory(directive=d, organization=tree["ROOT"], frequency="month", reporter_kind=OrgKind.CELL,
                      start=dt.date(2019, 1, 1))
    S.summaries_compute(actor=system_actor(), start=Q1.start, end=Q1.end, now=NOW, fast=False)
    portable = snapshot()
    S.summaries_compute(actor=system_actor(), start=Q1.start, end=Q1.end, now=NOW, fast=True)
    assert portable and snapshot() == portable
    assert row(tree["ROOT"], MARCH, d).units_overdue == 2
    assert TargetProgress.objects.count() == 0


# --------------------------------------------------------------------------------------
# Closed periods and empty databases
# --------------------------------------------------------------------------------------
def test_a_closed_period_is_not_rebuilt_by_the_bulk_path(world):
    postgres_only()
    t, d, draft = world["tree"], world["d"], world["draft"]
    close_time = timezone.now()
    S.period_close(actor=system_actor(), period=MARCH, now=close_time)
    frozen = [r[:-3] + r[-1:] for r in period_rows(MARCH)]  # everything but is_closed and the amendment count
    assert frozen and all(r[-3] for r in period_rows(MARCH))  # every row says it is closed
    live = {table: partitions_for(table, MARCH) for table in (PS, TP)}

    Report.objects.filter(pk=draft.pk).update(status=ReportStatus.SUBMITTED, submitted_at=at(2019, 4, 4),
                                              updated_at=close_time + dt.timedelta(seconds=5))
    result = S.summaries_compute(actor=system_actor(), start=Q1.start, end=Q1.end, now=NOW, fast=True)

    march = next(p for p in result.periods if p.period == MARCH)
    assert march.closed and march.amended == 1
    assert [r[:-3] + r[-1:] for r in period_rows(MARCH)] == frozen
    assert {table: partitions_for(table, MARCH) for table in (PS, TP)} == live  # same tables, not swapped
    assert row(t["ROOT"], MARCH, d).amended_after_close == 1
    assert row(t["ROOT"], Q1, d).reports == 5  # the open quarter took the report in
    assert PeriodClose.objects.count() == 1


@pytest.mark.embedded
def test_an_empty_database_computes_nothing_without_error():
    assert S.summaries_compute(actor=system_actor()).periods == []
    assert S.summaries_compute_open(actor=system_actor()).periods == []
    result = S.compute_period(MARCH, now=NOW)  # no organisation, no directive at all
    assert result.rows == 0 and not ProgressSummary.objects.exists()


@pytest.mark.embedded
def test_a_tree_without_assignments_or_links_computes_no_rows():
    make_tree()
    DirectiveFactory()
    assert S.summaries_compute(actor=system_actor(), now=NOW).periods == []  # no data: no period to compute
    result = S.summaries_compute(actor=system_actor(), start=Q1.start, end=Q1.end, now=NOW)
    assert len(result.periods) == 7 and result.rows == 0
    assert S.compute_period(MARCH, now=NOW).rows == 0
    assert S.compute_period(MARCH, now=NOW, fast=False).rows == 0
    assert not ProgressSummary.objects.exists() and not TargetProgress.objects.exists()


# --------------------------------------------------------------------------------------
# Reports changing while a whole-tree run is going on
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("fast", [False, True])
def test_a_report_submitted_during_a_whole_tree_run_is_not_lost(world, monkeypatch, fast):
    """A report submitted (and its refresh committed) while the nightly run is busy with earlier periods.

    The run then reaches the report's month: its figures must include the report, as the
    refresh already showed to the leaders. The bulk path reads every link of the run's date
    range once, before the first period, outside the period's lock.
    """
    if fast:
        postgres_only()
    t, d, draft = world["tree"], world["d"], world["draft"]
    S.summaries_compute(actor=system_actor(), start=Q1.start, end=Q1.end, kinds=["month"], now=NOW, fast=fast)  # last night
    assert row(t["ROOT"], MARCH, d).reports == 3
    real_compute, submitted = S.compute_period, []

    def compute(period, **kwargs):
        if not submitted:
            Report.objects.filter(pk=draft.pk).update(status=ReportStatus.SUBMITTED, submitted_at=at(2019, 4, 4))
            S.summaries_refresh_for_report(actor=system_actor(), report_id=draft.pk, now=NOW)
            submitted.append(row(t["ROOT"], MARCH, d).reports)
        return real_compute(period, **kwargs)

    monkeypatch.setattr(S, "compute_period", compute)
    S.summaries_compute(actor=system_actor(), start=Q1.start, end=Q1.end, kinds=["month"], now=NOW, fast=fast)

    assert submitted == [4]  # the refresh counted it at once
    assert row(t["ROOT"], MARCH, d).reports == 4
    assert row(t["A"], MARCH, d).reported_units == 3


# --------------------------------------------------------------------------------------
# Two whole-tree recomputes at the same time (real sessions, committed data)
# --------------------------------------------------------------------------------------
@pytest.fixture
def drop_new_partitions(transactional_db):
    """Partitions created by a committed test outlive it: drop them afterwards."""
    postgres_only()

    def names():
        return {n for table in (PS, TP) for n in _children(table)}

    before = names()
    yield
    for table in (TP, PS):
        for name in _children(table) - before:
            _drop_partition(table, name)


def _drop_partition(table: str, name: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"ALTER TABLE {table} DETACH PARTITION {connection.ops.quote_name(name)}")
        cur.execute(f"DROP TABLE {connection.ops.quote_name(name)}")


def _reads_within_lock_timeout(reads: dict[str, Callable[[], object]]) -> dict[str, BaseException]:
    """Run each read in this session with a 2 s lock timeout; the errors of those that waited longer."""
    errors: dict[str, BaseException] = {}
    with connection.cursor() as cur:
        cur.execute("SET lock_timeout = '2s'")
        try:
            for name, read in reads.items():
                try:
                    read()
                except Exception as exc:  # the lock wait timed out
                    errors[name] = exc
        finally:
            cur.execute("RESET lock_timeout")
    return errors


def _children(table: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = to_regclass(%s) AND c.relname NOT LIKE '%%\\_default'", [table])
        return {r[0] for r in cur.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_two_whole_tree_recomputes_of_different_periods_both_finish(drop_new_partitions, monkeypatch):
    """The nightly run and an operator's recompute (or a period close) overlap on different periods.

    Different periods take different advisory locks, so both sessions build their stage at
    the same time and then swap: each must wait for the other, not fail.
    """
    postgres_only()
    tree = make_tree()
    d = DirectiveFactory()
    AssignmentFactory(directive=d, organization=tree["ROOT"], frequency="month", reporter_kind=OrgKind.CELL,
                      start=dt.date(2019, 1, 1))
    report(tree["A1a"], period=JAN, submitted=at(2019, 2, 2), links=[(d, Assessment.DONE, {})])
    report(tree["A1b"], period=FEB, submitted=at(2019, 3, 2), links=[(d, Assessment.IN_PROGRESS, {})])
    for period in (JAN, FEB):  # both periods have their partitions: the next computation swaps them
        S.compute_period(period, now=NOW, fast=True)

    # Meet once both sessions have created their summary stage, then go on (a fix that makes the
    # second session wait before its stage just lets the first one go on after the timeout).
    both_staged = threading.Barrier(2, timeout=5)
    real_new_stage = partitions.new_stage

    def new_stage_then_meet(cur, table, period):
        stage = real_new_stage(cur, table, period)
        if table == PS:
            try:
                both_staged.wait()
            except threading.BrokenBarrierError:
                pass
        return stage

    monkeypatch.setattr(partitions, "new_stage", new_stage_then_meet)
    errors: dict[str, BaseException] = {}

    def run(period):
        try:
            S.compute_period(period, now=NOW, fast=True)
        except BaseException as exc:  # noqa: BLE001  (reported by the assertion below)
            errors[period.key] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(p,)) for p in (JAN, FEB)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == {}
    assert row(tree["ROOT"], JAN, d).reports == 1 and row(tree["ROOT"], FEB, d).reports == 1


@pytest.mark.django_db(transaction=True)
def test_a_subtree_refresh_during_a_whole_tree_swap_both_finish(drop_new_partitions, monkeypatch):
    """A report's refresh (portable path, any period) overlapping the nightly run's swap of another period.

    The refresh deletes its target values, then its summaries; the swap locks both tables in
    that order and replaces both partitions. Either may wait; neither may fail.
    """
    postgres_only()
    tree = make_tree()
    d = DirectiveFactory()
    AssignmentFactory(directive=d, organization=tree["ROOT"], frequency="month", reporter_kind=OrgKind.CELL,
                      start=dt.date(2019, 1, 1))
    report(tree["A1a"], period=JAN, submitted=at(2019, 2, 2), links=[(d, Assessment.DONE, {})])
    report(tree["A1b"], period=FEB, submitted=at(2019, 3, 2), links=[(d, Assessment.IN_PROGRESS, {})])
    for period in (JAN, FEB):
        S.compute_period(period, now=NOW, fast=True)

    # Meet when the swap has replaced the summary partition and the refresh has run its first
    # delete, then go on (a fix that makes one side wait earlier lets the other go on after 5 s).
    meeting = threading.Barrier(2, timeout=5)

    def meet():
        try:
            meeting.wait()
        except threading.BrokenBarrierError:
            pass

    real_swap, real_delete, swapped = partitions.swap, S._delete_rows, []

    def swap_then_meet(cur, period, stages):
        real_swap(cur, period, stages)
        if not swapped:
            swapped.append(period)
            meet()

    class MeetAfterFirstStatement:
        def __init__(self, cur):
            self.cur, self.statements = cur, 0

        def execute(self, *args, **kwargs):
            out = self.cur.execute(*args, **kwargs)
            self.statements += 1
            if self.statements == 1:
                meet()
            return out

        def __getattr__(self, name):
            return getattr(self.cur, name)

    def delete_then_meet(cur, t, scope, params):
        real_delete(MeetAfterFirstStatement(cur), t, scope, params)

    monkeypatch.setattr(partitions, "swap", swap_then_meet)
    monkeypatch.setattr(S, "_delete_rows", delete_then_meet)
    errors: dict[str, BaseException] = {}

    def run(name, **kwargs):
        try:
            S.compute_period(now=NOW, **kwargs)
        except BaseException as exc:  # reported by the assertion below
            errors[name] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=("nightly FEB",), kwargs={"period": FEB, "fast": True}),
               threading.Thread(target=run, args=("refresh JAN",), kwargs={"period": JAN, "org": tree["A"]})]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == {}
    assert row(tree["ROOT"], JAN, d).reports == 1 and row(tree["ROOT"], FEB, d).reports == 1


@pytest.mark.django_db(transaction=True)
def test_the_tree_and_the_register_stay_readable_while_a_period_is_swapped(drop_new_partitions, monkeypatch):
    """Every page reads organisations (scope) and directives; a swap must not lock them.

    The swap's transaction is held open just before its commit; meanwhile another session
    reads the organisation tree, the directive register and the targets, with a 2 s lock timeout.
    """
    postgres_only()
    tree = make_tree()
    d = DirectiveFactory()
    TargetFactory(directive=d, name="sum")
    AssignmentFactory(directive=d, organization=tree["ROOT"], frequency="month", reporter_kind=OrgKind.CELL,
                      start=dt.date(2019, 1, 1))
    report(tree["A1a"], period=JAN, submitted=at(2019, 2, 2), links=[(d, Assessment.DONE, {})])
    S.compute_period(JAN, now=NOW, fast=True)  # January has its partitions: the next run replaces them

    swapped, release = threading.Event(), threading.Event()
    real_swap = partitions.swap

    def swap_and_hold(cur, period, stages):
        real_swap(cur, period, stages)
        swapped.set()
        release.wait(30)

    monkeypatch.setattr(partitions, "swap", swap_and_hold)
    errors: dict[str, BaseException] = {}

    def nightly():
        try:
            S.compute_period(JAN, now=NOW, fast=True)
        except BaseException as exc:  # reported by the assertion below
            errors["nightly"] = exc
            swapped.set()
        finally:
            connections.close_all()

    worker = threading.Thread(target=nightly)
    worker.start()
    try:
        assert swapped.wait(30)
        errors.update(_reads_within_lock_timeout({m.__name__: m.objects.count for m in (Organization, Directive, Target)}))
    finally:
        release.set()
        worker.join(60)
    assert errors == {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fast", [True, False], ids=["bulk", "portable"])
def test_the_summaries_stay_readable_while_a_new_period_is_computed(drop_new_partitions, monkeypatch, fast):
    """The first computation of a period creates its partitions; readers must not wait for it.

    A new partition is locked exclusively until its transaction commits. Created inside the
    period's transaction, it made every reader of the summaries (every dashboard page) wait
    for the whole computation — and a reader that had reached it deadlocked with the swap
    (seen on the national dataset: the run was killed by the deadlock detector). The period's
    transaction is held open here just before its end while another session reads both
    tables with a 2 s lock timeout; then the computation must finish.
    """
    postgres_only()
    tree = make_tree()
    d = DirectiveFactory()
    TargetFactory(directive=d, name="sum")
    AssignmentFactory(directive=d, organization=tree["ROOT"], frequency="month", reporter_kind=OrgKind.CELL,
                      start=dt.date(2019, 1, 1))
    may = P.parse_period("2019-05")
    report(tree["A1a"], period=may, submitted=at(2019, 6, 2), links=[(d, Assessment.DONE, {})])
    for table in (TP, PS):  # May's partitions may be left by an earlier test: start without them
        if partitions.partition_name(table, may) in _children(table):
            _drop_partition(table, partitions.partition_name(table, may))
    assert partitions.partition_name(PS, may) not in _children(PS)

    held, release = threading.Event(), threading.Event()
    if fast:
        real_swap = partitions.swap

        def hold_then_swap(cur, period, stages):
            held.set()
            release.wait(30)
            real_swap(cur, period, stages)

        monkeypatch.setattr(partitions, "swap", hold_then_swap)
    else:
        real_count = S._count_rows

        def count_then_hold(cur, t, scope, params):
            rows = real_count(cur, t, scope, params)
            held.set()
            release.wait(30)
            return rows

        monkeypatch.setattr(S, "_count_rows", count_then_hold)
    errors: dict[str, BaseException] = {}

    def compute():
        try:
            S.compute_period(may, now=NOW, fast=fast)
        except BaseException as exc:  # noqa: BLE001  (reported by the assertion below)
            errors["compute"] = exc
            held.set()
        finally:
            connections.close_all()

    worker = threading.Thread(target=compute)
    worker.start()
    try:
        assert held.wait(30)
        errors.update(_reads_within_lock_timeout({
            m.__name__: m.objects.filter(period_kind=may.kind, period_start=may.start).count
            for m in (ProgressSummary, TargetProgress)}))
    finally:
        release.set()
        worker.join(60)
    assert errors == {}
    assert row(tree["ROOT"], may, d).reports == 1
