"""Whole-tree progress summaries on PostgreSQL: each period built into a fresh partition and swapped in.

Same rows as the portable path of :mod:`meetings.summaries` (tests compare the two on random
trees); this is how a national period (~2 M rows from ~3.4 M links) is computed in seconds:

1. **Run tables** (:class:`BulkRun`, once for all the periods of a computation): every
   organisation with its parent and depth, and every (organisation, ancestor) pair; then, per
   period inside its locked transaction, the counted links and target contributions.
2. **Own rows** per (directive, organisation): the links of the period aggregated, full-joined
   with the units expected to report (assignments × the units of their reporter kind below the
   assigned organisation), each classified over every report due from it in the period
   (missing > pending > late > on time: the rule of :mod:`meetings.summaries`).
3. **Roll-up level by level**, deepest first: a level's rows are its own rows plus its children's
   rows summed by parent — each row is read once per level it passes, not once per ancestor.
4. **Write**: the rows go, in unit order, into an empty table shaped like the summary table (no index yet), the
   keys and indexes are built in bulk, and the table replaces the period's partition
   (:mod:`resolutions.partitions`). Target values follow the same way. One transaction (a new
   period's empty partitions, and the stages, are committed before it): a killed worker
   leaves the previous partition in place, readers see the old figures until commit.

Steps 1–4 up to the indexes run in ``settings.SUMMARY_BULK_SESSIONS`` database sessions at
once, each on its share of the directives (:func:`plan_shares`), in the snapshot the period's
transaction exported after taking the period's lock (:class:`BulkRun`): a national year went
from 77 s in one session to 45 s in two on a 2-core machine.
"""
from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from organizations.models import ORG_LEVELS, Organization
from resolutions import partitions
from resolutions.models import SUMMARY_FIGURES
from resolutions.periods import Period

STEP = Organization.steplen

#: The additive figures of a summary row.
SUMS = SUMMARY_FIGURES

def level_sql(kind_column: str) -> str:
    """SQL of a unit's administrative level (``ORG_LEVELS``) from its kind, for ``unit_level``."""
    cases = " ".join(f"WHEN '{str(getattr(kind, 'value', kind))}' THEN {int(level)}" for kind, level in ORG_LEVELS.items())
    return f"(CASE {kind_column} {cases} ELSE 4 END)"


ORG, ANC, FACT, FACT_TP, EXP = "sb_org", "sb_anc", "sb_fact", "sb_fact_tp", "sb_exp"
OWN, ROLL, OWN_TP, ROLL_TP = "sb_own", "sb_roll", "sb_own_tp", "sb_roll_tp"


class BulkRun:
    """The tree as temp tables, shared by the periods of one whole-tree computation.

    Session-local temp tables: invisible to other sessions, dropped on exit (or with the
    connection if the process dies). A unit moved while a run is going is seen where it was
    when the run started (the next run places it right). The reports and links, on the
    contrary, are read by each period inside its own locked transaction (:func:`facts`): a
    report submitted during a long run is never overwritten by an older copy.

    With ``sessions`` > 1 (``settings.SUMMARY_BULK_SESSIONS``) and no transaction open around
    the run, the run owns that many helper sessions, each a thread with its own connection
    and its own copy of these tables: a period's directives are shared out between them, and
    the database server works on every core (one session's statements use one: the planner
    finds no parallel plan worth having for aggregates that reduce their input only by half).
    Inside a caller's transaction the work stays in this session, which alone sees that
    transaction's uncommitted rows.
    """

    def __init__(self, t: dict[str, str], start: dt.date, end: dt.date, periods: int = 1,
                 sessions: int | None = None) -> None:
        self.t, self.start, self.end, self.periods = t, start, end, periods
        if sessions is None:
            sessions = settings.SUMMARY_BULK_SESSIONS
        self.sessions = sessions if sessions > 1 and not connection.in_atomic_block else 1
        self.helpers: list[ThreadPoolExecutor] = []
        self.links: dict[int, int] = {}
        self.max_depth = 0

    def __enter__(self) -> BulkRun:
        if self.sessions == 1:
            self.max_depth = _open_session(self.t)
            return self
        self.helpers = [ThreadPoolExecutor(1, thread_name_prefix=f"summaries-share-{i}") for i in range(self.sessions)]
        try:
            trees = [h.submit(_open_session, self.t, True) for h in self.helpers]
            with connection.cursor() as cur:
                self.links = link_counts(cur, self.t)
            self.max_depth = max(_gather(trees))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if not self.helpers:
            _close_session()
            return
        for helper in self.helpers:
            helper.submit(_close_session)
            helper.shutdown(wait=True)
        self.helpers = []


def _gather(futures: list[Future]) -> list:
    """Every result, once all have finished (none left running on a failure); the first error raised."""
    wait(futures)
    return [f.result() for f in futures]


def _open_session(t: dict[str, str], helper: bool = False) -> int:
    """This session's settings and tree tables (see :class:`BulkRun`); the tree's depth.

    A helper session plans no parallel workers: the helpers already keep every core busy,
    and a parallel scan's workers would only take turns with them.
    """
    with connection.cursor() as cur:
        _drop(cur)
        # Big sorts and hash aggregates in memory, temp tables in local buffers (only takes
        # effect before the session's first temp table), no JIT compilation per statement.
        # Reset on exit; the connection is closed after a run, which frees the buffers.
        cur.execute("SET work_mem = '512MB'")
        # maintenance_work_mem stays at its default: the parallel index builds of a partition
        # were slower with 512MB (one big in-memory sort per worker) than with 64MB runs.
        cur.execute("SET temp_buffers = '1GB'")
        cur.execute("SET jit = off")
        if helper:
            cur.execute("SET max_parallel_workers_per_gather = 0")
        try:
            return _tree(cur, t)
        except BaseException:
            _close_session()
            raise


def _tree(cur, t: dict[str, str]) -> int:
    cur.execute(f"""CREATE TEMP TABLE {ORG} AS
        SELECT o.id, p.id AS parent_id, o.depth, o.kind, {level_sql('o.kind')} AS level, o.valid_from, o.valid_to
        FROM {t['org']} o LEFT JOIN {t['org']} p ON p.path = substr(o.path, 1, length(o.path) - {STEP})""")
    # Each unit with each of its ancestors (itself included), and what an assignment above
    # asks of it: its kind and validity.
    cur.execute(f"""CREATE TEMP TABLE {ANC} (org_id bigint NOT NULL, anc_id bigint NOT NULL,
        kind varchar(20) NOT NULL, valid_from date, valid_to date, parent_id bigint, depth integer, level integer)""")
    cur.execute(f"SELECT COALESCE(MAX(depth), 0) FROM {ORG}")
    max_depth = cur.fetchone()[0]
    for depth in range(1, max_depth + 1):
        cur.execute(f"""INSERT INTO {ANC} (org_id, anc_id, kind, valid_from, valid_to, parent_id, depth, level)
            SELECT o.id, a.id, o.kind, o.valid_from, o.valid_to, o.parent_id, o.depth, o.level
            FROM {ORG} o JOIN {t['org']} u ON u.id = o.id
            JOIN {t['org']} a ON a.path = substr(u.path, 1, %(len)s)
            WHERE o.depth >= %(depth)s AND a.depth = %(depth)s""", {"len": STEP * depth, "depth": depth})
    for table in (ORG, ANC):
        cur.execute(f"ANALYZE {table}")
    return max_depth


def _close_session() -> None:
    with connection.cursor() as cur:
        _drop(cur)
        cur.execute("RESET work_mem")
        cur.execute("RESET jit")
        cur.execute("RESET max_parallel_workers_per_gather")
    if not connection.in_atomic_block:
        connection.close()  # the backend keeps its temp buffers as long as it lives


def _drop(cur) -> None:
    cur.execute(f"DROP TABLE IF EXISTS {ORG}, {ANC}, {FACT}, {FACT_TP}, {EXP}, {OWN}, {ROLL}, {OWN_TP}, {ROLL_TP}")


@dataclass(frozen=True)
class Share:
    """The directives one session computes: ``ids``, or (the last share) every directive but ``others``.

    The last share takes whatever the others do not, so that a directive added while a
    run is going is still counted. ``Share()`` is every directive (a run of one session).
    """

    ids: tuple[int, ...] = ()
    others: tuple[int, ...] | None = ()

    def sql(self, column: str) -> str:
        """A condition on ``column`` (a directive id) true for this share (constant lists: hashed)."""
        if self.others is None:
            return f"{column} IN ({', '.join(str(int(i)) for i in self.ids)})" if self.ids else "false"
        if not self.others:
            return "true"
        return f"{column} NOT IN ({', '.join(str(int(i)) for i in self.others)})"

    def holds(self, directive_id: int) -> bool:
        if self.others is None:
            return directive_id in self.ids
        return directive_id not in self.others


def link_counts(cur, t: dict[str, str]) -> dict[int, int]:
    """Links per directive over all periods: half of how :func:`plan_shares` weighs the work."""
    cur.execute(f"SELECT directive_id, COUNT(*) FROM {t['link']} GROUP BY directive_id")
    return dict(cur.fetchall())


def period_work(cur, period: Period, links: dict[int, int]) -> dict[int, int]:
    """Each directive's work in ``period``: its links, plus its rows in the period's live partition.

    The rows of the last computation tell how many units and ancestors a directive reaches
    (what every step after the links costs); a period computed for the first time is
    weighed by its links alone. A split by directive id gave one session a third more links
    and four times the target contributions; one by links alone, half as many rows again.
    """
    work = dict(links)
    live = partitions.partition_name(partitions.tables()[0], period)
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", [live])
    if cur.fetchone()[0]:
        cur.execute(f"SELECT directive_id, COUNT(*) FROM {connection.ops.quote_name(live)} GROUP BY directive_id")
        for directive_id, rows in cur.fetchall():
            work[directive_id] = work.get(directive_id, 0) + rows
    return work


def plan_shares(work: dict[int, int], sessions: int) -> list[Share]:
    """The directives dealt out to ``sessions`` sessions in shares of about equal ``work``.

    Heaviest first, each to the lightest share so far; the last share also takes every
    directive ``work`` does not name.
    """
    bins: list[list[int]] = [[] for _ in range(sessions)]
    loads = [0] * sessions
    for directive_id, amount in sorted(work.items(), key=lambda item: (-item[1], item[0])):
        lightest = loads.index(min(loads))
        bins[lightest].append(directive_id)
        loads[lightest] += amount
    shares = [Share(ids=tuple(sorted(b)), others=None) for b in bins[:-1]]
    return [*shares, Share(others=tuple(sorted(i for b in bins[:-1] for i in b)))]


def facts(cur, t: dict[str, str], params: dict, share: Share) -> None:
    """The period's counted links of ``share``'s directives, and their target contributions,
    read once for the steps below."""
    cur.execute(f"DROP TABLE IF EXISTS {FACT}, {FACT_TP}")
    cur.execute(f"""CREATE TEMP TABLE {FACT} AS
        SELECT l.id AS link_id, l.report_id, l.directive_id, r.organization_id, o.parent_id, o.depth, o.level, r.period_end,
               r.submitted_at, l.assessment
        FROM {t['link']} l JOIN {t['report']} r ON r.id = l.report_id JOIN {ORG} o ON o.id = r.organization_id
        WHERE r.status IN (%(s_submitted)s, %(s_accepted)s) AND r.period_end >= %(p_start)s AND r.period_end <= %(p_end)s
          AND {share.sql('l.directive_id')}""", params)
    # Contributions joined to the narrow copy above, not to the reports again (their text makes
    # them the biggest table of the database).
    cur.execute(f"""CREATE TEMP TABLE {FACT_TP} AS
        SELECT c.target_id, tg.aggregation, f.directive_id, f.organization_id, f.parent_id, f.depth, f.period_end,
               f.submitted_at, f.report_id, c.value
        FROM {t['contrib']} c JOIN {FACT} f ON f.link_id = c.link_id JOIN {t['target']} tg ON tg.id = c.target_id""")
    for table in (FACT, FACT_TP):
        cur.execute(f"ANALYZE {table}")


def _expectations(cur, exps) -> None:
    """The period's expectations (one per assignment) as a small analysed table.

    A table rather than ``VALUES``: with real statistics the planner drives the join from the
    ancestor pairs instead of multiplying every unit by every expectation of its kind.
    """
    cur.execute(f"DROP TABLE IF EXISTS {EXP}")
    cur.execute(f"""CREATE TEMP TABLE {EXP} (directive_id bigint, org_id bigint, reporter_kind varchar(20),
                                            cutoff timestamptz, f_start date, f_end date)""")
    if exps:
        cur.executemany(f"INSERT INTO {EXP} VALUES (%s, %s, %s, %s, %s, %s)",
                        [(e.directive_id, e.org_id, e.reporter_kind, e.cutoff, e.frequency_period.start,
                          e.frequency_period.end) for e in exps])
    cur.execute(f"ANALYZE {EXP}")


def own_rows(cur, exps, params: dict) -> None:
    """The period's own row of every (directive, organisation) with links or an expectation."""
    _expectations(cur, exps)
    valid = ("(o.valid_to IS NULL OR o.valid_to >= %(p_start)s) "
             "AND (o.valid_from IS NULL OR o.valid_from <= %(p_end)s)")
    cur.execute(f"DROP TABLE IF EXISTS {OWN}")
    cur.execute(f"""CREATE TEMP TABLE {OWN} AS
        WITH lk AS (
            SELECT f.directive_id, f.organization_id, MIN(f.parent_id) AS parent_id, MIN(f.depth) AS depth,
                   MIN(f.level) AS level, COUNT(*)::int AS reports,
                   (COUNT(*) FILTER (WHERE f.assessment = 'not_started'))::int AS ns,
                   (COUNT(*) FILTER (WHERE f.assessment = 'in_progress'))::int AS ip,
                   (COUNT(*) FILTER (WHERE f.assessment = 'behind'))::int AS bh,
                   (COUNT(*) FILTER (WHERE f.assessment = 'done'))::int AS dn,
                   MAX(f.period_end) AS last_date, MIN(f.submitted_at) AS first_sub
            FROM {FACT} f WHERE f.period_end >= %(p_start)s AND f.period_end <= %(p_end)s
            GROUP BY f.directive_id, f.organization_id),
        exd AS (
            SELECT DISTINCT directive_id, org_id, reporter_kind, f_start, f_end, cutoff FROM {EXP}),
        akey AS (
            SELECT directive_id, org_id, reporter_kind,
                   COUNT(*) FILTER (WHERE %(now)s >= cutoff) AS n_past,
                   COUNT(*) FILTER (WHERE %(now)s < cutoff) AS n_future
            FROM exd GROUP BY directive_id, org_id, reporter_kind),
        eu AS (
            SELECT a.directive_id, o.org_id AS unit_id, o.parent_id, o.depth, o.level, a.org_id AS a_org,
                   a.reporter_kind, a.n_past, a.n_future
            FROM akey a JOIN {ANC} o ON o.anc_id = a.org_id AND o.kind = a.reporter_kind
            WHERE a.reporter_kind <> '' AND {valid}
            UNION ALL
            SELECT a.directive_id, o.id, o.parent_id, o.depth, o.level, a.org_id, a.reporter_kind, a.n_past, a.n_future
            FROM akey a JOIN {ORG} o ON o.id = a.org_id
            WHERE a.reporter_kind = '' AND {valid}),
        sub AS (
            SELECT f.directive_id, f.organization_id, f.period_end, MIN(f.submitted_at) AS first_sub
            FROM {FACT} f WHERE f.period_end >= %(p_start)s AND f.period_end <= %(p_end)s
            GROUP BY f.directive_id, f.organization_id, f.period_end),
        rf AS (
            SELECT e.directive_id, s.organization_id AS unit_id, e.org_id AS a_org, e.reporter_kind,
                   e.cutoff, MIN(s.first_sub) AS first_sub
            FROM sub s JOIN exd e ON e.directive_id = s.directive_id
                                  AND s.period_end >= e.f_start AND s.period_end <= e.f_end
            GROUP BY e.directive_id, s.organization_id, e.org_id, e.reporter_kind, e.f_start, e.f_end, e.cutoff),
        rc AS (
            SELECT directive_id, unit_id, a_org, reporter_kind,
                   COUNT(*) FILTER (WHERE %(now)s >= cutoff) AS rep_past,
                   COUNT(*) FILTER (WHERE %(now)s < cutoff) AS rep_future,
                   COUNT(*) FILTER (WHERE first_sub >= cutoff) AS late
            FROM rf GROUP BY directive_id, unit_id, a_org, reporter_kind),
        ex AS (
            SELECT u.directive_id, u.unit_id, MIN(u.parent_id) AS parent_id, MIN(u.depth) AS depth,
                   MIN(u.level) AS level,
                   SUM(u.n_past - COALESCE(r.rep_past, 0)) AS missing,
                   SUM(u.n_future - COALESCE(r.rep_future, 0)) AS pending,
                   SUM(COALESCE(r.late, 0)) AS late
            FROM eu u LEFT JOIN rc r ON r.directive_id = u.directive_id AND r.unit_id = u.unit_id
                                     AND r.a_org = u.a_org AND r.reporter_kind = u.reporter_kind
            GROUP BY u.directive_id, u.unit_id)
        SELECT COALESCE(lk.directive_id, ex.directive_id) AS directive_id,
               COALESCE(lk.organization_id, ex.unit_id) AS organization_id,
               COALESCE(lk.parent_id, ex.parent_id) AS parent_id, COALESCE(lk.depth, ex.depth) AS depth,
               COALESCE(lk.level, ex.level) AS level,
               CASE WHEN ex.unit_id IS NULL THEN 0 ELSE 1 END AS expected_units,
               CASE WHEN ex.missing = 0 AND ex.pending = 0 THEN 1 ELSE 0 END AS reported_units,
               CASE WHEN lk.reports IS NULL THEN 0 ELSE 1 END AS reporting_units,
               COALESCE(lk.reports, 0) AS reports,
               COALESCE(lk.ns, 0) AS links_not_started, COALESCE(lk.ip, 0) AS links_in_progress,
               COALESCE(lk.bh, 0) AS links_behind, COALESCE(lk.dn, 0) AS links_done,
               CASE WHEN ex.missing = 0 AND ex.pending = 0 AND ex.late = 0 THEN 1 ELSE 0 END AS units_on_time,
               CASE WHEN ex.missing = 0 AND ex.pending = 0 AND ex.late > 0 THEN 1 ELSE 0 END AS units_late,
               CASE WHEN ex.missing = 0 AND ex.pending > 0 THEN 1 ELSE 0 END AS units_pending,
               CASE WHEN ex.missing > 0 THEN 1 ELSE 0 END AS units_overdue,
               lk.last_date AS last_report_date
        FROM lk FULL JOIN ex ON ex.directive_id = lk.directive_id AND ex.unit_id = lk.organization_id""", params)
    cur.execute(f"ANALYZE {OWN}")


def _rollup(cur, own: str, roll: str, keys: tuple[str, ...], sums: tuple[str, ...], maxes: tuple[str, ...],
            max_depth: int, unit_columns: tuple[str, ...] = ()) -> None:
    """Every level from the deepest up: a level's rows are its own rows (table ``own``) plus its
    children's rows added up by parent — ``sums`` summed, ``maxes`` the highest — per ``keys``.

    Each row is read once per level it passes through, never once per ancestor. The deepest
    level has no children: its rows stay in ``own`` (the largest level is never copied);
    ``roll`` receives the levels above it. Rows that only children have take the parent's
    parent, and its ``unit_columns`` (facts of the unit, such as its level), from the tree.
    """
    cur.execute(f"DROP TABLE IF EXISTS {roll}")
    cur.execute(f"CREATE TEMP TABLE {roll} AS SELECT * FROM {own} WHERE false")
    key_cols = ", ".join(f"COALESCE(w.{k}, c.{k})" for k in keys)
    added = [f"COALESCE(w.{c}, 0) + COALESCE(c.{c}, 0)" for c in sums] + [f"GREATEST(w.{c}, c.{c})" for c in maxes]
    grouped = [f"SUM(r.{c}) AS {c}" for c in sums] + [f"MAX(r.{c}) AS {c}" for c in maxes]
    on = " AND ".join(f"c.{k} = w.{k}" for k in keys)
    cols = ", ".join((*keys, "organization_id", "parent_id", "depth", *unit_columns, *sums, *maxes))
    unit = "".join(f"COALESCE(w.{c}, o.{c}), " for c in unit_columns)
    for depth in range(max_depth - 1, 0, -1):
        children = own if depth + 1 == max_depth else roll
        cur.execute(f"""INSERT INTO {roll} ({cols})
            SELECT {key_cols}, COALESCE(w.organization_id, c.organization_id), COALESCE(w.parent_id, o.parent_id),
                   %(depth)s, {unit}{', '.join(added)}
            FROM (SELECT * FROM {own} WHERE depth = %(depth)s) w
            FULL JOIN (SELECT {', '.join(f'r.{k}' for k in keys)}, r.parent_id AS organization_id, {', '.join(grouped)}
                       FROM {children} r WHERE r.depth = %(child)s
                       GROUP BY {', '.join(f'r.{k}' for k in keys)}, r.parent_id) c
              ON {on} AND c.organization_id = w.organization_id
            LEFT JOIN {ORG} o ON w.organization_id IS NULL AND o.id = c.organization_id""",
                    {"depth": depth, "child": depth + 1})


def rollup(cur, max_depth: int) -> None:
    """The summary rows of every level (see :func:`_rollup`)."""
    _rollup(cur, OWN, ROLL, ("directive_id",), SUMS, ("last_report_date",), max_depth, unit_columns=("level",))


def _all_rows(own: str, roll: str, cols: tuple[str, ...], max_depth: int) -> str:
    """Every rolled-up row of the period: the deepest level's own rows and the levels above."""
    names = ", ".join(cols)
    return f"(SELECT {names} FROM {own} WHERE depth = {int(max_depth)} UNION ALL SELECT {names} FROM {roll})"


# A target's value in one unit: sum, highest, or the latest report's value (rn = 1), by its rule.
TARGET_VALUE_SQL = """CASE WHEN z.aggregation = 'max' THEN MAX(z.value)
                    WHEN z.aggregation = 'latest' THEN SUM(CASE WHEN z.rn = 1 THEN z.value ELSE 0 END)
                    ELSE SUM(z.value) END"""


def target_rows(cur, params: dict, max_depth: int) -> None:
    """Own target values per unit (sum / max / each unit's latest), then Σ or max over each subtree.

    A unit's value is split in two columns — ``value_sum`` for targets that add up (sum, and
    latest: the sum of each unit's latest), ``value_max`` for the highest — so that one
    level-by-level roll-up serves every rule. The window that finds each unit's latest
    contribution runs over the "latest" targets' contributions only.
    """
    cur.execute(f"DROP TABLE IF EXISTS {OWN_TP}, {ROLL_TP}")
    cur.execute(f"""CREATE TEMP TABLE {OWN_TP} AS
        SELECT z.directive_id, z.target_id, z.aggregation, z.organization_id, MIN(z.parent_id) AS parent_id,
               MIN(z.depth) AS depth,
               CASE WHEN z.aggregation = 'max' THEN 0 ELSE {TARGET_VALUE_SQL} END AS value_sum,
               COUNT(*)::int AS contributions,
               CASE WHEN z.aggregation = 'max' THEN MAX(z.value) END AS value_max
        FROM (SELECT f.*, NULL::bigint AS rn FROM {FACT_TP} f WHERE f.aggregation <> 'latest'
              UNION ALL
              SELECT f.*, ROW_NUMBER() OVER (PARTITION BY f.organization_id, f.target_id
                                             ORDER BY f.period_end DESC, f.submitted_at DESC, f.report_id DESC)
              FROM {FACT_TP} f WHERE f.aggregation = 'latest') z
        GROUP BY z.directive_id, z.target_id, z.aggregation, z.organization_id""", params)
    _rollup(cur, OWN_TP, ROLL_TP, ("directive_id", "target_id", "aggregation"), ("value_sum", "contributions"),
            ("value_max",), max_depth)


def write(cur, stages: dict[str, str], period: Period, params: dict, max_depth: int) -> int:
    """Add this session's rows of the period to the stages ({table: stage}). Rows written.

    Summary rows are written in unit order: every reader takes a unit's rows, or its
    children's, together (a refresh rolls a unit's children up, a dashboard page shows a
    unit's directives or a parent's units), and in hash order each unit's rows lay on as
    many pages as it has directives — a district's refresh read ~900 pages instead of ~70.
    """
    ps_table, tp_table = partitions.tables()
    stage, tp_stage = connection.ops.quote_name(stages[ps_table]), connection.ops.quote_name(stages[tp_table])
    sums = ", ".join(SUMS)
    cur.execute(f"""INSERT INTO {stage}
            (id, directive_id, organization_id, period_kind, period_start, period_end, unit_level, {sums},
             last_report_date, is_closed, amended_after_close, computed_at)
        SELECT {partitions.next_id_sql(cur, ps_table)}, r.directive_id, r.organization_id, %(kind)s, %(p_start)s, %(p_end)s,
               r.level, {', '.join(f'r.{c}' for c in SUMS)}, r.last_report_date, false, 0, %(now)s
        FROM {_all_rows(OWN, ROLL, ("directive_id", "organization_id", "level", *SUMS, "last_report_date"), max_depth)} r
        ORDER BY r.organization_id""",
                params)
    rows = cur.rowcount
    cur.execute(f"""INSERT INTO {tp_stage}
            (id, summary_id, target_id, organization_id, period_kind, period_start, value, contributions)
        SELECT {partitions.next_id_sql(cur, tp_table)}, s.id, x.target_id, x.organization_id, %(kind)s, %(p_start)s,
               CASE WHEN x.aggregation = 'max' THEN x.value_max ELSE x.value_sum END, x.contributions
        FROM {_all_rows(OWN_TP, ROLL_TP, ("directive_id", "target_id", "aggregation", "organization_id", "value_sum",
                                          "value_max", "contributions"), max_depth)} x
        JOIN {stage} s
          ON s.organization_id = x.organization_id AND s.period_kind = %(kind)s AND s.period_start = %(p_start)s
         AND s.directive_id = x.directive_id
        ORDER BY x.organization_id""", params)
    cur.execute(f"DROP TABLE IF EXISTS {FACT}, {FACT_TP}, {OWN}, {ROLL}, {OWN_TP}, {ROLL_TP}")
    return rows


def build_share(cur, t: dict[str, str], period: Period, exps, params: dict, share: Share, stages: dict[str, str],
                max_depth: int) -> int:
    """``share``'s rows of the period written into the stages. Rows written."""
    facts(cur, t, params, share)
    own_rows(cur, [e for e in exps if share.holds(e.directive_id)], params)
    rollup(cur, max_depth)
    target_rows(cur, params, max_depth)
    return write(cur, stages, period, params, max_depth)


_SNAPSHOT = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


def _helper_share(snapshot: str, *args) -> int:
    """A helper session's share, read in the snapshot of the period's transaction, committed.

    The snapshot was exported by the session that holds the period's lock, after taking it:
    every share sees the same reports and links, none older than the last refresh's.
    """
    if not _SNAPSHOT.match(snapshot):
        raise ValueError(f"unexpected snapshot id {snapshot!r}")
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cur.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        return build_share(cur, *args)


def compute(cur, t: dict[str, str], period: Period, exps, params: dict, run: BulkRun, stages: dict[str, str]) -> int:
    """One period of the whole tree (caller: one transaction, the period's lock held). Rows written.

    Takes the partition-DDL lock first (``partitions.lock_ddl``): whole-tree builds of
    different periods run one at a time, or their swaps would deadlock. The rows are built
    into ``stages`` (``partitions.open_stages``) — by this session, or by the run's helper
    sessions, each its share of the directives, committed before this session indexes the
    stages and swaps them in. A failure anywhere leaves the live partitions as they were.
    """
    partitions.lock_ddl(cur)
    if not run.helpers:
        rows = build_share(cur, t, period, exps, params, Share(), stages, run.max_depth)
    else:
        shares = plan_shares(period_work(cur, period, run.links), len(run.helpers))
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
        rows = sum(_gather([h.submit(_helper_share, snapshot, t, period, exps, params, share, stages, run.max_depth)
                            for h, share in zip(run.helpers, shares, strict=True)]))
    for table, stage in stages.items():
        partitions.finish_stage(cur, table, stage)
    partitions.swap(cur, period, stages)
    return rows
