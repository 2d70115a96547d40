"""Progress summaries: set-based SQL that turns reports and links into ``ProgressSummary`` rows.

``meetings`` owns reports and links, so it computes the summaries and writes them into the
``resolutions`` tables (DESIGN §3: it summarises what it owns and writes downward).

Algorithm (additive roll-up over the materialized path), for one period:

1. **Own rows** — one ``INSERT … SELECT`` per (directive, organisation) from
   * the links of the organisation's *submitted/accepted* reports whose ``period_end`` lies in
     the period (reports, links per assessment, last reporting period end, "reporting" flag);
   * the units *expected* to report (from ``Assignment``: every unit of ``reporter_kind`` in
     the assigned subtree, or the assigned organisation itself when blank), each classified
     the government's four ways against its due date: done on time / done late / not done
     but still within the deadline / overdue.
   Target contributions go to ``TargetProgress`` (sum → sum, max → max, latest → each unit's
   latest contribution).
2. **Roll-up** — from the deepest level to the root, one upsert per level: a parent's row is
   its own row plus the sum of its direct children's rows (the ancestor at depth *d* of a
   node is ``substr(path, 1, 4*d)``). Everything below a unit therefore counts for it.

Each period is written in one transaction (delete the period's rows in scope, insert the new
ones) under a per-period lock, so a killed worker never leaves half a period and two
refreshes never interleave. Closed periods (``PeriodClose``) are never rewritten: only their
``amended_after_close`` count (reports changed after the close) is kept up to date.

An expected unit is expected in a summary period when one of the assignment's frequency
periods (month/quarter/half/year) *ends* inside it — so a monthly assignment expects three
reports of its units in the quarterly summary, and a quarterly assignment expects one only
in the month that closes the quarter. A report is *for* a frequency period when it is
submitted or accepted, linked to the directive, and its reporting period ends inside that
frequency period (and the summary period); it is due by the frequency period's end plus
``due_days``. The unit counts once, classified over every report due from it in the period
(the definitions of ``resolutions.dashboards.figures.GLOSSARY``, also applied by
``meetings.missing``): **missing** ("overdue") when at least one report never came though
its due date has passed; else **pending** when a report not yet due has not come; else
**late** when all came and at least one after its due date; else **on time**. "Reported"
is on time + late.

The SQL is portable (PostgreSQL and SQLite): substr, length, CASE, COUNT, SUM, MAX, GROUP BY,
window ROW_NUMBER, ``INSERT … SELECT … ON CONFLICT DO UPDATE``.

PostgreSQL, whole tree (``fast``, the default there): :mod:`meetings.summaries_bulk` builds
each period into a fresh partition and swaps it in (the tree copied once per run, each
period's links read inside its own lock, the roll-up level by level over temp tables,
indexes built in bulk). Same rows as the portable
path (``fast=False``; tests compare both). Subtree and incremental refreshes use the portable
path, which touches a few hundred rows.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from organizations.actors import require_job_actor
from organizations.models import Organization
from resolutions import partitions
from resolutions import periods as P
from resolutions.models import (
    SUMMARY_FIGURES,
    Assignment,
    PeriodClose,
    ProgressSummary,
    Target,
    TargetProgress,
)
from resolutions.periods import Period

from . import summaries_bulk as bulk
from .models import ImplementationLink, Report, ReportStatus, TargetContribution

logger = logging.getLogger(__name__)

COUNTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
STEP = Organization.steplen

SUM_COLUMNS = SUMMARY_FIGURES  # the additive figures, as the bulk path writes them too
TARGET_VALUE_SQL = bulk.TARGET_VALUE_SQL
INSERT_COLUMNS = (
    "directive_id", "organization_id", "period_kind", "period_start", "period_end", "unit_level", *SUM_COLUMNS,
    "last_report_date", "is_closed", "amended_after_close", "computed_at",
)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> dict[str, str]:
    return {
        "ps": _q(ProgressSummary._meta.db_table),
        "tp": _q(TargetProgress._meta.db_table),
        "ps_name": ProgressSummary._meta.db_table,
        "tp_name": TargetProgress._meta.db_table,
        "org": _q(Organization._meta.db_table),
        "link": _q(ImplementationLink._meta.db_table),
        "report": _q(Report._meta.db_table),
        "contrib": _q(TargetContribution._meta.db_table),
        "target": _q(Target._meta.db_table),
    }


def _d(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


def _ts(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


# --------------------------------------------------------------------------------------
# Scope: which organisations' rows a computation rewrites
# --------------------------------------------------------------------------------------
@dataclass
class Scope:
    """All organisations (both empty), a subtree (``prefix``) and/or explicit ids (ancestors)."""

    prefix: str | None = None
    ids: tuple[int, ...] = ()

    @property
    def everything(self) -> bool:
        return self.prefix is None and not self.ids

    def sql(self, column: str, t: dict[str, str]) -> str:
        """`AND …` restricting ``column`` (an organisation id) to the scope."""
        if self.everything:
            return ""
        parts = []
        if self.prefix is not None:
            parts.append(f"{column} IN (SELECT so.id FROM {t['org']} so WHERE so.path LIKE %(scope_prefix)s)")
        if self.ids:
            parts.append(f"{column} IN ({', '.join(str(int(i)) for i in self.ids)})")
        return " AND (" + " OR ".join(parts) + ")"

    def params(self) -> dict:
        return {"scope_prefix": self.prefix + "%"} if self.prefix is not None else {}


# --------------------------------------------------------------------------------------
# Expectations (from assignments): small, computed in Python per period
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Expectation:
    assignment_id: int
    directive_id: int
    org_id: int
    org_path: str
    reporter_kind: str
    frequency_period: Period  # a frequency period ending in the summary period: one report due
    due: dt.date

    @property
    def cutoff(self) -> dt.datetime:
        """First instant after the due date (local time): submissions before it are on time."""
        return timezone.make_aware(dt.datetime.combine(self.due + dt.timedelta(days=1), dt.time.min))


def expectations_for(period: Period, *, directive_ids: Iterable[int] | None = None) -> list[Expectation]:
    """The reports assignments expect in ``period``: one per assignment and frequency period
    ending inside it (a monthly assignment: three in a quarter), with the due date of each."""
    qs = Assignment.objects.filter(start__lte=period.end).select_related("organization").order_by("id")
    if directive_ids is not None:
        qs = qs.filter(directive_id__in=list(directive_ids))
    out = []
    for a in qs:
        ending = [f for f in P.periods_ending_within(a.frequency, period.start, period.end)
                  if f.end >= a.start and (a.end is None or f.start <= a.end)]
        for f in ending:
            out.append(Expectation(a.id, a.directive_id, a.organization_id, a.organization.path, a.reporter_kind or "",
                                   f, f.end + dt.timedelta(days=a.due_days)))
    return out


# --------------------------------------------------------------------------------------
# SQL builders
# --------------------------------------------------------------------------------------
def _period_params(period: Period, now: dt.datetime) -> dict:
    return {
        "kind": period.kind, "p_start": _d(period.start), "p_end": _d(period.end),
        "now": _ts(now), "false": False, "s_submitted": ReportStatus.SUBMITTED, "s_accepted": ReportStatus.ACCEPTED,
    }


def _own_summary_sql(t, scope: Scope, exps: list[Expectation]) -> tuple[str, dict]:
    """``INSERT … SELECT`` of the own rows of the organisations in ``scope``."""
    params: dict = {}
    link_scope = scope.sql("r.organization_id", t)
    links_part = f"""
        SELECT l.directive_id AS directive_id, r.organization_id AS organization_id,
               0 AS expected, 0 AS reported, 1 AS reporting, COUNT(*) AS reports,
               SUM(CASE WHEN l.assessment = 'not_started' THEN 1 ELSE 0 END) AS ns,
               SUM(CASE WHEN l.assessment = 'in_progress' THEN 1 ELSE 0 END) AS ip,
               SUM(CASE WHEN l.assessment = 'behind' THEN 1 ELSE 0 END) AS bh,
               SUM(CASE WHEN l.assessment = 'done' THEN 1 ELSE 0 END) AS dn,
               0 AS on_time, 0 AS late, 0 AS pending, 0 AS overdue,
               MAX(r.period_end) AS last_date
        FROM {t['link']} l JOIN {t['report']} r ON r.id = l.report_id
        WHERE r.status IN (%(s_submitted)s, %(s_accepted)s)
          AND r.period_end >= %(p_start)s AND r.period_end <= %(p_end)s {link_scope}
        GROUP BY l.directive_id, r.organization_id"""
    if not exps:
        body = links_part
        prefix = ""
    else:
        values = []
        for i, e in enumerate(exps):
            values.append(f"(%(e{i}_d)s, %(e{i}_p)s, %(e{i}_k)s, %(e{i}_o)s, %(e{i}_c)s, %(e{i}_fs)s, %(e{i}_fe)s)")
            params.update({f"e{i}_d": e.directive_id, f"e{i}_p": e.org_path + "%", f"e{i}_k": e.reporter_kind,
                           f"e{i}_o": e.org_id, f"e{i}_c": _ts(e.cutoff), f"e{i}_fs": _d(e.frequency_period.start),
                           f"e{i}_fe": _d(e.frequency_period.end)})
        prefix = ("WITH exp (directive_id, org_pattern, reporter_kind, org_id, cutoff, f_start, f_end) "
                  f"AS (VALUES {', '.join(values)})\n")
        unit_scope = scope.sql("o.id", t)
        unit_join = f"JOIN {t['org']} o ON o.kind = e.reporter_kind AND o.path LIKE e.org_pattern"
        valid = ("(o.valid_to IS NULL OR o.valid_to >= %(p_start)s) "
                 "AND (o.valid_from IS NULL OR o.valid_from <= %(p_end)s)")
        # Per expected unit: each report due from it (one per frequency period; two assignments
        # asking for the same one: the earlier due date), its first submission, then the unit
        # classified over them — missing > pending > late > on time (see the module docstring).
        body = f"""{links_part}
        UNION ALL
        SELECT y.directive_id, y.unit_id, 1, CASE WHEN y.missing = 0 AND y.pending = 0 THEN 1 ELSE 0 END,
               0, 0, 0, 0, 0, 0,
               CASE WHEN y.missing = 0 AND y.pending = 0 AND y.late = 0 THEN 1 ELSE 0 END,
               CASE WHEN y.missing = 0 AND y.pending = 0 AND y.late > 0 THEN 1 ELSE 0 END,
               CASE WHEN y.missing = 0 AND y.pending > 0 THEN 1 ELSE 0 END,
               CASE WHEN y.missing > 0 THEN 1 ELSE 0 END,
               NULL
        FROM (
            SELECT z.directive_id, z.unit_id,
                   SUM(CASE WHEN z.first_sub IS NULL AND %(now)s >= z.cutoff THEN 1 ELSE 0 END) AS missing,
                   SUM(CASE WHEN z.first_sub IS NULL AND %(now)s < z.cutoff THEN 1 ELSE 0 END) AS pending,
                   SUM(CASE WHEN z.first_sub IS NOT NULL AND z.first_sub >= z.cutoff THEN 1 ELSE 0 END) AS late
            FROM (
                SELECT x.directive_id, x.unit_id, x.cutoff, MIN(s.first_sub) AS first_sub
                FROM (
                    SELECT xx.directive_id, xx.unit_id, xx.f_start, xx.f_end, MIN(xx.cutoff) AS cutoff FROM (
                        SELECT e.directive_id AS directive_id, o.id AS unit_id, e.cutoff AS cutoff,
                               e.f_start AS f_start, e.f_end AS f_end
                        FROM exp e {unit_join}
                        WHERE e.reporter_kind <> '' AND {valid} {unit_scope}
                        UNION ALL
                        SELECT e.directive_id, o.id, e.cutoff, e.f_start, e.f_end
                        FROM exp e JOIN {t['org']} o ON o.id = e.org_id
                        WHERE e.reporter_kind = '' AND {valid} {unit_scope}
                    ) xx GROUP BY xx.directive_id, xx.unit_id, xx.f_start, xx.f_end
                ) x
                LEFT JOIN (
                    SELECT l.directive_id AS directive_id, r.organization_id AS organization_id,
                           r.period_end AS period_end, MIN(r.submitted_at) AS first_sub
                    FROM {t['link']} l JOIN {t['report']} r ON r.id = l.report_id
                    WHERE r.status IN (%(s_submitted)s, %(s_accepted)s)
                      AND r.period_end >= %(p_start)s AND r.period_end <= %(p_end)s {link_scope}
                    GROUP BY l.directive_id, r.organization_id, r.period_end
                ) s ON s.directive_id = x.directive_id AND s.organization_id = x.unit_id
                   AND s.period_end >= x.f_start AND s.period_end <= x.f_end
                GROUP BY x.directive_id, x.unit_id, x.f_start, x.f_end, x.cutoff
            ) z GROUP BY z.directive_id, z.unit_id
        ) y"""
    sql = f"""{prefix}INSERT INTO {t['ps']} ({', '.join(INSERT_COLUMNS)})
        SELECT u.directive_id, u.organization_id, %(kind)s, %(p_start)s, %(p_end)s,
               (SELECT {bulk.level_sql('uo.kind')} FROM {t['org']} uo WHERE uo.id = u.organization_id),
               SUM(u.expected), SUM(u.reported), MAX(u.reporting), SUM(u.reports),
               SUM(u.ns), SUM(u.ip), SUM(u.bh), SUM(u.dn),
               SUM(u.on_time), SUM(u.late), SUM(u.pending), SUM(u.overdue),
               MAX(u.last_date), %(false)s, 0, %(now)s
        FROM ({body}) u
        GROUP BY u.directive_id, u.organization_id"""
    return sql, params


def _own_targets_sql(t, scope: Scope) -> str:
    return f"""INSERT INTO {t['tp']} (summary_id, target_id, organization_id, period_kind, period_start,
                                   value, contributions)
        SELECT ps.id, z.target_id, ps.organization_id, ps.period_kind, ps.period_start,
               {TARGET_VALUE_SQL},
               COUNT(*)
        FROM (
            SELECT c.target_id AS target_id, c.value AS value, tg.aggregation AS aggregation,
                   l.directive_id AS directive_id, r.organization_id AS organization_id,
                   ROW_NUMBER() OVER (PARTITION BY r.organization_id, c.target_id
                                      ORDER BY r.period_end DESC, r.submitted_at DESC, r.id DESC) AS rn
            FROM {t['contrib']} c
            JOIN {t['link']} l ON l.id = c.link_id
            JOIN {t['report']} r ON r.id = l.report_id
            JOIN {t['target']} tg ON tg.id = c.target_id
            WHERE r.status IN (%(s_submitted)s, %(s_accepted)s)
              AND r.period_end >= %(p_start)s AND r.period_end <= %(p_end)s {scope.sql('r.organization_id', t)}
        ) z
        JOIN {t['ps']} ps ON ps.directive_id = z.directive_id AND ps.organization_id = z.organization_id
                         AND ps.period_kind = %(kind)s AND ps.period_start = %(p_start)s
        WHERE 1 = 1
        GROUP BY ps.id, ps.organization_id, ps.period_kind, ps.period_start, z.target_id, z.aggregation"""


def _greater(a: str, b: str) -> str:
    return f"CASE WHEN {a} IS NULL OR ({b} IS NOT NULL AND {b} > {a}) THEN {b} ELSE {a} END"


def _rollup_sql(t, child_filter: str) -> tuple[str, str]:
    """Upsert Σ children into parents: summaries, then target values. ``child_filter`` is on ``co``."""
    ps = t["ps"]
    sums = ", ".join(f"SUM(c.{col})" for col in SUM_COLUMNS)
    updates = ", ".join(f"{col} = {ps}.{col} + excluded.{col}" for col in SUM_COLUMNS)
    summaries = f"""INSERT INTO {ps} ({', '.join(INSERT_COLUMNS)})
        SELECT c.directive_id, po.id, c.period_kind, c.period_start, c.period_end, {bulk.level_sql('po.kind')}, {sums},
               MAX(c.last_report_date), %(false)s, 0, %(now)s
        FROM {ps} c
        JOIN {t['org']} co ON co.id = c.organization_id
        JOIN {t['org']} po ON po.path = substr(co.path, 1, %(parent_len)s)
        WHERE c.period_kind = %(kind)s AND c.period_start = %(p_start)s AND {child_filter}
        GROUP BY c.directive_id, po.id, po.kind, c.period_kind, c.period_start, c.period_end
        ON CONFLICT (directive_id, organization_id, period_kind, period_start) DO UPDATE SET {updates},
            last_report_date = {_greater(f'{ps}.last_report_date', 'excluded.last_report_date')}"""
    tp = t["tp"]
    # Children's values added up per (parent, target) first, then matched to the parent's row
    # through the unique index: a handful of rows, whatever the number of children.
    targets = f"""INSERT INTO {tp} (summary_id, target_id, organization_id, period_kind, period_start,
                                value, contributions)
        SELECT pps.id, x.target_id, pps.organization_id, pps.period_kind, pps.period_start, x.value, x.contributions
        FROM (
            SELECT po.id AS org_id, ctp.target_id, tg.directive_id,
                   CASE WHEN tg.aggregation = 'max' THEN MAX(ctp.value) ELSE SUM(ctp.value) END AS value,
                   SUM(ctp.contributions) AS contributions
            FROM {tp} ctp
            JOIN {t['org']} co ON co.id = ctp.organization_id
            JOIN {t['org']} po ON po.path = substr(co.path, 1, %(parent_len)s)
            JOIN {t['target']} tg ON tg.id = ctp.target_id
            WHERE ctp.period_kind = %(kind)s AND ctp.period_start = %(p_start)s AND {child_filter}
            GROUP BY po.id, ctp.target_id, tg.directive_id, tg.aggregation
        ) x
        JOIN {ps} pps ON pps.organization_id = x.org_id AND pps.period_kind = %(kind)s
                     AND pps.period_start = %(p_start)s AND pps.directive_id = x.directive_id
        ON CONFLICT (organization_id, period_kind, period_start, target_id) DO UPDATE SET
            value = CASE WHEN (SELECT tt.aggregation FROM {t['target']} tt WHERE tt.id = excluded.target_id) = 'max'
                         THEN {_greater(f'{tp}.value', 'excluded.value')}
                         ELSE {tp}.value + excluded.value END,
            contributions = {tp}.contributions + excluded.contributions"""
    return summaries, targets


# --------------------------------------------------------------------------------------
# Period bookkeeping
# --------------------------------------------------------------------------------------
def _lock_period(period: Period) -> None:
    """Serialise writers of one period (PostgreSQL advisory lock; SQLite serialises writes anyway)."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"summary:{period.kind}:{period.start.isoformat()}".encode()) - 2**31
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def closed_period(period: Period) -> PeriodClose | None:
    return PeriodClose.objects.filter(period_kind=period.kind, period_start=period.start).first()


def data_range() -> tuple[dt.date, dt.date] | None:
    """From the first reported period end or assignment start to today, within the period bounds.

    Within ``periods.known_bounds``: one row stored before the bounds existed (a report of
    December 9999, whose term would end in year 10 000; one of January 0001, which would make
    the nightly run compute 38,000 periods) must not stop, swamp or even widen the summaries
    of everyone else. Reports outside the bounds are in no period; an assignment starting
    before them counts from their start.
    """
    bounds = P.known_bounds()
    reports = Report.objects.filter(status__in=COUNTED, period_end__range=(bounds.start, bounds.end)).aggregate(
        first=Min("period_end"), last=Max("period_end"))
    first_assignment = Assignment.objects.aggregate(m=Min("start"))["m"]
    firsts = [d for d in (reports["first"], first_assignment) if d]
    if not firsts:
        return None
    end = max(d for d in (timezone.localdate(), reports["last"]) if d)
    return bounds.clip(min(firsts), end)


@dataclass
class PeriodResult:
    period: Period
    rows: int
    seconds: float
    closed: bool = False
    amended: int = 0


@dataclass
class ComputeResult:
    periods: list[PeriodResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.periods)


# --------------------------------------------------------------------------------------
# The computation
# --------------------------------------------------------------------------------------
def _delete_rows(cur, t, scope: Scope, params: dict) -> None:
    where = f"period_kind = %(kind)s AND period_start = %(p_start)s {scope.sql('organization_id', t)}"
    cur.execute(f"DELETE FROM {t['tp']} WHERE {where}", params)
    cur.execute(f"DELETE FROM {t['ps']} WHERE {where}", params)


def _rollup_subtree(cur, t, params: dict, prefix: str | None, top_depth: int) -> None:
    """Roll every level up to ``top_depth`` (the subtree root's depth, 1 for the whole tree)."""
    cur.execute(f"SELECT MAX(depth) FROM {t['org']}" + (" WHERE path LIKE %(scope_prefix)s" if prefix else ""),
                {"scope_prefix": (prefix or "") + "%"})
    max_depth = cur.fetchone()[0] or 0
    for child_depth in range(max_depth, top_depth, -1):
        child_filter = "co.depth = %(child_depth)s" + (" AND co.path LIKE %(scope_prefix)s" if prefix else "")
        level = {**params, "child_depth": child_depth, "parent_len": STEP * (child_depth - 1),
                 "scope_prefix": (prefix or "") + "%"}
        for sql in _rollup_sql(t, child_filter):
            cur.execute(sql, level)


def _rollup_into(cur, t, params: dict, org_path: str, org_depth: int) -> None:
    """Add the rows of ``org``'s direct children to ``org``'s row (one ancestor step)."""
    child_filter = "co.depth = %(child_depth)s AND co.path LIKE %(parent_prefix)s"
    level = {**params, "child_depth": org_depth + 1, "parent_len": STEP * org_depth, "parent_prefix": org_path + "%"}
    for sql in _rollup_sql(t, child_filter):
        cur.execute(sql, level)


def _count_rows(cur, t, scope: Scope, params: dict) -> int:
    cur.execute(f"SELECT COUNT(*) FROM {t['ps']} WHERE period_kind = %(kind)s AND period_start = %(p_start)s "
                f"{scope.sql('organization_id', t)}", {**params, **scope.params()})
    return cur.fetchone()[0]


def _update_amended(cur, t, period: Period, closed_at: dt.datetime, scope: Scope) -> int:
    """Closed period: count, per row, the reports of its subtree changed after the close."""
    params = {**_period_params(period, timezone.now()), "closed_at": _ts(closed_at), "s_draft": ReportStatus.DRAFT,
              **scope.params()}
    cur.execute(f"""UPDATE {t['ps']} SET amended_after_close = (
            SELECT COUNT(*) FROM {t['link']} l
            JOIN {t['report']} r ON r.id = l.report_id
            JOIN {t['org']} o ON o.id = r.organization_id
            WHERE l.directive_id = {t['ps']}.directive_id AND r.status <> %(s_draft)s
              AND r.period_end >= %(p_start)s AND r.period_end <= %(p_end)s AND r.updated_at > %(closed_at)s
              AND o.path LIKE (SELECT po.path FROM {t['org']} po WHERE po.id = {t['ps']}.organization_id) || '%%')
        WHERE period_kind = %(kind)s AND period_start = %(p_start)s {scope.sql('organization_id', t)}""", params)
    return Report.objects.filter(period_end__range=(period.start, period.end), updated_at__gt=closed_at).exclude(
        status=ReportStatus.DRAFT).count()


def _use_fast(fast: bool | None, org: Organization | None) -> bool:
    """The bulk path needs PostgreSQL with partitioned summary tables, and the whole tree."""
    if fast is None:
        fast = connection.vendor == "postgresql"
    return fast and org is None and partitions.enabled()


@contextmanager
def _bulk_run(periods: list[Period], fast: bool) -> Iterator[bulk.BulkRun | None]:
    """The bulk path's run tables over the periods' whole range (nothing on the portable path)."""
    if not fast or not periods:
        yield None
        return
    with bulk.BulkRun(_tables(), min(p.start for p in periods), max(p.end for p in periods),
                      periods=len(periods)) as run:
        yield run


def compute_period(period: Period, *, org: Organization | None = None, now: dt.datetime | None = None,
                   fast: bool | None = None, run: bulk.BulkRun | None = None) -> PeriodResult:
    """Recompute one period for the whole tree, or for ``org``'s subtree and its ancestors.

    One transaction; a closed period is not recomputed, only its amendment counts refreshed.
    ``fast`` (default: on PostgreSQL for the whole tree) builds the period into a fresh
    partition (:mod:`meetings.summaries_bulk`; ``run`` shares its tables between periods);
    ``fast=False`` forces the portable level-by-level path (same rows).
    """
    fast = _use_fast(fast, org)
    if fast and run is None:
        with _bulk_run([period], True) as own_run:
            return compute_period(period, now=now, fast=True, run=own_run)
    started = time.monotonic()
    now = now or timezone.now()
    t = _tables()
    # Closed periods too: their rows must not stay in the default partition, which every new
    # partition's ATTACH has to scan. Committed before the period's transaction (see there).
    partitions.ensure_partitions(period)
    # The bulk path's stages, committed before the transaction too: its helper sessions write
    # into them. Dropped on the way out unless swapped in (a dead process's are swept later).
    stages = partitions.open_stages(period) if fast and closed_period(period) is None else None
    try:
        return _compute_in_transaction(period, org, now, fast, run, stages, t, started)
    finally:
        if stages:
            partitions.close_stages(stages)


def _compute_in_transaction(period: Period, org: Organization | None, now: dt.datetime, fast: bool,
                            run: bulk.BulkRun | None, stages: dict[str, str] | None, t: dict[str, str],
                            started: float) -> PeriodResult:
    """The period's one transaction (see :func:`compute_period`)."""
    with transaction.atomic():
        _lock_period(period)
        closed = closed_period(period)
        ancestors = list(Organization.objects.get_ancestors(org)) if org is not None else []
        scope = Scope(prefix=org.path, ids=tuple(a.id for a in ancestors)) if org is not None else Scope()
        with connection.cursor() as cur:
            if closed is not None:
                amended = 0
                if Report.objects.filter(period_end__range=(period.start, period.end),
                                         updated_at__gt=closed.closed_at).exists():
                    amended = _update_amended(cur, t, period, closed.closed_at, scope)
                return PeriodResult(period, _count_rows(cur, t, scope, _period_params(period, now)),
                                    time.monotonic() - started, closed=True, amended=amended)
            params = {**_period_params(period, now), **scope.params()}
            if fast and stages is not None:  # none if the period was closed at the look before
                rows = bulk.compute(cur, t, period, expectations_for(period), params, run, stages)
                return PeriodResult(period, rows, time.monotonic() - started)
            _delete_rows(cur, t, scope, params)
            sql, exp_params = _own_summary_sql(t, scope, expectations_for(period))
            cur.execute(sql, {**params, **exp_params})
            cur.execute(_own_targets_sql(t, scope), params)
            _rollup_subtree(cur, t, params, org.path if org else None, org.depth if org else 1)
            for ancestor in reversed(ancestors):
                _rollup_into(cur, t, params, ancestor.path, ancestor.depth)
            rows = _count_rows(cur, t, scope, params)
    return PeriodResult(period, rows, time.monotonic() - started)


def _compute_all(periods: list[Period], *, org: Organization | None = None, now: dt.datetime | None = None,
                 fast: bool | None = None) -> ComputeResult:
    started = time.monotonic()
    fast = _use_fast(fast, org)
    result = ComputeResult()
    with _bulk_run(periods, fast) as run:
        for period in periods:
            result.periods.append(compute_period(period, org=org, now=now, fast=fast, run=run))
    result.seconds = time.monotonic() - started
    return result


def summaries_compute(*, actor, period_kind: str | None = None, start: dt.date | None = None, end: dt.date | None = None,
                      org: Organization | None = None, kinds: Iterable[str] | None = None,
                      now: dt.datetime | None = None, fast: bool | None = None) -> ComputeResult:
    """Recompute every summary period (of ``period_kind``, or every kind) overlapping [start, end].

    Defaults: every kind, from the first reported period or assignment to today. Closed
    periods are left as they are (amendment counts aside). Each period is its own transaction.
    """
    require_job_actor(actor)
    if start is None or end is None:
        rng = data_range()
        if rng is None:
            return ComputeResult()
        start, end = start or rng[0], end or rng[1]
    clipped = P.known_bounds().clip(start, end)  # see data_range
    if clipped is None:
        return ComputeResult()
    kinds = [period_kind] if period_kind else list(kinds or P.KINDS)
    return _compute_all(P.all_periods_overlapping(*clipped, kinds), org=org, now=now, fast=fast)


def open_periods(*, start: dt.date, end: dt.date, kinds: Iterable[str] = P.KINDS) -> list[Period]:
    """Periods overlapping [start, end] (cut to the period bounds, see data_range) that are not closed."""
    clipped = P.known_bounds().clip(start, end)
    if clipped is None:
        return []
    closed = set(PeriodClose.objects.values_list("period_kind", "period_start"))
    return [p for p in P.all_periods_overlapping(*clipped, list(kinds)) if (p.kind, p.start) not in closed]


def summaries_compute_open(*, actor, now: dt.datetime | None = None) -> ComputeResult:
    """The nightly job: recompute every period that is not closed, from the first data to today."""
    require_job_actor(actor)
    rng = data_range()
    if rng is None:
        return ComputeResult()
    return _compute_all(open_periods(start=rng[0], end=rng[1]), now=now)


# --------------------------------------------------------------------------------------
# Incremental refresh after a report changes state
# --------------------------------------------------------------------------------------
def summaries_refresh_for_report(*, actor, report_id: int, now: dt.datetime | None = None) -> list[PeriodResult]:
    """Recompute the summaries of the report's organisation and its ancestors, for its periods.

    Per period kind: the period containing the report's ``period_end``; the chain's own rows
    are rebuilt and each ancestor becomes own + Σ direct children (a few hundred rows read
    per level). Closed periods keep their figures; their amendment count is refreshed.
    """
    require_job_actor(actor)
    report = Report.objects.select_related("organization").filter(pk=report_id).first()
    if report is None or not P.known_bounds().contains(report.period_end):
        # A period outside the bounds (stored before they existed) is in no summary period:
        # nothing to refresh, rather than a task failing on a year it cannot compute.
        return []
    now = now or timezone.now()
    org = report.organization
    chain = [*Organization.objects.get_ancestors(org), org]  # root first
    scope = Scope(ids=tuple(o.id for o in chain))
    t = _tables()
    out = []
    for kind in P.KINDS:
        period = P.period_of(kind, report.period_end)
        started = time.monotonic()
        partitions.ensure_partitions(period)  # committed first: see partitions.ensure_partitions
        with transaction.atomic():
            _lock_period(period)
            closed = closed_period(period)
            with connection.cursor() as cur:
                if closed is not None:
                    amended = _update_amended(cur, t, period, closed.closed_at, scope)
                    out.append(PeriodResult(period, len(chain), time.monotonic() - started, closed=True, amended=amended))
                    continue
                params = _period_params(period, now)
                _delete_rows(cur, t, scope, params)
                sql, exp_params = _own_summary_sql(t, scope, expectations_for(period))
                cur.execute(sql, {**params, **exp_params})
                cur.execute(_own_targets_sql(t, scope), params)
                for node in reversed(chain):
                    _rollup_into(cur, t, params, node.path, node.depth)
                out.append(PeriodResult(period, _count_rows(cur, t, scope, params), time.monotonic() - started))
    return out


def enqueue_refresh(report: Report) -> None:
    """Called by the report workflow on submit/accept/return: refresh after the commit."""
    from .tasks import summaries_refresh_for_report_task

    report_id = report.pk
    transaction.on_commit(lambda: summaries_refresh_for_report_task.delay(report_id))


# --------------------------------------------------------------------------------------
# Closing periods ("chốt số liệu")
# --------------------------------------------------------------------------------------
def period_close(*, actor, period: Period, now: dt.datetime | None = None) -> PeriodClose:
    """Compute a period one last time and freeze it. Idempotent: closing twice changes nothing."""
    require_job_actor(actor)
    now = now or timezone.now()
    existing = closed_period(period)
    if existing is not None:
        return existing
    compute_period(period, now=now)
    with transaction.atomic():
        _lock_period(period)
        existing = closed_period(period)
        if existing is not None:
            return existing
        close = PeriodClose.objects.create(period_kind=period.kind, period_start=period.start,
                                           period_end=period.end, closed_at=now)
        ProgressSummary.objects.filter(period_kind=period.kind, period_start=period.start).update(is_closed=True)
    return close


def periods_due_for_close(*, days_after_end: int, today: dt.date | None = None) -> list[Period]:
    today = today or timezone.localdate()
    rng = data_range()
    if rng is None:
        return []
    return [p for p in open_periods(start=rng[0], end=today)
            if p.end + dt.timedelta(days=days_after_end) <= today]


def periods_close_due(*, actor, days_after_end: int = 10, today: dt.date | None = None,
                      now: dt.datetime | None = None) -> list[PeriodClose]:
    """Close every open period that ended at least ``days_after_end`` days ago (each its own transaction)."""
    require_job_actor(actor)
    return [period_close(actor=actor, period=p, now=now) for p in periods_due_for_close(days_after_end=days_after_end, today=today)]


# --------------------------------------------------------------------------------------
# Reads used by documents and views
# --------------------------------------------------------------------------------------
def summary_rows(*, organization: Organization, period: Period):
    """The organisation's summaries for a period, one per directive, with target values."""
    return (ProgressSummary.objects.filter(organization=organization, period_kind=period.kind,
                                           period_start=period.start)
            .select_related("directive").prefetch_related("target_values__target")
            .order_by("directive__kind", "directive__number", "directive_id"))
