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
periods (month/quarter/half/year) *ends* inside it — so a monthly assignment expects its
units once per quarter in the quarterly summary, and a quarterly assignment expects them only
in the month that closes the quarter. It has reported when it has a submitted or accepted
report linked to the directive whose period ends inside the summary period; its due date is
the end of the last frequency period ending in the summary period plus ``due_days``.

The SQL is portable (PostgreSQL and SQLite): substr, length, CASE, COUNT, SUM, MAX, GROUP BY,
window ROW_NUMBER, ``INSERT … SELECT … ON CONFLICT DO UPDATE``.

PostgreSQL, whole tree (``fast``, the default there): an (organisation → every ancestor, itself
included) temp table replaces the ``LIKE`` join of the expectations and the level-by-level
upserts; own rows go to temp tables and each ancestor's row is Σ own rows of its subtree, inserted
in one plain ``INSERT`` (the period's range was emptied first). Same rows as the portable path
(``fast=False``; tests compare both). Subtree and incremental refreshes use the portable path.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from organizations.models import Organization
from resolutions import periods as P
from resolutions.models import (
    Assignment,
    PeriodClose,
    ProgressSummary,
    Target,
    TargetProgress,
)
from resolutions.periods import Period

from .models import ImplementationLink, Report, ReportStatus, TargetContribution

logger = logging.getLogger(__name__)

COUNTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
STEP = Organization.steplen

SUM_COLUMNS = (
    "expected_units", "reported_units", "reporting_units", "reports",
    "links_not_started", "links_in_progress", "links_behind", "links_done",
    "units_on_time", "units_late", "units_pending", "units_overdue",
)
INSERT_COLUMNS = (
    "directive_id", "organization_id", "period_kind", "period_start", "period_end", *SUM_COLUMNS,
    "last_report_date", "is_closed", "amended_after_close", "computed_at",
)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> dict[str, str]:
    return {
        "ps": _q(ProgressSummary._meta.db_table),
        "tp": _q(TargetProgress._meta.db_table),
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
    frequency_period: Period  # the last frequency period ending in the summary period
    due: dt.date

    @property
    def cutoff(self) -> dt.datetime:
        """First instant after the due date (local time): submissions before it are on time."""
        return timezone.make_aware(dt.datetime.combine(self.due + dt.timedelta(days=1), dt.time.min))


def expectations_for(period: Period, *, directive_ids: Iterable[int] | None = None) -> list[Expectation]:
    """Which assignments expect a report in ``period``, with the due date of each."""
    qs = Assignment.objects.filter(start__lte=period.end).select_related("organization").order_by("id")
    if directive_ids is not None:
        qs = qs.filter(directive_id__in=list(directive_ids))
    out = []
    for a in qs:
        ending = [f for f in P.periods_ending_within(a.frequency, period.start, period.end)
                  if f.end >= a.start and (a.end is None or f.start <= a.end)]
        if not ending:
            continue
        last = ending[-1]
        out.append(Expectation(a.id, a.directive_id, a.organization_id, a.organization.path, a.reporter_kind or "",
                               last, last.end + dt.timedelta(days=a.due_days)))
    return out


# --------------------------------------------------------------------------------------
# SQL builders
# --------------------------------------------------------------------------------------
def _period_params(period: Period, now: dt.datetime) -> dict:
    return {
        "kind": period.kind, "p_start": _d(period.start), "p_end": _d(period.end),
        "now": _ts(now), "false": False, "s_submitted": ReportStatus.SUBMITTED, "s_accepted": ReportStatus.ACCEPTED,
    }


def _own_summary_sql(t, scope: Scope, exps: list[Expectation], *, into: str | None = None,
                     fast: bool = False) -> tuple[str, dict]:
    """``INSERT … SELECT`` of the own rows into ``into`` (default: the summary table).

    ``fast`` (PostgreSQL, whole tree): expected units are found through the ancestor table
    ``sf_anc`` (hash joins) instead of a ``LIKE`` per assignment over every organisation.
    """
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
            values.append(f"(%(e{i}_d)s, %(e{i}_p)s, %(e{i}_k)s, %(e{i}_o)s, %(e{i}_c)s)")
            params.update({f"e{i}_d": e.directive_id, f"e{i}_p": e.org_path + "%", f"e{i}_k": e.reporter_kind,
                           f"e{i}_o": e.org_id, f"e{i}_c": _ts(e.cutoff)})
        prefix = f"WITH exp (directive_id, org_pattern, reporter_kind, org_id, cutoff) AS (VALUES {', '.join(values)})\n"
        unit_scope = scope.sql("o.id", t)
        unit_join = (f"JOIN {ANC} a ON a.anc_id = e.org_id JOIN {t['org']} o ON o.id = a.org_id "
                     "AND o.kind = e.reporter_kind" if fast else
                     f"JOIN {t['org']} o ON o.kind = e.reporter_kind AND o.path LIKE e.org_pattern")
        valid = ("(o.valid_to IS NULL OR o.valid_to >= %(p_start)s) "
                 "AND (o.valid_from IS NULL OR o.valid_from <= %(p_end)s)")
        body = f"""{links_part}
        UNION ALL
        SELECT x.directive_id, x.unit_id, 1, CASE WHEN s.first_sub IS NULL THEN 0 ELSE 1 END, 0, 0, 0, 0, 0, 0,
               CASE WHEN s.first_sub IS NOT NULL AND s.first_sub < x.cutoff THEN 1 ELSE 0 END,
               CASE WHEN s.first_sub IS NOT NULL AND s.first_sub >= x.cutoff THEN 1 ELSE 0 END,
               CASE WHEN s.first_sub IS NULL AND %(now)s < x.cutoff THEN 1 ELSE 0 END,
               CASE WHEN s.first_sub IS NULL AND %(now)s >= x.cutoff THEN 1 ELSE 0 END,
               NULL
        FROM (
            SELECT xx.directive_id, xx.unit_id, MIN(xx.cutoff) AS cutoff FROM (
                SELECT e.directive_id AS directive_id, o.id AS unit_id, e.cutoff AS cutoff
                FROM exp e {unit_join}
                WHERE e.reporter_kind <> '' AND {valid} {unit_scope}
                UNION ALL
                SELECT e.directive_id, o.id, e.cutoff
                FROM exp e JOIN {t['org']} o ON o.id = e.org_id
                WHERE e.reporter_kind = '' AND {valid} {unit_scope}
            ) xx GROUP BY xx.directive_id, xx.unit_id
        ) x
        LEFT JOIN (
            SELECT l.directive_id AS directive_id, r.organization_id AS organization_id, MIN(r.submitted_at) AS first_sub
            FROM {t['link']} l JOIN {t['report']} r ON r.id = l.report_id
            WHERE r.status IN (%(s_submitted)s, %(s_accepted)s)
              AND r.period_end >= %(p_start)s AND r.period_end <= %(p_end)s {link_scope}
            GROUP BY l.directive_id, r.organization_id
        ) s ON s.directive_id = x.directive_id AND s.organization_id = x.unit_id"""
    sql = f"""{prefix}INSERT INTO {into or t['ps']} ({', '.join(INSERT_COLUMNS)})
        SELECT u.directive_id, u.organization_id, %(kind)s, %(p_start)s, %(p_end)s,
               SUM(u.expected), SUM(u.reported), MAX(u.reporting), SUM(u.reports),
               SUM(u.ns), SUM(u.ip), SUM(u.bh), SUM(u.dn),
               SUM(u.on_time), SUM(u.late), SUM(u.pending), SUM(u.overdue),
               MAX(u.last_date), %(false)s, 0, %(now)s
        FROM ({body}) u
        GROUP BY u.directive_id, u.organization_id"""
    return sql, params


ANC = "sf_anc"          # temp: (org_id, anc_id) for every organisation and each of its ancestors, itself included
OWN = "sf_own"          # temp: the period's own summary rows
OWN_TP = "sf_own_tp"    # temp: the period's own target values
ROLL = "sf_roll"        # temp: the period's rolled-up rows, with their ids


# A target's value in one unit: sum, highest, or the latest report's value (rn = 1), by its rule.
_TARGET_VALUE = """CASE WHEN z.aggregation = 'max' THEN MAX(z.value)
                    WHEN z.aggregation = 'latest' THEN SUM(CASE WHEN z.rn = 1 THEN z.value ELSE 0 END)
                    ELSE SUM(z.value) END"""


def _own_targets_fast_sql(t) -> str:
    """Own target values per (directive, organisation, target) into ``sf_own_tp`` (whole tree)."""
    return f"""INSERT INTO {OWN_TP} (directive_id, organization_id, target_id, aggregation, value, contributions)
        SELECT z.directive_id, z.organization_id, z.target_id, z.aggregation,
               {_TARGET_VALUE},
               COUNT(*)
        FROM (
            SELECT c.target_id AS target_id, c.value AS value, tg.aggregation AS aggregation,
                   l.directive_id AS directive_id, r.organization_id AS organization_id,
                   CASE WHEN tg.aggregation = 'latest' THEN
                       ROW_NUMBER() OVER (PARTITION BY r.organization_id, c.target_id
                                          ORDER BY r.period_end DESC, r.submitted_at DESC, r.id DESC) END AS rn
            FROM {t['contrib']} c
            JOIN {t['link']} l ON l.id = c.link_id
            JOIN {t['report']} r ON r.id = l.report_id
            JOIN {t['target']} tg ON tg.id = c.target_id
            WHERE r.status IN (%(s_submitted)s, %(s_accepted)s)
              AND r.period_end >= %(p_start)s AND r.period_end <= %(p_end)s
        ) z
        GROUP BY z.directive_id, z.organization_id, z.target_id, z.aggregation"""


def _prepare_fast(cur, t) -> None:
    """Temp tables of the PostgreSQL path (dropped at commit): ancestors, own rows, own targets."""
    cur.execute(f"DROP TABLE IF EXISTS {ANC}, {OWN}, {OWN_TP}")  # inside an outer transaction (tests)
    # Big hash joins and aggregates: room in memory, and no JIT compilation per statement.
    cur.execute("SET LOCAL work_mem = '256MB'")
    cur.execute("SET LOCAL jit = off")
    cur.execute(f"CREATE TEMP TABLE {ANC} (org_id bigint NOT NULL, anc_id bigint NOT NULL) ON COMMIT DROP")
    cur.execute(f"SELECT MAX(depth) FROM {t['org']}")
    for depth in range(1, (cur.fetchone()[0] or 0) + 1):
        cur.execute(f"""INSERT INTO {ANC} (org_id, anc_id)
            SELECT o.id, a.id FROM {t['org']} o JOIN {t['org']} a ON a.path = substr(o.path, 1, %(len)s)
            WHERE o.depth >= %(depth)s AND a.depth = %(depth)s""", {"len": STEP * depth, "depth": depth})
    cur.execute(f"ANALYZE {ANC}")
    cur.execute(f"CREATE TEMP TABLE {OWN} ON COMMIT DROP AS SELECT {', '.join(INSERT_COLUMNS)} "
                f"FROM {t['ps']} WHERE false")
    cur.execute(f"""CREATE TEMP TABLE {OWN_TP} (directive_id bigint, organization_id bigint, target_id bigint,
        aggregation varchar(8), value numeric, contributions integer) ON COMMIT DROP""")


def _rollup_all_levels(cur, t, params: dict) -> None:
    """Whole tree in one pass: every own row is added to each of its ancestors' rows (itself included).

    Equal to the level-by-level roll-up (sums and maxima are associative) but plain INSERTs into
    a range emptied by ``_delete_rows``: no ``ON CONFLICT``, one statement per table.
    """
    ps, tp = t["ps"], t["tp"]
    cur.execute(f"ANALYZE {OWN}")
    sums = ", ".join(f"SUM(w.{col})" for col in SUM_COLUMNS)
    # Rolled-up rows, inserted in index order; their ids come back into a small analysed temp
    # table that the target values join (the fresh summary rows have no statistics yet).
    cur.execute(f"DROP TABLE IF EXISTS {ROLL}")
    cur.execute(f"CREATE TEMP TABLE {ROLL} (id bigint, directive_id bigint, organization_id bigint) ON COMMIT DROP")
    cur.execute(f"""WITH ins AS (
            INSERT INTO {ps} ({', '.join(INSERT_COLUMNS)})
            SELECT w.directive_id, a.anc_id, %(kind)s, %(p_start)s, %(p_end)s, {sums},
                   MAX(w.last_report_date), %(false)s, 0, %(now)s
            FROM {OWN} w JOIN {ANC} a ON a.org_id = w.organization_id
            GROUP BY w.directive_id, a.anc_id
            ORDER BY w.directive_id, a.anc_id
            RETURNING id, directive_id, organization_id)
        INSERT INTO {ROLL} (id, directive_id, organization_id) SELECT id, directive_id, organization_id FROM ins""",
                params)
    cur.execute(f"ANALYZE {ROLL}")
    cur.execute(f"""INSERT INTO {tp} (summary_id, target_id, value, contributions)
        SELECT s.id, x.target_id, x.value, x.contributions
        FROM (
            SELECT w.directive_id AS directive_id, a.anc_id AS anc_id, w.target_id AS target_id,
                   CASE WHEN w.aggregation = 'max' THEN MAX(w.value) ELSE SUM(w.value) END AS value,
                   SUM(w.contributions) AS contributions
            FROM {OWN_TP} w JOIN {ANC} a ON a.org_id = w.organization_id
            GROUP BY w.directive_id, a.anc_id, w.target_id, w.aggregation
        ) x
        JOIN {ROLL} s ON s.directive_id = x.directive_id AND s.organization_id = x.anc_id""", params)


def _own_targets_sql(t, scope: Scope) -> str:
    return f"""INSERT INTO {t['tp']} (summary_id, target_id, value, contributions)
        SELECT ps.id, z.target_id,
               {_TARGET_VALUE},
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
        GROUP BY ps.id, z.target_id, z.aggregation"""


def _greater(a: str, b: str) -> str:
    return f"CASE WHEN {a} IS NULL OR ({b} IS NOT NULL AND {b} > {a}) THEN {b} ELSE {a} END"


def _rollup_sql(t, child_filter: str) -> tuple[str, str]:
    """Upsert Σ children into parents: summaries, then target values. ``child_filter`` is on ``co``."""
    ps = t["ps"]
    sums = ", ".join(f"SUM(c.{col})" for col in SUM_COLUMNS)
    updates = ", ".join(f"{col} = {ps}.{col} + excluded.{col}" for col in SUM_COLUMNS)
    summaries = f"""INSERT INTO {ps} ({', '.join(INSERT_COLUMNS)})
        SELECT c.directive_id, po.id, c.period_kind, c.period_start, c.period_end, {sums},
               MAX(c.last_report_date), %(false)s, 0, %(now)s
        FROM {ps} c
        JOIN {t['org']} co ON co.id = c.organization_id
        JOIN {t['org']} po ON po.path = substr(co.path, 1, %(parent_len)s)
        WHERE c.period_kind = %(kind)s AND c.period_start = %(p_start)s AND {child_filter}
        GROUP BY c.directive_id, po.id, c.period_kind, c.period_start, c.period_end
        ON CONFLICT (directive_id, organization_id, period_kind, period_start) DO UPDATE SET {updates},
            last_report_date = {_greater(f'{ps}.last_report_date', 'excluded.last_report_date')}"""
    tp = t["tp"]
    targets = f"""INSERT INTO {tp} (summary_id, target_id, value, contributions)
        SELECT pps.id, ctp.target_id,
               CASE WHEN tg.aggregation = 'max' THEN MAX(ctp.value) ELSE SUM(ctp.value) END,
               SUM(ctp.contributions)
        FROM {tp} ctp
        JOIN {ps} c ON c.id = ctp.summary_id
        JOIN {t['org']} co ON co.id = c.organization_id
        JOIN {t['org']} po ON po.path = substr(co.path, 1, %(parent_len)s)
        JOIN {ps} pps ON pps.directive_id = c.directive_id AND pps.organization_id = po.id
                     AND pps.period_kind = c.period_kind AND pps.period_start = c.period_start
        JOIN {t['target']} tg ON tg.id = ctp.target_id
        WHERE c.period_kind = %(kind)s AND c.period_start = %(p_start)s AND {child_filter}
        GROUP BY pps.id, ctp.target_id, tg.aggregation
        ON CONFLICT (summary_id, target_id) DO UPDATE SET
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
    """From the first reported period end or assignment start to today."""
    first_report = Report.objects.filter(status__in=COUNTED).aggregate(m=Min("period_end"))["m"]
    first_assignment = Assignment.objects.aggregate(m=Min("start"))["m"]
    firsts = [d for d in (first_report, first_assignment) if d]
    if not firsts:
        return None
    last_report = Report.objects.filter(status__in=COUNTED).aggregate(m=Max("period_end"))["m"]
    end = max(d for d in (timezone.localdate(), last_report) if d)
    return min(firsts), end


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
    cur.execute(f"DELETE FROM {t['tp']} WHERE summary_id IN (SELECT id FROM {t['ps']} WHERE {where})", params)
    cur.execute(f"DELETE FROM {t['ps']} WHERE {where}", params)


def _rollup_subtree(cur, t, params: dict, prefix: str | None, top_depth: int, *, fast: bool = False) -> None:
    """Roll every level up to ``top_depth`` (the subtree root's depth, 1 for the whole tree)."""
    if fast:
        _rollup_all_levels(cur, t, params)
        return
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
    if fast is None:
        fast = connection.vendor == "postgresql"
    return fast and org is None


def compute_period(period: Period, *, org: Organization | None = None, now: dt.datetime | None = None,
                   fast: bool | None = None) -> PeriodResult:
    """Recompute one period for the whole tree, or for ``org``'s subtree and its ancestors.

    One transaction; a closed period is not recomputed, only its amendment counts refreshed.
    ``fast`` (default: on PostgreSQL for the whole tree) uses the one-pass roll-up over temp
    tables; ``fast=False`` forces the portable level-by-level path (same rows).
    """
    fast = _use_fast(fast, org)
    started = time.monotonic()
    now = now or timezone.now()
    t = _tables()
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
            _delete_rows(cur, t, scope, params)
            if fast:
                _prepare_fast(cur, t)
                sql, exp_params = _own_summary_sql(t, scope, expectations_for(period), into=OWN, fast=True)
                cur.execute(sql, {**params, **exp_params})
                cur.execute(_own_targets_fast_sql(t), params)
                _rollup_subtree(cur, t, params, None, 1, fast=True)
                rows = _count_rows(cur, t, scope, params)
                return PeriodResult(period, rows, time.monotonic() - started)
            sql, exp_params = _own_summary_sql(t, scope, expectations_for(period))
            cur.execute(sql, {**params, **exp_params})
            cur.execute(_own_targets_sql(t, scope), params)
            _rollup_subtree(cur, t, params, org.path if org else None, org.depth if org else 1)
            for ancestor in reversed(ancestors):
                _rollup_into(cur, t, params, ancestor.path, ancestor.depth)
            rows = _count_rows(cur, t, scope, params)
    return PeriodResult(period, rows, time.monotonic() - started)


def summaries_compute(*, period_kind: str | None = None, start: dt.date | None = None, end: dt.date | None = None,
                      org: Organization | None = None, kinds: Iterable[str] | None = None,
                      now: dt.datetime | None = None, fast: bool | None = None) -> ComputeResult:
    """Recompute every summary period (of ``period_kind``, or every kind) overlapping [start, end].

    Defaults: every kind, from the first reported period or assignment to today. Closed
    periods are left as they are (amendment counts aside). Each period is its own transaction.
    """
    started = time.monotonic()
    if start is None or end is None:
        rng = data_range()
        if rng is None:
            return ComputeResult()
        start, end = start or rng[0], end or rng[1]
    kinds = [period_kind] if period_kind else list(kinds or P.KINDS)
    result = ComputeResult()
    for period in P.all_periods_overlapping(start, end, kinds):
        result.periods.append(compute_period(period, org=org, now=now, fast=fast))
    result.seconds = time.monotonic() - started
    return result


def open_periods(*, start: dt.date, end: dt.date, kinds: Iterable[str] = P.KINDS) -> list[Period]:
    closed = set(PeriodClose.objects.values_list("period_kind", "period_start"))
    return [p for p in P.all_periods_overlapping(start, end, list(kinds)) if (p.kind, p.start) not in closed]


def summaries_compute_open(*, now: dt.datetime | None = None) -> ComputeResult:
    """The nightly job: recompute every period that is not closed, from the first data to today."""
    started = time.monotonic()
    rng = data_range()
    result = ComputeResult()
    if rng is None:
        return result
    for period in open_periods(start=rng[0], end=rng[1]):
        result.periods.append(compute_period(period, now=now))
    result.seconds = time.monotonic() - started
    return result


# --------------------------------------------------------------------------------------
# Incremental refresh after a report changes state
# --------------------------------------------------------------------------------------
def summaries_refresh_for_report(*, report_id: int, now: dt.datetime | None = None) -> list[PeriodResult]:
    """Recompute the summaries of the report's organisation and its ancestors, for its periods.

    Per period kind: the period containing the report's ``period_end``; the chain's own rows
    are rebuilt and each ancestor becomes own + Σ direct children (a few hundred rows read
    per level). Closed periods keep their figures; their amendment count is refreshed.
    """
    report = Report.objects.select_related("organization").filter(pk=report_id).first()
    if report is None:
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
def period_close(*, period: Period, now: dt.datetime | None = None) -> PeriodClose:
    """Compute a period one last time and freeze it. Idempotent: closing twice changes nothing."""
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


def periods_close_due(*, days_after_end: int = 10, today: dt.date | None = None,
                      now: dt.datetime | None = None) -> list[PeriodClose]:
    """Close every open period that ended at least ``days_after_end`` days ago (each its own transaction)."""
    return [period_close(period=p, now=now) for p in periods_due_for_close(days_after_end=days_after_end, today=today)]


# --------------------------------------------------------------------------------------
# Reads used by documents and views
# --------------------------------------------------------------------------------------
def summary_rows(*, organization: Organization, period: Period):
    """The organisation's summaries for a period, one per directive, with target values."""
    return (ProgressSummary.objects.filter(organization=organization, period_kind=period.kind,
                                           period_start=period.start)
            .select_related("directive").prefetch_related("target_values__target")
            .order_by("directive__kind", "directive__number", "directive_id"))
